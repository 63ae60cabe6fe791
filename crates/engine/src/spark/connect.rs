//! The engine of an interactive session: a Spark Connect server.
//!
//! A session's driver is `spark-submit` of Spark's own
//! `SparkConnectServer` class, started like a job's driver (same
//! configuration layers, environment, credentials, sandbox and log
//! folder), listening for gRPC on a loopback port that sparkplane picks.
//! Spark checks every call for `spark.connect.authenticate.token`, a
//! secret only sparkplane knows: it goes into the 0600 properties file, never
//! on a command line, so another job on this host cannot use the port
//! directly. Clients reach it through sparkplane's authenticating endpoint.

use std::net::Ipv4Addr;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use sparkplane_api::{Configuration, SparkSubmit};
use sparkplane_storage::WorkerLogDir;
use tokio::process::Command;

use super::images::{spawn_confined, Role};
use super::launch::{set_credentials_env, set_job_env, submit_options, write_secret_properties, LaunchedAttempt};
use super::{SparkJobPlan, DRIVER_LOG_FOLDER};
use crate::process::ProcessGroup;
use crate::runtime::{InstalledRuntime, SESSION_RUNTIME};
use crate::sail::{check_session_configuration, without_engine_property, SessionEngine};
use crate::sandbox::clean_env;
use crate::EngineError;

/// Spark's Spark Connect server, run as a spark-submit main class.
pub const CONNECT_SERVER_CLASS: &str = "org.apache.spark.sql.connect.service.SparkConnectServer";
/// spark-submit's placeholder primary resource for Spark's own classes.
const INTERNAL_RESOURCE: &str = "spark-internal";
/// The property that makes Spark refuse calls without the secret.
pub const AUTH_TOKEN_PROPERTY: &str = "spark.connect.authenticate.token";
/// Properties sparkplane decides for a session's engine: a job may not move
/// the port or open it beyond loopback, or drop the secret.
const RESERVED: [&str; 3] =
    ["spark.connect.grpc.binding.port", "spark.connect.grpc.binding.address", AUTH_TOKEN_PROPERTY];

/// The plan of a session's engine: the application's and the session's
/// `runtimeConfiguration` over sparkplane's defaults, on [`SESSION_RUNTIME`].
pub fn session_plan(
    release_label: &str,
    application_configuration: &[Configuration],
    session_configuration: &[Configuration],
) -> Result<SparkJobPlan, EngineError> {
    let driver = SparkSubmit {
        entry_point: INTERNAL_RESOURCE.to_string(),
        entry_point_arguments: None,
        spark_submit_parameters: None,
    };
    let engine = SessionEngine::of(application_configuration, session_configuration)?;
    if engine == SessionEngine::Sail {
        check_session_configuration(session_configuration)?;
        // One process, sized as a default driver, holds the whole session.
        let mut plan = SparkJobPlan::new(release_label, &driver, &[], &[])?;
        plan.runtime = SESSION_RUNTIME;
        plan.resources.executor_count = 0;
        plan.resources.elastic = None;
        return Ok(plan);
    }
    // The label is checked like a job's (so a bad one fails the same way);
    // the engine is Spark 4 whatever it names.
    let (application, session) =
        (without_engine_property(application_configuration), without_engine_property(session_configuration));
    SparkJobPlan::new(release_label, &driver, &application, &session)
        .map(|mut plan| {
            plan.runtime = SESSION_RUNTIME;
            plan
        })?
        .reserved_checked()
}

impl SparkJobPlan {
    fn reserved_checked(self) -> Result<SparkJobPlan, EngineError> {
        // A session's executors are threads of its driver (`local[N]`).
        if self.resources.elastic.is_some() {
            return Err(EngineError::Property {
                key: "spark.dynamicAllocation.enabled".to_string(),
                value: "true".to_string(),
                reason: "a session runs its executors inside its driver; dynamic allocation is not supported for \
                         sessions yet (set spark.executor.instances)"
                    .to_string(),
            });
        }
        match RESERVED.iter().find(|key| self.conf.conf.contains_key(**key)) {
            Some(key) => Err(EngineError::Property {
                key: key.to_string(),
                value: "...".to_string(),
                reason: "the service sets it for a session's Spark Connect server".to_string(),
            }),
            None => Ok(self),
        }
    }
}

/// A loopback port free right now, for the engine to bind.
pub fn free_loopback_port() -> Result<u16, EngineError> {
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|err| EngineError::io("pick a port for the Spark Connect server", err))?;
    listener.local_addr().map(|a| a.port()).map_err(|err| EngineError::io("pick a port", err))
}

/// Starts the Spark Connect server of `plan` on `port`, requiring `secret`.
/// The secret goes into a properties file in `secrets_dir`, which the engine
/// may read and nothing else sparkplane starts can: not the work dir, which
/// the application's warm drivers may reach (a session's may become one).
pub fn launch_connect_server(
    plan: &SparkJobPlan,
    runtime: &InstalledRuntime,
    work_dir: &Path,
    secrets_dir: &Path,
    mut context: super::LaunchContext<'_>,
    port: u16,
    secret: &str,
) -> Result<LaunchedAttempt, EngineError> {
    let log_dir = work_dir.join("logs").join(DRIVER_LOG_FOLDER);
    std::fs::create_dir_all(&log_dir).map_err(|err| EngineError::io(format!("create {}", log_dir.display()), err))?;
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(secrets_dir)
            .map_err(|err| EngineError::io(format!("create {}", secrets_dir.display()), err))?;
    }
    context.sandbox = context.sandbox.with_read_only([secrets_dir.to_path_buf()]);
    context.secret_conf.push((AUTH_TOKEN_PROPERTY.to_string(), secret.to_string()));
    let mut command = Command::new(runtime.spark_submit());
    clean_env(&mut command);
    command.current_dir(work_dir);
    if let Some(file) = write_secret_properties(plan, &context, runtime, secrets_dir)? {
        command.arg("--properties-file").arg(file);
    }
    command.args(submit_options(plan, &context, runtime));
    command.arg("--conf").arg(format!("spark.connect.grpc.binding.address={}", Ipv4Addr::LOCALHOST));
    command.arg("--conf").arg(format!("spark.connect.grpc.binding.port={port}"));
    command.arg("--class").arg(CONNECT_SERVER_CLASS).arg(INTERNAL_RESOURCE);
    set_job_env(&mut command, plan, runtime, &context);
    set_credentials_env(&mut command, &context);
    let stdout =
        std::fs::File::create(log_dir.join("stdout")).map_err(|err| EngineError::io("create driver stdout", err))?;
    let stderr =
        std::fs::File::create(log_dir.join("stderr")).map_err(|err| EngineError::io("create driver stderr", err))?;
    let stdio = |command: &mut Command| {
        command.stdin(Stdio::null()).stdout(stdout).stderr(stderr);
        Ok(())
    };
    let process = spawn_confined(
        command,
        None,
        Role::Driver,
        &context.sandbox,
        work_dir,
        stdio,
        "start the Spark Connect server",
    )?;
    Ok(LaunchedAttempt { process, logs: vec![WorkerLogDir { worker: DRIVER_LOG_FOLDER.to_string(), dir: log_dir }] })
}

/// Waits until the engine listens on `port`, or its process exits, or
/// `limit` passes. The listening socket must be one of the engine's own
/// (its process group holds it): the port was free when it was picked, and
/// anything else that took it since must never get the engine's secret or
/// a user's queries.
///
/// `own_namespace`: the engine runs in a network namespace of its own
/// (Sail), whose sockets are listed under its own `/proc/<pid>/net`.
pub async fn wait_until_serving(
    process: &mut ProcessGroup,
    port: u16,
    limit: Duration,
    own_namespace: bool,
) -> Result<(), EngineError> {
    let deadline = tokio::time::Instant::now() + limit;
    let net = match own_namespace {
        true => format!("/proc/{}/net", process.pgid()),
        false => "/proc/net".to_string(),
    };
    loop {
        match listener_of(&net, port) {
            Some(inode) if crate::process::group_pids(process.pgid()).iter().any(|pid| holds(*pid, inode)) => {
                return Ok(())
            }
            Some(_) => {
                return Err(EngineError::ConnectStart(format!(
                    "another process took port {port} before the Spark Connect server could listen on it"
                )))
            }
            None => {}
        }
        if !process.is_running() {
            return Err(EngineError::ConnectStart("the Spark Connect server exited while starting".to_string()));
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(EngineError::ConnectStart(format!(
                "the Spark Connect server did not listen within {} s",
                limit.as_secs()
            )));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The inode of the socket listening on loopback `port`, if any: in
/// `/proc/net/tcp` (`0100007F:PORT` in hex) or, as a JVM binds it on a
/// dual-stack host, in `/proc/net/tcp6` as the v4-mapped `::ffff:127.0.0.1`;
/// state `0A` is LISTEN.
fn listener_of(net: &str, port: u16) -> Option<u64> {
    let tables = [
        (format!("{net}/tcp"), format!("0100007F:{port:04X}")),
        (format!("{net}/tcp6"), format!("0000000000000000FFFF00000100007F:{port:04X}")),
    ];
    tables.iter().find_map(|(path, local)| {
        let table = std::fs::read_to_string(path).ok()?;
        table.lines().skip(1).find_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let listening = fields.get(1) == Some(&local.as_str()) && fields.get(3) == Some(&"0A");
            listening.then(|| fields.get(9)?.parse().ok())?
        })
    })
}

/// Whether process `pid` has socket `inode` open.
fn holds(pid: u32, inode: u64) -> bool {
    let wanted = format!("socket:[{inode}]");
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else { return false };
    fds.flatten().any(|fd| std::fs::read_link(fd.path()).is_ok_and(|target| target.as_os_str() == wanted.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_port_taken_by_another_process_is_refused_and_the_engines_own_accepted() {
        // Another process's listener (this test's) on the port: refused at once.
        let other = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let port = other.local_addr().unwrap().port();
        let mut sleeper = tokio::process::Command::new("sleep");
        sleeper.arg("30");
        let mut engine = ProcessGroup::spawn(sleeper).unwrap();
        let err = wait_until_serving(&mut engine, port, Duration::from_secs(5), false).await.unwrap_err();
        assert!(err.to_string().contains("another process took port"), "{err}");
        drop(other);
        let _ = engine.terminate(Duration::ZERO).await;
        // A listener of the engine's own group: serving.
        let port = free_loopback_port().unwrap();
        let script =
            format!("import socket,time; s=socket.socket(); s.bind(('127.0.0.1',{port})); s.listen(); time.sleep(30)");
        let mut python = tokio::process::Command::new("python3");
        python.arg("-c").arg(script);
        let mut engine = ProcessGroup::spawn(python).unwrap();
        wait_until_serving(&mut engine, port, Duration::from_secs(20), false).await.unwrap();
        let _ = engine.terminate(Duration::ZERO).await;
    }
}
