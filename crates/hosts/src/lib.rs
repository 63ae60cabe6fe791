//! The hosts that run engine processes, and the agents that join them.
//!
//! A host is the server's own machine (its embedded agent) or a machine
//! whose `sparkplane agent` registered with a host credential that
//! `sparkplane hosts add` issued. This crate owns what the server knows of
//! them and what an agent says to the server:
//!
//! - [`model`]: the durable host document, its states and the agent's report;
//! - [`liveness`]: the pure decisions (who is LOST, what a registration,
//!   a drain or a removal does to a host), tested without processes;
//! - [`registry`]: [`Hosts`], those decisions applied to the store;
//! - [`credential`]: host credentials, kept as a SHA-256 only;
//! - [`agent`]: the loop a `sparkplane agent` runs;
//! - [`work`]: the workers and job drivers the server wants on a host, and
//!   their status;
//! - [`placement`]: the pure choice of a host for each new executor.
//!
//! It sits beside `iam` below `control`: it depends on the store only, and
//! knows nothing of HTTP servers or job runs.

pub mod agent;
pub mod credential;
mod error;
pub mod liveness;
pub mod model;
pub mod placement;
pub mod registry;
mod report;
pub mod work;

pub use error::HostsError;
pub use model::{Host, HostCapacity, HostState, PhysicalLimits, ProcessReport, Report};
pub use registry::Hosts;
pub use report::validate_name;
pub use work::{
    DriverAssignment, DriverExit, DriverStatus, RegionOverride, WorkerAssignment, WorkerStatus, DRIVER_EVENT_LOG_FOLDER,
};
