//! Engines run one attempt of a job run as real processes.
//!
//! The control layer decides *when* an attempt runs and what it may hold; an
//! engine decides *how*: it turns the job driver into a command, stages the
//! artifacts into the attempt's work dir, launches the process group,
//! captures its logs and reports how it ended. [`spark`] runs `spark-submit`
//! from a pinned pyspark runtime; [`sail`] runs Sail, the Rust Spark Connect
//! server an interactive session may ask for.

pub mod cds;
pub mod container;
mod error;
pub mod process;
mod pyspark_compat;
pub mod releases;
pub mod resources;
pub mod runtime;
pub mod sail;
pub mod sandbox;
pub mod spark;

pub use error::EngineError;
pub use process::{ExitReport, ProcessGroup};
pub use resources::{ResourceRequest, WorkerSize};
pub use runtime::{RuntimeManager, SparkRuntime, SESSION_RUNTIME};
