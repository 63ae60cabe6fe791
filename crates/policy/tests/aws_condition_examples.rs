//! Table tests built from the condition-operator examples of AWS's IAM User Guide ("IAM JSON
//! policy elements: Condition operators" and the example pages that use them). Each entry names
//! its page; placeholders are filled in and expectations follow the page's explanation.

mod common;

use common::{by, check, run_cases, Case, ALLOW_ALL};
use sparkplane_policy::{Decision, Principal};

use Decision::{Allow, ExplicitDeny as Deny, ImplicitDeny as NoAllow};

const CASES: &[Case] = &[
    Case {
        // IAM User Guide: "IAM JSON policy elements: Condition operators", numeric example (s3:max-keys)
        page: "numeric condition operators",
        identity: &[r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:ListBucket",
            "Resource": "arn:aws:s3:::amzn-s3-demo-bucket", "Condition": {"NumericLessThanEquals": {"s3:max-keys": "10"}}}}"#],
        resource: &[],
        checks: &[
            check("s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket", &[("s3:max-keys", &["10"])], Allow),
            check("s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket", &[("s3:max-keys", &["2"])], Allow),
            check("s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket", &[("s3:max-keys", &["11"])], NoAllow),
            check("s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket", &[("s3:max-keys", &["ten"])], NoAllow),
            check("s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket", &[], NoAllow),
        ],
    },
    Case {
        // IAM User Guide: "IAM JSON policy elements: Condition operators", date example (aws:TokenIssueTime)
        page: "date condition operators",
        identity: &[r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:*AccessKey*",
            "Resource": "arn:aws:iam::111122223333:user/*", "Condition": {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:01Z"}}}}"#],
        resource: &[],
        checks: &[
            check(
                "iam:CreateAccessKey",
                "arn:aws:iam::111122223333:user/alice",
                &[("aws:TokenIssueTime", &["2020-01-01T00:00:02Z"])],
                Allow,
            ),
            check(
                "iam:ListAccessKeys",
                "arn:aws:iam::111122223333:user/alice",
                &[("aws:TokenIssueTime", &["2020-06-01"])],
                Allow,
            ),
            check(
                "iam:ListAccessKeys",
                "arn:aws:iam::111122223333:user/alice",
                &[("aws:TokenIssueTime", &["1600000000"])],
                Allow,
            ),
            check(
                "iam:CreateAccessKey",
                "arn:aws:iam::111122223333:user/alice",
                &[("aws:TokenIssueTime", &["2020-01-01T00:00:01Z"])],
                NoAllow,
            ),
            check(
                "iam:CreateAccessKey",
                "arn:aws:iam::111122223333:user/alice",
                &[("aws:TokenIssueTime", &["2019-12-31"])],
                NoAllow,
            ),
            check("iam:CreateAccessKey", "arn:aws:iam::111122223333:user/alice", &[], NoAllow),
            check(
                "iam:CreateUser",
                "arn:aws:iam::111122223333:user/alice",
                &[("aws:TokenIssueTime", &["2021-01-01"])],
                NoAllow,
            ),
        ],
    },
    Case {
        // IAM User Guide: "AWS: Allows access based on date and time"
        page: "allow between dates",
        identity: &[
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "service-prefix:action-name", "Resource": "*",
            "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-04-01T00:00:00Z"},
                          "DateLessThan": {"aws:CurrentTime": "2020-06-30T23:59:59Z"}}}]}"#,
        ],
        resource: &[],
        checks: &[
            check(
                "service-prefix:action-name",
                "arn:aws:x:::y",
                &[("aws:CurrentTime", &["2020-05-01T12:00:00Z"])],
                Allow,
            ),
            check(
                "service-prefix:action-name",
                "arn:aws:x:::y",
                &[("aws:CurrentTime", &["2020-07-01T00:00:00Z"])],
                NoAllow,
            ),
            check(
                "service-prefix:action-name",
                "arn:aws:x:::y",
                &[("aws:CurrentTime", &["2020-03-31T23:59:59Z"])],
                NoAllow,
            ),
            check(
                "service-prefix:action-name",
                "arn:aws:x:::y",
                &[("aws:CurrentTime", &["2020-04-01T02:00:00+01:00"])],
                Allow,
            ),
        ],
    },
    Case {
        // IAM User Guide: "IAM JSON policy elements: Condition operators", Boolean example (aws:SecureTransport)
        page: "bool condition operator",
        identity: &[r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "true"}}}}"#],
        resource: &[],
        checks: &[
            check("s3:GetObject", "arn:aws:s3:::b/k", &[("aws:SecureTransport", &["true"])], Allow),
            check("s3:GetObject", "arn:aws:s3:::b/k", &[("aws:SecureTransport", &["false"])], NoAllow),
            check("s3:GetObject", "arn:aws:s3:::b/k", &[("aws:SecureTransport", &["yes"])], NoAllow),
            check("s3:GetObject", "arn:aws:s3:::b/k", &[], NoAllow),
        ],
    },
    Case {
        // IAM User Guide: "IAM JSON policy elements: Condition operators", binary example. The page's key is a bare
        // `key`, which IAM itself would refuse for lack of a vendor; it is given one here.
        page: "binary condition operator",
        identity: &[
            r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"BinaryEquals": {"aws:key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}}}}"#,
        ],
        resource: &[],
        checks: &[
            check("s3:GetObject", "arn:aws:s3:::b/k", &[("aws:key", &["QmluYXJ5VmFsdWVJbkJhc2U2NA=="])], Allow),
            check("s3:GetObject", "arn:aws:s3:::b/k", &[("aws:key", &["QmluYXJ5VmFsdWVJbkJhc2U2NA"])], Allow),
            check("s3:GetObject", "arn:aws:s3:::b/k", &[("aws:key", &["aGk="])], NoAllow),
            check("s3:GetObject", "arn:aws:s3:::b/k", &[("aws:key", &["not base64!"])], NoAllow),
        ],
    },
    Case {
        // IAM User Guide: "IAM JSON policy elements: Condition operators", IP address examples (IPv4, then IPv4 and IPv6)
        page: "ip address condition operators",
        identity: &[r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:*", "Resource": "*",
            "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}}}}"#],
        resource: &[],
        checks: &[
            check("iam:ListUsers", "*", &[("aws:SourceIp", &["203.0.113.9"])], Allow),
            check("iam:ListUsers", "*", &[("aws:SourceIp", &["2001:db8:1234:5678:abcd::1"])], Allow),
            check("iam:ListUsers", "*", &[("aws:SourceIp", &["2001:db8:1234:5679::1"])], NoAllow),
            check("iam:ListUsers", "*", &[("aws:SourceIp", &["198.51.100.1"])], NoAllow),
            check("iam:ListUsers", "*", &[], NoAllow),
        ],
    },
    Case {
        // IAM User Guide: "IAM JSON policy elements: Condition operators", ARN example (SQS queue policy, aws:SourceArn)
        page: "arn condition operators",
        identity: &[],
        resource: &[
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "123456789012"},
            "Action": "SQS:SendMessage", "Resource": "arn:aws:sqs:us-east-1:123456789012:QUEUE-ID",
            "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:TOPIC-ID"}}}]}"#,
        ],
        checks: &[
            by(
                Principal::Aws("arn:aws:iam::123456789012:user/alice"),
                "sqs:SendMessage",
                "arn:aws:sqs:us-east-1:123456789012:QUEUE-ID",
                &[("aws:SourceArn", &["arn:aws:sns:us-east-1:123456789012:TOPIC-ID"])],
                Allow,
            ),
            by(
                Principal::Aws("arn:aws:iam::123456789012:user/alice"),
                "sqs:SendMessage",
                "arn:aws:sqs:us-east-1:123456789012:QUEUE-ID",
                &[("aws:SourceArn", &["arn:aws:sns:us-east-1:123456789012:OTHER"])],
                NoAllow,
            ),
            by(
                Principal::Aws("arn:aws:iam::999999999999:user/mallory"),
                "sqs:SendMessage",
                "arn:aws:sqs:us-east-1:123456789012:QUEUE-ID",
                &[("aws:SourceArn", &["arn:aws:sns:us-east-1:123456789012:TOPIC-ID"])],
                NoAllow,
            ),
        ],
    },
    Case {
        // IAM User Guide: "IAM JSON policy elements: Condition operators", Null example (only long-term credentials)
        page: "null condition operator",
        identity: &[r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*",
            "Condition": {"Null": {"aws:TokenIssueTime": "true"}}}}"#],
        resource: &[],
        checks: &[
            check("ec2:DescribeInstances", "*", &[], Allow),
            check("ec2:DescribeInstances", "*", &[("aws:TokenIssueTime", &["2020-01-01T00:00:00Z"])], NoAllow),
        ],
    },
    Case {
        // IAM User Guide: "IAM JSON policy elements: Condition operators", ...IfExists example (ec2:InstanceType)
        page: "ifexists condition operators",
        identity: &[
            r#"{"Version": "2012-10-17", "Statement": {"Sid": "THISPOLICYDOESNOTWORK", "Effect": "Allow", "Action": "ec2:RunInstances",
            "Resource": "*", "Condition": {"StringLikeIfExists": {"ec2:InstanceType": ["t1.*", "t2.*", "m3.*"]}}}}"#,
        ],
        resource: &[],
        checks: &[
            check(
                "ec2:RunInstances",
                "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
                &[("ec2:InstanceType", &["t2.micro"])],
                Allow,
            ),
            check(
                "ec2:RunInstances",
                "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
                &[("ec2:InstanceType", &["m5.large"])],
                NoAllow,
            ),
            // Other resources of RunInstances carry no instance type: IfExists lets them through.
            check("ec2:RunInstances", "arn:aws:ec2:us-east-1::image/ami-1", &[], Allow),
        ],
    },
    Case {
        // IAM User Guide: "IAM JSON policy elements: Condition operators", string example (aws:PrincipalTag/job-category)
        page: "string condition operators",
        identity: &[r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "iam:*AccessKey*",
            "Resource": "arn:aws:iam::111122223333:user/*", "Condition": {"StringEquals": {"aws:PrincipalTag/job-category": "iamuser-admin"}}}}"#],
        resource: &[],
        checks: &[
            check(
                "iam:CreateAccessKey",
                "arn:aws:iam::111122223333:user/alice",
                &[("aws:PrincipalTag/job-category", &["iamuser-admin"])],
                Allow,
            ),
            // Key names are case-insensitive, values are not.
            check(
                "iam:CreateAccessKey",
                "arn:aws:iam::111122223333:user/alice",
                &[("AWS:PRINCIPALTAG/Job-Category", &["iamuser-admin"])],
                Allow,
            ),
            check(
                "iam:CreateAccessKey",
                "arn:aws:iam::111122223333:user/alice",
                &[("aws:PrincipalTag/job-category", &["IAMUser-Admin"])],
                NoAllow,
            ),
            // The page: when the principal has no such tag the key is absent and the values do not match.
            check("iam:CreateAccessKey", "arn:aws:iam::111122223333:user/alice", &[], NoAllow),
        ],
    },
    Case {
        // IAM User Guide: "IAM JSON policy elements: Condition operators", the "Important" note: an absent key makes a
        // negated operator (StringNotLike, ArnNotLike, ...) true.
        page: "absent key with negated operators",
        identity: &[
            r#"{"Version": "2012-10-17", "Statement": [
                {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "data"}}},
                {"Effect": "Deny", "Action": "iam:*", "Resource": "*", "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin-*"}}}
            ]}"#,
            ALLOW_ALL,
        ],
        resource: &[],
        checks: &[
            check("s3:GetObject", "arn:aws:s3:::b/k", &[("aws:PrincipalTag/team", &["data"])], Allow),
            check("s3:GetObject", "arn:aws:s3:::b/k", &[("aws:PrincipalTag/team", &["web"])], Deny),
            check("s3:GetObject", "arn:aws:s3:::b/k", &[], Deny),
            check("iam:ListRoles", "*", &[("aws:PrincipalArn", &["arn:aws:iam::111122223333:role/admin-ops"])], Allow),
            check("iam:ListRoles", "*", &[("aws:PrincipalArn", &["arn:aws:iam::111122223333:user/admin-ops"])], Deny),
            check("iam:ListRoles", "*", &[], Deny),
        ],
    },
];

#[test]
fn aws_condition_operator_examples() {
    run_cases(CASES);
}
