//! Log shipping in the EMR Serverless layout.
//!
//! A running attempt writes plain `stdout`/`stderr` files per worker into its
//! work directory; the shipper gzips them to
//! `<base>/applications/<app>/jobs/<job>/<WORKER>/stdout.gz` (and `stderr.gz`).
//! It runs periodically while the job runs and once more at the end, so a
//! reader sees progress. Each upload replaces the object atomically
//! (temporary file + rename), so a reader never sees a torn gzip stream.
//! Spark event logs go next to them, as they are, under `sparklogs/`.

use std::io::Write;
use std::path::{Path, PathBuf};

use bytes::Bytes;
use flate2::write::GzEncoder;
use flate2::Compression;

use crate::{Location, ObjectStorage, StorageError};

/// The log files of one worker of an attempt: `dir/stdout` and `dir/stderr`.
#[derive(Debug, Clone)]
pub struct WorkerLogDir {
    /// Folder name in the EMR layout: `SPARK_DRIVER`, `SPARK_EXECUTOR/1`, `HIVE_DRIVER`.
    pub worker: String,
    pub dir: PathBuf,
}

/// One destination: a base location plus the job's prefix below it.
#[derive(Debug, Clone)]
pub struct LogTarget {
    pub base: Location,
    pub prefix: String,
}

impl LogTarget {
    /// `applications/<app>/jobs/<job>/` for the first attempt and
    /// `applications/<app>/jobs/<job>/attempts/<n>/` for retries, so that
    /// attempt 1 lands exactly where EMR users look for it.
    pub fn for_job(base: Location, application_id: &str, job_run_id: &str, attempt: u32) -> LogTarget {
        let mut prefix = format!("applications/{application_id}/jobs/{job_run_id}/");
        if attempt > 1 {
            prefix.push_str(&format!("attempts/{attempt}/"));
        }
        LogTarget { base, prefix }
    }

    /// `applications/<app>/sessions/<session>/`: a session's driver logs,
    /// laid out as a first attempt's are under `jobs/`.
    pub fn for_session(base: Location, application_id: &str, session_id: &str) -> LogTarget {
        LogTarget { base, prefix: format!("applications/{application_id}/sessions/{session_id}/") }
    }
}

/// The streams every worker has.
pub const STREAMS: [&str; 2] = ["stdout", "stderr"];

pub struct LogShipper;

impl LogShipper {
    /// Gzips every existing stream of every worker to every target. Every
    /// target is attempted even when one fails; the first error is returned.
    pub async fn ship(
        storage: &ObjectStorage,
        workers: &[WorkerLogDir],
        targets: &[LogTarget],
    ) -> Result<(), StorageError> {
        let mut first_error = None;
        for worker in workers {
            for stream in STREAMS {
                let source = worker.dir.join(stream);
                let compressed = match tokio::task::spawn_blocking(move || read_gzipped(&source)).await {
                    Ok(Ok(Some(bytes))) => Bytes::from(bytes),
                    Ok(Ok(None)) => continue,
                    Ok(Err(err)) => return Err(err),
                    Err(err) => return Err(StorageError::io("join log compressor", "-", std::io::Error::other(err))),
                };
                for target in targets {
                    let key = format!("{}{}/{}.gz", target.prefix, worker.worker, stream);
                    if let Err(err) = storage.put(&target.base.join(&key), compressed.clone()).await {
                        first_error.get_or_insert(err);
                    }
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    /// Copies every regular file of `dir` as it is to `<prefix><folder>/<name>`
    /// of every target; a missing `dir` ships nothing. Used for Spark event
    /// logs (`sparklogs/`), which stay uncompressed so that a Spark History
    /// Server pointed at the log location reads them directly.
    pub async fn ship_files(
        storage: &ObjectStorage,
        dir: &Path,
        folder: &str,
        targets: &[LogTarget],
    ) -> Result<(), StorageError> {
        let mut entries = match tokio::fs::read_dir(dir).await {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(err) => return Err(StorageError::io("list", dir.display(), err)),
        };
        let mut first_error = None;
        while let Some(entry) =
            entries.next_entry().await.map_err(|err| StorageError::io("list", dir.display(), err))?
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_file = entry.file_type().await.map(|t| t.is_file()).unwrap_or(false);
            if !is_file || name.starts_with('.') {
                continue;
            }
            let path = entry.path();
            let bytes = match tokio::fs::read(&path).await {
                Ok(bytes) => Bytes::from(bytes),
                // Renamed meanwhile (Spark drops `.inprogress` when it stops).
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
                Err(err) => return Err(StorageError::io("read log", path.display(), err)),
            };
            for target in targets {
                let key = format!("{}{folder}/{name}", target.prefix);
                if let Err(err) = storage.put(&target.base.join(&key), bytes.clone()).await {
                    first_error.get_or_insert(err);
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// The gzip of a log file, or None when the stream was never written.
fn read_gzipped(source: &Path) -> Result<Option<Vec<u8>>, StorageError> {
    let data = match std::fs::read(source) {
        Ok(data) => data,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(StorageError::io("read log", source.display(), err)),
    };
    gzip(&data).map(Some).map_err(|err| StorageError::io("gzip log", source.display(), err))
}

fn gzip(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(data.len() / 4 + 64), Compression::fast());
    encoder.write_all(data)?;
    encoder.finish()
}

pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StorageError> {
    let parent = path.parent().unwrap_or_else(|| Path::new("/"));
    std::fs::create_dir_all(parent).map_err(|err| StorageError::io("create log dir", parent.display(), err))?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // Unique per writer, so concurrent shippers never share a temporary file.
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = parent.join(format!(".{file_name}.tmp-{}-{n}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|err| StorageError::io("write log", tmp.display(), err))?;
    std::fs::rename(&tmp, path).map_err(|err| StorageError::io("publish log", path.display(), err))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[tokio::test]
    async fn ships_gzipped_logs_in_emr_layout() {
        let dir = tempfile::tempdir().unwrap();
        let worker_dir = dir.path().join("w");
        std::fs::create_dir_all(&worker_dir).unwrap();
        std::fs::write(worker_dir.join("stdout"), b"Houston,False,105\n").unwrap();
        let logs = dir.path().join("logs");
        let target = LogTarget::for_job(Location::Local(logs.clone()), "app1", "job1", 1);
        let workers = [WorkerLogDir { worker: "SPARK_DRIVER".into(), dir: worker_dir }];
        LogShipper::ship(&ObjectStorage::new(None), &workers, &[target]).await.unwrap();
        let gz = std::fs::read(logs.join("applications/app1/jobs/job1/SPARK_DRIVER/stdout.gz")).unwrap();
        let mut text = String::new();
        flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut text).unwrap();
        assert_eq!(text, "Houston,False,105\n");
        // stderr did not exist, so nothing is shipped for it.
        assert!(!logs.join("applications/app1/jobs/job1/SPARK_DRIVER/stderr.gz").exists());
    }

    #[tokio::test]
    async fn ships_files_of_a_folder_as_they_are() {
        let dir = tempfile::tempdir().unwrap();
        let events = dir.path().join("sparklogs");
        std::fs::create_dir_all(events.join("nested")).unwrap();
        std::fs::write(events.join("local-1"), b"{\"Event\":\"SparkListenerLogStart\"}\n").unwrap();
        std::fs::write(events.join(".local-1.crc"), b"x").unwrap();
        let logs = dir.path().join("logs");
        let target = LogTarget::for_job(Location::Local(logs.clone()), "app1", "job1", 1);
        let storage = ObjectStorage::new(None);
        LogShipper::ship_files(&storage, &events, "sparklogs", std::slice::from_ref(&target)).await.unwrap();
        let shipped = logs.join("applications/app1/jobs/job1/sparklogs");
        assert_eq!(std::fs::read(shipped.join("local-1")).unwrap(), b"{\"Event\":\"SparkListenerLogStart\"}\n");
        let names: Vec<_> = std::fs::read_dir(&shipped).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["local-1"]);
        // No folder, nothing to ship.
        LogShipper::ship_files(&storage, &dir.path().join("absent"), "sparklogs", &[target]).await.unwrap();
    }

    #[test]
    fn retries_get_their_own_prefix() {
        let base = Location::Local("/l".into());
        assert_eq!(LogTarget::for_job(base.clone(), "a", "j", 1).prefix, "applications/a/jobs/j/");
        assert_eq!(LogTarget::for_job(base, "a", "j", 2).prefix, "applications/a/jobs/j/attempts/2/");
    }
}
