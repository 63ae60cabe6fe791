//! The identity documents as stored, one JSON document per entity.
//!
//! What is durable is exactly what the IAM API returns plus the links
//! between entities (inline policies live in their user or role, managed
//! policies are referenced by ARN). Secrets are not here: an access key's
//! secret is derived from a server key outside the store ([`crate::secrets`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Store kinds (the `kind` column of `iam_entities`).
pub(crate) const USER: &str = "user";
pub(crate) const ROLE: &str = "role";
pub(crate) const POLICY: &str = "policy";
pub(crate) const ACCESS_KEY: &str = "access_key";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub name: String,
    pub id: String,
    pub path: String,
    /// Epoch seconds.
    pub create_date: i64,
    /// Inline policies: name → document as the caller sent it.
    #[serde(default)]
    pub inline_policies: BTreeMap<String, String>,
    /// ARNs of attached managed policies, in attach order.
    #[serde(default)]
    pub attached_policies: Vec<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    pub name: String,
    pub id: String,
    pub path: String,
    pub create_date: i64,
    pub assume_role_policy: String,
    #[serde(default)]
    pub description: Option<String>,
    pub max_session_duration: i64,
    #[serde(default)]
    pub inline_policies: BTreeMap<String, String>,
    #[serde(default)]
    pub attached_policies: Vec<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedPolicy {
    pub name: String,
    pub id: String,
    pub path: String,
    pub arn: String,
    pub create_date: i64,
    pub update_date: i64,
    pub document: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyStatus {
    Active,
    Inactive,
}

impl KeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "Active",
            KeyStatus::Inactive => "Inactive",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessKey {
    pub id: String,
    /// The owning user's name as created (not case-folded).
    pub user: String,
    pub status: KeyStatus,
    pub create_date: i64,
}

/// IAM names are unique without regard to case ("User names are not
/// distinguished by case"), so the store key is the case-folded name.
pub(crate) fn name_key(name: &str) -> String {
    name.to_ascii_lowercase()
}

pub fn user_arn(account: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:user{path}{name}")
}

pub fn role_arn(account: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:role{path}{name}")
}

pub fn policy_arn(account: &str, path: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:policy{path}{name}")
}

pub fn root_arn(account: &str) -> String {
    format!("arn:aws:iam::{account}:root")
}
