//! Executor logs of this host's workers, sent to the server.
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

/// Largest piece sent at once (the server takes up to 4 MiB).
const PIECE_BYTES: u64 = 1024 * 1024;

pub struct LogSender {
    server: String,
    token: String,
    client: Option<reqwest::Client>,
    /// Bytes of each file the server has.
    sent: HashMap<PathBuf, u64>,
}

impl LogSender {
    pub fn new(server: &str, token: &str) -> LogSender {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).no_proxy().build().ok();
        LogSender {
            server: server.trim_end_matches('/').to_string(),
            token: token.to_string(),
            client,
            sent: HashMap::new(),
        }
    }

    /// Sends what grew in worker `id`'s executor logs under `dir`.
    pub async fn ship(&mut self, id: &str, dir: &Path) {
        for (relative, path) in executor_logs(dir) {
            if let Err(err) = self.ship_file(id, &relative, &path).await {
                tracing::warn!(worker = id, file = %relative, error = %err, "send an executor log");
                return;
            }
        }
    }

    /// Forgets what was sent of a worker whose dir is gone.
    pub fn forget(&mut self, dir: &Path) {
        self.sent.retain(|path, _| !path.starts_with(dir));
    }

    async fn ship_file(&mut self, id: &str, relative: &str, path: &Path) -> Result<(), String> {
        let Some(client) = &self.client else { return Err("no HTTP client".into()) };
        loop {
            let sent = self.sent.get(path).copied().unwrap_or(0);
            let piece = read_piece(path, sent).map_err(|err| err.to_string())?;
            if piece.is_empty() {
                return Ok(());
            }
            let url = format!("{}/sparkplane/v1/agent/workers/{id}/logs/{relative}?offset={sent}", self.server);
            let length = piece.len() as u64;
            let answer =
                client.put(url).bearer_auth(&self.token).body(piece).send().await.map_err(|err| err.to_string())?;
            if !answer.status().is_success() {
                return Err(format!("HTTP {}", answer.status().as_u16()));
            }
            self.sent.insert(path.to_path_buf(), sent + length);
        }
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
    for app in dir.read_dir().into_iter().flatten().flatten() {
        for executor in app.path().read_dir().into_iter().flatten().flatten() {
            let id = executor.file_name().to_string_lossy().into_owned();
            if !id.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            for stream in ["stdout", "stderr"] {
                let path = executor.path().join(stream);
                if path.is_file() {
                    let app = app.file_name().to_string_lossy().into_owned();
                    logs.push((format!("{app}/{id}/{stream}"), path));
                }
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
