//! The job-run resource, its summaries, and the bodies of the job-run
//! operations (StartJobRun, GetJobRun, ListJobRuns, CancelJobRun,
//! ListJobRunAttempts, GetDashboardForJobRun).

use super::common::{
    FlexExecution, ImageConfiguration, NetworkConfiguration, ResourceUtilization, TagMap, TotalResourceUtilization,
    WorkerTypeSpecificationMap,
};
use super::config::ConfigurationOverrides;
use super::enums::{JobRunMode, JobRunState};
use super::timestamp::Timestamp;
use serde::{Deserialize, Serialize};

/// What to run. Exactly one member must be set (the model does not say so;
/// the service does, and [`crate::Validate`] enforces it).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobDriver {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spark_submit: Option<SparkSubmit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hive: Option<Hive>,
}

impl JobDriver {
    /// The `JobRunType` reported in summaries: `Spark` or `Hive`.
    pub fn job_type(&self) -> Option<&'static str> {
        match (&self.spark_submit, &self.hive) {
            (Some(_), _) => Some("Spark"),
            (None, Some(_)) => Some("Hive"),
            (None, None) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SparkSubmit {
    pub entry_point: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_point_arguments: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spark_submit_parameters: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hive {
    pub query: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_query_file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_attempts: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_failed_attempts_per_hour: Option<i64>,
}

/// Session policy narrowing the execution role for one run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobRunExecutionIamPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_arns: Option<Vec<String>>,
}

/// A job run (or one attempt of it) as returned by GetJobRun.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobRun {
    pub application_id: String,
    pub job_run_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub arn: String,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub execution_role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_iam_policy: Option<JobRunExecutionIamPolicy>,
    pub state: JobRunState,
    pub state_details: String,
    pub release_label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_overrides: Option<ConfigurationOverrides>,
    pub job_driver: JobDriver,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<TagMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_resource_utilization: Option<TotalResourceUtilization>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_configuration: Option<NetworkConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_execution_duration_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_timeout_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billed_resource_utilization: Option<ResourceUtilization>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<JobRunMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_policy: Option<RetryPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_created_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_updated_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queued_duration_milliseconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_configuration: Option<ImageConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_type_specifications: Option<WorkerTypeSpecificationMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flex_execution: Option<FlexExecution>,
}

/// The ListJobRuns view of a run (note `id`, not `jobRunId`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobRunSummary {
    pub application_id: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<JobRunMode>,
    pub arn: String,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub execution_role: String,
    pub state: JobRunState,
    pub state_details: String,
    pub release_label: String,
    /// `JobRunType`: `Spark` or `Hive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_created_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt_updated_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flex_execution: Option<FlexExecution>,
}

impl From<&JobRun> for JobRunSummary {
    fn from(run: &JobRun) -> Self {
        JobRunSummary {
            application_id: run.application_id.clone(),
            id: run.job_run_id.clone(),
            name: run.name.clone(),
            mode: run.mode,
            arn: run.arn.clone(),
            created_by: run.created_by.clone(),
            created_at: run.created_at,
            updated_at: run.updated_at,
            execution_role: run.execution_role.clone(),
            state: run.state,
            state_details: run.state_details.clone(),
            release_label: run.release_label.clone(),
            r#type: run.job_driver.job_type().map(str::to_owned),
            attempt: run.attempt,
            attempt_created_at: run.attempt_created_at,
            attempt_updated_at: run.attempt_updated_at,
            flex_execution: run.flex_execution.clone(),
        }
    }
}

/// One attempt of a job run, as listed by ListJobRunAttempts. Here
/// `createdAt`/`updatedAt` are the attempt's own, and `jobCreatedAt` is when
/// the job run (its first attempt) was created.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobRunAttemptSummary {
    pub application_id: String,
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<JobRunMode>,
    pub arn: String,
    pub created_by: String,
    pub job_created_at: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub execution_role: String,
    pub state: JobRunState,
    pub state_details: String,
    pub release_label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flex_execution: Option<FlexExecution>,
}

impl JobRunAttemptSummary {
    /// Same as [`attempt_summary`].
    pub fn from_run(run: &JobRun, job_created_at: Timestamp) -> Self {
        attempt_summary(run, job_created_at)
    }
}

/// Summarises `run`, a [`JobRun`] describing one attempt, for
/// ListJobRunAttempts. The attempt timestamps fall back to the run's own
/// when the run has no separate attempt bookkeeping.
pub fn attempt_summary(run: &JobRun, job_created_at: Timestamp) -> JobRunAttemptSummary {
    JobRunAttemptSummary {
        application_id: run.application_id.clone(),
        id: run.job_run_id.clone(),
        name: run.name.clone(),
        mode: run.mode,
        arn: run.arn.clone(),
        created_by: run.created_by.clone(),
        job_created_at,
        created_at: run.attempt_created_at.unwrap_or(run.created_at),
        updated_at: run.attempt_updated_at.unwrap_or(run.updated_at),
        execution_role: run.execution_role.clone(),
        state: run.state,
        state_details: run.state_details.clone(),
        release_label: run.release_label.clone(),
        r#type: run.job_driver.job_type().map(str::to_owned),
        attempt: run.attempt,
        flex_execution: run.flex_execution.clone(),
    }
}

/// Body of `POST /applications/{applicationId}/jobruns`. Required members
/// are `Option` so that [`crate::Validate`] can word the error.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartJobRunRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_role_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_iam_policy: Option<JobRunExecutionIamPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_driver: Option<JobDriver>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_overrides: Option<ConfigurationOverrides>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<TagMap>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_timeout_minutes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<JobRunMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_policy: Option<RetryPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flex_execution: Option<FlexExecution>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartJobRunResponse {
    pub application_id: String,
    pub job_run_id: String,
    pub arn: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetJobRunResponse {
    pub job_run: JobRun,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListJobRunsResponse {
    pub job_runs: Vec<JobRunSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListJobRunAttemptsResponse {
    pub job_run_attempts: Vec<JobRunAttemptSummary>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelJobRunResponse {
    pub application_id: String,
    pub job_run_id: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetDashboardForJobRunResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}
