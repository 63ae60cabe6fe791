//! `sparkplane agent --server URL`: joins this machine to a server as a
//! host. The credential comes from `sparkplane hosts add` through
//! `SPARKPLANE_HOST_TOKEN` or `--token-file` (never a flag: command lines
//! are visible to every user of the machine). The agent reports this
//! machine's capacity and heartbeats (the loop is `sparkplane_hosts::agent`)
//! and runs the executors' workers the server places here
//! (`sparkplane_agent`).

use std::collections::BTreeMap;
use std::net::{IpAddr, UdpSocket};
use std::path::PathBuf;

use anyhow::{bail, Context};
use sparkplane_agent::{AgentWork, WorkerHost};
use sparkplane_control::base::host::HostLimits;
use sparkplane_engine::sandbox::{landlock_abi, Confinement, Sandbox};
use sparkplane_hosts::agent::Agent;

#[derive(clap::Args)]
pub struct Args {
    /// The server's API, http://HOST:PORT
    #[arg(long)]
    server: String,
    /// File holding the host credential [default: the SPARKPLANE_HOST_TOKEN variable]
    #[arg(long)]
    token_file: Option<PathBuf>,
    /// The IP other hosts reach this one at [default: the address this host reaches the server from]
    #[arg(long)]
    advertise_address: Option<IpAddr>,
    /// A label KEY=VALUE reported with the host; repeatable
    #[arg(long = "label", value_name = "KEY=VALUE")]
    labels: Vec<String>,
    /// Logical vCPU this host offers [default: 4 per core, at least 16]
    #[arg(long)]
    host_vcpu: Option<u64>,
    /// Logical memory in GB this host offers [default: twice the machine's, at least 64]
    #[arg(long)]
    host_memory_gb: Option<u64>,
    /// Engine processes this host runs at once [default: one per 2 GB of memory]
    #[arg(long)]
    max_engine_processes: Option<u32>,
    /// Where this host keeps its engines' files (its disk is reported) [default: ./sparkplane-agent-data]
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    super::server::init_tracing();
    let token = match &args.token_file {
        Some(path) => std::fs::read_to_string(path).with_context(|| format!("read {}", path.display()))?,
        None => std::env::var("SPARKPLANE_HOST_TOKEN")
            .context("no host credential: set SPARKPLANE_HOST_TOKEN or --token-file (see `sparkplane hosts add`)")?,
    };
    let mut labels = BTreeMap::new();
    for label in &args.labels {
        let Some((key, value)) = label.split_once('=') else { bail!("--label must be KEY=VALUE, got '{label}'") };
        labels.insert(key.to_string(), value.to_string());
    }
    let mut limits = HostLimits::default();
    if let Some(vcpu) = args.host_vcpu {
        limits.vcpu = vcpu;
    }
    if let Some(memory) = args.host_memory_gb {
        limits.memory_gb = memory;
    }
    if let Some(max) = args.max_engine_processes {
        limits.max_processes = max;
    }
    let data_dir = args.data_dir.clone().unwrap_or_else(|| PathBuf::from("./sparkplane-agent-data"));
    std::fs::create_dir_all(&data_dir).with_context(|| format!("create {}", data_dir.display()))?;
    let address = match args.advertise_address {
        Some(ip) => ip,
        None => address_towards(&args.server)?,
    };
    let agent = Agent::new(&args.server, &token).map_err(anyhow::Error::msg)?;
    let base = super::host_report::report(&limits, address, &data_dir, labels);
    eprintln!("sparkplane agent: joining {} as {address}", args.server);
    let python = std::env::var("SPARKPLANE_PYTHON").unwrap_or_else(|_| crate::config::DEFAULT_PYTHON.to_string());
    let sandbox = worker_sandbox(&data_dir, &python);
    let runtime = tokio::runtime::Runtime::new().context("start the async runtime")?;
    runtime.block_on(async {
        let credentials_url = sparkplane_agent::proxy::start(agent.server()).await?;
        let host =
            WorkerHost { address: address.to_string(), data_dir: data_dir.clone(), python, sandbox, credentials_url };
        let logs = sparkplane_agent::logs::LogSender::new(agent.server(), agent.token());
        let mut work = AgentWork::new(host, base, logs)?;
        agent
            .run(&mut work, super::server::shutdown_signal())
            .await
            .map_err(|err| anyhow::anyhow!("agent stopped: {err}"))
    })
}

/// The sandbox of the workers this agent runs: Landlock where the kernel
/// has it; without it, only if `SPARKPLANE_ALLOW_UNCONFINED_JOBS=true`
/// says so (as for the server's own engines), else workers fail to start.
fn worker_sandbox(data_dir: &std::path::Path, python: &str) -> Sandbox {
    let abi = landlock_abi();
    let allow = std::env::var("SPARKPLANE_ALLOW_UNCONFINED_JOBS").is_ok_and(|v| v == "true");
    let confinement = Confinement::decide(abi, allow);
    if confinement != Confinement::Landlock {
        eprintln!("WARNING: no Landlock on this host: executors run unconfined only with SPARKPLANE_ALLOW_UNCONFINED_JOBS=true");
    }
    // The runtime dir is each assignment's (the server names it, and the
    // worker's sandbox adds it read-only); this one holds the workers' own
    // dirs, which each worker may write only under its own.
    Sandbox::for_host(confinement, &data_dir.join("workers"), python)
}

/// The local IP this host uses to reach `server`: a UDP socket connected
/// there (which sends nothing) says which interface the route takes.
fn address_towards(server: &str) -> anyhow::Result<IpAddr> {
    let authority = server
        .trim_start_matches("http://")
        .trim_start_matches("https://")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let with_port = if authority.contains(':') { authority } else { format!("{authority}:80") };
    let socket = UdpSocket::bind("0.0.0.0:0").context("open a socket to find this host's address")?;
    socket.connect(&with_port).with_context(|| format!("no route to {with_port}: pass --advertise-address"))?;
    Ok(socket.local_addr().context("read this host's address")?.ip())
}
