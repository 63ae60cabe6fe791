//! Crash-safe writes: stage in `.sparkplane/tmp`, fsync, rename into place.
//!
//! Spark may read a bucket directory at any moment, and the server may die at
//! any moment. Writing straight to `<bucket>/<key>` would expose half-written
//! objects in both cases; a rename within one filesystem is atomic, so readers
//! only ever see the old bytes or the complete new ones.
//!
//! Because every object is replaced by a rename and never rewritten in
//! place, a copy can be a hard link to its source ([`link_to_tmp`]): a later
//! PUT or delete of either key swaps or drops a directory entry and leaves
//! the other's bytes alone. That holds only while nothing else writes the
//! bucket directories in place, which Spark does with `direct_bucket_mount`;
//! the server turns linking off then.

use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use futures::StreamExt;
use s3s::crypto::{Checksum, Md5};
use s3s::dto::StreamingBlob;
use s3s::{S3Error, S3ErrorCode};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufWriter};

use crate::error::{io_err, is_not_found, StoreError};
use crate::keys::ObjectKey;
use crate::layout::Layout;

/// Each flush is one trip to tokio's blocking pool (a thread hand-off both
/// ways); 1 MiB keeps a 1 GB upload to a thousand of them. tokio's file
/// takes up to 2 MiB per write, so a flush stays one trip.
const WRITE_BUF: usize = 1024 * 1024;
const COPY_BUF: usize = 256 * 1024;

/// Removes the temp file when dropped unless it was renamed into place, so an
/// aborted request or a failed validation leaves nothing behind.
#[derive(Debug)]
struct TmpGuard(Option<PathBuf>);

impl Drop for TmpGuard {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            // Best effort: the tmp dir is also wiped at startup.
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A temp file being written; every byte also feeds the MD5 that becomes the ETag.
pub(crate) struct TmpFile {
    guard: TmpGuard,
    file: BufWriter<tokio::fs::File>,
    md5: Md5,
    size: u64,
}

/// A fully written and fsynced temp file, ready to be renamed into place.
#[derive(Debug)]
pub(crate) struct Staged {
    guard: TmpGuard,
    pub(crate) size: u64,
    /// `None` when the bytes went through unhashed (a multipart object
    /// assembled by the kernel, whose ETag comes from its parts' MD5s).
    pub(crate) md5: Option<[u8; 16]>,
    pub(crate) mtime_ns: i128,
    /// A hard link to an existing object ([`link_to_tmp`]).
    linked: bool,
}

impl TmpFile {
    pub(crate) async fn create(layout: &Layout) -> Result<Self, S3Error> {
        let path = layout.tmp_path()?;
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await
            .map_err(io_err("create temp file", &path))?;
        Ok(TmpFile {
            guard: TmpGuard(Some(path)),
            file: BufWriter::with_capacity(WRITE_BUF, file),
            md5: Md5::new(),
            size: 0,
        })
    }

    fn path(&self) -> &Path {
        self.guard.0.as_deref().unwrap_or(Path::new(""))
    }

    pub(crate) async fn write(&mut self, data: &[u8]) -> Result<(), S3Error> {
        self.md5.update(data);
        self.size += data.len() as u64;
        if let Err(e) = self.file.write_all(data).await {
            return Err(io_err("write temp file", self.path())(e));
        }
        Ok(())
    }

    /// Streams a request body in, calling `observe` on each chunk (checksums).
    pub(crate) async fn write_stream(
        &mut self,
        mut body: StreamingBlob,
        mut observe: impl FnMut(&[u8]),
    ) -> Result<(), S3Error> {
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| {
                // The client went away or sent a malformed (e.g. aws-chunked) body.
                S3Error::with_message(S3ErrorCode::IncompleteBody, format!("failed to read request body: {e}"))
            })?;
            observe(&chunk);
            self.write(&chunk).await?;
        }
        Ok(())
    }

    /// Appends `len` bytes of the open file `src` (named `path` in errors)
    /// starting at `offset`.
    pub(crate) async fn copy_from(
        &mut self,
        src: &mut tokio::fs::File,
        path: &Path,
        offset: u64,
        len: u64,
    ) -> Result<(), S3Error> {
        src.seek(io::SeekFrom::Start(offset)).await.map_err(io_err("seek copy source", path))?;
        let mut remaining = len;
        let mut buf = vec![0u8; COPY_BUF];
        while remaining > 0 {
            let want = usize::try_from(remaining).map_or(COPY_BUF, |r| r.min(COPY_BUF));
            let n = src.read(&mut buf[..want]).await.map_err(io_err("read copy source", path))?;
            if n == 0 {
                // The source shrank underneath us (rewritten by a job); never
                // publish a silently truncated copy.
                return Err(S3Error::with_message(S3ErrorCode::InternalError, "copy source changed while reading"));
            }
            self.write(&buf[..n]).await?;
            remaining -= n as u64;
        }
        Ok(())
    }

    /// Flushes and fsyncs, so the bytes are on disk before any rename makes them visible.
    pub(crate) async fn finish(mut self) -> Result<Staged, S3Error> {
        let path = self.path().to_path_buf();
        self.file.flush().await.map_err(io_err("flush temp file", &path))?;
        let file = self.file.get_mut();
        file.sync_all().await.map_err(io_err("fsync temp file", &path))?;
        let meta = file.metadata().await.map_err(io_err("stat temp file", &path))?;
        let md5 = Some(self.md5.finalize());
        Ok(Staged { guard: self.guard, size: self.size, md5, mtime_ns: mtime_ns(&meta), linked: false })
    }
}

/// Stages a hard link to the object at `src`, which the caller opened and
/// stat'ed as `opened`, for a copy that shares its bytes (`md5` is theirs).
/// `None` when that is not possible: another filesystem, no hard links, the
/// link limit, or `src` no longer being the file that was opened (replaced
/// or rewritten since); the caller then copies the bytes from its handle.
pub(crate) async fn link_to_tmp(
    layout: &Layout,
    src: &Path,
    opened: &std::fs::Metadata,
    md5: [u8; 16],
) -> Result<Option<Staged>, S3Error> {
    let tmp = layout.tmp_path()?;
    let (src, expected) = (src.to_path_buf(), (opened.dev(), opened.ino(), opened.len(), mtime_ns(opened)));
    let linked = tokio::task::spawn_blocking(move || -> io::Result<Option<Staged>> {
        if let Err(e) = std::fs::hard_link(&src, &tmp) {
            tracing::debug!(path = %src.display(), error = %e, "cannot hard-link a copy; copying the bytes");
            return Ok(None);
        }
        let guard = TmpGuard(Some(tmp));
        let path = guard.0.as_deref().unwrap_or(Path::new(""));
        let file = std::fs::File::open(path)?;
        let meta = file.metadata()?;
        if (meta.dev(), meta.ino(), meta.len(), mtime_ns(&meta)) != expected {
            return Ok(None);
        }
        // Written through this store, the bytes are on disk already and this
        // costs nothing; a file that arrived otherwise becomes durable here.
        file.sync_all()?;
        Ok(Some(Staged { guard, size: meta.len(), md5: Some(md5), mtime_ns: mtime_ns(&meta), linked: true }))
    })
    .await;
    match linked {
        Ok(result) => result.map_err(io_err("link copy", layout.root())),
        Err(e) => Err(io_err("link copy", layout.root())(io::Error::other(e))),
    }
}

/// Concatenates `parts` (path and expected length) into a new temp file with
/// the kernel's copy (`copy_file_range`), fsynced. Nothing is hashed: a
/// multipart object's ETag comes from the MD5s its parts already have.
pub(crate) async fn concat_unhashed(layout: &Layout, parts: Vec<(PathBuf, u64)>) -> Result<Staged, S3Error> {
    let tmp = layout.tmp_path()?;
    let root = layout.root().to_path_buf();
    let staged = tokio::task::spawn_blocking(move || -> Result<Staged, S3Error> {
        let mut out = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
            .map_err(io_err("create temp file", &tmp))?;
        let guard = TmpGuard(Some(tmp.clone()));
        let mut size = 0u64;
        for (path, len) in &parts {
            let part = std::fs::File::open(path).map_err(io_err("open part", path))?;
            let copied = io::copy(&mut io::Read::take(part, *len), &mut out).map_err(io_err("copy part", path))?;
            if copied != *len {
                // Never publish a silently truncated object.
                return Err(S3Error::with_message(S3ErrorCode::InternalError, "a part changed while assembling"));
            }
            size += copied;
        }
        out.sync_all().map_err(io_err("fsync temp file", &tmp))?;
        let meta = out.metadata().map_err(io_err("stat temp file", &tmp))?;
        Ok(Staged { guard, size, md5: None, mtime_ns: mtime_ns(&meta), linked: false })
    })
    .await;
    staged.map_err(|e| io_err("assemble parts", &root)(io::Error::other(e)))?
}

impl Staged {
    /// Renames the staged file to `dest` (the path of `key` in `bucket_dir`),
    /// creating parent directories. Conflicts with existing files/directories
    /// become [`StoreError::KeyConflict`], never an overwrite of the wrong thing.
    pub(crate) async fn install(
        mut self,
        layout: &Layout,
        bucket_dir: &Path,
        dest: &Path,
        key: &ObjectKey<'_>,
    ) -> Result<(), S3Error> {
        let tmp = self.guard.0.clone().unwrap_or_default();
        let parent = dest.parent().unwrap_or(bucket_dir);
        // Checked before mkdir: create_dir_all would follow a planted symlink.
        layout.check_contained(bucket_dir, dest, key).await?;
        // A concurrent delete may prune a freshly created parent before the
        // rename lands; a few retries make that race harmless.
        let mut attempts = 0;
        loop {
            attempts += 1;
            make_parents(parent, key).await?;
            match tokio::fs::symlink_metadata(dest).await {
                Ok(m) if m.is_dir() => {
                    return Err(StoreError::KeyConflict {
                        key: key.as_str().to_owned(),
                        detail: "other objects exist below this key as a prefix",
                    }
                    .into())
                }
                _ => {}
            }
            match tokio::fs::rename(&tmp, dest).await {
                Ok(()) => break,
                Err(e) if e.kind() == io::ErrorKind::NotFound && attempts < 4 => continue,
                Err(e) if e.kind() == io::ErrorKind::IsADirectory || e.kind() == io::ErrorKind::DirectoryNotEmpty => {
                    return Err(StoreError::KeyConflict {
                        key: key.as_str().to_owned(),
                        detail: "other objects exist below this key as a prefix",
                    }
                    .into())
                }
                Err(e) => return Err(io_err("rename into place", dest)(e)),
            }
        }
        // Renaming a link onto another name of the same inode (the same copy
        // made twice) does nothing and leaves the temp name: the guard, left
        // armed for links, removes it.
        if !self.linked {
            self.guard.0 = None;
        }
        sync_dir(parent).await
    }
}

impl Staged {
    /// Renames into a directory sparkplane owns (upload parts, sidecars), where
    /// none of the bucket rules apply.
    pub(crate) async fn rename_to(mut self, dest: &Path) -> io::Result<()> {
        let tmp = self.guard.0.clone().unwrap_or_default();
        tokio::fs::rename(&tmp, dest).await?;
        self.guard.0 = None;
        match dest.parent() {
            Some(parent) => tokio::fs::File::open(parent).await?.sync_all().await,
            None => Ok(()),
        }
    }
}

/// `create_dir_all` that reports a file in the way as a key conflict.
pub(crate) async fn make_parents(dir: &Path, key: &ObjectKey<'_>) -> Result<(), S3Error> {
    match tokio::fs::create_dir_all(dir).await {
        Ok(()) => Ok(()),
        Err(e) if matches!(e.kind(), io::ErrorKind::AlreadyExists | io::ErrorKind::NotADirectory) => {
            Err(StoreError::KeyConflict {
                key: key.as_str().to_owned(),
                detail: "a prefix of this key is an existing object",
            }
            .into())
        }
        Err(e) => Err(io_err("create directories", dir)(e)),
    }
}

/// Makes a rename durable: the new directory entry lives in the directory's own data.
async fn sync_dir(dir: &Path) -> Result<(), S3Error> {
    let d = tokio::fs::File::open(dir).await.map_err(io_err("open directory", dir))?;
    d.sync_all().await.map_err(io_err("fsync directory", dir))
}

/// Atomically replaces `dest` with `data` (sidecars and upload manifests).
pub(crate) async fn write_small(layout: &Layout, dest: &Path, data: &[u8]) -> Result<(), S3Error> {
    let mut tmp = TmpFile::create(layout).await?;
    tmp.write(data).await?;
    let staged = tmp.finish().await?;
    if let Some(parent) = dest.parent() {
        tokio::fs::create_dir_all(parent).await.map_err(io_err("create directories", parent))?;
    }
    staged.rename_to(dest).await.map_err(io_err("rename into place", dest))
}

/// Removes a file, treating "already gone" as success.
pub(crate) async fn remove_if_exists(path: &Path) -> Result<(), S3Error> {
    match tokio::fs::remove_file(path).await {
        Ok(()) => Ok(()),
        Err(e) if is_not_found(&e) => Ok(()),
        Err(e) => Err(io_err("remove file", path)(e)),
    }
}

/// Removes now-empty directories from `start` up to (not including)
/// `bucket_dir`, so deleting the last object under a prefix makes the prefix
/// disappear from listings as in S3. `keep` says whether a directory must stay
/// (it has a directory-marker object of its own). Blocking; run it off the
/// async workers.
pub(crate) fn prune_empty_dirs(bucket_dir: &Path, start: &Path, keep: impl Fn(&str) -> bool) {
    let mut dir = start.to_path_buf();
    while dir != bucket_dir && dir.starts_with(bucket_dir) {
        let Some(marker_key) = dir.strip_prefix(bucket_dir).ok().and_then(Path::to_str).map(|k| format!("{k}/")) else {
            return;
        };
        if keep(&marker_key) {
            return;
        }
        // Fails harmlessly (ENOTEMPTY) when something else lives there now.
        if std::fs::remove_dir(&dir).is_err() {
            return;
        }
        match dir.parent() {
            Some(parent) => dir = parent.to_path_buf(),
            None => return,
        }
    }
}

/// Modification time in nanoseconds since the epoch (negative before 1970).
pub(crate) fn mtime_ns(meta: &std::fs::Metadata) -> i128 {
    i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn staged_file_is_removed_unless_installed() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::open(dir.path()).unwrap();
        let mut tmp = TmpFile::create(&layout).await.unwrap();
        tmp.write(b"hello").await.unwrap();
        let staged = tmp.finish().await.unwrap();
        assert_eq!(staged.size, 5);
        assert_eq!(hex::encode(staged.md5.unwrap()), "5d41402abc4b2a76b9719d911017c592");
        drop(staged);
        assert_eq!(std::fs::read_dir(layout.root().join(".sparkplane/tmp")).unwrap().count(), 0);
    }

    #[tokio::test]
    async fn install_detects_file_directory_conflicts() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::open(dir.path()).unwrap();
        let bucket = layout.root().join("b");
        std::fs::create_dir(&bucket).unwrap();
        let put = |key: &'static str| {
            let layout = &layout;
            let bucket = &bucket;
            async move {
                let key = ObjectKey::parse(key).unwrap();
                let mut tmp = TmpFile::create(layout).await.unwrap();
                tmp.write(key.as_str().as_bytes()).await.unwrap();
                tmp.finish().await.unwrap().install(layout, bucket, &key.path_in(bucket), &key).await
            }
        };
        put("a").await.unwrap();
        let err = put("a/b").await.unwrap_err();
        assert_eq!(err.status_code(), Some(hyper::StatusCode::CONFLICT));
        put("c/d").await.unwrap();
        let err = put("c").await.unwrap_err();
        assert_eq!(err.status_code(), Some(hyper::StatusCode::CONFLICT));
        assert_eq!(std::fs::read(bucket.join("a")).unwrap(), b"a");
        assert_eq!(std::fs::read(bucket.join("c/d")).unwrap(), b"c/d");
        // Nothing half-written was left in tmp by the failed attempts.
        assert_eq!(std::fs::read_dir(layout.root().join(".sparkplane/tmp")).unwrap().count(), 0);
    }

    #[tokio::test]
    async fn linked_copies_share_bytes_and_survive_replacing_the_source() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::open(dir.path()).unwrap();
        let bucket = layout.root().join("b");
        std::fs::create_dir(&bucket).unwrap();
        let (src, dest) = (ObjectKey::parse("src").unwrap(), ObjectKey::parse("d/dest").unwrap());
        let mut tmp = TmpFile::create(&layout).await.unwrap();
        tmp.write(b"old bytes").await.unwrap();
        let staged = tmp.finish().await.unwrap();
        let md5 = staged.md5.unwrap();
        staged.install(&layout, &bucket, &src.path_in(&bucket), &src).await.unwrap();

        let opened = std::fs::metadata(src.path_in(&bucket)).unwrap();
        let linked = link_to_tmp(&layout, &src.path_in(&bucket), &opened, md5).await.unwrap().unwrap();
        assert_eq!((linked.size, linked.md5, linked.mtime_ns), (9, Some(md5), mtime_ns(&opened)));
        linked.install(&layout, &bucket, &dest.path_in(&bucket), &dest).await.unwrap();
        assert_eq!(std::fs::metadata(dest.path_in(&bucket)).unwrap().ino(), opened.ino());

        // The same copy again: the rename onto the same inode leaves nothing behind.
        let linked = link_to_tmp(&layout, &src.path_in(&bucket), &opened, md5).await.unwrap().unwrap();
        linked.install(&layout, &bucket, &dest.path_in(&bucket), &dest).await.unwrap();
        assert_eq!(std::fs::read_dir(layout.root().join(".sparkplane/tmp")).unwrap().count(), 0);

        // A PUT over the source renames a new file into place: the copy keeps its bytes.
        let mut tmp = TmpFile::create(&layout).await.unwrap();
        tmp.write(b"new").await.unwrap();
        tmp.finish().await.unwrap().install(&layout, &bucket, &src.path_in(&bucket), &src).await.unwrap();
        assert_eq!(std::fs::read(src.path_in(&bucket)).unwrap(), b"new");
        assert_eq!(std::fs::read(dest.path_in(&bucket)).unwrap(), b"old bytes");

        // The source is no longer the file that was opened: no link.
        assert!(link_to_tmp(&layout, &src.path_in(&bucket), &opened, md5).await.unwrap().is_none());
        // Nor when it is gone.
        std::fs::remove_file(src.path_in(&bucket)).unwrap();
        assert!(link_to_tmp(&layout, &src.path_in(&bucket), &opened, md5).await.unwrap().is_none());
        assert_eq!(std::fs::read_dir(layout.root().join(".sparkplane/tmp")).unwrap().count(), 0);
    }

    #[tokio::test]
    async fn parts_are_concatenated_unhashed() {
        let dir = tempfile::tempdir().unwrap();
        let layout = Layout::open(dir.path()).unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, b"hello ").unwrap();
        std::fs::write(&b, b"world").unwrap();
        let staged = concat_unhashed(&layout, vec![(a.clone(), 6), (b.clone(), 5)]).await.unwrap();
        assert_eq!((staged.size, staged.md5), (11, None));
        let path = staged.guard.0.clone().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hello world");
        drop(staged);
        assert!(!path.exists());
        // A part shorter than listed is an error, and leaves nothing behind.
        assert!(concat_unhashed(&layout, vec![(a, 6), (b, 9)]).await.is_err());
        assert_eq!(std::fs::read_dir(layout.root().join(".sparkplane/tmp")).unwrap().count(), 0);
    }

    #[test]
    fn prune_stops_at_kept_and_nonempty_dirs() {
        let dir = tempfile::tempdir().unwrap();
        let bucket = dir.path().join("b");
        std::fs::create_dir_all(bucket.join("x/y/z")).unwrap();
        std::fs::write(bucket.join("x/file"), b"").unwrap();
        prune_empty_dirs(&bucket, &bucket.join("x/y/z"), |_| false);
        assert!(!bucket.join("x/y").exists());
        assert!(bucket.join("x").exists());

        std::fs::create_dir_all(bucket.join("m/n")).unwrap();
        prune_empty_dirs(&bucket, &bucket.join("m/n"), |k| k == "m/");
        assert!(!bucket.join("m/n").exists());
        assert!(bucket.join("m").exists());
    }
}
