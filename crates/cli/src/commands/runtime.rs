//! `sparkplane runtime install`: install a pinned Spark runtime (or, with
//! `--engine sail`, Sail for sessions) ahead of the first job or session
//! (otherwise that one installs it); `sparkplane runtime list`: which
//! release labels run which Spark, and what is installed.

use std::path::PathBuf;

use anyhow::Context;
use sparkplane_engine::releases::{RELEASES, SPARK_3_5};
use sparkplane_engine::sail::{self, install::SAIL_VERSION};
use sparkplane_engine::{RuntimeManager, SparkRuntime};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Install the Spark runtime of a release label, or Sail.
    Install {
        /// Release label whose runtime to install
        #[arg(long, default_value = "emr-7.9.0", conflicts_with = "engine")]
        release_label: String,
        /// Install this engine instead of a Spark runtime: `sail`, the Rust
        /// Spark Connect server sessions may run on
        #[arg(long, value_parser = ["sail"])]
        engine: Option<String>,
        /// Runtime directory [env: SPARKPLANE_RUNTIME_DIR] [default: DATA_DIR/runtimes]
        #[arg(long)]
        runtime_dir: Option<PathBuf>,
        /// Data directory [env: SPARKPLANE_DATA_DIR] [default: ./sparkplane-data]
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Show the release labels, the Spark each runs, and what is installed.
    List {
        /// Runtime directory [env: SPARKPLANE_RUNTIME_DIR] [default: DATA_DIR/runtimes]
        #[arg(long)]
        runtime_dir: Option<PathBuf>,
        /// Data directory [env: SPARKPLANE_DATA_DIR] [default: ./sparkplane-data]
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
}

fn runtime_dir(runtime_dir: Option<PathBuf>, data_dir: Option<PathBuf>) -> PathBuf {
    runtime_dir
        .or_else(|| std::env::var_os("SPARKPLANE_RUNTIME_DIR").map(PathBuf::from))
        .unwrap_or_else(|| crate::client::data_dir(data_dir).join("runtimes"))
}

fn python() -> String {
    std::env::var("SPARKPLANE_PYTHON").unwrap_or_else(|_| crate::config::DEFAULT_PYTHON.to_string())
}

/// One line per EMR release line; `emr-7.x.y` past the table's last minor
/// runs Spark 3.5 too.
fn list(runtime_dir: PathBuf) {
    let manager = RuntimeManager::new(runtime_dir.clone(), python());
    println!("{:<12} {:<10} {:<16} INSTALLED", "RELEASE", "EMR SPARK", "RUNTIME");
    for release in RELEASES {
        let label = format!("emr-{}.{}.x", release.major, release.minor);
        let (runtime, installed) = match release.runtime {
            Some(runtime) => (
                format!("pyspark {}", runtime.spark_version),
                if manager.is_installed(runtime) { "yes" } else { "no (installs on first use)" },
            ),
            None => ("refused".to_string(), "Spark 3.2 needs Java 8 or 11; use emr-6.8.0 or later"),
        };
        println!("{label:<12} {:<10} {runtime:<16} {installed}", release.emr_spark);
    }
    println!(
        "(emr-7.x.y after the last line runs pyspark {} too; runtimes in {})",
        SPARK_3_5.spark_version,
        runtime_dir.display()
    );
    let sail = if manager.is_sail_installed() { "yes" } else { "no (installs with the first Sail session)" };
    println!("sessions with {}=sail run pysail {SAIL_VERSION}: installed {sail}", sail::ENGINE_PROPERTY);
}

pub fn run(command: Command) -> anyhow::Result<()> {
    let (release_label, engine, runtime_dir) = match command {
        Command::List { runtime_dir: dir, data_dir } => {
            list(runtime_dir(dir, data_dir));
            return Ok(());
        }
        Command::Install { release_label, engine, runtime_dir: dir, data_dir } => {
            (release_label, engine, runtime_dir(dir, data_dir))
        }
    };
    let python = python();
    let tokio = tokio::runtime::Builder::new_current_thread().enable_all().build().context("start async runtime")?;
    if engine.is_some() {
        let installed = tokio.block_on(RuntimeManager::new(runtime_dir, python).ensure_sail())?;
        println!("Sail {SAIL_VERSION} ready: {}", installed.python_path.display());
        return Ok(());
    }
    let spark = SparkRuntime::for_release(&release_label)?;
    // Same switch as the server's `spark_cds`: the archive is recorded here,
    // ahead of the first job, unless drivers will not use it.
    let cds = match std::env::var("SPARKPLANE_SPARK_CDS") {
        Ok(value) if !value.is_empty() => value.parse().context("SPARKPLANE_SPARK_CDS must be true or false")?,
        _ => true,
    };
    let manager = RuntimeManager::new(runtime_dir, python).with_cds(cds);
    let installed = tokio.block_on(manager.ensure(spark))?;
    println!("Spark {} ready: {}", spark.spark_version, installed.spark_submit().display());
    Ok(())
}
