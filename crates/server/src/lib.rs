//! The HTTP face of sparkplane: the EMR Serverless REST-JSON API.
//!
//! Requests pass through SigV4 verification ([`auth`]), are routed to the
//! [`Controller`], and every failure leaves through the single mapping in
//! [`error`], so status codes and `x-amzn-ErrorType` are decided in one place.

mod auth;
mod error;
mod query;
mod request_id;
mod routes;

use std::sync::Arc;

use axum::Router;
use sparkplane_auth::{KeyLookup, Verifier};
use sparkplane_control::Controller;

pub use error::ApiResponseError;

/// Everything a request handler needs.
#[derive(Clone)]
pub struct AppState {
    pub controller: Arc<Controller>,
    pub verifier: Arc<Verifier>,
    pub keys: Arc<dyn KeyLookup + Send + Sync>,
    /// Base of dashboard URLs (no trailing slash); None: the request's Host.
    pub public_url: Option<String>,
}

/// The full router: health check, EMR Serverless API, sparkplane extras.
pub fn router(state: AppState) -> Router {
    routes::router(state)
}

/// Serves `router` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await
}
