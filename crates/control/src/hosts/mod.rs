//! The hosts as the control plane shows them: the host table of
//! `sparkplane_hosts` with what each host holds (the scheduler's own
//! accounting), the agents' calls, and add, drain, resume and remove. The
//! sweep that finds LOST hosts and the draining check live in
//! `base/host.rs`, since the pool and the scheduler below need them.
//!
//! Engine processes run on the server's own host only (its embedded
//! agent); agents on other machines join, heartbeat and are listed, drained,
//! marked LOST and removed, but nothing is placed on them yet. So the use
//! shown for an agent's host is what it reports, and a drain of the
//! server's own host is what stops placements: no new runs, executors or
//! warm workers start while it is DRAINING.

use serde::Serialize;
use sparkplane_hosts::{Host, HostState, Report};

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

/// What the server answers an agent.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentAnswer {
    pub state: &'static str,
    pub heartbeat_interval_seconds: u64,
}

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
        let busy = status.process_count.max(status.running_runs);
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
        Ok(self.answer(&host))
    }

    pub async fn agent_heartbeat(&self, token: &str, report: Report) -> Result<AgentAnswer, ControlError> {
        let host = self.hosts.heartbeat(token, report, now()).await?;
        Ok(self.answer(&host))
    }

    fn answer(&self, host: &Host) -> AgentAnswer {
        AgentAnswer {
            state: host.state.as_str(),
            heartbeat_interval_seconds: self.hosts.liveness().heartbeat_interval.as_secs().max(1),
        }
    }

    /// `host` with what it holds: for the server's own host, the planner's
    /// own accounting (the figures `/metrics` reports); for an agent's, the
    /// processes it reports, since nothing is placed there yet.
    async fn host_status(&self, host: Host) -> Result<HostStatus, ControlError> {
        let (in_use, process_count, running_runs) = if host.embedded {
            let usage = self.metrics().await?.host;
            let runs = self.running.lock().await.len();
            (in_use(usage.in_use), usage.processes, count(runs))
        } else {
            let processes = host.report.as_ref().map(|r| r.processes.as_slice()).unwrap_or_default();
            let runs: std::collections::BTreeSet<&str> =
                processes.iter().filter_map(|p| p.job_run_id.as_deref()).collect();
            (InUse::default(), count(processes.len()), count(runs.len()))
        };
        Ok(HostStatus { host: host.view(), in_use, process_count, running_runs })
    }
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
