//! Access keys of users. The secret is returned once, by CreateAccessKey,
//! and never stored ([`crate::secrets`]).

use std::fmt;

use super::{new_id, now_secs, quota_error, MAX_KEYS_PER_USER};
use crate::model::{self, AccessKey, KeyStatus};
use crate::{Iam, IamError};

/// A key pair as CreateAccessKey returns it.
pub struct NewAccessKey {
    pub key: AccessKey,
    pub secret_access_key: String,
}

// So that no log line or error can carry the secret.
impl fmt::Debug for NewAccessKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewAccessKey").field("key", &self.key).field("secret_access_key", &"<redacted>").finish()
    }
}

impl Iam {
    pub async fn create_access_key(&self, user_name: &str) -> Result<NewAccessKey, IamError> {
        let _write = self.writes.lock().await;
        let user = self.get_user(user_name)?;
        if self.directory().keys_of(&user.name).count() >= MAX_KEYS_PER_USER {
            return Err(quota_error("AccessKeysPerUser", MAX_KEYS_PER_USER));
        }
        let key = AccessKey {
            id: new_id("AKIA")?,
            user: user.name.clone(),
            status: KeyStatus::Active,
            create_date: now_secs(),
        };
        if !self.insert_entity(model::ACCESS_KEY, &key.id, &key).await? {
            // 80 random bits collided: astronomically unlikely, and safe to retry.
            return Err(IamError::Random);
        }
        self.reload().await?;
        tracing::info!(user = %user.name, access_key_id = %key.id, "access key created");
        let secret_access_key = self.secrets.secret_for(&key.id);
        Ok(NewAccessKey { key, secret_access_key })
    }

    pub fn list_access_keys(&self, user_name: &str) -> Result<Vec<AccessKey>, IamError> {
        let user = self.get_user(user_name)?;
        Ok(self.directory().keys_of(&user.name).cloned().collect())
    }

    fn key_of(&self, user_name: &str, access_key_id: &str) -> Result<AccessKey, IamError> {
        let user = self.get_user(user_name)?;
        self.directory()
            .keys
            .get(access_key_id)
            .filter(|key| model::name_key(&key.user) == model::name_key(&user.name))
            .cloned()
            .ok_or_else(|| IamError::NoSuchEntity(format!("The Access Key with id {access_key_id} cannot be found.")))
    }

    pub async fn update_access_key(&self, user_name: &str, access_key_id: &str, status: &str) -> Result<(), IamError> {
        let status = match status {
            "Active" => KeyStatus::Active,
            "Inactive" => KeyStatus::Inactive,
            other => {
                return Err(IamError::Validation(format!(
                    "1 validation error detected: Value '{other}' at 'status' failed to satisfy constraint: \
                     Member must satisfy enum value set: [Active, Inactive]"
                )))
            }
        };
        let _write = self.writes.lock().await;
        let mut key = self.key_of(user_name, access_key_id)?;
        key.status = status;
        self.replace_entity(model::ACCESS_KEY, &key.id, &key).await?;
        self.reload().await
    }

    pub async fn delete_access_key(&self, user_name: &str, access_key_id: &str) -> Result<(), IamError> {
        let _write = self.writes.lock().await;
        let key = self.key_of(user_name, access_key_id)?;
        self.delete_entity(model::ACCESS_KEY, &key.id).await?;
        self.reload().await
    }
}
