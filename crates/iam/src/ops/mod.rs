//! The IAM operations on identities: validation, quotas, conflicts, and the
//! write followed by a snapshot reload. Authorization happens before these
//! are called ([`crate::query`]); rendering happens after.

mod holders;
mod keys;
mod policies;
mod principals;
mod text;

use serde::Serialize;
use sparkplane_policy::PolicyDocument;

use crate::{Iam, IamError};

pub use holders::Holder;
pub use keys::NewAccessKey;
pub use principals::NewRole;

/// Quotas of IAM, in AWS's numbers (IAM and STS quotas page).
pub(crate) const MAX_KEYS_PER_USER: usize = 2;
pub(crate) const MAX_ATTACHED_POLICIES: usize = 10;
pub(crate) const MANAGED_POLICY_SIZE: usize = 6_144;
/// Characters of a document in the model's `policyDocumentType`.
const MAX_DOCUMENT_CHARS: usize = 131_072;

pub(crate) fn now_secs() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A unique id in AWS's shape: a four-letter prefix naming the entity type
/// (`AIDA` user, `AROA` role, `ANPA` policy, `AKIA` access key) and 16
/// base32 characters.
pub(crate) fn new_id(prefix: &str) -> Result<String, IamError> {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|_| IamError::Random)?;
    let mut id = String::from(prefix);
    id.extend(bytes.iter().map(|b| char::from(ALPHABET[usize::from(*b) & 31])));
    Ok(id)
}

/// Names of users, roles and policies: the model's `[\w+=,.@-]+` and length.
pub(crate) fn validate_name(value: &str, member: &str, max: usize) -> Result<(), IamError> {
    let valid_char = |c: char| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c);
    if value.is_empty() || value.chars().count() > max || !value.chars().all(valid_char) {
        return Err(IamError::Validation(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: [\\w+=,.@-]+ and have length between 1 and {max}"
        )));
    }
    Ok(())
}

/// Paths: `/` or `/a/b/`, printable ASCII, at most 512 characters.
pub(crate) fn validate_path(value: &str, member: &str) -> Result<(), IamError> {
    let printable = value.chars().all(|c| ('!'..='~').contains(&c));
    let shaped = value == "/" || (value.len() >= 3 && value.starts_with('/') && value.ends_with('/'));
    if !printable || !shaped || value.len() > 512 || value.contains("//") {
        return Err(IamError::Validation(format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: \
             Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)"
        )));
    }
    Ok(())
}

/// Parses an identity policy, so that a bad document is refused when it is
/// put (MalformedPolicyDocument) and never discovered at use.
pub(crate) fn check_identity_document(text: &str) -> Result<(), IamError> {
    check_document_size(text)?;
    PolicyDocument::parse_identity(text).map(|_| ()).map_err(|err| IamError::MalformedPolicyDocument(err.to_string()))
}

pub(crate) fn check_trust_document(text: &str) -> Result<(), IamError> {
    check_document_size(text)?;
    PolicyDocument::parse_resource(text).map(|_| ()).map_err(|err| IamError::MalformedPolicyDocument(err.to_string()))
}

fn check_document_size(text: &str) -> Result<(), IamError> {
    if text.is_empty() || text.chars().count() > MAX_DOCUMENT_CHARS {
        return Err(IamError::Validation(format!(
            "1 validation error detected: Value at 'policyDocument' failed to satisfy constraint: \
             Member must have length between 1 and {MAX_DOCUMENT_CHARS}"
        )));
    }
    self::text::check_document_chars(text)
}

/// AWS counts policy size without whitespace.
pub(crate) fn policy_size(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

pub(crate) fn quota_error(quota: &str, limit: usize) -> IamError {
    IamError::LimitExceeded(format!("Cannot exceed quota for {quota}: {limit}"))
}

pub(crate) fn encode<T: Serialize>(value: &T) -> Result<String, IamError> {
    serde_json::to_string(value).map_err(|err| IamError::Corrupt(err.to_string()))
}

impl Iam {
    pub(crate) async fn insert_entity<T: Serialize>(&self, kind: &str, key: &str, value: &T) -> Result<bool, IamError> {
        Ok(self.store.insert_iam_entity(kind, key, &encode(value)?).await?)
    }

    pub(crate) async fn replace_entity<T: Serialize>(&self, kind: &str, key: &str, value: &T) -> Result<(), IamError> {
        if !self.store.replace_iam_entity(kind, key, &encode(value)?).await? {
            return Err(IamError::NoSuchEntity(format!("The {kind} {key} cannot be found.")));
        }
        Ok(())
    }

    pub(crate) async fn delete_entity(&self, kind: &str, key: &str) -> Result<(), IamError> {
        self.store.delete_iam_entity(kind, key).await?;
        Ok(())
    }
}
