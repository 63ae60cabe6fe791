//! `GET /metrics`: Prometheus scrapes, authorized by the bearer token of
//! `metrics_token` (see [`crate::metrics`]), never by SigV4.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::{ApiResponseError, AppState};

pub async fn get(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiResponseError> {
    let Some(expected) = state.metrics_token_sha256 else {
        return Ok(refuse(
            "metrics are off: set metrics_token (SPARKPLANE_METRICS_TOKEN) and scrape with it as a bearer token",
        ));
    };
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|token| <[u8; 32]>::from(Sha256::digest(token.trim().as_bytes())));
    // Hashes of equal length: comparing them leaks nothing of the token.
    if presented != Some(expected) {
        return Ok(refuse("a valid metrics bearer token is required"));
    }
    let control = state.controller.metrics().await?;
    let mut body = crate::metrics::render(&control, &state.api_metrics);
    for more in &state.extra_metrics {
        body.append(&more());
    }
    let body = body.finish();
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], body).into_response())
}

fn refuse(message: &'static str) -> Response {
    (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{message}\n"))
        .into_response()
}
