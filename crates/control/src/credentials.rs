//! Temporary credentials of Spark attempts, for `s3://` through S3A.
//!
//! Every Spark attempt reaches the embedded S3 endpoint with credentials of
//! its own, issued from the run's execution role (and session policy) just
//! before launch and revoked when the attempt ends, whichever way it ends.
//! Control defines the [`CredentialIssuer`]; the binary implements it on its
//! IAM (`sparkplane_iam`) and hands it to [`crate::Controller::set_credential_issuer`].
//! Without one (unit tests, embedders) attempts get the server's root
//! credentials, passed the same way.
//!
//! Hadoop's `TemporaryAWSCredentialsProvider` reads the keys once and cannot
//! refresh them, so credentials are issued for the whole run: until the
//! run's `executionTimeoutMinutes` from launch plus [`EXPIRY_MARGIN_SECS`],
//! capped at [`MAX_LIFETIME_SECS`] (12 h, the service's default timeout, so
//! a run with the default timeout is covered; a run without a timeout gets
//! 12 h). Credentials live in the issuer's memory only: after a crash there
//! is nothing to revoke, they died with the server.

use sparkplane_api::JobRun;

/// Temporary credentials of one attempt, from its execution role.
#[derive(Clone, PartialEq, Eq)]
pub struct AttemptCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub expiration_epoch_secs: i64,
}

impl std::fmt::Debug for AttemptCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttemptCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("session_token", &"<redacted>")
            .field("expiration_epoch_secs", &self.expiration_epoch_secs)
            .finish()
    }
}

pub trait CredentialIssuer: Send + Sync {
    /// Issues credentials for the run's attempt: role = run.execution_role,
    /// session policy = run.execution_iam_policy (inline policy JSON +
    /// policy ARNs), valid until `expires_at_epoch_secs`.
    fn issue(&self, run: &JobRun, attempt: u32, expires_at_epoch_secs: i64) -> Result<AttemptCredentials, String>;
    /// Ends them (the attempt ended): they stop working at once.
    fn revoke(&self, access_key_id: &str);
}

/// Added to the run's execution timeout: the attempt's own start (staging,
/// executors) and its last writes after the timeout fires.
pub const EXPIRY_MARGIN_SECS: i64 = 15 * 60;
/// The longest credentials are issued for: 12 hours.
pub const MAX_LIFETIME_SECS: i64 = 12 * 60 * 60;

/// When an attempt launched at `now_epoch_secs` should see its credentials
/// expire: its timeout (default 12 h; 0 means none) plus the margin, capped.
pub fn expiry_for(run: &JobRun, now_epoch_secs: i64) -> i64 {
    let minutes = run.execution_timeout_minutes.unwrap_or(crate::attempt::DEFAULT_TIMEOUT_MINUTES);
    let lifetime = if minutes > 0 {
        minutes.saturating_mul(60).saturating_add(EXPIRY_MARGIN_SECS).min(MAX_LIFETIME_SECS)
    } else {
        MAX_LIFETIME_SECS
    };
    now_epoch_secs.saturating_add(lifetime)
}

/// Revokes the attempt's credentials when dropped: the attempt's end, in
/// every path (including a panic or the task being dropped).
pub(crate) struct IssuedCredentials {
    issuer: std::sync::Arc<dyn CredentialIssuer>,
    pub(crate) credentials: AttemptCredentials,
}

impl IssuedCredentials {
    pub(crate) fn new(issuer: std::sync::Arc<dyn CredentialIssuer>, credentials: AttemptCredentials) -> Self {
        IssuedCredentials { issuer, credentials }
    }
}

impl Drop for IssuedCredentials {
    fn drop(&mut self) {
        self.issuer.revoke(&self.credentials.access_key_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(timeout: Option<i64>) -> JobRun {
        let mut run: JobRun = serde_json::from_value(serde_json::json!({
            "applicationId": "00a", "jobRunId": "00j", "arn": "arn:aws:emr-serverless:us-east-1:123456789012:/applications/00a/jobruns/00j",
            "createdBy": "x", "createdAt": 0, "updatedAt": 0, "executionRole": "arn:aws:iam::123456789012:role/r",
            "state": "SCHEDULED", "stateDetails": "", "releaseLabel": "emr-7.9.0",
            "jobDriver": {"sparkSubmit": {"entryPoint": "s3://b/x.py"}}
        }))
        .unwrap();
        run.execution_timeout_minutes = timeout;
        run
    }

    #[test]
    fn credentials_cover_the_run_up_to_twelve_hours() {
        assert_eq!(expiry_for(&run(Some(60)), 1000), 1000 + 3600 + EXPIRY_MARGIN_SECS);
        assert_eq!(expiry_for(&run(None), 1000), 1000 + MAX_LIFETIME_SECS);
        assert_eq!(expiry_for(&run(Some(0)), 1000), 1000 + MAX_LIFETIME_SECS);
        assert_eq!(expiry_for(&run(Some(100_000)), 1000), 1000 + MAX_LIFETIME_SECS);
    }

    #[test]
    fn debug_redacts_the_secrets() {
        let credentials = AttemptCredentials {
            access_key_id: "ASIAEXAMPLE".into(),
            secret_access_key: "s3cr3t".into(),
            session_token: "t0k3n".into(),
            expiration_epoch_secs: 5,
        };
        let text = format!("{credentials:?}");
        assert!(text.contains("ASIAEXAMPLE") && !text.contains("s3cr3t") && !text.contains("t0k3n"), "{text}");
    }

    struct Recorder(std::sync::Mutex<Vec<String>>);
    impl CredentialIssuer for Recorder {
        fn issue(&self, _: &JobRun, _: u32, _: i64) -> Result<AttemptCredentials, String> {
            Err("unused".into())
        }
        fn revoke(&self, access_key_id: &str) {
            self.0.lock().unwrap().push(access_key_id.to_string());
        }
    }

    #[test]
    fn dropping_issued_credentials_revokes_them() {
        let recorder = std::sync::Arc::new(Recorder(Default::default()));
        let credentials = AttemptCredentials {
            access_key_id: "ASIA1".into(),
            secret_access_key: "s".into(),
            session_token: "t".into(),
            expiration_epoch_secs: 0,
        };
        drop(IssuedCredentials::new(recorder.clone(), credentials));
        assert_eq!(*recorder.0.lock().unwrap(), vec!["ASIA1".to_string()]);
    }
}
