//! The API as the console's script calls it: `/console/api/<API path>`.
//!
//! This layer sits in front of the same router the aws CLI reaches, nested
//! under `/console/api`. It replaces only the signature: a valid sign-in
//! cookie names the access key, and a state-changing call must carry the
//! cookie's CSRF token in [`CSRF_HEADER`]. The request then goes through
//! the API's own authorization (`crate::authorize`, as that key), body
//! limits, validation and error mapping, so the console can do exactly what
//! its user could do with the aws CLI, and shows the API's own messages.

use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sparkplane_api::ErrorCode;

use super::CSRF_HEADER;
use crate::{ApiResponseError, AppState};

/// Put on a request by this layer only (a client cannot set extensions):
/// the SigV4 layer then authorizes it as this access key without a signature.
#[derive(Debug, Clone)]
pub struct ConsoleCaller {
    pub access_key_id: String,
}

pub async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let console = &state.console;
    let Some((access_key_id, cookie)) = console.signed_in(request.headers()) else {
        return ApiResponseError::new(ErrorCode::UnrecognizedClient, "Sign in to the console again.").into_response();
    };
    let safe = matches!(*request.method(), Method::GET | Method::HEAD);
    if !safe {
        let token = request.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if !console.key.csrf_matches(&cookie, token) {
            return ApiResponseError::new(ErrorCode::AccessDenied, "The console request has no valid CSRF token.")
                .into_response();
        }
    }
    // Whatever the browser sent for SigV4 means nothing here.
    let headers = request.headers_mut();
    headers.remove(header::AUTHORIZATION);
    headers.remove("x-amz-security-token");
    headers.remove("x-amz-date");
    // URLs the API builds from the request's host (GetDashboardForJobRun)
    // must point at the API's port, not the console's.
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1");
    let api_host = super::with_port(&format!("http://{host}"), console.api_port);
    if let Ok(value) = header::HeaderValue::from_str(api_host.trim_start_matches("http://")) {
        headers.insert(header::HOST, value);
    }
    request.extensions_mut().insert(ConsoleCaller { access_key_id });
    next.run(request).await
}
