//! A client's address, vouched for between servers.
//!
//! A standby server forwards each request it receives to the leader. The
//! leader then sees the standby as the TCP peer, but policies decide on the
//! client's address (`aws:SourceIp`). So the standby names the client in
//! [`FORWARDED_FOR`] and seals that with an HMAC in [`FORWARDED_MAC`], keyed
//! by the account root's secret that every server of one deployment holds
//! (it is in each data dir's `credentials`). The MAC covers the request's
//! method, path and query, and `Authorization` header, which carry its
//! signature: a caller cannot choose its own address, and a sealed address
//! cannot be moved onto another request. A header without a valid MAC is
//! ignored, never an error, so nothing changes for a direct caller.

use std::net::IpAddr;

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The client's address, as the forwarding server saw it.
pub const FORWARDED_FOR: &str = "x-sparkplane-forwarded-for";
/// Hex HMAC-SHA256 over the address and the request (see the module doc).
pub const FORWARDED_MAC: &str = "x-sparkplane-forwarded-mac";

/// Seals and opens forwarded addresses with one deployment's key.
#[derive(Clone)]
pub struct ForwardSeal {
    key: Vec<u8>,
}

impl std::fmt::Debug for ForwardSeal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ForwardSeal(..)")
    }
}

impl ForwardSeal {
    /// The key is derived from the root secret, so the secret itself never
    /// signs anything but SigV4.
    pub fn new(root_secret: &str) -> Self {
        let mut mac = Hmac::<Sha256>::new_from_slice(root_secret.as_bytes()).expect("HMAC takes any key length");
        mac.update(b"sparkplane forwarded-for v1");
        ForwardSeal { key: mac.finalize().into_bytes().to_vec() }
    }

    fn mac(&self, client: &str, method: &str, path_and_query: &str, authorization: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        for part in [client, method, path_and_query, authorization] {
            mac.update(part.as_bytes());
            mac.update(b"\n");
        }
        mac
    }

    /// The [`FORWARDED_MAC`] value for `client` on this request.
    pub fn seal(&self, client: IpAddr, method: &str, path_and_query: &str, authorization: &str) -> String {
        hex::encode(self.mac(&client.to_string(), method, path_and_query, authorization).finalize().into_bytes())
    }

    /// The forwarded client of a request, if its seal holds: `client` and
    /// `sealed` are its [`FORWARDED_FOR`] and [`FORWARDED_MAC`] headers.
    pub fn open(
        &self,
        client: &str,
        sealed: &str,
        method: &str,
        path_and_query: &str,
        authorization: &str,
    ) -> Option<IpAddr> {
        let sealed = hex::decode(sealed).ok()?;
        // verify_slice compares in constant time.
        self.mac(client, method, path_and_query, authorization).verify_slice(&sealed).ok()?;
        client.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_address_opens_only_on_its_own_request_and_key() {
        let seal = ForwardSeal::new("root-secret");
        let client: IpAddr = "10.1.2.3".parse().unwrap();
        let auth = "AWS4-HMAC-SHA256 Credential=AKID/..., Signature=abc";
        let path = "/applications?maxResults=5";
        let mac = seal.seal(client, "GET", path, auth);
        assert_eq!(seal.open("10.1.2.3", &mac, "GET", path, auth), Some(client));
        // Another address, request, signature or key: not vouched for.
        assert_eq!(seal.open("10.9.9.9", &mac, "GET", path, auth), None);
        assert_eq!(seal.open("10.1.2.3", &mac, "DELETE", path, auth), None);
        assert_eq!(seal.open("10.1.2.3", &mac, "GET", "/applications", auth), None);
        assert_eq!(seal.open("10.1.2.3", &mac, "GET", path, "AWS4-HMAC-SHA256 other"), None);
        assert_eq!(ForwardSeal::new("other-secret").open("10.1.2.3", &mac, "GET", path, auth), None);
        assert_eq!(seal.open("10.1.2.3", "zz", "GET", path, auth), None);
        assert!(!format!("{seal:?}").contains("root"));
    }
}
