//! The web console at `/console` on its own listener: sign-in, the page
//! and its assets, and the API as the browser reaches it.
//!
//! Its own listener, because an origin is the browser's unit of trust: the
//! API's origin serves the dashboards, which pass on pages of the jobs' own
//! Spark drivers, and a script there could otherwise read the console's
//! CSRF token and act as whoever views the dashboard.
//!
//! The console adds no operations of its own. Its script calls the same
//! API routes as the aws CLI, under `/console/api/`, where the sign-in
//! cookie (and, for state-changing calls, the CSRF token) stands in for the
//! SigV4 signature ([`api`]); everything after that is the API's: the
//! caller's policies, validation, errors. Two extras serve it, signed like
//! every other sparkplane route: `POST /sparkplane/v1/console/sign-in-url`
//! (what `sparkplane console` prints) and `GET /sparkplane/v1/console/samples`
//! (the charts' history, [`samples`]).
//!
//! The assets are compiled into the binary: no CDN, no download at run
//! time, no front-end build.

pub mod api;
pub mod auth;
mod pages;
pub mod samples;

pub use pages::security_headers as pages_security_headers;

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Extension, RawQuery as RawQueryString, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Serialize;
use sparkplane_api::{ApiError, ErrorCode};
use sparkplane_iam::Caller;

use crate::access::Tagged;
use crate::authorize::allowed;
use crate::query::RawQuery;
use crate::{ApiResponseError, AppState};
use auth::{ConsoleKey, Tickets};
use samples::{unix_now, Samples};

/// The console's cookie (Path=/console).
pub const COOKIE: &str = "sparkplane_console";
/// The header carrying the CSRF token on state-changing API calls.
pub const CSRF_HEADER: &str = "x-sparkplane-csrf";
/// Where the console lives.
pub const ROOT: &str = "/console";

/// The console's state in the server.
pub struct Console {
    pub key: ConsoleKey,
    pub tickets: Tickets,
    pub samples: Arc<Samples>,
    /// The console's own port; None: the console is off.
    pub port: Option<u16>,
    /// The API's port, for the URLs the API builds from the request's
    /// host (dashboards) when the console's script calls it.
    pub api_port: u16,
}

impl Console {
    pub fn new(root_secret: &str, port: Option<u16>, api_port: u16) -> Console {
        Console {
            key: ConsoleKey::derive(root_secret.as_bytes()),
            tickets: Tickets::default(),
            samples: Arc::new(Samples::default()),
            port,
            api_port,
        }
    }

    /// The console is plain HTTP, as the API is, so the cookie is not `Secure`.
    fn cookie_header(&self, value: &str, max_age: u64) -> Option<HeaderValue> {
        let text = format!("{COOKIE}={value}; Path={ROOT}; Max-Age={max_age}; HttpOnly; SameSite=Strict");
        HeaderValue::from_str(&text).ok()
    }

    /// The access key of the request's valid cookie, and the cookie.
    pub fn signed_in(&self, headers: &HeaderMap) -> Option<(String, String)> {
        crate::browser::cookie_values(headers, COOKIE)
            .into_iter()
            .find_map(|value| self.key.verify(&value, unix_now() as u64).ok().map(|key| (key, value)))
    }
}

/// `GET /console/`: the page, for a signed-in browser; else the sign-in form.
pub async fn index(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let console = &state.console;
    match console.signed_in(&headers) {
        Some((key, cookie)) if state.keys.secret_for(&key).is_some() => pages::app(&console.key.csrf(&cookie), &key),
        _ => pages::redirect(&format!("{ROOT}/sign-in")),
    }
}

/// `GET /console/sign-in`.
pub async fn sign_in_form() -> Response {
    pages::sign_in(None, StatusCode::OK)
}

/// `POST /console/sign-in`: an access key and its secret, form-encoded.
pub async fn sign_in(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let console = &state.console;
    if !same_origin(&headers) {
        return pages::message(StatusCode::FORBIDDEN, "Cross-site sign-in refused.");
    }
    let form = RawQuery::parse(std::str::from_utf8(&body).ok());
    let key = form.first("accessKeyId").unwrap_or_default().trim().to_string();
    let secret = form.first("secretAccessKey").unwrap_or_default();
    // Temporary keys need their session token on every call, which a cookie
    // does not carry: only long-term keys sign in.
    let known = state.keys.secret_for(&key).filter(|_| !key.starts_with("ASIA"));
    match known {
        Some(expected) if auth::same_secret(&expected, secret) => {
            tracing::info!(access_key_id = %key, "console sign-in");
            signed_in_redirect(console, &key)
        }
        _ => pages::sign_in(Some("The access key or secret is not valid."), StatusCode::UNAUTHORIZED),
    }
}

/// `GET /console/sign-in/ticket?ticket=…`: the URL `sparkplane console` printed.
pub async fn redeem_ticket(State(state): State<AppState>, RawQueryString(raw): RawQueryString) -> Response {
    let console = &state.console;
    let query = RawQuery::parse(raw.as_deref());
    let key = query.first("ticket").and_then(|ticket| console.tickets.redeem(ticket, unix_now() as u64));
    match key {
        Some(key) if state.keys.secret_for(&key).is_some() => signed_in_redirect(console, &key),
        _ => pages::sign_in(
            Some("This sign-in URL was used already or has expired; run `sparkplane console` again."),
            StatusCode::FORBIDDEN,
        ),
    }
}

fn signed_in_redirect(console: &Console, key: &str) -> Response {
    let cookie = console.key.issue(key, unix_now() as u64);
    let mut response = pages::redirect(&format!("{ROOT}/"));
    if let Some(value) = console.cookie_header(&cookie, auth::SESSION_LIFETIME.as_secs()) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// `POST /console/sign-out` (with the CSRF token as a form field).
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let console = &state.console;
    let form = RawQuery::parse(std::str::from_utf8(&body).ok());
    let token = form.first("csrf").unwrap_or_default();
    match console.signed_in(&headers) {
        Some((_, cookie)) if console.key.csrf_matches(&cookie, token) => {}
        _ => return pages::message(StatusCode::FORBIDDEN, "Sign-out refused: the form is not this session's."),
    }
    let mut response = pages::redirect(&format!("{ROOT}/sign-in"));
    if let Some(value) = console.cookie_header("", 0) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// `GET /console/assets/{name}`.
pub async fn asset(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    pages::asset(&name)
}

/// Whether a browser's POST comes from this origin: `Origin` (or, without
/// it, `Referer`) must name the host the request is addressed to.
fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let from = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|v| v.to_str().ok());
    match from {
        // Non-browser clients send neither; a browser always sends Origin on POST.
        None => true,
        Some(from) => {
            let rest = from.strip_prefix("http://").or_else(|| from.strip_prefix("https://")).unwrap_or("");
            rest.split('/').next() == Some(host)
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignInUrl {
    url: String,
    expires_in_seconds: u64,
}

/// `POST /sparkplane/v1/console/sign-in-url` (signed): a one-time URL that
/// signs a browser in as the caller's access key, at the console's address
/// on the host the caller reached the API at.
pub async fn sign_in_url(
    State(state): State<AppState>,
    Extension(signed): Extension<SignedBy>,
    from_console: Option<Extension<api::ConsoleCaller>>,
    headers: HeaderMap,
) -> Result<Response, ApiResponseError> {
    let console = &state.console;
    // A console session minting sign-ins would outlive its own sign-out and
    // expiry: only a signature (the key itself) gets a sign-in URL.
    if from_console.is_some() {
        return Err(ApiResponseError::new(ErrorCode::AccessDenied, "Sign-in URLs are issued to signed requests only"));
    }
    let Some(port) = console.port else {
        return Err(ApiError::validation("The web console is off on this server (console_listen = off)").into());
    };
    if signed.0.starts_with("ASIA") {
        return Err(ApiError::validation(
            "Temporary credentials cannot sign in to the console; use an IAM user's access key",
        )
        .into());
    }
    let ticket = console
        .tickets
        .issue(&signed.0, unix_now() as u64)
        .map_err(|err| ApiResponseError::new(ErrorCode::InternalServer, format!("no randomness: {err}")))?;
    let base = crate::routes::public_base(&headers)?;
    let body = SignInUrl {
        url: format!("{}{ROOT}/sign-in/ticket?ticket={ticket}", with_port(&base, port)),
        expires_in_seconds: auth::TICKET_LIFETIME.as_secs(),
    };
    Ok(crate::routes::ok_json(&body))
}

/// `GET /console` on the API's port: where the console is, on the host the
/// browser reached the API at.
pub async fn elsewhere(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiResponseError> {
    let Some(port) = state.console.port else {
        return Ok(pages::message(
            StatusCode::NOT_FOUND,
            "The web console is off on this server (console_listen = off).",
        ));
    };
    let base = crate::routes::public_base(&headers)?;
    Ok(pages::redirect(&format!("{}{ROOT}/", with_port(&base, port))))
}

/// `http://host[:port]` with `port` instead.
pub(crate) fn with_port(base: &str, port: u16) -> String {
    let host = base.strip_prefix("http://").unwrap_or(base);
    // `[v6]:port`, `name:port`, or no port at all.
    let bare = match host.rfind(':') {
        Some(i) if !host[i..].contains(']') => &host[..i],
        _ => host,
    };
    format!("http://{bare}:{port}")
}

/// The access key that authenticated a request (SigV4 or the console's
/// cookie); set by the authentication layers for handlers that need it.
#[derive(Debug, Clone)]
pub struct SignedBy(pub String);

/// `GET /sparkplane/v1/console/samples` (signed): the charts' history, with
/// the applications the caller may GetApplication; with `applicationId` and
/// `jobRunId`, that run's executors over time instead (GetJobRun on it).
/// Each is judged as a direct request would be (source IP, resource tags).
pub async fn samples(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    peer: Option<Extension<sparkplane_http::Peer>>,
    RawQueryString(raw): RawQueryString,
) -> Result<Response, ApiResponseError> {
    let peer = peer.as_ref().map(|Extension(peer)| peer);
    let query = RawQuery::parse(raw.as_deref());
    let every_seconds = samples::SAMPLE_EVERY.as_secs();
    if let Some(job_run_id) = query.first("jobRunId") {
        let application_id = query.first("applicationId").unwrap_or_default();
        sparkplane_api::validate_application_id(application_id)?;
        sparkplane_api::validate_job_run_id(job_run_id)?;
        // Allowed first, so that a refusal says nothing of whether it exists.
        let run = Tagged::JobRun(application_id.to_string(), job_run_id.to_string());
        allowed(&state, &caller, peer, "emr-serverless:GetJobRun", run).await?;
        // The run must be the application's.
        state.controller.get_job_run(application_id, job_run_id, None).await?;
        let executors = state.console.samples.executors_of(job_run_id);
        return Ok(crate::routes::ok_json(
            &serde_json::json!({ "everySeconds": every_seconds, "executors": executors }),
        ));
    }
    let mut visible = std::collections::BTreeSet::new();
    for app in state.console.samples.application_ids() {
        let tagged = Tagged::Application(app.clone());
        if allowed(&state, &caller, peer, "emr-serverless:GetApplication", tagged).await.is_ok() {
            visible.insert(app);
        }
    }
    let samples = state.console.samples.view(|app| visible.contains(app));
    Ok(crate::routes::ok_json(&serde_json::json!({ "everySeconds": every_seconds, "samples": samples })))
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls_move_to_another_port_on_the_same_host() {
        assert_eq!(super::with_port("http://127.0.0.1:8088", 9000), "http://127.0.0.1:9000");
        assert_eq!(super::with_port("http://[::1]:8088", 9000), "http://[::1]:9000");
        assert_eq!(super::with_port("http://[::1]", 9000), "http://[::1]:9000");
        assert_eq!(super::with_port("http://example.com", 9000), "http://example.com:9000");
    }
}
