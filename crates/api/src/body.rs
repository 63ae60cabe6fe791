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
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        located_json_error(err.inner(), &path)
    })
}

/// The [`ApiError`] for a body that serde could not decode.
pub fn json_error(err: &serde_json::Error) -> ApiError {
    located_json_error(err, ".")
}

/// `path` is the member path serde was at (`.` for the top level), in the
/// model's camelCase names, e.g. `maximumCapacity.cpu`.
fn located_json_error(err: &serde_json::Error, path: &str) -> ApiError {
    let text = err.to_string();
    if err.classify() == Category::Data {
        // serde words this "missing field `name` at line 1 column 9".
        if let Some(field) = text.strip_prefix("missing field `").and_then(|rest| rest.split('`').next()) {
            let at = if path == "." { field.to_string() } else { format!("{path}.{field}") };
            return ApiError::validation(format!(
                "1 validation error detected: Value null at '{at}' failed to satisfy constraint: Member must not be null"
            ));
        }
        // "unknown variant `SPARC`, expected `ARM64` or `X86_64`": an enum
        // value outside the model's set, which AWS reports as a validation error.
        if let Some(rest) = text.strip_prefix("unknown variant `") {
            let value = rest.split('`').next().unwrap_or_default();
            let expected = rest.split_once("expected").map(|(_, e)| e).unwrap_or_default();
            let allowed: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
            return ApiError::validation(format!(
                "1 validation error detected: Value '{value}' at '{path}' failed to satisfy constraint: \
                 Member must satisfy enum value set: [{}]",
                allowed.join(", ")
            ));
        }
    }
    let location = if path == "." { String::new() } else { format!(" at '{path}'") };
    ApiError::serialization(format!("Invalid request body{location}: {text}"))
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
            "1 validation error detected: Value null at 'maximumCapacity.cpu' failed to satisfy constraint: Member must not be null"
        );
    }

    #[test]
    fn unknown_enum_value_is_validation_error_naming_the_member() {
        let body = br#"{"releaseLabel":"emr-7.9.0","type":"SPARK","clientToken":"t","architecture":"SPARC"}"#;
        let err = parse_json_body::<CreateApplicationRequest>(body).unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation);
        assert_eq!(
            err.message,
            "1 validation error detected: Value 'SPARC' at 'architecture' failed to satisfy constraint: \
             Member must satisfy enum value set: [ARM64, X86_64]"
        );
    }
}
