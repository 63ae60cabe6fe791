"""Constants and helpers of the end-to-end suite that need no server:
waiting on conditions, processes, logs, raw HTTP. `conftest.py` re-exports
them for the test modules."""
from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import socket
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Callable, Iterable

import pytest
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
