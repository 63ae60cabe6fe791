//! What the S3 endpoint did since the server started, for `/metrics`:
//! requests by operation and status, and bytes in and out.
//!
//! The operation is the name s3s resolved for the request (`GetObject`,
//! `UploadPart`, ...), which only the access check sees; it writes the name
//! into a slot the request carries ([`OpSlot`]), and the request's wrapper
//! ([`crate::S3Service::call`]) reads it back with the response's status. A
//! request refused before s3s resolved it (a bad signature, a wrong scope)
//! counts as `unresolved`. Bytes are the messages' declared lengths: the
//! request's `Content-Length` (for chunked uploads, the encoded body) and
//! the response's.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use hyper::header::CONTENT_LENGTH;
use hyper::HeaderMap;
use sparkplane_metrics::Exposition;

/// Filled with the operation's name by the access check.
#[derive(Debug, Clone, Default)]
pub(crate) struct OpSlot(pub(crate) Arc<OnceLock<String>>);

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Counts {
    requests: u64,
    bytes_in: u64,
    bytes_out: u64,
}

/// A counter family: name, help, and its value of one series.
type Family = (&'static str, &'static str, fn(&Counts) -> u64);

#[derive(Debug, Default)]
pub struct S3Metrics {
    series: Mutex<BTreeMap<(String, u16), Counts>>,
}

pub(crate) fn content_length(headers: &HeaderMap) -> u64 {
    headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok()).unwrap_or(0)
}

impl S3Metrics {
    pub(crate) fn observe(&self, operation: Option<&str>, status: u16, bytes_in: u64, bytes_out: u64) {
        let mut series = self.series.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let counts = series.entry((operation.unwrap_or("unresolved").to_string(), status)).or_default();
        counts.requests += 1;
        counts.bytes_in = counts.bytes_in.saturating_add(bytes_in);
        counts.bytes_out = counts.bytes_out.saturating_add(bytes_out);
    }

    /// The exposition lines of the endpoint's counters.
    pub fn render(&self) -> String {
        let series = self.series.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).clone();
        let mut out = Exposition::default();
        let families: [Family; 3] = [
            ("sparkplane_s3_requests_total", "S3 requests by operation and HTTP status.", |c| c.requests),
            ("sparkplane_s3_received_bytes_total", "Request body bytes by operation and status.", |c| c.bytes_in),
            ("sparkplane_s3_sent_bytes_total", "Response body bytes by operation and status.", |c| c.bytes_out),
        ];
        for (name, help, value) in families {
            out.family(name, "counter", help);
            for ((operation, status), counts) in &series {
                out.sample(name, &[("operation", operation), ("status", &status.to_string())], value(counts));
            }
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_add_up_per_operation_and_status() {
        let metrics = S3Metrics::default();
        metrics.observe(Some("PutObject"), 200, 100, 0);
        metrics.observe(Some("PutObject"), 200, 50, 0);
        metrics.observe(Some("GetObject"), 404, 0, 300);
        metrics.observe(None, 403, 10, 200);
        let text = metrics.render();
        assert!(text.contains("sparkplane_s3_requests_total{operation=\"PutObject\",status=\"200\"} 2\n"), "{text}");
        assert!(text.contains("sparkplane_s3_received_bytes_total{operation=\"PutObject\",status=\"200\"} 150\n"));
        assert!(text.contains("sparkplane_s3_sent_bytes_total{operation=\"GetObject\",status=\"404\"} 300\n"));
        assert!(text.contains("sparkplane_s3_requests_total{operation=\"unresolved\",status=\"403\"} 1\n"));
        assert!(text.contains("# TYPE sparkplane_s3_sent_bytes_total counter\n"));
    }
}
