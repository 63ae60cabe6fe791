//! A small SigV4-signing HTTP client for sparkplane's own commands.

use std::path::PathBuf;

use std::fmt::Write as _;

use anyhow::{anyhow, bail, Context};
use serde::de::DeserializeOwned;
use sparkplane_auth::{Credentials, UriEncoding};

pub fn data_dir(flag: Option<PathBuf>) -> PathBuf {
    flag.or_else(|| std::env::var_os("SPARKPLANE_DATA_DIR").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(crate::config::DEFAULT_DATA_DIR))
}

pub struct ApiClient {
    base: String,
    host: String,
    credentials: Credentials,
    region: String,
}

pub struct ApiResponse {
    pub status: u16,
    pub finished: bool,
    pub body: Vec<u8>,
}

impl ApiResponse {
    /// The error a non-200 answer means: the server's `message` and the status.
    pub fn error(&self) -> anyhow::Error {
        let message = serde_json::from_slice::<serde_json::Value>(&self.body)
            .ok()
            .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_string))
            .unwrap_or_else(|| String::from_utf8_lossy(&self.body).into_owned());
        anyhow!("{message} (HTTP {})", self.status)
    }
}

impl ApiClient {
    /// Endpoint from the flag, `SPARKPLANE_ENDPOINT` or the default; keys from
    /// `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` or the data dir.
    pub fn new(endpoint: Option<String>, data_dir_flag: Option<PathBuf>) -> anyhow::Result<ApiClient> {
        let endpoint = endpoint
            .or_else(|| std::env::var("SPARKPLANE_ENDPOINT").ok())
            .unwrap_or_else(|| format!("http://{}", crate::config::DEFAULT_LISTEN));
        let base = endpoint.trim_end_matches('/').to_string();
        let Some(host) = base.strip_prefix("http://") else {
            bail!("endpoint must be an http:// URL, got '{endpoint}'");
        };
        let host = host.split('/').next().unwrap_or(host).to_string();
        let credentials = match (std::env::var("AWS_ACCESS_KEY_ID"), std::env::var("AWS_SECRET_ACCESS_KEY")) {
            (Ok(access_key_id), Ok(secret_access_key)) => Credentials { access_key_id, secret_access_key },
            _ => {
                let path = data_dir(data_dir_flag).join("credentials");
                sparkplane_auth::credentials::load(&path)
                    .with_context(|| format!("read credentials {}", path.display()))?
            }
        };
        let region = std::env::var("AWS_DEFAULT_REGION")
            .or_else(|_| std::env::var("AWS_REGION"))
            .unwrap_or_else(|_| crate::config::DEFAULT_REGION.to_string());
        Ok(ApiClient { base, host, credentials, region })
    }

    /// The endpoint's base URL (`http://host:port`).
    pub fn base(&self) -> &str {
        &self.base
    }

    /// A signed GET of `path` (already percent-encoded) with `query`.
    pub fn get(&self, path: &str, query: &str) -> anyhow::Result<ApiResponse> {
        self.request("GET", path, query)
    }

    /// The keys and region requests are signed with (for the S3 endpoint too).
    pub fn credentials(&self) -> (&Credentials, &str) {
        (&self.credentials, &self.region)
    }

    /// A signed POST of a JSON body whose 200 answer decodes as `T`.
    pub fn post_json<T: DeserializeOwned>(&self, path: &str, body: &serde_json::Value) -> anyhow::Result<T> {
        let response = self.send("POST", path, "", &serde_json::to_vec(body)?)?;
        if response.status != 200 {
            return Err(response.error());
        }
        serde_json::from_slice(&response.body).with_context(|| format!("unexpected response from {path}"))
    }

    /// A signed request without a body (GET, DELETE).
    pub fn request(&self, method: &str, path: &str, query: &str) -> anyhow::Result<ApiResponse> {
        self.send(method, path, query, b"")
    }

    fn send(&self, method: &str, path: &str, query: &str, body: &[u8]) -> anyhow::Result<ApiResponse> {
        let mut headers = vec![("host", self.host.as_str())];
        if !body.is_empty() {
            headers.push(("content-type", "application/json"));
        }
        let signed = sparkplane_auth::sign(
            method,
            path,
            query,
            &headers,
            body,
            &self.credentials,
            &self.region,
            "emr-serverless",
            UriEncoding::Double,
            std::time::SystemTime::now(),
        );
        let url =
            if query.is_empty() { format!("{}{path}", self.base) } else { format!("{}{path}?{query}", self.base) };
        let mut request = ureq::request(method, &url).set("host", &self.host);
        for (name, value) in
            headers.iter().skip(1).map(|(n, v)| (*n, *v)).chain(signed.iter().map(|(n, v)| (n.as_str(), v.as_str())))
        {
            request = request.set(name, value);
        }
        let sent = if body.is_empty() { request.call() } else { request.send_bytes(body) };
        let response = match sent {
            Ok(response) => response,
            Err(ureq::Error::Status(_, response)) => response,
            Err(err) => return Err(err).with_context(|| format!("request {url}")),
        };
        let status = response.status();
        let finished = response.header("x-sparkplane-finished") == Some("true");
        let mut body = Vec::new();
        std::io::Read::read_to_end(&mut response.into_reader(), &mut body).context("read response")?;
        Ok(ApiResponse { status, finished, body })
    }

    /// A signed GET whose 200 body decodes as `T`; any other status is an
    /// error carrying the server's message (404 unknown, 400 malformed).
    pub fn get_json<T: DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        self.json("GET", path, "")
    }

    /// A signed request without a body whose 200 body decodes as `T`.
    pub fn json<T: DeserializeOwned>(&self, method: &str, path: &str, query: &str) -> anyhow::Result<T> {
        let response = self.request(method, path, query)?;
        if response.status != 200 {
            return Err(response.error());
        }
        serde_json::from_slice(&response.body).with_context(|| format!("unexpected response from {path}"))
    }
}

/// Percent-encodes one path segment, so a mistyped name reaches the server
/// (and its validation message) instead of some other route.
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}
