//! Host credentials: what `sparkplane hosts add` prints once and an agent
//! presents as a bearer token.
//!
//! The token is `<host name>.<64 hex digits of randomness>`: the name says
//! which host is calling (so the server looks up one hash, not all), the
//! random part is the secret. Only the secret's SHA-256 is stored; a token
//! of 256 random bits needs no slow hash, and a copy of the store alone
//! lets no one act as a host. It allows registering and heartbeating and
//! nothing a user can do: the API's SigV4 check never accepts it.

use sha2::{Digest, Sha256};

use crate::HostsError;

/// A new random token for `name`, and the hash to store.
pub fn issue(name: &str) -> Result<(String, String), HostsError> {
    let mut secret = [0u8; 32];
    getrandom::getrandom(&mut secret)
        .map_err(|err| HostsError::Internal(format!("no randomness for a host credential: {err}")))?;
    let secret = hex::encode(secret);
    let hash = digest(&secret);
    Ok((format!("{name}.{secret}"), hash))
}

/// The host name a token claims, and its secret.
pub fn split(token: &str) -> Option<(&str, &str)> {
    let (name, secret) = token.trim().rsplit_once('.')?;
    (secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit())).then_some((name, secret))
}

/// Whether `secret` is the one whose hash is `stored`. Both sides are
/// hashes of fixed length, so comparing them tells nothing of the secret.
pub fn matches(secret: &str, stored: &str) -> bool {
    digest(secret) == stored
}

fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_names_its_host_and_only_its_secret_matches() {
        let (token, hash) = issue("worker-1").unwrap();
        let (name, secret) = split(&token).unwrap();
        assert_eq!(name, "worker-1");
        assert!(matches(secret, &hash));
        assert!(!hash.contains(secret), "the stored hash does not hold the secret");
        let (_, other_hash) = issue("worker-1").unwrap();
        assert!(!matches(secret, &other_hash));
        assert!(split("worker-1.abc").is_none());
        assert!(split("no-dot").is_none());
    }
}
