//! An in-memory snapshot of every identity, rebuilt after each IAM write.
//!
//! Every signed request needs its key's secret and its caller's policies;
//! reading and parsing them from the store per request would cost more than
//! the request. The identities of one account are few and change rarely, so
//! the whole set is loaded once, with every policy document parsed, and
//! replaced as a unit after each change (readers never see half a write).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use sparkplane_policy::PolicyDocument;
use sparkplane_store::IamEntity;

use crate::model::{self, AccessKey, ManagedPolicy, Role, User};
use crate::IamError;

#[derive(Debug, Default)]
pub struct Directory {
    pub(crate) users: BTreeMap<String, User>,
    pub(crate) roles: BTreeMap<String, Role>,
    /// By case-folded name (names are unique in the account).
    pub(crate) policies: BTreeMap<String, ManagedPolicy>,
    pub(crate) keys: BTreeMap<String, AccessKey>,
    /// Parsed documents: inline and attached, per case-folded user name.
    user_policies: HashMap<String, Vec<Arc<PolicyDocument>>>,
    role_policies: HashMap<String, Vec<Arc<PolicyDocument>>>,
    role_trust: HashMap<String, Arc<PolicyDocument>>,
}

fn decode<T: serde::de::DeserializeOwned>(entity: &IamEntity) -> Result<T, IamError> {
    serde_json::from_str(&entity.body)
        .map_err(|err| IamError::Corrupt(format!("{} {}: {err}", entity.kind, entity.key)))
}

impl Directory {
    pub(crate) fn build(entities: &[IamEntity]) -> Result<Directory, IamError> {
        let mut directory = Directory::default();
        for entity in entities {
            match entity.kind.as_str() {
                model::USER => {
                    directory.users.insert(entity.key.clone(), decode(entity)?);
                }
                model::ROLE => {
                    directory.roles.insert(entity.key.clone(), decode(entity)?);
                }
                model::POLICY => {
                    directory.policies.insert(entity.key.clone(), decode(entity)?);
                }
                model::ACCESS_KEY => {
                    directory.keys.insert(entity.key.clone(), decode(entity)?);
                }
                other => tracing::warn!(kind = other, "ignoring an identity of unknown kind"),
            }
        }
        // Documents were validated when they were put, so a failure here is
        // a corrupt store; the entity then simply gets no permission from it.
        let mut parsed_managed: HashMap<&str, Arc<PolicyDocument>> = HashMap::new();
        for policy in directory.policies.values() {
            match PolicyDocument::parse_identity(&policy.document) {
                Ok(doc) => {
                    parsed_managed.insert(policy.arn.as_str(), Arc::new(doc));
                }
                Err(err) => tracing::error!(policy = %policy.arn, error = %err, "stored policy does not parse"),
            }
        }
        let collect = |inline: &BTreeMap<String, String>, attached: &[String], owner: &str| {
            let mut docs = Vec::new();
            for (name, text) in inline {
                match PolicyDocument::parse_identity(text) {
                    Ok(doc) => docs.push(Arc::new(doc)),
                    Err(err) => {
                        tracing::error!(owner, policy = %name, error = %err, "stored inline policy does not parse")
                    }
                }
            }
            docs.extend(attached.iter().filter_map(|arn| parsed_managed.get(arn.as_str()).cloned()));
            docs
        };
        let user_policies = directory
            .users
            .iter()
            .map(|(k, u)| (k.clone(), collect(&u.inline_policies, &u.attached_policies, &u.name)))
            .collect();
        let role_policies = directory
            .roles
            .iter()
            .map(|(k, r)| (k.clone(), collect(&r.inline_policies, &r.attached_policies, &r.name)))
            .collect();
        let mut role_trust = HashMap::new();
        for (key, role) in &directory.roles {
            match PolicyDocument::parse_resource(&role.assume_role_policy) {
                Ok(doc) => {
                    role_trust.insert(key.clone(), Arc::new(doc));
                }
                Err(err) => tracing::error!(role = %role.name, error = %err, "stored trust policy does not parse"),
            }
        }
        directory.user_policies = user_policies;
        directory.role_policies = role_policies;
        directory.role_trust = role_trust;
        Ok(directory)
    }

    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.get(&model::name_key(name))
    }

    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.get(&model::name_key(name))
    }

    pub fn user_policies(&self, name: &str) -> Vec<Arc<PolicyDocument>> {
        self.user_policies.get(&model::name_key(name)).cloned().unwrap_or_default()
    }

    pub fn role_policies(&self, name: &str) -> Vec<Arc<PolicyDocument>> {
        self.role_policies.get(&model::name_key(name)).cloned().unwrap_or_default()
    }

    pub fn role_trust(&self, name: &str) -> Option<Arc<PolicyDocument>> {
        self.role_trust.get(&model::name_key(name)).cloned()
    }

    pub fn policy_by_arn(&self, arn: &str) -> Option<&ManagedPolicy> {
        self.policies.values().find(|p| p.arn == arn)
    }

    /// How many users and roles have the policy attached.
    pub fn attachment_count(&self, arn: &str) -> usize {
        let users = self.users.values().filter(|u| u.attached_policies.iter().any(|a| a == arn)).count();
        let roles = self.roles.values().filter(|r| r.attached_policies.iter().any(|a| a == arn)).count();
        users + roles
    }

    pub fn keys_of(&self, user: &str) -> impl Iterator<Item = &AccessKey> {
        let wanted = model::name_key(user);
        self.keys.values().filter(move |k| model::name_key(&k.user) == wanted)
    }

    /// Resolves a role ARN of this account to the role.
    pub fn role_by_arn(&self, account: &str, arn: &str) -> Option<&Role> {
        let rest = arn.strip_prefix(&format!("arn:aws:iam::{account}:role"))?;
        let name = rest.rsplit('/').next()?;
        self.role(name).filter(|role| format!("{}{}", role.path, role.name) == rest)
    }
}
