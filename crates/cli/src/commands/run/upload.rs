//! Local files to the S3 endpoint: a signed PUT per file, into a bucket the
//! command creates if it is missing. The job then reads them as `s3://`
//! URIs under its role, as a job submitted with the aws CLI would.

use std::path::Path;

use anyhow::{bail, Context};
use sparkplane_auth::{Credentials, UriEncoding};

use crate::client::encode_segment;

pub struct S3Uploader<'a> {
    endpoint: String,
    host: String,
    credentials: &'a Credentials,
    region: &'a str,
}

impl<'a> S3Uploader<'a> {
    pub fn new(endpoint: &str, credentials: &'a Credentials, region: &'a str) -> anyhow::Result<S3Uploader<'a>> {
        let endpoint = endpoint.trim_end_matches('/').to_string();
        let Some(host) = endpoint.strip_prefix("http://") else {
            bail!("the S3 endpoint must be an http:// URL, got '{endpoint}'");
        };
        let host = host.split('/').next().unwrap_or(host).to_string();
        Ok(S3Uploader { endpoint, host, credentials, region })
    }

    fn put(&self, path: &str, body: &[u8]) -> anyhow::Result<(u16, String)> {
        let headers = [("host", self.host.as_str())];
        let signed = sparkplane_auth::sign(
            "PUT",
            path,
            "",
            &headers,
            body,
            self.credentials,
            self.region,
            "s3",
            UriEncoding::Single,
            std::time::SystemTime::now(),
        );
        let url = format!("{}{path}", self.endpoint);
        let mut request = ureq::put(&url).set("host", &self.host);
        for (name, value) in &signed {
            request = request.set(name, value);
        }
        let response = match request.send_bytes(body) {
            Ok(response) => response,
            Err(ureq::Error::Status(_, response)) => response,
            Err(err) => return Err(err).with_context(|| format!("PUT {url}")),
        };
        let status = response.status();
        Ok((status, response.into_string().unwrap_or_default()))
    }

    /// Creates `bucket` unless the caller already owns it.
    pub fn ensure_bucket(&self, bucket: &str) -> anyhow::Result<()> {
        let (status, body) = self.put(&format!("/{}", encode_segment(bucket)), b"")?;
        if status == 200 || body.contains("BucketAlreadyOwnedByYou") {
            return Ok(());
        }
        bail!("cannot create bucket {bucket} (HTTP {status}): {}", s3_message(&body))
    }

    /// Uploads `file` to `s3://bucket/key`; returns that URI.
    pub fn upload(&self, file: &Path, bucket: &str, key: &str) -> anyhow::Result<String> {
        let bytes = std::fs::read(file).with_context(|| format!("read {}", file.display()))?;
        let path =
            format!("/{}/{}", encode_segment(bucket), key.split('/').map(encode_segment).collect::<Vec<_>>().join("/"));
        let (status, body) = self.put(&path, &bytes)?;
        if status != 200 {
            bail!("cannot upload {} to s3://{bucket}/{key} (HTTP {status}): {}", file.display(), s3_message(&body));
        }
        Ok(format!("s3://{bucket}/{key}"))
    }
}

/// The `<Message>` of an S3 error document, or the body.
fn s3_message(body: &str) -> &str {
    body.split_once("<Message>").and_then(|(_, rest)| rest.split_once("</Message>")).map_or(body, |(m, _)| m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_messages_come_from_the_xml() {
        assert_eq!(s3_message("<Error><Code>AccessDenied</Code><Message>no</Message></Error>"), "no");
        assert_eq!(s3_message("plain"), "plain");
    }
}
