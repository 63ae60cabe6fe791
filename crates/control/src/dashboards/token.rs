//! Dashboard tokens: the capability in a GetDashboardForJobRun URL.
//!
//! The dashboard routes are opened by a browser, so they cannot be SigV4
//! signed. Instead the URL carries `<expiry>.<hmac>`: an HMAC-SHA256, under a
//! per-server secret, of the run's (application, job run, attempt) and the
//! expiry. Nothing is stored per URL; the MAC binds the token to exactly one
//! attempt, and the expiry inside it cannot be extended without the secret.
//! The same token later travels as the path-scoped cookie.

use std::io::{self, Read, Write};
use std::path::Path;
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How long a dashboard URL stays valid, as the service documents.
pub const URL_LIFETIME: Duration = Duration::from_secs(3600);

/// How far a token's expiry may lie beyond [`URL_LIFETIME`] from now when it
/// is checked: room for the clock stepping back a little between issue and
/// use, not for tokens that outlive what the service documents.
pub const CLOCK_SKEW: Duration = Duration::from_secs(300);

/// Domain separation: a MAC made here means nothing anywhere else.
const CONTEXT: &str = "sparkplane-dashboard-v1";

/// Domain separation of session dashboards (GetResourceDashboard): a job
/// run's token never opens a session's UI, whatever their ids.
const SESSION_CONTEXT: &str = "sparkplane-session-dashboard-v1";

/// Which attempt (or session) a token opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenScope<'a> {
    pub application_id: &'a str,
    /// The job run's id, or the session's for [`TokenScope::session`].
    pub job_run_id: &'a str,
    pub attempt: u32,
    pub kind: ScopeKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    JobRun,
    Session,
}

impl<'a> TokenScope<'a> {
    pub fn job_run(application_id: &'a str, job_run_id: &'a str, attempt: u32) -> TokenScope<'a> {
        TokenScope { application_id, job_run_id, attempt, kind: ScopeKind::JobRun }
    }

    /// A session has one engine, so one dashboard: attempt 1.
    pub fn session(application_id: &'a str, session_id: &'a str) -> TokenScope<'a> {
        TokenScope { application_id, job_run_id: session_id, attempt: 1, kind: ScopeKind::Session }
    }
}

/// Why a token was refused. The messages are shown to the browser, so they
/// say what to do, never anything about the secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the dashboard token is malformed")]
    Malformed,
    #[error("the dashboard token is not valid for this dashboard")]
    BadSignature,
    #[error("the dashboard URL has expired")]
    Expired,
    #[error("the dashboard token lives longer than a dashboard URL may; request a new URL")]
    ExpiryTooFar,
}

/// The per-server secret. Its bytes never leave this type (no Debug output).
pub struct DashboardKey {
    secret: [u8; 32],
}

impl std::fmt::Debug for DashboardKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DashboardKey(..)")
    }
}

impl DashboardKey {
    pub fn from_bytes(secret: [u8; 32]) -> DashboardKey {
        DashboardKey { secret }
    }

    /// Reads the key file, or creates it with 32 random bytes. The file is
    /// written under a temporary name with mode 0600 and hard-linked into
    /// place, so it is never readable by others, never seen half-written, and
    /// a concurrent creator's key is never overwritten.
    pub fn load_or_create(path: &Path) -> io::Result<DashboardKey> {
        match read_key(path) {
            Ok(key) => return Ok(key),
            Err(err) if err.kind() == io::ErrorKind::NotFound => {}
            Err(err) => return Err(err),
        }
        let mut secret = [0u8; 32];
        getrandom::getrandom(&mut secret).map_err(|err| io::Error::other(format!("randomness unavailable: {err}")))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut nonce = [0u8; 8];
        getrandom::getrandom(&mut nonce).map_err(|err| io::Error::other(format!("randomness unavailable: {err}")))?;
        let tmp = path.with_extension(format!("tmp-{}", hex::encode(nonce)));
        let written = write_private(&tmp, &secret).and_then(|()| std::fs::hard_link(&tmp, path));
        let _ = std::fs::remove_file(&tmp);
        match written {
            Ok(()) => Ok(DashboardKey { secret }),
            Err(err) if err.kind() == io::ErrorKind::AlreadyExists => read_key(path),
            Err(err) => Err(err),
        }
    }

    fn mac(&self, scope: &TokenScope<'_>, expires_at: u64) -> Hmac<Sha256> {
        // new_from_slice accepts keys of any length; the error is unreachable.
        let mut mac = match Hmac::<Sha256>::new_from_slice(&self.secret) {
            Ok(mac) => mac,
            Err(_) => unreachable!("HMAC takes keys of any length"),
        };
        // Newline-separated: ids are [0-9a-z] and the numbers are decimal, so
        // no two scopes share a message.
        let context = match scope.kind {
            ScopeKind::JobRun => CONTEXT,
            ScopeKind::Session => SESSION_CONTEXT,
        };
        let message =
            format!("{context}\n{}\n{}\n{}\n{expires_at}", scope.application_id, scope.job_run_id, scope.attempt);
        mac.update(message.as_bytes());
        mac
    }

    /// A token for `scope`, valid for [`URL_LIFETIME`] from `now` (Unix seconds).
    pub fn issue(&self, scope: &TokenScope<'_>, now: u64) -> String {
        let expires_at = now + URL_LIFETIME.as_secs();
        let tag = self.mac(scope, expires_at).finalize().into_bytes();
        format!("{expires_at}.{}", hex::encode(tag))
    }

    /// Checks `token` against `scope` at `now` (Unix seconds); returns its
    /// expiry. The MAC is compared in constant time. A token whose expiry is
    /// more than [`URL_LIFETIME`] + [`CLOCK_SKEW`] away is refused even with
    /// a valid MAC: this server never issues one (a clock set far ahead, or a
    /// leaked key, must not yield a URL that works for years).
    pub fn verify(&self, scope: &TokenScope<'_>, token: &str, now: u64) -> Result<u64, TokenError> {
        let (expiry, tag) = token.split_once('.').ok_or(TokenError::Malformed)?;
        if expiry.is_empty() || !expiry.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TokenError::Malformed);
        }
        let expires_at: u64 = expiry.parse().map_err(|_| TokenError::Malformed)?;
        let tag = hex::decode(tag).map_err(|_| TokenError::Malformed)?;
        self.mac(scope, expires_at).verify_slice(&tag).map_err(|_| TokenError::BadSignature)?;
        if now >= expires_at {
            return Err(TokenError::Expired);
        }
        let horizon = now.saturating_add(URL_LIFETIME.as_secs()).saturating_add(CLOCK_SKEW.as_secs());
        if expires_at > horizon {
            return Err(TokenError::ExpiryTooFar);
        }
        Ok(expires_at)
    }
}

fn read_key(path: &Path) -> io::Result<DashboardKey> {
    let mut text = String::new();
    std::fs::File::open(path)?.read_to_string(&mut text)?;
    let bytes = hex::decode(text.trim()).map_err(|_| io::Error::other("dashboard key file is not hex"))?;
    let secret: [u8; 32] = bytes.try_into().map_err(|_| io::Error::other("dashboard key file must hold 32 bytes"))?;
    Ok(DashboardKey { secret })
}

fn write_private(path: &Path, secret: &[u8; 32]) -> io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(hex::encode(secret).as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    #[test]
    fn a_job_run_token_does_not_open_a_session_of_the_same_id() {
        let key = DashboardKey::from_bytes([7; 32]);
        let token = key.issue(&TokenScope::job_run("app", "00abc", 1), NOW);
        assert_eq!(key.verify(&TokenScope::session("app", "00abc"), &token, NOW), Err(TokenError::BadSignature));
        let session = key.issue(&TokenScope::session("app", "00abc"), NOW);
        assert_eq!(key.verify(&TokenScope::session("app", "00abc"), &session, NOW), Ok(NOW + 3600));
        assert_eq!(key.verify(&TokenScope::job_run("app", "00abc", 1), &session, NOW), Err(TokenError::BadSignature));
    }

    fn scope(job_run_id: &str, attempt: u32) -> TokenScope<'_> {
        TokenScope::job_run("00fabc", job_run_id, attempt)
    }

    #[test]
    fn a_fresh_token_opens_its_own_attempt_for_one_hour() {
        let key = DashboardKey::from_bytes([7; 32]);
        let token = key.issue(&scope("00job1", 1), NOW);
        assert_eq!(key.verify(&scope("00job1", 1), &token, NOW), Ok(NOW + 3600));
        assert_eq!(key.verify(&scope("00job1", 1), &token, NOW + 3599), Ok(NOW + 3600));
    }

    #[test]
    fn an_expired_token_is_refused() {
        let key = DashboardKey::from_bytes([7; 32]);
        let token = key.issue(&scope("00job1", 1), NOW);
        assert_eq!(key.verify(&scope("00job1", 1), &token, NOW + 3600), Err(TokenError::Expired));
        assert_eq!(key.verify(&scope("00job1", 1), &token, NOW + 100_000), Err(TokenError::Expired));
    }

    #[test]
    fn a_token_expiring_beyond_one_hour_plus_skew_is_refused() {
        let key = DashboardKey::from_bytes([7; 32]);
        let s = scope("00job1", 1);
        // Issued with a clock running ahead: validly MACed, but too far out.
        let from_the_future = key.issue(&s, NOW + 86_400 * 365);
        assert_eq!(key.verify(&s, &from_the_future, NOW), Err(TokenError::ExpiryTooFar));
        // Up to the allowed skew ahead is fine, a second more is not.
        let skewed = key.issue(&s, NOW + CLOCK_SKEW.as_secs());
        assert_eq!(key.verify(&s, &skewed, NOW), Ok(NOW + 3600 + 300));
        let beyond = key.issue(&s, NOW + CLOCK_SKEW.as_secs() + 1);
        assert_eq!(key.verify(&s, &beyond, NOW), Err(TokenError::ExpiryTooFar));
        // An absurd expiry near u64::MAX cannot overflow the check.
        let tag = hex::encode(key.mac(&s, u64::MAX).finalize().into_bytes());
        assert_eq!(key.verify(&s, &format!("{}.{tag}", u64::MAX), NOW), Err(TokenError::ExpiryTooFar));
    }

    #[test]
    fn a_token_does_not_open_another_job_attempt_or_server() {
        let key = DashboardKey::from_bytes([7; 32]);
        let token = key.issue(&scope("00job1", 1), NOW);
        assert_eq!(key.verify(&scope("00job2", 1), &token, NOW), Err(TokenError::BadSignature));
        assert_eq!(key.verify(&scope("00job1", 2), &token, NOW), Err(TokenError::BadSignature));
        let other_app = TokenScope::job_run("00fabd", "00job1", 1);
        assert_eq!(key.verify(&other_app, &token, NOW), Err(TokenError::BadSignature));
        let other_server = DashboardKey::from_bytes([8; 32]);
        assert_eq!(other_server.verify(&scope("00job1", 1), &token, NOW), Err(TokenError::BadSignature));
    }

    #[test]
    fn tampered_tokens_are_refused() {
        let key = DashboardKey::from_bytes([7; 32]);
        let token = key.issue(&scope("00job1", 1), NOW);
        let (expiry, tag) = token.split_once('.').unwrap();
        // A later expiry with the old MAC: the expiry is covered by the MAC.
        let extended = format!("{}.{tag}", expiry.parse::<u64>().unwrap() + 86_400);
        assert_eq!(key.verify(&scope("00job1", 1), &extended, NOW), Err(TokenError::BadSignature));
        let mut flipped = tag.to_string().into_bytes();
        flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
        let flipped = format!("{expiry}.{}", String::from_utf8(flipped).unwrap());
        assert_eq!(key.verify(&scope("00job1", 1), &flipped, NOW), Err(TokenError::BadSignature));
        let truncated = &token[..token.len() - 2];
        assert_eq!(key.verify(&scope("00job1", 1), truncated, NOW), Err(TokenError::BadSignature));
        for bad in ["", "abc", ".", "12.", "x1.00", "+1.00", "1.zz", tag] {
            assert!(key.verify(&scope("00job1", 1), bad, NOW).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn the_key_file_is_created_once_private_and_reused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dashboard.key");
        let first = DashboardKey::load_or_create(&path).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        let second = DashboardKey::load_or_create(&path).unwrap();
        let token = first.issue(&scope("00job1", 1), NOW);
        assert!(second.verify(&scope("00job1", 1), &token, NOW).is_ok());
        assert_eq!(format!("{first:?}"), "DashboardKey(..)");
        // Only the key file is left behind, no temporary names.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
