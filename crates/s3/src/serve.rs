//! The HTTP/1.1 accept loop for the S3 endpoint.
//!
//! `S3Service` is a hyper service but brings no server; the sparkplane server
//! needs one it can stop together with the rest of the process, letting
//! in-flight transfers finish (within limits) instead of cutting them off.

use std::future::Future;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use s3s::service::S3Service;
use tokio::net::TcpListener;

use crate::unread_body;

/// How long shutdown waits for in-flight requests (say, a large upload).
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// Serves `service` on `listener` until `shutdown` resolves, then stops
/// accepting, lets open requests finish for up to 30 seconds and returns.
///
/// Per-connection errors (resets, malformed HTTP) are logged and never end
/// the loop; accept errors such as running out of file descriptors pause it
/// briefly rather than spinning.
pub async fn serve(
    listener: TcpListener,
    service: S3Service,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    // With a timer, hyper's default 30 s header-read timeout applies, so idle
    // half-open connections cannot pile up.
    http.timer(TokioTimer::new());
    tokio::pin!(shutdown);

    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let service = service.clone();
                    let handler = hyper::service::service_fn(move |request| unread_body::call(service.clone(), request));
                    let conn = http.serve_connection(TokioIo::new(stream), handler);
                    let conn = graceful.watch(conn);
                    tokio::spawn(async move {
                        if let Err(e) = conn.await {
                            tracing::debug!(%peer, error = %e, "S3 connection ended with an error");
                        }
                    });
                }
                Err(e) => {
                    tracing::warn!(error = %e, "S3 listener accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            },
        }
    }

    drop(listener);
    if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await.is_err() {
        tracing::warn!("S3 endpoint shut down with requests still in flight");
    }
    Ok(())
}
