//! Pinned Spark runtimes, installed on first use.
//!
//! Each release label maps to one Spark version, installed from PyPI's
//! `pyspark` wheel (which carries the Spark jars and `bin/spark-submit`) with
//! `pip install --target`. The install goes to a temporary folder that is
//! renamed into place, so a runtime directory is either complete or absent,
//! even with several servers sharing one runtime dir.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::process::Command;
use tokio::sync::Mutex;

use crate::EngineError;

/// One Spark version that sparkplane can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SparkRuntime {
    pub spark_version: &'static str,
    /// Release label families that map to this runtime.
    pub release_prefix: &'static str,
}

/// `emr-7.*` runs Spark 3.5, like EMR 7 (and so that Hail works).
pub const RUNTIMES: &[SparkRuntime] = &[SparkRuntime { spark_version: "3.5.8", release_prefix: "emr-7." }];

impl SparkRuntime {
    /// The runtime for a release label such as `emr-7.9.0`.
    pub fn for_release(label: &str) -> Result<SparkRuntime, EngineError> {
        RUNTIMES
            .iter()
            .find(|runtime| {
                label.strip_prefix(runtime.release_prefix).is_some_and(|rest| {
                    let parts: Vec<&str> = rest.split('.').collect();
                    parts.len() == 2 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                })
            })
            .copied()
            .ok_or_else(|| EngineError::UnsupportedRelease { label: label.to_string(), supported: supported_labels() })
    }
}

/// Human-readable list of supported labels, for error messages.
pub fn supported_labels() -> String {
    RUNTIMES
        .iter()
        .map(|r| format!("{}x.y (Spark {})", r.release_prefix, r.spark_version))
        .collect::<Vec<_>>()
        .join(", ")
}

/// An installed runtime, ready to launch.
#[derive(Debug, Clone)]
pub struct InstalledRuntime {
    /// Folder to put on PYTHONPATH (holds `pyspark` and `py4j`).
    pub python_path: PathBuf,
    /// `SPARK_HOME`: the pyspark package folder.
    pub spark_home: PathBuf,
    pub python: String,
    /// The driver's class-data-sharing archive (see [`crate::cds`]), when
    /// sparkplane uses one.
    pub cds_archive: Option<PathBuf>,
}

impl InstalledRuntime {
    pub fn spark_submit(&self) -> PathBuf {
        self.spark_home.join("bin").join("spark-submit")
    }

    /// JVM options for a driver: the CDS archive, once it is recorded.
    pub fn driver_java_options(&self) -> Option<String> {
        self.cds_archive.as_deref().filter(|archive| archive.exists()).map(crate::cds::java_options)
    }
}

pub struct RuntimeManager {
    runtime_dir: PathBuf,
    python: String,
    /// Whether drivers use a class-data-sharing archive (recorded once per
    /// runtime, right after it is installed).
    cds: bool,
    install_lock: Mutex<()>,
}

impl RuntimeManager {
    pub fn new(runtime_dir: PathBuf, python: String) -> Self {
        RuntimeManager { runtime_dir, python, cds: true, install_lock: Mutex::new(()) }
    }

    /// Turns the drivers' CDS archive on or off (on by default).
    pub fn with_cds(mut self, enabled: bool) -> Self {
        self.cds = enabled;
        self
    }

    pub fn runtime_dir(&self) -> &Path {
        &self.runtime_dir
    }

    fn installed(&self, runtime: SparkRuntime) -> InstalledRuntime {
        let python_path = self.runtime_dir.join(format!("spark-{}", runtime.spark_version));
        let cds_archive = self.cds.then(|| python_path.join(crate::cds::ARCHIVE_FILE));
        InstalledRuntime {
            spark_home: python_path.join("pyspark"),
            python_path,
            python: self.python.clone(),
            cds_archive,
        }
    }

    /// Whether the runtime is installed and, with CDS on, its archive
    /// recorded (or its recording failed once: jobs then start without).
    fn complete(installed: &InstalledRuntime) -> bool {
        let archive_settled = installed
            .cds_archive
            .as_ref()
            .is_none_or(|archive| archive.exists() || archive.with_file_name(crate::cds::FAILED_MARKER).exists());
        installed.spark_submit().exists() && archive_settled
    }

    /// Returns the runtime, installing it (and recording its CDS archive)
    /// first if needed.
    pub async fn ensure(&self, runtime: SparkRuntime) -> Result<InstalledRuntime, EngineError> {
        let installed = self.installed(runtime);
        if Self::complete(&installed) {
            return Ok(installed);
        }
        let _guard = self.install_lock.lock().await;
        if Self::complete(&installed) {
            return Ok(installed);
        }
        if !installed.spark_submit().exists() {
            self.install(runtime, &installed).await?;
        }
        if let Some(archive) = installed.cds_archive.as_ref().filter(|archive| !archive.exists()) {
            tracing::info!(archive = %archive.display(), "recording the Spark driver's class-data-sharing archive");
            if let Err(err) = crate::cds::record(&installed, archive).await {
                // Drivers start without it, as they would with CDS off.
                tracing::warn!(error = %err, "no CDS archive for Spark drivers");
                let _ = std::fs::write(archive.with_file_name(crate::cds::FAILED_MARKER), err.to_string());
            }
        }
        Ok(installed)
    }

    async fn install(&self, runtime: SparkRuntime, installed: &InstalledRuntime) -> Result<(), EngineError> {
        let version = runtime.spark_version.to_string();
        let fail = |reason: String| EngineError::RuntimeInstall { version: version.clone(), reason };
        tokio::fs::create_dir_all(&self.runtime_dir)
            .await
            .map_err(|err| fail(format!("create {}: {err}", self.runtime_dir.display())))?;
        let staging = self.runtime_dir.join(format!(".spark-{version}.tmp-{}", std::process::id()));
        let _ = tokio::fs::remove_dir_all(&staging).await;
        let log_path = self.runtime_dir.join(format!("install-spark-{version}.log"));
        let log =
            std::fs::File::create(&log_path).map_err(|err| fail(format!("create {}: {err}", log_path.display())))?;
        let log_err = log.try_clone().map_err(|err| fail(err.to_string()))?;
        tracing::info!(spark_version = %version, dir = %self.runtime_dir.display(), "installing spark runtime from pypi");
        let status = Command::new(&self.python)
            .args(["-m", "pip", "install", "--no-input", "--disable-pip-version-check", "--target"])
            .arg(&staging)
            .arg(format!("pyspark=={version}"))
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err)
            .status()
            .await
            .map_err(|err| fail(format!("run {} -m pip: {err}", self.python)))?;
        if !status.success() {
            let _ = tokio::fs::remove_dir_all(&staging).await;
            return Err(fail(format!("pip exited with {status}; see {}", log_path.display())));
        }
        match tokio::fs::rename(&staging, &installed.python_path).await {
            Ok(()) => {}
            // Another server sharing this runtime dir finished first.
            Err(_) if installed.spark_submit().exists() => {
                let _ = tokio::fs::remove_dir_all(&staging).await;
            }
            Err(err) => return Err(fail(format!("move runtime into place: {err}"))),
        }
        tracing::info!(spark_version = %version, "spark runtime installed");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_emr7_labels_to_spark_35() {
        assert_eq!(SparkRuntime::for_release("emr-7.9.0").unwrap().spark_version, "3.5.8");
        assert_eq!(SparkRuntime::for_release("emr-7.0.12").unwrap().spark_version, "3.5.8");
    }

    #[test]
    fn unknown_labels_list_supported_ones() {
        for label in ["emr-6.15.0", "emr-7.9", "emr-7.x.0", "emr-7.9.0-latest", "spark-3.5"] {
            let err = SparkRuntime::for_release(label).unwrap_err();
            let message = err.to_string();
            assert!(message.contains(label) && message.contains("emr-7.x.y"), "{message}");
        }
    }
}
