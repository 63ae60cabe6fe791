//! Executor logs of this host's workers, and its drivers' logs, sent to
//! the server.
//!
//! A standalone worker lays its executors' logs out as
//! `<worker dir>/<app-id>/<executor-id>/{stdout,stderr}`. Each round sends
//! what grew since the last one, in pieces at an offset, so a resent piece
//! (an answer lost on the way) replaces rather than repeats. The server
//! files them where its own workers' logs are, and the attempt ships them
//! into `SPARK_EXECUTOR/<id>/` like any other.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::Duration;

use sparkplane_engine::spark::standalone::executor_dirs;

/// Largest piece sent at once (the server takes up to 4 MiB).
const PIECE_BYTES: u64 = 1024 * 1024;
/// Most bytes sent per worker in one round.
pub const ROUND_BYTES: u64 = 8 * PIECE_BYTES;

enum Refusal {
    /// The server answered 4xx: sending it again will not help.
    Refused(u16),
    /// Unreachable, or a fault of the server: try again next round.
    Failed(String),
}

pub struct LogSender {
    server: String,
    token: String,
    client: Option<reqwest::Client>,
    /// Bytes of each file the server has.
    sent: HashMap<PathBuf, u64>,
}

impl LogSender {
    pub fn new(server: &str, token: &str) -> LogSender {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).no_proxy().build().ok();
        LogSender {
            server: server.trim_end_matches('/').to_string(),
            token: token.to_string(),
            client,
            sent: HashMap::new(),
        }
    }

    /// Sends what grew in worker `id`'s executor logs under `dir`, at most
    /// [`ROUND_BYTES`] per call, so that a chatty executor cannot hold up
    /// the heartbeat the agent sends next; the rest goes next round.
    pub async fn ship(&mut self, id: &str, dir: &Path) {
        let mut budget = ROUND_BYTES;
        for (relative, path) in executor_logs(dir) {
            match self.ship_file(id, &relative, &path, &mut budget).await {
                Ok(()) => {}
                // The server refuses this file (too large, or its worker
                // is no longer assigned here): skip what it has so far.
                Err(Refusal::Refused(status)) => {
                    tracing::warn!(worker = id, file = %relative, status, "the server refused an executor log");
                    let length = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
                    self.sent.insert(path, length);
                }
                Err(Refusal::Failed(err)) => {
                    tracing::warn!(worker = id, file = %relative, error = %err, "send an executor log");
                    return;
                }
            }
        }
    }

    /// Sends what grew of `files` (`(relative, path)`) of the driver `id`;
    /// true when the server has every byte of each.
    pub async fn ship_files(&mut self, id: &str, files: &[(String, PathBuf)]) -> bool {
        let mut budget = ROUND_BYTES;
        let mut complete = true;
        for (relative, path) in files {
            if !path.is_file() {
                continue;
            }
            let length = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            match self.ship_file(id, relative, path, &mut budget).await {
                Ok(()) => {}
                // Refused (too large, say): sending it again will not help,
                // and the driver's end must still be reported.
                Err(Refusal::Refused(status)) => {
                    tracing::warn!(driver = id, file = %relative, status, "the server refused a driver log");
                    self.sent.insert(path.clone(), length);
                }
                Err(Refusal::Failed(err)) => {
                    tracing::warn!(driver = id, file = %relative, error = %err, "send a driver log");
                    return false;
                }
            }
            complete &= self.sent.get(path).copied().unwrap_or(0) >= length;
        }
        complete
    }

    /// Forgets what was sent of a worker whose dir is gone.
    pub fn forget(&mut self, dir: &Path) {
        self.sent.retain(|path, _| !path.starts_with(dir));
    }

    async fn ship_file(&mut self, id: &str, relative: &str, path: &Path, budget: &mut u64) -> Result<(), Refusal> {
        let Some(client) = &self.client else { return Err(Refusal::Failed("no HTTP client".into())) };
        while *budget > 0 {
            let sent = self.sent.get(path).copied().unwrap_or(0);
            let piece = read_piece(path, sent).map_err(|err| Refusal::Failed(err.to_string()))?;
            if piece.is_empty() {
                return Ok(());
            }
            let url = format!("{}/sparkplane/v1/agent/workers/{id}/logs/{relative}?offset={sent}", self.server);
            let length = piece.len() as u64;
            let answer = client
                .put(url)
                .bearer_auth(&self.token)
                .body(piece)
                .send()
                .await
                .map_err(|err| Refusal::Failed(err.to_string()))?;
            let status = answer.status().as_u16();
            match status {
                200..=299 => {}
                // Timeouts and throttling pass: send it again next round.
                408 | 429 => return Err(Refusal::Failed(format!("HTTP {status}"))),
                400..=499 => return Err(Refusal::Refused(status)),
                _ => return Err(Refusal::Failed(format!("HTTP {status}"))),
            }
            self.sent.insert(path.to_path_buf(), sent + length);
            *budget = budget.saturating_sub(length);
        }
        Ok(())
    }
}

fn read_piece(path: &Path, offset: u64) -> std::io::Result<Vec<u8>> {
    let mut file = std::fs::File::open(path)?;
    file.seek(SeekFrom::Start(offset))?;
    let mut piece = Vec::new();
    file.take(PIECE_BYTES).read_to_end(&mut piece)?;
    Ok(piece)
}

/// `(<app>/<executor>/<stream>, path)` of every executor log under `dir`.
fn executor_logs(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut logs = Vec::new();
    for executor in executor_dirs(dir) {
        for stream in ["stdout", "stderr"] {
            let path = executor.dir.join(stream);
            if path.is_file() {
                logs.push((format!("{}/{}/{stream}", executor.app, executor.id), path));
            }
        }
    }
    logs.sort();
    logs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_executor_logs_and_reads_pieces() {
        let dir = tempfile::tempdir().unwrap();
        let executor = dir.path().join("app-1").join("0");
        std::fs::create_dir_all(&executor).unwrap();
        std::fs::write(executor.join("stdout"), b"hello executor").unwrap();
        std::fs::write(executor.join("stderr"), b"").unwrap();
        std::fs::create_dir_all(dir.path().join("app-1").join("not-an-executor")).unwrap();
        let logs = executor_logs(dir.path());
        let names: Vec<&str> = logs.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["app-1/0/stderr", "app-1/0/stdout"]);
        assert_eq!(read_piece(&executor.join("stdout"), 6).unwrap(), b"executor");
        assert!(read_piece(&executor.join("stdout"), 14).unwrap().is_empty());
    }
}
