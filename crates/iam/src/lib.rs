//! Identities and access for sparkplane, the way AWS IAM does it.
//!
//! Many teams share one server only if the server can tell them apart and
//! hold each to what it may do. This crate owns the account's users, access
//! keys, roles and managed policies (stored through the [`Store`] as JSON
//! documents), answers the IAM and STS query protocols that `aws iam` and
//! boto3 speak ([`query`]), resolves a signing key to its [`Caller`], and
//! decides requests with [`sparkplane_policy`]. The account root (the key in
//! `<data-dir>/credentials`) may do everything, as in AWS.

mod caller;
mod directory;
mod error;
pub mod model;
mod ops;
pub mod query;
pub mod secrets;
mod sessions;

use std::path::Path;
use std::sync::{Arc, RwLock};

use sparkplane_auth::{Credentials, KeyLookup};
use sparkplane_policy::{Authorizer, Context, Denied, TokenError};
use sparkplane_store::Store;

pub use caller::{Caller, PassRoleError};
pub use directory::Directory;
pub use error::IamError;
pub use ops::{Holder, NewAccessKey, NewRole};
pub use secrets::{KeyFileError, SecretDeriver};
pub use sessions::{session_token_sha256, SessionCredentials, SessionPolicy};

/// The service principal that runs jobs, as named in trust policies.
pub const EMR_SERVERLESS_PRINCIPAL: &str = "emr-serverless.amazonaws.com";

pub struct Iam {
    store: Arc<dyn Store>,
    account: String,
    root: Credentials,
    secrets: SecretDeriver,
    snapshot: RwLock<Arc<Directory>>,
    /// Serializes IAM writes (read-modify-write of one or more documents,
    /// then a snapshot reload); reads never take it.
    writes: tokio::sync::Mutex<()>,
    /// Temporary credentials of running attempts (see [`sessions`]).
    sessions: sessions::Sessions,
}

impl std::fmt::Debug for Iam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Iam").field("account", &self.account).finish_non_exhaustive()
    }
}

impl Iam {
    /// Loads every identity from `store`. `secrets` derives user keys'
    /// secrets; `root` is the account root's key pair.
    pub async fn open(
        store: Arc<dyn Store>,
        account: impl Into<String>,
        root: Credentials,
        secrets: SecretDeriver,
    ) -> Result<Arc<Iam>, IamError> {
        let entities = store.list_iam_entities().await?;
        let directory = Directory::build(&entities)?;
        Ok(Arc::new(Iam {
            store,
            account: account.into(),
            root,
            secrets,
            snapshot: RwLock::new(Arc::new(directory)),
            writes: tokio::sync::Mutex::new(()),
            sessions: Default::default(),
        }))
    }

    /// Opens with the server key in `<iam_dir>/server-key`.
    pub async fn open_in(
        store: Arc<dyn Store>,
        account: impl Into<String>,
        root: Credentials,
        iam_dir: &Path,
    ) -> Result<Arc<Iam>, OpenError> {
        let secrets = SecretDeriver::load_or_create(iam_dir)?;
        Ok(Iam::open(store, account, root, secrets).await?)
    }

    pub fn account(&self) -> &str {
        &self.account
    }

    /// The current snapshot of every identity.
    pub fn directory(&self) -> Arc<Directory> {
        match self.snapshot.read() {
            Ok(guard) => guard.clone(),
            // A writer panicked while swapping an Arc: the old value is whole.
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    async fn reload(&self) -> Result<(), IamError> {
        let entities = self.store.list_iam_entities().await?;
        let directory = Arc::new(Directory::build(&entities)?);
        match self.snapshot.write() {
            Ok(mut guard) => *guard = directory,
            Err(poisoned) => *poisoned.into_inner() = directory,
        }
        Ok(())
    }

    /// Who signed with `access_key_id`, if the key is known and active.
    pub fn caller(&self, access_key_id: &str) -> Option<Caller> {
        if access_key_id == self.root.access_key_id {
            return Some(Caller::root(&self.account));
        }
        let directory = self.directory();
        if sessions::is_temporary(access_key_id) {
            let session = self.session(access_key_id)?;
            let role = directory.role(&session.role_name)?;
            return Some(Caller::session(
                &self.account,
                role,
                &session.session_name,
                directory.role_policies(&role.name),
                session.session_policies.clone(),
            ));
        }
        let key = directory.keys.get(access_key_id)?;
        if key.status != model::KeyStatus::Active {
            return None;
        }
        let user = directory.user(&key.user)?;
        Some(Caller::user(&self.account, user, directory.user_policies(&user.name)))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Key(#[from] KeyFileError),
    #[error(transparent)]
    Iam(#[from] IamError),
}

impl KeyLookup for Iam {
    fn secret_for(&self, access_key_id: &str) -> Option<String> {
        if access_key_id == self.root.access_key_id {
            return Some(self.root.secret_access_key.clone());
        }
        if sessions::is_temporary(access_key_id) {
            // Known while the session lives; its token is checked separately.
            return self.session(access_key_id).map(|_| self.secrets.secret_for(access_key_id));
        }
        let directory = self.directory();
        let key = directory.keys.get(access_key_id)?;
        // An inactive key is refused like an unknown one, as AWS does.
        (key.status == model::KeyStatus::Active).then(|| self.secrets.secret_for(access_key_id))
    }
}

impl Authorizer for Iam {
    fn authorize(&self, access_key_id: &str, action: &str, resource: &str, context: &Context) -> Result<(), Denied> {
        match self.caller(access_key_id) {
            Some(caller) => caller.authorize(action, resource, context),
            None => Err(Denied { principal_arn: format!("unknown access key {access_key_id}"), explicit: false }),
        }
    }

    fn check_session_token(&self, access_key_id: &str, token: Option<&str>) -> Result<(), TokenError> {
        self.check_token(access_key_id, token)
    }
}
