//! Requests signed by botocore 1.44.5 itself (SigV4Auth, S3SigV4Auth,
//! SigV4QueryAuth via real `emr-serverless` and `s3` clients, clock pinned),
//! pasted verbatim. They pin our canonicalization to what the AWS CLI and
//! boto3 actually send, including the double-encoded EMR ARN paths.

use sparkplane_auth::{sha256_hex, sign, Credentials, RequestParts, StaticKeys, UriEncoding, Verifier};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// 2026-01-01T00:00:00Z, the pinned botocore clock.
const T2026: u64 = 1_767_225_600;
const UA: &str = "Botocore/1.44.5 ua/2.1 os/linux#6.18.44-fc-v669 md/arch#x86_64 lang/python#3.11.7 md/pyimpl#CPython m/Z,b,e,N,E cfg/retry-mode#standard";

fn creds() -> Credentials {
    Credentials { access_key_id: AKID.into(), secret_access_key: SECRET.into() }
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn emr() -> Verifier {
    Verifier::new("us-east-1", "emr-serverless", UriEncoding::Double)
}

fn s3() -> Verifier {
    Verifier::new("us-east-1", "s3", UriEncoding::Single)
}

fn req<'a>(method: &'a str, path: &'a str, query: &'a str, headers: &[(&'a str, &'a str)]) -> RequestParts<'a> {
    RequestParts { method, raw_path: path, raw_query: query, headers: headers.to_vec() }
}

fn check(v: &Verifier, r: &RequestParts, body: &[u8], now: u64) {
    let keys = StaticKeys(vec![creds()]);
    let got = v.verify(r, &sha256_hex(body), at(now), &keys);
    assert_eq!(got.map(|p| p.access_key_id).map_err(|e| e.to_string()), Ok(AKID.to_string()));
}

fn authorization<'a>(headers: &[(&'a str, &'a str)]) -> &'a str {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("authorization")).map_or("", |(_, v)| v)
}

const ARN_PATH: &str = "/tags/arn%3Aaws%3Aemr-serverless%3Aus-east-1%3A123456789012%3A%2Fapplications%2F00abc";

const UNTAG: &[(&str, &str)] = &[
    ("Host", "localhost:8080"),
    ("User-Agent", UA),
    ("X-Amz-Date", "20260101T000000Z"),
    ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/emr-serverless/aws4_request, SignedHeaders=host;x-amz-date, Signature=9a90b8ebedb10942db1f5fc2fb0712ed79e92c0256d4f1e8a466401015bcb377"),
    ("amz-sdk-invocation-id", "385b8aba-9742-496f-9116-fb3deb49ab99"),
    ("amz-sdk-request", "attempt=1; max=3"),
    ("Content-Length", "0"),
];
const UNTAG_QUERY: &str = "tagKeys=b&tagKeys=a&tagKeys=x%20y";

const CREATE_BODY: &str = r#"{"name": "my app", "releaseLabel": "emr-7.0.0", "type": "SPARK", "clientToken": "tok-1"}"#;
const CREATE: &[(&str, &str)] = &[
    ("Host", "localhost:8080"),
    ("Content-Type", "application/json"),
    ("User-Agent", UA),
    ("X-Amz-Date", "20260101T000000Z"),
    ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/emr-serverless/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=acd10dd005ac739ee407de2266565ea9b90593b90bbe47ef3c2e381789b12861"),
    ("Content-Length", "88"),
];

const LIST: &[(&str, &str)] = &[
    ("Host", "localhost:8080"),
    ("X-Amz-Date", "20260101T000000Z"),
    ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/emr-serverless/aws4_request, SignedHeaders=host;x-amz-date, Signature=8a752892641820f985b3d868ea34a3b0e8dbc8c8f8a1b0291f825d60fa8d17a8"),
];
const LIST_QUERY: &str = "maxResults=10&states=STARTED&states=CREATED";

const S3_PUT_PATH: &str = "/bkt/dir/a%20b%2Bc%25d~e.txt";
const S3_PUT: &[(&str, &str)] = &[
    ("Host", "localhost:9000"),
    ("Expect", "100-continue"),
    ("X-Amz-Date", "20260101T000000Z"),
    ("X-Amz-Content-SHA256", "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447"),
    ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=5f8f7965a5a0c2d02b74d5e66903582b3105a95333d0fe6890b1ba303331bfc2"),
    ("Content-Length", "12"),
];

const S3_LIST_QUERY: &str = "list-type=2&prefix=dir%2F&delimiter=%2F&encoding-type=url";
const S3_LIST: &[(&str, &str)] = &[
    ("Host", "localhost:9000"),
    ("X-Amz-Date", "20260101T000000Z"),
    ("X-Amz-Content-SHA256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=9974cfcbc090bfe8658df73ab85e22f57da4fd58cde26bd51fca593a562e3a23"),
];

#[test]
fn aws_documentation_iam_example() {
    // The SigV4 example from the AWS General Reference; botocore reproduces it.
    let headers = [
        ("Host", "iam.amazonaws.com"),
        ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
        ("X-Amz-Date", "20150830T123600Z"),
        ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"),
    ];
    let r = req("GET", "/", "Action=ListUsers&Version=2010-05-08", &headers);
    check(&Verifier::new("us-east-1", "iam", UriEncoding::Double), &r, b"", 1_440_938_160);
    let ours = sign(
        "GET",
        "/",
        "Action=ListUsers&Version=2010-05-08",
        &headers[..2],
        b"",
        &creds(),
        "us-east-1",
        "iam",
        UriEncoding::Double,
        at(1_440_938_160),
    );
    assert_eq!(authorization(&ours.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect::<Vec<_>>()), headers[3].1);
}

#[test]
fn emr_untag_double_encoded_arn_and_repeated_keys() {
    check(&emr(), &req("DELETE", ARN_PATH, UNTAG_QUERY, UNTAG), b"", T2026);
}

#[test]
fn emr_create_post_json() {
    check(&emr(), &req("POST", "/applications", "", CREATE), CREATE_BODY.as_bytes(), T2026);
}

#[test]
fn emr_list_repeated_query_keys() {
    check(&emr(), &req("GET", "/applications", LIST_QUERY, LIST), b"", T2026);
}

#[test]
fn s3_put_single_encoding_with_content_sha() {
    check(&s3(), &req("PUT", S3_PUT_PATH, "", S3_PUT), b"hello world\n", T2026);
}

#[test]
fn s3_list_objects() {
    check(&s3(), &req("GET", "/bkt", S3_LIST_QUERY, S3_LIST), b"", T2026);
}

#[test]
fn s3_presigned_get() {
    let q = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=d2e7ed0a11005f2721c93f574690153f8da1e2260c1510a7025a3514c14656c3";
    check(&s3(), &req("GET", "/bkt/dir/x%20y.txt", q, &[("Host", "localhost:9000")]), b"", T2026 + 3000);
}

#[test]
fn emr_presigned_query_auth() {
    let q = "maxResults=5&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20260101%2Fus-east-1%2Femr-serverless%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=aed25919117921adeae89c81bd3d6be129e5d30397891bf303773a9193bb2294";
    check(&emr(), &req("GET", "/applications/00abc/jobruns", q, &[("Host", "localhost:8080")]), b"", T2026);
}

#[test]
fn dot_segments_and_whitespace_in_header_values() {
    let headers = [
        ("X-Custom", "  a   b\tc  "),
        ("Host", "localhost:8080"),
        ("X-Amz-Date", "20150830T123600Z"),
        ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/emr-serverless/aws4_request, SignedHeaders=host;x-amz-date;x-custom, Signature=da1a7cec4d93702a14db00c578c8a5627012db23328cc85d87915fc2c782cdb9"),
    ];
    check(&emr(), &req("GET", "/a/./b/../c//d%2Fe/", "", &headers), b"", 1_440_938_160);
}

#[test]
fn repeated_header_values_are_comma_joined() {
    let headers = [
        ("Host", "localhost:8080"),
        ("X-Multi", " one "),
        ("X-Multi", "two  three"),
        ("X-Amz-Date", "20260101T000000Z"),
        ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/emr-serverless/aws4_request, SignedHeaders=host;x-amz-date;x-multi, Signature=dd31dd1adb75d7024a43831c072d7a06a4f31158dbc346db3f567e45a8ee6867"),
    ];
    check(&emr(), &req("POST", "/x", "", &headers), br#"{"a":1}"#, T2026);
}

#[test]
fn date_header_instead_of_x_amz_date() {
    // botocore signs with `Date` (RFC 2822 form, "-0000") when the request has one.
    let headers = [
        ("Host", "localhost:8080"),
        ("Date", "Thu, 01 Jan 2026 00:00:00 -0000"),
        ("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/emr-serverless/aws4_request, SignedHeaders=date;host, Signature=d6f455d4d17e8a60d947075a3b2fe3d680ff11cea102258324fc9549427d1609"),
    ];
    check(&emr(), &req("GET", "/applications", "", &headers), b"", T2026 + 60);
}

/// One signing input and the headers botocore produced for it.
struct SignCase {
    method: &'static str,
    path: &'static str,
    query: &'static str,
    /// What the CLI would pass to `sign()`.
    headers: &'static [(&'static str, &'static str)],
    body: &'static [u8],
    service: &'static str,
    encoding: UriEncoding,
    botocore: &'static [(&'static str, &'static str)],
}

/// Our signer must emit exactly botocore's Authorization for the same input.
#[test]
fn signer_matches_botocore() {
    let host8080: &[(&str, &str)] = &[("host", "localhost:8080")];
    let cases = [
        SignCase {
            method: "DELETE",
            path: ARN_PATH,
            query: UNTAG_QUERY,
            headers: host8080,
            body: b"",
            service: "emr-serverless",
            encoding: UriEncoding::Double,
            botocore: UNTAG,
        },
        SignCase {
            method: "POST",
            path: "/applications",
            query: "",
            // user-agent is in botocore's never-signed list.
            headers: &[("Host", "localhost:8080"), ("Content-Type", "application/json"), ("User-Agent", UA)],
            body: CREATE_BODY.as_bytes(),
            service: "emr-serverless",
            encoding: UriEncoding::Double,
            botocore: CREATE,
        },
        SignCase {
            method: "PUT",
            path: S3_PUT_PATH,
            query: "",
            headers: &[("host", "localhost:9000"), ("expect", "100-continue")],
            body: b"hello world\n",
            service: "s3",
            encoding: UriEncoding::Single,
            botocore: S3_PUT,
        },
        SignCase {
            method: "GET",
            path: "/bkt",
            query: S3_LIST_QUERY,
            headers: &[("host", "localhost:9000")],
            body: b"",
            service: "s3",
            encoding: UriEncoding::Single,
            botocore: S3_LIST,
        },
    ];
    for c in cases {
        let out =
            sign(c.method, c.path, c.query, c.headers, c.body, &creds(), "us-east-1", c.service, c.encoding, at(T2026));
        let out: Vec<(&str, &str)> = out.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        assert_eq!(authorization(&out), authorization(c.botocore), "{} {}", c.method, c.path);
        let sha = out.iter().find(|(n, _)| *n == "x-amz-content-sha256").map(|(_, v)| *v);
        let want = c.botocore.iter().find(|(n, _)| n.eq_ignore_ascii_case("x-amz-content-sha256")).map(|(_, v)| *v);
        assert_eq!(sha, want, "{} {}", c.method, c.path);
    }
}
