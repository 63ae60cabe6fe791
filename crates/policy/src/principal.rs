//! The `Principal`/`NotPrincipal` element of resource-based policies (role trust policies):
//! who the statement is about, and whether a requesting principal is one of them.

use serde_json::Value as Json;

use crate::error::PolicyError;

/// Who is making a request, for resource-based policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal<'a> {
    /// An AWS service, e.g. `emr-serverless.amazonaws.com`.
    Service(&'a str),
    /// An IAM identity ARN, e.g. `arn:aws:iam::123456789012:user/alice` or `...:root`.
    Aws(&'a str),
    /// An unsigned request.
    Anonymous,
}

/// A parsed `Principal` (or `NotPrincipal`) element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PrincipalSpec {
    /// `"Principal": "*"`: everyone, anonymous included.
    everyone: bool,
    /// AWS entries, with bare account ids expanded to `arn:aws:iam::<id>:root`.
    aws: Vec<String>,
    service: Vec<String>,
}

fn invalid(detail: &str) -> PolicyError {
    PolicyError::malformed(format!("Invalid principal in policy: {detail}"))
}

fn strings(v: &Json) -> Result<Vec<String>, PolicyError> {
    let syntax = || PolicyError::malformed("Syntax errors in policy.");
    match v {
        Json::String(s) => Ok(vec![s.clone()]),
        Json::Array(items) if !items.is_empty() => {
            items.iter().map(|i| i.as_str().map(str::to_string).ok_or_else(syntax)).collect()
        }
        _ => Err(syntax()),
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

impl PrincipalSpec {
    pub(crate) fn parse(v: &Json) -> Result<PrincipalSpec, PolicyError> {
        let mut spec = PrincipalSpec { everyone: false, aws: Vec::new(), service: Vec::new() };
        match v {
            Json::String(s) if s == "*" => spec.everyone = true,
            Json::String(s) => return Err(invalid(&format!("\"{s}\""))),
            Json::Object(map) if !map.is_empty() => {
                for (kind, values) in map {
                    let values = strings(values)?;
                    match kind.as_str() {
                        "AWS" => {
                            for a in values {
                                spec.aws.push(if a == "*" {
                                    a
                                } else if is_account_id(&a) {
                                    format!("arn:aws:iam::{a}:root")
                                } else if a.starts_with("arn:") && a.split(':').count() >= 6 && !a.contains(['*', '?'])
                                {
                                    // IAM refuses partial wildcards in principal ARNs: only a lone "*" is allowed.
                                    a
                                } else {
                                    return Err(invalid(&format!("\"AWS\":\"{a}\"")));
                                });
                            }
                        }
                        "Service" => spec.service.extend(values),
                        // Valid in documents, but no request principal can be one of these yet,
                        // so they only ever match through "*".
                        "Federated" | "CanonicalUser" => {}
                        other => return Err(invalid(&format!("\"{other}\""))),
                    }
                }
            }
            _ => return Err(PolicyError::malformed("Syntax errors in policy.")),
        }
        Ok(spec)
    }

    /// Whether a statement with this element applies to `who`; `negated` for `NotPrincipal`.
    ///
    /// A caller has several identities at once: its own ARN and its account
    /// (`arn:aws:iam::<id>:root`, which a bare account id in a policy also means). `Principal`
    /// applies when any of them is named; `NotPrincipal` exempts the caller only when all of
    /// them are, which is why AWS's NotPrincipal examples list both the user and its account.
    pub(crate) fn applies_to(&self, who: &Principal, negated: bool) -> bool {
        if self.everyone {
            return !negated;
        }
        let identities = identities(who);
        if negated {
            !identities.iter().all(|id| self.names(id))
        } else {
            identities.iter().any(|id| self.names(id))
        }
    }

    fn names(&self, id: &Identity) -> bool {
        match id {
            // AWS documents `{"AWS": "*"}` as equivalent to `"*"`, anonymous callers included.
            Identity::Anonymous => self.aws.iter().any(|a| a == "*"),
            Identity::Service(name) => self.service.iter().any(|s| s == "*" || s.eq_ignore_ascii_case(name)),
            Identity::Arn(arn) => self.aws.iter().any(|a| a == "*" || a == arn),
        }
    }
}

/// One of the identities a caller acts as.
enum Identity<'a> {
    Arn(String),
    Service(&'a str),
    Anonymous,
}

/// The caller's ARN and, for an IAM identity, its account's root ARN.
fn identities<'a>(who: &Principal<'a>) -> Vec<Identity<'a>> {
    match *who {
        Principal::Aws(arn) => {
            let mut ids = vec![Identity::Arn(arn.to_string())];
            // An identity ARN is arn:<partition>:<service>:<region>:<account>:<resource>.
            let fields: Vec<&str> = arn.splitn(6, ':').collect();
            if let ["arn", partition, _, _, account, _] = fields[..] {
                let root = format!("arn:{partition}:iam::{account}:root");
                if !account.is_empty() && root != arn {
                    ids.push(Identity::Arn(root));
                }
            }
            ids
        }
        Principal::Service(name) => vec![Identity::Service(name)],
        Principal::Anonymous => vec![Identity::Anonymous],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn account_id_covers_its_identities() {
        let spec = PrincipalSpec::parse(&json!({"AWS": "123456789012"})).expect("valid");
        assert!(spec.applies_to(&Principal::Aws("arn:aws:iam::123456789012:user/alice"), false));
        assert!(spec.applies_to(&Principal::Aws("arn:aws:sts::123456789012:assumed-role/r/s"), false));
        assert!(spec.applies_to(&Principal::Aws("arn:aws:iam::123456789012:root"), false));
        assert!(!spec.applies_to(&Principal::Aws("arn:aws:iam::210987654321:user/alice"), false));
        assert!(!spec.applies_to(&Principal::Anonymous, false));
        assert!(!spec.applies_to(&Principal::Service("ec2.amazonaws.com"), false));
    }

    #[test]
    fn specific_arns_and_everyone() {
        let spec = PrincipalSpec::parse(&json!({"AWS": ["arn:aws:iam::123456789012:user/alice"]})).expect("valid");
        assert!(spec.applies_to(&Principal::Aws("arn:aws:iam::123456789012:user/alice"), false));
        assert!(!spec.applies_to(&Principal::Aws("arn:aws:iam::123456789012:user/bob"), false));
        let star = PrincipalSpec::parse(&json!("*")).expect("valid");
        assert!(star.applies_to(&Principal::Anonymous, false));
        let aws_star = PrincipalSpec::parse(&json!({"AWS": "*"})).expect("valid");
        assert!(aws_star.applies_to(&Principal::Anonymous, false));
        assert!(!aws_star.applies_to(&Principal::Service("s3.amazonaws.com"), false));
    }

    #[test]
    fn not_principal_exempts_only_when_every_identity_is_listed() {
        // From "IAM JSON policy elements: NotPrincipal": list the user and its account.
        let spec = PrincipalSpec::parse(
            &json!({"AWS": ["arn:aws:iam::444455556666:user/Bob", "arn:aws:iam::444455556666:root"]}),
        )
        .expect("valid");
        assert!(!spec.applies_to(&Principal::Aws("arn:aws:iam::444455556666:user/Bob"), true));
        assert!(spec.applies_to(&Principal::Aws("arn:aws:iam::444455556666:user/Alice"), true));
        assert!(spec.applies_to(&Principal::Aws("arn:aws:iam::111122223333:user/Bob"), true));
        assert!(spec.applies_to(&Principal::Anonymous, true));
        let only_user = PrincipalSpec::parse(&json!({"AWS": "arn:aws:iam::444455556666:user/Bob"})).expect("valid");
        assert!(only_user.applies_to(&Principal::Aws("arn:aws:iam::444455556666:user/Bob"), true));
        let everyone = PrincipalSpec::parse(&json!("*")).expect("valid");
        assert!(!everyone.applies_to(&Principal::Anonymous, true));
    }

    #[test]
    fn refuses_nonsense() {
        assert!(PrincipalSpec::parse(&json!("alice")).is_err());
        assert!(PrincipalSpec::parse(&json!({"AWS": "alice"})).is_err());
        assert!(PrincipalSpec::parse(&json!({"AWS": "arn:aws:iam::123456789012:user/*"})).is_err());
        assert!(PrincipalSpec::parse(&json!({"Martian": "x"})).is_err());
        assert!(PrincipalSpec::parse(&json!({})).is_err());
        assert!(PrincipalSpec::parse(&json!({"AWS": []})).is_err());
    }
}
