//! The seam between request handlers and IAM state: handlers ask an [`Authorizer`] and turn a
//! [`Denied`] into AWS's AccessDenied message. Defined here so that the S3 endpoint and the API
//! server can depend on this small pure crate only.

use crate::context::Context;

/// Who answers authorization questions at request time (implemented elsewhere, over IAM state).
pub trait Authorizer: Send + Sync {
    /// `access_key_id`: the key the request was signed with. `context`: request-specific keys
    /// (s3:prefix, aws:SourceIp, aws:RequestTag/..., aws:ResourceTag/...); the implementation
    /// adds the principal's own keys (aws:username, aws:PrincipalArn, aws:CurrentTime, ...).
    fn authorize(&self, access_key_id: &str, action: &str, resource: &str, context: &Context) -> Result<(), Denied>;

    /// Checks the `x-amz-security-token` of a request signed with
    /// temporary credentials: a signature alone proves the secret, the
    /// token proves the session is the one issued (and not expired). Keys
    /// that are not temporary need no token.
    fn check_session_token(&self, _access_key_id: &str, _token: Option<&str>) -> Result<(), TokenError> {
        Ok(())
    }
}

/// Why a temporary credential's token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Temporary credentials used without their token, or with another one.
    Invalid,
    /// The session ended: its expiry passed or its attempt finished.
    Expired,
}

impl TokenError {
    /// AWS's message for the JSON and XML services alike.
    pub fn message(self) -> &'static str {
        match self {
            TokenError::Invalid => "The security token included in the request is invalid.",
            TokenError::Expired => "The security token included in the request is expired",
        }
    }
}

/// A refusal: who was refused, and whether a Deny statement (rather than no Allow) did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    pub principal_arn: String,
    pub explicit: bool,
}

impl Denied {
    /// AWS's message form, e.g. "User: arn:aws:iam::123456789012:user/alice is not authorized
    /// to perform: emr-serverless:StartJobRun on resource: arn:... because no identity-based
    /// policy allows the emr-serverless:StartJobRun action".
    pub fn message(&self, action: &str, resource: &str) -> String {
        let why = if self.explicit {
            "with an explicit deny in an identity-based policy".to_string()
        } else {
            format!("because no identity-based policy allows the {action} action")
        };
        format!("User: {} is not authorized to perform: {action} on resource: {resource} {why}", self.principal_arn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_follow_aws() {
        let d = Denied { principal_arn: "arn:aws:iam::123456789012:user/alice".into(), explicit: false };
        assert_eq!(
            d.message("emr-serverless:StartJobRun", "arn:aws:emr-serverless:us-east-1:123456789012:/applications/a"),
            "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: emr-serverless:StartJobRun on resource: arn:aws:emr-serverless:us-east-1:123456789012:/applications/a because no identity-based policy allows the emr-serverless:StartJobRun action"
        );
        let d = Denied { explicit: true, ..d };
        assert_eq!(
            d.message("s3:GetObject", "arn:aws:s3:::b/k"),
            "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::b/k with an explicit deny in an identity-based policy"
        );
    }
}
