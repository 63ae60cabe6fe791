//! The character rules of IAM's free-text members: policy documents,
//! descriptions and tags.
//!
//! Every response is XML, and XML 1.0 cannot carry most control characters
//! (a NUL least of all): a description stored with one would make every
//! later GetRole or ListPolicies unreadable to the SDKs. The model's
//! patterns (botocore `iam`) already exclude them for documents, role
//! descriptions and tags, so those are enforced as written. A managed
//! policy's description has no pattern in the model; there only what XML
//! cannot carry is refused, as the same ValidationError.

use crate::model::Tag;
use crate::IamError;

fn pattern_error(member: &str, pattern: &str) -> IamError {
    IamError::Validation(format!(
        "1 validation error detected: Value at '{member}' failed to satisfy constraint: \
         Member must satisfy regular expression pattern: {pattern}"
    ))
}

/// `policyDocumentType`: `[\u0009\u000A\u000D\u0020-\u00FF]+`.
pub(crate) fn check_document_chars(text: &str) -> Result<(), IamError> {
    let ok = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}');
    if !text.chars().all(ok) {
        return Err(pattern_error("policyDocument", "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"));
    }
    Ok(())
}

/// `roleDescriptionType`: `[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*`.
pub(crate) fn check_role_description(text: &str) -> Result<(), IamError> {
    let ok = |c: char| matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{a1}'..='\u{ff}');
    if !text.chars().all(ok) {
        return Err(pattern_error("description", "[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*"));
    }
    Ok(())
}

/// `policyDescriptionType`: at most 1000 characters, none that XML 1.0
/// cannot carry (C0 controls but tab, LF and CR; U+FFFE and U+FFFF).
pub(crate) fn check_policy_description(text: &str) -> Result<(), IamError> {
    if text.chars().count() > 1000 {
        return Err(IamError::Validation(
            "1 validation error detected: Value at 'description' failed to satisfy constraint: \
             Member must have length less than or equal to 1000"
                .to_string(),
        ));
    }
    let xml_char =
        |c: char| !matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}');
    if !text.chars().all(xml_char) {
        return Err(IamError::Validation(
            "1 validation error detected: Value at 'description' failed to satisfy constraint: \
             Member must not contain control characters"
                .to_string(),
        ));
    }
    Ok(())
}

/// `tagKeyType` / `tagValueType`: `[\p{L}\p{Z}\p{N}_.:/=+\-@]`, keys 1–128
/// characters, values 0–256.
pub(crate) fn check_tags(tags: &[Tag]) -> Result<(), IamError> {
    // \p{Z}: the space separators and the line and paragraph separators.
    let separator = |c: char| {
        matches!(
            c,
            ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
                ..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}'
        )
    };
    let ok = |c: char| c.is_alphabetic() || c.is_numeric() || separator(c) || "_.:/=+-@".contains(c);
    for tag in tags {
        let key_len = tag.key.chars().count();
        if !(1..=128).contains(&key_len) || !tag.key.chars().all(ok) {
            return Err(pattern_error("tags.member.key", "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+ (length 1 to 128)"));
        }
        if tag.value.chars().count() > 256 || !tag.value.chars().all(ok) {
            return Err(pattern_error("tags.member.value", "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]* (length 0 to 256)"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_take_latin1_and_whitespace_only() {
        assert!(check_document_chars("{\"Version\": \"2012-10-17\",\n\t\"Statement\": []}\r\n").is_ok());
        assert!(check_document_chars("{\"Sid\": \"caf\u{e9}\"}").is_ok());
        assert!(check_document_chars("{\"Sid\": \"a\u{0}b\"}").is_err());
        assert!(check_document_chars("{\"Sid\": \"\u{1f600}\"}").is_err());
    }

    #[test]
    fn descriptions_refuse_what_xml_cannot_carry() {
        assert!(check_role_description("Runtime role for EMR Serverless").is_ok());
        assert!(check_role_description("bad\u{0}").is_err());
        assert!(check_role_description("no DEL \u{7f}").is_err());
        assert!(check_policy_description("Grants access to \u{1f600} tables").is_ok());
        assert!(check_policy_description("bad\u{1}").is_err());
        assert!(check_policy_description(&"x".repeat(1001)).is_err());
    }

    #[test]
    fn tags_follow_the_model_pattern() {
        let tag = |k: &str, v: &str| Tag { key: k.into(), value: v.into() };
        assert!(check_tags(&[tag("team", "data eng"), tag("env:stage", ""), tag("Équipe", "données")]).is_ok());
        assert!(check_tags(&[tag("", "x")]).is_err());
        assert!(check_tags(&[tag("a\u{0}", "x")]).is_err());
        assert!(check_tags(&[tag("a", "semi;colon")]).is_err());
        assert!(check_tags(&[tag("a", &"v".repeat(257))]).is_err());
    }
}
