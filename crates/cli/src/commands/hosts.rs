//! `sparkplane hosts`: the host table (list, add, drain, resume, remove),
//! signed with the same keys as the server's other commands.
//!
//! `hosts add NAME` prints the host's credential once, with the agent
//! command to run on that host; the server keeps only its hash.

use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use comfy_table::{presets, Table};
use serde_json::Value;

use super::catalog::Output;
use super::runs::Connection;
use crate::client::{encode_segment, ApiClient};

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    command: Option<HostsCommand>,
    /// Output format of the listing
    #[arg(long, value_enum, default_value_t = Output::Text)]
    output: Output,
    #[command(flatten)]
    connection: Connection,
}

#[derive(clap::Subcommand)]
enum HostsCommand {
    /// Add a host and print its credential (shown once) for `sparkplane agent`.
    Add {
        name: String,
        #[command(flatten)]
        connection: Connection,
    },
    /// Stop new placements on a host; with --wait, until its runs have ended.
    Drain {
        name: String,
        #[arg(long)]
        wait: bool,
        /// Give up waiting after this many seconds (0: wait forever)
        #[arg(long, default_value_t = 0)]
        timeout_seconds: u64,
        #[command(flatten)]
        connection: Connection,
    },
    /// Let a drained host take placements again.
    Resume {
        name: String,
        #[command(flatten)]
        connection: Connection,
    },
    /// Remove a host; its credential stops working.
    Remove {
        name: String,
        #[command(flatten)]
        connection: Connection,
    },
}

fn client(connection: Connection) -> anyhow::Result<ApiClient> {
    ApiClient::new(connection.endpoint, connection.data_dir)
}

fn path(name: &str, action: &str) -> String {
    format!("/sparkplane/v1/hosts/{}{action}", encode_segment(name))
}

pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        None => list(client(args.connection)?, args.output),
        Some(HostsCommand::Add { name, connection }) => {
            let client = client(connection)?;
            let answer: Value = client.post_json(&path(&name, ""), &serde_json::json!({}))?;
            let credential = answer["credential"].as_str().context("the server returned no credential")?;
            println!("host {name} added; its credential (shown only now):\n\n  {credential}\n");
            println!(
                "on that host, run:\n\n  SPARKPLANE_HOST_TOKEN='{credential}' sparkplane agent --server {}",
                client.base()
            );
            Ok(())
        }
        Some(HostsCommand::Drain { name, wait, timeout_seconds, connection }) => {
            let client = client(connection)?;
            let _: Value = client.post_json(&path(&name, "/drain"), &serde_json::json!({}))?;
            println!("host {name} is DRAINING: nothing new is placed there");
            if wait {
                wait_for_runs(&client, &name, timeout_seconds)?;
            }
            Ok(())
        }
        Some(HostsCommand::Resume { name, connection }) => {
            let _: Value = client(connection)?.post_json(&path(&name, "/resume"), &serde_json::json!({}))?;
            println!("host {name} takes placements again");
            Ok(())
        }
        Some(HostsCommand::Remove { name, connection }) => {
            let response = client(connection)?.request("DELETE", &path(&name, ""), "")?;
            if response.status != 200 {
                return Err(response.error());
            }
            println!("host {name} removed");
            Ok(())
        }
    }
}

/// Polls the host until no run has an attempt there.
fn wait_for_runs(client: &ApiClient, name: &str, timeout_seconds: u64) -> anyhow::Result<()> {
    let started = Instant::now();
    loop {
        let answer: Value = client.get_json(&path(name, ""))?;
        let runs = answer["host"]["runningRuns"].as_u64().unwrap_or(0);
        if runs == 0 {
            println!("host {name} is drained: no run has an attempt there");
            return Ok(());
        }
        if timeout_seconds > 0 && started.elapsed() > Duration::from_secs(timeout_seconds) {
            bail!("host {name} still has {runs} run(s) after {timeout_seconds} s");
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

fn list(client: ApiClient, output: Output) -> anyhow::Result<()> {
    let answer: Value = client.get_json("/sparkplane/v1/hosts")?;
    let hosts = answer["hosts"].as_array().cloned().unwrap_or_default();
    if output == Output::Json {
        println!("{}", serde_json::to_string_pretty(&Value::Array(hosts))?);
        return Ok(());
    }
    let mut table = Table::new();
    table.load_preset(presets::NOTHING).set_header([
        "NAME",
        "STATE",
        "ADDRESS",
        "VCPU USED/CAP",
        "MEMORY GB USED/CAP",
        "PROCESSES",
        "RUNS",
        "LAST HEARTBEAT",
    ]);
    for host in &hosts {
        let report = &host["report"];
        let used_of = |used: &str, cap: &str| format!("{}/{}", host["inUse"][used], report["capacity"][cap]);
        let name = host["name"].as_str().unwrap_or_default();
        let embedded = host["embedded"].as_bool().unwrap_or(false);
        table.add_row([
            if embedded { format!("{name} (server)") } else { name.to_string() },
            host["state"].as_str().unwrap_or_default().to_string(),
            report["address"].as_str().unwrap_or("-").to_string(),
            used_of("vcpu", "vcpu"),
            used_of("memoryGb", "memoryGb"),
            host["processCount"].to_string(),
            host["runningRuns"].to_string(),
            heartbeat_age(host["lastHeartbeatAt"].as_i64()),
        ]);
    }
    println!("{table}");
    Ok(())
}

fn heartbeat_age(at: Option<i64>) -> String {
    let Some(at) = at else { return "never".into() };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64);
    format!("{} s ago", (now - at).max(0) / 1000)
}
