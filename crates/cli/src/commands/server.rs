//! `sparkplane server`: wires the store, controller and HTTP server together.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context;
use sparkplane_auth::{credentials, StaticKeys, UriEncoding, Verifier};
use sparkplane_control::{ControlConfig, Controller};
use sparkplane_server::AppState;
use sparkplane_store::SqliteStore;

use crate::config::{ServerConfig, ServerFlags};

pub fn run(flags: ServerFlags) -> anyhow::Result<()> {
    let env: HashMap<String, String> = std::env::vars().collect();
    let config = ServerConfig::resolve(&flags, &env)?;
    init_tracing();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("start async runtime")?;
    runtime.block_on(serve(config))
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SPARKPLANE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

async fn serve(config: ServerConfig) -> anyhow::Result<()> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("create data dir {}", config.data_dir.display()))?;
    let data_dir = std::fs::canonicalize(&config.data_dir).context("resolve data dir")?;
    let runtime_dir = if config.runtime_dir.is_absolute() {
        config.runtime_dir.clone()
    } else {
        std::env::current_dir().context("read current dir")?.join(&config.runtime_dir)
    };
    let credentials_path = data_dir.join("credentials");
    let (root, created) = credentials::load_or_create(&credentials_path).context("load root credentials")?;
    eprintln!(
        "root credentials {} at {} (mode 0600); `sparkplane credentials --data-dir {}` prints them",
        if created { "created" } else { "found" },
        credentials_path.display(),
        data_dir.display()
    );

    let store = SqliteStore::open(&data_dir.join("state.db")).await.context("open state database")?;
    let controller = Controller::new(
        Arc::new(store),
        ControlConfig {
            region: config.region.clone(),
            account_id: config.account_id.clone(),
            data_dir: data_dir.clone(),
            runtime_dir,
            python: config.python.clone(),
            log_ship_interval: std::time::Duration::from_secs(config.log_ship_interval_seconds),
        },
    );
    controller.recover().await.context("recover state from the last run")?;
    let scheduler = tokio::spawn(controller.clone().run_scheduler());

    let state = AppState {
        controller: controller.clone(),
        verifier: Arc::new(Verifier::new(config.region.clone(), "emr-serverless", UriEncoding::Double)),
        keys: Arc::new(StaticKeys(vec![root])),
    };
    let listener =
        tokio::net::TcpListener::bind(&config.listen).await.with_context(|| format!("listen on {}", config.listen))?;
    let address = listener.local_addr().context("read listen address")?;
    eprintln!("sparkplane listening on http://{address} (data dir {})", data_dir.display());
    sparkplane_server::serve(listener, state, shutdown_signal()).await.context("serve API")?;
    tracing::info!("shutting down: stopping running attempts");
    controller.shutdown().await;
    let _ = scheduler.await;
    Ok(())
}

async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = match signal(SignalKind::terminate()) {
        Ok(term) => term,
        Err(err) => {
            tracing::error!(error = %err, "cannot listen for SIGTERM");
            return std::future::pending().await;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
