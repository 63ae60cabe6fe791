//! Glue: control's per-attempt credentials come from IAM sessions.
//!
//! Control defines what it needs (`CredentialIssuer`) and IAM what it
//! offers (`Iam::issue_session`); neither crate knows the other, so the
//! binary joins them.

use std::sync::Arc;

use sparkplane_api::JobRun;
use sparkplane_control::{AttemptCredentials, CredentialIssuer, IssuedSet};
use sparkplane_iam::{Iam, SessionPolicy};

pub struct IamCredentialIssuer(pub Arc<Iam>);

/// The session policy of a run: its `executionIamPolicy`.
pub fn session_policy_of(run: &JobRun) -> SessionPolicy {
    let policy = run.execution_iam_policy.as_ref();
    SessionPolicy {
        inline: policy.and_then(|p| p.policy.clone()),
        policy_arns: policy.and_then(|p| p.policy_arns.clone()).unwrap_or_default(),
    }
}

impl CredentialIssuer for IamCredentialIssuer {
    fn issue(&self, run: &JobRun, attempt: u32, expires_at_epoch_secs: i64) -> Result<AttemptCredentials, String> {
        // STS session names allow `[\w+=,.@-]`; the run id and attempt fit.
        let session_name = format!("{}-{attempt}", run.job_run_id);
        let credentials = self
            .0
            .issue_session(&run.execution_role, &session_name, &session_policy_of(run), expires_at_epoch_secs)
            .map_err(|err| format!("issue credentials of execution role {}: {err}", run.execution_role))?;
        Ok(AttemptCredentials {
            access_key_id: credentials.access_key_id,
            secret_access_key: credentials.secret_access_key,
            session_token: credentials.session_token,
            expiration_epoch_secs: credentials.expiration_epoch_secs,
        })
    }

    fn revoke(&self, access_key_id: &str) {
        self.0.revoke_session(access_key_id);
    }

    fn restore(&self, run: &JobRun, attempt: u32, set: &IssuedSet) -> Result<(), String> {
        let session_name = format!("{}-{attempt}", run.job_run_id);
        self.0
            .restore_session(
                &run.execution_role,
                &session_name,
                &session_policy_of(run),
                &set.access_key_id,
                &set.session_token_sha256,
                set.expires_at,
            )
            .map_err(|err| format!("restore credentials of execution role {}: {err}", run.execution_role))
    }
}
