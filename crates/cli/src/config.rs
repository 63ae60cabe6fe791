//! Server configuration: named defaults, then a TOML file, then
//! `SPARKPLANE_*` environment variables, then flags.
//!
//! The environment is passed in as a map so the precedence is testable.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{bail, Context};
use serde::Deserialize;
use sparkplane_control::access::credentials;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8088";
pub const DEFAULT_S3_LISTEN: &str = "127.0.0.1:9000";
pub const DEFAULT_DATA_DIR: &str = "./sparkplane-data";
pub const DEFAULT_REGION: &str = "us-east-1";
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";
pub const DEFAULT_PYTHON: &str = "python3";
pub const DEFAULT_LOG_SHIP_SECONDS: u64 = 5;
const LIFETIME_ENV: &str = "SPARKPLANE_JOB_CREDENTIALS_LIFETIME_SECONDS";

#[derive(clap::Args, Debug, Default, Clone)]
pub struct ServerFlags {
    /// TOML config file [env: SPARKPLANE_CONFIG]
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Address of the API, ADDR:PORT [env: SPARKPLANE_LISTEN] [default: 127.0.0.1:8088]
    #[arg(long)]
    pub listen: Option<String>,
    /// Data directory [env: SPARKPLANE_DATA_DIR] [default: ./sparkplane-data]
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Where state lives: a postgres:// URL, or unset for SQLite in the data dir; prefer the env var or file for a URL with a password (flags show in `ps`) [env: SPARKPLANE_STORE_URL] [default: DATA_DIR/state.db]
    #[arg(long)]
    pub store_url: Option<String>,
    /// Region requests must be signed for [env: SPARKPLANE_REGION] [default: us-east-1]
    #[arg(long)]
    pub region: Option<String>,
    /// Account id in ARNs [env: SPARKPLANE_ACCOUNT_ID] [default: 123456789012]
    #[arg(long)]
    pub account_id: Option<String>,
    /// Where engine runtimes are installed [env: SPARKPLANE_RUNTIME_DIR] [default: DATA_DIR/runtimes]
    #[arg(long)]
    pub runtime_dir: Option<PathBuf>,
    /// Address of the embedded S3 endpoint, or `off` [env: SPARKPLANE_S3_LISTEN] [default: 127.0.0.1:9000]
    #[arg(long)]
    pub s3_listen: Option<String>,
    /// Seconds a client has to send a request's headers to the API [env: SPARKPLANE_API_HEADER_READ_TIMEOUT_SECONDS] [default: 30]
    #[arg(long)]
    pub api_header_read_timeout_seconds: Option<u64>,
    /// Seconds an API connection may sit idle between requests [env: SPARKPLANE_API_IDLE_TIMEOUT_SECONDS] [default: 20]
    #[arg(long)]
    pub api_idle_timeout_seconds: Option<u64>,
    /// Open API connections at most; more wait to be accepted [env: SPARKPLANE_API_MAX_CONNECTIONS] [default: 512]
    #[arg(long)]
    pub api_max_connections: Option<usize>,
    /// MiB of API request bodies buffered at once [env: SPARKPLANE_API_BODY_BUDGET_MB] [default: 64]
    #[arg(long)]
    pub api_body_budget_mb: Option<usize>,
    /// A directory whose files API requests may name as local paths (logUri, entry points, dependencies, HIVE queries); repeatable [env: SPARKPLANE_ALLOWED_LOCAL_DIRS, colon-separated] [default: DATA_DIR/local only]
    #[arg(long = "allowed-local-dir")]
    pub allowed_local_dirs: Vec<PathBuf>,
    /// Let the embedded S3 endpoint accept SigV2 signatures, which do not cover the body [env: SPARKPLANE_S3_ALLOW_SIGV2] [default: false]
    #[arg(long)]
    pub s3_allow_sigv2: bool,
    /// Run jobs even where the kernel has no Landlock to confine them (they then reach whatever the server's user can) [env: SPARKPLANE_ALLOW_UNCONFINED_JOBS] [default: false]
    #[arg(long)]
    pub allow_unconfined_jobs: bool,
    /// Spark jobs read and write the embedded store's bucket directories directly (viewfs) instead of through S3A and the S3 endpoint; bypasses every policy, for single-user setups only [env: SPARKPLANE_DIRECT_BUCKET_MOUNT] [default: false]
    #[arg(long)]
    pub direct_bucket_mount: bool,
    /// Seconds each set of a job's temporary credentials lives (the SDKs fetch new ones before it ends), 900 to 43200 [env: SPARKPLANE_JOB_CREDENTIALS_LIFETIME_SECONDS] [default: 3600]
    #[arg(long)]
    pub job_credentials_lifetime_seconds: Option<u64>,
    /// Byte limit of the artifact cache under DATA_DIR/cache (least recently used entries go first; 0 turns it off) [env: SPARKPLANE_ARTIFACT_CACHE_BYTES] [default: 10737418240]
    #[arg(long)]
    pub artifact_cache_bytes: Option<u64>,
    /// Minutes a failed attempt's work dir is kept for debugging before it is removed (0: removed at once) [env: SPARKPLANE_KEEP_FAILED_WORK_DIRS_MINUTES] [default: 0]
    #[arg(long)]
    pub keep_failed_work_dirs_minutes: Option<u64>,
    /// Days an ended run's managed logs and dashboard files are kept (0: forever) [env: SPARKPLANE_RUN_HISTORY_DAYS] [default: 30]
    #[arg(long)]
    pub run_history_days: Option<u64>,
    /// Container engine that runs custom images (imageConfiguration): a program name or path, or "none" [env: SPARKPLANE_CONTAINER_ENGINE] [default: podman, if installed]
    #[arg(long)]
    pub container_engine: Option<String>,
    /// Registry that ECR image URIs are pulled from, HOST[:PORT] ([account].dkr.ecr.[region].amazonaws.com/REPO:TAG becomes HOST[:PORT]/REPO:TAG) [env: SPARKPLANE_IMAGE_REGISTRY] [default: none, images come from the local image store]
    #[arg(long)]
    pub image_registry: Option<String>,
    /// Whether the image registry speaks HTTPS (false: plain HTTP) [env: SPARKPLANE_IMAGE_REGISTRY_TLS] [default: true]
    #[arg(long)]
    pub image_registry_tls: Option<bool>,
    /// This server's own host in `sparkplane hosts` [env: SPARKPLANE_HOST_NAME] [default: the machine's host name]
    #[arg(long)]
    pub host_name: Option<String>,
    /// Seconds between agents' heartbeats [env: SPARKPLANE_HOST_HEARTBEAT_INTERVAL_SECONDS] [default: 5]
    #[arg(long)]
    pub host_heartbeat_interval_seconds: Option<u64>,
    /// Seconds without a heartbeat after which an agent's host is LOST (at least two heartbeats) [env: SPARKPLANE_HOST_LOST_AFTER_SECONDS] [default: 30]
    #[arg(long)]
    pub host_lost_after_seconds: Option<u64>,
    /// Address of the interactive sessions' Spark Connect endpoint (TLS), ADDR:PORT or `off` [env: SPARKPLANE_SESSION_LISTEN] [default: the API's address, a free port]
    #[arg(long)]
    pub session_listen: Option<String>,
    /// PEM certificate chain the session endpoint shows (with --session-tls-key) [env: SPARKPLANE_SESSION_TLS_CERT] [default: one issued by sparkplane's own CA, DATA_DIR/connect-ca.pem]
    #[arg(long)]
    pub session_tls_cert: Option<PathBuf>,
    /// PEM private key of --session-tls-cert [env: SPARKPLANE_SESSION_TLS_KEY]
    #[arg(long)]
    pub session_tls_key: Option<PathBuf>,
    /// Address of the web console, ADDR:PORT or `off` [env: SPARKPLANE_CONSOLE_LISTEN] [default: the API's address, a free port]
    #[arg(long)]
    pub console_listen: Option<String>,
}

/// The keys a config file may set.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    data_dir: Option<PathBuf>,
    store_url: Option<String>,
    region: Option<String>,
    account_id: Option<String>,
    runtime_dir: Option<PathBuf>,
    python: Option<String>,
    log_ship_interval_seconds: Option<u64>,
    s3_listen: Option<String>,
    s3_allow_sigv2: Option<bool>,
    allow_unconfined_jobs: Option<bool>,
    direct_bucket_mount: Option<bool>,
    api_header_read_timeout_seconds: Option<u64>,
    api_idle_timeout_seconds: Option<u64>,
    api_max_connections: Option<usize>,
    api_body_budget_mb: Option<usize>,
    allowed_local_dirs: Option<Vec<PathBuf>>,
    s3_endpoint: Option<String>,
    s3_region: Option<String>,
    s3_access_key_id: Option<String>,
    s3_secret_access_key_file: Option<PathBuf>,
    s3_path_style: Option<bool>,
    host_vcpu: Option<u64>,
    host_memory_gb: Option<u64>,
    max_engine_processes: Option<u32>,
    heap_budget_gb: Option<u64>,
    public_url: Option<String>,
    spark_cds: Option<bool>,
    job_credentials_lifetime_seconds: Option<u64>,
    artifact_cache_bytes: Option<u64>,
    keep_failed_work_dirs_minutes: Option<u64>,
    run_history_days: Option<u64>,
    metrics_token: Option<String>,
    container_engine: Option<String>,
    image_registry: Option<String>,
    image_registry_tls: Option<bool>,
    host_name: Option<String>,
    session_listen: Option<String>,
    console_listen: Option<String>,
    session_tls_cert: Option<PathBuf>,
    session_tls_key: Option<PathBuf>,
    host_heartbeat_interval_seconds: Option<u64>,
    host_lost_after_seconds: Option<u64>,
}

/// An external S3-compatible service that `s3://` URIs resolve to instead of
/// the embedded endpoint.
#[derive(Clone, PartialEq)]
pub struct ExternalS3 {
    pub endpoint: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    pub path_style: bool,
}

impl std::fmt::Debug for ExternalS3 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExternalS3")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("path_style", &self.path_style)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServerConfig {
    pub listen: String,
    pub data_dir: PathBuf,
    /// SQLite in the data dir, or a PostgreSQL URL (`Debug` hides its password).
    pub store: crate::config_store::StoreLocation,
    pub region: String,
    pub account_id: String,
    pub runtime_dir: PathBuf,
    pub python: String,
    pub log_ship_interval_seconds: u64,
    /// Seconds in one minute of `idleTimeoutMinutes` (60; less only in tests).
    pub auto_stop_minute_seconds: u64,
    /// None when the embedded S3 endpoint is off.
    pub s3_listen: Option<String>,
    /// The embedded S3 endpoint accepts SigV2 (off: SigV4 only).
    pub s3_allow_sigv2: bool,
    /// Whether jobs run unconfined where the kernel has no Landlock (else they are refused).
    pub allow_unconfined_jobs: bool,
    /// Spark jobs mount the embedded store's bucket dirs (viewfs) instead of
    /// S3A through the endpoint: bypasses every policy.
    pub direct_bucket_mount: bool,
    /// Connection and body limits of the API.
    pub api_limits: sparkplane_server::ApiLimits,
    /// Directories (besides `<data>/local`) under which API requests may
    /// name local paths, as configured (canonicalized at startup).
    pub allowed_local_dirs: Vec<PathBuf>,
    pub external_s3: Option<ExternalS3>,
    /// Logical capacity and physical limits (defaults from the machine).
    pub host: sparkplane_control::base::host::HostLimits,
    /// Base of the dashboard URLs the API hands out (`https://spark.example.com`)
    /// when clients reach sparkplane through a proxy; None: the request's Host.
    pub public_url: Option<String>,
    /// Spark drivers map the runtime's class-data-sharing archive.
    pub spark_cds: bool,
    /// How long each set of a job attempt's temporary credentials lives.
    pub job_credentials_lifetime_seconds: u64,
    /// The artifact cache's limit and how long failed work dirs stay.
    pub disk: crate::config_disk::DiskSettings,
    /// SHA-256 of the `/metrics` bearer token; None: `/metrics` is off.
    pub metrics_token_sha256: Option<[u8; 32]>,
    /// The container engine and registry of custom images.
    pub images: crate::config_images::ImageSettings,
    /// This host's name and the agents' liveness settings.
    pub hosts: crate::config_hosts::HostSettings,
    /// The interactive sessions' endpoint.
    pub sessions: crate::config_sessions::SessionSettings,
    /// Where the web console listens.
    pub console: crate::config_console::ConsoleListen,
}

impl ServerConfig {
    pub fn resolve(flags: &ServerFlags, env: &HashMap<String, String>) -> anyhow::Result<ServerConfig> {
        let config_path = flags.config.clone().or_else(|| env.get("SPARKPLANE_CONFIG").map(PathBuf::from));
        let file = match &config_path {
            Some(path) => {
                let text =
                    std::fs::read_to_string(path).with_context(|| format!("read config file {}", path.display()))?;
                toml::from_str::<FileConfig>(&text).with_context(|| format!("parse config file {}", path.display()))?
            }
            None => FileConfig::default(),
        };
        let env_str = |key: &str| env.get(key).filter(|v| !v.is_empty()).cloned();
        let listen = flags
            .listen
            .clone()
            .or_else(|| env_str("SPARKPLANE_LISTEN"))
            .or(file.listen)
            .unwrap_or_else(|| DEFAULT_LISTEN.to_string());
        let data_dir = flags
            .data_dir
            .clone()
            .or_else(|| env_str("SPARKPLANE_DATA_DIR").map(PathBuf::from))
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let store = crate::config_store::resolve(flags.store_url.as_deref(), file.store_url, &env_str)?;
        let region = flags
            .region
            .clone()
            .or_else(|| env_str("SPARKPLANE_REGION"))
            .or(file.region)
            .unwrap_or_else(|| DEFAULT_REGION.to_string());
        let account_id = flags
            .account_id
            .clone()
            .or_else(|| env_str("SPARKPLANE_ACCOUNT_ID"))
            .or(file.account_id)
            .unwrap_or_else(|| DEFAULT_ACCOUNT_ID.to_string());
        let runtime_dir = flags
            .runtime_dir
            .clone()
            .or_else(|| env_str("SPARKPLANE_RUNTIME_DIR").map(PathBuf::from))
            .or(file.runtime_dir)
            .unwrap_or_else(|| data_dir.join("runtimes"));
        let python = env_str("SPARKPLANE_PYTHON").or(file.python).unwrap_or_else(|| DEFAULT_PYTHON.to_string());
        let log_ship_interval_seconds = match env_str("SPARKPLANE_LOG_SHIP_INTERVAL_SECONDS") {
            Some(value) => value.parse().context("SPARKPLANE_LOG_SHIP_INTERVAL_SECONDS must be a whole number")?,
            None => file.log_ship_interval_seconds.unwrap_or(DEFAULT_LOG_SHIP_SECONDS),
        };
        let spark_cds = match env_str("SPARKPLANE_SPARK_CDS") {
            Some(value) => value.parse().context("SPARKPLANE_SPARK_CDS must be true or false")?,
            None => file.spark_cds.unwrap_or(true),
        };
        let job_credentials_lifetime_seconds = match (flags.job_credentials_lifetime_seconds, env_str(LIFETIME_ENV)) {
            (Some(secs), _) => secs,
            (None, Some(value)) => value.parse().with_context(|| format!("{LIFETIME_ENV} must be a whole number"))?,
            (None, None) => file.job_credentials_lifetime_seconds.unwrap_or(credentials::DEFAULT_LIFETIME_SECS),
        };
        let job_credentials_lifetime_seconds =
            credentials::check_lifetime(job_credentials_lifetime_seconds).map_err(anyhow::Error::msg)?;
        let auto_stop_minute_seconds = match env_str("SPARKPLANE_AUTO_STOP_MINUTE_SECONDS") {
            Some(value) => value.parse().context("SPARKPLANE_AUTO_STOP_MINUTE_SECONDS must be a whole number")?,
            None => 60,
        };
        let s3_listen = flags
            .s3_listen
            .clone()
            .or_else(|| env_str("SPARKPLANE_S3_LISTEN"))
            .or(file.s3_listen)
            .unwrap_or_else(|| DEFAULT_S3_LISTEN.to_string());
        let s3_listen = (s3_listen != "off").then_some(s3_listen);
        let s3_allow_sigv2 = match (flags.s3_allow_sigv2, env_str("SPARKPLANE_S3_ALLOW_SIGV2")) {
            (true, _) => true,
            (false, Some(value)) => value.parse().context("SPARKPLANE_S3_ALLOW_SIGV2 must be true or false")?,
            (false, None) => file.s3_allow_sigv2.unwrap_or(false),
        };
        let allow_unconfined_jobs = match (flags.allow_unconfined_jobs, env_str("SPARKPLANE_ALLOW_UNCONFINED_JOBS")) {
            (true, _) => true,
            (false, Some(value)) => value.parse().context("SPARKPLANE_ALLOW_UNCONFINED_JOBS must be true or false")?,
            (false, None) => file.allow_unconfined_jobs.unwrap_or(false),
        };
        let direct_bucket_mount = match (flags.direct_bucket_mount, env_str("SPARKPLANE_DIRECT_BUCKET_MOUNT")) {
            (true, _) => true,
            (false, Some(value)) => value.parse().context("SPARKPLANE_DIRECT_BUCKET_MOUNT must be true or false")?,
            (false, None) => file.direct_bucket_mount.unwrap_or(false),
        };
        let from_file = ApiLimitsFile {
            header_read_timeout_seconds: file.api_header_read_timeout_seconds,
            idle_timeout_seconds: file.api_idle_timeout_seconds,
            max_connections: file.api_max_connections,
            body_budget_mb: file.api_body_budget_mb,
        };
        let api_limits = api_limits(flags, &from_file, &env_str)?;
        let allowed_local_dirs = if !flags.allowed_local_dirs.is_empty() {
            flags.allowed_local_dirs.clone()
        } else if let Some(list) = env_str("SPARKPLANE_ALLOWED_LOCAL_DIRS") {
            list.split(':').filter(|d| !d.is_empty()).map(PathBuf::from).collect()
        } else {
            file.allowed_local_dirs.unwrap_or_default()
        };
        let external_s3 = match env_str("SPARKPLANE_S3_ENDPOINT").or(file.s3_endpoint) {
            None => None,
            Some(endpoint) => {
                // Secrets come from the environment or a file, never from a
                // flag (visible in `ps`) or the config file itself.
                let secret = match (env_str("SPARKPLANE_S3_SECRET_ACCESS_KEY"), file.s3_secret_access_key_file) {
                    (Some(secret), _) => secret,
                    (None, Some(path)) => std::fs::read_to_string(&path)
                        .with_context(|| format!("read s3_secret_access_key_file {}", path.display()))?
                        .trim()
                        .to_string(),
                    (None, None) => bail!(
                        "an external S3 endpoint needs SPARKPLANE_S3_SECRET_ACCESS_KEY or s3_secret_access_key_file"
                    ),
                };
                let access_key_id = env_str("SPARKPLANE_S3_ACCESS_KEY_ID")
                    .or(file.s3_access_key_id)
                    .context("an external S3 endpoint needs SPARKPLANE_S3_ACCESS_KEY_ID or s3_access_key_id")?;
                let path_style = match env_str("SPARKPLANE_S3_PATH_STYLE") {
                    Some(value) => value.parse().context("SPARKPLANE_S3_PATH_STYLE must be true or false")?,
                    None => file.s3_path_style.unwrap_or(true),
                };
                Some(ExternalS3 {
                    region: env_str("SPARKPLANE_S3_REGION").or(file.s3_region).unwrap_or_else(|| region.clone()),
                    endpoint,
                    access_key_id,
                    secret_access_key: secret,
                    path_style,
                })
            }
        };
        let mut host = sparkplane_control::base::host::HostLimits::default();
        let number = |key: &str, from_file: Option<u64>| -> anyhow::Result<Option<u64>> {
            match env_str(key) {
                Some(value) => Ok(Some(value.parse().with_context(|| format!("{key} must be a whole number"))?)),
                None => Ok(from_file),
            }
        };
        if let Some(vcpu) = number("SPARKPLANE_HOST_VCPU", file.host_vcpu)? {
            host.vcpu = vcpu;
        }
        if let Some(memory) = number("SPARKPLANE_HOST_MEMORY_GB", file.host_memory_gb)? {
            host.memory_gb = memory;
        }
        if let Some(max) = number("SPARKPLANE_MAX_ENGINE_PROCESSES", file.max_engine_processes.map(u64::from))? {
            host.max_processes = u32::try_from(max.max(1)).unwrap_or(u32::MAX);
        }
        if let Some(heap) = number("SPARKPLANE_HEAP_BUDGET_GB", file.heap_budget_gb)? {
            host.heap_budget_mb = heap.saturating_mul(1024);
        }
        let public_url = match env_str("SPARKPLANE_PUBLIC_URL").or(file.public_url) {
            None => None,
            Some(url) => {
                // Dashboards are served from the root (redirects and the
                // Spark UI's links are absolute paths), so no path prefix.
                let trimmed = url.trim_end_matches('/');
                let authority = trimmed.strip_prefix("https://").or_else(|| trimmed.strip_prefix("http://"));
                if !authority.is_some_and(|a| !a.is_empty() && !a.contains(['/', '?', '#', ' '])) {
                    bail!("public_url must be http(s)://HOST[:PORT] with no path or query, got '{url}'");
                }
                Some(trimmed.to_string())
            }
        };
        let disk = crate::config_disk::resolve(
            (flags.artifact_cache_bytes, flags.keep_failed_work_dirs_minutes, flags.run_history_days),
            (file.artifact_cache_bytes, file.keep_failed_work_dirs_minutes, file.run_history_days),
            &env_str,
        )?;
        if account_id.len() != 12 || !account_id.bytes().all(|b| b.is_ascii_digit()) {
            bail!("account id must be 12 digits, got '{account_id}'");
        }
        if region.is_empty() || !region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
            bail!("region must look like us-east-1, got '{region}'");
        }
        Ok(ServerConfig {
            listen,
            data_dir,
            store,
            region,
            account_id,
            runtime_dir,
            python,
            log_ship_interval_seconds: log_ship_interval_seconds.max(1),
            auto_stop_minute_seconds: auto_stop_minute_seconds.max(1),
            s3_listen,
            s3_allow_sigv2,
            allow_unconfined_jobs,
            direct_bucket_mount,
            api_limits,
            allowed_local_dirs,
            external_s3,
            host,
            public_url,
            spark_cds,
            job_credentials_lifetime_seconds,
            disk,
            metrics_token_sha256: crate::config_metrics::resolve(file.metrics_token.as_deref(), &env_str)?,
            images: crate::config_images::resolve(
                (flags.container_engine.clone(), flags.image_registry.clone(), flags.image_registry_tls),
                (file.container_engine, file.image_registry, file.image_registry_tls),
                &env_str,
            )?,
            sessions: crate::config_sessions::resolve(
                (flags.session_listen.clone(), flags.session_tls_cert.clone(), flags.session_tls_key.clone()),
                (file.session_listen, file.session_tls_cert, file.session_tls_key),
                &env_str,
            )?,
            console: crate::config_console::resolve(flags.console_listen.clone(), file.console_listen, &env_str)?,
            hosts: crate::config_hosts::resolve(
                (flags.host_name.clone(), flags.host_heartbeat_interval_seconds, flags.host_lost_after_seconds),
                (file.host_name, file.host_heartbeat_interval_seconds, file.host_lost_after_seconds),
                &env_str,
            )?,
        })
    }
}

/// The config file's API limits.
struct ApiLimitsFile {
    header_read_timeout_seconds: Option<u64>,
    idle_timeout_seconds: Option<u64>,
    max_connections: Option<usize>,
    body_budget_mb: Option<usize>,
}

/// The API's connection and body limits: flag, then environment, then file,
/// then the named defaults of `sparkplane_server`.
fn api_limits(
    flags: &ServerFlags,
    file: &ApiLimitsFile,
    env_str: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<sparkplane_server::ApiLimits> {
    let number = |flag: Option<u64>, key: &str, from_file: Option<u64>| -> anyhow::Result<Option<u64>> {
        if flag.is_some() {
            return Ok(flag);
        }
        match env_str(key) {
            Some(value) => Ok(Some(value.parse().with_context(|| format!("{key} must be a whole number"))?)),
            None => Ok(from_file),
        }
    };
    let as_u64 = |n: Option<usize>| n.map(|n| n as u64);
    let mut limits = sparkplane_server::ApiLimits::default();
    let c = &mut limits.connections;
    if let Some(secs) = number(
        flags.api_header_read_timeout_seconds,
        "SPARKPLANE_API_HEADER_READ_TIMEOUT_SECONDS",
        file.header_read_timeout_seconds,
    )? {
        c.header_read_timeout = std::time::Duration::from_secs(secs.max(1));
    }
    if let Some(secs) =
        number(flags.api_idle_timeout_seconds, "SPARKPLANE_API_IDLE_TIMEOUT_SECONDS", file.idle_timeout_seconds)?
    {
        c.idle_timeout = Some(std::time::Duration::from_secs(secs.max(1)));
    }
    if let Some(max) =
        number(as_u64(flags.api_max_connections), "SPARKPLANE_API_MAX_CONNECTIONS", as_u64(file.max_connections))?
    {
        c.max_connections = Some(usize::try_from(max.max(1)).unwrap_or(usize::MAX));
    }
    if let Some(mb) =
        number(as_u64(flags.api_body_budget_mb), "SPARKPLANE_API_BODY_BUDGET_MB", as_u64(file.body_budget_mb))?
    {
        limits.body_budget_bytes = usize::try_from(mb.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX);
    }
    Ok(limits)
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
