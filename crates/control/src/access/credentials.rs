//! Temporary credentials of attempts, served like a container's.
//!
//! Every attempt reaches the embedded S3 endpoint as its run's execution
//! role, narrowed by the run's session policy (`executionIamPolicy`), so
//! the endpoint's policies decide each of its requests. Credentials are
//! fetched, not handed over: the API serves [`CREDENTIALS_PATH`], the
//! container credentials endpoint that ECS tasks and EKS Pod Identity give
//! their workloads. An engine process holds only a bearer token and the
//! endpoint's URI (`AWS_CONTAINER_AUTHORIZATION_TOKEN`,
//! `AWS_CONTAINER_CREDENTIALS_FULL_URI`), and the AWS SDKs fetch credentials
//! with it and fetch new ones before the old expire, so a run of any length
//! keeps working with short-lived keys, a warm driver started before its run
//! needs nothing but a token bound at hand-over, and any engine (Spark's S3A,
//! object_store) uses the same grant. See [`super::grants`] for the tokens.
//!
//! Each set lives for the operator's `job_credentials_lifetime_seconds`
//! (900 s to 12 h, like STS); every key issued under a grant is revoked when
//! the attempt ends. Control defines the [`CredentialIssuer`]; the binary
//! implements it on IAM and hands it over with
//! [`crate::Controller::set_credential_issuer`]. Without one (unit tests,
//! embedders) Spark attempts sign with the server's root credentials.
//! Sessions live in memory only: after a crash they died with the server.

use sparkplane_api::JobRun;
use sparkplane_engine::spark::hadoop_s3;

pub use super::grants::IssuedSet;
pub use super::grants::{AttemptGrant, TOKEN_FILE};
use crate::{Controller, S3ForJobs};

/// The path of the credentials endpoint on the API listener.
pub const CREDENTIALS_PATH: &str = "/sparkplane/v1/credentials";
/// Lifetime of each set when the operator sets none: an hour.
pub const DEFAULT_LIFETIME_SECS: u64 = 3600;
/// STS's bounds on a session's lifetime: 15 minutes to 12 hours. The AWS
/// SDKs fetch again when a set has less than 15 minutes left, so a lifetime
/// near the minimum makes them fetch on nearly every request.
pub const MIN_LIFETIME_SECS: u64 = 900;
pub const MAX_LIFETIME_SECS: u64 = 43_200;
/// A set is handed out again while it has more than this left: the SDKs
/// then hold it for at least 5 minutes before they fetch again.
pub const REUSE_MIN_REMAINING_SECS: i64 = 20 * 60;
/// ... or while it is this young: a holder whose set is near its expiry asks
/// on every request, and a set seconds old is as good as a new one, so an
/// attempt gets at most one new set per this many seconds.
pub const REISSUE_AFTER_SECS: i64 = 10;

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

/// What the credentials endpoint answers: a set and the role it is of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerCredentials {
    pub credentials: AttemptCredentials,
    pub role_arn: String,
}

pub trait CredentialIssuer: Send + Sync {
    /// Issues credentials for the run's attempt: role = run.execution_role,
    /// session policy = run.execution_iam_policy (inline policy JSON +
    /// policy ARNs), valid until `expires_at_epoch_secs`.
    fn issue(&self, run: &JobRun, attempt: u32, expires_at_epoch_secs: i64) -> Result<AttemptCredentials, String>;
    /// Ends them (the attempt ended): they stop working at once.
    fn revoke(&self, access_key_id: &str);
    /// Honours again a set that another server issued for the run's
    /// attempt (one this server adopts), until `set.expires_at`.
    fn restore(&self, run: &JobRun, attempt: u32, set: &IssuedSet) -> Result<(), String>;
}

/// Why the credentials endpoint refuses.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    /// Unknown, ended, or not (yet) bound to an attempt: one answer for all,
    /// so a caller learns nothing about other tokens.
    #[error("The authorization token is not valid for any running job attempt.")]
    UnknownToken,
    /// The run's role or session policy cannot be used (deleted since).
    #[error("Credentials cannot be issued for this attempt: {0}")]
    Issue(String),
    #[error("no randomness for a token")]
    Random,
}

/// `job_credentials_lifetime_seconds`, checked against STS's bounds.
pub fn check_lifetime(secs: u64) -> Result<u64, String> {
    if (MIN_LIFETIME_SECS..=MAX_LIFETIME_SECS).contains(&secs) {
        Ok(secs)
    } else {
        Err(format!(
            "job_credentials_lifetime_seconds must be between {MIN_LIFETIME_SECS} and {MAX_LIFETIME_SECS}, got {secs}"
        ))
    }
}

/// When a set issued at `now` expires. Not capped by the attempt's timeout:
/// the attempt's end revokes it anyway, and a shorter set would make the
/// SDKs fetch on every request near the end.
pub(crate) fn expiry(now: i64, lifetime_secs: i64) -> i64 {
    let lifetime = lifetime_secs.clamp(MIN_LIFETIME_SECS as i64, MAX_LIFETIME_SECS as i64);
    now.saturating_add(lifetime)
}

/// Whether a set issued at `issued_at`, expiring at `expires_at`, is handed
/// out again at `now` rather than a new one issued.
pub(crate) fn reusable(issued_at: i64, expires_at: i64, now: i64) -> bool {
    let remaining = expires_at - now;
    remaining > 0 && (remaining > REUSE_MIN_REMAINING_SECS || now - issued_at < REISSUE_AFTER_SECS)
}

fn epoch_secs() -> i64 {
    crate::base::clock::now().as_millis().div_euclid(1000)
}

impl Controller {
    /// Sets what issues attempts' temporary credentials (from their
    /// execution role) and how long each set lives; call before the
    /// scheduler starts. Without one, Spark attempts sign with the
    /// server's root credentials.
    pub fn set_credential_issuer(&self, issuer: std::sync::Arc<dyn CredentialIssuer>, lifetime_secs: u64) {
        self.grants.set_issuer(issuer, i64::try_from(lifetime_secs).unwrap_or(MAX_LIFETIME_SECS as i64));
    }

    /// The answer of the credentials endpoint to `token`.
    pub fn container_credentials(&self, token: &str) -> Result<ContainerCredentials, CredentialsError> {
        self.grants.fetch(token, epoch_secs())
    }

    /// Whether attempts can get credentials from the endpoint: an issuer is
    /// set and the API listens. (Whether an engine uses them is its own
    /// question: Spark only for the embedded S3 endpoint over S3A.)
    pub(crate) fn issues_grants(&self) -> bool {
        self.config.api_endpoint.is_some() && self.grants.has_issuer()
    }

    /// Whether Spark attempts reach the embedded endpoint over S3A with
    /// credentials from the credentials endpoint (not with the bucket
    /// directories mounted, and not with static root keys).
    pub(crate) fn spark_fetches_credentials(&self) -> bool {
        matches!(self.config.s3_for_jobs, S3ForJobs::Embedded { .. })
            && !self.config.direct_bucket_mount
            && self.issues_grants()
    }

    /// A grant not bound to any attempt yet (a warm driver's, bound at
    /// hand-over); `None` when no issuer is set or no API listens.
    pub(crate) fn unbound_grant(&self) -> Result<Option<AttemptGrant>, CredentialsError> {
        let Some(api) = self.config.api_endpoint.as_deref().filter(|_| self.issues_grants()) else {
            return Ok(None);
        };
        self.grants.grant(&format!("{}{CREDENTIALS_PATH}", api.trim_end_matches('/'))).map(Some)
    }

    /// A grant of `run`'s `attempt`, for any engine, its first set issued
    /// (so a role that cannot be used fails the attempt now); `None` when no
    /// issuer is set or no API listens. Hold it until every process of the
    /// attempt has exited: dropping it revokes everything it fetched.
    pub(crate) fn attempt_grant(&self, run: &JobRun, attempt: u32) -> Result<Option<AttemptGrant>, CredentialsError> {
        let Some(grant) = self.unbound_grant()? else { return Ok(None) };
        grant.bind(run, attempt, epoch_secs())?;
        Ok(Some(grant))
    }

    /// The grant of `run`'s `attempt` that the last leader made, taken over
    /// from what the store kept of it (see [`super::grants::Grants::adopt`]);
    /// `None` when no issuer is set or no API listens.
    pub(crate) fn adopted_grant(
        &self,
        token_sha256: &str,
        run: &JobRun,
        attempt: u32,
        sets: &[IssuedSet],
    ) -> Result<Option<AttemptGrant>, CredentialsError> {
        let Some(api) = self.config.api_endpoint.as_deref().filter(|_| self.issues_grants()) else {
            return Ok(None);
        };
        let full_uri = format!("{}{CREDENTIALS_PATH}", api.trim_end_matches('/'));
        self.grants.adopt(token_sha256, &full_uri, run, attempt, sets, epoch_secs()).map(Some)
    }

    /// Without an issuer (unit tests, embedders) Spark attempts sign with the
    /// server's root keys, passed as secret properties; empty otherwise, and
    /// when the job does not reach the embedded endpoint over S3A.
    pub(crate) fn root_s3a_conf(&self) -> Vec<(String, String)> {
        let embedded = matches!(self.config.s3_for_jobs, S3ForJobs::Embedded { .. });
        if !embedded || self.config.direct_bucket_mount || self.spark_fetches_credentials() {
            return Vec::new();
        }
        self.storage
            .s3_settings()
            .map(|s| {
                hadoop_s3::s3a_credentials_conf(&hadoop_s3::S3Credentials {
                    access_key_id: s.access_key_id.clone(),
                    secret_access_key: s.secret_access_key.clone(),
                })
            })
            .unwrap_or_default()
    }

    /// Binds a warm driver's grant to the run it takes.
    pub(crate) fn bind_grant(&self, grant: &AttemptGrant, run: &JobRun, attempt: u32) -> Result<(), CredentialsError> {
        grant.bind(run, attempt, epoch_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_are_within_sts_bounds() {
        assert_eq!(check_lifetime(3600), Ok(3600));
        assert_eq!(check_lifetime(900), Ok(900));
        assert_eq!(check_lifetime(43_200), Ok(43_200));
        assert!(check_lifetime(899).is_err());
        assert!(check_lifetime(43_201).is_err());
        assert_eq!(expiry(1000, 3600), 4600);
        assert_eq!(expiry(1000, 10), 1000 + 900);
        assert_eq!(expiry(1000, 1_000_000), 1000 + 43_200);
    }

    #[test]
    fn a_set_is_reused_while_young_or_far_from_expiry() {
        // An hour's set: reused until 20 minutes are left.
        assert!(reusable(0, 3600, 100));
        assert!(reusable(0, 3600, 3600 - REUSE_MIN_REMAINING_SECS - 1));
        assert!(!reusable(0, 3600, 3600 - REUSE_MIN_REMAINING_SECS));
        // A short set (920 s) is within the SDKs' 15 minutes almost at once:
        // reused only while seconds old, so holders asking on every request
        // get at most one new set per REISSUE_AFTER_SECS.
        assert!(reusable(0, 920, REISSUE_AFTER_SECS - 1));
        assert!(!reusable(0, 920, REISSUE_AFTER_SECS));
        // Never past its expiry.
        assert!(!reusable(0, 5, 5));
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
}
