//! sparkplane's own log endpoint, used by `sparkplane logs` to print and
//! follow a job's driver output (the EMR API has no such operation).

use axum::extract::{Path, RawQuery as RawQueryString, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sparkplane_api::{validate_application_id, validate_job_run_id, ApiError};
use sparkplane_control::LogStream;

use crate::query::RawQuery;
use crate::{ApiResponseError, AppState};

/// Header telling the client whether the run is over (no more output).
pub const FINISHED_HEADER: &str = "x-sparkplane-finished";

pub async fn read(
    State(state): State<AppState>,
    Path((application_id, job_run_id)): Path<(String, String)>,
    RawQueryString(raw): RawQueryString,
) -> Result<Response, ApiResponseError> {
    validate_application_id(&application_id)?;
    validate_job_run_id(&job_run_id)?;
    let query = RawQuery::parse(raw.as_deref());
    let stream = match query.first("stream").unwrap_or("stdout") {
        "stdout" => LogStream::Stdout,
        "stderr" => LogStream::Stderr,
        other => return Err(ApiError::validation(format!("stream must be stdout or stderr, not '{other}'")).into()),
    };
    let offset = query.integer("offset")?.unwrap_or(0).max(0) as u64;
    let (bytes, finished) = state.controller.read_driver_log(&application_id, &job_run_id, stream, offset).await?;
    Ok((StatusCode::OK, [(FINISHED_HEADER, if finished { "true" } else { "false" })], bytes).into_response())
}
