//! [`Hosts`]: the host table, with [`crate::liveness`]'s decisions applied
//! to the store.
//!
//! The table is small (one row per machine) and read on every scheduling
//! pass, so it is kept in memory and written through: every change is in
//! the store before the call returns, and a restarted server loads it back,
//! so agents reconnect without being added again. One lock serializes the
//! read-modify-write of a host.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use sparkplane_store::Store;
use tokio::sync::Mutex;

use crate::model::{Host, HostState, Report};
use crate::report::{validate_name, validate_report};
use crate::{credential, liveness, HostsError};

/// Named defaults of the liveness settings.
pub const DEFAULT_HEARTBEAT_INTERVAL: Duration = Duration::from_secs(5);
pub const DEFAULT_LOST_AFTER: Duration = Duration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Liveness {
    /// How often agents heartbeat (told to them at registration).
    pub heartbeat_interval: Duration,
    /// Silence after which a host is LOST.
    pub lost_after: Duration,
}

impl Default for Liveness {
    fn default() -> Self {
        Liveness { heartbeat_interval: DEFAULT_HEARTBEAT_INTERVAL, lost_after: DEFAULT_LOST_AFTER }
    }
}

impl Liveness {
    pub fn validate(&self) -> Result<(), HostsError> {
        if self.heartbeat_interval.is_zero() || self.lost_after < self.heartbeat_interval * 2 {
            return Err(HostsError::Validation(format!(
                "host_lost_after ({} s) must be at least twice host_heartbeat_interval ({} s), which must not be 0",
                self.lost_after.as_secs_f64(),
                self.heartbeat_interval.as_secs_f64()
            )));
        }
        Ok(())
    }
}

pub struct Hosts {
    store: Arc<dyn Store>,
    hosts: Mutex<BTreeMap<String, Host>>,
    liveness: Liveness,
    /// When this registry began to take heartbeats (epoch ms): silence
    /// before it is not an agent's fault (see [`liveness::lost_hosts`]).
    listening_since: i64,
}

impl Hosts {
    /// The registry with every stored host, taking heartbeats from `now`.
    pub async fn load(store: Arc<dyn Store>, liveness: Liveness, now: i64) -> Result<Hosts, HostsError> {
        liveness.validate()?;
        let mut hosts = BTreeMap::new();
        for row in store.list_hosts().await? {
            let host: Host = serde_json::from_str(&row.body)
                .map_err(|err| HostsError::Corrupt { name: row.name.clone(), reason: err.to_string() })?;
            hosts.insert(row.name, host);
        }
        Ok(Hosts { store, hosts: Mutex::new(hosts), liveness, listening_since: now })
    }

    pub fn liveness(&self) -> Liveness {
        self.liveness
    }

    /// `sparkplane hosts add NAME`: a PENDING host and its credential,
    /// returned this once.
    pub async fn add(&self, name: &str, now: i64) -> Result<(Host, String), HostsError> {
        validate_name(name)?;
        let mut hosts = self.hosts.lock().await;
        if hosts.contains_key(name) {
            return Err(HostsError::Conflict(format!("host {name} already exists")));
        }
        let (token, hash) = credential::issue(name)?;
        let host = Host {
            name: name.to_string(),
            state: HostState::Pending,
            embedded: false,
            created_at: now,
            credential_sha256: Some(hash),
            report: None,
            registered_at: None,
            last_heartbeat_at: None,
            drained: false,
            state_changed_at: now,
            state_details: Some("waiting for its agent to register".into()),
        };
        if !self.store.insert_host(name, &encode(&host)?).await? {
            return Err(HostsError::Conflict(format!("host {name} already exists")));
        }
        hosts.insert(name.to_string(), host.clone());
        Ok((host, token))
    }

    /// The server's own host, registered by its embedded agent at startup.
    /// A host of that name added for an agent is refused: one name, one machine.
    pub async fn register_embedded(&self, name: &str, report: Report, now: i64) -> Result<Host, HostsError> {
        validate_name(name)?;
        validate_report(&report)?;
        let mut hosts = self.hosts.lock().await;
        let existing = hosts.get(name).cloned();
        if existing.as_ref().is_some_and(|h| !h.embedded) {
            return Err(HostsError::Conflict(format!(
                "host {name} was added for an agent; give the server another host_name"
            )));
        }
        let base = existing.clone().unwrap_or(Host {
            name: name.to_string(),
            state: HostState::Pending,
            embedded: true,
            created_at: now,
            credential_sha256: None,
            report: None,
            registered_at: None,
            last_heartbeat_at: None,
            drained: false,
            state_changed_at: now,
            state_details: None,
        });
        // A host that was this server's under an earlier host_name is now a
        // silent machine like any other: it goes LOST and can be removed.
        let earlier: Vec<String> =
            hosts.values().filter(|h| h.embedded && h.name != name).map(|h| h.name.clone()).collect();
        for old in earlier {
            if let Some(host) = hosts.get_mut(&old) {
                host.embedded = false;
                host.state_details = Some(format!("was this server's own host before it became {name}"));
                self.store.replace_host(&old, &encode(host)?).await?;
            }
        }
        let host = liveness::register(&base, report, now);
        if existing.is_some() {
            self.store.replace_host(name, &encode(&host)?).await?;
        } else {
            self.store.insert_host(name, &encode(&host)?).await?;
        }
        hosts.insert(name.to_string(), host.clone());
        Ok(host)
    }

    /// The embedded agent's heartbeat: in memory only, since the embedded
    /// host is never LOST and a restarted server registers it again.
    pub async fn heartbeat_embedded(&self, name: &str, report: Report, now: i64) {
        if let Some(host) = self.hosts.lock().await.get_mut(name).filter(|h| h.embedded) {
            host.report = Some(report);
            host.last_heartbeat_at = Some(now);
        }
    }

    /// The host `token` belongs to, if its secret matches: what the API
    /// checks before it reads an agent's report. An unknown host and a
    /// wrong secret are the same answer.
    pub async fn authenticate(&self, token: &str) -> Result<String, HostsError> {
        let hosts = self.hosts.lock().await;
        check_token(&hosts, token).map(str::to_string)
    }

    /// An agent registers with its token.
    pub async fn register(&self, token: &str, report: Report, now: i64) -> Result<Host, HostsError> {
        self.update_as_agent(token, report, |host, report| Ok(liveness::register(host, report, now))).await
    }

    /// An agent's heartbeat; [`HostsError::Reregister`] tells it to register.
    pub async fn heartbeat(&self, token: &str, report: Report, now: i64) -> Result<Host, HostsError> {
        self.update_as_agent(token, report, |host, report| liveness::heartbeat(host, report, now)).await
    }

    pub async fn drain(&self, name: &str, now: i64) -> Result<Host, HostsError> {
        self.update(name, |host| Ok(liveness::drain(host, now))).await
    }

    pub async fn resume(&self, name: &str, now: i64) -> Result<Host, HostsError> {
        self.update(name, |host| liveness::resume(host, now)).await
    }

    /// Removes a host running `processes` engine processes (see
    /// [`liveness::check_removal`]); its credential stops working at once.
    pub async fn remove(&self, name: &str, processes: usize) -> Result<(), HostsError> {
        let mut hosts = self.hosts.lock().await;
        let host = hosts.get(name).ok_or_else(|| HostsError::NotFound(name.to_string()))?;
        liveness::check_removal(host, processes)?;
        self.store.delete_host(name).await?;
        hosts.remove(name);
        Ok(())
    }

    pub async fn get(&self, name: &str) -> Result<Host, HostsError> {
        self.hosts.lock().await.get(name).cloned().ok_or_else(|| HostsError::NotFound(name.to_string()))
    }

    /// Every host, by name.
    pub async fn list(&self) -> Vec<Host> {
        self.hosts.lock().await.values().cloned().collect()
    }

    /// Marks LOST every agent silent for longer than the timeout; returns
    /// the hosts that became LOST in this pass.
    pub async fn sweep(&self, now: i64) -> Result<Vec<Host>, HostsError> {
        let lost_after_ms = i64::try_from(self.liveness.lost_after.as_millis()).unwrap_or(i64::MAX);
        let mut hosts = self.hosts.lock().await;
        let snapshot: Vec<Host> = hosts.values().cloned().collect();
        let mut lost = Vec::new();
        for name in liveness::lost_hosts(&snapshot, now, lost_after_ms, self.listening_since) {
            let Some(host) = hosts.get(&name) else { continue };
            let next = liveness::mark_lost(host, now, lost_after_ms);
            self.store.replace_host(&name, &encode(&next)?).await?;
            tracing::warn!(host = %name, "host lost: {}", next.state_details.as_deref().unwrap_or_default());
            hosts.insert(name, next.clone());
            lost.push(next);
        }
        Ok(lost)
    }

    async fn update(
        &self,
        name: &str,
        change: impl FnOnce(&Host) -> Result<Host, HostsError>,
    ) -> Result<Host, HostsError> {
        let mut hosts = self.hosts.lock().await;
        let host = hosts.get(name).ok_or_else(|| HostsError::NotFound(name.to_string()))?;
        let next = change(host)?;
        if next != *host {
            self.store.replace_host(name, &encode(&next)?).await?;
            hosts.insert(name.to_string(), next.clone());
        }
        Ok(next)
    }

    /// `change` applied to the host the token belongs to, under one lock
    /// from the credential check to the write: a host removed and added
    /// again in between is never changed with the old credential. The
    /// credential is checked before the report, so a caller without one
    /// learns nothing from the report's errors.
    async fn update_as_agent(
        &self,
        token: &str,
        report: Report,
        change: impl FnOnce(&Host, Report) -> Result<Host, HostsError>,
    ) -> Result<Host, HostsError> {
        let mut hosts = self.hosts.lock().await;
        let name = check_token(&hosts, token)?.to_string();
        validate_report(&report)?;
        let host = hosts.get(&name).ok_or(HostsError::Forbidden)?;
        let next = change(host, report)?;
        if next != *host {
            self.store.replace_host(&name, &encode(&next)?).await?;
            hosts.insert(name, next.clone());
        }
        Ok(next)
    }
}

/// The name of the host whose credential `token` is.
fn check_token<'a>(hosts: &BTreeMap<String, Host>, token: &'a str) -> Result<&'a str, HostsError> {
    let (name, secret) = credential::split(token).ok_or(HostsError::Forbidden)?;
    let stored = hosts.get(name).and_then(|h| h.credential_sha256.as_deref());
    if stored.is_some_and(|hash| credential::matches(secret, hash)) {
        Ok(name)
    } else {
        Err(HostsError::Forbidden)
    }
}

fn encode(host: &Host) -> Result<String, HostsError> {
    serde_json::to_string(host).map_err(|err| HostsError::Corrupt { name: host.name.clone(), reason: err.to_string() })
}

#[cfg(test)]
#[path = "registry_tests.rs"]
mod tests;
