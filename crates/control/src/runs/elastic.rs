//! Executors that come and go while a run runs (dynamic allocation).
//!
//! Spark's allocation manager decides how many executors it wants; sparkplane
//! reads that number from the driver's metrics servlet, hands it to the
//! scheduler as the run's wish, and starts or stops standalone workers to
//! match what the scheduler granted. Growth is therefore capped by
//! `maximumCapacity`, the host's logical capacity and its physical limits,
//! and a worker whose executor Spark released gives its share back.
//!
//! The books live in memory only: an attempt never outlives its server, so
//! nothing here has to survive a restart.
//!
//! In `runs` rather than `scheduling`: the attempt supervisor starts and
//! stops these executors, and the scheduler loop, the layer above, only
//! reads and grants the books.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use sparkplane_engine::resources::ExecutorRange;
use sparkplane_engine::runtime::InstalledRuntime;
use sparkplane_engine::spark::standalone::ExecutorCluster;
use sparkplane_engine::spark::{LaunchContext, SparkJobPlan};
use sparkplane_engine::EngineError;

use crate::Controller;

/// The executor processes of one elastic attempt.
pub(crate) struct Executors {
    pub cluster: ExecutorCluster,
    pub range: ExecutorRange,
    /// The driver's UI port, once its log says where it bound: only the
    /// driver's own word counts, so no other process's metrics are read.
    ui_port: Option<u16>,
}

/// The gauge Spark's `ExecutorAllocationManager` publishes its target on.
const TARGET_GAUGE: &str = "ExecutorAllocationManager.executors.numberTargetExecutors";
/// How often an elastic attempt compares wish, grant and workers.
pub(crate) const STEP_INTERVAL: Duration = Duration::from_millis(500);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Books {
    /// Executors the run may have (and holds, for the scheduler).
    granted: u32,
    /// Executors Spark wants, as last read.
    wanted: u32,
    /// Whether Spark has reported a target yet: until then nothing is
    /// released (the run keeps what it started with).
    reported: bool,
}

pub(crate) struct ElasticRuns {
    books: Mutex<HashMap<String, Books>>,
    http: Option<reqwest::Client>,
}

impl Default for ElasticRuns {
    fn default() -> Self {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(2)).no_proxy().build().ok();
        ElasticRuns { books: Mutex::new(HashMap::new()), http }
    }
}

impl ElasticRuns {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, Books>) -> T) -> T {
        let mut books = self.books.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut books)
    }

    /// A run scheduled with `granted` executors that wants `wanted`.
    pub(crate) fn begin(&self, job_run_id: &str, granted: u32, wanted: u32) {
        self.with(|books| books.insert(job_run_id.to_string(), Books { granted, wanted, reported: false }));
    }

    pub(crate) fn end(&self, job_run_id: &str) {
        self.with(|books| books.remove(job_run_id));
    }

    /// (granted, wanted) of an elastic run.
    pub(crate) fn books(&self, job_run_id: &str) -> Option<(u32, u32)> {
        self.with(|books| books.get(job_run_id).map(|b| (b.granted, b.wanted)))
    }

    pub(crate) fn grant(&self, job_run_id: &str, executors: u32) {
        self.with(|books| {
            if let Some(b) = books.get_mut(job_run_id) {
                b.granted = b.granted.saturating_add(executors);
            }
        });
    }

    /// Records Spark's wish; true when it asks for more than is granted.
    fn want(&self, job_run_id: &str, wanted: u32) -> bool {
        self.with(|books| {
            books.get_mut(job_run_id).is_some_and(|b| {
                b.wanted = wanted;
                b.reported = true;
                wanted > b.granted
            })
        })
    }

    fn released(&self, job_run_id: &str, executors: u32) {
        self.with(|books| {
            if let Some(b) = books.get_mut(job_run_id) {
                b.granted = b.granted.saturating_sub(executors);
            }
        });
    }

    fn reported(&self, job_run_id: &str) -> bool {
        self.with(|books| books.get(job_run_id).is_some_and(|b| b.reported))
    }

    /// Spark's target executor count, from the driver's metrics servlet;
    /// `None` while the UI is not up (or disabled: then the run keeps what
    /// it was granted, and grows to its initial executors as they fit).
    async fn spark_wants(&self, port: u16) -> Option<u32> {
        let url = format!("http://127.0.0.1:{port}/metrics/json/");
        let response = self.http.as_ref()?.get(url).send().await.ok()?;
        let body = response.bytes().await.ok()?;
        let metrics: serde_json::Value = serde_json::from_slice(&body).ok()?;
        target_of(&metrics)
    }
}

fn target_of(metrics: &serde_json::Value) -> Option<u32> {
    let gauges = metrics.get("gauges")?.as_object()?;
    let (_, gauge) = gauges.iter().find(|(name, _)| name.ends_with(TARGET_GAUGE))?;
    u32::try_from(gauge.get("value")?.as_u64()?).ok()
}

impl Controller {
    /// For an elastic plan: starts the attempt's master and the workers the
    /// run was scheduled with, and points `context` at the master.
    pub(crate) async fn start_executors(
        &self,
        job_run_id: &str,
        plan: &SparkJobPlan,
        runtime: &InstalledRuntime,
        work_dir: &Path,
        context: &mut LaunchContext<'_>,
    ) -> Result<Option<Executors>, EngineError> {
        let Some(range) = plan.resources.elastic else { return Ok(None) };
        let mut cluster =
            ExecutorCluster::start(plan, runtime, work_dir, &context.sandbox, context.images.as_ref()).await?;
        context.master = Some(cluster.master_url().to_string());
        let granted = self.elastic.books(job_run_id).map_or(plan.resources.launch_executors(), |(granted, _)| granted);
        for _ in 0..granted {
            cluster.add_worker(context)?;
        }
        Ok(Some(Executors { cluster, range, ui_port: None }))
    }

    /// One step of an elastic attempt: read what Spark wants, report it to
    /// the scheduler, start the workers it granted, and stop workers whose
    /// executors Spark released (down to what Spark wants, never below
    /// `minExecutors`).
    pub(crate) async fn step_elastic(&self, job_run_id: &str, work_dir: &Path, executors: &mut Executors) {
        if executors.ui_port.is_none() {
            executors.ui_port = crate::dashboards::bound_ui_port(work_dir);
        }
        let (range, cluster) = (executors.range, &mut executors.cluster);
        let target = match executors.ui_port {
            Some(port) => self.elastic.spark_wants(port).await,
            None => None,
        };
        if let Some(target) = target {
            if self.elastic.want(job_run_id, target.clamp(range.min, range.max)) {
                self.wake_scheduler();
            }
        }
        let Some((granted, wanted)) = self.elastic.books(job_run_id) else { return };
        let context = self.launch_context();
        while cluster.workers() < granted {
            if let Err(err) = cluster.add_worker(&context) {
                tracing::warn!(job_run_id, error = %err, "start an executor worker");
                self.elastic.released(job_run_id, granted - cluster.workers());
                break;
            }
        }
        // Idle workers are watched on every step; they go only once Spark has
        // said what it wants, and never below `minExecutors`.
        let keep = if self.elastic.reported(job_run_id) { wanted.max(range.min) } else { u32::MAX };
        let released = cluster.release_idle(keep).await;
        if released > 0 {
            tracing::info!(job_run_id, released, "executors released by Spark: reservation shrinks");
            self.elastic.released(job_run_id, released);
            self.wake_scheduler();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_allocation_target_and_keeps_books() {
        let metrics = serde_json::json!({"gauges": {
            "app-1.driver.ExecutorAllocationManager.executors.numberAllExecutors": {"value": 1},
            "app-1.driver.ExecutorAllocationManager.executors.numberTargetExecutors": {"value": 3},
        }});
        assert_eq!(target_of(&metrics), Some(3));
        assert_eq!(target_of(&serde_json::json!({"gauges": {}})), None);

        let runs = ElasticRuns::default();
        runs.begin("r", 1, 1);
        assert!(!runs.reported("r"), "nothing is released before Spark says what it wants");
        assert!(runs.want("r", 3), "more than granted");
        assert!(runs.reported("r"));
        runs.grant("r", 1);
        assert_eq!(runs.books("r"), Some((2, 3)));
        assert!(!runs.want("r", 2));
        runs.released("r", 5);
        assert_eq!(runs.books("r"), Some((0, 2)));
        runs.end("r");
        assert_eq!(runs.books("r"), None);
        assert!(!runs.want("r", 1), "an unknown run wants nothing");
    }
}
