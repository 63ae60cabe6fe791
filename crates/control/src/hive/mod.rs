//! HIVE job runs: the plan, and the spec of the worker process that runs
//! one script.
//!
//! A HIVE attempt runs in its own `sparkplane hive-worker` process (a Rust
//! binary starts in milliseconds), so a query that exhausts its memory pool or
//! crashes takes only itself down, and cancel, timeout and log capture work
//! exactly as for Spark. The worker reaches the catalog through the API's
//! metastore and the data through S3, as its execution role
//! (`remote.rs`): tables created by one job are visible to every later
//! job whose role may read them.
//!
//! This folder is everything HIVE outside the attempt's supervision (which
//! is in `runs`): the plan and the worker's spec (here), the worker process
//! itself (`worker`, with its clients in `remote`), the channel to a
//! pre-initialized worker (`channel`), and the server's side of the catalog
//! (`metastore` for workers, `catalog_view` for people). Imports only
//! `base`.

pub mod catalog_view;
pub mod channel;
mod metastore;
mod remote;
pub mod worker;

use std::collections::BTreeMap;
use std::sync::Arc;

use object_store::aws::AwsCredentialProvider;
use serde::{Deserialize, Serialize};
use sparkplane_api::{Application, Configuration, Hive, JobRun};
use sparkplane_engine::resources::parse_spark_memory_mb;
use sparkplane_engine::{EngineError, ResourceRequest, WorkerSize};
use sparkplane_sql::{SqlError, StoreResolver};

pub use remote::{EndpointBuckets, RemoteCatalog, WorkerCredentials};

/// Log folder of a HIVE driver in the EMR layout.
pub const HIVE_DRIVER_LOG_FOLDER: &str = "HIVE_DRIVER";
/// EMR Serverless's HIVE driver defaults.
const DEFAULT_DRIVER_CORES: u32 = 2;
const DEFAULT_DRIVER_MEMORY_MB: u64 = 6 * 1024;

/// What a HIVE run needs, derived from the API request.
#[derive(Debug, Clone)]
pub struct HivePlan {
    pub driver: Hive,
    pub hive_site: BTreeMap<String, String>,
    pub resources: ResourceRequest,
}

/// `hive-site` properties: the application's, overridden by the job's.
fn hive_site(layers: &[&[Configuration]]) -> BTreeMap<String, String> {
    let mut merged = BTreeMap::new();
    for layer in layers {
        for config in layer.iter().filter(|c| c.classification == "hive-site") {
            merged.extend(config.properties.clone().unwrap_or_default());
        }
    }
    merged
}

impl HivePlan {
    pub fn new(app: &Application, run: &JobRun, driver: &Hive) -> Result<HivePlan, EngineError> {
        let job_conf = run.configuration_overrides.as_ref().and_then(|o| o.application_configuration.as_deref());
        let site = hive_site(&[app.runtime_configuration.as_deref().unwrap_or_default(), job_conf.unwrap_or_default()]);
        if let Some(parameters) = &driver.parameters {
            sparkplane_sql::parse_parameters(parameters).map_err(|err| EngineError::Property {
                key: "jobDriver.hive.parameters".into(),
                value: String::new(),
                reason: err.to_string(),
            })?;
        }
        for uri in std::iter::once(&driver.query).chain(driver.init_query_file.as_ref()) {
            sparkplane_storage::Location::parse(uri).map_err(EngineError::Storage)?;
        }
        let property = |key: &str, value: &str, reason: &str| EngineError::Property {
            key: key.into(),
            value: value.into(),
            reason: reason.into(),
        };
        let cores = match site.get("hive.driver.cores") {
            Some(value) => value.trim().parse().map_err(|_| property("hive.driver.cores", value, "a whole number"))?,
            None => DEFAULT_DRIVER_CORES,
        };
        let memory_mb = match site.get("hive.driver.memory") {
            Some(value) => {
                parse_spark_memory_mb(value).ok_or_else(|| property("hive.driver.memory", value, "a size"))?
            }
            None => DEFAULT_DRIVER_MEMORY_MB,
        };
        let driver_size = WorkerSize {
            cpu: cores,
            memory_gb: u32::try_from(memory_mb.div_ceil(1024)).unwrap_or(u32::MAX),
            disk_gb: 20,
        };
        let resources = ResourceRequest {
            driver: driver_size,
            executor: driver_size,
            executor_count: 0,
            driver_memory_mb: memory_mb,
            executor_memory_mb: 0,
            elastic: None,
        };
        Ok(HivePlan { driver: driver.clone(), hive_site: site, resources })
    }
}

/// Everything the worker process needs, written to `spec.json` (mode 0600:
/// it may hold the external store's secret) in the attempt's work dir.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HiveWorkerSpec {
    pub query_uri: String,
    pub init_uri: Option<String>,
    pub parameters: Option<String>,
    pub hive_site: BTreeMap<String, String>,
    pub target_partitions: usize,
    pub memory_limit_bytes: usize,
    pub warehouse_dir: String,
    /// The server's API, whose metastore holds the catalog.
    pub api_endpoint: String,
    pub region: String,
    /// The attempt's credentials: the metastore is called with them, and
    /// the embedded store's buckets are read and written with them.
    pub credentials: WorkerCredentials,
    pub s3: WorkerS3,
}

/// Where `s3://` goes for the worker.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum WorkerS3 {
    /// No S3 service: tables live in the server's local warehouse (the
    /// worker's sandbox opens only that directory).
    None,
    /// The embedded endpoint, with the attempt's credentials.
    Embedded { endpoint: String },
    /// An external S3 service, with its own keys (its policies are its own).
    External { endpoint: String, region: String, path_style: bool, credentials: WorkerCredentials },
}

/// The resolver the worker uses: S3 clients through the embedded endpoint
/// or the external service, or, without S3, the local warehouse only.
pub fn resolver_for(
    spec: &HiveWorkerSpec,
    session: &AwsCredentialProvider,
) -> Result<Arc<dyn StoreResolver>, SqlError> {
    Ok(match &spec.s3 {
        WorkerS3::Embedded { endpoint } => Arc::new(EndpointBuckets {
            endpoint: endpoint.clone(),
            region: spec.region.clone(),
            path_style: true,
            credentials: session.clone(),
        }),
        WorkerS3::External { endpoint, region, path_style, credentials } => Arc::new(EndpointBuckets {
            endpoint: endpoint.clone(),
            region: region.clone(),
            path_style: *path_style,
            credentials: credentials.provider(region)?,
        }),
        WorkerS3::None => Arc::new(sparkplane_sql::LocalBucketResolver::new("/nonexistent").with_local_files(true)),
    })
}
