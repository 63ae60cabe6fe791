//! Who may call the endpoint, and how the bucket is found in a request.
//!
//! s3s verifies signatures itself but needs the secret for an access key and
//! a policy for unsigned requests. sparkplane has one source of keys (the
//! server's [`KeyLookup`]) and one policy: every request must be signed by a
//! known key, because buckets hold job inputs and outputs that are private to
//! the installation.

use std::sync::Arc;

use s3s::access::{S3Access, S3AccessContext};
use s3s::auth::{S3Auth, SecretKey};
use s3s::host::{S3Host, VirtualHost};
use s3s::{S3Error, S3ErrorCode, S3Result};
use sparkplane_auth::KeyLookup;

use crate::error::SetupError;

/// Resolves access keys through the server's key store.
pub(crate) struct LookupAuth {
    keys: Arc<dyn KeyLookup + Send + Sync>,
}

impl LookupAuth {
    pub(crate) fn new(keys: Arc<dyn KeyLookup + Send + Sync>) -> Self {
        LookupAuth { keys }
    }
}

#[async_trait::async_trait]
impl S3Auth for LookupAuth {
    async fn get_secret_key(&self, access_key: &str) -> S3Result<SecretKey> {
        match self.keys.secret_for(access_key) {
            Some(secret) => Ok(SecretKey::from(secret)),
            None => Err(S3Error::with_message(
                S3ErrorCode::InvalidAccessKeyId,
                "The AWS Access Key Id you provided does not exist in our records.",
            )),
        }
    }
}

/// Refuses anonymous requests. s3s calls this for every request once an auth
/// provider is set, with `credentials()` empty when the request was unsigned;
/// its built-in default does the same, but the policy is stated here rather
/// than inherited from a library default that could change.
pub(crate) struct RequireSignature;

#[async_trait::async_trait]
impl S3Access for RequireSignature {
    async fn check(&self, cx: &mut S3AccessContext<'_>) -> S3Result<()> {
        if cx.credentials().is_some() {
            Ok(())
        } else {
            Err(S3Error::with_message(S3ErrorCode::AccessDenied, "Anonymous access is not allowed; sign the request."))
        }
    }
}

/// Virtual-hosted-style addressing for `<bucket>.<domain>`, path style for
/// every other host. s3s's own `SingleDomain` treats unknown host names as
/// bucket CNAMEs, which would break path-style requests sent to, say,
/// `localhost:9000` or a container name.
pub(crate) struct PathOrVirtualHost {
    domain: String,
}

impl PathOrVirtualHost {
    pub(crate) fn new(domain: &str) -> Result<Self, SetupError> {
        let domain = domain.trim_end_matches('.').to_ascii_lowercase();
        let bad = |reason: &str| SetupError::VirtualHostDomain { domain: domain.clone(), reason: reason.to_owned() };
        if domain.is_empty() {
            return Err(bad("empty"));
        }
        if domain.contains(':') {
            return Err(bad("give the host name without a port"));
        }
        if !domain.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-') {
            return Err(bad("not a DNS name"));
        }
        Ok(PathOrVirtualHost { domain })
    }

    /// The bucket named by `host`, if it is `<bucket>.<domain>[:port]`.
    fn bucket_of<'a>(&self, host: &'a str) -> Option<&'a str> {
        let name = match host.rsplit_once(':') {
            Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        };
        let bucket = name.strip_suffix(self.domain.as_str())?.strip_suffix('.')?;
        (!bucket.is_empty()).then_some(bucket)
    }
}

impl S3Host for PathOrVirtualHost {
    fn parse_host_header<'a>(&'a self, host: &'a str) -> S3Result<VirtualHost<'a>> {
        match self.bucket_of(host) {
            Some(bucket) => Ok(VirtualHost::new(self.domain.as_str()).with_bucket(bucket)),
            None => Ok(VirtualHost::new(host)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_host_parsing() {
        let h = PathOrVirtualHost::new("s3.local").unwrap();
        assert_eq!(h.bucket_of("data.s3.local:9000"), Some("data"));
        assert_eq!(h.bucket_of("data.s3.local"), Some("data"));
        assert_eq!(h.bucket_of("s3.local:9000"), None);
        assert_eq!(h.bucket_of("localhost:9000"), None);
        assert_eq!(h.bucket_of("evils3.local"), None);
        assert!(h.parse_host_header("localhost:9000").unwrap().bucket().is_none());
        assert_eq!(h.parse_host_header("my.bucket.s3.local").unwrap().bucket(), Some("my.bucket"));
        assert!(PathOrVirtualHost::new("s3.local:9000").is_err());
    }
}
