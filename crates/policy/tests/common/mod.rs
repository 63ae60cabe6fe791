//! Helpers shared by the integration tests: building contexts, running one request, and
//! the table machinery of the AWS documentation examples.

#![allow(dead_code)]

use sparkplane_policy::{evaluate, Context, Decision, PolicyDocument, Principal, Request};

/// Builds a context from `(key, values)` pairs; one value means a single-valued key.
pub fn context(pairs: &[(&str, &[&str])]) -> Context {
    let mut ctx = Context::new();
    for (key, values) in pairs {
        match values {
            [one] => ctx.insert(key, *one),
            many => ctx.insert_multi(key, many.iter().map(|v| v.to_string()).collect()),
        }
    }
    ctx
}

/// Evaluates one request against documents.
pub fn decide(
    docs: &[&PolicyDocument],
    action: &str,
    resource: &str,
    principal: Option<Principal>,
    ctx: &Context,
) -> Decision {
    evaluate(docs, &Request { action, resource, principal, context: ctx })
}

pub fn identity(json: &str) -> PolicyDocument {
    match PolicyDocument::parse_identity(json) {
        Ok(doc) => doc,
        Err(e) => panic!("identity policy refused: {e}\n{json}"),
    }
}

pub fn resource(json: &str) -> PolicyDocument {
    match PolicyDocument::parse_resource(json) {
        Ok(doc) => doc,
        Err(e) => panic!("resource policy refused: {e}\n{json}"),
    }
}

/// One request and the expected outcome.
pub struct Check {
    pub action: &'static str,
    pub resource: &'static str,
    pub principal: Option<Principal<'static>>,
    pub ctx: &'static [(&'static str, &'static [&'static str])],
    pub want: Decision,
}

pub const fn check(
    action: &'static str,
    resource: &'static str,
    ctx: &'static [(&'static str, &'static [&'static str])],
    want: Decision,
) -> Check {
    Check { action, resource, principal: None, ctx, want }
}

pub const fn by(
    principal: Principal<'static>,
    action: &'static str,
    resource: &'static str,
    ctx: &'static [(&'static str, &'static [&'static str])],
    want: Decision,
) -> Check {
    Check { action, resource, principal: Some(principal), ctx, want }
}

/// Documents from one page, evaluated together as one set, and the checks made against them.
pub struct Case {
    pub page: &'static str,
    pub identity: &'static [&'static str],
    pub resource: &'static [&'static str],
    pub checks: &'static [Check],
}

/// An allow-everything identity policy, for pages whose example only denies.
pub const ALLOW_ALL: &str = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#;

/// Runs every case's checks and reports all mismatches at once.
pub fn run_cases(cases: &[Case]) {
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in cases {
        let mut docs: Vec<PolicyDocument> = case.identity.iter().map(|j| identity(j)).collect();
        docs.extend(case.resource.iter().map(|j| resource(j)));
        let refs: Vec<&PolicyDocument> = docs.iter().collect();
        for (i, c) in case.checks.iter().enumerate() {
            let ctx = context(c.ctx);
            let got = decide(&refs, c.action, c.resource, c.principal, &ctx);
            checked += 1;
            if got != c.want {
                failures.push(format!(
                    "[{}] check #{i} {} on {} ctx={:?}: got {got:?}, want {:?}",
                    case.page, c.action, c.resource, c.ctx, c.want
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} checks failed:\n{}", failures.len(), failures.join("\n"));
}
