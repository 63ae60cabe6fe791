//! Where everything lives under the data root.
//!
//! ```text
//! <root>/<bucket>/<key>                         object bytes, a plain file
//! <root>/.sparkplane/meta/<bucket>/<hh>/<h>.json metadata sidecar, h = sha256(key)
//! <root>/.sparkplane/tmp/<random>               in-flight writes, renamed into place
//! <root>/.sparkplane/uploads/<uploadId>/        multipart uploads in progress
//! ```
//!
//! Bucket directories must contain nothing but objects, because Spark reads
//! them directly; everything else goes under `.sparkplane`, which no bucket
//! name can collide with (bucket names cannot start with '.'). Sidecars are
//! addressed by a hash of the key rather than mirroring the key's path: a
//! mirrored tree would have to hold `x` as a file and `x/` as a directory at
//! the same time, and would inherit the 255-byte name limit plus a suffix.

use std::io;
use std::path::{Path, PathBuf};

use s3s::S3Error;
use sha2::{Digest, Sha256};

use crate::error::{io_err, is_not_found, no_such_bucket, SetupError, StoreError};
use crate::keys::{is_valid_bucket_name, ObjectKey};

const SYS_DIR: &str = ".sparkplane";

#[derive(Debug)]
pub(crate) struct Layout {
    /// Canonical (symlink-free) root, so containment checks compare like with like.
    root: PathBuf,
    tmp: PathBuf,
    meta: PathBuf,
    uploads: PathBuf,
}

impl Layout {
    /// Creates the directory skeleton and clears leftovers of interrupted writes.
    ///
    /// Clearing `tmp` assumes one server owns the root, which is how sparkplane runs.
    pub(crate) fn open(root: &Path) -> Result<Self, SetupError> {
        let setup = |path: &Path| {
            let path = path.to_path_buf();
            move |source| SetupError::DataDir { path, source }
        };
        std::fs::create_dir_all(root).map_err(setup(root))?;
        let root = std::fs::canonicalize(root).map_err(setup(root))?;
        let sys = root.join(SYS_DIR);
        let layout = Layout { tmp: sys.join("tmp"), meta: sys.join("meta"), uploads: sys.join("uploads"), root };
        match std::fs::remove_dir_all(&layout.tmp) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(setup(&layout.tmp)(e)),
        }
        for dir in [&layout.tmp, &layout.meta, &layout.uploads] {
            std::fs::create_dir_all(dir).map_err(setup(dir))?;
        }
        Ok(layout)
    }

    pub(crate) fn root(&self) -> &Path {
        &self.root
    }

    pub(crate) fn uploads_dir(&self) -> &Path {
        &self.uploads
    }

    /// The directory of `bucket`, whether or not it exists.
    pub(crate) fn bucket_path(&self, bucket: &str) -> Result<PathBuf, S3Error> {
        if !is_valid_bucket_name(bucket) {
            return Err(S3Error::with_message(
                s3s::S3ErrorCode::InvalidBucketName,
                format!("The specified bucket is not valid: {bucket}"),
            ));
        }
        Ok(self.root.join(bucket))
    }

    /// The directory of an existing bucket; NoSuchBucket otherwise.
    pub(crate) async fn bucket_dir(&self, bucket: &str) -> Result<PathBuf, S3Error> {
        let path = self.bucket_path(bucket)?;
        match tokio::fs::metadata(&path).await {
            Ok(m) if m.is_dir() => Ok(path),
            Ok(_) => Err(no_such_bucket(bucket)),
            Err(e) if is_not_found(&e) => Err(no_such_bucket(bucket)),
            Err(e) => Err(io_err("stat bucket", &path)(e)),
        }
    }

    pub(crate) fn meta_bucket_dir(&self, bucket: &str) -> PathBuf {
        self.meta.join(bucket)
    }

    /// The metadata sidecar of `key` in `bucket`.
    pub(crate) fn meta_path(&self, bucket: &str, key: &str) -> PathBuf {
        let digest = hex::encode(Sha256::digest(key.as_bytes()));
        // Two-hex-char fan-out keeps any one directory from holding millions of entries.
        self.meta.join(bucket).join(&digest[..2]).join(format!("{digest}.json"))
    }

    /// A fresh, unused name in the temp directory.
    pub(crate) fn tmp_path(&self) -> Result<PathBuf, S3Error> {
        Ok(self.tmp.join(random_id()?))
    }

    /// The directory of upload `upload_id`; ids are validated because they
    /// come from the client and become a path component.
    pub(crate) fn upload_dir(&self, upload_id: &str) -> Option<PathBuf> {
        let well_formed = upload_id.len() == 32 && upload_id.bytes().all(|b| b.is_ascii_hexdigit());
        well_formed.then(|| self.uploads.join(upload_id))
    }

    /// Refuses `path` (inside `bucket_dir`) if its nearest existing ancestor,
    /// with symlinks resolved, lies outside the bucket. Catches symlinks placed
    /// inside a bucket (by a job or a user) that point elsewhere on the host.
    pub(crate) async fn check_contained(
        &self,
        bucket_dir: &Path,
        path: &Path,
        key: &ObjectKey<'_>,
    ) -> Result<(), S3Error> {
        let bucket_real = tokio::fs::canonicalize(bucket_dir).await.map_err(io_err("canonicalize", bucket_dir))?;
        let mut probe = path;
        loop {
            match tokio::fs::canonicalize(probe).await {
                Ok(real) if real.starts_with(&bucket_real) => return Ok(()),
                Ok(_) => return Err(StoreError::Escape { key: key.as_str().to_owned() }.into()),
                Err(e) if is_not_found(&e) => {}
                Err(e) => return Err(io_err("canonicalize", probe)(e)),
            }
            // Stop at the bucket: it was canonicalized above, so it exists.
            match probe.parent() {
                Some(parent) if parent.starts_with(bucket_dir) => probe = parent,
                _ => return Ok(()),
            }
        }
    }
}

/// 128 random bits as hex: upload ids and temp-file names.
pub(crate) fn random_id() -> Result<String, S3Error> {
    let mut buf = [0u8; 16];
    getrandom::getrandom(&mut buf).map_err(|e| {
        tracing::error!(error = %e, "OS randomness unavailable");
        S3Error::with_message(s3s::S3ErrorCode::InternalError, "randomness unavailable")
    })?;
    Ok(hex::encode(buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_paths_are_outside_buckets_and_distinct() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::open(dir.path()).unwrap();
        let a = layout.meta_path("b", "x");
        let b = layout.meta_path("b", "x/");
        assert_ne!(a, b);
        assert!(a.starts_with(layout.root().join(".sparkplane/meta/b")));
        assert!(!a.starts_with(layout.root().join("b")));
    }

    #[test]
    fn upload_ids_are_validated() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::open(dir.path()).unwrap();
        assert!(layout.upload_dir("../../../etc").is_none());
        assert!(layout.upload_dir("0123456789abcdef0123456789abcdef").is_some());
        assert!(layout.upload_dir("0123456789abcdef0123456789abcde/").is_none());
    }

    #[test]
    fn open_clears_tmp() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::open(dir.path()).unwrap();
        let leftover = layout.tmp_path().unwrap();
        std::fs::write(&leftover, b"half").unwrap();
        let _again = Layout::open(dir.path()).unwrap();
        assert!(!leftover.exists());
    }

    #[tokio::test]
    async fn symlink_out_of_bucket_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let layout = Layout::open(dir.path()).unwrap();
        let bucket = layout.root().join("bkt");
        std::fs::create_dir(&bucket).unwrap();
        std::os::unix::fs::symlink(outside.path(), bucket.join("link")).unwrap();
        std::fs::write(outside.path().join("secret"), b"s").unwrap();

        let key = ObjectKey::parse("link/secret").unwrap();
        let err = layout.check_contained(&bucket, &key.path_in(&bucket), &key).await.unwrap_err();
        assert_eq!(*err.code(), s3s::S3ErrorCode::AccessDenied);
        // Writing through the link into a new subdirectory is refused too.
        let key = ObjectKey::parse("link/new/file").unwrap();
        assert!(layout.check_contained(&bucket, &key.path_in(&bucket), &key).await.is_err());

        std::fs::create_dir(bucket.join("real")).unwrap();
        let key = ObjectKey::parse("real/x/y").unwrap();
        layout.check_contained(&bucket, &key.path_in(&bucket), &key).await.unwrap();
    }
}
