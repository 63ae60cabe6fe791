//! One task per session: from SUBMITTED through STARTING (the application
//! started, the Spark 4 runtime or Sail installed, the engine listening:
//! a pre-initialized driver, a cold Spark Connect server, or Sail) to STARTED,
//! then BUSY/IDLE as calls come, and finally TERMINATED (by the user, the
//! idle timeout or server shutdown) or FAILED (the engine died). Whatever
//! the end, the engine's process group is stopped, its logs shipped and the
//! usage recorded before the end is written.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use sparkplane_api::{ApplicationState, Session, SessionState};
use sparkplane_engine::sail::SessionEngine;
use sparkplane_engine::spark::{connect, hadoop_s3};
use sparkplane_engine::SESSION_RUNTIME;
use sparkplane_storage::{Location, LogShipper, LogTarget, WorkerLogDir};
use tokio::sync::watch;

use super::idle::{self, Observed, Step};
use super::sail::Relays;
use super::{LiveSession, SessionUpstream};
use crate::base::records::truncate_details;
use crate::base::retention::keep_dashboard_files;
use crate::base::{clock, metering};
use crate::dashboards::{session_dashboard_prefix, settle_event_logs, spark_launch_conf};
use crate::pool::retire_spark_dir;
use crate::Controller;

/// How long the engine may take to listen (a cold JVM, on a busy host).
const START_LIMIT: Duration = Duration::from_secs(300);
/// How long a stopping engine gets before SIGKILL.
const STOP_GRACE: Duration = Duration::from_secs(10);
/// How often the supervisor looks at the clock when nothing happens.
const TICK: Duration = Duration::from_millis(500);

/// A started engine.
struct Engine {
    process: sparkplane_engine::ProcessGroup,
    logs: Vec<WorkerLogDir>,
    /// Epoch ms.
    started_ms: i64,
    /// The credentials grant it fetches with (revoked when dropped).
    grant: Option<crate::AttemptGrant>,
    /// The pre-initialized driver's own directory, when one became the engine.
    warm_dir: Option<std::path::PathBuf>,
    /// A Sail engine's relays into its namespace (aborted when dropped).
    relays: Relays,
}

/// How the session ended.
struct End {
    state: SessionState,
    details: String,
}

impl End {
    fn new(state: SessionState, details: impl Into<String>) -> End {
        End { state, details: details.into() }
    }
}

impl Controller {
    /// Registers the session as live and starts its supervisor.
    pub(crate) fn spawn_session(self: &Arc<Self>, session: Session) {
        let (terminate, terminate_rx) = watch::channel(false);
        let live = Arc::new(LiveSession {
            upstream: std::sync::Mutex::new(None),
            granted: Default::default(),
            grant: Default::default(),
            open_calls: Default::default(),
            ever_called: Default::default(),
            last_call_end_ms: Default::default(),
            activity: Default::default(),
            terminate,
        });
        self.sessions.insert(&session.session_id, live.clone());
        tokio::spawn(self.clone().supervise_session(session, live, terminate_rx));
    }

    async fn supervise_session(
        self: Arc<Self>,
        session: Session,
        live: Arc<LiveSession>,
        mut terminate: watch::Receiver<bool>,
    ) {
        let (app_id, id) = (session.application_id.clone(), session.session_id.clone());
        let work_dir = self.config.session_dir(&app_id, &id);
        let mut engine = None;
        let end = self.drive_session(&session, &live, &mut terminate, &work_dir, &mut engine).await;
        // On every path, also when the engine never listened.
        let _ = std::fs::remove_dir_all(self.config.session_secrets_dir(&id));
        if let Ok(mut upstream) = live.upstream.lock() {
            *upstream = None;
        }
        let mut held_millis = 0;
        // The grant (if any) is revoked when dropped, after the engine stopped.
        if let Some(Engine { mut process, logs, started_ms, grant: _grant, warm_dir, relays: _relays }) = engine {
            let _ = self
                .update_session(&app_id, &id, |s| {
                    s.state = SessionState::Terminating;
                    s.state_details = end.details.clone();
                    true
                })
                .await;
            if let Err(err) = process.terminate(STOP_GRACE).await {
                tracing::warn!(session_id = %id, error = %err, "stop the session's engine");
            }
            held_millis = clock::now().as_millis() - started_ms;
            let targets = self.session_log_targets(&session).await;
            if let Err(err) = LogShipper::ship(&self.storage, &logs, &targets).await {
                tracing::warn!(session_id = %id, error = %err, "ship the session's logs");
            }
            if warm_dir.is_some() {
                // A warm driver's event logs, linked until now, become the session's.
                settle_event_logs(&work_dir);
                self.pool.spark_job_done(&app_id);
            }
            // Event logs go next to the driver logs, as a run's do, and stay
            // for the history view once the engine dir is gone.
            self.ship_event_logs(&work_dir, &targets, &id).await;
            keep_dashboard_files(&work_dir, &self.config.session_history_dir(&app_id, &id));
            if let Some(warm_dir) = warm_dir {
                retire_spark_dir(&warm_dir, &work_dir);
            }
        }
        let app = self.store.get_application(&app_id).await.ok().flatten();
        let resources = app.and_then(|app| super::session_resources(&app, &session)).map(|r| r.workers());
        let usage = metering::usage(resources.as_deref().unwrap_or_default(), held_millis.max(0));
        let ended_at = clock::now();
        let recorded = self
            .update_session(&app_id, &id, |s| {
                s.state = end.state;
                s.state_details = truncate_details(&end.details);
                s.ended_at = Some(ended_at);
                let started = s.started_at.map(|t| t.as_millis()).unwrap_or(ended_at.as_millis());
                s.total_execution_duration_seconds = Some((ended_at.as_millis() - started).max(0) / 1000);
                s.total_resource_utilization = Some(usage.total.clone());
                s.billed_resource_utilization = Some(usage.billed.clone());
                true
            })
            .await;
        if let Err(err) = recorded {
            tracing::error!(session_id = %id, error = %err, "record the end of a session");
        }
        let _ = std::fs::remove_dir_all(&work_dir);
        self.sessions.remove(&id);
        tracing::info!(session_id = %id, state = end.state.as_str(), "session ended");
        self.wake_scheduler();
    }

    /// Starts the engine and watches it until the session must end. The
    /// engine, once started, is left in `engine` for the caller to stop.
    async fn drive_session(
        &self,
        session: &Session,
        live: &LiveSession,
        terminate: &mut watch::Receiver<bool>,
        work_dir: &std::path::Path,
        engine: &mut Option<Engine>,
    ) -> End {
        let (app_id, id) = (session.application_id.as_str(), session.session_id.as_str());
        // Both come through `terminate`: the server's shutdown sets its flag first.
        let by_user = || match *self.shutdown.borrow() {
            true => End::new(SessionState::Terminated, "Session terminated: the server shut down"),
            false => End::new(SessionState::Terminated, "Session terminated by the user"),
        };
        tokio::select! {
            ready = self.wait_for_started_application(app_id) => if let Err(details) = ready {
                return End::new(SessionState::Failed, details);
            },
            _ = wait_for_terminate(terminate) => return by_user(),
        }
        // SUBMITTED until the scheduler admits its driver and executors
        // against maximumCapacity and the host, in turn with job runs.
        self.wake_scheduler();
        tokio::select! {
            () = wait_for_grant(live) => {}
            _ = wait_for_terminate(terminate) => return by_user(),
        }
        let starting = self.update_session(app_id, id, |s| {
            s.state = SessionState::Starting;
            s.state_details = "Starting the Spark Connect server".to_string();
            true
        });
        if let Err(err) = starting.await {
            return End::new(SessionState::Failed, format!("Session failed to start: {err}"));
        }
        let app = match self.load_application(app_id).await {
            Ok(app) => app,
            Err(err) => return End::new(SessionState::Failed, format!("Session failed to start: {err}")),
        };
        let planned =
            super::engine_of(&app, session).and_then(|kind| Ok((kind, super::session_plan_of(&app, session)?)));
        let (kind, plan) = match planned {
            Ok(planned) => planned,
            Err(err) => return End::new(SessionState::Failed, format!("Session failed to start: {err}")),
        };
        // Sail installs its own runtime when it starts.
        let runtime = match kind {
            SessionEngine::Sail => None,
            SessionEngine::Spark => Some(tokio::select! {
                installed = self.runtimes.ensure(SESSION_RUNTIME) => match installed {
                    Ok(runtime) => runtime,
                    Err(err) => return End::new(SessionState::Failed, format!("Session failed to start: {err}")),
                },
                _ = wait_for_terminate(terminate) => return by_user(),
            }),
        };
        let chosen = (|| {
            std::fs::create_dir_all(work_dir).map_err(|err| format!("create {}: {err}", work_dir.display()))?;
            let port = connect::free_loopback_port().map_err(|err| err.to_string())?;
            let secret = hex::encode(random_bytes().map_err(|err| err.to_string())?);
            Ok::<_, String>((port, secret))
        })();
        let (port, secret) = match chosen {
            Ok(chosen) => chosen,
            Err(details) => return End::new(SessionState::Failed, format!("Session failed to start: {details}")),
        };
        let mut netns = None;
        let mut relays = Relays::default();
        let warm = match &runtime {
            Some(_) => self.start_session_warm(session, &plan, work_dir, port, &secret).await,
            None => None,
        };
        let started = match runtime {
            None => tokio::select! {
                sail = self.start_session_sail(session, work_dir, port) => sail.map(|sail| {
                    netns = Some(sail.netns);
                    relays = sail.relays;
                    (sail.launched, sail.grant, None)
                }),
                _ = wait_for_terminate(terminate) => return by_user(),
            },
            Some(runtime) => warm.map(|w| Ok((w.launched, w.grant, Some(w.warm_dir)))).unwrap_or_else(|| {
                // `s3://` as a job's driver has it: S3A to the same endpoint, with
                // the execution role's credentials (or the root keys without an issuer).
                let mut context = self.launch_context();
                context.secret_conf = self.root_s3a_conf();
                // The Spark UI and event logs GetResourceDashboard shows.
                let prefix = session_dashboard_prefix(app_id, id);
                context.default_conf.extend(spark_launch_conf(&plan, Some(&prefix), work_dir));
                let mut grant = None;
                if self.spark_fetches_credentials() {
                    let issued = self
                        .attempt_grant(&credentials_view(session)?, 1)
                        .map_err(|err| format!("no credentials for the execution role: {err}"))?;
                    if let Some(issued) = issued {
                        context.credentials_env =
                            hadoop_s3::container_credentials_env(issued.full_uri(), issued.token());
                        grant = Some(issued);
                    }
                }
                let secrets = self.config.session_secrets_dir(id);
                let launched =
                    connect::launch_connect_server(&plan, &runtime, work_dir, &secrets, context, port, &secret)
                        .map_err(|err| err.to_string())?;
                Ok::<_, String>((launched, grant, None))
            }),
        };
        let (launched, grant, warm_dir) = match started {
            Ok(started) => started,
            Err(details) => return End::new(SessionState::Failed, format!("Session failed to start: {details}")),
        };
        let _ = std::fs::write(work_dir.join("pgid"), launched.process.pgid().to_string());
        let Engine { process, logs, .. } = engine.insert(Engine {
            process: launched.process,
            logs: launched.logs,
            started_ms: clock::now().as_millis(),
            grant,
            warm_dir,
            relays,
        });
        let failure = |logs: &[WorkerLogDir], what: &str| {
            let why = logs
                .first()
                .and_then(|l| sparkplane_engine::spark::failure_summary(&l.dir))
                .map(|line| format!(": {line}"))
                .unwrap_or_default();
            End::new(SessionState::Failed, format!("{what}{why}"))
        };
        tokio::select! {
            serving = connect::wait_until_serving(process, port, START_LIMIT, netns.is_some()) => if let Err(err) = serving {
                return failure(logs, &err.to_string());
            },
            _ = wait_for_terminate(terminate) => return by_user(),
        }
        // Spark has read its properties file: the secret need not stay on disk.
        let _ = std::fs::remove_dir_all(self.config.session_secrets_dir(id));
        if let Ok(mut upstream) = live.upstream.lock() {
            *upstream = Some(SessionUpstream { port, secret, netns });
        }
        let started_at = clock::now();
        if let Err(err) = self
            .update_session(app_id, id, |s| {
                s.state = SessionState::Started;
                s.state_details = String::new();
                s.started_at = Some(started_at);
                true
            })
            .await
        {
            tracing::error!(session_id = %id, error = %err, "record a started session");
        }
        tracing::info!(session_id = %id, port, "session started");
        let minute_ms = self.config.auto_stop_minute.as_millis() as i64;
        let timeout = idle::timeout_millis(session.idle_timeout_minutes, minute_ms);
        let targets = self.session_log_targets(session).await;
        let mut shown = SessionState::Started;
        let mut ship = tokio::time::interval(self.config.log_ship_interval);
        ship.tick().await;
        loop {
            tokio::select! {
                exit = process.wait() => {
                    let what = match exit {
                        Ok(report) => format!("The session's Spark Connect server exited ({})", report.describe()),
                        Err(err) => format!("The session's Spark Connect server was lost: {err}"),
                    };
                    return failure(logs, &what);
                }
                _ = wait_for_terminate(terminate) => return by_user(),
                _ = live.activity.notified() => {}
                _ = tokio::time::sleep(TICK) => {}
                _ = ship.tick() => {
                    if let Err(err) = LogShipper::ship(&self.storage, logs, &targets).await {
                        tracing::debug!(session_id = %id, error = %err, "ship the session's logs");
                    }
                }
            }
            let observed = Observed {
                open_calls: live.open_calls.load(Ordering::SeqCst),
                ever_called: live.ever_called.load(Ordering::SeqCst),
                last_activity_ms: live.last_call_end_ms.load(Ordering::SeqCst).max(started_at.as_millis()),
                now_ms: clock::now().as_millis(),
            };
            match idle::step(&observed, timeout) {
                Step::TerminateIdle => {
                    let minutes = session.idle_timeout_minutes.unwrap_or(idle::DEFAULT_IDLE_TIMEOUT_MINUTES);
                    return End::new(
                        SessionState::Terminated,
                        format!("Session terminated after being idle for {minutes} minute(s)"),
                    );
                }
                Step::Show(state) if state != shown => {
                    let idle_since = (state == SessionState::Idle).then(clock::now);
                    let recorded = self
                        .update_session(app_id, id, |s| {
                            s.state = state;
                            s.idle_since = idle_since;
                            true
                        })
                        .await;
                    match recorded {
                        Ok(_) => shown = state,
                        Err(err) => tracing::warn!(session_id = %id, error = %err, "record a session's state"),
                    }
                }
                Step::Show(_) => {}
            }
        }
    }

    /// Waits until the session's application is STARTED (auto-start may
    /// still be bringing it up); an application that stops first fails it.
    async fn wait_for_started_application(&self, application_id: &str) -> Result<(), String> {
        loop {
            let app = self.load_application(application_id).await.map_err(|err| err.to_string())?;
            match app.state {
                ApplicationState::Started => return Ok(()),
                ApplicationState::Creating | ApplicationState::Created | ApplicationState::Starting => {}
                other => {
                    return Err(format!(
                        "Application {application_id} is {} and cannot run the session",
                        other.as_str()
                    ))
                }
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Managed persistence, and the application's `logUri` (a session has no
    /// monitoring override of its own).
    async fn session_log_targets(&self, session: &Session) -> Vec<LogTarget> {
        let (app_id, id) = (&session.application_id, &session.session_id);
        let mut targets = vec![LogTarget::for_session(Location::Local(self.config.managed_logs_dir()), app_id, id)];
        let app = self.store.get_application(app_id).await.ok().flatten();
        let monitoring = app.as_ref().and_then(|a| a.monitoring_configuration.as_ref());
        let log_uri = monitoring.and_then(|m| m.s3_monitoring_configuration.as_ref()).and_then(|s| s.log_uri.clone());
        if let Some(uri) = log_uri {
            match Location::parse(&uri) {
                Ok(base) => targets.push(LogTarget::for_session(base, app_id, id)),
                Err(err) => tracing::warn!(session_id = %id, error = %err, "unusable logUri"),
            }
        }
        targets
    }
}

/// The session as the credential issuer sees a run: its execution role
/// (no session policy: StartSession has none) and its ids, which name the
/// credentials' session.
pub(super) fn credentials_view(session: &Session) -> Result<sparkplane_api::JobRun, String> {
    serde_json::from_value(serde_json::json!({
        "applicationId": session.application_id,
        "jobRunId": session.session_id,
        "arn": session.arn,
        "createdBy": session.created_by,
        "createdAt": session.created_at,
        "updatedAt": session.updated_at,
        "executionRole": session.execution_role_arn,
        "state": "RUNNING",
        "stateDetails": "",
        "releaseLabel": session.release_label,
        "jobDriver": {},
    }))
    .map_err(|err| format!("the session's credentials view: {err}"))
}

fn random_bytes() -> Result<[u8; 32], getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)?;
    Ok(bytes)
}

async fn wait_for_grant(live: &LiveSession) {
    loop {
        let notified = live.grant.notified();
        if live.granted.load(Ordering::SeqCst) {
            return;
        }
        notified.await;
    }
}

async fn wait_for_terminate(terminate: &mut watch::Receiver<bool>) {
    loop {
        if *terminate.borrow_and_update() {
            return;
        }
        if terminate.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
