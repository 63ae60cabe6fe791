//! Handlers of the application operations.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery as RawQueryString, State};
use axum::response::Response;
use axum::Extension;
use serde_json::json;
use sparkplane_api::{
    parse_application_states, validate_application_id, validate_max_results, validate_next_token, ApplicationSummary,
    CreateApplicationRequest, UpdateApplicationRequest,
};
use sparkplane_iam::Caller;
use sparkplane_store::{ApplicationFilter, PageRequest};

use super::{ok_json, parse_body};
use crate::local_access::CallerLocalPaths;
use crate::query::RawQuery;
use crate::{ApiResponseError, AppState};

type Result<T> = std::result::Result<T, ApiResponseError>;

pub async fn create(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response> {
    let request: CreateApplicationRequest = parse_body(&body)?;
    Ok(ok_json(&state.controller.create_application(request, &CallerLocalPaths(&caller)).await?))
}

pub async fn get(State(state): State<AppState>, Path(application_id): Path<String>) -> Result<Response> {
    validate_application_id(&application_id)?;
    let application = state.controller.get_application(&application_id).await?;
    Ok(ok_json(&json!({ "application": application })))
}

pub async fn list(State(state): State<AppState>, RawQueryString(raw): RawQueryString) -> Result<Response> {
    let query = RawQuery::parse(raw.as_deref());
    let max_results = query.integer("maxResults")?;
    validate_max_results(max_results, "maxResults")?;
    let next_token = query.first("nextToken").map(str::to_string);
    validate_next_token(next_token.as_deref())?;
    let states = query.all("states");
    let filter = ApplicationFilter { states: parse_application_states(&states)? };
    let page = PageRequest { max_results: max_results.unwrap_or(50) as u32, next_token };
    let result = state.controller.list_applications(&filter, Some(page)).await?;
    let applications: Vec<ApplicationSummary> = result.items.iter().map(ApplicationSummary::from).collect();
    let mut body = json!({ "applications": applications });
    if let Some(token) = result.next_token {
        body["nextToken"] = json!(token);
    }
    Ok(ok_json(&body))
}

pub async fn update(
    State(state): State<AppState>,
    Path(application_id): Path<String>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response> {
    validate_application_id(&application_id)?;
    let request: UpdateApplicationRequest = parse_body(&body)?;
    let application = state.controller.update_application(&application_id, request, &CallerLocalPaths(&caller)).await?;
    Ok(ok_json(&json!({ "application": application })))
}

pub async fn delete(State(state): State<AppState>, Path(application_id): Path<String>) -> Result<Response> {
    validate_application_id(&application_id)?;
    state.controller.delete_application(&application_id).await?;
    Ok(ok_json(&json!({})))
}

pub async fn start(State(state): State<AppState>, Path(application_id): Path<String>) -> Result<Response> {
    validate_application_id(&application_id)?;
    state.controller.start_application(&application_id).await?;
    Ok(ok_json(&json!({})))
}

pub async fn stop(State(state): State<AppState>, Path(application_id): Path<String>) -> Result<Response> {
    validate_application_id(&application_id)?;
    state.controller.stop_application(&application_id).await?;
    Ok(ok_json(&json!({})))
}
