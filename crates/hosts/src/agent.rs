//! The loop of `sparkplane agent`: register with the server, then
//! heartbeat until told to stop.
//!
//! The agent keeps going through a server restart or a network cut: it
//! retries with a capped backoff and registers again when the server asks
//! (a server that declared it LOST, or that restarted and lost track of
//! it). It stops only on a refusal that retrying cannot fix: a wrong
//! credential (403) or a report the server calls nonsense (400).

use std::future::Future;
use std::time::Duration;

use serde::Deserialize;

use crate::model::Report;
use crate::work::{DriverAssignment, WorkerAssignment};
use crate::HostsError;

/// Paths of the agent protocol on the server's API port.
pub const REGISTER_PATH: &str = "/sparkplane/v1/agent/register";
pub const HEARTBEAT_PATH: &str = "/sparkplane/v1/agent/heartbeat";

const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// What the server answers a registration or heartbeat.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    pub state: String,
    pub heartbeat_interval_seconds: u64,
    /// After this long without an answer the server calls the host LOST,
    /// gives its share to others and retries its runs elsewhere: the agent
    /// then stops what it runs, so a run never has two drivers.
    #[serde(default)]
    pub lost_after_seconds: Option<u64>,
    /// Every standalone worker the server wants on this host now.
    #[serde(default)]
    pub workers: Vec<WorkerAssignment>,
    /// Every job driver the server wants on this host now.
    #[serde(default)]
    pub drivers: Vec<DriverAssignment>,
}

/// What an agent does between its calls: says how the host is, and runs
/// what the server assigned.
pub trait HostWork {
    /// The report of the next call.
    fn report(&mut self) -> Report;
    /// Runs exactly `workers` and `drivers` from now on (starting and
    /// stopping as needed), after each answer.
    fn assigned(&mut self, workers: Vec<WorkerAssignment>, drivers: Vec<DriverAssignment>) -> impl Future<Output = ()>;
}

pub struct Agent {
    server: String,
    token: String,
    client: reqwest::Client,
}

enum Outcome {
    Answer(Answer),
    /// The server wants a fresh registration.
    Reregister,
}

impl Agent {
    /// `server` is the API's base URL (`http://host:port`).
    pub fn new(server: &str, token: &str) -> Result<Agent, HostsError> {
        let server = server.trim_end_matches('/').to_string();
        // The API serves plain HTTP (put TLS in front of it for untrusted
        // networks); this client has no TLS, so https:// would only fail
        // later, again and again.
        if !server.starts_with("http://") {
            return Err(HostsError::Validation(format!("--server must be an http:// URL, got '{server}'")));
        }
        if crate::credential::split(token).is_none() {
            return Err(HostsError::Validation(
                "the host credential is malformed: use the token `sparkplane hosts add` printed".into(),
            ));
        }
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|err| HostsError::Validation(format!("HTTP client: {err}")))?;
        Ok(Agent { server, token: token.trim().to_string(), client })
    }

    /// The server's API base URL.
    pub fn server(&self) -> &str {
        &self.server
    }

    /// The host credential, for the agent's other calls (logs).
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Registers, then heartbeats with `work`'s report and hands it each
    /// answer's workers, until `shutdown` resolves.
    pub async fn run(&self, work: &mut impl HostWork, shutdown: impl Future<Output = ()>) -> Result<(), HostsError> {
        tokio::pin!(shutdown);
        let mut registered: Option<Duration> = None;
        let mut backoff = Duration::from_millis(250);
        let mut last_answer = std::time::Instant::now();
        let mut lost_after: Option<Duration> = None;
        let mut cut_off = false;
        loop {
            let (path, wait) = match registered {
                Some(interval) => (HEARTBEAT_PATH, interval),
                None => (REGISTER_PATH, Duration::ZERO),
            };
            tokio::select! {
                _ = &mut shutdown => return Ok(()),
                _ = tokio::time::sleep(wait) => {}
            }
            match self.send(path, &work.report()).await {
                Ok(Outcome::Answer(answer)) => {
                    if registered.is_none() {
                        tracing::info!(state = %answer.state, "registered with {}", self.server);
                    }
                    backoff = Duration::from_millis(250);
                    last_answer = std::time::Instant::now();
                    cut_off = false;
                    lost_after = answer.lost_after_seconds.map(Duration::from_secs);
                    registered = Some(Duration::from_secs(answer.heartbeat_interval_seconds.max(1)));
                    work.assigned(answer.workers, answer.drivers).await;
                }
                Ok(Outcome::Reregister) => {
                    tracing::info!("the server asks this agent to register again");
                    registered = None;
                }
                Err(err @ (HostsError::Forbidden | HostsError::Validation(_))) => return Err(err),
                Err(err) => {
                    if !cut_off && lost_after.is_some_and(|after| last_answer.elapsed() >= after) {
                        tracing::warn!(
                            "no answer from the server for {} s: stopping what this host runs",
                            last_answer.elapsed().as_secs()
                        );
                        work.assigned(Vec::new(), Vec::new()).await;
                        cut_off = true;
                        // Its next contact is a registration, so the server
                        // learns that what it assigned here is gone (and
                        // fails those attempts) before it assigns anything
                        // again: never the same driver twice in one attempt.
                        registered = None;
                    }
                    tracing::warn!("server unreachable ({err}); retrying in {} ms", backoff.as_millis());
                    tokio::select! {
                        _ = &mut shutdown => return Ok(()),
                        _ = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
    }

    async fn send(&self, path: &str, report: &Report) -> Result<Outcome, HostsError> {
        let body = serde_json::to_vec(report).map_err(|err| HostsError::Validation(err.to_string()))?;
        let response = self
            .client
            .post(format!("{}{path}", self.server))
            .bearer_auth(&self.token)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|err| HostsError::Unreachable(format!("request failed: {err}")))?;
        let status = response.status().as_u16();
        let bytes =
            response.bytes().await.map_err(|err| HostsError::Unreachable(format!("reading the answer: {err}")))?;
        let message = || {
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_string))
                .unwrap_or_else(|| String::from_utf8_lossy(&bytes).into_owned())
        };
        match status {
            200 => serde_json::from_slice(&bytes)
                .map(Outcome::Answer)
                .map_err(|err| HostsError::Unreachable(format!("unreadable answer: {err}"))),
            409 if path == HEARTBEAT_PATH => Ok(Outcome::Reregister),
            403 => Err(HostsError::Forbidden),
            400 => Err(HostsError::Validation(format!("the server refused this host's report: {}", message()))),
            _ => Err(HostsError::Unreachable(format!("HTTP {status}: {}", message()))),
        }
    }
}
