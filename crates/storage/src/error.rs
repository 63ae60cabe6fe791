//! Errors of the storage layer, with the URI they concern so that a failed run
//! can say exactly which object was missing.

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("unsupported URI scheme in '{uri}': use s3://, file:// or a local path")]
    UnsupportedScheme { uri: String },
    #[error("invalid URI '{uri}': {reason}")]
    InvalidUri { uri: String, reason: String },
    #[error("object not found: {uri}")]
    NotFound { uri: String },
    #[error("{action} {uri}: {message}")]
    ObjectStore { action: &'static str, uri: String, message: String },
    #[error("s3:// URIs need an S3 endpoint, and none is configured (the embedded endpoint is off): {uri}")]
    NoS3Endpoint { uri: String },
    #[error("{action} '{path}': {source}")]
    Io {
        action: &'static str,
        path: String,
        #[source]
        source: std::io::Error,
    },
}

impl StorageError {
    pub(crate) fn io(action: &'static str, path: impl std::fmt::Display, source: std::io::Error) -> Self {
        StorageError::Io { action, path: path.to_string(), source }
    }

    /// Whether retrying the same operation may succeed (a transient I/O error)
    /// as opposed to a permanent one (bad URI, missing object).
    pub fn is_permanent(&self) -> bool {
        !matches!(self, StorageError::Io { .. } | StorageError::ObjectStore { .. })
    }
}
