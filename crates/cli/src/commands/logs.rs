//! `sparkplane logs APP JOB [--stderr] [-f]`: print a run's driver output,
//! following it live until the run ends.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use crate::client::ApiClient;

#[derive(clap::Args)]
pub struct Args {
    application_id: String,
    job_run_id: String,
    /// Print stderr instead of stdout
    #[arg(long)]
    stderr: bool,
    /// Keep printing new output until the run ends
    #[arg(short, long)]
    follow: bool,
    /// API endpoint [env: SPARKPLANE_ENDPOINT] [default: http://127.0.0.1:8088]
    #[arg(long)]
    endpoint: Option<String>,
    /// Data directory holding the credentials (when AWS_* variables are unset)
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let client = ApiClient::new(args.endpoint.clone(), args.data_dir.clone())?;
    let stream = if args.stderr { "stderr" } else { "stdout" };
    let path = format!("/sparkplane/v1/applications/{}/jobruns/{}/logs", args.application_id, args.job_run_id);
    let mut offset: u64 = 0;
    let mut stdout = std::io::stdout().lock();
    loop {
        let response = client.get(&path, &format!("offset={offset}&stream={stream}"))?;
        if response.status != 200 {
            return Err(response.error());
        }
        stdout.write_all(&response.body)?;
        stdout.flush()?;
        offset += response.body.len() as u64;
        if !args.follow || (response.finished && response.body.is_empty()) {
            return Ok(());
        }
        if response.body.is_empty() {
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}
