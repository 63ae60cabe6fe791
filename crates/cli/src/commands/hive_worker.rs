//! `sparkplane hive-worker --spec FILE`: the process one HIVE attempt runs in
//! (started by the server, not by users).

use std::path::PathBuf;

use anyhow::Context;

#[derive(clap::Args)]
pub struct Args {
    /// The attempt's spec, written by the server into the work dir
    #[arg(long)]
    spec: PathBuf,
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
    let code = runtime.block_on(sparkplane_control::hive_worker::run_worker(&args.spec));
    drop(runtime);
    std::process::exit(code);
}
