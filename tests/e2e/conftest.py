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
import re
import uuid
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from helpers_base import *  # noqa: F401,F403 - re-exported for the test modules
from helpers_base import JOB_TIMEOUT, RELEASE, ROLE_ARN, log_overrides, read_gz, unique, wait_for_app_state
from helpers_s3 import s3_client, s3cli
from helpers_server import Server, parse_exports  # noqa: F401 - re-exported


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
def hail_venv(tmp_path_factory):
    """(the packed venv, Hail's jar): the walkthrough's `pyspark_hail`, built
    once per session for test_hail.py and test_hosts.py."""
    from hail_job import build_hail_venv
    from test_venv_archives import server_python
    return build_hail_venv(server_python(), tmp_path_factory.mktemp("hail-venv"))


@pytest.fixture(scope="session")
def client(server):
    return server.client()


@pytest.fixture(scope="session")
def raw_client(server):
    """boto3 client with client-side parameter validation off, to reach server-side validation."""
    return server.client(validate=False)


@pytest.fixture
def bucket(server):
    """A fresh bucket made with `aws s3 mb`."""
    name = unique("e2e")
    s3cli(server, "s3", "mb", f"s3://{name}")
    return name


@pytest.fixture(scope="module")
def s3(server):
    """A boto3 client of the server's embedded S3 endpoint."""
    return s3_client(server)


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
    params = dict(applicationId=app_id, jobDriver=job_driver, **kw)
    params.setdefault("executionRoleArn", ROLE_ARN)
    if log_dir is not None:
        params.setdefault("configurationOverrides", log_overrides(log_dir))
    return client.start_job_run(**params)["jobRunId"]


def job_work_dir(server: Server, app_id: str, job_id: str) -> Path:
    """A run's work dirs (one per attempt), removed as each attempt ends."""
    return server.data_dir / "work" / app_id / job_id


def attempt_history_dir(server: Server, app_id: str, job_id: str, attempt: int = 1) -> Path:
    """What a retired attempt keeps for its dashboard (event logs, HIVE report, warm-up log)."""
    return server.data_dir / "history" / app_id / job_id / str(attempt)


def managed_driver_log(server: Server, app_id: str, job_id: str, stream: str = "stdout") -> str:
    """A driver stream of a run's first attempt: from its work dir while it
    runs, else the copy shipped to the managed logs (the work dir is removed
    when the attempt ends)."""
    live = job_work_dir(server, app_id, job_id) / "1" / "logs" / "SPARK_DRIVER" / stream
    try:
        return live.read_text()
    except FileNotFoundError:
        pass
    shipped = server.data_dir / "logs" / "applications" / app_id / "jobs" / job_id / "SPARK_DRIVER" / f"{stream}.gz"
    return read_gz(shipped) if shipped.exists() else ""


def utc_now() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)
