//! The console's few server-rendered pages (sign-in, the page shell) and
//! its embedded assets, with the security headers every console response
//! carries.

use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ROOT;
use crate::browser::escape;

const SHELL: &str = include_str!("assets/index.html");
const SCRIPT: &str = include_str!("assets/console.js");
const STYLE: &str = include_str!("assets/console.css");

/// Scripts and styles only from the console's own assets (no inline code,
/// so an injected string cannot run), never framed, nothing sent elsewhere.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Adds the security headers to every console response.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Not `no-referrer`: with it, browsers send `Origin: null` on the
    // sign-in form's POST, which the same-origin check must refuse.
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    response
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <link rel=\"stylesheet\" href=\"{ROOT}/assets/console.css\"></head>\
         <body><header><span class=\"brand\">sparkplane</span></header><main class=\"narrow\">{body}</main></body></html>\n",
        title = escape(title),
    )
}

pub fn message(status: StatusCode, text: &str) -> Response {
    html(status, page("sparkplane console", &format!("<p class=\"error\">{}</p>", escape(text))))
}

pub fn redirect(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The sign-in form: an access key and its secret. `error` is shown above it.
pub fn sign_in(error: Option<&str>, status: StatusCode) -> Response {
    let error = error.map(|e| format!("<p class=\"error\" id=\"sign-in-error\">{}</p>", escape(e))).unwrap_or_default();
    let body = format!(
        "<h1>Sign in</h1>{error}\
         <form method=\"post\" action=\"{ROOT}/sign-in\" class=\"stack\">\
         <label>Access key ID <input name=\"accessKeyId\" id=\"accessKeyId\" autocomplete=\"username\" required></label>\
         <label>Secret access key <input name=\"secretAccessKey\" id=\"secretAccessKey\" type=\"password\" \
         autocomplete=\"current-password\" required></label>\
         <button type=\"submit\" id=\"sign-in\">Sign in</button></form>\
         <p class=\"hint\">Or run <code>sparkplane console</code> for a one-time sign-in URL.</p>"
    );
    html(status, page("Sign in · sparkplane", &body))
}

/// The page shell; the script draws the rest. The CSRF token and the key
/// id travel in meta tags (no inline script, per the CSP).
pub fn app(csrf: &str, access_key_id: &str) -> Response {
    let shell = SHELL.replace("{{CSRF}}", &escape(csrf)).replace("{{KEY}}", &escape(access_key_id));
    html(StatusCode::OK, shell)
}

pub fn asset(name: &str) -> Response {
    let (body, content_type) = match name {
        "console.js" => (SCRIPT, "text/javascript; charset=utf-8"),
        "console.css" => (STYLE, "text/css; charset=utf-8"),
        _ => return message(StatusCode::NOT_FOUND, "No such asset."),
    };
    let mut response = (StatusCode::OK, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // Same binary, same assets: cacheable for a short while.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shell_gets_its_token_escaped_and_has_no_inline_script() {
        let response = app("ab\"<cd", "AKIA1");
        assert_eq!(response.status(), StatusCode::OK);
        assert!(SHELL.contains("{{CSRF}}") && SHELL.contains("{{KEY}}"));
        assert!(!SHELL.contains("<script>"), "inline scripts would break the CSP");
        assert_eq!(escape("ab\"<cd"), "ab&quot;&lt;cd");
    }
}
