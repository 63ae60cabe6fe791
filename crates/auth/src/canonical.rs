//! The SigV4 canonical request, string-to-sign and signing key.
//!
//! Signer and verifier must build byte-identical canonical requests, so both
//! use these functions. Each piece mirrors botocore's `SigV4Auth` /
//! `S3SigV4Auth` (botocore/auth.py), which is the de-facto reference: the AWS
//! CLI and most SDK users go through it.

use crate::UriEncoding;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub(crate) const ALGORITHM: &str = "AWS4-HMAC-SHA256";
pub(crate) const TERMINATOR: &str = "aws4_request";

/// Percent-encodes everything outside AWS's unreserved set `A-Za-z0-9-_.~`
/// (uppercase hex), optionally keeping `/`. This equals Python's
/// `quote(s, safe='-_.~')` (query) and `quote(s, safe='/~')` (path) as
/// botocore uses them.
pub(crate) fn uri_encode(bytes: &[u8], keep_slash: bool) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(bytes.len());
    for &b in bytes {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') || (keep_slash && b == b'/') {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

/// botocore's `remove_dot_segments` (utils.py), including its quirks: empty
/// segments are dropped (AWS wants duplicate slashes collapsed), `..` above
/// the root is ignored, and a trailing slash survives only if something
/// remains before it.
fn remove_dot_segments(path: &str) -> String {
    if path.is_empty() {
        return String::new();
    }
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let first = if path.starts_with('/') { "/" } else { "" };
    let last = if path.ends_with('/') && !out.is_empty() { "/" } else { "" };
    format!("{first}{}{last}", out.join("/"))
}

/// Canonical URI. For `Double`, the wire path (already percent-encoded) is
/// normalized and encoded *again*, exactly as botocore's
/// `SigV4Auth._normalize_url_path` does; for `Single` (S3) it is used as-is.
pub(crate) fn canonical_uri(raw_path: &str, encoding: UriEncoding) -> String {
    if raw_path.is_empty() {
        return "/".to_string();
    }
    match encoding {
        UriEncoding::Double => uri_encode(remove_dot_segments(raw_path).as_bytes(), true),
        UriEncoding::Single => raw_path.to_string(),
    }
}

/// One `key=value` query parameter, decoded once for lookups and re-encoded
/// in AWS's canonical form.
#[derive(Debug, Clone)]
pub(crate) struct QueryParam {
    pub key: String,
    pub value: String,
    enc_key: String,
    enc_value: String,
}

/// Splits a raw query string. Values are percent-decoded (not `+`-decoded:
/// SigV4 clients encode spaces as `%20`, so a literal `+` means `+`) and then
/// re-encoded, which makes the canonical form independent of how liberally
/// the client escaped. Empty `&&` segments carry nothing and are skipped.
pub(crate) fn parse_query(raw_query: &str) -> Vec<QueryParam> {
    raw_query
        .split('&')
        .filter(|seg| !seg.is_empty())
        .map(|seg| {
            let (k, v) = seg.split_once('=').unwrap_or((seg, ""));
            let kb: Vec<u8> = percent_encoding::percent_decode_str(k).collect();
            let vb: Vec<u8> = percent_encoding::percent_decode_str(v).collect();
            QueryParam {
                key: String::from_utf8_lossy(&kb).into_owned(),
                value: String::from_utf8_lossy(&vb).into_owned(),
                enc_key: uri_encode(&kb, false),
                enc_value: uri_encode(&vb, false),
            }
        })
        .collect()
}

/// Canonical query string: encoded pairs sorted by key, then value, joined
/// with `&`. `skip_signature` drops `X-Amz-Signature`, which a presigned URL
/// carries but cannot have signed.
pub(crate) fn canonical_query(params: &[QueryParam], skip_signature: bool) -> String {
    let mut pairs: Vec<(&str, &str)> = params
        .iter()
        .filter(|p| !(skip_signature && p.key == "X-Amz-Signature"))
        .map(|p| (p.enc_key.as_str(), p.enc_value.as_str()))
        .collect();
    pairs.sort_unstable();
    let parts: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
    parts.join("&")
}

/// Python's `' '.join(value.split())`: trims and collapses every whitespace
/// run (tabs included) to one space. Python also counts U+001C..U+001F.
pub(crate) fn trim_all(value: &str) -> String {
    value
        .split(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Canonical header block for `names` (lowercase, in signed order): each
/// header's values trimmed and comma-joined, one `name:value\n` line each.
pub(crate) fn canonical_headers<'a>(names: &[&str], values_of: impl Fn(&str) -> Vec<&'a str>) -> String {
    let mut out = String::new();
    for name in names {
        let values: Vec<String> = values_of(name).into_iter().map(trim_all).collect();
        out.push_str(name);
        out.push(':');
        out.push_str(&values.join(","));
        out.push('\n');
    }
    out
}

/// Assembles the canonical request; `headers_block` already ends in `\n`,
/// which yields the blank line SigV4 requires after the headers.
pub(crate) fn canonical_request(
    method: &str,
    uri: &str,
    query: &str,
    headers_block: &str,
    signed_headers: &str,
    payload_hash: &str,
) -> String {
    format!("{}\n{uri}\n{query}\n{headers_block}\n{signed_headers}\n{payload_hash}", method.to_ascii_uppercase())
}

pub(crate) fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{amz_date}\n{scope}\n{}", crate::sha256_hex(canonical_request.as_bytes()))
}

pub(crate) fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut mac = match Hmac::<Sha256>::new_from_slice(key) {
        Ok(m) => m,
        // HMAC accepts keys of any length (long ones are hashed), so the
        // fallible constructor cannot fail here.
        Err(_) => unreachable!("HMAC-SHA256 accepts any key length"),
    };
    mac.update(msg);
    mac.finalize().into_bytes().into()
}

/// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").
pub(crate) fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let k_date = hmac_sha256(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac_sha256(&k_date, region.as_bytes());
    let k_service = hmac_sha256(&k_region, service.as_bytes());
    hmac_sha256(&k_service, TERMINATOR.as_bytes())
}

pub(crate) fn signature(key: &[u8; 32], string_to_sign: &str) -> String {
    hex::encode(hmac_sha256(key, string_to_sign.as_bytes()))
}

/// Constant-time equality, so response timing does not reveal how many
/// leading characters of a forged signature were right. Length is not
/// secret (always 64 for a valid signature).
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    // black_box keeps the optimizer from turning the fold into an early exit.
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_segments_like_botocore() {
        assert_eq!(remove_dot_segments("/a/./b/../c//d%2Fe/"), "/a/c/d%2Fe/");
        assert_eq!(remove_dot_segments("/"), "/");
        assert_eq!(remove_dot_segments("/.."), "/");
        assert_eq!(remove_dot_segments("/a/.."), "/");
        assert_eq!(remove_dot_segments("//x//"), "/x/");
        assert_eq!(canonical_uri("", UriEncoding::Double), "/");
        assert_eq!(canonical_uri("/a/c/d%2Fe/", UriEncoding::Double), "/a/c/d%252Fe/");
        assert_eq!(canonical_uri("/b/a%20b/../c", UriEncoding::Single), "/b/a%20b/../c");
    }

    #[test]
    fn query_canonicalization() {
        let q = parse_query("tagKeys=b&tagKeys=a&&x=a+b&empty&k%7e=%2f&sp=x%20y");
        assert_eq!(canonical_query(&q, false), "empty=&k~=%2F&sp=x%20y&tagKeys=a&tagKeys=b&x=a%2Bb");
        let q = parse_query("X-Amz-Signature=abc&a=1");
        assert_eq!(canonical_query(&q, true), "a=1");
        assert_eq!(canonical_query(&q, false), "X-Amz-Signature=abc&a=1");
    }

    #[test]
    fn trimming() {
        assert_eq!(trim_all("  a   b\tc  "), "a b c");
        assert_eq!(trim_all(""), "");
    }

    #[test]
    fn constant_time_eq() {
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"ab"));
    }
}
