//! The state machines of applications and job runs, as pure functions.
//!
//! Every state change in the controller goes through these, so the rules of
//! the service live in one place and are tested exhaustively.

use sparkplane_api::{ApplicationState, JobRunState};

/// What an API operation may do to an application in a given state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppOperation {
    Start,
    Stop,
    Update,
    Delete,
    SubmitJob,
}

/// The outcome of an operation on an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppDecision {
    /// Move through these states, in order.
    Transition(&'static [ApplicationState]),
    /// Nothing to do; the request still succeeds.
    NoOp,
    /// Refused: the request is invalid in this state.
    Refuse,
}

pub fn decide_app(state: ApplicationState, operation: AppOperation) -> AppDecision {
    use AppDecision::*;
    use ApplicationState as S;
    match (operation, state) {
        (_, S::Terminated) => Refuse,
        (AppOperation::Start, S::Created | S::Stopped) => Transition(&[S::Starting, S::Started]),
        (AppOperation::Start, S::Starting | S::Started) => NoOp,
        (AppOperation::Start, _) => Refuse,
        (AppOperation::Stop, S::Started | S::Starting) => Transition(&[S::Stopping, S::Stopped]),
        (AppOperation::Stop, S::Created | S::Stopped | S::Stopping) => NoOp,
        (AppOperation::Stop, _) => Refuse,
        (AppOperation::Update, S::Created | S::Stopped) => NoOp,
        (AppOperation::Update, _) => Refuse,
        (AppOperation::Delete, S::Created | S::Stopped) => Transition(&[S::Terminated]),
        (AppOperation::Delete, _) => Refuse,
        // Auto-start (or not) is decided by the caller from the app's config.
        (AppOperation::SubmitJob, S::Created | S::Stopped | S::Starting | S::Started) => NoOp,
        (AppOperation::SubmitJob, _) => Refuse,
    }
}

/// Allowed job-run transitions: SUBMITTED → (QUEUED) → PENDING → SCHEDULED →
/// RUNNING → SUCCESS/FAILED, cancellation from any live state, and a failed
/// attempt going back to PENDING for a retry.
pub fn job_transition_allowed(from: JobRunState, to: JobRunState) -> bool {
    use JobRunState as S;
    match (from, to) {
        (S::Submitted, S::Queued | S::Pending) => true,
        (S::Queued, S::Pending) => true,
        (S::Pending, S::Scheduled) => true,
        (S::Scheduled, S::Running) => true,
        (S::Running, S::Success) => true,
        // A run can fail before it ever runs (staging, bad entry point, queue timeout).
        (S::Submitted | S::Queued | S::Pending | S::Scheduled | S::Running, S::Failed) => true,
        (S::Submitted | S::Queued | S::Pending | S::Scheduled | S::Running, S::Cancelling) => true,
        (S::Cancelling, S::Cancelled) => true,
        // A run with no process yet is cancelled in one write (CancelDecision::Immediate).
        (S::Submitted | S::Queued | S::Pending, S::Cancelled) => true,
        // Retry: a failed attempt re-enters the queue as a new attempt.
        (S::Failed, S::Pending) => true,
        _ => false,
    }
}

/// How CancelJobRun treats a run in `state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelDecision {
    /// No process yet: CANCELLING then CANCELLED at once.
    Immediate,
    /// A process is (or is about to be) running: CANCELLING, then signal it.
    Signal,
    /// Already cancelling: nothing more to do.
    AlreadyCancelling,
    /// Terminal runs cannot be cancelled.
    Refuse,
}

pub fn decide_cancel(state: JobRunState) -> CancelDecision {
    use JobRunState as S;
    match state {
        S::Submitted | S::Queued | S::Pending => CancelDecision::Immediate,
        S::Scheduled | S::Running => CancelDecision::Signal,
        S::Cancelling => CancelDecision::AlreadyCancelling,
        S::Success | S::Failed | S::Cancelled => CancelDecision::Refuse,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApplicationState as A;
    use JobRunState as J;

    #[test]
    fn application_rules_for_every_state_and_operation() {
        let ops = [
            AppOperation::Start,
            AppOperation::Stop,
            AppOperation::Update,
            AppOperation::Delete,
            AppOperation::SubmitJob,
        ];
        for state in A::ALL {
            for op in ops {
                let decision = decide_app(*state, op);
                let expected_refused = match op {
                    _ if *state == A::Terminated => true,
                    AppOperation::Start => matches!(state, A::Stopping | A::Creating),
                    AppOperation::Stop => *state == A::Creating,
                    AppOperation::Update | AppOperation::Delete => !matches!(state, A::Created | A::Stopped),
                    AppOperation::SubmitJob => matches!(state, A::Stopping | A::Creating),
                };
                assert_eq!(decision == AppDecision::Refuse, expected_refused, "{state:?} {op:?}");
            }
        }
        assert_eq!(decide_app(A::Stopped, AppOperation::Start), AppDecision::Transition(&[A::Starting, A::Started]));
        assert_eq!(decide_app(A::Started, AppOperation::Stop), AppDecision::Transition(&[A::Stopping, A::Stopped]));
        assert_eq!(decide_app(A::Created, AppOperation::Delete), AppDecision::Transition(&[A::Terminated]));
        assert_eq!(decide_app(A::Started, AppOperation::Start), AppDecision::NoOp);
    }

    #[test]
    fn job_run_transitions_form_the_documented_graph() {
        let allowed: Vec<(J, J)> = J::ALL
            .iter()
            .flat_map(|from| J::ALL.iter().map(move |to| (*from, *to)))
            .filter(|(from, to)| job_transition_allowed(*from, *to))
            .collect();
        let expected = [
            (J::Submitted, J::Pending),
            (J::Submitted, J::Failed),
            (J::Submitted, J::Cancelling),
            (J::Submitted, J::Queued),
            (J::Pending, J::Scheduled),
            (J::Pending, J::Failed),
            (J::Pending, J::Cancelling),
            (J::Scheduled, J::Running),
            (J::Scheduled, J::Failed),
            (J::Scheduled, J::Cancelling),
            (J::Running, J::Success),
            (J::Running, J::Failed),
            (J::Running, J::Cancelling),
            (J::Failed, J::Pending),
            (J::Cancelling, J::Cancelled),
            (J::Queued, J::Pending),
            (J::Queued, J::Failed),
            (J::Queued, J::Cancelling),
            (J::Submitted, J::Cancelled),
            (J::Queued, J::Cancelled),
            (J::Pending, J::Cancelled),
        ];
        assert_eq!(allowed.len(), expected.len(), "{allowed:?}");
        for pair in expected {
            assert!(allowed.contains(&pair), "{pair:?} missing");
        }
        // Terminal success and cancellation never move again.
        for to in J::ALL {
            assert!(!job_transition_allowed(J::Success, *to));
            assert!(!job_transition_allowed(J::Cancelled, *to));
        }
    }

    #[test]
    fn cancel_rules() {
        assert_eq!(decide_cancel(J::Submitted), CancelDecision::Immediate);
        assert_eq!(decide_cancel(J::Queued), CancelDecision::Immediate);
        assert_eq!(decide_cancel(J::Pending), CancelDecision::Immediate);
        assert_eq!(decide_cancel(J::Scheduled), CancelDecision::Signal);
        assert_eq!(decide_cancel(J::Running), CancelDecision::Signal);
        assert_eq!(decide_cancel(J::Cancelling), CancelDecision::AlreadyCancelling);
        for terminal in [J::Success, J::Failed, J::Cancelled] {
            assert_eq!(decide_cancel(terminal), CancelDecision::Refuse);
        }
    }
}
