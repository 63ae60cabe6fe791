//! Table tests built from the example policies of AWS's IAM and S3 documentation: home
//! folders, IP and MFA denies, NotAction/NotResource, set qualifiers, policy variables, and
//! Principal/NotPrincipal in resource policies. Each entry names its page; placeholders are
//! filled in and expectations follow the page's explanation of what the policy does.

mod common;

use common::{by, check, run_cases, Case, ALLOW_ALL};
use sparkplane_policy::{Decision, Principal};

use Decision::{Allow, ExplicitDeny as Deny, ImplicitDeny as NoAllow};

const CASES: &[Case] = &[
    Case {
        // IAM User Guide: "Amazon S3: Allows IAM users access to their S3 home directory, programmatically and in the console"
        page: "s3 home directory",
        identity: &[r#"{
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "S3ConsoleAccess", "Effect": "Allow",
                 "Action": ["s3:GetAccountPublicAccessBlock", "s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetBucketPolicyStatus",
                            "s3:GetBucketPublicAccessBlock", "s3:ListAccessPoints", "s3:ListAllMyBuckets"],
                 "Resource": "*"},
                {"Sid": "ListObjectsInBucket", "Effect": "Allow", "Action": "s3:ListBucket",
                 "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket"],
                 "Condition": {"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/*"]}}},
                {"Sid": "AllowAllS3ActionsInUserFolder", "Effect": "Allow", "Action": "s3:*",
                 "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket/home/${aws:username}/*"]}
            ]}"#],
        resource: &[],
        checks: &[
            check(
                "s3:GetObject",
                "arn:aws:s3:::amzn-s3-demo-bucket/home/alice/notes.txt",
                &[("aws:username", &["alice"])],
                Allow,
            ),
            check(
                "s3:PutObject",
                "arn:aws:s3:::amzn-s3-demo-bucket/home/alice/a/b",
                &[("aws:username", &["alice"])],
                Allow,
            ),
            check(
                "s3:GetObject",
                "arn:aws:s3:::amzn-s3-demo-bucket/home/bob/notes.txt",
                &[("aws:username", &["alice"])],
                NoAllow,
            ),
            check(
                "s3:ListBucket",
                "arn:aws:s3:::amzn-s3-demo-bucket",
                &[("aws:username", &["alice"]), ("s3:prefix", &["home/alice/"])],
                Allow,
            ),
            check(
                "s3:ListBucket",
                "arn:aws:s3:::amzn-s3-demo-bucket",
                &[("aws:username", &["alice"]), ("s3:prefix", &["home/bob/"])],
                NoAllow,
            ),
            check(
                "s3:ListBucket",
                "arn:aws:s3:::amzn-s3-demo-bucket",
                &[("aws:username", &["alice"]), ("s3:prefix", &[""])],
                Allow,
            ),
            check("s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket", &[("aws:username", &["alice"])], NoAllow),
            // The page warns the policy does not work for roles: aws:username is absent there.
            check("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/home/alice/notes.txt", &[], NoAllow),
            check("s3:ListAllMyBuckets", "arn:aws:s3:::*", &[], Allow),
        ],
    },
    Case {
        // IAM User Guide: "AWS: Denies access to AWS based on the source IP" (with an allow-all policy beside it)
        page: "deny by source ip",
        identity: &[
            r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "*",
                "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]},
                              "Bool": {"aws:ViaAWSService": "false"}}}}"#,
            ALLOW_ALL,
        ],
        resource: &[],
        checks: &[
            check(
                "s3:GetObject",
                "arn:aws:s3:::b/k",
                &[("aws:SourceIp", &["192.0.2.10"]), ("aws:ViaAWSService", &["false"])],
                Allow,
            ),
            check(
                "s3:GetObject",
                "arn:aws:s3:::b/k",
                &[("aws:SourceIp", &["203.0.113.255"]), ("aws:ViaAWSService", &["false"])],
                Allow,
            ),
            check(
                "s3:GetObject",
                "arn:aws:s3:::b/k",
                &[("aws:SourceIp", &["198.51.100.1"]), ("aws:ViaAWSService", &["false"])],
                Deny,
            ),
            check(
                "s3:GetObject",
                "arn:aws:s3:::b/k",
                &[("aws:SourceIp", &["2001:db8::1"]), ("aws:ViaAWSService", &["false"])],
                Deny,
            ),
            // Requests an AWS service makes on the caller's behalf are not denied.
            check(
                "s3:GetObject",
                "arn:aws:s3:::b/k",
                &[("aws:SourceIp", &["198.51.100.1"]), ("aws:ViaAWSService", &["true"])],
                Allow,
            ),
        ],
    },
    Case {
        // IAM User Guide: "IAM JSON policy elements: NotAction" (deny everything but MFA set-up without MFA), beside an allow-all
        page: "notaction with deny",
        identity: &[
            r#"{"Version": "2012-10-17", "Statement": [{"Sid": "DenyAllUsersNotUsingMFA", "Effect": "Deny",
                "NotAction": ["iam:CreateVirtualMFADevice", "iam:EnableMFADevice", "iam:ListMFADevices", "iam:ListUsers",
                              "iam:ListVirtualMFADevices", "iam:ResyncMFADevice", "sts:GetSessionToken"],
                "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}]}"#,
            ALLOW_ALL,
        ],
        resource: &[],
        checks: &[
            check("s3:GetObject", "arn:aws:s3:::b/k", &[], Deny),
            check("s3:GetObject", "arn:aws:s3:::b/k", &[("aws:MultiFactorAuthPresent", &["false"])], Deny),
            check("s3:GetObject", "arn:aws:s3:::b/k", &[("aws:MultiFactorAuthPresent", &["true"])], Allow),
            check("iam:EnableMFADevice", "arn:aws:iam::111122223333:mfa/alice", &[], Allow),
            check("sts:getsessiontoken", "*", &[], Allow),
        ],
    },
    Case {
        // IAM User Guide: "IAM JSON policy elements: NotAction" (allow everything except IAM)
        page: "notaction with allow",
        identity: &[
            r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}"#,
        ],
        resource: &[],
        checks: &[
            check("s3:GetObject", "arn:aws:s3:::b/k", &[], Allow),
            check(
                "emr-serverless:StartJobRun",
                "arn:aws:emr-serverless:us-east-1:111122223333:/applications/a",
                &[],
                Allow,
            ),
            check("iam:CreateUser", "arn:aws:iam::111122223333:user/x", &[], NoAllow),
            check("IAM:PassRole", "arn:aws:iam::111122223333:role/x", &[], NoAllow),
        ],
    },
    Case {
        // IAM User Guide: "IAM JSON policy elements: NotResource" (deny all S3 outside the payroll folder), beside an allow-all
        page: "notresource",
        identity: &[
            r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:*",
                "NotResource": ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"]}}"#,
            ALLOW_ALL,
        ],
        resource: &[],
        checks: &[
            check("s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/2020.csv", &[], Allow),
            check("s3:GetObject", "arn:aws:s3:::HRBucket/Other/x", &[], Deny),
            // Resources are case-sensitive.
            check("s3:GetObject", "arn:aws:s3:::hrbucket/payroll/2020.csv", &[], Deny),
            check("ec2:RunInstances", "*", &[], Allow),
        ],
    },
    Case {
        // IAM User Guide: "Multivalued context key examples" (deny tagging when every tag key matches key1*)
        page: "forallvalues deny",
        identity: &[
            r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": ["iam:Tag*", "iam:UnTag*"], "Resource": ["*"],
                "Condition": {"ForAllValues:StringLike": {"aws:TagKeys": "key1*"}}}}"#,
            ALLOW_ALL,
        ],
        resource: &[],
        checks: &[
            check("iam:TagUser", "arn:aws:iam::111122223333:user/a", &[("aws:TagKeys", &["key1a"])], Deny),
            check("iam:TagUser", "arn:aws:iam::111122223333:user/a", &[("aws:TagKeys", &["key1a", "key1b"])], Deny),
            check("iam:TagUser", "arn:aws:iam::111122223333:user/a", &[("aws:TagKeys", &["key1a", "key2"])], Allow),
            // The page: ForAllValues also returns true when the key is absent from the request.
            check("iam:TagUser", "arn:aws:iam::111122223333:user/a", &[], Deny),
            check("iam:UntagUser", "arn:aws:iam::111122223333:user/a", &[("aws:TagKeys", &["key2"])], Allow),
        ],
    },
    Case {
        // IAM User Guide: "Single-valued vs. multivalued context keys" / "Controlling access to AWS resources using tags":
        // allow tagging only with approved keys (ForAllValues) and require one of them (ForAnyValue)
        page: "forallvalues and foranyvalue allow",
        identity: &[r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
             "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["environment", "cost-center"]},
                           "ForAnyValue:StringEquals": {"aws:TagKeys": "environment"}}}]}"#],
        resource: &[],
        checks: &[
            check(
                "ec2:CreateTags",
                "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
                &[("aws:TagKeys", &["environment"])],
                Allow,
            ),
            check(
                "ec2:CreateTags",
                "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
                &[("aws:TagKeys", &["environment", "cost-center"])],
                Allow,
            ),
            check(
                "ec2:CreateTags",
                "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
                &[("aws:TagKeys", &["environment", "owner"])],
                NoAllow,
            ),
            check(
                "ec2:CreateTags",
                "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
                &[("aws:TagKeys", &["cost-center"])],
                NoAllow,
            ),
            // ForAnyValue with the key absent is false.
            check("ec2:CreateTags", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", &[], NoAllow),
        ],
    },
    Case {
        // IAM User Guide: "IAM policy elements: Variables and tags" (default values, and special characters ${*} ${?} ${$})
        page: "policy variables",
        identity: &[r#"{"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/${aws:PrincipalTag/team, 'company-wide'}/*"},
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/literal${*}${?}${$}"}
        ]}"#],
        resource: &[],
        checks: &[
            check(
                "s3:GetObject",
                "arn:aws:s3:::amzn-s3-demo-bucket/data/x",
                &[("aws:PrincipalTag/team", &["data"])],
                Allow,
            ),
            check(
                "s3:GetObject",
                "arn:aws:s3:::amzn-s3-demo-bucket/web/x",
                &[("aws:PrincipalTag/team", &["data"])],
                NoAllow,
            ),
            check("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/company-wide/x", &[], Allow),
            check("s3:PutObject", "arn:aws:s3:::amzn-s3-demo-bucket/literal*?$", &[], Allow),
            check("s3:PutObject", "arn:aws:s3:::amzn-s3-demo-bucket/literalab$", &[], NoAllow),
        ],
    },
    Case {
        // IAM User Guide: "IAM JSON policy elements: Version": without 2012-10-17, ${aws:username} is literal text
        page: "version 2008-10-17 keeps variables literal",
        identity: &[r#"{"Version": "2008-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*",
            "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/${aws:username}/*"}}"#],
        resource: &[],
        checks: &[
            check("s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/alice/x", &[("aws:username", &["alice"])], NoAllow),
            check(
                "s3:GetObject",
                "arn:aws:s3:::amzn-s3-demo-bucket/${aws:username}/x",
                &[("aws:username", &["alice"])],
                Allow,
            ),
        ],
    },
    Case {
        // IAM User Guide: "IAM JSON policy elements: Principal" (account principal, and a list of service principals)
        page: "principal element",
        identity: &[],
        resource: &[r#"{"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"},
                {"Effect": "Allow", "Principal": {"Service": ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com"]}, "Action": "sts:AssumeRole"}
            ]}"#],
        checks: &[
            by(
                Principal::Aws("arn:aws:iam::123456789012:user/alice"),
                "sts:AssumeRole",
                "arn:aws:iam::123456789012:role/r",
                &[],
                Allow,
            ),
            by(
                Principal::Aws("arn:aws:sts::123456789012:assumed-role/other/session"),
                "sts:AssumeRole",
                "arn:aws:iam::123456789012:role/r",
                &[],
                Allow,
            ),
            by(
                Principal::Aws("arn:aws:iam::123456789012:root"),
                "sts:AssumeRole",
                "arn:aws:iam::123456789012:role/r",
                &[],
                Allow,
            ),
            by(
                Principal::Aws("arn:aws:iam::111122223333:user/alice"),
                "sts:AssumeRole",
                "arn:aws:iam::123456789012:role/r",
                &[],
                NoAllow,
            ),
            by(
                Principal::Service("ecs.amazonaws.com"),
                "sts:AssumeRole",
                "arn:aws:iam::123456789012:role/r",
                &[],
                Allow,
            ),
            by(
                Principal::Service("ec2.amazonaws.com"),
                "sts:AssumeRole",
                "arn:aws:iam::123456789012:role/r",
                &[],
                NoAllow,
            ),
            by(Principal::Anonymous, "sts:AssumeRole", "arn:aws:iam::123456789012:role/r", &[], NoAllow),
        ],
    },
    Case {
        // IAM User Guide: "IAM JSON policy elements: NotPrincipal" (deny everyone but Bob, listing Bob and his account)
        page: "notprincipal",
        identity: &[],
        resource: &[r#"{"Version": "2012-10-17", "Statement": [
                {"Effect": "Deny", "NotPrincipal": {"AWS": ["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]},
                 "Action": "s3:*", "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"]},
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*"}
            ]}"#],
        checks: &[
            by(
                Principal::Aws("arn:aws:iam::444455556666:user/Bob"),
                "s3:GetObject",
                "arn:aws:s3:::amzn-s3-demo-bucket/k",
                &[],
                Allow,
            ),
            by(
                Principal::Aws("arn:aws:iam::444455556666:user/Alice"),
                "s3:GetObject",
                "arn:aws:s3:::amzn-s3-demo-bucket/k",
                &[],
                Deny,
            ),
            by(Principal::Anonymous, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/k", &[], Deny),
            by(
                Principal::Aws("arn:aws:iam::444455556666:user/Bob"),
                "s3:GetObject",
                "arn:aws:s3:::other/k",
                &[],
                NoAllow,
            ),
        ],
    },
    Case {
        // Amazon S3 User Guide: "Bucket policies for Amazon S3" / "Examples of Amazon S3 bucket policies": deny requests
        // that do not use HTTPS (aws:SecureTransport false), beside a public-read statement
        page: "s3 bucket policy secure transport",
        identity: &[],
        resource: &[r#"{"Version": "2012-10-17", "Statement": [
                {"Sid": "RestrictToTLSRequestsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                 "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
                 "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
                {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": ["s3:GetObject", "s3:GetObjectVersion"],
                 "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket/*"]}
            ]}"#],
        checks: &[
            by(
                Principal::Anonymous,
                "s3:GetObject",
                "arn:aws:s3:::amzn-s3-demo-bucket/k",
                &[("aws:SecureTransport", &["true"])],
                Allow,
            ),
            by(
                Principal::Anonymous,
                "s3:GetObject",
                "arn:aws:s3:::amzn-s3-demo-bucket/k",
                &[("aws:SecureTransport", &["false"])],
                Deny,
            ),
            by(
                Principal::Anonymous,
                "s3:PutObject",
                "arn:aws:s3:::amzn-s3-demo-bucket/k",
                &[("aws:SecureTransport", &["true"])],
                NoAllow,
            ),
        ],
    },
];

#[test]
fn aws_policy_examples() {
    run_cases(CASES);
}
