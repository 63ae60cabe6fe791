//! `sparkplane runtime install`: install a pinned Spark runtime ahead of the
//! first job (otherwise the first job installs it).

use std::path::PathBuf;

use anyhow::Context;
use sparkplane_engine::{RuntimeManager, SparkRuntime};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Install the Spark runtime of a release label.
    Install {
        /// Release label whose runtime to install
        #[arg(long, default_value = "emr-7.9.0")]
        release_label: String,
        /// Runtime directory [env: SPARKPLANE_RUNTIME_DIR] [default: DATA_DIR/runtimes]
        #[arg(long)]
        runtime_dir: Option<PathBuf>,
        /// Data directory [env: SPARKPLANE_DATA_DIR] [default: ./sparkplane-data]
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
}

pub fn run(command: Command) -> anyhow::Result<()> {
    let Command::Install { release_label, runtime_dir, data_dir } = command;
    let runtime_dir = runtime_dir
        .or_else(|| std::env::var_os("SPARKPLANE_RUNTIME_DIR").map(PathBuf::from))
        .unwrap_or_else(|| crate::client::data_dir(data_dir).join("runtimes"));
    let python = std::env::var("SPARKPLANE_PYTHON").unwrap_or_else(|_| crate::config::DEFAULT_PYTHON.to_string());
    let spark = SparkRuntime::for_release(&release_label)?;
    // Same switch as the server's `spark_cds`: the archive is recorded here,
    // ahead of the first job, unless drivers will not use it.
    let cds = match std::env::var("SPARKPLANE_SPARK_CDS") {
        Ok(value) if !value.is_empty() => value.parse().context("SPARKPLANE_SPARK_CDS must be true or false")?,
        _ => true,
    };
    let manager = RuntimeManager::new(runtime_dir, python).with_cds(cds);
    let tokio = tokio::runtime::Builder::new_current_thread().enable_all().build().context("start async runtime")?;
    let installed = tokio.block_on(manager.ensure(spark))?;
    println!("Spark {} ready: {}", spark.spark_version, installed.spark_submit().display());
    Ok(())
}
