//! When a server may act as the leader: a pure function from what it asked
//! the store and when, to its role. No clock is read here and no store is
//! called, so the rules are tested with made-up instants.
//!
//! The safety rule: a leader stops acting `margin` before its lease could
//! expire in the store. Its deadline counts from the moment it *asked*
//! (before the store read its own clock), so a slow answer only shortens
//! it; a follower takes the lease only after the store's expiry.

use std::time::{Duration, Instant};

/// How long a lease lasts and how often it is renewed or watched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// How long a grant lasts from the store's point of view.
    pub ttl: Duration,
    /// How often the leader renews; several renewals fit in one `ttl`, so
    /// one slow or lost answer does not depose it.
    pub renew_every: Duration,
    /// How often a standby server tries to take the lease.
    pub standby_poll: Duration,
    /// How long before the store's expiry the leader stops acting.
    pub margin: Duration,
}

impl Timing {
    /// A follower takes over within `ttl + standby_poll` (7 s) of the
    /// leader's death, inside the 10 s that several servers promise.
    pub const DEFAULT: Timing = Timing {
        ttl: Duration::from_secs(6),
        renew_every: Duration::from_secs(2),
        standby_poll: Duration::from_secs(1),
        margin: Duration::from_secs(1),
    };

    /// When to ask the store again.
    pub fn next_attempt(&self, role: &Role) -> Duration {
        match role {
            Role::Leading { .. } => self.renew_every,
            Role::StandingBy | Role::Fenced => self.standby_poll,
        }
    }
}

/// What one acquire-or-renew call returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observation<'a> {
    /// The lease as it stands after the call.
    Held { holder: &'a str, token: i64 },
    /// The store did not answer (error or timeout).
    Failed,
}

/// A server's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    StandingBy,
    /// May act until `until` with fencing token `token`.
    Leading {
        token: i64,
        until: Instant,
    },
    /// Was the leader and may no longer be sure of it: stops acting for good.
    /// The in-memory state it acted on may be stale, so it never leads
    /// again in this process; a restart joins as a standby.
    Fenced,
}

/// The role after asking the store at `asked_at` and seeing `seen` at `now`.
pub fn after_attempt(
    me: &str,
    role: Role,
    seen: Observation<'_>,
    asked_at: Instant,
    now: Instant,
    timing: &Timing,
) -> Role {
    let role = check(role, now);
    match (role, seen) {
        (Role::Fenced, _) => Role::Fenced,
        (Role::Leading { token: held, .. }, Observation::Held { holder, token }) if holder == me && token != held => {
            // Someone else held it in between: what this server did since
            // may have raced theirs.
            Role::Fenced
        }
        (role, Observation::Held { holder, token }) if holder == me => {
            let until = asked_at + timing.ttl.saturating_sub(timing.margin);
            match role {
                _ if until > now => Role::Leading { token, until },
                Role::Leading { .. } => Role::Fenced,
                // The answer came too late to act on; the next poll renews.
                _ => Role::StandingBy,
            }
        }
        (Role::Leading { .. }, Observation::Held { .. }) => Role::Fenced,
        (role @ Role::Leading { .. }, Observation::Failed) => role,
        (Role::StandingBy, _) => Role::StandingBy,
    }
}

/// The role at `now` without asking: a leader past its deadline is fenced.
pub fn check(role: Role, now: Instant) -> Role {
    match role {
        Role::Leading { until, .. } if until <= now => Role::Fenced,
        role => role,
    }
}

#[cfg(test)]
#[path = "decide_tests.rs"]
mod tests;
