//! Supervision of one attempt of a job run, from SCHEDULED to a final state.
//!
//! The task owns the attempt's process groups (the driver's, and an elastic
//! run's standalone master and workers, see [`super::elastic`]): it installs the runtime if
//! needed, stages and launches, then waits for whichever comes first of the
//! process exiting, a stop request (cancel or server shutdown) or the
//! execution timeout. Logs are shipped periodically while the process runs
//! and once at the end; usage is computed from what the attempt held.

use std::sync::Arc;
use std::time::Duration;

use sparkplane_api::{Application, JobRun, JobRunState};
use sparkplane_engine::sandbox::{Confinement, REFUSED_DETAILS};
use sparkplane_engine::spark::{self, hadoop_s3};
use sparkplane_engine::{EngineError, ExitReport};
use sparkplane_storage::{Location, LogShipper, LogTarget, WorkerLogDir};
use tokio::sync::watch;

use super::elastic::{Executors, STEP_INTERVAL};
use super::plan::{plan_for, JobPlan};
use super::remote_adopt::Adopted;
use super::remote_driver::remote_driver_id;
use crate::access::grants::AttemptGrant;
use crate::base::records::truncate_details;
use crate::base::{clock, metering};
use crate::dashboards::{adopt_warm_dashboard, dashboard_prefix, settle_event_logs, spark_launch_conf};
use crate::hive::{HivePlan, WorkerCredentials};
use crate::pool::{retire_spark_dir, AttemptDriver, WarmSpark};
use crate::Controller;

/// Why an attempt must stop before its process exits on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StopRequest {
    Cancel { grace: Duration },
    ServerShutdown,
}

/// Grace period of a cancel when the caller gives none: the service's
/// default for batch jobs is no grace period (SIGTERM, then SIGKILL at once).
pub(crate) const DEFAULT_GRACE: Duration = Duration::ZERO;
/// The service's default execution timeout: 12 hours.
pub(crate) const DEFAULT_TIMEOUT_MINUTES: i64 = 720;

/// How the attempt ended, before it is written down.
#[derive(Clone)]
pub(super) struct Outcome {
    state: JobRunState,
    details: String,
    held_millis: i64,
    /// How long each executor process ran, for elastic runs (the others
    /// hold their executors as long as the driver).
    executor_millis: Option<Vec<i64>>,
    /// The server stops and leaves the attempt to the next one to lead
    /// (a driver on an agent's host): nothing is recorded.
    pub(super) handed_over: bool,
}

impl Outcome {
    /// An end with no executor lifetimes yet (elastic runs add theirs once
    /// their executors are stopped).
    pub(super) fn new(state: JobRunState, details: impl Into<String>, held_millis: i64) -> Outcome {
        Outcome { state, details: details.into(), held_millis, executor_millis: None, handed_over: false }
    }

    /// No end: the attempt goes on under the next server to lead.
    pub(super) fn handed_over() -> Outcome {
        Outcome { handed_over: true, ..Outcome::new(JobRunState::Running, "", 0) }
    }

    /// The same end, with the driver having been held `held_millis`.
    pub(super) fn held_for(self, held_millis: i64) -> Outcome {
        Outcome { held_millis, ..self }
    }
}

impl Controller {
    /// Runs attempt `attempt` of `run` to completion. Spawned by the
    /// scheduler after it recorded the run as SCHEDULED, or at startup for
    /// an attempt `adopted` from the last leader.
    pub(crate) async fn supervise_attempt(
        self: Arc<Self>,
        app: Application,
        run: JobRun,
        attempt: u32,
        mut stop: watch::Receiver<Option<StopRequest>>,
        adopted: Option<Adopted>,
    ) {
        // Booked on an agent's host when scheduled (or adopted); the attempt
        // ends that booking itself.
        let remote = self.remote_drivers.host_of(&run.job_run_id).is_some();
        let outcome = self.drive_attempt(&app, &run, attempt, &mut stop, adopted).await;
        if outcome.handed_over {
            // Still booked and assigned here: until this server stops
            // answering, its agent is told to keep the driver.
            tracing::info!(job_run_id = %run.job_run_id, attempt, "attempt left to the next server to lead");
            self.forget_running(&run.job_run_id, attempt).await;
            return;
        }
        // Before the end is recorded: a retry scheduled right after must
        // find its own books, not this attempt's.
        self.elastic.end(&run.job_run_id);
        self.remote_drivers.end(&run.job_run_id);
        let ended_at = clock::now();
        let resources = plan_for(&app, &run).ok().map(|plan| plan.resources().clone());
        let usage = resources
            .as_ref()
            .map(|r| match &outcome.executor_millis {
                Some(lifetimes) => {
                    let mut held = vec![(r.driver, outcome.held_millis)];
                    held.extend(lifetimes.iter().map(|millis| (r.executor, *millis)));
                    metering::usage_of(&held)
                }
                None => metering::usage(&r.workers(), outcome.held_millis),
            })
            .unwrap_or_else(|| metering::usage(&[], 0));
        let result = self
            .finish_attempt(&run.application_id, &run.job_run_id, attempt, |current| {
                if current.state.is_terminal() {
                    return false;
                }
                current.state = outcome.state;
                current.state_details = truncate_details(&outcome.details);
                current.ended_at = Some(ended_at);
                let started = current.started_at.map(|t| t.as_millis()).unwrap_or(ended_at.as_millis());
                current.total_execution_duration_seconds = Some((ended_at.as_millis() - started).max(0) / 1000);
                current.total_resource_utilization = Some(usage.total.clone());
                current.billed_resource_utilization = Some(usage.billed.clone());
                true
            })
            .await;
        if let Err(err) = result {
            tracing::error!(job_run_id = %run.job_run_id, error = %err, "record end of attempt");
        }
        if remote {
            // After the end is recorded, so that no leader finds the run
            // running without its placement and fails an attempt that ended.
            self.forget_placement(&remote_driver_id(&run.job_run_id, attempt)).await;
        }
        tracing::info!(job_run_id = %run.job_run_id, attempt, state = %outcome.state.as_str(), "attempt ended");
        // Logs were shipped and every process has exited (drive_attempt).
        self.retire_attempt_dir(&run.application_id, &run.job_run_id, attempt, outcome.state);
        self.forget_running(&run.job_run_id, attempt).await;
        self.wake_scheduler();
    }

    /// Drops the cancel handle of `job_run_id`'s `attempt`, unless it is
    /// already a later attempt's.
    async fn forget_running(&self, job_run_id: &str, attempt: u32) {
        let mut running = self.running.lock().await;
        if running.get(job_run_id).is_some_and(|handle| handle.attempt == attempt) {
            running.remove(job_run_id);
        }
    }

    async fn drive_attempt(
        &self,
        app: &Application,
        run: &JobRun,
        attempt: u32,
        stop: &mut watch::Receiver<Option<StopRequest>>,
        adopted: Option<Adopted>,
    ) -> Outcome {
        let failed = |details: String| Outcome::new(JobRunState::Failed, details, 0);
        let stopped_early = |request: StopRequest| stopped_outcome(request, None, 0);
        let plan = match plan_for(app, run) {
            Ok(plan) => plan,
            Err(err) => return failed(err.to_string()),
        };
        if let Some(request) = *stop.borrow() {
            return stopped_early(request);
        }
        if self.config.sandbox.confinement() == Confinement::Refused {
            return failed(REFUSED_DETAILS.to_string());
        }
        let work_dir = self.config.attempt_dir(&run.application_id, &run.job_run_id, attempt);
        let mut warm_spark_dir = None;
        let mut executors = None;
        // Revoked when dropped at the end of this function: every way the
        // attempt ends.
        let mut grant: Option<AttemptGrant> = None;
        if let (JobPlan::Spark(_), Some(host)) = (&plan, self.remote_drivers.host_of(&run.job_run_id)) {
            return self.drive_remote_attempt(app, run, attempt, &host, stop, adopted).await;
        }
        let launch = match &plan {
            JobPlan::Spark(spark_plan) => {
                let runtime = tokio::select! {
                    installed = self.runtimes.ensure(spark_plan.runtime) => match installed {
                        Ok(runtime) => runtime,
                        Err(err) => return failed(err.to_string()),
                    },
                    request = wait_for_stop(stop) => return stopped_early(request),
                };
                let secret_conf = self.root_s3a_conf();
                let images = tokio::select! {
                    resolved = self.resolve_attempt_images(app, run, attempt, spark_plan.resources.elastic.is_some()) => match resolved {
                        Ok(images) => images,
                        Err(details) => return failed(details),
                    },
                    request = wait_for_stop(stop) => return stopped_early(request),
                };
                // Warm drivers run on the host's runtime: never for a run with images.
                let warm = match images {
                    None => self.launch_spark_warm(run, attempt, spark_plan, &work_dir, &secret_conf).await,
                    Some(_) => None,
                };
                if let Some((driver, logs, dir, warm_grant)) = warm {
                    warm_spark_dir = Some(dir);
                    grant = warm_grant;
                    Ok((driver, logs))
                } else {
                    let mut context = self.launch_context();
                    context.secret_conf = secret_conf;
                    context.images = images;
                    let no_credentials =
                        |err| failed(format!("Job failed to start: no credentials for the execution role: {err}"));
                    if self.spark_fetches_credentials() {
                        match self.attempt_grant(run, attempt) {
                            Ok(Some(issued)) => {
                                context.credentials_env =
                                    hadoop_s3::container_credentials_env(issued.full_uri(), issued.token());
                                grant = Some(issued);
                            }
                            Ok(None) => {}
                            Err(err) => return no_credentials(err),
                        }
                    }
                    // The dashboard's Spark UI port, proxy base and event logs.
                    let prefix = dashboard_prefix(&run.application_id, &run.job_run_id, attempt);
                    context.default_conf.extend(spark_launch_conf(spark_plan, Some(&prefix), &work_dir));
                    let starting = self.start_executors(run, attempt, spark_plan, &runtime, &work_dir, &mut context);
                    tokio::select! {
                        started = starting => match started {
                            Ok(started) => executors = started,
                            Err(err) => return failed(err.launch_details()),
                        },
                        request = wait_for_stop(stop) => return stopped_early(request),
                    }
                    spark::launch(spark_plan, &runtime, &work_dir, &context)
                        .await
                        .map(|launched| (AttemptDriver::Process(launched.process), launched.logs))
                }
            }
            JobPlan::Hive(hive_plan) => {
                // Like a Spark attempt's: revoked when dropped, at the end.
                let (credentials, issued) = match self.hive_credentials(run, attempt, &work_dir) {
                    Ok(credentials) => credentials,
                    Err(err) => {
                        return failed(format!("Job failed to start: no credentials for the execution role: {err}"))
                    }
                };
                grant = issued;
                self.launch_hive_attempt(&run.application_id, hive_plan, &work_dir, credentials).await
            }
        };
        let (mut driver, logs) = match launch {
            Ok(launched) => launched,
            Err(err) => return failed(err.launch_details()),
        };
        let _ = std::fs::write(work_dir.join("pgid"), driver.pgid().to_string());
        let started_at = clock::now();
        self.mark_running(run, attempt, started_at).await;
        let targets = self.log_targets(app, run, attempt);
        let timeout = execution_timeout(run);
        let deadline = tokio::time::Instant::now() + timeout.unwrap_or(Duration::from_secs(u32::MAX as u64));
        let mut ship_tick = tokio::time::interval(self.config.log_ship_interval);
        ship_tick.tick().await;
        let mut elastic_tick = tokio::time::interval(STEP_INTERVAL);
        let all_logs = |executors: &Option<Executors>| {
            let mut all = logs.clone();
            all.extend(executors.iter().flat_map(|e| e.cluster.executor_logs()));
            all
        };
        let mut outcome = loop {
            tokio::select! {
                exit = driver.wait() => {
                    let held = clock::now().as_millis() - started_at.as_millis();
                    break exit_outcome(exit, &logs, held);
                }
                request = wait_for_stop(stop) => {
                    let grace = match request { StopRequest::Cancel { grace } => grace, StopRequest::ServerShutdown => Duration::from_secs(5) };
                    let exit = driver.terminate(grace).await.ok();
                    let held = clock::now().as_millis() - started_at.as_millis();
                    break stopped_outcome(request, exit, held);
                }
                _ = tokio::time::sleep_until(deadline), if timeout.is_some() => {
                    let _ = self.mark_cancelling(&run.application_id, &run.job_run_id, attempt).await;
                    let exit = driver.terminate(DEFAULT_GRACE).await.ok();
                    let held = clock::now().as_millis() - started_at.as_millis();
                    let minutes = run.execution_timeout_minutes.unwrap_or(DEFAULT_TIMEOUT_MINUTES);
                    let details = format!("Job run exceeded executionTimeoutMinutes ({minutes} minutes) and was cancelled");
                    let _ = exit;
                    break Outcome::new(JobRunState::Cancelled, details, held);
                }
                _ = ship_tick.tick() => {
                    if let Err(err) = LogShipper::ship(&self.storage, &all_logs(&executors), &targets).await {
                        tracing::warn!(job_run_id = %run.job_run_id, error = %err, "ship running logs");
                    }
                }
                _ = elastic_tick.tick(), if executors.is_some() => {
                    if let Some(elastic) = executors.as_mut() {
                        self.step_elastic(&run.job_run_id, &work_dir, elastic).await;
                    }
                }
            }
        };
        if let Some(elastic) = executors.as_mut() {
            let lifetimes = self.shutdown_executors(elastic).await;
            // Nothing more to grant: the run holds its floor until it ends.
            self.elastic.end(&run.job_run_id);
            outcome.executor_millis = Some(lifetimes.iter().map(|d| d.as_millis() as i64).collect());
        }
        if warm_spark_dir.is_some() {
            // The driver has exited: no longer a process outside the runs.
            self.pool.spark_job_done(&run.application_id);
        }
        if let Err(err) = LogShipper::ship(&self.storage, &all_logs(&executors), &targets).await {
            tracing::warn!(job_run_id = %run.job_run_id, error = %err, "ship final logs");
        }
        settle_event_logs(&work_dir);
        self.ship_event_logs(&work_dir, &targets, &run.job_run_id).await;
        if let Some(dir) = warm_spark_dir {
            retire_spark_dir(&dir, &work_dir);
        }
        if let AttemptDriver::WarmHive(worker) = driver {
            // A worker that finished its job goes back to the pool; one that
            // was killed (cancel, timeout) is dropped and replaced.
            self.pool.give_back_hive(&run.application_id, Some(worker));
        }
        // Every process of the attempt has exited: its token and every key
        // it fetched end now, and the file that handed secrets to the driver goes.
        drop(grant);
        let _ = std::fs::remove_file(work_dir.join(spark::SECRET_PROPERTIES_FILE));
        outcome
    }

    /// SCHEDULED → RUNNING, started at `started_at`: its driver runs.
    pub(super) async fn mark_running(&self, run: &JobRun, attempt: u32, started_at: sparkplane_api::Timestamp) {
        let marked = self
            .update_run(&run.application_id, &run.job_run_id, attempt, |current| {
                if current.state != JobRunState::Scheduled {
                    return false;
                }
                current.state = JobRunState::Running;
                current.state_details = String::new();
                current.started_at = Some(started_at);
                true
            })
            .await;
        if let Err(err) = marked {
            tracing::error!(job_run_id = %run.job_run_id, error = %err, "record running state");
        }
    }

    /// The run on a pre-initialized Spark driver, when one is ready and the
    /// run's plan is what it was started with: the driver, its logs, its
    /// directory and its grant, now bound to this attempt. `None` means
    /// launch cold.
    async fn launch_spark_warm(
        &self,
        run: &JobRun,
        attempt: u32,
        plan: &spark::SparkJobPlan,
        work_dir: &std::path::Path,
        secret_conf: &[(String, String)],
    ) -> Option<(AttemptDriver, Vec<WorkerLogDir>, std::path::PathBuf, Option<AttemptGrant>)> {
        let application_id = run.application_id.as_str();
        let mut context = self.launch_context();
        // Static keys (no issuer) go at hand-over, over the driver's stdin.
        // The driver serves this one job, and its warm-up touched no
        // `s3://` path, so no cached S3A filesystem or credentials provider
        // holds anything from before.
        context.secret_conf = secret_conf.to_vec();
        let fits = |driver: &spark::WarmDriver| driver.accepts(plan) && driver.accepts_context(&context);
        let WarmSpark { driver, grant } = self.take_fitting_spark(application_id, fits, run, attempt, "run")?;
        let warm_dir = driver.dir().to_path_buf();
        match driver.hand_over(plan, work_dir, &context).await {
            Ok(launched) => {
                self.pool.spark_serving(application_id);
                adopt_warm_dashboard(&warm_dir, work_dir);
                Some((AttemptDriver::Process(launched.process), launched.logs, warm_dir, grant))
            }
            Err(spark::HandOverError::Declined { driver, reason }) => {
                tracing::info!(application_id, reason, "warm spark driver declined the run: cold start");
                self.put_back_declined_spark(application_id, WarmSpark { driver: *driver, grant });
                None
            }
            Err(err) => {
                // The driver is gone, and its grant with it.
                tracing::warn!(application_id, error = %err, "warm spark driver unusable: cold start");
                None
            }
        }
    }

    /// A warm worker of the application when one is free, else a new process.
    async fn launch_hive_attempt(
        &self,
        application_id: &str,
        plan: &HivePlan,
        work_dir: &std::path::Path,
        credentials: WorkerCredentials,
    ) -> Result<(AttemptDriver, Vec<WorkerLogDir>), EngineError> {
        if let Some(mut worker) = self.pool.take_hive(application_id) {
            match self.launch_hive_warm(plan, work_dir, &mut worker, credentials.clone()).await {
                Ok(logs) => return Ok((AttemptDriver::WarmHive(worker), logs)),
                Err(err) => {
                    // A worker that died while idle: start this job cold.
                    tracing::warn!(application_id, error = %err, "warm hive worker unusable");
                    self.pool.give_back_hive(application_id, Some(worker));
                }
            }
        }
        let launched = self.launch_hive(plan, work_dir, credentials).await?;
        Ok((AttemptDriver::Process(launched.process), launched.logs))
    }

    /// Managed persistence under the data dir, plus the run's (or else the
    /// application's) `logUri` when set.
    pub(super) fn log_targets(&self, app: &Application, run: &JobRun, attempt: u32) -> Vec<LogTarget> {
        let managed = Location::Local(self.config.managed_logs_dir());
        let mut targets = vec![LogTarget::for_job(managed, &run.application_id, &run.job_run_id, attempt)];
        let from_run = run.configuration_overrides.as_ref().and_then(|o| o.monitoring_configuration.as_ref());
        let monitoring = from_run.or(app.monitoring_configuration.as_ref());
        let log_uri =
            monitoring.and_then(|m| m.s3_monitoring_configuration.as_ref()).and_then(|s| s.log_uri.as_deref());
        if let Some(uri) = log_uri {
            match Location::parse(uri) {
                Ok(base) => targets.push(LogTarget::for_job(base, &run.application_id, &run.job_run_id, attempt)),
                Err(err) => tracing::warn!(job_run_id = %run.job_run_id, error = %err, "unusable logUri"),
            }
        }
        targets
    }
}

/// Streaming runs may still disable the timeout with 0; batch runs may not
/// (StartJobRun refuses it).
pub(super) fn execution_timeout(run: &JobRun) -> Option<Duration> {
    let minutes = run.execution_timeout_minutes.unwrap_or(DEFAULT_TIMEOUT_MINUTES);
    (minutes > 0).then(|| Duration::from_secs(minutes as u64 * 60))
}

pub(super) async fn wait_for_stop(stop: &mut watch::Receiver<Option<StopRequest>>) -> StopRequest {
    loop {
        if let Some(request) = *stop.borrow_and_update() {
            return request;
        }
        if stop.changed().await.is_err() {
            // The sender is gone: nobody can ask any more, wait forever.
            std::future::pending::<()>().await;
        }
    }
}

pub(super) fn exit_outcome(exit: std::io::Result<ExitReport>, logs: &[WorkerLogDir], held_millis: i64) -> Outcome {
    match exit {
        Ok(report) if report.success() => Outcome::new(JobRunState::Success, "", held_millis),
        Ok(report) => {
            let last_error = logs.first().and_then(|w| spark::failure_summary(&w.dir));
            let details = match last_error {
                Some(line) => format!("Job failed with {}: {line}", report.describe()),
                None => format!("Job failed with {}", report.describe()),
            };
            Outcome::new(JobRunState::Failed, details, held_millis)
        }
        Err(err) => Outcome::new(JobRunState::Failed, format!("lost track of the driver: {err}"), held_millis),
    }
}

fn stopped_outcome(request: StopRequest, _exit: Option<ExitReport>, held_millis: i64) -> Outcome {
    match request {
        StopRequest::Cancel { .. } => Outcome::new(JobRunState::Cancelled, "Job run was cancelled", held_millis),
        StopRequest::ServerShutdown => {
            Outcome::new(JobRunState::Failed, "attempt lost: the sparkplane server stopped", held_millis)
        }
    }
}
