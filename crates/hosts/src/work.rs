//! The work an agent runs for the server, and what it says about it.
//!
//! The server's answer to each heartbeat carries the whole set of
//! standalone workers it wants on that host ([`WorkerAssignment`]); the
//! agent starts what is missing and stops what is no longer wanted, and its
//! next report says how each of its workers is doing ([`WorkerStatus`]).
//! Desired state rather than commands: a lost answer or a restarted agent
//! is corrected by the next heartbeat, with nothing to replay.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One Spark standalone worker, sized to host exactly one executor of one
/// elastic run, joining that run's own master.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkerAssignment {
    /// Unique on the server: `<jobRunId>-<attempt>-<index>`.
    pub id: String,
    pub application_id: String,
    pub job_run_id: String,
    /// Which Spark the executors run (the run's release label).
    pub release_label: String,
    /// The run's standalone master, on the server's advertised address.
    pub master_url: String,
    pub cores: u32,
    pub memory_mb: u64,
    /// Where the server keeps its Spark runtimes: the executors' class path
    /// (set by the driver) names jars under it, so the agent installs the
    /// same runtime at the same path.
    pub runtime_dir: String,
    /// The job's executor environment (Python, class path), without
    /// credentials: those come from the agent's loopback proxy.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// The attempt's token for the credentials endpoint. A secret: never
    /// logged, and `Debug` leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials_token: Option<String>,
    /// S3A's region override folder the executors' class path names, with
    /// the endpoint and region to write into it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_override: Option<RegionOverride>,
}

impl std::fmt::Debug for WorkerAssignment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WorkerAssignment")
            .field("id", &self.id)
            .field("job_run_id", &self.job_run_id)
            .field("master_url", &self.master_url)
            .field("cores", &self.cores)
            .field("memory_mb", &self.memory_mb)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionOverride {
    pub folder: String,
    pub endpoint: String,
    pub region: String,
}

/// How one of the agent's workers is doing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkerStatus {
    pub id: String,
    /// An executor was launched there at some point.
    pub hosted: bool,
    /// An executor runs there now.
    pub running: bool,
    /// The worker could not start, or died: why. The server gives its share
    /// back and Spark recovers the executor, if there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
}
