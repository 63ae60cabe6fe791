//! Handlers of the job-run operations.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery as RawQueryString, State};
use axum::response::Response;
use axum::Extension;
use serde_json::json;
use sparkplane_api::ErrorCode;
use sparkplane_api::{
    attempt_summary, parse_job_run_states, validate_application_id, validate_job_run_id, JobRunMode, JobRunSummary,
    StartJobRunRequest, Validate,
};
use sparkplane_control::{query_timestamp, JobRunListQuery};
use sparkplane_iam::{Caller, PassRoleError, SessionPolicy};
use sparkplane_store::JobRunFilter;

use super::{ok_json, ok_page, page_of, parse_body};
use crate::local_access::CallerLocalPaths;
use crate::query::RawQuery;
use crate::{ApiResponseError, AppState};

type Result<T> = std::result::Result<T, ApiResponseError>;

/// `iam:PassRole` of `role` by the caller, and the service's trust in it:
/// AccessDenied, or a ValidationException for a role it cannot use.
pub(super) fn pass_role(state: &AppState, caller: &Caller, role: &str) -> Result<()> {
    state.iam.check_pass_role(caller, role).map_err(|err| match err {
        PassRoleError::Denied(message) => ApiResponseError::new(ErrorCode::AccessDenied, message),
        PassRoleError::Unusable(message) => ApiResponseError::new(ErrorCode::Validation, message),
    })
}

fn ids(application_id: &str, job_run_id: &str) -> Result<()> {
    validate_application_id(application_id)?;
    validate_job_run_id(job_run_id)?;
    Ok(())
}

pub async fn start(
    State(state): State<AppState>,
    Path(application_id): Path<String>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response> {
    validate_application_id(&application_id)?;
    let request: StartJobRunRequest = parse_body(&body)?;
    request.validate()?;
    // The job runs as its execution role: the caller must be allowed to pass
    // it, and the service must be allowed to assume it.
    if let Some(role) = &request.execution_role_arn {
        pass_role(&state, &caller, role)?;
    }
    if let Some(policy) = &request.execution_iam_policy {
        let session = SessionPolicy {
            inline: policy.policy.clone(),
            policy_arns: policy.policy_arns.clone().unwrap_or_default(),
        };
        state.iam.check_session_policy(&session).map_err(|err| {
            ApiResponseError::new(ErrorCode::Validation, format!("Invalid executionIamPolicy: {err}"))
        })?;
    }
    Ok(ok_json(
        &state.controller.start_job_run(&application_id, request, &caller.arn, &CallerLocalPaths(&caller)).await?,
    ))
}

pub async fn get(
    State(state): State<AppState>,
    Path((application_id, job_run_id)): Path<(String, String)>,
    RawQueryString(raw): RawQueryString,
) -> Result<Response> {
    ids(&application_id, &job_run_id)?;
    let query = RawQuery::parse(raw.as_deref());
    let attempt = query.attempt()?;
    let run = state.controller.get_job_run(&application_id, &job_run_id, attempt).await?;
    Ok(ok_json(&json!({ "jobRun": run })))
}

pub async fn list(
    State(state): State<AppState>,
    Path(application_id): Path<String>,
    RawQueryString(raw): RawQueryString,
) -> Result<Response> {
    validate_application_id(&application_id)?;
    let query = RawQuery::parse(raw.as_deref());
    let page = page_of(&query)?;
    let mode = query.first("mode").map(|m| JobRunMode::parse_at(m, "mode")).transpose()?;
    let filter = JobRunFilter {
        states: parse_job_run_states(&query.all("states"))?,
        created_at_after: query.first("createdAtAfter").map(|v| query_timestamp(v, "createdAtAfter")).transpose()?,
        created_at_before: query.first("createdAtBefore").map(|v| query_timestamp(v, "createdAtBefore")).transpose()?,
        mode,
    };
    let result = state.controller.list_job_runs(&application_id, &JobRunListQuery { filter, page: Some(page) }).await?;
    let runs: Vec<JobRunSummary> = result.items.iter().map(JobRunSummary::from).collect();
    Ok(ok_page("jobRuns", &runs, result.next_token))
}

pub async fn list_attempts(
    State(state): State<AppState>,
    Path((application_id, job_run_id)): Path<(String, String)>,
    RawQueryString(raw): RawQueryString,
) -> Result<Response> {
    ids(&application_id, &job_run_id)?;
    let page = page_of(&RawQuery::parse(raw.as_deref()))?;
    let result = state.controller.list_job_run_attempts(&application_id, &job_run_id, Some(page)).await?;
    let attempts: Vec<_> = result.items.iter().map(|run| attempt_summary(run, run.created_at)).collect();
    Ok(ok_page("jobRunAttempts", &attempts, result.next_token))
}

pub async fn cancel(
    State(state): State<AppState>,
    Path((application_id, job_run_id)): Path<(String, String)>,
    RawQueryString(raw): RawQueryString,
) -> Result<Response> {
    ids(&application_id, &job_run_id)?;
    let grace = RawQuery::parse(raw.as_deref()).integer("shutdownGracePeriodInSeconds")?;
    Ok(ok_json(&state.controller.cancel_job_run(&application_id, &job_run_id, grace).await?))
}
