//! The hosts as the control plane shows them: the host table of
//! `sparkplane_hosts` with what each host holds (the scheduler's own
//! accounting), the agents' calls, and add, drain, resume and remove. The
//! sweep that finds LOST hosts and the draining check live in
//! `base/host.rs`, since the pool and the scheduler below need them.
//!
//! Drivers, HIVE workers and warm workers run on the server's own host (its
//! embedded agent); elastic runs' executors may also go to agents' hosts
//! (`runs::elastic_remote`), whose heartbeat answers carry the workers
//! they must run (`runs::remote_workers`). A drain of the server's own
//! host stops new runs, executors and warm workers there; a drain of an
//! agent's host stops new executors there.

use serde::Serialize;
use sparkplane_hosts::{DriverAssignment, Host, HostState, Report, WorkerAssignment};

use crate::base::capacity::Capacity;
use crate::base::clock;
use crate::{ControlError, Controller};

/// A host as `sparkplane hosts` shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HostStatus {
    #[serde(flatten)]
    pub host: serde_json::Value,
    /// Logical capacity held by what runs there.
    pub in_use: InUse,
    /// Engine processes running there.
    pub process_count: u32,
    /// Job runs with an attempt there (what a drain waits for).
    pub running_runs: u32,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InUse {
    pub vcpu: u64,
    pub memory_gb: u64,
}

/// What the server answers an agent: its state, and the whole set of
/// standalone workers it must run now.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentAnswer {
    pub state: &'static str,
    pub heartbeat_interval_seconds: u64,
    pub lost_after_seconds: u64,
    pub workers: Vec<WorkerAssignment>,
    pub drivers: Vec<DriverAssignment>,
}

/// Largest piece of a worker's log an agent sends at once.
pub const MAX_LOG_PIECE_BYTES: usize = 4 * 1024 * 1024;
/// Largest log file of one executor kept from an agent.
pub const MAX_LOG_FILE_BYTES: u64 = 1024 * 1024 * 1024;

impl Controller {
    /// The embedded agent registers the server's own host at startup.
    pub async fn register_embedded_host(&self, report: Report) -> Result<(), ControlError> {
        let host = self.hosts.register_embedded(&self.config.host_name, report.clone(), now()).await?;
        if let Ok(mut embedded) = self.embedded_report.lock() {
            *embedded = Some(report);
        }
        if host.state == HostState::Draining {
            tracing::warn!(host = %host.name, "this host is DRAINING: nothing new starts here until `sparkplane hosts resume`");
        }
        Ok(())
    }

    pub async fn list_hosts(&self) -> Result<Vec<HostStatus>, ControlError> {
        let hosts = self.hosts.list().await;
        let mut out = Vec::with_capacity(hosts.len());
        for host in hosts {
            out.push(self.host_status(host).await?);
        }
        Ok(out)
    }

    pub async fn get_host(&self, name: &str) -> Result<HostStatus, ControlError> {
        let host = self.hosts.get(name).await?;
        self.host_status(host).await
    }

    /// `sparkplane hosts add`: the host and its credential, shown this once.
    pub async fn add_host(&self, name: &str) -> Result<(HostStatus, String), ControlError> {
        let (host, token) = self.hosts.add(name, now()).await?;
        tracing::info!(host = %name, "host added; its credential was returned to the caller");
        Ok((self.host_status(host).await?, token))
    }

    pub async fn drain_host(&self, name: &str) -> Result<HostStatus, ControlError> {
        let host = self.hosts.drain(name, now()).await?;
        tracing::info!(host = %name, "host draining");
        self.wake_scheduler();
        self.host_status(host).await
    }

    pub async fn resume_host(&self, name: &str) -> Result<HostStatus, ControlError> {
        let host = self.hosts.resume(name, now()).await?;
        self.wake_scheduler();
        self.host_status(host).await
    }

    pub async fn remove_host(&self, name: &str) -> Result<(), ControlError> {
        let host = self.hosts.get(name).await?;
        let status = self.host_status(host).await?;
        // A run booked there counts even before its driver runs, and while
        // it sends its last logs.
        let booked = self.remote_drivers.use_by_host().get(name).map_or(0, |(_, runs)| *runs);
        let busy = status.process_count.max(status.running_runs).max(booked);
        self.hosts.remove(name, busy as usize).await?;
        tracing::info!(host = %name, "host removed");
        Ok(())
    }

    /// Whose credential `token` is; checked before an agent's report is read.
    pub async fn authenticate_agent(&self, token: &str) -> Result<String, ControlError> {
        Ok(self.hosts.authenticate(token).await?)
    }

    pub async fn agent_register(&self, token: &str, report: Report) -> Result<AgentAnswer, ControlError> {
        let host = self.hosts.register(token, report, now()).await?;
        tracing::info!(host = %host.name, state = host.state.as_str(), "agent registered");
        // A registration is a new agent process (which killed what the last
        // one ran) or one that was LOST (its next answer stops what it
        // runs): either way those workers are gone for their attempts.
        self.remote_workers.host_restarted(&host.name);
        self.remote_drivers.host_restarted(&host.name);
        self.wake_scheduler();
        Ok(self.answer(&host))
    }

    pub async fn agent_heartbeat(&self, token: &str, report: Report) -> Result<AgentAnswer, ControlError> {
        let workers = report.workers.clone();
        let drivers = report.drivers.clone();
        let host = self.hosts.heartbeat(token, report, now()).await?;
        self.remote_workers.report(&host.name, &workers);
        self.remote_drivers.report(&host.name, &drivers);
        Ok(self.answer(&host))
    }

    fn answer(&self, host: &Host) -> AgentAnswer {
        let runs_here = matches!(host.state, HostState::Ready | HostState::Draining);
        AgentAnswer {
            state: host.state.as_str(),
            heartbeat_interval_seconds: self.hosts.liveness().heartbeat_interval.as_secs().max(1),
            lost_after_seconds: self.hosts.liveness().lost_after.as_secs().max(1),
            workers: if runs_here { self.remote_workers.for_host(&host.name) } else { Vec::new() },
            drivers: if runs_here { self.remote_drivers.for_host(&host.name) } else { Vec::new() },
        }
    }

    /// An agent sends a piece of the log `relative` of its worker or driver
    /// `worker`, starting at `offset`. A worker's (`<app>/<executor>/<stream>`,
    /// as Spark lays out a worker's dir) lands in the attempt's executor
    /// logs, which the attempt ships into the EMR layout
    /// (`SPARK_EXECUTOR/<id>/`) as it does this host's; a driver's where a
    /// local driver's would (see [`driver_log_path`]). Only a worker or
    /// driver assigned to that agent's host is accepted.
    pub async fn agent_worker_log(
        &self,
        host: &str,
        worker: &str,
        relative: &str,
        offset: u64,
        bytes: &[u8],
    ) -> Result<(), ControlError> {
        let (path, what) = match self.remote_drivers.work_dir(host, worker) {
            Some(work_dir) => (driver_log_path(&work_dir, relative)?, "driver"),
            None => {
                let parts: Vec<&str> = relative.split('/').collect();
                let stream_ok = parts.last().is_some_and(|s| *s == "stdout" || *s == "stderr");
                let numbered = parts.get(1).is_some_and(|id| id.bytes().all(|b| b.is_ascii_digit()));
                if parts.len() != 3 || !parts.iter().all(|p| plain_segment(p)) || !stream_ok || !numbered {
                    return Err(ControlError::validation(format!(
                        "a worker log is <app-id>/<executor-id>/stdout|stderr, got '{relative}'"
                    )));
                }
                let Some(dir) = self.remote_workers.logs_dir(host, worker) else {
                    return Err(ControlError::not_found(format!("no worker {worker} is assigned to host {host}")));
                };
                (dir.join(relative), "worker")
            }
        };
        if bytes.len() > MAX_LOG_PIECE_BYTES || offset.saturating_add(bytes.len() as u64) > MAX_LOG_FILE_BYTES {
            return Err(ControlError::validation(format!("a {what} log piece is too large")));
        }
        write_at(&path, offset, bytes).map_err(|err| {
            tracing::warn!(path = %path.display(), error = %err, "write an agent's {what} log");
            ControlError::validation(format!("cannot take this piece of {relative}: {err}"))
        })
    }

    /// `host` with what it holds: for the server's own host, the planner's
    /// own accounting (the figures `/metrics` reports); for an agent's, the
    /// executors placed there, and the processes it reports.
    async fn host_status(&self, host: Host) -> Result<HostStatus, ControlError> {
        let (in_use, process_count, running_runs) = if host.embedded {
            let usage = self.metrics().await?.host;
            let runs = self.running.lock().await.len();
            (in_use(usage.in_use), usage.processes, count(runs))
        } else {
            let processes = host.report.as_ref().map(|r| r.processes.as_slice()).unwrap_or_default();
            let runs: std::collections::BTreeSet<&str> =
                processes.iter().filter_map(|p| p.job_run_id.as_deref()).collect();
            let placed = self.remote_workers.use_by_host().get(&host.name).copied().unwrap_or_default();
            let (booked, _) = self.remote_drivers.use_by_host().get(&host.name).copied().unwrap_or_default();
            let in_use = InUse { vcpu: placed.vcpu + booked.cpu, memory_gb: placed.memory_gb + booked.memory_gb };
            (in_use, count(processes.len()), count(runs.len()))
        };
        Ok(HostStatus { host: host.view(), in_use, process_count, running_runs })
    }
}

/// Where a piece of a remote driver's log goes: `logs/SPARK_DRIVER/stdout|stderr`,
/// or a file of its event log once it ended (the agent's `eventlogs/<name>`,
/// filed in the attempt's event-log folder for the history view). Nothing
/// else of the attempt's dir may be written.
fn driver_log_path(work_dir: &std::path::Path, relative: &str) -> Result<std::path::PathBuf, ControlError> {
    use sparkplane_engine::spark::DRIVER_LOG_FOLDER;
    let parts: Vec<&str> = relative.split('/').collect();
    match parts.as_slice() {
        ["logs", folder, stream] if *folder == DRIVER_LOG_FOLDER && matches!(*stream, "stdout" | "stderr") => {
            Ok(work_dir.join(relative))
        }
        [folder, name] if *folder == sparkplane_hosts::DRIVER_EVENT_LOG_FOLDER && plain_segment(name) => {
            Ok(work_dir.join(crate::base::retention::EVENT_LOG_FOLDER).join(name))
        }
        _ => Err(ControlError::validation(format!(
            "a driver log is logs/{DRIVER_LOG_FOLDER}/stdout|stderr or eventlogs/<file>, got '{relative}'"
        ))),
    }
}

/// A path segment an agent may name: no `.` or `..`, nothing but
/// letters, digits, `-`, `_` and `.`.
fn plain_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment != "."
        && segment != ".."
        && segment.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// Writes `bytes` at `offset` of `path` (made with its folders), dropping
/// whatever followed: a resent piece replaces what it covers.
fn write_at(path: &std::path::Path, offset: u64, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom, Write};
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new().create(true).write(true).truncate(false).open(path)?;
    let length = file.metadata()?.len();
    if offset > length {
        return Err(std::io::Error::other(format!("offset {offset} is past the end ({length} bytes)")));
    }
    file.set_len(offset)?;
    file.seek(SeekFrom::Start(offset))?;
    file.write_all(bytes)
}

fn in_use(capacity: Capacity) -> InUse {
    InUse { vcpu: capacity.cpu, memory_gb: capacity.memory_gb }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn now() -> i64 {
    clock::now().as_millis()
}
