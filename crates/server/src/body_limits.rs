//! Bounds on request bodies, which the SigV4 check must buffer (the
//! signature covers their hash): at most [`MAX_BODY_BYTES`] per request
//! (HTTP/1.1 serves one request at a time, so that is also the bound per
//! connection), at most a byte budget across all requests being read, and a
//! deadline for the body to arrive.
//!
//! What can be refused without the body (no or a malformed signature, an
//! unknown key, a skewed date, a wrong scope) is refused before any of it is
//! read, so unauthenticated clients cannot make the server hold memory.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::{to_bytes, Body, Bytes};
use axum::http::header::CONNECTION;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use sparkplane_api::ErrorCode;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::ApiResponseError;

/// Largest request body accepted; the biggest EMR request (StartJobRun with
/// 100 KB of parameters and configurations) is far below it.
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// Default bytes of request bodies buffered at once across all connections.
pub const DEFAULT_BODY_BUDGET_BYTES: usize = 64 * 1024 * 1024;
/// How long a request waits for room in the budget before a 503.
const BUDGET_WAIT: Duration = Duration::from_secs(2);
/// How long a body may take to arrive once its headers did.
const BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// The bytes of request bodies the API may buffer at once.
#[derive(Clone, Debug)]
pub struct BodyBudget {
    bytes: Arc<Semaphore>,
}

impl BodyBudget {
    /// A budget of `total_bytes` (at least one largest body, at most 4 GiB).
    pub fn new(total_bytes: usize) -> BodyBudget {
        let total = total_bytes.clamp(MAX_BODY_BYTES, u32::MAX as usize);
        BodyBudget { bytes: Arc::new(Semaphore::new(total)) }
    }

    /// The budget of a router served without [`crate::serve`] (tests).
    pub(crate) fn fallback() -> BodyBudget {
        static FALLBACK: OnceLock<BodyBudget> = OnceLock::new();
        FALLBACK.get_or_init(|| BodyBudget::new(DEFAULT_BODY_BUDGET_BYTES)).clone()
    }

    async fn reserve(&self, bytes: usize) -> Option<OwnedSemaphorePermit> {
        let bytes = u32::try_from(bytes).unwrap_or(u32::MAX);
        tokio::time::timeout(BUDGET_WAIT, Arc::clone(&self.bytes).acquire_many_owned(bytes)).await.ok()?.ok()
    }
}

/// A buffered body and its share of the budget, given back when dropped.
pub(crate) struct Buffered {
    pub bytes: Bytes,
    _reserved: OwnedSemaphorePermit,
}

/// `response`, telling the client this connection ends with it: the request
/// body was not read, so hyper cannot reuse the connection, and a client
/// that put it back in its pool would see its next request fail.
pub(crate) fn closing(mut response: Response) -> Response {
    response.headers_mut().insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// Reads `body` within the per-request limit, the budget and the deadline;
/// a refusal is a finished error response in the AWS shape.
pub(crate) async fn read(body: Body, budget: &BodyBudget) -> Result<Buffered, Response> {
    let too_large = || {
        closing(
            ApiResponseError::with_status(
                "RequestEntityTooLargeException",
                413,
                format!("Request body is larger than {MAX_BODY_BYTES} bytes"),
            )
            .into_response(),
        )
    };
    // hyper knows the length from Content-Length (0 without a body); a
    // chunked body may grow to the limit.
    let hint = http_body::Body::size_hint(&body);
    if hint.lower() > MAX_BODY_BYTES as u64 {
        return Err(too_large());
    }
    let reserve = hint.upper().map_or(MAX_BODY_BYTES, |upper| upper.min(MAX_BODY_BYTES as u64) as usize);
    let Some(reserved) = budget.reserve(reserve).await else {
        tracing::warn!(bytes = reserve, "request body refused: the body buffer budget is exhausted");
        return Err(closing(
            ApiResponseError::with_status(
                "ThrottlingException",
                503,
                "Too many request bodies are being received at once; please retry",
            )
            .into_response(),
        ));
    };
    match tokio::time::timeout(BODY_READ_TIMEOUT, to_bytes(body, MAX_BODY_BYTES)).await {
        Ok(Ok(bytes)) => Ok(Buffered { bytes, _reserved: reserved }),
        Ok(Err(err)) if is_length_limit(&err) => Err(too_large()),
        Ok(Err(_)) => {
            Err(closing(ApiResponseError::new(ErrorCode::Validation, "Request body could not be read").into_response()))
        }
        Err(_) => Err(closing(
            ApiResponseError::with_status(
                "RequestTimeoutException",
                408,
                format!("Request body did not arrive within {} seconds", BODY_READ_TIMEOUT.as_secs()),
            )
            .into_response(),
        )),
    }
}

fn is_length_limit(err: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}
