//! End-to-end tests through the HTTP service (SigV4, routing, XML), in process.
//!
//! The backend's unit tests cover the storage rules; these make sure the
//! pieces are wired together the way real clients see them: signed requests
//! work, unsigned or badly signed ones are refused, and multipart and range
//! requests survive the trip through s3s.

use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use hyper::{HeaderMap, Request, StatusCode};
use sparkplane_auth::{sign, Credentials, StaticKeys, UriEncoding};
use sparkplane_s3::{build_service, S3Service, ServiceOptions};

const HOST: &str = "127.0.0.1:9000";

fn creds() -> Credentials {
    Credentials { access_key_id: "SPKTESTKEY0000000001".into(), secret_access_key: "test/secret/key".into() }
}

fn service(root: &std::path::Path) -> S3Service {
    build_service(root.to_path_buf(), Arc::new(StaticKeys(vec![creds()])), ServiceOptions::default()).unwrap()
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

/// Sends one request; `who` = None sends it unsigned.
async fn send_as(
    svc: &S3Service,
    who: Option<&Credentials>,
    method: &str,
    uri: &str,
    body: &[u8],
    extra: &[(&str, &str)],
) -> Reply {
    let (path, query) = uri.split_once('?').unwrap_or((uri, ""));
    let mut headers: Vec<(String, String)> = vec![("host".into(), HOST.into())];
    headers.extend(extra.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())));
    if let Some(c) = who {
        let borrowed: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let added =
            sign(method, path, query, &borrowed, body, c, "us-east-1", "s3", UriEncoding::Single, SystemTime::now());
        headers.extend(added);
    }
    let mut req = Request::builder().method(method).uri(uri);
    for (n, v) in &headers {
        req = req.header(n.as_str(), v.as_str());
    }
    let req = req.header("content-length", body.len().to_string()).body(s3s::Body::from(body.to_vec())).unwrap();
    let resp = svc.call(req).await.unwrap();
    let (parts, mut body) = resp.into_parts();
    let body = body.store_all_limited(64 << 20).await.unwrap();
    Reply { status: parts.status, headers: parts.headers, body }
}

async fn send(svc: &S3Service, method: &str, uri: &str, body: &[u8], extra: &[(&str, &str)]) -> Reply {
    send_as(svc, Some(&creds()), method, uri, body, extra).await
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = text.find(open).map_or(0, |i| i + open.len());
    let end = text[start..].find(close).map_or(text.len(), |i| start + i);
    &text[start..end]
}

#[tokio::test]
async fn unsigned_and_badly_signed_requests_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let svc = service(dir.path());
    assert_eq!(send(&svc, "PUT", "/bkt", b"", &[]).await.status, StatusCode::OK);
    assert_eq!(send(&svc, "PUT", "/bkt/k", b"secret", &[]).await.status, StatusCode::OK);

    for (method, uri) in [("GET", "/bkt/k"), ("GET", "/"), ("GET", "/bkt?list-type=2"), ("PUT", "/bkt/other")] {
        let r = send_as(&svc, None, method, uri, b"x", &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {uri}");
        assert!(r.text().contains("AccessDenied"), "{}", r.text());
    }
    let unknown = Credentials { access_key_id: "SPKUNKNOWN0000000000".into(), ..creds() };
    let r = send_as(&svc, Some(&unknown), "GET", "/bkt/k", b"", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let wrong = Credentials { secret_access_key: "wrong".into(), ..creds() };
    let r = send_as(&svc, Some(&wrong), "GET", "/bkt/k", b"", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text().contains("SignatureDoesNotMatch"), "{}", r.text());
    assert!(!dir.path().join("bkt/other").exists());
}

#[tokio::test]
async fn objects_round_trip_with_metadata_and_ranges() {
    let dir = tempfile::tempdir().unwrap();
    let svc = service(dir.path());
    send(&svc, "PUT", "/data", b"", &[]).await;
    let r = send(
        &svc,
        "PUT",
        "/data/in/file.csv",
        b"0123456789",
        &[("content-type", "text/csv"), ("x-amz-meta-owner", "me")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("etag"), "\"781e5e245d69b566979b86e28d23f2c7\"");
    // The object is a plain file where Spark expects it.
    assert_eq!(std::fs::read(dir.path().join("data/in/file.csv")).unwrap(), b"0123456789");

    let r = send(&svc, "GET", "/data/in/file.csv", b"", &[]).await;
    assert_eq!((r.status, &r.body[..]), (StatusCode::OK, &b"0123456789"[..]));
    assert_eq!(r.header("content-type"), "text/csv");
    assert_eq!(r.header("x-amz-meta-owner"), "me");
    assert_eq!(r.header("content-length"), "10");

    let r = send(&svc, "GET", "/data/in/file.csv", b"", &[("range", "bytes=-4")]).await;
    assert_eq!((r.status, &r.body[..]), (StatusCode::PARTIAL_CONTENT, &b"6789"[..]));
    assert_eq!(r.header("content-range"), "bytes 6-9/10");
    let r = send(&svc, "GET", "/data/in/file.csv", b"", &[("range", "bytes=10-")]).await;
    assert_eq!(r.status, StatusCode::RANGE_NOT_SATISFIABLE);

    let r = send(&svc, "GET", "/data?list-type=2&delimiter=%2F", b"", &[]).await;
    assert!(r.text().contains("<Prefix>in/</Prefix>"), "{}", r.text());
    assert!(r.text().contains("<KeyCount>1</KeyCount>"), "{}", r.text());
    let r = send(&svc, "GET", "/data?list-type=2&prefix=in%2F", b"", &[]).await;
    assert!(r.text().contains("<Key>in/file.csv</Key>"), "{}", r.text());

    assert_eq!(send(&svc, "DELETE", "/data/in/file.csv", b"", &[]).await.status, StatusCode::NO_CONTENT);
    assert_eq!(send(&svc, "GET", "/data/in/file.csv", b"", &[]).await.status, StatusCode::NOT_FOUND);
    // The emptied prefix directory went away with its last object.
    assert!(!dir.path().join("data/in").exists());
    assert_eq!(send(&svc, "DELETE", "/data", b"", &[]).await.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn escaping_keys_are_rejected_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let svc = service(dir.path());
    send(&svc, "PUT", "/data", b"", &[]).await;
    for uri in ["/data/a/%2e%2e/%2e%2e/escaped", "/data/%2E%2E/%2E%2E/escaped", "/data/a//b", "/data/./x"] {
        let r = send(&svc, "PUT", uri, b"x", &[]).await;
        assert!(r.status.is_client_error(), "{uri}: {}", r.status);
    }
    assert!(!dir.path().join("escaped").exists());
    assert!(!dir.path().parent().unwrap().join("escaped").exists());
}

#[tokio::test]
async fn multipart_upload_over_http() {
    let dir = tempfile::tempdir().unwrap();
    let svc = service(dir.path());
    send(&svc, "PUT", "/mpu", b"", &[]).await;
    let r = send(&svc, "POST", "/mpu/big.bin?uploads", b"", &[("content-type", "application/x-parquet")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let upload_id = between(&r.text(), "<UploadId>", "</UploadId>").to_owned();

    let part1 = vec![b'a'; 5 * 1024 * 1024];
    let part2 = b"tail".to_vec();
    let mut etags = Vec::new();
    for (n, data) in [(1, &part1), (2, &part2)] {
        let r = send(&svc, "PUT", &format!("/mpu/big.bin?partNumber={n}&uploadId={upload_id}"), data, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        etags.push(r.header("etag").to_owned());
    }
    let xml = |order: &[usize]| {
        let parts: String = order
            .iter()
            .map(|&i| format!("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1, etags[i]))
            .collect();
        format!("<CompleteMultipartUpload>{parts}</CompleteMultipartUpload>")
    };
    let uri = format!("/mpu/big.bin?uploadId={upload_id}");
    let r = send(&svc, "POST", &uri, xml(&[1, 0]).as_bytes(), &[]).await;
    assert!(r.text().contains("InvalidPartOrder"), "{}", r.text());

    let r = send(&svc, "POST", &uri, xml(&[0, 1]).as_bytes(), &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    let etag = between(&r.text(), "<ETag>", "</ETag>").to_owned();
    assert!(etag.ends_with("-2&quot;") || etag.ends_with("-2\""), "{etag}");

    let r = send(&svc, "GET", "/mpu/big.bin", b"", &[]).await;
    assert_eq!(r.body.len(), part1.len() + part2.len());
    assert!(r.body.ends_with(b"atail"));
    assert_eq!(r.header("content-type"), "application/x-parquet");
    // Nothing of the upload is left behind.
    let uploads = dir.path().join(".sparkplane/uploads");
    assert_eq!(std::fs::read_dir(uploads).unwrap().count(), 0);
}

fn inode(path: &std::path::Path) -> u64 {
    std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(path).unwrap())
}

fn md5_hex(data: &[u8]) -> String {
    use s3s::crypto::Checksum;
    hex::encode(s3s::crypto::Md5::checksum(data))
}

#[tokio::test]
async fn copies_are_hard_links_that_keep_their_bytes_and_the_sources_md5() {
    let dir = tempfile::tempdir().unwrap();
    let svc = service(dir.path());
    send(&svc, "PUT", "/bkt", b"", &[]).await;
    let r = send(&svc, "PUT", "/bkt/src", b"hello", &[("content-type", "text/plain")]).await;
    let etag = format!("\"{}\"", md5_hex(b"hello"));
    assert_eq!(r.header("etag"), etag);

    let r = send(&svc, "PUT", "/bkt/out/dst", b"", &[("x-amz-copy-source", "/bkt/src")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains(&md5_hex(b"hello")), "{}", r.text());
    assert_eq!(inode(&dir.path().join("bkt/out/dst")), inode(&dir.path().join("bkt/src")));
    let head = send(&svc, "HEAD", "/bkt/out/dst", b"", &[]).await;
    assert_eq!((head.header("etag"), head.header("content-type")), (etag.as_str(), "text/plain"));

    // Replacing or deleting the source swaps a directory entry: the copy keeps its bytes.
    send(&svc, "PUT", "/bkt/src", b"changed", &[]).await;
    assert_eq!(&send(&svc, "GET", "/bkt/out/dst", b"", &[]).await.body[..], b"hello");
    send(&svc, "DELETE", "/bkt/src", b"", &[]).await;
    let get = send(&svc, "GET", "/bkt/out/dst", b"", &[]).await;
    assert_eq!((&get.body[..], get.header("etag")), (&b"hello"[..], etag.as_str()));

    // A metadata-only copy onto itself leaves the shared file alone, so the
    // other copy keeps its own ETag and headers.
    send(&svc, "PUT", "/bkt/dst2", b"", &[("x-amz-copy-source", "/bkt/out/dst")]).await;
    let replace = [
        ("x-amz-copy-source", "/bkt/out/dst"),
        ("x-amz-metadata-directive", "REPLACE"),
        ("content-type", "application/json"),
    ];
    let r = send(&svc, "PUT", "/bkt/out/dst", b"", &replace).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let head = send(&svc, "HEAD", "/bkt/out/dst", b"", &[]).await;
    assert_eq!((head.header("etag"), head.header("content-type")), (etag.as_str(), "application/json"));
    let head = send(&svc, "HEAD", "/bkt/dst2", b"", &[]).await;
    assert_eq!((head.header("etag"), head.header("content-type")), (etag.as_str(), "text/plain"));
}

#[tokio::test]
async fn a_copy_of_a_multipart_object_gets_the_md5_of_its_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let svc = service(dir.path());
    send(&svc, "PUT", "/bkt", b"", &[]).await;
    let r = send(&svc, "POST", "/bkt/mpu?uploads", b"", &[]).await;
    let upload_id = between(&r.text(), "<UploadId>", "</UploadId>").to_owned();
    let (part1, part2) = (vec![b'a'; 5 * 1024 * 1024], b"tail".to_vec());
    let mut parts = String::new();
    for (n, data) in [(1, &part1), (2, &part2)] {
        let r = send(&svc, "PUT", &format!("/bkt/mpu?partNumber={n}&uploadId={upload_id}"), data, &[]).await;
        parts += &format!("<Part><PartNumber>{n}</PartNumber><ETag>{}</ETag></Part>", r.header("etag"));
    }
    let xml = format!("<CompleteMultipartUpload>{parts}</CompleteMultipartUpload>");
    let r = send(&svc, "POST", &format!("/bkt/mpu?uploadId={upload_id}"), xml.as_bytes(), &[]).await;
    assert!(r.text().contains("-2"), "{}", r.text());

    // As in S3: CopyObject makes a single-part object, whose ETag is its MD5.
    let whole = [part1, part2].concat();
    let r = send(&svc, "PUT", "/bkt/copy", b"", &[("x-amz-copy-source", "/bkt/mpu")]).await;
    assert!(r.text().contains(&md5_hex(&whole)), "{}", r.text());
    let head = send(&svc, "HEAD", "/bkt/copy", b"", &[]).await;
    assert_eq!(head.header("etag"), format!("\"{}\"", md5_hex(&whole)));
    assert_eq!(inode(&dir.path().join("bkt/copy")), inode(&dir.path().join("bkt/mpu")));
}

#[tokio::test]
async fn without_linking_a_copy_is_a_file_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let options = ServiceOptions { link_copies: false, ..ServiceOptions::default() };
    let svc = build_service(dir.path().to_path_buf(), Arc::new(StaticKeys(vec![creds()])), options).unwrap();
    send(&svc, "PUT", "/bkt", b"", &[]).await;
    send(&svc, "PUT", "/bkt/src", b"hello", &[]).await;
    let r = send(&svc, "PUT", "/bkt/dst", b"", &[("x-amz-copy-source", "/bkt/src")]).await;
    assert!(r.text().contains(&md5_hex(b"hello")), "{}", r.text());
    assert_ne!(inode(&dir.path().join("bkt/dst")), inode(&dir.path().join("bkt/src")));
}
