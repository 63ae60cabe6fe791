//! Properties the evaluation must keep for any documents and requests: a matching deny always
//! wins, session policies never widen, and the wildcard matcher's basic laws.

mod common;

use common::context;
use proptest::prelude::*;
use serde_json::{json, Value};
use sparkplane_policy::{evaluate, evaluate_with_session, wildcard_match, Context, Decision, PolicyDocument, Request};

const VENDORS: &[&str] = &["s3", "iam", "emr-serverless"];

fn vendor() -> impl Strategy<Value = &'static str> {
    prop::sample::select(VENDORS)
}

fn action_pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just("*".to_string()),
        6 => (vendor(), "[A-Za-z*?]{0,4}").prop_map(|(v, n)| format!("{v}:{n}")),
    ]
}

fn resource_pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        1 => Just("*".to_string()),
        4 => "[ab/*?]{0,4}".prop_map(|s| format!("arn:aws:s3:::{s}")),
        1 => "[ab]{0,2}".prop_map(|s| format!("arn:aws:s3:::${{aws:username}}{s}*")),
    ]
}

/// A few conditions covering the operator families, negation, IfExists and set qualifiers.
fn condition() -> impl Strategy<Value = Option<Value>> {
    prop::sample::select(vec![
        None,
        Some(json!({"StringEquals": {"aws:username": "alice"}})),
        Some(json!({"StringNotEquals": {"aws:username": "alice"}})),
        Some(json!({"NumericLessThan": {"s3:max-keys": 5}})),
        Some(json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}})),
        Some(json!({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}})),
        Some(json!({"ForAllValues:StringLike": {"aws:TagKeys": "a*"}})),
        Some(json!({"ForAnyValue:StringEquals": {"aws:TagKeys": ["b", "ab"]}})),
        Some(json!({"StringLikeIfExists": {"s3:prefix": "home/${aws:username}/*"}})),
        Some(json!({"Null": {"aws:username": "false"}})),
    ])
}

fn statement() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(action_pattern(), 1..3),
        any::<bool>(),
        prop::collection::vec(resource_pattern(), 1..3),
        condition(),
    )
        .prop_map(|(deny, not_action, actions, not_resource, resources, condition)| {
            let mut s = json!({"Effect": if deny { "Deny" } else { "Allow" }});
            s[if not_action { "NotAction" } else { "Action" }] = json!(actions);
            s[if not_resource { "NotResource" } else { "Resource" }] = json!(resources);
            if let Some(c) = condition {
                s["Condition"] = c;
            }
            s
        })
}

fn document() -> impl Strategy<Value = PolicyDocument> {
    prop::collection::vec(statement(), 1..4).prop_map(|statements| {
        let json = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
        match PolicyDocument::parse_identity(&json) {
            Ok(doc) => doc,
            Err(e) => panic!("generated document refused: {e}\n{json}"),
        }
    })
}

fn documents() -> impl Strategy<Value = Vec<PolicyDocument>> {
    prop::collection::vec(document(), 0..4)
}

/// A concrete request: action, resource and the context's raw ingredients.
#[derive(Debug, Clone)]
struct Req {
    action: String,
    resource: String,
    username: Option<&'static str>,
    max_keys: Option<u8>,
    source_ip: Option<&'static str>,
    tag_keys: Option<Vec<String>>,
    prefix: Option<String>,
}

impl Req {
    fn context(&self) -> Context {
        let mut ctx = context(&[]);
        if let Some(u) = self.username {
            ctx.insert("aws:username", u);
        }
        if let Some(n) = self.max_keys {
            ctx.insert("s3:max-keys", n.to_string());
        }
        if let Some(ip) = self.source_ip {
            ctx.insert("aws:SourceIp", ip);
        }
        if let Some(keys) = &self.tag_keys {
            ctx.insert_multi("aws:TagKeys", keys.clone());
        }
        if let Some(p) = &self.prefix {
            ctx.insert("s3:prefix", p.clone());
        }
        ctx
    }
}

fn request() -> impl Strategy<Value = Req> {
    (
        (vendor(), "[A-Za-z]{1,4}").prop_map(|(v, n)| format!("{v}:{n}")),
        "[ab/]{0,5}".prop_map(|s| format!("arn:aws:s3:::{s}")),
        prop::option::of(prop::sample::select(vec!["alice", "bob"])),
        prop::option::of(0u8..10),
        prop::option::of(prop::sample::select(vec!["10.1.2.3", "192.168.0.1", "::ffff:10.0.0.1"])),
        prop::option::of(prop::collection::vec("[ab]{1,2}", 0..3)),
        prop::option::of("home/(alice|bob)/[ab]{0,2}"),
    )
        .prop_map(|(action, resource, username, max_keys, source_ip, tag_keys, prefix)| Req {
            action,
            resource,
            username,
            max_keys,
            source_ip,
            tag_keys,
            prefix,
        })
}

/// A Deny statement built to match `req`'s action and resource, in one of several spellings.
fn matching_deny(req: &Req, action_form: u8, resource_form: bool) -> PolicyDocument {
    let vendor = req.action.split(':').next().unwrap_or("*");
    let action = match action_form % 4 {
        0 => "*".to_string(),
        1 => format!("{vendor}:*"),
        2 => req.action.clone(),
        _ => req.action.to_uppercase(),
    };
    let resource = if resource_form { "*".to_string() } else { req.resource.clone() };
    let json =
        json!({"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": action, "Resource": resource}})
            .to_string();
    match PolicyDocument::parse_identity(&json) {
        Ok(doc) => doc,
        Err(e) => panic!("deny refused: {e}\n{json}"),
    }
}

fn decide(docs: &[PolicyDocument], req: &Req, ctx: &Context) -> Decision {
    let refs: Vec<&PolicyDocument> = docs.iter().collect();
    evaluate(&refs, &Request { action: &req.action, resource: &req.resource, principal: None, context: ctx })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// A deny always wins: adding a matching Deny anywhere never leaves the request allowed.
    #[test]
    fn a_deny_always_wins(docs in documents(), req in request(), at in any::<usize>(), action_form in any::<u8>(), resource_form in any::<bool>()) {
        let ctx = req.context();
        let mut with_deny = docs.clone();
        with_deny.insert(at % (docs.len() + 1), matching_deny(&req, action_form, resource_form));
        prop_assert_eq!(decide(&with_deny, &req, &ctx), Decision::ExplicitDeny);

        // The same deny placed in a session policy set wins over the identity's allows too.
        let id: Vec<&PolicyDocument> = docs.iter().collect();
        let deny = matching_deny(&req, action_form, resource_form);
        let r = Request { action: &req.action, resource: &req.resource, principal: None, context: &ctx };
        prop_assert_eq!(evaluate_with_session(&id, Some(&[&deny]), &r), Decision::ExplicitDeny);
    }

    /// Narrowing never widens: with session policies a request is allowed only if both the
    /// identity policies and the session policies allow it on their own.
    #[test]
    fn narrowing_never_widens(identity in documents(), session in documents(), req in request()) {
        let ctx = req.context();
        let id: Vec<&PolicyDocument> = identity.iter().collect();
        let sess: Vec<&PolicyDocument> = session.iter().collect();
        let r = Request { action: &req.action, resource: &req.resource, principal: None, context: &ctx };
        let alone = evaluate(&id, &r);
        let session_alone = evaluate(&sess, &r);
        let narrowed = evaluate_with_session(&id, Some(&sess), &r);
        if narrowed.is_allowed() {
            prop_assert!(alone.is_allowed(), "session widened the identity: {:?}", req);
            prop_assert!(session_alone.is_allowed(), "identity widened the session: {:?}", req);
        }
        if alone == Decision::ExplicitDeny || session_alone == Decision::ExplicitDeny {
            prop_assert_eq!(narrowed, Decision::ExplicitDeny);
        }
        // Without session policies nothing changes.
        prop_assert_eq!(evaluate_with_session(&id, None, &r), alone);
    }

    #[test]
    fn star_matches_everything(s in ".*", ci in any::<bool>()) {
        prop_assert!(wildcard_match("*", &s, ci));
        prop_assert!(wildcard_match("**", &s, ci));
    }

    #[test]
    fn literal_patterns_match_themselves(s in "[^*?]*", ci in any::<bool>()) {
        prop_assert!(wildcard_match(&s, &s, ci));
        let longer = format!("{s}x");
        prop_assert!(!wildcard_match(&s, &longer, ci));
    }

    #[test]
    fn actions_match_in_any_case(s in "[a-zA-Z0-9:-]{0,12}") {
        prop_assert!(wildcard_match(&s.to_uppercase(), &s.to_lowercase(), true));
    }

    #[test]
    fn prefix_star_matches_extensions(p in "[^*?]{0,8}", rest in ".{0,8}") {
        let pattern = format!("{p}*");
        let value = format!("{p}{rest}");
        prop_assert!(wildcard_match(&pattern, &value, false));
    }
}
