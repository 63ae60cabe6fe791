//! An attempt whose driver runs on an agent's host.
//!
//! The scheduler places a run there when this host has no room for it (or
//! is DRAINING) and the run may move: a Spark run whose executors are
//! threads of its driver (`local[N]`), staged wholly from `s3://`, on the
//! host's runtime (no custom image), reaching S3 through the endpoint as
//! its execution role. The attempt assigns the driver to the host's agent
//! ([`crate::base::remote_drivers`]), which stages and launches it with the
//! engine's own launch code, and follows what the agent reports: RUNNING
//! once spark-submit runs, the end once it exited and its logs arrived. A
//! cancel or the execution timeout asks the agent to stop it with the
//! grace; a host that goes LOST, is removed, or whose agent restarted
//! fails the attempt with "host lost", and `retryPolicy` retries it on
//! another host. The logs land in the attempt's dir as a local driver's
//! would, so they are shipped into the same layout, and the event log
//! gives the history view. The attempt outlives this server: its placement
//! is kept in the store, and the next server to lead follows it on
//! ([`super::remote_adopt`]).

use std::time::{Duration, Instant};

use sparkplane_api::{Application, JobRun, JobRunState};
use sparkplane_engine::spark::DRIVER_LOG_FOLDER;
use sparkplane_engine::ExitReport;
use sparkplane_hosts::{DriverAssignment, HostState, HostsError, RegionOverride};
use sparkplane_storage::{LogShipper, WorkerLogDir};
use tokio::sync::watch;

use super::attempt::{execution_timeout, exit_outcome, wait_for_stop, Outcome, StopRequest, DEFAULT_TIMEOUT_MINUTES};
use super::plan::{plan_for, JobPlan};
use super::remote_adopt::{Adopted, Placement};
use crate::applications::images::image_for;
use crate::base::capacity::Capacity;
use crate::base::clock;
use crate::base::retention::EVENT_LOG_FOLDER;
use crate::dashboards::{dashboard_prefix, settle_event_logs, DRIVER_HOST_FILE};
use crate::{Controller, S3ForJobs};

/// How often the attempt looks at what the agent reported.
const POLL: Duration = Duration::from_millis(250);

impl Controller {
    /// Whether `run`'s driver may run on an agent's host (see the module
    /// doc); the scheduler asks for PENDING runs only.
    pub(crate) fn may_move_driver(&self, app: &Application, run: &JobRun) -> bool {
        if self.config.advertise_address.is_none() || !self.spark_fetches_credentials() {
            return false;
        }
        if image_for(app, "Driver").is_some() || image_for(app, "Executor").is_some() {
            return false;
        }
        match plan_for(app, run) {
            Ok(JobPlan::Spark(plan)) => plan.resources.elastic.is_none() && plan.stages_only_from_s3(),
            _ => false,
        }
    }

    /// The largest logical capacity an agent's host (not LOST) reports:
    /// what a run that may move must fit to be accepted at all.
    pub(crate) async fn largest_agent_capacity(&self) -> Option<Capacity> {
        let hosts = self.hosts.list().await;
        let live = hosts.iter().filter(|h| !h.embedded && h.state != HostState::Lost);
        live.filter_map(|h| h.report.as_ref())
            .map(|r| Capacity::without_disk_limit(r.capacity.vcpu, r.capacity.memory_gb))
            .max_by_key(|c| (c.cpu, c.memory_gb))
    }

    /// Runs attempt `attempt` of `run` with its driver on `host`, or
    /// follows it on, when `adopted` from the last leader.
    pub(super) async fn drive_remote_attempt(
        &self,
        app: &Application,
        run: &JobRun,
        attempt: u32,
        host: &str,
        stop: &mut watch::Receiver<Option<StopRequest>>,
        adopted: Option<Adopted>,
    ) -> Outcome {
        let failed = |details: String| Outcome::new(JobRunState::Failed, details, 0);
        let work_dir = self.config.attempt_dir(&run.application_id, &run.job_run_id, attempt);
        let log_dir = work_dir.join("logs").join(DRIVER_LOG_FOLDER);
        for dir in [&log_dir, &work_dir.join(EVENT_LOG_FOLDER)] {
            if let Err(err) = std::fs::create_dir_all(dir) {
                return failed(format!("Job failed to start: create {}: {err}", dir.display()));
            }
        }
        // Where its live UI is, for the dashboard: the port its log names is
        // on that host, never this one's loopback (where another run's UI
        // may listen), for as long as the attempt's files exist.
        let address = self.hosts.get(host).await.ok().and_then(|h| h.report.map(|r| r.address));
        if let Err(err) = std::fs::write(work_dir.join(DRIVER_HOST_FILE), address.unwrap_or_default()) {
            return failed(format!("Job failed to start: write {DRIVER_HOST_FILE}: {err}"));
        }
        let adopting = adopted.is_some();
        // The grant is revoked when dropped, on every way out: the driver's
        // keys end with it.
        // `kept`: the store holds a placement of the attempt (it may be
        // handed over); `synced`: the one this attempt holds.
        let (grant, mut placement, mut kept) = match adopted {
            Some(Adopted { grant, placement }) => (grant, placement, true),
            None => {
                let grant = match self.attempt_grant(run, attempt) {
                    Ok(Some(grant)) => grant,
                    Ok(None) => {
                        return failed("Job failed to start: no credentials issuer for a driver on another host".into())
                    }
                    Err(err) => {
                        return failed(format!("Job failed to start: no credentials for the execution role: {err}"))
                    }
                };
                let Some(assignment) = self.driver_assignment(app, run, attempt, grant.token()) else {
                    return failed(
                        "Job failed to start: this server's S3 endpoint is not set up for other hosts".into(),
                    );
                };
                let placement = Placement::new(host, attempt, &assignment, &grant);
                // Kept before the agent can see it: a driver that runs is
                // always one the next leader can adopt.
                let kept = self.keep_placement(&placement).await;
                tracing::info!(job_run_id = %run.job_run_id, %host, "driver assigned to an agent's host");
                self.remote_drivers.assign(host, assignment, work_dir.clone());
                (grant, placement, kept)
            }
        };
        let id = placement.assignment.id.clone();
        // An agent that never says anything of it (an older agent, or one
        // cut off since) must not hold the run forever.
        let take_by = Instant::now() + self.hosts.liveness().heartbeat_interval * 5 + Duration::from_secs(10);
        let logs = vec![WorkerLogDir { worker: DRIVER_LOG_FOLDER.to_string(), dir: log_dir }];
        let targets = self.log_targets(app, run, attempt);
        let timeout = execution_timeout(run);
        // An adopted attempt has been going since the last leader started
        // its driver (RUNNING) or scheduled it.
        let mut started_at = run.started_at.filter(|_| adopting && run.state == JobRunState::Running);
        let began = if adopting { started_at.or(Some(run.updated_at)) } else { None };
        let ran = Duration::from_millis(u64::try_from(held_since(began)).unwrap_or(0));
        let mut synced = kept;
        let mut retry_keep_at = Instant::now();
        let limit = timeout.unwrap_or(Duration::from_secs(u32::MAX as u64)).saturating_sub(ran);
        let deadline = tokio::time::Instant::now() + limit;
        let mut ship_tick = tokio::time::interval(self.config.log_ship_interval);
        ship_tick.tick().await;
        let mut poll = tokio::time::interval(POLL);
        let mut status_seen = None;
        let mut stopping: Option<(Outcome, Instant)> = None;
        let outcome = loop {
            tokio::select! {
                request = wait_for_stop(stop), if stopping.is_none() => {
                    if request == StopRequest::ServerShutdown {
                        // What the next leader needs, as it stands now.
                        let sessions = grant.issued_sets();
                        if !synced || sessions != placement.sessions {
                            placement.sessions = sessions;
                            kept |= self.keep_placement(&placement).await;
                        }
                        if kept {
                            // The agent runs the driver on: the next server
                            // to lead adopts the attempt. One that leads
                            // none before the agent is cut off finds the
                            // driver gone and retries the run.
                            break Outcome::handed_over();
                        }
                        // Its agent stops the driver once cut off as long
                        // as a host is LOST; a restart retries the run.
                        let held = held_since(started_at);
                        break Outcome::new(JobRunState::Failed, "attempt lost: the sparkplane server stopped", held);
                    }
                    let grace = match request { StopRequest::Cancel { grace } => grace, StopRequest::ServerShutdown => Duration::from_secs(5) };
                    let details = match request {
                        StopRequest::Cancel { .. } => "Job run was cancelled",
                        StopRequest::ServerShutdown => "attempt lost: the sparkplane server stopped",
                    };
                    let state = if matches!(request, StopRequest::Cancel { .. }) { JobRunState::Cancelled } else { JobRunState::Failed };
                    self.remote_drivers.stop(&id, grace.as_millis() as u64);
                    stopping = Some((Outcome::new(state, details, 0), Instant::now() + self.stop_wait(grace)));
                }
                _ = tokio::time::sleep_until(deadline), if timeout.is_some() && stopping.is_none() => {
                    let _ = self.mark_cancelling(&run.application_id, &run.job_run_id, attempt).await;
                    let minutes = run.execution_timeout_minutes.unwrap_or(DEFAULT_TIMEOUT_MINUTES);
                    let details = format!("Job run exceeded executionTimeoutMinutes ({minutes} minutes) and was cancelled");
                    self.remote_drivers.stop(&id, 0);
                    stopping = Some((Outcome::new(JobRunState::Cancelled, details, 0), Instant::now() + self.stop_wait(Duration::ZERO)));
                }
                _ = ship_tick.tick() => {
                    if let Err(err) = LogShipper::ship(&self.storage, &logs, &targets).await {
                        tracing::warn!(job_run_id = %run.job_run_id, error = %err, "ship running logs");
                    }
                }
                _ = poll.tick() => {
                    // Credentials issued since are kept too, so that the
                    // next leader honours what the driver holds.
                    // A failed write is tried again a second later.
                    let sessions = grant.issued_sets();
                    if sessions != placement.sessions {
                        placement.sessions = sessions;
                        synced = false;
                    }
                    if !synced && Instant::now() >= retry_keep_at {
                        synced = self.keep_placement(&placement).await;
                        kept |= synced;
                        if !synced {
                            retry_keep_at = Instant::now() + Duration::from_secs(1);
                        }
                    }
                    let status = self.remote_drivers.status(&id);
                    status_seen = status_seen.or(status.as_ref().map(|_| ()));
                    if started_at.is_none() && status.as_ref().is_some_and(|s| s.running || s.exit.is_some()) {
                        let now = clock::now();
                        started_at = Some(now);
                        self.mark_running(run, attempt, now).await;
                    }
                    let held = held_since(started_at);
                    let exit = status.as_ref().and_then(|s| s.exit.clone());
                    let failed = status.and_then(|s| s.failed);
                    let gone = self.host_gone(host).await;
                    // Once stopping, however the driver ends is the stop's end.
                    if let Some((outcome, until)) = &stopping {
                        let late = Instant::now() >= *until;
                        if late {
                            tracing::warn!(job_run_id = %run.job_run_id, %host, "the agent did not report the stopped driver in time");
                        }
                        if exit.is_some() || failed.is_some() || gone.is_some() || late {
                            break outcome.clone().held_for(held);
                        }
                    }
                    if let Some(exit) = exit {
                        break exit_outcome(Ok(ExitReport { code: exit.code, signal: exit.signal }), &logs, held);
                    }
                    if let Some(reason) = failed.or(gone) {
                        break Outcome::new(JobRunState::Failed, reason, held);
                    }
                    if stopping.is_none() && status_seen.is_none() && Instant::now() >= take_by {
                        break Outcome::new(JobRunState::Failed, format!("host lost: the agent on host {host} did not take the driver"), held);
                    }
                }
            }
        };
        if outcome.handed_over {
            // Logs keep arriving at the next leader, which ships them.
            return outcome;
        }
        self.remote_drivers.end(&run.job_run_id);
        if let Err(err) = LogShipper::ship(&self.storage, &logs, &targets).await {
            tracing::warn!(job_run_id = %run.job_run_id, error = %err, "ship final logs");
        }
        settle_event_logs(&work_dir);
        self.ship_event_logs(&work_dir, &targets, &run.job_run_id).await;
        drop(grant);
        outcome
    }

    /// How long a stopped driver may take to be reported: its grace, and
    /// a few heartbeats for the agent to see the request and answer.
    fn stop_wait(&self, grace: Duration) -> Duration {
        grace + self.hosts.liveness().heartbeat_interval * 3 + Duration::from_secs(10)
    }

    /// Why the driver's host can no longer run it: LOST or removed. A
    /// store fault says nothing about the host.
    async fn host_gone(&self, host: &str) -> Option<String> {
        match self.hosts.get(host).await {
            Ok(found) if matches!(found.state, HostState::Ready | HostState::Draining) => None,
            Ok(found) => Some(format!("host lost: the driver's host {host} is {}", found.state.as_str())),
            Err(HostsError::NotFound(_)) => Some(format!("host lost: the driver's host {host} was removed")),
            Err(_) => None,
        }
    }

    /// What the agent is told to run: the run's own inputs (it builds the
    /// plan as this server does), the S3 settings of this server's launch
    /// context, and the attempt's credentials token. `None` without an S3
    /// endpoint other hosts reach.
    fn driver_assignment(
        &self,
        app: &Application,
        run: &JobRun,
        attempt: u32,
        token: &str,
    ) -> Option<DriverAssignment> {
        let S3ForJobs::Embedded { .. } = &self.config.s3_for_jobs else { return None };
        let settings = self.storage.s3_settings()?;
        let spark_submit = run.job_driver.spark_submit.clone()?;
        let context = self.launch_context();
        let overrides = run.configuration_overrides.as_ref();
        let mut default_conf = context.default_conf.clone();
        // Links of its live UI, proxied from the agent's host (the job's
        // own `spark.ui.proxyBase` wins, as for a local driver).
        default_conf
            .push(("spark.ui.proxyBase".to_string(), dashboard_prefix(&run.application_id, &run.job_run_id, attempt)));
        Some(DriverAssignment {
            id: remote_driver_id(&run.job_run_id, attempt),
            application_id: run.application_id.clone(),
            job_run_id: run.job_run_id.clone(),
            release_label: run.release_label.clone(),
            job_driver: spark_submit,
            application_configuration: app.runtime_configuration.clone().unwrap_or_default(),
            job_configuration: overrides.and_then(|o| o.application_configuration.clone()).unwrap_or_default(),
            default_conf,
            env: context.env.iter().cloned().collect(),
            runtime_dir: self.config.runtime_dir.display().to_string(),
            credentials_token: token.to_string(),
            s3_endpoint: settings.endpoint.clone(),
            s3_region: settings.region.clone(),
            region_override: Some(RegionOverride {
                folder: self.config.runtime_dir.join("s3a-regions").display().to_string(),
                endpoint: settings.endpoint.clone(),
                region: settings.region.clone(),
            }),
            stop_grace_millis: None,
        })
    }
}

/// The id of the driver of `job_run_id`'s `attempt` on an agent's host: the
/// agent's name for it, and its placement's key in the store.
pub(crate) fn remote_driver_id(job_run_id: &str, attempt: u32) -> String {
    format!("{job_run_id}-{attempt}-driver")
}

/// How long the driver has held its workers: since it started, if it did.
fn held_since(started_at: Option<sparkplane_api::Timestamp>) -> i64 {
    started_at.map_or(0, |t| clock::now().as_millis() - t.as_millis())
}
