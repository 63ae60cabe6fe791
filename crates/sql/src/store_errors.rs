//! Keeps the cause of a failed write.
//!
//! DataFusion's file sinks drop the object store's error when the final
//! upload of a file fails ("Error encountered while finalizing writes!"),
//! so a job refused by S3 (a 403 from its execution role's policy) would
//! fail without saying why. Every store the engine uses is wrapped here:
//! calls pass through unchanged, and the last write-side error is kept so
//! the statement's error can carry it.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use futures::stream::BoxStream;
use object_store::path::Path;
use object_store::{
    GetOptions, GetResult, ListResult, MultipartUpload, ObjectMeta, ObjectStore, PutMultipartOptions, PutOptions,
    PutPayload, PutResult, Result,
};

/// The last write error of any store of one job.
#[derive(Clone, Default, Debug)]
pub struct LastWriteError(Arc<Mutex<Option<String>>>);

impl LastWriteError {
    fn record<T>(&self, result: Result<T>) -> Result<T> {
        if let Err(err) = &result {
            if let Ok(mut slot) = self.0.lock() {
                *slot = Some(err.to_string());
            }
        }
        result
    }

    /// The error kept since the last call, if any.
    pub fn take(&self) -> Option<String> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// `inner`, with its write errors kept in `errors`.
#[derive(Debug)]
pub struct Recording {
    inner: Arc<dyn ObjectStore>,
    errors: LastWriteError,
}

impl Recording {
    pub fn new(inner: Arc<dyn ObjectStore>, errors: LastWriteError) -> Self {
        Recording { inner, errors }
    }
}

impl std::fmt::Display for Recording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

#[async_trait]
impl ObjectStore for Recording {
    async fn put_opts(&self, location: &Path, payload: PutPayload, opts: PutOptions) -> Result<PutResult> {
        self.errors.record(self.inner.put_opts(location, payload, opts).await)
    }

    async fn put_multipart_opts(&self, location: &Path, opts: PutMultipartOptions) -> Result<Box<dyn MultipartUpload>> {
        self.errors.record(self.inner.put_multipart_opts(location, opts).await)
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> Result<GetResult> {
        self.inner.get_opts(location, options).await
    }

    async fn delete(&self, location: &Path) -> Result<()> {
        self.errors.record(self.inner.delete(location).await)
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, Result<ObjectMeta>> {
        self.inner.list(prefix)
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> Result<ListResult> {
        self.inner.list_with_delimiter(prefix).await
    }

    async fn copy(&self, from: &Path, to: &Path) -> Result<()> {
        self.errors.record(self.inner.copy(from, to).await)
    }

    async fn copy_if_not_exists(&self, from: &Path, to: &Path) -> Result<()> {
        self.errors.record(self.inner.copy_if_not_exists(from, to).await)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_failed_write_is_kept_until_taken() {
        let dir = tempfile::tempdir().unwrap();
        let local = Arc::new(object_store::local::LocalFileSystem::new_with_prefix(dir.path()).unwrap());
        let errors = LastWriteError::default();
        let store = Recording::new(local, errors.clone());
        store.put(&Path::from("a/b"), PutPayload::from_static(b"x")).await.unwrap();
        assert_eq!(errors.take(), None);
        // Copying what does not exist is a write that fails.
        assert!(store.copy(&Path::from("missing"), &Path::from("c")).await.is_err());
        assert!(errors.take().is_some_and(|e| e.contains("missing")));
        assert_eq!(errors.take(), None);
    }
}
