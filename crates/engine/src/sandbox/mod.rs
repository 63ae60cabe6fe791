//! The sandbox around every engine process: Landlock filesystem rules and a
//! clean environment.
//!
//! A job is code from whoever may call the API; it runs as the server's user.
//! Without a sandbox it could read `<data>/credentials` (the root key),
//! `state.db`, every other run's work dir and logs, and the server's own
//! environment. [`Sandbox::confine`] gives a command, before it is spawned:
//!
//! - read-only access to the system (`/usr`, `/lib*`, `/bin`, `/sbin`, the
//!   `/etc` entries the JVM and Python read, never all of `/etc`, so
//!   `/etc/shadow` stays closed), `/proc` and `/sys`, the runtime dir, the
//!   Python and Java installations;
//! - read-write access to its own directory (the attempt's work dir, or a
//!   warm worker's pool dir) and what the caller adds with
//!   [`Sandbox::with_read_write`] (the embedded store's bucket dirs, see
//!   ARCHITECTURE.md "Trust boundary" for why that is temporary);
//! - its temp files in `<own dir>/tmp` (`TMPDIR`, `java.io.tmpdir`,
//!   `SPARK_LOCAL_DIRS`) instead of the shared `/tmp`;
//! - an environment built from an allowlist ([`clean_env`]).
//!
//! The ruleset is built in the parent, before the fork; the child only calls
//! `prctl(PR_SET_NO_NEW_PRIVS)` and `landlock_restrict_self` on the ready
//! ruleset fd (two raw syscalls, async-signal-safe) in a `pre_exec` hook
//! ([`landlock`]). Landlock domains are inherited across fork and exec, so
//! the JVM's Python workers and executors are confined too. The child also
//! drops CAP_SYS_PTRACE; Landlock keeps it from attaching to the server, and
//! the server blanks its own `/proc/<pid>/environ` at start
//! ([`protect_server_process`]), which Landlock alone leaves readable.
//! Network, CPU and memory are not Landlock's to confine.

mod env;
mod landlock;
mod paths;
mod server;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use env::{clean_env, is_allowed_env, ALLOWED_ENV, ALLOWED_ENV_PREFIXES};
pub use landlock::landlock_abi;
pub(crate) use paths::find_program;
pub use paths::{system_read_only, SandboxPaths};
pub use server::protect_server_process;
use tokio::process::Command;

/// The sub-directory of a confined process's own dir that holds its temp files.
pub const TMP_DIR_NAME: &str = "tmp";

/// What the server does about confinement, decided once at startup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confinement {
    /// Landlock confines every engine process.
    Landlock,
    /// The kernel has no Landlock and the operator set
    /// `allow_unconfined_jobs`: jobs run with the server's access.
    Unconfined,
    /// The kernel has no Landlock and unconfined jobs are not allowed: runs
    /// fail with [`REFUSED_DETAILS`].
    Refused,
}

/// The `stateDetails` of a run refused because nothing could confine it.
pub const REFUSED_DETAILS: &str = "Job refused: this host's kernel has no Landlock, so sparkplane cannot confine \
     job processes; set allow_unconfined_jobs = true (SPARKPLANE_ALLOW_UNCONFINED_JOBS=true) to run jobs unconfined";

impl Confinement {
    /// From the kernel's Landlock ABI version (`None`: no Landlock) and the
    /// operator's setting.
    pub fn decide(landlock_abi: Option<i32>, allow_unconfined: bool) -> Confinement {
        match (landlock_abi, allow_unconfined) {
            (Some(abi), _) if abi >= 1 => Confinement::Landlock,
            (_, true) => Confinement::Unconfined,
            (_, false) => Confinement::Refused,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("build the Landlock ruleset: {0}")]
    Ruleset(String),
    #[error("create {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", REFUSED_DETAILS)]
    Refused,
}

/// The host's part of every engine's sandbox, plus what a caller added.
/// Cheap to clone.
#[derive(Debug, Clone)]
pub struct Sandbox {
    confinement: Confinement,
    paths: Arc<SandboxPaths>,
    /// What the host adds beyond its system dirs (the runtime, the cache,
    /// bucket dirs): the bind mounts of a process that runs in an image,
    /// which brings its own system.
    mounts: Arc<Mounts>,
}

/// Host paths a containerized process sees, at the same path.
#[derive(Debug, Clone, Default)]
pub struct Mounts {
    pub read_only: Vec<PathBuf>,
    pub read_write: Vec<PathBuf>,
}

impl Sandbox {
    /// The sandbox of this host: the system, `runtime_dir` and the Python
    /// and Java installations read-only.
    pub fn for_host(confinement: Confinement, runtime_dir: &Path, python: &str) -> Sandbox {
        let mut paths = SandboxPaths {
            read_only: system_read_only(),
            read_write_files: paths::DEVICES_READ_WRITE.iter().map(PathBuf::from).collect(),
            ..SandboxPaths::default()
        };
        paths.read_only.push(runtime_dir.to_path_buf());
        paths.read_only.extend(paths::interpreter_prefixes(python));
        paths.read_only.extend(paths::java_prefixes());
        paths.dedup();
        let mounts = Mounts { read_only: vec![runtime_dir.to_path_buf()], read_write: Vec::new() };
        Sandbox { confinement, paths: Arc::new(paths), mounts: Arc::new(mounts) }
    }

    /// No confinement at all (tools and tests that run no job code).
    pub fn unconfined() -> Sandbox {
        Sandbox {
            confinement: Confinement::Unconfined,
            paths: Arc::new(SandboxPaths::default()),
            mounts: Arc::new(Mounts::default()),
        }
    }

    pub fn confinement(&self) -> Confinement {
        self.confinement
    }

    /// The same sandbox with `dirs` also readable and writable.
    pub fn with_read_write<I: IntoIterator<Item = PathBuf>>(&self, dirs: I) -> Sandbox {
        let dirs: Vec<PathBuf> = dirs.into_iter().collect();
        let mut paths = (*self.paths).clone();
        paths.read_write.extend(dirs.iter().cloned());
        paths.dedup();
        let mut mounts = (*self.mounts).clone();
        mounts.read_write.extend(dirs);
        Sandbox { confinement: self.confinement, paths: Arc::new(paths), mounts: Arc::new(mounts) }
    }

    /// The same sandbox with `files` (not directories) readable and writable.
    pub fn with_read_write_files<I: IntoIterator<Item = PathBuf>>(&self, files: I) -> Sandbox {
        let mut paths = (*self.paths).clone();
        paths.read_write_files.extend(files);
        paths.dedup();
        Sandbox { confinement: self.confinement, paths: Arc::new(paths), mounts: self.mounts.clone() }
    }

    /// The same sandbox with `dirs` also readable.
    pub fn with_read_only<I: IntoIterator<Item = PathBuf>>(&self, dirs: I) -> Sandbox {
        let dirs: Vec<PathBuf> = dirs.into_iter().collect();
        let mut paths = (*self.paths).clone();
        paths.read_only.extend(dirs.iter().cloned());
        paths.dedup();
        let mut mounts = (*self.mounts).clone();
        mounts.read_only.extend(dirs);
        Sandbox { confinement: self.confinement, paths: Arc::new(paths), mounts: Arc::new(mounts) }
    }

    /// What a process whose own directory is `own_dir` may reach.
    pub fn paths_for(&self, own_dir: &Path) -> SandboxPaths {
        let mut paths = (*self.paths).clone();
        paths.read_write.push(own_dir.to_path_buf());
        paths.dedup();
        paths
    }

    /// The bind mounts of a process whose own directory is `own_dir` and
    /// that runs in an image: what the host added, and `own_dir` read-write.
    pub fn mounts_for(&self, own_dir: &Path) -> Mounts {
        let mut mounts = (*self.mounts).clone();
        mounts.read_write.push(own_dir.to_path_buf());
        mounts.read_only.sort();
        mounts.read_only.dedup();
        mounts.read_write.sort();
        mounts.read_write.dedup();
        mounts
    }

    /// Moves `command`'s temp files into `own_dir` (`TMPDIR`,
    /// `SPARK_LOCAL_DIRS`, `java.io.tmpdir`), as [`Self::confine`] does,
    /// without Landlock: for a process that a container confines.
    pub fn use_own_tmp(&self, command: &mut Command, own_dir: &Path) -> Result<(), SandboxError> {
        let tmp = own_dir.join(TMP_DIR_NAME);
        std::fs::create_dir_all(&tmp).map_err(|source| SandboxError::Io { path: tmp.clone(), source })?;
        let tmp_text = tmp.display().to_string();
        command.env("TMPDIR", &tmp).env("SPARK_LOCAL_DIRS", &tmp);
        // Every JVM of the job (driver, executors, Spark daemons) reads it.
        let java_tmp = format!("-Djava.io.tmpdir={tmp_text}");
        let java_options = match command.as_std().get_envs().find(|(k, _)| *k == "JAVA_TOOL_OPTIONS") {
            Some((_, Some(existing))) => format!("{java_tmp} {}", existing.to_string_lossy()),
            _ => java_tmp,
        };
        command.env("JAVA_TOOL_OPTIONS", java_options);
        Ok(())
    }

    /// Confines `command` to [`Self::paths_for`]`(own_dir)`: its temp dir
    /// moves into `own_dir`, and under [`Confinement::Landlock`] the child
    /// restricts itself before exec. Call after the command's environment is
    /// set ([`clean_env`] first), right before spawning it.
    pub fn confine(&self, command: &mut Command, own_dir: &Path) -> Result<(), SandboxError> {
        self.use_own_tmp(command, own_dir)?;
        match self.confinement {
            Confinement::Landlock => landlock::restrict_on_exec(command, &self.paths_for(own_dir)),
            Confinement::Unconfined => Ok(()),
            Confinement::Refused => Err(SandboxError::Refused),
        }
    }
}
