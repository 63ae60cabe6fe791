//! The console's charts need history that `/metrics` does not keep: what
//! each application held against its `maximumCapacity`, its queue and its
//! ended runs, over time. A sampler takes the control plane's own figures
//! (`Controller::metrics`, the scheduler's accounting) every
//! [`SAMPLE_EVERY`] into a ring of [`KEPT`] samples, so memory is bounded
//! whatever the uptime. Runs per hour by final state come from the
//! differences of the cumulative ended counts between samples. Elastic
//! runs' executors (held, and wanted by Spark) are sampled per run, for a
//! run's own chart.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use sparkplane_control::scheduling::metrics::{ControlMetrics, ElasticExecutors};
use sparkplane_control::Controller;

/// How often the sampler looks.
pub const SAMPLE_EVERY: Duration = Duration::from_secs(10);
/// Samples kept: two hours at [`SAMPLE_EVERY`].
pub const KEPT: usize = 720;
/// Applications kept per sample (the busiest first would need a ranking;
/// the store's order is by id), bounding a sample's size.
const MAX_APPS: usize = 200;
/// States in which a run is waiting for capacity.
const WAITING: [&str; 3] = ["SUBMITTED", "PENDING", "QUEUED"];
/// Final states of runs.
const ENDED: [&str; 3] = ["SUCCESS", "FAILED", "CANCELLED"];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppSample {
    pub state: String,
    pub cpu_in_use: u64,
    pub memory_gb_in_use: u64,
    pub cpu_maximum: Option<u64>,
    pub memory_gb_maximum: Option<u64>,
    pub queued: u64,
    pub running: u64,
    pub warm_idle: u32,
    pub warm_busy: u32,
    /// Runs that ever ended in each final state (cumulative).
    pub ended: BTreeMap<&'static str, u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sample {
    /// Unix seconds.
    pub at: i64,
    pub apps: BTreeMap<String, AppSample>,
    /// Elastic runs' executors, by run id; served only per run.
    #[serde(skip)]
    pub executors: BTreeMap<String, ExecutorSample>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutorSample {
    pub at: i64,
    pub granted: u32,
    pub wanted: u32,
}

/// One sample from the control plane's figures.
pub fn sample_of(metrics: &ControlMetrics, elastic: &[ElasticExecutors], at: i64) -> Sample {
    let mut apps: BTreeMap<String, AppSample> = BTreeMap::new();
    for usage in metrics.applications.iter().take(MAX_APPS) {
        apps.insert(
            usage.application_id.clone(),
            AppSample {
                state: usage.state.clone(),
                cpu_in_use: usage.in_use.cpu,
                memory_gb_in_use: usage.in_use.memory_gb,
                cpu_maximum: usage.maximum.map(|m| m.cpu),
                memory_gb_maximum: usage.maximum.map(|m| m.memory_gb),
                warm_idle: usage.warm_idle,
                warm_busy: usage.warm_busy,
                ..AppSample::default()
            },
        );
    }
    for count in &metrics.runs {
        let Some(app) = apps.get_mut(&count.application_id) else { continue };
        let state = count.state.as_str();
        if WAITING.contains(&state) {
            app.queued += count.count;
        } else if state == "RUNNING" {
            app.running += count.count;
        } else if let Some(ended) = ENDED.iter().find(|s| **s == state) {
            *app.ended.entry(ended).or_default() += count.count;
        }
    }
    let executors = elastic
        .iter()
        .take(MAX_APPS)
        .map(|e| (e.job_run_id.clone(), ExecutorSample { at, granted: e.granted, wanted: e.wanted }))
        .collect();
    Sample { at, apps, executors }
}

/// The ring of samples.
#[derive(Default)]
pub struct Samples {
    ring: Mutex<VecDeque<Sample>>,
}

impl Samples {
    pub fn push(&self, sample: Sample) {
        let mut ring = self.ring.lock().unwrap_or_else(|p| p.into_inner());
        if ring.len() == KEPT {
            ring.pop_front();
        }
        ring.push_back(sample);
    }

    /// Every kept sample, oldest first, with only the applications `visible` allows.
    pub fn view(&self, visible: impl Fn(&str) -> bool) -> Vec<Sample> {
        let ring = self.ring.lock().unwrap_or_else(|p| p.into_inner());
        ring.iter()
            .map(|sample| Sample {
                at: sample.at,
                executors: BTreeMap::new(),
                apps: sample
                    .apps
                    .iter()
                    .filter(|(id, _)| visible(id))
                    .map(|(id, app)| (id.clone(), app.clone()))
                    .collect(),
            })
            .collect()
    }

    /// Every application in the kept samples.
    pub fn application_ids(&self) -> std::collections::BTreeSet<String> {
        let ring = self.ring.lock().unwrap_or_else(|p| p.into_inner());
        ring.iter().flat_map(|sample| sample.apps.keys().cloned()).collect()
    }

    /// One run's executors over the kept samples (empty unless it is elastic).
    pub fn executors_of(&self, job_run_id: &str) -> Vec<ExecutorSample> {
        let ring = self.ring.lock().unwrap_or_else(|p| p.into_inner());
        ring.iter().filter_map(|sample| sample.executors.get(job_run_id).copied()).collect()
    }

    /// Samples every [`SAMPLE_EVERY`] until `shutdown` resolves.
    pub async fn run(self: Arc<Self>, controller: Arc<Controller>, shutdown: impl std::future::Future<Output = ()>) {
        let mut every = tokio::time::interval(SAMPLE_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                _ = every.tick() => {}
                () = &mut shutdown => return,
            }
            match controller.metrics().await {
                Ok(metrics) => self.push(sample_of(&metrics, &controller.elastic_executors(), unix_now())),
                Err(err) => tracing::debug!(error = %err, "console sample skipped"),
            }
        }
    }
}

pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sparkplane_control::base::capacity::Capacity;
    use sparkplane_control::scheduling::metrics::ApplicationUsage;
    use sparkplane_store::RunCount;

    fn metrics() -> ControlMetrics {
        let count = |app: &str, state: &str, count| RunCount { application_id: app.into(), state: state.into(), count };
        ControlMetrics {
            runs: vec![
                count("a", "QUEUED", 2),
                count("a", "PENDING", 1),
                count("a", "RUNNING", 1),
                count("a", "SUCCESS", 5),
                count("a", "FAILED", 1),
                count("gone", "SUCCESS", 9),
            ],
            applications: vec![ApplicationUsage {
                application_id: "a".into(),
                state: "STARTED".into(),
                in_use: Capacity { cpu: 6, memory_gb: 24, disk_gb: 40 },
                maximum: Some(Capacity { cpu: 8, memory_gb: 32, disk_gb: 100 }),
                warm_idle: 1,
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn a_sample_holds_each_applications_capacity_queue_and_ended_runs() {
        let sample = sample_of(&metrics(), &[], 100);
        assert_eq!(sample.apps.len(), 1, "only live applications");
        let a = &sample.apps["a"];
        assert_eq!((a.cpu_in_use, a.cpu_maximum, a.memory_gb_in_use), (6, Some(8), 24));
        assert_eq!((a.queued, a.running, a.warm_idle), (3, 1, 1));
        assert_eq!(a.ended.get("SUCCESS"), Some(&5));
        assert_eq!(a.ended.get("FAILED"), Some(&1));
    }

    #[test]
    fn the_ring_is_bounded_and_filtered_per_caller() {
        let samples = Samples::default();
        for at in 0..(KEPT as i64 + 5) {
            let elastic = ElasticExecutors { job_run_id: "r1".into(), granted: 2, wanted: at as u32 % 4 };
            samples.push(sample_of(&metrics(), &[elastic], at));
        }
        let all = samples.view(|_| true);
        assert_eq!(all.len(), KEPT);
        assert_eq!(all[0].at, 5, "the oldest went first");
        assert!(samples.view(|_| false).iter().all(|s| s.apps.is_empty()));
        assert!(all.iter().all(|s| s.executors.is_empty()), "executors go out per run only");
        let run = samples.executors_of("r1");
        assert_eq!(run.len(), KEPT);
        assert_eq!((run[0].at, run[0].granted, run[0].wanted), (5, 2, 1));
        assert!(samples.executors_of("other").is_empty());
    }
}
