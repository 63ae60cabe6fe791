//! Route table of the API.

mod applications;
mod catalog;
mod credentials;
mod dashboard;
mod hosts;
mod iam;
mod job_runs;
mod logs;
mod metastore;
mod metrics;
mod sessions;
mod tags;
mod workers;

use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sparkplane_api::ErrorCode;

use crate::{auth, console, request_id, ApiResponseError, AppState};
pub(crate) use dashboard::public_base;

/// The API's routes behind SigV4 (and `/metrics` counting).
fn api_router(state: &AppState) -> Router {
    Router::new()
        .route("/applications", post(applications::create).get(applications::list))
        .route(
            "/applications/{application_id}",
            get(applications::get).patch(applications::update).delete(applications::delete),
        )
        .route("/applications/{application_id}/start", post(applications::start))
        .route("/applications/{application_id}/stop", post(applications::stop))
        .route("/applications/{application_id}/jobruns", post(job_runs::start).get(job_runs::list))
        .route("/applications/{application_id}/jobruns/{job_run_id}", get(job_runs::get).delete(job_runs::cancel))
        .route("/applications/{application_id}/jobruns/{job_run_id}/attempts", get(job_runs::list_attempts))
        .route("/applications/{application_id}/jobruns/{job_run_id}/dashboard", get(dashboard::get_url))
        .route("/applications/{application_id}/dashboard", get(dashboard::session::get_url))
        .route("/applications/{application_id}/sessions", post(sessions::start).get(sessions::list))
        .route("/applications/{application_id}/sessions/{session_id}", get(sessions::get).delete(sessions::terminate))
        .route("/applications/{application_id}/sessions/{session_id}/endpoint", get(sessions::endpoint))
        .route("/tags/{resource_arn}", get(tags::list).post(tags::tag).delete(tags::untag))
        .route("/sparkplane/v1/applications/{application_id}/jobruns/{job_run_id}/logs", get(logs::read))
        .route("/sparkplane/v1/applications/{application_id}/workers", get(workers::get))
        .route("/sparkplane/v1/hosts", get(hosts::list))
        .route("/sparkplane/v1/servers", get(hosts::servers))
        .route("/sparkplane/v1/console/sign-in-url", post(console::sign_in_url))
        .route("/sparkplane/v1/console/samples", get(console::samples))
        .route("/sparkplane/v1/hosts/{name}", get(hosts::get).post(hosts::add).delete(hosts::remove))
        .route("/sparkplane/v1/hosts/{name}/drain", post(hosts::drain))
        .route("/sparkplane/v1/hosts/{name}/resume", post(hosts::resume))
        .route("/sparkplane/v1/catalog/databases", get(catalog::list_databases))
        .route("/sparkplane/v1/catalog/databases/{database}/tables", get(catalog::list_tables))
        .route("/sparkplane/v1/catalog/databases/{database}/tables/{table}", get(catalog::get_table))
        .route("/sparkplane/v1/metastore/databases", get(metastore::list_databases))
        .route(
            "/sparkplane/v1/metastore/databases/{database}",
            get(metastore::get_database).put(metastore::create_database),
        )
        .route("/sparkplane/v1/metastore/databases/{database}/tables", get(metastore::list_tables))
        .route(
            "/sparkplane/v1/metastore/databases/{database}/tables/{table}",
            get(metastore::get_table)
                .post(metastore::create_table)
                .put(metastore::update_table)
                .delete(metastore::drop_table),
        )
        .fallback(unknown_operation)
        .layer(middleware::from_fn_with_state(state.clone(), auth::require_sigv4))
        // Outside SigV4, so refused requests are counted too.
        .route_layer(middleware::from_fn_with_state(state.clone(), crate::metrics::record))
        .with_state(state.clone())
}

/// The web console, served on its own listener (its own origin: the
/// dashboards on the API's origin show pages of the jobs' own Spark
/// drivers). Its script reaches the same API routes under `/console/api/`,
/// with the sign-in cookie (and CSRF token) in place of a signature.
pub fn console_router(state: AppState) -> Router {
    let api = api_router(&state).layer(middleware::from_fn_with_state(state.clone(), console::api::authenticate));
    Router::new()
        .nest_service("/console/api", api)
        .route("/", get(|| async { console_redirect() }))
        .route("/console", get(|| async { console_redirect() }))
        .route("/console/", get(console::index))
        .route("/console/sign-in", get(console::sign_in_form).post(console::sign_in))
        .route("/console/sign-in/ticket", get(console::redeem_ticket))
        .route("/console/sign-out", post(console::sign_out))
        .route("/console/assets/{name}", get(console::asset))
        .layer(middleware::from_fn(console::pages_security_headers))
        .layer(middleware::from_fn(request_id::add_request_id))
        .with_state(state)
}

pub fn router(state: AppState) -> Router {
    let api = api_router(&state);
    // Scraped by Prometheus, which cannot sign: its own bearer token.
    let metrics = Router::new().route("/metrics", get(metrics::get)).with_state(state.clone());
    // IAM and STS (query protocol) at the root: verified per service in the
    // handler, since the credential scope says which service was signed for.
    let query_protocols = Router::new().route("/", post(iam::handle)).with_state(state.clone());
    // Called by jobs that hold no credentials yet, so not SigV4-signed:
    // authorized by the attempt's bearer token (see credentials.rs).
    let job_credentials = Router::new()
        .route(sparkplane_control::access::credentials::CREDENTIALS_PATH, get(credentials::get))
        .with_state(state.clone());
    // Called by agents, which hold a host credential and no user key: not
    // SigV4-signed, authorized by that credential (see hosts.rs).
    let agents = Router::new()
        .route(sparkplane_hosts::agent::REGISTER_PATH, post(hosts::agent_register))
        .route(sparkplane_hosts::agent::HEARTBEAT_PATH, post(hosts::agent_heartbeat))
        .route("/sparkplane/v1/agent/workers/{worker}/logs/{*relative}", axum::routing::put(hosts::agent_worker_log))
        .with_state(state.clone());
    // Opened by a browser, so not SigV4-signed: authorized by the URL's
    // token, then by the cookie it is traded for (see dashboard.rs).
    let dashboards = Router::new()
        .route("/dashboard/{application_id}/{job_run_id}/{attempt}", get(dashboard::add_slash))
        .route("/dashboard/{application_id}/{job_run_id}/{attempt}/", get(dashboard::browse_root))
        .route("/dashboard/{application_id}/{job_run_id}/{attempt}/{*rest}", get(dashboard::browse))
        .route("/session-dashboard/{application_id}/{session_id}", get(dashboard::add_slash))
        .route("/session-dashboard/{application_id}/{session_id}/", get(dashboard::session::browse_root))
        .route("/session-dashboard/{application_id}/{session_id}/{*rest}", get(dashboard::session::browse))
        .with_state(state.clone());
    // A browser sent to `/console` on the API's port goes to the console's
    // own port: the console never shares an origin with the dashboards.
    let console_elsewhere = Router::new()
        .route("/console", get(console::elsewhere))
        .route("/console/", get(console::elsewhere))
        .with_state(state);
    // Outermost, so that errors from the SigV4 layer carry a request id too.
    Router::new()
        .route("/health", get(health))
        .merge(console_elsewhere)
        .merge(query_protocols)
        .merge(job_credentials)
        .merge(agents)
        .merge(dashboards)
        .merge(metrics)
        .merge(api)
        .layer(middleware::from_fn(request_id::add_request_id))
}

async fn health() -> &'static str {
    "ok"
}

async fn unknown_operation() -> ApiResponseError {
    ApiResponseError::new(ErrorCode::UnknownOperation, "The requested operation is not supported by this server")
}

/// Parses a JSON body (an empty body is the empty request); malformed JSON
/// and missing members are 400s in the service's words.
pub(crate) fn parse_body<T: DeserializeOwned + Default>(bytes: &Bytes) -> Result<T, ApiResponseError> {
    Ok(sparkplane_api::parse_json_body(bytes)?)
}

/// `maxResults` (1..=50, default 50) and `nextToken` of a list operation.
pub(crate) fn page_of(query: &crate::query::RawQuery) -> Result<sparkplane_store::PageRequest, ApiResponseError> {
    let max_results = query.integer("maxResults")?;
    sparkplane_api::validate_max_results(max_results, "maxResults")?;
    let next_token = query.first("nextToken").map(str::to_string);
    sparkplane_api::validate_next_token(next_token.as_deref())?;
    Ok(sparkplane_store::PageRequest { max_results: max_results.unwrap_or(50) as u32, next_token })
}

/// One page of a list operation: `{key: items}` and `nextToken` when
/// another page follows.
pub(crate) fn ok_page<T: Serialize>(key: &str, items: &[T], next_token: Option<String>) -> Response {
    let mut body = serde_json::json!({ key: items });
    if let Some(token) = next_token {
        body["nextToken"] = serde_json::json!(token);
    }
    ok_json(&body)
}

fn console_redirect() -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    response.headers_mut().insert(axum::http::header::LOCATION, axum::http::HeaderValue::from_static("/console/"));
    response
}

pub(crate) fn ok_json<T: Serialize>(value: &T) -> Response {
    (StatusCode::OK, Json(value)).into_response()
}
