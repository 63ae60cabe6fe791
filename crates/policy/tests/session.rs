//! Session policies narrowing identity policies (a job run's executionIamPolicy).

mod common;

use common::{context, identity};
use sparkplane_policy::{evaluate_with_session, Decision, Request};

#[test]
fn session_policies_only_narrow() {
    let role = identity(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::data/*"}}"#,
    );
    let read_only = identity(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}}"#,
    );
    let also_iam = identity(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": ["s3:*", "iam:*"], "Resource": "*"}}"#,
    );
    let deny_secret = identity(
        r#"{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "Resource": "arn:aws:s3:::data/secret/*"}}"#,
    );
    let ctx = context(&[]);
    let run = |identity: &[&_], session: Option<&[&_]>, action, resource| {
        evaluate_with_session(identity, session, &Request { action, resource, principal: None, context: &ctx })
    };
    assert_eq!(run(&[&role], None, "s3:PutObject", "arn:aws:s3:::data/x"), Decision::Allow);
    assert_eq!(run(&[&role], Some(&[&read_only]), "s3:GetObject", "arn:aws:s3:::data/x"), Decision::Allow);
    assert_eq!(run(&[&role], Some(&[&read_only]), "s3:PutObject", "arn:aws:s3:::data/x"), Decision::ImplicitDeny);
    // The session cannot grant what the role lacks.
    assert_eq!(run(&[&role], Some(&[&also_iam]), "iam:CreateUser", "arn:aws:iam::1:user/x"), Decision::ImplicitDeny);
    assert_eq!(run(&[&role], Some(&[&also_iam]), "s3:GetObject", "arn:aws:s3:::other/x"), Decision::ImplicitDeny);
    // An explicit deny on either side wins.
    assert_eq!(
        run(&[&role], Some(&[&read_only, &deny_secret]), "s3:GetObject", "arn:aws:s3:::data/secret/k"),
        Decision::ExplicitDeny
    );
    assert_eq!(
        run(&[&role, &deny_secret], Some(&[&read_only]), "s3:GetObject", "arn:aws:s3:::data/secret/k"),
        Decision::ExplicitDeny
    );
    // An empty session set allows nothing; no session set does not narrow.
    assert_eq!(run(&[&role], Some(&[]), "s3:GetObject", "arn:aws:s3:::data/x"), Decision::ImplicitDeny);
    assert!(run(&[&role], None, "s3:GetObject", "arn:aws:s3:::data/x").is_allowed());
    assert!(!Decision::ExplicitDeny.is_allowed() && !Decision::ImplicitDeny.is_allowed());
}
