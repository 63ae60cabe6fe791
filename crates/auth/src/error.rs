//! Authentication failures and their AWS wire representation.
//!
//! AWS clients branch on the error *code* (botocore retries on some, the CLI
//! prints others verbatim), and EMR (JSON protocol) and S3 (XML protocol)
//! use different codes for the same failure. Each variant therefore knows
//! both flavours, so the HTTP layers only pick one.

/// Why a request failed SigV4 verification. `Display` is the EMR-style
/// message (what AWS returns for JSON services).
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// Neither an `Authorization` header nor presigned query parameters.
    #[error("Missing Authentication Token")]
    MissingAuthentication,
    /// Structurally broken `Authorization` header (missing components, bad
    /// credential shape, unsupported algorithm, host not signed...).
    #[error("{0}")]
    IncompleteSignature(String),
    /// Structurally broken presigned-URL query parameters.
    #[error("{0}")]
    MalformedPresign(String),
    /// No usable `x-amz-date` / `Date` (missing or not parseable).
    #[error("{0}")]
    BadDate(String),
    /// Well-formed credential scope naming another region, service, day or
    /// terminator than this endpoint expects.
    #[error("{message}")]
    WrongScope {
        message: String,
        /// S3 words this differently ("The authorization header is malformed; ...").
        s3_message: String,
    },
    /// The access key id is not known to the [`crate::KeyLookup`].
    #[error("The security token included in the request is invalid.")]
    UnknownAccessKey { access_key_id: String },
    /// The recomputed signature differs from the one provided.
    #[error("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")]
    SignatureMismatch,
    /// The signed `x-amz-content-sha256` digest does not describe the body received.
    #[error("{0}")]
    ContentSha256Mismatch(String),
    /// The request declares a body the signature does not cover
    /// (`UNSIGNED-PAYLOAD`, `STREAMING-*`) to a verifier built with
    /// [`crate::Verifier::require_signed_payload`].
    #[error("{0}")]
    UnsignedPayload(String),
    /// Header-signed request dated too far from the server clock.
    #[error("{0}")]
    RequestTimeSkewed(String),
    /// Presigned URL used after `X-Amz-Date + X-Amz-Expires`, or before its date.
    #[error("{0}")]
    PresignExpired(String),
}

impl AuthError {
    /// AWS error code for JSON services such as EMR Serverless.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::MissingAuthentication => "MissingAuthenticationTokenException",
            AuthError::IncompleteSignature(_) | AuthError::MalformedPresign(_) | AuthError::BadDate(_) => {
                "IncompleteSignatureException"
            }
            AuthError::UnknownAccessKey { .. } => "UnrecognizedClientException",
            // AWS reports wrong region/service/date in the scope, clock skew and
            // body digest problems all as signature failures.
            // JSON services such as EMR hash the body themselves, so a request
            // signed over UNSIGNED-PAYLOAD fails there as a signature that
            // does not match: 403 InvalidSignatureException.
            AuthError::WrongScope { .. }
            | AuthError::SignatureMismatch
            | AuthError::ContentSha256Mismatch(_)
            | AuthError::UnsignedPayload(_)
            | AuthError::RequestTimeSkewed(_)
            | AuthError::PresignExpired(_) => "InvalidSignatureException",
        }
    }

    /// HTTP status AWS JSON services use with [`AuthError::code`].
    pub fn http_status(&self) -> u16 {
        match self {
            AuthError::IncompleteSignature(_) | AuthError::MalformedPresign(_) | AuthError::BadDate(_) => 400,
            _ => 403,
        }
    }

    /// S3 error code for the same failure.
    pub fn s3_code(&self) -> &'static str {
        match self {
            AuthError::MissingAuthentication => "AccessDenied",
            AuthError::IncompleteSignature(_) => "AuthorizationHeaderMalformed",
            AuthError::MalformedPresign(_) => "AuthorizationQueryParametersError",
            AuthError::BadDate(_) => "AccessDenied",
            AuthError::WrongScope { .. } => "AuthorizationHeaderMalformed",
            AuthError::UnknownAccessKey { .. } => "InvalidAccessKeyId",
            AuthError::SignatureMismatch => "SignatureDoesNotMatch",
            AuthError::ContentSha256Mismatch(_) => "XAmzContentSHA256Mismatch",
            // What S3 answers an x-amz-content-sha256 value it does not accept.
            AuthError::UnsignedPayload(_) => "InvalidArgument",
            AuthError::RequestTimeSkewed(_) => "RequestTimeTooSkewed",
            AuthError::PresignExpired(_) => "AccessDenied",
        }
    }

    /// HTTP status S3 uses with [`AuthError::s3_code`].
    pub fn s3_http_status(&self) -> u16 {
        match self {
            AuthError::IncompleteSignature(_)
            | AuthError::MalformedPresign(_)
            | AuthError::WrongScope { .. }
            | AuthError::ContentSha256Mismatch(_)
            | AuthError::UnsignedPayload(_) => 400,
            _ => 403,
        }
    }

    /// S3's message text, which differs from the JSON-service wording.
    pub fn s3_message(&self) -> String {
        match self {
            AuthError::MissingAuthentication => "Access Denied".to_string(),
            AuthError::IncompleteSignature(m)
            | AuthError::MalformedPresign(m)
            | AuthError::ContentSha256Mismatch(m)
            | AuthError::UnsignedPayload(m) => m.clone(),
            AuthError::BadDate(_) => {
                "AWS authentication requires a valid Date or x-amz-date header".to_string()
            }
            AuthError::WrongScope { s3_message, .. } => s3_message.clone(),
            AuthError::UnknownAccessKey { .. } => {
                "The AWS Access Key Id you provided does not exist in our records.".to_string()
            }
            AuthError::SignatureMismatch => "The request signature we calculated does not match the signature you provided. Check your key and signing method.".to_string(),
            AuthError::RequestTimeSkewed(_) => {
                "The difference between the request time and the current time is too large."
                    .to_string()
            }
            AuthError::PresignExpired(_) => "Request has expired".to_string(),
        }
    }
}
