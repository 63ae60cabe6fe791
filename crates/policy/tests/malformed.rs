//! Documents IAM refuses must be refused when they are put, with IAM's message where known.

use sparkplane_policy::{PolicyDocument, PolicyError};

#[derive(Clone, Copy)]
enum Kind {
    Identity,
    Resource,
}

/// (what is wrong, which parser, document, expected message).
const CASES: &[(&str, Kind, &str, &str)] = &[
    ("invalid JSON", Kind::Identity, r#"{"Version": "2012-10-17", "Statement": ["#, "Syntax errors in policy."),
    ("not an object", Kind::Identity, r#"["Allow"]"#, "Syntax errors in policy."),
    ("empty document", Kind::Identity, "{}", "Syntax errors in policy."),
    ("empty statement list", Kind::Identity, r#"{"Version": "2012-10-17", "Statement": []}"#, "Syntax errors in policy."),
    ("statement not an object", Kind::Identity, r#"{"Version": "2012-10-17", "Statement": ["Allow"]}"#, "Syntax errors in policy."),
    (
        "missing Effect",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Action": "s3:*", "Resource": "*"}}"#,
        "Missing required field Effect",
    ),
    (
        "bad Effect",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Permit", "Action": "s3:*", "Resource": "*"}}"#,
        "Invalid effect: Permit",
    ),
    (
        "Principal in identity policy",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}}"#,
        "Policy document should not specify a principal.",
    ),
    (
        "NotPrincipal in identity policy",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "NotPrincipal": {"AWS": "123456789012"}, "Action": "s3:*", "Resource": "*"}}"#,
        "Policy document should not specify a principal.",
    ),
    (
        "missing Principal in trust policy",
        Kind::Resource,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole"}}"#,
        "Missing required field Principal",
    ),
    (
        "unknown operator",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEqualz": {"aws:username": "a"}}}}"#,
        "Unsupported Condition operator: StringEqualz",
    ),
    (
        "bad numeric value",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": "ten"}}}}"#,
        "Invalid value for condition operator NumericLessThan: ten",
    ),
    (
        "bad date value",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"DateLessThan": {"aws:CurrentTime": "tomorrow"}}}}"#,
        "Invalid value for condition operator DateLessThan: tomorrow",
    ),
    (
        "bad IP value",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}}}}"#,
        "Invalid value for condition operator IpAddress: 10.0.0.0/33",
    ),
    (
        "bad Bool value",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "yes"}}}}"#,
        "Invalid value for condition operator Bool: yes",
    ),
    (
        "IfExists on Null",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"NullIfExists": {"aws:TokenIssueTime": "true"}}}}"#,
        "Unsupported Condition operator: NullIfExists",
    ),
    (
        "condition key without vendor",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"username": "a"}}}}"#,
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
    ),
    (
        "action without vendor",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "GetObject", "Resource": "*"}}"#,
        "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
    ),
    (
        "action with two colons",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:Get:Object", "Resource": "*"}}"#,
        "Actions/Condition can contain only one colon.",
    ),
    (
        "both Action and NotAction",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "NotAction": "iam:*", "Resource": "*"}}"#,
        "Syntax errors in policy.",
    ),
    (
        "neither Action nor NotAction",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Resource": "*"}}"#,
        "Policy statement must contain actions.",
    ),
    (
        "empty Action list",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": [], "Resource": "*"}}"#,
        "Policy statement must contain actions.",
    ),
    (
        "both Resource and NotResource",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "NotResource": "arn:aws:s3:::b"}}"#,
        "Syntax errors in policy.",
    ),
    (
        "identity statement without Resource",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*"}}"#,
        "Policy statement must contain resources.",
    ),
    (
        "resource not an ARN",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "my-bucket"}}"#,
        "Resource my-bucket must be in ARN format or \"*\".",
    ),
    (
        "unknown statement element",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Actions": "s3:*"}}"#,
        "Syntax errors in policy.",
    ),
    (
        "unknown top-level element",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statements": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#,
        "Syntax errors in policy.",
    ),
    (
        "invalid Version",
        Kind::Identity,
        r#"{"Version": "2012-10-18", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#,
        "Invalid Version",
    ),
    (
        "non-alphanumeric Sid",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Sid": "my statement", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#,
        "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
    ),
    (
        "duplicate Sid",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}, {"Sid": "A", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}"#,
        "Statement IDs (SID) in a single policy must be unique.",
    ),
    (
        "principal that is no ARN or account",
        Kind::Resource,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": {"AWS": "alice"}, "Action": "sts:AssumeRole"}}"#,
        "Invalid principal in policy: \"AWS\":\"alice\"",
    ),
    (
        "Action of the wrong type",
        Kind::Identity,
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": 7, "Resource": "*"}}"#,
        "Syntax errors in policy.",
    ),
];

#[test]
fn malformed_documents_are_refused() {
    let mut failures = Vec::new();
    for (what, kind, json, want) in CASES {
        let got = match kind {
            Kind::Identity => PolicyDocument::parse_identity(json),
            Kind::Resource => PolicyDocument::parse_resource(json),
        };
        match got {
            Err(PolicyError::Malformed(msg)) if msg == *want => {}
            Err(PolicyError::Malformed(msg)) => failures.push(format!("{what}: message {msg:?}, want {want:?}")),
            Ok(_) => failures.push(format!("{what}: accepted")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn lenient_forms_aws_accepts() {
    let ok = [
        // No Version: AWS takes it as 2008-10-17.
        r#"{"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}"#,
        r#"{"Version": "2008-10-17", "Id": "x", "Statement": [{"Effect": "Allow", "Action": ["s3:*"], "Resource": ["*"]}]}"#,
        // Numbers and booleans as condition values, as AWS's own examples write them.
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"NumericLessThan": {"s3:max-keys": 10}, "Bool": {"aws:SecureTransport": true}}}}"#,
        // Policy variables in Bool values are only checked at request time.
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*",
            "Condition": {"Bool": {"aws:SecureTransport": "${aws:ViaAWSService}"}}}}"#,
    ];
    for json in ok {
        if let Err(e) = PolicyDocument::parse_identity(json) {
            panic!("refused: {e}\n{json}");
        }
    }
    let doc = PolicyDocument::parse_identity(ok[0]).map(|d| d.version().to_string());
    assert_eq!(doc.as_deref(), Ok("2008-10-17"));
    // Resource policies of other services allow Sids with spaces.
    let bucket = r#"{"Version": "2012-10-17", "Statement": {"Sid": "Public read", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}}"#;
    assert!(PolicyDocument::parse_resource(bucket).is_ok());
}
