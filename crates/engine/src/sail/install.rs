//! Sail's runtime: `pysail` and the PySpark client code its Python UDFs
//! run with, installed from PyPI into the runtime dir once, like a Spark
//! runtime (`pip install --target` into a scratch folder renamed into place).

use std::ffi::OsString;
use std::path::PathBuf;

use crate::runtime::{run_logged, RuntimeManager};
use crate::EngineError;

/// The pinned Sail release.
pub const SAIL_VERSION: &str = "0.7.2";
/// What Sail runs with: itself, and for Python UDFs pyspark's worker code
/// with pandas and pyarrow (Sail imports `pyspark` to run them; without it
/// a UDF fails with "No module named 'pyspark'").
const REQUIREMENTS: [&str; 2] = ["pysail==0.7.2", "pyspark-client==4.0.1"];

/// An installed Sail.
#[derive(Debug, Clone)]
pub struct InstalledSail {
    /// Folder to put on PYTHONPATH (holds `pysail`).
    pub python_path: PathBuf,
    pub python: String,
}

impl RuntimeManager {
    fn sail(&self) -> InstalledSail {
        InstalledSail {
            python_path: self.runtime_dir.join(format!("sail-{SAIL_VERSION}")),
            python: self.python.clone(),
        }
    }

    /// Whether Sail is installed.
    pub fn is_sail_installed(&self) -> bool {
        self.sail().python_path.join("pysail").is_dir()
    }

    /// Returns Sail, installing it first if needed.
    pub async fn ensure_sail(&self) -> Result<InstalledSail, EngineError> {
        let installed = self.sail();
        if self.is_sail_installed() {
            return Ok(installed);
        }
        let _guard = self.install_lock.lock().await;
        if self.is_sail_installed() {
            return Ok(installed);
        }
        let fail = |reason: String| EngineError::RuntimeInstall { version: format!("sail {SAIL_VERSION}"), reason };
        tokio::fs::create_dir_all(&self.runtime_dir)
            .await
            .map_err(|err| fail(format!("create {}: {err}", self.runtime_dir.display())))?;
        let staging = self.runtime_dir.join(format!(".sail-{SAIL_VERSION}.tmp-{}", std::process::id()));
        let _ = tokio::fs::remove_dir_all(&staging).await;
        let log_path = self.runtime_dir.join(format!("install-sail-{SAIL_VERSION}.log"));
        let _ = std::fs::remove_file(&log_path);
        tracing::info!(sail_version = SAIL_VERSION, dir = %self.runtime_dir.display(), "installing sail from pypi");
        let mut args: Vec<OsString> = ["-m", "pip", "install", "--no-input", "--disable-pip-version-check", "--target"]
            .iter()
            .map(Into::into)
            .collect();
        args.push(staging.clone().into());
        args.extend(REQUIREMENTS.iter().map(Into::into));
        if let Err(reason) = run_logged(&self.python, &args, &log_path, "pip install of sail").await {
            let _ = tokio::fs::remove_dir_all(&staging).await;
            return Err(fail(reason));
        }
        match tokio::fs::rename(&staging, &installed.python_path).await {
            Ok(()) => {}
            // Another server sharing this runtime dir finished first.
            Err(_) if self.is_sail_installed() => {
                let _ = tokio::fs::remove_dir_all(&staging).await;
            }
            Err(err) => return Err(fail(format!("move sail into place: {err}"))),
        }
        tracing::info!(sail_version = SAIL_VERSION, "sail installed");
        Ok(installed)
    }
}
