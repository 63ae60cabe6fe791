//! Who a browser is: the console's sign-in cookie, its CSRF token and the
//! one-time sign-in tickets.
//!
//! Browsers cannot sign SigV4, so the console trades proof of an access key
//! (its secret, typed into the sign-in form, or a one-time ticket that a
//! signed `sparkplane console` call obtained) for a cookie naming that key.
//! The cookie is `v1.<access key id>.<expiry>.<hmac>`: stateless, so any
//! server of the data dir accepts it (the key derives from the root secret,
//! as the session endpoint's does), and bound to the key, so a deleted or
//! deactivated key ends every console session of it at the next request
//! (each console call is authorized as the key, like a signed call).
//! The CSRF token is an HMAC of the cookie: the page embeds it, scripts send
//! it, and a cross-site form (which can send the cookie, were it not
//! SameSite=Strict) cannot know it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How long a console sign-in lasts.
pub const SESSION_LIFETIME: Duration = Duration::from_secs(12 * 3600);
/// How long a `sparkplane console` URL may wait to be opened.
pub const TICKET_LIFETIME: Duration = Duration::from_secs(300);
/// Outstanding tickets kept at most (each is 64 bytes of text).
const MAX_TICKETS: usize = 10_000;

const COOKIE_DOMAIN: &str = "sparkplane-console-cookie-v1";
const CSRF_DOMAIN: &str = "sparkplane-console-csrf-v1";
const KEY_DOMAIN: &[u8] = b"sparkplane-console-key-v1";

/// The console's MAC key. Never printed.
pub struct ConsoleKey {
    secret: [u8; 32],
}

impl std::fmt::Debug for ConsoleKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ConsoleKey(..)")
    }
}

/// Why a cookie was refused (shown as "sign in again").
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CookieError {
    #[error("the console session is malformed")]
    Malformed,
    #[error("the console session is not valid")]
    BadSignature,
    #[error("the console session has expired")]
    Expired,
}

impl ConsoleKey {
    /// Derived from the root secret, so every server of a data dir shares it.
    pub fn derive(root_secret: &[u8]) -> ConsoleKey {
        let mut mac = hmac(root_secret);
        mac.update(KEY_DOMAIN);
        ConsoleKey { secret: mac.finalize().into_bytes().into() }
    }

    fn tag(&self, domain: &str, message: &str) -> Hmac<Sha256> {
        let mut mac = hmac(&self.secret);
        mac.update(domain.as_bytes());
        mac.update(b"\n");
        mac.update(message.as_bytes());
        mac
    }

    /// A cookie value for `access_key_id`, valid [`SESSION_LIFETIME`] from `now`.
    pub fn issue(&self, access_key_id: &str, now: u64) -> String {
        let body = format!("v1.{access_key_id}.{}", now + SESSION_LIFETIME.as_secs());
        let tag = self.tag(COOKIE_DOMAIN, &body).finalize().into_bytes();
        format!("{body}.{}", hex::encode(tag))
    }

    /// The access key a cookie names, if its MAC holds and it has not expired.
    pub fn verify(&self, cookie: &str, now: u64) -> Result<String, CookieError> {
        let (body, tag) = cookie.rsplit_once('.').ok_or(CookieError::Malformed)?;
        let mut parts = body.split('.');
        let (Some("v1"), Some(key), Some(expiry), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(CookieError::Malformed);
        };
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(CookieError::Malformed);
        }
        let expires_at: u64 = expiry.parse().map_err(|_| CookieError::Malformed)?;
        let tag = hex::decode(tag).map_err(|_| CookieError::Malformed)?;
        self.tag(COOKIE_DOMAIN, body).verify_slice(&tag).map_err(|_| CookieError::BadSignature)?;
        // A cookie living longer than this server issues is not one of ours.
        if now >= expires_at || expires_at > now + SESSION_LIFETIME.as_secs() + 300 {
            return Err(CookieError::Expired);
        }
        Ok(key.to_string())
    }

    /// The CSRF token that goes with a cookie.
    pub fn csrf(&self, cookie: &str) -> String {
        hex::encode(self.tag(CSRF_DOMAIN, cookie).finalize().into_bytes())
    }

    /// Whether `token` is the cookie's CSRF token (compared in constant time).
    pub fn csrf_matches(&self, cookie: &str, token: &str) -> bool {
        match hex::decode(token) {
            Ok(tag) => self.tag(CSRF_DOMAIN, cookie).verify_slice(&tag).is_ok(),
            Err(_) => false,
        }
    }
}

fn hmac(key: &[u8]) -> Hmac<Sha256> {
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    }
}

/// Constant-time comparison of two secrets of any length.
pub fn same_secret(a: &str, b: &str) -> bool {
    // Comparing MACs of both under a fixed key takes the same time whatever
    // the inputs and however they differ.
    let digest = |s: &str| {
        let mut mac = hmac(b"sparkplane-compare");
        mac.update(s.as_bytes());
        mac.finalize().into_bytes()
    };
    let (x, y) = (digest(a), digest(b));
    x.iter().zip(y.iter()).fold(0u8, |acc, (p, q)| acc | (p ^ q)) == 0
}

/// One-time sign-in tickets: random, single use, short-lived, in this
/// server's memory (a `sparkplane console` URL is opened at the server
/// that issued it).
#[derive(Default)]
pub struct Tickets {
    open: Mutex<HashMap<String, (String, u64)>>,
}

impl Tickets {
    /// A new ticket for `access_key_id`.
    pub fn issue(&self, access_key_id: &str, now: u64) -> Result<String, getrandom::Error> {
        let mut bytes = [0u8; 32];
        getrandom::getrandom(&mut bytes)?;
        let ticket = hex::encode(bytes);
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        open.retain(|_, (_, expires)| *expires > now);
        if open.len() >= MAX_TICKETS {
            // Bounded: the oldest-expiring go first.
            let mut by_expiry: Vec<(String, u64)> = open.iter().map(|(t, (_, e))| (t.clone(), *e)).collect();
            by_expiry.sort_by_key(|(_, e)| *e);
            for (t, _) in by_expiry.into_iter().take(open.len() + 1 - MAX_TICKETS) {
                open.remove(&t);
            }
        }
        open.insert(ticket.clone(), (access_key_id.to_string(), now + TICKET_LIFETIME.as_secs()));
        Ok(ticket)
    }

    /// The access key of a live ticket, which is used up.
    pub fn redeem(&self, ticket: &str, now: u64) -> Option<String> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let (key, expires) = open.remove(ticket)?;
        (expires > now).then_some(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_800_000_000;

    #[test]
    fn a_cookie_names_its_key_until_it_expires() {
        let key = ConsoleKey::derive(b"root-secret");
        let cookie = key.issue("AKIAEXAMPLE", NOW);
        assert_eq!(key.verify(&cookie, NOW).as_deref(), Ok("AKIAEXAMPLE"));
        assert_eq!(key.verify(&cookie, NOW + SESSION_LIFETIME.as_secs()), Err(CookieError::Expired));
        // Another data dir's root secret, a changed key id, a changed expiry.
        assert_eq!(ConsoleKey::derive(b"other").verify(&cookie, NOW), Err(CookieError::BadSignature));
        let renamed = cookie.replace("AKIAEXAMPLE", "AKIAEXAMPLF");
        assert_eq!(key.verify(&renamed, NOW), Err(CookieError::BadSignature));
        let (body, tag) = cookie.rsplit_once('.').unwrap();
        let longer = format!("{}9.{tag}", body);
        assert!(key.verify(&longer, NOW).is_err());
        for bad in ["", "v1", "v1.a.b.c", "v2.AKIA.1.00", "v1.AK/IA.1.00", "v1.AKIA.x.00"] {
            assert_eq!(key.verify(bad, NOW), Err(CookieError::Malformed), "{bad}");
        }
    }

    #[test]
    fn the_csrf_token_belongs_to_one_cookie() {
        let key = ConsoleKey::derive(b"root-secret");
        let (a, b) = (key.issue("AKIAA", NOW), key.issue("AKIAB", NOW));
        assert!(key.csrf_matches(&a, &key.csrf(&a)));
        assert!(!key.csrf_matches(&a, &key.csrf(&b)));
        assert!(!key.csrf_matches(&a, "not-hex"));
        assert!(!key.csrf_matches(&a, ""));
    }

    #[test]
    fn tickets_are_single_use_and_expire() {
        let tickets = Tickets::default();
        let t = tickets.issue("AKIAA", NOW).unwrap();
        assert_eq!(t.len(), 64);
        assert_eq!(tickets.redeem(&t, NOW + 1).as_deref(), Some("AKIAA"));
        assert_eq!(tickets.redeem(&t, NOW + 1), None, "used up");
        let late = tickets.issue("AKIAA", NOW).unwrap();
        assert_eq!(tickets.redeem(&late, NOW + TICKET_LIFETIME.as_secs()), None);
        assert_eq!(tickets.redeem("unknown", NOW), None);
    }

    #[test]
    fn secrets_compare_by_value() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }
}
