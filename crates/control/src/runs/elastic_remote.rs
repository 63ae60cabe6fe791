//! An elastic run's executors on agents' hosts.
//!
//! The scheduler decides which host each granted executor goes to (see
//! `scheduling::scheduler::grow`); for one on an agent's host, the attempt
//! assigns a standalone worker there ([`super::remote_workers`]) that joins
//! the run's master over the network, and the agent starts it at its next
//! heartbeat. The same rules as for this host's workers then apply to what
//! the agent reports: a worker whose executor Spark released is stopped,
//! and its share goes back. A worker that failed, or whose host went LOST
//! or was removed, is dropped: Spark recovers its executor (the run's
//! `spark.task.maxFailures` and lineage), and the share goes back too.
//!
//! Executors may go to agents only when this server advertises an address
//! they reach it at, the job reads `s3://` through the endpoint (not the
//! direct bucket mount, which only this host sees), and the run has no
//! custom image (agents run engines on their host's runtime).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sparkplane_engine::spark::hadoop_s3::{AUTHORIZATION_TOKEN_ENV, FULL_URI_ENV};
// The same graces as for this host's workers.
use sparkplane_engine::spark::standalone::{RELEASED_GRACE, UNUSED_GRACE};
use sparkplane_engine::spark::{LaunchContext, SparkJobPlan};
use sparkplane_hosts::placement::{place, Need, Slot};
use sparkplane_hosts::{HostState, RegionOverride, WorkerAssignment};

use super::remote_workers::RemoteWorkers;
use crate::{Controller, S3ForJobs};

struct RemoteWorker {
    id: String,
    host: String,
    started: Instant,
    idle_since: Option<Instant>,
}

/// The workers one elastic attempt has on agents' hosts. Dropping it
/// unassigns whatever it still holds, so an attempt that ends on any path
/// (a failed launch, a stop while starting) leaves nothing on agents.
pub(crate) struct RemoteSide {
    registry: Arc<RemoteWorkers>,
    /// What every worker of this attempt is told; `None` when this attempt
    /// places nothing on agents.
    template: Option<WorkerAssignment>,
    workers: Vec<RemoteWorker>,
    next: u32,
    finished: Vec<Duration>,
    vcpu: u64,
    memory_gb: u64,
}

impl Drop for RemoteSide {
    fn drop(&mut self) {
        for worker in self.workers.drain(..) {
            self.registry.unassign(&worker.id);
        }
    }
}

impl RemoteSide {
    pub(crate) fn count(&self) -> u32 {
        u32::try_from(self.workers.len()).unwrap_or(u32::MAX)
    }

    /// How long each remote worker ran (or has run so far), for metering.
    pub(crate) fn lifetimes(&self) -> Vec<Duration> {
        let running = self.workers.iter().map(|w| w.started.elapsed());
        self.finished.iter().copied().chain(running).collect()
    }
}

impl Controller {
    /// Whether executors of this launch may go to agents' hosts, and the
    /// address this host's Spark processes then bind to.
    pub(crate) fn remote_bind_address(&self, context: &LaunchContext<'_>) -> Option<String> {
        let direct = self.config.direct_bucket_mount && matches!(self.config.s3_for_jobs, S3ForJobs::Embedded { .. });
        let in_image = context.images.as_ref().is_some_and(|images| images.any());
        self.config.advertise_address.clone().filter(|_| !direct && !in_image)
    }

    /// Agents' hosts that may take executors or drivers now: READY ones,
    /// when this server advertises an address they reach it at, with what
    /// their reports offer minus the executors and runs placed there.
    pub(crate) async fn agent_slots(&self) -> Vec<Slot> {
        if self.config.advertise_address.is_none() {
            return Vec::new();
        }
        let mut used = self.remote_workers.use_by_host();
        // Runs whose drivers were placed there hold their share too.
        for (host, (held, runs)) in self.remote_drivers.use_by_host() {
            let entry = used.entry(host).or_default();
            entry.vcpu += held.cpu;
            entry.memory_gb += held.memory_gb;
            entry.workers += runs;
        }
        // Granted there and not placed yet: already theirs.
        for place in self.elastic.pending(None) {
            let entry = used.entry(place.host).or_default();
            entry.vcpu += place.vcpu;
            entry.memory_gb += place.memory_gb;
            entry.workers += 1;
        }
        let mut slots = Vec::new();
        for host in self.hosts.list().await {
            let Some(report) = host.report.as_ref().filter(|_| !host.embedded && host.state == HostState::Ready) else {
                continue;
            };
            let placed = used.get(&host.name).copied().unwrap_or_default();
            slots.push(Slot {
                name: host.name.clone(),
                own: false,
                placeable: true,
                free_vcpu: report.capacity.vcpu.saturating_sub(placed.vcpu),
                free_memory_gb: report.capacity.memory_gb.saturating_sub(placed.memory_gb),
                free_processes: report.physical.max_processes.saturating_sub(placed.workers),
                run_executors: 0,
            });
        }
        slots
    }

    /// Where an attempt's first `count` executors go: this host (`None`),
    /// where the scheduler admitted them all, or agents' hosts, spread as
    /// growth is (the host with the fewest of the run's executors first).
    pub(crate) async fn initial_places(&self, side: &RemoteSide, count: u32) -> Vec<Option<String>> {
        let agents = if side.template.is_some() { self.agent_slots().await } else { Vec::new() };
        // The scheduler admitted them all here: this host has room for each.
        let own = Slot { free_processes: u32::MAX, ..Slot::own(true, u64::MAX, u64::MAX, 0) };
        let mut slots: Vec<Slot> = std::iter::once(own).chain(agents).collect();
        let need = Need { vcpu: side.vcpu, memory_gb: side.memory_gb };
        let chosen = place(&mut slots, count, need);
        chosen.into_iter().map(|index| (index > 0).then(|| slots[index].name.clone())).collect()
    }

    /// The remote side of an attempt whose master listens at `master_url`.
    pub(crate) fn remote_side(
        &self,
        run: &sparkplane_api::JobRun,
        attempt: u32,
        plan: &SparkJobPlan,
        context: &LaunchContext<'_>,
        master_url: &str,
    ) -> RemoteSide {
        let template = context.bind_address.as_ref().map(|_| {
            let mut env: std::collections::BTreeMap<String, String> = context.env.iter().cloned().collect();
            env.extend(plan.conf.executor_env.iter().map(|(k, v)| (k.clone(), v.clone())));
            env.remove(FULL_URI_ENV);
            let token =
                context.credentials_env.iter().find(|(k, _)| k == AUTHORIZATION_TOKEN_ENV).map(|(_, v)| v.clone());
            let region_override = match (&self.config.s3_for_jobs, self.storage.s3_settings()) {
                (S3ForJobs::Embedded { .. }, Some(s)) => Some(RegionOverride {
                    folder: self.config.runtime_dir.join("s3a-regions").display().to_string(),
                    endpoint: s.endpoint.clone(),
                    region: s.region.clone(),
                }),
                _ => None,
            };
            WorkerAssignment {
                id: format!("{}-{attempt}", run.job_run_id),
                application_id: run.application_id.clone(),
                job_run_id: run.job_run_id.clone(),
                release_label: run.release_label.clone(),
                master_url: master_url.to_string(),
                cores: plan.resources.executor.cpu,
                memory_mb: plan.resources.executor_memory_mb,
                runtime_dir: self.config.runtime_dir.display().to_string(),
                env,
                credentials_token: token,
                region_override,
            }
        });
        RemoteSide {
            registry: self.remote_workers.clone(),
            template,
            workers: Vec::new(),
            next: 0,
            finished: Vec::new(),
            vcpu: u64::from(plan.resources.executor.cpu),
            memory_gb: u64::from(plan.resources.executor.memory_gb),
        }
    }

    /// Assigns one worker of the attempt to `host`; false when this attempt
    /// places nothing on agents.
    pub(crate) fn place_remote(&self, side: &mut RemoteSide, host: String, logs_dir: PathBuf) -> bool {
        let Some(template) = &side.template else { return false };
        let mut assignment = template.clone();
        assignment.id = format!("{}-{}", template.id, side.next);
        side.next += 1;
        tracing::info!(job_run_id = %assignment.job_run_id, worker = %assignment.id, %host, "executor placed on an agent's host");
        self.remote_workers.assign(&host, assignment.clone(), side.vcpu, side.memory_gb, logs_dir);
        side.workers.push(RemoteWorker { id: assignment.id, host, started: Instant::now(), idle_since: None });
        true
    }

    /// Drops workers that failed or whose host is gone; returns how many.
    pub(crate) async fn check_remote(&self, side: &mut RemoteSide) -> u32 {
        let mut gone = Vec::new();
        for (index, worker) in side.workers.iter().enumerate() {
            let failed = self.remote_workers.status(&worker.id).and_then(|status| status.failed);
            // Only a host known to be LOST or removed is gone: a store fault
            // says nothing about the host.
            let host_gone = match self.hosts.get(&worker.host).await {
                Ok(host) => !matches!(host.state, HostState::Ready | HostState::Draining),
                Err(err) => matches!(err, sparkplane_hosts::HostsError::NotFound(_)),
            };
            if let Some(reason) = &failed {
                tracing::warn!(worker = %worker.id, host = %worker.host, %reason, "a remote executor worker failed");
            } else if host_gone {
                tracing::warn!(worker = %worker.id, host = %worker.host, "the host of a remote executor worker is gone");
            }
            if host_gone {
                self.remote_workers.forget_host(&worker.host);
            }
            if failed.is_some() || host_gone {
                gone.push(index);
            }
        }
        for index in gone.iter().rev() {
            let worker = side.workers.remove(*index);
            self.remote_workers.unassign(&worker.id);
            side.finished.push(worker.started.elapsed());
        }
        u32::try_from(gone.len()).unwrap_or(u32::MAX)
    }

    /// Stops up to `excess` remote workers whose executor Spark released
    /// (or that never got one, after a longer grace); returns how many.
    pub(crate) fn release_idle_remote(&self, side: &mut RemoteSide, excess: u32) -> u32 {
        let now = Instant::now();
        let mut hosted = Vec::with_capacity(side.workers.len());
        for worker in &mut side.workers {
            let status = self.remote_workers.status(&worker.id);
            let running = status.as_ref().is_some_and(|s| s.running);
            worker.idle_since = if running { None } else { worker.idle_since.or(Some(now)) };
            hosted.push(status.is_some_and(|s| s.hosted));
        }
        let idle_for = |w: &RemoteWorker| w.idle_since.map_or(Duration::ZERO, |since| now - since);
        let mut released = 0;
        while released < excess {
            let done = (0..side.workers.len()).find(|&i| hosted[i] && idle_for(&side.workers[i]) >= RELEASED_GRACE);
            let unused =
                || (0..side.workers.len()).rev().find(|&i| !hosted[i] && idle_for(&side.workers[i]) >= UNUSED_GRACE);
            let Some(index) = done.or_else(unused) else { break };
            let worker = side.workers.remove(index);
            hosted.remove(index);
            self.remote_workers.unassign(&worker.id);
            side.finished.push(worker.started.elapsed());
            released += 1;
        }
        released
    }

    /// Unassigns every remote worker of the attempt and waits (bounded)
    /// until their agents stopped them and sent their logs.
    pub(crate) async fn shutdown_remote(&self, side: &mut RemoteSide) {
        let ids: Vec<String> = side.workers.iter().map(|w| w.id.clone()).collect();
        for worker in side.workers.drain(..) {
            self.remote_workers.unassign(&worker.id);
            side.finished.push(worker.started.elapsed());
        }
        if ids.is_empty() {
            return;
        }
        let interval = self.hosts.liveness().heartbeat_interval;
        let deadline = Instant::now() + interval * 3 + Duration::from_secs(10);
        while self.remote_workers.any_reported(&ids) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}
