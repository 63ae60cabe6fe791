//! `sparkplane`: the command-line interface, and nothing more.
//!
//! This file defines the commands and hands each to its module; the work is
//! in the library crates (server, control, engine, store, auth).

mod client;
mod commands;
mod config;
mod config_console;
mod config_disk;
mod config_hosts;
mod config_images;
mod config_metrics;
mod config_sessions;
mod config_store;

use clap::{CommandFactory, Parser, Subcommand};

#[derive(Parser)]
#[command(name = "sparkplane", version, about = "Self-hosted serverless Spark with the EMR Serverless API")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the all-in-one server: API, state, scheduler and local workers.
    Server(Box<config::ServerFlags>),
    /// Join this machine to a server as a host (see `sparkplane hosts add`).
    Agent(Box<commands::agent::Args>),
    /// The hosts that run engine processes: list, add, drain, resume, remove.
    Hosts(commands::hosts::Args),
    /// The servers that share the store, and which one leads.
    Servers(commands::servers::Args),
    /// Print a one-time URL that signs a browser in to the web console as you.
    Console(commands::console::Args),
    /// Print the root credentials as `export` lines, ready for `eval`.
    Credentials(commands::credentials::Args),
    /// Print (and follow) a job run's driver output.
    Logs(commands::logs::Args),
    /// Read the HIVE catalog: databases, tables, columns, partitions.
    Catalog(commands::catalog::Args),
    /// Show an application's pre-initialized workers (or wait for them).
    Workers(commands::workers::Args),
    /// Run a local script as a job: upload, start, and with --wait show its progress.
    Run(Box<commands::run::Args>),
    /// List applications (like `aws emr-serverless list-applications`).
    Apps(commands::runs::AppsArgs),
    /// List an application's job runs, newest first.
    Runs(commands::runs::RunsArgs),
    /// Cancel a job run.
    Cancel(commands::runs::CancelArgs),
    /// Print a shell completion script: `source <(sparkplane completions bash)`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Manage the pinned engine runtimes.
    #[command(subcommand)]
    Runtime(commands::runtime::Command),
    /// Run one HIVE attempt (started by the server).
    #[command(hide = true)]
    HiveWorker(commands::hive_worker::Args),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Server(flags) => commands::server::run(*flags),
        Command::Agent(args) => commands::agent::run(*args),
        Command::Hosts(args) => commands::hosts::run(args),
        Command::Servers(args) => commands::servers::run(args),
        Command::Console(args) => commands::console::run(args),
        Command::Credentials(args) => commands::credentials::run(args),
        Command::Logs(args) => commands::logs::run(args),
        Command::Catalog(args) => commands::catalog::run(args),
        Command::Workers(args) => commands::workers::run(args),
        Command::Run(args) => commands::run::run(*args),
        Command::Apps(args) => commands::runs::apps(args),
        Command::Runs(args) => commands::runs::runs(args),
        Command::Cancel(args) => commands::runs::cancel(args),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "sparkplane", &mut std::io::stdout());
            Ok(())
        }
        Command::Runtime(command) => commands::runtime::run(command),
        Command::HiveWorker(args) => commands::hive_worker::run(args),
    }
}
