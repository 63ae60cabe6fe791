//! Creating and deleting users and roles, and roles' trust policies.

use super::holders::no_such;
use super::{check_trust_document, new_id, now_secs, validate_name, validate_path};
use crate::model::{self, Role, Tag, User};
use crate::{Iam, IamError};

/// What CreateRole takes besides the name.
#[derive(Debug, Clone, Default)]
pub struct NewRole {
    pub path: Option<String>,
    pub assume_role_policy: String,
    pub description: Option<String>,
    pub max_session_duration: Option<i64>,
    pub tags: Vec<Tag>,
}

impl Iam {
    pub async fn create_user(&self, name: &str, path: Option<&str>, tags: Vec<Tag>) -> Result<User, IamError> {
        validate_name(name, "userName", 64)?;
        let path = path.unwrap_or("/");
        validate_path(path, "path")?;
        super::text::check_tags(&tags)?;
        let _write = self.writes.lock().await;
        let user = User {
            name: name.to_string(),
            id: new_id("AIDA")?,
            path: path.to_string(),
            create_date: now_secs(),
            inline_policies: Default::default(),
            attached_policies: Vec::new(),
            tags,
        };
        if !self.insert_entity(model::USER, &model::name_key(name), &user).await? {
            return Err(IamError::EntityAlreadyExists(format!("User with name {name} already exists.")));
        }
        self.reload().await?;
        Ok(user)
    }

    pub fn get_user(&self, name: &str) -> Result<User, IamError> {
        self.directory().user(name).cloned().ok_or_else(|| no_such::<User>(name))
    }

    /// A user can be deleted only once it holds nothing (IAM's rule, so that
    /// no key or policy is left dangling).
    pub async fn delete_user(&self, name: &str) -> Result<(), IamError> {
        let _write = self.writes.lock().await;
        let directory = self.directory();
        let user = directory.user(name).ok_or_else(|| no_such::<User>(name))?;
        if directory.keys_of(&user.name).next().is_some() {
            return Err(IamError::DeleteConflict("Cannot delete entity, must delete access keys first.".to_string()));
        }
        if !user.inline_policies.is_empty() {
            return Err(IamError::DeleteConflict("Cannot delete entity, must delete policies first.".to_string()));
        }
        if !user.attached_policies.is_empty() {
            return Err(IamError::DeleteConflict("Cannot delete entity, must detach all policies first.".to_string()));
        }
        self.delete_entity(model::USER, &model::name_key(name)).await?;
        self.reload().await
    }

    pub async fn create_role(&self, name: &str, new: NewRole) -> Result<Role, IamError> {
        validate_name(name, "roleName", 64)?;
        let path = new.path.as_deref().unwrap_or("/");
        validate_path(path, "path")?;
        check_trust_document(&new.assume_role_policy)?;
        let max_session_duration = new.max_session_duration.unwrap_or(3_600);
        if !(3_600..=43_200).contains(&max_session_duration) {
            return Err(IamError::Validation(format!(
                "1 validation error detected: Value '{max_session_duration}' at 'maxSessionDuration' failed to satisfy constraint: \
                 Member must have value between 3600 and 43200"
            )));
        }
        if new.description.as_ref().is_some_and(|d| d.chars().count() > 1000) {
            return Err(IamError::Validation(
                "1 validation error detected: Value at 'description' failed to satisfy constraint: \
                 Member must have length less than or equal to 1000"
                    .to_string(),
            ));
        }
        if let Some(description) = &new.description {
            super::text::check_role_description(description)?;
        }
        super::text::check_tags(&new.tags)?;
        let _write = self.writes.lock().await;
        let role = Role {
            name: name.to_string(),
            id: new_id("AROA")?,
            path: path.to_string(),
            create_date: now_secs(),
            assume_role_policy: new.assume_role_policy,
            description: new.description,
            max_session_duration,
            inline_policies: Default::default(),
            attached_policies: Vec::new(),
            tags: new.tags,
        };
        if !self.insert_entity(model::ROLE, &model::name_key(name), &role).await? {
            return Err(IamError::EntityAlreadyExists(format!("Role with name {name} already exists.")));
        }
        self.reload().await?;
        Ok(role)
    }

    pub fn get_role(&self, name: &str) -> Result<Role, IamError> {
        self.directory().role(name).cloned().ok_or_else(|| no_such::<Role>(name))
    }

    pub async fn delete_role(&self, name: &str) -> Result<(), IamError> {
        let _write = self.writes.lock().await;
        let role = self.get_role(name)?;
        if !role.inline_policies.is_empty() {
            return Err(IamError::DeleteConflict("Cannot delete entity, must delete policies first.".to_string()));
        }
        if !role.attached_policies.is_empty() {
            return Err(IamError::DeleteConflict("Cannot delete entity, must detach all policies first.".to_string()));
        }
        self.delete_entity(model::ROLE, &model::name_key(name)).await?;
        self.reload().await
    }

    pub async fn update_assume_role_policy(&self, name: &str, document: &str) -> Result<(), IamError> {
        check_trust_document(document)?;
        let _write = self.writes.lock().await;
        let mut role = self.get_role(name)?;
        role.assume_role_policy = document.to_string();
        self.replace_entity(model::ROLE, &model::name_key(name), &role).await?;
        self.reload().await
    }
}
