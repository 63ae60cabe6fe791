//! Handlers of the interactive-session operations.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery as RawQueryString, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use serde_json::json;
use sparkplane_api::{
    parse_session_states, validate_application_id, validate_session_id, ErrorCode, GetSessionEndpointResponse,
    SessionSummary, StartSessionRequest, Timestamp, Validate,
};
use sparkplane_control::query_timestamp;
use sparkplane_iam::Caller;
use sparkplane_store::SessionFilter;

use super::{ok_json, ok_page, page_of, parse_body};
use crate::query::RawQuery;
use crate::{ApiResponseError, AppState};

type Result<T> = std::result::Result<T, ApiResponseError>;

fn ids(application_id: &str, session_id: &str) -> Result<()> {
    validate_application_id(application_id)?;
    validate_session_id(session_id)?;
    Ok(())
}

pub async fn start(
    State(state): State<AppState>,
    Path(application_id): Path<String>,
    Extension(caller): Extension<Caller>,
    body: Bytes,
) -> Result<Response> {
    validate_application_id(&application_id)?;
    let request: StartSessionRequest = parse_body(&body)?;
    request.validate()?;
    if state.sessions.is_none() {
        return Err(ApiResponseError::new(
            ErrorCode::Validation,
            "Sessions are turned off on this server (session_listen = off)",
        ));
    }
    // The session runs as its execution role, as a job run does.
    if let Some(role) = &request.execution_role_arn {
        super::job_runs::pass_role(&state, &caller, role)?;
    }
    Ok(ok_json(&state.controller.start_session(&application_id, request, &caller.arn).await?))
}

pub async fn get(
    State(state): State<AppState>,
    Path((application_id, session_id)): Path<(String, String)>,
) -> Result<Response> {
    ids(&application_id, &session_id)?;
    let session = state.controller.get_session(&application_id, &session_id).await?;
    Ok(ok_json(&json!({ "session": session })))
}

pub async fn list(
    State(state): State<AppState>,
    Path(application_id): Path<String>,
    RawQueryString(raw): RawQueryString,
) -> Result<Response> {
    validate_application_id(&application_id)?;
    let query = RawQuery::parse(raw.as_deref());
    let page = page_of(&query)?;
    let filter = SessionFilter {
        states: parse_session_states(&query.all("states"))?,
        created_at_after: query.first("createdAtAfter").map(|v| query_timestamp(v, "createdAtAfter")).transpose()?,
        created_at_before: query.first("createdAtBefore").map(|v| query_timestamp(v, "createdAtBefore")).transpose()?,
    };
    let result = state.controller.list_sessions(&application_id, &filter, Some(page)).await?;
    let sessions: Vec<SessionSummary> = result.items.iter().map(SessionSummary::from).collect();
    Ok(ok_page("sessions", &sessions, result.next_token))
}

pub async fn terminate(
    State(state): State<AppState>,
    Path((application_id, session_id)): Path<(String, String)>,
) -> Result<Response> {
    ids(&application_id, &session_id)?;
    Ok(ok_json(&state.controller.terminate_session(&application_id, &session_id).await?))
}

/// `sc://HOST:PORT` with the host the client reached the API at (or the
/// public URL's), and a token for this session only, checked by the
/// endpoint without a store read.
pub async fn endpoint(
    State(state): State<AppState>,
    Path((application_id, session_id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response> {
    ids(&application_id, &session_id)?;
    let session = state.controller.get_session(&application_id, &session_id).await?;
    let Some(endpoint) = state.sessions.as_ref() else {
        return Err(ApiResponseError::new(ErrorCode::Validation, "Sessions are turned off on this server"));
    };
    if !session.state.is_serving() || state.controller.session_upstream(&session_id).is_none() {
        return Err(ApiResponseError::new(
            ErrorCode::Validation,
            format!(
                "Session {session_id} is {} and has no endpoint: it must be STARTED, IDLE or BUSY",
                session.state.as_str()
            ),
        ));
    }
    let host = public_host(state.public_url.as_deref(), &headers)
        .ok_or_else(|| ApiResponseError::new(ErrorCode::Validation, "The request names no Host"))?;
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default();
    let expires_at_ms = now_ms + endpoint.token_lifetime.as_millis() as i64;
    let claim = sparkplane_connect::Claim {
        application_id: application_id.clone(),
        session_id: session_id.clone(),
        expires_at_ms,
    };
    let token = sparkplane_connect::mint(&endpoint.key, &claim)
        .map_err(|err| ApiResponseError::new(ErrorCode::Validation, err.to_string()))?;
    Ok(ok_json(&GetSessionEndpointResponse {
        application_id,
        session_id,
        endpoint: format!("sc://{host}:{}", endpoint.port),
        auth_token: token,
        auth_token_expires_at: Timestamp::from_millis(expires_at_ms),
    }))
}

/// The host (no port) clients reach this server at: the public URL's, else
/// the request's Host header (covered by the SigV4 signature).
fn public_host(public_url: Option<&str>, headers: &HeaderMap) -> Option<String> {
    let authority = match public_url {
        Some(url) => url.split_once("://").map_or(url, |(_, rest)| rest).to_string(),
        None => headers.get(axum::http::header::HOST)?.to_str().ok()?.to_string(),
    };
    let host = match authority.strip_prefix('[') {
        Some(v6) => format!("[{}]", v6.split(']').next()?),
        None => authority.split(':').next()?.to_string(),
    };
    let plausible = !host.is_empty()
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']' | b'_'));
    plausible.then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_endpoint_host_is_the_one_the_client_used() {
        let mut headers = HeaderMap::new();
        headers.insert(axum::http::header::HOST, "10.77.1.1:8088".parse().unwrap());
        assert_eq!(public_host(None, &headers).as_deref(), Some("10.77.1.1"));
        assert_eq!(public_host(Some("https://spark.example.com:8443"), &headers).as_deref(), Some("spark.example.com"));
        headers.insert(axum::http::header::HOST, "[::1]:8088".parse().unwrap());
        assert_eq!(public_host(None, &headers).as_deref(), Some("[::1]"));
        headers.insert(axum::http::header::HOST, "a/b".parse().unwrap());
        assert_eq!(public_host(None, &headers), None);
        assert_eq!(public_host(None, &HeaderMap::new()), None);
    }
}
