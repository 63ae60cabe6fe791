//! GetDashboardForJobRun and the dashboard it points to.
//!
//! The API operation (SigV4, like every other) returns a one-hour URL
//! `/dashboard/<app>/<job>/<attempt>/?token=…`. The dashboard routes are
//! opened by a browser and so are not SigV4-signed: a valid token is traded
//! for an HttpOnly cookie scoped to the attempt's prefix and a redirect to the
//! same URL without the token, because the Spark UI's own links (absolute
//! paths under the prefix) cannot carry a query token. Every later request is
//! authorized by that cookie, checked by the same HMAC and expiry.

mod pages;
mod proxy;
pub mod session;

use axum::extract::{Path, RawQuery as RawQueryString, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use sparkplane_api::{validate_application_id, validate_job_run_id, ApiError, GetDashboardForJobRunResponse};
use sparkplane_control::dashboards::{
    dashboard_prefix, valid_spark_app_id, DashboardError, DashboardView, EventLog, TokenScope,
};
use sparkplane_engine::SparkRuntime;

use super::ok_json;
use crate::query::RawQuery;
use crate::{ApiResponseError, AppState};

/// Cookie carrying the token after the first visit (one per attempt prefix).
const COOKIE: &str = "sparkplane_dashboard";
/// Query parameter of the URL the API returns.
const TOKEN_PARAM: &str = "token";
/// The operation that gives a new URL for a run's dashboard.
const RUN_OPERATION: &str = "GetDashboardForJobRun";

/// `GET /applications/{applicationId}/jobruns/{jobRunId}/dashboard`.
pub async fn get_url(
    State(state): State<AppState>,
    Path((application_id, job_run_id)): Path<(String, String)>,
    RawQueryString(raw): RawQueryString,
    headers: HeaderMap,
) -> Result<Response, ApiResponseError> {
    validate_application_id(&application_id)?;
    validate_job_run_id(&job_run_id)?;
    let query = RawQuery::parse(raw.as_deref());
    let attempt = query.attempt()?;
    // accessSystemProfileLogs concerns Lake Formation, which sparkplane does
    // not have: accepted and ignored.
    let path = state.controller.dashboard_url_path(&application_id, &job_run_id, attempt).await?;
    let base = match &state.public_url {
        Some(base) => base.clone(),
        None => public_base(&headers)?,
    };
    let url = format!("{base}{path}");
    Ok(ok_json(&GetDashboardForJobRunResponse { url: Some(url) }))
}

/// `http://<host>` as the client addressed the API (the Host header is
/// covered by the SigV4 signature), so the URL works from where the caller
/// is, whatever address the server listens on. Behind a proxy that changes
/// the address, the `public_url` setting replaces this.
pub(crate) fn public_base(headers: &HeaderMap) -> Result<String, ApiError> {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    let plausible = !host.is_empty()
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']' | b'_'));
    if !plausible {
        return Err(ApiError::validation("The request has no usable Host header to build the dashboard URL from"));
    }
    Ok(format!("http://{host}"))
}

/// `/dashboard/{app}/{job}/{attempt}`: add the slash (keeping the query),
/// so the cookie path and Spark's relative links line up.
pub async fn add_slash(uri: Uri) -> Response {
    let location = match uri.query() {
        Some(query) => format!("{}/?{query}", uri.path()),
        None => format!("{}/", uri.path()),
    };
    redirect(&location)
}

pub async fn browse_root(
    state: State<AppState>,
    Path((application_id, job_run_id, attempt)): Path<(String, String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    browse_at(state, (application_id, job_run_id, attempt, String::new()), method, uri, headers).await
}

pub async fn browse(
    state: State<AppState>,
    Path(path): Path<(String, String, String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    browse_at(state, path, method, uri, headers).await
}

async fn browse_at(
    State(state): State<AppState>,
    (application_id, job_run_id, attempt, _): (String, String, String, String),
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let attempt = attempt.parse::<u32>().ok().filter(|n| *n >= 1);
    let (Some(attempt), true, true) =
        (attempt, validate_application_id(&application_id).is_ok(), validate_job_run_id(&job_run_id).is_ok())
    else {
        return pages::message(StatusCode::NOT_FOUND, "Not found", "There is no dashboard at this address.");
    };
    let prefix = dashboard_prefix(&application_id, &job_run_id, attempt);
    let scope = TokenScope::job_run(&application_id, &job_run_id, attempt);
    // The raw (still percent-encoded) rest of the path, exactly as received.
    let rest = uri.path().strip_prefix(&format!("{prefix}/")).unwrap_or_default().to_string();
    let query = RawQuery::parse(uri.query());

    if let Some(token) = query.first(TOKEN_PARAM) {
        return match state.controller.verify_dashboard_token(&scope, token) {
            Ok(expires_at) => trade_token_for_cookie(&prefix, &rest, uri.query(), token, expires_at),
            Err(err) => refuse(err, RUN_OPERATION),
        };
    }
    if let Some(refused) = check_cookies(&state, &scope, &headers, RUN_OPERATION) {
        return refused;
    }

    let Some(segments) = proxy::safe_segments(&rest) else {
        return pages::message(StatusCode::BAD_REQUEST, "Bad path", "This path is not allowed in a dashboard.");
    };
    let view = match state.controller.dashboard_view(&application_id, &job_run_id, attempt).await {
        Ok(view) => view,
        Err(err) => return view_error(err),
    };
    match view {
        DashboardView::NotStarted { state: run_state, details } => pages::not_started(&job_run_id, run_state, &details),
        DashboardView::Live { port: None } => pages::message(
            StatusCode::NOT_FOUND,
            "No live UI",
            "This run's Spark UI is unknown: the job turned it off (spark.ui.enabled=false), \
             or its driver was started before sparkplane chose a UI port for it.",
        ),
        DashboardView::RemoteLive { port: None, .. } => pages::message(
            StatusCode::NOT_FOUND,
            "No live UI yet",
            "This run's driver runs on another host and has not yet said where its Spark UI listens: \
             try again in a few seconds.",
        ),
        DashboardView::RemoteLive { address, port: Some(port) } => {
            let request = Upstream { method: &method, uri: &uri, headers: &headers, prefix: &prefix, rest: &rest };
            request.forward_to(&address, port, &format!("/{rest}")).await
        }
        DashboardView::Live { port: Some(port) } => {
            let request = Upstream { method: &method, uri: &uri, headers: &headers, prefix: &prefix, rest: &rest };
            request.forward(port, &format!("/{rest}")).await
        }
        DashboardView::NoEventLog { state: run_state } => pages::message(
            StatusCode::NOT_FOUND,
            "No event log",
            &format!(
                "Job run {job_run_id} ended ({}) without an event log in sparkplane's work dir \
                 (the job disabled spark.eventLog or sent it elsewhere), so there is no history view.",
                run_state.as_str()
            ),
        ),
        DashboardView::History { runtime, log } => {
            let request = Upstream { method: &method, uri: &uri, headers: &headers, prefix: &prefix, rest: &rest };
            history(&state, runtime, &log, &segments, &request, &job_run_id).await
        }
        DashboardView::Hive { state: run_state, details, report } => {
            if !rest.is_empty() {
                return pages::message(StatusCode::NOT_FOUND, "Not found", "A HIVE dashboard has a single page.");
            }
            pages::hive_report(&job_run_id, attempt, run_state, &details, report.as_ref())
        }
    }
}

/// The browser's request, as the Spark UI or History Server gets it.
struct Upstream<'a> {
    method: &'a Method,
    uri: &'a Uri,
    headers: &'a HeaderMap,
    /// The dashboard's prefix (the UI's proxy base).
    prefix: &'a str,
    /// The raw path under the prefix.
    rest: &'a str,
}

impl Upstream<'_> {
    /// `path` with the browser's query.
    fn path_and_query(&self, path: &str) -> String {
        match self.uri.query() {
            Some(query) => format!("{path}?{query}"),
            None => path.to_string(),
        }
    }

    async fn forward(&self, port: u16, path: &str) -> Response {
        self.forward_to("127.0.0.1", port, path).await
    }

    /// To a Spark UI on another host (a driver on an agent's host).
    async fn forward_to(&self, host: &str, port: u16, path: &str) -> Response {
        let host = if host.contains(':') { format!("[{host}]") } else { host.to_string() };
        let host = host.as_str();
        proxy::forward(self.method, host, port, &self.path_and_query(path), self.headers, self.prefix).await
    }
}

/// The History Server's page for `request`, when it belongs to `log`'s
/// Spark application. `owner` (a run's or session's id) is for the log.
async fn history(
    state: &AppState,
    runtime: SparkRuntime,
    log: &EventLog,
    segments: &[String],
    request: &Upstream<'_>,
    owner: &str,
) -> Response {
    let Some(upstream) = history_path(segments, request.rest, &log.spark_app_id) else {
        return pages::message(StatusCode::NOT_FOUND, "Not found", "This page belongs to another Spark application.");
    };
    match state.controller.history_server_for(runtime, log).await {
        Ok(port) => request.forward(port, &upstream).await,
        Err(err) => {
            tracing::warn!(owner, error = %err, "history view unavailable");
            pages::message(StatusCode::SERVICE_UNAVAILABLE, "History view unavailable", &err.to_string())
        }
    }
}

/// Refuses the request unless one of its dashboard cookies opens `scope`.
fn check_cookies(state: &AppState, scope: &TokenScope<'_>, headers: &HeaderMap, operation: &str) -> Option<Response> {
    let cookies = cookie_values(headers);
    let mut verdict = Err(DashboardError::Token(sparkplane_control::dashboards::TokenError::Malformed));
    for value in &cookies {
        verdict = state.controller.verify_dashboard_token(scope, value);
        if verdict.is_ok() {
            break;
        }
    }
    let err = verdict.err()?;
    Some(if cookies.is_empty() {
        pages::forbidden(&format!("this dashboard needs the URL from {operation}"), operation)
    } else {
        refuse(err, operation)
    })
}

/// The History Server path for `rest`, if it belongs to this run's Spark
/// application: its UI under `history/<id>/`, its REST API (the executors
/// page reads it), and the shared static files. The prefix root opens the UI.
fn history_path(segments: &[String], rest: &str, app_id: &str) -> Option<String> {
    if !valid_spark_app_id(app_id) {
        return None;
    }
    match segments {
        [only] if only.is_empty() => Some(format!("/history/{app_id}/")),
        [first, id, ..] if first == "history" && id == app_id => Some(format!("/{rest}")),
        [first, ..] if first == "static" => Some(format!("/{rest}")),
        [api, v1, applications, id, ..]
            if api == "api" && v1 == "v1" && applications == "applications" && id == app_id =>
        {
            Some(format!("/{rest}"))
        }
        _ => None,
    }
}

fn trade_token_for_cookie(prefix: &str, rest: &str, query: Option<&str>, token: &str, expires_at: u64) -> Response {
    let remaining: Vec<&str> = query
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some(TOKEN_PARAM))
        .collect();
    let mut location = format!("{prefix}/{rest}");
    if !remaining.is_empty() {
        location.push('?');
        location.push_str(&remaining.join("&"));
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let max_age = expires_at.saturating_sub(now);
    let cookie = format!("{COOKIE}={token}; Path={prefix}/; Max-Age={max_age}; HttpOnly; SameSite=Lax");
    let mut response = redirect(&location);
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    // The token is in the URL being left: do not hand it on as a referrer.
    response.headers_mut().insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    response
}

fn redirect(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Every value of our cookie in the request (several when stale ones linger).
fn cookie_values(headers: &HeaderMap) -> Vec<String> {
    crate::browser::cookie_values(headers, COOKIE)
}

fn refuse(err: DashboardError, operation: &str) -> Response {
    match err {
        DashboardError::Token(reason) => pages::forbidden(&reason.to_string(), operation),
        other => {
            tracing::error!(error = %other, "dashboard token check failed");
            pages::message(StatusCode::INTERNAL_SERVER_ERROR, "Internal error", "The dashboard key is unavailable.")
        }
    }
}

fn view_error(err: DashboardError) -> Response {
    match err {
        DashboardError::Control(control) => {
            let api = control.to_api_error();
            if api.code == sparkplane_api::ErrorCode::ResourceNotFound {
                pages::message(StatusCode::NOT_FOUND, "Not found", &api.message)
            } else {
                tracing::error!(error = %control, "dashboard lookup failed");
                pages::message(StatusCode::INTERNAL_SERVER_ERROR, "Internal error", "Please retry.")
            }
        }
        other => {
            tracing::error!(error = %other, "dashboard lookup failed");
            pages::message(StatusCode::INTERNAL_SERVER_ERROR, "Internal error", "Please retry.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segments(rest: &str) -> Vec<String> {
        proxy::safe_segments(rest).unwrap()
    }

    #[test]
    fn the_history_view_reaches_only_its_own_application() {
        let path = |rest: &str| history_path(&segments(rest), rest, "local-1");
        assert_eq!(path("").as_deref(), Some("/history/local-1/"));
        assert_eq!(path("history/local-1/jobs/").as_deref(), Some("/history/local-1/jobs/"));
        assert_eq!(path("static/webui.css").as_deref(), Some("/static/webui.css"));
        assert_eq!(
            path("api/v1/applications/local-1/allexecutors").as_deref(),
            Some("/api/v1/applications/local-1/allexecutors")
        );
        for other in ["history/local-2/jobs/", "api/v1/applications/local-2/jobs", "api/v1/applications", "jobs/"] {
            assert_eq!(path(other), None, "{other}");
        }
    }

    #[test]
    fn the_token_becomes_a_path_scoped_cookie_and_leaves_the_url() {
        let response = trade_token_for_cookie("/dashboard/a/j/1", "", Some("token=1.ab&x=y"), "1.ab", u64::MAX);
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(response.headers()[header::LOCATION], "/dashboard/a/j/1/?x=y");
        let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
        assert!(cookie.starts_with("sparkplane_dashboard=1.ab; Path=/dashboard/a/j/1/;"), "{cookie}");
        assert!(cookie.contains("HttpOnly"));
        let bare = trade_token_for_cookie("/dashboard/a/j/1", "jobs/", Some("token=1.ab"), "1.ab", 0);
        assert_eq!(bare.headers()[header::LOCATION], "/dashboard/a/j/1/jobs/");
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=b; sparkplane_dashboard=1.cd"));
        headers.append(header::COOKIE, HeaderValue::from_static("sparkplane_dashboard=2.ef"));
        assert_eq!(cookie_values(&headers), ["1.cd", "2.ef"]);
        assert!(cookie_values(&HeaderMap::new()).is_empty());
    }

    #[test]
    fn the_url_base_is_the_host_the_client_used() {
        let mut headers = HeaderMap::new();
        assert!(public_base(&headers).is_err());
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8088"));
        assert_eq!(public_base(&headers).unwrap(), "http://127.0.0.1:8088");
        headers.insert(header::HOST, HeaderValue::from_static("evil.example/<x>"));
        assert!(public_base(&headers).is_err());
    }
}
