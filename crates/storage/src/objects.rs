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
use object_store::aws::AmazonS3Builder;
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
    clients: Mutex<HashMap<String, Arc<dyn ObjectStore>>>,
}

impl ObjectStorage {
    pub fn new(s3: Option<S3Settings>) -> ObjectStorage {
        ObjectStorage { s3, clients: Mutex::new(HashMap::new()) }
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
        let client = AmazonS3Builder::new()
            .with_bucket_name(bucket)
            .with_endpoint(&settings.endpoint)
            .with_region(&settings.region)
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(&settings.secret_access_key)
            .with_virtual_hosted_style_request(settings.virtual_hosted_style)
            .with_allow_http(settings.endpoint.starts_with("http://"))
            .with_retry(retry)
            .build()
            .map_err(|err| object_error("configure S3 client for", uri, err))?;
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
            Location::S3 { bucket, key } => {
                let client = self.client(bucket, uri)?;
                let result = client.get(&ObjectPath::from(key.as_str())).await.map_err(|err| match err {
                    object_store::Error::NotFound { .. } => StorageError::NotFound { uri: uri.to_string() },
                    other => object_error("read", uri, other),
                })?;
                let partial = dest_dir.join(format!(".{name}.partial"));
                let mut file = tokio::fs::File::create(&partial)
                    .await
                    .map_err(|err| StorageError::io("create", partial.display(), err))?;
                let mut stream = result.into_stream();
                while let Some(chunk) = stream.next().await {
                    let chunk = chunk.map_err(|err| object_error("read", uri, err))?;
                    file.write_all(&chunk).await.map_err(|err| StorageError::io("write", partial.display(), err))?;
                }
                file.flush().await.map_err(|err| StorageError::io("write", partial.display(), err))?;
                tokio::fs::rename(&partial, &dest)
                    .await
                    .map_err(|err| StorageError::io("rename", dest.display(), err))?;
            }
        }
        Ok(dest)
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

async fn stage_local(uri: &str, src: &Path, dest: &Path) -> Result<(), StorageError> {
    let meta = tokio::fs::metadata(src).await.map_err(|err| match err.kind() {
        std::io::ErrorKind::NotFound => StorageError::NotFound { uri: uri.to_string() },
        _ => StorageError::io("stat", src.display(), err),
    })?;
    if meta.is_dir() {
        return Err(StorageError::InvalidUri { uri: uri.to_string(), reason: "is a directory".into() });
    }
    tokio::fs::copy(src, dest).await.map_err(|err| StorageError::io("copy artifact", src.display(), err))?;
    Ok(())
}

fn object_error(action: &'static str, uri: &str, err: object_store::Error) -> StorageError {
    StorageError::ObjectStore { action, uri: uri.to_string(), message: err.to_string() }
}
