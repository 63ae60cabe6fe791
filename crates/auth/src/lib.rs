//! AWS Signature Version 4 for sparkplane.
//!
//! sparkplane speaks the EMR Serverless (and later S3) wire protocol so that
//! unmodified AWS SDKs and the AWS CLI can talk to it. Those clients
//! authenticate every request with SigV4, so the server must verify SigV4
//! byte-for-byte the way AWS does (and the way botocore signs), and
//! sparkplane's own CLI must produce the same signatures. This crate holds
//! both sides plus the root-credentials file handling, with no HTTP
//! framework dependency: callers hand in a [`RequestParts`] view.

mod authorization;
mod canonical;
pub mod credentials;
mod error;
pub mod forwarded;
mod sign;
mod time;
mod verify;

pub use credentials::{Credentials, CredentialsError, StaticKeys};
pub use error::AuthError;
pub use sign::{presign, sign};
pub use verify::Verifier;

/// One HTTP request as seen by the server, before body interpretation.
#[derive(Debug, Clone)]
pub struct RequestParts<'a> {
    pub method: &'a str,
    /// Path exactly as received on the wire (still percent-encoded), e.g. "/tags/arn%3Aaws%3Aemr-serverless%3A..."
    pub raw_path: &'a str,
    /// Raw query string without '?', possibly empty, still percent-encoded.
    pub raw_query: &'a str,
    /// Header (name, value) pairs, names in any case; repeated names possible.
    pub headers: Vec<(&'a str, &'a str)>,
}

impl<'a> RequestParts<'a> {
    /// All values of a header, in order, matching the name case-insensitively
    /// (HTTP header names are case-insensitive; clients differ in casing).
    pub(crate) fn header_values<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a str> + 's {
        self.headers.iter().filter(move |(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| *v)
    }

    pub(crate) fn header(&self, name: &str) -> Option<&'a str> {
        self.header_values(name).next()
    }
}

/// How the canonical URI is derived from the request path. AWS services
/// disagree here, and botocore encodes the difference in its signer classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UriEncoding {
    /// EMR and every non-S3 service: botocore normalizes the already-encoded
    /// path (dot segments, duplicate slashes) and uri-encodes it again
    /// ("double" encoding), so `%3A` on the wire becomes `%253A`.
    Double,
    /// S3: the path is used exactly as sent (encoded once), not normalized.
    Single,
}

/// Source of secret keys for verification (the root credentials file today,
/// possibly a database of keys later).
pub trait KeyLookup {
    fn secret_for(&self, access_key_id: &str) -> Option<String>;
}

/// The identity a successfully verified request was signed by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub access_key_id: String,
}

/// Lowercase hex SHA-256, the form SigV4 uses for payload hashes.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(data))
}

/// `x-amz-content-sha256` value meaning "the body is not covered by the signature".
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
