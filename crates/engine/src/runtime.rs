//! Pinned Spark runtimes, installed on first use.
//!
//! Each release label maps to one Spark version (`releases.rs`), installed from PyPI's
//! `pyspark` wheel (which carries the Spark jars and `bin/spark-submit`) with
//! `pip install --target`. The install goes to a temporary folder that is
//! renamed into place, so a runtime directory is either complete or absent,
//! even with several servers sharing one runtime dir.
//!
//! pyspark has no S3A connector, so the install adds one: `hadoop-aws` 3.3.1
//! (the Hadoop 3.3 line of pyspark 3.5's `hadoop-client-api` 3.3.4) and the
//! AWS SDK bundle it was built against, 1.11.901, both taken out of PyPI's
//! pinned `sagemaker_pyspark` sdist and checked against their SHA-256 (PyPI
//! is where the runtime comes from already; Maven is not assumed). They go
//! into [`CONNECTOR_DIR`] in the runtime's folder, through a temporary folder
//! renamed into place; a runtime installed before the connector gets it the
//! same way on its next use. Spark 4's runtime (sessions, `emr-spark-8.0.x`)
//! gets the same connector, run on its Hadoop 3.4 client with the settings of
//! `hadoop_s3::hadoop34_compat_conf`. The 3.3 runtime also gets a newer vendored
//! cloudpickle (`pyspark_compat.rs`), as Spark 3.4 did, so its Python
//! functions run on Python 3.11.

use std::path::{Path, PathBuf};
use std::process::Stdio;

use tokio::process::Command;
use tokio::sync::Mutex;

use crate::EngineError;

/// The PyPI package the S3A connector jars come from (its sdist; no deps).
pub const CONNECTOR_PACKAGE: &str = "sagemaker_pyspark==1.4.5";
/// The connector's jars, with their SHA-256.
pub const CONNECTOR_JARS: [(&str, &str); 2] = [
    ("hadoop-aws-3.3.1.jar", "6be50ad8a8b445d2802381b085b2a3ede5c29d353450a6a21f16b2fefa962b6e"),
    ("aws-java-sdk-bundle-1.11.901.jar", "b87175b32a16544cc1b37cf40390eb375833e62bed67f8ce6cde4b7ad6429ead"),
];
/// The connector's folder in a runtime's folder: complete or absent.
pub const CONNECTOR_DIR: &str = "s3a-connector";

/// Takes the connector jars out of the downloaded sdist (argv: download
/// dir, target dir, then name=sha256 pairs) and checks them.
const EXTRACT_CONNECTOR: &str = r#"
import hashlib, os, sys, tarfile
download, target, wanted = sys.argv[1], sys.argv[2], dict(a.split("=", 1) for a in sys.argv[3:])
archives = [n for n in os.listdir(download) if n.endswith((".tar.gz", ".zip", ".whl"))]
if len(archives) != 1:
    sys.exit("expected one downloaded archive, found %r" % archives)
path = os.path.join(download, archives[0])
os.makedirs(target)
def members():
    if path.endswith(".tar.gz"):
        with tarfile.open(path) as tar:
            for m in tar.getmembers():
                if m.isfile() and os.path.basename(m.name) in wanted:
                    yield os.path.basename(m.name), tar.extractfile(m)
    else:
        import zipfile
        with zipfile.ZipFile(path) as z:
            for n in z.namelist():
                if os.path.basename(n) in wanted:
                    yield os.path.basename(n), z.open(n)
found = set()
for name, source in members():
    digest = hashlib.sha256()
    with open(os.path.join(target, name), "wb") as out:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != wanted[name]:
        sys.exit("%s: sha256 %s, expected %s" % (name, digest.hexdigest(), wanted[name]))
    found.add(name)
missing = set(wanted) - found
if missing:
    sys.exit("not in %s: %s" % (archives[0], ", ".join(sorted(missing))))
"#;

pub use crate::releases::{supported_labels, SparkRuntime, RUNTIMES, SESSION_RUNTIME};

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

    /// The S3A connector's jars, `:`-separated for a class path, once
    /// installed (see [`CONNECTOR_DIR`]).
    pub fn connector_class_path(&self) -> Option<String> {
        let dir = self.python_path.join(CONNECTOR_DIR);
        let jars: Vec<PathBuf> = CONNECTOR_JARS.iter().map(|(name, _)| dir.join(name)).collect();
        jars.iter()
            .all(|jar| jar.is_file())
            .then(|| jars.iter().map(|jar| jar.display().to_string()).collect::<Vec<_>>().join(":"))
    }

    /// JVM options for a driver: the CDS archive, once it is recorded.
    pub fn driver_java_options(&self) -> Option<String> {
        self.cds_archive.as_deref().filter(|archive| archive.exists()).map(crate::cds::java_options)
    }
}

pub struct RuntimeManager {
    pub(crate) runtime_dir: PathBuf,
    pub(crate) python: String,
    /// Whether drivers use a class-data-sharing archive (recorded once per
    /// runtime, right after it is installed).
    cds: bool,
    pub(crate) install_lock: Mutex<()>,
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
        // The archive is recorded by a Spark 3 driver (`cds_record.py`); Spark
        // 4's drivers (sessions) start without one.
        let cds_archive = (self.cds && !runtime.is_spark4()).then(|| python_path.join(crate::cds::ARCHIVE_FILE));
        InstalledRuntime {
            spark_home: python_path.join("pyspark"),
            python_path,
            python: self.python.clone(),
            cds_archive,
        }
    }

    /// Whether `runtime` is installed (its CDS archive aside).
    pub fn is_installed(&self, runtime: SparkRuntime) -> bool {
        let installed = self.installed(runtime);
        installed.spark_submit().exists() && Self::connector_settled(runtime, &installed)
    }

    /// Whether the runtime has its S3A connector (every runtime gets one).
    fn connector_settled(_runtime: SparkRuntime, installed: &InstalledRuntime) -> bool {
        installed.connector_class_path().is_some()
    }

    /// Whether the runtime is installed and, with CDS on, its archive
    /// recorded (or its recording failed once: jobs then start without).
    fn complete(runtime: SparkRuntime, installed: &InstalledRuntime) -> bool {
        let archive_settled = installed
            .cds_archive
            .as_ref()
            .is_none_or(|archive| archive.exists() || archive.with_file_name(crate::cds::FAILED_MARKER).exists());
        installed.spark_submit().exists() && Self::connector_settled(runtime, installed) && archive_settled
    }

    /// Returns the runtime, installing it (and recording its CDS archive)
    /// first if needed.
    pub async fn ensure(&self, runtime: SparkRuntime) -> Result<InstalledRuntime, EngineError> {
        let installed = self.installed(runtime);
        if Self::complete(runtime, &installed) {
            return Ok(installed);
        }
        let _guard = self.install_lock.lock().await;
        if Self::complete(runtime, &installed) {
            return Ok(installed);
        }
        if !installed.spark_submit().exists() {
            self.install(runtime, &installed).await?;
        } else if !Self::connector_settled(runtime, &installed) {
            // Installed before the runtime came with the S3A connector.
            let version = runtime.spark_version;
            let fail = |reason: String| EngineError::RuntimeInstall { version: version.to_string(), reason };
            let log_path = self.runtime_dir.join(format!("install-spark-{version}-connector.log"));
            tracing::info!(spark_version = %version, "adding the S3A connector to an installed spark runtime");
            self.install_connector(&installed.python_path, &log_path).await.map_err(fail)?;
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
            .arg(runtime.requirement())
            // As in `run_logged`: a cancelled install must not leave pip
            // writing into the staging dir the next one reuses.
            .kill_on_drop(true)
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
        if crate::pyspark_compat::needs_patch(runtime) {
            if let Err(reason) = crate::pyspark_compat::patch_cloudpickle(&self.python, &staging, &log_path).await {
                let _ = tokio::fs::remove_dir_all(&staging).await;
                return Err(fail(reason));
            }
        }
        if let Err(reason) = self.install_connector(&staging, &log_path).await {
            let _ = tokio::fs::remove_dir_all(&staging).await;
            return Err(fail(reason));
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

    /// Puts the S3A connector jars into `folder/`[`CONNECTOR_DIR`]: downloads
    /// [`CONNECTOR_PACKAGE`] without dependencies, extracts and checks the
    /// jars into a scratch folder renamed into place. Appends to `log_path`.
    async fn install_connector(&self, folder: &Path, log_path: &Path) -> Result<(), String> {
        let target = folder.join(CONNECTOR_DIR);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let scratch = folder.join(format!(".{CONNECTOR_DIR}.tmp-{}-{nanos}", std::process::id()));
        let result = self.install_connector_in(&scratch, &target, log_path).await;
        let _ = tokio::fs::remove_dir_all(&scratch).await;
        result
    }

    async fn install_connector_in(&self, scratch: &Path, target: &Path, log_path: &Path) -> Result<(), String> {
        let download = scratch.join("download");
        let extracted = scratch.join(CONNECTOR_DIR);
        tokio::fs::create_dir_all(&download).await.map_err(|err| format!("create {}: {err}", download.display()))?;
        let mut pip: Vec<std::ffi::OsString> =
            ["-m", "pip", "download", "--no-deps", "--no-input", "--disable-pip-version-check", "--dest"]
                .iter()
                .map(Into::into)
                .collect();
        pip.push(download.clone().into());
        pip.push(CONNECTOR_PACKAGE.into());
        run_logged(&self.python, &pip, log_path, "pip download of the S3A connector").await?;
        let mut extract: Vec<std::ffi::OsString> = vec!["-c".into(), EXTRACT_CONNECTOR.into()];
        extract.push(download.into());
        extract.push(extracted.clone().into());
        extract.extend(CONNECTOR_JARS.iter().map(|(name, sha)| format!("{name}={sha}").into()));
        run_logged(&self.python, &extract, log_path, "extracting the S3A connector").await?;
        match tokio::fs::rename(&extracted, target).await {
            Ok(()) => Ok(()),
            // Another server sharing this runtime dir finished first.
            Err(_) if target.join(CONNECTOR_JARS[0].0).is_file() => Ok(()),
            Err(err) => Err(format!("move the S3A connector into place: {err}")),
        }
    }
}

/// Runs `python args`, appending its output to `log_path`; a failure names
/// `what` and the log.
pub(crate) async fn run_logged(
    python: &str,
    args: &[std::ffi::OsString],
    log_path: &Path,
    what: &str,
) -> Result<(), String> {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_path)
        .map_err(|err| format!("open {}: {err}", log_path.display()))?;
    let log_err = log.try_clone().map_err(|err| err.to_string())?;
    let status = Command::new(python)
        .args(args)
        // A cancelled install (its session terminated) must not leave pip
        // writing into a staging dir the next install reuses.
        .kill_on_drop(true)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err)
        .status()
        .await
        .map_err(|err| format!("run {python}: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} exited with {status}; see {}", log_path.display()))
    }
}
