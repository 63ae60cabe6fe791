//! Starts Sail's Spark Connect server for a session: in the session's work
//! dir, under the host's sandbox, in a network namespace of its own, with
//! its output in the driver's log folder (the service's layout has no other
//! place for a session's engine).

use std::net::Ipv4Addr;
use std::path::Path;
use std::process::Stdio;

use sparkplane_storage::WorkerLogDir;
use tokio::process::Command;

use super::install::InstalledSail;
use super::netns::{self, NetNs};
use crate::sandbox::{clean_env, Sandbox};
use crate::spark::{LaunchedAttempt, DRIVER_LOG_FOLDER};
use crate::EngineError;

/// A started Sail: its process and logs, and the namespace its port is in.
pub struct LaunchedSail {
    pub launched: LaunchedAttempt,
    pub netns: NetNs,
}

/// Starts `sail spark server` on loopback `port` of a new network
/// namespace. `env` carries what reaches S3 (endpoint, region, credentials
/// source): values that may be secrets, so only in the environment of a
/// process no other job can read.
pub fn launch_sail(
    sail: &InstalledSail,
    work_dir: &Path,
    sandbox: &Sandbox,
    env: &[(String, String)],
    port: u16,
) -> Result<LaunchedSail, EngineError> {
    if !netns::can_isolate() {
        return Err(EngineError::ConnectStart(netns::NO_NAMESPACE.to_string()));
    }
    let log_dir = work_dir.join("logs").join(DRIVER_LOG_FOLDER);
    std::fs::create_dir_all(&log_dir).map_err(|err| EngineError::io(format!("create {}", log_dir.display()), err))?;
    let mut command = Command::new(&sail.python);
    clean_env(&mut command);
    command.current_dir(work_dir);
    command.args(["-m", "pysail", "spark", "server", "--ip"]).arg(Ipv4Addr::LOCALHOST.to_string());
    command.arg("--port").arg(port.to_string()).arg("-C").arg(work_dir);
    command.env("PYTHONPATH", &sail.python_path);
    // The AWS SDK's other credential sources are the server's, not the
    // session's: its files and the instance metadata stay out of reach.
    command.env("AWS_CONFIG_FILE", work_dir.join("no-aws-config"));
    command.env("AWS_SHARED_CREDENTIALS_FILE", work_dir.join("no-aws-credentials"));
    command.env("AWS_EC2_METADATA_DISABLED", "true");
    command.envs(env.iter().map(|(k, v)| (k, v)));
    let stdout =
        std::fs::File::create(log_dir.join("stdout")).map_err(|err| EngineError::io("create driver stdout", err))?;
    let stderr =
        std::fs::File::create(log_dir.join("stderr")).map_err(|err| EngineError::io("create driver stderr", err))?;
    command.stdin(Stdio::null()).stdout(stdout).stderr(stderr);
    // Before the sandbox's hook: the namespace is made while the child
    // still has the capability to make it.
    netns::isolate_on_exec(&mut command);
    sandbox.confine(&mut command, work_dir)?;
    let process = crate::ProcessGroup::spawn(command).map_err(|err| {
        EngineError::ConnectStart(format!("start the Sail server in a network namespace of its own: {err}"))
    })?;
    let pid = u32::try_from(process.pgid()).map_err(|_| EngineError::ConnectStart("pid out of range".to_string()))?;
    let netns = NetNs::of_process(pid).map_err(|err| {
        // Never left running where it could be reached by anyone.
        crate::process::kill_group(process.pgid(), crate::process::SIGKILL);
        EngineError::ConnectStart(format!("the Sail server's network namespace: {err}"))
    })?;
    let logs = vec![WorkerLogDir { worker: DRIVER_LOG_FOLDER.to_string(), dir: log_dir }];
    Ok(LaunchedSail { launched: LaunchedAttempt { process, logs }, netns })
}
