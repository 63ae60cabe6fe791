//! The service's error vocabulary.
//!
//! Every failure that reaches a client must carry one of the error codes the
//! EMR Serverless model (or the AWS front door in general) declares, with the
//! HTTP status the SDKs expect, so that botocore can map it back to the right
//! exception class. Everything in this crate that can fail returns [`ApiError`].

use serde_json::{json, Value};
use std::fmt;

/// Error codes a client can observe. The string forms are what botocore
/// matches on (`x-amzn-ErrorType` header), so they must never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    Validation,
    ResourceNotFound,
    Conflict,
    InternalServer,
    ServiceQuotaExceeded,
    MissingAuthenticationToken,
    IncompleteSignature,
    InvalidSignature,
    UnrecognizedClient,
    AccessDenied,
    ExpiredToken,
    UnknownOperation,
    SerializationException,
}

impl ErrorCode {
    /// The wire name of the error type.
    pub fn as_str(&self) -> &'static str {
        match self {
            ErrorCode::Validation => "ValidationException",
            ErrorCode::ResourceNotFound => "ResourceNotFoundException",
            ErrorCode::Conflict => "ConflictException",
            ErrorCode::InternalServer => "InternalServerException",
            ErrorCode::ServiceQuotaExceeded => "ServiceQuotaExceededException",
            ErrorCode::MissingAuthenticationToken => "MissingAuthenticationTokenException",
            ErrorCode::IncompleteSignature => "IncompleteSignatureException",
            ErrorCode::InvalidSignature => "InvalidSignatureException",
            ErrorCode::UnrecognizedClient => "UnrecognizedClientException",
            ErrorCode::AccessDenied => "AccessDeniedException",
            ErrorCode::ExpiredToken => "ExpiredTokenException",
            ErrorCode::UnknownOperation => "UnknownOperationException",
            ErrorCode::SerializationException => "SerializationException",
        }
    }

    /// HTTP status. The modelled exceptions use the statuses from the model
    /// (note the unusual 402 for quota errors); the authentication family is
    /// what the AWS front door returns.
    pub fn http_status(&self) -> u16 {
        match self {
            ErrorCode::Validation => 400,
            ErrorCode::ResourceNotFound => 404,
            ErrorCode::Conflict => 409,
            ErrorCode::InternalServer => 500,
            ErrorCode::ServiceQuotaExceeded => 402,
            ErrorCode::MissingAuthenticationToken
            | ErrorCode::IncompleteSignature
            | ErrorCode::InvalidSignature
            | ErrorCode::UnrecognizedClient
            | ErrorCode::AccessDenied
            | ErrorCode::ExpiredToken => 403,
            ErrorCode::UnknownOperation => 404,
            ErrorCode::SerializationException => 400,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error destined for the client: a code plus a human readable message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into() }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Validation, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ResourceNotFound, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InternalServer, message)
    }

    pub fn quota_exceeded(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ServiceQuotaExceeded, message)
    }

    pub fn serialization(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::SerializationException, message)
    }

    /// Convenience for [`ErrorCode::http_status`].
    pub fn http_status(&self) -> u16 {
        self.code.http_status()
    }

    /// The JSON body of a rest-json error response. The error type itself
    /// travels in the `x-amzn-ErrorType` header (see [`ErrorCode::as_str`]).
    pub fn body(&self) -> Value {
        json!({ "message": self.message })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_model() {
        assert_eq!(ErrorCode::Validation.http_status(), 400);
        assert_eq!(ErrorCode::ResourceNotFound.http_status(), 404);
        assert_eq!(ErrorCode::Conflict.http_status(), 409);
        assert_eq!(ErrorCode::InternalServer.http_status(), 500);
        assert_eq!(ErrorCode::ServiceQuotaExceeded.http_status(), 402);
        assert_eq!(ErrorCode::InvalidSignature.http_status(), 403);
        assert_eq!(ErrorCode::UnknownOperation.http_status(), 404);
        assert_eq!(ErrorCode::SerializationException.http_status(), 400);
    }

    #[test]
    fn body_and_display() {
        let e = ApiError::not_found("Application abc does not exist");
        assert_eq!(e.code.as_str(), "ResourceNotFoundException");
        assert_eq!(e.body(), json!({"message": "Application abc does not exist"}));
        assert_eq!(e.to_string(), "ResourceNotFound: Application abc does not exist");
    }
}
