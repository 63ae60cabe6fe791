//! Behaviours where AWS's documentation leaves room and this crate had to choose; each test
//! states the choice so that a change to it is deliberate.

mod common;

use common::{context, decide, identity};
use sparkplane_policy::Decision::{self, Allow, ExplicitDeny, ImplicitDeny};

fn one(policy: &str, action: &str, resource: &str, ctx: &[(&str, &[&str])]) -> Decision {
    let doc = identity(policy);
    decide(&[&doc], action, resource, None, &context(ctx))
}

#[test]
fn unresolvable_variable_in_not_resource_does_not_widen() {
    // With no aws:username the NotResource entry cannot be built; the statement is skipped
    // rather than treated as "excludes nothing" (which would make an Allow cover everything).
    let p = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::home/${aws:username}/*"}}"#;
    assert_eq!(one(p, "s3:GetObject", "arn:aws:s3:::other/x", &[]), ImplicitDeny);
    assert_eq!(one(p, "s3:GetObject", "arn:aws:s3:::other/x", &[("aws:username", &["a"])]), Allow);
    assert_eq!(one(p, "s3:GetObject", "arn:aws:s3:::home/a/x", &[("aws:username", &["a"])]), ImplicitDeny);
}

#[test]
fn variables_in_condition_values() {
    let p = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*",
        "Condition": {"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}}}}"#;
    let ok: &[(&str, &[&str])] = &[("aws:username", &["alice"]), ("aws:ResourceTag/owner", &["alice"])];
    assert_eq!(one(p, "s3:GetObject", "arn:aws:s3:::b/k", ok), Allow);
    assert_eq!(
        one(
            p,
            "s3:GetObject",
            "arn:aws:s3:::b/k",
            &[("aws:username", &["bob"]), ("aws:ResourceTag/owner", &["alice"])]
        ),
        ImplicitDeny
    );
    // Unresolvable: the condition, and so the statement, does not match.
    assert_eq!(one(p, "s3:GetObject", "arn:aws:s3:::b/k", &[("aws:ResourceTag/owner", &["alice"])]), ImplicitDeny);
}

#[test]
fn single_valued_operator_on_a_multivalued_key() {
    // Positive form: any request value matching any policy value; negated form: none matching.
    let pos = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringEquals": {"aws:TagKeys": "a"}}}}"#;
    let neg = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:TagKeys": "a"}}}}"#;
    let tags: &[(&str, &[&str])] = &[("aws:TagKeys", &["a", "b"])];
    assert_eq!(one(pos, "s3:GetObject", "arn:aws:s3:::b/k", tags), Allow);
    assert_eq!(one(neg, "s3:GetObject", "arn:aws:s3:::b/k", tags), ImplicitDeny);
    assert_eq!(one(neg, "s3:GetObject", "arn:aws:s3:::b/k", &[("aws:TagKeys", &["b", "c"])]), Allow);
}

#[test]
fn an_empty_multivalued_key_counts_as_absent() {
    let null = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Null": {"aws:TagKeys": "true"}}}}"#;
    let mut ctx = context(&[]);
    ctx.insert_multi("aws:TagKeys", Vec::new());
    let doc = identity(null);
    assert_eq!(decide(&[&doc], "s3:PutObject", "arn:aws:s3:::b/k", None, &ctx), ExplicitDeny);
}

#[test]
fn negated_set_qualifiers_apply_per_request_value() {
    // ForAllValues:StringNotLike: every request value must avoid every pattern.
    let p = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
        "Condition": {"ForAllValues:StringNotLike": {"aws:TagKeys": "aws:*"}}}}"#;
    assert_eq!(one(p, "ec2:CreateTags", "*", &[("aws:TagKeys", &["env", "team"])]), Allow);
    assert_eq!(one(p, "ec2:CreateTags", "*", &[("aws:TagKeys", &["env", "aws:x"])]), ImplicitDeny);
    // ForAnyValue:StringNotEquals: some request value outside the list.
    let q = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ec2:CreateTags", "Resource": "*",
        "Condition": {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["env", "team"]}}}}"#;
    assert_eq!(one(q, "ec2:CreateTags", "*", &[("aws:TagKeys", &["env", "team"])]), ImplicitDeny);
    assert_eq!(one(q, "ec2:CreateTags", "*", &[("aws:TagKeys", &["env", "owner"])]), Allow);
    assert_eq!(one(q, "ec2:CreateTags", "*", &[]), ImplicitDeny);
}

#[test]
fn unparseable_request_values_do_not_match() {
    // A request value that is not a number (or address) matches no policy value, so positive
    // operators fail and their negated forms (NumericNotEquals, NotIpAddress) hold.
    let lt = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"NumericLessThan": {"s3:max-keys": 10}}}}"#;
    assert_eq!(one(lt, "s3:ListBucket", "arn:aws:s3:::b", &[("s3:max-keys", &["lots"])]), ImplicitDeny);
    let ip = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}}}"#;
    assert_eq!(one(ip, "s3:ListBucket", "arn:aws:s3:::b", &[("aws:SourceIp", &["localhost"])]), ImplicitDeny);
    assert_eq!(one(ip, "s3:ListBucket", "arn:aws:s3:::b", &[("aws:SourceIp", &["127.0.0.1"])]), Allow);
    let ne = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"NumericNotEquals": {"s3:max-keys": 10}}}}"#;
    assert_eq!(one(ne, "s3:ListBucket", "arn:aws:s3:::b", &[("s3:max-keys", &["lots"])]), Allow);
    assert_eq!(one(ne, "s3:ListBucket", "arn:aws:s3:::b", &[("s3:max-keys", &["10.0"])]), ImplicitDeny);
}

#[test]
fn operator_names_are_case_insensitive() {
    let p = r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"stringequals": {"AWS:UserName": "alice"}}}}"#;
    assert_eq!(one(p, "s3:GetObject", "arn:aws:s3:::b/k", &[("aws:username", &["alice"])]), Allow);
}

#[test]
fn condition_key_prefixes_are_found_case_insensitively() {
    let doc = sparkplane_policy::PolicyDocument::parse_identity(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*",
            "Condition":{"StringEquals":{"aws:ResourceTag/env":"prod"}}}]}"#,
    )
    .unwrap();
    assert!(doc.uses_condition_key_prefix("aws:resourcetag/"));
    assert!(doc.uses_condition_key_prefix("AWS:ResourceTag/"));
    assert!(!doc.uses_condition_key_prefix("aws:RequestTag/"));
}
