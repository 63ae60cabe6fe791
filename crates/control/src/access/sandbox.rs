//! Which sandbox each engine process of this server gets (see
//! `sparkplane_engine::sandbox` for the rules themselves).
//!
//! Every engine starts from the host's sandbox (system, runtime, Python and
//! Java read-only) and its own dir read-write. On top of that:
//!
//! - Spark processes reach the embedded store over S3A with per-attempt
//!   credentials, so they get none of its dirs; only with
//!   `direct_bucket_mount` (`s3://` a viewfs mount of the bucket dirs) do
//!   they get the bucket dirs read-write.
//! - HIVE workers reach the embedded store through its endpoint and the
//!   catalog through the API's metastore, both as their execution role, so
//!   they get none of the store's dirs and not the state store; only without
//!   any S3 store do they get local dirs: the warehouse and the operator's
//!   `allowed_local_dirs`, so a LOCATION elsewhere is denied.
//! - Warm workers (HIVE and Spark) are started before their run is known,
//!   and a Landlock domain cannot grow, so they get the work dirs of their
//!   application's runs (`<data>/work/<app>`), never another application's.

use std::path::{Path, PathBuf};

use sparkplane_engine::sandbox::Sandbox;

use crate::{Controller, S3ForJobs};

impl Controller {
    /// The sandbox of a Spark process: the host's, plus the artifact cache
    /// read-only (attempts link its entries; no job may change them), and
    /// the bucket dirs of the embedded store with `direct_bucket_mount`.
    pub(crate) fn spark_sandbox(&self) -> Sandbox {
        let cache = self.cache.as_ref().map(|cache| cache.root().to_path_buf());
        let sandbox = self.config.sandbox.clone().with_read_only(cache);
        match &self.config.s3_for_jobs {
            S3ForJobs::Embedded { root } if self.config.direct_bucket_mount => sandbox.with_read_write([root.clone()]),
            S3ForJobs::Embedded { .. } | S3ForJobs::None | S3ForJobs::External { .. } => sandbox,
        }
    }

    /// The sandbox of a HIVE worker: the host's, plus this binary and,
    /// without any S3 store, the local warehouse and allowed local dirs.
    pub(crate) fn hive_sandbox(&self) -> Sandbox {
        // The worker is this binary, which need not live under a system dir.
        let exe = worker_exe().ok();
        let sandbox = self.config.sandbox.clone().with_read_only(exe);
        match &self.config.s3_for_jobs {
            // Without S3, tables live on local paths: the warehouse, and
            // the directories the operator allowed (`allowed_local_dirs`);
            // anything else is denied by the kernel.
            S3ForJobs::None => {
                let warehouse = self.config.data_dir.join("warehouse");
                let _ = std::fs::create_dir_all(&warehouse);
                sandbox
                    .with_read_write(std::iter::once(warehouse).chain(self.config.allowed_local_dirs.iter().cloned()))
            }
            S3ForJobs::Embedded { .. } | S3ForJobs::External { .. } => sandbox,
        }
    }

    /// `sandbox` opened to the work dirs of `application_id`'s runs, for a
    /// warm worker that will serve one of them.
    pub(crate) fn for_warm_worker(&self, sandbox: Sandbox, application_id: &str) -> Sandbox {
        let dir: PathBuf = self.config.work_dir().join(application_id);
        // A rule needs the directory to exist.
        let _ = std::fs::create_dir_all(&dir);
        sandbox.with_read_write([dir])
    }
}

/// The History Server's own dir under `<data>/dashboard` (its temp files):
/// not the dashboard dir itself, which holds the token key.
pub(crate) fn history_server_dir(dashboard_dir: &Path) -> PathBuf {
    dashboard_dir.join("history-server")
}

/// This binary, which also runs HIVE workers. When the file was replaced
/// while the server runs (a rebuild), Linux reports the old path with a
/// " (deleted)" suffix; the new file at that path is the one to run.
pub(crate) fn worker_exe() -> std::io::Result<std::path::PathBuf> {
    let exe = std::env::current_exe()?;
    let text = exe.to_string_lossy();
    Ok(match text.strip_suffix(" (deleted)") {
        Some(path) => std::path::PathBuf::from(path),
        None => exe,
    })
}
