//! Pre-initialized ("warm") Spark drivers.
//!
//! A cold attempt spends about ten seconds before the job's first query
//! returns: starting the JVM and the SparkContext, then loading and compiling
//! Spark SQL. EMR Serverless' pre-initialized capacity hides that by keeping
//! drivers warm. Here a warm driver is a PySpark process (`warm_driver.py`)
//! started ahead of time with the template plan's `local[N]`, conf and
//! environment, which brings the SparkSession up, runs one small query, and
//! waits on its stdin. [`WarmDriver::hand_over`] gives it one job: the script
//! points its own and the JVM's output at the job's SPARK_DRIVER files, moves
//! the working directory and warehouse to the job's work dir, runs the entry
//! point in the same interpreter (`getOrCreate()` returns the live session)
//! and exits with the job's exit code. A driver serves exactly one job, so
//! jobs stay as isolated from each other as cold ones.
//!
//! Only plans a cold launch would run identically can go warm
//! ([`WarmDriver::accepts`], `warm_match`): a Python entry point without
//! artifacts to stage, with the template's conf, environment, resources and
//! runtime, except for session SQL properties, which are set at hand-over. Left
//! different from a cold attempt: static settings the job passes to the
//! builder in code (`appName`, `master`, `spark.executor.memory`) do not apply
//! to a session that is already up, the app name is `pyspark-shell`, the
//! Spark UI lists the warm-up query, the JVM's own working directory stays
//! the warm driver's (Spark's relative paths resolve in the work dir through
//! Hadoop's local working directory), and SQL properties set at hand-over
//! are in the session's conf but not in `SparkContext.getConf()`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use serde::Serialize;
use sparkplane_storage::{Placement, WorkerLogDir};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{ChildStdin, ChildStdout, Command};

use super::launch::{set_credentials_env, set_job_env, submit_options, tail_lines};
use super::staging::Staging;
use super::warm_match::{needs_cold_launch, plan_matches, session_matches, sql_conf_changes};
use super::{LaunchContext, LaunchedAttempt, SparkJobPlan, DRIVER_LOG_FOLDER};
use crate::process::ProcessGroup;
use crate::runtime::InstalledRuntime;
use crate::sandbox::clean_env;
use crate::EngineError;

const SCRIPT: &str = include_str!("warm_driver.py");
const SCRIPT_NAME: &str = "warm_driver.py";
/// The warm driver's own output until a job takes over, in its dir.
pub const WARM_UP_LOG: &str = "warmup.log";
const READY_LINE: &str = "SPARKPLANE-WARM-READY";
const STARTED_LINE: &str = "SPARKPLANE-WARM-STARTED";
/// Followed by the reason: a SQL property of the job the session cannot take.
const DECLINED_PREFIX: &str = "SPARKPLANE-WARM-DECLINED ";
/// Bounds on the JVM and session start-up, on the script switching to a job,
/// and on a process that closed its stdout to finish exiting.
const READY_TIMEOUT: Duration = Duration::from_secs(180);
const HAND_OVER_TIMEOUT: Duration = Duration::from_secs(30);
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);
/// SIGTERM to SIGKILL when stopping: the JVM's shutdown hooks get this long.
const STOP_GRACE: Duration = Duration::from_secs(10);
/// Hadoop properties that can still change at hand-over (bucket mounts,
/// static S3 keys).
const HADOOP_PREFIX: &str = "spark.hadoop.";
/// Properties the host gives each driver of its own (its UI port and event
/// log folder for the dashboard), which a cold launch gets per attempt.
const PER_DRIVER_PROPERTIES: [&str; 5] = [
    "spark.ui.port",
    "spark.ui.proxyBase",
    "spark.eventLog.enabled",
    "spark.eventLog.dir",
    "spark.eventLog.rolling.enabled",
];

/// The one request line a warm driver reads: a job's entry point, or
/// `connect` to become a session's engine.
#[derive(Serialize)]
struct JobRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    entry: Option<&'a str>,
    args: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    connect: Option<ConnectRequest<'a>>,
    cwd: &'a str,
    stdout: &'a str,
    stderr: &'a str,
    hadoop_conf: BTreeMap<&'a str, &'a str>,
    /// Session SQL properties to set (or unset: null) before the job runs.
    sql_conf: BTreeMap<&'a str, Option<&'a str>>,
}

/// Where a driver that becomes a session's engine serves Spark Connect.
#[derive(Serialize)]
struct ConnectRequest<'a> {
    port: u16,
    /// Spark's `spark.connect.authenticate.token`.
    token: &'a str,
}

/// Why a job was not handed over.
pub enum HandOverError {
    /// The session cannot take one of the job's SQL properties; the driver
    /// changed nothing and can take another job.
    Declined { driver: Box<WarmDriver>, reason: String },
    /// The driver is of no use any more (dropping it kills it).
    Failed(EngineError),
}

impl From<EngineError> for HandOverError {
    fn from(err: EngineError) -> Self {
        HandOverError::Failed(err)
    }
}

impl std::fmt::Debug for HandOverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl std::fmt::Display for HandOverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HandOverError::Declined { reason, .. } => write!(f, "declined the job: {reason}"),
            HandOverError::Failed(err) => err.fmt(f),
        }
    }
}

pub struct WarmDriver {
    process: ProcessGroup,
    stdin: Option<ChildStdin>,
    control: Lines<BufReader<ChildStdout>>,
    template: SparkJobPlan,
    dir: PathBuf,
    context_conf: Vec<(String, String)>,
    context_env: Vec<(String, String)>,
    ready: bool,
}

impl WarmDriver {
    /// Starts `warm_driver.py` with the template's spark-submit options and
    /// environment (as [`super::launch`] would) in `dir`, which is created and
    /// holds the script and [`WARM_UP_LOG`].
    pub async fn start(
        template: &SparkJobPlan,
        runtime: &InstalledRuntime,
        dir: &Path,
        context: &LaunchContext<'_>,
    ) -> Result<WarmDriver, EngineError> {
        if let Some(reason) = needs_cold_launch(template) {
            return Err(invalid(format!("this plan cannot run on a warm driver: {reason}")));
        }
        let python = driver_python(template, runtime, context);
        if python.contains('/') && !Path::new(&python).is_absolute() {
            return Err(invalid(format!("driver python {python} is relative to a work dir")));
        }
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|err| EngineError::io(format!("create {}", dir.display()), err))?;
        let dir = std::path::absolute(dir).map_err(|err| EngineError::io("resolve warm driver dir", err))?;
        let script = dir.join(SCRIPT_NAME);
        tokio::fs::write(&script, SCRIPT).await.map_err(|err| EngineError::io("write warm driver script", err))?;
        let log =
            std::fs::File::create(dir.join(WARM_UP_LOG)).map_err(|err| EngineError::io("create warm-up log", err))?;

        let mut command = Command::new(&python);
        clean_env(&mut command);
        command.current_dir(&dir).arg(&script).args(submit_options(template, context, runtime));
        set_job_env(&mut command, template, runtime, context);
        // Its own token, bound to the run it takes at hand-over: the JVM's
        // environment cannot change after it starts.
        set_credentials_env(&mut command, context);
        // What PySpark's PythonRunner gives a cold driver's interpreter.
        command.env("PYTHONUNBUFFERED", "YES");
        command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(log);
        // The caller's sandbox also opens the work dirs of the runs this
        // driver may serve: they are not known yet.
        context.sandbox.confine(&mut command, &dir)?;
        let mut process = ProcessGroup::spawn(command).map_err(|err| EngineError::io("start warm driver", err))?;
        let stdin = Some(process.take_stdin().ok_or_else(|| invalid("warm driver has no stdin pipe".into()))?);
        let stdout = process.take_stdout().ok_or_else(|| invalid("warm driver has no stdout pipe".into()))?;
        Ok(WarmDriver {
            process,
            stdin,
            control: BufReader::new(stdout).lines(),
            template: template.clone(),
            dir,
            context_conf: context.default_conf.clone(),
            context_env: context.env.clone(),
            ready: false,
        })
    }

    /// Resolves once the SparkSession is up. Cancel-safe. After an error the
    /// driver is of no use: stop it.
    pub async fn ready(&mut self) -> Result<(), EngineError> {
        if self.ready {
            return Ok(());
        }
        match tokio::time::timeout(READY_TIMEOUT, next_line_is(&mut self.control, READY_LINE)).await {
            Ok(Ok(true)) => {
                self.ready = true;
                Ok(())
            }
            Ok(Ok(false)) => Err(self.exit_error("exited before its SparkSession was up").await),
            Ok(Err(err)) => Err(EngineError::io("read warm driver readiness", err)),
            Err(_) => Err(self.failure(&format!("SparkSession not up after {}s", READY_TIMEOUT.as_secs()))),
        }
    }

    /// The driver's own directory (script, warm-up log, what the host put there).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether `plan` can run on this driver exactly as it would cold.
    pub fn accepts(&self, plan: &SparkJobPlan) -> bool {
        plan_matches(&self.template, plan)
    }

    /// Whether the host adds to a launch now what it added when this driver
    /// started. `spark.hadoop.*` properties may differ (buckets created since
    /// are mounted at hand-over), and so may the per-driver dashboard
    /// settings; other properties and the environment may not.
    pub fn accepts_context(&self, context: &LaunchContext<'_>) -> bool {
        let fixed = |conf: &[(String, String)]| -> Vec<(String, String)> {
            conf.iter()
                .filter(|(key, _)| !key.starts_with(HADOOP_PREFIX) && !PER_DRIVER_PROPERTIES.contains(&key.as_str()))
                .cloned()
                .collect()
        };
        self.context_env == context.env && fixed(&self.context_conf) == fixed(&context.default_conf)
    }

    /// Stages the entry point into `work_dir` as [`super::launch`] does,
    /// creates `work_dir/logs/SPARK_DRIVER/{stdout,stderr}`, waits for
    /// readiness and hands the job over; returns once the driver has switched
    /// its output to those files. The attempt's process group is this
    /// driver's: cancel and timeout work as for a cold attempt. On error the
    /// driver is killed (dropped); the caller may launch the job cold instead.
    pub async fn hand_over(
        mut self,
        plan: &SparkJobPlan,
        work_dir: &Path,
        context: &LaunchContext<'_>,
    ) -> Result<LaunchedAttempt, HandOverError> {
        if !self.accepts(plan) || !self.accepts_context(context) {
            return Err(invalid("the job does not match this warm driver".into()).into());
        }
        let (work_dir, log_dir) = driver_log_dir(work_dir).await?;
        // Through the cache like a cold launch's (a copy, leased to the work
        // dir until the attempt is retired), and said at the top of stderr.
        let mut staging = Staging::new(context, &work_dir);
        let entry = staging.file(&plan.entry_point, &work_dir, true, Placement::Copy).await?.path;
        let (stdout, stderr) = (log_dir.join("stdout"), log_dir.join("stderr"));
        std::fs::File::create(&stdout).map_err(|err| EngineError::io(format!("create {}", stdout.display()), err))?;
        let staged: String = staging.lines.iter().map(|line| format!("{line}\n")).collect();
        std::fs::write(&stderr, staged).map_err(|err| EngineError::io(format!("create {}", stderr.display()), err))?;
        self.ready().await?;
        let request = JobRequest {
            entry: Some(utf8(&entry)?),
            args: &plan.arguments,
            connect: None,
            cwd: utf8(&work_dir)?,
            stdout: utf8(&stdout)?,
            stderr: utf8(&stderr)?,
            hadoop_conf: hadoop_conf(plan, context),
            sql_conf: sql_conf_changes(&self.template, plan),
        };
        let line = encode(&request)?;
        self.send(line, log_dir).await
    }

    /// Whether a session of `plan` may run on this driver as it would on a
    /// cold Spark Connect server: as for a job, with no entry point.
    pub fn accepts_session(&self, plan: &SparkJobPlan) -> bool {
        session_fits(&self.template, plan)
    }

    /// Makes this driver an interactive session's engine: its output goes
    /// to `work_dir/logs/SPARK_DRIVER/{stdout,stderr}`, its warehouse to
    /// `work_dir`, and Spark Connect starts in its JVM on loopback `port`,
    /// requiring `secret` (sent over stdin). Returns once the driver has
    /// switched its output; the caller waits for the port as for a cold
    /// engine. Errors as [`WarmDriver::hand_over`].
    pub async fn become_session(
        mut self,
        plan: &SparkJobPlan,
        work_dir: &Path,
        context: &LaunchContext<'_>,
        port: u16,
        secret: &str,
    ) -> Result<LaunchedAttempt, HandOverError> {
        if !self.accepts_session(plan) || !self.accepts_context(context) {
            return Err(invalid("the session does not match this warm driver".into()).into());
        }
        let (work_dir, log_dir) = driver_log_dir(work_dir).await?;
        let (stdout, stderr) = (log_dir.join("stdout"), log_dir.join("stderr"));
        for file in [&stdout, &stderr] {
            std::fs::File::create(file).map_err(|err| EngineError::io(format!("create {}", file.display()), err))?;
        }
        self.ready().await?;
        let request = JobRequest {
            entry: None,
            args: &[],
            connect: Some(ConnectRequest { port, token: secret }),
            cwd: utf8(&work_dir)?,
            stdout: utf8(&stdout)?,
            stderr: utf8(&stderr)?,
            hadoop_conf: hadoop_conf(plan, context),
            sql_conf: sql_conf_changes(&self.template, plan),
        };
        let line = encode(&request)?;
        self.send(line, log_dir).await
    }

    /// Sends the one request and waits until the driver took it.
    async fn send(mut self, line: Vec<u8>, log_dir: PathBuf) -> Result<LaunchedAttempt, HandOverError> {
        let stdin = self.stdin.as_mut().ok_or_else(|| invalid("warm driver has no stdin pipe".into()))?;
        let sent = async {
            stdin.write_all(&line).await?;
            stdin.flush().await
        };
        if sent.await.is_err() {
            return Err(self.exit_error("exited before taking the job").await.into());
        }
        match tokio::time::timeout(HAND_OVER_TIMEOUT, self.control.next_line()).await {
            Ok(Ok(Some(line))) if line.trim() == STARTED_LINE => {}
            Ok(Ok(Some(line))) if line.starts_with(DECLINED_PREFIX) => {
                // Nothing changed in the session: it can wait for another job.
                let reason = line[DECLINED_PREFIX.len()..].trim().to_string();
                return Err(HandOverError::Declined { driver: Box::new(self), reason });
            }
            Ok(Ok(_)) | Ok(Err(_)) => return Err(self.exit_error("exited before taking the job").await.into()),
            Err(_) => return Err(self.failure("did not take the job").into()),
        }
        let logs = vec![WorkerLogDir { worker: DRIVER_LOG_FOLDER.to_string(), dir: log_dir }];
        Ok(LaunchedAttempt { process: self.process, logs })
    }

    pub fn pgid(&self) -> i32 {
        self.process.pgid()
    }

    /// The plan this driver was started for.
    pub fn template(&self) -> &SparkJobPlan {
        &self.template
    }

    /// The driver's output until it takes a job.
    pub fn warm_up_log(&self) -> PathBuf {
        self.dir.join(WARM_UP_LOG)
    }

    /// Whether the process is still alive.
    pub fn is_alive(&mut self) -> bool {
        self.process.is_running()
    }

    /// SIGTERM to the group (the script lets the JVM run its shutdown hooks),
    /// SIGKILL after a grace period.
    /// Its directory goes with it (the script, the warm-up's UI port and
    /// event log: nothing a run needs).
    pub async fn stop(mut self) {
        let _ = self.process.terminate(STOP_GRACE).await;
        if let Err(err) = std::fs::remove_dir_all(&self.dir) {
            tracing::debug!(dir = %self.dir.display(), error = %err, "remove a stopped warm driver's directory");
        }
    }

    /// The driver closed its stdout: wait (bounded) for its exit and say how
    /// it ended and how its warm-up log ends.
    async fn exit_error(&mut self, what: &str) -> EngineError {
        let exit = match tokio::time::timeout(EXIT_TIMEOUT, self.process.wait()).await {
            Ok(Ok(report)) => report.describe(),
            Ok(Err(err)) => format!("exit status unknown: {err}"),
            Err(_) => "still running".to_string(),
        };
        self.failure(&format!("{what} ({exit})"))
    }

    fn failure(&self, what: &str) -> EngineError {
        let log = self.warm_up_log();
        let lines = tail_lines(&log);
        let tail = lines[lines.len().saturating_sub(20)..].join("\n");
        EngineError::io(
            "warm Spark driver",
            std::io::Error::other(format!("{what}; {} ends with:\n{tail}", log.display())),
        )
    }
}

/// Reads control lines until `expected` (true) or the end of the stream
/// (false). Cancel-safe: `next_line` is, and no state is kept between lines.
async fn next_line_is(control: &mut Lines<BufReader<ChildStdout>>, expected: &str) -> std::io::Result<bool> {
    while let Some(line) = control.next_line().await? {
        if line.trim() == expected {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The interpreter a cold spark-submit runs the driver with: PythonRunner's
/// order of `spark.pyspark.driver.python`, `spark.pyspark.python`,
/// `PYSPARK_DRIVER_PYTHON`, `PYSPARK_PYTHON`, over the job's environment.
fn driver_python(plan: &SparkJobPlan, runtime: &InstalledRuntime, context: &LaunchContext<'_>) -> String {
    let conf = &plan.conf.conf;
    let env = |name: &str| {
        let from_plan = plan.conf.driver_env.get(name).or_else(|| plan.conf.executor_env.get(name)).cloned();
        from_plan.or_else(|| context.env.iter().rev().find(|(key, _)| key == name).map(|(_, value)| value.clone()))
    };
    conf.get("spark.pyspark.driver.python")
        .or_else(|| conf.get("spark.pyspark.python"))
        .cloned()
        .or_else(|| env("PYSPARK_DRIVER_PYTHON"))
        .or_else(|| std::env::var("PYSPARK_DRIVER_PYTHON").ok().filter(|value| !value.is_empty()))
        .or_else(|| env("PYSPARK_PYTHON"))
        .unwrap_or_else(|| runtime.python.clone())
}

/// Whether a session of `plan` may run on a warm driver started for
/// `template` (see [`WarmDriver::become_session`]).
pub fn session_fits(template: &SparkJobPlan, plan: &SparkJobPlan) -> bool {
    session_matches(template, plan)
}

/// `work_dir` made absolute, and its `logs/SPARK_DRIVER` folder, created.
async fn driver_log_dir(work_dir: &Path) -> Result<(PathBuf, PathBuf), EngineError> {
    let work_dir = std::path::absolute(work_dir).map_err(|err| EngineError::io("resolve work dir", err))?;
    let log_dir = work_dir.join("logs").join(DRIVER_LOG_FOLDER);
    tokio::fs::create_dir_all(&log_dir)
        .await
        .map_err(|err| EngineError::io(format!("create {}", log_dir.display()), err))?;
    Ok((work_dir, log_dir))
}

/// The request as the one line the driver reads.
fn encode(request: &JobRequest<'_>) -> Result<Vec<u8>, EngineError> {
    let mut line = serde_json::to_vec(request).map_err(|err| EngineError::io("encode job request", err.into()))?;
    line.push(b'\n');
    Ok(line)
}

/// The host's Hadoop settings the plan does not set itself. Static keys
/// among them (no issuer) reach the driver through its stdin pipe, never a
/// command line or file.
fn hadoop_conf<'a>(plan: &SparkJobPlan, context: &'a LaunchContext<'_>) -> BTreeMap<&'a str, &'a str> {
    context
        .default_conf
        .iter()
        .chain(context.secret_conf.iter())
        .filter(|(key, _)| !plan.conf.conf.contains_key(key))
        .filter_map(|(key, value)| Some((key.strip_prefix(HADOOP_PREFIX)?, value.as_str())))
        .collect()
}

fn utf8(path: &Path) -> Result<&str, EngineError> {
    path.to_str().ok_or_else(|| invalid(format!("path {} is not UTF-8", path.display())))
}

fn invalid(message: String) -> EngineError {
    EngineError::io("warm Spark driver", std::io::Error::new(std::io::ErrorKind::InvalidInput, message))
}

#[cfg(test)]
#[path = "warm_tests.rs"]
mod tests;
