//! `sparkplane workers APPLICATION_ID`: an application's pre-initialized
//! workers (wanted, idle, busy, starting), to see whether `initialCapacity`
//! is up, or to wait for it in a script with `--wait-idle`; and the server's
//! disk use (work dirs, the artifact cache and its counters).

use std::io::Write as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::bail;
use sparkplane_control::pool::view::WarmWorkersView;

use super::catalog::Output;
use crate::client::{encode_segment, ApiClient};

#[derive(clap::Args)]
pub struct Args {
    application_id: String,
    /// Output format (text: `key<TAB>value` lines)
    #[arg(long, value_enum, default_value_t = Output::Text)]
    output: Output,
    /// First wait (up to this many seconds) until this many workers are idle
    #[arg(long, value_name = "N")]
    wait_idle: Option<u32>,
    /// Bound on --wait-idle, in seconds
    #[arg(long, default_value_t = 300)]
    timeout: u64,
    /// API endpoint [env: SPARKPLANE_ENDPOINT] [default: http://127.0.0.1:8088]
    #[arg(long)]
    endpoint: Option<String>,
    /// Data directory holding the credentials (when AWS_* variables are unset)
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

/// How often --wait-idle asks.
const POLL: Duration = Duration::from_millis(100);

pub fn run(args: Args) -> anyhow::Result<()> {
    let client = ApiClient::new(args.endpoint.clone(), args.data_dir.clone())?;
    let path = format!("/sparkplane/v1/applications/{}/workers", encode_segment(&args.application_id));
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    let view = loop {
        let view: WarmWorkersView = client.get_json(&path)?;
        match args.wait_idle {
            Some(wanted) if view.idle < wanted => {
                if Instant::now() >= deadline {
                    bail!("{} of {wanted} warm workers idle after {}s{}", view.idle, args.timeout, failure(&view));
                }
                std::thread::sleep(POLL);
            }
            _ => break view,
        }
    };
    let text = if args.output == Output::Json { serde_json::to_string_pretty(&view)? + "\n" } else { text(&view) };
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()?;
    Ok(())
}

fn failure(view: &WarmWorkersView) -> String {
    view.last_failure.as_ref().map(|why| format!(" (last start failed: {why})")).unwrap_or_default()
}

fn text(view: &WarmWorkersView) -> String {
    let mut out = format!(
        "application\t{}\nstate\t{}\nengine\t{}\nwanted\t{}\nidle\t{}\nbusy\t{}\nstarting\t{}\n",
        view.application_id, view.application_state, view.engine, view.wanted, view.idle, view.busy, view.starting
    );
    if let Some(why) = &view.last_failure {
        out.push_str(&format!("last_failure\t{why}\n"));
    }
    if let Some(disk) = &view.disk {
        out.push_str(&format!(
            "work_dir_bytes\t{}\ncache_bytes\t{}\ncache_limit_bytes\t{}\ncache_entries\t{}\n\
             cache_hits\t{}\ncache_downloads\t{}\ncache_unpacks\t{}\ncache_evictions\t{}\n",
            disk.work_dir_bytes,
            disk.cache_bytes,
            disk.cache_limit_bytes,
            disk.cache_entries,
            disk.cache_hits,
            disk.cache_downloads,
            disk.cache_unpacks,
            disk.cache_evictions
        ));
    }
    out
}
