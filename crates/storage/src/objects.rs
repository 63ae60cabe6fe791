//! One entry point for reading and writing objects by [`Location`].
//!
//! Local paths go to the filesystem; `s3://` goes through `object_store`'s S3
//! client to the configured endpoint: sparkplane's embedded endpoint by
//! default, or an external S3-compatible service. Clients are built once per
//! bucket and reused.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures::StreamExt;
use object_store::aws::{AmazonS3Builder, AwsCredentialProvider};
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, RetryConfig};
use tokio::io::AsyncWriteExt;

use crate::{Location, StorageError};

/// Where `s3://` URIs are served from.
#[derive(Clone)]
pub struct S3Settings {
    /// e.g. `http://127.0.0.1:9000`
    pub endpoint: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Address buckets as `bucket.host` instead of `host/bucket`.
    pub virtual_hosted_style: bool,
}

impl std::fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("virtual_hosted_style", &self.virtual_hosted_style)
            .finish()
    }
}

pub struct ObjectStorage {
    s3: Option<S3Settings>,
    /// Signs instead of the settings' keys when set: a job's session.
    credentials: Option<AwsCredentialProvider>,
    clients: Mutex<HashMap<String, Arc<dyn ObjectStore>>>,
}

/// Credentials fetched from a container-credentials endpoint (`full_uri`)
/// with the bearer token read from `token_file`, cached and refreshed
/// before they expire: how an engine process signs as its run's execution
/// role. object_store's EKS Pod Identity provider is exactly this protocol
/// (a token read from a file, the ECS JSON back); the bucket is a
/// placeholder, only the provider is kept.
pub fn container_credentials(
    full_uri: &str,
    token_file: &Path,
    region: &str,
    retry: RetryConfig,
) -> Result<AwsCredentialProvider, object_store::Error> {
    use object_store::aws::AmazonS3ConfigKey;
    let store = AmazonS3Builder::new()
        .with_bucket_name("credentials")
        .with_region(region)
        .with_config(AmazonS3ConfigKey::ContainerCredentialsFullUri, full_uri)
        .with_config(AmazonS3ConfigKey::ContainerAuthorizationTokenFile, token_file.display().to_string())
        .with_retry(retry)
        .build()?;
    Ok(store.credentials().clone())
}

impl ObjectStorage {
    pub fn new(s3: Option<S3Settings>) -> ObjectStorage {
        ObjectStorage { s3, credentials: None, clients: Mutex::new(HashMap::new()) }
    }

    /// Requests are signed by `credentials` (temporary, refreshed by the
    /// provider) rather than the settings' fixed keys.
    pub fn with_credential_provider(mut self, credentials: AwsCredentialProvider) -> ObjectStorage {
        self.credentials = Some(credentials);
        self
    }

    pub fn s3_settings(&self) -> Option<&S3Settings> {
        self.s3.as_ref()
    }

    fn client(&self, bucket: &str, uri: &str) -> Result<Arc<dyn ObjectStore>, StorageError> {
        let settings = self.s3.as_ref().ok_or_else(|| StorageError::NoS3Endpoint { uri: uri.to_string() })?;
        let mut clients = self.clients.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(client) = clients.get(bucket) {
            return Ok(client.clone());
        }
        // Transient failures (the log store restarting, say) are retried, but
        // not for so long that a run's final state waits on them.
        let retry = RetryConfig { max_retries: 5, retry_timeout: Duration::from_secs(30), ..Default::default() };
        let builder = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_endpoint(&settings.endpoint)
            .with_region(&settings.region)
            .with_virtual_hosted_style_request(settings.virtual_hosted_style)
            .with_allow_http(settings.endpoint.starts_with("http://"))
            .with_retry(retry);
        let builder = match &self.credentials {
            Some(provider) => builder.with_credentials(provider.clone()),
            None => {
                builder.with_access_key_id(&settings.access_key_id).with_secret_access_key(&settings.secret_access_key)
            }
        };
        let client = builder.build().map_err(|err| object_error("configure S3 client for", uri, err))?;
        let client: Arc<dyn ObjectStore> = Arc::new(client);
        clients.insert(bucket.to_string(), client.clone());
        Ok(client)
    }

    /// Copies the object at `uri` into `dest_dir` (as `file_name`, or the
    /// URI's last segment) and returns the local path. A missing object is
    /// [`StorageError::NotFound`] naming the URI.
    pub async fn stage_into(
        &self,
        uri: &str,
        dest_dir: &Path,
        file_name: Option<&str>,
    ) -> Result<PathBuf, StorageError> {
        let location = Location::parse(uri)?;
        let name = match file_name {
            Some(name) => name.to_string(),
            None => location
                .file_name()
                .ok_or_else(|| StorageError::InvalidUri { uri: uri.to_string(), reason: "no file name".into() })?,
        };
        tokio::fs::create_dir_all(dest_dir)
            .await
            .map_err(|err| StorageError::io("create work dir", dest_dir.display(), err))?;
        let dest = dest_dir.join(&name);
        match &location {
            Location::Local(src) => stage_local(uri, src, &dest).await?,
            Location::S3 { .. } => {
                let partial = dest_dir.join(format!(".{name}.partial"));
                self.download(uri, &partial).await?;
                tokio::fs::rename(&partial, &dest)
                    .await
                    .map_err(|err| StorageError::io("rename", dest.display(), err))?;
            }
        }
        Ok(dest)
    }

    /// What identifies the current content at `uri` without reading it: an
    /// S3 object's ETag and size (one HEAD), a local file's device, inode,
    /// size and modification time. The artifact cache keys by it.
    pub async fn identify(&self, uri: &str) -> Result<ObjectIdentity, StorageError> {
        match Location::parse(uri)? {
            Location::Local(src) => {
                let meta = local_file_meta(uri, &src).await?;
                use std::os::unix::fs::MetadataExt;
                let mtime_ns = meta.mtime().saturating_mul(1_000_000_000).saturating_add(meta.mtime_nsec());
                Ok(ObjectIdentity::Local { dev: meta.dev(), ino: meta.ino(), size: meta.len(), mtime_ns })
            }
            Location::S3 { bucket, key } => {
                let client = self.client(&bucket, uri)?;
                let meta = client.head(&ObjectPath::from(key.as_str())).await.map_err(|err| match err {
                    object_store::Error::NotFound { .. } => StorageError::NotFound { uri: uri.to_string() },
                    other => object_error("read", uri, other),
                })?;
                Ok(ObjectIdentity::S3 { e_tag: meta.e_tag, size: meta.size })
            }
        }
    }

    /// Writes the object at `uri` to the file `dest` (created or
    /// truncated) and returns the identity of what was written: for S3 the
    /// GET's own ETag and size, so an object replaced since a HEAD is never
    /// filed under the old one's key. Callers pass a temporary name and
    /// rename it into place, so nobody sees a partial file under the final
    /// name.
    pub async fn download(&self, uri: &str, dest: &Path) -> Result<ObjectIdentity, StorageError> {
        match Location::parse(uri)? {
            Location::Local(src) => {
                let identity = self.identify(uri).await?;
                stage_local(uri, &src, dest).await?;
                Ok(identity)
            }
            Location::S3 { bucket, key } => {
                let client = self.client(&bucket, uri)?;
                let result = client.get(&ObjectPath::from(key.as_str())).await.map_err(|err| match err {
                    object_store::Error::NotFound { .. } => StorageError::NotFound { uri: uri.to_string() },
                    other => object_error("read", uri, other),
                })?;
                let mut file = tokio::fs::File::create(dest)
                    .await
                    .map_err(|err| StorageError::io("create", dest.display(), err))?;
                let identity = ObjectIdentity::S3 { e_tag: result.meta.e_tag.clone(), size: result.meta.size };
                let mut stream = result.into_stream();
                while let Some(chunk) = stream.next().await {
                    let chunk = chunk.map_err(|err| object_error("read", uri, err))?;
                    file.write_all(&chunk).await.map_err(|err| StorageError::io("write", dest.display(), err))?;
                }
                file.flush().await.map_err(|err| StorageError::io("write", dest.display(), err))?;
                Ok(identity)
            }
        }
    }

    /// Writes `bytes` as the whole object at `location`, replacing it
    /// atomically (readers see the old or the new object, never a part).
    pub async fn put(&self, location: &Location, bytes: Bytes) -> Result<(), StorageError> {
        match location {
            Location::Local(path) => {
                let path = path.clone();
                tokio::task::spawn_blocking(move || crate::logs::write_atomically(&path, &bytes))
                    .await
                    .map_err(|err| StorageError::io("join writer", "-", std::io::Error::other(err)))?
            }
            Location::S3 { bucket, key } => {
                let uri = location.to_string();
                let client = self.client(bucket, &uri)?;
                client
                    .put(&ObjectPath::from(key.as_str()), bytes.into())
                    .await
                    .map_err(|err| object_error("write", &uri, err))?;
                Ok(())
            }
        }
    }
}

/// The identity of an object's current content (see [`ObjectStorage::identify`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectIdentity {
    /// `e_tag` is `None` when the service sent none: such an object is
    /// never cached.
    S3 {
        e_tag: Option<String>,
        size: u64,
    },
    Local {
        dev: u64,
        ino: u64,
        size: u64,
        mtime_ns: i64,
    },
}

async fn local_file_meta(uri: &str, src: &Path) -> Result<std::fs::Metadata, StorageError> {
    let meta = tokio::fs::metadata(src).await.map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => StorageError::NotFound { uri: uri.to_string() },
        _ => StorageError::io("stat", src.display(), err),
    })?;
    if meta.is_dir() {
        return Err(StorageError::InvalidUri { uri: uri.to_string(), reason: "is a directory".into() });
    }
    Ok(meta)
}

async fn stage_local(uri: &str, src: &Path, dest: &Path) -> Result<(), StorageError> {
    local_file_meta(uri, src).await?;
    tokio::fs::copy(src, dest).await.map_err(|err| StorageError::io("copy artifact", src.display(), err))?;
    Ok(())
}

fn object_error(action: &'static str, uri: &str, err: object_store::Error) -> StorageError {
    StorageError::ObjectStore { action, uri: uri.to_string(), message: err.to_string() }
}
