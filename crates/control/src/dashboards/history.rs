//! The Spark History view of finished runs.
//!
//! A finished attempt's UI is rebuilt from its event log by Spark's own
//! History Server, so every page looks exactly like the live UI did. One
//! History Server serves the whole sparkplane process: it costs a JVM (about
//! 3 s to start and a few hundred MB), so it is started on the first history
//! request rather than with the server, and it reads a flat directory into
//! which finished attempts' event logs are hard-linked when first viewed.
//! Its process group is killed when the server stops.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use sparkplane_engine::process::{group_alive, kill_group, SIGKILL};
use sparkplane_engine::runtime::InstalledRuntime;
use sparkplane_engine::sandbox::{clean_env, Sandbox};
use sparkplane_engine::ProcessGroup;
use tokio::process::Command;
use tokio::sync::{oneshot, Mutex};

use super::DashboardError;

const HISTORY_SERVER_CLASS: &str = "org.apache.spark.deploy.history.HistoryServer";
/// How long the JVM may take to answer at all.
const START_TIMEOUT: Duration = Duration::from_secs(90);
/// How long a newly linked event log may take to be listed (the log
/// directory is rescanned every second, parsing a big log takes longer).
const LOAD_TIMEOUT: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(200);
/// Compression codecs Spark appends to event log names.
const CODEC_SUFFIXES: [&str; 4] = [".lz4", ".lzf", ".snappy", ".zstd"];

/// The event log of one attempt and the Spark application it describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventLog {
    pub path: PathBuf,
    pub spark_app_id: String,
}

/// Finds the attempt's event log in `dir` (its `sparklogs/`): the most
/// recently written one, should the job have run several SparkContexts.
pub fn find_event_log(dir: &Path) -> Option<EventLog> {
    let entries = std::fs::read_dir(dir).ok()?;
    let newest = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()) && !e.file_name().to_string_lossy().starts_with('.'))
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())?;
    let path = newest.path();
    let spark_app_id = app_id_from_events(&path).or_else(|| app_id_from_name(&newest.file_name().to_string_lossy()))?;
    Some(EventLog { path, spark_app_id })
}

/// The `App ID` of the log's `SparkListenerApplicationStart` event, which
/// comes within the first few events of an uncompressed log.
fn app_id_from_events(path: &Path) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    let reader = BufReader::new(file.take(4 * 1024 * 1024));
    for line in reader.lines().take(2000) {
        let line = line.ok()?;
        if !line.contains("\"SparkListenerApplicationStart\"") {
            continue;
        }
        let event: serde_json::Value = serde_json::from_str(&line).ok()?;
        return event.get("App ID").and_then(|v| v.as_str()).map(str::to_string).filter(|id| valid_app_id(id));
    }
    None
}

/// `local-1795228787056.lz4.inprogress` → `local-1795228787056`.
fn app_id_from_name(name: &str) -> Option<String> {
    let mut id = name.strip_suffix(".inprogress").unwrap_or(name);
    for suffix in CODEC_SUFFIXES {
        id = id.strip_suffix(suffix).unwrap_or(id);
    }
    valid_app_id(id).then(|| id.to_string())
}

/// Spark application ids (`local-…`, `application_…`, `app-…`) are plain
/// path segments; anything else is not put into a URL.
pub fn valid_app_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && !id.starts_with('.')
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

struct Running {
    port: u16,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

/// The process-wide History Server, started on first use.
pub struct HistoryServer {
    /// `<data>/dashboard`: the flat event-log dir, the server's log, its pgid.
    dir: PathBuf,
    running: Mutex<Option<Running>>,
    /// Spark application ids the running server has already listed.
    loaded: Mutex<HashSet<String>>,
    /// None only if the HTTP client cannot be built (no TLS backend), in
    /// which case the history view reports itself unavailable.
    http: Option<reqwest::Client>,
}

impl HistoryServer {
    pub fn new(dir: PathBuf) -> HistoryServer {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(10)).no_proxy().build().ok();
        HistoryServer { dir, running: Mutex::new(None), loaded: Mutex::new(HashSet::new()), http }
    }

    fn log_dir(&self) -> PathBuf {
        self.dir.join("eventlogs")
    }

    /// The port of a History Server that has `log` loaded: links the log into
    /// the server's directory, starts the server if needed, and waits (bounded
    /// polling of its REST API) until it lists the application.
    pub async fn serve(
        &self,
        runtime: &InstalledRuntime,
        sandbox: &Sandbox,
        log: &EventLog,
    ) -> Result<u16, DashboardError> {
        self.publish(log)?;
        let port = {
            let mut running = self.running.lock().await;
            let finished = running.as_ref().is_some_and(|r| r.task.is_finished());
            if finished {
                *running = None;
                self.loaded.lock().await.clear();
            }
            match running.as_ref() {
                Some(r) => r.port,
                None => {
                    let started = self.start(runtime, sandbox).await?;
                    let port = started.port;
                    *running = Some(started);
                    port
                }
            }
        };
        if self.loaded.lock().await.contains(&log.spark_app_id) {
            return Ok(port);
        }
        let url = format!("http://127.0.0.1:{port}/api/v1/applications/{}", log.spark_app_id);
        let listed = self.poll(&url, LOAD_TIMEOUT).await;
        if !listed {
            return Err(DashboardError::HistoryServer(format!(
                "the Spark History Server did not load application {} within {} s",
                log.spark_app_id,
                LOAD_TIMEOUT.as_secs()
            )));
        }
        self.loaded.lock().await.insert(log.spark_app_id.clone());
        Ok(port)
    }

    /// Makes `log` visible in the flat directory: a hard link (same data dir,
    /// so usually the same filesystem), else a copy under a temporary name.
    fn publish(&self, log: &EventLog) -> Result<(), DashboardError> {
        let dir = self.log_dir();
        std::fs::create_dir_all(&dir).map_err(|err| DashboardError::io("create", &dir, err))?;
        let name =
            log.path.file_name().ok_or_else(|| DashboardError::HistoryServer("event log without a name".into()))?;
        let target = dir.join(name);
        if target.exists() {
            return Ok(());
        }
        match std::fs::hard_link(&log.path, &target) {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(_) => {
                // The History Server ignores names starting with a dot.
                let tmp = dir.join(format!(".{}.copy", name.to_string_lossy()));
                std::fs::copy(&log.path, &tmp).map_err(|err| DashboardError::io("copy", &log.path, err))?;
                std::fs::rename(&tmp, &target).map_err(|err| DashboardError::io("publish", &target, err))
            }
        }
    }

    async fn start(&self, runtime: &InstalledRuntime, sandbox: &Sandbox) -> Result<Running, DashboardError> {
        self.kill_leftover();
        let port = super::free_loopback_port().map_err(|err| DashboardError::io("pick a port for", &self.dir, err))?;
        let log_path = self.dir.join("history-server.log");
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log_path)
            .map_err(|err| DashboardError::io("open", &log_path, err))?;
        let log_err = log.try_clone().map_err(|err| DashboardError::io("open", &log_path, err))?;
        // No spark.ui.proxyBase: one server serves every run, each under its
        // own prefix, so the prefix comes per request in X-Forwarded-Context
        // (which Spark's UIUtils.uiRoot honours when proxyBase is unset).
        let opts = format!(
            "-Dspark.history.fs.logDirectory=file://{} -Dspark.history.ui.port={port} \
             -Dspark.history.fs.update.interval=1s",
            self.log_dir().display()
        );
        // Confined like a job (it parses event logs jobs wrote): its own dir
        // read-write, the event logs read-only, not the dashboard key.
        let own_dir = crate::access::sandbox::history_server_dir(&self.dir);
        let mut command = Command::new(runtime.spark_home.join("bin").join("spark-class"));
        clean_env(&mut command);
        command.arg(HISTORY_SERVER_CLASS).current_dir(&own_dir);
        command
            .env("SPARK_HOME", &runtime.spark_home)
            .env("SPARK_HISTORY_OPTS", opts)
            // The UI binds to SPARK_LOCAL_IP, else to every interface.
            .env("SPARK_LOCAL_IP", "127.0.0.1")
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        let sandbox = sandbox.with_read_only([self.log_dir()]);
        sandbox.confine(&mut command, &own_dir).map_err(|err| DashboardError::HistoryServer(err.to_string()))?;
        let mut group = ProcessGroup::spawn(command)
            .map_err(|err| DashboardError::HistoryServer(format!("cannot start the Spark History Server: {err}")))?;
        let pgid = group.pgid();
        let _ = std::fs::write(self.dir.join("history-server.pgid"), pgid.to_string());
        tracing::info!(port, pgid, "starting the Spark History Server for dashboards");
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let exit = tokio::select! {
                exit = group.wait() => Some(exit),
                _ = stopped => None,
            };
            match exit {
                Some(exit) => tracing::warn!(?exit, "the Spark History Server exited"),
                None => {
                    let _ = group.terminate(Duration::from_secs(5)).await;
                }
            }
        });
        let running = Running { port, stop, task };
        let deadline = Instant::now() + START_TIMEOUT;
        let url = format!("http://127.0.0.1:{port}/api/v1/version");
        loop {
            if running.task.is_finished() {
                return Err(DashboardError::HistoryServer(format!(
                    "the Spark History Server exited at start; see {}",
                    log_path.display()
                )));
            }
            if self.get_ok(&url).await {
                return Ok(running);
            }
            if Instant::now() >= deadline {
                stop_running(running).await;
                return Err(DashboardError::HistoryServer(format!(
                    "the Spark History Server did not answer within {} s; see {}",
                    START_TIMEOUT.as_secs(),
                    log_path.display()
                )));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// A History Server left by a sparkplane that was killed outright.
    fn kill_leftover(&self) {
        let pgid_path = self.dir.join("history-server.pgid");
        let Some(pgid) = std::fs::read_to_string(&pgid_path).ok().and_then(|s| s.trim().parse::<i32>().ok()) else {
            return;
        };
        let cmdline = std::fs::read(format!("/proc/{pgid}/cmdline")).unwrap_or_default();
        if group_alive(pgid) && String::from_utf8_lossy(&cmdline).contains(HISTORY_SERVER_CLASS) {
            tracing::warn!(pgid, "killing a Spark History Server left by an earlier sparkplane");
            kill_group(pgid, SIGKILL);
        }
        let _ = std::fs::remove_file(pgid_path);
    }

    async fn get_ok(&self, url: &str) -> bool {
        let Some(http) = &self.http else {
            return false;
        };
        matches!(http.get(url).send().await, Ok(response) if response.status().is_success())
    }

    async fn poll(&self, url: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.get_ok(url).await {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Whether its JVM is up (or being started): an engine process the
    /// scheduler counts.
    pub fn is_running(&self) -> bool {
        self.running.try_lock().map(|running| running.is_some()).unwrap_or(true)
    }

    /// Stops the server, if one runs; part of the sparkplane shutdown.
    pub async fn stop(&self) {
        if let Some(running) = self.running.lock().await.take() {
            stop_running(running).await;
        }
        let _ = std::fs::remove_file(self.dir.join("history-server.pgid"));
    }
}

async fn stop_running(running: Running) {
    let _ = running.stop.send(());
    if tokio::time::timeout(Duration::from_secs(15), running.task).await.is_err() {
        tracing::warn!("the Spark History Server did not stop in time");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_ids_come_from_the_start_event_else_the_name() {
        let dir = tempfile::tempdir().unwrap();
        let events = "{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"3.5.8\"}\n\
                      {\"Event\":\"SparkListenerApplicationStart\",\"App Name\":\"x\",\"App ID\":\"local-42\"}\n";
        std::fs::write(dir.path().join("renamed"), events).unwrap();
        let found = find_event_log(dir.path()).unwrap();
        assert_eq!(found.spark_app_id, "local-42");
        assert_eq!(found.path, dir.path().join("renamed"));
        assert_eq!(app_id_from_name("local-1795228787056.lz4.inprogress").as_deref(), Some("local-1795228787056"));
        assert_eq!(app_id_from_name("application_1_0001").as_deref(), Some("application_1_0001"));
        assert_eq!(app_id_from_name("a b"), None);
        assert_eq!(app_id_from_name(".hidden"), None);
        assert!(find_event_log(&dir.path().join("absent")).is_none());
    }
}
