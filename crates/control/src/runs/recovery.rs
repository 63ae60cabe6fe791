//! Startup reconciliation: what was in flight when the server last stopped.
//!
//! Processes on this host are not adopted across restarts: an attempt that
//! was scheduled or running here has lost its supervisor, so its process
//! group (if any is left) is killed and the attempt is marked FAILED; a run
//! that was being cancelled is CANCELLED. An attempt whose driver runs on an
//! agent's host still has its supervisor, the agent, and is adopted
//! ([`super::remote_adopt`]). Runs that had not started yet simply stay in
//! the queue. Applications caught mid-transition finish the transition.
//! What happens to each run is decided by [`super::recovery_plan`].

use std::collections::HashSet;
use std::sync::Arc;

use sparkplane_api::{ApplicationState, JobRun, JobRunState};
use sparkplane_engine::process::{group_alive, group_works_in, kill_group};
use sparkplane_hosts::HostState;

use super::recovery_plan::{self, InFlight, Placed, Step};
use super::remote_adopt::Placement;
use crate::base::clock;
use crate::base::records::attempt_of;
use crate::{ControlError, Controller};

impl Controller {
    pub async fn recover(self: &Arc<Self>) -> Result<(), ControlError> {
        let mut placements: Vec<Option<Placement>> = self.stored_placements().await?.into_iter().map(Some).collect();
        let runs = self.store.list_unfinished_job_runs().await?;
        let live: HashSet<String> = self
            .hosts
            .list()
            .await
            .into_iter()
            .filter(|h| !h.embedded && matches!(h.state, HostState::Ready | HostState::Draining))
            .map(|h| h.name)
            .collect();
        let steps = {
            let flights: Vec<InFlight<'_>> = runs
                .iter()
                .map(|r| InFlight { job_run_id: &r.job_run_id, state: r.state, attempt: attempt_of(r) })
                .collect();
            let placed: Vec<Placed<'_>> = placements
                .iter()
                .flatten()
                .map(|p| Placed { job_run_id: &p.assignment.job_run_id, attempt: p.attempt, host: &p.host })
                .collect();
            recovery_plan::plan(&flights, &placed, |host| live.contains(host))
        };
        for step in steps {
            match step {
                Step::Adopt { run, placement } => {
                    let Some(placement) = placements[placement].take() else { continue };
                    let id = placement.assignment.id.clone();
                    if !self.adopt_remote_attempt(&runs[run], placement).await {
                        self.forget_placement(&id).await;
                        self.end_lost_attempt(&runs[run], JobRunState::Failed, recovery_plan::LOST).await?;
                    }
                }
                Step::End { run, state, details } => self.end_lost_attempt(&runs[run], state, details).await?,
                Step::Forget { placement } => {
                    if let Some(placement) = placements[placement].take() {
                        self.forget_placement(&placement.assignment.id).await;
                    }
                }
            }
        }
        // Containers of custom images live under podman, not in the process
        // groups above: the ones this data dir's server left are removed.
        if let Some(engine) = &self.config.containers {
            match engine.remove_leftovers().await {
                Ok(0) => {}
                Ok(removed) => tracing::warn!(removed, "removed containers left by the last run of the server"),
                Err(err) => tracing::warn!(error = %err, "remove containers left by the last run of the server"),
            }
        }
        // Warm workers of the last run of the server exit when their channel
        // closes; nothing in their directories is needed any more.
        let pool = self.config.data_dir.join("pool");
        if let Err(err) = std::fs::remove_dir_all(&pool) {
            if err.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(dir = %pool.display(), error = %err, "clear the warm worker directories");
            }
        }
        let mut page = sparkplane_store::PageRequest::first(50);
        loop {
            let apps = self.store.list_applications(&Default::default(), &page).await?;
            for mut app in apps.items {
                let settled = match app.state {
                    ApplicationState::Starting => ApplicationState::Started,
                    ApplicationState::Stopping => ApplicationState::Stopped,
                    _ => continue,
                };
                app.state = settled;
                app.updated_at = clock::now();
                self.store.put_application(&app).await?;
            }
            match apps.next_token {
                Some(token) => page.next_token = Some(token),
                None => break,
            }
        }
        Ok(())
    }

    /// Ends `run`'s attempt, which lost its supervisor, in `state`: its
    /// process groups left on this host are killed first.
    async fn end_lost_attempt(&self, run: &JobRun, state: JobRunState, details: &str) -> Result<(), ControlError> {
        let attempt = attempt_of(run);
        let work_dir = self.config.attempt_dir(&run.application_id, &run.job_run_id, attempt);
        let driver = std::fs::read_to_string(work_dir.join("pgid")).ok().and_then(|s| s.trim().parse().ok());
        // An elastic run's standalone master and workers are groups of their own.
        let executors = sparkplane_engine::spark::standalone::recorded_process_groups(&work_dir);
        // Only groups that work in the attempt's dir, as its driver and
        // daemons do, or in the warm workers' dirs (a warm HIVE worker that
        // took the run): the job could have written any number there.
        let pool = self.config.data_dir.join("pool");
        let ours = |pgid: i32| group_works_in(pgid, &work_dir) || group_works_in(pgid, &pool);
        for pgid in driver.into_iter().chain(executors) {
            if group_alive(pgid) && ours(pgid) {
                tracing::warn!(job_run_id = %run.job_run_id, pgid, "killing orphaned attempt");
                kill_group(pgid, sparkplane_engine::process::SIGKILL);
            }
        }
        // Event logs of a warm driver's run are still in its directory.
        crate::dashboards::settle_event_logs(&work_dir);
        let ended_at = clock::now();
        self.finish_attempt(&run.application_id, &run.job_run_id, attempt, |current| {
            current.state = state;
            current.state_details = details.to_string();
            current.ended_at = Some(ended_at);
            true
        })
        .await?;
        // Its pgid file was read above; kept a while if failed.
        self.retire_attempt_dir(&run.application_id, &run.job_run_id, attempt, state);
        tracing::info!(job_run_id = %run.job_run_id, state = state.as_str(), "recovered job run");
        Ok(())
    }
}
