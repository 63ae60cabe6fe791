//! GetResourceDashboard (resource type SESSION) and the session dashboard
//! it points to: the same token-for-cookie exchange and proxying as a run's
//! dashboard (see the parent module), under `/session-dashboard/<app>/<session>/`,
//! with tokens that open only that session.

use axum::extract::{Path, RawQuery as RawQueryString, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use sparkplane_api::{
    validate_application_id, validate_resource_dashboard, validate_session_id, GetResourceDashboardResponse,
};
use sparkplane_control::dashboards::{session_dashboard_prefix, TokenScope};
use sparkplane_control::sessions::dashboard::SessionDashboardView;

use super::{check_cookies, history, pages, proxy, public_base, refuse, trade_token_for_cookie, view_error, Upstream};
use super::{ok_json, TOKEN_PARAM};
use crate::query::RawQuery;
use crate::{ApiResponseError, AppState};

/// The operation that gives a new URL for a session's dashboard.
const OPERATION: &str = "GetResourceDashboard";

/// `GET /applications/{applicationId}/dashboard?resourceId=…&resourceType=SESSION`.
pub async fn get_url(
    State(state): State<AppState>,
    Path(application_id): Path<String>,
    RawQueryString(raw): RawQueryString,
    headers: HeaderMap,
) -> Result<Response, ApiResponseError> {
    validate_application_id(&application_id)?;
    let query = RawQuery::parse(raw.as_deref());
    let session_id = validate_resource_dashboard(query.first("resourceId"), query.first("resourceType"))?;
    // accessSystemProfileLogs concerns Lake Formation's system profile,
    // which sparkplane does not have: only its default (false) is accepted.
    match query.first("accessSystemProfileLogs") {
        None | Some("false") => {}
        Some("true") => {
            return Err(sparkplane_api::ApiError::validation(
                "accessSystemProfileLogs is for Lake Formation-enabled sessions, which sparkplane does not run",
            )
            .into())
        }
        Some(other) => {
            return Err(sparkplane_api::ApiError::validation(format!(
                "accessSystemProfileLogs must be true or false, not '{other}'"
            ))
            .into())
        }
    }
    let path = state.controller.session_dashboard_url_path(&application_id, &session_id).await?;
    let base = match &state.public_url {
        Some(base) => base.clone(),
        None => public_base(&headers)?,
    };
    Ok(ok_json(&GetResourceDashboardResponse { url: Some(format!("{base}{path}")) }))
}

pub async fn browse_root(
    state: State<AppState>,
    Path((application_id, session_id)): Path<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    browse_at(state, (application_id, session_id), method, uri, headers).await
}

pub async fn browse(
    state: State<AppState>,
    Path((application_id, session_id, _)): Path<(String, String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    browse_at(state, (application_id, session_id), method, uri, headers).await
}

async fn browse_at(
    State(state): State<AppState>,
    (application_id, session_id): (String, String),
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if validate_application_id(&application_id).is_err() || validate_session_id(&session_id).is_err() {
        return pages::message(StatusCode::NOT_FOUND, "Not found", "There is no dashboard at this address.");
    }
    let prefix = session_dashboard_prefix(&application_id, &session_id);
    let scope = TokenScope::session(&application_id, &session_id);
    let rest = uri.path().strip_prefix(&format!("{prefix}/")).unwrap_or_default().to_string();
    let query = RawQuery::parse(uri.query());
    if let Some(token) = query.first(TOKEN_PARAM) {
        return match state.controller.verify_dashboard_token(&scope, token) {
            Ok(expires_at) => trade_token_for_cookie(&prefix, &rest, uri.query(), token, expires_at),
            Err(err) => refuse(err, OPERATION),
        };
    }
    if let Some(refused) = check_cookies(&state, &scope, &headers, OPERATION) {
        return refused;
    }
    let Some(segments) = proxy::safe_segments(&rest) else {
        return pages::message(StatusCode::BAD_REQUEST, "Bad path", "This path is not allowed in a dashboard.");
    };
    let view = match state.controller.session_dashboard_view(&application_id, &session_id).await {
        Ok(view) => view,
        Err(err) => return view_error(err),
    };
    let request = Upstream { method: &method, uri: &uri, headers: &headers, prefix: &prefix, rest: &rest };
    match view {
        SessionDashboardView::NotServing { state: session_state, details } => {
            pages::session_not_serving(&session_id, session_state, &details)
        }
        SessionDashboardView::Live { port: None } => pages::message(
            StatusCode::NOT_FOUND,
            "No live UI",
            "This session's Spark UI is off (spark.ui.enabled=false).",
        ),
        SessionDashboardView::Live { port: Some(port) } => request.forward(port, &format!("/{rest}")).await,
        SessionDashboardView::NoEventLog { state: session_state } => pages::message(
            StatusCode::NOT_FOUND,
            "No event log",
            &format!(
                "Session {session_id} ended ({}) without an event log (it never started its engine, or turned \
                 spark.eventLog off), so there is no history view.",
                session_state.as_str()
            ),
        ),
        SessionDashboardView::History { runtime, log } => {
            history(&state, runtime, &log, &segments, &request, &session_id).await
        }
    }
}
