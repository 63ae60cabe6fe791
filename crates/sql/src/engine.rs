//! Running a job: the session, the statement loop, queries and their output.
//!
//! One DataFusion `SessionContext` serves the whole job, with the memory pool
//! and object stores of the run. Before each query the tables it references
//! are looked up in the durable catalog and registered afresh, so a partition
//! added by the previous statement is visible to the next one.

use std::collections::BTreeMap;
use std::io::Write;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Instant;

use datafusion::catalog::{CatalogProvider, MemoryCatalogProvider, MemorySchemaProvider, SchemaProvider};
use datafusion::common::TableReference;
use datafusion::dataframe::DataFrame;
use datafusion::execution::memory_pool::{FairSpillPool, MemoryPool, TrackConsumersPool, UnboundedMemoryPool};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};
use datafusion::sql::parser::Statement as DfStatement;
use datafusion::sql::sqlparser::ast::{Query, Statement};
use futures::StreamExt;

use crate::catalog::{Catalog, DatabaseDef, TableDef, DEFAULT_DATABASE};
use crate::error::{JobFailure, Result, SqlError};
use crate::output::{write_batch, write_header};
use crate::params::{parse_parameters, substitute};
use crate::parse::{parse_command, Command};
use crate::rewrite::rewrite_query;
use crate::script::{preview, split_statements};
use crate::stores::{join_uri, normalize_uri, ResolverRegistry, StoreResolver};
use crate::table::HiveTable;
use crate::{RunReport, SqlJob, SqlOptions, StatementReport};

/// DataFusion's name for the catalog our databases live in.
const CATALOG_NAME: &str = "hive";

/// Where statement output goes.
pub struct Output<'a> {
    pub stdout: &'a mut (dyn Write + Send),
    pub stderr: &'a mut (dyn Write + Send),
}

/// State of one job run.
pub struct JobSession<'a> {
    pub(crate) ctx: SessionContext,
    pub(crate) catalog: Arc<dyn Catalog>,
    pub(crate) options: &'a SqlOptions,
    pub(crate) current_db: String,
    pub(crate) hivevar: BTreeMap<String, String>,
    pub(crate) hiveconf: BTreeMap<String, String>,
    /// The cause of the last failed write, which DataFusion's sinks drop.
    pub(crate) write_errors: crate::store_errors::LastWriteError,
}

/// Runs the job's init script, then its query script, statement by statement.
///
/// A failure names the statement and line it stopped at and carries the
/// report of the statements that succeeded before it.
pub async fn run_job(
    job: &SqlJob,
    options: &SqlOptions,
    catalog: Arc<dyn Catalog>,
    stores: Arc<dyn StoreResolver>,
    stdout: &mut (dyn Write + Send),
    stderr: &mut (dyn Write + Send),
) -> Result<RunReport, JobFailure> {
    let mut report = RunReport::default();
    match run_scripts(job, options, catalog, stores, &mut Output { stdout, stderr }, &mut report).await {
        Ok(()) => Ok(report),
        Err(error) => Err(JobFailure { report, error }),
    }
}

async fn run_scripts(
    job: &SqlJob,
    options: &SqlOptions,
    catalog: Arc<dyn Catalog>,
    stores: Arc<dyn StoreResolver>,
    out: &mut Output<'_>,
    report: &mut RunReport,
) -> Result<()> {
    let (hivevar, params_conf) = parse_parameters(job.parameters.as_deref().unwrap_or(""))?;
    let mut hiveconf = job.hive_site.clone();
    hiveconf.extend(params_conf);
    let mut session = JobSession::new(options, catalog, stores, hivevar, hiveconf)?;
    if let Some(init) = &job.init_script {
        session.run_script(init, "init script ", report, out).await?;
    }
    session.run_script(&job.query, "", report, out).await?;
    out.stdout.flush()?;
    Ok(())
}

impl<'a> JobSession<'a> {
    pub fn new(
        options: &'a SqlOptions,
        catalog: Arc<dyn Catalog>,
        stores: Arc<dyn StoreResolver>,
        hivevar: BTreeMap<String, String>,
        hiveconf: BTreeMap<String, String>,
    ) -> Result<Self> {
        // Sorts and aggregations spill to local temp files when the pool is
        // full; other operators (hash join builds) fail with "Resources exhausted",
        // which ends the statement, not the process.
        let pool: Arc<dyn MemoryPool> = if options.memory_limit_bytes == 0 {
            Arc::new(UnboundedMemoryPool::default())
        } else {
            let top = NonZeroUsize::new(3).unwrap_or(NonZeroUsize::MIN);
            Arc::new(TrackConsumersPool::new(FairSpillPool::new(options.memory_limit_bytes), top))
        };
        let write_errors = crate::store_errors::LastWriteError::default();
        let runtime = RuntimeEnvBuilder::new()
            .with_memory_pool(pool)
            .with_object_store_registry(Arc::new(ResolverRegistry::new(stores, write_errors.clone())))
            .build_arc()?;
        let mut config = SessionConfig::new()
            .with_target_partitions(options.target_partitions.max(1))
            .with_default_catalog_and_schema(CATALOG_NAME, DEFAULT_DATABASE)
            .with_information_schema(false);
        // Hive sorts NULLs as the smallest value (first ascending, last descending).
        config.options_mut().sql_parser.default_null_ordering = "nulls_min".into();
        if options.memory_limit_bytes > 0 {
            // A sort reserves this much up front to merge its spills; DataFusion's
            // 10 MB default would not fit a small pool shared by several sorts.
            let execution = &mut config.options_mut().execution;
            let share = options.memory_limit_bytes / (4 * options.target_partitions.max(1));
            execution.sort_spill_reservation_bytes = execution.sort_spill_reservation_bytes.min(share);
        }
        let ctx = SessionContext::new_with_config_rt(config, runtime);
        // Hive's DECIMAL result types, before DataFusion coerces with its own.
        crate::decimal_typing::install(&ctx);
        // Hive's RANGE offsets on date-time keys (days, seconds), also before coercion.
        crate::range_units::install(&ctx);
        // Hive compares a number with a string as doubles.
        crate::compare_typing::install(&ctx);
        crate::udf::register(&ctx);
        ctx.add_analyzer_rule(Arc::new(crate::map_order::MapOrdering));
        if let Some(zone) = hiveconf.get(crate::udf::timezone::LOCAL_TIME_ZONE_KEY) {
            crate::udf::timezone::set_session_time_zone(&ctx, zone)?;
        }
        Ok(Self { ctx, catalog, options, current_db: DEFAULT_DATABASE.to_string(), hivevar, hiveconf, write_errors })
    }

    async fn run_script(
        &mut self,
        script: &str,
        prefix: &'static str,
        report: &mut RunReport,
        out: &mut Output<'_>,
    ) -> Result<()> {
        for stmt in split_statements(script) {
            let started = Instant::now();
            // The text the parser saw, to map an error position back to the file.
            let mut parsed = None;
            let result = match substitute(&stmt.text, &self.hivevar, &self.hiveconf) {
                Ok(text) => {
                    let result = match parse_command(&text) {
                        Ok(cmd) => self.execute(cmd, out).await,
                        Err(e) => Err(e),
                    };
                    parsed = Some(text);
                    result
                }
                Err(e) => Err(e),
            };
            let elapsed = started.elapsed();
            match result {
                Ok(rows) => {
                    let secs = elapsed.as_secs_f64();
                    writeln!(out.stderr, "OK")?;
                    match rows {
                        Some(n) if n.fetched => {
                            writeln!(out.stderr, "Time taken: {secs:.3} seconds, Fetched: {} row(s)", n.rows)?
                        }
                        _ => writeln!(out.stderr, "Time taken: {secs:.3} seconds")?,
                    }
                    report.statements.push(StatementReport {
                        index: stmt.index,
                        line: stmt.line,
                        text_preview: preview(&stmt.text, 80),
                        elapsed_ms: elapsed.as_millis() as u64,
                        rows: rows.map(|r| r.rows),
                        init_script: !prefix.is_empty(),
                    });
                }
                Err(e) => {
                    // The one place every failure of a statement passes, whether
                    // it was raised parsing, planning or executing (memory pool,
                    // unreadable file, bad cast, catalog): name it here, once.
                    let e = e.at(prefix, &stmt, parsed.as_deref());
                    // A broken stderr must not hide the statement's own error.
                    let _ = writeln!(out.stderr, "FAILED: {e}");
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    async fn execute(&mut self, cmd: Command, out: &mut Output<'_>) -> Result<Option<RowCount>> {
        let Command::Batch(cmds) = cmd else { return self.execute_one(cmd, out).await };
        let mut total: Option<RowCount> = None;
        for cmd in cmds {
            if let Some(n) = self.execute_one(cmd, out).await? {
                let t = total.get_or_insert(RowCount { rows: 0, fetched: n.fetched });
                t.rows += n.rows;
                t.fetched |= n.fetched;
            }
        }
        Ok(total)
    }

    async fn execute_one(&mut self, cmd: Command, out: &mut Output<'_>) -> Result<Option<RowCount>> {
        match cmd {
            Command::Set { key, value } => self.set(key, value, out).map(|_| None),
            Command::Query(q) => self.run_query(*q, out).await.map(Some),
            Command::Explain { analyze, verbose, query } => {
                let df = self.query_df(*query).await?.explain(verbose, analyze)?;
                let batches = df.collect().await?;
                for b in &batches {
                    write_batch(out.stdout, b)?;
                }
                Ok(None)
            }
            Command::Insert { overwrite, target, query } => {
                let rows = self.insert(overwrite, target, *query, out).await?;
                Ok(Some(RowCount { rows, fetched: false }))
            }
            Command::Analyze => {
                writeln!(out.stderr, "ANALYZE TABLE: statistics are not collected, nothing to do")?;
                Ok(None)
            }
            other => self.catalog_command(other, out).await.map(|_| None),
        }
    }

    fn set(&mut self, key: Option<String>, value: Option<String>, out: &mut Output<'_>) -> Result<()> {
        match (key, value) {
            (None, _) => {
                for (k, v) in &self.hiveconf {
                    writeln!(out.stdout, "{k}={v}")?;
                }
                for (k, v) in &self.hivevar {
                    writeln!(out.stdout, "hivevar:{k}={v}")?;
                }
            }
            (Some(k), None) => {
                let v = match k.strip_prefix("hivevar:") {
                    Some(name) => self.hivevar.get(name),
                    None => self.hiveconf.get(k.strip_prefix("hiveconf:").unwrap_or(&k)),
                };
                match v {
                    Some(v) => writeln!(out.stdout, "{k}={v}")?,
                    None => writeln!(out.stdout, "{k} is undefined")?,
                }
            }
            (Some(k), Some(v)) => {
                if let Some(name) = k.strip_prefix("hivevar:") {
                    self.hivevar.insert(name.to_string(), v);
                } else {
                    let key = k.strip_prefix("hiveconf:").unwrap_or(&k);
                    if key == crate::udf::timezone::LOCAL_TIME_ZONE_KEY {
                        crate::udf::timezone::set_session_time_zone(&self.ctx, &v)?;
                    }
                    self.hiveconf.insert(key.to_string(), v);
                }
            }
        }
        Ok(())
    }

    fn print_header(&self) -> bool {
        self.conf_flag("hive.cli.print.header", false)
    }

    /// A boolean `hiveconf` setting, `default` when unset.
    pub(crate) fn conf_flag(&self, key: &str, default: bool) -> bool {
        self.hiveconf.get(key).map_or(default, |v| v.trim().eq_ignore_ascii_case("true"))
    }

    async fn run_query(&mut self, query: Query, out: &mut Output<'_>) -> Result<RowCount> {
        let df = self.query_df(query).await?;
        if self.print_header() {
            let names: Vec<String> = df.schema().fields().iter().map(|f| f.name().clone()).collect();
            write_header(out.stdout, &names)?;
        }
        let mut stream = df.execute_stream().await?;
        let mut rows = 0u64;
        while let Some(batch) = stream.next().await {
            rows += write_batch(out.stdout, &batch?)? as u64;
        }
        Ok(RowCount { rows, fetched: true })
    }

    /// Plans a (Hive) query into a DataFrame, registering the tables it reads.
    pub(crate) async fn query_df(&self, mut query: Query) -> Result<DataFrame> {
        rewrite_query(&mut query, &self.current_db)?;
        self.expand_views(&mut query).await?;
        let mut stmt = DfStatement::Statement(Box::new(Statement::Query(Box::new(query))));
        self.register_tables(&stmt).await?;
        self.alias_wildcard_duplicates(&mut stmt).await?;
        let plan = self.ctx.state().statement_to_plan(stmt).await?;
        Ok(self.ctx.execute_logical_plan(plan).await?)
    }

    async fn register_tables(&self, stmt: &DfStatement) -> Result<()> {
        let refs = self.ctx.state().resolve_table_references(stmt)?;
        let catalog = MemoryCatalogProvider::new();
        let mut schemas: BTreeMap<String, Arc<MemorySchemaProvider>> = BTreeMap::new();
        for r in refs {
            let (db, name) = match &r {
                TableReference::Bare { table } => (self.current_db.clone(), table.to_string()),
                TableReference::Partial { schema, table } => (schema.to_string(), table.to_string()),
                TableReference::Full { catalog, schema, table } if catalog.as_ref() == CATALOG_NAME => {
                    (schema.to_string(), table.to_string())
                }
                TableReference::Full { .. } => return Err(SqlError::TableNotFound(r.to_string())),
            };
            let def = self.table(&db, &name).await?;
            let schema = schemas.entry(db).or_insert_with(|| Arc::new(MemorySchemaProvider::new()));
            if !schema.table_exist(&name) {
                schema.register_table(name, Arc::new(HiveTable::try_new(def)?))?;
            }
        }
        for (db, schema) in schemas {
            catalog.register_schema(&db, schema)?;
        }
        if catalog.schema(&self.current_db).is_none() {
            catalog.register_schema(&self.current_db, Arc::new(MemorySchemaProvider::new()))?;
        }
        self.ctx.register_catalog(CATALOG_NAME, Arc::new(catalog));
        self.ctx.state_ref().write().config_mut().options_mut().catalog.default_schema = self.current_db.clone();
        Ok(())
    }

    /// The table or `TableNotFound`.
    pub(crate) async fn table(&self, db: &str, name: &str) -> Result<TableDef> {
        self.catalog.get_table(db, name).await?.ok_or_else(|| SqlError::TableNotFound(format!("{db}.{name}")))
    }

    /// The database or `DatabaseNotFound`; `default` always exists.
    pub(crate) async fn database(&self, name: &str) -> Result<DatabaseDef> {
        if let Some(db) = self.catalog.get_database(name).await? {
            return Ok(db);
        }
        if name == DEFAULT_DATABASE {
            return Ok(DatabaseDef {
                name: name.to_string(),
                location: normalize_uri(&self.options.default_warehouse_dir)?,
                comment: Some("Default Hive database".into()),
                properties: BTreeMap::new(),
            });
        }
        Err(SqlError::DatabaseNotFound(name.to_string()))
    }

    /// Where a managed table lives by default: `<db location>/<table>`.
    pub(crate) async fn default_table_location(&self, db: &str, table: &str) -> Result<String> {
        Ok(join_uri(&self.database(db).await?.location, table))
    }
}

/// Rows a statement produced: fetched (printed) or written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RowCount {
    pub rows: u64,
    pub fetched: bool,
}
