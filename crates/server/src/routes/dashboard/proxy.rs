//! Reverse proxy from a run's dashboard prefix to a Spark UI on loopback
//! (the driver's live UI, or the History Server).
//!
//! Only GET (and HEAD) pass. Request headers go through an allowlist, so the
//! dashboard cookie never reaches Spark; responses keep status, headers and
//! body, except hop-by-hop headers and cookies, and a `Location` pointing at
//! the upstream is moved under the prefix (Jetty answers `/` with an
//! absolute redirect to its own address even when `spark.ui.proxyBase` is set).

use std::sync::OnceLock;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::Response;
use percent_encoding::percent_decode_str;

use super::pages;

/// Request headers a Spark UI may see.
const FORWARDED_REQUEST_HEADERS: [HeaderName; 7] = [
    header::ACCEPT,
    header::ACCEPT_ENCODING,
    header::ACCEPT_LANGUAGE,
    header::IF_MODIFIED_SINCE,
    header::IF_NONE_MATCH,
    header::RANGE,
    header::USER_AGENT,
];

/// Response headers that describe the upstream connection or would set
/// cookies on sparkplane's origin.
const DROPPED_RESPONSE_HEADERS: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "set-cookie",
];

fn client() -> Option<&'static reqwest::Client> {
    static CLIENT: OnceLock<Option<reqwest::Client>> = OnceLock::new();
    CLIENT
        .get_or_init(|| {
            reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .no_proxy()
                .connect_timeout(Duration::from_secs(5))
                .timeout(Duration::from_secs(300))
                .build()
                .ok()
        })
        .as_ref()
}

/// The part of a dashboard path after its prefix, if it is safe to hand to
/// Jetty: no `.`/`..` segments (even percent-encoded), no encoded slashes or
/// backslashes, no `;` path parameters. Returns the decoded segments.
pub fn safe_segments(rest: &str) -> Option<Vec<String>> {
    let lower = rest.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || rest.contains('\\') || rest.contains(';') {
        return None;
    }
    let mut segments = Vec::new();
    for raw in rest.split('/') {
        let segment = percent_decode_str(raw).decode_utf8().ok()?.into_owned();
        if segment == "." || segment == ".." || segment.contains('\0') || segment.contains(';') {
            return None;
        }
        segments.push(segment);
    }
    Some(segments)
}

/// `location` as the browser must see it: an upstream URL or an absolute
/// path outside `prefix` is moved under `prefix`; anything else is kept.
pub fn rewrite_location(location: &str, upstream_host: &str, upstream_port: u16, prefix: &str) -> String {
    let path = match location.strip_prefix("http://") {
        Some(rest) => {
            let (authority, path) = rest.find('/').map_or((rest, "/"), |i| (&rest[..i], &rest[i..]));
            let upstream = [
                format!("{upstream_host}:{upstream_port}"),
                format!("127.0.0.1:{upstream_port}"),
                format!("localhost:{upstream_port}"),
            ]
            .contains(&authority.into());
            if !upstream {
                return location.to_string();
            }
            path
        }
        None => location,
    };
    if !path.starts_with('/') || path.starts_with("//") {
        return location.to_string();
    }
    if path == prefix || path.starts_with(&format!("{prefix}/")) {
        path.to_string()
    } else {
        format!("{prefix}{path}")
    }
}

/// Sends `method path_and_query` to the UI on `port` and relays the answer.
/// The prefix also goes as `X-Forwarded-Context`, from which a Spark UI
/// without `spark.ui.proxyBase` (the shared History Server, a driver started
/// before its run was known) builds its links; proxyBase wins where set.
pub async fn forward(
    method: &Method,
    host: &str,
    port: u16,
    path_and_query: &str,
    headers: &HeaderMap,
    prefix: &str,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return pages::message(
            StatusCode::METHOD_NOT_ALLOWED,
            "Read-only dashboard",
            "The dashboard is read-only: only GET requests reach the Spark UI.",
        );
    }
    let Some(client) = client() else {
        return pages::message(StatusCode::INTERNAL_SERVER_ERROR, "Proxy unavailable", "No HTTP client available.");
    };
    let url = format!("http://{host}:{port}{path_and_query}");
    let reqwest_method = if method == Method::HEAD { reqwest::Method::HEAD } else { reqwest::Method::GET };
    let mut request = client.request(reqwest_method, &url);
    for name in &FORWARDED_REQUEST_HEADERS {
        for value in headers.get_all(name) {
            request = request.header(name.as_str(), value.as_bytes());
        }
    }
    request = request.header("X-Forwarded-Context", prefix);
    let upstream = match request.send().await {
        Ok(upstream) => upstream,
        Err(err) => {
            tracing::debug!(port, error = %err, "spark ui unreachable");
            return pages::message(
                StatusCode::SERVICE_UNAVAILABLE,
                "Spark UI not reachable",
                "The Spark UI does not answer: the driver may still be starting or just finished. \
                 Reload in a few seconds.",
            );
        }
    };
    let status = StatusCode::from_u16(upstream.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut response = Response::builder().status(status);
    for (name, value) in upstream.headers() {
        let name = name.as_str();
        if DROPPED_RESPONSE_HEADERS.contains(&name) {
            continue;
        }
        if name == "location" {
            let rewritten = value.to_str().map(|v| rewrite_location(v, host, port, prefix));
            if let Ok(Ok(value)) = rewritten.map(|v| HeaderValue::from_str(&v)) {
                response = response.header(header::LOCATION, value);
            }
            continue;
        }
        response = response.header(name, value.as_bytes());
    }
    response.body(Body::from_stream(upstream.bytes_stream())).unwrap_or_else(|_| {
        pages::message(StatusCode::BAD_GATEWAY, "Bad upstream answer", "The Spark UI answered with invalid headers.")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PREFIX: &str = "/dashboard/00app/00run/1";

    #[test]
    fn upstream_redirects_move_under_the_prefix() {
        assert_eq!(
            rewrite_location("http://127.0.0.1:4077/jobs/", "127.0.0.1", 4077, PREFIX),
            format!("{PREFIX}/jobs/")
        );
        assert_eq!(
            rewrite_location("http://127.0.0.1:4077/stages/stage/?id=0&attempt=0", "127.0.0.1", 4077, PREFIX),
            format!("{PREFIX}/stages/stage/?id=0&attempt=0")
        );
        assert_eq!(rewrite_location("http://localhost:18080", "127.0.0.1", 18080, PREFIX), format!("{PREFIX}/"));
        assert_eq!(
            rewrite_location("/history/local-1/jobs/", "127.0.0.1", 1, PREFIX),
            format!("{PREFIX}/history/local-1/jobs/")
        );
        // Already under the prefix, relative, or elsewhere: unchanged.
        assert_eq!(rewrite_location(&format!("{PREFIX}/jobs/"), "127.0.0.1", 1, PREFIX), format!("{PREFIX}/jobs/"));
        assert_eq!(rewrite_location("jobs/", "127.0.0.1", 1, PREFIX), "jobs/");
        assert_eq!(rewrite_location("http://example.com/x", "127.0.0.1", 4077, PREFIX), "http://example.com/x");
        assert_eq!(rewrite_location("http://127.0.0.1:9999/x", "127.0.0.1", 4077, PREFIX), "http://127.0.0.1:9999/x");
        // A UI on another host (a driver on an agent's host) redirects to its own address.
        assert_eq!(
            rewrite_location("http://10.0.0.12:4040/jobs/", "10.0.0.12", 4040, PREFIX),
            format!("{PREFIX}/jobs/")
        );
        assert_eq!(
            rewrite_location("http://10.0.0.13:4040/jobs/", "10.0.0.12", 4040, PREFIX),
            "http://10.0.0.13:4040/jobs/"
        );
        assert_eq!(rewrite_location("//evil.example/x", "127.0.0.1", 4077, PREFIX), "//evil.example/x");
    }

    #[test]
    fn traversal_and_ambiguous_paths_are_refused() {
        assert_eq!(safe_segments("history/local-1/jobs/").unwrap(), ["history", "local-1", "jobs", ""]);
        assert_eq!(safe_segments("").unwrap(), [""]);
        assert_eq!(safe_segments("static/a%20b.css").unwrap(), ["static", "a b.css"]);
        for bad in [
            "history/local-1/../local-2/",
            "history/local-1/%2e%2e/local-2/",
            "history/local-1/%2E./x",
            "history/local-1%2f..%2flocal-2",
            "history/local-1/..;/x",
            "a\\..\\b",
            "./jobs",
        ] {
            assert!(safe_segments(bad).is_none(), "{bad} accepted");
        }
    }
}
