//! The standalone workers the server assigned to this host (and, through
//! [`crate::drivers`], its job drivers).
//!
//! Each answer from the server is the whole set this host must run
//! ([`sparkplane_hosts::WorkerAssignment`]); [`AgentWork::assigned`] starts
//! what is missing, stops what is no longer there (sending its last logs
//! first), and notes workers that died, which the next report calls
//! failed so the server gives their share back. Workers run from the Spark
//! runtime at the path the server names (the executors' class path, set by
//! the driver, names jars under it), installed there if missing, in the
//! host's sandbox, each in its own process group; their groups are
//! recorded, so an agent that restarts kills what it ran before.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sparkplane_engine::process::{die_with_parent, group_members, kill_group, ProcessGroup};
use sparkplane_engine::runtime::{InstalledRuntime, SparkRuntime};
use sparkplane_engine::sandbox::Sandbox;
use sparkplane_engine::spark::hadoop_s3::{sdk_region_override, AUTHORIZATION_TOKEN_ENV, FULL_URI_ENV};
use sparkplane_engine::spark::standalone::{
    record_process_group, remote_worker_command, worker_hosted, WorkerSize, PGIDS_FILE,
};
use sparkplane_hosts::agent::HostWork;
use sparkplane_hosts::{DriverAssignment, ProcessReport, Report, WorkerAssignment, WorkerStatus};

use crate::drivers::{Drivers, RuntimeManagers};
use crate::logs::LogSender;
use crate::AgentError;

/// What this host is, for its workers.
pub struct WorkerHost {
    /// The address other hosts reach this one at: workers bind there.
    pub address: String,
    /// Workers' dirs go under `<data_dir>/workers`.
    pub data_dir: PathBuf,
    /// The Python the runtimes are installed with, and executors run.
    pub python: String,
    pub sandbox: Sandbox,
    /// The loopback credentials proxy (see [`crate::proxy`]).
    pub credentials_url: String,
}

struct Running {
    assignment: WorkerAssignment,
    process: Option<ProcessGroup>,
    dir: PathBuf,
    failed: Option<String>,
}

/// The agent's side of the protocol: its report, and the workers it runs.
pub struct AgentWork {
    host: WorkerHost,
    base: Report,
    running: BTreeMap<String, Running>,
    logs: LogSender,
    /// Runtimes being installed in the background, by `<dir>:<version>`.
    installing: HashSet<String>,
    installed: std::sync::Arc<std::sync::Mutex<HashMap<String, Result<InstalledRuntime, String>>>>,
    drivers: Drivers,
    runtimes: RuntimeManagers,
}

impl AgentWork {
    /// Kills what a previous agent process on this host left running.
    pub fn new(host: WorkerHost, base: Report, logs: LogSender) -> Result<AgentWork, AgentError> {
        let root = host.data_dir.join("workers");
        let recorded = std::fs::read_to_string(root.join(PGIDS_FILE)).unwrap_or_default();
        let leftovers: Vec<i32> = recorded.lines().filter_map(|line| line.trim().parse().ok()).collect();
        // A recorded group is killed only while its leader is still one of
        // our workers (its command line names this dir): after a reboot the
        // number may belong to anything.
        let ours = |pgid: i32| {
            let cmdline = std::fs::read(format!("/proc/{pgid}/cmdline")).unwrap_or_default();
            String::from_utf8_lossy(&cmdline).contains(root.to_string_lossy().as_ref())
        };
        for pgid in leftovers.iter().copied().filter(|&pgid| group_members(pgid) > 0 && ours(pgid)) {
            tracing::warn!(pgid, "killing a worker a previous agent left running");
            kill_group(pgid, libc::SIGKILL);
        }
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).map_err(|err| AgentError::io(format!("create {}", root.display()), err))?;
        let drivers = Drivers::new(root.clone());
        Ok(AgentWork {
            drivers,
            runtimes: RuntimeManagers::default(),
            host,
            base,
            running: BTreeMap::new(),
            logs,
            installing: HashSet::new(),
            installed: Default::default(),
        })
    }

    fn root(&self) -> PathBuf {
        self.host.data_dir.join("workers")
    }

    /// The runtime of `assignment`, or `None` while it installs.
    fn runtime(&mut self, assignment: &WorkerAssignment) -> Result<Option<InstalledRuntime>, String> {
        let spark = SparkRuntime::for_release(&assignment.release_label).map_err(|err| err.to_string())?;
        let key = format!("{}:{}", assignment.runtime_dir, spark.spark_version);
        {
            let mut installed = self.installed.lock().unwrap_or_else(|e| e.into_inner());
            match installed.get(&key) {
                Some(Ok(runtime)) => return Ok(Some(runtime.clone())),
                // This assignment fails; the next one tries again.
                Some(Err(_)) => {
                    self.installing.remove(&key);
                    return installed.remove(&key).map_or(Ok(None), |failed| failed.map(Some));
                }
                None => {}
            }
        }
        if self.installing.insert(key.clone()) {
            let manager = self.runtimes.for_dir(&assignment.runtime_dir, &self.host.python);
            let installed = self.installed.clone();
            tokio::spawn(async move {
                if !manager.is_installed(spark) {
                    tracing::info!(version = spark.spark_version, "installing Spark for this host's workers");
                }
                let result = manager.ensure(spark).await.map_err(|err| format!("install Spark: {err}"));
                installed.lock().unwrap_or_else(|e| e.into_inner()).insert(key, result);
            });
        }
        Ok(None)
    }

    fn start(&self, assignment: &WorkerAssignment, runtime: &InstalledRuntime) -> Result<Running, AgentError> {
        let dir = self.root().join(&assignment.id);
        std::fs::create_dir_all(&dir).map_err(|err| AgentError::io(format!("create {}", dir.display()), err))?;
        if let Some(region) = &assignment.region_override {
            sdk_region_override(Path::new(&region.folder), &region.endpoint, &region.region)
                .map_err(|err| AgentError::io("write S3A's region override", err))?;
        }
        let size = WorkerSize { cores: assignment.cores, memory_mb: assignment.memory_mb };
        let log = self.root().join(format!("{}.log", assignment.id));
        let mut command = remote_worker_command(runtime, &self.host.address, size, &dir, &assignment.master_url, &log)
            .map_err(|err| AgentError::Assignment(err.to_string()))?;
        for (name, value) in &assignment.env {
            command.env(name, value);
        }
        if let Some(token) = &assignment.credentials_token {
            command.env(FULL_URI_ENV, &self.host.credentials_url).env(AUTHORIZATION_TOKEN_ENV, token);
        }
        let sandbox = self.host.sandbox.with_read_only([PathBuf::from(&assignment.runtime_dir)]);
        sandbox.confine(&mut command, &dir).map_err(|err| AgentError::Assignment(err.to_string()))?;
        // Spark's executors exit with their worker.
        die_with_parent(&mut command);
        let process = ProcessGroup::spawn(command).map_err(|err| AgentError::io("start a Spark worker", err))?;
        record_process_group(&self.root(), process.pgid());
        tracing::info!(worker = %assignment.id, job_run_id = %assignment.job_run_id, "worker started");
        Ok(Running { assignment: assignment.clone(), process: Some(process), dir, failed: None })
    }

    /// Stops the workers `ids` at once (each gets the same short grace),
    /// then sends their last logs and removes their dirs.
    async fn stop(&mut self, ids: &[String]) {
        let mut stopping = tokio::task::JoinSet::new();
        let mut dirs = Vec::new();
        for id in ids {
            let Some(mut worker) = self.running.remove(id) else { continue };
            if let Some(mut process) = worker.process.take() {
                stopping.spawn(async move { process.terminate(Duration::from_secs(2)).await });
            }
            dirs.push((id.clone(), worker.dir));
        }
        while stopping.join_next().await.is_some() {}
        for (id, dir) in dirs {
            self.logs.ship(&id, &dir).await;
            self.logs.forget(&dir);
            let _ = std::fs::remove_dir_all(&dir);
            tracing::info!(worker = %id, "worker stopped");
        }
    }
}

impl HostWork for AgentWork {
    fn report(&mut self) -> Report {
        let mut report = self.base.clone();
        for (id, worker) in &mut self.running {
            let process = worker.process.as_mut();
            let alive = process.as_ref().is_some_and(|p| group_members(p.pgid()) > 0);
            if worker.failed.is_none() && !alive {
                worker.failed = Some("the worker exited".into());
            }
            let pgid = worker.process.as_ref().map(ProcessGroup::pgid).unwrap_or_default();
            report.workers.push(WorkerStatus {
                id: id.clone(),
                hosted: worker_hosted(&worker.dir),
                running: alive && group_members(pgid) > 1,
                failed: worker.failed.clone(),
            });
            if alive {
                report.processes.push(ProcessReport {
                    pid: u32::try_from(pgid).unwrap_or_default(),
                    role: "executor".into(),
                    application_id: Some(worker.assignment.application_id.clone()),
                    job_run_id: Some(worker.assignment.job_run_id.clone()),
                });
            }
        }
        self.drivers.report(&mut report.drivers, &mut report.processes);
        report
    }

    async fn assigned(&mut self, workers: Vec<WorkerAssignment>, drivers: Vec<DriverAssignment>) {
        let wanted: HashSet<&str> = workers.iter().map(|w| w.id.as_str()).collect();
        let gone: Vec<String> = self.running.keys().filter(|id| !wanted.contains(id.as_str())).cloned().collect();
        self.stop(&gone).await;
        for assignment in &workers {
            if self.running.contains_key(&assignment.id) {
                continue;
            }
            let started = match self.runtime(assignment) {
                Ok(None) => continue,
                Ok(Some(runtime)) => self.start(assignment, &runtime).map_err(|err| err.to_string()),
                Err(err) => Err(err),
            };
            let worker = started.unwrap_or_else(|reason| {
                tracing::warn!(worker = %assignment.id, %reason, "cannot start a worker");
                Running {
                    assignment: assignment.clone(),
                    process: None,
                    dir: self.root().join(&assignment.id),
                    failed: Some(reason),
                }
            });
            self.running.insert(assignment.id.clone(), worker);
        }
        let live: Vec<(String, PathBuf)> = self.running.iter().map(|(id, w)| (id.clone(), w.dir.clone())).collect();
        for (id, dir) in live {
            self.logs.ship(&id, &dir).await;
        }
        self.drivers.assigned(&self.host, drivers, &mut self.logs, &mut self.runtimes).await;
    }
}

/// Stops every worker (the agent is shutting down).
impl Drop for AgentWork {
    fn drop(&mut self) {
        for worker in self.running.values() {
            if let Some(process) = &worker.process {
                kill_group(process.pgid(), libc::SIGKILL);
            }
        }
    }
}
