//! The body of `sparkplane hive-worker --spec FILE`: one HIVE attempt.
//!
//! The supervisor starts this process like a Spark driver (own process group,
//! stdout/stderr captured into `HIVE_DRIVER/`). It stages the script, reaches
//! the catalog through the API's metastore (as its execution role), runs
//! the script on DataFusion and exits 0, or 1 after printing `Error: statement N (line L): ...` as its last stderr line,
//! which becomes the run's `stateDetails`.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use sparkplane_sql::{run_job, Catalog, DatabaseDef, SqlJob, SqlOptions, DEFAULT_DATABASE};
use sparkplane_storage::{ObjectStorage, S3Settings, StorageError};

use super::{resolver_for, HiveWorkerSpec, RemoteCatalog, WorkerS3};

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

/// Settings for staging the query files: the S3 service of the spec, whose
/// requests the caller signs with the right provider.
fn settings(spec: &HiveWorkerSpec) -> Option<S3Settings> {
    let (endpoint, region, path_style) = match &spec.s3 {
        WorkerS3::None => return None,
        WorkerS3::Embedded { endpoint } => (endpoint, &spec.region, true),
        WorkerS3::External { endpoint, region, path_style, .. } => (endpoint, region, *path_style),
    };
    Some(S3Settings {
        endpoint: endpoint.clone(),
        region: region.clone(),
        // Unused: every request is signed by the provider.
        access_key_id: String::new(),
        secret_access_key: String::new(),
        virtual_hosted_style: !path_style,
    })
}

async fn read_script(storage: &ObjectStorage, uri: &str, work_dir: &Path, name: &str) -> Result<String, String> {
    let path = storage.stage_into(uri, work_dir, Some(name)).await.map_err(|err| match err {
        StorageError::NotFound { uri } => format!("query file not found: {uri}"),
        other => other.to_string(),
    })?;
    std::fs::read_to_string(&path).map_err(|err| format!("read {uri}: {err}"))
}

async fn run(spec_path: &Path) -> Result<(), String> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout());
    let mut stderr = std::io::stderr();
    let result = run_attempt(spec_path, &mut stdout, &mut stderr).await;
    stdout.flush().map_err(|err| format!("write results: {err}"))?;
    result
}

/// One attempt described by `spec_path`, with results and progress written
/// to the given streams: the process's own (cold worker) or the attempt's
/// log files (warm worker).
pub async fn run_attempt(
    spec_path: &Path,
    stdout: &mut (dyn Write + Send),
    stderr: &mut (dyn Write + Send),
) -> Result<(), String> {
    let bytes = std::fs::read(spec_path).map_err(|err| format!("read {}: {err}", spec_path.display()))?;
    let spec: HiveWorkerSpec = serde_json::from_slice(&bytes).map_err(|err| format!("bad worker spec: {err}"))?;
    let work_dir = spec_path.parent().unwrap_or_else(|| Path::new("."));
    let session = spec.credentials.provider(&spec.region).map_err(|err| format!("credentials: {err}"))?;
    let s3_signer = match &spec.s3 {
        WorkerS3::External { region, credentials, .. } => {
            credentials.provider(region).map_err(|err| format!("credentials: {err}"))?
        }
        WorkerS3::Embedded { .. } | WorkerS3::None => session.clone(),
    };
    let storage = ObjectStorage::new(settings(&spec)).with_credential_provider(s3_signer);
    let query = read_script(&storage, &spec.query_uri, work_dir, "query.sql").await?;
    let init_script = match &spec.init_uri {
        Some(uri) => Some(read_script(&storage, uri, work_dir, "init.sql").await?),
        None => None,
    };
    let catalog = Arc::new(
        RemoteCatalog::new(&spec.api_endpoint, &spec.region, session.clone())
            .map_err(|err| format!("metastore: {err}"))?,
    );
    let resolver = resolver_for(&spec, &session).map_err(|err| err.to_string())?;
    // Hive always has a `default` database, whose tables live in the warehouse.
    if catalog.get_database(DEFAULT_DATABASE).await.map_err(|err| err.to_string())?.is_none() {
        let default = DatabaseDef {
            name: DEFAULT_DATABASE.to_string(),
            location: spec.warehouse_dir.clone(),
            comment: Some("Default Hive database".to_string()),
            properties: Default::default(),
        };
        match catalog.create_database(&default).await {
            // Another job created it first.
            Ok(()) | Err(sparkplane_sql::SqlError::DatabaseExists(_)) => {}
            Err(err) => return Err(err.to_string()),
        }
    }
    let job = SqlJob { query, init_script, parameters: spec.parameters.clone(), hive_site: spec.hive_site.clone() };
    let options = SqlOptions {
        target_partitions: spec.target_partitions.max(1),
        memory_limit_bytes: spec.memory_limit_bytes,
        default_warehouse_dir: spec.warehouse_dir.clone(),
    };
    let result = run_job(&job, &options, catalog, resolver, stdout, stderr).await;
    let (report, error) = match &result {
        Ok(report) => (report, None),
        Err(failure) => (&failure.report, Some(failure.to_string())),
    };
    write_report(work_dir, report, error.as_deref());
    result.map(|_| ()).map_err(|failure| concise_s3_error(&failure.to_string()))
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

/// The run's `stateDetails` holds 256 characters, and object_store's
/// message for a refused request spends them on the URL and timing before
/// saying what S3 answered. This keeps the statement prefix and puts S3's
/// verdict first: `... S3 403 Forbidden (AccessDenied: <message>) on GET
/// <url>`. Other messages pass unchanged.
fn concise_s3_error(message: &str) -> String {
    const MARKER: &str = "server returned non-2xx status code: ";
    const LOCAL_IO: &str = "IO error for operation on ";
    // The statement prefix ("statement 2 (line 3): ") says which failed.
    let prefix = message.split_once("): ").map(|(head, _)| format!("{head}): ")).unwrap_or_default();
    if let Some(at) = message.find(LOCAL_IO) {
        // "... Unable to walk dir: IO error for operation on /x: Permission denied (os error 13)"
        return format!("{prefix}{}", &message[at + LOCAL_IO.len()..]);
    }
    let Some(at) = message.to_ascii_lowercase().find(MARKER) else { return message.to_string() };
    let request = message[..at].rfind("Error performing ").map(|start| &message[start..at]).unwrap_or_default();
    // "Error performing GET http://... in 1.2ms - "
    let mut words = request.split_whitespace().skip(2);
    let (method, url) = (words.next().unwrap_or_default(), words.next().unwrap_or_default());
    let rest = &message[at + MARKER.len()..];
    let (status, body) = rest.split_once(": ").unwrap_or((rest, ""));
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let start = body.find(&open)? + open.len();
        let end = body[start..].find(&format!("</{name}>"))? + start;
        Some(body[start..end].to_string())
    };
    let verdict = match (tag("Code"), tag("Message")) {
        (Some(code), Some(text)) => format!(" ({code}: {text})"),
        (Some(code), None) => format!(" ({code})"),
        _ => String::new(),
    };
    format!("{prefix}S3 {status}{verdict} on {method} {url}")
}

#[cfg(test)]
mod tests {
    use super::concise_s3_error;

    #[test]
    fn s3_refusals_say_the_verdict_first() {
        let raw = "statement 2 (line 3): External error: object store error: Generic S3 error: Error performing \
                   list request: Error performing GET http://127.0.0.1:1/secret?list-type=2&prefix=data%2F in \
                   1.06ms - Server returned non-2xx status code: 403 Forbidden: <?xml version=\"1.0\"?><Error>\
                   <Code>AccessDenied</Code><Message>Access Denied</Message></Error>";
        assert_eq!(
            concise_s3_error(raw),
            "statement 2 (line 3): S3 403 Forbidden (AccessDenied: Access Denied) on GET \
             http://127.0.0.1:1/secret?list-type=2&prefix=data%2F"
        );
        assert_eq!(
            concise_s3_error("statement 1 (line 1): Table x not found"),
            "statement 1 (line 1): Table x not found"
        );
    }
}
