//! Executors as processes, for runs whose executors grow and shrink.
//!
//! With `local[N]` the executors are threads of the driver's JVM, fixed at
//! launch. A run with dynamic allocation and a `maxExecutors` runs against
//! its own Spark standalone master instead, and sparkplane starts one
//! standalone worker per executor the scheduler grants: Spark decides how
//! many executors it wants, sparkplane decides how many it gets. A worker
//! whose executor Spark released (idle timeout) is stopped, which is how the
//! run's reservation shrinks. The master and workers are Spark's own
//! (`org.apache.spark.deploy`), the same pieces a multi-host cluster uses.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use sparkplane_storage::WorkerLogDir;
use tokio::process::Command;

use super::images::{spawn_confined, AttemptImages, Role, IMAGE_PYTHON};
use super::launch::set_job_env;
use super::{LaunchContext, SparkJobPlan};
use crate::process::{group_members, ProcessGroup};
use crate::runtime::InstalledRuntime;
use crate::sandbox::{clean_env, Sandbox};
use crate::EngineError;

/// Log folder of executor `<id>` is `SPARK_EXECUTOR/<id>` in the EMR layout.
pub const EXECUTOR_LOG_FOLDER: &str = "SPARK_EXECUTOR";
/// Heap of the master and worker daemons: they only keep books.
pub const DAEMON_HEAP_MB: u64 = 256;
const MASTER_MARKER: &str = "Starting Spark master at ";
const MASTER_START_TIMEOUT: Duration = Duration::from_secs(90);
/// Process groups of the master and workers, one per line, under the
/// attempt's `executors/`: a server that died without stopping them kills
/// them at its next start.
pub const PGIDS_FILE: &str = "pgids";
/// How long a worker whose executor exited stays before it is stopped: the
/// moment between Spark making an executor's folder and starting its JVM
/// looks the same.
pub const RELEASED_GRACE: Duration = Duration::from_secs(1);
/// How long a worker that never got an executor stays while Spark does not
/// want it: the master may be placing one on it right now.
pub const UNUSED_GRACE: Duration = Duration::from_secs(10);

/// One standalone worker, sized to host exactly one executor.
struct ExecutorWorker {
    process: ProcessGroup,
    dir: PathBuf,
    started: Instant,
    /// Since when the worker has been seen without a running executor.
    idle_since: Option<Instant>,
    /// The worker's log, when it runs in an image: its executors are then
    /// not in its process group, and the log says what runs.
    log: Option<PathBuf>,
}

/// The master and workers of one elastic attempt.
pub struct ExecutorCluster {
    master: ProcessGroup,
    master_url: String,
    dir: PathBuf,
    /// The attempt's work dir: the sandbox's own dir of every daemon.
    work_dir: PathBuf,
    runtime: InstalledRuntime,
    plan: SparkJobPlan,
    workers: Vec<ExecutorWorker>,
    next_worker: u32,
    /// Lifetimes of workers already stopped.
    finished: Vec<Duration>,
    /// The attempt's images: workers run in the Executor image.
    images: Option<AttemptImages>,
    /// The advertised address of this host, when executors may run on
    /// agents' hosts (they must reach the master, and the driver must reach
    /// every executor); `None` keeps everything on loopback.
    bind: Option<String>,
    worker_env: Vec<(String, String)>,
}

use super::LOOPBACK;

impl ExecutorCluster {
    /// Starts the attempt's master in `work_dir/executors` and waits until it
    /// listens, confined to the attempt's `work_dir` by `sandbox`. Workers
    /// come with [`ExecutorCluster::add_worker`].
    pub async fn start(
        plan: &SparkJobPlan,
        runtime: &InstalledRuntime,
        work_dir: &Path,
        sandbox: &Sandbox,
        images: Option<&AttemptImages>,
        bind: Option<String>,
    ) -> Result<ExecutorCluster, EngineError> {
        let dir = work_dir.join("executors");
        tokio::fs::create_dir_all(&dir)
            .await
            .map_err(|err| EngineError::io(format!("create {}", dir.display()), err))?;
        let log_path = dir.join("master.log");
        let mut command = daemon_command(runtime, "org.apache.spark.deploy.master.Master", &log_path)?;
        let host = bind.as_deref().unwrap_or(LOOPBACK);
        command.args(["--host", host, "--port", "0", "--webui-port", "0"]);
        sandbox.confine(&mut command, work_dir)?;
        let mut master =
            ProcessGroup::spawn(command).map_err(|err| EngineError::io("start the Spark standalone master", err))?;
        record_process_group(&dir, master.pgid());
        let deadline = Instant::now() + MASTER_START_TIMEOUT;
        let master_url = loop {
            if let Some(url) = logged_master_url(&log_path) {
                break url;
            }
            if !master.is_running() || Instant::now() > deadline {
                let _ = master.terminate(Duration::ZERO).await;
                let tail = super::launch::tail_lines(&log_path).pop().unwrap_or_default();
                return Err(EngineError::io(
                    "start the Spark standalone master",
                    std::io::Error::other(format!("it did not come up: {tail}")),
                ));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        Ok(ExecutorCluster {
            master,
            master_url,
            dir,
            work_dir: work_dir.to_path_buf(),
            runtime: runtime.clone(),
            plan: plan.clone(),
            workers: Vec::new(),
            next_worker: 0,
            finished: Vec::new(),
            images: images.cloned(),
            bind,
            worker_env: Vec::new(),
        })
    }

    /// Environment every local worker (and so its executors) gets beyond
    /// the job's: the credentials endpoint when executors may run on other
    /// hosts, which each host points at its own loopback.
    pub fn set_worker_env(&mut self, env: Vec<(String, String)>) {
        self.worker_env = env;
    }

    /// `spark://127.0.0.1:<port>`, for the driver's `--master`.
    pub fn master_url(&self) -> &str {
        &self.master_url
    }

    pub fn workers(&self) -> u32 {
        u32::try_from(self.workers.len()).unwrap_or(u32::MAX)
    }

    /// Starts one worker with the cores and memory of one executor, in the
    /// job's environment (executors run the job's Python and read `s3://`).
    pub fn add_worker(&mut self, context: &LaunchContext<'_>) -> Result<(), EngineError> {
        let index = self.next_worker;
        self.next_worker += 1;
        let dir = self.dir.join(format!("worker-{index}"));
        std::fs::create_dir_all(&dir).map_err(|err| EngineError::io(format!("create {}", dir.display()), err))?;
        let log_path = self.dir.join(format!("worker-{index}.log"));
        let mut command = daemon_command(&self.runtime, "org.apache.spark.deploy.worker.Worker", &log_path)?;
        set_job_env(&mut command, &self.plan, &self.runtime, context);
        for (name, value) in &self.worker_env {
            command.env(name, value);
        }
        // The attempt's images are the cluster's, not the context's (a later
        // step's has none): with one, the job's Python is the image's unless
        // the job names its own.
        let job_python = self.plan.conf.executor_env.contains_key("PYSPARK_PYTHON")
            || self.plan.conf.driver_env.contains_key("PYSPARK_PYTHON");
        if self.images.as_ref().is_some_and(AttemptImages::any) && !job_python {
            command.env("PYSPARK_PYTHON", IMAGE_PYTHON);
        }
        // Executors get `spark.executorEnv.*` from Spark itself; the driver's
        // own variables are not theirs.
        for name in self.plan.conf.driver_env.keys() {
            if !self.plan.conf.executor_env.contains_key(name) {
                command.env_remove(name);
            }
        }
        let host = self.bind.as_deref().unwrap_or(LOOPBACK);
        let sizes =
            WorkerSize { cores: self.plan.resources.executor.cpu, memory_mb: self.plan.resources.executor_memory_mb };
        worker_args(&mut command, host, sizes, &dir, &self.master_url);
        let name = format!("worker-{index}");
        let images = self.images.as_ref();
        let in_image = images.is_some_and(|images| images.executor.is_some());
        let process = spawn_confined(
            command,
            images,
            Role::Worker(&name),
            &context.sandbox,
            &self.work_dir,
            |_| Ok(()),
            "start a Spark worker",
        )?;
        record_process_group(&self.dir, process.pgid());
        let log = in_image.then_some(log_path);
        self.workers.push(ExecutorWorker { process, dir, started: Instant::now(), idle_since: None, log });
        Ok(())
    }

    /// Stops workers until `keep` are left, taking only those whose executor
    /// has exited (Spark released it) and, after a longer grace, those that
    /// never got one. A worker whose executor still runs is never taken.
    /// Returns how many were stopped.
    pub async fn release_idle(&mut self, keep: u32) -> u32 {
        let now = Instant::now();
        for worker in &mut self.workers {
            let idle = !worker.hosts_now();
            worker.idle_since = if idle { worker.idle_since.or(Some(now)) } else { None };
        }
        let idle_for = |w: &ExecutorWorker| w.idle_since.map_or(Duration::ZERO, |since| now - since);
        let mut released = 0;
        while self.workers() > keep {
            // Workers that served and finished first, then ones never used.
            let done = self.workers.iter().position(|w| w.hosted() && idle_for(w) >= RELEASED_GRACE);
            let unused = || self.workers.iter().rposition(|w| !w.hosted() && idle_for(w) >= UNUSED_GRACE);
            let Some(index) = done.or_else(unused) else { break };
            let mut worker = self.workers.remove(index);
            let _ = worker.process.terminate(Duration::from_secs(2)).await;
            self.finished.push(worker.started.elapsed());
            released += 1;
        }
        released
    }

    /// How long each worker ran (or has run so far): what the run is
    /// metered for beyond its driver.
    pub fn worker_lifetimes(&self) -> Vec<Duration> {
        let running = self.workers.iter().map(|w| w.started.elapsed());
        self.finished.iter().copied().chain(running).collect()
    }

    /// The log folders of every executor so far, `SPARK_EXECUTOR/<id>`
    /// with Spark's executor id.
    pub fn executor_logs(&self) -> Vec<WorkerLogDir> {
        let mut logs = Vec::new();
        for worker in self.dir.read_dir().into_iter().flatten().flatten() {
            let is_worker = worker.file_name().to_string_lossy().starts_with("worker-");
            if !is_worker || !worker.path().is_dir() {
                continue;
            }
            for executor in executor_dirs(&worker.path()) {
                let folder = format!("{EXECUTOR_LOG_FOLDER}/{}", executor.id);
                logs.push(WorkerLogDir { worker: folder, dir: executor.dir });
            }
        }
        logs.sort_by(|a, b| a.worker.cmp(&b.worker));
        logs
    }

    /// Stops every worker (and so every executor), then the master.
    pub async fn shutdown(&mut self) {
        for mut worker in self.workers.drain(..) {
            let _ = worker.process.terminate(Duration::from_secs(2)).await;
            self.finished.push(worker.started.elapsed());
        }
        let _ = self.master.terminate(Duration::from_secs(2)).await;
    }
}

impl ExecutorWorker {
    /// Whether an executor was ever launched here: Spark makes its folder
    /// `<work-dir>/<app-id>/<executor-id>` first.
    fn hosted(&self) -> bool {
        worker_hosted(&self.dir)
    }

    /// Whether an executor runs here now: the worker JVM launches it as a
    /// child in its own process group.
    fn hosts_now(&self) -> bool {
        match &self.log {
            Some(log) => logged_running_executors(&std::fs::read_to_string(log).unwrap_or_default()) > 0,
            None => group_members(self.process.pgid()) > 1,
        }
    }
}

/// Process groups recorded by attempts in `work_dir` (see [`PGIDS_FILE`]).
pub fn recorded_process_groups(work_dir: &Path) -> Vec<i32> {
    let text = std::fs::read_to_string(work_dir.join("executors").join(PGIDS_FILE)).unwrap_or_default();
    text.lines().filter_map(|line| line.trim().parse().ok()).collect()
}

/// Appends `pgid` to `dir`'s [`PGIDS_FILE`], so that whoever starts next
/// (the server, an agent) can kill what was left running.
pub fn record_process_group(dir: &Path, pgid: i32) {
    use std::io::Write;
    let appended = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join(PGIDS_FILE))
        .and_then(|mut file| writeln!(file, "{pgid}"));
    if let Err(err) = appended {
        tracing::warn!(error = %err, "record a Spark daemon's process group");
    }
}

/// One executor's worth of a standalone worker.
#[derive(Debug, Clone, Copy)]
pub struct WorkerSize {
    pub cores: u32,
    pub memory_mb: u64,
}

/// The arguments of a standalone worker bound to `host` that offers one
/// executor of `size` to `master_url`, working in `dir`.
fn worker_args(command: &mut Command, host: &str, size: WorkerSize, dir: &Path, master_url: &str) {
    command
        .args(["--host", host, "--webui-port", "0", "--cores"])
        .arg(size.cores.to_string())
        .arg("--memory")
        .arg(format!("{}M", size.memory_mb))
        .arg("--work-dir")
        .arg(dir)
        .arg(master_url);
}

/// A standalone worker for another host's run (what `sparkplane agent`
/// starts): bound to this host's `host` address, logging to `log_path`,
/// executors under `dir`. The caller adds the job's environment and spawns.
pub fn remote_worker_command(
    runtime: &InstalledRuntime,
    host: &str,
    size: WorkerSize,
    dir: &Path,
    master_url: &str,
    log_path: &Path,
) -> Result<Command, EngineError> {
    let mut command = daemon_command(runtime, "org.apache.spark.deploy.worker.Worker", log_path)?;
    command.env("SPARK_LOCAL_IP", host);
    let python_path = runtime.python_path.display().to_string();
    command.env("PYTHONPATH", python_path).env("PYSPARK_PYTHON", &runtime.python);
    worker_args(&mut command, host, size, dir, master_url);
    Ok(command)
}

/// One executor's folder in a standalone worker's dir.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutorDir {
    pub app: String,
    /// Spark's executor id.
    pub id: String,
    pub dir: PathBuf,
}

/// The executors' folders a worker working in `dir` made, as Spark lays
/// them out: `<dir>/<app-id>/<executor-id>/` (their stdout and stderr).
pub fn executor_dirs(dir: &Path) -> Vec<ExecutorDir> {
    let mut found = Vec::new();
    for app in dir.read_dir().into_iter().flatten().flatten() {
        for executor in app.path().read_dir().into_iter().flatten().flatten() {
            let id = executor.file_name().to_string_lossy().into_owned();
            if executor.path().is_dir() && id.bytes().all(|b| b.is_ascii_digit()) {
                let app = app.file_name().to_string_lossy().into_owned();
                found.push(ExecutorDir { app, id, dir: executor.path() });
            }
        }
    }
    found
}

/// Whether a worker working in `dir` ever hosted an executor: Spark makes
/// its folder `<dir>/<app-id>/<executor-id>` first.
pub fn worker_hosted(dir: &Path) -> bool {
    dir.read_dir().into_iter().flatten().flatten().any(|app| app.path().is_dir())
}

/// `spark-class <class>` with the daemon heap, logging to `log_path` and
/// running in its folder (so the attempt's dir names every process it owns).
fn daemon_command(runtime: &InstalledRuntime, class: &str, log_path: &Path) -> Result<Command, EngineError> {
    let log = std::fs::File::create(log_path).map_err(|err| EngineError::io("create a Spark daemon log", err))?;
    let log_err = log.try_clone().map_err(|err| EngineError::io("create a Spark daemon log", err))?;
    let mut command = Command::new(runtime.spark_home.join("bin").join("spark-class"));
    clean_env(&mut command);
    if let Some(dir) = log_path.parent() {
        command.current_dir(dir);
    }
    command
        .arg(class)
        .env("SPARK_HOME", &runtime.spark_home)
        .env("SPARK_LOCAL_IP", LOOPBACK)
        .env("SPARK_DAEMON_MEMORY", format!("{DAEMON_HEAP_MB}m"))
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log_err);
    Ok(command)
}

/// Executors a worker's log shows launched and not yet finished (Spark's
/// `Worker` logs both: "Asked to launch executor app/N ..." and "Executor
/// app/N finished with state ...").
fn logged_running_executors(log: &str) -> usize {
    let launched = log.matches("Asked to launch executor ").count();
    let finished =
        log.lines().filter(|line| line.contains(" finished with state ") && line.contains("Executor ")).count();
    launched.saturating_sub(finished)
}

fn logged_master_url(log_path: &Path) -> Option<String> {
    let text = std::fs::read_to_string(log_path).ok()?;
    let start = text.find(MASTER_MARKER)? + MASTER_MARKER.len();
    let url: String = text[start..].chars().take_while(|c| !c.is_whitespace()).collect();
    url.starts_with("spark://").then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_master_url_from_its_log() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("master.log");
        std::fs::write(&log, "26/11/21 INFO Master: Starting Spark master at spark://127.0.0.1:41234\nmore\n").unwrap();
        assert_eq!(logged_master_url(&log).as_deref(), Some("spark://127.0.0.1:41234"));
        std::fs::write(&log, "26/11/21 INFO Master: Started daemon\n").unwrap();
        assert_eq!(logged_master_url(&log), None);
        assert_eq!(logged_master_url(&dir.path().join("absent")), None);
    }

    #[test]
    fn a_workers_log_tells_whether_its_executor_runs() {
        let launched = "26/12/06 INFO Worker: Asked to launch executor app-1/0 for job.py\n";
        assert_eq!(logged_running_executors(""), 0);
        assert_eq!(logged_running_executors(launched), 1);
        let ended = format!("{launched}26/12/06 INFO Worker: Executor app-1/0 finished with state EXITED message Command exited with code 0 exitStatus 0\n");
        assert_eq!(logged_running_executors(&ended), 0);
    }

    #[test]
    fn process_groups_are_recorded_for_recovery() {
        let dir = tempfile::tempdir().unwrap();
        let executors = dir.path().join("executors");
        std::fs::create_dir_all(&executors).unwrap();
        assert!(recorded_process_groups(dir.path()).is_empty());
        record_process_group(&executors, 4242);
        record_process_group(&executors, 4343);
        assert_eq!(recorded_process_groups(dir.path()), [4242, 4343]);
    }
}
