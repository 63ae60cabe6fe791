//! A content-addressed cache of staged artifacts under `<data>/cache`.
//!
//! Every attempt used to download its entry point and dependencies into its
//! own work dir and unpack every archive again: a 329 MB venv cost seconds
//! and a gigabyte of disk per run. Here each object is stored once under a
//! key of its content (an S3 object's ETag and size, a local file's device,
//! inode, size and mtime: what changes when the bytes do), in
//! `objects/<key>`, and each unpacked archive once in `archives/<key>.<kind>`.
//! An attempt gets symbolic links to them (or, for files Python opens, a
//! private copy: see [`Placement`]). Symbolic, not hard, links: the work dir
//! is writable by the job, and a hard link would let it rewrite the shared
//! inode; a symlink resolves to the cache path, which the sandbox gives job
//! processes read-only. A changed object has another key, so it
//! is fetched again; the old entry ages out.
//!
//! Nothing partial is ever visible under a key: downloads go to a temporary
//! name and are renamed into place, archives are unpacked elsewhere and the
//! directory renamed (when two attempts race, the second rename finds the
//! entry there and its copy is dropped). The cache is bounded by a byte
//! limit: after each insert the least recently used entries go
//! ([`crate::cache_evict`]), except those leased by a live attempt (leases
//! live in memory: attempts never outlive the server).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::cache_evict::{plan_evictions, Entry};
use crate::objects::ObjectIdentity;
use crate::{Location, ObjectStorage, StorageError};

pub const OBJECTS_DIR: &str = "objects";
pub const ARCHIVES_DIR: &str = "archives";
/// The default byte limit: 10 GiB.
pub const DEFAULT_LIMIT_BYTES: u64 = 10 * 1024 * 1024 * 1024;

/// What [`ArtifactCache::stage_into`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Staged {
    /// Linked to an entry already there.
    Hit { key: String },
    /// Fetched into the cache, then linked.
    Fetched { key: String },
    /// Copied into the work dir: the object has no content key (no ETag).
    Uncached,
}

/// How a cached object appears in the work dir.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// A symlink into the cache: no copy. For archives, which `tar` reads
    /// and the driver serves to executors (`spark.archives`).
    Link,
    /// A private copy (no download): for what Spark or Python handle
    /// themselves. Python puts the directory of the script's real path on
    /// `sys.path` (the cache, not the work dir), spark-submit drops a
    /// `--py-files` `.py` that is a symlink, and a symlinked `--jars` entry
    /// never reaches executor processes. A hard link would work but share
    /// the cached inode with a directory the job may write.
    Copy,
}

/// Disk use of the cache and what it saved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheUsage {
    pub bytes: u64,
    pub limit_bytes: u64,
    pub entries: u64,
    /// Objects and archives served from the cache.
    pub hits: u64,
    /// Objects fetched into it.
    pub downloads: u64,
    /// Archives unpacked into it.
    pub unpacks: u64,
    pub evictions: u64,
}

#[derive(Default)]
struct State {
    /// Entry (`objects/<key>`, `archives/<key>`) → work dirs using it.
    leases: HashMap<String, HashSet<PathBuf>>,
    /// Sizes of archive dirs, measured once (entries never change).
    dir_sizes: HashMap<String, u64>,
}

pub struct ArtifactCache {
    root: PathBuf,
    limit: u64,
    state: Mutex<State>,
    hits: AtomicU64,
    downloads: AtomicU64,
    unpacks: AtomicU64,
    evictions: AtomicU64,
    temp_counter: AtomicU64,
}

/// The cache key of an object's identity; `None` when it has none (an S3
/// object without an ETag). Only `[A-Za-z0-9-]`, so a key is always one
/// safe file name.
pub fn object_key(identity: &ObjectIdentity) -> Option<String> {
    match identity {
        ObjectIdentity::S3 { e_tag: Some(e_tag), size } => {
            let tag = e_tag.trim_matches('"');
            if tag.is_empty() {
                return None;
            }
            // ETags are hex, with `-N` for multipart uploads; anything else is
            // spelled in hex so that no two tags share a key.
            let plain = tag.len() <= 64 && tag.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            let tag = if plain { tag.to_string() } else { format!("x{}", hex_of(tag.as_bytes())) };
            Some(format!("s3-{tag}-{size}"))
        }
        ObjectIdentity::S3 { e_tag: None, .. } => None,
        ObjectIdentity::Local { dev, ino, size, mtime_ns } => Some(format!("local-{dev}-{ino}-{size}-{mtime_ns}")),
    }
}

/// The key of an archive unpacked by `kind` (`tar`, `zip`): the same bytes
/// named `.zip` and `.tgz` unpack differently.
pub fn archive_key(object_key: &str, kind: &str) -> String {
    format!("{object_key}.{kind}")
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl ArtifactCache {
    /// The cache at `root` (created if missing), bounded by `limit` bytes.
    /// Temporary files of a server that died mid-download are removed.
    pub fn open(root: PathBuf, limit: u64) -> Result<Arc<ArtifactCache>, StorageError> {
        for dir in [OBJECTS_DIR, ARCHIVES_DIR] {
            let dir = root.join(dir);
            std::fs::create_dir_all(&dir).map_err(|err| StorageError::io("create", dir.display(), err))?;
            if let Ok(listing) = std::fs::read_dir(&dir) {
                for entry in listing.flatten() {
                    if entry.file_name().to_string_lossy().starts_with('.') {
                        remove_any(&entry.path());
                    }
                }
            }
        }
        Ok(Arc::new(ArtifactCache {
            root,
            limit,
            state: Mutex::new(State::default()),
            hits: AtomicU64::new(0),
            downloads: AtomicU64::new(0),
            unpacks: AtomicU64::new(0),
            evictions: AtomicU64::new(0),
            temp_counter: AtomicU64::new(0),
        }))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn temp_name(&self, dir: &Path, key: &str) -> PathBuf {
        let n = self.temp_counter.fetch_add(1, Ordering::Relaxed);
        dir.join(format!(".tmp-{key}-{}-{n}", std::process::id()))
    }

    /// Marks `entry` as used by `owner` (a work dir) until [`Self::release`]:
    /// it is not evicted meanwhile.
    fn lease(&self, entry: &str, owner: &Path) {
        self.lock().leases.entry(entry.to_string()).or_default().insert(owner.to_path_buf());
    }

    /// Ends every lease of `owner`; called when its attempt has ended.
    pub fn release(&self, owner: &Path) {
        let mut state = self.lock();
        state.leases.retain(|_, owners| {
            owners.remove(owner);
            !owners.is_empty()
        });
    }

    /// Stages `uri` as `dest_dir/<file_name or the URI's last segment>`,
    /// fetched into the cache first when it is not there: a symlink to the
    /// cached object with [`Placement::Link`], a private copy of it with
    /// [`Placement::Copy`].
    pub async fn stage_into(
        &self,
        storage: &ObjectStorage,
        uri: &str,
        dest_dir: &Path,
        file_name: Option<&str>,
        owner: &Path,
        placement: Placement,
    ) -> Result<(PathBuf, Staged), StorageError> {
        let name = match file_name {
            Some(name) => name.to_string(),
            None => Location::parse(uri)?
                .file_name()
                .ok_or_else(|| StorageError::InvalidUri { uri: uri.to_string(), reason: "no file name".into() })?,
        };
        let Some(key) = object_key(&storage.identify(uri).await?) else {
            let path = storage.stage_into(uri, dest_dir, Some(&name)).await?;
            return Ok((path, Staged::Uncached));
        };
        let objects = self.root.join(OBJECTS_DIR);
        let entry = format!("{OBJECTS_DIR}/{key}");
        self.lease(&entry, owner);
        let cached = objects.join(&key);
        let (cached, staged) = if cached.is_file() {
            touch(&cached);
            self.hits.fetch_add(1, Ordering::Relaxed);
            (cached, Staged::Hit { key })
        } else {
            let temp = self.temp_name(&objects, &key);
            let fetched = storage.download(uri, &temp).await;
            let fetched = match fetched {
                Ok(identity) => identity,
                Err(err) => {
                    remove_any(&temp);
                    return Err(err);
                }
            };
            // Filed under what was fetched: the object may have changed
            // since the HEAD.
            let key = object_key(&fetched).unwrap_or(key);
            let entry = format!("{OBJECTS_DIR}/{key}");
            self.lease(&entry, owner);
            let cached = objects.join(&key);
            std::fs::rename(&temp, &cached).map_err(|err| StorageError::io("rename", cached.display(), err))?;
            self.downloads.fetch_add(1, Ordering::Relaxed);
            (cached, Staged::Fetched { key })
        };
        let link = dest_dir.join(&name);
        match placement {
            Placement::Link => link_into(&cached, &link)?,
            Placement::Copy => copy_into(&cached, &link).await?,
        }
        if matches!(staged, Staged::Fetched { .. }) {
            self.evict();
        }
        Ok((link, staged))
    }

    /// The unpacked archive of `key` ([`archive_key`]) leased to `owner`,
    /// when it is cached.
    pub fn archive(&self, key: &str, owner: &Path) -> Option<PathBuf> {
        let dir = self.root.join(ARCHIVES_DIR).join(key);
        // Leased before the check: an eviction cannot take it in between.
        self.lease(&format!("{ARCHIVES_DIR}/{key}"), owner);
        if dir.is_dir() {
            touch(&dir);
            self.hits.fetch_add(1, Ordering::Relaxed);
            Some(dir)
        } else {
            None
        }
    }

    /// Moves `unpacked` (a complete directory, on the cache's filesystem)
    /// into the cache as archive `key` and returns the entry. Another
    /// attempt that got there first wins; `unpacked` is then removed.
    pub fn adopt_archive(&self, key: &str, unpacked: &Path, owner: &Path) -> Result<PathBuf, StorageError> {
        let entry = format!("{ARCHIVES_DIR}/{key}");
        self.lease(&entry, owner);
        let dir = self.root.join(ARCHIVES_DIR).join(key);
        match std::fs::rename(unpacked, &dir) {
            Ok(()) => {
                self.unpacks.fetch_add(1, Ordering::Relaxed);
                self.evict();
                Ok(dir)
            }
            Err(_) if dir.is_dir() => {
                remove_any(unpacked);
                Ok(dir)
            }
            Err(err) => Err(StorageError::io("move into the cache", dir.display(), err)),
        }
    }

    /// Entries as the eviction plan sees them.
    fn entries(&self) -> Vec<Entry> {
        let mut entries = Vec::new();
        for kind in [OBJECTS_DIR, ARCHIVES_DIR] {
            let Ok(listing) = std::fs::read_dir(self.root.join(kind)) else { continue };
            for item in listing.flatten() {
                let name = item.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') {
                    continue;
                }
                let Ok(meta) = std::fs::symlink_metadata(item.path()) else { continue };
                let id = format!("{kind}/{name}");
                let bytes = if meta.is_dir() {
                    let known = self.lock().dir_sizes.get(&id).copied();
                    known.unwrap_or_else(|| {
                        let size = tree_bytes(&item.path());
                        self.lock().dir_sizes.insert(id.clone(), size);
                        size
                    })
                } else {
                    meta.len()
                };
                let last_used = meta.modified().unwrap_or(std::time::UNIX_EPOCH);
                entries.push(Entry { id, bytes, last_used, in_use: false });
            }
        }
        let state = self.lock();
        for entry in &mut entries {
            entry.in_use = state.leases.contains_key(&entry.id);
        }
        entries
    }

    /// Removes least recently used entries not in use until the cache is
    /// within its limit (or only entries in use are left).
    pub fn evict(&self) {
        let entries = self.entries();
        let chosen = plan_evictions(&entries, self.limit);
        for id in chosen {
            let path = self.root.join(&id);
            let trash = self.temp_name(&self.root.join(OBJECTS_DIR), "evicted");
            {
                // Under the lock: a stager leases before it looks.
                let mut state = self.lock();
                if state.leases.contains_key(&id) {
                    continue;
                }
                if std::fs::rename(&path, &trash).is_err() {
                    continue;
                }
                state.dir_sizes.remove(&id);
            }
            remove_any(&trash);
            self.evictions.fetch_add(1, Ordering::Relaxed);
            tracing::info!(entry = %id, "evicted from the artifact cache");
        }
    }

    pub fn usage(&self) -> CacheUsage {
        let entries = self.entries();
        CacheUsage {
            bytes: entries.iter().map(|e| e.bytes).sum(),
            limit_bytes: self.limit,
            entries: entries.len() as u64,
            hits: self.hits.load(Ordering::Relaxed),
            downloads: self.downloads.load(Ordering::Relaxed),
            unpacks: self.unpacks.load(Ordering::Relaxed),
            evictions: self.evictions.load(Ordering::Relaxed),
        }
    }
}

/// Points `link` at `target`, replacing whatever `link` was.
fn link_into(target: &Path, link: &Path) -> Result<(), StorageError> {
    if let Some(parent) = link.parent() {
        std::fs::create_dir_all(parent).map_err(|err| StorageError::io("create work dir", parent.display(), err))?;
    }
    if std::fs::symlink_metadata(link).is_ok() {
        remove_any(link);
    }
    std::os::unix::fs::symlink(target, link).map_err(|err| StorageError::io("link", link.display(), err))
}

/// Copies `cached` to `dest` under a temporary name first.
async fn copy_into(cached: &Path, dest: &Path) -> Result<(), StorageError> {
    let parent = dest.parent().unwrap_or(Path::new("."));
    tokio::fs::create_dir_all(parent)
        .await
        .map_err(|err| StorageError::io("create work dir", parent.display(), err))?;
    let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let partial = parent.join(format!(".{name}.partial"));
    tokio::fs::copy(cached, &partial)
        .await
        .map_err(|err| StorageError::io("copy from the cache", cached.display(), err))?;
    tokio::fs::rename(&partial, dest).await.map_err(|err| StorageError::io("rename", dest.display(), err))
}

/// Marks an entry as just used (its mtime is the LRU clock).
fn touch(path: &Path) {
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file.set_modified(std::time::SystemTime::now());
    }
}

fn remove_any(path: &Path) {
    let result = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(_) => return,
    };
    if let Err(err) = result {
        tracing::warn!(path = %path.display(), error = %err, "remove from the artifact cache");
    }
}

/// Bytes of the files under `dir` (links not followed).
pub fn tree_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        let Ok(listing) = std::fs::read_dir(&next) else { continue };
        for item in listing.flatten() {
            let Ok(meta) = item.metadata() else { continue };
            if meta.is_dir() {
                pending.push(item.path());
            } else {
                total += meta.len();
            }
        }
    }
    total
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
