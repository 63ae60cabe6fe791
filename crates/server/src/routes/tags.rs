//! Handlers of the tagging operations.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery as RawQueryString, State};
use axum::response::Response;
use serde_json::json;
use sparkplane_api::{validate_resource_arn, TagResourceRequest};

use super::{ok_json, parse_body};
use crate::query::RawQuery;
use crate::{ApiResponseError, AppState};

type Result<T> = std::result::Result<T, ApiResponseError>;

pub async fn list(State(state): State<AppState>, Path(resource_arn): Path<String>) -> Result<Response> {
    validate_resource_arn(&resource_arn)?;
    let tags = state.controller.list_tags(&resource_arn).await?;
    Ok(ok_json(&json!({ "tags": tags })))
}

pub async fn tag(State(state): State<AppState>, Path(resource_arn): Path<String>, body: Bytes) -> Result<Response> {
    validate_resource_arn(&resource_arn)?;
    let request: TagResourceRequest = parse_body(&body)?;
    state.controller.tag_resource(&resource_arn, request).await?;
    Ok(ok_json(&json!({})))
}

pub async fn untag(
    State(state): State<AppState>,
    Path(resource_arn): Path<String>,
    RawQueryString(raw): RawQueryString,
) -> Result<Response> {
    validate_resource_arn(&resource_arn)?;
    let keys = RawQuery::parse(raw.as_deref()).all("tagKeys");
    state.controller.untag_resource(&resource_arn, &keys).await?;
    Ok(ok_json(&json!({})))
}
