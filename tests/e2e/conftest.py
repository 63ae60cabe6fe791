"""Fixtures and helpers for the sparkplane end-to-end suite.

Everything here talks to the *real* binary over HTTP: the server is started
as a subprocess on a free loopback port with a throw-away data dir, and is
driven with boto3, the aws CLI and raw SigV4-signed requests.

Environment knobs:
  SPARKPLANE_BIN               path of the binary (default: $CARGO_TARGET_DIR/debug/sparkplane,
                               else <repo>/target/debug/sparkplane)
  SPARKPLANE_TEST_RUNTIME_DIR  shared Spark runtime dir handed to every server as
                               SPARKPLANE_RUNTIME_DIR (default ~/.cache/sparkplane/runtimes)
  SPARKPLANE_TEST_AWS          aws CLI (default: the one next to sys.executable, else PATH)
  SPARKPLANE_TEST_JOB_TIMEOUT  seconds to wait for a Spark job / application start (default 900;
                               the first job may install the runtime)
"""
from __future__ import annotations

import datetime as _dt
import gzip
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Callable, Iterable
from unittest import mock

import boto3
import botocore.auth
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
MCDONALDS_PY = EXAMPLES / "mcdonalds.py"
MCDONALDS_CSV = EXAMPLES / "data" / "mcdonalds_dataset.csv"

REGION = "us-east-1"
ACCOUNT = "123456789012"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/EMRServerlessJobRole"
RELEASE = "emr-7.0.0"

JOB_TIMEOUT = float(os.environ.get("SPARKPLANE_TEST_JOB_TIMEOUT", "900"))
API_TIMEOUT = 30.0  # for state changes that need no Spark work (CREATING -> CREATED, ...)
POLL = 0.2

APP_ID_RE = re.compile(r"^[0-9a-z]+$")
TERMINAL_JOB_STATES = {"SUCCESS", "FAILED", "CANCELLED"}


def _default_bin() -> Path:
    if os.environ.get("SPARKPLANE_BIN"):
        return Path(os.environ["SPARKPLANE_BIN"])
    if os.environ.get("CARGO_TARGET_DIR"):
        cand = Path(os.environ["CARGO_TARGET_DIR"]) / "debug" / "sparkplane"
        if cand.exists():
            return cand
    return REPO / "target" / "debug" / "sparkplane"


BIN = _default_bin()
RUNTIME_DIR = Path(
    os.environ.get("SPARKPLANE_TEST_RUNTIME_DIR", str(Path.home() / ".cache" / "sparkplane" / "runtimes"))
)


def _default_aws() -> str:
    if os.environ.get("SPARKPLANE_TEST_AWS"):
        return os.environ["SPARKPLANE_TEST_AWS"]
    cand = Path(sys.executable).parent / "aws"
    if cand.exists():
        return str(cand)
    found = shutil.which("aws")
    return found or "aws"


AWS_CLI = _default_aws()


# --------------------------------------------------------------------------
# generic helpers
# --------------------------------------------------------------------------


def wait_until(pred: Callable[[], object], timeout: float, desc: str, interval: float = POLL):
    """Poll ``pred`` until it returns a truthy value; fail with ``desc`` on deadline."""
    deadline = time.monotonic() + timeout
    last_exc = None
    while True:
        try:
            val = pred()
            if val:
                return val
        except AssertionError as exc:  # allow predicates that assert
            last_exc = exc
        if time.monotonic() >= deadline:
            msg = f"timed out after {timeout:.0f}s waiting for: {desc}"
            if last_exc is not None:
                msg += f" (last assertion: {last_exc})"
            raise AssertionError(msg)
        time.sleep(interval)


def wait_for_state(client, app_id: str, job_id: str, states: Iterable[str], timeout: float = JOB_TIMEOUT,
                   seen: list | None = None) -> dict:
    """Poll GetJobRun until the run is in one of ``states``; returns the jobRun dict.

    Every state observed is appended (deduplicated consecutively) to ``seen``.
    Fails early if the run reaches a terminal state that is not wanted.
    """
    states = set(states)
    deadline = time.monotonic() + timeout
    last = None
    while True:
        run = client.get_job_run(applicationId=app_id, jobRunId=job_id)["jobRun"]
        st = run["state"]
        if seen is not None and (not seen or seen[-1] != st):
            seen.append(st)
        if st in states:
            return run
        if st in TERMINAL_JOB_STATES:  # terminal and not wanted: no point waiting
            raise AssertionError(
                f"job {job_id} reached terminal state {st} (wanted {sorted(states)}); "
                f"stateDetails={run.get('stateDetails')!r}"
            )
        last = run
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"timed out after {timeout:.0f}s waiting for job {job_id} to reach {sorted(states)}; "
                f"last state {last['state']} stateDetails={last.get('stateDetails')!r}"
            )
        time.sleep(POLL)


def wait_for_app_state(client, app_id: str, states: Iterable[str], timeout: float = API_TIMEOUT,
                       seen: list | None = None) -> dict:
    states = set(states)
    deadline = time.monotonic() + timeout
    while True:
        app = client.get_application(applicationId=app_id)["application"]
        if seen is not None and (not seen or seen[-1] != app["state"]):
            seen.append(app["state"])
        if app["state"] in states:
            return app
        if time.monotonic() >= deadline:
            raise AssertionError(
                f"timed out after {timeout:.0f}s waiting for application {app_id} to reach {sorted(states)}; "
                f"last state {app['state']} stateDetails={app.get('stateDetails')!r}"
            )
        time.sleep(POLL)


def expect_client_error(fn: Callable, status: int, code: str, *message_parts: str, **kwargs) -> ClientError:
    """Call ``fn(**kwargs)``, assert it raises a ClientError with the given status/code.

    Also checks the ``x-amzn-ErrorType`` header and that the message contains
    every string in ``message_parts`` (case-insensitive).
    """
    with pytest.raises(ClientError) as ei:
        fn(**kwargs)
    err = ei.value.response
    meta = err["ResponseMetadata"]
    got_status = meta["HTTPStatusCode"]
    assert got_status != 500, f"server returned 500: {err}"
    assert got_status == status, f"expected HTTP {status}, got {got_status}: {err}"
    assert err["Error"]["Code"] == code, f"expected {code}, got {err['Error']}"
    header = meta.get("HTTPHeaders", {}).get("x-amzn-errortype", "")
    assert header.split(":", 1)[0] == code, f"x-amzn-ErrorType header is {header!r}, expected {code}"
    msg = err["Error"].get("Message") or ""
    assert msg.strip(), f"empty error message: {err}"
    for part in message_parts:
        assert part.lower() in msg.lower(), f"message {msg!r} should mention {part!r}"
    return ei.value


def processes_referencing(path: str | os.PathLike) -> list[tuple[int, str]]:
    """PIDs (and cmdlines) of live processes whose cmdline or cwd mentions ``path``."""
    path = str(path)
    me = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        if pid == me:
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                cmdline = fh.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
            with open(f"/proc/{pid}/stat", "rb") as fh:
                stat = fh.read().decode("utf-8", "replace")
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        # skip zombies: they hold no resources and vanish once reaped
        state = stat.rsplit(")", 1)[-1].split()[0] if ")" in stat else ""
        if state == "Z":
            continue
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
        except OSError:
            cwd = ""
        if path in cmdline or cwd == path or cwd.startswith(path.rstrip("/") + "/"):
            found.append((pid, cmdline or f"<cwd {cwd}>"))
    return found


def kill_pids(pids: Iterable[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def read_gz(path: Path) -> str:
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
        return fh.read()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def spark_job_driver(entry_point: str, args: list[str] | None = None, params: str | None = None) -> dict:
    sub = {"entryPoint": entry_point}
    if args is not None:
        sub["entryPointArguments"] = args
    base = "--conf spark.driver.memory=1g --conf spark.executor.memory=1g"
    sub["sparkSubmitParameters"] = f"{params} {base}" if params else base
    return {"sparkSubmit": sub}


def log_overrides(log_dir: Path, as_uri: bool = True) -> dict:
    uri = f"file://{log_dir}/" if as_uri else str(log_dir)
    return {"monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": uri}}}


def driver_log_path(log_dir: Path, app_id: str, job_id: str, stream: str = "stdout") -> Path:
    return log_dir / "applications" / app_id / "jobs" / job_id / "SPARK_DRIVER" / f"{stream}.gz"


def wait_driver_log(log_dir: Path, app_id: str, job_id: str, stream: str = "stdout", timeout: float = 30) -> str:
    path = driver_log_path(log_dir, app_id, job_id, stream)
    wait_until(path.exists, timeout, f"driver log {path}")
    # the file may be written non-atomically: retry until it decompresses
    return wait_until(lambda: _try_read_gz(path), timeout, f"readable gzip {path}")


def _try_read_gz(path: Path):
    try:
        return read_gz(path) or " "  # truthy even when empty
    except (EOFError, OSError):
        return None


# --------------------------------------------------------------------------
# raw HTTP
# --------------------------------------------------------------------------


class RawResponse:
    def __init__(self, status: int, headers: dict, body: bytes):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers.items()}
        self.body = body

    def json(self):
        return json.loads(self.body.decode() or "null")

    @property
    def error_type(self) -> str:
        return self.headers.get("x-amzn-errortype", "").split(":", 1)[0]

    def __repr__(self):
        return f"<{self.status} {self.headers.get('x-amzn-errortype')} {self.body[:300]!r}>"


def http(method: str, url: str, body: bytes | None = None, headers: dict | None = None,
         timeout: float = 30) -> RawResponse:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return RawResponse(resp.status, dict(resp.headers), resp.read())
    except urllib.error.HTTPError as exc:
        return RawResponse(exc.code, dict(exc.headers), exc.read())


# --------------------------------------------------------------------------
# the server
# --------------------------------------------------------------------------

_ALL_SERVERS: list["Server"] = []


class Server:
    """A real ``sparkplane server`` process on a loopback port."""

    def __init__(self, base: Path, port: int | None = None, extra_args: list[str] | None = None,
                 use_env: bool = False, region: str = REGION, extra_env: dict | None = None):
        if not BIN.exists():
            pytest.fail(f"sparkplane binary not found at {BIN} (set SPARKPLANE_BIN)")
        self.base = Path(base)
        self.base.mkdir(parents=True, exist_ok=True)
        self.data_dir = self.base / "data"
        self.log_path = self.base / "server.log"
        self.port = port or free_port()
        # Every server gets its own embedded S3 endpoint port (the default,
        # 9000, would collide between servers).
        self.s3_port = free_port()
        self.extra_args = list(extra_args or [])
        self.extra_env = dict(extra_env or {})  # set on the server process only (e.g. SPARKPLANE_S3_*)
        self.use_env = use_env
        self.region = region
        self.proc: subprocess.Popen | None = None
        self.access_key = self.secret_key = None
        self.starts = 0
        _ALL_SERVERS.append(self)

    # ---- lifecycle -------------------------------------------------------

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def s3_endpoint(self) -> str:
        return f"http://127.0.0.1:{self.s3_port}"

    def _env(self) -> dict:
        # no ambient AWS_* / SPARKPLANE_* settings may leak into the binary under test
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("AWS_") and not k.startswith("SPARKPLANE_")}
        env["SPARKPLANE_RUNTIME_DIR"] = str(RUNTIME_DIR)
        env.setdefault("RUST_BACKTRACE", "1")
        return env

    def start(self, timeout: float = 60) -> "Server":
        RUNTIME_DIR.mkdir(parents=True, exist_ok=True)
        env = self._env()
        env.update(self.extra_env)
        cmd = [str(BIN), "server"]
        if self.use_env:
            env["SPARKPLANE_LISTEN"] = f"127.0.0.1:{self.port}"
            env["SPARKPLANE_DATA_DIR"] = str(self.data_dir)
            env["SPARKPLANE_S3_LISTEN"] = f"127.0.0.1:{self.s3_port}"
        else:
            cmd += ["--listen", f"127.0.0.1:{self.port}", "--data-dir", str(self.data_dir)]
            if not any(arg.startswith("--s3-listen") for arg in self.extra_args):
                cmd += ["--s3-listen", f"127.0.0.1:{self.s3_port}"]
        cmd += self.extra_args
        self.starts += 1
        log = open(self.log_path, "ab")
        log.write(f"\n===== start #{self.starts}: {shlex.join(cmd)}\n".encode())
        log.flush()
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self.wait_healthy(timeout)
        self.load_credentials()
        return self

    def wait_healthy(self, timeout: float = 60) -> None:
        def ok():
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"sparkplane server exited with {self.proc.returncode} during startup:\n{self.log_tail()}"
                )
            try:
                return http("GET", self.endpoint + "/health", timeout=2).status == 200
            except (urllib.error.URLError, ConnectionError, OSError):
                return False

        try:
            wait_until(ok, timeout, f"GET {self.endpoint}/health == 200")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- server log ---\n{self.log_tail()}") from None

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "<no log>"

    def stop(self, timeout: float = 30) -> int | None:
        """SIGTERM the server and wait; SIGKILL after ``timeout``. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
                self.proc = None
                raise AssertionError(f"server did not exit within {timeout}s of SIGTERM\n{self.log_tail()}")
        rc = self.proc.returncode
        self.proc = None
        return rc

    def restart(self, timeout: float = 60) -> int | None:
        rc = self.stop()
        self.start(timeout)
        return rc

    def leftovers(self) -> list[tuple[int, str]]:
        return processes_referencing(self.data_dir)

    def teardown(self) -> None:
        """Stop the server, then check that nothing referencing the data dir survives."""
        problems = []
        try:
            self.stop()
        except AssertionError as exc:
            problems.append(str(exc))
        try:
            wait_until(lambda: not self.leftovers(), 20, "no processes left referencing the data dir")
        except AssertionError:
            left = self.leftovers()
            kill_pids(pid for pid, _ in left)
            problems.append("orphan processes after server shutdown (killed now):\n" +
                            "\n".join(f"  {pid}: {cmd[:300]}" for pid, cmd in left))
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)

    # ---- credentials & clients ------------------------------------------

    def cli(self, *args: str, check: bool = True, timeout: float = 120, env: dict | None = None,
            **kw) -> subprocess.CompletedProcess:
        """Run the sparkplane binary itself (not the server)."""
        full_env = self._env()
        if env:
            full_env.update(env)
        cp = subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=timeout,
                            env=full_env, **kw)
        if check and cp.returncode != 0:
            raise AssertionError(f"sparkplane {shlex.join(args)} failed ({cp.returncode}):\n{cp.stderr}")
        return cp

    def load_credentials(self) -> None:
        cp = self.cli("credentials", "--data-dir", str(self.data_dir))
        creds = parse_exports(cp.stdout)
        assert "AWS_ACCESS_KEY_ID" in creds and "AWS_SECRET_ACCESS_KEY" in creds, cp.stdout
        self.access_key = creds["AWS_ACCESS_KEY_ID"]
        self.secret_key = creds["AWS_SECRET_ACCESS_KEY"]

    def client(self, validate: bool = True, access_key: str | None = None, secret_key: str | None = None,
               region: str | None = None):
        cfg = Config(retries={"mode": "standard", "total_max_attempts": 1},
                     parameter_validation=validate, connect_timeout=5, read_timeout=60)
        session = boto3.session.Session()
        return session.client(
            "emr-serverless",
            endpoint_url=self.endpoint,
            region_name=region or self.region,
            aws_access_key_id=access_key or self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=cfg,
        )

    def aws_env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(
            AWS_ACCESS_KEY_ID=self.access_key,
            AWS_SECRET_ACCESS_KEY=self.secret_key,
            AWS_DEFAULT_REGION=self.region,
            AWS_CONFIG_FILE=str(self.base / "no-aws-config"),
            AWS_SHARED_CREDENTIALS_FILE=str(self.base / "no-aws-credentials"),
            AWS_EC2_METADATA_DISABLED="true",
            AWS_MAX_ATTEMPTS="1",
            AWS_PAGER="",
        )
        return env

    def aws(self, *args: str, expect_error: bool = False, timeout: float = 120):
        """Run ``aws <args> --endpoint-url ...``.

        Returns parsed JSON ({} for empty output) on success; with
        ``expect_error=True`` asserts failure and returns the CompletedProcess.
        """
        cmd = [AWS_CLI, *args, "--endpoint-url", self.endpoint, "--output", "json"]
        cp = self.aws_cp(*args, timeout=timeout)
        if expect_error:
            assert cp.returncode != 0, f"expected {shlex.join(cmd)} to fail, got:\n{cp.stdout}"
            return cp
        assert cp.returncode == 0, f"{shlex.join(cmd)} failed ({cp.returncode}):\n{cp.stderr}"
        return json.loads(cp.stdout) if cp.stdout.strip() else {}

    def aws_cp(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run the aws CLI against this server and return the CompletedProcess, whatever the outcome."""
        cmd = [AWS_CLI, *args, "--endpoint-url", self.endpoint, "--output", "json"]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=self.aws_env())

    # ---- raw signed requests --------------------------------------------

    def raw(self, method: str, path: str, body: bytes | str | None = None, *, sign: bool = True,
            access_key: str | None = None, secret_key: str | None = None, region: str | None = None,
            service: str = "emr-serverless", when: _dt.datetime | None = None,
            headers: dict | None = None, mutate: Callable[[AWSRequest], None] | None = None) -> RawResponse:
        """Send a raw request, SigV4-signed with botocore's signer unless ``sign=False``.

        ``when`` (naive UTC) overrides the signing time; ``mutate`` may tamper
        with the signed request before it is sent.
        """
        if isinstance(body, str):
            body = body.encode()
        hdrs = {"Content-Type": "application/json"} if body is not None else {}
        hdrs.update(headers or {})
        req = AWSRequest(method=method, url=self.endpoint + path, data=body, headers=hdrs)
        if sign:
            creds = Credentials(access_key or self.access_key, secret_key or self.secret_key)
            signer = SigV4Auth(creds, service, region or self.region)
            if when is not None:
                with mock.patch.object(botocore.auth, "get_current_datetime", return_value=when):
                    signer.add_auth(req)
            else:
                signer.add_auth(req)
        if mutate:
            mutate(req)
        prepared = req.prepare()
        return http(method, prepared.url, body=prepared.body, headers=dict(prepared.headers))


def parse_exports(text: str) -> dict:
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("export "):
            continue
        key, _, val = line[len("export "):].partition("=")
        parts = shlex.split(val) if val else [""]
        out[key.strip()] = parts[0] if parts else ""
    return out


def _cleanup_all_servers():
    for s in _ALL_SERVERS:
        if s.proc is not None and s.proc.poll() is None:
            s.proc.kill()
        kill_pids(pid for pid, _ in processes_referencing(s.data_dir))


import atexit  # noqa: E402

atexit.register(_cleanup_all_servers)


# --------------------------------------------------------------------------
# fixtures
# --------------------------------------------------------------------------


def pytest_configure(config):
    config.addinivalue_line("markers", "spark: runs real Spark jobs")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """One server shared by all API tests."""
    srv = Server(tmp_path_factory.mktemp("session-server"))
    srv.start()
    yield srv
    srv.teardown()


@pytest.fixture
def fresh_server(tmp_path_factory):
    """A server of its own, for tests that restart or reconfigure it."""
    srv = Server(tmp_path_factory.mktemp("server"))
    srv.start()
    yield srv
    srv.teardown()


@pytest.fixture(scope="session")
def make_server(tmp_path_factory):
    """Factory for servers with custom args; all are torn down at the end of the session."""
    made = []

    def _make(**kw) -> Server:
        srv = Server(tmp_path_factory.mktemp("server"), **kw)
        made.append(srv)
        return srv

    yield _make
    errors = []
    for srv in made:
        try:
            srv.teardown()
        except BaseException as exc:  # noqa: BLE001 - collect all teardown failures
            errors.append(str(exc))
    if errors:
        pytest.fail("\n".join(errors), pytrace=False)


@pytest.fixture(scope="session")
def client(server):
    return server.client()


@pytest.fixture(scope="session")
def raw_client(server):
    """boto3 client with client-side parameter validation off, to reach server-side validation."""
    return server.client(validate=False)


@pytest.fixture(scope="session")
def supported_labels(raw_client) -> list[str]:
    """Release labels the server says it supports (parsed from its ValidationException)."""
    try:
        raw_client.create_application(name="probe", releaseLabel="emr-0.0.0-nope", type="SPARK",
                                      clientToken=uuid.uuid4().hex)
    except ClientError as exc:
        labels = sorted(set(re.findall(r"emr-\d+\.\d+\.\d+", exc.response["Error"]["Message"])))
        if labels:
            return labels
    return [RELEASE]


@pytest.fixture(scope="session")
def release_label(supported_labels) -> str:
    emr7 = [label for label in supported_labels if label.startswith("emr-7.")]
    return RELEASE if RELEASE in emr7 or not emr7 else emr7[0]


def create_app(client, name: str | None = None, release: str = RELEASE, wait: bool = True, **kw) -> dict:
    """CreateApplication and (by default) wait until CREATED. Returns the CreateApplication response."""
    resp = client.create_application(name=name or unique("app"), releaseLabel=release, type="SPARK", **kw)
    if wait:
        wait_for_app_state(client, resp["applicationId"], {"CREATED"})
    return resp


@pytest.fixture(scope="session")
def spark_app(server, client, release_label, tmp_path_factory):
    """One started application shared by all Spark tests, with a file:// log dir."""
    app_id = create_app(client, name="spark-e2e", release=release_label, runtimeConfiguration=[
        {"classification": "spark-defaults",
         "properties": {"spark.e2e.fromApp": "app-level", "spark.e2e.layered": "app-level"}},
    ])["applicationId"]
    client.start_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STARTED"}, timeout=JOB_TIMEOUT)
    log_dir = tmp_path_factory.mktemp("spark-logs")
    return {"id": app_id, "log_dir": log_dir}


def start_job(client, app_id: str, job_driver: dict, log_dir: Path | None = None, **kw) -> str:
    params = dict(applicationId=app_id, executionRoleArn=ROLE_ARN, jobDriver=job_driver, **kw)
    if log_dir is not None:
        params.setdefault("configurationOverrides", log_overrides(log_dir))
    return client.start_job_run(**params)["jobRunId"]


def job_work_dir(server: Server, app_id: str, job_id: str) -> Path:
    return server.data_dir / "work" / app_id / job_id


def utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)
