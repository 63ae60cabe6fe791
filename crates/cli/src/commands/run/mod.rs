//! `sparkplane run SCRIPT`: run a local script as a job in one command.
//!
//! What a user otherwise does by hand with the aws CLI: upload the script
//! and its local dependencies to the S3 endpoint, find or create the
//! application, StartJobRun, then poll. With `--wait` it shows the run's
//! state and Spark's jobs as they progress ([`progress`]) and exits with
//! the run's outcome: 0 on SUCCESS, 1 with its stateDetails otherwise.
//! `--logs` also streams the driver's stdout. A `.sql`, `.q` or `.hql`
//! script runs on a HIVE application, anything else on a SPARK one.

mod progress;
mod upload;

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};
use serde_json::{json, Value};

use super::runs::Connection;
use crate::client::{encode_segment, ApiClient};
use progress::{Reporter, SparkUi};
use upload::S3Uploader;

#[derive(clap::Args)]
pub struct Args {
    /// The script: PySpark (.py), or HiveQL (.sql, .q, .hql) for a HIVE application
    script: PathBuf,
    /// Application ID or name; an application of that name is created if none exists
    #[arg(long, default_value = "sparkplane-run")]
    app: String,
    /// Release label of an application this command creates
    #[arg(long, default_value = "emr-7.9.0")]
    release_label: String,
    /// The run's execution role ARN [env: SPARKPLANE_RUN_ROLE_ARN]
    #[arg(long)]
    role: Option<String>,
    /// A Spark property (`--conf k=v` in sparkSubmitParameters), or a `--hiveconf` of a HIVE script
    #[arg(long = "conf", value_name = "K=V")]
    conf: Vec<String>,
    /// A local Python file for `--py-files` (repeatable)
    #[arg(long = "py-files", value_name = "FILE")]
    py_files: Vec<PathBuf>,
    /// A local jar for `--jars` (repeatable)
    #[arg(long = "jars", value_name = "FILE")]
    jars: Vec<PathBuf>,
    /// A local file for `--files` (repeatable)
    #[arg(long = "files", value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Bucket the local files are uploaded to (created if missing)
    #[arg(long, default_value = "sparkplane-runs")]
    bucket: String,
    /// S3 endpoint [env: SPARKPLANE_S3_ENDPOINT] [default: http://127.0.0.1:9000]
    #[arg(long)]
    s3_endpoint: Option<String>,
    /// Wait for the run to end, showing its progress; exit with its outcome
    #[arg(long)]
    wait: bool,
    /// Stream the driver's stdout while waiting (implies --wait)
    #[arg(long)]
    logs: bool,
    #[command(flatten)]
    connection: Connection,
    /// Arguments for the script (after `--`)
    #[arg(last = true)]
    args: Vec<String>,
}

/// How often the run's state (and Spark's jobs) are read while waiting.
const POLL: Duration = Duration::from_millis(500);

fn is_hive(script: &Path) -> bool {
    matches!(script.extension().and_then(|e| e.to_str()), Some("sql" | "q" | "hql"))
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let hive = is_hive(&args.script);
    for kv in &args.conf {
        if !kv.contains('=') || kv.starts_with('=') {
            bail!("--conf takes KEY=VALUE, got '{kv}'");
        }
    }
    if hive && !(args.args.is_empty() && args.py_files.is_empty() && args.jars.is_empty() && args.files.is_empty()) {
        bail!("a HiveQL script takes no arguments, --py-files, --jars or --files; pass values with --conf k=v");
    }
    let role = args.role.clone().or_else(|| std::env::var("SPARKPLANE_RUN_ROLE_ARN").ok()).context(
        "a run needs an execution role: pass --role arn:aws:iam::ACCOUNT:role/NAME (or set SPARKPLANE_RUN_ROLE_ARN); \
         create one with `aws iam create-role` as the README shows",
    )?;
    let client = ApiClient::new(args.connection.endpoint.clone(), args.connection.data_dir.clone())?;
    let s3_endpoint = args
        .s3_endpoint
        .clone()
        .or_else(|| std::env::var("SPARKPLANE_S3_ENDPOINT").ok())
        .unwrap_or_else(|| format!("http://{}", crate::config::DEFAULT_S3_LISTEN));
    let (credentials, region) = client.credentials();
    let s3 = S3Uploader::new(&s3_endpoint, credentials, region)?;
    s3.ensure_bucket(&args.bucket)?;
    let stamp = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or_default();
    let prefix = format!("sparkplane-run/{stamp}");
    let put = |file: &Path| -> anyhow::Result<String> {
        let name = file.file_name().and_then(|n| n.to_str()).context("a file to upload needs a UTF-8 name")?;
        s3.upload(file, &args.bucket, &format!("{prefix}/{name}"))
    };
    let entry = put(&args.script)?;
    let joined = |files: &[PathBuf]| -> anyhow::Result<Option<String>> {
        let uris = files.iter().map(|f| put(f)).collect::<anyhow::Result<Vec<_>>>()?;
        Ok((!uris.is_empty()).then(|| uris.join(",")))
    };
    let (py_files, jars, files) = (joined(&args.py_files)?, joined(&args.jars)?, joined(&args.files)?);
    eprintln!("uploaded {} to s3://{}/{prefix}/", args.script.display(), args.bucket);

    let app = application(&client, &args.app, if hive { "HIVE" } else { "SPARK" }, &args.release_label)?;
    let job_driver = if hive {
        let parameters: Vec<String> = args.conf.iter().map(|kv| format!("--hiveconf {kv}")).collect();
        let mut driver = json!({"query": entry});
        if !parameters.is_empty() {
            driver["parameters"] = json!(parameters.join(" "));
        }
        json!({"hive": driver})
    } else {
        let mut params: Vec<String> = args.conf.iter().map(|kv| format!("--conf {kv}")).collect();
        for (flag, value) in [("--py-files", py_files), ("--jars", jars), ("--files", files)] {
            params.extend(value.map(|v| format!("{flag} {v}")));
        }
        let mut driver = json!({"entryPoint": entry});
        if !args.args.is_empty() {
            driver["entryPointArguments"] = json!(args.args);
        }
        if !params.is_empty() {
            driver["sparkSubmitParameters"] = json!(params.join(" "));
        }
        json!({"sparkSubmit": driver})
    };
    let name = args.script.file_name().and_then(|n| n.to_str()).unwrap_or("script");
    let started: Value = client.post_json(
        &format!("/applications/{}/jobruns", encode_segment(&app)),
        &json!({"clientToken": client_token(), "executionRoleArn": role,
                "jobDriver": job_driver, "name": name}),
    )?;
    let job = started.get("jobRunId").and_then(Value::as_str).context("StartJobRun returned no jobRunId")?.to_string();
    eprintln!("application {app}, job run {job}");
    if !(args.wait || args.logs) {
        println!("{app} {job}");
        return Ok(());
    }
    // A HIVE run's progress is its statements: the script's, as the engine splits them.
    let statements = match hive {
        true => {
            let text =
                std::fs::read_to_string(&args.script).with_context(|| format!("read {}", args.script.display()))?;
            Some(sparkplane_sql::split_statements(&text).iter().map(|s| first_line(&s.text)).collect())
        }
        false => None,
    };
    wait(&client, &app, &job, statements, args.logs)
}

/// A statement's first non-blank line without comments, for its progress line.
fn first_line(text: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with("--")).unwrap_or_default();
    line.chars().take(60).collect()
}

/// The ID of the application `wanted` names (an ID, or a name; created
/// with `kind` and `release` when no live application has that name).
fn application(client: &ApiClient, wanted: &str, kind: &str, release: &str) -> anyhow::Result<String> {
    if sparkplane_api::validate_application_id(wanted).is_ok() {
        let found = client.get(&format!("/applications/{}", encode_segment(wanted)), "")?;
        if found.status == 200 {
            let app: Value = serde_json::from_slice(&found.body)?;
            let found_kind = app["application"]["type"].as_str().unwrap_or_default();
            if !found_kind.eq_ignore_ascii_case(kind) {
                bail!("application {wanted} is {found_kind}; this script needs a {kind} application");
            }
            return Ok(wanted.to_string());
        }
    }
    let mut token: Option<String> = None;
    loop {
        let query = match &token {
            Some(t) => format!("maxResults=50&nextToken={}", encode_segment(t)),
            None => "maxResults=50".to_string(),
        };
        let page: Value = client.json("GET", "/applications", &query)?;
        for app in page["applications"].as_array().into_iter().flatten() {
            let live = app["state"].as_str() != Some("TERMINATED");
            if live && app["name"].as_str() == Some(wanted) && app["type"].as_str() == Some(kind) {
                return app["id"].as_str().map(str::to_string).context("an application without an id");
            }
        }
        match page["nextToken"].as_str() {
            Some(next) => token = Some(next.to_string()),
            None => break,
        }
    }
    let created: Value = client.post_json(
        "/applications",
        &json!({"name": wanted, "type": kind, "releaseLabel": release,
                                                  "clientToken": client_token()}),
    )?;
    let id = created["applicationId"].as_str().context("CreateApplication returned no applicationId")?;
    eprintln!("created {kind} application {wanted} ({id}, {release})");
    Ok(id.to_string())
}

/// Polls the run until it ends. `statements` (a HIVE run's) are counted
/// done from the driver's stderr, where the engine writes Hive CLI's `OK`
/// after each one.
fn wait(client: &ApiClient, app: &str, job: &str, statements: Option<Vec<String>>, logs: bool) -> anyhow::Result<()> {
    let hive = statements.is_some();
    let run_path = format!("/applications/{}/jobruns/{}", encode_segment(app), encode_segment(job));
    let logs_path = format!("/sparkplane/v1/applications/{}/jobruns/{}/logs", encode_segment(app), encode_segment(job));
    let mut reporter = Reporter::new(std::io::stderr().is_terminal());
    let started = Instant::now();
    let mut ui: Option<SparkUi> = None;
    let mut offset: u64 = 0;
    let (mut stderr_offset, mut done, mut pending) = (0u64, 0usize, String::new());
    let (state, details) = loop {
        let run: Value = client.get_json(&run_path)?;
        let state = run["jobRun"]["state"].as_str().unwrap_or("UNKNOWN").to_string();
        let details = run["jobRun"]["stateDetails"].as_str().unwrap_or_default().to_string();
        reporter.state(&state, &details);
        if !hive && state == "RUNNING" {
            if ui.is_none() {
                ui = SparkUi::open(client, app, job);
            }
            if let Some(jobs) = ui.as_ref().and_then(SparkUi::jobs) {
                reporter.spark_jobs(&jobs);
            }
        }
        if let Some(statements) = &statements {
            if state == "RUNNING" || state == "SUCCESS" || state == "FAILED" {
                stderr_offset += count_statements(client, &logs_path, stderr_offset, &mut pending, &mut done)?;
                reporter.hive_statements(done, statements);
            }
        }
        if logs {
            offset += stream_logs(client, &logs_path, offset, &mut reporter)?.0;
        }
        if matches!(state.as_str(), "SUCCESS" | "FAILED" | "CANCELLED") {
            break (state, details);
        }
        std::thread::sleep(POLL);
    };
    // The driver's last output is shipped as the run ends; a bounded wait.
    let drain_until = Instant::now() + Duration::from_secs(30);
    while logs && Instant::now() < drain_until {
        let (read, finished) = stream_logs(client, &logs_path, offset, &mut reporter)?;
        offset += read;
        if finished && read == 0 {
            break;
        }
        if read == 0 {
            std::thread::sleep(POLL);
        }
    }
    reporter.finish();
    eprintln!(
        "{state} after {:.1} s; driver output: sparkplane logs {app} {job} (--stderr)",
        started.elapsed().as_secs_f64()
    );
    if state != "SUCCESS" {
        bail!("job run {job} ended {state}: {details}");
    }
    Ok(())
}

/// A fresh idempotency token: each invocation is a new request.
fn client_token() -> String {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    format!("sparkplane-run-{nanos}-{}", std::process::id())
}

/// Reads the driver's stderr from `offset` and counts the statements it
/// says are done (a line `OK`); `pending` keeps a partial last line.
/// Returns the bytes read.
fn count_statements(
    client: &ApiClient,
    path: &str,
    offset: u64,
    pending: &mut String,
    done: &mut usize,
) -> anyhow::Result<u64> {
    let response = client.get(path, &format!("offset={offset}&stream=stderr"))?;
    if response.status != 200 {
        return Ok(0);
    }
    pending.push_str(&String::from_utf8_lossy(&response.body));
    *done += count_ok_lines(pending);
    Ok(response.body.len() as u64)
}

/// Counts the complete `OK` lines of `text` and leaves its last, partial line in it.
fn count_ok_lines(text: &mut String) -> usize {
    let complete = text.rfind('\n').map_or(0, |i| i + 1);
    let count = text[..complete].lines().filter(|line| line.trim_end() == "OK").count();
    text.drain(..complete);
    count
}

/// Prints new driver stdout from `offset`; returns (bytes read, whether the run's logs are final).
fn stream_logs(client: &ApiClient, path: &str, offset: u64, reporter: &mut Reporter) -> anyhow::Result<(u64, bool)> {
    let response = client.get(path, &format!("offset={offset}&stream=stdout"))?;
    if response.status != 200 {
        // Not written yet (the driver has not started): nothing to show.
        return Ok((0, false));
    }
    reporter.log(&String::from_utf8_lossy(&response.body));
    Ok((response.body.len() as u64, response.finished))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hive_statements_are_counted_by_the_engines_ok_lines() {
        let mut text = "OK\nTime taken: 0.01 seconds\nOK\nTime ta".to_string();
        assert_eq!(count_ok_lines(&mut text), 2);
        assert_eq!(text, "Time ta");
        text.push_str("ken: 1 s\nOK\n");
        assert_eq!(count_ok_lines(&mut text), 1);
        assert_eq!(first_line("-- a comment\n  SELECT a,\n b FROM t"), "SELECT a,");
    }

    #[test]
    fn hive_scripts_are_told_by_their_extension() {
        assert!(is_hive(Path::new("q.sql")) && is_hive(Path::new("a/b.hql")) && is_hive(Path::new("t.q")));
        assert!(!is_hive(Path::new("job.py")) && !is_hive(Path::new("noext")));
    }
}
