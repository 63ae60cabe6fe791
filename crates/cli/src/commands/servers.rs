//! `sparkplane servers`: the servers that share the store, which one leads,
//! and how old its lease is. Answered by the leader (a standby forwards the
//! request to it).

use comfy_table::{presets, Table};
use serde_json::Value;

use super::catalog::Output;
use super::runs::Connection;
use crate::client::ApiClient;

#[derive(clap::Args)]
pub struct Args {
    /// Output format
    #[arg(long, value_enum, default_value_t = Output::Text)]
    output: Output,
    #[command(flatten)]
    connection: Connection,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let client = ApiClient::new(args.connection.endpoint, args.connection.data_dir)?;
    let answer: Value = client.get_json("/sparkplane/v1/servers")?;
    if args.output == Output::Json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(());
    }
    let mut table = Table::new();
    table.load_preset(presets::NOTHING).set_header(["NAME", "STATE", "API", "PID", "LAST SEEN"]);
    for server in answer["servers"].as_array().into_iter().flatten() {
        table.add_row([
            server["name"].as_str().unwrap_or_default().to_string(),
            server["state"].as_str().unwrap_or_default().to_string(),
            server["apiUrl"].as_str().unwrap_or("-").to_string(),
            server["pid"].to_string(),
            format!("{:.1} s ago", server["lastSeenMillisAgo"].as_i64().unwrap_or(0) as f64 / 1000.0),
        ]);
    }
    println!("{table}");
    match answer["lease"].as_object() {
        Some(lease) => println!(
            "\nleader lease: token {}, held for {:.1} s, expires in {:.1} s unless renewed",
            lease["token"],
            lease["heldForMillis"].as_i64().unwrap_or(0) as f64 / 1000.0,
            lease["expiresInMillis"].as_i64().unwrap_or(0) as f64 / 1000.0
        ),
        None => println!("\nno server holds the leader lease"),
    }
    Ok(())
}
