//! GetResourceDashboard for sessions: the live Spark UI of a session's
//! engine while it runs, Spark's History view of its event log after it
//! ends, as GetDashboardForJobRun gives a run's.
//!
//! The engine is launched with the same UI settings as a run's driver
//! (`dashboards::spark_launch_conf`: a loopback UI port, `spark.ui.proxyBase`
//! under the session's prefix, event logs into its dir's `sparklogs/`), and
//! the URL carries a token of the session's own kind
//! ([`TokenScope::session`]), so a run's URL never opens a session's UI.
//! The HTTP side is the server crate's, shared with the runs' dashboards.
//! A session on Sail has neither UI nor event log: its dashboard is refused.

use sparkplane_api::SessionState;
use sparkplane_engine::runtime::SESSION_RUNTIME;
use sparkplane_engine::sail::SessionEngine;
use sparkplane_engine::SparkRuntime;

use crate::base::retention::EVENT_LOG_FOLDER;
use crate::dashboards::history::find_event_log;
use crate::dashboards::{live_ui_port, session_dashboard_prefix, DashboardError, EventLog, TokenScope};
use crate::{ControlError, Controller};

/// What a session's dashboard shows.
#[derive(Debug)]
pub enum SessionDashboardView {
    /// The engine is not serving (yet, or any more, while it stops).
    NotServing { state: SessionState, details: String },
    /// The engine runs: its UI on this loopback port (None when the session
    /// turned the UI off).
    Live { port: Option<u16> },
    /// The session ended and left an event log.
    History { runtime: SparkRuntime, log: EventLog },
    /// The session ended without an event log (it never started an engine,
    /// or turned event logs off).
    NoEventLog { state: SessionState },
}

impl Controller {
    /// The path and query of a fresh dashboard URL for the session:
    /// `/session-dashboard/<app>/<session>/?token=…`.
    pub async fn session_dashboard_url_path(
        &self,
        application_id: &str,
        session_id: &str,
    ) -> Result<String, DashboardError> {
        let session = self.get_session(application_id, session_id).await?;
        if self.session_engine(&session).await == Some(SessionEngine::Sail) {
            return Err(ControlError::validation(format!(
                "Session {session_id} runs on Sail, which has no Spark UI and writes no event log: there is no \
                 dashboard to show"
            ))
            .into());
        }
        let token = self.issue_dashboard_token(&TokenScope::session(application_id, session_id))?;
        Ok(format!("{}/?token={token}", session_dashboard_prefix(application_id, session_id)))
    }

    /// What the session's dashboard shows right now.
    pub async fn session_dashboard_view(
        &self,
        application_id: &str,
        session_id: &str,
    ) -> Result<SessionDashboardView, DashboardError> {
        let session = self.get_session(application_id, session_id).await?;
        let work_dir = self.config.session_dir(application_id, session_id);
        Ok(match session.state {
            SessionState::Started | SessionState::Idle | SessionState::Busy => {
                SessionDashboardView::Live { port: live_ui_port(&work_dir) }
            }
            state @ (SessionState::Terminated | SessionState::Failed) => {
                let kept = self.config.session_history_dir(application_id, session_id);
                match find_event_log(&kept.join(EVENT_LOG_FOLDER)) {
                    Some(log) => SessionDashboardView::History { runtime: SESSION_RUNTIME, log },
                    None => SessionDashboardView::NoEventLog { state },
                }
            }
            state => SessionDashboardView::NotServing { state, details: session.state_details },
        })
    }
}
