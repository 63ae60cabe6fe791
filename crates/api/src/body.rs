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
    let parsed = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        located_json_error(err.inner(), &path)
    })?;
    if has_nul_escape(body) {
        // PostgreSQL's JSONB cannot hold U+0000, so a request the SQLite
        // store would keep fails there: refused up front on both, rather
        // than an internal error on one.
        return Err(ApiError::validation(
            "1 validation error detected: a string member contains the NUL character (\\u0000), \
             which no member may hold",
        ));
    }
    Ok(parsed)
}

/// Whether valid JSON `body` has a `\u0000` escape in a string. Escapes
/// are read pairwise, so an escaped backslash followed by `u0000` (the
/// text `\\u0000`) is not one. Raw NUL bytes are not valid JSON: serde
/// refuses them before this runs.
fn has_nul_escape(body: &[u8]) -> bool {
    let mut i = 0;
    while i < body.len() {
        if body[i] == b'\\' {
            if body.get(i + 1) == Some(&b'u') && body.get(i + 2..i + 6) == Some(b"0000".as_slice()) {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
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
    fn a_nul_character_in_any_string_is_refused() {
        let err = parse_json_body::<CreateApplicationRequest>(
            br#"{"name":"a\u0000b","releaseLabel":"emr-7.0.0","type":"SPARK"}"#,
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::Validation);
        assert!(err.message.contains("NUL"), "{}", err.message);
        // An escaped backslash before `u0000` is text, not a NUL.
        let ok = parse_json_body::<CreateApplicationRequest>(
            br#"{"name":"a\\u0000b","releaseLabel":"emr-7.0.0","type":"SPARK"}"#,
        )
        .unwrap();
        assert_eq!(ok.name.as_deref(), Some("a\\u0000b"));
        assert!(!has_nul_escape(br#"{"k":"\\\\","u":"0000"}"#));
        assert!(has_nul_escape(br#"{"k":"\\\u0000"}"#));
    }

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
