//! Parsing the two places a SigV4 signature can arrive: the `Authorization`
//! header and presigned-URL query parameters.
//!
//! Both are reduced to one [`SignedClaim`] so the verifier has a single
//! code path; only the error flavour (header vs. query) differs.

use crate::canonical::{QueryParam, ALGORITHM};
use crate::AuthError;

/// `Credential=AKID/20260101/us-east-1/emr-serverless/aws4_request`, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scope {
    pub access_key_id: String,
    pub date: String,
    pub region: String,
    pub service: String,
    pub terminator: String,
}

impl Scope {
    /// The scope without the access key, as it appears in the string-to-sign.
    pub fn credential_scope(&self) -> String {
        format!("{}/{}/{}/{}", self.date, self.region, self.service, self.terminator)
    }
}

/// Presigned URLs carry their own date and lifetime in the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Presign {
    pub amz_date: String,
    pub expires_secs: u64,
}

/// What the client claims: who signed, over which headers, with what result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SignedClaim {
    pub scope: Scope,
    /// Lowercased, in the client's order (SigV4 requires it to be sorted; we
    /// rebuild the canonical headers in this order so a compliant client matches).
    pub signed_headers: Vec<String>,
    pub signature: String,
    pub presign: Option<Presign>,
}

impl SignedClaim {
    pub fn signed_headers_line(&self) -> String {
        self.signed_headers.join(";")
    }
}

fn parse_scope(credential: &str, err: impl Fn(String) -> AuthError) -> Result<Scope, AuthError> {
    let parts: Vec<&str> = credential.split('/').collect();
    match parts.as_slice() {
        [akid, date, region, service, terminator] if !akid.is_empty() => Ok(Scope {
            access_key_id: (*akid).to_string(),
            date: (*date).to_string(),
            region: (*region).to_string(),
            service: (*service).to_string(),
            terminator: (*terminator).to_string(),
        }),
        _ => Err(err(format!(
            "Credential must have the form '<AccessKeyId>/<YYYYMMDD>/<region>/<service>/aws4_request', got '{credential}'."
        ))),
    }
}

/// AWS insists on `host` being signed: otherwise a signature could be
/// replayed against another endpoint.
fn parse_signed_headers(list: &str, err: impl Fn(String) -> AuthError) -> Result<Vec<String>, AuthError> {
    let names: Vec<String> = list.split(';').map(|n| n.trim().to_ascii_lowercase()).collect();
    if names.iter().any(String::is_empty) {
        return Err(err(format!("SignedHeaders contains an empty header name: '{list}'.")));
    }
    if !names.iter().any(|n| n == "host") {
        return Err(err("'Host' must be a 'SignedHeader' in the AWS Authorization.".to_string()));
    }
    Ok(names)
}

/// Parses `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
/// Like AWS, components may be separated by commas and/or whitespace in any
/// order; unknown components are ignored.
pub(crate) fn parse_authorization(header: &str) -> Result<SignedClaim, AuthError> {
    let header = header.trim();
    let incomplete = AuthError::IncompleteSignature;
    let (algorithm, rest) = header.split_once(|c: char| c.is_ascii_whitespace()).unwrap_or((header, ""));
    if algorithm != ALGORITHM {
        return Err(incomplete(format!(
            "Unsupported Authorization type '{algorithm}': only '{ALGORITHM}' (Signature Version 4) is accepted."
        )));
    }
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for component in rest.split(|c: char| c == ',' || c.is_ascii_whitespace()).filter(|s| !s.is_empty()) {
        let Some((key, value)) = component.split_once('=') else {
            return Err(incomplete(format!(
                "'{component}' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'."
            )));
        };
        let slot = match key {
            "Credential" => &mut credential,
            "SignedHeaders" => &mut signed_headers,
            "Signature" => &mut signature,
            _ => continue,
        };
        if slot.replace(value).is_some() {
            return Err(incomplete(format!("Authorization header contains '{key}' more than once: '{header}'.")));
        }
    }
    // An empty value (`Signature=`) counts as missing, as it does for AWS.
    let (credential, signed_headers, signature) = (present(credential), present(signed_headers), present(signature));
    let (Some(credential), Some(signed_headers), Some(signature)) = (credential, signed_headers, signature) else {
        let mut missing = String::new();
        for (name, slot) in [("Credential", credential), ("Signature", signature), ("SignedHeaders", signed_headers)] {
            if slot.is_none() {
                missing.push_str(&format!("Authorization header requires '{name}' parameter. "));
            }
        }
        return Err(incomplete(format!("{missing}Authorization={header}")));
    };
    Ok(SignedClaim {
        scope: parse_scope(credential, incomplete)?,
        signed_headers: parse_signed_headers(signed_headers, incomplete)?,
        signature: signature.to_string(),
        presign: None,
    })
}

fn present(v: Option<&str>) -> Option<&str> {
    v.filter(|s| !s.is_empty())
}

/// True when the query looks like presigned-URL auth (then missing pieces are
/// an error rather than "no authentication at all").
pub(crate) fn is_presigned(params: &[QueryParam]) -> bool {
    params.iter().any(|p| p.key == "X-Amz-Algorithm" || p.key == "X-Amz-Signature")
}

/// AWS caps presigned URL lifetime at seven days.
const MAX_EXPIRES_SECS: u64 = 7 * 24 * 3600;

/// Parses the `X-Amz-*` query parameters of a presigned URL.
pub(crate) fn parse_presign(params: &[QueryParam]) -> Result<SignedClaim, AuthError> {
    let malformed = AuthError::MalformedPresign;
    let get = |name: &str| -> Result<Option<&str>, AuthError> {
        let mut found = params.iter().filter(|p| p.key == name);
        let first = found.next().map(|p| p.value.as_str());
        if found.next().is_some() {
            return Err(malformed(format!("Query parameter '{name}' must not be repeated.")));
        }
        Ok(first.filter(|v| !v.is_empty()))
    };
    let (Some(algorithm), Some(credential), Some(amz_date), Some(expires), Some(signed), Some(signature)) = (
        get("X-Amz-Algorithm")?,
        get("X-Amz-Credential")?,
        get("X-Amz-Date")?,
        get("X-Amz-Expires")?,
        get("X-Amz-SignedHeaders")?,
        get("X-Amz-Signature")?,
    ) else {
        return Err(malformed("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.".to_string()));
    };
    if algorithm != ALGORITHM {
        return Err(malformed(format!("X-Amz-Algorithm only supports \"{ALGORITHM}\", got \"{algorithm}\".")));
    }
    let expires_secs: u64 = match expires.parse() {
        Ok(n) if expires.bytes().all(|b| b.is_ascii_digit()) => n,
        _ => return Err(malformed("X-Amz-Expires should be a number".to_string())),
    };
    if expires_secs > MAX_EXPIRES_SECS {
        return Err(malformed(format!(
            "X-Amz-Expires must be less than a week (in seconds) that is {MAX_EXPIRES_SECS}"
        )));
    }
    Ok(SignedClaim {
        scope: parse_scope(credential, malformed)?,
        signed_headers: parse_signed_headers(signed, malformed)?,
        signature: signature.to_string(),
        presign: Some(Presign { amz_date: amz_date.to_string(), expires_secs }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::parse_query;

    #[test]
    fn header_variants() {
        let want = SignedClaim {
            scope: Scope {
                access_key_id: "AKID".into(),
                date: "20260101".into(),
                region: "us-east-1".into(),
                service: "emr-serverless".into(),
                terminator: "aws4_request".into(),
            },
            signed_headers: vec!["host".into(), "x-amz-date".into()],
            signature: "abc".into(),
            presign: None,
        };
        let c = "Credential=AKID/20260101/us-east-1/emr-serverless/aws4_request";
        for h in [
            format!("AWS4-HMAC-SHA256 {c}, SignedHeaders=host;x-amz-date, Signature=abc"),
            format!("AWS4-HMAC-SHA256 {c},SignedHeaders=host;x-amz-date,Signature=abc"),
            format!("  AWS4-HMAC-SHA256   Signature=abc {c}  ,  SignedHeaders=host;x-amz-date "),
        ] {
            assert_eq!(parse_authorization(&h), Ok(want.clone()), "{h}");
        }
    }

    #[test]
    fn header_errors() {
        let cases = [
            ("AWS4-HMAC-SHA256 Credential=A/2/r/s/aws4_request, Signature=x", "requires 'SignedHeaders'"),
            ("AWS4-HMAC-SHA256 ", "requires 'Credential'"),
            ("AWS AKID:sig", "Unsupported Authorization type"),
            (
                "AWS4-HMAC-SHA256 Credential=A/2/r/aws4_request, SignedHeaders=host, Signature=x",
                "Credential must have the form",
            ),
            (
                "AWS4-HMAC-SHA256 Credential=A/2/r/s/aws4_request, SignedHeaders=x-amz-date, Signature=x",
                "'Host' must be",
            ),
            (
                "AWS4-HMAC-SHA256 Credential=A/2/r/s/aws4_request, SignedHeaders=host, Signature=x, junk",
                "missing equal-sign",
            ),
            (
                "AWS4-HMAC-SHA256 Credential=A/2/r/s/aws4_request, SignedHeaders=host, Signature=x, Signature=y",
                "more than once",
            ),
        ];
        for (h, msg) in cases {
            match parse_authorization(h) {
                Err(AuthError::IncompleteSignature(m)) => assert!(m.contains(msg), "{h}: {m}"),
                other => panic!("{h}: {other:?}"),
            }
        }
    }

    #[test]
    fn presign_params() {
        let q = parse_query("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AK%2F20260101%2Fr%2Fs%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host&X-Amz-Signature=ff");
        assert!(is_presigned(&q));
        let claim = parse_presign(&q).map_err(|e| e.to_string());
        assert_eq!(claim.as_ref().map(|c| c.scope.access_key_id.as_str()), Ok("AK"));
        assert_eq!(
            claim.map(|c| c.presign),
            Ok(Some(Presign { amz_date: "20260101T000000Z".into(), expires_secs: 60 }))
        );
        let q = parse_query("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=604801");
        assert!(matches!(parse_presign(&q), Err(AuthError::MalformedPresign(_))));
        assert!(!is_presigned(&parse_query("a=b")));
    }
}
