//! Parsing of user-supplied URIs into a [`Location`].

use std::path::{Path, PathBuf};

use crate::StorageError;

/// Where an object or a prefix lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A path on the local filesystem (from `file://` or a plain path).
    Local(PathBuf),
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
        if let Some((scheme, _)) = trimmed.split_once("://") {
            let _ = scheme;
            return Err(StorageError::UnsupportedScheme { uri: uri.to_string() });
        }
        Ok(Location::Local(PathBuf::from(trimmed)))
    }

    /// The location of `key` below this prefix.
    pub fn join(&self, key: &str) -> Location {
        match self {
            Location::Local(base) => Location::Local(base.join(key.trim_start_matches('/'))),
        }
    }

    /// Last path segment, used as the staged file name.
    pub fn file_name(&self) -> Option<String> {
        match self {
            Location::Local(path) => path.file_name().map(|name| name.to_string_lossy().into_owned()),
        }
    }

    pub fn local_path(&self) -> Option<&Path> {
        match self {
            Location::Local(path) => Some(path),
        }
    }
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Location::Local(path) => write!(f, "file://{}", path.display()),
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
