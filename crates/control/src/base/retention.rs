//! What is left on disk after an attempt, and for how long.
//!
//! An attempt's work dir held its staged artifacts, unpacked archives,
//! scratch space and logs, and nothing removed it: a busy server filled its
//! disk. By the time the supervisor retires the dir, everything worth
//! keeping is elsewhere: the logs were shipped a last time (managed logs and
//! `logUri`), staged artifacts live in the artifact cache (whose leases the
//! attempt releases here). Only the dashboard still reads files of the
//! attempt: the event logs of a Spark run (the History Server) and the
//! report of a HIVE run (and a warm Spark driver's warm-up log, shipped
//! nowhere else). They move to `<data>/history/<app>/<job>/<attempt>`
//! ([`ControlConfig::attempt_history_dir`]) and go with their run.
//!
//! A failed attempt's dir is kept `keep_failed_work_dirs` for debugging
//! (an operator setting, off by default): it gets an [`ENDED_MARKER`] and
//! the scheduler loop's sweep removes it once that is older than the
//! setting. Recovery after a restart retires the attempts it fails the same
//! way, after it has read their pgid files.

use std::path::Path;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use sparkplane_api::JobRunState;
use sparkplane_storage::Trash;

use crate::{ControlConfig, Controller};

/// Written into a kept failed attempt's dir; its mtime is when it ended.
pub const ENDED_MARKER: &str = "attempt-ended";

// The files of a work dir that outlive it. Named here, below the layers
// that write and read them (dashboards, the HIVE worker, the pool), so that
// retiring a dir needs none of those layers.
/// The attempt's event-log folder, in its work dir and in the log layout.
pub const EVENT_LOG_FOLDER: &str = "sparklogs";
/// What the HIVE worker writes into the attempt's work dir.
pub const HIVE_REPORT_FILE: &str = "hive-report.json";
/// Where a used warm Spark driver's warm-up output ends up, in the attempt's work dir.
pub(crate) const WARM_UP_LOG_IN_WORK_DIR: &str = "warm-driver.log";

/// Disk use of the server, for `sparkplane workers`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiskUsageView {
    /// Bytes under `<data>/work` (links into the cache not followed): live
    /// attempts and kept failed ones.
    pub work_dir_bytes: u64,
    pub cache_bytes: u64,
    pub cache_limit_bytes: u64,
    pub cache_entries: u64,
    pub cache_hits: u64,
    pub cache_downloads: u64,
    pub cache_unpacks: u64,
    pub cache_evictions: u64,
}

impl ControlConfig {
    /// Where a finished attempt's dashboard files live once its work dir is gone.
    pub fn attempt_history_dir(&self, application_id: &str, job_run_id: &str, attempt: u32) -> std::path::PathBuf {
        self.data_dir.join("history").join(application_id).join(job_run_id).join(attempt.to_string())
    }

    pub fn artifact_cache_dir(&self) -> std::path::PathBuf {
        self.data_dir.join("cache")
    }

    /// Work dirs of finished attempts being deleted (same filesystem as `work`).
    pub fn trash_dir(&self) -> std::path::PathBuf {
        self.data_dir.join("trash")
    }
}

impl Controller {
    /// Called once an attempt has ended and its logs were shipped: releases
    /// its cache leases, moves its dashboard files out, and removes the work
    /// dir (or marks a failed one to be removed later).
    pub(crate) fn retire_attempt_dir(&self, application_id: &str, job_run_id: &str, attempt: u32, state: JobRunState) {
        let work_dir = self.config.attempt_dir(application_id, job_run_id, attempt);
        if let Some(cache) = &self.cache {
            cache.release(&work_dir);
            // Entries this attempt held may be over the limit now that they are free.
            let cache = cache.clone();
            tokio::task::spawn_blocking(move || cache.evict());
        }
        if !work_dir.exists() {
            return;
        }
        let history = self.config.attempt_history_dir(application_id, job_run_id, attempt);
        keep_dashboard_files(&work_dir, &history);
        let keep = state == JobRunState::Failed && !self.config.keep_failed_work_dirs.is_zero();
        if keep {
            if let Err(err) = std::fs::write(work_dir.join(ENDED_MARKER), b"") {
                tracing::warn!(dir = %work_dir.display(), error = %err, "mark a kept work dir");
            }
            tracing::info!(job_run_id, dir = %work_dir.display(), "keeping the failed attempt's work dir");
            return;
        }
        remove_attempt_dir(&work_dir, self.trash.as_ref());
    }

    /// Removes kept failed attempts' dirs older than the setting. Cheap: it
    /// lists three levels of directory names and stats one file in each.
    pub(crate) fn sweep_work_dirs(&self) {
        let now = SystemTime::now();
        for dir in attempt_dirs(&self.config.work_dir()) {
            let Ok(ended) = std::fs::metadata(dir.join(ENDED_MARKER)).and_then(|m| m.modified()) else { continue };
            if expired(ended, now, self.config.keep_failed_work_dirs) {
                tracing::info!(dir = %dir.display(), "removing a kept failed attempt's work dir");
                remove_attempt_dir(&dir, self.trash.as_ref());
            }
        }
    }

    /// A driver log stream of a retired attempt, from the managed log copy
    /// (`<data>/logs/.../<folder>/<stream>.gz`) its work dir was shipped to.
    pub(crate) fn shipped_driver_log(
        &self,
        application_id: &str,
        job_run_id: &str,
        attempt: u32,
        folder: &str,
        stream: &str,
    ) -> Option<Vec<u8>> {
        let managed = sparkplane_storage::Location::Local(self.config.managed_logs_dir());
        let target = sparkplane_storage::LogTarget::for_job(managed, application_id, job_run_id, attempt);
        let path = self.config.managed_logs_dir().join(format!("{}{folder}/{stream}.gz", target.prefix));
        let file = std::fs::File::open(path).ok()?;
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(file), &mut bytes).ok()?;
        Some(bytes)
    }

    /// Disk use now: the work dirs and the artifact cache.
    pub async fn disk_usage(&self) -> DiskUsageView {
        let (work, trash) = (self.config.work_dir(), self.config.trash_dir());
        let cache = self.cache.clone();
        let measured = tokio::task::spawn_blocking(move || {
            let usage = cache.map(|c| c.usage()).unwrap_or_default();
            // Dirs still being deleted hold their bytes until they are gone.
            (sparkplane_storage::tree_bytes(&work) + sparkplane_storage::tree_bytes(&trash), usage)
        })
        .await;
        let Ok((work_dir_bytes, usage)) = measured else { return DiskUsageView::default() };
        DiskUsageView {
            work_dir_bytes,
            cache_bytes: usage.bytes,
            cache_limit_bytes: usage.limit_bytes,
            cache_entries: usage.entries,
            cache_hits: usage.hits,
            cache_downloads: usage.downloads,
            cache_unpacks: usage.unpacks,
            cache_evictions: usage.evictions,
        }
    }
}

/// Whether a dir that ended at `ended` has been kept long enough.
pub(crate) fn expired(ended: SystemTime, now: SystemTime, keep: Duration) -> bool {
    now.duration_since(ended).is_ok_and(|age| age >= keep)
}

/// Moves what the dashboard of a finished attempt reads from `work_dir` to
/// `history` (same filesystem: a rename), and a warm driver's warm-up log,
/// which is shipped nowhere else.
pub(crate) fn keep_dashboard_files(work_dir: &Path, history: &Path) {
    for name in [EVENT_LOG_FOLDER, HIVE_REPORT_FILE, WARM_UP_LOG_IN_WORK_DIR] {
        let from = work_dir.join(name);
        if std::fs::symlink_metadata(&from).is_err() {
            continue;
        }
        let moved = std::fs::create_dir_all(history).and_then(|()| std::fs::rename(&from, history.join(name)));
        if let Err(err) = moved {
            tracing::warn!(from = %from.display(), error = %err, "keep the attempt's dashboard files");
        }
    }
}

/// Removes `dir` (through `trash` when there is one: an unpacked venv per
/// executor can take minutes to delete, see `sparkplane_storage::Trash`)
/// and then its job's dir if that is empty. The application's dir stays: a
/// warm worker's sandbox rule holds it open, and a recreated dir would be
/// another inode, outside that rule.
fn remove_attempt_dir(dir: &Path, trash: Option<&Trash>) {
    let removed = match trash {
        Some(trash) => trash.discard(dir),
        None => std::fs::remove_dir_all(dir),
    };
    if let Err(err) = removed {
        if err.kind() != std::io::ErrorKind::NotFound {
            tracing::warn!(dir = %dir.display(), error = %err, "remove the attempt's work dir");
        }
    }
    // Not empty (another attempt, a running retry): left alone.
    if let Some(job) = dir.parent() {
        let _ = std::fs::remove_dir(job);
    }
}

/// Every `<work>/<app>/<job>/<attempt>` dir.
fn attempt_dirs(work: &Path) -> Vec<std::path::PathBuf> {
    let children = |dir: &Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir)
            .map(|listing| listing.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect())
            .unwrap_or_default()
    };
    children(work).iter().flat_map(|app| children(app)).flat_map(|job| children(&job)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_dirs_expire_after_the_setting() {
        let now = SystemTime::now();
        let minute = Duration::from_secs(60);
        assert!(!expired(now - Duration::from_secs(59), now, minute));
        assert!(expired(now - minute, now, minute));
        // A clock that went backwards keeps the dir.
        assert!(!expired(now + minute, now, minute));
    }

    #[test]
    fn dashboard_files_move_out_and_the_dir_goes_with_empty_parents() {
        let dir = tempfile::tempdir().unwrap();
        let work = dir.path().join("work/app/job/1");
        std::fs::create_dir_all(work.join(EVENT_LOG_FOLDER)).unwrap();
        std::fs::write(work.join(EVENT_LOG_FOLDER).join("local-1"), b"{}").unwrap();
        std::fs::write(work.join(HIVE_REPORT_FILE), b"{}").unwrap();
        std::fs::create_dir_all(dir.path().join("work/app/job/2")).unwrap();
        let history = dir.path().join("history/app/job/1");
        keep_dashboard_files(&work, &history);
        assert!(history.join(EVENT_LOG_FOLDER).join("local-1").is_file());
        assert!(history.join(HIVE_REPORT_FILE).is_file());
        assert_eq!(attempt_dirs(&dir.path().join("work")).len(), 2);
        let trash = Trash::open(&dir.path().join("trash")).unwrap();
        remove_attempt_dir(&work, Some(&trash));
        assert!(!work.exists());
        // The job still has attempt 2.
        assert!(dir.path().join("work/app/job").is_dir());
        remove_attempt_dir(&dir.path().join("work/app/job/2"), None);
        assert!(!dir.path().join("work/app/job").exists());
        assert!(dir.path().join("work/app").is_dir());
    }
}
