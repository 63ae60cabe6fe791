//! `sparkplane hive-worker --spec FILE`: the process one HIVE attempt runs in;
//! `--serve`: a pre-initialized worker taking jobs over stdin (both started by
//! the server, not by users).

use std::path::PathBuf;

use anyhow::Context;

#[derive(clap::Args)]
pub struct Args {
    /// The attempt's spec, written by the server into the work dir
    #[arg(long, required_unless_present = "serve")]
    spec: Option<PathBuf>,
    /// Stay up as a pre-initialized worker, taking jobs on stdin
    #[arg(long)]
    serve: bool,
    /// Name of this warm worker in logs
    #[arg(long, default_value = "worker")]
    label: String,
}

/// Worker threads get large stacks: DataFusion plans deep expressions
/// recursively.
const WORKER_STACK_BYTES: usize = 8 * 1024 * 1024;

pub fn run(args: Args) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(WORKER_STACK_BYTES)
        .build()
        .context("start async runtime")?;
    let code = match &args.spec {
        _ if args.serve => runtime.block_on(sparkplane_control::hive::channel::serve(&args.label)),
        Some(spec) => runtime.block_on(sparkplane_control::hive::worker::run_worker(spec)),
        None => anyhow::bail!("hive-worker needs --spec FILE or --serve"),
    };
    drop(runtime);
    std::process::exit(code);
}
