//! Time-driven application and queue rules, checked on every scheduler pass.
//!
//! - autoStop: a STARTED application with no unfinished run stops itself
//!   after `idleTimeoutMinutes` without activity (its last state change or
//!   the last change of one of its runs or sessions; an unfinished session
//!   keeps it started).
//! - queueTimeoutMinutes: a run that waited in QUEUED longer fails.

use sparkplane_api::{Application, ApplicationState, JobRun, JobRunState};
use sparkplane_store::{ApplicationFilter, JobRunFilter, PageRequest};

use crate::base::clock;
use crate::base::records::attempt_of;
use crate::base::state::AppOperation;
use crate::{ControlError, Controller};

/// The service's defaults when `schedulerConfiguration` applies.
pub const DEFAULT_MAX_CONCURRENT_RUNS: i64 = 15;
pub const DEFAULT_QUEUE_TIMEOUT_MINUTES: i64 = 360;

/// Milliseconds after which an idle application stops, if it auto-stops.
pub fn idle_timeout_millis(app: &Application, minute_millis: i64) -> Option<i64> {
    let config = app.auto_stop_configuration.as_ref();
    let enabled = config.and_then(|c| c.enabled).unwrap_or(true);
    let minutes = config.and_then(|c| c.idle_timeout_minutes).unwrap_or(15);
    enabled.then_some(minutes.max(1).saturating_mul(minute_millis))
}

impl Controller {
    pub(crate) async fn apply_lifecycle_rules(&self) -> Result<(), ControlError> {
        let now = clock::now().as_millis();
        let minute_millis = self.config.auto_stop_minute.as_millis() as i64;
        let started = ApplicationFilter { states: vec![ApplicationState::Started] };
        let apps = self.store.list_applications(&started, &PageRequest::first(1000)).await?;
        let unfinished = self.store.list_unfinished_job_runs().await?;
        for app in &apps.items {
            let Some(timeout) = idle_timeout_millis(app, minute_millis) else { continue };
            if unfinished.iter().any(|run| run.application_id == app.application_id) {
                continue;
            }
            // A session is activity until it ends, idle or not.
            if self.has_unfinished_sessions(&app.application_id).await? {
                continue;
            }
            let newest =
                self.store.list_job_runs(&app.application_id, &JobRunFilter::default(), &PageRequest::first(1)).await?;
            let sessions =
                self.store.list_sessions(&app.application_id, &Default::default(), &PageRequest::first(1)).await?;
            let last_activity = newest
                .items
                .iter()
                .map(|r| r.updated_at.as_millis())
                .chain(sessions.items.iter().map(|s| s.updated_at.as_millis()))
                .fold(app.updated_at.as_millis(), i64::max);
            if now - last_activity >= timeout {
                tracing::info!(application_id = %app.application_id, "auto-stopping idle application");
                let details = "Application stopped automatically after being idle";
                self.move_application(&app.application_id, AppOperation::Stop, details).await?;
            }
        }
        for run in unfinished.iter().filter(|r| r.state == JobRunState::Queued) {
            self.expire_if_queued_too_long(run, now).await?;
        }
        Ok(())
    }

    async fn expire_if_queued_too_long(&self, run: &JobRun, now: i64) -> Result<(), ControlError> {
        let Some(app) = self.store.get_application(&run.application_id).await? else { return Ok(()) };
        let minutes = app
            .scheduler_configuration
            .as_ref()
            .map(|s| s.queue_timeout_minutes.unwrap_or(DEFAULT_QUEUE_TIMEOUT_MINUTES))
            .unwrap_or(DEFAULT_QUEUE_TIMEOUT_MINUTES);
        if now - run.created_at.as_millis() < minutes.saturating_mul(60_000) {
            return Ok(());
        }
        let ended_at = clock::now();
        self.update_run(&run.application_id, &run.job_run_id, attempt_of(run), |current| {
            if current.state != JobRunState::Queued {
                return false;
            }
            current.state = JobRunState::Failed;
            current.state_details = format!("Job run timed out after waiting {minutes} minutes in the queue");
            current.ended_at = Some(ended_at);
            current.queued_duration_milliseconds = Some(ended_at.as_millis() - current.created_at.as_millis());
            true
        })
        .await
    }
}
