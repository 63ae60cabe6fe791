//! What a live session shows, and when idleness ends it: a pure rule from
//! what its supervisor observes, so it is tested without processes.
//!
//! A session is STARTED until its first call, BUSY while any call through
//! the endpoint is open, IDLE after; `idleTimeoutMinutes` without a call
//! (counted from the end of the last one, or from the start) terminates it.

use sparkplane_api::SessionState;

/// The idle timeout when StartSession names none.
pub const DEFAULT_IDLE_TIMEOUT_MINUTES: i64 = 60;

/// What the supervisor sees on one pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observed {
    /// Calls through the endpoint still open.
    pub open_calls: u32,
    /// Whether any call ever came.
    pub ever_called: bool,
    /// Epoch ms of the last call's end, or of the engine's start.
    pub last_activity_ms: i64,
    pub now_ms: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Show(SessionState),
    TerminateIdle,
}

/// The idle timeout in ms; `0` minutes means none (as `executionTimeoutMinutes`
/// 0 means none for streaming runs). `minute_ms` is a minute's length
/// (shortened only by tests).
pub fn timeout_millis(minutes: Option<i64>, minute_ms: i64) -> Option<i64> {
    let minutes = minutes.unwrap_or(DEFAULT_IDLE_TIMEOUT_MINUTES);
    (minutes > 0).then(|| minutes.saturating_mul(minute_ms))
}

pub fn step(observed: &Observed, timeout_ms: Option<i64>) -> Step {
    if observed.open_calls > 0 {
        return Step::Show(SessionState::Busy);
    }
    if let Some(timeout) = timeout_ms {
        if observed.now_ms.saturating_sub(observed.last_activity_ms) >= timeout {
            return Step::TerminateIdle;
        }
    }
    Step::Show(if observed.ever_called { SessionState::Idle } else { SessionState::Started })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn seen(open_calls: u32, ever_called: bool, last: i64, now: i64) -> Observed {
        Observed { open_calls, ever_called, last_activity_ms: last, now_ms: now }
    }

    #[test]
    fn states_follow_the_calls() {
        let minute = Some(60_000);
        assert_eq!(step(&seen(0, false, 0, 10), minute), Step::Show(SessionState::Started));
        assert_eq!(step(&seen(1, true, 0, 10), minute), Step::Show(SessionState::Busy));
        assert_eq!(step(&seen(0, true, 0, 59_999), minute), Step::Show(SessionState::Idle));
        assert_eq!(step(&seen(0, true, 0, 60_000), minute), Step::TerminateIdle);
        assert_eq!(step(&seen(0, false, 0, 60_000), minute), Step::TerminateIdle, "never used counts as idle");
        assert_eq!(step(&seen(0, true, 0, i64::MAX), None), Step::Show(SessionState::Idle), "no timeout");
    }

    #[test]
    fn timeouts_default_and_zero_disables() {
        assert_eq!(timeout_millis(None, 1000), Some(60_000));
        assert_eq!(timeout_millis(Some(1), 60_000), Some(60_000));
        assert_eq!(timeout_millis(Some(0), 60_000), None);
        assert_eq!(timeout_millis(Some(1_000_000), i64::MAX), Some(i64::MAX));
    }

    proptest! {
        /// An open call always keeps the session alive and BUSY, however long it lasts.
        #[test]
        fn an_open_call_is_never_ended(open in 1u32..100, last in 0i64..1_000_000, wait in 0i64..10_000_000, t in 1i64..1000) {
            prop_assert_eq!(step(&seen(open, true, last, last + wait), Some(t)), Step::Show(SessionState::Busy));
        }

        /// Without calls, the session ends exactly when the timeout has passed.
        #[test]
        fn idle_ends_exactly_at_the_timeout(last in 0i64..1_000_000, wait in 0i64..10_000, t in 1i64..10_000) {
            let ended = step(&seen(0, true, last, last + wait), Some(t)) == Step::TerminateIdle;
            prop_assert_eq!(ended, wait >= t);
        }
    }
}
