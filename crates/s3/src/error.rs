//! Error types and the mapping from filesystem failures to S3 errors.
//!
//! The backend talks to the disk, clients talk S3: every `io::Error` has to
//! become an S3 error code a client understands. Doing that mapping in one
//! place keeps the status codes consistent across operations and keeps host
//! paths (which say nothing useful to a remote client) out of responses while
//! still logging them for the operator.

use std::io;
use std::path::{Path, PathBuf};

use s3s::{S3Error, S3ErrorCode};

/// Failures while preparing the store or the listener, before any request is served.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("cannot prepare S3 data directory {}: {source}", .path.display())]
    DataDir {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("invalid virtual-host domain {domain:?}: {reason}")]
    VirtualHostDomain { domain: String, reason: String },
}

/// Domain-level failures of the directory store, converted to S3 errors at
/// the operation boundary.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("object key is longer than 1024 bytes")]
    KeyTooLong,
    #[error("invalid object key {key:?}: {reason}")]
    InvalidKey { key: String, reason: &'static str },
    /// The key cannot coexist with an existing object because one would have
    /// to be both a file and a directory on disk.
    #[error("key {key:?} conflicts with an existing object or prefix: {detail}")]
    KeyConflict { key: String, detail: &'static str },
    #[error("path for key {key:?} resolves outside its bucket")]
    Escape { key: String },
    #[error("I/O error during {op} on {}: {source}", .path.display())]
    Io {
        op: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

impl StoreError {
    pub(crate) fn io(op: &'static str, path: &Path, source: io::Error) -> Self {
        StoreError::Io { op, path: path.to_path_buf(), source }
    }
}

impl From<StoreError> for S3Error {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::KeyTooLong => S3Error::with_message(S3ErrorCode::KeyTooLongError, e.to_string()),
            StoreError::InvalidKey { .. } => S3Error::with_message(S3ErrorCode::InvalidArgument, e.to_string()),
            StoreError::KeyConflict { .. } => {
                // S3 itself has no such state; a 409 with a code of our own
                // tells clients the request was understood but cannot be stored.
                let mut err = S3Error::with_message(S3ErrorCode::Custom("KeyConflict".into()), e.to_string());
                err.set_status_code(hyper::StatusCode::CONFLICT);
                err
            }
            StoreError::Escape { .. } => {
                tracing::warn!(error = %e, "refused path escaping the bucket");
                S3Error::with_message(S3ErrorCode::AccessDenied, e.to_string())
            }
            StoreError::Io { ref source, .. } => {
                tracing::error!(error = %e, "S3 store I/O failure");
                let code = match source.kind() {
                    io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => S3ErrorCode::ServiceUnavailable,
                    _ => S3ErrorCode::InternalError,
                };
                S3Error::with_message(code, "internal storage error")
            }
        }
    }
}

/// Shorthand used all over the backend: an I/O failure on `path` during `op`.
pub(crate) fn io_err<'a>(op: &'static str, path: &'a Path) -> impl FnOnce(io::Error) -> S3Error + 'a {
    move |e| StoreError::io(op, path, e).into()
}

pub(crate) fn no_such_bucket(bucket: &str) -> S3Error {
    S3Error::with_message(S3ErrorCode::NoSuchBucket, format!("The specified bucket does not exist: {bucket}"))
}

pub(crate) fn no_such_key(key: &str) -> S3Error {
    S3Error::with_message(S3ErrorCode::NoSuchKey, format!("The specified key does not exist: {key}"))
}

pub(crate) fn no_such_upload(upload_id: &str) -> S3Error {
    S3Error::with_message(S3ErrorCode::NoSuchUpload, format!("The specified upload does not exist: {upload_id}"))
}

/// True for the errors a missing path produces, including a file standing
/// where a directory component was expected (`a` is a file, `a/b` is asked for).
pub(crate) fn is_not_found(e: &io::Error) -> bool {
    matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conflict_is_409() {
        let e: S3Error = StoreError::KeyConflict { key: "a/b".into(), detail: "x" }.into();
        assert_eq!(e.status_code(), Some(hyper::StatusCode::CONFLICT));
        assert!(e.message().is_some_and(|m| m.contains("a/b")));
    }

    #[test]
    fn io_errors_hide_paths() {
        let e: S3Error = StoreError::io("read", Path::new("/secret/path"), io::Error::other("boom")).into();
        assert_eq!(*e.code(), S3ErrorCode::InternalError);
        assert!(!e.message().unwrap_or_default().contains("/secret"));
    }
}
