//! Who may call the endpoint, and how the bucket is found in a request.
//!
//! s3s verifies signatures itself but needs the secret for an access key and
//! a policy for unsigned requests. sparkplane has one source of keys (the
//! server's [`KeyLookup`]) and one policy: every request must be signed by a
//! known key, because buckets hold job inputs and outputs that are private to
//! the installation.
//!
//! On top of what s3s checks, [`check_signature_version_and_scope`] refuses
//! SigV2 (its signature covers neither the body nor, in s3s, a bounded date,
//! so a captured request could be replayed with another body) unless the
//! operator allows it, and SigV4 credentials scoped to another region or
//! service than this endpoint's.

use std::sync::Arc;

use hyper::{HeaderMap, Uri};
use percent_encoding::percent_decode_str;
use s3s::access::{S3Access, S3AccessContext};
use s3s::auth::{S3Auth, SecretKey};
use s3s::host::{S3Host, VirtualHost};
use s3s::{S3Error, S3ErrorCode, S3Result};
use sparkplane_auth::KeyLookup;
use sparkplane_policy::{Authorizer, TokenError};

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

/// Which signatures the endpoint takes, beyond "valid for a known key".
#[derive(Debug, Clone)]
pub(crate) struct SignaturePolicy {
    /// The only region SigV4 credentials may be scoped to.
    pub(crate) region: String,
    /// Whether SigV2 (header or query) is accepted at all.
    pub(crate) allow_sigv2: bool,
}

/// A way a request says it is signed, read from its `Authorization` header
/// or query string. Only what the policy needs; s3s parses and verifies the
/// rest.
#[derive(Debug, PartialEq, Eq)]
enum Scheme {
    SigV2,
    /// SigV4 with the credential scope's region and service; `presigned`
    /// when it came from `X-Amz-Credential`.
    SigV4 {
        region: String,
        service: String,
        presigned: bool,
    },
    /// A shape s3s will refuse on its own.
    Other,
}

/// Every signature scheme a request carries. s3s picks one in a fixed order
/// (SigV2 query, SigV2 header, SigV4 query, SigV4 header), so a request
/// carrying two must not pass because the other one was looked at: all are
/// returned and each must be allowed.
fn schemes(uri: &Uri, headers: &HeaderMap) -> Vec<Scheme> {
    let mut found = Vec::new();
    for auth in headers.get_all(hyper::header::AUTHORIZATION) {
        let auth = String::from_utf8_lossy(auth.as_bytes());
        let auth = auth.trim_start();
        if auth.starts_with("AWS ") {
            found.push(Scheme::SigV2);
        } else if let Some(rest) = auth.strip_prefix("AWS4-HMAC-SHA256") {
            let credential =
                rest.split(',').find_map(|part| part.trim().strip_prefix("Credential=")).unwrap_or_default();
            found.push(scope_of(credential, false));
        }
    }
    for pair in uri.query().unwrap_or_default().split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        // Decoded the way s3s decodes the query (form encoding).
        let decode = |s: &str| percent_decode_str(&s.replace('+', " ")).decode_utf8_lossy().into_owned();
        match decode(name).as_str() {
            "X-Amz-Credential" => found.push(scope_of(&decode(value), true)),
            "Signature" | "AWSAccessKeyId" => found.push(Scheme::SigV2),
            _ => {}
        }
    }
    found
}

/// `<key>/<date>/<region>/<service>/aws4_request` → the region and service.
fn scope_of(credential: &str, presigned: bool) -> Scheme {
    let parts: Vec<&str> = credential.trim().rsplitn(5, '/').collect();
    match parts.as_slice() {
        [_terminator, service, region, _date, _key] => {
            Scheme::SigV4 { region: (*region).to_owned(), service: (*service).to_owned(), presigned }
        }
        _ => Scheme::Other,
    }
}

/// The endpoint's signature rules that s3s does not apply itself: SigV2 only
/// when allowed, SigV4 only scoped to this region and to `s3`. Errors follow
/// AWS S3 where it has an answer:
/// - SigV2 where it is not supported: 400 InvalidRequest "The authorization
///   mechanism you have provided is not supported", as S3 answers in regions
///   that only take SigV4;
/// - another region: 400 AuthorizationHeaderMalformed (header) or
///   AuthorizationQueryParametersError (presigned), "the region 'x' is
///   wrong; expecting 'y'", S3's own words;
/// - another service: 403 SignatureDoesNotMatch. The scope's service is part
///   of the signing key, so such a signature cannot be one for S3; s3s would
///   answer 501 NotImplemented (and takes `sts`), which tells a client to
///   retry elsewhere rather than that its credentials are wrong.
///
/// Called before s3s sees the request (so a refused scheme is never
/// verified, and a wrong service is not s3s's 501), and again from
/// [`RequireSignature`] for every request s3s lets through.
pub(crate) fn check_signature_version_and_scope(
    policy: &SignaturePolicy,
    uri: &Uri,
    headers: &HeaderMap,
) -> S3Result<()> {
    schemes(uri, headers).into_iter().try_for_each(|scheme| allowed(policy, scheme))
}

fn allowed(policy: &SignaturePolicy, scheme: Scheme) -> S3Result<()> {
    match scheme {
        Scheme::SigV2 if !policy.allow_sigv2 => Err(S3Error::with_message(
            S3ErrorCode::InvalidRequest,
            "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256. \
             (SigV2 is off on this endpoint; see the s3_allow_sigv2 setting.)",
        )),
        Scheme::SigV4 { service, .. } if service != "s3" => Err(S3Error::with_message(
            S3ErrorCode::SignatureDoesNotMatch,
            format!("Credential should be scoped to correct service: 's3', not '{service}'."),
        )),
        Scheme::SigV4 { region, presigned, .. } if region != policy.region => {
            let (code, lead) = if presigned {
                (S3ErrorCode::AuthorizationQueryParametersError, "Error parsing the X-Amz-Credential parameter;")
            } else {
                (S3ErrorCode::AuthorizationHeaderMalformed, "The authorization header is malformed;")
            };
            Err(S3Error::with_message(
                code,
                format!("{lead} the region '{region}' is wrong; expecting '{}'", policy.region),
            ))
        }
        _ => Ok(()),
    }
}

/// Refuses anonymous requests and signatures [`SignaturePolicy`] does not
/// allow. s3s calls this for every request once an auth provider is set,
/// with `credentials()` empty when the request was unsigned; its built-in
/// default does the same, but the policy is stated here rather than
/// inherited from a library default that could change.
pub(crate) struct RequireSignature {
    pub(crate) policy: Arc<SignaturePolicy>,
    /// Decides each signed request by the signer's policies; None lets
    /// every known key do everything (the single-user embedded default of
    /// library users that have no IAM).
    pub(crate) authorizer: Option<Arc<dyn Authorizer>>,
}

#[async_trait::async_trait]
impl S3Access for RequireSignature {
    async fn check(&self, cx: &mut S3AccessContext<'_>) -> S3Result<()> {
        // For `/metrics`: the first place the operation's name is known.
        let operation = cx.s3_op().name().to_string();
        if let Some(slot) = cx.extensions_mut().get::<crate::metrics::OpSlot>() {
            let _ = slot.0.set(operation);
        }
        if cx.credentials().is_none() {
            return Err(S3Error::with_message(
                S3ErrorCode::AccessDenied,
                "Anonymous access is not allowed; sign the request.",
            ));
        }
        check_signature_version_and_scope(&self.policy, cx.uri(), cx.headers())?;
        // s3s lends its request's extensions only mutably.
        let peer = cx.extensions_mut().get::<sparkplane_http::Peer>().copied();
        let (Some(authorizer), Some(credentials)) = (&self.authorizer, cx.credentials()) else {
            return Ok(());
        };
        let token = cx.headers().get("x-amz-security-token").and_then(|v| v.to_str().ok());
        if let Err(err) = authorizer.check_session_token(&credentials.access_key, token) {
            // S3's words: a wrong token is 400 InvalidToken, an ended one
            // 400 ExpiredToken.
            let code = match err {
                TokenError::Invalid => S3ErrorCode::InvalidToken,
                TokenError::Expired => S3ErrorCode::ExpiredToken,
            };
            return Err(S3Error::with_message(code, err.message()));
        }
        let op = cx.s3_op().name();
        // A multi-object delete is decided key by key once its body is read.
        if op == "DeleteObjects" {
            return Ok(());
        }
        crate::access::authorize(
            authorizer,
            &credentials.access_key,
            op,
            cx.s3_path(),
            cx.uri(),
            cx.headers(),
            peer.as_ref(),
        )
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

    fn schemes_of(auth: &[&str], uri: &str) -> Vec<Scheme> {
        let mut headers = HeaderMap::new();
        for a in auth {
            headers.append(hyper::header::AUTHORIZATION, a.parse().unwrap());
        }
        schemes(&uri.parse().unwrap(), &headers)
    }

    #[test]
    fn signature_schemes_are_recognised() {
        let v4 = |region: &str, service: &str, presigned| Scheme::SigV4 {
            region: region.to_owned(),
            service: service.to_owned(),
            presigned,
        };
        let header_v4 =
            "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=ab";
        assert_eq!(schemes_of(&["AWS AKID:c2lnbmF0dXJl"], "/b/k"), [Scheme::SigV2]);
        assert_eq!(schemes_of(&[header_v4], "/b/k"), [v4("eu-west-1", "s3", false)]);
        assert_eq!(
            schemes_of(&[], "/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20260101%2Fus-east-1%2Fiam%2Faws4_request&X-Amz-Signature=ab"),
            [v4("us-east-1", "iam", true)]
        );
        assert_eq!(schemes_of(&[], "/b/k?AWSAccessKeyId=AKID&Expires=1&Signature=abc"), [Scheme::SigV2, Scheme::SigV2]);
        assert_eq!(schemes_of(&[], "/b/k?list-type=2"), []);
        assert_eq!(schemes_of(&["AWS4-HMAC-SHA256 Credential=short"], "/"), [Scheme::Other]);
        // s3s would check the SigV2 query first: both are reported.
        assert_eq!(schemes_of(&[header_v4], "/b/k?Sig%6Eature=x"), [v4("eu-west-1", "s3", false), Scheme::SigV2]);
    }

    #[test]
    fn every_scheme_of_a_request_must_be_allowed() {
        let policy = SignaturePolicy { region: "us-east-1".into(), allow_sigv2: false };
        let check = |auth: &[&str], uri: &str| {
            let mut headers = HeaderMap::new();
            for a in auth {
                headers.append(hyper::header::AUTHORIZATION, a.parse().unwrap());
            }
            check_signature_version_and_scope(&policy, &uri.parse().unwrap(), &headers).map_err(|e| e.code().clone())
        };
        let ok =
            "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab";
        assert_eq!(check(&[ok], "/b/k"), Ok(()));
        assert_eq!(check(&[ok], "/b/k?Signature=x&AWSAccessKeyId=AKID"), Err(S3ErrorCode::InvalidRequest));
        assert_eq!(check(&[ok, "AWS AKID:sig"], "/b/k"), Err(S3ErrorCode::InvalidRequest));
        assert_eq!(check(&[], "/b/k"), Ok(()), "unsigned: for RequireSignature to refuse");
    }

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
