//! Runs the S3 endpoint alone, for trying it with the AWS CLI or boto3.
//!
//! ```text
//! cargo run -p sparkplane-s3 --example serve -- <root-dir> <port>
//! ```
//!
//! Uses a fixed, well-known key pair (printed at start), so never expose it.

use std::sync::Arc;

use sparkplane_auth::{Credentials, StaticKeys};
use sparkplane_s3::{build_service, serve, ServiceOptions};

const ACCESS_KEY: &str = "SPKEXAMPLEKEY0000001";
const SECRET_KEY: &str = "example/secret/key/for/local/tests/only00";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "sparkplane_s3=info".into()),
        )
        .init();
    let mut args = std::env::args().skip(1);
    let (Some(root), Some(port)) = (args.next(), args.next()) else {
        eprintln!("usage: serve <root-dir> <port>");
        std::process::exit(2);
    };
    let port: u16 = port.parse()?;
    let keys = StaticKeys(vec![Credentials { access_key_id: ACCESS_KEY.into(), secret_access_key: SECRET_KEY.into() }]);
    let options = ServiceOptions { virtual_host_domain: Some("s3.localhost".into()), ..ServiceOptions::default() };
    let service = build_service(root.into(), Arc::new(keys), options)?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("S3 endpoint on http://{}", listener.local_addr()?);
    println!("AWS_ACCESS_KEY_ID={ACCESS_KEY}");
    println!("AWS_SECRET_ACCESS_KEY={SECRET_KEY}");
    serve(listener, service, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
