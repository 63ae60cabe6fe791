//! The web console at `/console`: sign-in, the page and its assets, and the
//! API as the browser reaches it.
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
    /// Cookies get `Secure` (the API is reached over TLS, `public_url` https).
    pub secure_cookies: bool,
}

impl Console {
    pub fn new(root_secret: &str, public_url: Option<&str>) -> Console {
        Console {
            key: ConsoleKey::derive(root_secret.as_bytes()),
            tickets: Tickets::default(),
            samples: Arc::new(Samples::default()),
            secure_cookies: public_url.is_some_and(|url| url.starts_with("https://")),
        }
    }

    fn cookie_header(&self, value: &str, max_age: u64) -> Option<HeaderValue> {
        let secure = if self.secure_cookies { "; Secure" } else { "" };
        let text = format!("{COOKIE}={value}; Path={ROOT}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}");
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
/// signs a browser in as the caller's access key.
pub async fn sign_in_url(
    State(state): State<AppState>,
    Extension(signed): Extension<SignedBy>,
    headers: HeaderMap,
) -> Result<Response, ApiResponseError> {
    let console = &state.console;
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
    let base = match &state.public_url {
        Some(base) => base.clone(),
        None => crate::routes::public_base(&headers)?,
    };
    let body = SignInUrl {
        url: format!("{base}{ROOT}/sign-in/ticket?ticket={ticket}"),
        expires_in_seconds: auth::TICKET_LIFETIME.as_secs(),
    };
    Ok(crate::routes::ok_json(&body))
}

/// The access key that authenticated a request (SigV4 or the console's
/// cookie); set by the authentication layers for handlers that need it.
#[derive(Debug, Clone)]
pub struct SignedBy(pub String);

/// `GET /sparkplane/v1/console/samples` (signed): the charts' history, with
/// the applications the caller may GetApplication; with `applicationId` and
/// `jobRunId`, that run's executors over time instead (GetJobRun on it).
pub async fn samples(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    RawQueryString(raw): RawQueryString,
) -> Result<Response, ApiResponseError> {
    let config = state.controller.config();
    let context = sparkplane_policy::Context::new();
    let app_arn =
        |app: &str| format!("arn:aws:emr-serverless:{}:{}:/applications/{app}", config.region, config.account_id);
    let query = RawQuery::parse(raw.as_deref());
    let every_seconds = samples::SAMPLE_EVERY.as_secs();
    if let Some(job_run_id) = query.first("jobRunId") {
        let application_id = query.first("applicationId").unwrap_or_default();
        sparkplane_api::validate_application_id(application_id)?;
        sparkplane_api::validate_job_run_id(job_run_id)?;
        // The run must be the application's, and the caller allowed to read it.
        state.controller.get_job_run(application_id, job_run_id, None).await?;
        let arn = format!("{}/jobruns/{job_run_id}", app_arn(application_id));
        caller.authorize("emr-serverless:GetJobRun", &arn, &context).map_err(|denied| {
            ApiResponseError::new(ErrorCode::AccessDenied, denied.message("emr-serverless:GetJobRun", &arn))
        })?;
        let executors = state.console.samples.executors_of(job_run_id);
        return Ok(crate::routes::ok_json(
            &serde_json::json!({ "everySeconds": every_seconds, "executors": executors }),
        ));
    }
    let visible = |app: &str| caller.authorize("emr-serverless:GetApplication", &app_arn(app), &context).is_ok();
    let samples = state.console.samples.view(visible);
    Ok(crate::routes::ok_json(&serde_json::json!({ "everySeconds": every_seconds, "samples": samples })))
}
