//! How long an ended run's files stay: its managed logs and dashboard files.
//!
//! Every attempt's logs are shipped to `<data>/logs/applications/<app>/jobs/<job>/`
//! and its event logs or HIVE report move to `<data>/history/<app>/<job>/`
//! when it retires (see [`super::retention`]). Nothing removed them, so a
//! busy server's disk filled with runs nobody would open again. EMR
//! Serverless keeps a job's logs in its managed storage for 30 days and
//! then deletes them; `run_history_retention` does the same here (zero
//! keeps them forever). The run's record stays: GetJobRun and ListJobRuns
//! still show it; its logs and Spark UI are gone, as in the service.
//!
//! A session's files are laid out the same way under `sessions/`
//! (`<logs>/applications/<app>/sessions/<session>/`,
//! `<history>/<app>/sessions/<session>/`) and go the same way, once the
//! session has ended `run_history_retention` ago.
//!
//! The sweep is cheap: it lists two levels of directory names under each
//! root, walks only the job dirs whose own mtime is old, and asks the store
//! only about those. A run that has not ended is never swept, however old
//! its files (a retry's first attempt under a long run).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use crate::base::retention::expired;
use crate::Controller;

/// One job's (or session's) files under one root: `<root>/<app>/<job>`,
/// `<root>/<app>/sessions/<session>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JobFiles {
    pub application_id: String,
    /// The job run's id, or the session's when `session` is set.
    pub job_run_id: String,
    pub session: bool,
    pub dir: PathBuf,
}

/// The folder of an application's session files, beside its jobs'.
const SESSIONS_FOLDER: &str = "sessions";

impl Controller {
    /// Where ended runs' files live: the history dir and the managed logs.
    fn run_file_roots(&self) -> [PathBuf; 2] {
        [self.config.data_dir.join("history"), self.config.managed_logs_dir().join("applications")]
    }

    /// Removes the files of runs that ended more than `run_history_retention`
    /// ago. Runs at most every tenth of the retention (and every ten minutes
    /// at most), from the scheduler loop.
    pub(crate) async fn sweep_run_history(&self) {
        let retention = self.config.run_history_retention;
        if retention.is_zero() {
            return;
        }
        let every = (retention / 10).min(Duration::from_secs(600));
        {
            let mut last = self.history_swept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if last.is_some_and(|at: Instant| at.elapsed() < every) {
                return;
            }
            *last = Some(Instant::now());
        }
        let roots = self.run_file_roots();
        let candidates = tokio::task::spawn_blocking(move || {
            let now = SystemTime::now();
            roots.iter().flat_map(|root| job_dirs(root)).filter(|job| old_files(&job.dir, now, retention)).collect()
        })
        .await
        .unwrap_or_else(|_| Vec::<JobFiles>::new());
        for job in candidates {
            // Only runs (sessions) that ended; a store error leaves the files for the next sweep.
            let ended = match job.session {
                false => self.store.get_job_run(&job.application_id, &job.job_run_id).await.map(|run| {
                    // A terminal run's last update is when it ended.
                    run.map(|run| (run.state.is_terminal(), run.updated_at))
                }),
                true => self
                    .store
                    .get_session(&job.application_id, &job.job_run_id)
                    .await
                    .map(|session| session.map(|s| (s.state.is_terminal(), s.ended_at.unwrap_or(s.updated_at)))),
            };
            match ended {
                Ok(Some((false, _))) => continue,
                Ok(Some((true, at))) if !ended_before(at, retention) => continue,
                Err(err) => {
                    tracing::warn!(id = %job.job_run_id, error = %err, "read a run before removing its files");
                    continue;
                }
                Ok(_) => {}
            }
            tracing::info!(job_run_id = %job.job_run_id, dir = %job.dir.display(), "removing an ended run's files");
            let removed = match self.trash.as_ref() {
                Some(trash) => trash.discard(&job.dir),
                None => std::fs::remove_dir_all(&job.dir),
            };
            if let Err(err) = removed {
                if err.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!(dir = %job.dir.display(), error = %err, "remove an ended run's files");
                }
            }
            // The application's dir goes with its last run (and a session's
            // `sessions/` with its last session, then the application's).
            if let Some(parent) = job.dir.parent() {
                let _ = std::fs::remove_dir(parent);
                if job.session {
                    let _ = parent.parent().map(std::fs::remove_dir);
                }
            }
        }
    }
}

/// Whether `ended` (epoch milliseconds) is at least `retention` ago.
fn ended_before(ended: sparkplane_api::Timestamp, retention: Duration) -> bool {
    let age_ms = crate::base::clock::now().0.saturating_sub(ended.0);
    u128::try_from(age_ms).is_ok_and(|age| age >= retention.as_millis())
}

/// Every `<root>/<app>/<job>` dir.
pub(crate) fn job_dirs(root: &Path) -> Vec<JobFiles> {
    let children = |dir: &Path| -> Vec<(String, PathBuf)> {
        std::fs::read_dir(dir)
            .map(|listing| {
                listing
                    .flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .filter_map(|e| Some((e.file_name().to_str()?.to_string(), e.path())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut jobs = Vec::new();
    for (application_id, app_dir) in children(root) {
        // `<logs>/applications/<app>/jobs/<job>`; `<history>/<app>/<job>`.
        let jobs_dir = if app_dir.join("jobs").is_dir() { app_dir.join("jobs") } else { app_dir.clone() };
        for (job_run_id, dir) in children(&jobs_dir) {
            // Ids are 16 characters, so a job is never named like the folder.
            if job_run_id != SESSIONS_FOLDER {
                jobs.push(JobFiles { application_id: application_id.clone(), job_run_id, session: false, dir });
            }
        }
        for (session_id, dir) in children(&app_dir.join(SESSIONS_FOLDER)) {
            jobs.push(JobFiles { application_id: application_id.clone(), job_run_id: session_id, session: true, dir });
        }
    }
    jobs
}

/// Whether nothing under `dir` changed within `retention` of `now`: every
/// file and dir in it is older (logs are rewritten while a run lives).
pub(crate) fn old_files(dir: &Path, now: SystemTime, retention: Duration) -> bool {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(path) = stack.pop() {
        let Ok(meta) = std::fs::symlink_metadata(&path) else { return false };
        let Ok(modified) = meta.modified() else { return false };
        if !expired(modified, now, retention) {
            return false;
        }
        if meta.is_dir() {
            match std::fs::read_dir(&path) {
                Ok(listing) => stack.extend(listing.flatten().map(|e| e.path())),
                Err(_) => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn age(path: &Path, seconds: u64) {
        let then = SystemTime::now() - Duration::from_secs(seconds);
        let file = std::fs::File::options().read(true).open(path).unwrap();
        file.set_modified(then).unwrap();
    }

    #[test]
    fn both_layouts_list_their_jobs() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("history/app1/job1/1")).unwrap();
        std::fs::create_dir_all(dir.path().join("logs/applications/app1/jobs/job2/SPARK_DRIVER")).unwrap();
        std::fs::create_dir_all(dir.path().join("history/app1/sessions/s1/sparklogs")).unwrap();
        std::fs::create_dir_all(dir.path().join("logs/applications/app1/sessions/s2/SPARK_DRIVER")).unwrap();
        std::fs::create_dir_all(dir.path().join("logs/applications/app2/sessions/s3/SPARK_DRIVER")).unwrap();
        let mut history = job_dirs(&dir.path().join("history"));
        history.sort_by_key(|j| j.session);
        let ids: Vec<_> =
            history.iter().map(|j| (j.application_id.as_str(), j.job_run_id.as_str(), j.session)).collect();
        assert_eq!(ids, [("app1", "job1", false), ("app1", "s1", true)]);
        let mut logs = job_dirs(&dir.path().join("logs/applications"));
        logs.sort_by(|a, b| a.dir.cmp(&b.dir));
        let ids: Vec<_> = logs.iter().map(|j| (j.job_run_id.as_str(), j.session)).collect();
        assert_eq!(ids, [("job2", false), ("s2", true), ("s3", true)]);
        assert_eq!(logs[0].dir, dir.path().join("logs/applications/app1/jobs/job2"));
        assert!(job_dirs(&dir.path().join("missing")).is_empty());
    }

    #[test]
    fn files_are_old_only_when_everything_under_them_is() {
        let dir = tempfile::tempdir().unwrap();
        let job = dir.path().join("job");
        std::fs::create_dir_all(job.join("1")).unwrap();
        std::fs::write(job.join("1/stdout.gz"), b"x").unwrap();
        let day = Duration::from_secs(86_400);
        let now = SystemTime::now();
        assert!(!old_files(&job, now, day));
        for path in [job.join("1/stdout.gz"), job.join("1"), job.clone()] {
            age(&path, 2 * 86_400);
        }
        assert!(old_files(&job, now, day));
        // A log shipped again (a run still going) keeps all of it.
        std::fs::write(job.join("1/stdout.gz"), b"xy").unwrap();
        assert!(!old_files(&job, now, day));
        assert!(!old_files(&dir.path().join("missing"), now, day));
    }
}
