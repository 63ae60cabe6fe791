//! `sparkplane server`: wires the store, controller and HTTP server together.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context;
use sparkplane_auth::{credentials, KeyLookup, StaticKeys, UriEncoding, Verifier};
use sparkplane_control::{ControlConfig, Controller, S3ForJobs};
use sparkplane_server::AppState;
use sparkplane_storage::{ObjectStorage, S3Settings};
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
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,s3s::ops=off"));
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

    let keys: Arc<dyn KeyLookup + Send + Sync> = Arc::new(StaticKeys(vec![root.clone()]));
    let s3 = start_s3_endpoint(&config, &data_dir, keys.clone()).await?;
    let (storage_settings, s3_for_jobs) = match (&config.external_s3, &s3) {
        (Some(external), _) => (
            Some(S3Settings {
                endpoint: external.endpoint.clone(),
                region: external.region.clone(),
                access_key_id: external.access_key_id.clone(),
                secret_access_key: external.secret_access_key.clone(),
                virtual_hosted_style: !external.path_style,
            }),
            S3ForJobs::External {
                endpoint: external.endpoint.clone(),
                region: external.region.clone(),
                path_style: external.path_style,
            },
        ),
        (None, Some(embedded)) => (
            Some(S3Settings {
                endpoint: format!("http://{}", embedded.address),
                region: config.region.clone(),
                access_key_id: root.access_key_id.clone(),
                secret_access_key: root.secret_access_key.clone(),
                virtual_hosted_style: false,
            }),
            S3ForJobs::Embedded { root: embedded.root.clone() },
        ),
        (None, None) => (None, S3ForJobs::None),
    };

    let store = SqliteStore::open(&data_dir.join("state.db")).await.context("open state database")?;
    let controller = Controller::new(
        Arc::new(store),
        Arc::new(ObjectStorage::new(storage_settings)),
        ControlConfig {
            region: config.region.clone(),
            account_id: config.account_id.clone(),
            data_dir: data_dir.clone(),
            runtime_dir,
            python: config.python.clone(),
            log_ship_interval: std::time::Duration::from_secs(config.log_ship_interval_seconds),
            s3_for_jobs,
            auto_stop_minute: std::time::Duration::from_secs(config.auto_stop_minute_seconds),
            host: config.host,
            spark_cds: config.spark_cds,
        },
    );
    controller.recover().await.context("recover state from the last run")?;
    let scheduler = tokio::spawn(controller.clone().run_scheduler());

    let state = AppState {
        controller: controller.clone(),
        verifier: Arc::new(Verifier::new(config.region.clone(), "emr-serverless", UriEncoding::Double)),
        keys,
        public_url: config.public_url.clone(),
    };
    let listener =
        tokio::net::TcpListener::bind(&config.listen).await.with_context(|| format!("listen on {}", config.listen))?;
    let address = listener.local_addr().context("read listen address")?;
    eprintln!("sparkplane listening on http://{address} (data dir {})", data_dir.display());
    let (stop_s3, s3_stopped) = tokio::sync::oneshot::channel::<()>();
    let s3_task = s3.map(|embedded| {
        tokio::spawn(sparkplane_s3::serve(embedded.listener, embedded.service, async {
            let _ = s3_stopped.await;
        }))
    });
    sparkplane_server::serve(listener, state, shutdown_signal()).await.context("serve API")?;
    tracing::info!("shutting down: stopping running attempts");
    controller.shutdown().await;
    let _ = scheduler.await;
    // The S3 endpoint goes last: attempts ship their final logs through it.
    let _ = stop_s3.send(());
    if let Some(task) = s3_task {
        let _ = task.await;
    }
    Ok(())
}

struct EmbeddedS3 {
    listener: tokio::net::TcpListener,
    service: sparkplane_s3::S3Service,
    address: std::net::SocketAddr,
    root: std::path::PathBuf,
}

/// Binds the embedded S3 endpoint over `<data-dir>/s3`, unless it is off.
async fn start_s3_endpoint(
    config: &ServerConfig,
    data_dir: &std::path::Path,
    keys: Arc<dyn KeyLookup + Send + Sync>,
) -> anyhow::Result<Option<EmbeddedS3>> {
    let Some(address) = &config.s3_listen else {
        return Ok(None);
    };
    let root = data_dir.join("s3");
    std::fs::create_dir_all(&root).with_context(|| format!("create {}", root.display()))?;
    let options = sparkplane_s3::ServiceOptions { region: config.region.clone(), virtual_host_domain: None };
    let service = sparkplane_s3::build_service(root.clone(), keys, options).context("open the embedded S3 store")?;
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .with_context(|| format!("listen on {address} for the embedded S3 endpoint (--s3-listen ADDR:PORT, or off)"))?;
    let address = listener.local_addr().context("read S3 listen address")?;
    eprintln!("embedded S3 endpoint on http://{address} (buckets in {})", root.display());
    Ok(Some(EmbeddedS3 { listener, service, address, root }))
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
