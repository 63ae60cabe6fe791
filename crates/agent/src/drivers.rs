//! The job drivers the server placed on this host.
//!
//! Each answer carries the whole set of drivers this host must run
//! ([`DriverAssignment`]). A new one is launched in the background (the
//! runtime installed if missing, its artifacts staged from `s3://`, then
//! spark-submit) with the same engine code the server uses for its own
//! drivers, so a run behaves alike wherever it lands. Staging reads the
//! object store as the run's execution role, through this host's loopback
//! credentials proxy: nothing reaches the driver through the server's disk,
//! and the role's policy applies to staging as to the job. A driver whose
//! assignment says stop is terminated with the cancel's grace; one no
//! longer assigned is killed. Its logs go to the server while it runs, and
//! its exit is reported only once its last logs (and its event log, for the
//! history view) were sent, so the run's logs are whole when it ends.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use sparkplane_engine::process::{group_members, ProcessGroup};
use sparkplane_engine::runtime::{RuntimeManager, SparkRuntime};
use sparkplane_engine::spark::hadoop_s3::{container_credentials_env, sdk_region_override};
use sparkplane_engine::spark::standalone::record_process_group;
use sparkplane_engine::spark::{self, LaunchContext, SparkJobPlan, DRIVER_LOG_FOLDER};
use sparkplane_engine::ExitReport;
use sparkplane_hosts::{
    DriverAssignment, DriverExit, DriverStatus, ProcessReport, DRIVER_EVENT_LOG_FOLDER as EVENT_LOG_FOLDER,
};
use sparkplane_storage::{container_credentials, ObjectStorage, S3Settings};
use tokio::task::JoinHandle;

use crate::logs::LogSender;
use crate::workers::WorkerHost;

/// The token file staging's credentials provider reads (mode 0600).
const TOKEN_FILE: &str = "credentials-token";

enum State {
    Starting(JoinHandle<Result<ProcessGroup, String>>),
    Running(Box<ProcessGroup>),
    Stopping(JoinHandle<std::io::Result<ExitReport>>),
    /// Exited; `reported` once its last logs were sent.
    Exited {
        exit: DriverExit,
        reported: bool,
    },
    Failed(String),
}

struct Driver {
    assignment: DriverAssignment,
    dir: PathBuf,
    state: State,
    pgid: Option<i32>,
}

/// The drivers of this host, kept under the agent's workers root so that a
/// restarted agent kills and removes them with its workers.
pub(crate) struct Drivers {
    root: PathBuf,
    running: BTreeMap<String, Driver>,
}

impl Drivers {
    pub(crate) fn new(root: PathBuf) -> Drivers {
        Drivers { root, running: BTreeMap::new() }
    }

    /// Each driver's status, and the processes of those that run.
    pub(crate) fn report(&self, statuses: &mut Vec<DriverStatus>, processes: &mut Vec<ProcessReport>) {
        for (id, driver) in &self.running {
            let (running, exit, failed) = match &driver.state {
                State::Starting(_) => (false, None, None),
                State::Running(_) | State::Stopping(_) => (true, None, None),
                State::Exited { exit, reported: true } => (false, Some(exit.clone()), None),
                // Sending its last logs: running if it ever ran (one
                // stopped before its launch never did).
                State::Exited { .. } => (driver.pgid.is_some(), None, None),
                State::Failed(reason) => (false, None, Some(reason.clone())),
            };
            statuses.push(DriverStatus { id: id.clone(), running, exit, failed });
            if let Some(pgid) = driver.pgid.filter(|&pgid| running && group_members(pgid) > 0) {
                processes.push(ProcessReport {
                    pid: u32::try_from(pgid).unwrap_or_default(),
                    role: "driver".into(),
                    application_id: Some(driver.assignment.application_id.clone()),
                    job_run_id: Some(driver.assignment.job_run_id.clone()),
                });
            }
        }
    }

    /// Runs exactly `wanted` from now on, and moves each driver along.
    pub(crate) async fn assigned(
        &mut self,
        host: &WorkerHost,
        wanted: Vec<DriverAssignment>,
        logs: &mut LogSender,
        runtimes: &mut RuntimeManagers,
    ) {
        let ids: HashSet<&str> = wanted.iter().map(|d| d.id.as_str()).collect();
        let gone: Vec<String> = self.running.keys().filter(|id| !ids.contains(id.as_str())).cloned().collect();
        for id in gone {
            if let Some(driver) = self.running.remove(&id) {
                forget(driver, logs).await;
            }
        }
        for assignment in wanted {
            match self.running.get_mut(&assignment.id) {
                Some(driver) => driver.assignment.stop_grace_millis = assignment.stop_grace_millis,
                // Cancelled before it got here: nothing to start.
                None if assignment.stop_grace_millis.is_some() => {
                    let dir = self.root.join(&assignment.id);
                    let state = State::Exited { exit: killed(), reported: false };
                    self.running.insert(assignment.id.clone(), Driver { assignment, dir, state, pgid: None });
                }
                None => {
                    let dir = self.root.join(&assignment.id);
                    let manager = runtimes.for_dir(&assignment.runtime_dir, &host.python);
                    let launching = launch(host.clone_parts(), manager, assignment.clone(), dir.clone());
                    tracing::info!(driver = %assignment.id, job_run_id = %assignment.job_run_id, "driver assigned");
                    let state = State::Starting(tokio::spawn(launching));
                    self.running.insert(assignment.id.clone(), Driver { assignment, dir, state, pgid: None });
                }
            }
        }
        for driver in self.running.values_mut() {
            step(driver, &self.root).await;
            if !matches!(driver.state, State::Starting(_) | State::Failed(_)) {
                ship(driver, logs).await;
            }
        }
    }
}

/// Moves a driver to its next state, without waiting on it.
async fn step(driver: &mut Driver, root: &Path) {
    let stop = driver.assignment.stop_grace_millis.map(Duration::from_millis);
    let state = std::mem::replace(&mut driver.state, State::Failed(String::new()));
    driver.state = match state {
        // Cancelled while it installs or stages: it never runs the job.
        State::Starting(handle) if stop.is_some() => {
            handle.abort();
            match handle.await {
                Ok(Ok(mut process)) => {
                    let grace = stop.unwrap_or_default();
                    State::Stopping(tokio::spawn(async move { process.terminate(grace).await }))
                }
                _ => State::Exited { exit: killed(), reported: false },
            }
        }
        State::Starting(handle) if handle.is_finished() => match handle.await {
            Ok(Ok(process)) => {
                record_process_group(root, process.pgid());
                driver.pgid = Some(process.pgid());
                tracing::info!(driver = %driver.assignment.id, "driver started");
                State::Running(Box::new(process))
            }
            Ok(Err(reason)) => {
                tracing::warn!(driver = %driver.assignment.id, %reason, "driver failed to start");
                State::Failed(reason)
            }
            Err(err) => State::Failed(format!("Job failed to start: {err}")),
        },
        State::Running(mut process) => match stop {
            Some(grace) => State::Stopping(tokio::spawn(async move { process.terminate(grace).await })),
            None if process.is_running() => State::Running(process),
            None => match process.wait().await {
                Ok(report) => {
                    State::Exited { exit: DriverExit { code: report.code, signal: report.signal }, reported: false }
                }
                Err(err) => State::Failed(format!("lost track of the driver: {err}")),
            },
        },
        State::Stopping(handle) if handle.is_finished() => match handle.await {
            Ok(Ok(report)) => {
                State::Exited { exit: DriverExit { code: report.code, signal: report.signal }, reported: false }
            }
            _ => State::Exited { exit: killed(), reported: false },
        },
        other => other,
    };
}

/// How a driver that was stopped before it could report otherwise ended.
fn killed() -> DriverExit {
    DriverExit { code: None, signal: Some(libc::SIGKILL) }
}

/// Sends what grew of the driver's logs; once it exited, its event log
/// too, and then its exit may be reported.
async fn ship(driver: &mut Driver, logs: &mut LogSender) {
    let log_dir = driver.dir.join("logs").join(DRIVER_LOG_FOLDER);
    let mut files = Vec::new();
    for stream in ["stdout", "stderr"] {
        files.push((format!("logs/{DRIVER_LOG_FOLDER}/{stream}"), log_dir.join(stream)));
    }
    let exited = matches!(driver.state, State::Exited { reported: false, .. });
    if exited {
        // Written whole once the driver stopped: sent at the end only, so
        // the history view never sees a half file beside the whole one.
        let events = driver.dir.join(EVENT_LOG_FOLDER);
        for entry in std::fs::read_dir(&events).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            files.push((format!("{EVENT_LOG_FOLDER}/{name}"), entry.path()));
        }
    }
    let complete = logs.ship_files(&driver.assignment.id, &files).await;
    if let State::Exited { reported, .. } = &mut driver.state {
        *reported = complete;
    }
}

/// A driver no longer assigned: killed if it still runs, its dir removed.
async fn forget(mut driver: Driver, logs: &mut LogSender) {
    match std::mem::replace(&mut driver.state, State::Failed(String::new())) {
        State::Running(mut process) => {
            let _ = process.terminate(Duration::ZERO).await;
        }
        State::Stopping(handle) => {
            let _ = handle.await;
        }
        State::Starting(handle) => {
            handle.abort();
            // A launch that got as far as its process leaves it recorded;
            // the kill of the group below catches it.
            if let Ok(Ok(mut process)) = handle.await {
                let _ = process.terminate(Duration::ZERO).await;
            }
        }
        _ => {}
    }
    logs.forget(&driver.dir);
    let _ = std::fs::remove_dir_all(&driver.dir);
    tracing::info!(driver = %driver.assignment.id, "driver forgotten");
}

/// What a launch needs of the host, owned so it can run in a task.
pub(crate) struct HostParts {
    pub address: String,
    pub sandbox: sparkplane_engine::sandbox::Sandbox,
    pub credentials_url: String,
}

impl WorkerHost {
    fn clone_parts(&self) -> HostParts {
        HostParts {
            address: self.address.clone(),
            sandbox: self.sandbox.clone(),
            credentials_url: self.credentials_url.clone(),
        }
    }
}

/// Installs the runtime if needed, stages the run's artifacts as its role
/// and starts spark-submit. The error is what the run's details say.
async fn launch(
    host: HostParts,
    manager: Arc<RuntimeManager>,
    assignment: DriverAssignment,
    dir: PathBuf,
) -> Result<ProcessGroup, String> {
    let failed = |what: &str, err: &dyn std::fmt::Display| format!("Job failed to start: {what}: {err}");
    if assignment.credentials_token.is_empty() {
        // A server that adopted the attempt from the one that assigned it
        // knows only the token's hash: the driver was never started here,
        // so the attempt fails and `retryPolicy` runs it anew.
        return Err("Job failed to start: the server that assigned the driver stopped before this host took it".into());
    }
    std::fs::create_dir_all(dir.join(EVENT_LOG_FOLDER)).map_err(|err| failed("create the driver's dir", &err))?;
    let plan = SparkJobPlan::new(
        &assignment.release_label,
        &assignment.job_driver,
        &assignment.application_configuration,
        &assignment.job_configuration,
    )
    .map_err(|err| err.to_string())?;
    let spark = SparkRuntime::for_release(&assignment.release_label).map_err(|err| err.to_string())?;
    let runtime = manager.ensure(spark).await.map_err(|err| failed("install Spark", &err))?;
    if let Some(region) = &assignment.region_override {
        sdk_region_override(Path::new(&region.folder), &region.endpoint, &region.region)
            .map_err(|err| failed("write S3A's region override", &err))?;
    }
    let storage = staging_storage(&host, &assignment, &dir).map_err(|err| failed("S3 client", &err))?;
    let mut default_conf = assignment.default_conf.clone();
    default_conf.extend([
        ("spark.eventLog.enabled".to_string(), "true".to_string()),
        ("spark.eventLog.dir".to_string(), format!("file://{}", dir.join(EVENT_LOG_FOLDER).display())),
        ("spark.eventLog.rolling.enabled".to_string(), "false".to_string()),
        // Its UI listens on this host's network address, where the
        // dashboard's token does not guard it: it shows, never acts (the
        // dashboard proxy is read-only too).
        ("spark.ui.killEnabled".to_string(), "false".to_string()),
    ]);
    let mut env: Vec<(String, String)> = assignment.env.clone().into_iter().collect();
    // The Spark UI listens where the server's dashboard proxy reaches it:
    // this host's address (Spark binds its UI to SPARK_LOCAL_IP; the
    // driver's other ports stay on loopback, its executors being threads).
    env.push(("SPARK_LOCAL_IP".to_string(), host.address.clone()));
    let context = LaunchContext {
        default_conf,
        env,
        sandbox: host.sandbox.with_read_only([PathBuf::from(&assignment.runtime_dir)]),
        credentials_env: container_credentials_env(&host.credentials_url, &assignment.credentials_token),
        die_with_parent: true,
        ..LaunchContext::bare(&storage)
    };
    let launched = spark::launch(&plan, &runtime, &dir, &context).await.map_err(|err| err.launch_details())?;
    Ok(launched.process)
}

/// Object storage that signs as the run's role: the credentials come from
/// this host's proxy with the attempt's token, read from a 0600 file
/// (object_store's container-credentials provider takes a token file, and
/// refreshes the keys before they expire).
fn staging_storage(host: &HostParts, assignment: &DriverAssignment, dir: &Path) -> Result<ObjectStorage, String> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let token_file = dir.join(TOKEN_FILE);
    let _ = std::fs::remove_file(&token_file);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&token_file)
        .map_err(|err| err.to_string())?;
    file.write_all(assignment.credentials_token.as_bytes()).map_err(|err| err.to_string())?;
    let provider = container_credentials(&host.credentials_url, &token_file, &assignment.s3_region, Default::default())
        .map_err(|err| err.to_string())?;
    let settings = S3Settings {
        endpoint: assignment.s3_endpoint.clone(),
        region: assignment.s3_region.clone(),
        access_key_id: String::new(),
        secret_access_key: String::new(),
        virtual_hosted_style: false,
    };
    Ok(ObjectStorage::new(Some(settings)).with_credential_provider(provider))
}

/// Kills every driver (the agent is shutting down).
impl Drop for Drivers {
    fn drop(&mut self) {
        for pgid in self.running.values().filter_map(|driver| driver.pgid) {
            if group_members(pgid) > 0 {
                sparkplane_engine::process::kill_group(pgid, libc::SIGKILL);
            }
        }
    }
}

/// One runtime manager per runtime dir for everything the agent installs
/// (workers' and drivers' runtimes alike), so that two installs of one
/// runtime wait for each other instead of sharing a staging dir.
#[derive(Default)]
pub(crate) struct RuntimeManagers {
    managers: std::collections::HashMap<String, Arc<RuntimeManager>>,
}

impl RuntimeManagers {
    pub(crate) fn for_dir(&mut self, runtime_dir: &str, python: &str) -> Arc<RuntimeManager> {
        let manager = self
            .managers
            .entry(runtime_dir.to_string())
            .or_insert_with(|| Arc::new(RuntimeManager::new(PathBuf::from(runtime_dir), python.to_string())));
        Arc::clone(manager)
    }
}
