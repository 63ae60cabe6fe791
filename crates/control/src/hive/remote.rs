//! How a HIVE worker reaches data and the metastore as its job's execution
//! role: S3 through the endpoint, and the catalog through the API's
//! metastore (`metastore.rs`), both signed with the attempt's credentials.
//!
//! A worker used to read the embedded store's bucket directories and open
//! the state store itself: no policy applied, and every HIVE job could read
//! every bucket and the store. Now its sandbox holds neither, and each read
//! and write is a signed request the server authorizes like any client's.
//!
//! The credentials come from one provider, shared by the S3 clients of every
//! bucket and by the metastore client: issued keys of the attempt, fetched
//! (and refreshed before they expire) from the server's credentials endpoint
//! with the attempt's token, or, for an external S3 service, its static keys.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use object_store::aws::{AmazonS3Builder, AwsCredential, AwsCredentialProvider};
use object_store::{ObjectStore, RetryConfig, StaticCredentialProvider};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use sparkplane_auth::{Credentials, UriEncoding};
use sparkplane_sql::{Catalog, DatabaseDef, SqlError, StoreResolver, TableDef};

/// Where a worker's S3 credentials come from.
#[derive(Clone, Serialize, Deserialize)]
pub enum WorkerCredentials {
    /// Fixed keys: an external S3 service's, or, with no issuer (unit
    /// tests), the server's.
    Keys { access_key_id: String, secret_access_key: String, session_token: Option<String> },
    /// The server's credentials endpoint (`full_uri`), authorized by the
    /// attempt's token, read from `token_file` (0600 in the attempt dir).
    Endpoint { full_uri: String, token_file: PathBuf },
}

impl std::fmt::Debug for WorkerCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WorkerCredentials::Keys { access_key_id, .. } => write!(f, "Keys({access_key_id})"),
            WorkerCredentials::Endpoint { full_uri, .. } => write!(f, "Endpoint({full_uri})"),
        }
    }
}

fn catalog_error(err: impl std::fmt::Display) -> SqlError {
    SqlError::Catalog(err.to_string())
}

/// Short retries: the server is local, and a run should fail with the
/// server's answer rather than wait on it.
fn retry() -> RetryConfig {
    RetryConfig { max_retries: 3, retry_timeout: std::time::Duration::from_secs(20), ..Default::default() }
}

impl WorkerCredentials {
    /// The provider every client of the attempt signs with.
    pub fn provider(&self, region: &str) -> Result<AwsCredentialProvider, SqlError> {
        match self {
            WorkerCredentials::Keys { access_key_id, secret_access_key, session_token } => {
                Ok(Arc::new(StaticCredentialProvider::new(AwsCredential {
                    key_id: access_key_id.clone(),
                    secret_key: secret_access_key.clone(),
                    token: session_token.clone(),
                })))
            }
            WorkerCredentials::Endpoint { full_uri, token_file } => {
                sparkplane_storage::container_credentials(full_uri, token_file, region, retry()).map_err(catalog_error)
            }
        }
    }
}

/// Buckets of an S3 endpoint, one client per bucket, all signing with one
/// provider.
pub struct EndpointBuckets {
    pub endpoint: String,
    pub region: String,
    pub path_style: bool,
    pub credentials: AwsCredentialProvider,
}

impl StoreResolver for EndpointBuckets {
    fn store_for(&self, url: &url::Url) -> Result<Arc<dyn ObjectStore>, SqlError> {
        if url.scheme() != "s3" {
            return Err(SqlError::Location(
                url.to_string(),
                format!(
                    "unsupported scheme '{}': a HIVE job reaches its data through s3:// as its execution role",
                    url.scheme()
                ),
            ));
        }
        let bucket = url.host_str().ok_or_else(|| catalog_error(format!("no bucket in {url}")))?;
        let store = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_endpoint(&self.endpoint)
            .with_region(&self.region)
            .with_credentials(self.credentials.clone())
            .with_virtual_hosted_style_request(!self.path_style)
            .with_allow_http(self.endpoint.starts_with("http://"))
            .with_retry(retry())
            .build()
            .map_err(catalog_error)?;
        Ok(Arc::new(store))
    }
}

/// The catalog behind the server's metastore API.
pub struct RemoteCatalog {
    http: reqwest::Client,
    /// `http://127.0.0.1:PORT`
    base: String,
    host: String,
    region: String,
    credentials: AwsCredentialProvider,
}

#[derive(Deserialize)]
struct Databases {
    databases: Vec<DatabaseDef>,
}
#[derive(Deserialize)]
struct OneDatabase {
    database: DatabaseDef,
}
#[derive(Deserialize)]
struct Tables {
    tables: Vec<TableDef>,
}
#[derive(Deserialize)]
struct OneTable {
    table: TableDef,
}

/// The server's `{"message": ...}` error body, or the raw text.
fn error_message(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct ErrorBody {
        #[serde(alias = "Message")]
        message: String,
    }
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(error) => error.message,
        Err(_) => String::from_utf8_lossy(body).chars().take(500).collect(),
    }
}

impl RemoteCatalog {
    pub fn new(api_endpoint: &str, region: &str, credentials: AwsCredentialProvider) -> Result<Self, SqlError> {
        let url = url::Url::parse(api_endpoint).map_err(catalog_error)?;
        let host = match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            (None, _) => return Err(catalog_error(format!("no host in the API endpoint {api_endpoint}"))),
        };
        let http =
            reqwest::Client::builder().timeout(std::time::Duration::from_secs(60)).build().map_err(catalog_error)?;
        Ok(RemoteCatalog {
            http,
            base: api_endpoint.trim_end_matches('/').to_string(),
            host,
            region: region.to_string(),
            credentials,
        })
    }

    /// One signed call; names in `path` are already validated identifiers
    /// or rejected by the server.
    async fn call(&self, method: Method, path: &str, body: Option<Vec<u8>>) -> Result<(StatusCode, Vec<u8>), SqlError> {
        let credential = self.credentials.get_credential().await.map_err(catalog_error)?;
        let creds =
            Credentials { access_key_id: credential.key_id.clone(), secret_access_key: credential.secret_key.clone() };
        let payload = body.unwrap_or_default();
        let mut headers: Vec<(&str, &str)> = vec![("host", self.host.as_str())];
        if !payload.is_empty() {
            headers.push(("content-type", "application/json"));
        }
        if let Some(token) = &credential.token {
            headers.push(("x-amz-security-token", token.as_str()));
        }
        let signed = sparkplane_auth::sign(
            method.as_str(),
            path,
            "",
            &headers,
            &payload,
            &creds,
            &self.region,
            "emr-serverless",
            UriEncoding::Double,
            std::time::SystemTime::now(),
        );
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        for (name, value) in headers.iter().filter(|(name, _)| *name != "host") {
            request = request.header(*name, *value);
        }
        for (name, value) in &signed {
            request = request.header(name, value);
        }
        let response = request.body(payload).send().await.map_err(|err| catalog_error(format!("metastore: {err}")))?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|err| catalog_error(format!("metastore: {err}")))?;
        Ok((status, bytes.to_vec()))
    }

    /// A call whose only acceptable answer is 200 (or, for reads, 404).
    fn expect_ok(&self, what: &str, status: StatusCode, body: &[u8]) -> Result<(), SqlError> {
        if status.is_success() {
            return Ok(());
        }
        Err(catalog_error(format!("{what}: {} ({})", error_message(body), status.as_u16())))
    }

    fn decode<T: serde::de::DeserializeOwned>(what: &str, body: &[u8]) -> Result<T, SqlError> {
        serde_json::from_slice(body).map_err(|err| catalog_error(format!("{what}: unexpected response: {err}")))
    }
}

const METASTORE: &str = "/sparkplane/v1/metastore/databases";

#[async_trait]
impl Catalog for RemoteCatalog {
    async fn get_database(&self, name: &str) -> Result<Option<DatabaseDef>, SqlError> {
        let (status, body) = self.call(Method::GET, &format!("{METASTORE}/{name}"), None).await?;
        if status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        self.expect_ok(&format!("get database {name}"), status, &body)?;
        Ok(Some(Self::decode::<OneDatabase>("get database", &body)?.database))
    }

    async fn create_database(&self, db: &DatabaseDef) -> Result<(), SqlError> {
        let payload = serde_json::to_vec(db).map_err(catalog_error)?;
        let (status, body) = self.call(Method::PUT, &format!("{METASTORE}/{}", db.name), Some(payload)).await?;
        if status == StatusCode::CONFLICT {
            return Err(SqlError::DatabaseExists(db.name.clone()));
        }
        self.expect_ok(&format!("create database {}", db.name), status, &body)
    }

    async fn list_databases(&self) -> Result<Vec<DatabaseDef>, SqlError> {
        let (status, body) = self.call(Method::GET, METASTORE, None).await?;
        self.expect_ok("list databases", status, &body)?;
        Ok(Self::decode::<Databases>("list databases", &body)?.databases)
    }

    async fn get_table(&self, db: &str, name: &str) -> Result<Option<TableDef>, SqlError> {
        let (status, body) = self.call(Method::GET, &format!("{METASTORE}/{db}/tables/{name}"), None).await?;
        if status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        self.expect_ok(&format!("get table {db}.{name}"), status, &body)?;
        Ok(Some(Self::decode::<OneTable>("get table", &body)?.table))
    }

    /// A create (`glue:CreateTable`) when the table does not exist, else an
    /// update (`glue:UpdateTable`), so each is authorized as what it is. A
    /// create that loses a race to another job's becomes an update, and an
    /// update of a table dropped meanwhile a create.
    async fn put_table(&self, table: &TableDef) -> Result<(), SqlError> {
        let path = format!("{METASTORE}/{}/tables/{}", table.database, table.name);
        let payload = serde_json::to_vec(table).map_err(catalog_error)?;
        let what = format!("write table {}", table.qualified_name());
        let mut create = self.get_table(&table.database, &table.name).await?.is_none();
        for _ in 0..2 {
            let method = if create { Method::POST } else { Method::PUT };
            let (status, body) = self.call(method, &path, Some(payload.clone())).await?;
            match status {
                StatusCode::CONFLICT if create => create = false,
                StatusCode::NOT_FOUND if !create => create = true,
                _ => return self.expect_ok(&what, status, &body),
            }
        }
        Err(catalog_error(format!("{what}: the table kept changing under this job")))
    }

    async fn drop_table(&self, db: &str, name: &str) -> Result<(), SqlError> {
        let (status, body) = self.call(Method::DELETE, &format!("{METASTORE}/{db}/tables/{name}"), None).await?;
        // Dropping what is already gone (another job's drop) is done.
        if status == StatusCode::NOT_FOUND {
            return Ok(());
        }
        self.expect_ok(&format!("drop table {db}.{name}"), status, &body)
    }

    async fn list_tables(&self, db: &str) -> Result<Vec<TableDef>, SqlError> {
        let (status, body) = self.call(Method::GET, &format!("{METASTORE}/{db}/tables"), None).await?;
        self.expect_ok(&format!("list tables of {db}"), status, &body)?;
        Ok(Self::decode::<Tables>("list tables", &body)?.tables)
    }
}
