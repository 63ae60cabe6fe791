//! SigV4 verification of every API request.
//!
//! The body is buffered (the signature covers its hash), verified against
//! the raw path and query as received, and handed on unchanged.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sparkplane_api::ErrorCode;
use sparkplane_auth::{sha256_hex, RequestParts};

use crate::{ApiResponseError, AppState};

/// Largest request body accepted; the biggest EMR request (StartJobRun with
/// 100 KB of parameters and configurations) is far below it.
const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

pub async fn require_sigv4(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            return ApiResponseError::new(ErrorCode::Validation, "Request body is too large or could not be read")
                .into_response()
        }
    };
    let headers: Vec<(&str, &str)> =
        parts.headers.iter().filter_map(|(name, value)| value.to_str().ok().map(|v| (name.as_str(), v))).collect();
    let request_parts = RequestParts {
        method: parts.method.as_str(),
        raw_path: parts.uri.path(),
        raw_query: parts.uri.query().unwrap_or_default(),
        headers,
    };
    let verified =
        state.verifier.verify(&request_parts, &sha256_hex(&bytes), std::time::SystemTime::now(), state.keys.as_ref());
    match verified {
        Ok(principal) => {
            tracing::debug!(access_key_id = %principal.access_key_id, method = %parts.method, path = %parts.uri.path(), "request authenticated");
            next.run(Request::from_parts(parts, Body::from(bytes))).await
        }
        Err(err) => {
            tracing::info!(code = err.code(), method = %parts.method, path = %parts.uri.path(), "request rejected by sigv4");
            ApiResponseError::from(err).into_response()
        }
    }
}
