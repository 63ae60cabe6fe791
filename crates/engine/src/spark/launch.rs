//! Staging and launch of one Spark attempt.

use std::collections::BTreeSet;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use sparkplane_storage::{ArtifactCache, ObjectStorage, Placement, StorageError, WorkerLogDir};
use tokio::process::Command;

use super::images::{spawn_confined, AttemptImages, Role, IMAGE_PYTHON};
use super::staging::Staging;
use super::SparkJobPlan;
use crate::process::ProcessGroup;
use crate::runtime::InstalledRuntime;
use crate::sandbox::{clean_env, Sandbox};
use crate::EngineError;

/// Log folder of the driver in the EMR layout.
pub const DRIVER_LOG_FOLDER: &str = "SPARK_DRIVER";

/// Properties whose values are artifact lists: sparkplane stages them and
/// passes local paths instead.
pub(super) const LIST_PROPERTIES: [&str; 4] = ["spark.jars", "spark.submit.pyFiles", "spark.files", "spark.archives"];

pub struct LaunchedAttempt {
    pub process: ProcessGroup,
    pub logs: Vec<WorkerLogDir>,
}

/// What the host adds to every launch: where artifacts come from, and the
/// Hadoop properties and environment that make `s3://` work inside the job.
pub struct LaunchContext<'a> {
    pub storage: &'a ObjectStorage,
    /// Spark properties set unless the job sets them itself.
    pub default_conf: Vec<(String, String)>,
    pub env: Vec<(String, String)>,
    /// The standalone master of an elastic run's executors; `None` runs the
    /// executors as threads of the driver (`local[N]`).
    pub master: Option<String>,
    /// What every process of the launch may reach besides its own dir.
    pub sandbox: Sandbox,
    /// Spark properties holding secrets (static S3 keys, without an
    /// issuer): a cold launch writes them into [`SECRET_PROPERTIES_FILE`]
    /// (mode 0600) and passes `--properties-file`, a warm driver gets the
    /// `spark.hadoop.*` ones over its stdin at hand-over; never on a command
    /// line. Empty for processes that serve no run yet (warm drivers,
    /// executor workers).
    pub secret_conf: Vec<(String, String)>,
    /// The environment that lets the AWS SDKs fetch the attempt's
    /// credentials (`hadoop_s3::container_credentials_env`; the token is a
    /// secret): set on the driver's process, and given to standalone
    /// executors as `spark.executorEnv.*` in [`SECRET_PROPERTIES_FILE`]. A
    /// warm driver gets its own at start (its token is bound to its run at
    /// hand-over), so it is not compared when matching warm drivers.
    pub credentials_env: Vec<(String, String)>,
    /// The host's artifact cache: artifacts and unpacked archives are linked
    /// from it (leased to the work dir until the host releases it). `None`
    /// copies into the work dir.
    pub cache: Option<&'a ArtifactCache>,
    /// The attempt's custom images; `None` runs everything on the host.
    pub images: Option<AttemptImages>,
    /// This host's advertised address, for an elastic run whose executors
    /// may run on other hosts: the driver, master and workers bind there
    /// instead of loopback, and executors get the credentials endpoint from
    /// their worker (each host its own loopback) rather than from the conf.
    pub bind_address: Option<String>,
    /// The driver gets SIGKILL when the process that launched it dies (an
    /// agent's drivers: see [`crate::process::die_with_parent`]).
    pub die_with_parent: bool,
}

impl<'a> LaunchContext<'a> {
    /// A launch the host adds nothing to: no properties, environment,
    /// master, secrets or cache, and no sandbox rules; callers set what
    /// they need (`LaunchContext { master, ..LaunchContext::bare(storage) }`).
    pub fn bare(storage: &'a ObjectStorage) -> Self {
        LaunchContext {
            storage,
            default_conf: Vec::new(),
            env: Vec::new(),
            master: None,
            sandbox: Sandbox::unconfined(),
            secret_conf: Vec::new(),
            credentials_env: Vec::new(),
            cache: None,
            images: None,
            bind_address: None,
            die_with_parent: false,
        }
    }

    /// Whether the driver runs in an image (with its own Java and Python).
    pub(super) fn driver_in_image(&self) -> bool {
        self.images.as_ref().is_some_and(|images| images.driver.is_some())
    }

    /// The Python of the job's processes unless the job names its own.
    pub(super) fn python<'r>(&self, runtime: &'r InstalledRuntime) -> &'r str {
        match &self.images {
            Some(images) if images.any() => IMAGE_PYTHON,
            _ => &runtime.python,
        }
    }
}

/// The attempt's properties file of secrets, in its work dir.
pub const SECRET_PROPERTIES_FILE: &str = "spark-secrets.conf";

pub(super) fn merged_list(plan: &SparkJobPlan, from_params: &[String], key: &str) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let from_conf = plan.conf.conf.get(key).map(|v| v.split(',').map(str::trim).map(String::from).collect::<Vec<_>>());
    from_params
        .iter()
        .cloned()
        .chain(from_conf.unwrap_or_default())
        .filter(|item| !item.is_empty() && seen.insert(item.clone()))
        .collect()
}

pub(super) fn stage_error(uri: &str, err: StorageError, entry_point: bool) -> EngineError {
    match err {
        StorageError::NotFound { .. } if entry_point => EngineError::EntryPointNotFound { uri: uri.to_string() },
        StorageError::NotFound { .. } => EngineError::DependencyNotFound { uri: uri.to_string() },
        other => EngineError::Storage(other),
    }
}

/// The property that carries the CDS archive's options to the driver JVM.
const DRIVER_JAVA_OPTIONS: &str = "spark.driver.extraJavaOptions";
/// The class paths the runtime's S3A connector jars go on.
const CLASS_PATH_PROPERTIES: [&str; 2] = ["spark.driver.extraClassPath", "spark.executor.extraClassPath"];

/// `--master local[N]` and the `--conf` options of `plan` and `context`: the
/// spark-submit options every launch of `plan` shares, cold or warm. List
/// properties are left out (the cold launch passes staged paths instead).
/// The runtime's CDS options go before the job's own driver options, so
/// that the job's win where they overlap.
pub(super) fn submit_options(
    plan: &SparkJobPlan,
    context: &LaunchContext<'_>,
    runtime: &InstalledRuntime,
) -> Vec<String> {
    let master = match &context.master {
        Some(url) => url.clone(),
        None => format!("local[{}]", plan.resources.executor_cores_total()),
    };
    let mut options = vec!["--master".to_string(), master];
    for (key, value) in &plan.conf.conf {
        let skipped = ["spark.master", "spark.submit.deployMode", DRIVER_JAVA_OPTIONS];
        let class_path = CLASS_PATH_PROPERTIES.contains(&key.as_str());
        if LIST_PROPERTIES.contains(&key.as_str()) || skipped.contains(&key.as_str()) || class_path {
            continue;
        }
        options.push("--conf".to_string());
        options.push(format!("{key}={}", bound(key, value, context)));
    }
    for (key, value) in &context.default_conf {
        let class_path = CLASS_PATH_PROPERTIES.contains(&key.as_str());
        if !plan.conf.conf.contains_key(key) && key != DRIVER_JAVA_OPTIONS && !class_path {
            options.push("--conf".to_string());
            options.push(format!("{key}={value}"));
        }
    }
    // Spark 4's Hadoop 3.4 needs these for the runtime's S3A connector,
    // unless the job, the host or its secrets set them.
    if plan.runtime.is_spark4() && runtime.connector_class_path().is_some() {
        let set = |key: &str| {
            plan.conf.conf.contains_key(key)
                || context.default_conf.iter().chain(&context.secret_conf).any(|(k, _)| k == key)
        };
        for (key, value) in super::hadoop_s3::hadoop34_compat_conf() {
            if !set(&key) {
                options.push("--conf".to_string());
                options.push(format!("{key}={value}"));
            }
        }
    }
    // The runtime's S3A connector goes first on both class paths, then the
    // host's entries, then the job's own. The CDS archive is recorded with
    // the connector's and maps only while nothing comes between them and
    // Spark's jars, so the host puts its driver entries last instead
    // (`SPARK_DIST_CLASSPATH`); a job's own entries keep it from mapping.
    let connector = runtime.connector_class_path();
    for key in CLASS_PATH_PROPERTIES {
        let host = context.default_conf.iter().find(|(k, _)| k == key).map(|(_, value)| value.clone());
        let parts = [connector.clone(), host, plan.conf.conf.get(key).cloned()];
        let parts: Vec<String> = parts.into_iter().flatten().filter(|part| !part.is_empty()).collect();
        if !parts.is_empty() {
            options.push("--conf".to_string());
            options.push(format!("{key}={}", parts.join(":")));
        }
    }
    let own =
        plan.conf.conf.get(DRIVER_JAVA_OPTIONS).or_else(|| {
            context.default_conf.iter().find(|(key, _)| key == DRIVER_JAVA_OPTIONS).map(|(_, value)| value)
        });
    // The archive belongs to the JVM that recorded it: a job that picks its
    // own Java goes without.
    let own_java = plan.conf.driver_env.contains_key("JAVA_HOME")
        || context.env.iter().any(|(k, _)| k == "JAVA_HOME")
        || context.driver_in_image();
    let cds = runtime.driver_java_options().filter(|_| !own_java);
    let java_options: Vec<String> = cds.into_iter().chain(own.cloned()).collect();
    if !java_options.is_empty() {
        options.push("--conf".to_string());
        options.push(format!("{DRIVER_JAVA_OPTIONS}={}", java_options.join(" ")));
    }
    options
}

/// `value` of `key`, or this host's advertised address for the driver's
/// loopback defaults when other hosts' executors must reach the driver (a
/// job that chose its own address keeps it; Spark's UI stays on
/// `SPARK_LOCAL_IP`, loopback).
fn bound<'v>(key: &str, value: &'v str, context: &'v LaunchContext<'_>) -> &'v str {
    let driver_address = key == "spark.driver.host" || key == "spark.driver.bindAddress";
    match &context.bind_address {
        Some(address) if driver_address && value == super::LOOPBACK => address,
        _ => value,
    }
}

/// The environment of a job's driver: the runtime's Spark variables, then
/// the context's and the plan's (driver variables last, so they win). The
/// command's environment was built by [`clean_env`] first.
pub(super) fn set_job_env(
    command: &mut Command,
    plan: &SparkJobPlan,
    runtime: &InstalledRuntime,
    context: &LaunchContext<'_>,
) {
    let python_path = match std::env::var_os("PYTHONPATH") {
        Some(existing) if !existing.is_empty() => {
            format!("{}:{}", runtime.python_path.display(), existing.to_string_lossy())
        }
        _ => runtime.python_path.display().to_string(),
    };
    command
        .env("SPARK_HOME", &runtime.spark_home)
        .env("PYTHONPATH", python_path)
        .env("PYSPARK_PYTHON", context.python(runtime))
        .env("SPARK_LOCAL_IP", "127.0.0.1");
    for (name, value) in &context.env {
        command.env(name, value);
    }
    for (name, value) in plan.conf.executor_env.iter().chain(plan.conf.driver_env.iter()) {
        command.env(name, value);
    }
}

/// The attempt's credentials environment, over whatever the job set: the
/// host decides where its credentials come from.
pub(super) fn set_credentials_env(command: &mut Command, context: &LaunchContext<'_>) {
    for (name, value) in &context.credentials_env {
        command.env(name, value);
    }
}

/// Stages every artifact of `plan` into `work_dir` and starts spark-submit.
pub async fn launch(
    plan: &SparkJobPlan,
    runtime: &InstalledRuntime,
    work_dir: &Path,
    context: &LaunchContext<'_>,
) -> Result<LaunchedAttempt, EngineError> {
    let deps_dir = work_dir.join("deps");
    let log_dir = work_dir.join("logs").join(DRIVER_LOG_FOLDER);
    tokio::fs::create_dir_all(&log_dir)
        .await
        .map_err(|err| EngineError::io(format!("create {}", log_dir.display()), err))?;

    let mut staging = Staging::new(context, work_dir);
    // Copies of the cached objects (see `Placement`); archives are linked.
    let entry_point = staging.file(&plan.entry_point, work_dir, true, Placement::Copy).await?.path;
    let jars = staging.files(&merged_list(plan, &plan.params.jars, "spark.jars"), &deps_dir, Placement::Copy).await?;
    let py_files = merged_list(plan, &plan.params.py_files, "spark.submit.pyFiles");
    let py_files = staging.files(&py_files, &deps_dir, Placement::Copy).await?;
    let files =
        staging.files(&merged_list(plan, &plan.params.files, "spark.files"), &deps_dir, Placement::Copy).await?;
    // A venv's interpreter must exist where the driver runs: on this host,
    // or in the image, which the server cannot look into before it runs.
    let host_python = (!context.driver_in_image()).then_some(runtime.python.as_str());
    let archives =
        super::archives::stage_archives(plan, &mut staging, &context.sandbox, &deps_dir, work_dir, host_python).await?;

    let mut command = Command::new(runtime.spark_submit());
    clean_env(&mut command);
    command.current_dir(work_dir);
    if let Some(file) = write_secret_properties(plan, context, runtime, work_dir)? {
        // Before the other options: spark-submit reads it as the defaults
        // file, under every `--conf`.
        command.arg("--properties-file").arg(file);
    }
    command.args(submit_options(plan, context, runtime));
    if let Some(option) = super::archives::archives_option(&archives, context) {
        command.arg("--conf").arg(option);
    }
    for (flag, staged) in [("--jars", &jars), ("--py-files", &py_files), ("--files", &files)] {
        if !staged.is_empty() {
            let joined: Vec<String> = staged.iter().map(|p| p.display().to_string()).collect();
            command.arg(flag).arg(joined.join(","));
        }
    }
    if let Some(class) = &plan.params.class {
        command.arg("--class").arg(class);
    }
    command.arg(&entry_point).args(&plan.arguments);
    set_job_env(&mut command, plan, runtime, context);
    set_credentials_env(&mut command, context);
    if context.die_with_parent {
        crate::process::die_with_parent(&mut command);
    }

    let stdout =
        std::fs::File::create(log_dir.join("stdout")).map_err(|err| EngineError::io("create driver stdout", err))?;
    let mut stderr =
        std::fs::File::create(log_dir.join("stderr")).map_err(|err| EngineError::io("create driver stderr", err))?;
    // What staging did, first in the driver's log.
    for line in &staging.lines {
        use std::io::Write;
        writeln!(stderr, "{line}").map_err(|err| EngineError::io("write driver stderr", err))?;
    }
    if let Some(image) = context.images.as_ref().and_then(|images| images.driver.as_ref()) {
        use std::io::Write;
        writeln!(stderr, "sparkplane: driver runs in image {} ({})", image.uri, image.digest)
            .map_err(|err| EngineError::io("write driver stderr", err))?;
    }
    let stdio = |command: &mut Command| {
        command.stdin(Stdio::null()).stdout(stdout).stderr(stderr);
        Ok(())
    };
    let process = spawn_confined(
        command,
        context.images.as_ref(),
        Role::Driver,
        &context.sandbox,
        work_dir,
        stdio,
        "start spark-submit",
    )?;
    Ok(LaunchedAttempt { process, logs: vec![WorkerLogDir { worker: DRIVER_LOG_FOLDER.to_string(), dir: log_dir }] })
}

/// Writes the context's secret properties that the job does not set itself
/// into the work dir's [`SECRET_PROPERTIES_FILE`], created with mode 0600
/// (replacing any earlier one); `None` when there are none.
///
/// spark-submit then skips `$SPARK_CONF_DIR/spark-defaults.conf`, so that
/// file's properties are copied in first (our secrets after, so they win).
pub(super) fn write_secret_properties(
    plan: &SparkJobPlan,
    context: &LaunchContext<'_>,
    runtime: &InstalledRuntime,
    work_dir: &Path,
) -> Result<Option<PathBuf>, EngineError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut secrets: Vec<(String, String)> =
        context.secret_conf.iter().filter(|(key, _)| !plan.conf.conf.contains_key(key)).cloned().collect();
    if context.master.is_some() {
        // Executors of a standalone master run outside the driver's process
        // and get their environment from the driver's conf.
        // Executors that may run on other hosts get the endpoint's address
        // from their worker instead: each host points at its own loopback.
        let remote = context.bind_address.is_some();
        secrets.extend(
            context
                .credentials_env
                .iter()
                .filter(|(name, _)| !(remote && name == super::hadoop_s3::FULL_URI_ENV))
                .map(|(name, value)| (format!("spark.executorEnv.{name}"), value.clone())),
        );
    }
    if secrets.is_empty() {
        return Ok(None);
    }
    let path = work_dir.join(SECRET_PROPERTIES_FILE);
    let _ = std::fs::remove_file(&path);
    let mut text = String::new();
    let conf_dir = plan
        .conf
        .driver_env
        .get("SPARK_CONF_DIR")
        .or_else(|| context.env.iter().rev().find(|(k, _)| k == "SPARK_CONF_DIR").map(|(_, v)| v))
        .map(PathBuf::from)
        .unwrap_or_else(|| runtime.spark_home.join("conf"));
    if let Ok(defaults) = std::fs::read_to_string(conf_dir.join("spark-defaults.conf")) {
        text.push_str(&defaults);
        text.push('\n');
    }
    text.push_str(&super::hadoop_s3::properties_file_text(&secrets));
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(|err| EngineError::io(format!("create {}", path.display()), err))?;
    file.write_all(text.as_bytes()).map_err(|err| EngineError::io(format!("write {}", path.display()), err))?;
    Ok(Some(path))
}

/// The most telling line of a failed driver's output: the last line naming an
/// error or exception, else the last line that is not Spark's own INFO/WARN
/// logging (stderr first), else the last line of stderr.
///
/// Both streams are searched, stdout first: PySpark's `PythonRunner` merges
/// the Python process's stderr into stdout, so a Python traceback ends up
/// there, while JVM exceptions go to stderr. py4j's `Py4JNetworkError`
/// counts only when nothing else does: the JVM going away under a Python
/// process that is already failing prints it after the real error.
pub fn failure_summary(log_dir: &Path) -> Option<String> {
    let stdout = tail_lines(&log_dir.join("stdout"));
    let stderr = tail_lines(&log_dir.join("stderr"));
    let telling = |lines: &[String]| {
        let errors = || lines.iter().rev().filter(|line| is_error_line(line));
        errors().find(|line| !line.contains("Py4JNetworkError")).or_else(|| errors().next()).cloned()
    };
    let not_logging = |lines: &[String]| lines.iter().rev().find(|line| !is_spark_log_line(line)).cloned();
    telling(&stdout)
        .or_else(|| telling(&stderr))
        .or_else(|| not_logging(&stderr))
        .or_else(|| not_logging(&stdout))
        .or_else(|| stderr.last().cloned())
        .or_else(|| stdout.last().cloned())
}

/// Spark's log4j lines: `26/11/21 00:32:43 INFO ShutdownHookManager: ...`,
/// the JVM's notice of the sandbox's `JAVA_TOOL_OPTIONS`, and sparkplane's
/// own staging lines at the top of stderr.
fn is_spark_log_line(line: &str) -> bool {
    if line.starts_with("Picked up JAVA_TOOL_OPTIONS:") || line.starts_with("sparkplane: ") {
        return true;
    }
    let mut words = line.split_whitespace();
    let date_like = words.next().is_some_and(|w| w.len() == 8 && w.as_bytes().get(2) == Some(&b'/'));
    let time_like = words.next().is_some_and(|w| w.len() == 8 && w.as_bytes().get(2) == Some(&b':'));
    let level = words.next().is_some_and(|w| matches!(w, "INFO" | "WARN" | "DEBUG" | "TRACE"));
    date_like && time_like && level
}

fn is_error_line(line: &str) -> bool {
    let head = line.split(':').next().unwrap_or_default();
    let names_error = !head.contains(' ') && (head.ends_with("Error") || head.ends_with("Exception"));
    names_error || line.starts_with("Exception in thread")
}

pub(super) fn tail_lines(path: &Path) -> Vec<String> {
    const TAIL_BYTES: u64 = 64 * 1024;
    let Ok(mut file) = std::fs::File::open(path) else {
        return Vec::new();
    };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if file.seek(SeekFrom::Start(len.saturating_sub(TAIL_BYTES))).is_err() {
        return Vec::new();
    }
    let mut tail = Vec::new();
    if file.read_to_end(&mut tail).is_err() {
        return Vec::new();
    }
    String::from_utf8_lossy(&tail).lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect()
}

#[cfg(test)]
#[path = "launch_tests.rs"]
mod tests;
