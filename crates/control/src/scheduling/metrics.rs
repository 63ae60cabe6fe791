//! What the control plane reports to `/metrics`: runs by application and
//! state, the queue, and each live application's capacity in use against
//! its `maximumCapacity` and its warm workers; and the run latencies
//! observed as runs changed state (`base::latency`).
//!
//! Computed at scrape time from the store (one grouped count, the
//! unfinished runs the scheduler reads anyway, the live applications) and
//! the pool, so nothing is counted twice or drifts from what the API shows.
//! In use is what the scheduler reserves for a run (see `reconcile`), so the
//! figures match its admission decisions.

use std::collections::BTreeMap;

use sparkplane_api::{ApplicationState, JobRunState};
use sparkplane_store::{ApplicationFilter, PageRequest, RunCount};

use crate::base::capacity::{maximum_capacity_of, Capacity};
use crate::base::latency::RunLatencyData;
use crate::{ControlError, Controller};

/// Runs in these states wait for capacity: the queue.
const WAITING: [JobRunState; 3] = [JobRunState::Submitted, JobRunState::Pending, JobRunState::Queued];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ControlMetrics {
    pub runs: Vec<RunCount>,
    pub queued: u64,
    pub applications: Vec<ApplicationUsage>,
    /// Runs' latencies and durations since the server started.
    pub latencies: RunLatencyData,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationUsage {
    pub application_id: String,
    pub state: String,
    /// What the application's admitted runs hold.
    pub in_use: Capacity,
    /// `maximumCapacity`, when the application sets one.
    pub maximum: Option<Capacity>,
    pub warm_idle: u32,
    pub warm_busy: u32,
    pub warm_starting: u32,
}

impl Controller {
    pub async fn metrics(&self) -> Result<ControlMetrics, ControlError> {
        let runs = self.store.count_job_runs().await?;
        let unfinished = self.store.list_unfinished_job_runs().await?;
        let live = ApplicationFilter {
            states: [
                ApplicationState::Creating,
                ApplicationState::Created,
                ApplicationState::Starting,
                ApplicationState::Started,
                ApplicationState::Stopping,
                ApplicationState::Stopped,
            ]
            .to_vec(),
        };
        let mut applications = BTreeMap::new();
        let mut page = PageRequest::first(100);
        loop {
            let listed = self.store.list_applications(&live, &page).await?;
            for app in listed.items {
                applications.insert(app.application_id.clone(), app);
            }
            match listed.next_token {
                Some(token) => page = PageRequest { max_results: 100, next_token: Some(token) },
                None => break,
            }
        }
        let mut in_use: BTreeMap<&str, Capacity> = BTreeMap::new();
        let mut queued = 0;
        for run in &unfinished {
            if WAITING.contains(&run.state) {
                queued += 1;
                continue;
            }
            let Some(app) = applications.get(&run.application_id) else { continue };
            let demand = self.run_demand(app, run);
            let used = in_use.entry(app.application_id.as_str()).or_default();
            *used = used.plus(demand.total());
        }
        let usage = applications
            .values()
            .map(|app| {
                let counts = self.pool.counts(&app.application_id);
                ApplicationUsage {
                    application_id: app.application_id.clone(),
                    state: app.state.as_str().to_string(),
                    in_use: in_use.get(app.application_id.as_str()).copied().unwrap_or_default(),
                    maximum: maximum_capacity_of(app).ok().flatten(),
                    warm_idle: counts.idle,
                    warm_busy: counts.busy,
                    warm_starting: counts.starting,
                }
            })
            .collect();
        Ok(ControlMetrics { runs, queued, applications: usage, latencies: self.run_latencies.snapshot() })
    }
}
