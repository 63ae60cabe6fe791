//! On-disk state of multipart uploads in progress.
//!
//! ```text
//! .sparkplane/uploads/<uploadId>/upload.json     bucket, key, headers, start time
//! .sparkplane/uploads/<uploadId>/<nnnnn>.<md5>   part n, named by its MD5 (its ETag)
//! ```
//!
//! Naming a part file by its MD5 makes each part a single atomic rename with
//! no separate record to keep in sync, and CompleteMultipartUpload can check
//! the client's ETag for a part by simply looking for that file name.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use crate::durable::write_small;
use crate::error::{io_err, no_such_upload};
use crate::layout::random_id;
use crate::meta::Headers;
use crate::FsBackend;
use s3s::S3Error;

const MANIFEST: &str = "upload.json";
pub(crate) const MAX_PART_NUMBER: i32 = 10_000;

/// What CreateMultipartUpload recorded.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Manifest {
    pub bucket: String,
    pub key: String,
    /// Milliseconds since the epoch.
    pub initiated_ms: u64,
    pub headers: Headers,
}

impl Manifest {
    pub(crate) fn initiated(&self) -> SystemTime {
        SystemTime::UNIX_EPOCH + std::time::Duration::from_millis(self.initiated_ms)
    }
}

/// One stored part.
#[derive(Debug, Clone)]
pub(crate) struct PartFile {
    pub number: i32,
    /// Lowercase hex MD5, which is also the part's ETag.
    pub md5: String,
    pub path: PathBuf,
    pub size: u64,
    pub modified: SystemTime,
}

impl PartFile {
    pub(crate) fn file_name(number: i32, md5_hex: &str) -> String {
        format!("{number:05}.{md5_hex}")
    }

    fn parse_name(name: &str) -> Option<(i32, String)> {
        let (number, md5) = name.split_once('.')?;
        let number: i32 = number.parse().ok()?;
        let valid = (1..=MAX_PART_NUMBER).contains(&number)
            && md5.len() == 32
            && md5.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        valid.then(|| (number, md5.to_owned()))
    }

    /// Binary MD5, for the multipart ETag.
    pub(crate) fn md5_bytes(&self) -> [u8; 16] {
        let mut out = [0u8; 16];
        // The name was validated as 32 hex digits when listed.
        let _ = hex::decode_to_slice(&self.md5, &mut out);
        out
    }
}

impl FsBackend {
    /// Starts an upload and returns its id.
    pub(crate) async fn create_upload(&self, bucket: &str, key: &str, headers: Headers) -> Result<String, S3Error> {
        let id = random_id()?;
        let dir = self.layout.uploads_dir().join(&id);
        tokio::fs::create_dir(&dir).await.map_err(io_err("create upload", &dir))?;
        let initiated_ms = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let manifest = Manifest { bucket: bucket.to_owned(), key: key.to_owned(), initiated_ms, headers };
        let json = serde_json::to_vec(&manifest).map_err(|e| io_err("encode manifest", &dir)(io::Error::other(e)))?;
        write_small(&self.layout, &dir.join(MANIFEST), &json).await?;
        Ok(id)
    }

    /// The directory and manifest of an upload of `bucket`/`key`.
    pub(crate) async fn load_upload(
        &self,
        upload_id: &str,
        bucket: &str,
        key: &str,
    ) -> Result<(PathBuf, Manifest), S3Error> {
        let dir = self.layout.upload_dir(upload_id).ok_or_else(|| no_such_upload(upload_id))?;
        match read_manifest(&dir).await {
            Some(m) if m.bucket == bucket && m.key == key => Ok((dir, m)),
            _ => Err(no_such_upload(upload_id)),
        }
    }

    /// All uploads, for ListMultipartUploads; unreadable entries are skipped.
    pub(crate) async fn all_uploads(&self) -> Result<Vec<(String, Manifest)>, S3Error> {
        let root = self.layout.uploads_dir();
        let mut entries = tokio::fs::read_dir(root).await.map_err(io_err("read uploads", root))?;
        let mut out = Vec::new();
        while let Some(entry) = entries.next_entry().await.map_err(io_err("read uploads", root))? {
            let Ok(id) = entry.file_name().into_string() else { continue };
            if self.layout.upload_dir(&id).is_none() {
                continue;
            }
            if let Some(m) = read_manifest(&entry.path()).await {
                out.push((id, m));
            }
        }
        Ok(out)
    }

    /// Drops every upload targeting `bucket` (the bucket was deleted).
    pub(crate) async fn remove_uploads_of_bucket(&self, bucket: &str) {
        let Ok(uploads) = self.all_uploads().await else { return };
        for (id, manifest) in uploads {
            if manifest.bucket == bucket {
                if let Some(dir) = self.layout.upload_dir(&id) {
                    remove_upload_dir(&dir).await;
                }
            }
        }
    }
}

async fn read_manifest(dir: &Path) -> Option<Manifest> {
    let bytes = tokio::fs::read(dir.join(MANIFEST)).await.ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Parts of the upload in `dir`, by part number. When a part was uploaded
/// more than once, every version is listed (the client's ETag picks one).
pub(crate) async fn list_parts(dir: &Path) -> Result<Vec<PartFile>, S3Error> {
    let mut entries = tokio::fs::read_dir(dir).await.map_err(io_err("read upload", dir))?;
    let mut parts = Vec::new();
    while let Some(entry) = entries.next_entry().await.map_err(io_err("read upload", dir))? {
        let Some((number, md5)) = entry.file_name().to_str().and_then(PartFile::parse_name) else { continue };
        let meta = match entry.metadata().await {
            Ok(m) => m,
            // Replaced by a newer upload of the same part while we listed.
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io_err("stat part", &entry.path())(e)),
        };
        let modified = meta.modified().unwrap_or(SystemTime::UNIX_EPOCH);
        parts.push(PartFile { number, md5, path: entry.path(), size: meta.len(), modified });
    }
    parts.sort_by(|a, b| a.number.cmp(&b.number).then(a.modified.cmp(&b.modified)));
    Ok(parts)
}

/// Latest version of each part number, for ListParts.
pub(crate) fn latest_per_number(parts: Vec<PartFile>) -> Vec<PartFile> {
    let mut latest: BTreeMap<i32, PartFile> = BTreeMap::new();
    for part in parts {
        latest.insert(part.number, part);
    }
    latest.into_values().collect()
}

pub(crate) async fn remove_upload_dir(dir: &Path) {
    if let Err(e) = tokio::fs::remove_dir_all(dir).await {
        if e.kind() != io::ErrorKind::NotFound {
            tracing::warn!(path = %dir.display(), error = %e, "could not remove multipart upload directory");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn part_names_round_trip() {
        let md5 = "5d41402abc4b2a76b9719d911017c592";
        let name = PartFile::file_name(7, md5);
        assert_eq!(name, "00007.5d41402abc4b2a76b9719d911017c592");
        assert_eq!(PartFile::parse_name(&name), Some((7, md5.to_owned())));
        assert_eq!(PartFile::parse_name("upload.json"), None);
        assert_eq!(PartFile::parse_name("00000.5d41402abc4b2a76b9719d911017c592"), None);
        assert_eq!(PartFile::parse_name("10001.5d41402abc4b2a76b9719d911017c592"), None);
        assert_eq!(PartFile::parse_name("00001.5D41402ABC4B2A76B9719D911017C592"), None);
    }

    #[test]
    fn latest_part_wins() {
        let part = |number, md5: &str, secs| PartFile {
            number,
            md5: md5.into(),
            path: PathBuf::new(),
            size: 0,
            modified: SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs),
        };
        let latest = latest_per_number(vec![part(1, "a", 1), part(1, "b", 2), part(2, "c", 1)]);
        assert_eq!(latest.iter().map(|p| p.md5.as_str()).collect::<Vec<_>>(), ["b", "c"]);
    }
}
