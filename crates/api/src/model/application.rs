//! The application resource and the bodies of the application operations
//! (Create/Get/List/Update/Delete/Start/Stop).
//!
//! Request structs hold only JSON body members; path and query members
//! (`applicationId`, `nextToken`, `states`, ...) are the HTTP layer's business.

use super::common::{
    AutoStartConfig, AutoStopConfig, DiskEncryptionConfiguration, IdentityCenterConfiguration,
    IdentityCenterConfigurationInput, ImageConfiguration, ImageConfigurationInput, InitialCapacityConfigMap,
    InteractiveConfiguration, JobLevelCostAllocationConfiguration, MaximumAllowedResources, NetworkConfiguration,
    SchedulerConfiguration, TagMap, WorkerTypeSpecificationInputMap, WorkerTypeSpecificationMap,
};
use super::config::{Configuration, MonitoringConfiguration};
use super::enums::{ApplicationState, Architecture};
use super::timestamp::Timestamp;
use serde::{Deserialize, Serialize};

/// An application as returned by GetApplication/UpdateApplication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub application_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub arn: String,
    pub release_label: String,
    /// `EngineType`: free-form in the model (`Spark`, `Hive`, `SPARK`...).
    pub r#type: String,
    pub state: ApplicationState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_details: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_capacity: Option<InitialCapacityConfigMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_capacity: Option<MaximumAllowedResources>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<TagMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_start_configuration: Option<AutoStartConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_stop_configuration: Option<AutoStopConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_configuration: Option<NetworkConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_configuration: Option<ImageConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_type_specifications: Option<WorkerTypeSpecificationMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_configuration: Option<Vec<Configuration>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring_configuration: Option<MonitoringConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_encryption_configuration: Option<DiskEncryptionConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactive_configuration: Option<InteractiveConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduler_configuration: Option<SchedulerConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_center_configuration: Option<IdentityCenterConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_level_cost_allocation_configuration: Option<JobLevelCostAllocationConfiguration>,
}

/// The ListApplications view of an application (note `id`, not `applicationId`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSummary {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub arn: String,
    pub release_label: String,
    pub r#type: String,
    pub state: ApplicationState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state_details: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,
}

impl From<&Application> for ApplicationSummary {
    fn from(app: &Application) -> Self {
        ApplicationSummary {
            id: app.application_id.clone(),
            name: app.name.clone(),
            arn: app.arn.clone(),
            release_label: app.release_label.clone(),
            r#type: app.r#type.clone(),
            state: app.state,
            state_details: app.state_details.clone(),
            created_at: app.created_at,
            updated_at: app.updated_at,
            architecture: app.architecture,
        }
    }
}

/// Body of `POST /applications`. Required members are `Option` so that a
/// missing one is reported by [`crate::Validate`] in AWS's words.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateApplicationRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_capacity: Option<InitialCapacityConfigMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_capacity: Option<MaximumAllowedResources>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<TagMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_start_configuration: Option<AutoStartConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_stop_configuration: Option<AutoStopConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_configuration: Option<NetworkConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_configuration: Option<ImageConfigurationInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_type_specifications: Option<WorkerTypeSpecificationInputMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_configuration: Option<Vec<Configuration>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring_configuration: Option<MonitoringConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_encryption_configuration: Option<DiskEncryptionConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactive_configuration: Option<InteractiveConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduler_configuration: Option<SchedulerConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_center_configuration: Option<IdentityCenterConfigurationInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_level_cost_allocation_configuration: Option<JobLevelCostAllocationConfiguration>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateApplicationResponse {
    pub application_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub arn: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetApplicationResponse {
    pub application: Application,
}

/// Body of `PATCH /applications/{applicationId}`; absent members are left unchanged.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateApplicationRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial_capacity: Option<InitialCapacityConfigMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_capacity: Option<MaximumAllowedResources>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_start_configuration: Option<AutoStartConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_stop_configuration: Option<AutoStopConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_configuration: Option<NetworkConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_configuration: Option<ImageConfigurationInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_type_specifications: Option<WorkerTypeSpecificationInputMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactive_configuration: Option<InteractiveConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_configuration: Option<Vec<Configuration>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitoring_configuration: Option<MonitoringConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_encryption_configuration: Option<DiskEncryptionConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduler_configuration: Option<SchedulerConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_center_configuration: Option<IdentityCenterConfigurationInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_level_cost_allocation_configuration: Option<JobLevelCostAllocationConfiguration>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateApplicationResponse {
    pub application: Application,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListApplicationsResponse {
    pub applications: Vec<ApplicationSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// Empty body (`{}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DeleteApplicationResponse {}

/// Empty body (`{}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StartApplicationResponse {}

/// Empty body (`{}`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct StopApplicationResponse {}
