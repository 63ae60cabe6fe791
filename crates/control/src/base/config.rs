//! Runtime configuration of the control layer (already resolved from
//! defaults, file, environment and flags by the binary).

use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct ControlConfig {
    pub region: String,
    pub account_id: String,
    pub data_dir: PathBuf,
    /// Where pinned engine runtimes are installed (shared between servers).
    pub runtime_dir: PathBuf,
    /// Python interpreter used for pip installs and PySpark workers.
    pub python: String,
    /// How often a running attempt's logs are uploaded.
    pub log_ship_interval: std::time::Duration,
    /// How long one minute of `idleTimeoutMinutes` lasts: 60 s, shorter only
    /// so that tests can watch an application stop itself.
    pub auto_stop_minute: std::time::Duration,
    /// Where `s3://` lives for jobs: the embedded store's directory, or an
    /// external endpoint, or nowhere.
    pub s3_for_jobs: S3ForJobs,
    /// Logical capacity and physical limits of this host.
    pub host: super::host::HostLimits,
    /// This host's name in the host table (`sparkplane hosts`).
    pub host_name: String,
    /// The address agents' hosts reach this one at, when the API and the S3
    /// endpoint listen there: elastic runs' executors may then go to
    /// agents. `None` keeps every engine process on this host.
    pub advertise_address: Option<String>,
    /// Whether Spark drivers map a class-data-sharing archive of the runtime.
    pub spark_cds: bool,
    /// The host's sandbox around engine processes, and whether Landlock
    /// enforces it (see `sparkplane_engine::sandbox`).
    pub sandbox: sparkplane_engine::sandbox::Sandbox,
    /// Directories under which requests may name local paths (`logUri`,
    /// entry points, dependencies, HIVE query files); canonical, and by
    /// default only `<data>/local`. See `access::local_paths`.
    pub allowed_local_dirs: Vec<PathBuf>,
    /// Spark jobs read and write the embedded store's bucket directories
    /// directly (a viewfs mount) instead of through S3A and the endpoint.
    /// Bypasses every policy: for single-user setups only. Off by default.
    pub direct_bucket_mount: bool,
    /// This server's API as engine processes on this host reach it
    /// (`http://127.0.0.1:PORT`): HIVE workers call its metastore, jobs
    /// fetch their credentials from it. `None` where no API listens (unit
    /// tests).
    pub api_endpoint: Option<String>,
    /// Byte limit of the artifact cache under `<data>/cache` (see
    /// `sparkplane_storage::ArtifactCache`); 0 turns the cache off.
    pub artifact_cache_bytes: u64,
    /// How long a failed attempt's work dir is kept for debugging (see
    /// [`super::retention`]); zero removes it at once, like any other.
    pub keep_failed_work_dirs: std::time::Duration,
    /// How long an ended run's managed logs and dashboard files stay (see
    /// [`super::run_history`]); zero keeps them forever.
    pub run_history_retention: std::time::Duration,
    /// podman, when the host has it: drivers and executors of applications
    /// with custom images run in them. `None` refuses such applications.
    pub containers: Option<sparkplane_engine::container::ContainerEngine>,
}

#[derive(Debug, Clone)]
pub enum S3ForJobs {
    /// No S3 endpoint: `s3://` URIs are refused.
    None,
    /// The embedded endpoint, whose buckets are directories under this root.
    Embedded { root: PathBuf },
    /// An external S3-compatible service (jobs need hadoop-aws on their classpath).
    External { endpoint: String, region: String, path_style: bool },
}

impl ControlConfig {
    pub fn work_dir(&self) -> PathBuf {
        self.data_dir.join("work")
    }

    /// Managed persistence: every job's logs, whether or not it set a logUri.
    pub fn managed_logs_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }

    /// Where a cold session engine's secret waits until the engine has read
    /// it: outside `sessions/`, whose application folders warm drivers of
    /// that application may write.
    pub fn session_secrets_dir(&self, session_id: &str) -> PathBuf {
        self.data_dir.join("secrets").join("sessions").join(session_id)
    }

    /// A session's engine dir: apart from `work/`, whose per-application
    /// folders warm workers of that application may read.
    pub fn session_dir(&self, application_id: &str, session_id: &str) -> PathBuf {
        self.data_dir.join("sessions").join(application_id).join(session_id)
    }

    /// Where an ended session's dashboard files (its event logs) live once
    /// its engine dir is gone: beside the runs' (`attempt_history_dir`), so
    /// they go with the application's history.
    pub fn session_history_dir(&self, application_id: &str, session_id: &str) -> PathBuf {
        self.data_dir.join("history").join(application_id).join("sessions").join(session_id)
    }

    pub fn attempt_dir(&self, application_id: &str, job_run_id: &str, attempt: u32) -> PathBuf {
        self.work_dir().join(application_id).join(job_run_id).join(attempt.to_string())
    }
}
