//! Structures shared by applications and job runs: capacity, images,
//! networking, lifecycle toggles, and resource-usage accounting.
//!
//! Nested structures are used both in requests and in stored resources, so
//! their required members are plain values (a missing one is rejected while
//! parsing the body); only top-level request members are `Option` to let
//! `validate()` word the error.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `TagMap`: tag key to tag value.
pub type TagMap = BTreeMap<String, String>;
/// `InitialCapacityConfigMap`: worker type (e.g. `DRIVER`) to pre-initialized capacity.
pub type InitialCapacityConfigMap = BTreeMap<String, InitialCapacityConfig>;
/// `WorkerTypeSpecificationMap` (resource side).
pub type WorkerTypeSpecificationMap = BTreeMap<String, WorkerTypeSpecification>;
/// `WorkerTypeSpecificationInputMap` (request side).
pub type WorkerTypeSpecificationInputMap = BTreeMap<String, WorkerTypeSpecificationInput>;
/// `SensitivePropertiesMap`: configuration property name to value.
pub type SensitivePropertiesMap = BTreeMap<String, String>;
/// `EncryptionContext`: KMS encryption context.
pub type EncryptionContext = BTreeMap<String, String>;
/// `LogTypeMap`: worker type to the log types shipped for it.
pub type LogTypeMap = BTreeMap<String, Vec<String>>;

/// Workers kept warm for an application, per worker type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitialCapacityConfig {
    pub worker_count: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_configuration: Option<WorkerResourceConfig>,
}

/// Size of one worker. Sizes are strings like `"4vCPU"`, `"16 GB"`; see
/// [`crate::capacity`] for parsing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkerResourceConfig {
    pub cpu: String,
    pub memory: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_type: Option<String>,
}

/// Upper bound on the total resources an application may hold at once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MaximumAllowedResources {
    pub cpu: String,
    pub memory: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoStartConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoStopConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_minutes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkConfiguration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_group_ids: Option<Vec<String>>,
}

/// Custom image of a resource, as reported back (digest resolved).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageConfiguration {
    pub image_uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_image_digest: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_level_digest_resolution: Option<bool>,
}

/// Custom image as requested by the caller.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageConfigurationInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_level_digest_resolution: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkerTypeSpecification {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_configuration: Option<ImageConfiguration>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkerTypeSpecificationInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_configuration: Option<ImageConfigurationInput>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InteractiveConfiguration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub studio_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub livy_endpoint_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_enabled: Option<bool>,
}

/// Job queueing: how many runs may execute at once, how long others wait.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchedulerConfiguration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_timeout_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrent_runs: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityCenterConfiguration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_center_instance_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_center_application_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_background_sessions_enabled: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityCenterConfigurationInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_center_instance_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_background_sessions_enabled: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobLevelCostAllocationConfiguration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DiskEncryptionConfiguration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_context: Option<EncryptionContext>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_key_arn: Option<String>,
}

/// Billed resource usage. The acronyms in the wire names do not survive
/// serde's camelCase conversion, hence the explicit renames.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ResourceUtilization {
    #[serde(rename = "vCPUHour", default, skip_serializing_if = "Option::is_none")]
    pub v_cpu_hour: Option<f64>,
    #[serde(rename = "memoryGBHour", default, skip_serializing_if = "Option::is_none")]
    pub memory_gb_hour: Option<f64>,
    #[serde(rename = "storageGBHour", default, skip_serializing_if = "Option::is_none")]
    pub storage_gb_hour: Option<f64>,
}

/// Total (not billed) resource usage; same shape as [`ResourceUtilization`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TotalResourceUtilization {
    #[serde(rename = "vCPUHour", default, skip_serializing_if = "Option::is_none")]
    pub v_cpu_hour: Option<f64>,
    #[serde(rename = "memoryGBHour", default, skip_serializing_if = "Option::is_none")]
    pub memory_gb_hour: Option<f64>,
    #[serde(rename = "storageGBHour", default, skip_serializing_if = "Option::is_none")]
    pub storage_gb_hour: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlexExecution {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
}
