//! What a standby server serves: every request, forwarded to the leader.
//!
//! Only the leader holds the state in memory (see the control crate's
//! `leadership`), so a standby answers nothing itself. Forwarding keeps
//! each server a full endpoint for clients and load balancers: SigV4
//! signatures cover the method, path, query, `Host` and the signed
//! headers, which all pass unchanged, so the leader verifies the client's
//! own signature. The client's address travels sealed (see
//! `sparkplane_auth::forwarded`) for `aws:SourceIp`.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::body::Body;
use hyper::body::Incoming;
use hyper::header::{HeaderMap, AUTHORIZATION, CONTENT_LENGTH, TRANSFER_ENCODING};
use hyper::{Request, Response, StatusCode};
use sparkplane_auth::forwarded::ForwardSeal;
use sparkplane_http::{ConnectionLimits, Peer, FORWARDED_FOR, FORWARDED_MAC};

/// The leader's base URL (API or S3) now, or `None` while none leads.
pub type LeaderUrl = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Option<String>> + Send>> + Send + Sync>;

/// Headers of one connection, never passed on (RFC 9110, 7.6.1).
const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Forwards to whichever server leads.
pub struct Forwarder {
    client: reqwest::Client,
    leader: LeaderUrl,
    seal: ForwardSeal,
}

impl Forwarder {
    pub fn new(leader: LeaderUrl, seal: ForwardSeal) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(std::time::Duration::from_secs(5))
            // A hung leader must not hold the client forever; long enough
            // for a quiet `logs -f` or a slow GET between chunks.
            .read_timeout(std::time::Duration::from_secs(120))
            .build()
            .unwrap_or_default();
        Forwarder { client, leader, seal }
    }

    async fn forward(&self, request: Request<Incoming>) -> Response<Body> {
        let Some(base) = (self.leader)().await else {
            return refusal(StatusCode::SERVICE_UNAVAILABLE, "no server leads right now; retry shortly");
        };
        // A request another server forwarded here must not go round again
        // (two standbys that each think the other leads).
        if request.headers().contains_key(FORWARDED_FOR) {
            return refusal(StatusCode::SERVICE_UNAVAILABLE, "the leader moved while forwarding; retry shortly");
        }
        let peer = request.extensions().get::<Peer>().map(Peer::ip);
        let (parts, body) = request.into_parts();
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let has_body = parts.headers.contains_key(CONTENT_LENGTH) || parts.headers.contains_key(TRANSFER_ENCODING);
        let mut headers = without_hop_by_hop(&parts.headers);
        headers.remove(FORWARDED_MAC);
        if let Some(ip) = peer {
            let authorization = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or_default();
            let sealed = self.seal.seal(ip, parts.method.as_str(), path, authorization);
            if let (Ok(ip), Ok(sealed)) = (ip.to_string().parse(), sealed.parse()) {
                headers.insert(FORWARDED_FOR, ip);
                headers.insert(FORWARDED_MAC, sealed);
            }
        }
        // The URL parser normalizes (`.` and `..` segments, some query
        // characters); the leader would then check the signature and the
        // seal against another path. Such a request is refused here, not
        // changed.
        let url = match reqwest::Url::parse(&format!("{base}{path}")) {
            Ok(url) if url[url::Position::BeforePath..] == *path => url,
            _ => return refusal(
                StatusCode::BAD_REQUEST,
                "this path cannot be forwarded unchanged (a `.` or `..` segment?); call the leading server directly",
            ),
        };
        let mut outgoing = self.client.request(parts.method.clone(), url).headers(headers);
        if has_body {
            outgoing = outgoing.body(reqwest::Body::wrap_stream(http_body_util::BodyDataStream::new(body)));
        }
        match outgoing.send().await {
            Ok(answer) => {
                let (status, mut headers) = (answer.status(), without_hop_by_hop(answer.headers()));
                // The leader closes a connection whose request body it did not
                // read; this one may hold the rest of that body too.
                if answer
                    .headers()
                    .get(hyper::header::CONNECTION)
                    .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"))
                {
                    headers.insert(hyper::header::CONNECTION, hyper::header::HeaderValue::from_static("close"));
                }
                let mut response = Response::new(Body::from_stream(answer.bytes_stream()));
                *response.status_mut() = status;
                *response.headers_mut() = headers;
                response
            }
            Err(err) => {
                // Without the URL: a presigned one carries its signature.
                tracing::warn!(error = %err.without_url(), "forward a request to the leader");
                refusal(StatusCode::BAD_GATEWAY, "the leading server did not answer; retry shortly")
            }
        }
    }
}

fn without_hop_by_hop(headers: &HeaderMap) -> HeaderMap {
    let mut kept = headers.clone();
    for name in HOP_BY_HOP {
        kept.remove(name);
    }
    kept
}

/// Clients retry 502 and 503 (botocore's standard mode does).
fn refusal(status: StatusCode, message: &str) -> Response<Body> {
    let mut response = Response::new(Body::from(serde_json::json!({ "message": message }).to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert("content-type", hyper::header::HeaderValue::from_static("application/json"));
    response
}

/// Forwards every request on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    forwarder: Arc<Forwarder>,
    limits: ConnectionLimits,
    name: &'static str,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let forwarder = Arc::clone(&forwarder);
        async move { Ok::<_, Infallible>(forwarder.forward(request).await) }
    });
    sparkplane_http::serve(listener, service, limits, name, shutdown).await
}
