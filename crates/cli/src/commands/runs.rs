//! `sparkplane apps`, `sparkplane runs APP` and `sparkplane cancel APP RUN`:
//! what `aws emr-serverless list-applications`, `list-job-runs` and
//! `cancel-job-run` do, as a table for people (`--output json` for scripts),
//! signed with the same keys as the server's other commands.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use comfy_table::{presets, Table};
use sparkplane_api::{ApplicationSummary, JobRunSummary, ListApplicationsResponse, ListJobRunsResponse};

use super::catalog::Output;
use crate::client::{encode_segment, ApiClient};

#[derive(clap::Args)]
pub struct Connection {
    /// API endpoint [env: SPARKPLANE_ENDPOINT] [default: http://127.0.0.1:8088]
    #[arg(long)]
    pub(crate) endpoint: Option<String>,
    /// Data directory holding the credentials (when AWS_* variables are unset)
    #[arg(long)]
    pub(crate) data_dir: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct AppsArgs {
    /// Only applications in this state (repeatable): CREATED, STARTED, STOPPED, ...
    #[arg(long = "state", value_name = "STATE")]
    states: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Output::Text)]
    output: Output,
    #[command(flatten)]
    connection: Connection,
}

#[derive(clap::Args)]
pub struct RunsArgs {
    application_id: String,
    /// Only runs in this state (repeatable): RUNNING, SUCCESS, FAILED, ...
    #[arg(long = "state", value_name = "STATE")]
    states: Vec<String>,
    /// At most this many runs, newest first
    #[arg(long, default_value_t = 50)]
    max: usize,
    /// Output format
    #[arg(long, value_enum, default_value_t = Output::Text)]
    output: Output,
    #[command(flatten)]
    connection: Connection,
}

#[derive(clap::Args)]
pub struct CancelArgs {
    application_id: String,
    job_run_id: String,
    #[command(flatten)]
    connection: Connection,
}

/// The API's page size for these lists (its maximum is 50).
const PAGE: usize = 50;

fn client(connection: Connection) -> anyhow::Result<ApiClient> {
    ApiClient::new(connection.endpoint, connection.data_dir)
}

/// `states=A&states=B&maxResults=N[&nextToken=T]`, as the REST API takes lists.
fn query(states: &[String], max: usize, token: Option<&str>) -> String {
    let mut parts: Vec<String> =
        states.iter().map(|s| format!("states={}", encode_segment(&s.to_uppercase()))).collect();
    parts.push(format!("maxResults={max}"));
    parts.extend(token.map(|t| format!("nextToken={}", encode_segment(t))));
    parts.join("&")
}

pub fn apps(args: AppsArgs) -> anyhow::Result<()> {
    let client = client(args.connection)?;
    let mut apps: Vec<ApplicationSummary> = Vec::new();
    let mut token = None;
    loop {
        let page: ListApplicationsResponse =
            client.json("GET", "/applications", &query(&args.states, PAGE, token.as_deref()))?;
        apps.extend(page.applications);
        match page.next_token {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    let text = match args.output {
        Output::Json => serde_json::to_string_pretty(&apps)? + "\n",
        Output::Text => {
            let mut table = table(&["ID", "NAME", "TYPE", "RELEASE", "STATE", "CREATED"]);
            for app in &apps {
                table.add_row(vec![
                    app.id.clone(),
                    app.name.clone().unwrap_or_default(),
                    app.r#type.clone(),
                    app.release_label.clone(),
                    app.state.as_str().to_string(),
                    app.created_at.to_rfc3339(),
                ]);
            }
            format!("{table}\n")
        }
    };
    print(&text)
}

pub fn runs(args: RunsArgs) -> anyhow::Result<()> {
    let client = client(args.connection)?;
    let path = format!("/applications/{}/jobruns", encode_segment(&args.application_id));
    let mut runs: Vec<JobRunSummary> = Vec::new();
    let mut token = None;
    while runs.len() < args.max {
        let want = (args.max - runs.len()).min(PAGE);
        let page: ListJobRunsResponse = client.json("GET", &path, &query(&args.states, want, token.as_deref()))?;
        runs.extend(page.job_runs);
        match page.next_token {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    runs.truncate(args.max);
    let text = match args.output {
        Output::Json => serde_json::to_string_pretty(&runs)? + "\n",
        Output::Text => {
            let mut table = table(&["ID", "NAME", "STATE", "ATTEMPT", "CREATED", "UPDATED", "DETAILS"]);
            for run in &runs {
                let details: String = run.state_details.chars().take(60).collect();
                table.add_row(vec![
                    run.id.clone(),
                    run.name.clone().unwrap_or_default(),
                    run.state.as_str().to_string(),
                    run.attempt.unwrap_or(1).to_string(),
                    run.created_at.to_rfc3339(),
                    run.updated_at.to_rfc3339(),
                    details,
                ]);
            }
            format!("{table}\n")
        }
    };
    print(&text)
}

pub fn cancel(args: CancelArgs) -> anyhow::Result<()> {
    let client = client(args.connection)?;
    let path =
        format!("/applications/{}/jobruns/{}", encode_segment(&args.application_id), encode_segment(&args.job_run_id));
    let _: serde_json::Value = client.json("DELETE", &path, "").context("cancel the job run")?;
    print(&format!("cancelling {}\n", args.job_run_id))
}

/// Aligned columns without borders: readable, and `grep`/`awk` still work.
fn table(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::NOTHING).set_header(header.to_vec());
    table
}

fn print(text: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_queries_repeat_states_and_encode_tokens() {
        let states = vec!["running".to_string(), "SUCCESS".to_string()];
        assert_eq!(query(&states, 50, None), "states=RUNNING&states=SUCCESS&maxResults=50");
        assert_eq!(query(&[], 7, Some("a+b/c")), "maxResults=7&nextToken=a%2Bb%2Fc");
    }
}
