//! Which signatures the endpoint takes: SigV2 only when allowed, SigV4 only
//! scoped to the endpoint's region and to `s3`. In process, through the
//! same `S3Service::call` the HTTP loop uses.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use hyper::{Request, StatusCode};
use s3s::crypto::{Checksum, Sha1};
use sparkplane_auth::{presign, sign, Credentials, StaticKeys, UriEncoding};
use sparkplane_s3::{build_service, S3Service, ServiceOptions};

const HOST: &str = "127.0.0.1:9000";

fn creds() -> Credentials {
    Credentials { access_key_id: "SPKTESTKEY0000000001".into(), secret_access_key: "test/secret/key".into() }
}

fn service(root: &std::path::Path, allow_sigv2: bool) -> S3Service {
    let options = ServiceOptions { allow_sigv2, ..ServiceOptions::default() };
    build_service(root.to_path_buf(), Arc::new(StaticKeys(vec![creds()])), options).unwrap()
}

async fn call(
    svc: &S3Service,
    method: &str,
    uri: &str,
    headers: &[(String, String)],
    body: &[u8],
) -> (StatusCode, String) {
    let mut req = Request::builder().method(method).uri(uri).header("host", HOST);
    for (n, v) in headers {
        req = req.header(n.as_str(), v.as_str());
    }
    let req = req.header("content-length", body.len().to_string()).body(s3s::Body::from(body.to_vec())).unwrap();
    let resp = svc.call(req).await.unwrap();
    let (parts, mut body) = resp.into_parts();
    let body: Bytes = body.store_all_limited(1 << 20).await.unwrap();
    (parts.status, String::from_utf8_lossy(&body).into_owned())
}

/// A SigV4 header-signed request scoped to `region` and `service`.
async fn sigv4(
    svc: &S3Service,
    method: &str,
    path: &str,
    body: &[u8],
    region: &str,
    service: &str,
) -> (StatusCode, String) {
    let base = [("host", HOST)];
    let headers =
        sign(method, path, "", &base, body, &creds(), region, service, UriEncoding::Single, SystemTime::now());
    call(svc, method, path, &headers, body).await
}

fn hmac_sha1(key: &[u8], message: &[u8]) -> [u8; 20] {
    let mut block = [0u8; 64];
    block[..key.len()].copy_from_slice(key); // test keys are shorter than a block
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let mut inner = Sha1::new();
    inner.update(&pad(0x36));
    inner.update(message);
    let mut outer = Sha1::new();
    outer.update(&pad(0x5c));
    outer.update(&inner.finalize());
    outer.finalize()
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A valid SigV2 header-signed PUT of `path` (no content type or MD5: the
/// body is not part of what is signed).
fn sigv2_put_headers(path: &str) -> Vec<(String, String)> {
    let date = "Thu, 01 Jan 2026 00:00:00 GMT";
    let signature =
        base64(&hmac_sha1(creds().secret_access_key.as_bytes(), format!("PUT\n\n\n{date}\n{path}").as_bytes()));
    vec![("date".into(), date.into()), ("authorization".into(), format!("AWS {}:{signature}", creds().access_key_id))]
}

#[test]
fn hmac_sha1_and_base64_match_rfc_2202() {
    assert_eq!(base64(&hmac_sha1(b"Jefe", b"what do ya want for nothing?")), "7/zfauXrL6LSdBbV8YTfnCWafHk=");
}

#[tokio::test]
async fn sigv2_is_refused_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let strict = service(dir.path(), false);
    assert_eq!(sigv4(&strict, "PUT", "/bkt", b"", "us-east-1", "s3").await.0, StatusCode::OK);

    let headers = sigv2_put_headers("/bkt/v2");
    // Signed for one body, sent with another: SigV2 cannot tell.
    let (status, text) = call(&strict, "PUT", "/bkt/v2", &headers, b"replayed body").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(text.contains("<Code>InvalidRequest</Code>") && text.contains("AWS4-HMAC-SHA256"), "{text}");
    assert!(!dir.path().join("bkt/v2").exists());
    // Presigned SigV2 too.
    let query = format!("/bkt/v2?AWSAccessKeyId={}&Expires=4102444800&Signature=abc", creds().access_key_id);
    assert_eq!(call(&strict, "GET", &query, &[], b"").await.0, StatusCode::BAD_REQUEST);

    // With SigV2 allowed the same request is valid (so the refusal above is
    // the policy, not a bad signature).
    let lenient = service(dir.path(), true);
    let (status, text) = call(&lenient, "PUT", "/bkt/v2", &headers, b"replayed body").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(std::fs::read(dir.path().join("bkt/v2")).unwrap(), b"replayed body");
}

#[tokio::test]
async fn sigv4_must_be_scoped_to_this_region() {
    let dir = tempfile::tempdir().unwrap();
    let svc = service(dir.path(), false);
    assert_eq!(sigv4(&svc, "PUT", "/bkt", b"", "us-east-1", "s3").await.0, StatusCode::OK);
    let (status, text) = sigv4(&svc, "PUT", "/bkt/eu", b"x", "eu-west-1", "s3").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(text.contains("<Code>AuthorizationHeaderMalformed</Code>"), "{text}");
    // S3's words; the XML escapes the quotes.
    let message = text.replace("&apos;", "'");
    assert!(message.contains("the region 'eu-west-1' is wrong; expecting 'us-east-1'"), "{text}");
    assert!(!dir.path().join("bkt/eu").exists());

    let query = presign(
        "GET",
        "/bkt",
        "",
        HOST,
        &creds(),
        "eu-west-1",
        "s3",
        UriEncoding::Single,
        SystemTime::now(),
        Duration::from_secs(60),
    );
    let (status, text) = call(&svc, "GET", &format!("/bkt?{query}"), &[], b"").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(text.contains("<Code>AuthorizationQueryParametersError</Code>"), "{text}");
}

#[tokio::test]
async fn sigv4_for_another_service_is_forbidden_not_unimplemented() {
    let dir = tempfile::tempdir().unwrap();
    let svc = service(dir.path(), false);
    assert_eq!(sigv4(&svc, "PUT", "/bkt", b"", "us-east-1", "s3").await.0, StatusCode::OK);
    // s3s itself answers `iam` with 501 and verifies `sts` as if it were `s3`.
    for other in ["iam", "sts"] {
        let path = format!("/bkt/{other}");
        let (status, text) = sigv4(&svc, "PUT", &path, b"x", "us-east-1", other).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{other}: {text}");
        assert!(text.contains("<Code>SignatureDoesNotMatch</Code>"), "{text}");
        assert!(!dir.path().join("bkt").join(other).exists());
    }
}
