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

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use sparkplane_engine::resources::ExecutorRange;
use sparkplane_engine::runtime::InstalledRuntime;
use sparkplane_engine::spark::standalone::ExecutorCluster;
use sparkplane_engine::spark::{hadoop_s3, LaunchContext, SparkJobPlan};
use sparkplane_engine::EngineError;

use super::elastic_remote::RemoteSide;
use crate::Controller;

/// The executor processes of one elastic attempt.
pub(crate) struct Executors {
    pub cluster: ExecutorCluster,
    /// Its workers on agents' hosts.
    remote: RemoteSide,
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

/// An executor granted on an agent's host and not placed yet: the host,
/// and the executor's vCPU and memory (GB), which that host holds already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PendingPlace {
    pub host: String,
    pub vcpu: u64,
    pub memory_gb: u64,
}

#[derive(Default)]
struct Placing {
    /// Per run, in grant order.
    pending: HashMap<String, VecDeque<PendingPlace>>,
    /// Runs whose executors may go to agents (set when their attempt starts).
    may_use_agents: std::collections::HashSet<String>,
}

pub(crate) struct ElasticRuns {
    books: Mutex<HashMap<String, Books>>,
    placing: Mutex<Placing>,
    http: Option<reqwest::Client>,
}

impl Default for ElasticRuns {
    fn default() -> Self {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(2)).no_proxy().build().ok();
        ElasticRuns { books: Mutex::new(HashMap::new()), placing: Mutex::default(), http }
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
        self.placing(|p| {
            p.pending.remove(job_run_id);
            p.may_use_agents.remove(job_run_id);
        });
    }

    fn placing<T>(&self, f: impl FnOnce(&mut Placing) -> T) -> T {
        f(&mut self.placing.lock().unwrap_or_else(|poisoned| poisoned.into_inner()))
    }

    /// Whether the run's executors may go to agents' hosts.
    pub(crate) fn set_may_use_agents(&self, job_run_id: &str, may: bool) {
        self.placing(|p| {
            if may {
                p.may_use_agents.insert(job_run_id.to_string());
            } else {
                p.may_use_agents.remove(job_run_id);
            }
        });
    }

    pub(crate) fn may_use_agents(&self, job_run_id: &str) -> bool {
        self.placing(|p| p.may_use_agents.contains(job_run_id))
    }

    /// The agent's host the next granted executor goes to; `None`: this host.
    fn next_agent(&self, job_run_id: &str) -> Option<String> {
        self.placing(|p| p.pending.get_mut(job_run_id).and_then(VecDeque::pop_front).map(|place| place.host))
    }

    /// Granted and not yet placed, by host: of one run, or (`None`) of all.
    pub(crate) fn pending(&self, job_run_id: Option<&str>) -> Vec<PendingPlace> {
        self.placing(|p| {
            p.pending
                .iter()
                .filter(|(run, _)| job_run_id.is_none_or(|id| id == run.as_str()))
                .flat_map(|(_, places)| places.iter().cloned())
                .collect()
        })
    }

    /// (granted, wanted) of an elastic run.
    pub(crate) fn books(&self, job_run_id: &str) -> Option<(u32, u32)> {
        self.with(|books| books.get(job_run_id).map(|b| (b.granted, b.wanted)))
    }

    /// (run, granted, wanted) of every elastic run now.
    pub(crate) fn all_books(&self) -> Vec<(String, u32, u32)> {
        self.with(|books| books.iter().map(|(run, b)| (run.clone(), b.granted, b.wanted)).collect())
    }

    /// Grants `executors` more, one on each of `agents` and the rest here.
    pub(crate) fn grant(&self, job_run_id: &str, executors: u32, agents: Vec<PendingPlace>) {
        let known = self
            .with(|books| books.get_mut(job_run_id).map(|b| b.granted = b.granted.saturating_add(executors)).is_some());
        if known && !agents.is_empty() {
            self.placing(|p| p.pending.entry(job_run_id.to_string()).or_default().extend(agents));
        }
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
    /// run was scheduled with, and points `context` at the master. When
    /// executors may go to agents' hosts, the master, the driver and this
    /// host's workers bind to the advertised address.
    pub(crate) async fn start_executors(
        &self,
        run: &sparkplane_api::JobRun,
        attempt: u32,
        plan: &SparkJobPlan,
        runtime: &InstalledRuntime,
        work_dir: &Path,
        context: &mut LaunchContext<'_>,
    ) -> Result<Option<Executors>, EngineError> {
        let Some(range) = plan.resources.elastic else { return Ok(None) };
        context.bind_address = self.remote_bind_address(context);
        let bind = context.bind_address.clone();
        let mut cluster =
            ExecutorCluster::start(plan, runtime, work_dir, &context.sandbox, context.images.as_ref(), bind.clone())
                .await?;
        if bind.is_some() {
            // This host's executors reach the credentials endpoint on its
            // loopback; the conf no longer says where (see `bind_address`).
            let full_uri = context.credentials_env.iter().filter(|(k, _)| k == hadoop_s3::FULL_URI_ENV).cloned();
            cluster.set_worker_env(full_uri.collect());
        }
        context.master = Some(cluster.master_url().to_string());
        let mut remote = self.remote_side(run, attempt, plan, context, cluster.master_url());
        self.elastic.set_may_use_agents(&run.job_run_id, context.bind_address.is_some());
        let granted =
            self.elastic.books(&run.job_run_id).map_or(plan.resources.launch_executors(), |(granted, _)| granted);
        let logs_dir = work_dir.join("executors");
        for place in self.initial_places(&remote, granted).await {
            let remote_placed = place.is_some_and(|host| self.place_remote(&mut remote, host, logs_dir.clone()));
            if !remote_placed {
                cluster.add_worker(context)?;
            }
        }
        Ok(Some(Executors { cluster, remote, range, ui_port: None }))
    }

    /// Stops every executor of the attempt, here and on agents' hosts
    /// (waiting, bounded, for the agents to send their logs); returns how
    /// long each worker ran.
    pub(crate) async fn shutdown_executors(&self, executors: &mut Executors) -> Vec<Duration> {
        executors.cluster.shutdown().await;
        self.shutdown_remote(&mut executors.remote).await;
        let mut lifetimes = executors.cluster.worker_lifetimes();
        lifetimes.extend(executors.remote.lifetimes());
        lifetimes
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
        let lost = self.check_remote(&mut executors.remote).await;
        if lost > 0 {
            self.elastic.released(job_run_id, lost);
            self.wake_scheduler();
        }
        let Some((granted, wanted)) = self.elastic.books(job_run_id) else { return };
        let context = self.launch_context();
        let logs_dir = work_dir.join("executors");
        while cluster.workers() + executors.remote.count() < granted {
            if let Some(host) = self.elastic.next_agent(job_run_id) {
                if self.place_remote(&mut executors.remote, host, logs_dir.clone()) {
                    continue;
                }
            }
            if let Err(err) = cluster.add_worker(&context) {
                tracing::warn!(job_run_id, error = %err, "start an executor worker");
                let have = cluster.workers() + executors.remote.count();
                self.elastic.released(job_run_id, granted.saturating_sub(have));
                break;
            }
        }
        // Idle workers are watched on every step; they go only once Spark has
        // said what it wants, and never below `minExecutors`. Agents' first:
        // their share is the one other runs' drivers cannot use.
        let keep = if self.elastic.reported(job_run_id) { wanted.max(range.min) } else { u32::MAX };
        let total = cluster.workers() + executors.remote.count();
        let mut released = self.release_idle_remote(&mut executors.remote, total.saturating_sub(keep));
        released += cluster.release_idle(keep.saturating_sub(executors.remote.count())).await;
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
        let place = PendingPlace { host: "agent-1".into(), vcpu: 1, memory_gb: 4 };
        runs.grant("r", 1, vec![place.clone()]);
        assert_eq!(runs.pending(Some("r")), [place]);
        assert_eq!(runs.books("r"), Some((2, 3)));
        assert_eq!(runs.next_agent("r").as_deref(), Some("agent-1"));
        assert_eq!(runs.next_agent("r"), None, "the rest start here");
        assert!(runs.pending(None).is_empty());
        assert!(!runs.want("r", 2));
        runs.released("r", 5);
        assert_eq!(runs.books("r"), Some((0, 2)));
        runs.end("r");
        assert_eq!(runs.books("r"), None);
        assert!(!runs.want("r", 1), "an unknown run wants nothing");
    }
}
