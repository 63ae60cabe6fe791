//! sparkplane's host table (the EMR Serverless API has none: on AWS the
//! service owns its machines): `GET /sparkplane/v1/hosts[/{name}]`, `POST
//! /sparkplane/v1/hosts/{name}` (add; the answer holds the host's
//! credential, the only time it is shown), `POST .../drain`, `POST
//! .../resume` and `DELETE /sparkplane/v1/hosts/{name}`. SigV4-signed like
//! the rest of the API, authorized as `sparkplane:*Host*` actions.
//!
//! The agents' side (`/sparkplane/v1/agent/*`) is authorized by the host
//! credential as a bearer token, never by SigV4: a host credential can do
//! nothing else, and no user key can act as a host.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sparkplane_api::ErrorCode;
use sparkplane_hosts::Report;

use super::ok_json;
use crate::{ApiResponseError, AppState};

type Result<T> = std::result::Result<T, ApiResponseError>;

pub async fn list(State(state): State<AppState>) -> Result<Response> {
    Ok(ok_json(&json!({ "hosts": state.controller.list_hosts().await? })))
}

pub async fn get(State(state): State<AppState>, Path(name): Path<String>) -> Result<Response> {
    Ok(ok_json(&json!({ "host": state.controller.get_host(&name).await? })))
}

pub async fn add(State(state): State<AppState>, Path(name): Path<String>) -> Result<Response> {
    let (host, credential) = state.controller.add_host(&name).await?;
    let mut response = ok_json(&json!({ "host": host, "credential": credential }));
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

pub async fn drain(State(state): State<AppState>, Path(name): Path<String>) -> Result<Response> {
    Ok(ok_json(&json!({ "host": state.controller.drain_host(&name).await? })))
}

pub async fn resume(State(state): State<AppState>, Path(name): Path<String>) -> Result<Response> {
    Ok(ok_json(&json!({ "host": state.controller.resume_host(&name).await? })))
}

pub async fn remove(State(state): State<AppState>, Path(name): Path<String>) -> Result<Response> {
    state.controller.remove_host(&name).await?;
    Ok(StatusCode::OK.into_response())
}

/// `POST /sparkplane/v1/agent/register`
pub async fn agent_register(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response> {
    let token = bearer(&headers)?;
    let report = report(&body)?;
    Ok(ok_json(&state.controller.agent_register(token, report).await?))
}

/// `POST /sparkplane/v1/agent/heartbeat`
pub async fn agent_heartbeat(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Result<Response> {
    let token = bearer(&headers)?;
    let report = report(&body)?;
    Ok(ok_json(&state.controller.agent_heartbeat(token, report).await?))
}

fn bearer(headers: &HeaderMap) -> Result<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or_else(|| {
            ApiResponseError::new(ErrorCode::AccessDenied, "a host credential is required as a bearer token")
        })
}

fn report(body: &[u8]) -> Result<Report> {
    serde_json::from_slice(body)
        .map_err(|err| ApiResponseError::new(ErrorCode::Validation, format!("the agent's report is malformed: {err}")))
}
