//! The floor for the HIVE benchmark: DataFusion alone, no sparkplane. Reads a
//! headered CSV and runs the McDonald's group-by, printing the elapsed time.
//!
//! `cargo run --release -p sparkplane-sql --example df_groupby -- FILE.csv [--strings]`
//!
//! By default DataFusion infers column types (`is_broken` becomes a
//! boolean). `--strings` reads every column as a string, as an OpenCSVSerde
//! table does, so the two floors separate what the engine costs from what
//! Hive's semantics cost.

use std::time::Instant;

use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::prelude::{CsvReadOptions, SessionConfig, SessionContext};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> datafusion::error::Result<()> {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "examples/data/mcdonalds_dataset.csv".to_string());
    let strings = args.any(|arg| arg == "--strings");
    let started = Instant::now();
    let ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(2));
    let schema = if strings {
        let mut header = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(std::fs::File::open(&path)?), &mut header)?;
        Some(Schema::new(
            header.trim_end().split(',').map(|name| Field::new(name, DataType::Utf8, true)).collect::<Vec<_>>(),
        ))
    } else {
        None
    };
    let mut options = CsvReadOptions::new().has_header(true);
    if let Some(schema) = &schema {
        options = options.schema(schema);
    }
    ctx.register_csv("mcd", &path, options).await?;
    let frame = ctx
        .sql("SELECT city, is_broken, count(*) AS c FROM mcd GROUP BY city, is_broken ORDER BY c DESC, city LIMIT 3")
        .await?;
    let batches = frame.collect().await?;
    let elapsed = started.elapsed();
    println!("{}", datafusion::arrow::util::pretty::pretty_format_batches(&batches)?);
    println!("elapsed_ms={:.3}", elapsed.as_secs_f64() * 1000.0);
    Ok(())
}
