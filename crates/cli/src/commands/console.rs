//! `sparkplane console`: a one-time URL that signs a browser in to the web
//! console as the caller's access key (the environment's AWS keys, or the
//! root credentials of the data dir), like the dashboard URLs.

use serde_json::Value;

use super::runs::Connection;
use crate::client::ApiClient;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    connection: Connection,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let client = ApiClient::new(args.connection.endpoint, args.connection.data_dir)?;
    let answer: Value = client.post_json("/sparkplane/v1/console/sign-in-url", &serde_json::json!({}))?;
    let url = answer["url"].as_str().ok_or_else(|| anyhow::anyhow!("the server sent no URL: {answer}"))?;
    println!("{url}");
    eprintln!(
        "Open it within {} s; it works once, and the sign-in lasts 12 hours.",
        answer["expiresInSeconds"].as_u64().unwrap_or(300)
    );
    Ok(())
}
