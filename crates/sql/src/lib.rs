//! The engine for EMR Serverless `HIVE` job runs: HiveQL scripts executed on
//! Apache DataFusion, in process, without a JVM.
//!
//! A job is a script (`jobDriver.hive.query`), an optional init script, and
//! Hive CLI parameters. `run_job` splits the scripts into statements, applies
//! `${var}` substitution, and runs each one: catalog statements against the
//! `Catalog` (the control plane's durable metastore), queries and writes
//! through DataFusion over the object stores a `StoreResolver` provides.
//! Results go to stdout like the Hive CLI; progress and errors to stderr. The
//! first failing statement stops the job with an error naming it, and the
//! error still carries the report of the statements that ran before it.
//!
//! Module map: `script` splits, `params` substitutes, `dialect`/`parse`/`ddl`
//! parse, `rewrite`/`udf` bridge Hive and DataFusion semantics, `table` reads
//! Hive tables, `write` writes them, `view` defines views and expands them
//! into the queries that read them, `wildcard` renames columns a `*`
//! repeats, `ops`/`describe` run catalog statements, `engine` ties a run
//! together, `output` prints results.

mod analysis_position;
mod analyzer;
mod catalog;
mod charset_literal;
mod compare_typing;
mod ddl;
mod decimal_typing;
mod describe;
mod dialect;
mod engine;
mod error;
mod java_dtoa;
mod lazy_nested;
mod map_order;
mod ops;
mod output;
mod params;
mod parse;
mod position;
mod range_units;
mod replace_columns;
mod rewrite;
mod script;
mod store_errors;
mod stores;
mod table;
mod types;
mod udf;
mod view;
mod wildcard;
mod write;

use std::collections::BTreeMap;

pub use catalog::{
    Catalog, ColumnDef, DatabaseDef, InMemoryCatalog, PartitionDef, TableDef, TableFormat, DEFAULT_DATABASE,
};
pub use engine::run_job;
pub use error::{JobFailure, SqlError};
pub use params::parse_parameters;
pub use script::{split_statements, ScriptStatement};
pub use stores::{LocalBucketResolver, StoreResolver};
pub use view::ViewDef;

/// A HIVE job run's input, from `jobDriver.hive` and the `hive-site` classification.
#[derive(Debug, Clone, Default)]
pub struct SqlJob {
    /// Script text of `jobDriver.hive.query`.
    pub query: String,
    /// Script text of `jobDriver.hive.initQueryFile`, run first.
    pub init_script: Option<String>,
    /// Raw `jobDriver.hive.parameters` (`--hiveconf k=v --hivevar k=v`).
    pub parameters: Option<String>,
    /// `hive-site` classification properties; `--hiveconf` overrides them.
    pub hive_site: BTreeMap<String, String>,
}

/// Resources of one run.
#[derive(Debug, Clone)]
pub struct SqlOptions {
    /// DataFusion parallelism (threads/partitions per operator).
    pub target_partitions: usize,
    /// Memory pool size; operators spill or fail beyond it. 0 means unbounded.
    pub memory_limit_bytes: usize,
    /// Location of the `default` database (`s3://bucket/warehouse/` or `file:///...`).
    pub default_warehouse_dir: String,
}

/// What ran, for the job run's record. Serializable so the worker can leave
/// it next to the run's logs for the dashboard.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RunReport {
    /// The statements that succeeded, in order; a failed job lists those
    /// before the failure.
    pub statements: Vec<StatementReport>,
}

/// One successful statement.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatementReport {
    /// 1-based position in its script.
    pub index: usize,
    /// 1-based line where the statement starts.
    pub line: usize,
    pub text_preview: String,
    pub elapsed_ms: u64,
    /// Rows printed (queries) or written (inserts); `None` for other statements.
    pub rows: Option<u64>,
    /// Whether the statement came from the init script.
    pub init_script: bool,
}
