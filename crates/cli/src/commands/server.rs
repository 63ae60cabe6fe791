//! `sparkplane server`: wires the store, controller and HTTP server together.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context;
use sparkplane_auth::forwarded::ForwardSeal;
use sparkplane_auth::{credentials, KeyLookup, UriEncoding, Verifier};
use sparkplane_control::leadership::{decide::Timing, Candidate};
use sparkplane_control::{ControlConfig, Controller, S3ForJobs};
use sparkplane_iam::Iam;
use sparkplane_server::AppState;
use sparkplane_storage::{ObjectStorage, S3Settings};
use sparkplane_store::Store;

use crate::config::{ServerConfig, ServerFlags};

pub fn run(flags: ServerFlags) -> anyhow::Result<()> {
    // Everything the server writes (state.db, credentials, bucket objects,
    // logs, work dirs) is private to its user; the engine processes it
    // spawns inherit the mask. Set before any thread or file exists.
    // SAFETY: umask only swaps the process's file-creation mask.
    unsafe { libc::umask(0o077) };
    let env: HashMap<String, String> = std::env::vars().collect();
    let config = ServerConfig::resolve(&flags, &env)?;
    init_tracing();
    // Before any thread exists: blank /proc/<pid>/environ for jobs.
    if let Err(err) = sparkplane_engine::sandbox::protect_server_process() {
        tracing::warn!(error = %err, "cannot blank the server's environment block for jobs");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("start async runtime")?;
    runtime.block_on(serve(config))
}

pub(crate) fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("SPARKPLANE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,s3s::ops=off"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
}

async fn serve(config: ServerConfig) -> anyhow::Result<()> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("create data dir {}", config.data_dir.display()))?;
    let data_dir = std::fs::canonicalize(&config.data_dir).context("resolve data dir")?;
    make_private(&data_dir).with_context(|| format!("make data dir {} private", data_dir.display()))?;
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

    // Every store call is timed for `/metrics`.
    let timed_store =
        Arc::new(sparkplane_store::Timed::new(crate::config_store::open(&config.store, &data_dir).await?));
    let store: Arc<dyn Store> = timed_store.clone();
    // Only the holder of the leader lease loads state, recovers runs and
    // serves; another server on this store stands by, forwarding to it.
    let mut early = super::standby::Early::bind(&config);
    let candidate = Arc::new(Candidate::new(
        store.clone(),
        &config.hosts.name,
        early.urls(&config),
        epoch_millis(),
        Timing::DEFAULT,
    ));
    let seal = ForwardSeal::new(&root.secret_access_key);
    tokio::select! {
        token = super::standby::wait_to_lead(&candidate, &early, seal.clone(), config.api_limits.connections) => {
            eprintln!("this server leads (lease token {token})");
        }
        () = shutdown_signal() => {
            candidate.resign().await;
            return Ok(());
        }
    }
    let holding = {
        let candidate = candidate.clone();
        tokio::spawn(async move {
            if let Some(reason) = candidate.hold().await {
                // Not the clean shutdown: it stops attempts and writes their
                // states, which could race the next leader's.
                eprintln!("sparkplane: {reason}; stopping at once so that the next leader acts alone");
                std::process::exit(75);
            }
        })
    };
    let iam = Iam::open_in(store.clone(), config.account_id.clone(), root.clone(), &data_dir.join("iam"))
        .await
        .context("load identities")?;
    let keys: Arc<dyn KeyLookup + Send + Sync> = iam.clone();
    let hosts = Arc::new(
        sparkplane_hosts::Hosts::load(store.clone(), config.hosts.liveness, epoch_millis())
            .await
            .context("load the host table")?,
    );
    let s3 = start_s3_endpoint(&config, &data_dir, keys.clone(), iam.clone(), early.s3.take(), &seal).await?;
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

    // Bound before the controller exists, so engines know where to call back.
    let listener = early.api_listener(&config.listen).await.with_context(|| format!("listen on {}", config.listen))?;
    let address = listener.local_addr().context("read listen address")?;
    // Engines on this host call back (credentials, metastore) on loopback:
    // the AWS SDK fetches container credentials only from a loopback host.
    // A listen address that is neither gets a second, loopback listener.
    let internal = match address.ip() {
        ip if ip.is_loopback() || ip.is_unspecified() => None,
        _ => Some(tokio::net::TcpListener::bind("127.0.0.1:0").await.context("listen on loopback for engines")?),
    };
    let engine_address = match &internal {
        Some(internal) => internal.local_addr().context("read loopback listen address")?,
        None => address,
    };
    let embedded_s3_ip = s3.as_ref().filter(|_| config.external_s3.is_none()).map(|embedded| embedded.address.ip());
    let advertise_address = advertised(address.ip(), embedded_s3_ip);
    let sandbox = job_sandbox(&config, &runtime_dir);
    let containers = config.images.engine(data_dir.display().to_string());
    match (&containers, config.images.container_engine.as_deref()) {
        (Some(engine), _) => eprintln!("{}", engine.describe()),
        (None, Some("none")) => {
            eprintln!("custom images are off (container_engine = none): applications naming one are refused")
        }
        (None, _) => eprintln!("custom images are off: no podman found; applications naming one are refused"),
    }
    let controller = Controller::new(
        store,
        Arc::new(ObjectStorage::new(storage_settings)),
        hosts,
        ControlConfig {
            region: config.region.clone(),
            account_id: config.account_id.clone(),
            data_dir: data_dir.clone(),
            runtime_dir: runtime_dir.clone(),
            python: config.python.clone(),
            log_ship_interval: std::time::Duration::from_secs(config.log_ship_interval_seconds),
            s3_for_jobs,
            auto_stop_minute: std::time::Duration::from_secs(config.auto_stop_minute_seconds),
            host: config.host,
            host_name: config.hosts.name.clone(),
            advertise_address: advertise_address.map(|ip| ip.to_string()),
            spark_cds: config.spark_cds,
            sandbox,
            allowed_local_dirs: allowed_local_dirs(&data_dir, &config.allowed_local_dirs)?,
            direct_bucket_mount: config.direct_bucket_mount,
            api_endpoint: Some(local_endpoint(engine_address)),
            artifact_cache_bytes: config.disk.artifact_cache_bytes,
            keep_failed_work_dirs: config.disk.keep_failed_work_dirs(),
            run_history_retention: config.disk.run_history_retention(),
            containers,
        },
    );
    // Each Spark attempt reaches S3 with its execution role's session.
    controller.set_credential_issuer(
        Arc::new(super::credential_issuer::IamCredentialIssuer(iam.clone())),
        config.job_credentials_lifetime_seconds,
    );
    // The embedded agent: this machine is a host like an agent's. Its
    // address is the API's, or loopback behind a wildcard listener.
    let own_address = if address.ip().is_unspecified() { std::net::Ipv4Addr::LOCALHOST.into() } else { address.ip() };
    let own_report = super::host_report::report(&config.host, own_address, &data_dir, Default::default());
    controller.register_embedded_host(own_report).await.context("register this host")?;
    eprintln!("this host is {} in `sparkplane hosts`", config.hosts.name);
    controller.recover().await.context("recover state from the last run")?;
    controller.recover_sessions().await.context("recover sessions from the last run")?;
    let scheduler = tokio::spawn(controller.clone().run_scheduler());

    let session_endpoint = super::session_endpoint::start(
        &config.sessions,
        address,
        &data_dir,
        config.public_url.as_deref(),
        &root.secret_access_key,
        controller.clone(),
    )
    .await?;
    let console_listener = match &config.console {
        crate::config_console::ConsoleListen::Off => None,
        crate::config_console::ConsoleListen::BesideApi => Some(std::net::SocketAddr::new(address.ip(), 0)),
        crate::config_console::ConsoleListen::Address(value) => Some(value.parse().context("console_listen")?),
    };
    let console_listener = match console_listener {
        Some(at) => Some(
            tokio::net::TcpListener::bind(at)
                .await
                .with_context(|| format!("listen on {at} for the web console (--console-listen ADDR:PORT, or off)"))?,
        ),
        None => None,
    };
    let console_port = match &console_listener {
        Some(listener) => Some(listener.local_addr().context("read the console's address")?.port()),
        None => None,
    };
    let console =
        Arc::new(sparkplane_server::console::Console::new(&root.secret_access_key, console_port, address.port()));
    let state = AppState {
        controller: controller.clone(),
        // Only S3 may take bodies the signature does not cover.
        verifier: Arc::new(
            Verifier::new(config.region.clone(), "emr-serverless", UriEncoding::Double).require_signed_payload(),
        ),
        keys,
        iam,
        public_url: config.public_url.clone(),
        metrics_token_sha256: config.metrics_token_sha256,
        api_metrics: Default::default(),
        extra_metrics: {
            let store_text: sparkplane_server::metrics::MetricsText = Arc::new(move || timed_store.render());
            let s3_text = s3.as_ref().map(|embedded| {
                let counters = embedded.service.metrics();
                let text: sparkplane_server::metrics::MetricsText = Arc::new(move || counters.render());
                text
            });
            std::iter::once(store_text).chain(s3_text).collect()
        },
        forward_seal: Some(seal),
        sessions: session_endpoint.as_ref().map(|running| running.endpoint.clone()),
        console: console.clone(),
    };
    // The console's charts: samples of the control plane's figures.
    let (stop_sampler, sampler_stopped) = tokio::sync::oneshot::channel::<()>();
    let sampler = tokio::spawn(console.samples.clone().run(controller.clone(), async {
        let _ = sampler_stopped.await;
    }));
    eprintln!("sparkplane listening on http://{address} (data dir {})", data_dir.display());
    let (stop_s3, s3_stopped) = tokio::sync::oneshot::channel::<()>();
    let s3_task = s3.map(|embedded| {
        tokio::spawn(sparkplane_s3::serve(embedded.listener, embedded.service, async {
            let _ = s3_stopped.await;
        }))
    });
    let (stop_console, console_stopped) = tokio::sync::oneshot::channel::<()>();
    let console_task = console_listener.map(|listener| {
        if let Ok(at) = listener.local_addr() {
            eprintln!("web console on http://{at}/console/ (sign in with `sparkplane console`)");
        }
        tokio::spawn(sparkplane_server::serve_console(listener, state.clone(), config.api_limits, async {
            let _ = console_stopped.await;
        }))
    });
    let (stop_internal, internal_stopped) = tokio::sync::oneshot::channel::<()>();
    let internal_task = internal.map(|internal| {
        tokio::spawn(sparkplane_server::serve(internal, state.clone(), config.api_limits, async {
            let _ = internal_stopped.await;
        }))
    });
    sparkplane_server::serve(listener, state, config.api_limits, shutdown_signal()).await.context("serve API")?;
    let _ = stop_internal.send(());
    if let Some(task) = internal_task {
        let _ = task.await;
    }
    let _ = stop_console.send(());
    if let Some(task) = console_task {
        let _ = task.await;
    }
    let _ = stop_sampler.send(());
    let _ = sampler.await;
    tracing::info!("shutting down: stopping running attempts and sessions");
    controller.shutdown().await;
    if let Some(running) = session_endpoint {
        running.stop().await;
    }
    let _ = scheduler.await;
    // The S3 endpoint goes last: attempts ship their final logs through it.
    let _ = stop_s3.send(());
    if let Some(task) = s3_task {
        let _ = task.await;
    }
    // No renewal may land after the release.
    candidate.stop_holding();
    let _ = holding.await;
    candidate.resign().await;
    Ok(())
}

/// The API as processes on this host reach it: a wildcard listen address
/// (IPv4 or dual-stack IPv6) is reached on 127.0.0.1.
fn local_endpoint(address: std::net::SocketAddr) -> String {
    let ip = match address.ip() {
        ip if ip.is_unspecified() => std::net::IpAddr::from([127, 0, 0, 1]),
        ip => ip,
    };
    format!("http://{}", std::net::SocketAddr::new(ip, address.port()))
}

/// Where requests may name local paths: `<data>/local` (created here; the
/// data dir itself holds credentials and state and is never allowed), then
/// the configured directories, which must exist. All canonical.
fn allowed_local_dirs(
    data_dir: &std::path::Path,
    configured: &[std::path::PathBuf],
) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let local = data_dir.join("local");
    std::fs::create_dir_all(&local).with_context(|| format!("create {}", local.display()))?;
    let mut dirs = vec![local];
    for dir in configured {
        let resolved = std::fs::canonicalize(dir)
            .with_context(|| format!("allowed local dir {} (allowed_local_dirs) must exist", dir.display()))?;
        if !resolved.is_dir() {
            anyhow::bail!("allowed local dir {} (allowed_local_dirs) is not a directory", dir.display());
        }
        if data_dir.starts_with(&resolved) {
            tracing::warn!(dir = %resolved.display(), "an allowed local dir contains the data dir: requests can read its credentials and state");
        }
        dirs.push(resolved);
    }
    Ok(dirs)
}

struct EmbeddedS3 {
    listener: tokio::net::TcpListener,
    service: sparkplane_s3::S3Service,
    address: std::net::SocketAddr,
    root: std::path::PathBuf,
}

/// The address agents' hosts reach this server at, if they can: the API
/// listens on one address other than loopback (a wildcard names no address
/// to give executors), and so does the embedded S3 endpoint when jobs use
/// it. Without one, every engine process stays on this host.
fn advertised(api: std::net::IpAddr, embedded_s3: Option<std::net::IpAddr>) -> Option<std::net::IpAddr> {
    let reachable = |ip: std::net::IpAddr| !ip.is_loopback() && !ip.is_unspecified();
    if !reachable(api) {
        return None;
    }
    match embedded_s3 {
        Some(s3) if !reachable(s3) => {
            eprintln!(
                "executors stay on this host: the embedded S3 endpoint listens on {s3}, which other hosts cannot \
                 reach (--s3-listen {api}:PORT lets agents' executors use it)"
            );
            None
        }
        _ => {
            eprintln!("elastic runs' executors may run on agents' hosts; they reach this server at {api}");
            Some(api)
        }
    }
}

/// Binds the embedded S3 endpoint over `<data-dir>/s3`, unless it is off.
async fn start_s3_endpoint(
    config: &ServerConfig,
    data_dir: &std::path::Path,
    keys: Arc<dyn KeyLookup + Send + Sync>,
    authorizer: Arc<dyn sparkplane_policy::Authorizer>,
    early: Option<std::net::TcpListener>,
    seal: &ForwardSeal,
) -> anyhow::Result<Option<EmbeddedS3>> {
    let Some(address) = &config.s3_listen else {
        return Ok(None);
    };
    let root = data_dir.join("s3");
    std::fs::create_dir_all(&root).with_context(|| format!("create {}", root.display()))?;
    let options = sparkplane_s3::ServiceOptions {
        region: config.region.clone(),
        virtual_host_domain: None,
        allow_sigv2: config.s3_allow_sigv2,
        // Spark rewrites files in place through the direct mount, which
        // would change every hard-linked copy of them.
        link_copies: !config.direct_bucket_mount,
    };
    // Every request is decided by its signer's policies, as in S3.
    let service = sparkplane_s3::build_authorized_service(root.clone(), keys, authorizer, options)
        .context("open the embedded S3 store")?
        .with_forward_seal(seal.clone());
    let listener = match early {
        Some(listener) => super::standby::into_tokio(listener),
        None => tokio::net::TcpListener::bind(address).await,
    }
    .with_context(|| format!("listen on {address} for the embedded S3 endpoint (--s3-listen ADDR:PORT, or off)"))?;
    let address = listener.local_addr().context("read S3 listen address")?;
    eprintln!("embedded S3 endpoint on http://{address} (buckets in {})", root.display());
    Ok(Some(EmbeddedS3 { listener, service, address, root }))
}

/// Makes an existing data dir owner-only: the dir itself 0700, and the
/// group/other bits removed from everything under it, which earlier versions
/// created 0755/0644. Symlinks are neither followed nor changed. Entries that
/// cannot be changed (another owner) are logged and left alone.
fn make_private(data_dir: &std::path::Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(data_dir, std::fs::Permissions::from_mode(0o700)).context("chmod 0700")?;
    let mut changed = 0u64;
    let mut failed = 0u64;
    let mut pending = vec![data_dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) => {
                tracing::warn!(dir = %dir.display(), error = %err, "cannot list a data dir entry to make it private");
                failed += 1;
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            // symlink_metadata: a link is looked at, never through.
            let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
            if meta.file_type().is_symlink() {
                continue;
            }
            if meta.is_dir() {
                pending.push(path.clone());
            }
            let mode = meta.permissions().mode();
            if mode & 0o077 != 0 {
                match std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode & !0o077)) {
                    Ok(()) => changed += 1,
                    Err(err) => {
                        tracing::warn!(path = %path.display(), error = %err, "cannot make a data dir entry private");
                        failed += 1;
                    }
                }
            }
        }
    }
    if changed > 0 || failed > 0 {
        tracing::info!(changed, failed, data_dir = %data_dir.display(), "removed group/other permissions in the data dir");
    }
    Ok(())
}

fn epoch_millis() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

pub(crate) async fn shutdown_signal() {
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

/// The sandbox of engine processes: Landlock when the kernel has it (looked
/// up once, here), else unconfined if allowed, else jobs are refused.
fn job_sandbox(config: &ServerConfig, runtime_dir: &std::path::Path) -> sparkplane_engine::sandbox::Sandbox {
    use sparkplane_engine::sandbox::{landlock_abi, Confinement, Sandbox};
    let abi = landlock_abi();
    let confinement = Confinement::decide(abi, config.allow_unconfined_jobs);
    match (confinement, abi) {
        (Confinement::Landlock, Some(abi)) => {
            eprintln!("engine processes are confined by Landlock (ABI {abi})");
        }
        (Confinement::Unconfined, _) | (Confinement::Landlock, None) => eprintln!(
            "WARNING: this kernel has no Landlock; jobs run unconfined, with the server's file access \
             (allow_unconfined_jobs = true)"
        ),
        (Confinement::Refused, _) => eprintln!(
            "WARNING: this kernel has no Landlock; job runs will fail until allow_unconfined_jobs = true \
             (SPARKPLANE_ALLOW_UNCONFINED_JOBS=true) accepts running them unconfined"
        ),
    }
    Sandbox::for_host(confinement, runtime_dir, &config.python)
}
