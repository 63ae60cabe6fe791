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

use axum::extract::{Path, Request, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sparkplane_api::ErrorCode;
use sparkplane_hosts::Report;

use super::ok_json;
use crate::body_limits::{self, BodyBudget};
use crate::{ApiResponseError, AppState};

type Result<T> = std::result::Result<T, ApiResponseError>;

pub async fn list(State(state): State<AppState>) -> Result<Response> {
    Ok(ok_json(&json!({ "hosts": state.controller.list_hosts().await? })))
}

/// `GET /sparkplane/v1/servers`: the servers sharing the store, and the lease.
pub async fn servers(State(state): State<AppState>) -> Result<Response> {
    Ok(ok_json(&state.controller.list_servers().await?))
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
pub async fn agent_register(State(state): State<AppState>, request: Request) -> Response {
    agent_call(&state, request, true).await.unwrap_or_else(|response| response)
}

/// `POST /sparkplane/v1/agent/heartbeat`
pub async fn agent_heartbeat(State(state): State<AppState>, request: Request) -> Response {
    agent_call(&state, request, false).await.unwrap_or_else(|response| response)
}

/// The credential first, without reading the body (a caller without one
/// makes the server hold nothing, as for SigV4); then the report, read
/// within the API's body limits.
async fn agent_call(state: &AppState, request: Request, register: bool) -> std::result::Result<Response, Response> {
    let (parts, body) = request.into_parts();
    let refuse = |err: ApiResponseError| body_limits::closing(err.into_response());
    let token = bearer(&parts.headers).map_err(refuse)?.to_string();
    state.controller.authenticate_agent(&token).await.map_err(|err| refuse(err.into()))?;
    let budget = parts.extensions.get::<BodyBudget>().cloned().unwrap_or_else(BodyBudget::fallback);
    let buffered = body_limits::read(body, &budget).await?;
    let report = report(&buffered.bytes).map_err(IntoResponse::into_response)?;
    let answer = if register {
        state.controller.agent_register(&token, report).await
    } else {
        state.controller.agent_heartbeat(&token, report).await
    };
    answer.map(|answer| ok_json(&answer)).map_err(|err| ApiResponseError::from(err).into_response())
}

#[derive(serde::Deserialize)]
pub struct LogOffset {
    #[serde(default)]
    offset: u64,
}

/// `PUT /sparkplane/v1/agent/workers/{worker}/logs/{app}/{executor}/{stream}?offset=N`:
/// a piece of a remote executor's log (see `Controller::agent_worker_log`).
pub async fn agent_worker_log(
    State(state): State<AppState>,
    Path((worker, relative)): Path<(String, String)>,
    axum::extract::Query(query): axum::extract::Query<LogOffset>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let refuse = |err: ApiResponseError| body_limits::closing(err.into_response());
    let token = match bearer(&parts.headers) {
        Ok(token) => token.to_string(),
        Err(err) => return refuse(err),
    };
    let host = match state.controller.authenticate_agent(&token).await {
        Ok(host) => host,
        Err(err) => return refuse(err.into()),
    };
    let budget = parts.extensions.get::<BodyBudget>().cloned().unwrap_or_else(BodyBudget::fallback);
    let buffered = match body_limits::read(body, &budget).await {
        Ok(buffered) => buffered,
        Err(response) => return response,
    };
    match state.controller.agent_worker_log(&host, &worker, &relative, query.offset, &buffered.bytes).await {
        Ok(()) => StatusCode::OK.into_response(),
        Err(err) => ApiResponseError::from(err).into_response(),
    }
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
