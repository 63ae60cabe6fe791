//! The scheduler's decisions, as a pure function of observed state.
//!
//! [`plan`] looks at every unfinished run (oldest first) and the applications
//! they belong to, and returns the next actions: start an application that
//! has work, admit a submitted run (or queue it behind `maxConcurrentRuns`),
//! and schedule a pending run whose resources fit under `maximumCapacity`.
//! Runs of one application are served first-in first-out; a run that does
//! not fit yet waits rather than fails. The loop that applies the actions
//! lives in `reconcile`.

use std::collections::{BTreeMap, HashSet};

use sparkplane_api::{ApplicationState, JobRunState};

/// Total resources of a set of workers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Capacity {
    pub cpu: u64,
    pub memory_gb: u64,
}

impl Capacity {
    fn plus(self, other: Capacity) -> Capacity {
        Capacity { cpu: self.cpu + other.cpu, memory_gb: self.memory_gb + other.memory_gb }
    }

    pub fn fits_within(self, limit: Capacity) -> bool {
        self.cpu <= limit.cpu && self.memory_gb <= limit.memory_gb
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AppView {
    pub state: ApplicationState,
    pub auto_start: bool,
    pub maximum_capacity: Option<Capacity>,
    pub max_concurrent_runs: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RunView {
    pub application_id: String,
    pub job_run_id: String,
    pub state: JobRunState,
    /// What the run holds once scheduled.
    pub demand: Capacity,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    StartApplication {
        application_id: String,
    },
    /// SUBMITTED or QUEUED → PENDING.
    Admit {
        job_run_id: String,
    },
    /// SUBMITTED → QUEUED.
    Queue {
        job_run_id: String,
    },
    /// PENDING → SCHEDULED, then launch.
    Schedule {
        job_run_id: String,
    },
}

/// States in which a run counts against `maxConcurrentRuns`.
fn is_active(state: JobRunState) -> bool {
    matches!(state, JobRunState::Pending | JobRunState::Scheduled | JobRunState::Running | JobRunState::Cancelling)
}

/// States in which a run holds its resources.
fn holds_resources(state: JobRunState) -> bool {
    matches!(state, JobRunState::Scheduled | JobRunState::Running | JobRunState::Cancelling)
}

/// `runs` must be ordered oldest first.
pub fn plan(apps: &BTreeMap<String, AppView>, runs: &[RunView]) -> Vec<Action> {
    let mut actions = Vec::new();
    let mut started_apps = HashSet::new();
    let mut active: BTreeMap<&str, u32> = BTreeMap::new();
    let mut held: BTreeMap<&str, Capacity> = BTreeMap::new();
    for run in runs {
        if is_active(run.state) {
            *active.entry(&run.application_id).or_default() += 1;
        }
        if holds_resources(run.state) {
            let entry = held.entry(&run.application_id).or_default();
            *entry = entry.plus(run.demand);
        }
    }
    // Once a run of an application waits (queue or capacity), later runs of
    // that application wait behind it.
    let mut queue_blocked = HashSet::new();
    let mut capacity_blocked = HashSet::new();

    for run in runs {
        let Some(app) = apps.get(&run.application_id) else { continue };
        let app_id = run.application_id.as_str();
        match run.state {
            JobRunState::Submitted | JobRunState::Queued => {
                if app.state != ApplicationState::Started {
                    let startable = matches!(app.state, ApplicationState::Created | ApplicationState::Stopped);
                    if startable && app.auto_start && started_apps.insert(app_id) {
                        actions.push(Action::StartApplication { application_id: run.application_id.clone() });
                    }
                    continue;
                }
                let count = active.entry(app_id).or_default();
                let limit = app.max_concurrent_runs.unwrap_or(u32::MAX);
                if *count < limit && !queue_blocked.contains(app_id) {
                    *count += 1;
                    actions.push(Action::Admit { job_run_id: run.job_run_id.clone() });
                } else {
                    queue_blocked.insert(app_id);
                    if run.state == JobRunState::Submitted {
                        actions.push(Action::Queue { job_run_id: run.job_run_id.clone() });
                    }
                }
            }
            JobRunState::Pending => {
                if app.state != ApplicationState::Started || capacity_blocked.contains(app_id) {
                    continue;
                }
                let holding = held.entry(app_id).or_default();
                let wanted = holding.plus(run.demand);
                let fits = app.maximum_capacity.is_none_or(|limit| wanted.fits_within(limit));
                if fits {
                    *holding = wanted;
                    actions.push(Action::Schedule { job_run_id: run.job_run_id.clone() });
                } else {
                    capacity_blocked.insert(app_id);
                }
            }
            _ => {}
        }
    }
    actions
}

#[cfg(test)]
#[path = "scheduler_tests.rs"]
mod tests;
