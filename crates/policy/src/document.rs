//! Parsing and validating policy documents, once, when they are put: a document that IAM
//! would refuse is refused here with IAM's message, and an accepted one is kept in a form
//! that evaluation can use without re-reading JSON.

use std::collections::HashSet;

use serde_json::{Map, Value as Json};

use crate::condition::{parse_conditions, Condition};
use crate::error::PolicyError;
use crate::evaluate::Request;
use crate::matching::{match_tokens, wildcard_match};
use crate::principal::PrincipalSpec;
use crate::template::Template;

/// The version whose documents recognise policy variables.
const CURRENT_VERSION: &str = "2012-10-17";
/// The older version, and what a document without `Version` is taken to be.
const LEGACY_VERSION: &str = "2008-10-17";

const TOP_LEVEL: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_FIELDS: &[&str] =
    &["Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"];

/// Whether a statement grants or refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// Which rules a document is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Identity,
    Resource,
}

/// One statement of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    sid: Option<String>,
    effect: Effect,
    /// The principal element and whether it was `NotPrincipal`.
    principal: Option<(PrincipalSpec, bool)>,
    actions: Vec<String>,
    not_action: bool,
    /// `None` only in resource-based policies that leave the resource implicit (trust policies).
    resources: Option<Vec<Template>>,
    not_resource: bool,
    conditions: Vec<Condition>,
}

impl Statement {
    pub fn sid(&self) -> Option<&str> {
        self.sid.as_deref()
    }

    pub fn effect(&self) -> Effect {
        self.effect
    }

    /// The `Action` (or `NotAction`, see [`Statement::is_not_action`]) patterns as written.
    pub fn actions(&self) -> &[String] {
        &self.actions
    }

    pub fn is_not_action(&self) -> bool {
        self.not_action
    }

    /// Whether the statement applies to `req`: principal, action, resource and every condition.
    pub(crate) fn applies(&self, req: &Request) -> bool {
        if let Some((spec, negated)) = &self.principal {
            // A statement about principals says nothing about a request that names none.
            let Some(who) = &req.principal else {
                return false;
            };
            if !spec.applies_to(who, *negated) {
                return false;
            }
        }
        let action_hit = self.actions.iter().any(|a| wildcard_match(a, req.action, true));
        if action_hit == self.not_action {
            return false;
        }
        if let Some(resources) = &self.resources {
            let mut hit = false;
            for r in resources {
                // An unresolvable variable makes the statement not match at all, even under
                // NotResource, where skipping the entry would widen the statement.
                let Some(toks) = r.resolve(req.context) else {
                    return false;
                };
                hit |= match_tokens(&toks, req.resource, false);
            }
            if hit == self.not_resource {
                return false;
            }
        }
        self.conditions.iter().all(|c| c.evaluate(req.context) == Some(true))
    }
}

/// A parsed, validated policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    version: String,
    id: Option<String>,
    statements: Vec<Statement>,
}

fn syntax() -> PolicyError {
    PolicyError::malformed("Syntax errors in policy.")
}

impl PolicyDocument {
    /// Whether a condition of any statement tests a key that starts with
    /// `prefix` (case-insensitive). Lets a caller skip gathering values no
    /// policy reads, such as a resource's tags from the store.
    pub fn uses_condition_key_prefix(&self, prefix: &str) -> bool {
        let prefix = prefix.to_ascii_lowercase();
        self.statements.iter().flat_map(|s| &s.conditions).any(|c| c.key().starts_with(&prefix))
    }
}

impl PolicyDocument {
    /// Identity policy (user/role inline or managed, and session policies). A
    /// `Principal`/`NotPrincipal` element is an error.
    pub fn parse_identity(json: &str) -> Result<PolicyDocument, PolicyError> {
        parse(json, Kind::Identity)
    }

    /// Resource-based policy such as a role trust policy: every statement needs Principal or
    /// NotPrincipal; Resource may be left out (a trust policy's resource is the role itself).
    pub fn parse_resource(json: &str) -> Result<PolicyDocument, PolicyError> {
        parse(json, Kind::Resource)
    }

    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    /// `2012-10-17` or `2008-10-17` (also when the document has no `Version`).
    pub fn version(&self) -> &str {
        &self.version
    }

    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }
}

fn parse(json: &str, kind: Kind) -> Result<PolicyDocument, PolicyError> {
    let root: Json = serde_json::from_str(json).map_err(|_| syntax())?;
    let Json::Object(root) = root else {
        return Err(syntax());
    };
    check_fields(&root, TOP_LEVEL)?;
    let version = match root.get("Version") {
        None => LEGACY_VERSION.to_string(),
        Some(Json::String(v)) if v == CURRENT_VERSION || v == LEGACY_VERSION => v.clone(),
        Some(_) => return Err(PolicyError::malformed("Invalid Version")),
    };
    let id = match root.get("Id") {
        None => None,
        Some(Json::String(id)) => Some(id.clone()),
        Some(_) => return Err(syntax()),
    };
    let raw_statements = match root.get("Statement") {
        Some(Json::Array(items)) if !items.is_empty() => items.iter().collect::<Vec<_>>(),
        Some(obj @ Json::Object(_)) => vec![obj],
        // AWS refuses a document without statements as a syntax error.
        _ => return Err(syntax()),
    };
    let variables = version == CURRENT_VERSION;
    let mut sids = HashSet::new();
    let mut statements = Vec::with_capacity(raw_statements.len());
    for raw in raw_statements {
        let statement = parse_statement(raw, kind, variables)?;
        if let Some(sid) = &statement.sid {
            if !sid.is_empty() && !sids.insert(sid.clone()) {
                return Err(PolicyError::malformed("Statement IDs (SID) in a single policy must be unique."));
            }
        }
        statements.push(statement);
    }
    Ok(PolicyDocument { version, id, statements })
}

fn check_fields(obj: &Map<String, Json>, allowed: &[&str]) -> Result<(), PolicyError> {
    // Field names are case-sensitive in IAM: "effect" is an unknown element, not Effect.
    if obj.keys().all(|k| allowed.contains(&k.as_str())) {
        Ok(())
    } else {
        Err(syntax())
    }
}

/// A string or an array of strings, as Action, Resource and their Not forms take.
fn string_list(v: &Json) -> Result<Vec<String>, PolicyError> {
    match v {
        Json::String(s) => Ok(vec![s.clone()]),
        Json::Array(items) => items.iter().map(|i| i.as_str().map(str::to_string).ok_or_else(syntax)).collect(),
        _ => Err(syntax()),
    }
}

/// Picks exactly one of a positive element and its `Not` form.
fn one_of<'a>(obj: &'a Map<String, Json>, pos: &str, neg: &str) -> Result<Option<(&'a Json, bool)>, PolicyError> {
    match (obj.get(pos), obj.get(neg)) {
        (Some(_), Some(_)) => Err(syntax()),
        (Some(v), None) => Ok(Some((v, false))),
        (None, Some(v)) => Ok(Some((v, true))),
        (None, None) => Ok(None),
    }
}

fn parse_statement(raw: &Json, kind: Kind, variables: bool) -> Result<Statement, PolicyError> {
    let Json::Object(obj) = raw else {
        return Err(syntax());
    };
    check_fields(obj, STATEMENT_FIELDS)?;

    let sid = match obj.get("Sid") {
        None => None,
        Some(Json::String(s)) => {
            // IAM holds identity policies to alphanumeric Sids; resource policies of other
            // services (S3 bucket policies) allow more, so only identity documents are checked.
            if kind == Kind::Identity && !s.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(PolicyError::malformed(
                    "Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*",
                ));
            }
            Some(s.clone())
        }
        Some(_) => return Err(syntax()),
    };

    let effect = match obj.get("Effect") {
        None => return Err(PolicyError::malformed("Missing required field Effect")),
        Some(Json::String(e)) if e == "Allow" => Effect::Allow,
        Some(Json::String(e)) if e == "Deny" => Effect::Deny,
        Some(other) => {
            let shown = other.as_str().map_or_else(|| other.to_string(), str::to_string);
            return Err(PolicyError::malformed(format!("Invalid effect: {shown}")));
        }
    };

    let principal = match (kind, one_of(obj, "Principal", "NotPrincipal")?) {
        (Kind::Identity, Some(_)) => {
            return Err(PolicyError::malformed("Policy document should not specify a principal."));
        }
        (Kind::Identity, None) => None,
        (Kind::Resource, None) => return Err(PolicyError::malformed("Missing required field Principal")),
        (Kind::Resource, Some((v, negated))) => Some((PrincipalSpec::parse(v)?, negated)),
    };

    let Some((raw_actions, not_action)) = one_of(obj, "Action", "NotAction")? else {
        return Err(PolicyError::malformed("Policy statement must contain actions."));
    };
    let actions = string_list(raw_actions)?;
    if actions.is_empty() {
        return Err(PolicyError::malformed("Policy statement must contain actions."));
    }
    for action in &actions {
        validate_action(action)?;
    }

    let (resources, not_resource) = match one_of(obj, "Resource", "NotResource")? {
        None if kind == Kind::Identity => {
            return Err(PolicyError::malformed("Policy statement must contain resources."));
        }
        None => (None, false),
        Some((v, negated)) => {
            let list = string_list(v)?;
            if list.is_empty() {
                return Err(PolicyError::malformed("Policy statement must contain resources."));
            }
            for r in &list {
                if r != "*" && !r.starts_with("arn:") {
                    return Err(PolicyError::malformed(format!("Resource {r} must be in ARN format or \"*\".")));
                }
            }
            (Some(list.iter().map(|r| Template::parse(r, variables)).collect()), negated)
        }
    };

    let conditions = match obj.get("Condition") {
        None => Vec::new(),
        Some(c) => parse_conditions(c, variables)?,
    };

    Ok(Statement { sid, effect, principal, actions, not_action, resources, not_resource, conditions })
}

/// `*` or `vendor:pattern`, with IAM's messages for the usual mistakes.
fn validate_action(action: &str) -> Result<(), PolicyError> {
    if action == "*" {
        return Ok(());
    }
    let Some((vendor, name)) = action.split_once(':') else {
        return Err(PolicyError::malformed(
            "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        ));
    };
    if name.contains(':') {
        return Err(PolicyError::malformed("Actions/Condition can contain only one colon."));
    }
    if vendor.is_empty() || !vendor.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') {
        return Err(PolicyError::malformed(format!("Vendor {vendor} is not valid")));
    }
    Ok(())
}
