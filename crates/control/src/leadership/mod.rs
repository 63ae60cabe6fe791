//! One leader among the servers that share a store.
//!
//! Every server process takes part as a candidate: it records itself in the
//! store's server list and tries to take the `leader` lease. Only the
//! holder loads the state, recovers runs and serves; the others stand by
//! (forwarding requests to the leader: the cli's `standby.rs`) and take
//! over when the lease expires (the leader died) or is released (it
//! stopped cleanly). A leader that cannot renew in time is fenced: it
//! must stop acting before any other server can start (see [`decide`]).
//!
//! Why: without it a second server on the same store recovered the first
//! one's running attempts as lost and killed them.

pub mod decide;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;
use sparkplane_store::Store;

use crate::base::error::ControlError;
use decide::{after_attempt, Observation, Role, Timing};

/// The lease's name in the store.
pub const LEASE: &str = "leader";

/// Servers unseen for this long are forgotten by the leader.
const FORGET_AFTER_MS: i64 = 60 * 60 * 1000;

/// A server unseen for this long (several of its polls) is reported as gone.
const GONE_AFTER_MS: i64 = 5_000;

/// What a server says about itself in the server list.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ServerDoc {
    /// Where this server's API and embedded S3 endpoint are reached, for
    /// standbys that forward to it when it leads.
    api_url: String,
    s3_url: Option<String>,
    pid: u32,
    started_at: i64,
    version: &'static str,
}

/// One server process taking part in the election.
pub struct Candidate {
    store: Arc<dyn Store>,
    /// Unique per process: a restarted server is a new candidate.
    id: String,
    doc: String,
    timing: Timing,
    role: Mutex<Role>,
    /// The leader's URLs as last looked up, and when.
    leader_seen: Mutex<Option<(Instant, Option<LeaderUrls>)>>,
    /// This server's own API URL, to tell a leader advertised at it.
    own_api: String,
    /// Asks [`Candidate::hold`] to return, for a clean stop.
    stop: tokio::sync::Notify,
}

/// Where the leader serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaderUrls {
    pub api: String,
    pub s3: Option<String>,
}

/// How long a looked-up leader is trusted before asking the store again:
/// short next to the lease, so forwarding follows a takeover quickly.
const LEADER_CACHE: Duration = Duration::from_secs(1);

impl Candidate {
    /// `name` is the server's host name; `urls` where it serves.
    pub fn new(store: Arc<dyn Store>, name: &str, urls: LeaderUrls, started_at: i64, timing: Timing) -> Self {
        let mut suffix = [0u8; 4];
        // Uniqueness only needs to beat a restart on the same host and pid.
        let _ = getrandom::getrandom(&mut suffix);
        let suffix: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
        let id = format!("{name}-{}-{suffix}", std::process::id());
        let own_api = urls.api.clone();
        let doc = ServerDoc {
            api_url: urls.api,
            s3_url: urls.s3,
            pid: std::process::id(),
            started_at,
            version: env!("CARGO_PKG_VERSION"),
        };
        let doc = serde_json::to_string(&doc).unwrap_or_else(|_| "{}".into());
        Candidate {
            store,
            id,
            doc,
            timing,
            role: Mutex::new(Role::StandingBy),
            leader_seen: Mutex::new(None),
            own_api,
            stop: tokio::sync::Notify::new(),
        }
    }

    /// Where the leader serves, unless no other server leads: a standby
    /// never forwards to itself.
    pub async fn leader_urls(&self) -> Option<LeaderUrls> {
        {
            let seen = self.leader_seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if let Some((_, urls)) = seen.as_ref().filter(|(at, _)| at.elapsed() < LEADER_CACHE) {
                return urls.clone();
            }
        }
        let urls = self.look_up_leader().await;
        *self.leader_seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) =
            Some((Instant::now(), urls.clone()));
        urls
    }

    async fn look_up_leader(&self) -> Option<LeaderUrls> {
        let lease = self.store.get_lease(LEASE).await.ok()??;
        if lease.expires_in_ms <= 0 || lease.holder == self.id {
            return None;
        }
        let servers = self.store.list_servers().await.ok()?;
        let leader = servers.into_iter().find(|server| server.name == lease.holder)?;
        let doc: Value = serde_json::from_str(&leader.body).ok()?;
        let urls =
            LeaderUrls { api: doc["apiUrl"].as_str()?.to_string(), s3: doc["s3Url"].as_str().map(str::to_string) };
        if urls.api == self.own_api {
            // Both listen on a wildcard address on different machines, so
            // each advertises loopback: forwarding would reach itself.
            tracing::error!(
                leader = %lease.holder, url = %urls.api,
                "the leader advertises this server's own URL; listen on an address other servers reach"
            );
            return None;
        }
        Some(urls)
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    fn role(&self) -> Role {
        *self.role.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Asks the store once and moves to the role that answer allows.
    async fn attempt(&self) -> (Role, Option<sparkplane_store::LeaseRow>) {
        let asked_at = Instant::now();
        let ttl_ms = self.timing.ttl.as_millis() as i64;
        // A leader never waits on the store past its deadline.
        let limit = match self.role() {
            Role::Leading { until, .. } => until.saturating_duration_since(asked_at),
            _ => self.timing.ttl,
        };
        let answer = tokio::time::timeout(limit, async {
            if let Err(err) = self.store.put_server(&self.id, &self.doc).await {
                tracing::warn!(error = %err, "record this server in the server list");
            }
            self.store.acquire_lease(LEASE, &self.id, ttl_ms).await
        })
        .await;
        let lease = match answer {
            Ok(Ok(lease)) => Some(lease),
            Ok(Err(err)) => {
                tracing::warn!(error = %err, "take or renew the leader lease");
                None
            }
            Err(_) => None,
        };
        let seen = match &lease {
            Some(lease) => Observation::Held { holder: &lease.holder, token: lease.token },
            None => Observation::Failed,
        };
        let mut role = self.role.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        *role = after_attempt(&self.id, *role, seen, asked_at, Instant::now(), &self.timing);
        (*role, lease)
    }

    /// Stands by until this server holds the lease; returns its token.
    /// From then on the store writes only under that lease
    /// ([`Store::fence`]): a leader paused past its lease writes nothing
    /// once another server took over.
    pub async fn wait_to_lead(&self) -> i64 {
        let mut last_leader = None;
        loop {
            match self.attempt().await {
                (Role::Leading { token, .. }, _) => {
                    let holder = self.id.clone();
                    self.store.fence(sparkplane_store::Fence { lease: LEASE.to_string(), holder, token });
                    return token;
                }
                (_, Some(lease)) if last_leader.as_ref() != Some(&lease.holder) && lease.expires_in_ms > 0 => {
                    eprintln!(
                        "standing by: server {} leads (lease token {}); this one takes over when its lease expires",
                        lease.holder, lease.token
                    );
                    last_leader = Some(lease.holder);
                }
                _ => {}
            }
            tokio::time::sleep(self.timing.standby_poll).await;
        }
    }

    /// Renews the lease while this server leads; returns why it must stop
    /// acting, or `None` once [`Candidate::stop_holding`] asked it to
    /// return. On `Some` the caller stops at once, without cleaning up:
    /// another server may be starting.
    pub async fn hold(&self) -> Option<String> {
        let mut last_forget = Instant::now();
        loop {
            let role = self.role();
            let wake = Instant::now() + self.timing.next_attempt(&role);
            let wake = match role {
                Role::Leading { until, .. } => wake.min(until),
                _ => wake,
            };
            tokio::select! {
                () = tokio::time::sleep_until(wake.into()) => {}
                () = self.stop.notified() => return None,
            }
            // The attempt waits on the store no longer than the deadline.
            match self.attempt().await {
                (Role::Leading { .. }, _) => {}
                (_, Some(lease)) => {
                    return Some(format!("lost the leader lease to {} (token {})", lease.holder, lease.token));
                }
                (_, None) => return Some("could not renew the leader lease in time".to_string()),
            }
            if last_forget.elapsed() > Duration::from_secs(60) {
                last_forget = Instant::now();
                // Beside the renewals, never in their way.
                let store = Arc::clone(&self.store);
                tokio::spawn(tokio::time::timeout(self.timing.renew_every, forget_old_servers(store)));
            }
        }
    }

    /// Makes [`Candidate::hold`] return `None` after any renewal in flight,
    /// so that a clean stop can then release the lease for good.
    pub fn stop_holding(&self) {
        self.stop.notify_one();
    }

    /// Lets the lease and the server list go when this server stops cleanly,
    /// so a standby takes over at once rather than after the lease's ttl.
    pub async fn resign(&self) {
        *self.role.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Role::Fenced;
        if let Err(err) = self.store.release_lease(LEASE, &self.id).await {
            tracing::warn!(error = %err, "release the leader lease");
        }
        let _ = self.store.delete_server(&self.id).await;
    }
}

async fn forget_old_servers(store: Arc<dyn Store>) {
    let Ok(servers) = store.list_servers().await else { return };
    for server in servers.iter().filter(|server| server.seen_ms_ago > FORGET_AFTER_MS) {
        let _ = store.delete_server(&server.name).await;
    }
}

impl crate::Controller {
    /// The servers that share the store and which one leads.
    pub async fn list_servers(&self) -> Result<Value, ControlError> {
        servers(self.store.as_ref()).await
    }
}

/// The servers that share the store and which one leads, for
/// `GET /sparkplane/v1/servers`.
async fn servers(store: &dyn Store) -> Result<Value, ControlError> {
    let lease = store.get_lease(LEASE).await?.filter(|lease| lease.expires_in_ms > 0);
    let leader = lease.as_ref().map(|lease| lease.holder.as_str());
    let servers: Vec<Value> = store
        .list_servers()
        .await?
        .into_iter()
        .map(|server| {
            let doc: Value = serde_json::from_str(&server.body).unwrap_or(Value::Null);
            let state = match () {
                _ if Some(server.name.as_str()) == leader => "LEADER",
                _ if server.seen_ms_ago > GONE_AFTER_MS => "GONE",
                _ => "STANDBY",
            };
            serde_json::json!({
                "name": server.name,
                "state": state,
                "apiUrl": doc["apiUrl"],
                "s3Url": doc["s3Url"],
                "pid": doc["pid"],
                "version": doc["version"],
                "startedAt": doc["startedAt"],
                "lastSeenMillisAgo": server.seen_ms_ago,
            })
        })
        .collect();
    let lease = lease.map(|lease| {
        serde_json::json!({
            "holder": lease.holder,
            "token": lease.token,
            "heldForMillis": lease.held_for_ms,
            "expiresInMillis": lease.expires_in_ms,
        })
    });
    Ok(serde_json::json!({ "servers": servers, "lease": lease }))
}
