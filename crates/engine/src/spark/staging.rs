//! Staging an attempt's artifacts through the host's artifact cache, and
//! saying what it did.
//!
//! With a cache ([`LaunchContext::cache`]) the entry point, `--jars`,
//! `--py-files` and `--files` are copies of the cached objects (Spark and
//! Python mishandle symlinks there, see `Placement`), an archive file is a
//! link into the cache, and each unpacked archive a link to its cached
//! directory (see
//! `sparkplane_storage::ArtifactCache`); without one, files are copied into
//! the work dir as before. Each artifact leaves one line, written at the top
//! of the driver's stderr ("sparkplane: staged ... from cache"), so a user
//! (and the e2e suite) can see that a second run fetched and unpacked
//! nothing.

use std::path::{Path, PathBuf};

use sparkplane_storage::{archive_key, Placement, Staged};

use super::launch::stage_error;
use super::LaunchContext;
use crate::EngineError;

/// What one launch staged, and how.
pub(super) struct Staging<'a, 'c> {
    context: &'a LaunchContext<'c>,
    /// The attempt's work dir: it leases the cache entries it links.
    owner: PathBuf,
    pub lines: Vec<String>,
}

/// A staged artifact: where it is linked, and its cache key if it has one.
pub(super) struct StagedFile {
    pub path: PathBuf,
    pub key: Option<String>,
}

impl<'a, 'c> Staging<'a, 'c> {
    pub fn new(context: &'a LaunchContext<'c>, work_dir: &Path) -> Staging<'a, 'c> {
        Staging { context, owner: work_dir.to_path_buf(), lines: Vec::new() }
    }

    /// Stages `uri` into `dir` (from the cache when there is one, placed as
    /// `placement` says).
    pub async fn file(
        &mut self,
        uri: &str,
        dir: &Path,
        entry_point: bool,
        placement: Placement,
    ) -> Result<StagedFile, EngineError> {
        let storage = self.context.storage;
        let Some(cache) = self.context.cache else {
            let path = storage.stage_into(uri, dir, None).await.map_err(|err| stage_error(uri, err, entry_point))?;
            self.lines.push(format!("sparkplane: fetched {uri}"));
            return Ok(StagedFile { path, key: None });
        };
        let (path, staged) = cache
            .stage_into(storage, uri, dir, None, &self.owner, placement)
            .await
            .map_err(|err| stage_error(uri, err, entry_point))?;
        let (line, key) = match staged {
            Staged::Hit { key } => (format!("sparkplane: staged {uri} from cache"), Some(key)),
            Staged::Fetched { key } => (format!("sparkplane: fetched {uri} into the cache"), Some(key)),
            Staged::Uncached => (format!("sparkplane: fetched {uri} (no ETag: not cached)"), None),
        };
        self.lines.push(line);
        Ok(StagedFile { path, key })
    }

    /// Stages every URI of `uris` into `dir`.
    pub async fn files(
        &mut self,
        uris: &[String],
        dir: &Path,
        placement: Placement,
    ) -> Result<Vec<PathBuf>, EngineError> {
        let mut staged = Vec::with_capacity(uris.len());
        for uri in uris {
            staged.push(self.file(uri, dir, false, placement).await?.path);
        }
        Ok(staged)
    }

    /// Makes `target` (`<work dir>/<alias>`) the unpacked `archive`: a link
    /// to the cached directory when it is there, else unpacked by `unpack`
    /// into a temporary folder of the work dir (the job's sandbox may write
    /// only there) and moved into the cache.
    pub async fn unpacked<F, Fut>(
        &mut self,
        archive: &StagedFile,
        kind: &str,
        target: &Path,
        unpack: F,
    ) -> Result<(), EngineError>
    where
        F: FnOnce(PathBuf) -> Fut,
        Fut: std::future::Future<Output = Result<(), EngineError>>,
    {
        let alias = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let temp = target.with_file_name(format!(".unpack-{alias}"));
        let _ = tokio::fs::remove_dir_all(&temp).await;
        let (Some(cache), Some(key)) = (self.context.cache, archive.key.as_deref()) else {
            unpack(target.to_path_buf()).await?;
            self.lines.push(format!("sparkplane: unpacked {alias}"));
            return Ok(());
        };
        let key = archive_key(key, kind);
        if let Some(dir) = cache.archive(&key, &self.owner) {
            link(&dir, target)?;
            self.lines.push(format!("sparkplane: unpacked {alias} from cache"));
            return Ok(());
        }
        unpack(temp.clone()).await?;
        match cache.adopt_archive(&key, &temp, &self.owner) {
            Ok(dir) => link(&dir, target)?,
            Err(err) => {
                // Another filesystem, say: the attempt keeps its own copy.
                tracing::warn!(error = %err, "archive not cached");
                std::fs::rename(&temp, target)
                    .map_err(|err| EngineError::io(format!("move into {}", target.display()), err))?;
            }
        }
        self.lines.push(format!("sparkplane: unpacked {alias} into the cache"));
        Ok(())
    }
}

fn link(dir: &Path, target: &Path) -> Result<(), EngineError> {
    if std::fs::symlink_metadata(target).is_ok() {
        let _ = std::fs::remove_file(target).or_else(|_| std::fs::remove_dir_all(target));
    }
    std::os::unix::fs::symlink(dir, target).map_err(|err| EngineError::io(format!("link {}", target.display()), err))
}

#[cfg(test)]
mod tests {
    use sparkplane_storage::{ArtifactCache, ObjectStorage};

    use super::*;

    fn context<'a>(storage: &'a ObjectStorage, cache: Option<&'a ArtifactCache>) -> LaunchContext<'a> {
        LaunchContext { cache, ..LaunchContext::bare(storage) }
    }

    async fn fake_unpack(into: PathBuf) -> Result<(), EngineError> {
        std::fs::create_dir_all(into.join("bin")).map_err(|err| EngineError::io("unpack", err))?;
        std::fs::write(into.join("bin/tool"), b"x").map_err(|err| EngineError::io("unpack", err))
    }

    #[tokio::test]
    async fn a_second_attempt_stages_and_unpacks_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ArtifactCache::open(dir.path().join("cache"), 1 << 20).unwrap();
        let storage = ObjectStorage::new(None);
        let archive = dir.path().join("env.tar.gz");
        std::fs::write(&archive, b"not really a tarball").unwrap();
        let uri = archive.display().to_string();
        let context = context(&storage, Some(&cache));
        let mut lines = Vec::new();
        for attempt in ["1", "2"] {
            let work = dir.path().join("work").join(attempt);
            let mut staging = Staging::new(&context, &work);
            let file = staging.file(&uri, &work.join("deps"), false, Placement::Link).await.unwrap();
            let target = work.join("environment");
            staging.unpacked(&file, "tar", &target, fake_unpack).await.unwrap();
            assert!(target.join("bin/tool").is_file());
            assert!(std::fs::symlink_metadata(&target).unwrap().file_type().is_symlink());
            assert!(!work.join(".unpack-environment").exists());
            lines.push(staging.lines);
        }
        assert_eq!(
            lines[0],
            [
                format!("sparkplane: fetched {uri} into the cache"),
                "sparkplane: unpacked environment into the cache".into()
            ]
        );
        assert_eq!(
            lines[1],
            [format!("sparkplane: staged {uri} from cache"), "sparkplane: unpacked environment from cache".into()]
        );
        let usage = cache.usage();
        assert_eq!((usage.downloads, usage.unpacks, usage.hits), (1, 1, 2));
    }

    #[tokio::test]
    async fn without_a_cache_everything_is_the_attempts_own() {
        let dir = tempfile::tempdir().unwrap();
        let storage = ObjectStorage::new(None);
        let source = dir.path().join("job.py");
        std::fs::write(&source, b"print(1)").unwrap();
        let context = context(&storage, None);
        let work = dir.path().join("work");
        let mut staging = Staging::new(&context, &work);
        let file = staging.file(&source.display().to_string(), &work, true, Placement::Link).await.unwrap();
        assert!(std::fs::symlink_metadata(&file.path).unwrap().file_type().is_file());
        assert_eq!(file.key, None);
        let target = work.join("env");
        staging.unpacked(&file, "tar", &target, fake_unpack).await.unwrap();
        assert!(std::fs::symlink_metadata(&target).unwrap().is_dir());
    }
}
