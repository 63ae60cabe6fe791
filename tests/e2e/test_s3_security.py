"""The embedded S3 endpoint's security: SigV4 (unsigned, wrong secret,
presigned, expired, skewed, payload hashes), error bodies, keys that try to
escape their bucket, and bucket names. Split from test_s3_endpoint.py.
"""
import datetime
import uuid
from pathlib import Path
from unittest import mock

import botocore.auth
import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import http, unique
from helpers_s3 import (
    client_error,
    s3_client,
    s3_error,
    s3_keep_alive,
    s3_raw,
    s3cli,
    s3cli_fails,
    store,
)


# --------------------------------------------------------------------------- authentication


def test_unsigned_requests_are_denied(server, bucket, s3):
    s3.put_object(Bucket=bucket, Key="private.txt", Body=b"secret data")
    base = server.s3_endpoint
    for method, path, body in (("GET", f"/{bucket}/private.txt", None),
                               ("PUT", f"/{bucket}/anon.txt", b"anonymous write"),
                               ("DELETE", f"/{bucket}/private.txt", None),
                               ("GET", f"/{bucket}?list-type=2", None),
                               ("GET", "/", None),
                               ("PUT", f"/{unique('anon')}", None)):
        resp = http(method, base + path, body=body)
        assert resp.status == 403, (method, path, resp)
        assert s3_error(resp)[0] == "AccessDenied", (method, path, resp.body)
        assert b"secret data" not in resp.body
    assert (store(server) / bucket / "private.txt").read_bytes() == b"secret data"
    assert not (store(server) / bucket / "anon.txt").exists()


def test_wrong_secret_is_signature_does_not_match(server, bucket, s3, tmp_path):
    s3.put_object(Bucket=bucket, Key="obj.txt", Body=b"data")
    bad = s3_client(server, secret_key="not-the-secret-" + uuid.uuid4().hex)
    for call, kw in ((bad.get_object, {"Key": "obj.txt"}),
                     (bad.put_object, {"Key": "forged.txt", "Body": b"forged"}),
                     (bad.delete_object, {"Key": "obj.txt"}),
                     (bad.list_objects_v2, {})):
        err = client_error(call, Bucket=bucket, **kw)
        assert err["ResponseMetadata"]["HTTPStatusCode"] == 403, err
        assert err["Error"]["Code"] == "SignatureDoesNotMatch", err
    assert not (store(server) / bucket / "forged.txt").exists()
    assert (store(server) / bucket / "obj.txt").read_bytes() == b"data"

    cp = s3cli(server, "s3", "ls", f"s3://{bucket}/", check=False,
               env={"AWS_SECRET_ACCESS_KEY": "wrong-" + uuid.uuid4().hex})
    assert cp.returncode != 0 and "SignatureDoesNotMatch" in cp.stderr, cp.stderr

    # an unknown access key is told apart from a bad signature
    err = client_error(s3_client(server, access_key="AKIAE2ENOTAKEY000000").list_objects_v2, Bucket=bucket)
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert err["Error"]["Code"] == "InvalidAccessKeyId", err


def test_presigned_urls(server, bucket, s3):
    s3.put_object(Bucket=bucket, Key="shared/report.txt", Body=b"presigned content")
    # `aws s3 presign` signs with SigV2 query parameters, which the endpoint
    # refuses unless s3_allow_sigv2 is set (test_hardening.py)
    url = s3cli(server, "s3", "presign", f"s3://{bucket}/shared/report.txt", "--expires-in", "300").stdout.strip()
    resp = http("GET", url)
    assert resp.status == 400 and s3_error(resp)[0] == "InvalidRequest", resp
    # SigV4 query signing (boto3), for a GET and a PUT
    s3 = s3_client(server, signature_version="s3v4")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "shared/report.txt"},
                                    ExpiresIn=300)
    assert http("GET", url).body == b"presigned content"
    tampered = http("GET", url.replace("/shared/report.txt?", "/shared/other.txt?"))
    assert tampered.status == 403, tampered
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "shared/upload.txt"},
                                        ExpiresIn=300)
    assert http("PUT", put_url, body=b"uploaded via presigned url").status == 200
    assert (store(server) / bucket / "shared" / "upload.txt").read_bytes() == b"uploaded via presigned url"


def test_expired_presigned_url_and_skewed_clock_are_refused(server, bucket, s3):
    s3.put_object(Bucket=bucket, Key="obj.txt", Body=b"data")
    s3 = s3_client(server, signature_version="s3v4")  # SigV4 presigning takes its time from the patched clock
    two_hours_ago = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(hours=2)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=two_hours_ago):
        url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "obj.txt"}, ExpiresIn=60)
        skewed = s3_raw(server, "GET", f"/{bucket}/obj.txt")
    expired = http("GET", url)
    assert expired.status == 403 and s3_error(expired)[0] == "AccessDenied", expired
    assert skewed.status == 403 and s3_error(skewed)[0] == "RequestTimeTooSkewed", skewed


@pytest.mark.xfail(strict=True, reason="known gap: s3s reports a body/hash mismatch as IncompleteBody, "
                   "not S3's XAmzContentSHA256Mismatch (the body is still refused and nothing is stored)")
def test_payload_not_matching_its_signed_hash_is_rejected(server, bucket):
    """The body differs from the signed x-amz-content-sha256: S3 answers 400 XAmzContentSHA256Mismatch."""
    req = AWSRequest(method="PUT", url=f"{server.s3_endpoint}/{bucket}/tampered.txt", data=b"signed body")
    S3SigV4Auth(Credentials(server.access_key, server.secret_key), "s3", server.region).add_auth(req)
    prepared = req.prepare()
    swapped = b"SIGNED BODY"  # same length, so only the hash differs
    assert len(swapped) == len(b"signed body")
    resp = http("PUT", prepared.url, body=swapped, headers=dict(prepared.headers))
    assert resp.status == 400, resp
    assert not (store(server) / bucket / "tampered.txt").exists()
    assert s3_error(resp)[0] == "XAmzContentSHA256Mismatch", resp


@pytest.mark.xfail(strict=True, reason="known gap: s3s's own InvalidBucketName and SignatureDoesNotMatch "
                   "errors carry no <Message>, so the aws CLI prints 'Unknown'")
def test_error_responses_carry_a_message(server, bucket):
    """S3 always sends a <Message>; without one the aws CLI prints "Unknown"."""
    bad_name = s3_raw(server, "PUT", "/Bad_Bucket_Name")
    bad_sig = s3_raw(server, "GET", f"/{bucket}?list-type=2", secret_key="wrong-" + uuid.uuid4().hex)
    problems = []
    for what, resp, code in (("InvalidBucketName", bad_name, "InvalidBucketName"),
                             ("wrong secret", bad_sig, "SignatureDoesNotMatch")):
        got_code, message = s3_error(resp)
        assert got_code == code, (what, resp)
        if not message.strip():
            problems.append(f"{what}: HTTP {resp.status} {resp.body.decode(errors='replace')}")
    assert not problems, "S3 error responses without a <Message>:\n" + "\n".join(problems)


# --------------------------------------------------------------------------- keys escaping the bucket

ESCAPING_KEYS = [
    "../../credentials",
    "../credentials",
    "../state.db",
    "a/../../x",
    "..",
    "../{other}/secret.txt",
    "x/../../../../../../../tmp/{pwn}",
    "a/./b",
    "./a",
    "a//b",
    "/abs",
]


def _files_outside(data_dir: Path, bucket: str) -> dict[str, tuple[int, int]]:
    """(size, mtime) of every file under the data dir except the bucket's own and SQLite's."""
    out = {}
    for p in data_dir.rglob("*"):
        rel = p.relative_to(data_dir).as_posix()
        if rel.startswith(f"s3/{bucket}/") or rel.startswith("state.db") or rel.startswith("s3/.sparkplane/"):
            continue
        if p.is_file():
            st = p.stat()
            out[rel] = (st.st_size, st.st_mtime_ns)
    return out


def test_keys_cannot_escape_the_bucket(fresh_server, tmp_path):
    server = fresh_server
    s3 = s3_client(server)
    bucket, other = unique("victim"), unique("other")
    s3.create_bucket(Bucket=bucket)
    s3.create_bucket(Bucket=other)
    s3.put_object(Bucket=other, Key="secret.txt", Body=b"other bucket's secret")
    s3.put_object(Bucket=bucket, Key="ok.txt", Body=b"fine")
    pwn = f"sparkplane-e2e-pwn-{uuid.uuid4().hex}"
    creds_before = (server.data_dir / "credentials").read_bytes()
    before = _files_outside(server.data_dir, bucket)
    secrets = [server.secret_key.encode(), b"other bucket's secret"]

    def refused(resp_or_err, what):
        if isinstance(resp_or_err, dict):  # a botocore error response
            status = resp_or_err["ResponseMetadata"]["HTTPStatusCode"]
            assert 400 <= status < 500, (what, resp_or_err)
            return
        assert 400 <= resp_or_err.status < 500, (what, resp_or_err)
        assert not any(s in resp_or_err.body for s in secrets), (what, resp_or_err.body)

    keys = [k.format(other=other, pwn=pwn) for k in ESCAPING_KEYS]
    for key in keys:
        refused(client_error(s3.put_object, Bucket=bucket, Key=key, Body=b"pwned"), f"put {key}")
        refused(client_error(s3.get_object, Bucket=bucket, Key=key), f"get {key}")
        refused(client_error(s3.head_object, Bucket=bucket, Key=key), f"head {key}")
        refused(client_error(s3.create_multipart_upload, Bucket=bucket, Key=key), f"create mpu {key}")
        refused(client_error(s3.copy_object, Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": "ok.txt"}),
                f"copy to {key}")
        refused(client_error(s3.copy_object, Bucket=bucket, Key="stolen.txt",
                             CopySource={"Bucket": bucket, "Key": key}), f"copy from {key}")
        try:
            s3.delete_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            refused(exc.response, f"delete {key}")

    # an upload started for a good key, continued and completed under an escaping one
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="mpu/ok.bin")["UploadId"]
    for key in ("../../credentials", f"../{other}/secret.txt", f"x/../../../../../../../tmp/{pwn}"):
        refused(client_error(s3.upload_part, Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=1,
                             Body=b"pwned"), f"upload part {key}")
        refused(client_error(s3.complete_multipart_upload, Bucket=bucket, Key=key, UploadId=upload_id,
                             MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"0"'}]}), f"complete {key}")
        refused(client_error(s3.abort_multipart_upload, Bucket=bucket, Key=key, UploadId=upload_id),
                f"abort {key}")
    s3.abort_multipart_upload(Bucket=bucket, Key="mpu/ok.bin", UploadId=upload_id)

    # percent-encoded dots and slashes: signed for the decoded path, sent encoded, so the
    # request gets past SigV4 and reaches the key checks
    for decoded, sent in (("/{b}/../../credentials", "/{b}/..%2F..%2Fcredentials"),
                          ("/{b}/../../credentials", "/{b}/%2E%2E/%2E%2E/credentials"),
                          ("/{b}/../{o}/secret.txt", "/{b}/%2e%2e/{o}/secret.txt"),
                          ("/{b}/a/../../x", "/{b}/a%2F..%2F..%2Fx")):
        decoded, sent = (p.format(b=bucket, o=other) for p in (decoded, sent))
        for method, body in (("GET", None), ("PUT", b"pwned"), ("DELETE", None)):
            refused(s3_raw(server, method, decoded, body, send_path=sent), f"{method} {sent}")
            refused(s3_raw(server, method, decoded, body), f"{method} {decoded}")

    # bucket names that are not directories of buckets
    for path in ("/../credentials", "/.sparkplane/meta", "/.sparkplane", "/%2E%2E/credentials"):
        for method in ("GET", "PUT"):
            refused(s3_raw(server, method, path, b"pwned" if method == "PUT" else None), f"{method} {path}")

    # A refused upload leaves its body unread, so its connection cannot be
    # reused: the response says so every time, and clients do not pool it.
    answers = s3_keep_alive(server, [("PUT", f"/{bucket}/ok.txt", b"fine"),
                                     ("PUT", f"/{bucket}/../credentials", b"pwned")])
    assert answers == [(200, None), (400, "close")], answers

    assert (server.data_dir / "credentials").read_bytes() == creds_before
    assert _files_outside(server.data_dir, bucket) == before
    assert not Path("/tmp", pwn).exists()
    assert s3.get_object(Bucket=other, Key="secret.txt")["Body"].read() == b"other bucket's secret"
    root = server.data_dir / "s3" / bucket
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == ["ok.txt"]


# --------------------------------------------------------------------------- bucket names / rb


@pytest.mark.parametrize("name", ["Bad_Name", "ab", "-leading-dash", "trailing-dash-", "192.168.1.1",
                                  "a" * 64, "double..dot", ".sparkplane", "xn--punycode"])
def test_invalid_bucket_names(server, name):
    before = sorted(p.name for p in store(server).iterdir())
    cp = s3cli(server, "s3api", "create-bucket", f"--bucket={name}", check=False)
    assert cp.returncode != 0 and "(InvalidBucketName)" in cp.stderr, cp.stderr
    assert sorted(p.name for p in store(server).iterdir()) == before


def test_invalid_bucket_name_with_mb_and_internal_dir_unreachable(server):
    s3cli_fails(server, "s3", "mb", "s3://Not_Valid", code="InvalidBucketName")
    assert not (store(server) / "Not_Valid").exists()
    # the store's own metadata directory is not a bucket
    s3cli_fails(server, "s3", "ls", "s3://.sparkplane/", code="InvalidBucketName")
    s3cli_fails(server, "s3", "cp", "-", "s3://.sparkplane/meta/x")


def test_rb_of_non_empty_bucket_fails(server, bucket, s3):
    s3.put_object(Bucket=bucket, Key="dir/still-here.txt", Body=b"x")
    s3cli_fails(server, "s3", "rb", f"s3://{bucket}", code="BucketNotEmpty")
    assert (store(server) / bucket / "dir" / "still-here.txt").read_bytes() == b"x"

    err = client_error(s3.delete_bucket, Bucket=bucket)
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert err["Error"]["Code"] == "BucketNotEmpty"

    s3cli(server, "s3", "rb", "--force", f"s3://{bucket}")
    assert not (store(server) / bucket).exists()
    s3cli_fails(server, "s3", "ls", f"s3://{bucket}/", code="NoSuchBucket")
