//! The local channel between the server and a pre-initialized HIVE worker.
//!
//! A warm worker is `sparkplane hive-worker --serve`: a process that has
//! already loaded the binary, opened the catalog and run a first DataFusion
//! query, and then waits for jobs. Requests and replies are JSON lines over
//! the worker's stdin and stdout (the worker writes nothing else there; its
//! own diagnostics go to stderr). Each job writes its results and errors into
//! the attempt's own log files, so HIVE_DRIVER logs look the same whether the
//! attempt ran warm or cold. When the server goes away, stdin closes and the
//! worker exits.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sparkplane_engine::sandbox::{clean_env, Sandbox};
use sparkplane_engine::{EngineError, ExitReport, ProcessGroup};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{ChildStdin, ChildStdout, Command};

use super::worker::run_attempt;

/// First line a worker prints once it can take jobs.
const READY: &str = "SPARKPLANE-HIVE-WORKER-READY";
/// How long a worker may take to become ready (it normally takes milliseconds).
const READY_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Serialize, Deserialize)]
struct JobRequest {
    spec: PathBuf,
    stdout: PathBuf,
    stderr: PathBuf,
}

#[derive(Debug, Serialize, Deserialize)]
struct JobReply {
    exit_code: i32,
}

/// The server's handle on one warm HIVE worker process.
pub struct WarmHiveWorker {
    process: ProcessGroup,
    stdin: ChildStdin,
    replies: Lines<BufReader<ChildStdout>>,
}

impl WarmHiveWorker {
    /// Starts `exe hive-worker --serve` with its diagnostics in `log_path`,
    /// confined by `sandbox` to the log's directory (and what the sandbox
    /// adds), and waits until it reports ready.
    pub async fn start(exe: &Path, log_path: &Path, label: &str, sandbox: &Sandbox) -> Result<Self, EngineError> {
        let io = |action: &str, err: std::io::Error| EngineError::Io { action: action.to_string(), source: err };
        let log = std::fs::File::create(log_path).map_err(|err| io("create warm worker log", err))?;
        let own_dir =
            log_path.parent().ok_or_else(|| io("start a warm hive worker", std::io::Error::other("no dir")))?;
        let mut command = Command::new(exe);
        clean_env(&mut command);
        command.arg("hive-worker").arg("--serve").arg("--label").arg(label);
        // Recovery after a restart knows the worker by where it works.
        command.current_dir(own_dir);
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(log);
        sandbox.confine(&mut command, own_dir)?;
        let mut process = ProcessGroup::spawn(command).map_err(|err| io("start a warm hive worker", err))?;
        let (Some(stdin), Some(stdout)) = (process.take_stdin(), process.take_stdout()) else {
            return Err(io("connect to a warm hive worker", std::io::Error::other("no pipes")));
        };
        let mut replies = BufReader::new(stdout).lines();
        let first = tokio::time::timeout(READY_TIMEOUT, replies.next_line()).await;
        match first {
            Ok(Ok(Some(line))) if line == READY => Ok(WarmHiveWorker { process, stdin, replies }),
            Ok(Ok(other)) => {
                let _ = process.terminate(Duration::ZERO).await;
                let tail = std::fs::read_to_string(log_path).unwrap_or_default();
                let tail = tail.lines().last().unwrap_or_default().to_string();
                Err(io("start a warm hive worker", std::io::Error::other(format!("not ready ({other:?}): {tail}"))))
            }
            Ok(Err(err)) => Err(io("start a warm hive worker", err)),
            Err(_) => {
                let _ = process.terminate(Duration::ZERO).await;
                Err(io("start a warm hive worker", std::io::Error::other("not ready in time")))
            }
        }
    }

    pub fn pgid(&self) -> i32 {
        self.process.pgid()
    }

    pub fn is_alive(&mut self) -> bool {
        self.process.is_running()
    }

    /// Hands a job to the worker; its reply is read by [`Self::wait`].
    pub async fn send(&mut self, spec: &Path, stdout: &Path, stderr: &Path) -> std::io::Result<()> {
        let request =
            JobRequest { spec: spec.to_path_buf(), stdout: stdout.to_path_buf(), stderr: stderr.to_path_buf() };
        let mut line = serde_json::to_vec(&request).map_err(std::io::Error::other)?;
        line.push(b'\n');
        self.stdin.write_all(&line).await?;
        self.stdin.flush().await
    }

    /// The job's exit status: the worker's reply, or, when the worker dies
    /// first (a crash or a kill), the process's own exit. Cancel-safe, so it
    /// can sit in a `select!` loop.
    pub async fn wait(&mut self) -> std::io::Result<ExitReport> {
        match self.replies.next_line().await? {
            Some(line) => {
                let reply: JobReply = serde_json::from_str(&line).map_err(std::io::Error::other)?;
                Ok(ExitReport { code: Some(reply.exit_code), signal: None })
            }
            None => self.process.wait().await,
        }
    }

    /// Kills the worker (cancel, timeout, application stop).
    pub async fn terminate(&mut self, grace: Duration) -> std::io::Result<ExitReport> {
        self.process.terminate(grace).await
    }
}

/// The worker side: `sparkplane hive-worker --serve`. Returns the exit code.
pub async fn serve(label: &str) -> i32 {
    warm_up().await;
    let mut stdout = std::io::stdout();
    if writeln!(stdout, "{READY}").and_then(|_| stdout.flush()).is_err() {
        return 1;
    }
    let mut requests = BufReader::new(tokio::io::stdin()).lines();
    loop {
        let line = match requests.next_line().await {
            Ok(Some(line)) => line,
            // The server is gone (or closed the channel): nothing more to do.
            Ok(None) | Err(_) => return 0,
        };
        let exit_code = match serde_json::from_str::<JobRequest>(&line) {
            Ok(request) => run_one(&request, label).await,
            Err(err) => {
                eprintln!("warm hive worker {label}: bad request: {err}");
                2
            }
        };
        let reply = serde_json::to_string(&JobReply { exit_code }).unwrap_or_else(|_| "{\"exit_code\":1}".into());
        if writeln!(stdout, "{reply}").and_then(|_| stdout.flush()).is_err() {
            return 1;
        }
    }
}

async fn run_one(request: &JobRequest, label: &str) -> i32 {
    let (Ok(out), Ok(err)) = (std::fs::File::create(&request.stdout), std::fs::File::create(&request.stderr)) else {
        eprintln!("warm hive worker {label}: cannot create the attempt's log files");
        return 1;
    };
    let mut stdout = std::io::BufWriter::new(out);
    let mut stderr = std::io::LineWriter::new(err);
    let _ = writeln!(stderr, "sparkplane: running on pre-initialized HIVE worker {label} (pid {})", std::process::id());
    let result = run_attempt(&request.spec, &mut stdout, &mut stderr).await;
    let flushed = stdout.flush();
    let code = match (result, flushed) {
        (Ok(()), Ok(())) => 0,
        (Err(message), _) => {
            let _ = writeln!(stderr, "Error: {message}");
            1
        }
        (Ok(()), Err(err)) => {
            let _ = writeln!(stderr, "Error: write results: {err}");
            1
        }
    };
    let _ = stderr.flush();
    code
}

/// Runs a trivial query once so that DataFusion's lazily built state
/// (function registry, planner rules) exists before the first real job.
async fn warm_up() {
    let catalog = std::sync::Arc::new(sparkplane_sql::InMemoryCatalog::default());
    let stores = std::sync::Arc::new(sparkplane_sql::LocalBucketResolver::new("/nonexistent"));
    let job = sparkplane_sql::SqlJob { query: "SELECT 1;".into(), ..Default::default() };
    let options = sparkplane_sql::SqlOptions {
        target_partitions: 1,
        memory_limit_bytes: 0,
        default_warehouse_dir: "file:///nonexistent/".into(),
    };
    let (mut out, mut err) = (std::io::sink(), std::io::sink());
    if let Err(error) = sparkplane_sql::run_job(&job, &options, catalog, stores, &mut out, &mut err).await {
        eprintln!("warm-up query failed: {error}");
    }
}
