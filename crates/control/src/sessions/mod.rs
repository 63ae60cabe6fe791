//! Interactive sessions: StartSession, GetSession, ListSessions,
//! TerminateSession and what GetSessionEndpoint needs.
//!
//! A session is a Spark Connect server (see `sparkplane_engine::spark::connect`)
//! supervised by one task ([`supervise`]) from SUBMITTED to TERMINATED or
//! FAILED. The live ones are in [`Sessions`]: the engine's loopback port and
//! secret, which the authenticating endpoint (crate `sparkplane-connect`)
//! asks for on every call, and the count of open calls that makes the
//! session BUSY or IDLE. The endpoint only counts; the supervisor writes
//! the state, so a burst of calls costs no store writes of its own.

pub mod dashboard;
pub mod idle;
mod sail;
mod supervise;
mod warm;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use sparkplane_api::{
    Application, ApplicationState, Session, SessionState, StartSessionRequest, StartSessionResponse,
    TerminateSessionResponse,
};
use sparkplane_engine::sail::SessionEngine;
use sparkplane_engine::ResourceRequest;
use sparkplane_store::{Created, Page, PageRequest, SessionFilter};
use tokio::sync::{watch, Notify};

use crate::base::capacity::{capacity_of, maximum_capacity_of, Capacity};
use crate::base::state::{decide_app, AppDecision, AppOperation};
use crate::base::{clock, ids};
use crate::{ControlError, Controller};

/// What a live session's engine is reached with.
#[derive(Clone)]
pub struct SessionUpstream {
    pub port: u16,
    pub secret: String,
    /// The engine's own network namespace, when it has one (Sail): the
    /// port is reachable only inside it.
    pub netns: Option<sparkplane_engine::sail::netns::NetNs>,
}

/// One session whose supervisor is running.
pub(crate) struct LiveSession {
    /// Set once the engine listens.
    upstream: Mutex<Option<SessionUpstream>>,
    /// The scheduler admitted the session's driver and executors.
    granted: AtomicBool,
    /// Wakes the supervisor when the grant comes.
    grant: Notify,
    open_calls: AtomicU32,
    ever_called: AtomicBool,
    /// Epoch ms of the last call's end.
    last_call_end_ms: AtomicI64,
    /// Wakes the supervisor when a call begins or ends.
    activity: Notify,
    terminate: watch::Sender<bool>,
}

/// The live sessions of this server, by session id.
#[derive(Default)]
pub(crate) struct Sessions {
    live: Mutex<HashMap<String, Arc<LiveSession>>>,
}

impl Sessions {
    fn get(&self, session_id: &str) -> Option<Arc<LiveSession>> {
        self.live.lock().ok()?.get(session_id).cloned()
    }

    fn insert(&self, session_id: &str, live: Arc<LiveSession>) {
        if let Ok(mut map) = self.live.lock() {
            map.insert(session_id.to_string(), live);
        }
    }

    fn remove(&self, session_id: &str) {
        if let Ok(mut map) = self.live.lock() {
            map.remove(session_id);
        }
    }

    fn ids(&self) -> Vec<String> {
        self.live.lock().map(|map| map.keys().cloned().collect()).unwrap_or_default()
    }
}

/// Whether the release label is one that has sessions: EMR added them in
/// emr-7.13.0; AWS's Spark 4 runtime labels (`emr-spark-8.0.x`) have them too.
pub fn label_has_sessions(label: &str) -> bool {
    if label.starts_with("emr-spark-") {
        return true;
    }
    let mut parts = label.strip_prefix("emr-").unwrap_or_default().split('.').map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(major), Some(minor)) => (major, minor) >= (7, 13),
        _ => false,
    }
}

impl Controller {
    pub async fn start_session(
        self: &Arc<Self>,
        application_id: &str,
        request: StartSessionRequest,
        created_by: &str,
    ) -> Result<StartSessionResponse, ControlError> {
        let app = self.load_application(application_id).await?;
        if !app.r#type.eq_ignore_ascii_case("SPARK") {
            return Err(ControlError::validation(format!(
                "Sessions are not supported for {} applications: application {application_id} must be of type Spark",
                app.r#type
            )));
        }
        if !crate::base::records::sessions_enabled(&app) {
            return Err(ControlError::validation(format!(
                "Sessions are not enabled for application {application_id}: \
                 update it with interactiveConfiguration.sessionEnabled set to true"
            )));
        }
        // Sessions run on the host's Spark 4 runtime, not in images.
        let in_image = app.image_configuration.is_some()
            || app.worker_type_specifications.iter().flatten().any(|(_, spec)| spec.image_configuration.is_some());
        if in_image {
            return Err(ControlError::validation(format!(
                "Sessions do not run in custom images yet: application {application_id} has an imageConfiguration"
            )));
        }
        if !label_has_sessions(&app.release_label) {
            return Err(ControlError::validation(format!(
                "Sessions need release label emr-7.13.0 or later; application {application_id} has {}",
                app.release_label
            )));
        }
        if decide_app(app.state, AppOperation::SubmitJob) == AppDecision::Refuse {
            return Err(ControlError::validation(format!(
                "Application {application_id} is in {} state and cannot accept sessions",
                app.state.as_str()
            )));
        }
        let auto_start = app.auto_start_configuration.as_ref().and_then(|c| c.enabled).unwrap_or(true);
        if !auto_start && app.state != ApplicationState::Started {
            return Err(ControlError::validation(format!(
                "Application {application_id} is not started and auto-start is disabled: start the application first"
            )));
        }
        // Refused now, not when the engine starts: a reserved or malformed property.
        let runtime_configuration =
            request.configuration_overrides.as_ref().and_then(|o| o.runtime_configuration.clone()).unwrap_or_default();
        let plan = sparkplane_engine::spark::connect::session_plan(
            &app.release_label,
            app.runtime_configuration.as_deref().unwrap_or_default(),
            &runtime_configuration,
        )
        .map_err(|err| ControlError::validation(err.to_string()))?;
        let app_conf = app.runtime_configuration.as_deref().unwrap_or_default();
        let sail = SessionEngine::of(app_conf, &runtime_configuration).ok() == Some(SessionEngine::Sail);
        if let Some(why) = self.sail_refusal().filter(|_| sail) {
            return Err(ControlError::validation(format!("Session refused: {why}")));
        }
        // It would wait for ever: refused now, as a job run that cannot fit is.
        let needs = plan.resources.launch_workers().iter().fold(Capacity::default(), |sum, w| sum.plus(capacity_of(w)));
        let limits = [
            ("the application's maximumCapacity", maximum_capacity_of(&app)?),
            ("this host offers", Some(self.config.host.capacity())),
        ];
        for (what, limit) in limits {
            if let Some(limit) = limit.filter(|limit| !needs.fits_within(*limit)) {
                return Err(ControlError::validation(format!(
                    "The session needs {} vCPU and {} GB in total, more than {what} ({} vCPU, {} GB): it could \
                     never start. Lower the driver/executor sizes or spark.executor.instances",
                    needs.cpu, needs.memory_gb, limit.cpu, limit.memory_gb
                )));
            }
        }
        let now = clock::now();
        let session_id = ids::new_id(now.as_millis());
        let session = Session {
            arn: sparkplane_api::session_arn(&self.config.region, &self.config.account_id, application_id, &session_id),
            application_id: application_id.to_string(),
            session_id,
            name: request.name.clone(),
            state: SessionState::Submitted,
            state_details: String::new(),
            release_label: app.release_label.clone(),
            execution_role_arn: request.execution_role_arn.clone().unwrap_or_default(),
            created_by: created_by.to_string(),
            created_at: now,
            updated_at: now,
            started_at: None,
            ended_at: None,
            idle_since: None,
            configuration_overrides: request.configuration_overrides.clone(),
            network_configuration: app.network_configuration.clone(),
            idle_timeout_minutes: Some(request.idle_timeout_minutes.unwrap_or(idle::DEFAULT_IDLE_TIMEOUT_MINUTES)),
            tags: request.tags.clone(),
            total_resource_utilization: None,
            billed_resource_utilization: None,
            total_execution_duration_seconds: None,
        };
        // Auto-start before the session is stored: a start that fails leaves
        // no session behind that nothing would ever run.
        if app.state != ApplicationState::Started {
            self.start_application(application_id).await?;
        }
        let client_token = request.client_token.clone().unwrap_or_default();
        let session = match self.store.create_session(&session, &client_token).await? {
            Created::Existing(existing) => return Ok(response(&existing)),
            Created::New(session) => session,
        };
        self.spawn_session(session.clone());
        tracing::info!(application_id, session_id = %session.session_id, "session submitted");
        Ok(response(&session))
    }

    pub async fn get_session(&self, application_id: &str, session_id: &str) -> Result<Session, ControlError> {
        self.load_application(application_id).await?;
        self.store
            .get_session(application_id, session_id)
            .await?
            .ok_or_else(|| ControlError::not_found(format!("Session {session_id} does not exist")))
    }

    pub async fn list_sessions(
        &self,
        application_id: &str,
        filter: &SessionFilter,
        page: Option<PageRequest>,
    ) -> Result<Page<Session>, ControlError> {
        self.load_application(application_id).await?;
        let page = page.unwrap_or(PageRequest::first(50));
        Ok(self.store.list_sessions(application_id, filter, &page).await?)
    }

    /// Ends a session: TERMINATING at once, TERMINATED once its processes
    /// are gone. Ending one that has ended is refused, as cancelling an
    /// ended job run is.
    pub async fn terminate_session(
        &self,
        application_id: &str,
        session_id: &str,
    ) -> Result<TerminateSessionResponse, ControlError> {
        let session = self.get_session(application_id, session_id).await?;
        if session.state.is_terminal() {
            return Err(ControlError::validation(format!(
                "Session {session_id} is in a terminal state ({}) and cannot be terminated",
                session.state.as_str()
            )));
        }
        match self.sessions.get(session_id) {
            Some(live) => {
                let _ = live.terminate.send(true);
            }
            // No supervisor here (it ended with its server): record the end.
            None => {
                self.update_session(application_id, session_id, |s| {
                    if s.state.is_terminal() {
                        return false;
                    }
                    s.state = SessionState::Terminated;
                    s.state_details = "Session terminated by the user".to_string();
                    s.ended_at = Some(clock::now());
                    true
                })
                .await?;
            }
        }
        Ok(TerminateSessionResponse { application_id: application_id.to_string(), session_id: session_id.to_string() })
    }

    /// The engine of a session that serves (for GetSessionEndpoint and the
    /// endpoint's calls): `None` unless it is STARTED, IDLE or BUSY here.
    pub fn session_upstream(&self, session_id: &str) -> Option<SessionUpstream> {
        self.sessions.get(session_id)?.upstream.lock().ok()?.clone()
    }

    /// A call through the endpoint began (`true`) or ended.
    pub fn session_call(&self, session_id: &str, started: bool) {
        let Some(live) = self.sessions.get(session_id) else { return };
        if started {
            live.ever_called.store(true, Ordering::SeqCst);
            live.open_calls.fetch_add(1, Ordering::SeqCst);
        } else {
            live.last_call_end_ms.store(clock::now().as_millis(), Ordering::SeqCst);
            let _ = live.open_calls.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1));
        }
        live.activity.notify_one();
    }

    /// Whether a live session of this server was granted its capacity;
    /// `None` for a session with no supervisor here.
    pub(crate) fn session_granted(&self, session_id: &str) -> Option<bool> {
        self.sessions.get(session_id).map(|live| live.granted.load(Ordering::SeqCst))
    }

    /// The scheduler's grant of a session's capacity; false when `session_id`
    /// is no live session here (then it names a job run).
    pub(crate) fn grant_session(&self, session_id: &str) -> bool {
        let Some(live) = self.sessions.get(session_id) else { return false };
        live.granted.store(true, Ordering::SeqCst);
        live.grant.notify_one();
        true
    }

    /// Startup: a session left unfinished by the last run of the server has
    /// lost its supervisor and its endpoint; its engine (if any is left) is
    /// killed and the session recorded FAILED.
    pub async fn recover_sessions(&self) -> Result<(), ControlError> {
        for session in self.store.list_unfinished_sessions().await? {
            let (app_id, id) = (&session.application_id, &session.session_id);
            let work_dir = self.config.session_dir(app_id, id);
            let pgid = std::fs::read_to_string(work_dir.join("pgid")).ok().and_then(|s| s.trim().parse().ok());
            // Only a group whose leader works in the session's dir, as its
            // engine does: warm drivers of the application may write that
            // dir, so the number alone could name any process.
            let _ = std::fs::remove_dir_all(self.config.session_secrets_dir(id));
            let ours = |pgid: &i32| {
                sparkplane_engine::process::group_alive(*pgid)
                    && sparkplane_engine::process::group_works_in(*pgid, &work_dir)
            };
            if let Some(pgid) = pgid.filter(ours) {
                tracing::warn!(session_id = %id, pgid, "killing an orphaned session engine");
                sparkplane_engine::process::kill_group(pgid, sparkplane_engine::process::SIGKILL);
            }
            // Its event log (as far as the engine wrote it) stays for the
            // history view, as a supervised session's does.
            crate::base::retention::keep_dashboard_files(&work_dir, &self.config.session_history_dir(app_id, id));
            let _ = std::fs::remove_dir_all(&work_dir);
            let (state, details) = match session.state {
                SessionState::Terminating => (SessionState::Terminated, "Session terminated"),
                _ => (SessionState::Failed, "Session lost: the server restarted while it was running"),
            };
            self.update_session(app_id, id, |s| {
                s.state = state;
                s.state_details = details.to_string();
                s.ended_at = Some(clock::now());
                true
            })
            .await?;
        }
        Ok(())
    }

    /// Read-modify-write of one session under the write lock; `change`
    /// returns false to leave it as it is. An ended session never changes.
    pub(crate) async fn update_session(
        &self,
        application_id: &str,
        session_id: &str,
        change: impl FnOnce(&mut Session) -> bool,
    ) -> Result<Session, ControlError> {
        let _guard = self.write_lock.lock().await;
        let mut session = self
            .store
            .get_session(application_id, session_id)
            .await?
            .ok_or_else(|| ControlError::not_found(format!("Session {session_id} does not exist")))?;
        if session.state.is_terminal() || !change(&mut session) {
            return Ok(session);
        }
        session.updated_at = clock::now();
        self.store.put_session(&session).await?;
        Ok(session)
    }

    /// Terminates every live session (server shutdown) and waits, bounded,
    /// for their supervisors to finish.
    pub(crate) async fn stop_sessions(&self) {
        for id in self.sessions.ids() {
            if let Some(live) = self.sessions.get(&id) {
                let _ = live.terminate.send(true);
            }
        }
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
        while !self.sessions.ids().is_empty() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// The engine the session runs on (`None`: its application is gone or
    /// its configuration no longer parses).
    pub(crate) async fn session_engine(&self, session: &Session) -> Option<SessionEngine> {
        // A live one by what it runs (its application may have changed since).
        if let Some(upstream) = self.session_upstream(&session.session_id) {
            return Some(if upstream.netns.is_some() { SessionEngine::Sail } else { SessionEngine::Spark });
        }
        let app = self.store.get_application(&session.application_id).await.ok().flatten()?;
        engine_of(&app, session).ok()
    }
}

pub(super) fn engine_of(app: &Application, session: &Session) -> Result<SessionEngine, sparkplane_engine::EngineError> {
    let own = session.configuration_overrides.as_ref().and_then(|o| o.runtime_configuration.clone());
    SessionEngine::of(app.runtime_configuration.as_deref().unwrap_or_default(), own.as_deref().unwrap_or_default())
}

/// What a session's engine holds: its driver and its `local[N]` executors,
/// sized from the application's and the session's runtime configuration.
pub(crate) fn session_resources(app: &Application, session: &Session) -> Option<ResourceRequest> {
    session_plan_of(app, session).ok().map(|plan| plan.resources)
}

/// The plan of the session's engine: the application's and the session's
/// `runtimeConfiguration`.
pub(super) fn session_plan_of(
    app: &Application,
    session: &Session,
) -> Result<sparkplane_engine::spark::SparkJobPlan, sparkplane_engine::EngineError> {
    let own = session.configuration_overrides.as_ref().and_then(|o| o.runtime_configuration.clone());
    sparkplane_engine::spark::connect::session_plan(
        &session.release_label,
        app.runtime_configuration.as_deref().unwrap_or_default(),
        own.as_deref().unwrap_or_default(),
    )
}

/// Whether a warm Spark driver of `app` could become the session's engine
/// (what the scheduler counts, as it counts a run's use of one).
pub(crate) fn fits_warm_driver(app: &Application, session: &Session) -> bool {
    if !matches!(engine_of(app, session), Ok(SessionEngine::Spark)) {
        return false;
    }
    match (crate::pool::warm_spark_template(app), session_plan_of(app, session)) {
        (Ok(template), Ok(plan)) => sparkplane_engine::spark::warm::session_fits(&template, &plan),
        _ => false,
    }
}

fn response(session: &Session) -> StartSessionResponse {
    StartSessionResponse {
        application_id: session.application_id.clone(),
        session_id: session.session_id.clone(),
        arn: session.arn.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_start_at_emr_7_13() {
        for label in ["emr-7.13.0", "emr-7.14.1", "emr-8.0.0", "emr-spark-8.0.0"] {
            assert!(label_has_sessions(label), "{label}");
        }
        for label in ["emr-7.12.0", "emr-7.9.0", "emr-6.15.0", "emr-7", "spark-4", ""] {
            assert!(!label_has_sessions(label), "{label}");
        }
    }
}
