//! The ground every other folder stands on: errors, time, ids, the
//! configuration and the host's limits, the state machines of applications
//! and job runs, worker capacities, metering, the stored records of
//! applications and runs (the one place runs are updated), and what is left
//! on disk after an attempt and after a run, and the book of drivers placed
//! on agents' hosts (the scheduler, the attempts, the agents' answers and the
//! dashboards all read it).
//!
//! Nothing here imports another folder of this crate: the layers above
//! (`access`, `hive`, `dashboards`, `pool`, `applications`, `runs`,
//! `scheduling`) share these pieces instead of reaching into each other.

pub mod capacity;
pub(crate) mod clock;
pub(crate) mod config;
pub(crate) mod error;
pub mod host;
pub mod ids;
pub mod latency;
pub mod metering;
pub(crate) mod records;
pub(crate) mod remote_drivers;
pub mod retention;
pub(crate) mod run_history;
pub mod state;
