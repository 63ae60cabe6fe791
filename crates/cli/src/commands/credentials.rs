//! `sparkplane credentials`: the root key as `export` lines.

use std::path::PathBuf;

use anyhow::Context;

#[derive(clap::Args)]
pub struct Args {
    /// Data directory of the server [env: SPARKPLANE_DATA_DIR] [default: ./sparkplane-data]
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let data_dir = crate::client::data_dir(args.data_dir);
    let path = data_dir.join("credentials");
    let creds = sparkplane_auth::credentials::load(&path)
        .with_context(|| format!("read {} (has `sparkplane server` run with this data dir?)", path.display()))?;
    println!("export AWS_ACCESS_KEY_ID={}", creds.access_key_id);
    println!("export AWS_SECRET_ACCESS_KEY={}", creds.secret_access_key);
    Ok(())
}
