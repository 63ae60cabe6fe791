//! `sparkplane agent --server URL`: joins this machine to a server as a
//! host. The credential comes from `sparkplane hosts add` through
//! `SPARKPLANE_HOST_TOKEN` or `--token-file` (never a flag: command lines
//! are visible to every user of the machine). The agent reports this
//! machine's capacity and heartbeats; the loop is `sparkplane_hosts::agent`.

use std::collections::BTreeMap;
use std::net::{IpAddr, UdpSocket};
use std::path::PathBuf;

use anyhow::{bail, Context};
use sparkplane_control::base::host::HostLimits;
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
    let runtime = tokio::runtime::Runtime::new().context("start the async runtime")?;
    runtime
        .block_on(agent.run(|| base.clone(), super::server::shutdown_signal()))
        .map_err(|err| anyhow::anyhow!("agent stopped: {err}"))
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
