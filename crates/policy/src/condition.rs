//! The `Condition` element: operators, their `...IfExists` forms, the `ForAnyValue:` and
//! `ForAllValues:` set qualifiers, and how each compares policy values with request values.
//!
//! Values are parsed by type when the document is put, so a policy with `"NumericLessThan":
//! {"s3:max-keys": "ten"}` is refused up front instead of silently never matching.

use chrono::{DateTime, Utc};
use serde_json::Value as Json;

use crate::context::Context;
use crate::error::PolicyError;
use crate::matching::{match_tokens, tokens_to_string, Tok};
use crate::template::Template;
use crate::values::{decode_base64, parse_bool, parse_date, parse_number, Cidr};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    /// `request <op> policy`: `NumericLessThan {"k": 10}` holds when the request's k is below 10.
    fn holds<T: PartialOrd>(self, request: T, policy: T) -> bool {
        match self {
            Cmp::Eq => request == policy,
            Cmp::Lt => request < policy,
            Cmp::Le => request <= policy,
            Cmp::Gt => request > policy,
            Cmp::Ge => request >= policy,
        }
    }
}

/// What kind of comparison an operator makes; negation is kept apart (`negated`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    Numeric(Cmp),
    Date(Cmp),
    Bool,
    Binary,
    Ip,
    Arn,
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Qualifier {
    ForAnyValue,
    ForAllValues,
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(Template),
    Number(f64),
    Date(DateTime<Utc>),
    Ip(Cidr),
    Binary(Vec<u8>),
    Null(bool),
}

/// One key tested by one operator, e.g. `"StringLike": {"s3:prefix": ["home/*"]}`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Condition {
    family: Family,
    negated: bool,
    if_exists: bool,
    qualifier: Option<Qualifier>,
    /// Lower-cased: condition key names are case-insensitive.
    key: String,
    values: Vec<Value>,
}

impl Condition {
    /// The condition key, lower-cased.
    pub(crate) fn key(&self) -> &str {
        &self.key
    }
}

/// Base operator names (lower-cased, as operator names are matched case-insensitively here)
/// to their family and whether they are the negated form.
fn lookup_operator(name: &str) -> Option<(Family, bool)> {
    use Cmp::*;
    use Family::*;
    Some(match name {
        "stringequals" => (StringEquals, false),
        "stringnotequals" => (StringEquals, true),
        "stringequalsignorecase" => (StringEqualsIgnoreCase, false),
        "stringnotequalsignorecase" => (StringEqualsIgnoreCase, true),
        "stringlike" => (StringLike, false),
        "stringnotlike" => (StringLike, true),
        "numericequals" => (Numeric(Eq), false),
        "numericnotequals" => (Numeric(Eq), true),
        "numericlessthan" => (Numeric(Lt), false),
        "numericlessthanequals" => (Numeric(Le), false),
        "numericgreaterthan" => (Numeric(Gt), false),
        "numericgreaterthanequals" => (Numeric(Ge), false),
        "dateequals" => (Date(Eq), false),
        "datenotequals" => (Date(Eq), true),
        "datelessthan" => (Date(Lt), false),
        "datelessthanequals" => (Date(Le), false),
        "dategreaterthan" => (Date(Gt), false),
        "dategreaterthanequals" => (Date(Ge), false),
        "bool" => (Bool, false),
        "binaryequals" => (Binary, false),
        "ipaddress" => (Ip, false),
        "notipaddress" => (Ip, true),
        // AWS documents ArnEquals and ArnLike as the same comparison (wildcards allowed in both).
        "arnequals" | "arnlike" => (Arn, false),
        "arnnotequals" | "arnnotlike" => (Arn, true),
        "null" => (Null, false),
        _ => return None,
    })
}

fn unsupported(op: &str) -> PolicyError {
    PolicyError::malformed(format!("Unsupported Condition operator: {op}"))
}

/// Parses a statement's `Condition` object into one [`Condition`] per (operator, key) pair.
pub(crate) fn parse_conditions(json: &Json, variables: bool) -> Result<Vec<Condition>, PolicyError> {
    let Json::Object(ops) = json else {
        return Err(PolicyError::malformed("Syntax errors in policy."));
    };
    let mut out = Vec::new();
    for (op, block) in ops {
        let lower = op.to_ascii_lowercase();
        let (qualifier, rest) = if let Some(rest) = lower.strip_prefix("foranyvalue:") {
            (Some(Qualifier::ForAnyValue), rest)
        } else if let Some(rest) = lower.strip_prefix("forallvalues:") {
            (Some(Qualifier::ForAllValues), rest)
        } else {
            (None, lower.as_str())
        };
        let (base, if_exists) = match rest.strip_suffix("ifexists") {
            Some(base) => (base, true),
            None => (rest, false),
        };
        let (family, negated) = lookup_operator(base).ok_or_else(|| unsupported(op))?;
        // Null already is the existence test; neither IfExists nor a set qualifier means anything on it.
        if family == Family::Null && (if_exists || qualifier.is_some()) {
            return Err(unsupported(op));
        }
        let Json::Object(keys) = block else {
            return Err(PolicyError::malformed("Syntax errors in policy."));
        };
        if keys.is_empty() {
            return Err(PolicyError::malformed("Syntax errors in policy."));
        }
        for (key, raw_values) in keys {
            if !matches!(key.split_once(':'), Some((vendor, _)) if !vendor.is_empty()) {
                return Err(PolicyError::malformed(
                    "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
                ));
            }
            let values = json_strings(raw_values)?
                .iter()
                .map(|s| parse_value(family, op, s, variables))
                .collect::<Result<Vec<_>, _>>()?;
            out.push(Condition { family, negated, if_exists, qualifier, key: key.to_lowercase(), values });
        }
    }
    Ok(out)
}

/// A condition value may be a string, number or boolean, or an array of them.
fn json_strings(v: &Json) -> Result<Vec<String>, PolicyError> {
    fn scalar(v: &Json) -> Result<String, PolicyError> {
        match v {
            Json::String(s) => Ok(s.clone()),
            Json::Number(n) => Ok(n.to_string()),
            Json::Bool(b) => Ok(b.to_string()),
            _ => Err(PolicyError::malformed("Syntax errors in policy.")),
        }
    }
    match v {
        Json::Array(items) => items.iter().map(scalar).collect(),
        other => Ok(vec![scalar(other)?]),
    }
}

fn parse_value(family: Family, op: &str, s: &str, variables: bool) -> Result<Value, PolicyError> {
    let invalid = || PolicyError::malformed(format!("Invalid value for condition operator {op}: {s}"));
    Ok(match family {
        Family::StringEquals | Family::StringEqualsIgnoreCase | Family::StringLike | Family::Arn => {
            Value::Text(Template::parse(s, variables))
        }
        Family::Bool => {
            // Bool supports policy variables; a value with one is only checkable at request time.
            let t = Template::parse(s, variables);
            if !t.has_variables() && parse_bool(s).is_none() {
                return Err(invalid());
            }
            Value::Text(t)
        }
        Family::Numeric(_) => Value::Number(parse_number(s).ok_or_else(invalid)?),
        Family::Date(_) => Value::Date(parse_date(s).ok_or_else(invalid)?),
        Family::Ip => Value::Ip(Cidr::parse(s).ok_or_else(invalid)?),
        Family::Binary => Value::Binary(decode_base64(s).ok_or_else(invalid)?),
        Family::Null => Value::Null(parse_bool(s).ok_or_else(invalid)?),
    })
}

impl Condition {
    /// Whether the condition holds for the request. `None` when a policy variable in a value
    /// cannot be resolved: the caller then treats the whole statement as not matching.
    pub(crate) fn evaluate(&self, ctx: &Context) -> Option<bool> {
        // An empty multi-valued key (no tags at all) is treated like an absent one.
        let present = ctx.get(&self.key).filter(|v| !v.is_empty());
        if self.family == Family::Null {
            // "Null": {"k": "true"} asks that k be absent; "false" that it be present.
            return Some(self.values.iter().any(|v| *v == Value::Null(present.is_none())));
        }
        let Some(request_values) = present else {
            if self.if_exists {
                return Some(true);
            }
            return Some(match self.qualifier {
                // Vacuous truth: every one of no values satisfies anything.
                Some(Qualifier::ForAllValues) => true,
                Some(Qualifier::ForAnyValue) => false,
                // AWS: an absent key makes a positive operator false and a negated one true.
                None => self.negated,
            });
        };
        match self.qualifier {
            // A single-valued operator on several request values: the positive form matches
            // when any request value matches any policy value, the negated form when none does.
            None => {
                let mut any = false;
                for v in request_values {
                    any |= self.matches_any(v, ctx)?;
                }
                Some(any != self.negated)
            }
            // With a qualifier the (possibly negated) test applies to each request value.
            Some(q) => {
                let mut results = Vec::with_capacity(request_values.len());
                for v in request_values {
                    results.push(self.matches_any(v, ctx)? != self.negated);
                }
                Some(match q {
                    Qualifier::ForAllValues => results.iter().all(|r| *r),
                    Qualifier::ForAnyValue => results.iter().any(|r| *r),
                })
            }
        }
    }

    /// Whether one request value matches any of the policy's values (values are OR'ed).
    fn matches_any(&self, request: &str, ctx: &Context) -> Option<bool> {
        let mut any = false;
        for value in &self.values {
            any |= self.matches_one(value, request, ctx)?;
        }
        Some(any)
    }

    fn matches_one(&self, value: &Value, request: &str, ctx: &Context) -> Option<bool> {
        Some(match (self.family, value) {
            (Family::StringEquals, Value::Text(t)) => tokens_to_string(&t.resolve(ctx)?) == request,
            (Family::StringEqualsIgnoreCase, Value::Text(t)) => {
                tokens_to_string(&t.resolve(ctx)?).to_lowercase() == request.to_lowercase()
            }
            (Family::StringLike, Value::Text(t)) => match_tokens(&t.resolve(ctx)?, request, false),
            (Family::Arn, Value::Text(t)) => arn_match(&t.resolve(ctx)?, request),
            (Family::Bool, Value::Text(t)) => {
                let policy = parse_bool(&tokens_to_string(&t.resolve(ctx)?));
                policy.is_some() && policy == parse_bool(request)
            }
            (Family::Numeric(cmp), Value::Number(n)) => parse_number(request).is_some_and(|r| cmp.holds(r, *n)),
            (Family::Date(cmp), Value::Date(d)) => parse_date(request).is_some_and(|r| cmp.holds(r, *d)),
            (Family::Ip, Value::Ip(cidr)) => cidr.contains(request),
            (Family::Binary, Value::Binary(bytes)) => decode_base64(request).is_some_and(|r| r == *bytes),
            // parse_value pairs every family with its own value kind; nothing else can occur.
            _ => false,
        })
    }
}

/// ARN comparison as AWS documents it: each of the six colon-separated components is matched
/// separately (case-sensitively, with wildcards), so `*` in the region cannot swallow the
/// account. A policy value that is not a six-part ARN (such as `*`) is matched whole.
fn arn_match(policy: &[Tok], request: &str) -> bool {
    let parts: Vec<&[Tok]> = policy.splitn(6, |t| *t == Tok::Char(':')).collect();
    let request_parts: Vec<&str> = request.splitn(6, ':').collect();
    if parts.len() == 6 && request_parts.len() == 6 {
        parts.iter().zip(&request_parts).all(|(p, r)| match_tokens(p, r, false))
    } else {
        parts.len() < 6 && match_tokens(policy, request, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::wildcard_match;

    fn arn(p: &str, r: &str) -> bool {
        let toks: Vec<Tok> = p
            .chars()
            .map(|c| match c {
                '*' => Tok::Any,
                '?' => Tok::One,
                c => Tok::Char(c),
            })
            .collect();
        arn_match(&toks, r)
    }

    #[test]
    fn arns_compare_by_component() {
        assert!(arn("arn:aws:iam::*:role/x", "arn:aws:iam::123456789012:role/x"));
        assert!(arn("arn:aws:sns:*:123456789012:topic", "arn:aws:sns:us-east-1:123456789012:topic"));
        // A star in the region must not reach across into the account.
        assert!(!arn("arn:aws:sns:*:123456789012:topic", "arn:aws:sns:us-east-1:999:123456789012:topic"));
        assert!(wildcard_match(
            "arn:aws:sns:*:123456789012:topic",
            "arn:aws:sns:us-east-1:999:123456789012:topic",
            false
        ));
        assert!(arn("*", "arn:aws:s3:::b"));
        assert!(arn("arn:aws:logs:*:*:log-group:x:*", "arn:aws:logs:r:1:log-group:x:log-stream:y"));
        assert!(!arn("arn:aws:s3:::b", "not-an-arn"));
    }

    #[test]
    fn operator_names() {
        for ok in [
            "StringEquals",
            "ForAnyValue:StringLike",
            "ForAllValues:StringEqualsIfExists",
            "NumericLessThanEqualsIfExists",
            "Null",
            "ArnLike",
            "NotIpAddress",
        ] {
            let value = if ok.contains("Numeric") {
                "1"
            } else if ok.contains("Ip") {
                "10.0.0.0/8"
            } else {
                "true"
            };
            let doc = serde_json::json!({ ok: { "aws:x": value } });
            assert!(parse_conditions(&doc, true).is_ok(), "{ok}");
        }
        for bad in ["StringEqualz", "NullIfExists", "ForAnyValue:Null", "ForSomeValues:StringEquals", "BinaryNotEquals"]
        {
            let doc = serde_json::json!({ bad: { "aws:x": "true" } });
            assert!(parse_conditions(&doc, true).is_err(), "{bad}");
        }
    }
}
