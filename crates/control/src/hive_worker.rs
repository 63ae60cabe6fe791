//! The body of `sparkplane hive-worker --spec FILE`: one HIVE attempt.
//!
//! The supervisor starts this process like a Spark driver (own process group,
//! stdout/stderr captured into `HIVE_DRIVER/`). It stages the script, opens
//! the catalog in the store, runs the script on DataFusion and exits 0, or 1
//! after printing `Error: statement N (line L): ...` as its last stderr line,
//! which becomes the run's `stateDetails`.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use sparkplane_sql::{run_job, Catalog, DatabaseDef, SqlJob, SqlOptions, DEFAULT_DATABASE};
use sparkplane_storage::{ObjectStorage, S3Settings, StorageError};
use sparkplane_store::SqliteStore;

use crate::hive::{resolver_for, HiveWorkerSpec, StoreCatalog, WorkerS3};

/// Runs the attempt described by `spec_path`; returns the process exit code.
pub async fn run_worker(spec_path: &Path) -> i32 {
    let result = run(spec_path).await;
    let _ = std::io::stdout().flush();
    match result {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("Error: {message}");
            1
        }
    }
}

fn settings(s3: &WorkerS3) -> Option<S3Settings> {
    match s3 {
        WorkerS3::None => None,
        WorkerS3::Embedded { endpoint, region, access_key_id, secret_access_key, .. } => Some(S3Settings {
            endpoint: endpoint.clone(),
            region: region.clone(),
            access_key_id: access_key_id.clone(),
            secret_access_key: secret_access_key.clone(),
            virtual_hosted_style: false,
        }),
        WorkerS3::External { endpoint, region, access_key_id, secret_access_key, path_style } => Some(S3Settings {
            endpoint: endpoint.clone(),
            region: region.clone(),
            access_key_id: access_key_id.clone(),
            secret_access_key: secret_access_key.clone(),
            virtual_hosted_style: !path_style,
        }),
    }
}

async fn read_script(storage: &ObjectStorage, uri: &str, work_dir: &Path, name: &str) -> Result<String, String> {
    let path = storage.stage_into(uri, work_dir, Some(name)).await.map_err(|err| match err {
        StorageError::NotFound { uri } => format!("query file not found: {uri}"),
        other => other.to_string(),
    })?;
    std::fs::read_to_string(&path).map_err(|err| format!("read {uri}: {err}"))
}

/// The catalog store a worker keeps open between jobs (a warm worker runs
/// many), keyed by its path.
#[derive(Default)]
pub struct CatalogCache {
    open: Option<(std::path::PathBuf, Arc<StoreCatalog>)>,
}

impl CatalogCache {
    pub async fn get(&mut self, state_db: &Path) -> Result<Arc<StoreCatalog>, String> {
        if let Some((path, catalog)) = &self.open {
            if path == state_db {
                return Ok(catalog.clone());
            }
        }
        let store = SqliteStore::open(state_db).await.map_err(|err| format!("open the catalog: {err}"))?;
        let catalog = Arc::new(StoreCatalog::new(Arc::new(store)));
        self.open = Some((state_db.to_path_buf(), catalog.clone()));
        Ok(catalog)
    }
}

async fn run(spec_path: &Path) -> Result<(), String> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout());
    let mut stderr = std::io::stderr();
    let result = run_attempt(spec_path, &mut CatalogCache::default(), &mut stdout, &mut stderr).await;
    stdout.flush().map_err(|err| format!("write results: {err}"))?;
    result
}

/// One attempt described by `spec_path`, with results and progress written
/// to the given streams: the process's own (cold worker) or the attempt's
/// log files (warm worker).
pub async fn run_attempt(
    spec_path: &Path,
    catalogs: &mut CatalogCache,
    stdout: &mut (dyn Write + Send),
    stderr: &mut (dyn Write + Send),
) -> Result<(), String> {
    let bytes = std::fs::read(spec_path).map_err(|err| format!("read {}: {err}", spec_path.display()))?;
    let spec: HiveWorkerSpec = serde_json::from_slice(&bytes).map_err(|err| format!("bad worker spec: {err}"))?;
    let work_dir = spec_path.parent().unwrap_or_else(|| Path::new("."));
    let storage = ObjectStorage::new(settings(&spec.s3));
    let query = read_script(&storage, &spec.query_uri, work_dir, "query.sql").await?;
    let init_script = match &spec.init_uri {
        Some(uri) => Some(read_script(&storage, uri, work_dir, "init.sql").await?),
        None => None,
    };
    let catalog = catalogs.get(&spec.state_db).await?;
    // Hive always has a `default` database, whose tables live in the warehouse.
    if catalog.get_database(DEFAULT_DATABASE).await.map_err(|err| err.to_string())?.is_none() {
        let default = DatabaseDef {
            name: DEFAULT_DATABASE.to_string(),
            location: spec.warehouse_dir.clone(),
            comment: Some("Default Hive database".to_string()),
            properties: Default::default(),
        };
        catalog.create_database(&default).await.map_err(|err| err.to_string())?;
    }
    let job = SqlJob { query, init_script, parameters: spec.parameters.clone(), hive_site: spec.hive_site.clone() };
    let options = SqlOptions {
        target_partitions: spec.target_partitions.max(1),
        memory_limit_bytes: spec.memory_limit_bytes,
        default_warehouse_dir: spec.warehouse_dir.clone(),
    };
    let result = run_job(&job, &options, catalog, resolver_for(&spec.s3), stdout, stderr).await;
    let (report, error) = match &result {
        Ok(report) => (report, None),
        Err(failure) => (&failure.report, Some(failure.to_string())),
    };
    write_report(work_dir, report, error.as_deref());
    result.map(|_| ()).map_err(|failure| failure.to_string())
}

/// `hive-report.json` in the attempt's work dir: what ran, for the run's
/// dashboard page. Best effort: a job does not fail for its report.
fn write_report(work_dir: &Path, report: &sparkplane_sql::RunReport, error: Option<&str>) {
    let statements: Vec<serde_json::Value> = report
        .statements
        .iter()
        .map(|s| {
            serde_json::json!({
                "index": s.index,
                "line": s.line,
                "text": s.text_preview,
                "elapsed_ms": s.elapsed_ms,
                "rows": s.rows,
                "init_script": s.init_script,
            })
        })
        .collect();
    let body = serde_json::json!({ "statements": statements, "error": error });
    let path = work_dir.join("hive-report.json");
    let tmp = work_dir.join("hive-report.json.tmp");
    let written = std::fs::write(&tmp, body.to_string()).and_then(|_| std::fs::rename(&tmp, &path));
    if let Err(err) = written {
        tracing::warn!(error = %err, "write hive-report.json");
    }
}
