//! Domain logic of sparkplane: applications, job runs and their lifecycles.
//!
//! The API layer calls [`Controller`] with validated requests; the controller
//! applies the service's state rules, persists through the [`Store`] before
//! acknowledging, and wakes the scheduler. The scheduler is a reconcile loop:
//! a pure [`scheduling::scheduler::plan`] from observed state to actions, and a thin loop
//! ([`Controller::run_scheduler`]) that applies them, launching attempts
//! through the engine.

// One folder per concern, in layers: base → access → hive → dashboards →
// pool → applications → runs → scheduling → hosts. Each imports only the folders
// before it (see ARCHITECTURE.md); this root holds the `Controller` that
// each of them extends with its own `impl` block.
pub mod access;
pub mod applications;
pub mod base;
pub mod dashboards;
pub mod hive;
pub mod hosts;
pub mod leadership;
pub mod pool;
pub mod runs;
pub mod scheduling;
pub mod sessions;

use std::collections::HashMap;
use std::sync::Arc;

use sparkplane_engine::RuntimeManager;
use sparkplane_storage::{ArtifactCache, ObjectStorage, Trash};
use sparkplane_store::Store;
use tokio::sync::{Mutex, Notify};

pub use access::credentials::{
    AttemptCredentials, AttemptGrant, ContainerCredentials, CredentialIssuer, CredentialsError, IssuedSet,
};
pub use base::config::{ControlConfig, S3ForJobs};
pub use base::error::ControlError;
pub use runs::job_runs::{query_timestamp, JobRunListQuery, LogStream};

/// Handle to a running attempt, so cancel can reach it.
struct RunningAttempt {
    cancel: tokio::sync::watch::Sender<Option<runs::attempt::StopRequest>>,
    /// Whose handle it is: an ended attempt removes only its own, never
    /// that of the retry the scheduler may have started meanwhile.
    attempt: u32,
}

pub struct Controller {
    store: Arc<dyn Store>,
    storage: Arc<ObjectStorage>,
    config: ControlConfig,
    runtimes: Arc<RuntimeManager>,
    /// Serializes read-modify-write of resources; reads never take it.
    write_lock: Mutex<()>,
    running: Mutex<HashMap<String, RunningAttempt>>,
    /// Pre-initialized workers of started applications.
    pool: pool::WorkerPool,
    /// Dashboard tokens and the History Server (see [`dashboards`]).
    dashboard: dashboards::Dashboard,
    /// Executor books of running elastic attempts (see [`runs::elastic`]).
    elastic: runs::elastic::ElasticRuns,
    /// Standalone workers placed on agents' hosts (see `runs::remote_workers`).
    remote_workers: Arc<runs::remote_workers::RemoteWorkers>,
    /// Job drivers placed on agents' hosts (see `base::remote_drivers`).
    remote_drivers: Arc<base::remote_drivers::RemoteDrivers>,
    wake: Notify,
    shutdown: tokio::sync::watch::Sender<bool>,
    /// Who may fetch which attempt's credentials (see [`access::credentials`]).
    grants: Arc<access::grants::Grants>,
    /// Staged artifacts and unpacked archives shared between attempts;
    /// `None` when turned off or unusable (attempts then copy).
    cache: Option<Arc<ArtifactCache>>,
    /// Where finished attempts' work dirs go to be deleted in the background
    /// (see `sparkplane_storage::Trash`); `None` if it could not be opened
    /// (they are then deleted in place).
    trash: Option<Trash>,
    /// When ended runs' files were last swept (see `base::run_history`).
    history_swept: std::sync::Mutex<Option<std::time::Instant>>,
    /// Runs' latencies since start, for `/metrics` (see `base::latency`).
    run_latencies: base::latency::RunLatencies,
    /// Application-level image resolutions in flight (see
    /// `applications::image_pins`).
    image_pins: applications::image_pins::ImagePins,
    /// The host table: this server's own host and its agents' (see [`hosts`]).
    hosts: Arc<sparkplane_hosts::Hosts>,
    /// What the embedded agent reports for this host, refreshed as its
    /// heartbeat by the scheduler loop.
    embedded_report: std::sync::Mutex<Option<sparkplane_hosts::Report>>,
    /// Interactive sessions whose supervisor runs here (see [`sessions`]).
    sessions: sessions::Sessions,
}

impl Controller {
    pub fn new(
        store: Arc<dyn Store>,
        storage: Arc<ObjectStorage>,
        hosts: Arc<sparkplane_hosts::Hosts>,
        config: ControlConfig,
    ) -> Arc<Controller> {
        let runtimes =
            Arc::new(RuntimeManager::new(config.runtime_dir.clone(), config.python.clone()).with_cds(config.spark_cds));
        let (shutdown, _) = tokio::sync::watch::channel(false);
        let dashboard = dashboards::Dashboard::new(&config.data_dir);
        let cache = match config.artifact_cache_bytes {
            0 => None,
            limit => match ArtifactCache::open(config.artifact_cache_dir(), limit) {
                Ok(cache) => Some(cache),
                Err(err) => {
                    tracing::warn!(error = %err, "artifact cache unusable: attempts copy their artifacts");
                    None
                }
            },
        };
        let trash = Trash::open(&config.trash_dir())
            .map_err(|err| tracing::warn!(error = %err, "no trash: work dirs are deleted in place"))
            .ok();
        Arc::new(Controller {
            cache,
            trash,
            store,
            storage,
            config,
            runtimes,
            write_lock: Mutex::new(()),
            running: Mutex::new(HashMap::new()),
            pool: pool::WorkerPool::default(),
            dashboard,
            elastic: runs::elastic::ElasticRuns::default(),
            remote_workers: Default::default(),
            remote_drivers: Default::default(),
            wake: Notify::new(),
            shutdown,
            grants: Arc::new(access::grants::Grants::default()),
            history_swept: std::sync::Mutex::new(None),
            run_latencies: Default::default(),
            image_pins: Default::default(),
            hosts,
            embedded_report: std::sync::Mutex::new(None),
            sessions: Default::default(),
        })
    }

    pub fn config(&self) -> &ControlConfig {
        &self.config
    }

    pub fn runtimes(&self) -> &Arc<RuntimeManager> {
        &self.runtimes
    }

    /// Asks the scheduler to look at the state again.
    pub(crate) fn wake_scheduler(&self) {
        self.wake.notify_one();
    }

    /// Stops every running attempt (marking it failed, so a restart does
    /// not wait for it; one whose driver runs on an agent's host is left
    /// to the next server to lead) and ends the scheduler loop.
    pub async fn shutdown(&self) {
        let _ = self.shutdown.send(true);
        self.stop_sessions().await;
        let running: Vec<String> = self.running.lock().await.keys().cloned().collect();
        for job_run_id in &running {
            if let Some(handle) = self.running.lock().await.get(job_run_id) {
                let _ = handle.cancel.send(Some(runs::attempt::StopRequest::ServerShutdown));
            }
        }
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
        while !self.running.lock().await.is_empty() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        for worker in self.pool.drain() {
            worker.stop().await;
        }
        self.dashboard.history.stop().await;
    }
}
