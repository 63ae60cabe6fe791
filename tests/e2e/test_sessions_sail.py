"""Sessions on Sail, the Rust Spark Connect server (PyPI `pysail`), chosen
with the sparkplane-specific property `spark.sparkplane.session.engine`:
the same aws CLI flow and the same PySpark client code as on Spark
(test_sessions.py), S3 within the execution role's policy, and an engine
port that nothing but the server can reach, since Sail checks no secret.
"""
from __future__ import annotations

import csv
import json
import os
import socket
from pathlib import Path

import pytest

from conftest import MCDONALDS_CSV, read_gz, unique, wait_until
from helpers_s3 import s3_client
from test_sessions import LABEL, data_role, endpoint_url, engine_processes, run_client, wait_session

ENGINE = "spark.sparkplane.session.engine"


def engine_conf(**properties: str) -> str:
    return json.dumps({"runtimeConfiguration": [{"classification": "spark-defaults",
                                                 "properties": properties}]})


SAIL = engine_conf(**{ENGINE: "sail"})


@pytest.fixture(scope="module")
def srv(make_server):
    return make_server().start()


@pytest.fixture(scope="module")
def app(srv):
    created = srv.aws("emr-serverless", "create-application", "--type", "SPARK", "--release-label", LABEL,
                      "--name", unique("sail"), "--interactive-configuration", "sessionEnabled=true")
    return created["applicationId"]


def sail_port(pid: int) -> int:
    args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    assert b"pysail" in args, args
    return int(args[args.index(b"--port") + 1])


@pytest.mark.spark
def test_a_sail_session_runs_the_same_client_code_with_s3_and_an_unreachable_port(srv, app, tmp_path):
    s3 = s3_client(srv)
    data, out, secret = unique("saildata"), unique("sailout"), unique("sailsecret")
    for bucket in (data, out, secret):
        s3.create_bucket(Bucket=bucket)
    s3.upload_file(str(MCDONALDS_CSV), data, "in/mcdonalds.csv")
    s3.upload_file(str(MCDONALDS_CSV), secret, "in/mcdonalds.csv")
    role = data_role(srv, "SailRole", data, out)
    session_id = srv.aws("emr-serverless", "start-session", "--application-id", app, "--execution-role-arn", role,
                         "--configuration-overrides", SAIL)["sessionId"]
    # The first Sail session installs it (pysail and the PySpark client code its UDFs need).
    wait_session(srv, app, session_id, {"STARTED"}, timeout=900)
    url, _ = endpoint_url(srv, app, session_id)

    # The client code of the Spark sessions' test, from both clients.
    srv.cli("runtime", "install", "--release-label", "emr-7.9.0", timeout=900)
    for pyspark_35 in (False, True):
        done = run_client(srv, tmp_path, url, "work", pyspark_35=pyspark_35)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "COUNT 1000" in done.stdout and "SQL 42" in done.stdout, done.stdout
        assert "UDF [0, 2, 4, 6]" in done.stdout and "GROUP [('a', 4), ('b', 2)]" in done.stdout, done.stdout

    done = run_client(srv, tmp_path, url, "s3", f"s3://{data}/in/mcdonalds.csv", f"s3://{out}/by-state",
                      f"s3://{secret}/in/mcdonalds.csv", timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    with open(MCDONALDS_CSV, newline="") as f:
        rows = list(csv.DictReader(f))
    ny = sum(1 for row in rows if row["state"] == "NY")
    assert f"ROWS {len(rows)}" in done.stdout, done.stdout
    assert f"STATES {len({row['state'] for row in rows})} NY {ny}" in done.stdout, done.stdout
    # The role may not read the third bucket: S3 refused Sail as it refuses Spark.
    assert "DENIED True" in done.stdout, done.stdout
    assert any(o["Key"].endswith(".parquet") for o in s3.list_objects_v2(Bucket=out, Prefix="by-state/")["Contents"])
    wait_session(srv, app, session_id, {"IDLE"}, timeout=30)

    # Sail checks no secret, so its port lives in a network namespace of its own.
    pids = [pid for pid in engine_processes(srv, app, session_id)
            if b"pysail" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    assert pids, "Sail runs in the session's work dir"
    assert os.readlink(f"/proc/{pids[0]}/ns/net") != os.readlink("/proc/self/ns/net")
    # Nothing listens on that port here (PySpark would retry a refused
    # connection for minutes, so a plain socket shows it).
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", sail_port(pids[0])), timeout=10)

    err = srv.aws("emr-serverless", "get-resource-dashboard", "--application-id", app, "--resource-id", session_id,
                  "--resource-type", "SESSION", expect_error=True).stderr
    assert "ValidationException" in err and "Sail" in err, err

    srv.aws("emr-serverless", "terminate-session", "--application-id", app, "--session-id", session_id)
    ended = wait_session(srv, app, session_id, {"TERMINATED"}, timeout=60)
    assert float(ended["billedResourceUtilization"]["vCPUHour"]) > 0
    wait_until(lambda: not engine_processes(srv, app, session_id), 30, "no engine process left")
    log = srv.data_dir / "logs" / "applications" / app / "sessions" / session_id / "SPARK_DRIVER" / "stderr.gz"
    assert "Starting the Spark Connect server" in read_gz(log)


def test_sail_sessions_refuse_settings_they_would_ignore(srv, app):
    def refused(overrides: str) -> str:
        return srv.aws("emr-serverless", "start-session", "--application-id", app, "--execution-role-arn",
                       data_role(srv, "SailBad", "nodata", "noout"), "--configuration-overrides", overrides,
                       expect_error=True).stderr
    err = refused(engine_conf(**{ENGINE: "flink"}))
    assert "ValidationException" in err and "'sail'" in err, err
    err = refused(engine_conf(**{ENGINE: "sail", "spark.driver.cores": "2"}))
    assert "ValidationException" in err and "spark.driver.cores" in err and "Sail" in err, err
    # The property picks a session's engine; a job run always runs on Spark.
    err = srv.aws("emr-serverless", "start-job-run", "--application-id", app, "--execution-role-arn",
                  data_role(srv, "SailJob", "nodata", "noout"), "--job-driver",
                  json.dumps({"sparkSubmit": {"entryPoint": "local:///job.py"}}),
                  "--configuration-overrides",
                  json.dumps({"applicationConfiguration": [{"classification": "spark-defaults",
                                                            "properties": {ENGINE: "sail"}}]}),
                  expect_error=True).stderr
    assert "ValidationException" in err and "always runs on Spark" in err, err
    listed = srv.aws("emr-serverless", "list-sessions", "--application-id", app)["sessions"]
    assert not [s for s in listed if s["state"] in ("SUBMITTED", "FAILED")], "a refused session is never stored"
    # An application that names an unknown engine for its sessions is
    # refused when it is created or updated, not at its first session.
    flink = json.dumps([{"classification": "spark-defaults", "properties": {ENGINE: "flink"}}])
    err = srv.aws("emr-serverless", "create-application", "--name", "flink", "--type", "SPARK",
                  "--release-label", "emr-7.13.0", "--runtime-configuration", flink, expect_error=True).stderr
    assert "ValidationException" in err and "'sail'" in err, err
    err = srv.aws("emr-serverless", "update-application", "--application-id", app,
                  "--runtime-configuration", flink, expect_error=True).stderr
    assert "ValidationException" in err and "'sail'" in err, err
