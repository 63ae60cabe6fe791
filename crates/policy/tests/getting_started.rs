//! AWS's own EMR Serverless walkthrough documents (tests/data, see its README): the crate
//! must accept them and give the answers the walkthrough relies on.

mod common;

use common::{context, decide, identity, resource};
use sparkplane_policy::{Decision, Effect, Principal};

const RUNTIME_ROLE_POLICY: &str = include_str!("data/runtime-role-policy.json");
const TRUST_POLICY: &str = include_str!("data/runtime-role-trust-policy.json");
const USER_POLICY: &str = include_str!("data/user-policy.json");

#[test]
fn runtime_role_policy_grants_the_output_bucket_only() {
    let doc = identity(&RUNTIME_ROLE_POLICY.replace("{DOC-EXAMPLE-BUCKET}", "out"));
    assert_eq!(doc.statements().len(), 3);
    assert_eq!(doc.statements()[1].sid(), Some("FullAccessToOutputBucket"));
    assert_eq!(doc.statements()[1].effect(), Effect::Allow);
    let ctx = context(&[]);
    let check = |action: &str, res: &str| decide(&[&doc], action, res, None, &ctx);
    assert_eq!(check("s3:GetObject", "arn:aws:s3:::out/x"), Decision::Allow);
    assert_eq!(check("s3:PutObject", "arn:aws:s3:::out/logs/app/1/stdout.gz"), Decision::Allow);
    assert_eq!(check("s3:ListBucket", "arn:aws:s3:::out"), Decision::Allow);
    assert_eq!(check("s3:PutObject", "arn:aws:s3:::secret/x"), Decision::ImplicitDeny);
    assert_eq!(check("s3:GetObject", "arn:aws:s3:::secret/x"), Decision::ImplicitDeny);
    // The samples bucket is readable, not writable.
    assert_eq!(
        check(
            "s3:GetObject",
            "arn:aws:s3:::us-east-1.elasticmapreduce/emr-containers/samples/wordcount/scripts/wordcount.py"
        ),
        Decision::Allow
    );
    assert_eq!(check("s3:PutObject", "arn:aws:s3:::us-east-1.elasticmapreduce/x"), Decision::ImplicitDeny);
    // Glue actions are granted on every resource; the doc's odd "GetDataBases" casing still matches.
    assert_eq!(check("glue:GetDatabases", "arn:aws:glue:us-east-1:123456789012:catalog"), Decision::Allow);
    assert_eq!(check("glue:DeleteDatabase", "arn:aws:glue:us-east-1:123456789012:catalog"), Decision::ImplicitDeny);
}

#[test]
fn the_placeholder_itself_parses_and_matches_only_literally() {
    // `{DOC-EXAMPLE-BUCKET}` is not a policy variable (no `$`), so the raw document is valid.
    let doc = identity(RUNTIME_ROLE_POLICY);
    let ctx = context(&[]);
    assert_eq!(decide(&[&doc], "s3:GetObject", "arn:aws:s3:::out/x", None, &ctx), Decision::ImplicitDeny);
}

#[test]
fn trust_policy_lets_emr_serverless_assume_the_role() {
    let doc = resource(TRUST_POLICY);
    let ctx = context(&[]);
    let role = "arn:aws:iam::123456789012:role/EMRServerlessS3RuntimeRole";
    let assume = |p| decide(&[&doc], "sts:AssumeRole", role, Some(p), &ctx);
    assert_eq!(assume(Principal::Service("emr-serverless.amazonaws.com")), Decision::Allow);
    assert_eq!(assume(Principal::Service("ec2.amazonaws.com")), Decision::ImplicitDeny);
    assert_eq!(assume(Principal::Aws("arn:aws:iam::123456789012:user/alice")), Decision::ImplicitDeny);
    assert_eq!(assume(Principal::Anonymous), Decision::ImplicitDeny);
    // Without a principal a resource policy statement cannot apply.
    assert_eq!(decide(&[&doc], "sts:AssumeRole", role, None, &ctx), Decision::ImplicitDeny);
    assert_eq!(
        decide(&[&doc], "sts:TagSession", role, Some(Principal::Service("emr-serverless.amazonaws.com")), &ctx),
        Decision::ImplicitDeny
    );
    // A trust policy is not an identity policy.
    assert!(sparkplane_policy::PolicyDocument::parse_identity(TRUST_POLICY).is_err());
}

#[test]
fn user_policy_allows_emr_serverless_but_not_pass_role() {
    let doc = identity(USER_POLICY);
    let ctx = context(&[]);
    let app = "arn:aws:emr-serverless:us-east-1:123456789012:/applications/00f1abcdexample";
    assert_eq!(decide(&[&doc], "emr-serverless:StartJobRun", app, None, &ctx), Decision::Allow);
    assert_eq!(decide(&[&doc], "EMR-Serverless:startjobrun", app, None, &ctx), Decision::Allow);
    assert_eq!(
        decide(&[&doc], "iam:PassRole", "arn:aws:iam::123456789012:role/EMRServerlessS3RuntimeRole", None, &ctx),
        Decision::ImplicitDeny
    );
    // The ENI statement holds only when called via EMR Serverless.
    let eni = "arn:aws:ec2:us-east-1:123456789012:network-interface/eni-1";
    assert_eq!(decide(&[&doc], "ec2:CreateNetworkInterface", eni, None, &ctx), Decision::ImplicitDeny);
    let via = context(&[("aws:CalledViaLast", &["ops.emr-serverless.amazonaws.com"])]);
    assert_eq!(decide(&[&doc], "ec2:CreateNetworkInterface", eni, None, &via), Decision::Allow);
    assert_eq!(
        decide(
            &[&doc],
            "iam:CreateServiceLinkedRole",
            "arn:aws:iam::123456789012:role/aws-service-role/ops.emr-serverless.amazonaws.com/x",
            None,
            &ctx
        ),
        Decision::Allow
    );
    assert_eq!(
        decide(&[&doc], "iam:CreateServiceLinkedRole", "arn:aws:iam::123456789012:role/admin", None, &ctx),
        Decision::ImplicitDeny
    );
}
