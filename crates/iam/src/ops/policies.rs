//! Customer-managed policies.

use super::{check_identity_document, new_id, now_secs, policy_size, quota_error, validate_name, MANAGED_POLICY_SIZE};
use crate::model::{self, ManagedPolicy, Tag};
use crate::{Iam, IamError};

impl Iam {
    pub async fn create_policy(
        &self,
        name: &str,
        path: Option<&str>,
        document: &str,
        description: Option<String>,
        tags: Vec<Tag>,
    ) -> Result<ManagedPolicy, IamError> {
        validate_name(name, "policyName", 128)?;
        let path = path.unwrap_or("/");
        let path_ok = path.starts_with('/')
            && path.ends_with('/')
            && path.len() <= 512
            && !path.contains("//")
            && path.chars().all(|c| c.is_ascii_alphanumeric() || "/.,+@=_-".contains(c));
        if !path_ok {
            return Err(IamError::Validation(format!(
                "1 validation error detected: Value '{path}' at 'path' failed to satisfy constraint: \
                 Member must satisfy regular expression pattern: ((/[A-Za-z0-9\\.,\\+@=_-]+)*)/"
            )));
        }
        // The model's constraints before the document's meaning, as IAM does.
        if let Some(description) = &description {
            super::text::check_policy_description(description)?;
        }
        super::text::check_tags(&tags)?;
        check_identity_document(document)?;
        if policy_size(document) > MANAGED_POLICY_SIZE {
            return Err(quota_error("PolicySize", MANAGED_POLICY_SIZE));
        }
        let _write = self.writes.lock().await;
        let now = now_secs();
        let policy = ManagedPolicy {
            name: name.to_string(),
            id: new_id("ANPA")?,
            path: path.to_string(),
            arn: model::policy_arn(&self.account, path, name),
            create_date: now,
            update_date: now,
            document: document.to_string(),
            description,
            tags,
        };
        if !self.insert_entity(model::POLICY, &model::name_key(name), &policy).await? {
            return Err(IamError::EntityAlreadyExists(format!(
                "A policy called {name} already exists. Duplicate names are not allowed."
            )));
        }
        self.reload().await?;
        Ok(policy)
    }

    pub fn get_policy(&self, arn: &str) -> Result<ManagedPolicy, IamError> {
        self.directory()
            .policy_by_arn(arn)
            .cloned()
            .ok_or_else(|| IamError::NoSuchEntity(format!("Policy {arn} was not found.")))
    }

    pub async fn delete_policy(&self, arn: &str) -> Result<(), IamError> {
        let _write = self.writes.lock().await;
        let policy = self.get_policy(arn)?;
        if self.directory().attachment_count(arn) > 0 {
            return Err(IamError::DeleteConflict("Cannot delete a policy attached to entities.".to_string()));
        }
        self.delete_entity(model::POLICY, &model::name_key(&policy.name)).await?;
        self.reload().await
    }
}
