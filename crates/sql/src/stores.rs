//! Locations and the object stores behind them.
//!
//! Table and partition locations are URIs (`s3://bucket/path/`); which store
//! serves a bucket is the embedding server's business (its own S3 endpoint
//! backed by a local directory, or a real S3), so it is asked through
//! `StoreResolver`. DataFusion resolves stores through its
//! `ObjectStoreRegistry`; `ResolverRegistry` bridges the two, lazily, so a job
//! only touches the buckets it uses.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use datafusion::error::DataFusionError;
use datafusion::execution::object_store::{ObjectStoreRegistry, ObjectStoreUrl};
use futures::TryStreamExt;
use object_store::path::Path;
use object_store::{ObjectMeta, ObjectStore};
use url::Url;

use crate::error::{Result, SqlError};
use crate::store_errors::{LastWriteError, Recording};

/// Resolves `scheme://bucket` to the store holding that bucket.
pub trait StoreResolver: Send + Sync {
    fn store_for(&self, url: &Url) -> Result<Arc<dyn ObjectStore>, SqlError>;
}

/// Serves `s3://bucket/...` from `<root>/<bucket>/...`, the layout of
/// sparkplane's embedded S3 endpoint; also handy for tests. `file://` URIs
/// (which give a script the server's whole filesystem) only when allowed.
pub struct LocalBucketResolver {
    root: PathBuf,
    allow_local_files: bool,
}

impl LocalBucketResolver {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into(), allow_local_files: false }
    }

    /// Also serve `file://` locations from the local filesystem.
    pub fn with_local_files(mut self, allow: bool) -> Self {
        self.allow_local_files = allow;
        self
    }
}

impl StoreResolver for LocalBucketResolver {
    fn store_for(&self, url: &Url) -> Result<Arc<dyn ObjectStore>> {
        match url.scheme() {
            "file" if self.allow_local_files => Ok(Arc::new(object_store::local::LocalFileSystem::new())),
            "s3" => {
                let bucket = url.host_str().unwrap_or_default();
                let valid = !bucket.is_empty()
                    && !bucket.starts_with('.')
                    && bucket.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
                if !valid {
                    return Err(SqlError::Location(url.to_string(), "invalid bucket name".into()));
                }
                let dir = self.root.join(bucket);
                std::fs::create_dir_all(&dir).map_err(|e| SqlError::Location(url.to_string(), e.to_string()))?;
                Ok(Arc::new(object_store::local::LocalFileSystem::new_with_prefix(dir)?))
            }
            other => Err(SqlError::Location(url.to_string(), format!("unsupported scheme '{other}'"))),
        }
    }
}

/// DataFusion's view of a `StoreResolver`, caching one store per bucket.
pub struct ResolverRegistry {
    resolver: Arc<dyn StoreResolver>,
    stores: Mutex<HashMap<String, Arc<dyn ObjectStore>>>,
    /// Every resolved store keeps its write errors here.
    write_errors: LastWriteError,
}

impl ResolverRegistry {
    pub fn new(resolver: Arc<dyn StoreResolver>, write_errors: LastWriteError) -> Self {
        Self { resolver, stores: Mutex::new(HashMap::new()), write_errors }
    }
}

impl std::fmt::Debug for ResolverRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResolverRegistry").finish_non_exhaustive()
    }
}

fn store_key(url: &Url) -> String {
    format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default())
}

impl ObjectStoreRegistry for ResolverRegistry {
    fn register_store(&self, url: &Url, store: Arc<dyn ObjectStore>) -> Option<Arc<dyn ObjectStore>> {
        self.stores.lock().ok()?.insert(store_key(url), store)
    }

    fn get_store(&self, url: &Url) -> datafusion::error::Result<Arc<dyn ObjectStore>> {
        let key = store_key(url);
        let mut stores = self.stores.lock().map_err(|_| DataFusionError::Internal("store cache poisoned".into()))?;
        if let Some(s) = stores.get(&key) {
            return Ok(Arc::clone(s));
        }
        let base = Url::parse(&key).map_err(|e| DataFusionError::External(Box::new(e)))?;
        let store = self.resolver.store_for(&base).map_err(|e| DataFusionError::External(Box::new(e)))?;
        let store: Arc<dyn ObjectStore> = Arc::new(Recording::new(store, self.write_errors.clone()));
        stores.insert(key, Arc::clone(&store));
        Ok(store)
    }
}

/// A parsed directory location: the store's URL (`s3://bucket`) and the key prefix.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub store_url: ObjectStoreUrl,
    pub prefix: Path,
}

impl Location {
    /// Parses a location URI; `s3a://`/`s3n://` mean `s3://`, and a bare
    /// absolute path means `file://`.
    pub fn parse(uri: &str) -> Result<Location> {
        let normalized = normalize_uri(uri)?;
        let url = Url::parse(&normalized).map_err(|e| SqlError::Location(uri.to_string(), e.to_string()))?;
        let store_url =
            ObjectStoreUrl::parse(store_key(&url)).map_err(|e| SqlError::Location(uri.to_string(), e.to_string()))?;
        let prefix = Path::from_url_path(url.path()).map_err(|e| SqlError::Location(uri.to_string(), e.to_string()))?;
        Ok(Location { store_url, prefix })
    }

    /// The URI with a trailing `/`, as DataFusion needs for a directory.
    pub fn dir_uri(&self) -> String {
        let base = self.store_url.as_str().trim_end_matches('/');
        if self.prefix.as_ref().is_empty() {
            format!("{base}/")
        } else {
            format!("{base}/{}/", self.prefix)
        }
    }
}

/// Canonical form of a location as stored in the catalog (no trailing `/`).
pub fn normalize_uri(uri: &str) -> Result<String> {
    let uri = uri.trim();
    let uri = if let Some(rest) = uri.strip_prefix("s3a://").or_else(|| uri.strip_prefix("s3n://")) {
        format!("s3://{rest}")
    } else if uri.starts_with('/') {
        format!("file://{uri}")
    } else if uri.contains("://") {
        uri.to_string()
    } else {
        return Err(SqlError::Location(uri.to_string(), "expected an absolute URI such as s3://bucket/path".into()));
    };
    Ok(uri.trim_end_matches('/').to_string())
}

/// Joins a directory URI and a child path.
pub fn join_uri(dir: &str, child: &str) -> String {
    format!("{}/{}", dir.trim_end_matches('/'), child.trim_start_matches('/'))
}

/// Whether a path segment names a file or directory Hive ignores (`_SUCCESS`, `.crc`, `_temporary`).
pub fn is_hidden(segment: &str) -> bool {
    segment.starts_with('_') || segment.starts_with('.')
}

/// All files under `loc`, recursively, without hidden ones (`_SUCCESS`...)
/// unless `include_hidden`. A missing directory is empty.
pub async fn list_files(store: &dyn ObjectStore, loc: &Location, include_hidden: bool) -> Result<Vec<ObjectMeta>> {
    let prefix = (!loc.prefix.as_ref().is_empty()).then_some(&loc.prefix);
    let all: Vec<ObjectMeta> = match store.list(prefix).try_collect().await {
        Ok(v) => v,
        Err(object_store::Error::NotFound { .. }) => vec![],
        Err(e) => return Err(e.into()),
    };
    Ok(all
        .into_iter()
        .filter(|m| {
            let rel =
                m.location.prefix_match(&loc.prefix).map(|p| p.map(|s| s.as_ref().to_string()).collect::<Vec<_>>());
            rel.is_some_and(|segs| include_hidden || !segs.iter().any(|s| is_hidden(s)))
        })
        .collect())
}

/// Deletes the given objects; missing ones are fine. (A `Vec`, not an
/// iterator, so no closure is held across an await and the future stays `Send`.)
pub async fn delete_all(store: &dyn ObjectStore, paths: Vec<Path>) -> Result<()> {
    for p in paths {
        match store.delete(&p).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_locations() {
        let l = Location::parse("s3a://bucket/a/b%20c/").unwrap();
        assert_eq!(l.store_url.as_str(), "s3://bucket/");
        assert_eq!(l.prefix.as_ref(), "a/b c");
        assert_eq!(l.dir_uri(), "s3://bucket/a/b c/");
        assert_eq!(Location::parse("/tmp/x").unwrap().store_url.as_str(), "file:///");
        assert!(Location::parse("relative/path").is_err());
        assert_eq!(normalize_uri("s3://b/x/").unwrap(), "s3://b/x");
    }
}
