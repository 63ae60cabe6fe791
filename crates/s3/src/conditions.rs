//! Conditional request headers (If-Match and friends) on reads and copies.
//!
//! Hadoop S3A pins the ETag of an open input stream and re-reads ranges with
//! If-Match, so a file replaced mid-read fails loudly instead of mixing two
//! versions; download tools use If-None-Match/If-Modified-Since to skip
//! unchanged objects. The precedence follows RFC 9110 and S3.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use s3s::dto::{ETagCondition, Timestamp};
use s3s::{S3Error, S3ErrorCode};

use crate::meta::ObjectInfo;

/// The four conditional headers of one request.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Conditions<'a> {
    pub if_match: Option<&'a ETagCondition>,
    pub if_none_match: Option<&'a ETagCondition>,
    pub if_modified_since: Option<&'a Timestamp>,
    pub if_unmodified_since: Option<&'a Timestamp>,
}

fn matches(cond: &ETagCondition, etag: &str) -> bool {
    match cond {
        ETagCondition::Any => true,
        ETagCondition::ETag(e) => e.value() == etag,
    }
}

/// HTTP dates have one-second resolution, so compare at that resolution.
fn whole_seconds(t: SystemTime) -> Timestamp {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Timestamp::from(UNIX_EPOCH + Duration::from_secs(secs))
}

enum Outcome {
    Ok,
    PreconditionFailed,
    NotModified,
}

fn evaluate(c: &Conditions<'_>, info: &ObjectInfo) -> Outcome {
    let modified = whole_seconds(info.last_modified);
    match (c.if_match, c.if_unmodified_since) {
        (Some(cond), _) if !matches(cond, &info.etag) => return Outcome::PreconditionFailed,
        (None, Some(since)) if modified > *since => return Outcome::PreconditionFailed,
        _ => {}
    }
    match (c.if_none_match, c.if_modified_since) {
        (Some(cond), _) if matches(cond, &info.etag) => Outcome::NotModified,
        (None, Some(since)) if modified <= *since => Outcome::NotModified,
        _ => Outcome::Ok,
    }
}

/// GET/HEAD: 412 for failed If-Match/If-Unmodified-Since, 304 for the others.
pub(crate) fn check_read(c: &Conditions<'_>, info: &ObjectInfo) -> Result<(), S3Error> {
    match evaluate(c, info) {
        Outcome::Ok => Ok(()),
        Outcome::PreconditionFailed => Err(S3Error::with_message(
            S3ErrorCode::PreconditionFailed,
            "At least one of the pre-conditions you specified did not hold",
        )),
        Outcome::NotModified => Err(S3Error::new(S3ErrorCode::NotModified)),
    }
}

/// CopyObject/UploadPartCopy source conditions: every failure is a 412.
pub(crate) fn check_copy_source(c: &Conditions<'_>, info: &ObjectInfo) -> Result<(), S3Error> {
    match evaluate(c, info) {
        Outcome::Ok => Ok(()),
        Outcome::PreconditionFailed | Outcome::NotModified => Err(S3Error::with_message(
            S3ErrorCode::PreconditionFailed,
            "At least one of the pre-conditions you specified did not hold",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::Headers;
    use s3s::dto::ETag;

    fn info() -> ObjectInfo {
        ObjectInfo {
            size: 1,
            last_modified: UNIX_EPOCH + Duration::from_millis(1_000_500),
            etag: "abc".into(),
            headers: Headers::default(),
        }
    }

    fn code(r: Result<(), S3Error>) -> Option<S3ErrorCode> {
        r.err().map(|e| e.code().clone())
    }

    #[test]
    fn precedence() {
        let good = ETagCondition::ETag(ETag::Strong("abc".into()));
        let bad = ETagCondition::ETag(ETag::Strong("xyz".into()));
        let at = Timestamp::from(UNIX_EPOCH + Duration::from_secs(1000));
        let before = Timestamp::from(UNIX_EPOCH + Duration::from_secs(10));
        let i = info();

        assert_eq!(code(check_read(&Conditions { if_match: Some(&good), ..Default::default() }, &i)), None);
        let c = Conditions { if_match: Some(&bad), ..Default::default() };
        assert_eq!(code(check_read(&c, &i)), Some(S3ErrorCode::PreconditionFailed));
        // If-Match wins over If-Unmodified-Since.
        let c = Conditions { if_match: Some(&good), if_unmodified_since: Some(&before), ..Default::default() };
        assert_eq!(code(check_read(&c, &i)), None);
        let c = Conditions { if_unmodified_since: Some(&before), ..Default::default() };
        assert_eq!(code(check_read(&c, &i)), Some(S3ErrorCode::PreconditionFailed));

        let c = Conditions { if_none_match: Some(&good), ..Default::default() };
        assert_eq!(code(check_read(&c, &i)), Some(S3ErrorCode::NotModified));
        assert_eq!(code(check_copy_source(&c, &i)), Some(S3ErrorCode::PreconditionFailed));
        // Sub-second mtimes compare equal to the same HTTP date.
        let c = Conditions { if_modified_since: Some(&at), ..Default::default() };
        assert_eq!(code(check_read(&c, &i)), Some(S3ErrorCode::NotModified));
        let c = Conditions { if_modified_since: Some(&before), ..Default::default() };
        assert_eq!(code(check_read(&c, &i)), None);
    }
}
