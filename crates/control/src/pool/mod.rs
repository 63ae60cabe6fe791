//! Pre-initialized capacity: the warm workers each started application keeps.
//!
//! `initialCapacity` asks for workers that are up before a job arrives. For
//! HIVE applications a warm DRIVER is a running `sparkplane hive-worker
//! --serve` process (see [`crate::hive::channel`]) that takes jobs over a local
//! channel and goes back to the pool after each one. For SPARK applications
//! a warm DRIVER is a PySpark driver whose JVM and SparkSession are already
//! up (`engine::spark::warm`); it serves one job and is replaced at once,
//! so a job never inherits another job's session. Executor-type workers
//! (Spark EXECUTOR, Hive TEZ_TASK) have no process of their own here (Spark
//! runs executors as threads of the driver's JVM), so they are capacity held
//! for the application, which the scheduler counts.
//!
//! The pool is reconciled like the scheduler: desired warm workers (from the
//! applications that are STARTING or STARTED) against the observed ones;
//! missing or dead workers are started in the background, surplus ones are
//! stopped. A STARTING application becomes STARTED once its warm workers are
//! ready. Nothing here is persisted: after a restart the pool is rebuilt from
//! the applications, and old workers exit when their channel closes.
//!
//! Uses `base`, `access`, `hive` and `dashboards`; `applications` (which
//! releases the workers of a stopped application), `runs` (which take and
//! give back warm workers) and `scheduling` (which runs its pass) use it.

mod reconcile;
mod take;
pub(crate) use reconcile::warm_spark_template;
pub mod view;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sparkplane_api::{Application, ApplicationState};
use sparkplane_engine::spark::WarmDriver;
use sparkplane_engine::{ExitReport, ProcessGroup};

use crate::access::grants::AttemptGrant;
use crate::base::retention::{EVENT_LOG_FOLDER, WARM_UP_LOG_IN_WORK_DIR};
use crate::hive::channel::WarmHiveWorker;

/// Wait before retrying a warm worker that failed to start.
const RETRY_AFTER: Duration = Duration::from_secs(5);

/// Warm workers an application wants, from its `initialCapacity`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WarmTarget {
    /// Warm driver processes (Spark `Driver`, Hive `HiveDriver`).
    pub drivers: u32,
    /// Spark drivers (a JVM with its session up) rather than HIVE workers.
    pub spark: bool,
}

/// The warm workers wanted by `app` in its current state.
pub fn warm_target(app: &Application) -> WarmTarget {
    let wanted = matches!(app.state, ApplicationState::Starting | ApplicationState::Started);
    if !wanted {
        return WarmTarget::default();
    }
    let drivers = app
        .initial_capacity
        .as_ref()
        .map(|capacity| {
            capacity
                .iter()
                .filter(|(key, _)| key.eq_ignore_ascii_case("Driver") || key.eq_ignore_ascii_case("HiveDriver"))
                .map(|(_, config)| u32::try_from(config.worker_count.max(0)).unwrap_or(u32::MAX))
                .sum()
        })
        .unwrap_or(0);
    WarmTarget { drivers, spark: app.r#type != "HIVE" }
}

/// A warm worker of either engine, as the pool hands it out.
/// Both boxed: they are moved around whole and differ much in size.
pub(crate) enum WarmWorker {
    Hive(Box<WarmHiveWorker>),
    Spark(Box<WarmSpark>),
}

/// A warm Spark driver and its credentials grant. The driver's JVM got the
/// grant's token when it started (its environment is fixed then); the grant
/// is bound to the run the driver takes at hand-over and fetches nothing
/// before. `None` when attempts get no credentials from the endpoint.
pub(crate) struct WarmSpark {
    pub driver: WarmDriver,
    pub grant: Option<AttemptGrant>,
}

impl WarmWorker {
    pub async fn stop(self) {
        match self {
            WarmWorker::Hive(mut worker) => {
                let _ = worker.terminate(Duration::ZERO).await;
            }
            // The grant goes with the driver.
            WarmWorker::Spark(warm) => warm.driver.stop().await,
        }
    }
}

#[derive(Default)]
struct AppWorkers {
    hive_idle: Vec<WarmHiveWorker>,
    hive_busy: u32,
    /// Ready Spark drivers; one serves one job, so a taken driver is not
    /// counted any more and a replacement starts at once.
    spark_idle: Vec<WarmSpark>,
    /// Drivers taken by a run and still running its job: processes the
    /// warm target no longer counts, since a replacement is starting.
    spark_serving: u32,
    starting: u32,
    next_label: u64,
    last_failure: Option<(Instant, String)>,
}

impl AppWorkers {
    /// Forgets idle workers whose process ended (the reconcile pass replaces them).
    fn drop_dead(&mut self) {
        self.hive_idle.retain_mut(|w| w.is_alive());
        self.spark_idle.retain_mut(|warm| warm.driver.is_alive());
    }
}

/// What the reconcile pass should do for one application.
pub(crate) struct PoolStep {
    /// Labels of workers to start now.
    pub start: Vec<String>,
    /// Surplus idle workers, to stop.
    pub stop: Vec<WarmWorker>,
    /// Whether every wanted worker is ready (or gave up starting).
    pub ready: bool,
    /// Why warm workers could not start, if they could not.
    pub failure: Option<String>,
}

#[derive(Default)]
pub(crate) struct WorkerPool {
    apps: Mutex<HashMap<String, AppWorkers>>,
}

impl WorkerPool {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, AppWorkers>) -> T) -> T {
        let mut apps = self.apps.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut apps)
    }

    /// Compares desired with observed for `application_id`, dropping dead
    /// idle workers, and says which workers to start.
    pub fn step(&self, application_id: &str, target: WarmTarget, now: Instant) -> PoolStep {
        self.with(|apps| {
            let workers = apps.entry(application_id.to_string()).or_default();
            workers.drop_dead();
            let mut up = workers.hive_idle.len() as u32 + workers.hive_busy + workers.spark_idle.len() as u32;
            // More ready than wanted: a Spark driver came back (its run could
            // not use it) after its replacement was started. The newest go.
            let mut stop = Vec::new();
            while up > target.drivers {
                let surplus = if let Some(driver) = workers.spark_idle.pop() {
                    WarmWorker::Spark(Box::new(driver))
                } else if let Some(worker) = workers.hive_idle.pop() {
                    WarmWorker::Hive(Box::new(worker))
                } else {
                    break;
                };
                stop.push(surplus);
                up -= 1;
            }
            let observed = up + workers.starting;
            let backing_off =
                workers.last_failure.as_ref().is_some_and(|(at, _)| now.duration_since(*at) < RETRY_AFTER);
            let mut start = Vec::new();
            if !backing_off {
                for _ in observed..target.drivers {
                    workers.next_label += 1;
                    workers.starting += 1;
                    start.push(format!("{application_id}-{}", workers.next_label));
                }
            }
            PoolStep {
                start,
                stop,
                ready: up >= target.drivers || workers.last_failure.is_some(),
                failure: workers.last_failure.as_ref().map(|(_, why)| why.clone()),
            }
        })
    }

    /// Records the end of a background start.
    pub fn started(&self, application_id: &str, result: Result<WarmWorker, String>) {
        self.with(|apps| {
            let workers = apps.entry(application_id.to_string()).or_default();
            workers.starting = workers.starting.saturating_sub(1);
            match result {
                Ok(WarmWorker::Hive(worker)) => {
                    workers.last_failure = None;
                    workers.hive_idle.push(*worker);
                }
                Ok(WarmWorker::Spark(warm)) => {
                    workers.last_failure = None;
                    workers.spark_idle.push(*warm);
                }
                Err(why) => workers.last_failure = Some((Instant::now(), why)),
            }
        });
    }

    /// What the application's workers are doing (nothing known: zeros).
    pub fn counts(&self, application_id: &str) -> view::PoolCounts {
        self.with(|apps| {
            let Some(workers) = apps.get_mut(application_id) else { return view::PoolCounts::default() };
            workers.drop_dead();
            view::PoolCounts {
                idle: (workers.hive_idle.len() + workers.spark_idle.len()) as u32,
                busy: workers.hive_busy + workers.spark_serving,
                starting: workers.starting,
                last_failure: workers.last_failure.as_ref().map(|(_, why)| why.clone()),
            }
        })
    }

    /// A free warm HIVE worker of the application, marked busy.
    pub fn take_hive(&self, application_id: &str) -> Option<WarmHiveWorker> {
        self.with(|apps| {
            let workers = apps.get_mut(application_id)?;
            while let Some(mut worker) = workers.hive_idle.pop() {
                if worker.is_alive() {
                    workers.hive_busy += 1;
                    return Some(worker);
                }
            }
            None
        })
    }

    /// A ready warm Spark driver of the application; the pass that follows
    /// starts its replacement.
    pub fn take_spark(&self, application_id: &str) -> Option<WarmSpark> {
        self.with(|apps| {
            let workers = apps.get_mut(application_id)?;
            while let Some(mut warm) = workers.spark_idle.pop() {
                if warm.driver.is_alive() {
                    return Some(warm);
                }
            }
            None
        })
    }

    /// A taken Spark driver now runs a job, until [`Self::spark_job_done`].
    pub fn spark_serving(&self, application_id: &str) {
        self.with(|apps| apps.entry(application_id.to_string()).or_default().spark_serving += 1);
    }

    pub fn spark_job_done(&self, application_id: &str) {
        self.with(|apps| {
            if let Some(workers) = apps.get_mut(application_id) {
                workers.spark_serving = workers.spark_serving.saturating_sub(1);
            }
        });
    }

    /// Warm Spark drivers running jobs, over all applications.
    pub fn spark_serving_total(&self) -> u32 {
        self.with(|apps| apps.values().map(|w| w.spark_serving).sum())
    }

    /// Returns an unused Spark driver (the run could not use it).
    pub fn put_back_spark(&self, application_id: &str, mut warm: WarmSpark) {
        if warm.driver.is_alive() {
            self.with(|apps| apps.entry(application_id.to_string()).or_default().spark_idle.push(warm));
        }
    }

    /// Returns a worker after its job; a dead one is dropped (and replaced
    /// by the next reconcile pass).
    pub fn give_back_hive(&self, application_id: &str, worker: Option<WarmHiveWorker>) {
        self.with(|apps| {
            let workers = apps.entry(application_id.to_string()).or_default();
            workers.hive_busy = workers.hive_busy.saturating_sub(1);
            if let Some(mut worker) = worker {
                if worker.is_alive() {
                    workers.hive_idle.push(worker);
                }
            }
        });
    }

    /// Removes and returns the idle workers of every application not in
    /// `keep` (stopped, deleted); the caller stops them.
    pub fn release_others(&self, keep: &[&str]) -> Vec<WarmWorker> {
        self.with(|apps| {
            let gone: Vec<String> = apps.keys().filter(|id| !keep.contains(&id.as_str())).cloned().collect();
            let mut released = Vec::new();
            for id in gone {
                if let Some(workers) = apps.remove(&id) {
                    released.extend(workers.hive_idle.into_iter().map(|w| WarmWorker::Hive(Box::new(w))));
                    released.extend(workers.spark_idle.into_iter().map(|d| WarmWorker::Spark(Box::new(d))));
                    // Busy or starting workers come back through give_back /
                    // started and are kept only if the app wants them again.
                    if workers.hive_busy > 0 || workers.starting > 0 || workers.spark_serving > 0 {
                        apps.insert(
                            id,
                            AppWorkers {
                                hive_busy: workers.hive_busy,
                                starting: workers.starting,
                                spark_serving: workers.spark_serving,
                                ..Default::default()
                            },
                        );
                    }
                }
            }
            released
        })
    }

    /// Every idle worker, for server shutdown.
    pub fn drain(&self) -> Vec<WarmWorker> {
        self.with(|apps| {
            let mut all = Vec::new();
            for workers in apps.values_mut() {
                all.extend(std::mem::take(&mut workers.hive_idle).into_iter().map(|w| WarmWorker::Hive(Box::new(w))));
                let spark = std::mem::take(&mut workers.spark_idle);
                all.extend(spark.into_iter().map(|d| WarmWorker::Spark(Box::new(d))));
            }
            all
        })
    }
}

/// The process an attempt waits on: its own process group (cold HIVE
/// worker, Spark driver) or a warm HIVE worker that outlives the job.
pub(crate) enum AttemptDriver {
    Process(ProcessGroup),
    WarmHive(WarmHiveWorker),
}

impl AttemptDriver {
    pub fn pgid(&self) -> i32 {
        match self {
            AttemptDriver::Process(process) => process.pgid(),
            AttemptDriver::WarmHive(worker) => worker.pgid(),
        }
    }

    /// Cancel-safe.
    pub async fn wait(&mut self) -> std::io::Result<ExitReport> {
        match self {
            AttemptDriver::Process(process) => process.wait().await,
            AttemptDriver::WarmHive(worker) => worker.wait().await,
        }
    }

    pub async fn terminate(&mut self, grace: Duration) -> std::io::Result<ExitReport> {
        match self {
            AttemptDriver::Process(process) => process.terminate(grace).await,
            AttemptDriver::WarmHive(worker) => worker.terminate(grace).await,
        }
    }
}

/// Where a warm worker of `application_id` writes its own diagnostics.
pub(crate) fn worker_log_path(data_dir: &Path, application_id: &str, label: &str) -> std::path::PathBuf {
    data_dir.join("pool").join(application_id).join(format!("{label}.log"))
}

/// After a warm Spark driver's job ended (and its event logs moved into the
/// work dir): its warm-up log joins the attempt's work dir and the rest of
/// its directory (the script, its UI port) goes, so `<data>/pool` holds only
/// live drivers.
pub(crate) fn retire_spark_dir(dir: &Path, work_dir: &Path) {
    if dir.join(EVENT_LOG_FOLDER).exists() {
        return; // its event logs could not be moved: keep them where they are
    }
    let log = dir.join(sparkplane_engine::spark::WARM_UP_LOG);
    let retired = std::fs::rename(&log, work_dir.join(WARM_UP_LOG_IN_WORK_DIR))
        .or_else(|err| if log.exists() { Err(err) } else { Ok(()) })
        .and_then(|()| std::fs::remove_dir_all(dir));
    if let Err(err) = retired {
        tracing::warn!(dir = %dir.display(), error = %err, "clean up a used warm driver's directory");
    }
}
