//! GetDashboardForJobRun: a one-hour URL to a job run's application UI,
//! served by sparkplane itself.
//!
//! This module decides what a run's dashboard shows and owns what that
//! needs outside HTTP: the URL tokens ([`token`]), the Spark UI settings of
//! each launch (a loopback UI port and a `spark.ui.proxyBase` under the run's
//! dashboard prefix, event logs into the attempt's `sparklogs/`), shipping
//! those event logs, and the History Server for finished runs ([`history`]).
//! The HTTP side (cookies, reverse proxy, pages) is in the server crate.
//!
//! Imports `base` (the run records, the work dir's file names) and `access`
//! (the History Server's sandbox dir); the pool and the attempt supervisor
//! import it for each launch's Spark UI settings.

pub mod history;
pub mod token;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use sparkplane_api::{JobRun, JobRunState};
use sparkplane_engine::spark::{SparkJobPlan, DRIVER_LOG_FOLDER, WARM_UP_LOG};
use sparkplane_engine::SparkRuntime;
use sparkplane_storage::{LogShipper, LogTarget};

pub use history::{valid_app_id as valid_spark_app_id, EventLog};
pub use token::{DashboardKey, ScopeKind, TokenError, TokenScope, URL_LIFETIME};

use crate::base::records::{attempt_of, job_run_not_found};
use crate::base::retention::{EVENT_LOG_FOLDER, HIVE_REPORT_FILE};
use crate::{ControlError, Controller};

/// Path under which every dashboard is served (outside SigV4).
pub const DASHBOARD_ROOT: &str = "/dashboard";
/// Path under which every session's dashboard is served (GetResourceDashboard).
pub const SESSION_DASHBOARD_ROOT: &str = "/session-dashboard";
/// Where the port of the attempt's live Spark UI is remembered.
const UI_PORT_FILE: &str = "ui-port";
/// In the dir of an attempt whose driver runs on an agent's host: that
/// host's address (written by `runs::remote_driver` before the driver is
/// assigned).
pub(crate) const DRIVER_HOST_FILE: &str = "driver-host";

#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    #[error(transparent)]
    Token(#[from] TokenError),
    #[error("the dashboard key at {path} is unusable: {source}")]
    Key { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    HistoryServer(String),
    #[error("{action} {path}: {source}")]
    Io { action: &'static str, path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Control(#[from] ControlError),
}

impl DashboardError {
    fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        DashboardError::Io { action, path: path.to_path_buf(), source }
    }
}

/// `/dashboard/<app>/<job>/<attempt>`: the prefix of one attempt's
/// dashboard, also its Spark UI's `spark.ui.proxyBase` and the cookie path.
pub fn dashboard_prefix(application_id: &str, job_run_id: &str, attempt: u32) -> String {
    format!("{DASHBOARD_ROOT}/{application_id}/{job_run_id}/{attempt}")
}

/// `/session-dashboard/<app>/<session>`: a session's dashboard prefix, its
/// Spark UI's `spark.ui.proxyBase` and its cookie path.
pub fn session_dashboard_prefix(application_id: &str, session_id: &str) -> String {
    format!("{SESSION_DASHBOARD_ROOT}/{application_id}/{session_id}")
}

/// The controller's dashboard state: the token key (loaded on first use)
/// and the History Server (started on first use).
pub(crate) struct Dashboard {
    key_path: PathBuf,
    key: OnceLock<DashboardKey>,
    pub(crate) history: history::HistoryServer,
}

impl Dashboard {
    pub(crate) fn new(data_dir: &Path) -> Dashboard {
        let dir = data_dir.join("dashboard");
        Dashboard { key_path: dir.join("key"), key: OnceLock::new(), history: history::HistoryServer::new(dir) }
    }

    fn key(&self) -> Result<&DashboardKey, DashboardError> {
        if let Some(key) = self.key.get() {
            return Ok(key);
        }
        let key = DashboardKey::load_or_create(&self.key_path)
            .map_err(|source| DashboardError::Key { path: self.key_path.clone(), source })?;
        // A racing first use loaded the same file; either value is the key.
        Ok(self.key.get_or_init(|| key))
    }
}

/// What an attempt's dashboard shows.
#[derive(Debug)]
pub enum DashboardView {
    /// No driver was started for this attempt (yet, or ever).
    NotStarted {
        state: JobRunState,
        details: String,
    },
    /// The Spark driver runs: its UI on this loopback port (None when the
    /// job turned the UI off).
    Live {
        port: Option<u16>,
    },
    /// The Spark driver runs on an agent's host at `address`: its UI on the
    /// port its log says it bound (None until that line arrived).
    RemoteLive {
        address: String,
        port: Option<u16>,
    },
    /// The attempt is over and left an event log.
    History {
        runtime: SparkRuntime,
        log: EventLog,
    },
    /// The attempt ran but left no event log (the job disabled or moved it).
    NoEventLog {
        state: JobRunState,
    },
    Hive {
        state: JobRunState,
        details: String,
        report: Option<HiveReport>,
    },
}

/// `hive-report.json`, written by the HIVE worker. Field names follow the
/// report's snake_case shape; the SQL engine's camelCase names are accepted too.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HiveReport {
    #[serde(default)]
    pub statements: Vec<HiveStatement>,
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct HiveStatement {
    pub index: u64,
    #[serde(default)]
    pub line: u64,
    #[serde(alias = "textPreview", alias = "text_preview")]
    pub text: String,
    #[serde(default, alias = "elapsedMs")]
    pub elapsed_ms: u64,
    #[serde(default)]
    pub rows: Option<u64>,
    #[serde(default, alias = "initScript")]
    pub init_script: bool,
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

impl Controller {
    /// The path and query of a fresh dashboard URL for the attempt (the
    /// latest when `attempt` is None): `/dashboard/<app>/<job>/<n>/?token=…`.
    pub async fn dashboard_url_path(
        &self,
        application_id: &str,
        job_run_id: &str,
        attempt: Option<u32>,
    ) -> Result<String, DashboardError> {
        let run = self.get_job_run(application_id, job_run_id, attempt).await?;
        let attempt = attempt_of(&run);
        let scope = TokenScope::job_run(application_id, job_run_id, attempt);
        let token = self.issue_dashboard_token(&scope)?;
        Ok(format!("{}/?token={token}", dashboard_prefix(application_id, job_run_id, attempt)))
    }

    /// A token for `scope`, valid for [`URL_LIFETIME`] from now.
    pub(crate) fn issue_dashboard_token(&self, scope: &TokenScope<'_>) -> Result<String, DashboardError> {
        Ok(self.dashboard.key()?.issue(scope, unix_now()))
    }

    /// Checks a URL token or cookie for `scope` now; returns its expiry
    /// (Unix seconds).
    pub fn verify_dashboard_token(&self, scope: &TokenScope<'_>, token: &str) -> Result<u64, DashboardError> {
        Ok(self.dashboard.key()?.verify(scope, token, unix_now())?)
    }

    /// What the attempt's dashboard shows right now.
    pub async fn dashboard_view(
        &self,
        application_id: &str,
        job_run_id: &str,
        attempt: u32,
    ) -> Result<DashboardView, DashboardError> {
        let run =
            self.store.get_job_run_attempt(application_id, job_run_id, attempt).await.map_err(ControlError::from)?;
        let run = run.ok_or_else(|| job_run_not_found(application_id, job_run_id))?;
        let work_dir = self.config.attempt_dir(application_id, job_run_id, attempt);
        // Once the attempt is retired, its files are in its history dir.
        let kept = self.config.attempt_history_dir(application_id, job_run_id, attempt);
        match view_of(&run, &work_dir, &kept) {
            // Its driver runs on an agent's host: the port its log names is
            // on that host, never this one's loopback (where another run's
            // UI may listen).
            DashboardView::Live { .. } if work_dir.join(DRIVER_HOST_FILE).exists() => {
                let address = std::fs::read_to_string(work_dir.join(DRIVER_HOST_FILE)).unwrap_or_default();
                match address.trim() {
                    "" => Ok(DashboardView::Live { port: None }),
                    address => {
                        Ok(DashboardView::RemoteLive { address: address.to_string(), port: bound_ui_port(&work_dir) })
                    }
                }
            }
            view => Ok(view),
        }
    }

    /// The port of the History Server, once it has loaded `log`.
    pub async fn history_server_for(&self, runtime: SparkRuntime, log: &EventLog) -> Result<u16, DashboardError> {
        let installed = self
            .runtimes
            .ensure(runtime)
            .await
            .map_err(|err| DashboardError::HistoryServer(format!("Spark runtime unavailable: {err}")))?;
        self.dashboard.history.serve(&installed, &self.config.sandbox, log).await
    }

    /// Ships the attempt's event logs next to its driver logs (all targets).
    pub(crate) async fn ship_event_logs(&self, work_dir: &Path, targets: &[LogTarget], job_run_id: &str) {
        let dir = work_dir.join(EVENT_LOG_FOLDER);
        if let Err(err) = LogShipper::ship_files(&self.storage, &dir, EVENT_LOG_FOLDER, targets).await {
            tracing::warn!(job_run_id, error = %err, "ship spark event logs");
        }
    }
}

fn view_of(run: &JobRun, work_dir: &Path, kept: &Path) -> DashboardView {
    let never_started = run.started_at.is_none();
    let not_started = || DashboardView::NotStarted { state: run.state, details: run.state_details.clone() };
    if run.job_driver.hive.is_some() {
        if never_started {
            return not_started();
        }
        return DashboardView::Hive {
            state: run.state,
            details: run.state_details.clone(),
            report: read_hive_report(&work_dir.join(HIVE_REPORT_FILE))
                .or_else(|| read_hive_report(&kept.join(HIVE_REPORT_FILE))),
        };
    }
    match run.state {
        _ if never_started => not_started(),
        JobRunState::Running | JobRunState::Cancelling => DashboardView::Live { port: live_ui_port(work_dir) },
        state if state.is_terminal() => {
            let runtime = SparkRuntime::for_release(&run.release_label).ok();
            let log = history::find_event_log(&work_dir.join(EVENT_LOG_FOLDER))
                .or_else(|| history::find_event_log(&kept.join(EVENT_LOG_FOLDER)));
            match (log, runtime) {
                (Some(log), Some(runtime)) => DashboardView::History { runtime, log },
                _ => DashboardView::NoEventLog { state },
            }
        }
        _ => not_started(),
    }
}

/// The report, or None while it is not (completely) written.
fn read_hive_report(path: &Path) -> Option<HiveReport> {
    let bytes = std::fs::read(path).ok()?;
    match serde_json::from_slice(&bytes) {
        Ok(report) => Some(report),
        Err(err) => {
            tracing::debug!(path = %path.display(), error = %err, "hive report not readable yet");
            None
        }
    }
}

/// The live UI's port: what Spark logged it bound (it moves to the next port
/// when the chosen one was taken meanwhile), else the port sparkplane chose.
pub(crate) fn live_ui_port(work_dir: &Path) -> Option<u16> {
    bound_ui_port(work_dir).or_else(|| remembered_ui_port(work_dir))
}

/// The port a cold driver logged its UI bound, once it has.
pub(crate) fn bound_ui_port(work_dir: &Path) -> Option<u16> {
    logged_ui_port(&work_dir.join("logs").join(DRIVER_LOG_FOLDER).join("stderr"), SPARK_UI_MARKER)
}

/// The port [`spark_launch_conf`] chose for a launch in `dir`.
fn remembered_ui_port(dir: &Path) -> Option<u16> {
    std::fs::read_to_string(dir.join(UI_PORT_FILE)).ok()?.trim().parse().ok()
}

/// What Spark logs once its UI is bound (a cold driver's stderr).
const SPARK_UI_MARKER: &str = "Successfully started service 'SparkUI' on port ";
/// What `warm_driver.py` prints once its session is up (the warm-up log).
const WARM_UI_MARKER: &str = "Spark UI on port ";

/// The port a driver's log says its Spark UI bound.
fn logged_ui_port(log: &Path, marker: &str) -> Option<u16> {
    let file = std::fs::File::open(log).ok()?;
    let mut head = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, 512 * 1024), &mut head).ok()?;
    let text = String::from_utf8_lossy(&head);
    let rest = &text[text.find(marker)? + marker.len()..];
    rest.split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
}

/// A port free on loopback right now.
pub(crate) fn free_loopback_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

/// Spark properties every launch gets (the job's own values win): the UI on a
/// free loopback port, and event logs into `dir/sparklogs` for the history
/// view. `prefix` is the attempt's dashboard prefix, for the UI's links; a
/// warm driver starts before its run is known and has none (the proxy's
/// `X-Forwarded-Context` stands in). Remembers the UI port in `dir`.
pub(crate) fn spark_launch_conf(plan: &SparkJobPlan, prefix: Option<&str>, dir: &Path) -> Vec<(String, String)> {
    let conf = &plan.conf.conf;
    let mut defaults = Vec::new();
    let ui_enabled = !conf.get("spark.ui.enabled").is_some_and(|v| v.trim().eq_ignore_ascii_case("false"));
    let events = dir.join(EVENT_LOG_FOLDER);
    if let Err(err) = std::fs::create_dir_all(&events) {
        // Spark refuses to start when the event-log dir is missing.
        tracing::warn!(dir = %events.display(), error = %err, "no event logs for this attempt");
    } else {
        defaults.push(("spark.eventLog.enabled".to_string(), "true".to_string()));
        defaults.push(("spark.eventLog.dir".to_string(), format!("file://{}", events.display())));
        // One file per application, as Spark 3 writes it: Spark 4 rolls
        // event logs into a folder by default, which neither the History
        // Server's flat directory of links nor the log shipping takes.
        defaults.push(("spark.eventLog.rolling.enabled".to_string(), "false".to_string()));
    }
    if !ui_enabled {
        return defaults;
    }
    // A port the job names itself is not remembered: only the port Spark
    // logs it bound counts then, so the dashboard never forwards to a
    // loopback port that merely appears in a job's settings.
    let port = match conf.get("spark.ui.port") {
        Some(_) => None,
        None => free_loopback_port().ok(),
    };
    if let Some(port) = port.filter(|p| *p != 0) {
        if let Err(err) = std::fs::write(dir.join(UI_PORT_FILE), port.to_string()) {
            tracing::warn!(error = %err, "remember the spark ui port");
        }
        defaults.push(("spark.ui.port".to_string(), port.to_string()));
    }
    if let Some(prefix) = prefix {
        defaults.push(("spark.ui.proxyBase".to_string(), prefix.to_string()));
    }
    defaults
}

/// Gives an attempt that a warm driver (started in `warm_dir` with
/// [`spark_launch_conf`]) took over the dashboard of a cold one: the UI port
/// the driver bound, and its event-log folder, linked into the work dir
/// while the driver may still write there (see [`settle_event_logs`]).
pub(crate) fn adopt_warm_dashboard(warm_dir: &Path, work_dir: &Path) {
    let port = logged_ui_port(&warm_dir.join(WARM_UP_LOG), WARM_UI_MARKER).or_else(|| remembered_ui_port(warm_dir));
    if let Some(port) = port {
        if let Err(err) = std::fs::write(work_dir.join(UI_PORT_FILE), port.to_string()) {
            tracing::warn!(error = %err, "remember the warm driver's spark ui port");
        }
    }
    let events = warm_dir.join(EVENT_LOG_FOLDER);
    if events.is_dir() {
        if let Err(err) = std::os::unix::fs::symlink(&events, work_dir.join(EVENT_LOG_FOLDER)) {
            tracing::warn!(error = %err, "link the warm driver's event logs");
        }
    }
}

/// Once the attempt's driver has exited: an event-log folder linked from a
/// warm driver's dir becomes the attempt's own, so the history view does not
/// depend on the pool's directories.
pub(crate) fn settle_event_logs(work_dir: &Path) {
    let link = work_dir.join(EVENT_LOG_FOLDER);
    let Ok(target) = std::fs::read_link(&link) else { return };
    // Moved beside the link first: if that fails, the link still shows them.
    let moving = work_dir.join(format!("{EVENT_LOG_FOLDER}.moving"));
    let moved = std::fs::rename(&target, &moving)
        .and_then(|()| std::fs::remove_file(&link))
        .and_then(|()| std::fs::rename(&moving, &link));
    if let Err(err) = moved {
        tracing::warn!(from = %target.display(), error = %err, "move a warm driver's event logs");
    }
}

#[cfg(test)]
mod tests;
