//! The HTTP/1.1 accept loop shared by the API and the embedded S3 endpoint.
//!
//! Neither axum's nor s3s's service brings limits of its own, so both are
//! served here: a header-read timeout (hyper's, which also starts when a
//! kept-alive connection goes idle), an idle timeout between requests, an
//! optional cap on open connections, and a graceful stop that lets
//! in-flight requests finish within a drain timeout.
//!
//! Connections over the cap are not accepted until one closes: they wait in
//! the kernel's listen backlog (and a client sees a slow connect, or a
//! refused one once the backlog is full), rather than being accepted and
//! closed, which would cost a file descriptor and a handshake each and
//! turn a brief burst into errors.

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body::Body;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::Service;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The address a request came from, put in every request's extensions:
/// policies decide on it (`aws:SourceIp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer(pub SocketAddr);

/// The client a standby server forwarded a request for, and the seal that
/// vouches for it (see `sparkplane_auth::forwarded`).
pub const FORWARDED_FOR: &str = "x-sparkplane-forwarded-for";
pub const FORWARDED_MAC: &str = "x-sparkplane-forwarded-mac";

/// Takes the forwarded-client headers off a request and, when `vouch`
/// accepts them (client, seal, method, path and query, `Authorization`),
/// makes that client the request's [`Peer`]. With the headers but no valid
/// seal the request has no peer at all, so a caller can neither name its
/// own address nor pass as the server that forwarded it.
pub fn take_forwarded<B>(request: &mut Request<B>, vouch: impl Fn(&str, &str, &str, &str, &str) -> Option<IpAddr>) {
    let headers = request.headers_mut();
    let client = headers.remove(FORWARDED_FOR);
    let sealed = headers.remove(FORWARDED_MAC);
    let (Some(client), Some(sealed)) = (client, sealed) else { return };
    let (Ok(client), Ok(sealed)) = (client.to_str(), sealed.to_str()) else { return };
    let authorization =
        request.headers().get(hyper::header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let path = request.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
    match vouch(client, sealed, request.method().as_str(), path, authorization) {
        Some(ip) => {
            request.extensions_mut().insert(Peer(SocketAddr::new(ip, 0)));
        }
        // Claimed but not proven: the TCP peer may be a standby that sealed
        // another form of the request, so no address is known (conditions
        // on aws:SourceIp then fail closed).
        None => {
            request.extensions_mut().remove::<Peer>();
        }
    }
}

impl Peer {
    /// The client's IP as IAM compares it: an IPv4 client of a dual-stack
    /// listener arrives as `::ffff:a.b.c.d` and is that IPv4 address.
    pub fn ip(&self) -> IpAddr {
        self.0.ip().to_canonical()
    }
}

/// hyper's own default, and what the S3 endpoint has always used.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How long shutdown waits for in-flight requests (say, a large upload).
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// The limits one listener applies to its connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// A request's head must arrive within this long of the connection
    /// being ready for it (accepted, or idle after a response), or the
    /// connection is closed.
    pub header_read_timeout: Duration,
    /// A connection with no request in flight is closed after this long.
    /// `None`: only the header-read timeout applies. hyper's header timer
    /// also runs while a kept-alive connection waits for its next request,
    /// so the effective idle limit is the smaller of the two.
    pub idle_timeout: Option<Duration>,
    /// At most this many connections are open at once; the rest wait to be
    /// accepted. `None`: no cap.
    pub max_connections: Option<usize>,
    /// How long a graceful stop waits for in-flight requests.
    pub drain_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: None,
            max_connections: None,
            drain_timeout: DEFAULT_DRAIN_TIMEOUT,
        }
    }
}

/// Requests in flight on one connection, and when the last one ended.
struct Activity {
    in_flight: AtomicUsize,
    last: Mutex<Instant>,
}

impl Activity {
    fn new() -> Arc<Activity> {
        Arc::new(Activity { in_flight: AtomicUsize::new(0), last: Mutex::new(Instant::now()) })
    }

    fn begin(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(Arc::clone(self))
    }

    /// When the connection becomes idle for too long, if nothing happens
    /// before then; `None` while a request is in flight.
    fn idle_deadline(&self, idle: Duration) -> Option<Instant> {
        if self.in_flight.load(Ordering::SeqCst) > 0 {
            return None;
        }
        let last = *self.last.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Some(last + idle)
    }
}

/// Marks one request in flight until dropped (also when hyper drops the
/// service future because the client went away).
struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        *self.0.last.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Instant::now();
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Serves `service` on `listener` with `limits` until `shutdown` resolves,
/// then stops accepting, lets open requests finish for up to
/// `limits.drain_timeout` and returns. `name` labels log lines.
///
/// Per-connection errors (resets, malformed HTTP, header timeouts) are
/// logged and never end the loop; accept errors such as running out of file
/// descriptors pause it briefly rather than spinning.
pub async fn serve<S, B>(
    listener: TcpListener,
    service: S,
    limits: ConnectionLimits,
    name: &'static str,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()>
where
    S: Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new());
    http.header_read_timeout(limits.header_read_timeout);
    let cap = limits.max_connections.map(|max| Arc::new(Semaphore::new(max.clamp(1, Semaphore::MAX_PERMITS))));
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);

    loop {
        let permit = match &cap {
            None => None,
            Some(cap) => {
                if cap.available_permits() == 0 {
                    tracing::debug!(listener = name, "connection cap reached; new connections wait");
                }
                tokio::select! {
                    () = &mut shutdown => break,
                    permit = Arc::clone(cap).acquire_owned() => Some(permit.expect("the semaphore is never closed")),
                }
            }
        };
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let conn = serve_connection(http.clone(), stream, peer, service.clone(), limits.idle_timeout, stopping.clone(), permit);
                    tokio::spawn(async move {
                        if let Err(e) = conn.await {
                            tracing::debug!(listener = name, %peer, error = %e, "connection ended with an error");
                        }
                    });
                }
                Err(e) => {
                    tracing::warn!(listener = name, error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }

    drop(listener);
    drop(stopping);
    let _ = stop.send(true);
    // Every connection task holds a receiver: all are gone once `closed` resolves.
    if tokio::time::timeout(limits.drain_timeout, stop.closed()).await.is_err() {
        tracing::warn!(listener = name, "shut down with requests still in flight");
    }
    Ok(())
}

async fn serve_connection<S, B>(
    http: http1::Builder,
    stream: TcpStream,
    peer: SocketAddr,
    service: S,
    idle_timeout: Option<Duration>,
    mut stopping: watch::Receiver<bool>,
    permit: Option<OwnedSemaphorePermit>,
) -> Result<(), hyper::Error>
where
    S: Service<Request<Incoming>, Response = Response<B>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let _permit = permit;
    let activity = Activity::new();
    let tracked = {
        let activity = Arc::clone(&activity);
        hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(Peer(peer));
            let in_flight = activity.begin();
            let response = service.call(request);
            async move {
                let response = response.await;
                drop(in_flight);
                response
            }
        })
    };
    let conn = http.serve_connection(TokioIo::new(stream), tracked);
    tokio::pin!(conn);
    let mut closing = false;
    loop {
        // Re-evaluated after every wake-up: a request may have started or ended.
        let idle_deadline = idle_timeout.filter(|_| !closing).map(|idle| activity.idle_deadline(idle));
        let check_again = match idle_deadline {
            Some(Some(deadline)) => deadline,
            // A request is in flight: look again in a while.
            Some(None) => Instant::now() + idle_timeout.unwrap_or(Duration::from_secs(1)),
            None => Instant::now() + Duration::from_secs(3600),
        };
        tokio::select! {
            result = conn.as_mut() => return result,
            changed = stopping.changed(), if !closing => {
                // A changed value or a dropped sender both mean: stop.
                let _ = changed;
                conn.as_mut().graceful_shutdown();
                closing = true;
            }
            () = tokio::time::sleep_until(check_again), if idle_deadline.is_some() => {
                if let (Some(idle), Some(Some(deadline))) = (idle_timeout, idle_deadline) {
                    // Still idle since the deadline was computed?
                    if activity.idle_deadline(idle) == Some(deadline) {
                        tracing::trace!("closing an idle connection");
                        conn.as_mut().graceful_shutdown();
                        closing = true;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod forwarded_tests {
    use super::*;

    fn request(headers: &[(&str, &str)]) -> Request<()> {
        let mut request = Request::builder().method("GET").uri("/applications?maxResults=5");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let mut request = request.body(()).unwrap();
        request.extensions_mut().insert(Peer("10.0.0.9:4000".parse().unwrap()));
        request
    }

    fn peer(request: &Request<()>) -> Option<IpAddr> {
        request.extensions().get::<Peer>().map(Peer::ip)
    }

    #[test]
    fn a_vouched_client_replaces_the_peer_and_an_unproven_claim_leaves_none() {
        let claimed = [(FORWARDED_FOR, "192.0.2.7"), (FORWARDED_MAC, "seal"), ("authorization", "sig")];
        let mut vouched = request(&claimed);
        take_forwarded(&mut vouched, |client, sealed, method, path, authorization| {
            assert_eq!(
                (client, sealed, method, path, authorization),
                ("192.0.2.7", "seal", "GET", "/applications?maxResults=5", "sig")
            );
            client.parse().ok()
        });
        assert_eq!(peer(&vouched), Some("192.0.2.7".parse().unwrap()));
        assert!(!vouched.headers().contains_key(FORWARDED_FOR) && !vouched.headers().contains_key(FORWARDED_MAC));

        let mut unproven = request(&claimed);
        take_forwarded(&mut unproven, |_, _, _, _, _| None);
        assert_eq!(peer(&unproven), None);
        assert!(!unproven.headers().contains_key(FORWARDED_FOR));

        let mut direct = request(&[]);
        take_forwarded(&mut direct, |_, _, _, _, _| panic!("nothing to vouch for"));
        assert_eq!(peer(&direct), Some("10.0.0.9".parse().unwrap()));
    }
}
