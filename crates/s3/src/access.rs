//! Policy authorization of S3 requests: which `s3:` action on which bucket
//! or object ARN each operation asks for, with S3's condition keys.
//!
//! The mapping follows S3's "Required permissions for Amazon S3 API
//! operations": reads need `s3:GetObject`, writes (single and multipart)
//! `s3:PutObject`, listings `s3:ListBucket` on the bucket with `s3:prefix`,
//! `s3:delimiter` and `s3:max-keys`. A copy also needs `s3:GetObject` on its
//! source. Multi-object delete is decided per key where the keys are known
//! (`ops_write.rs`), as S3 reports a denied key inside a successful reply.

use std::sync::Arc;

use hyper::{HeaderMap, Uri};
use percent_encoding::percent_decode_str;
use s3s::path::S3Path;
use s3s::{S3Error, S3ErrorCode, S3Result};
use sparkplane_policy::{Authorizer, Context};

/// The action and resource of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct S3Target {
    pub(crate) action: String,
    pub(crate) resource: String,
}

pub(crate) fn bucket_arn(bucket: &str) -> String {
    format!("arn:aws:s3:::{bucket}")
}

pub(crate) fn object_arn(bucket: &str, key: &str) -> String {
    format!("arn:aws:s3:::{bucket}/{key}")
}

/// Maps an s3s operation name and path to its action.
pub(crate) fn target(op: &str, path: &S3Path) -> S3Target {
    let resource = match path {
        S3Path::Root => "*".to_string(),
        S3Path::Bucket { bucket } => bucket_arn(bucket),
        S3Path::Object { bucket, key } => object_arn(bucket, key),
    };
    let action = match op {
        "GetObject" | "HeadObject" | "GetObjectAttributes" => "s3:GetObject",
        "PutObject"
        | "CopyObject"
        | "CreateMultipartUpload"
        | "UploadPart"
        | "UploadPartCopy"
        | "CompleteMultipartUpload" => "s3:PutObject",
        "AbortMultipartUpload" => "s3:AbortMultipartUpload",
        "ListParts" => "s3:ListMultipartUploadParts",
        "DeleteObject" => "s3:DeleteObject",
        // Each key is decided when the keys are known (see the module doc);
        // here the caller must at least be able to delete something there.
        "DeleteObjects" => "s3:DeleteObject",
        "ListObjects" | "ListObjectsV2" | "HeadBucket" => "s3:ListBucket",
        "ListObjectVersions" => "s3:ListBucketVersions",
        "ListMultipartUploads" => "s3:ListBucketMultipartUploads",
        "ListBuckets" => "s3:ListAllMyBuckets",
        // The rest are named like their action (GetBucketLocation,
        // CreateBucket, DeleteBucket, GetObjectTagging, ...).
        other => return S3Target { action: format!("s3:{other}"), resource },
    };
    let resource = match (op, path) {
        // DeleteObjects addresses the bucket; its keys are in the body.
        ("DeleteObjects", S3Path::Bucket { bucket }) => object_arn(bucket, "*"),
        _ => resource,
    };
    S3Target { action: action.to_string(), resource }
}

/// The caller's address as `aws:SourceIp`, which every request has.
pub(crate) fn source_context(peer: Option<&sparkplane_http::Peer>) -> Context {
    let mut context = Context::new();
    if let Some(peer) = peer {
        context.insert("aws:SourceIp", peer.ip().to_string());
    }
    context
}

/// The request's condition keys: `aws:SourceIp`, and a listing's
/// `s3:prefix`, `s3:delimiter`, `s3:max-keys` from the query string.
pub(crate) fn context(op: &str, uri: &Uri, peer: Option<&sparkplane_http::Peer>) -> Context {
    let mut context = source_context(peer);
    if !matches!(op, "ListObjects" | "ListObjectsV2" | "ListObjectVersions") {
        return context;
    }
    for pair in uri.query().unwrap_or_default().split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = match name {
            "prefix" => "s3:prefix",
            "delimiter" => "s3:delimiter",
            "max-keys" => "s3:max-keys",
            _ => continue,
        };
        context.insert(key, percent_decode_str(&value.replace('+', " ")).decode_utf8_lossy().into_owned());
    }
    context
}

/// The object a copy reads: `x-amz-copy-source: [/]bucket/key[?versionId=..]`.
fn copy_source(headers: &HeaderMap) -> Option<(String, String)> {
    let raw = headers.get("x-amz-copy-source")?.to_str().ok()?;
    let without_version = raw.split('?').next().unwrap_or(raw);
    let decoded = percent_decode_str(without_version.trim_start_matches('/')).decode_utf8_lossy().into_owned();
    let (bucket, key) = decoded.split_once('/')?;
    Some((bucket.to_string(), key.to_string()))
}

/// Decides one request, as S3 answers a refusal: 403 AccessDenied.
pub(crate) fn authorize(
    authorizer: &Arc<dyn Authorizer>,
    access_key: &str,
    op: &str,
    path: &S3Path,
    uri: &Uri,
    headers: &HeaderMap,
    peer: Option<&sparkplane_http::Peer>,
) -> S3Result<()> {
    let target = target(op, path);
    let context = context(op, uri, peer);
    decide(authorizer, access_key, &target.action, &target.resource, &context)?;
    if matches!(op, "CopyObject" | "UploadPartCopy") {
        if let Some((bucket, key)) = copy_source(headers) {
            decide(authorizer, access_key, "s3:GetObject", &object_arn(&bucket, &key), &source_context(peer))?;
        }
    }
    Ok(())
}

pub(crate) fn decide(
    authorizer: &Arc<dyn Authorizer>,
    access_key: &str,
    action: &str,
    resource: &str,
    context: &Context,
) -> S3Result<()> {
    authorizer
        .authorize(access_key, action, resource, context)
        .map_err(|denied| S3Error::with_message(S3ErrorCode::AccessDenied, denied.message(action, resource)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(bucket: &str, key: &str) -> S3Path {
        S3Path::Object { bucket: bucket.into(), key: key.into() }
    }

    #[test]
    fn operations_map_to_s3_actions() {
        let bucket = || S3Path::Bucket { bucket: "in".into() };
        let cases = [
            ("GetObject", object("in", "a/b"), "s3:GetObject", "arn:aws:s3:::in/a/b"),
            ("HeadObject", object("in", "k"), "s3:GetObject", "arn:aws:s3:::in/k"),
            ("UploadPart", object("out", "k"), "s3:PutObject", "arn:aws:s3:::out/k"),
            ("ListObjectsV2", bucket(), "s3:ListBucket", "arn:aws:s3:::in"),
            ("HeadBucket", bucket(), "s3:ListBucket", "arn:aws:s3:::in"),
            ("DeleteObjects", bucket(), "s3:DeleteObject", "arn:aws:s3:::in/*"),
            ("GetBucketLocation", bucket(), "s3:GetBucketLocation", "arn:aws:s3:::in"),
            ("CreateBucket", bucket(), "s3:CreateBucket", "arn:aws:s3:::in"),
            ("ListBuckets", S3Path::Root, "s3:ListAllMyBuckets", "*"),
        ];
        for (op, path, action, resource) in cases {
            assert_eq!(target(op, &path), S3Target { action: action.into(), resource: resource.into() }, "{op}");
        }
    }

    #[test]
    fn listing_condition_keys_come_from_the_query() {
        let uri: Uri = "/in?list-type=2&prefix=data%2F2024&delimiter=%2F&max-keys=10".parse().unwrap();
        let context = context("ListObjectsV2", &uri, None);
        assert_eq!(context.get("s3:prefix"), Some(&["data/2024".to_string()][..]));
        assert_eq!(context.get("s3:delimiter"), Some(&["/".to_string()][..]));
        assert_eq!(context.get("s3:max-keys"), Some(&["10".to_string()][..]));
        assert!(super::context("GetObject", &uri, None).get("s3:prefix").is_none());
    }

    #[test]
    fn every_request_carries_its_source_ip() {
        let uri: Uri = "/in/a.csv".parse().unwrap();
        let mapped = sparkplane_http::Peer("[::ffff:10.1.2.3]:5000".parse().unwrap());
        let context = context("GetObject", &uri, Some(&mapped));
        assert_eq!(context.get("aws:SourceIp"), Some(&["10.1.2.3".to_string()][..]));
        assert!(source_context(None).get("aws:SourceIp").is_none());
    }

    #[test]
    fn copy_source_is_parsed() {
        let mut headers = HeaderMap::new();
        headers.insert("x-amz-copy-source", "/src%20b/dir/a%2Bb.txt?versionId=1".parse().unwrap());
        assert_eq!(copy_source(&headers), Some(("src b".into(), "dir/a+b.txt".into())));
    }
}
