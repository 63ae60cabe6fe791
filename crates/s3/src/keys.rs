//! Object keys as filesystem paths, and the rules that keep that mapping safe.
//!
//! Objects are stored as plain files at `<bucket dir>/<key>` so Spark can read
//! them through the local filesystem. That only works if a key can never name
//! anything outside its bucket directory and never aliases another key, so
//! every key passes through [`ObjectKey::parse`] before it touches the disk.

use std::path::{Path, PathBuf};

use crate::error::StoreError;

/// S3's documented limit on key length, in UTF-8 bytes.
pub(crate) const MAX_KEY_LEN: usize = 1024;
/// Longest file or directory name Linux filesystems accept.
const MAX_SEGMENT_LEN: usize = 255;

/// A validated key. Keys ending in `/` are directory markers: they are stored
/// as directories rather than files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ObjectKey<'a> {
    key: &'a str,
}

impl<'a> ObjectKey<'a> {
    /// Validates `key` (already percent-decoded by s3s).
    pub(crate) fn parse(key: &'a str) -> Result<Self, StoreError> {
        let invalid = |reason| StoreError::InvalidKey { key: key.to_owned(), reason };
        if key.len() > MAX_KEY_LEN {
            return Err(StoreError::KeyTooLong);
        }
        if key.is_empty() {
            return Err(invalid("key is empty"));
        }
        if key.contains('\0') {
            return Err(invalid("key contains a NUL byte"));
        }
        if key.starts_with('/') {
            return Err(invalid("key starts with '/'"));
        }
        let body = key.strip_suffix('/').unwrap_or(key);
        for segment in body.split('/') {
            match segment {
                "" => return Err(invalid("key contains an empty path segment ('//')")),
                "." | ".." => return Err(invalid("key contains a '.' or '..' path segment")),
                s if s.len() > MAX_SEGMENT_LEN => {
                    return Err(invalid("a path segment of the key is longer than 255 bytes"))
                }
                _ => {}
            }
        }
        Ok(ObjectKey { key })
    }

    pub(crate) fn as_str(&self) -> &'a str {
        self.key
    }

    /// Whether this key names a directory marker (`dir/`).
    pub(crate) fn is_dir_marker(&self) -> bool {
        self.key.ends_with('/')
    }

    /// The file (or, for markers, directory) the key maps to under `bucket_dir`.
    pub(crate) fn path_in(&self, bucket_dir: &Path) -> PathBuf {
        let mut path = bucket_dir.to_path_buf();
        // Segments were validated above, so pushing them one by one can only
        // descend: no segment is absolute, empty, "." or "..".
        for segment in self.key.strip_suffix('/').unwrap_or(self.key).split('/') {
            path.push(segment);
        }
        path
    }
}

/// Bucket names double as directory names, so besides S3's naming rules this
/// guarantees the name can't start with '.' (which keeps `.sparkplane` and
/// dot entries out of reach) and contains no '/'.
pub(crate) fn is_valid_bucket_name(name: &str) -> bool {
    s3s::path::check_bucket_name(name) && !name.ends_with("-s3alias") && !name.ends_with("--ol-s3")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escapes(key: &str) -> bool {
        ObjectKey::parse(key).is_err()
    }

    #[test]
    fn plain_keys_map_below_bucket() {
        let dir = Path::new("/data/s3/bucket");
        let k = ObjectKey::parse("a/b/c.parquet").unwrap();
        assert_eq!(k.path_in(dir), Path::new("/data/s3/bucket/a/b/c.parquet"));
        assert!(!k.is_dir_marker());
        let m = ObjectKey::parse("a/b/").unwrap();
        assert!(m.is_dir_marker());
        assert_eq!(m.path_in(dir), Path::new("/data/s3/bucket/a/b"));
    }

    #[test]
    fn traversal_is_rejected() {
        for key in [
            "../../etc/passwd",
            "..",
            ".",
            "a/../../x",
            "a/./b",
            "a/..",
            "./a",
            "../",
            "a/../",
            "/etc/passwd",
            "/",
            "a//b",
            "//",
            "a/b//",
            "",
            "a\0b",
        ] {
            assert!(escapes(key), "{key:?} must be rejected");
        }
    }

    #[test]
    fn dots_inside_names_are_fine() {
        for key in ["...", "a/.../b", ".hidden", "a/..b", "b../c", "x.", "%2e%2e/x", "a\\..\\b"] {
            let k = ObjectKey::parse(key).unwrap();
            let p = k.path_in(Path::new("/r/b"));
            assert!(p.starts_with("/r/b/"), "{key:?} -> {}", p.display());
            assert!(!p.components().any(|c| matches!(c, std::path::Component::ParentDir)));
        }
    }

    #[test]
    fn length_limits() {
        let long = "a".repeat(1025);
        assert!(matches!(ObjectKey::parse(&long), Err(StoreError::KeyTooLong)));
        let ok = format!("{}/{}", "a".repeat(255), "b".repeat(255));
        assert!(ObjectKey::parse(&ok).is_ok());
        let seg = "a".repeat(256);
        assert!(matches!(ObjectKey::parse(&seg), Err(StoreError::InvalidKey { .. })));
    }

    #[test]
    fn error_message_names_the_key() {
        let err = ObjectKey::parse("a/../../x").unwrap_err();
        assert!(err.to_string().contains("a/../../x"));
    }

    #[test]
    fn bucket_names() {
        for ok in ["data", "my-bucket", "a.b.c", "123"] {
            assert!(is_valid_bucket_name(ok), "{ok}");
        }
        for bad in
            [".sparkplane", "..", "a", "Upper", "a_b", "a/b", "-ab", "ab-", "a..b", "1.2.3.4", "xn--ab", "b-s3alias"]
        {
            assert!(!is_valid_bucket_name(bad), "{bad}");
        }
    }
}
