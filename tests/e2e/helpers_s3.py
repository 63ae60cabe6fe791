"""S3 helpers for the end-to-end suite (kept out of conftest.py, which is long enough).

* ``s3cli`` runs the aws CLI against a server's embedded S3 endpoint;
* ``s3_client`` is a boto3 S3 client for it (path-style, one attempt);
* ``s3_raw`` sends a raw request, SigV4-signed for S3 with botocore's
  ``S3SigV4Auth`` unless ``sign=False``, and ``s3_error`` reads the XML error;
* ``store``, ``s3api``, ``client_error`` and ``keys_of`` serve the S3
  endpoint tests (their ``bucket`` and ``s3`` fixtures are in conftest.py);
* ``MotoServer`` is an external S3-compatible service (``moto_server`` from
  ``moto[server]``) on a free loopback port.
"""
from __future__ import annotations

import gzip
import hashlib
from http.client import HTTPConnection
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import urllib.error
import xml.etree.ElementTree as ET
from pathlib import Path

import boto3
import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from helpers_base import AWS_CLI, RawResponse, free_port, http, wait_until
from helpers_server import Server

S3_TIMEOUT = 300.0  # for aws CLI transfers of a few tens of MB on a slow machine


# --------------------------------------------------------------------------
# clients
# --------------------------------------------------------------------------


def s3cli(server: Server, *args: str, check: bool = True, timeout: float = S3_TIMEOUT,
          endpoint: str | None = None, env: dict | None = None, text: bool = True,
          input: str | bytes | None = None) -> subprocess.CompletedProcess:
    """Run ``aws <args> --endpoint-url <s3 endpoint>`` with the server's credentials.

    With ``check`` (default) a non-zero exit fails the test with the CLI's stderr.
    ``input`` is fed to stdin (which is otherwise empty), for ``aws s3 cp - s3://...``.
    """
    cmd = [AWS_CLI, *args, "--endpoint-url", endpoint or server.s3_endpoint]
    full_env = server.aws_env()
    if env:
        full_env.update(env)
    if input is None:
        input = "" if text else b""
    cp = subprocess.run(cmd, capture_output=True, text=text, timeout=timeout, env=full_env, input=input)
    if check and cp.returncode != 0:
        raise AssertionError(f"{shlex.join(cmd)} failed ({cp.returncode}):\n{cp.stderr}")
    return cp


def s3cli_fails(server: Server, *args: str, code: str | None = None, **kw) -> subprocess.CompletedProcess:
    """Run the aws CLI, assert it fails, and (if given) that stderr names the S3 error ``code``."""
    cp = s3cli(server, *args, check=False, **kw)
    assert cp.returncode != 0, f"expected `aws {shlex.join(args)}` to fail; stdout:\n{cp.stdout}"
    if code:
        assert f"({code})" in cp.stderr, f"expected error {code} from `aws {shlex.join(args)}`, got:\n{cp.stderr}"
    return cp


def s3_client(server: Server, access_key: str | None = None, secret_key: str | None = None,
              endpoint: str | None = None, region: str | None = None, signature_version: str | None = None):
    """boto3 S3 client; ``signature_version="s3v4"`` makes presigned URLs SigV4 (boto3 defaults to SigV2)."""
    cfg = Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=5, read_timeout=120,
                 s3={"addressing_style": "path"}, signature_version=signature_version)
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint or server.s3_endpoint,
        region_name=region or server.region,
        aws_access_key_id=access_key or server.access_key,
        aws_secret_access_key=secret_key or server.secret_key,
        config=cfg,
    )


def s3_raw(server: Server, method: str, path: str, body: bytes | None = None, *, sign: bool = True,
           access_key: str | None = None, secret_key: str | None = None,
           headers: dict | None = None, send_path: str | None = None) -> RawResponse:
    """A raw request to ``<s3 endpoint><path>``; ``path`` is sent exactly as given (no normalisation).

    With ``send_path`` the request is signed for ``path`` but sent to ``send_path``: a
    server that canonicalises ``send_path`` to ``path`` (percent-decoding it, as SigV4
    verifiers do) accepts the signature, so the request reaches the key checks.
    """
    req = AWSRequest(method=method, url=server.s3_endpoint + path, data=body, headers=dict(headers or {}))
    if sign:
        creds = Credentials(access_key or server.access_key, secret_key or server.secret_key)
        S3SigV4Auth(creds, "s3", server.region).add_auth(req)
    prepared = req.prepare()
    url = prepared.url if send_path is None else server.s3_endpoint + send_path
    return http(method, url, body=prepared.body, headers=dict(prepared.headers))


def s3_keep_alive(server: Server, exchanges: list[tuple[str, str, bytes | None]]) -> list[tuple[int, str | None]]:
    """Signed (method, path, body) requests over one kept-alive HTTP/1.1
    connection (urllib, behind `s3_raw`, always asks to close); returns each
    response's status and `Connection` header."""
    host, port = server.s3_endpoint.removeprefix("http://").split(":")
    conn = HTTPConnection(host, int(port), timeout=S3_TIMEOUT)
    answers = []
    try:
        for method, path, body in exchanges:
            req = AWSRequest(method=method, url=server.s3_endpoint + path, data=body)
            S3SigV4Auth(Credentials(server.access_key, server.secret_key), "s3", server.region).add_auth(req)
            prepared = req.prepare()
            conn.request(method, path, body=prepared.body, headers=dict(prepared.headers))
            resp = conn.getresponse()
            resp.read()
            answers.append((resp.status, resp.getheader("connection")))
    finally:
        conn.close()
    return answers


def s3_error(resp: RawResponse) -> tuple[str, str]:
    """(Code, Message) of an S3 XML error body; ('', '') if the body is not one."""
    try:
        root = ET.fromstring(resp.body)
    except ET.ParseError:
        return "", ""
    return (root.findtext("Code") or "", root.findtext("Message") or "")


# --------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def random_file(path: Path, size: int) -> Path:
    with open(path, "wb") as fh:
        left = size
        while left:
            n = min(left, 4 << 20)
            fh.write(os.urandom(n))
            left -= n
    return path


def tree(root: Path) -> dict[str, bytes]:
    """Relative path -> bytes of every regular file below ``root``."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def gunzip_text(data: bytes) -> str | None:
    """Decompressed text, or None if ``data`` is not (yet) a complete gzip stream."""
    try:
        return gzip.decompress(data).decode("utf-8", "replace")
    except (EOFError, OSError):
        return None


def emr_log_key(prefix: str, app_id: str, job_id: str, stream: str = "stdout") -> str:
    """Key of a driver log below a logUri whose key prefix is ``prefix`` (ending in '/' or empty)."""
    return f"{prefix}applications/{app_id}/jobs/{job_id}/SPARK_DRIVER/{stream}.gz"


def wait_s3_text(client, bucket: str, key: str, pred, timeout: float, desc: str) -> str:
    """Poll an object until it is a complete gzip stream whose text satisfies ``pred``; return the text."""
    def check():
        try:
            data = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        except client.exceptions.NoSuchKey:
            return None
        text = gunzip_text(data)
        return text if text is not None and pred(text) else None

    return wait_until(check, timeout, desc, interval=0.5)


# --------------------------------------------------------------------------
# an external S3-compatible service
# --------------------------------------------------------------------------


def _moto_bin() -> str:
    cand = Path(sys.executable).parent / "moto_server"
    if cand.exists():
        return str(cand)
    found = shutil.which("moto_server")
    if not found:
        pytest.fail('moto_server not found: install "moto[server]" (scripts/test.sh does)')
    return found


class MotoServer:
    """``moto_server`` on a free loopback port, in its own process group."""

    ACCESS_KEY = "moto-access-key"
    SECRET_KEY = "moto-secret-key"
    REGION = "us-east-1"

    def __init__(self, base: Path):
        self.base = Path(base)
        self.base.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.log_path = self.base / "moto.log"
        self.proc: subprocess.Popen | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "MotoServer":
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([_moto_bin(), "-H", "127.0.0.1", "-p", str(self.port)], stdout=log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                                     start_new_session=True)
        log.close()

        def up():
            if self.proc.poll() is not None:
                raise RuntimeError(f"moto_server exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                return http("GET", self.endpoint + "/moto-api/", timeout=2).status < 500
            except (urllib.error.URLError, ConnectionError, OSError):
                return False

        wait_until(up, timeout, f"moto_server on {self.endpoint}")
        return self

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "<no log>"

    def client(self):
        cfg = Config(retries={"mode": "standard", "total_max_attempts": 1}, s3={"addressing_style": "path"})
        return boto3.session.Session().client("s3", endpoint_url=self.endpoint, region_name=self.REGION,
                                              aws_access_key_id=self.ACCESS_KEY,
                                              aws_secret_access_key=self.SECRET_KEY, config=cfg)

    def sparkplane_env(self) -> dict:
        """Environment pointing a sparkplane server at this service."""
        return {
            "SPARKPLANE_S3_ENDPOINT": self.endpoint,
            "SPARKPLANE_S3_ACCESS_KEY_ID": self.ACCESS_KEY,
            "SPARKPLANE_S3_SECRET_ACCESS_KEY": self.SECRET_KEY,
            "SPARKPLANE_S3_REGION": self.REGION,
            "SPARKPLANE_S3_PATH_STYLE": "true",
        }

    def stop(self, timeout: float = 20) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        except ProcessLookupError:
            pass


# --------------------------------------------------------------------------- S3 endpoint test helpers


def store(server) -> Path:
    return server.data_dir / "s3"


def s3api(server, *args):
    cp = s3cli(server, "s3api", *args, "--output", "json")
    return json.loads(cp.stdout) if cp.stdout.strip() else {}


def client_error(fn, *args, **kwargs) -> dict:
    with pytest.raises(ClientError) as ei:
        fn(*args, **kwargs)
    return ei.value.response


def keys_of(resp: dict) -> list[str]:
    return [o["Key"] for o in resp.get("Contents", [])]


def put_query(server, text: str, bucket: str) -> str:
    """Uploads a HIVE query file to the server's embedded S3 (as the root); returns its s3:// URI."""
    return put_object_uri(server, text, bucket, ".sql")


def put_object_uri(server, text: str, bucket: str, suffix: str) -> str:
    """Uploads `text` to the server's embedded S3 (as the root) under a fresh key; returns its s3:// URI."""
    from helpers_base import unique

    s3 = s3_client(server)
    try:
        s3.create_bucket(Bucket=bucket)
    except ClientError as exc:
        if exc.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
    key = f"{unique('q')}{suffix}"
    s3.put_object(Bucket=bucket, Key=key, Body=text.encode())
    return f"s3://{bucket}/{key}"
