//! Decoding of request bodies into the wire types.
//!
//! serde's errors are accurate but not in AWS's vocabulary; this maps them
//! onto the two exceptions a real endpoint would return: a body that is not
//! JSON (or not an object of the right shape) is a SerializationException,
//! a missing required member is a ValidationException.

use crate::error::ApiError;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

/// Parses a JSON request body. An empty (or all-whitespace) body is read as
/// `{}`, since botocore omits the body when no body member is set.
pub fn parse_json_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { body };
    serde_json::from_slice(body).map_err(|e| json_error(&e))
}

/// The [`ApiError`] for a body that serde could not decode.
pub fn json_error(err: &serde_json::Error) -> ApiError {
    let text = err.to_string();
    if err.classify() == Category::Data {
        // serde words this "missing field `name` at line 1 column 9".
        if let Some(field) = text.strip_prefix("missing field `").and_then(|rest| rest.split('`').next()) {
            return ApiError::validation(format!(
                "1 validation error detected: Value null at '{field}' failed to satisfy constraint: Member must not be null"
            ));
        }
    }
    ApiError::serialization(format!("Invalid request body: {text}"))
}

impl From<serde_json::Error> for ApiError {
    fn from(err: serde_json::Error) -> Self {
        json_error(&err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CreateApplicationRequest, ErrorCode, TagResourceRequest};

    #[test]
    fn empty_body_is_empty_object() {
        let req: TagResourceRequest = parse_json_body(b"").unwrap();
        assert_eq!(req, TagResourceRequest::default());
        let req: TagResourceRequest = parse_json_body(b"  \n").unwrap();
        assert_eq!(req.tags, None);
    }

    #[test]
    fn malformed_json_is_serialization_error() {
        let err = parse_json_body::<TagResourceRequest>(b"{\"tags\": ").unwrap_err();
        assert_eq!(err.code, ErrorCode::SerializationException);
        let err = parse_json_body::<TagResourceRequest>(b"{\"tags\": 5}").unwrap_err();
        assert_eq!(err.code, ErrorCode::SerializationException);
        assert!(err.message.contains("invalid type"), "{}", err.message);
    }

    #[test]
    fn missing_nested_required_member_is_validation_error() {
        let body = br#"{"releaseLabel":"emr-7.9.0","type":"SPARK","clientToken":"t",
            "maximumCapacity":{"memory":"16GB"}}"#;
        let err = parse_json_body::<CreateApplicationRequest>(body).unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation);
        assert_eq!(
            err.message,
            "1 validation error detected: Value null at 'cpu' failed to satisfy constraint: Member must not be null"
        );
    }
}
