//! The endpoint: TLS in, token check, cleartext HTTP/2 to the engine.
//!
//! Spark Connect is gRPC, and gRPC needs HTTP/2 end to end (trailers carry
//! the call's status), so this is an HTTP/2 relay rather than a byte pipe: it
//! must see each call's `authorization` header to pick the session and to
//! swap the user's token for the engine's secret. Refusals are answered here
//! as gRPC errors so a refused call never reaches an engine.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use http::{Request, Response, StatusCode, Uri};
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use hyper::client::conn::http2::SendRequest;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

use crate::token::{self, Claim, TokenKey};
use crate::ConnectError;

/// A client that connects but never finishes the handshake must not hold a
/// task and a socket forever.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// The engine is on loopback: anything slower means it is not serving.
const UPSTREAM_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A client that vanishes without closing (laptop lid, dropped VPN) would
/// otherwise leave its calls open and its session BUSY forever.
const KEEP_ALIVE_INTERVAL: Duration = Duration::from_secs(30);
const KEEP_ALIVE_TIMEOUT: Duration = Duration::from_secs(20);

const GRPC_UNAUTHENTICATED: u16 = 16;
const GRPC_UNAVAILABLE: u16 = 14;
/// A session that is not running will not run again (sessions are never
/// restarted, and no token is handed out before one serves): a status
/// clients do not retry, unlike UNAVAILABLE, which PySpark retries for minutes.
const GRPC_FAILED_PRECONDITION: u16 = 9;

/// Opens the TCP connection to an engine that is not in the server's own
/// network namespace (one that checks no secret is isolated in its own).
pub type Connector =
    Arc<dyn Fn(SocketAddr) -> Pin<Box<dyn Future<Output = std::io::Result<TcpStream>> + Send>> + Send + Sync>;

/// Where a live session's Spark Connect engine listens, and its secret.
#[derive(Clone)]
pub struct Upstream {
    pub addr: SocketAddr,
    pub engine_secret: String,
    /// How to reach `addr`; `None`: directly, from the server's namespace.
    pub connector: Option<Connector>,
}

impl std::fmt::Debug for Upstream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upstream")
            .field("addr", &self.addr)
            .field("isolated", &self.connector.is_some())
            .finish_non_exhaustive()
    }
}

/// What the endpoint needs from the session registry.
pub trait Sessions: Send + Sync + 'static {
    /// The engine of a session that is live, or None (then the call is refused with gRPC FAILED_PRECONDITION, “session is not running”).
    fn upstream(&self, claim: &Claim) -> Option<Upstream>;
    /// A call through the endpoint began / ended (the session is BUSY while any call is open, IDLE after; resets its idle clock).
    fn call_started(&self, claim: &Claim);
    fn call_ended(&self, claim: &Claim);
}

/// Serve the endpoint on `listener` until `shutdown` completes.
///
/// Then no new connection is accepted and open connections are asked to go
/// away (HTTP/2 GOAWAY); their open calls finish in the background.
pub async fn serve(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    key: TokenKey,
    sessions: Arc<dyn Sessions>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ConnectError> {
    let acceptor = TlsAcceptor::from(tls);
    let key = Arc::new(key);
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Mostly out of descriptors or an aborted handshake: the
                    // listener itself is fine, so wait a little and go on
                    // rather than spin or give up.
                    tracing::debug!(error = %e, "connect endpoint: accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let conn = Conn { key: key.clone(), sessions: sessions.clone(), upstreams: Mutex::default() };
        tokio::spawn(serve_connection(acceptor.clone(), tcp, peer, Arc::new(conn), stop_rx.clone()));
    }
    // Receivers see the change even if they subscribe late; an error only
    // means no connection is open.
    let _ = stop_tx.send(true);
    Ok(())
}

/// State of one downstream connection: upstream HTTP/2 connections are
/// reused by the calls of this connection, per session engine.
struct Conn {
    key: Arc<TokenKey>,
    sessions: Arc<dyn Sessions>,
    upstreams: Mutex<HashMap<(String, SocketAddr), SendRequest<Incoming>>>,
}

async fn serve_connection(
    acceptor: TlsAcceptor,
    tcp: TcpStream,
    peer: SocketAddr,
    conn: Arc<Conn>,
    mut stop: watch::Receiver<bool>,
) {
    // A call's answer is several small writes (headers, data, trailers):
    // with Nagle on, the client's delayed ACK adds ~40 ms to each call.
    if let Err(e) = tcp.set_nodelay(true) {
        tracing::debug!(%peer, error = %e, "connect endpoint: TCP_NODELAY");
    }
    let tls = match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
        Ok(Ok(tls)) => tls,
        Ok(Err(e)) => {
            tracing::debug!(%peer, error = %e, "connect endpoint: TLS handshake failed");
            return;
        }
        Err(_) => {
            tracing::debug!(%peer, "connect endpoint: TLS handshake timed out");
            return;
        }
    };
    let service = service_fn(move |req| {
        let conn = conn.clone();
        async move { Ok::<_, Infallible>(handle(&conn, req).await) }
    });
    let mut builder = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
    builder
        .timer(TokioTimer::new())
        .keep_alive_interval(KEEP_ALIVE_INTERVAL)
        .keep_alive_timeout(KEEP_ALIVE_TIMEOUT)
        // Query results come back as Arrow batches of megabytes; the default
        // 64 KiB windows would throttle them.
        .adaptive_window(true);
    let connection = builder.serve_connection(TokioIo::new(tls), service);
    tokio::pin!(connection);
    let result = tokio::select! {
        r = connection.as_mut() => r,
        // The borrow that wait_for returns must not live across the await
        // below (it is not Send), hence the inner block.
        () = async { let _ = stop.wait_for(|stopped| *stopped).await; } => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(e) = result {
        tracing::debug!(%peer, error = %e, "connect endpoint: connection ended with an error");
    }
}

/// One gRPC call: authenticate, find the engine, relay.
async fn handle(conn: &Conn, req: Request<Incoming>) -> Response<ProxyBody> {
    let claim = match authenticate(&conn.key, &req) {
        Ok(claim) => claim,
        Err(reason) => return grpc_error(GRPC_UNAUTHENTICATED, reason),
    };
    let Some(upstream) = conn.sessions.upstream(&claim) else {
        return grpc_error(GRPC_FAILED_PRECONDITION, "session is not running");
    };
    // From here until the response body ends or is dropped the call counts
    // as open, whatever path it takes out of this function.
    conn.sessions.call_started(&claim);
    let guard = CallGuard { sessions: conn.sessions.clone(), claim };
    match forward(conn, &guard.claim, &upstream, req).await {
        Ok(response) => response.map(|body| ProxyBody { inner: Some(body), guard: Some(guard) }),
        Err(e) => {
            tracing::debug!(
                session = %guard.claim.session_id,
                engine = %upstream.addr,
                error = %e,
                "connect endpoint: engine unreachable"
            );
            grpc_error(GRPC_UNAVAILABLE, "session engine is unreachable")
        }
    }
}

/// The claim of the call's bearer token, or why there is none. The reasons
/// go to the client and never include the token.
fn authenticate(key: &TokenKey, req: &Request<Incoming>) -> Result<Claim, &'static str> {
    let value = req.headers().get(AUTHORIZATION).ok_or("missing authorization: connect with ;token=<session token>")?;
    let value = value.to_str().map_err(|_| "malformed authorization")?;
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => return Err("authorization is not a bearer token"),
    };
    token::verify(key, token, now_ms()).map_err(|e| match e {
        token::TokenError::Expired => "session token expired",
        token::TokenError::BadSignature => "invalid session token",
        _ => "malformed session token",
    })
}

fn now_ms() -> i64 {
    // A clock before 1970 is broken; fail closed (every token expired)
    // rather than accept tokens that may long have lapsed.
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(i64::MAX)
}

/// Headers that belong to one hop; HTTP/2 forbids most of them anyway, and
/// `proxy-authorization` is the user's, not the engine's.
const HOP_BY_HOP: [&str; 7] =
    ["connection", "keep-alive", "proxy-connection", "proxy-authorization", "transfer-encoding", "upgrade", "host"];

async fn forward(
    conn: &Conn,
    claim: &Claim,
    upstream: &Upstream,
    req: Request<Incoming>,
) -> Result<Response<Incoming>, ForwardError> {
    let (mut parts, body) = req.into_parts();
    for name in HOP_BY_HOP {
        parts.headers.remove(name);
    }
    let mut auth =
        HeaderValue::from_str(&format!("Bearer {}", upstream.engine_secret)).map_err(|_| ForwardError::BadSecret)?;
    auth.set_sensitive(true);
    parts.headers.insert(AUTHORIZATION, auth);
    let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    parts.uri = Uri::builder()
        .scheme("http")
        .authority(upstream.addr.to_string())
        .path_and_query(path)
        .build()
        .map_err(|_| ForwardError::BadUri)?;

    let mut sender = upstream_sender(conn, claim, upstream).await?;
    Ok(sender.send_request(Request::from_parts(parts, body)).await?)
}

/// A ready HTTP/2 sender to the engine: this connection's cached one, or a
/// new connection if there is none or it has closed (engine restarted).
async fn upstream_sender(
    conn: &Conn,
    claim: &Claim,
    upstream: &Upstream,
) -> Result<SendRequest<Incoming>, ForwardError> {
    let cache_key = (claim.session_id.clone(), upstream.addr);
    let cached = lock(&conn.upstreams).get(&cache_key).cloned();
    if let Some(mut sender) = cached {
        if sender.ready().await.is_ok() {
            return Ok(sender);
        }
    }
    let connect = async {
        let tcp = match &upstream.connector {
            Some(connector) => connector(upstream.addr).await?,
            None => TcpStream::connect(upstream.addr).await?,
        };
        // gRPC calls are small request/response messages: don't let Nagle
        // hold them back.
        tcp.set_nodelay(true)?;
        let mut builder = hyper::client::conn::http2::Builder::new(TokioExecutor::new());
        builder.timer(TokioTimer::new()).adaptive_window(true);
        let (sender, connection) = builder.handshake(TokioIo::new(tcp)).await?;
        Ok::<_, ForwardError>((sender, connection))
    };
    let (sender, connection) =
        tokio::time::timeout(UPSTREAM_CONNECT_TIMEOUT, connect).await.map_err(|_| ForwardError::Timeout)??;
    let engine = upstream.addr;
    // The connection ends when every sender (the cache's and those of
    // in-flight calls) is gone and its streams are done.
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(%engine, error = %e, "connect endpoint: engine connection ended");
        }
    });
    lock(&conn.upstreams).insert(cache_key, sender.clone());
    Ok(sender)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The map holds no invariant a panicking holder could break.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[derive(Debug, thiserror::Error)]
enum ForwardError {
    #[error("connect: {0}")]
    Io(#[from] std::io::Error),
    #[error("http/2: {0}")]
    Http(#[from] hyper::Error),
    #[error("timed out connecting")]
    Timeout,
    // Never include the secret itself.
    #[error("engine secret is not a valid header value")]
    BadSecret,
    #[error("cannot build the engine URI")]
    BadUri,
}

/// A trailers-only gRPC response: status in the headers, no body, so the
/// client reports `code` and `message` as the call's outcome.
fn grpc_error(code: u16, message: &'static str) -> Response<ProxyBody> {
    let mut response = Response::new(ProxyBody { inner: None, guard: None });
    *response.status_mut() = StatusCode::OK;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/grpc"));
    headers.insert(HeaderName::from_static("grpc-status"), HeaderValue::from(code));
    // The messages are plain ASCII without '%', so no percent-encoding.
    headers.insert(HeaderName::from_static("grpc-message"), HeaderValue::from_static(message));
    response
}

/// Ends a call exactly once: when its response body finishes or is dropped
/// (client cancelled, connection lost).
struct CallGuard {
    sessions: Arc<dyn Sessions>,
    claim: Claim,
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        self.sessions.call_ended(&self.claim);
    }
}

/// The response body: the engine's, streamed through with its trailers, or
/// empty for a refusal.
struct ProxyBody {
    inner: Option<Incoming>,
    guard: Option<CallGuard>,
}

impl Body for ProxyBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let this = &mut *self;
        let Some(inner) = this.inner.as_mut() else {
            return Poll::Ready(None);
        };
        let polled = Pin::new(inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None) | Poll::Ready(Some(Err(_)))) {
            // The call is over as soon as the last frame is out; waiting
            // for the drop could keep the session BUSY a little longer.
            this.inner = None;
            this.guard = None;
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        // Not `is_none_or`: the workspace's rust-version (1.80) predates it.
        match &self.inner {
            Some(body) => body.is_end_stream(),
            None => true,
        }
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.as_ref().map_or_else(|| SizeHint::with_exact(0), |b| b.size_hint())
    }
}
