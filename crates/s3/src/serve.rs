//! The HTTP/1.1 accept loop for the S3 endpoint.
//!
//! `S3Service` answers requests but brings no server; the sparkplane server
//! needs one it can stop together with the rest of the process, letting
//! in-flight transfers finish (within limits) instead of cutting them off.

use std::future::Future;

use tokio::net::TcpListener;

use crate::{unread_body, S3Service};

/// Serves `service` on `listener` until `shutdown` resolves, then stops
/// accepting, lets open requests finish for up to 30 seconds and returns.
///
/// The loop is `sparkplane_http::serve` with its defaults: hyper's 30 s
/// header-read timeout (which also closes connections idle that long), no
/// connection cap. Per-connection errors (resets, malformed HTTP) are logged
/// and never end the loop; accept errors such as running out of file
/// descriptors pause it briefly rather than spinning.
pub async fn serve(
    listener: TcpListener,
    service: S3Service,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let handler = hyper::service::service_fn(move |request| unread_body::call(service.clone(), request));
    sparkplane_http::serve(listener, handler, sparkplane_http::ConnectionLimits::default(), "s3", shutdown).await
}
