//! The stored applications and job runs, as every layer reads them, and
//! the one place runs are updated.
//!
//! Loading a resource (with the service's not-found error), GetJobRun, and
//! the read-modify-write of a run under the controller's write lock live
//! here, below everything that needs them: the job-run operations, the
//! attempt supervisor, the scheduler loop, dashboards and the warm pool.

use sparkplane_api::{Application, JobRun, JobRunState};

use super::clock;
use super::state::job_transition_allowed;
use crate::{ControlError, Controller};

/// Whether the application has `interactiveConfiguration.sessionEnabled`
/// (StartSession's check, and what gives its warm drivers the sessions dir).
pub(crate) fn sessions_enabled(app: &Application) -> bool {
    app.interactive_configuration.as_ref().and_then(|c| c.session_enabled).unwrap_or(false)
}

impl Controller {
    /// Whether an application has a session that is not over: auto-stop and
    /// StopApplication count sessions as activity (here, below both
    /// `applications` and `sessions`, which creates them).
    pub(crate) async fn has_unfinished_sessions(&self, application_id: &str) -> Result<bool, ControlError> {
        let unfinished = self.store.list_unfinished_sessions().await?;
        Ok(unfinished.iter().any(|s| s.application_id == application_id))
    }

    pub(crate) async fn load_application(&self, application_id: &str) -> Result<Application, ControlError> {
        self.store
            .get_application(application_id)
            .await?
            .ok_or_else(|| ControlError::not_found(format!("Application {application_id} does not exist")))
    }

    /// GetJobRun: the run as its latest attempt sees it, or as attempt
    /// `attempt` did.
    pub async fn get_job_run(
        &self,
        application_id: &str,
        job_run_id: &str,
        attempt: Option<u32>,
    ) -> Result<JobRun, ControlError> {
        let found = match attempt {
            None => self.store.get_job_run(application_id, job_run_id).await?,
            Some(n) => {
                let run = self.store.get_job_run_attempt(application_id, job_run_id, n).await?;
                if run.is_none() && self.store.get_job_run(application_id, job_run_id).await?.is_some() {
                    return Err(ControlError::validation(format!("Job run {job_run_id} has no attempt {n}")));
                }
                run
            }
        };
        found.ok_or_else(|| job_run_not_found(application_id, job_run_id))
    }

    /// Loads the run, lets `change` edit it, and stores it with fresh
    /// timestamps, all under the write lock. `change` returns false to leave
    /// the run untouched (the state moved on meanwhile).
    pub(crate) async fn update_run(
        &self,
        application_id: &str,
        job_run_id: &str,
        attempt: u32,
        change: impl FnOnce(&mut JobRun) -> bool,
    ) -> Result<(), ControlError> {
        let _guard = self.write_lock.lock().await;
        self.change_run_locked(application_id, job_run_id, attempt, change).await.map(|_| ())
    }

    /// The body of [`Controller::update_run`], for callers that already hold
    /// the write lock. Returns the run as stored, or None if `change` left it.
    pub(crate) async fn change_run_locked(
        &self,
        application_id: &str,
        job_run_id: &str,
        attempt: u32,
        change: impl FnOnce(&mut JobRun) -> bool,
    ) -> Result<Option<JobRun>, ControlError> {
        let mut run = self.get_job_run(application_id, job_run_id, None).await?;
        let before = run.state;
        if !change(&mut run) {
            return Ok(None);
        }
        if before != run.state && !job_transition_allowed(before, run.state) {
            // The server's own transitions (shutdown, recovery) may take a
            // shortcut; they are logged so that an unexpected one is seen.
            tracing::warn!(job_run_id, from = before.as_str(), to = run.state.as_str(), "unusual job run transition");
        }
        let now = clock::now();
        run.updated_at = now;
        run.attempt_updated_at = Some(now);
        run.state_details = truncate_details(&run.state_details);
        self.store.put_job_run(&run, attempt).await?;
        if before != run.state {
            self.observe_transition(&run, now);
        }
        Ok(Some(run))
    }
}

impl Controller {
    /// Feeds `/metrics`: an attempt's wait for RUNNING, and a run's
    /// duration once it ended.
    fn observe_transition(&self, run: &JobRun, now: sparkplane_api::Timestamp) {
        let seconds = |from: sparkplane_api::Timestamp| (now.0.saturating_sub(from.0)).max(0) as f64 / 1000.0;
        if run.state == JobRunState::Running {
            self.run_latencies.running(seconds(run.attempt_created_at.unwrap_or(run.created_at)));
        } else if run.state.is_terminal() {
            self.run_latencies.ended(run.state.as_str(), seconds(run.created_at));
        }
    }
}

/// The attempt a stored view of a run belongs to (1 for views from
/// before attempts were numbered).
pub(crate) fn attempt_of(run: &JobRun) -> u32 {
    run.attempt.and_then(|a| u32::try_from(a).ok()).filter(|a| *a >= 1).unwrap_or(1)
}

pub(crate) fn job_run_not_found(application_id: &str, job_run_id: &str) -> ControlError {
    ControlError::not_found(format!("Job run {job_run_id} of application {application_id} does not exist"))
}

/// `stateDetails` is at most 256 characters in the model.
pub(crate) fn truncate_details(text: &str) -> String {
    let single_line = text.replace(['\n', '\r'], " ");
    if single_line.chars().count() <= 256 {
        return single_line;
    }
    let mut cut: String = single_line.chars().take(253).collect();
    cut.push_str("...");
    cut
}
