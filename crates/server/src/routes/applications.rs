//! Handlers of the application operations.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery as RawQueryString, State};
use axum::response::Response;
use axum::Extension;
use serde_json::json;
use sparkplane_api::{
    parse_application_states, validate_application_id, ApplicationSummary, CreateApplicationRequest,
    UpdateApplicationRequest,
};
use sparkplane_iam::Caller;
use sparkplane_store::ApplicationFilter;

use super::{ok_json, ok_page, page_of, parse_body};
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
    let page = page_of(&query)?;
    let states = query.all("states");
    let filter = ApplicationFilter { states: parse_application_states(&states)? };
    let result = state.controller.list_applications(&filter, Some(page)).await?;
    let applications: Vec<ApplicationSummary> = result.items.iter().map(ApplicationSummary::from).collect();
    Ok(ok_page("applications", &applications, result.next_token))
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
