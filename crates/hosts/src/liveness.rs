//! What happens to a host, decided without I/O.
//!
//! Each function takes the host as the registry knows it and what was
//! observed (a report, the clock) and returns the host as it must become,
//! or why the event is refused. The registry stores the result; nothing
//! here touches a socket or the store, so every rule is unit- and
//! property-tested.

use crate::model::{Host, HostState, Report};
use crate::HostsError;

/// Names of the hosts that become LOST at `now`: agents (never the
/// embedded host, whose heartbeat is the server itself) that are READY or
/// DRAINING and whose last word is older than `lost_after_ms`. A host that
/// never registered has nothing to lose. Silence before `listening_since`
/// (when this server began to take heartbeats) does not count: agents
/// could not reach a server that was down, and must get a full timeout
/// to find the restarted one before they are declared LOST.
pub fn lost_hosts(hosts: &[Host], now: i64, lost_after_ms: i64, listening_since: i64) -> Vec<String> {
    hosts
        .iter()
        .filter(|h| !h.embedded && h.registered_at.is_some())
        .filter(|h| matches!(h.state, HostState::Ready | HostState::Draining))
        .filter(|h| {
            let last = h.last_heartbeat_at.or(h.registered_at).unwrap_or(h.state_changed_at);
            now.saturating_sub(last.max(listening_since)) > lost_after_ms
        })
        .map(|h| h.name.clone())
        .collect()
}

/// `host` marked LOST at `now`.
pub fn mark_lost(host: &Host, now: i64, lost_after_ms: i64) -> Host {
    let mut lost = host.clone();
    lost.state = HostState::Lost;
    lost.state_changed_at = now;
    lost.state_details = Some(format!("no heartbeat for more than {} s", lost_after_ms / 1000));
    lost
}

/// An agent (re)registers: a new agent process, or the old one after the
/// server lost track of it. The host becomes READY, or DRAINING if an
/// operator drained it: neither a restart nor a LOST spell undoes a drain.
pub fn register(host: &Host, report: Report, now: i64) -> Host {
    let mut next = host.clone();
    let state = if host.drained { HostState::Draining } else { HostState::Ready };
    if host.state != state {
        next.state = state;
        next.state_changed_at = now;
        next.state_details = host.drained.then(|| "drained by an operator".to_string());
    }
    next.report = Some(report);
    next.registered_at = Some(now);
    next.last_heartbeat_at = Some(now);
    next
}

/// A heartbeat of the agent process that registered last. Any other
/// instance, or a host the server declared LOST (whose runs it may already
/// have failed over), must register again, so a reconnecting agent first
/// kills what it ran.
pub fn heartbeat(host: &Host, report: Report, now: i64) -> Result<Host, HostsError> {
    let current = host.report.as_ref().is_some_and(|known| known.instance_id == report.instance_id);
    if !current || matches!(host.state, HostState::Pending | HostState::Lost) {
        return Err(HostsError::Reregister(host.name.clone()));
    }
    let mut next = host.clone();
    next.report = Some(report);
    next.last_heartbeat_at = Some(now);
    Ok(next)
}

/// `sparkplane hosts drain`: no new placements, whatever the state.
/// A LOST host stays LOST (it is silent) but comes back DRAINING.
pub fn drain(host: &Host, now: i64) -> Host {
    let mut next = host.clone();
    next.drained = true;
    if matches!(host.state, HostState::Pending | HostState::Ready) {
        next.state = HostState::Draining;
        next.state_changed_at = now;
        next.state_details = Some("drained by an operator".into());
    }
    next
}

/// `sparkplane hosts resume`: a drained host takes placements again. A
/// LOST one is undrained too and comes back READY when its agent does.
pub fn resume(host: &Host, now: i64) -> Result<Host, HostsError> {
    if !host.drained {
        return match host.state {
            HostState::Ready | HostState::Pending => Ok(host.clone()),
            state => Err(HostsError::Conflict(format!(
                "host {} is {} and was not drained: there is nothing to resume",
                host.name,
                state.as_str()
            ))),
        };
    }
    let mut next = host.clone();
    next.drained = false;
    if host.state == HostState::Draining {
        // A drained agent that went silent is LOST once resumed; the next
        // sweep decides that from its heartbeat, not this call.
        next.state = if host.registered_at.is_some() { HostState::Ready } else { HostState::Pending };
        next.state_changed_at = now;
        next.state_details = None;
    }
    Ok(next)
}

/// Whether `host` may be removed while it runs `processes` engine
/// processes. The embedded host is the server's own machine and cannot;
/// a host with processes must be drained until they end, unless it is LOST
/// (its processes are beyond reach, and their runs were failed over).
pub fn check_removal(host: &Host, processes: usize) -> Result<(), HostsError> {
    if host.embedded {
        return Err(HostsError::Validation(format!(
            "host {} is the server's own host and cannot be removed; drain it to stop placements there",
            host.name
        )));
    }
    if processes > 0 && host.state != HostState::Lost {
        return Err(HostsError::Conflict(format!(
            "host {} still runs {processes} engine process(es): drain it and wait for them to end",
            host.name
        )));
    }
    Ok(())
}

#[cfg(test)]
#[path = "liveness_tests.rs"]
mod tests;
