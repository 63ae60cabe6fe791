//! Temporary credentials of job attempts: an execution role's permissions,
//! narrowed by the run's session policy, valid until the attempt ends.
//!
//! Like STS's AssumeRole, a session has an `ASIA...` key, a secret and a
//! session token that must accompany every request. The session's
//! permissions are the role's policies intersected with the session
//! policies (a run's `executionIamPolicy`), evaluated at each request, so a
//! change to the role applies at once. Sessions live in memory: a server
//! honours only credentials of attempts it supervises. The one exception is
//! an attempt that a server adopts from the last leader (a driver on an
//! agent's host outlives its server): the control plane keeps each issued
//! key's id, the SHA-256 of its session token and its expiry, and
//! [`Iam::restore_session`] honours that key again. The secret is derived
//! from the key id (see [`crate::secrets`]), so nothing usable is stored.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use sha2::{Digest, Sha256};
use sparkplane_policy::{PolicyDocument, TokenError};

use crate::{Iam, IamError};

/// One issued session.
#[derive(Debug)]
pub(crate) struct Session {
    pub(crate) role_name: String,
    pub(crate) session_name: String,
    /// The session token's SHA-256: what a restored session knows of it.
    token_sha256: [u8; 32],
    pub(crate) expires_at: i64,
    /// The session policies, parsed; None: the role's permissions unnarrowed.
    pub(crate) session_policies: Option<SessionPolicies>,
}

/// What the holder of a session needs to sign requests.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: String,
    pub expiration_epoch_secs: i64,
}

impl fmt::Debug for SessionCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("session_token", &"<redacted>")
            .field("expiration_epoch_secs", &self.expiration_epoch_secs)
            .finish()
    }
}

/// The session policy of a run: `executionIamPolicy.policy` and `.policyArns`.
#[derive(Debug, Clone, Default)]
pub struct SessionPolicy {
    pub inline: Option<String>,
    pub policy_arns: Vec<String>,
}

/// A session's policies, parsed.
pub(crate) type SessionPolicies = Vec<Arc<PolicyDocument>>;

pub(crate) type Sessions = std::sync::RwLock<HashMap<String, Arc<Session>>>;

fn random_token() -> Result<String, IamError> {
    let mut bytes = [0u8; 48];
    getrandom::getrandom(&mut bytes).map_err(|_| IamError::Random)?;
    Ok(hex::encode(bytes))
}

/// The SHA-256 of a session token, in hex: what a caller keeps of an issued
/// session to restore it later.
pub fn session_token_sha256(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Iam {
    /// Issues credentials of `role_arn` (which must exist in this account)
    /// narrowed by `policy`, valid until `expires_at` (epoch seconds) or
    /// [`Iam::revoke_session`], whichever comes first.
    pub fn issue_session(
        &self,
        role_arn: &str,
        session_name: &str,
        policy: &SessionPolicy,
        expires_at: i64,
    ) -> Result<SessionCredentials, IamError> {
        let (role_name, session_policies) = self.session_permissions(role_arn, policy)?;
        let access_key_id = crate::ops::new_id("ASIA")?;
        let token = random_token()?;
        let session = Session {
            role_name: role_name.clone(),
            session_name: session_name.to_string(),
            token_sha256: Sha256::digest(token.as_bytes()).into(),
            expires_at,
            session_policies,
        };
        let credentials = SessionCredentials {
            secret_access_key: self.secrets.secret_for(&access_key_id),
            session_token: token,
            expiration_epoch_secs: expires_at,
            access_key_id: access_key_id.clone(),
        };
        tracing::info!(role = %role_name, session = session_name, access_key_id = %access_key_id, "session issued");
        self.sessions_mut(|sessions| {
            sessions.insert(access_key_id, Arc::new(session));
        });
        Ok(credentials)
    }

    /// Honours again a session that another server issued with
    /// [`Iam::issue_session`] (same server key): `access_key_id` with the
    /// session token whose SHA-256 (hex) is `token_sha256`, until
    /// `expires_at`. The role's and the policy's documents are read now, as
    /// for a new session.
    pub fn restore_session(
        &self,
        role_arn: &str,
        session_name: &str,
        policy: &SessionPolicy,
        access_key_id: &str,
        token_sha256: &str,
        expires_at: i64,
    ) -> Result<(), IamError> {
        if !is_temporary(access_key_id) {
            return Err(IamError::InvalidInput(format!("{access_key_id} is not a session's key")));
        }
        let mut digest = [0u8; 32];
        hex::decode_to_slice(token_sha256, &mut digest)
            .map_err(|_| IamError::InvalidInput("a session token's SHA-256 is 64 hex digits".into()))?;
        let (role_name, session_policies) = self.session_permissions(role_arn, policy)?;
        let session = Session {
            role_name,
            session_name: session_name.to_string(),
            token_sha256: digest,
            expires_at,
            session_policies,
        };
        tracing::info!(session = session_name, access_key_id, "session restored");
        self.sessions_mut(|sessions| {
            sessions.insert(access_key_id.to_string(), Arc::new(session));
        });
        Ok(())
    }

    /// The role's name, and the session policies parsed (None: the role's
    /// permissions unnarrowed).
    fn session_permissions(
        &self,
        role_arn: &str,
        policy: &SessionPolicy,
    ) -> Result<(String, Option<SessionPolicies>), IamError> {
        let directory = self.directory();
        let role = directory
            .role_by_arn(&self.account, role_arn)
            .ok_or_else(|| IamError::NoSuchEntity(format!("Role {role_arn} cannot be found.")))?;
        let mut documents = Vec::new();
        if let Some(inline) = &policy.inline {
            let parsed = PolicyDocument::parse_identity(inline)
                .map_err(|err| IamError::MalformedPolicyDocument(format!("executionIamPolicy.policy: {err}")))?;
            documents.push(Arc::new(parsed));
        }
        for arn in &policy.policy_arns {
            let managed = directory
                .policy_by_arn(arn)
                .ok_or_else(|| IamError::NoSuchEntity(format!("Policy {arn} does not exist or is not attachable.")))?;
            let parsed = PolicyDocument::parse_identity(&managed.document)
                .map_err(|err| IamError::MalformedPolicyDocument(format!("{arn}: {err}")))?;
            documents.push(Arc::new(parsed));
        }
        let has_session_policy = policy.inline.is_some() || !policy.policy_arns.is_empty();
        Ok((role.name.clone(), has_session_policy.then_some(documents)))
    }

    /// Checks a run's session policy when the run is submitted, so that a
    /// bad `executionIamPolicy` is refused then and not when it starts.
    pub fn check_session_policy(&self, policy: &SessionPolicy) -> Result<(), IamError> {
        if let Some(inline) = &policy.inline {
            PolicyDocument::parse_identity(inline)
                .map_err(|err| IamError::MalformedPolicyDocument(format!("executionIamPolicy.policy: {err}")))?;
        }
        let directory = self.directory();
        for arn in &policy.policy_arns {
            if directory.policy_by_arn(arn).is_none() {
                return Err(IamError::NoSuchEntity(format!("Policy {arn} does not exist or is not attachable.")));
            }
        }
        Ok(())
    }

    /// Ends a session at once; its key stops working.
    pub fn revoke_session(&self, access_key_id: &str) {
        if self.sessions_mut(|sessions| sessions.remove(access_key_id)).is_some() {
            tracing::info!(access_key_id, "session revoked");
        }
    }

    pub(crate) fn session(&self, access_key_id: &str) -> Option<Arc<Session>> {
        let sessions = match self.sessions.read() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        sessions.get(access_key_id).cloned()
    }

    fn sessions_mut<T>(&self, change: impl FnOnce(&mut HashMap<String, Arc<Session>>) -> T) -> T {
        let mut sessions = match self.sessions.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        change(&mut sessions)
    }

    /// The token check of a request signed with `access_key_id`.
    pub fn check_token(&self, access_key_id: &str, token: Option<&str>) -> Result<(), TokenError> {
        if !is_temporary(access_key_id) {
            return Ok(());
        }
        let Some(session) = self.session(access_key_id) else {
            return Err(TokenError::Expired);
        };
        let presented: [u8; 32] = Sha256::digest(token.unwrap_or_default().as_bytes()).into();
        if !constant_time_eq(&presented, &session.token_sha256) {
            return Err(TokenError::Invalid);
        }
        if chrono::Utc::now().timestamp() >= session.expires_at {
            return Err(TokenError::Expired);
        }
        Ok(())
    }
}

/// Temporary keys start with `ASIA`, as STS's do.
pub(crate) fn is_temporary(access_key_id: &str) -> bool {
    access_key_id.starts_with("ASIA")
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
