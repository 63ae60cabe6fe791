//! `GET /sparkplane/v1/applications/{applicationId}/workers`: an
//! application's pre-initialized workers (wanted, idle, busy, starting), for
//! `sparkplane workers`. The EMR Serverless API has no such operation.

use axum::extract::{Path, State};
use axum::response::Response;

use super::ok_json;
use crate::{ApiResponseError, AppState};

pub async fn get(
    State(state): State<AppState>,
    Path(application_id): Path<String>,
) -> Result<Response, ApiResponseError> {
    let view = state.controller.warm_workers(&application_id).await?;
    Ok(ok_json(&view))
}
