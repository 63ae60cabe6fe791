//! Session tokens for the Spark Connect endpoint.
//!
//! A PySpark client sends its token on every gRPC call, so checking it must
//! not cost a store read: the token carries its own claim (application,
//! session, expiry) and an HMAC over that claim, keyed by a key derived from
//! the server's secret. Only the server can mint one, and a token names
//! exactly one session, so a token of session A can never open session B.
//!
//! The token travels inside a `sc://host:port/;token=...` URL, whose
//! parameters are split on `;` and `=` and whose path on `/`, so the format
//! uses only `[0-9a-z.]` (`v1.<app>.<session>.<exp>.<hex mac>`).

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Fixed label so that the token key differs from any other key derived from
/// the same server secret (and a future format gets a new label).
const KEY_LABEL: &[u8] = b"sparkplane session token v1";
const VERSION: &str = "v1";

/// Key that signs and verifies session tokens.
#[derive(Clone)]
pub struct TokenKey([u8; 32]);

impl TokenKey {
    /// Derive the token key from the server's secret.
    pub fn derive(secret: &[u8]) -> TokenKey {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <HmacSha256 as Mac>::new_from_slice(secret)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(KEY_LABEL);
        TokenKey(mac.finalize().into_bytes().into())
    }

    fn mac(&self) -> HmacSha256 {
        <HmacSha256 as Mac>::new_from_slice(&self.0).unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"))
    }
}

impl std::fmt::Debug for TokenKey {
    // Never print key material, not even in a panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKey(..)")
    }
}

/// What a token grants: calls to one session until `expires_at_ms`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub application_id: String,
    pub session_id: String,
    /// Unix epoch milliseconds.
    pub expires_at_ms: i64,
}

/// Why a token was refused. The messages go back to the client, so they say
/// nothing about the token's contents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("malformed session token")]
    Malformed,
    #[error("invalid session token")]
    BadSignature,
    #[error("session token expired")]
    Expired,
    /// Minting refused: an id outside `[0-9a-z]+` would break the format.
    #[error("identifier {0:?} is not [0-9a-z]+")]
    BadId(String),
}

fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

/// The signed part of a token: everything before the MAC, dots included, so
/// no two claims share a signed string.
fn payload(claim: &Claim) -> String {
    format!("{VERSION}.{}.{}.{}", claim.application_id, claim.session_id, claim.expires_at_ms)
}

/// Mint a token for `claim`. Fails only if an id is not `[0-9a-z]+`.
pub fn mint(key: &TokenKey, claim: &Claim) -> Result<String, TokenError> {
    for id in [&claim.application_id, &claim.session_id] {
        if !valid_id(id) {
            return Err(TokenError::BadId(id.clone()));
        }
    }
    let payload = payload(claim);
    let mut mac = key.mac();
    mac.update(payload.as_bytes());
    let sig = hex::encode(mac.finalize().into_bytes());
    Ok(format!("{payload}.{sig}"))
}

/// Check a token's signature and expiry and return its claim.
pub fn verify(key: &TokenKey, token: &str, now_ms: i64) -> Result<Claim, TokenError> {
    // The signature is the last dot-separated field; split from the right so
    // the payload is exactly the bytes that were signed.
    let (payload, sig_hex) = token.rsplit_once('.').ok_or(TokenError::Malformed)?;
    let mut parts = payload.split('.');
    let (Some(version), Some(app), Some(session), Some(exp), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenError::Malformed);
    };
    if version != VERSION || !valid_id(app) || !valid_id(session) {
        return Err(TokenError::Malformed);
    }
    // Only canonical decimal: a "+5" or "05" would be a second spelling of
    // the same claim, harmless but needless.
    let expires_at_ms: i64 = exp.parse().map_err(|_| TokenError::Malformed)?;
    if expires_at_ms.to_string() != exp {
        return Err(TokenError::Malformed);
    }
    let sig = hex::decode(sig_hex).map_err(|_| TokenError::Malformed)?;

    let mut mac = key.mac();
    mac.update(payload.as_bytes());
    // verify_slice compares in constant time.
    mac.verify_slice(&sig).map_err(|_| TokenError::BadSignature)?;

    // Expiry only after the signature: an unsigned claim says nothing.
    if now_ms >= expires_at_ms {
        return Err(TokenError::Expired);
    }
    Ok(Claim { application_id: app.to_owned(), session_id: session.to_owned(), expires_at_ms })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(session: &str) -> Claim {
        Claim { application_id: "00f1abc".into(), session_id: session.into(), expires_at_ms: 2_000 }
    }

    #[test]
    fn roundtrip_and_url_safe() {
        let key = TokenKey::derive(b"secret");
        let c = claim("s1");
        let t = mint(&key, &c).unwrap();
        assert!(t.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase() || b == b'.'));
        assert_eq!(verify(&key, &t, 1_999).unwrap(), c);
    }

    #[test]
    fn tampered_session_is_refused() {
        let key = TokenKey::derive(b"secret");
        let t = mint(&key, &claim("s1")).unwrap();
        let forged = t.replacen(".s1.", ".s2.", 1);
        assert_ne!(forged, t);
        assert_eq!(verify(&key, &forged, 0), Err(TokenError::BadSignature));
    }

    #[test]
    fn wrong_key_is_refused() {
        let t = mint(&TokenKey::derive(b"a"), &claim("s1")).unwrap();
        assert_eq!(verify(&TokenKey::derive(b"b"), &t, 0), Err(TokenError::BadSignature));
    }

    #[test]
    fn expired_is_refused() {
        let key = TokenKey::derive(b"secret");
        let t = mint(&key, &claim("s1")).unwrap();
        assert_eq!(verify(&key, &t, 2_000), Err(TokenError::Expired));
    }

    #[test]
    fn garbage_is_malformed() {
        let key = TokenKey::derive(b"secret");
        for t in [
            "",
            ".",
            "v1",
            "v1.a.b.5",
            "v1.a.b.5.zz",
            "v2.a.b.5.00",
            "v1.A.b.5.00",
            "v1.a.b.05.00",
            "v1.a.b.c.5.00",
            "v1..b.5.00",
        ] {
            assert_eq!(verify(&key, t, 0), Err(TokenError::Malformed), "{t:?}");
        }
    }

    #[test]
    fn token_of_one_session_never_names_another() {
        let key = TokenKey::derive(b"secret");
        let a = mint(&key, &claim("sessa")).unwrap();
        let got = verify(&key, &a, 0).unwrap();
        assert_eq!(got.session_id, "sessa");
        let b = mint(&key, &claim("sessb")).unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn mint_refuses_ids_that_break_the_format() {
        let key = TokenKey::derive(b"secret");
        for bad in ["", "a.b", "a;b", "A", "a/b", "a=b"] {
            assert!(matches!(mint(&key, &claim(bad)), Err(TokenError::BadId(_))));
        }
    }
}
