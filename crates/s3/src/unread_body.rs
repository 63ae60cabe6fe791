//! Closes the connection after a response that left the request body unread.
//!
//! S3 errors are often decided before the body is read (a refused key, a
//! missing bucket). hyper then cannot reuse the connection, but whether it
//! says so with `Connection: close` depends on whether it noticed the
//! dropped body before or after writing the response head. When it did not,
//! a client puts the connection back in its pool and its next request fails
//! on a closed socket. Marking such responses `Connection: close` ourselves
//! makes the outcome the same every time.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONNECTION};
use s3s::{HttpError, HttpResponse};

use crate::S3Service;

/// A request body that records whether it was read to its end.
struct Tracked<B> {
    inner: B,
    finished: Arc<AtomicBool>,
}

impl<B: Body + Unpin> Tracked<B> {
    fn new(inner: B) -> (Tracked<B>, Arc<AtomicBool>) {
        let finished = Arc::new(AtomicBool::new(inner.is_end_stream()));
        (Tracked { inner, finished: Arc::clone(&finished) }, finished)
    }
}

impl<B: Body + Unpin> Body for Tracked<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<B::Data>, B::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.finished.store(true, Ordering::Relaxed);
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Serves `request` with `service`; the response says `Connection: close`
/// when the request's body was not read to its end.
pub(crate) async fn call(service: S3Service, request: hyper::Request<Incoming>) -> Result<HttpResponse, HttpError> {
    let (parts, body) = request.into_parts();
    let (body, finished) = Tracked::new(body);
    let request = hyper::Request::from_parts(parts, s3s::Body::http_body_unsync(body));
    let mut response = service.call(request).await?;
    if !finished.load(Ordering::Relaxed) {
        response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use http_body_util::{BodyExt, Empty, Full};

    use super::*;

    #[tokio::test]
    async fn a_body_is_finished_once_read_to_its_end() {
        let (body, finished) = Tracked::new(Full::new(Bytes::from_static(b"pwned")));
        assert!(!finished.load(Ordering::Relaxed), "not read yet");
        let bytes = body.collect().await.unwrap().to_bytes();
        assert_eq!(&bytes[..], b"pwned");
        assert!(finished.load(Ordering::Relaxed));

        let (_, finished) = Tracked::new(Empty::<Bytes>::new());
        assert!(finished.load(Ordering::Relaxed), "no body: nothing left unread");
    }
}
