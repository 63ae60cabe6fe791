//! SigV4 verification of every API request.
//!
//! What can be checked without the body is checked first
//! (`Verifier::precheck`); then the body is buffered within the limits of
//! [`crate::body_limits`] (the signature covers its hash), verified against
//! the raw path and query as received, and handed on unchanged.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sparkplane_auth::{sha256_hex, RequestParts};

use crate::body_limits::{self, BodyBudget};
use crate::console::api::ConsoleCaller;
use crate::console::SignedBy;
use crate::{ApiResponseError, AppState};
use sparkplane_api::ErrorCode;

pub async fn require_sigv4(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if let Some(console) = request.extensions().get::<ConsoleCaller>().cloned() {
        return from_console(state, console, request, next).await;
    }
    let (parts, body) = request.into_parts();
    let request_parts = request_parts(&parts);
    // Refuse what fails without the body before reading any of it.
    if let Err(err) = state.verifier.precheck(&request_parts, std::time::SystemTime::now(), state.keys.as_ref()) {
        tracing::info!(code = err.code(), method = %parts.method, path = %parts.uri.path(), "request rejected by sigv4 before its body");
        return body_limits::closing(ApiResponseError::from(err).into_response());
    }
    let budget = parts.extensions.get::<BodyBudget>().cloned().unwrap_or_else(BodyBudget::fallback);
    // `_buffered` holds the body's share of the budget until the handler is done.
    let (bytes, _buffered) = match body_limits::read(body, &budget).await {
        Ok(buffered) => (buffered.bytes.clone(), buffered),
        Err(response) => return response,
    };
    let verified =
        state.verifier.verify(&request_parts, &sha256_hex(&bytes), std::time::SystemTime::now(), state.keys.as_ref());
    match verified {
        Ok(principal) => {
            tracing::debug!(access_key_id = %principal.access_key_id, method = %parts.method, path = %parts.uri.path(), "request authenticated");
            authorized_next(&state, principal.access_key_id, parts, bytes, next).await
        }
        Err(err) => {
            tracing::info!(code = err.code(), method = %parts.method, path = %parts.uri.path(), "request rejected by sigv4");
            ApiResponseError::from(err).into_response()
        }
    }
}

/// A console request (see `console::api`): its cookie named the key, so
/// only the signature is skipped. The key must still be active, and the
/// request is authorized as it like any signed one.
async fn from_console(state: AppState, console: ConsoleCaller, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    if state.keys.secret_for(&console.access_key_id).is_none() {
        return ApiResponseError::new(ErrorCode::UnrecognizedClient, "The console's access key is no longer valid.")
            .into_response();
    }
    let budget = parts.extensions.get::<BodyBudget>().cloned().unwrap_or_else(BodyBudget::fallback);
    let (bytes, _buffered) = match body_limits::read(body, &budget).await {
        Ok(buffered) => (buffered.bytes.clone(), buffered),
        Err(response) => return response,
    };
    authorized_next(&state, console.access_key_id, parts, bytes, next).await
}

/// Authorizes the request as `access_key_id` and hands it on with its
/// caller and key, whichever way the key was proven.
async fn authorized_next(
    state: &AppState,
    access_key_id: String,
    mut parts: axum::http::request::Parts,
    bytes: axum::body::Bytes,
    next: Next,
) -> Response {
    let caller = match crate::authorize::authorize(state, &access_key_id, &parts, &bytes).await {
        Ok(caller) => caller,
        Err(denied) => return denied.into_response(),
    };
    parts.extensions.insert(caller);
    parts.extensions.insert(SignedBy(access_key_id));
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

/// The verifier's view of a request: method, raw path and query, and the
/// headers whose values are text (others cannot be signed headers).
pub(crate) fn request_parts(parts: &axum::http::request::Parts) -> RequestParts<'_> {
    let headers: Vec<(&str, &str)> =
        parts.headers.iter().filter_map(|(name, value)| value.to_str().ok().map(|v| (name.as_str(), v))).collect();
    RequestParts {
        method: parts.method.as_str(),
        raw_path: parts.uri.path(),
        raw_query: parts.uri.query().unwrap_or_default(),
        headers,
    }
}
