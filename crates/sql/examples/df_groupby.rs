//! The floor for the HIVE benchmark: DataFusion alone, no sparkplane. Reads a
//! headered CSV and runs the McDonald's group-by, printing the elapsed time.
//!
//! `cargo run --release -p sparkplane-sql --example df_groupby -- FILE.csv`

use std::time::Instant;

use datafusion::prelude::{CsvReadOptions, SessionConfig, SessionContext};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> datafusion::error::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "examples/data/mcdonalds_dataset.csv".to_string());
    let started = Instant::now();
    let ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(2));
    ctx.register_csv("mcd", &path, CsvReadOptions::new().has_header(true)).await?;
    let frame = ctx
        .sql("SELECT city, is_broken, count(*) AS c FROM mcd GROUP BY city, is_broken ORDER BY c DESC, city LIMIT 3")
        .await?;
    let batches = frame.collect().await?;
    let elapsed = started.elapsed();
    println!("{}", datafusion::arrow::util::pretty::pretty_format_batches(&batches)?);
    println!("elapsed_ms={:.3}", elapsed.as_secs_f64() * 1000.0);
    Ok(())
}
