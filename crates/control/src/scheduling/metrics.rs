//! What the control plane reports to `/metrics`: runs by application and
//! state, the queue, and each live application's capacity in use against
//! its `maximumCapacity` and its warm workers; and the run latencies
//! observed as runs changed state (`base::latency`).
//!
//! Computed at scrape time from the store (one grouped count, the
//! unfinished runs the scheduler reads anyway, the live applications) and
//! the pool, so nothing is counted twice or drifts from what the API shows.
//! What is in use is the planner's own accounting (`scheduler::held`), so
//! the figures match its admission decisions; live sessions hold capacity
//! there as runs do, and are counted by application and state too.

use std::collections::BTreeMap;

use sparkplane_api::{ApplicationState, JobRunState};
use sparkplane_store::{ApplicationFilter, PageRequest, RunCount};

use super::reconcile::app_view;
use super::scheduler::{held, HOLDING};
use crate::base::capacity::{maximum_capacity_of, Capacity};
use crate::base::latency::RunLatencyData;
use crate::{ControlError, Controller};

/// Runs in these states wait for capacity: the queue.
const WAITING: [JobRunState; 3] = [JobRunState::Submitted, JobRunState::Pending, JobRunState::Queued];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ControlMetrics {
    pub runs: Vec<RunCount>,
    /// Unfinished sessions by application and state (ended ones are not
    /// counted: sessions, unlike runs, are not kept by state forever here).
    pub sessions: Vec<RunCount>,
    pub queued: u64,
    pub applications: Vec<ApplicationUsage>,
    pub host: HostUsage,
    /// Runs' latencies and durations since the server started.
    pub latencies: RunLatencyData,
    /// Every host of the host table.
    pub hosts: Vec<HostHealth>,
}

/// One host as `/metrics` reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostHealth {
    pub name: String,
    /// `READY`, `DRAINING`, `LOST` or `PENDING`.
    pub state: &'static str,
    /// Seconds since its last heartbeat; None if it never registered.
    pub heartbeat_age_seconds: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationUsage {
    pub application_id: String,
    pub state: String,
    /// What the planner counts as the application's: its warm capacity
    /// while started, and its admitted runs' on-demand workers.
    pub in_use: Capacity,
    /// `maximumCapacity`, when the application sets one.
    pub maximum: Option<Capacity>,
    pub warm_idle: u32,
    pub warm_busy: u32,
    pub warm_starting: u32,
}

/// One elastic run's executors: what it holds and what Spark asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ElasticExecutors {
    pub job_run_id: String,
    pub granted: u32,
    pub wanted: u32,
}

impl Controller {
    /// The executors of every running elastic run (for the console's charts).
    pub fn elastic_executors(&self) -> Vec<ElasticExecutors> {
        let mut all: Vec<ElasticExecutors> = self
            .elastic
            .all_books()
            .into_iter()
            .map(|(job_run_id, granted, wanted)| ElasticExecutors { job_run_id, granted, wanted })
            .collect();
        all.sort_by(|a, b| a.job_run_id.cmp(&b.job_run_id));
        all
    }
}

/// The host's logical capacity and physical limits, and what is held.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HostUsage {
    pub in_use: Capacity,
    pub capacity: Option<Capacity>,
    /// Engine processes up: warm drivers, admitted runs' drivers, masters
    /// and executors, and the ones serving besides them (History Server).
    pub processes: u32,
    pub max_processes: Option<u32>,
    /// Heap those processes claim, in MB.
    pub heap_mb: u64,
    pub heap_budget_mb: Option<u64>,
}

impl Controller {
    pub async fn metrics(&self) -> Result<ControlMetrics, ControlError> {
        let runs = self.store.count_job_runs().await?;
        // Only runs that hold resources count in `held`: the queue can be
        // thousands of runs long and is counted by state above instead.
        let holding = self.store.list_job_runs_in_states(&HOLDING).await?;
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
        let mut apps = BTreeMap::new();
        let mut page = PageRequest::first(100);
        loop {
            let listed = self.store.list_applications(&live, &page).await?;
            for app in listed.items {
                apps.insert(app.application_id.clone(), app);
            }
            match listed.next_token {
                Some(token) => page = PageRequest { max_results: 100, next_token: Some(token) },
                None => break,
            }
        }
        let queued =
            runs.iter().filter(|c| WAITING.iter().any(|state| state.as_str() == c.state)).map(|c| c.count).sum();
        let unfinished_sessions = self.store.list_unfinished_sessions().await?;
        let mut sessions = BTreeMap::<(String, &'static str), u64>::new();
        for session in &unfinished_sessions {
            *sessions.entry((session.application_id.clone(), session.state.as_str())).or_default() += 1;
        }
        let sessions = sessions
            .into_iter()
            .map(|((application_id, state), count)| RunCount { application_id, state: state.to_string(), count })
            .collect();
        let views = self.with_session_views(self.run_views(&holding, &apps), &holding, &unfinished_sessions, &apps);
        let app_views = apps.iter().map(|(id, app)| (id.clone(), app_view(app))).collect();
        let held = held(&app_views, &views);
        let usage = apps
            .values()
            .map(|app| {
                let counts = self.pool.counts(&app.application_id);
                ApplicationUsage {
                    application_id: app.application_id.clone(),
                    state: app.state.as_str().to_string(),
                    in_use: held.apps.get(&app.application_id).copied().unwrap_or_default(),
                    maximum: maximum_capacity_of(app).ok().flatten(),
                    warm_idle: counts.idle,
                    warm_busy: counts.busy,
                    warm_starting: counts.starting,
                }
            })
            .collect();
        let limits = self.host_view();
        let host = HostUsage {
            in_use: held.host,
            capacity: limits.capacity,
            processes: held.processes + limits.busy_processes,
            max_processes: limits.max_processes,
            heap_mb: held.heap_mb,
            heap_budget_mb: limits.heap_budget_mb,
        };
        let now = crate::base::clock::now().as_millis();
        let hosts = self
            .hosts
            .list()
            .await
            .into_iter()
            .map(|h| HostHealth {
                state: h.state.as_str(),
                heartbeat_age_seconds: h
                    .last_heartbeat_at
                    .map(|at| u64::try_from((now - at).max(0) / 1000).unwrap_or(0)),
                name: h.name,
            })
            .collect();
        Ok(ControlMetrics {
            runs,
            sessions,
            queued,
            applications: usage,
            host,
            latencies: self.run_latencies.snapshot(),
            hosts,
        })
    }
}
