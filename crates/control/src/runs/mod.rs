//! Job runs: the API operations on runs, the supervision of each attempt
//! (Spark and HIVE, cold and warm, elastic executors included), retries,
//! tags, and recovery after a restart.
//!
//! Uses `base`, `access`, `hive`, `dashboards` and `pool`; only
//! `scheduling` (which starts attempts) uses it.

pub(crate) mod attempt;
pub(crate) mod elastic;
pub(crate) mod elastic_remote;
pub(crate) mod hive_launch;
pub(crate) mod images;
pub(crate) mod job_runs;
pub mod plan;
pub(crate) mod recovery;
pub(crate) mod recovery_plan;
pub(crate) mod remote_adopt;
pub(crate) mod remote_driver;
pub(crate) mod remote_workers;
pub mod retry;
pub(crate) mod tags;
