//! HIVE job runs: the plan, the store-backed catalog, and the body of the
//! worker process that runs one script.
//!
//! A HIVE attempt runs in its own `sparkplane hive-worker` process (a Rust
//! binary starts in milliseconds), so a query that exhausts its memory pool or
//! crashes takes only itself down, and cancel, timeout and log capture work
//! exactly as for Spark. The worker opens the same store for the catalog:
//! tables created by one job are visible to every later job.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use object_store::ObjectStore;
use serde::{Deserialize, Serialize};
use sparkplane_api::{Application, Configuration, Hive, JobRun};
use sparkplane_engine::resources::parse_spark_memory_mb;
use sparkplane_engine::{EngineError, ResourceRequest, WorkerSize};
use sparkplane_sql::{Catalog, DatabaseDef, SqlError, StoreResolver, TableDef};
use sparkplane_store::Store;

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
    pub state_db: PathBuf,
    pub s3: WorkerS3,
}

#[derive(Clone, Serialize, Deserialize)]
pub enum WorkerS3 {
    None,
    Embedded { root: PathBuf, endpoint: String, region: String, access_key_id: String, secret_access_key: String },
    External { endpoint: String, region: String, access_key_id: String, secret_access_key: String, path_style: bool },
}

impl std::fmt::Debug for WorkerS3 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WorkerS3::None => f.write_str("None"),
            WorkerS3::Embedded { root, endpoint, .. } => write!(f, "Embedded({}, {endpoint})", root.display()),
            WorkerS3::External { endpoint, .. } => write!(f, "External({endpoint})"),
        }
    }
}

/// The catalog kept in sparkplane's store, shared by all jobs.
pub struct StoreCatalog {
    store: Arc<dyn Store>,
}

impl StoreCatalog {
    pub fn new(store: Arc<dyn Store>) -> Self {
        StoreCatalog { store }
    }
}

fn catalog_error(err: impl std::fmt::Display) -> SqlError {
    SqlError::Catalog(err.to_string())
}

fn decode<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, SqlError> {
    serde_json::from_str(body).map_err(catalog_error)
}

#[async_trait]
impl Catalog for StoreCatalog {
    async fn get_database(&self, name: &str) -> Result<Option<DatabaseDef>, SqlError> {
        let body = self.store.get_catalog_database(name).await.map_err(catalog_error)?;
        body.as_deref().map(decode).transpose()
    }

    async fn create_database(&self, db: &DatabaseDef) -> Result<(), SqlError> {
        let body = serde_json::to_string(db).map_err(catalog_error)?;
        self.store.create_catalog_database(&db.name, &body).await.map_err(catalog_error)?;
        Ok(())
    }

    async fn list_databases(&self) -> Result<Vec<DatabaseDef>, SqlError> {
        let mut databases = Vec::new();
        for name in self.store.list_catalog_databases().await.map_err(catalog_error)? {
            if let Some(db) = self.get_database(&name).await? {
                databases.push(db);
            }
        }
        Ok(databases)
    }

    async fn get_table(&self, db: &str, name: &str) -> Result<Option<TableDef>, SqlError> {
        let body = self.store.get_catalog_table(db, name).await.map_err(catalog_error)?;
        body.as_deref().map(decode).transpose()
    }

    async fn put_table(&self, table: &TableDef) -> Result<(), SqlError> {
        let body = serde_json::to_string(table).map_err(catalog_error)?;
        self.store.put_catalog_table(&table.database, &table.name, &body).await.map_err(catalog_error)
    }

    async fn drop_table(&self, db: &str, name: &str) -> Result<(), SqlError> {
        self.store.drop_catalog_table(db, name).await.map_err(catalog_error).map(|_| ())
    }

    async fn list_tables(&self, db: &str) -> Result<Vec<TableDef>, SqlError> {
        let tables = self.store.list_catalog_tables(db).await.map_err(catalog_error)?;
        tables.iter().map(|(_, body)| decode(body)).collect()
    }
}

/// Buckets of an external S3 service, one client per bucket.
pub struct ExternalBuckets {
    endpoint: String,
    region: String,
    access_key_id: String,
    secret_access_key: String,
    path_style: bool,
}

impl StoreResolver for ExternalBuckets {
    fn store_for(&self, url: &url::Url) -> Result<Arc<dyn ObjectStore>, SqlError> {
        let bucket = url.host_str().ok_or_else(|| catalog_error(format!("no bucket in {url}")))?;
        let store = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_endpoint(&self.endpoint)
            .with_region(&self.region)
            .with_access_key_id(&self.access_key_id)
            .with_secret_access_key(&self.secret_access_key)
            .with_virtual_hosted_style_request(!self.path_style)
            .with_allow_http(self.endpoint.starts_with("http://"))
            .build()
            .map_err(catalog_error)?;
        Ok(Arc::new(store))
    }
}

/// The resolver the worker uses: bucket directories for the embedded store
/// (no HTTP round trips), S3 clients for an external one.
pub fn resolver_for(s3: &WorkerS3) -> Arc<dyn StoreResolver> {
    match s3 {
        WorkerS3::Embedded { root, .. } => Arc::new(sparkplane_sql::LocalBucketResolver::new(root.clone())),
        WorkerS3::External { endpoint, region, access_key_id, secret_access_key, path_style } => {
            Arc::new(ExternalBuckets {
                endpoint: endpoint.clone(),
                region: region.clone(),
                access_key_id: access_key_id.clone(),
                secret_access_key: secret_access_key.clone(),
                path_style: *path_style,
            })
        }
        WorkerS3::None => Arc::new(sparkplane_sql::LocalBucketResolver::new("/nonexistent").with_local_files(true)),
    }
}
