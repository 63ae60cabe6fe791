//! Server-side SigV4 verification.
//!
//! The order of checks follows AWS: structure first (so malformed requests
//! get IncompleteSignature), then scope and clock, then the key, then the
//! signature, and only then the body digest (a body mismatch is reported
//! only to a correctly signed request).

use crate::authorization::{self, SignedClaim};
use crate::canonical::{self, TERMINATOR};
use crate::time::{format_amz_date, parse_amz_date, parse_http_date, unix_secs};
use crate::{AuthError, KeyLookup, Principal, RequestParts, UriEncoding, UNSIGNED_PAYLOAD};
use std::time::{Duration, SystemTime};

/// Verifies SigV4-signed requests for one region and service.
#[derive(Debug, Clone)]
pub struct Verifier {
    region: String,
    service: String,
    max_skew: Duration,
    uri_encoding: UriEncoding,
    signed_payload_only: bool,
}

impl Verifier {
    pub fn new(region: impl Into<String>, service: impl Into<String>, uri_encoding: UriEncoding) -> Self {
        Verifier {
            region: region.into(),
            service: service.into(),
            // AWS's own tolerance for clock differences.
            max_skew: Duration::from_secs(15 * 60),
            uri_encoding,
            signed_payload_only: false,
        }
    }

    /// Refuses requests whose signature does not cover the body: an
    /// `x-amz-content-sha256` of `UNSIGNED-PAYLOAD` or `STREAMING-*`, and
    /// presigned URLs signed over `UNSIGNED-PAYLOAD`. Only S3 has a use for
    /// unsigned bodies (large uploads, presigned PUTs); on any other service
    /// they would let a captured request be replayed with another body.
    pub fn require_signed_payload(mut self) -> Self {
        self.signed_payload_only = true;
        self
    }

    pub fn with_max_skew(mut self, d: Duration) -> Self {
        self.max_skew = d;
        self
    }

    /// `payload_sha256_hex`: the hex sha256 of the body the caller received.
    /// If the request carries `x-amz-content-sha256`, the header value is
    /// what goes in the canonical request (it may be `UNSIGNED-PAYLOAD` or
    /// `STREAMING-*`, unless [`Verifier::require_signed_payload`]), and if it
    /// is a hex digest it must equal `payload_sha256_hex`. Presigned query
    /// auth is also accepted.
    pub fn verify(
        &self,
        req: &RequestParts,
        payload_sha256_hex: &str,
        now: SystemTime,
        keys: &dyn KeyLookup,
    ) -> Result<Principal, AuthError> {
        let params = canonical::parse_query(req.raw_query);
        let (claim, amz_date, secret) = self.checked_claim(req, &params, now, keys)?;

        let content_sha = req.header("x-amz-content-sha256").map(str::trim);
        // Which payload hash the client signed over. Presigned URLs cannot
        // know their body: S3 uses UNSIGNED-PAYLOAD; botocore's non-S3
        // presigner hashes the (usually empty) body while other SigV4
        // presigners use UNSIGNED-PAYLOAD everywhere, so both are tried there.
        let candidates: Vec<&str> = match (content_sha, &claim.presign, self.uri_encoding) {
            (Some(h), _, _) => vec![h],
            (None, Some(_), UriEncoding::Single) => vec![UNSIGNED_PAYLOAD],
            (None, Some(_), UriEncoding::Double) if self.signed_payload_only => vec![payload_sha256_hex],
            (None, Some(_), UriEncoding::Double) => vec![payload_sha256_hex, UNSIGNED_PAYLOAD],
            (None, None, _) => vec![payload_sha256_hex],
        };

        let uri = canonical::canonical_uri(req.raw_path, self.uri_encoding);
        let query = canonical::canonical_query(&params, claim.presign.is_some());
        let names: Vec<&str> = claim.signed_headers.iter().map(String::as_str).collect();
        // A signed header the request lacks canonicalizes to an empty value,
        // which then fails the comparison like AWS does.
        let headers_block = canonical::canonical_headers(&names, |n| req.header_values(n).collect());
        let key = canonical::signing_key(&secret, &claim.scope.date, &claim.scope.region, &claim.scope.service);
        let scope = claim.scope.credential_scope();
        let signed_line = claim.signed_headers_line();
        let mut matched = false;
        for payload_hash in candidates {
            let creq =
                canonical::canonical_request(req.method, &uri, &query, &headers_block, &signed_line, payload_hash);
            let sts = canonical::string_to_sign(&amz_date, &scope, &creq);
            let expected = canonical::signature(&key, &sts);
            // Evaluate every candidate (no short-circuit) to keep timing flat.
            matched |= canonical::ct_eq(expected.as_bytes(), claim.signature.as_bytes());
        }
        if !matched {
            return Err(AuthError::SignatureMismatch);
        }

        if let Some(declared) = content_sha.filter(|h| is_sha256_hex(h)) {
            if !declared.eq_ignore_ascii_case(payload_sha256_hex) {
                return Err(AuthError::ContentSha256Mismatch(format!(
                    "The provided 'x-amz-content-sha256' header does not match what was computed. Provided: {declared}, computed: {payload_sha256_hex}."
                )));
            }
        }
        Ok(Principal { access_key_id: claim.scope.access_key_id })
    }

    /// The checks that need no body, in [`Verifier::verify`]'s order: an
    /// `Authorization` header or presigned query is present and parses, the
    /// date is valid and within the allowed skew, the scope names this
    /// region and service, the access key is known, and (with
    /// [`Verifier::require_signed_payload`]) the body is declared signed. A request that
    /// fails here fails `verify` with the same error, so a server can refuse
    /// it before reading (and buffering) its body.
    pub fn precheck(&self, req: &RequestParts, now: SystemTime, keys: &dyn KeyLookup) -> Result<(), AuthError> {
        let params = canonical::parse_query(req.raw_query);
        self.checked_claim(req, &params, now, keys).map(|_| ())
    }

    /// The parsed claim, its date as signed, and the key's secret.
    fn checked_claim(
        &self,
        req: &RequestParts,
        params: &[canonical::QueryParam],
        now: SystemTime,
        keys: &dyn KeyLookup,
    ) -> Result<(SignedClaim, String, String), AuthError> {
        let mut auth_headers = req.header_values("authorization");
        let auth_header = auth_headers.next();
        let presigned = authorization::is_presigned(params);
        let claim = match (auth_header, presigned) {
            (None, false) => return Err(AuthError::MissingAuthentication),
            (Some(_), true) => return Err(AuthError::IncompleteSignature(
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified".to_string(),
            )),
            (Some(h), false) => {
                if auth_headers.next().is_some() {
                    return Err(AuthError::IncompleteSignature(
                        "Only one Authorization header is allowed.".to_string(),
                    ));
                }
                authorization::parse_authorization(h)?
            }
            (None, true) => authorization::parse_presign(params)?,
        };

        let (amz_date, request_secs) = request_date(req, &claim)?;
        self.check_scope(&claim, &amz_date)?;
        self.check_time(&claim, &amz_date, request_secs, unix_secs(now))?;

        let secret = keys
            .secret_for(&claim.scope.access_key_id)
            .ok_or_else(|| AuthError::UnknownAccessKey { access_key_id: claim.scope.access_key_id.clone() })?;
        if self.signed_payload_only {
            let declared = req.header("x-amz-content-sha256").map(str::trim);
            if let Some(declared) = declared.filter(|h| !is_sha256_hex(h)) {
                return Err(AuthError::UnsignedPayload(format!(
                    "x-amz-content-sha256 '{declared}' is not accepted by this service: the signature must cover the request body (its hex SHA-256)."
                )));
            }
        }
        Ok((claim, amz_date, secret))
    }

    fn check_scope(&self, claim: &SignedClaim, amz_date: &str) -> Result<(), AuthError> {
        let s = &claim.scope;
        let wrong = |message: String, s3_message: String| Err(AuthError::WrongScope { message, s3_message });
        if s.terminator != TERMINATOR {
            return wrong(
                format!("Credential should be scoped with a valid terminator: '{TERMINATOR}', not '{}'.", s.terminator),
                format!("The authorization header is malformed; incorrect terminal '{}'. This endpoint uses '{TERMINATOR}'.", s.terminator),
            );
        }
        if s.service != self.service {
            return wrong(
                format!("Credential should be scoped to correct service: '{}'. ", self.service),
                format!(
                    "The authorization header is malformed; incorrect service '{}'. This endpoint belongs to '{}'.",
                    s.service, self.service
                ),
            );
        }
        if s.region != self.region {
            return wrong(
                "Credential should be scoped to a valid region. ".to_string(),
                format!(
                    "The authorization header is malformed; the region '{}' is wrong; expecting '{}'",
                    s.region, self.region
                ),
            );
        }
        let day = amz_date.get(..8).unwrap_or(amz_date);
        if s.date != day {
            return wrong(
                format!("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{}' != '{day}', from '{amz_date}'.", s.date),
                "The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date.".to_string(),
            );
        }
        Ok(())
    }

    fn check_time(
        &self,
        claim: &SignedClaim,
        amz_date: &str,
        request_secs: i64,
        now_secs: i64,
    ) -> Result<(), AuthError> {
        let skew = i64::try_from(self.max_skew.as_secs()).unwrap_or(i64::MAX);
        let skew_text = if skew % 60 == 0 { format!("{} min.", skew / 60) } else { format!("{skew} sec.") };
        let now_text = format_amz_date(now_secs);
        if request_secs > now_secs.saturating_add(skew) {
            let message = format!(
                "Signature not yet current: {amz_date} is still later than {} ({now_text} + {skew_text})",
                format_amz_date(now_secs.saturating_add(skew))
            );
            return Err(match claim.presign {
                Some(_) => AuthError::PresignExpired(message),
                None => AuthError::RequestTimeSkewed(message),
            });
        }
        match &claim.presign {
            None if request_secs < now_secs.saturating_sub(skew) => Err(AuthError::RequestTimeSkewed(format!(
                "Signature expired: {amz_date} is now earlier than {} ({now_text} - {skew_text})",
                format_amz_date(now_secs.saturating_sub(skew))
            ))),
            Some(p) => {
                let expiry = request_secs.saturating_add(i64::try_from(p.expires_secs).unwrap_or(i64::MAX));
                if now_secs > expiry {
                    return Err(AuthError::PresignExpired(format!(
                        "Signature expired: {} (X-Amz-Date {amz_date} + X-Amz-Expires {}) is now earlier than {now_text}",
                        format_amz_date(expiry),
                        p.expires_secs
                    )));
                }
                Ok(())
            }
            None => Ok(()),
        }
    }
}

/// The request timestamp in ISO basic form (what goes in the string-to-sign)
/// and as Unix seconds. Header auth prefers `x-amz-date` and falls back to
/// `Date`, as botocore and AWS do; presigned URLs carry `X-Amz-Date`.
fn request_date(req: &RequestParts, claim: &SignedClaim) -> Result<(String, i64), AuthError> {
    if let Some(p) = &claim.presign {
        return match parse_amz_date(&p.amz_date) {
            Some(secs) => Ok((p.amz_date.clone(), secs)),
            None => Err(AuthError::MalformedPresign(format!(
                "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\", got '{}'",
                p.amz_date
            ))),
        };
    }
    if let Some(v) = req.header("x-amz-date") {
        let v = v.trim();
        return match parse_amz_date(v) {
            Some(secs) => Ok((v.to_string(), secs)),
            None => Err(AuthError::BadDate(format!(
                "Date must be in ISO-8601 'basic format'. Got '{v}'. See http://en.wikipedia.org/wiki/ISO_8601"
            ))),
        };
    }
    match req.header("date") {
        Some(v) => match parse_http_date(v) {
            Some(secs) => Ok((format_amz_date(secs), secs)),
            None => Err(AuthError::BadDate(format!("Date header '{}' is not a valid RFC 1123 date.", v.trim()))),
        },
        None => Err(AuthError::BadDate(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.".to_string(),
        )),
    }
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}
