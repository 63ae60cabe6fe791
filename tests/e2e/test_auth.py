"""SigV4 authentication of the EMR API."""
import datetime as dt
import json
import os
import stat
import uuid

import botocore
import boto3
import pytest
from botocore.config import Config

from conftest import expect_client_error, http, parse_exports, unique


def _utc_naive(delta: dt.timedelta = dt.timedelta()) -> dt.datetime:
    return (dt.datetime.now(dt.timezone.utc) + delta).replace(tzinfo=None)


def _auth_error(resp, status=403, codes=None):
    assert resp.status == status, resp
    if codes:
        assert resp.error_type in codes, resp
    body = resp.json()
    assert isinstance(body, dict), resp
    msg = body.get("message") or body.get("Message")
    assert msg, f"error body without message: {resp}"
    return msg


def test_health_needs_no_auth(server):
    resp = http("GET", server.endpoint + "/health")
    assert resp.status == 200


def test_signed_request_succeeds(server):
    resp = server.raw("GET", "/applications")
    assert resp.status == 200, resp
    assert "applications" in resp.json()


def test_unsigned_request_is_rejected(server):
    resp = server.raw("GET", "/applications", sign=False)
    _auth_error(resp, codes={"MissingAuthenticationTokenException"})


def test_unsigned_request_for_unknown_app_is_403_not_404(server):
    resp = server.raw("GET", "/applications/00nonexistent00", sign=False)
    _auth_error(resp, codes={"MissingAuthenticationTokenException"})


def test_unsigned_boto3_client(server):
    c = boto3.session.Session().client(
        "emr-serverless", endpoint_url=server.endpoint, region_name="us-east-1",
        config=Config(signature_version=botocore.UNSIGNED, retries={"mode": "standard", "total_max_attempts": 1}))
    expect_client_error(c.list_applications, 403, "MissingAuthenticationTokenException")


def test_wrong_secret(server):
    c = server.client(secret_key="wrong" + server.secret_key[5:])
    expect_client_error(c.list_applications, 403, "InvalidSignatureException", "signature")


def test_wrong_secret_on_write_creates_nothing(server, client):
    name = unique("forged")
    c = server.client(secret_key="x" * 40)
    expect_client_error(c.create_application, 403, "InvalidSignatureException",
                        name=name, releaseLabel="emr-7.0.0", type="SPARK")
    assert name not in {a.get("name") for a in client.list_applications(maxResults=50)["applications"]}


def test_unknown_access_key(server):
    c = server.client(access_key="AKIA" + uuid.uuid4().hex[:16].upper())
    expect_client_error(c.list_applications, 403, "UnrecognizedClientException")


def test_signature_20_minutes_old(server):
    resp = server.raw("GET", "/applications", when=_utc_naive(-dt.timedelta(minutes=20)))
    msg = _auth_error(resp, codes={"InvalidSignatureException"})
    assert "expired" in msg.lower(), msg


def test_signature_20_minutes_in_future(server):
    resp = server.raw("GET", "/applications", when=_utc_naive(dt.timedelta(minutes=20)))
    _auth_error(resp, codes={"InvalidSignatureException"})


def test_signature_3_minutes_old_is_accepted(server):
    resp = server.raw("GET", "/applications", when=_utc_naive(-dt.timedelta(minutes=3)))
    assert resp.status == 200, resp


def test_tampered_body(server, client):
    name = unique("signed")
    body = json.dumps({"name": name, "releaseLabel": "emr-7.0.0", "type": "SPARK",
                       "clientToken": uuid.uuid4().hex})
    forged = body.replace(name, name[:-1] + "X")

    def swap(req):
        req.data = forged.encode()

    resp = server.raw("POST", "/applications", body, mutate=swap)
    _auth_error(resp, codes={"InvalidSignatureException"})
    names = {a.get("name") for a in client.list_applications(maxResults=50)["applications"]}
    assert name not in names and name[:-1] + "X" not in names, "a forged request must not take effect"


def test_tampered_query_string(server):
    def swap(req):
        req.url = req.url.replace("maxResults=1", "maxResults=2")

    resp = server.raw("GET", "/applications?maxResults=1", mutate=swap)
    _auth_error(resp, codes={"InvalidSignatureException"})


def test_tampered_path(server):
    def swap(req):
        req.url = req.url.replace("/applications/aaaa", "/applications/bbbb")

    resp = server.raw("GET", "/applications/aaaa", mutate=swap)
    _auth_error(resp, codes={"InvalidSignatureException"})


def test_wrong_region_in_scope(server):
    resp = server.raw("GET", "/applications", region="eu-west-1")
    _auth_error(resp, codes={"InvalidSignatureException", "SignatureDoesNotMatch"})


def test_wrong_service_in_scope(server):
    resp = server.raw("GET", "/applications", service="s3")
    _auth_error(resp, codes={"InvalidSignatureException", "SignatureDoesNotMatch"})


@pytest.mark.parametrize("header", [
    "AWS4-HMAC-SHA256 garbage",
    "AWS4-HMAC-SHA256 Credential=AKIAXXXX, SignedHeaders=host, Signature=00",
    "Basic dXNlcjpwYXNz",
])
def test_malformed_authorization_header(server, header):
    resp = server.raw("GET", "/applications", sign=False,
                      headers={"Authorization": header,
                               "X-Amz-Date": _utc_naive().strftime("%Y%m%dT%H%M%SZ")})
    # AWS answers a malformed signature with IncompleteSignature (HTTP 400); the others are 403s
    assert (resp.status, resp.error_type) in {
        (400, "IncompleteSignatureException"),
        (403, "InvalidSignatureException"),
        (403, "UnrecognizedClientException"),
        (403, "MissingAuthenticationTokenException"),
    }, resp
    assert resp.json().get("message"), resp


def test_credentials_file_is_private(server):
    path = server.data_dir / "credentials"
    assert path.is_file()
    mode = stat.S_IMODE(os.stat(path).st_mode)
    assert mode == 0o600, oct(mode)
    assert server.access_key in path.read_text()


def test_credentials_are_stable(server):
    again = parse_exports(server.cli("credentials", "--data-dir", str(server.data_dir)).stdout)
    assert again["AWS_ACCESS_KEY_ID"] == server.access_key
    assert again["AWS_SECRET_ACCESS_KEY"] == server.secret_key
    assert len(server.secret_key) >= 20
