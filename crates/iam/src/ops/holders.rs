//! Users and roles both hold inline policies and attached managed policies;
//! one set of operations serves both.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{check_identity_document, policy_size, quota_error, validate_name, MAX_ATTACHED_POLICIES};
use crate::directory::Directory;
use crate::model::{self, Role, User};
use crate::{Iam, IamError};

pub trait Holder: Serialize + DeserializeOwned + Clone {
    const KIND: &'static str;
    /// What error messages call it.
    const NOUN: &'static str;
    /// Aggregate inline policy size (IAM quotas page).
    const INLINE_QUOTA: (&'static str, usize);
    fn name(&self) -> &str;
    fn inline(&self) -> &BTreeMap<String, String>;
    fn inline_mut(&mut self) -> &mut BTreeMap<String, String>;
    fn attached(&self) -> &Vec<String>;
    fn attached_mut(&mut self) -> &mut Vec<String>;
    fn find(directory: &Directory, name: &str) -> Option<Self>;
}

impl Holder for User {
    const KIND: &'static str = model::USER;
    const NOUN: &'static str = "user";
    const INLINE_QUOTA: (&'static str, usize) = ("UserPolicySize", 2_048);
    fn name(&self) -> &str {
        &self.name
    }
    fn inline(&self) -> &BTreeMap<String, String> {
        &self.inline_policies
    }
    fn inline_mut(&mut self) -> &mut BTreeMap<String, String> {
        &mut self.inline_policies
    }
    fn attached(&self) -> &Vec<String> {
        &self.attached_policies
    }
    fn attached_mut(&mut self) -> &mut Vec<String> {
        &mut self.attached_policies
    }
    fn find(directory: &Directory, name: &str) -> Option<Self> {
        directory.user(name).cloned()
    }
}

impl Holder for Role {
    const KIND: &'static str = model::ROLE;
    const NOUN: &'static str = "role";
    const INLINE_QUOTA: (&'static str, usize) = ("RolePolicySize", 10_240);
    fn name(&self) -> &str {
        &self.name
    }
    fn inline(&self) -> &BTreeMap<String, String> {
        &self.inline_policies
    }
    fn inline_mut(&mut self) -> &mut BTreeMap<String, String> {
        &mut self.inline_policies
    }
    fn attached(&self) -> &Vec<String> {
        &self.attached_policies
    }
    fn attached_mut(&mut self) -> &mut Vec<String> {
        &mut self.attached_policies
    }
    fn find(directory: &Directory, name: &str) -> Option<Self> {
        directory.role(name).cloned()
    }
}

pub(crate) fn no_such<H: Holder>(name: &str) -> IamError {
    IamError::NoSuchEntity(format!("The {} with name {name} cannot be found.", H::NOUN))
}

impl Iam {
    pub(crate) fn find_holder<H: Holder>(&self, name: &str) -> Result<H, IamError> {
        H::find(&self.directory(), name).ok_or_else(|| no_such::<H>(name))
    }

    async fn update_holder<H: Holder>(&self, mut holder: H, change: impl FnOnce(&mut H)) -> Result<(), IamError> {
        change(&mut holder);
        self.replace_entity(H::KIND, &model::name_key(holder.name()), &holder).await?;
        self.reload().await
    }

    pub async fn put_inline_policy<H: Holder>(&self, name: &str, policy: &str, document: &str) -> Result<(), IamError> {
        validate_name(policy, "policyName", 128)?;
        check_identity_document(document)?;
        let _write = self.writes.lock().await;
        let holder: H = self.find_holder(name)?;
        let total: usize = holder
            .inline()
            .iter()
            .filter(|(existing, _)| existing.as_str() != policy)
            .map(|(_, text)| policy_size(text))
            .sum::<usize>()
            + policy_size(document);
        let (quota, limit) = H::INLINE_QUOTA;
        if total > limit {
            return Err(quota_error(quota, limit));
        }
        self.update_holder(holder, |h| {
            h.inline_mut().insert(policy.to_string(), document.to_string());
        })
        .await
    }

    pub fn get_inline_policy<H: Holder>(&self, name: &str, policy: &str) -> Result<(String, String), IamError> {
        let holder: H = self.find_holder(name)?;
        match holder.inline().get(policy) {
            Some(document) => Ok((holder.name().to_string(), document.clone())),
            None => Err(IamError::NoSuchEntity(format!("The {} policy with name {policy} cannot be found.", H::NOUN))),
        }
    }

    pub async fn delete_inline_policy<H: Holder>(&self, name: &str, policy: &str) -> Result<(), IamError> {
        let _write = self.writes.lock().await;
        let holder: H = self.find_holder(name)?;
        if !holder.inline().contains_key(policy) {
            return Err(IamError::NoSuchEntity(format!("The {} policy with name {policy} cannot be found.", H::NOUN)));
        }
        self.update_holder(holder, |h| {
            h.inline_mut().remove(policy);
        })
        .await
    }

    pub async fn attach_policy<H: Holder>(&self, name: &str, policy_arn: &str) -> Result<(), IamError> {
        let _write = self.writes.lock().await;
        let holder: H = self.find_holder(name)?;
        if self.directory().policy_by_arn(policy_arn).is_none() {
            return Err(IamError::NoSuchEntity(format!("Policy {policy_arn} does not exist or is not attachable.")));
        }
        if holder.attached().iter().any(|a| a == policy_arn) {
            // Attaching twice is a no-op in IAM.
            return Ok(());
        }
        if holder.attached().len() >= MAX_ATTACHED_POLICIES {
            let quota = if H::KIND == model::USER { "PoliciesPerUser" } else { "PoliciesPerRole" };
            return Err(quota_error(quota, MAX_ATTACHED_POLICIES));
        }
        self.update_holder(holder, |h| h.attached_mut().push(policy_arn.to_string())).await
    }

    pub async fn detach_policy<H: Holder>(&self, name: &str, policy_arn: &str) -> Result<(), IamError> {
        let _write = self.writes.lock().await;
        let holder: H = self.find_holder(name)?;
        if !holder.attached().iter().any(|a| a == policy_arn) {
            return Err(IamError::NoSuchEntity(format!("Policy {policy_arn} was not found.")));
        }
        self.update_holder(holder, |h| h.attached_mut().retain(|a| a != policy_arn)).await
    }
}
