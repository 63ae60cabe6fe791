//! The credentials endpoint of this host's executors, on loopback.
//!
//! An elastic run's executors fetch their attempt's credentials the way the
//! server's own do (`AWS_CONTAINER_CREDENTIALS_FULL_URI` plus the attempt's
//! token), but the AWS SDKs accept a plain-HTTP FULL_URI only on loopback,
//! and the server is on another host. So each agent serves one on its own
//! loopback and forwards the request, token included, to the server's
//! `/sparkplane/v1/credentials`, which checks the token as for any engine.
//! Nothing is cached here, and neither token nor answer is logged.

use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::AgentError;

/// Path of the server's credentials endpoint, and of this proxy's.
pub const CREDENTIALS_PATH: &str = "/sparkplane/v1/credentials";

#[derive(Clone)]
struct Upstream {
    url: String,
    client: reqwest::Client,
}

/// Serves the proxy on `127.0.0.1:<any port>` until the process ends;
/// returns the URL executors get as `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
pub async fn start(server: &str) -> Result<String, AgentError> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .no_proxy()
        .build()
        .map_err(|err| AgentError::io("HTTP client", std::io::Error::other(err.to_string())))?;
    let upstream = Upstream { url: format!("{}{CREDENTIALS_PATH}", server.trim_end_matches('/')), client };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|err| AgentError::io("listen on loopback for executors' credentials", err))?;
    let address = listener.local_addr().map_err(|err| AgentError::io("read the proxy's address", err))?;
    let app = Router::new().route(CREDENTIALS_PATH, get(forward)).with_state(upstream);
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, app).await {
            tracing::error!(error = %err, "the credentials proxy stopped");
        }
    });
    Ok(format!("http://{address}{CREDENTIALS_PATH}"))
}

async fn forward(State(upstream): State<Upstream>, headers: HeaderMap) -> Response {
    let mut request = upstream.client.get(&upstream.url);
    if let Some(token) = headers.get(AUTHORIZATION) {
        request = request.header(AUTHORIZATION, token.clone());
    }
    let answer = match request.send().await {
        Ok(answer) => answer,
        Err(err) => {
            tracing::warn!(error = %err, "the server's credentials endpoint is unreachable");
            return (StatusCode::BAD_GATEWAY, "the server is unreachable").into_response();
        }
    };
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let content_type = answer.headers().get(CONTENT_TYPE.as_str()).and_then(|v| v.to_str().ok()).map(str::to_string);
    let body = match answer.bytes().await {
        Ok(body) => body,
        Err(_) => return (StatusCode::BAD_GATEWAY, "the server's answer broke off").into_response(),
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    if let Some(value) = content_type.and_then(|v| HeaderValue::from_str(&v).ok()) {
        response.headers_mut().insert(CONTENT_TYPE, value);
    }
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
