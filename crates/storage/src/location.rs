//! Parsing of user-supplied URIs into a [`Location`].

use std::path::{Path, PathBuf};

use crate::StorageError;

/// Where an object or a prefix lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A path on the local filesystem (from `file://` or a plain path).
    Local(PathBuf),
    /// An object (or prefix) in an S3 bucket; `s3a://` and `s3n://` are the
    /// same thing under Hadoop's names.
    S3 { bucket: String, key: String },
}

impl Location {
    /// Parses `file:///abs/path`, `file:/abs/path` or a plain path.
    pub fn parse(uri: &str) -> Result<Location, StorageError> {
        let trimmed = uri.trim();
        if trimmed.is_empty() {
            return Err(StorageError::InvalidUri { uri: uri.to_string(), reason: "empty".into() });
        }
        if trimmed.contains('\0') {
            return Err(StorageError::InvalidUri { uri: uri.to_string(), reason: "contains NUL".into() });
        }
        if let Some(rest) = trimmed.strip_prefix("file://") {
            // file://localhost/x and file:///x are both the local path /x.
            let path = rest.strip_prefix("localhost").unwrap_or(rest);
            if !path.starts_with('/') {
                return Err(StorageError::InvalidUri {
                    uri: uri.to_string(),
                    reason: "file:// URIs must carry an absolute path (file:///dir/file)".into(),
                });
            }
            return Ok(Location::Local(PathBuf::from(path)));
        }
        if let Some(rest) = trimmed.strip_prefix("file:") {
            return Ok(Location::Local(PathBuf::from(rest)));
        }
        if let Some((scheme, rest)) = trimmed.split_once("://") {
            if !matches!(scheme, "s3" | "s3a" | "s3n") {
                return Err(StorageError::UnsupportedScheme { uri: uri.to_string() });
            }
            let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
            if !valid_bucket_name(bucket) {
                return Err(StorageError::InvalidUri {
                    uri: uri.to_string(),
                    reason: format!("'{bucket}' is not a valid bucket name"),
                });
            }
            return Ok(Location::S3 { bucket: bucket.to_string(), key: key.to_string() });
        }
        Ok(Location::Local(PathBuf::from(trimmed)))
    }

    /// The location of `key` below this prefix.
    pub fn join(&self, key: &str) -> Location {
        let key = key.trim_start_matches('/');
        match self {
            Location::Local(base) => Location::Local(base.join(key)),
            Location::S3 { bucket, key: prefix } => {
                let joined = match prefix.trim_end_matches('/') {
                    "" => key.to_string(),
                    prefix => format!("{prefix}/{key}"),
                };
                Location::S3 { bucket: bucket.clone(), key: joined }
            }
        }
    }

    /// Last path segment, used as the staged file name.
    pub fn file_name(&self) -> Option<String> {
        match self {
            Location::Local(path) => path.file_name().map(|name| name.to_string_lossy().into_owned()),
            Location::S3 { key, .. } => key.rsplit('/').next().filter(|n| !n.is_empty()).map(str::to_string),
        }
    }

    pub fn local_path(&self) -> Option<&Path> {
        match self {
            Location::Local(path) => Some(path),
            Location::S3 { .. } => None,
        }
    }
}

/// S3's bucket naming rules (3-63 characters of lowercase letters, digits,
/// dots and hyphens, starting and ending with a letter or digit).
pub fn valid_bucket_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    (3..=63).contains(&bytes.len())
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'.' || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && !name.contains("..")
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Local(path) => write!(f, "file://{}", path.display()),
            Location::S3 { bucket, key } => write!(f, "s3://{bucket}/{key}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_file_uris_and_paths() {
        assert_eq!(Location::parse("file:///a/b.py").unwrap(), Location::Local("/a/b.py".into()));
        assert_eq!(Location::parse("file://localhost/a").unwrap(), Location::Local("/a".into()));
        assert_eq!(Location::parse("/x/y").unwrap(), Location::Local("/x/y".into()));
        assert_eq!(Location::parse("rel/y").unwrap(), Location::Local("rel/y".into()));
    }

    #[test]
    fn parses_s3_uris_under_every_hadoop_scheme() {
        let expected = Location::S3 { bucket: "my-bucket".into(), key: "code/job.py".into() };
        assert_eq!(Location::parse("s3://my-bucket/code/job.py").unwrap(), expected);
        assert_eq!(Location::parse("s3a://my-bucket/code/job.py").unwrap(), expected);
        assert_eq!(
            Location::parse("s3://my-bucket").unwrap(),
            Location::S3 { bucket: "my-bucket".into(), key: String::new() }
        );
        assert_eq!(expected.file_name().as_deref(), Some("job.py"));
        let logs = Location::parse("s3://b-1/logs/").unwrap();
        assert_eq!(logs.join("applications/a/x.gz").to_string(), "s3://b-1/logs/applications/a/x.gz");
        assert!(Location::parse("s3://Bad_Bucket/k").is_err());
        assert!(Location::parse("s3://ab/k").is_err());
    }

    #[test]
    fn rejects_bad_uris() {
        assert!(matches!(Location::parse("gs://b/k"), Err(StorageError::UnsupportedScheme { .. })));
        assert!(matches!(Location::parse("file://rel"), Err(StorageError::InvalidUri { .. })));
        assert!(matches!(Location::parse("  "), Err(StorageError::InvalidUri { .. })));
        assert!(matches!(Location::parse("/a\0b"), Err(StorageError::InvalidUri { .. })));
    }

    #[test]
    fn join_appends_keys() {
        let base = Location::parse("file:///logs/").unwrap();
        assert_eq!(base.join("/applications/a/x.gz"), Location::Local("/logs/applications/a/x.gz".into()));
    }
}
