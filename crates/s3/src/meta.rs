//! Object metadata sidecars and the facts served for every object.
//!
//! S3 clients expect an ETag, a Content-Type and their `x-amz-meta-*` headers
//! back; a plain file carries none of that, so it lives in a JSON sidecar
//! outside the bucket. Files also appear without a sidecar (a Spark job wrote
//! them) or change under an old one (a job overwrote them), so every read
//! checks the sidecar against the file's size and mtime and falls back to
//! values derived from the file itself.
//!
//! Derived ETag: MD5 over the file's size, mtime and inode, plus a `-1`
//! suffix. Hashing the content would make every HEAD/LIST of a large job
//! output read the whole file; the derived value still changes whenever the
//! file is replaced, which is what clients use ETags for (change detection,
//! conditional requests). The `-N` suffix marks it as "not the MD5 of the
//! body", exactly as multipart ETags are, so no client tries to verify a
//! download against it.

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::time::SystemTime;

use s3s::crypto::{Checksum, Md5};
use s3s::dto::{ETag, Metadata, Timestamp};
use s3s::S3Error;
use serde::{Deserialize, Serialize};

use crate::durable::{mtime_ns, remove_if_exists, write_small};
use crate::error::io_err;
use crate::layout::Layout;

pub(crate) const DEFAULT_CONTENT_TYPE: &str = "application/octet-stream";
/// MD5 of the empty string: the ETag of directory markers and empty objects.
pub(crate) const EMPTY_MD5: &str = "d41d8cd98f00b204e9800998ecf8427e";

/// Headers stored with an object, as sent on PUT (or replaced on COPY).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Headers {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_encoding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_disposition: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub user: BTreeMap<String, String>,
}

impl Headers {
    pub(crate) fn user_metadata(&self) -> Option<Metadata> {
        (!self.user.is_empty()).then(|| self.user.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
    }

    pub(crate) fn content_type_or_default(&self) -> String {
        self.content_type.clone().unwrap_or_else(|| DEFAULT_CONTENT_TYPE.to_owned())
    }
}

/// The sidecar file's content.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Sidecar {
    /// Guards against (astronomically unlikely) hash collisions of the sidecar path.
    pub key: String,
    /// Unquoted ETag.
    pub etag: String,
    /// Size and mtime of the file this sidecar describes, to detect files
    /// rewritten behind our back. Unused for directory markers.
    pub size: u64,
    pub mtime_ns: i128,
    /// The object's LastModified when it is not the file's mtime: a copy
    /// made by hard link shares its source's inode (and mtime), and a
    /// metadata-only copy onto itself leaves the file alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified_ns: Option<i128>,
    #[serde(flatten)]
    pub headers: Headers,
}

/// Everything served about an object on GET/HEAD/LIST.
#[derive(Debug, Clone)]
pub(crate) struct ObjectInfo {
    pub size: u64,
    pub last_modified: SystemTime,
    /// Unquoted ETag.
    pub etag: String,
    pub headers: Headers,
}

impl ObjectInfo {
    pub(crate) fn e_tag(&self) -> ETag {
        ETag::Strong(self.etag.clone())
    }

    pub(crate) fn timestamp(&self) -> Timestamp {
        Timestamp::from(self.last_modified)
    }
}

/// Reads the sidecar of `key`; a missing, unreadable or foreign one is `None`.
pub(crate) async fn load(layout: &Layout, bucket: &str, key: &str) -> Option<Sidecar> {
    let path = layout.meta_path(bucket, key);
    parse(&path, &tokio::fs::read(&path).await.ok()?, key)
}

/// [`load`] for blocking contexts (the lister).
pub(crate) fn load_blocking(layout: &Layout, bucket: &str, key: &str) -> Option<Sidecar> {
    let path = layout.meta_path(bucket, key);
    parse(&path, &std::fs::read(&path).ok()?, key)
}

fn parse(path: &Path, bytes: &[u8], key: &str) -> Option<Sidecar> {
    match serde_json::from_slice::<Sidecar>(bytes) {
        Ok(s) if s.key == key => Some(s),
        Ok(_) => None,
        Err(e) => {
            // A torn write from a crash; the object is still served with derived values.
            tracing::warn!(path = %path.display(), error = %e, "ignoring unreadable metadata sidecar");
            None
        }
    }
}

pub(crate) async fn store(layout: &Layout, bucket: &str, sidecar: &Sidecar) -> Result<(), S3Error> {
    let path = layout.meta_path(bucket, &sidecar.key);
    let bytes = serde_json::to_vec(sidecar).map_err(|e| io_err("encode sidecar", &path)(std::io::Error::other(e)))?;
    write_small(layout, &path, &bytes).await
}

pub(crate) async fn remove(layout: &Layout, bucket: &str, key: &str) -> Result<(), S3Error> {
    remove_if_exists(&layout.meta_path(bucket, key)).await
}

/// Whether `key` (ending in '/') has a marker sidecar; blocking, for the lister.
pub(crate) fn marker_exists_blocking(layout: &Layout, bucket: &str, key: &str) -> bool {
    layout.meta_path(bucket, key).is_file()
}

/// Combines a file's stat data with its sidecar, if the sidecar still describes it.
pub(crate) fn describe_file(meta: &std::fs::Metadata, sidecar: Option<Sidecar>) -> ObjectInfo {
    let size = meta.len();
    let mtime = mtime_ns(meta);
    let last_modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    match sidecar {
        Some(s) if s.size == size && s.mtime_ns == mtime => {
            let last_modified = s.last_modified_ns.map_or(last_modified, ns_to_time);
            ObjectInfo { size, last_modified, etag: s.etag, headers: s.headers }
        }
        _ => {
            ObjectInfo { size, last_modified, etag: derived_etag(size, mtime, meta.ino()), headers: Headers::default() }
        }
    }
}

/// Describes a directory-marker key backed by directory `meta`.
pub(crate) fn describe_marker(meta: &std::fs::Metadata, sidecar: Option<Sidecar>) -> ObjectInfo {
    let last_modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
    let (etag, headers) = sidecar.map_or_else(|| (EMPTY_MD5.to_owned(), Headers::default()), |s| (s.etag, s.headers));
    ObjectInfo { size: 0, last_modified, etag, headers }
}

/// Stats `path` and loads the matching sidecar; blocking, for the lister.
pub(crate) fn describe_blocking(layout: &Layout, bucket: &str, key: &str, path: &Path) -> std::io::Result<ObjectInfo> {
    let meta = std::fs::metadata(path)?;
    let sidecar = load_blocking(layout, bucket, key);
    Ok(if meta.is_dir() { describe_marker(&meta, sidecar) } else { describe_file(&meta, sidecar) })
}

pub(crate) fn derived_etag(size: u64, mtime_ns: i128, ino: u64) -> String {
    let mut md5 = Md5::new();
    md5.update(format!("{size}:{mtime_ns}:{ino}").as_bytes());
    format!("{}-1", hex::encode(md5.finalize()))
}

/// Whether `etag` is the MD5 of the object's bytes (32 hex digits, no
/// `-N` suffix of a multipart or derived ETag).
pub(crate) fn is_content_md5(etag: &str) -> bool {
    etag.len() == 32 && etag.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Nanoseconds since the epoch as a time (the epoch itself before 1970).
pub(crate) fn ns_to_time(ns: i128) -> SystemTime {
    u64::try_from(ns).map_or(SystemTime::UNIX_EPOCH, |ns| SystemTime::UNIX_EPOCH + std::time::Duration::from_nanos(ns))
}

/// The S3 multipart ETag: MD5 of the concatenated binary part MD5s, then "-<part count>".
pub(crate) fn multipart_etag(part_md5s: &[[u8; 16]]) -> String {
    let mut md5 = Md5::new();
    for part in part_md5s {
        md5.update(part);
    }
    format!("{}-{}", hex::encode(md5.finalize()), part_md5s.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_etag_matches_s3() {
        // Two parts "a" and "b": md5(md5("a") ++ md5("b")), as computed by S3 and `aws s3`.
        let a = Md5::checksum(b"a");
        let b = Md5::checksum(b"b");
        let mut joined = Vec::new();
        joined.extend_from_slice(&a);
        joined.extend_from_slice(&b);
        let expected = format!("{}-2", hex::encode(Md5::checksum(&joined)));
        assert_eq!(multipart_etag(&[a, b]), expected);
        assert!(multipart_etag(&[a]).ends_with("-1"));
        assert_eq!(hex::encode(Md5::checksum(b"")), EMPTY_MD5);
    }

    #[test]
    fn stale_sidecar_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, b"12345").unwrap();
        let meta = std::fs::metadata(&file).unwrap();
        let sidecar = Sidecar {
            key: "f".into(),
            etag: "abc".into(),
            size: 5,
            mtime_ns: mtime_ns(&meta),
            last_modified_ns: None,
            headers: Headers { content_type: Some("text/plain".into()), ..Headers::default() },
        };
        let fresh = describe_file(&meta, Some(sidecar.clone()));
        assert_eq!(fresh.etag, "abc");
        assert_eq!(fresh.headers.content_type_or_default(), "text/plain");

        let stale = Sidecar { size: 4, ..sidecar };
        let info = describe_file(&meta, Some(stale));
        assert!(info.etag.ends_with("-1"));
        assert_eq!(info.headers.content_type_or_default(), DEFAULT_CONTENT_TYPE);
        // Derived ETags are stable for an unchanged file.
        assert_eq!(info.etag, describe_file(&meta, None).etag);
    }

    #[test]
    fn sidecar_last_modified_overrides_the_files() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, b"12345").unwrap();
        let meta = std::fs::metadata(&file).unwrap();
        let sidecar = Sidecar {
            key: "f".into(),
            etag: "abc".into(),
            size: 5,
            mtime_ns: mtime_ns(&meta),
            last_modified_ns: Some(1_000_000_000),
            headers: Headers::default(),
        };
        let info = describe_file(&meta, Some(sidecar));
        assert_eq!(info.last_modified, SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1));
        // Older sidecars (no field) read back as the file's mtime.
        let old: Sidecar = serde_json::from_str(r#"{"key":"f","etag":"abc","size":5,"mtime_ns":7}"#).unwrap();
        assert_eq!(old.last_modified_ns, None);
        assert!(is_content_md5(EMPTY_MD5));
        assert!(!is_content_md5(&format!("{}-2", &EMPTY_MD5[..31])));
        assert!(!is_content_md5(&multipart_etag(&[[0; 16]])));
    }
}
