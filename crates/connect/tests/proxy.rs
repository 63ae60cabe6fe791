//! End to end through the endpoint: a real TLS HTTP/2 client, the endpoint,
//! and a real h2c server standing in for Spark's Connect engine.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Request, Response};
use http_body::{Body, Frame};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use sparkplane_connect::{mint, own_ca, serve, Claim, Sessions, TokenKey, Upstream};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

const ENGINE_SECRET: &str = "engine-secret-1";
const WAIT: Duration = Duration::from_secs(10);

/// A response body that yields prepared frames, so the engine double can
/// end with trailers the way a gRPC server does.
struct Frames(VecDeque<Frame<Bytes>>);

impl Body for Frames {
    type Data = Bytes;
    type Error = Infallible;
    fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(self.0.pop_front().map(Ok))
    }
}

/// Stands in for the Spark Connect engine: echoes the request body and the
/// authorization it saw, then ends with `grpc-status: 0`.
async fn fake_engine(hits: Arc<AtomicUsize>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let hits = hits.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                    hits.fetch_add(1, Ordering::SeqCst);
                    async move {
                        let seen = req
                            .headers()
                            .get("authorization")
                            .cloned()
                            .unwrap_or_else(|| http::HeaderValue::from_static("none"));
                        let body = req.into_body().collect().await?.to_bytes();
                        let mut trailers = HeaderMap::new();
                        trailers.insert("grpc-status", "0".parse().unwrap());
                        let frames = VecDeque::from([
                            Frame::data(Bytes::from_static(b"echo:")),
                            Frame::data(body),
                            Frame::trailers(trailers),
                        ]);
                        let mut resp = Response::new(Frames(frames));
                        resp.headers_mut().insert("content-type", "application/grpc".parse().unwrap());
                        resp.headers_mut().insert("x-seen-authorization", seen);
                        Ok::<_, hyper::Error>(resp)
                    }
                });
                let _ = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tcp), service)
                    .await;
            });
        }
    });
    addr
}

struct FakeSessions {
    live: HashMap<String, Upstream>,
    started: AtomicUsize,
    ended_tx: watch::Sender<usize>,
}

impl Sessions for FakeSessions {
    fn upstream(&self, claim: &Claim) -> Option<Upstream> {
        self.live.get(&claim.session_id).cloned()
    }
    fn call_started(&self, _: &Claim) {
        self.started.fetch_add(1, Ordering::SeqCst);
    }
    fn call_ended(&self, _: &Claim) {
        self.ended_tx.send_modify(|n| *n += 1);
    }
}

type Client = hyper::client::conn::http2::SendRequest<Full<Bytes>>;

async fn tls_client(addr: SocketAddr, name: &'static str, ca_pem: &str) -> Client {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        roots.add(cert.unwrap()).unwrap();
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec()];
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = TcpStream::connect(addr).await.unwrap();
    let tls = connector.connect(ServerName::try_from(name).unwrap(), tcp).await.unwrap();
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let (sender, conn) = hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tls)).await.unwrap();
    tokio::spawn(conn);
    sender
}

struct Reply {
    headers: HeaderMap,
    body: Bytes,
    trailers: Option<HeaderMap>,
}

impl Reply {
    /// The gRPC status, from the trailers or (trailers-only) the headers.
    fn grpc_status(&self) -> Option<&str> {
        self.trailers
            .as_ref()
            .and_then(|t| t.get("grpc-status"))
            .or_else(|| self.headers.get("grpc-status"))
            .and_then(|v| v.to_str().ok())
    }
}

async fn call(client: &mut Client, authorization: Option<&str>) -> Reply {
    let mut req = Request::post("https://localhost/spark.connect.SparkConnectService/Config")
        .header("content-type", "application/grpc")
        .header("te", "trailers");
    if let Some(a) = authorization {
        req = req.header("authorization", a);
    }
    let req = req.body(Full::new(Bytes::from_static(b"ping"))).unwrap();
    let resp = tokio::time::timeout(WAIT, client.send_request(req)).await.unwrap().unwrap();
    assert_eq!(resp.status(), 200);
    let (parts, body) = resp.into_parts();
    let collected = tokio::time::timeout(WAIT, body.collect()).await.unwrap().unwrap();
    let trailers = collected.trailers().cloned();
    Reply { headers: parts.headers, body: collected.to_bytes(), trailers }
}

fn claim(session: &str, expires_at_ms: i64) -> Claim {
    Claim { application_id: "00app1".into(), session_id: session.into(), expires_at_ms }
}

#[tokio::test]
async fn relays_authenticated_calls_and_refuses_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let tls = own_ca(dir.path(), &["localhost".into(), "127.0.0.1".into()]).unwrap();

    let hits = Arc::new(AtomicUsize::new(0));
    let engine = fake_engine(hits.clone()).await;
    let (ended_tx, mut ended_rx) = watch::channel(0);
    let sessions = Arc::new(FakeSessions {
        live: HashMap::from([(
            "sess1".to_string(),
            Upstream { addr: engine, engine_secret: ENGINE_SECRET.into(), connector: None },
        )]),
        started: AtomicUsize::new(0),
        ended_tx,
    });

    let key = TokenKey::derive(b"server secret");
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, tls.server_config.clone(), key.clone(), sessions.clone(), async {
        let _ = stop_rx.await;
    }));

    // By IP: the certificate carries IP SANs for addresses.
    let mut client = tls_client(addr, "127.0.0.1", &tls.ca_pem).await;
    let far = i64::MAX;
    let good = mint(&key, &claim("sess1", far)).unwrap();

    // (a) A valid token reaches the engine, which sees its own secret.
    let reply = call(&mut client, Some(&format!("Bearer {good}"))).await;
    assert_eq!(reply.headers.get("x-seen-authorization").unwrap(), &format!("Bearer {ENGINE_SECRET}"));
    assert_eq!(&reply.body[..], b"echo:ping");
    assert_eq!(reply.grpc_status(), Some("0"));
    assert!(reply.trailers.is_some(), "trailers must be relayed");
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    // (c) The call is over once its body has been streamed.
    tokio::time::timeout(WAIT, ended_rx.wait_for(|n| *n == 1)).await.unwrap().unwrap();
    assert_eq!(sessions.started.load(Ordering::SeqCst), 1);

    // A second call reuses the endpoint's engine connection.
    let reply = call(&mut client, Some(&format!("Bearer {good}"))).await;
    assert_eq!(reply.grpc_status(), Some("0"));
    assert_eq!(hits.load(Ordering::SeqCst), 2);

    // (b) Refusals never reach the engine.
    let wrong_key = mint(&TokenKey::derive(b"other secret"), &claim("sess1", far)).unwrap();
    let expired = mint(&key, &claim("sess1", 1)).unwrap();
    let forged = good.replacen(".sess1.", ".sess2.", 1);
    assert_ne!(forged, good);
    for (what, auth) in [
        ("wrong key", Some(format!("Bearer {wrong_key}"))),
        ("expired", Some(format!("Bearer {expired}"))),
        ("other session", Some(format!("Bearer {forged}"))),
        ("engine secret", Some(format!("Bearer {ENGINE_SECRET}"))),
        ("not bearer", Some(format!("Basic {good}"))),
        // (d) No token at all.
        ("missing", None),
    ] {
        let reply = call(&mut client, auth.as_deref()).await;
        assert_eq!(reply.grpc_status(), Some("16"), "{what}");
        assert!(reply.headers.contains_key("grpc-message"), "{what}");
        assert_eq!(reply.headers.get("content-type").unwrap(), "application/grpc");
        assert!(reply.body.is_empty(), "{what}");
    }

    // A genuine token for a session that is not running: FAILED_PRECONDITION.
    let stopped = mint(&key, &claim("sess9", far)).unwrap();
    let reply = call(&mut client, Some(&format!("Bearer {stopped}"))).await;
    assert_eq!(reply.grpc_status(), Some("9"));

    assert_eq!(hits.load(Ordering::SeqCst), 2, "refused calls reached the engine");
    tokio::time::timeout(WAIT, ended_rx.wait_for(|n| *n == 2)).await.unwrap().unwrap();
    assert_eq!(sessions.started.load(Ordering::SeqCst), 2);

    stop_tx.send(()).unwrap();
    tokio::time::timeout(WAIT, server).await.unwrap().unwrap().unwrap();
}

#[tokio::test]
async fn unreachable_engine_is_unavailable_and_call_ends() {
    let dir = tempfile::tempdir().unwrap();
    let tls = own_ca(dir.path(), &["localhost".into()]).unwrap();
    // A port nobody listens on: bind, note it, close.
    let dead = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let (ended_tx, mut ended_rx) = watch::channel(0);
    let sessions = Arc::new(FakeSessions {
        live: HashMap::from([(
            "sess1".to_string(),
            Upstream { addr: dead, engine_secret: ENGINE_SECRET.into(), connector: None },
        )]),
        started: AtomicUsize::new(0),
        ended_tx,
    });
    let key = TokenKey::derive(b"k");
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let shutdown = Arc::new(tokio::sync::Notify::new());
    let notified = shutdown.clone();
    let server = tokio::spawn(serve(listener, tls.server_config.clone(), key.clone(), sessions.clone(), async move {
        notified.notified().await
    }));
    let mut client = tls_client(addr, "localhost", &tls.ca_pem).await;
    let token = mint(&key, &claim("sess1", i64::MAX)).unwrap();
    let reply = call(&mut client, Some(&format!("Bearer {token}"))).await;
    assert_eq!(reply.grpc_status(), Some("14"));
    tokio::time::timeout(WAIT, ended_rx.wait_for(|n| *n == 1)).await.unwrap().unwrap();
    assert_eq!(sessions.started.load(Ordering::SeqCst), 1);
    shutdown.notify_one();
    tokio::time::timeout(WAIT, server).await.unwrap().unwrap().unwrap();
}
