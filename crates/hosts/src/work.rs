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
use sparkplane_api::{Configuration, SparkSubmit};

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

/// One job run's Spark driver, placed on this host: spark-submit in client
/// mode with its executors as threads (`local[N]`), as on the server's own
/// host. The agent builds the launch from the run's own inputs with the same
/// engine code the server uses, and stages its artifacts from `s3://` as the
/// run's execution role, so nothing reaches it through the server's disk.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DriverAssignment {
    /// Unique on the server: `<jobRunId>-<attempt>-driver`.
    pub id: String,
    pub application_id: String,
    pub job_run_id: String,
    pub release_label: String,
    pub job_driver: SparkSubmit,
    #[serde(default)]
    pub application_configuration: Vec<Configuration>,
    #[serde(default)]
    pub job_configuration: Vec<Configuration>,
    /// Spark properties the server sets unless the job does (S3A's
    /// endpoint and credentials provider).
    #[serde(default)]
    pub default_conf: Vec<(String, String)>,
    /// The driver's environment from the server (class path additions),
    /// without credentials: those come from the agent's loopback proxy.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    pub runtime_dir: String,
    /// The attempt's token for the credentials endpoint. A secret: never
    /// logged, and `Debug` leaves it out.
    pub credentials_token: String,
    /// The S3 endpoint staging reads artifacts from, and its region.
    pub s3_endpoint: String,
    pub s3_region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_override: Option<RegionOverride>,
    /// Set when the run is cancelled: stop the driver with this grace
    /// (SIGTERM, then SIGKILL), and keep reporting it until told to forget.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_grace_millis: Option<u64>,
}

impl std::fmt::Debug for DriverAssignment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DriverAssignment")
            .field("id", &self.id)
            .field("job_run_id", &self.job_run_id)
            .field("release_label", &self.release_label)
            .field("stop_grace_millis", &self.stop_grace_millis)
            .finish_non_exhaustive()
    }
}

/// The folder of a remote driver's event log, in its dir on the agent and
/// in the paths its pieces are sent under.
pub const DRIVER_EVENT_LOG_FOLDER: &str = "eventlogs";

/// How one of the agent's drivers is doing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DriverStatus {
    pub id: String,
    /// spark-submit is running.
    pub running: bool,
    /// It exited, and its last logs were sent: how.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit: Option<DriverExit>,
    /// It could not start (a missing entry point, an install that failed):
    /// why, as the run's state details should say it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DriverExit {
    pub code: Option<i32>,
    pub signal: Option<i32>,
}
