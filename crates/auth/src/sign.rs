//! Client-side SigV4 signing, used by sparkplane's own CLI and by tests.
//!
//! It reproduces botocore's `SigV4Auth` / `S3SigV4Auth` / `SigV4QueryAuth`
//! output so that sparkplane can talk to real AWS too, and so the verifier
//! is exercised against the same canonicalization clients use.

use crate::canonical::{self, uri_encode, ALGORITHM, TERMINATOR};
use crate::time::{format_amz_date, unix_secs};
use crate::{sha256_hex, Credentials, UriEncoding, UNSIGNED_PAYLOAD};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

/// Headers botocore never signs (hop-by-hop, or rewritten by proxies and
/// HTTP stacks), from `SIGNED_HEADERS_BLACKLIST` in botocore/auth.py.
const UNSIGNED_HEADERS: &[&str] = &[
    "baggage",
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "traceparent",
    "tracestate",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

/// Signs a request with an `Authorization` header.
///
/// `headers` must include `host`. Every given header is signed except
/// botocore's never-signed list and any stale `authorization`/`x-amz-date`.
/// Returns the headers to add: `x-amz-date`, `x-amz-content-sha256` (for
/// `UriEncoding::Single`, i.e. S3, as botocore's S3 signer always sends it,
/// unless the caller already supplied one, whose value is then signed as
/// the payload hash) and `authorization`.
#[allow(clippy::too_many_arguments)] // mirrors the SigV4 inputs one-to-one
pub fn sign(
    method: &str,
    raw_path: &str,
    raw_query: &str,
    headers: &[(&str, &str)],
    payload: &[u8],
    creds: &Credentials,
    region: &str,
    service: &str,
    uri_encoding: UriEncoding,
    now: SystemTime,
) -> Vec<(String, String)> {
    let amz_date = format_amz_date(unix_secs(now));
    let caller_sha =
        headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("x-amz-content-sha256")).map(|(_, v)| v.trim().to_string());
    let mut added = vec![("x-amz-date".to_string(), amz_date.clone())];
    let payload_hash = match caller_sha {
        Some(h) => h,
        None => {
            let h = sha256_hex(payload);
            if uri_encoding == UriEncoding::Single {
                added.push(("x-amz-content-sha256".to_string(), h.clone()));
            }
            h
        }
    };

    // Group values by lowercase name; BTreeMap gives the sorted order SigV4
    // wants. A caller-supplied authorization/x-amz-date is stale (a retry)
    // and is replaced by ours rather than signed twice.
    let mut signed: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (name, value) in headers.iter().copied() {
        let lower = name.trim().to_ascii_lowercase();
        if lower == "authorization" || lower == "x-amz-date" || UNSIGNED_HEADERS.contains(&lower.as_str()) {
            continue;
        }
        signed.entry(lower).or_default().push(value);
    }
    for (name, value) in &added {
        signed.entry(name.clone()).or_default().push(value);
    }
    let names: Vec<&str> = signed.keys().map(String::as_str).collect();
    let headers_block = canonical::canonical_headers(&names, |n| signed.get(n).cloned().unwrap_or_default());
    let signed_line = names.join(";");

    let date = amz_date.get(..8).unwrap_or_default();
    let scope = format!("{date}/{region}/{service}/{TERMINATOR}");
    let creq = canonical::canonical_request(
        method,
        &canonical::canonical_uri(raw_path, uri_encoding),
        &canonical::canonical_query(&canonical::parse_query(raw_query), false),
        &headers_block,
        &signed_line,
        &payload_hash,
    );
    let sts = canonical::string_to_sign(&amz_date, &scope, &creq);
    let key = canonical::signing_key(&creds.secret_access_key, date, region, service);
    let signature = canonical::signature(&key, &sts);
    added.push((
        "authorization".to_string(),
        format!(
            "{ALGORITHM} Credential={}/{scope}, SignedHeaders={signed_line}, Signature={signature}",
            creds.access_key_id
        ),
    ));
    added
}

/// Builds a presigned URL's query string (the given `raw_query` followed by
/// the `X-Amz-*` parameters and `X-Amz-Signature`), signing only `host`.
/// The payload hash is `UNSIGNED-PAYLOAD` for S3 and the empty-body hash
/// otherwise, as botocore's `S3SigV4QueryAuth` / `SigV4QueryAuth` do for
/// body-less requests.
#[allow(clippy::too_many_arguments)] // mirrors the SigV4 inputs one-to-one
pub fn presign(
    method: &str,
    raw_path: &str,
    raw_query: &str,
    host: &str,
    creds: &Credentials,
    region: &str,
    service: &str,
    uri_encoding: UriEncoding,
    now: SystemTime,
    expires: Duration,
) -> String {
    let amz_date = format_amz_date(unix_secs(now));
    let date = amz_date.get(..8).unwrap_or_default();
    let scope = format!("{date}/{region}/{service}/{TERMINATOR}");
    let credential = format!("{}/{scope}", creds.access_key_id);
    let auth_params = [
        ("X-Amz-Algorithm", ALGORITHM.to_string()),
        ("X-Amz-Credential", credential),
        ("X-Amz-Date", amz_date.clone()),
        ("X-Amz-Expires", expires.as_secs().to_string()),
        ("X-Amz-SignedHeaders", "host".to_string()),
    ];
    let mut query = raw_query.to_string();
    for (k, v) in &auth_params {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(k);
        query.push('=');
        query.push_str(&uri_encode(v.as_bytes(), false));
    }
    let payload_hash = match uri_encoding {
        UriEncoding::Single => UNSIGNED_PAYLOAD.to_string(),
        UriEncoding::Double => sha256_hex(b""),
    };
    let creq = canonical::canonical_request(
        method,
        &canonical::canonical_uri(raw_path, uri_encoding),
        &canonical::canonical_query(&canonical::parse_query(&query), true),
        &canonical::canonical_headers(&["host"], |_| vec![host]),
        "host",
        &payload_hash,
    );
    let sts = canonical::string_to_sign(&amz_date, &scope, &creq);
    let key = canonical::signing_key(&creds.secret_access_key, date, region, service);
    query.push_str("&X-Amz-Signature=");
    query.push_str(&canonical::signature(&key, &sts));
    query
}
