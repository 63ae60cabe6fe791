"""Security hardening: request bodies covered by the API signature, the S3
endpoint's signature versions and credential scopes, and a data dir only
the server's user can read.
"""
import base64
import email.utils
import hashlib
import hmac
import json
import os
import stat
import uuid
from pathlib import Path

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import Server, create_app, http, unique
from helpers_base import wait_until
from helpers_s3 import s3_client, s3_error, store

UNSIGNED = "UNSIGNED-PAYLOAD"


# --------------------------------------------------------------------------- API: unsigned payloads


def _app_names(client) -> set:
    return {a.get("name") for a in client.list_applications(maxResults=50)["applications"]}


def test_api_refuses_unsigned_payload_and_a_swapped_body_creates_nothing(server, client):
    name = unique("unsigned")
    body = json.dumps({"name": name, "releaseLabel": "emr-7.0.0", "type": "SPARK",
                       "clientToken": uuid.uuid4().hex})
    forged_name = name[:-1] + "X"
    forged = body.replace(name, forged_name)

    def swap(req):
        req.data = forged.encode()

    # botocore signs the x-amz-content-sha256 value it finds instead of the
    # body's hash, so this is a validly signed UNSIGNED-PAYLOAD request.
    for mutate in (None, swap):
        resp = server.raw("POST", "/applications", body, headers={"X-Amz-Content-SHA256": UNSIGNED},
                          mutate=mutate)
        assert resp.status == 403, resp
        assert resp.error_type == "InvalidSignatureException", resp
        assert b"UNSIGNED-PAYLOAD" in resp.body, resp
    # streaming declarations are refused the same way
    resp = server.raw("POST", "/applications", body,
                      headers={"X-Amz-Content-SHA256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"})
    assert resp.status == 403 and resp.error_type == "InvalidSignatureException", resp
    names = _app_names(client)
    assert name not in names and forged_name not in names, "an unsigned body must not take effect"
    # the same request with its body signed still works
    resp = server.raw("POST", "/applications", body)
    assert resp.status == 200, resp
    assert client.get_application(applicationId=resp.json()["applicationId"])["application"]["name"] == name


# --------------------------------------------------------------------------- S3: SigV2 and scopes


def _sigv2_put(server: Server, path: str, body: bytes, swapped: bytes | None = None):
    """A PUT signed with SigV2 header auth (what botocore's HmacV1Auth does);
    ``swapped`` is sent instead of the signed body."""
    date = email.utils.formatdate(usegmt=True)
    string_to_sign = f"PUT\n\ntext/plain\n{date}\n{path}"
    digest = hmac.new(server.secret_key.encode(), string_to_sign.encode(), hashlib.sha1).digest()
    signature = base64.b64encode(digest).decode()
    headers = {"Date": date, "Content-Type": "text/plain", "Authorization": f"AWS {server.access_key}:{signature}"}
    return http("PUT", server.s3_endpoint + path, body=swapped if swapped is not None else body, headers=headers)


def _sigv4_raw(server: Server, method: str, path: str, body: bytes | None, region: str, service: str):
    req = AWSRequest(method=method, url=server.s3_endpoint + path, data=body)
    S3SigV4Auth(Credentials(server.access_key, server.secret_key), service, region).add_auth(req)
    prepared = req.prepare()
    return http(method, prepared.url, body=prepared.body, headers=dict(prepared.headers))


def test_s3_refuses_sigv2_by_default(server, bucket, s3):
    s3.put_object(Bucket=bucket, Key="kept.txt", Body=b"original")
    # a signed SigV2 PUT, replayed with another body: SigV2 does not cover it
    for key, swapped in (("v2.txt", None), ("kept.txt", b"replaced")):
        resp = _sigv2_put(server, f"/{bucket}/{key}", b"signed body", swapped)
        assert resp.status == 400, resp
        code, message = s3_error(resp)
        assert code == "InvalidRequest" and "AWS4-HMAC-SHA256" in message, resp
    assert not (store(server) / bucket / "v2.txt").exists()
    assert (store(server) / bucket / "kept.txt").read_bytes() == b"original"
    # SigV2 presigned URLs (the aws CLI's and boto3's default for `presign`) likewise
    url = s3_client(server, signature_version="s3").generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "kept.txt"}, ExpiresIn=300)
    assert "Signature=" in url and "X-Amz-Signature" not in url, url
    resp = http("GET", url)
    assert resp.status == 400 and s3_error(resp)[0] == "InvalidRequest", resp


def test_s3_sigv2_can_be_allowed(make_server):
    srv = make_server(extra_env={"SPARKPLANE_S3_ALLOW_SIGV2": "true"})
    srv.start()
    s3_client(srv).create_bucket(Bucket="legacy")
    resp = _sigv2_put(srv, "/legacy/v2.txt", b"signed body")
    assert resp.status == 200, resp
    assert (store(srv) / "legacy" / "v2.txt").read_bytes() == b"signed body"


def test_s3_refuses_sigv4_scoped_to_another_region(server, bucket):
    resp = _sigv4_raw(server, "PUT", f"/{bucket}/eu.txt", b"data", "eu-west-1", "s3")
    assert resp.status == 400, resp
    code, message = s3_error(resp)
    assert code == "AuthorizationHeaderMalformed", resp
    assert f"the region 'eu-west-1' is wrong; expecting '{server.region}'" in message, resp
    assert not (store(server) / bucket / "eu.txt").exists()
    # presigned, the same check with S3's query-parameter error
    url = s3_client(server, region="eu-west-1", signature_version="s3v4").generate_presigned_url(
        "put_object", Params={"Bucket": bucket, "Key": "eu.txt"}, ExpiresIn=300)
    resp = http("PUT", url, body=b"data")
    assert resp.status == 400 and s3_error(resp)[0] == "AuthorizationQueryParametersError", resp
    assert not (store(server) / bucket / "eu.txt").exists()


def test_s3_refuses_sigv4_scoped_to_another_service_with_403(server, bucket):
    for service in ("iam", "sts"):
        resp = _sigv4_raw(server, "PUT", f"/{bucket}/{service}.txt", b"data", server.region, service)
        assert resp.status == 403, (service, resp)
        code, message = s3_error(resp)
        assert code == "SignatureDoesNotMatch" and f"'{service}'" in message, resp
        assert not (store(server) / bucket / f"{service}.txt").exists()
    # and the correctly scoped request goes through
    resp = _sigv4_raw(server, "PUT", f"/{bucket}/ok.txt", b"data", server.region, "s3")
    assert resp.status == 200, resp


# --------------------------------------------------------------------------- data dir permissions


def _open_to_others(root: Path) -> list[str]:
    """Entries under ``root`` (itself included) with any group/other bit; symlinks are skipped."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        for path in [Path(dirpath)] + [Path(dirpath) / n for n in dirnames + filenames]:
            st = os.lstat(path)
            if not stat.S_ISLNK(st.st_mode) and st.st_mode & 0o077:
                found.append(f"{oct(st.st_mode & 0o777)} {path}")
    return sorted(set(found))


def test_server_files_are_private_to_its_user(make_server):
    srv = make_server()
    srv.start()
    client = srv.client()
    app_id = create_app(client)["applicationId"]
    s3 = s3_client(srv)
    s3.create_bucket(Bucket="private")
    s3.put_object(Bucket="private", Key="dir/object.txt", Body=b"secret")
    assert (store(srv) / "private" / "dir" / "object.txt").read_bytes() == b"secret"
    assert client.get_application(applicationId=app_id)["application"]["state"] == "CREATED"
    db = srv.data_dir / "state.db"
    assert db.exists()
    assert _open_to_others(srv.data_dir) == []
    assert stat.S_IMODE(os.stat(srv.data_dir).st_mode) == 0o700


def test_an_existing_data_dir_is_made_private(make_server):
    srv = make_server()
    data = srv.data_dir
    (data / "s3" / "old-bucket").mkdir(parents=True)
    leftover = data / "s3" / "old-bucket" / "object.csv"
    leftover.write_bytes(b"a,b\n")
    os.chmod(leftover, 0o644)
    os.chmod(data / "s3" / "old-bucket", 0o755)
    os.chmod(data / "s3", 0o755)
    os.chmod(data, 0o755)
    # a symlink to a file outside the data dir is not followed
    outside = srv.base / "outside.txt"
    outside.write_bytes(b"not ours to change")
    os.chmod(outside, 0o644)
    (data / "link").symlink_to(outside)
    srv.start()
    assert stat.S_IMODE(os.stat(data).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(data / "s3" / "old-bucket").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(leftover).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(outside).st_mode) == 0o644
    assert _open_to_others(data) == []
    wait_until(lambda: "removed group/other permissions" in srv.log_path.read_text(errors="replace"), 10,
               "the server logs how many entries it made private")
    assert s3_client(srv).get_object(Bucket="old-bucket", Key="object.csv")["Body"].read() == b"a,b\n"
