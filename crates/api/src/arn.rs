//! ARNs of EMR Serverless resources.
//!
//! Responses must carry ARNs in exactly AWS's format (clients and IAM
//! policies parse them), and the tagging operations address resources by
//! ARN, so building and taking them apart lives in one place.

use crate::error::ApiError;
use crate::validate::split_partition;

/// The resource an ARN names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ResourceRef {
    Application { app_id: String },
    JobRun { app_id: String, job_run_id: String },
    Session { app_id: String, session_id: String },
}

impl ResourceRef {
    /// Every EMR Serverless resource lives under an application.
    pub fn app_id(&self) -> &str {
        match self {
            ResourceRef::Application { app_id }
            | ResourceRef::JobRun { app_id, .. }
            | ResourceRef::Session { app_id, .. } => app_id,
        }
    }
}

/// A resource ARN with all of its parts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResourceArnParts {
    pub partition: String,
    pub region: String,
    pub account: String,
    pub resource: ResourceRef,
}

/// `arn:aws:emr-serverless:{region}:{account}:/applications/{app_id}`
pub fn application_arn(region: &str, account: &str, app_id: &str) -> String {
    format!("arn:aws:emr-serverless:{region}:{account}:/applications/{app_id}")
}

/// `arn:aws:emr-serverless:{region}:{account}:/applications/{app_id}/jobruns/{job_run_id}`
pub fn job_run_arn(region: &str, account: &str, app_id: &str, job_run_id: &str) -> String {
    format!("{}/jobruns/{job_run_id}", application_arn(region, account, app_id))
}

/// `arn:aws:emr-serverless:{region}:{account}:/applications/{app_id}/sessions/{session_id}`
pub fn session_arn(region: &str, account: &str, app_id: &str, session_id: &str) -> String {
    format!("{}/sessions/{session_id}", application_arn(region, account, app_id))
}

/// What the `ResourceArn` pattern captures, borrowed from the input.
pub(crate) struct ArnSlices<'a> {
    partition: &'a str,
    region: &'a str,
    account: &'a str,
    app_id: &'a str,
    child: Option<(&'a str, &'a str)>,
}

/// Matches the model's `ResourceArn` pattern (whole string) and splits it.
pub(crate) fn split_resource_arn(s: &str) -> Option<ArnSlices<'_>> {
    const APPS: &str = ":/applications/";
    let (partition, rest) = split_partition(s)?;
    let rest = rest.strip_prefix(":emr-serverless:")?;
    let alnum = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric());
    // The region is `.+`, so it may itself contain the marker; try each one.
    rest.match_indices(APPS).find_map(|(idx, _)| {
        let (region_colon, account) = rest[..idx].split_at_checked(idx.checked_sub(12)?)?;
        let region = region_colon.strip_suffix(':')?;
        let region_ok = !region.is_empty() && !region.contains(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']);
        if !region_ok || account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let tail = &rest[idx + APPS.len()..];
        let (app_id, child) = match tail.split_once('/') {
            None => (tail, None),
            Some((app, sub)) => {
                let (kind, id) = sub.split_once('/')?;
                if !(matches!(kind, "jobruns" | "sessions") && alnum(id)) {
                    return None;
                }
                (app, Some((kind, id)))
            }
        };
        alnum(app_id).then_some(ArnSlices { partition, region, account, app_id, child })
    })
}

/// Takes a resource ARN apart, checking it against the model's
/// `ResourceArn` shape (length and pattern).
pub fn parse_resource_arn_parts(arn: &str) -> Result<ResourceArnParts, ApiError> {
    crate::validate::validate_resource_arn(arn)?;
    let parts = split_resource_arn(arn).ok_or_else(|| ApiError::validation(format!("Invalid resource ARN '{arn}'")))?;
    let app_id = parts.app_id.to_owned();
    let resource = match parts.child {
        None => ResourceRef::Application { app_id },
        Some(("jobruns", id)) => ResourceRef::JobRun { app_id, job_run_id: id.to_owned() },
        Some((_, id)) => ResourceRef::Session { app_id, session_id: id.to_owned() },
    };
    Ok(ResourceArnParts {
        partition: parts.partition.to_owned(),
        region: parts.region.to_owned(),
        account: parts.account.to_owned(),
        resource,
    })
}

/// The resource a (valid) resource ARN names.
pub fn parse_resource_arn(arn: &str) -> Result<ResourceRef, ApiError> {
    parse_resource_arn_parts(arn).map(|p| p.resource)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "123456789012";

    #[test]
    fn builds_arns() {
        assert_eq!(
            application_arn("us-east-1", ACCOUNT, "00fabcdef1234567"),
            "arn:aws:emr-serverless:us-east-1:123456789012:/applications/00fabcdef1234567"
        );
        assert_eq!(
            job_run_arn("us-east-1", ACCOUNT, "00fabcdef1234567", "00fjob0000000001"),
            "arn:aws:emr-serverless:us-east-1:123456789012:/applications/00fabcdef1234567/jobruns/00fjob0000000001"
        );
    }

    #[test]
    fn parses_what_it_builds() {
        let app = application_arn("eu-west-1", ACCOUNT, "00fabcdef1234567");
        assert_eq!(parse_resource_arn(&app).unwrap(), ResourceRef::Application { app_id: "00fabcdef1234567".into() });
        let job = job_run_arn("eu-west-1", ACCOUNT, "00fabcdef1234567", "00fjob0000000001");
        let parts = parse_resource_arn_parts(&job).unwrap();
        assert_eq!(parts.region, "eu-west-1");
        assert_eq!(parts.account, ACCOUNT);
        assert_eq!(parts.partition, "aws");
        assert_eq!(
            parts.resource,
            ResourceRef::JobRun { app_id: "00fabcdef1234567".into(), job_run_id: "00fjob0000000001".into() }
        );
        assert_eq!(parts.resource.app_id(), "00fabcdef1234567");
        let session = session_arn("eu-west-1", ACCOUNT, "00fabcdef1234567", "00fsess000000001");
        assert!(matches!(parse_resource_arn(&session).unwrap(), ResourceRef::Session { .. }));
        let gov = "arn:aws-us-gov:emr-serverless:us-gov-west-1:123456789012:/applications/00fabcdef1234567";
        assert_eq!(parse_resource_arn_parts(gov).unwrap().partition, "aws-us-gov");
    }

    #[test]
    fn rejects_malformed_arns() {
        let base = "arn:aws:emr-serverless:us-east-1:123456789012:/applications/00fabcdef1234567";
        for bad in [
            "not-an-arn",
            &base.replace("emr-serverless", "emr-containers"),
            &base.replace("123456789012", "12345678901"),
            &base.replace("arn:aws:", "arn:azure:"),
            &format!("{base}/jobruns/"),
            &format!("{base}/steps/00fabc"),
            &format!("{base}/jobruns/abc/x"),
            &format!("{base}-x"),
            &base.replace(":us-east-1:", "::"),
        ] {
            let err = parse_resource_arn(bad).unwrap_err();
            assert_eq!(err.code, crate::ErrorCode::Validation, "{bad}");
        }
        let short = "arn:aws:emr-serverless:x:123456789012:/applications/a";
        assert!(parse_resource_arn(short)
            .unwrap_err()
            .message
            .contains("Member must have length greater than or equal to 60"));
    }
}
