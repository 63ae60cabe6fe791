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
//! - HIVE workers read and write the embedded store's bucket dirs directly,
//!   so they get them read-write.
//! - HIVE workers also get `state.db` and its `-wal`/`-shm` files: the
//!   worker opens the catalog itself. A known gap, until the catalog moves
//!   behind the API.
//! - Warm workers (HIVE and Spark) are started before their run is known,
//!   and a Landlock domain cannot grow, so they get the work dirs of their
//!   application's runs (`<data>/work/<app>`), never another application's.

use std::path::{Path, PathBuf};

use sparkplane_engine::sandbox::Sandbox;

use crate::{Controller, S3ForJobs};

/// The SQLite files a HIVE worker opens for the catalog.
const STORE_FILES: [&str; 3] = ["state.db", "state.db-wal", "state.db-shm"];

impl Controller {
    /// The sandbox of a Spark process: the host's, plus the bucket dirs of
    /// the embedded store with `direct_bucket_mount`.
    pub(crate) fn spark_sandbox(&self) -> Sandbox {
        let sandbox = self.config.sandbox.clone();
        match &self.config.s3_for_jobs {
            S3ForJobs::Embedded { root } if self.config.direct_bucket_mount => sandbox.with_read_write([root.clone()]),
            S3ForJobs::Embedded { .. } | S3ForJobs::None | S3ForJobs::External { .. } => sandbox,
        }
    }

    /// The sandbox of a HIVE worker: the host's, plus the catalog's SQLite
    /// files and the embedded store's bucket dirs or, without any S3, the
    /// local warehouse.
    pub(crate) fn hive_sandbox(&self) -> Sandbox {
        let data_dir = &self.config.data_dir;
        let files = STORE_FILES.iter().map(|name| data_dir.join(name));
        // The worker is this binary, which need not live under a system dir.
        let exe = crate::hive_launch::worker_exe().ok();
        let sandbox = self.config.sandbox.clone().with_read_write_files(files).with_read_only(exe);
        match &self.config.s3_for_jobs {
            S3ForJobs::Embedded { root } => sandbox.with_read_write([root.clone()]),
            S3ForJobs::None => {
                let warehouse = data_dir.join("warehouse");
                let _ = std::fs::create_dir_all(&warehouse);
                sandbox.with_read_write([warehouse])
            }
            S3ForJobs::External { .. } => sandbox,
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
