"""Connection and body limits of the API listener.

The API closes connections that do not finish their headers in time or sit
idle, caps how many connections it serves at once, refuses unsigned (or
unknown-key) requests before reading their bodies, answers oversized bodies
with 413 in the AWS error shape, and bounds the bytes of bodies buffered at
once. Each test uses its own server with short limits; all waits are bounded
waits on a socket condition.
"""
from __future__ import annotations

import hashlib
import json
import select
import socket
import time

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

HEADER_TIMEOUT = 2
IDLE_TIMEOUT = 1
SLACK = 8  # a loaded 2-core machine may be slow to schedule the close
MAX_BODY = 8 * 1024 * 1024


@pytest.fixture(scope="module")
def strict(make_server):
    """Short header timeout, long idle timeout, the smallest body budget (one largest body)."""
    return make_server(extra_env={
        "SPARKPLANE_API_HEADER_READ_TIMEOUT_SECONDS": str(HEADER_TIMEOUT),
        "SPARKPLANE_API_IDLE_TIMEOUT_SECONDS": "60",
        "SPARKPLANE_API_BODY_BUDGET_MB": "8",
    }).start()


@pytest.fixture(scope="module")
def idle(make_server):
    """Short idle timeout, long header timeout (given as flags)."""
    return make_server(extra_args=["--api-idle-timeout-seconds", str(IDLE_TIMEOUT),
                                   "--api-header-read-timeout-seconds", "60"]).start()


@pytest.fixture(scope="module")
def capped(make_server):
    """Three connections at most, from the config file; long timeouts."""
    srv = make_server()
    srv.base.mkdir(parents=True, exist_ok=True)
    config = srv.base / "limits.toml"
    config.write_text("api_max_connections = 3\napi_header_read_timeout_seconds = 60\n"
                      "api_idle_timeout_seconds = 60\n")
    srv.extra_args = ["--config", str(config)]
    return srv.start()


def connect(srv) -> socket.socket:
    return socket.create_connection(("127.0.0.1", srv.port), timeout=10)


def read_response(sock: socket.socket, timeout: float) -> tuple[int, dict, bytes]:
    """Reads one response head (and a Content-Length body); fails if none arrives within ``timeout``."""
    sock.settimeout(timeout)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed without a response; got {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return status, headers, body


def wait_closed(sock: socket.socket, timeout: float) -> float:
    """Seconds until the server closes ``sock`` (EOF or reset); fails after ``timeout``."""
    start = time.monotonic()
    sock.settimeout(timeout)
    try:
        while sock.recv(65536):
            pass  # a 408 or 400 response before the close is fine
    except ConnectionResetError:
        pass
    except socket.timeout:
        pytest.fail(f"the server kept the connection open for more than {timeout}s")
    return time.monotonic() - start


def readable_within(sock: socket.socket, timeout: float) -> bool:
    return bool(select.select([sock], [], [], timeout)[0])


def signed_head(srv, method: str, path: str, body: bytes, access_key: str | None = None,
                secret_key: str | None = None) -> bytes:
    """The head of a SigV4-signed request for ``body``, without the body itself."""
    url = f"http://127.0.0.1:{srv.port}{path}"
    req = AWSRequest(method=method, url=url, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials(access_key or srv.access_key, secret_key or srv.secret_key),
              "emr-serverless", srv.region).add_auth(req)
    headers = dict(req.prepare().headers)
    headers.setdefault("Host", f"127.0.0.1:{srv.port}")
    headers["Content-Length"] = str(len(body))
    lines = [f"{method} {path} HTTP/1.1"] + [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


GET_HEALTH = b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"


# --------------------------------------------------------------------------- timeouts


def test_slow_headers_are_closed(strict):
    sock = connect(strict)
    sock.sendall(b"GET /applications HTTP/1.1\r\nHost: loc")
    assert wait_closed(sock, HEADER_TIMEOUT + SLACK) >= HEADER_TIMEOUT - 0.5
    sock.close()


def test_trickled_headers_do_not_extend_the_timeout(strict):
    """A byte now and then (slowloris) does not restart the header timer."""
    sock = connect(strict)
    start = time.monotonic()
    request = b"GET /applications HTTP/1.1\r\nX-Slow: " + b"a" * 10_000
    closed = False
    for i in range(len(request)):
        try:
            sock.sendall(request[i:i + 1])
        except (BrokenPipeError, ConnectionResetError):
            closed = True
            break
        if readable_within(sock, 0.25):  # closed (EOF) or an error response
            closed = True
            break
        assert time.monotonic() - start < HEADER_TIMEOUT + SLACK, "still open"
    assert closed
    assert time.monotonic() - start < HEADER_TIMEOUT + SLACK
    sock.close()


def test_idle_keep_alive_connections_are_closed(idle):
    sock = connect(idle)
    sock.sendall(GET_HEALTH)
    status, headers, _ = read_response(sock, 10)
    assert status == 200 and headers.get("connection") != "close"
    # The same connection serves a second request before it goes idle.
    sock.sendall(GET_HEALTH)
    assert read_response(sock, 10)[0] == 200
    assert wait_closed(sock, IDLE_TIMEOUT + SLACK) >= IDLE_TIMEOUT - 0.5
    sock.close()


def test_a_connection_that_never_sends_is_closed(idle):
    # No request at all: it counts as idle from the accept.
    sock = connect(idle)
    wait_closed(sock, IDLE_TIMEOUT + SLACK)
    sock.close()


# --------------------------------------------------------------------------- connection cap


def test_connection_cap_holds(capped):
    held, waiting = [], None
    for _ in range(4):
        sock = connect(capped)  # the kernel completes the handshake either way
        sock.sendall(GET_HEALTH)
        if not readable_within(sock, 1.5):
            waiting = sock  # not accepted: every slot is taken
            break
        assert read_response(sock, 10)[0] == 200
        held.append(sock)  # kept alive: holds one of the three slots
    assert waiting is not None, "four connections were served at once with a cap of three"
    assert 1 <= len(held) <= 3, held
    held.pop().close()
    assert read_response(waiting, 10)[0] == 200
    for sock in held + [waiting]:
        sock.close()


# --------------------------------------------------------------------------- bodies


@pytest.mark.parametrize("auth", ["none", "garbage", "unknown-key"])
def test_a_refused_request_is_answered_before_its_body(strict, auth):
    body = b"x" * 1_000_000
    if auth == "unknown-key":
        head = signed_head(strict, "POST", "/applications", body, access_key="AKIDUNKNOWN000000000",
                           secret_key="nope")
    else:
        extra = "Authorization: AWS4-HMAC-SHA256 garbage\r\n" if auth == "garbage" else ""
        head = (f"POST /applications HTTP/1.1\r\nHost: 127.0.0.1:{strict.port}\r\n"
                f"Content-Type: application/json\r\n{extra}Content-Length: {len(body)}\r\n\r\n").encode()
    sock = connect(strict)
    sock.sendall(head)  # and never the body
    status, headers, payload = read_response(sock, 10)
    assert status in (400, 403), (status, payload)
    assert headers.get("x-amzn-errortype"), headers
    assert "message" in json.loads(payload)
    assert headers.get("connection") == "close"
    sock.close()


def test_an_oversized_signed_body_gets_413_in_the_aws_shape(strict):
    body = b"{" + b" " * MAX_BODY + b"}"
    sock = connect(strict)
    sock.sendall(signed_head(strict, "POST", "/applications", body))
    status, headers, payload = read_response(sock, 10)
    assert status == 413, (status, payload)
    assert headers.get("x-amzn-errortype", "").startswith("RequestEntityTooLargeException"), headers
    assert str(MAX_BODY) in json.loads(payload)["message"]
    sock.close()


def test_buffered_bodies_share_a_budget(strict):
    """A signed request whose body is slow to arrive holds its share of the
    budget; with the budget spent, the next body gets a 503 in the AWS shape
    rather than more memory, and gets through once the share is given back."""
    big = b"{" + b" " * (MAX_BODY - 2) + b"}"
    holder = connect(strict)
    holder.sendall(signed_head(strict, "POST", "/applications", big))  # the body never comes
    small = json.dumps({"name": "x", "releaseLabel": "emr-7.0.0", "type": "SPARK",
                        "clientToken": hashlib.sha1(b"budget").hexdigest()}).encode()
    # The holder's reservation is made once its headers are read: retry until refused.
    deadline = time.monotonic() + 10
    while True:
        resp = strict.raw("POST", "/applications", small)
        if resp.status == 503 or time.monotonic() > deadline:
            break
    assert resp.status == 503, resp
    assert resp.error_type == "ThrottlingException", resp
    assert "message" in resp.json()
    holder.close()  # the server drops the half-read body and gives its bytes back
    deadline = time.monotonic() + 10
    while True:
        resp = strict.raw("POST", "/applications", small)
        if resp.status != 503 or time.monotonic() > deadline:
            break
    assert resp.status == 200, resp


def test_ordinary_requests_still_work(strict):
    client = strict.client()
    assert "applications" in client.list_applications()
