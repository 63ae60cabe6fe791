//! Removing big directories without waiting for them.
//!
//! An attempt's work dir can hold an unpacked venv per executor: the Hail
//! walkthrough's is 900 MB in 58,000 files, and on a filesystem mounted with
//! online `discard` deleting one took minutes. Deleted in place, that held
//! up whoever asked (a tokio worker, the attempt's end) and a server's
//! shutdown, which waited for it past its 30 s budget. So a dir is first
//! renamed into the trash (same filesystem: instant, and the name is free
//! for a retry at once), then deleted by one background thread. A process
//! that exits leaves the rest; the next one empties the trash at start.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::Mutex;

/// The trash of one data dir: `<dir>/<unique name>` entries, each deleted
/// by the background thread.
#[derive(Debug)]
pub struct Trash {
    dir: PathBuf,
    /// Where entries go to be deleted; the thread lives as long as a sender.
    deleter: Mutex<Sender<PathBuf>>,
    next: AtomicU64,
}

impl Trash {
    /// A trash in `dir` (created owner-only if missing), with its deleter
    /// thread; whatever an earlier process left there is deleted first.
    pub fn open(dir: &Path) -> io::Result<Trash> {
        std::fs::create_dir_all(dir)?;
        let (sender, receiver) = mpsc::channel::<PathBuf>();
        std::thread::Builder::new().name("sparkplane-trash".into()).spawn(move || {
            for entry in receiver {
                if let Err(err) = remove_any(&entry) {
                    tracing::warn!(path = %entry.display(), error = %err, "delete a trashed dir");
                }
            }
        })?;
        for leftover in std::fs::read_dir(dir)?.flatten() {
            let _ = sender.send(leftover.path());
        }
        Ok(Trash { dir: dir.to_path_buf(), deleter: Mutex::new(sender), next: AtomicU64::new(0) })
    }

    /// Removes `path` (a dir or a file) from where it is at once and deletes
    /// it in the background. A path on another filesystem than the trash is
    /// deleted in place. A missing path is not an error.
    pub fn discard(&self, path: &Path) -> io::Result<()> {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let entry =
            self.dir.join(format!("{}-{}-{name}", std::process::id(), self.next.fetch_add(1, Ordering::Relaxed)));
        match std::fs::rename(path, &entry) {
            Ok(()) => {
                let sent = self.deleter.lock().map(|sender| sender.send(entry.clone()).is_ok()).unwrap_or(false);
                if !sent {
                    // The deleter is gone (it panicked): delete here.
                    return remove_any(&entry);
                }
                Ok(())
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
            // EXDEV (another filesystem) and the like: no cheap move.
            Err(_) => remove_any(path),
        }
    }

    /// Where the entries go (for tests and disk-use reports).
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

fn remove_any(path: &Path) -> io::Result<()> {
    let removed = match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(err) => Err(err),
    };
    match removed {
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;

    fn wait_empty(dir: &Path) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::fs::read_dir(dir).unwrap().next().is_some() {
            assert!(Instant::now() < deadline, "trash {} not emptied", dir.display());
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn a_discarded_dir_is_gone_at_once_and_deleted_in_the_background() {
        let root = tempfile::tempdir().unwrap();
        let trash = Trash::open(&root.path().join("trash")).unwrap();
        let work = root.path().join("work").join("attempt");
        std::fs::create_dir_all(work.join("venv/lib")).unwrap();
        std::fs::write(work.join("venv/lib/a.py"), b"x").unwrap();
        trash.discard(&work).unwrap();
        assert!(!work.exists());
        // The name is free again at once (a retry's work dir).
        std::fs::create_dir_all(&work).unwrap();
        wait_empty(trash.dir());
        // Files and missing paths too.
        let file = root.path().join("f");
        std::fs::write(&file, b"y").unwrap();
        trash.discard(&file).unwrap();
        trash.discard(&root.path().join("missing")).unwrap();
        assert!(!file.exists());
        wait_empty(trash.dir());
    }

    #[test]
    fn what_an_earlier_process_left_is_deleted_at_open() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("trash");
        std::fs::create_dir_all(dir.join("123-0-attempt/deep/er")).unwrap();
        std::fs::write(dir.join("123-0-attempt/deep/er/file"), b"z").unwrap();
        let trash = Trash::open(&dir).unwrap();
        wait_empty(trash.dir());
    }
}
