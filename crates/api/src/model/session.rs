//! The interactive-session resource and the bodies of the session
//! operations (StartSession, GetSession, ListSessions, TerminateSession,
//! GetSessionEndpoint), after botocore's `Session*` shapes.

use super::common::{NetworkConfiguration, ResourceUtilization, TagMap, TotalResourceUtilization};
use super::config::Configuration;
use super::enums::SessionState;
use super::timestamp::Timestamp;
use serde::{Deserialize, Serialize};

/// `SessionConfigurationOverrides`: only the runtime configuration; a
/// session has no monitoring override of its own (the application's applies).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionConfigurationOverrides {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_configuration: Option<Vec<Configuration>>,
}

/// A session as returned by GetSession.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub application_id: String,
    pub session_id: String,
    pub arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub state: SessionState,
    pub state_details: String,
    pub release_label: String,
    pub execution_role_arn: String,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_since: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_overrides: Option<SessionConfigurationOverrides>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_configuration: Option<NetworkConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<TagMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_resource_utilization: Option<TotalResourceUtilization>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billed_resource_utilization: Option<ResourceUtilization>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_execution_duration_seconds: Option<i64>,
}

/// The ListSessions view of a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionSummary {
    pub application_id: String,
    pub session_id: String,
    pub arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub state: SessionState,
    pub state_details: String,
    pub release_label: String,
    pub execution_role_arn: String,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl From<&Session> for SessionSummary {
    fn from(s: &Session) -> Self {
        SessionSummary {
            application_id: s.application_id.clone(),
            session_id: s.session_id.clone(),
            arn: s.arn.clone(),
            name: s.name.clone(),
            state: s.state,
            state_details: s.state_details.clone(),
            release_label: s.release_label.clone(),
            execution_role_arn: s.execution_role_arn.clone(),
            created_by: s.created_by.clone(),
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// Body of `POST /applications/{applicationId}/sessions`. Required members
/// are `Option` so that [`crate::Validate`] can word the error.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartSessionRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_role_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_overrides: Option<SessionConfigurationOverrides>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<TagMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartSessionResponse {
    pub application_id: String,
    pub session_id: String,
    pub arn: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetSessionResponse {
    pub session: Session,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListSessionsResponse {
    pub sessions: Vec<SessionSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TerminateSessionResponse {
    pub application_id: String,
    pub session_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetSessionEndpointResponse {
    pub application_id: String,
    pub session_id: String,
    pub endpoint: String,
    pub auth_token: String,
    pub auth_token_expires_at: Timestamp,
}

/// GetResourceDashboard's answer (the model's only resource type is SESSION).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetResourceDashboardResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}
