//! Deciding one request against sets of documents, in AWS's order: an explicit deny beats
//! any allow, and without an allow the answer is an implicit deny.

use crate::context::Context;
use crate::document::{Effect, PolicyDocument};
use crate::principal::Principal;

/// What is being asked.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// e.g. `s3:GetObject`; matched case-insensitively against policy actions.
    pub action: &'a str,
    /// An ARN, matched case-sensitively with `*` and `?` wildcards (as AWS).
    pub resource: &'a str,
    /// Needed only for resource policies; statements naming principals never match without it.
    pub principal: Option<Principal<'a>>,
    pub context: &'a Context,
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    ExplicitDeny,
    ImplicitDeny,
}

impl Decision {
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }
}

/// AWS's order within one set: any matching Deny statement -> ExplicitDeny; else any matching
/// Allow -> Allow; else ImplicitDeny.
pub fn evaluate(policies: &[&PolicyDocument], request: &Request) -> Decision {
    let mut allowed = false;
    for statement in policies.iter().flat_map(|p| p.statements()) {
        if !statement.applies(request) {
            continue;
        }
        match statement.effect() {
            // Nothing can outweigh a deny, so there is no point looking further.
            Effect::Deny => return Decision::ExplicitDeny,
            Effect::Allow => allowed = true,
        }
    }
    if allowed {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}

/// Identity policies narrowed by optional session policies (a job run's executionIamPolicy:
/// the inline policy plus managed policy ARNs, already resolved to documents): an explicit
/// Deny in either set -> ExplicitDeny; allowed only if identity allows AND (session is None OR
/// session allows); otherwise ImplicitDeny.
pub fn evaluate_with_session(
    identity: &[&PolicyDocument],
    session: Option<&[&PolicyDocument]>,
    request: &Request,
) -> Decision {
    let id = evaluate(identity, request);
    let sess = session.map(|s| evaluate(s, request));
    if id == Decision::ExplicitDeny || sess == Some(Decision::ExplicitDeny) {
        return Decision::ExplicitDeny;
    }
    // Session policies only ever narrow: they cannot grant what the identity does not.
    if id == Decision::Allow && matches!(sess, None | Some(Decision::Allow)) {
        Decision::Allow
    } else {
        Decision::ImplicitDeny
    }
}
