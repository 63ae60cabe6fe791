//! Behaviour of the verifier around failures: every way a request can be
//! wrong must map to the error (and AWS code) clients expect.

mod common;

use common::{at, creds, emr, T0};
use sparkplane_auth::{presign, sha256_hex, sign, AuthError, RequestParts, StaticKeys, UriEncoding, Verifier};
use std::time::Duration;

const ARN_PATH: &str = "/tags/arn%3Aaws%3Aemr-serverless%3Aus-east-1%3A123456789012%3A%2Fapplications%2F00abc";
const BODY: &[u8] = br#"{"tags":{"k":"v"}}"#;

/// A signed request: (method, path, query, headers incl. signature).
struct Signed {
    method: &'static str,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
}

impl Signed {
    fn new(
        method: &'static str,
        path: &str,
        query: &str,
        body: &[u8],
        enc: UriEncoding,
        service: &str,
        when: u64,
    ) -> Self {
        let base = [("host", "localhost:8080"), ("content-type", "application/json")];
        let mut headers: Vec<(String, String)> = base.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
        headers.extend(sign(method, path, query, &base, body, &creds(), "us-east-1", service, enc, at(when)));
        Signed { method, path: path.into(), query: query.into(), headers }
    }

    fn parts(&self) -> RequestParts<'_> {
        RequestParts {
            method: self.method,
            raw_path: &self.path,
            raw_query: &self.query,
            headers: self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect(),
        }
    }

    fn set(&mut self, name: &str, value: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.into(), value.into()));
    }
}

fn verify_with(v: &Verifier, s: &Signed, body: &[u8], now: u64) -> Result<String, AuthError> {
    v.verify(&s.parts(), &sha256_hex(body), at(now), &StaticKeys(vec![creds()])).map(|p| p.access_key_id)
}

fn emr_request() -> Signed {
    Signed::new("POST", ARN_PATH, "tagKeys=a&tagKeys=b", BODY, UriEncoding::Double, "emr-serverless", T0)
}

#[test]
fn round_trip() {
    assert_eq!(verify_with(&emr(), &emr_request(), BODY, T0 + 60), Ok(creds().access_key_id));
    let s3 = Signed::new("PUT", "/b/k%20ey", "", b"data", UriEncoding::Single, "s3", T0);
    assert!(s3.headers.iter().any(|(n, _)| n == "x-amz-content-sha256"));
    let v = Verifier::new("us-east-1", "s3", UriEncoding::Single);
    assert_eq!(verify_with(&v, &s3, b"data", T0), Ok(creds().access_key_id));
}

#[test]
fn tampering_is_detected() {
    assert_eq!(verify_with(&emr(), &emr_request(), b"{}", T0), Err(AuthError::SignatureMismatch));
    let mut s = emr_request();
    s.path = ARN_PATH.replace("00abc", "00abd");
    assert_eq!(verify_with(&emr(), &s, BODY, T0), Err(AuthError::SignatureMismatch));
    let mut s = emr_request();
    s.query = "tagKeys=a".into();
    assert_eq!(verify_with(&emr(), &s, BODY, T0), Err(AuthError::SignatureMismatch));
    let mut s = emr_request();
    s.set("content-type", "text/plain");
    assert_eq!(verify_with(&emr(), &s, BODY, T0), Err(AuthError::SignatureMismatch));
    let mut s = emr_request();
    s.method = "PUT";
    let err = verify_with(&emr(), &s, BODY, T0).err();
    assert_eq!(err.as_ref().map(AuthError::code), Some("InvalidSignatureException"));
    assert_eq!(err.as_ref().map(AuthError::s3_code), Some("SignatureDoesNotMatch"));
    // Headers that were not signed may change freely.
    let mut s = emr_request();
    s.set("user-agent", "anything");
    assert!(verify_with(&emr(), &s, BODY, T0).is_ok());
}

#[test]
fn content_sha_header_must_match_body() {
    let s3v = Verifier::new("us-east-1", "s3", UriEncoding::Single);
    let s = Signed::new("PUT", "/b/k", "", b"data", UriEncoding::Single, "s3", T0);
    let err = verify_with(&s3v, &s, b"other", T0).err();
    assert!(
        matches!(err, Some(AuthError::ContentSha256Mismatch(ref m)) if m.contains("x-amz-content-sha256")),
        "{err:?}"
    );
    assert_eq!(err.map(|e| e.s3_code()), Some("XAmzContentSHA256Mismatch"));
    // UNSIGNED-PAYLOAD is signed as-is and the body is not checked.
    let base = [("host", "localhost:8080"), ("x-amz-content-sha256", "UNSIGNED-PAYLOAD")];
    let mut headers: Vec<(String, String)> = base.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    headers.extend(sign(
        "PUT",
        "/b/k",
        "",
        &base,
        b"ignored",
        &creds(),
        "us-east-1",
        "s3",
        UriEncoding::Single,
        at(T0),
    ));
    let s = Signed { method: "PUT", path: "/b/k".into(), query: String::new(), headers };
    assert_eq!(verify_with(&s3v, &s, b"whatever", T0), Ok(creds().access_key_id));
}

#[test]
fn unknown_key_and_missing_auth() {
    let s = emr_request();
    let err = emr().verify(&s.parts(), &sha256_hex(BODY), at(T0), &StaticKeys(vec![])).err();
    assert_eq!(err.as_ref().map(AuthError::code), Some("UnrecognizedClientException"));
    assert_eq!(
        err.as_ref().map(|e| e.to_string()).as_deref(),
        Some("The security token included in the request is invalid.")
    );
    assert_eq!(err.map(|e| e.s3_code()), Some("InvalidAccessKeyId"));
    let mut s = emr_request();
    s.headers.retain(|(n, _)| n != "authorization");
    let err = verify_with(&emr(), &s, BODY, T0).err();
    assert_eq!(err, Some(AuthError::MissingAuthentication));
    assert_eq!(err.map(|e| e.code()), Some("MissingAuthenticationTokenException"));
}

#[test]
fn malformed_header_and_date() {
    let mut s = emr_request();
    s.set(
        "authorization",
        "AWS4-HMAC-SHA256 Credential=SPKTESTKEY2345672345/20260101/us-east-1/emr-serverless/aws4_request",
    );
    let err = verify_with(&emr(), &s, BODY, T0).err();
    assert_eq!(err.map(|e| e.code()), Some("IncompleteSignatureException"));
    let mut s = emr_request();
    s.headers.retain(|(n, _)| n != "x-amz-date");
    let err = verify_with(&emr(), &s, BODY, T0).err();
    assert!(matches!(err, Some(AuthError::BadDate(ref m)) if m.contains("'X-Amz-Date' or a 'Date'")), "{err:?}");
    assert_eq!(err.map(|e| e.code()), Some("IncompleteSignatureException"));
    // A valid `Date` satisfies the date requirement, but x-amz-date was
    // signed and is now missing, so the signature no longer matches.
    s.headers.push(("date".into(), "Thu, 01 Jan 2026 00:00:00 GMT".into()));
    assert_eq!(verify_with(&emr(), &s, BODY, T0), Err(AuthError::SignatureMismatch));
    let mut s = emr_request();
    s.set("x-amz-date", "2026-01-01T00:00:00Z");
    assert!(matches!(verify_with(&emr(), &s, BODY, T0), Err(AuthError::BadDate(_))));
}

#[test]
fn clock_skew_both_ways() {
    let s = emr_request();
    let err = verify_with(&emr(), &s, BODY, T0 + 30 * 60).err();
    assert_eq!(
        err.as_ref().map(|e| e.to_string()).as_deref(),
        Some("Signature expired: 20260101T000000Z is now earlier than 20260101T001500Z (20260101T003000Z - 15 min.)")
    );
    assert_eq!(err.as_ref().map(AuthError::code), Some("InvalidSignatureException"));
    assert_eq!(err.map(|e| e.s3_code()), Some("RequestTimeTooSkewed"));
    let err = verify_with(&emr(), &s, BODY, T0 - 30 * 60).err();
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("Signature not yet current: 20260101T000000Z is still later than 20251231T234500Z (20251231T233000Z + 15 min.)")
    );
    // Boundaries are inclusive, and the tolerance is configurable.
    assert!(verify_with(&emr(), &s, BODY, T0 + 15 * 60).is_ok());
    assert!(verify_with(&emr(), &s, BODY, T0 - 15 * 60).is_ok());
    let strict = emr().with_max_skew(Duration::from_secs(30));
    assert!(
        matches!(verify_with(&strict, &s, BODY, T0 + 31), Err(AuthError::RequestTimeSkewed(m)) if m.ends_with("- 30 sec.)"))
    );
}

#[test]
fn wrong_scope() {
    let s = Signed::new("POST", ARN_PATH, "", BODY, UriEncoding::Double, "emr-serverless", T0);
    let eu = Verifier::new("eu-west-1", "emr-serverless", UriEncoding::Double);
    let err = verify_with(&eu, &s, BODY, T0).err();
    assert_eq!(err.as_ref().map(AuthError::code), Some("InvalidSignatureException"));
    assert!(err.as_ref().is_some_and(|e| e.to_string().starts_with("Credential should be scoped to a valid region.")));
    assert_eq!(err.map(|e| e.s3_code()), Some("AuthorizationHeaderMalformed"));
    let other = Verifier::new("us-east-1", "s3", UriEncoding::Double);
    let err = verify_with(&other, &s, BODY, T0).err();
    assert!(err.is_some_and(|e| e.to_string().contains("correct service: 's3'")));
    // Scope date differing from x-amz-date.
    let mut s = s;
    s.set("x-amz-date", "20260102T000000Z");
    let err = verify_with(&emr(), &s, BODY, T0 + 86_400).err();
    assert!(
        matches!(err, Some(AuthError::WrongScope { ref message, .. }) if message.contains("'20260101' != '20260102'")),
        "{err:?}"
    );
}

fn presigned(enc: UriEncoding, service: &str, expires: u64) -> Signed {
    let q = presign(
        "GET",
        "/bkt/a%20b",
        "x-id=GetObject",
        "localhost:8080",
        &creds(),
        "us-east-1",
        service,
        enc,
        at(T0),
        Duration::from_secs(expires),
    );
    Signed {
        method: "GET",
        path: "/bkt/a%20b".into(),
        query: q,
        headers: vec![("Host".into(), "localhost:8080".into())],
    }
}

#[test]
fn presigned_urls() {
    let s3v = Verifier::new("us-east-1", "s3", UriEncoding::Single);
    let s = presigned(UriEncoding::Single, "s3", 600);
    assert!(s.query.starts_with("x-id=GetObject&X-Amz-Algorithm=AWS4-HMAC-SHA256&"));
    assert_eq!(verify_with(&s3v, &s, b"", T0 + 600), Ok(creds().access_key_id));
    let err = verify_with(&s3v, &s, b"", T0 + 601).err();
    assert_eq!(err.as_ref().map(AuthError::s3_code), Some("AccessDenied"));
    assert_eq!(err.map(|e| e.s3_message()).as_deref(), Some("Request has expired"));
    assert!(matches!(verify_with(&s3v, &s, b"", T0 - 3600), Err(AuthError::PresignExpired(_))));
    let mut t = presigned(UriEncoding::Single, "s3", 600);
    t.query = t.query.replace("x-id=GetObject", "x-id=PutObject");
    assert_eq!(verify_with(&s3v, &t, b"", T0), Err(AuthError::SignatureMismatch));
    let mut t = presigned(UriEncoding::Single, "s3", 600);
    t.query = t.query.replace("X-Amz-Expires=600", "X-Amz-Expires=6000");
    assert_eq!(verify_with(&s3v, &t, b"", T0), Err(AuthError::SignatureMismatch));
    // Non-S3 presigning hashes the empty body, as botocore's SigV4QueryAuth.
    let s = presigned(UriEncoding::Double, "emr-serverless", 60);
    assert!(verify_with(&emr(), &s, b"", T0).is_ok());
    // Query auth missing pieces and mixed auth mechanisms are malformed.
    let mut t = presigned(UriEncoding::Single, "s3", 600);
    t.query = t.query.split('&').filter(|p| !p.starts_with("X-Amz-Date=")).collect::<Vec<_>>().join("&");
    let err = verify_with(&s3v, &t, b"", T0).err();
    assert_eq!(err.as_ref().map(AuthError::s3_code), Some("AuthorizationQueryParametersError"));
    assert_eq!(err.map(|e| e.code()), Some("IncompleteSignatureException"));
    let mut t = presigned(UriEncoding::Single, "s3", 600);
    t.headers.push(("Authorization".into(), "AWS4-HMAC-SHA256 x".into()));
    assert!(matches!(verify_with(&s3v, &t, b"", T0), Err(AuthError::IncompleteSignature(_))));
}

/// A request whose signature was computed over `declared` as the payload hash.
fn emr_declaring(declared: &str) -> Signed {
    let base = [("host", "localhost:8080"), ("content-type", "application/json"), ("x-amz-content-sha256", declared)];
    let mut headers: Vec<(String, String)> = base.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    headers.extend(sign(
        "POST",
        ARN_PATH,
        "",
        &base,
        BODY,
        &creds(),
        "us-east-1",
        "emr-serverless",
        UriEncoding::Double,
        at(T0),
    ));
    Signed { method: "POST", path: ARN_PATH.into(), query: String::new(), headers }
}

#[test]
fn signed_payload_required_refuses_unsigned_bodies() {
    let strict = emr().require_signed_payload();
    for declared in ["UNSIGNED-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"] {
        let s = emr_declaring(declared);
        // Without the option the signature is valid whatever the body is...
        assert!(verify_with(&emr(), &s, b"{\"swapped\":true}", T0).is_ok(), "{declared}");
        // ...with it the request is refused, as a signature failure (403).
        let err = verify_with(&strict, &s, BODY, T0).unwrap_err();
        // Refused before the body is read, too.
        assert_eq!(strict.precheck(&s.parts(), at(T0), &StaticKeys(vec![creds()])), Err(err.clone()));
        assert!(matches!(err, AuthError::UnsignedPayload(ref m) if m.contains(declared)), "{err:?}");
        assert_eq!((err.code(), err.http_status()), ("InvalidSignatureException", 403));
    }
    // A declared digest of the real body, or none at all, still verifies.
    let s = emr_declaring(&sha256_hex(BODY));
    assert_eq!(verify_with(&strict, &s, BODY, T0), Ok(creds().access_key_id));
    assert!(matches!(verify_with(&strict, &s, b"other", T0), Err(AuthError::ContentSha256Mismatch(_))));
    assert_eq!(verify_with(&strict, &emr_request(), BODY, T0), Ok(creds().access_key_id));

    // Presigned URLs: the UNSIGNED-PAYLOAD fallback is gone, the hashed body stays.
    let unsigned = presign(
        "GET",
        "/applications",
        "",
        "localhost:8080",
        &creds(),
        "us-east-1",
        "emr-serverless",
        UriEncoding::Single, // S3-style presigning: signed over UNSIGNED-PAYLOAD
        at(T0),
        Duration::from_secs(60),
    );
    let s = Signed {
        method: "GET",
        path: "/applications".into(),
        query: unsigned,
        headers: vec![("Host".into(), "localhost:8080".into())],
    };
    assert!(verify_with(&emr(), &s, b"", T0).is_ok());
    assert_eq!(verify_with(&strict, &s, b"", T0), Err(AuthError::SignatureMismatch));
    let hashed = presigned(UriEncoding::Double, "emr-serverless", 60);
    assert!(verify_with(&strict, &hashed, b"", T0).is_ok());
}
