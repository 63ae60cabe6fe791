//! Attempt grants: which bearer token may fetch which attempt's credentials.
//!
//! A grant is a random token (256 bits, hex) that an engine process presents
//! to the credentials endpoint (`Authorization: <token>`, as the AWS SDKs
//! send `AWS_CONTAINER_AUTHORIZATION_TOKEN`). The registry keeps only the
//! token's SHA-256, so a lookup compares hashes, never the secret itself
//! byte by byte, and a dump of the registry holds no usable token.
//!
//! A grant is bound to one attempt of one run, or to none yet: a warm Spark
//! driver gets its token when its JVM starts (the environment is fixed then)
//! and the token is bound at hand-over; unbound, it fetches nothing. Every
//! set of credentials issued under a grant is remembered, so that dropping
//! the [`AttemptGrant`] (the attempt ended, whichever way) removes the token
//! and revokes every key it ever fetched, at once.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use sha2::{Digest, Sha256};
use sparkplane_api::JobRun;

use super::credentials::{
    expiry, reusable, AttemptCredentials, ContainerCredentials, CredentialIssuer, CredentialsError,
};

/// The file [`AttemptGrant::write_token_file`] writes in an attempt's dir.
pub const TOKEN_FILE: &str = "credentials-token";

type TokenHash = [u8; 32];

/// What issues credentials, and for how long each set lives.
#[derive(Clone)]
struct Issuing {
    issuer: Arc<dyn CredentialIssuer>,
    lifetime_secs: i64,
}

struct Entry {
    binding: Option<(Arc<JobRun>, u32)>,
    /// Every set issued under the current binding and not yet expired.
    issued: Vec<Issued>,
}

struct Issued {
    credentials: AttemptCredentials,
    issued_at: i64,
    session_token_sha256: String,
    /// Adopted from another server: its secrets are not known here.
    restored: bool,
}

impl Issued {
    fn new(credentials: AttemptCredentials, issued_at: i64) -> Issued {
        let session_token_sha256 = hex::encode(Sha256::digest(credentials.session_token.as_bytes()));
        Issued { credentials, issued_at, session_token_sha256, restored: false }
    }
}

/// What is kept of a set issued under a grant, to honour it again on the
/// server that adopts the attempt: nothing usable by itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuedSet {
    pub access_key_id: String,
    /// SHA-256 of the session token, in hex.
    pub session_token_sha256: String,
    /// Epoch seconds.
    pub expires_at: i64,
}

/// The registry of live grants.
#[derive(Default)]
pub(crate) struct Grants {
    issuing: RwLock<Option<Issuing>>,
    entries: Mutex<HashMap<TokenHash, Entry>>,
}

impl Grants {
    pub(crate) fn set_issuer(&self, issuer: Arc<dyn CredentialIssuer>, lifetime_secs: i64) {
        *self.issuing.write().unwrap_or_else(|e| e.into_inner()) = Some(Issuing { issuer, lifetime_secs });
    }

    pub(crate) fn has_issuer(&self) -> bool {
        self.issuing().is_some()
    }

    fn issuing(&self) -> Option<Issuing> {
        self.issuing.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn with<T>(&self, f: impl FnOnce(&mut HashMap<TokenHash, Entry>) -> T) -> T {
        f(&mut self.entries.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// A new unbound grant whose holder fetches from `full_uri`.
    pub(crate) fn grant(self: &Arc<Self>, full_uri: &str) -> Result<AttemptGrant, CredentialsError> {
        let mut bytes = [0u8; 32];
        getrandom::getrandom(&mut bytes).map_err(|_| CredentialsError::Random)?;
        let token = hex::encode(bytes);
        let key = hash(&token);
        self.with(|entries| entries.insert(key, Entry { binding: None, issued: Vec::new() }));
        Ok(AttemptGrant { grants: self.clone(), key, token, full_uri: full_uri.to_string(), token_file: None })
    }

    /// The credentials the holder of `token` gets at `now` (epoch seconds):
    /// a recent set again, else a new one from the bound run's role.
    pub(crate) fn fetch(&self, token: &str, now: i64) -> Result<ContainerCredentials, CredentialsError> {
        let issuing = self.issuing().ok_or(CredentialsError::UnknownToken)?;
        let key = hash(token);
        let (result, expired) = self.with(|entries| {
            let Some(entry) = entries.get_mut(&key) else { return (Err(CredentialsError::UnknownToken), Vec::new()) };
            let Some((run, attempt)) = entry.binding.clone() else {
                return (Err(CredentialsError::UnknownToken), Vec::new());
            };
            // Sets that expired are of no use to anyone: revoked now rather
            // than at the attempt's end, so a long run holds few sessions.
            let expired = take_expired(&mut entry.issued, now);
            if let Some(latest) = entry.issued.last().filter(|latest| !latest.restored) {
                if reusable(latest.issued_at, latest.credentials.expiration_epoch_secs, now) {
                    let credentials = latest.credentials.clone();
                    return (Ok(ContainerCredentials { credentials, role_arn: run.execution_role.clone() }), expired);
                }
            }
            // Issued under the lock: a grant dropped meanwhile cannot miss a key.
            let expires_at = expiry(now, issuing.lifetime_secs);
            match issuing.issuer.issue(&run, attempt, expires_at) {
                Ok(credentials) => {
                    entry.issued.push(Issued::new(credentials.clone(), now));
                    (Ok(ContainerCredentials { credentials, role_arn: run.execution_role.clone() }), expired)
                }
                Err(reason) => (Err(CredentialsError::Issue(reason)), expired),
            }
        });
        revoke(&issuing, expired);
        result
    }

    /// Takes over the grant of `run`'s `attempt` that another server made:
    /// `token_sha256` (hex) is its token's hash, and `sets` what was issued
    /// under it. Each set still valid is honoured again (the issuer
    /// restores it); one that cannot be is skipped, so its holder fetches
    /// anew. The grant's holder keeps its token; this server never sees it.
    pub(crate) fn adopt(
        self: &Arc<Self>,
        token_sha256: &str,
        full_uri: &str,
        run: &JobRun,
        attempt: u32,
        sets: &[IssuedSet],
        now: i64,
    ) -> Result<AttemptGrant, CredentialsError> {
        let issuing = self.issuing().ok_or(CredentialsError::UnknownToken)?;
        let mut key: TokenHash = [0; 32];
        hex::decode_to_slice(token_sha256, &mut key).map_err(|_| CredentialsError::UnknownToken)?;
        let mut issued = Vec::new();
        for set in sets.iter().filter(|set| set.expires_at > now) {
            match issuing.issuer.restore(run, attempt, set) {
                Ok(()) => issued.push(Issued {
                    credentials: AttemptCredentials {
                        access_key_id: set.access_key_id.clone(),
                        secret_access_key: String::new(),
                        session_token: String::new(),
                        expiration_epoch_secs: set.expires_at,
                    },
                    issued_at: 0,
                    session_token_sha256: set.session_token_sha256.clone(),
                    restored: true,
                }),
                Err(reason) => tracing::warn!(
                    job_run_id = %run.job_run_id, access_key_id = %set.access_key_id, %reason,
                    "an adopted attempt's credentials cannot be honoured; it fetches new ones"
                ),
            }
        }
        let binding = Some((Arc::new(run.clone()), attempt));
        let earlier = self.with(|entries| entries.insert(key, Entry { binding, issued }));
        if let Some(earlier) = earlier {
            self.revoke_all(earlier.issued);
        }
        Ok(AttemptGrant {
            grants: self.clone(),
            key,
            token: String::new(),
            full_uri: full_uri.to_string(),
            token_file: None,
        })
    }

    fn issued_sets(&self, key: &TokenHash) -> Vec<IssuedSet> {
        self.with(|entries| {
            let issued = entries.get(key).map(|entry| entry.issued.as_slice()).unwrap_or_default();
            issued
                .iter()
                .map(|i| IssuedSet {
                    access_key_id: i.credentials.access_key_id.clone(),
                    session_token_sha256: i.session_token_sha256.clone(),
                    expires_at: i.credentials.expiration_epoch_secs,
                })
                .collect()
        })
    }

    fn bind(&self, key: &TokenHash, run: &JobRun, attempt: u32) {
        let earlier = self.with(|entries| {
            let entry = entries.entry(*key).or_insert(Entry { binding: None, issued: Vec::new() });
            entry.binding = Some((Arc::new(run.clone()), attempt));
            std::mem::take(&mut entry.issued)
        });
        self.revoke_all(earlier);
    }

    fn unbind(&self, key: &TokenHash) {
        let issued = self.with(|entries| match entries.get_mut(key) {
            Some(entry) => {
                entry.binding = None;
                std::mem::take(&mut entry.issued)
            }
            None => Vec::new(),
        });
        self.revoke_all(issued);
    }

    fn remove(&self, key: &TokenHash) {
        let issued = self.with(|entries| entries.remove(key).map(|entry| entry.issued).unwrap_or_default());
        self.revoke_all(issued);
    }

    fn revoke_all(&self, issued: Vec<Issued>) {
        if let Some(issuing) = self.issuing() {
            revoke(&issuing, issued);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.with(|entries| entries.len())
    }
}

fn take_expired(issued: &mut Vec<Issued>, now: i64) -> Vec<Issued> {
    let (expired, live) = std::mem::take(issued).into_iter().partition(|i| i.credentials.expiration_epoch_secs <= now);
    *issued = live;
    expired
}

fn revoke(issuing: &Issuing, issued: Vec<Issued>) {
    for set in issued {
        issuing.issuer.revoke(&set.credentials.access_key_id);
    }
}

fn hash(token: &str) -> TokenHash {
    Sha256::digest(token.as_bytes()).into()
}

/// One engine process's right to its attempt's credentials, for as long as
/// this value lives. Dropping it removes the token and revokes every key
/// fetched with it (and removes the token file, if one was written).
pub struct AttemptGrant {
    grants: Arc<Grants>,
    key: TokenHash,
    token: String,
    full_uri: String,
    token_file: Option<PathBuf>,
}

impl AttemptGrant {
    /// Where the holder fetches credentials: `http://127.0.0.1:PORT/sparkplane/v1/credentials`
    /// (`AWS_CONTAINER_CREDENTIALS_FULL_URI`, object_store's
    /// `aws_container_credentials_full_uri`).
    pub fn full_uri(&self) -> &str {
        &self.full_uri
    }

    /// The bearer token (`AWS_CONTAINER_AUTHORIZATION_TOKEN`): a secret,
    /// never for a command line or a log. Empty for an adopted grant, whose
    /// holder has it.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The token's SHA-256 (hex): what the store keeps to adopt the grant.
    pub(crate) fn token_sha256(&self) -> String {
        hex::encode(self.key)
    }

    /// What was issued under the grant and is not yet revoked.
    pub(crate) fn issued_sets(&self) -> Vec<IssuedSet> {
        self.grants.issued_sets(&self.key)
    }

    /// Writes the token into `dir/`[`TOKEN_FILE`] (mode 0600, replacing an
    /// earlier one) for engines that read it from a file (object_store's
    /// `aws_container_authorization_token_file`); the file goes when the
    /// grant drops.
    pub fn write_token_file(&mut self, dir: &Path) -> std::io::Result<PathBuf> {
        use std::io::Write;
        use std::os::unix::fs::OpenOptionsExt;
        let path = dir.join(TOKEN_FILE);
        let _ = std::fs::remove_file(&path);
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(&path)?;
        file.write_all(self.token.as_bytes())?;
        self.token_file = Some(path.clone());
        Ok(path)
    }

    /// From now on the token fetches credentials of `run`'s `attempt`
    /// (keys fetched under an earlier binding are revoked). The first set is
    /// issued now, so a role that cannot be assumed fails the attempt before
    /// it starts rather than at its first `s3://` access; on error the
    /// grant is left unbound.
    pub(crate) fn bind(&self, run: &JobRun, attempt: u32, now: i64) -> Result<(), CredentialsError> {
        self.grants.bind(&self.key, run, attempt);
        match self.grants.fetch(&self.token, now) {
            Ok(_) => Ok(()),
            Err(err) => {
                self.unbind();
                Err(err)
            }
        }
    }

    /// The token fetches nothing any more, and what it fetched is revoked;
    /// it can be bound again (a warm driver that declined its run).
    pub(crate) fn unbind(&self) {
        self.grants.unbind(&self.key);
    }
}

impl std::fmt::Debug for AttemptGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttemptGrant").field("full_uri", &self.full_uri).field("token", &"<redacted>").finish()
    }
}

impl Drop for AttemptGrant {
    fn drop(&mut self) {
        self.grants.remove(&self.key);
        if let Some(path) = &self.token_file {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
#[path = "grants_tests.rs"]
mod tests;
