//! The HTTP face of sparkplane: the EMR Serverless REST-JSON API.
//!
//! Requests pass through SigV4 verification ([`auth`]), are routed to the
//! [`Controller`], and every failure leaves through the single mapping in
//! [`error`], so status codes and `x-amzn-ErrorType` are decided in one place.

mod access;
mod auth;
mod authorize;
mod body_limits;
mod browser;
pub mod console;
mod error;
pub mod forward;
mod local_access;
pub mod metrics;
mod query;
mod request_id;
mod routes;
pub mod sessions;

use std::sync::Arc;

use axum::Router;
use sparkplane_auth::{KeyLookup, Verifier};
use sparkplane_control::Controller;

pub use body_limits::{BodyBudget, DEFAULT_BODY_BUDGET_BYTES, MAX_BODY_BYTES};
pub use error::ApiResponseError;
pub use sparkplane_http::ConnectionLimits;

/// Everything a request handler needs.
#[derive(Clone)]
pub struct AppState {
    pub controller: Arc<Controller>,
    pub verifier: Arc<Verifier>,
    pub keys: Arc<dyn KeyLookup + Send + Sync>,
    /// Identities and their policies: who signed, and what they may do.
    pub iam: Arc<sparkplane_iam::Iam>,
    /// Base of dashboard URLs (no trailing slash); None: the request's Host.
    pub public_url: Option<String>,
    /// SHA-256 of the `/metrics` bearer token; None turns `/metrics` off.
    pub metrics_token_sha256: Option<[u8; 32]>,
    /// API requests counted for `/metrics`.
    pub api_metrics: Arc<metrics::ApiMetrics>,
    /// More exposition text for `/metrics` from parts this crate does not
    /// know (the embedded S3 endpoint's counters).
    pub extra_metrics: Vec<metrics::MetricsText>,
    /// Opens the client address a standby server forwarded a request for.
    pub forward_seal: Option<sparkplane_auth::forwarded::ForwardSeal>,
    /// The interactive sessions' endpoint; None: sessions are off.
    pub sessions: Option<Arc<sessions::SessionEndpoint>>,
    /// The web console's keys, tickets, samples and ports.
    pub console: Arc<console::Console>,
}

/// The full router: health check, EMR Serverless API, sparkplane extras.
pub fn router(state: AppState) -> Router {
    routes::router(state)
}

/// Serves the web console ([`routes::console_router`]) on its own listener.
pub async fn serve_console(
    listener: tokio::net::TcpListener,
    state: AppState,
    limits: ApiLimits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use tower::ServiceExt;
    let app = routes::console_router(state).layer(axum::Extension(BodyBudget::new(limits.body_budget_bytes)));
    let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
        app.clone().oneshot(request.map(axum::body::Body::new))
    });
    sparkplane_http::serve(listener, service, limits.connections, "console", shutdown).await
}

/// Named defaults of the API's connection limits.
pub const DEFAULT_HEADER_READ_TIMEOUT: std::time::Duration = sparkplane_http::DEFAULT_HEADER_READ_TIMEOUT;
/// Kept-alive connections with no request are closed after this long.
pub const DEFAULT_IDLE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);
/// Well below the common 1,024 file descriptors, which the store, the S3
/// endpoint and engine processes need too.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;

/// Limits on the API's connections and buffered request bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiLimits {
    pub connections: ConnectionLimits,
    /// Bytes of request bodies buffered at once, across all connections.
    pub body_budget_bytes: usize,
}

impl Default for ApiLimits {
    fn default() -> Self {
        ApiLimits {
            connections: ConnectionLimits {
                header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
                idle_timeout: Some(DEFAULT_IDLE_TIMEOUT),
                max_connections: Some(DEFAULT_MAX_CONNECTIONS),
                drain_timeout: sparkplane_http::DEFAULT_DRAIN_TIMEOUT,
            },
            body_budget_bytes: DEFAULT_BODY_BUDGET_BYTES,
        }
    }
}

/// Serves `router` on `listener` with `limits` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    limits: ApiLimits,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use tower::ServiceExt;
    let seal = state.forward_seal.clone();
    let app = router(state).layer(axum::Extension(BodyBudget::new(limits.body_budget_bytes)));
    let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
        sparkplane_http::take_forwarded(&mut request, |client, sealed, method, path, authorization| {
            seal.as_ref()?.open(client, sealed, method, path, authorization)
        });
        app.clone().oneshot(request.map(axum::body::Body::new))
    });
    sparkplane_http::serve(listener, service, limits.connections, "api", shutdown).await
}
