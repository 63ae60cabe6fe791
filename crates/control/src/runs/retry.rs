//! Retries: when a failed attempt is followed by another.
//!
//! A BATCH run with `retryPolicy.maxAttempts = N` is rerun from the start
//! until N attempts have failed; a cancelled run is never retried. Each
//! attempt is a fresh view of the run (new attempt number and timestamps,
//! no usage yet), while earlier attempts stay readable with `?attempt=N`.

use sparkplane_api::{JobRun, JobRunMode, JobRunState, Timestamp};

/// The service allows at most 10 attempts.
pub const MAX_ATTEMPTS: i64 = 10;

/// The view of attempt `failed_attempt + 1`, if the policy allows one.
pub fn next_attempt(failed: &JobRun, failed_attempt: u32, now: Timestamp) -> Option<JobRun> {
    if failed.state != JobRunState::Failed {
        return None;
    }
    if failed.mode.unwrap_or(JobRunMode::Batch) != JobRunMode::Batch {
        return None;
    }
    let max_attempts = failed.retry_policy.as_ref().and_then(|p| p.max_attempts).unwrap_or(1);
    if i64::from(failed_attempt) >= max_attempts.min(MAX_ATTEMPTS) {
        return None;
    }
    let mut next = failed.clone();
    let attempt = failed_attempt + 1;
    next.state = JobRunState::Pending;
    next.state_details = format!("Retrying: attempt {failed_attempt} failed ({})", failed.state_details);
    next.attempt = Some(i64::from(attempt));
    next.attempt_created_at = Some(now);
    next.attempt_updated_at = Some(now);
    next.updated_at = now;
    next.started_at = None;
    next.ended_at = None;
    next.total_execution_duration_seconds = None;
    next.total_resource_utilization = None;
    next.billed_resource_utilization = None;
    Some(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sparkplane_api::RetryPolicy;

    fn failed_run(max_attempts: Option<i64>) -> JobRun {
        let mut run = sparkplane_store::test_suite::job_run("00app", "00run", 1_000);
        run.state = JobRunState::Failed;
        run.state_details = "Job failed with exit code 1".into();
        run.retry_policy =
            max_attempts.map(|n| RetryPolicy { max_attempts: Some(n), max_failed_attempts_per_hour: None });
        run
    }

    #[test]
    fn retries_until_max_attempts() {
        let run = failed_run(Some(3));
        let second = next_attempt(&run, 1, Timestamp::from_millis(5_000)).expect("attempt 2");
        assert_eq!(second.attempt, Some(2));
        assert_eq!(second.state, JobRunState::Pending);
        assert_eq!(second.attempt_created_at, Some(Timestamp::from_millis(5_000)));
        assert_eq!(second.created_at, run.created_at);
        assert!(second.state_details.contains("attempt 1 failed"));
        assert!(next_attempt(&run, 2, Timestamp::from_millis(6_000)).is_some());
        assert!(next_attempt(&run, 3, Timestamp::from_millis(7_000)).is_none());
    }

    #[test]
    fn no_policy_cancelled_or_streaming_means_no_retry() {
        assert!(next_attempt(&failed_run(None), 1, Timestamp::from_millis(1)).is_none());
        let mut cancelled = failed_run(Some(5));
        cancelled.state = JobRunState::Cancelled;
        assert!(next_attempt(&cancelled, 1, Timestamp::from_millis(1)).is_none());
        let mut streaming = failed_run(Some(5));
        streaming.mode = Some(JobRunMode::Streaming);
        assert!(next_attempt(&streaming, 1, Timestamp::from_millis(1)).is_none());
        // The cap holds whatever the policy says.
        assert!(next_attempt(&failed_run(Some(50)), 10, Timestamp::from_millis(1)).is_none());
    }
}
