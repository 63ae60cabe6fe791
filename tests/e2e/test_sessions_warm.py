"""Pre-initialized drivers serve sessions first: an `emr-spark-8.0.0`
application with `initialCapacity` keeps a warm Spark 4 driver, and
StartSession makes that driver's JVM the session's Spark Connect engine
rather than starting a new one. The session works as a cold one does
(PySpark client, role credentials bound to it, logs), a new warm driver
replaces the one taken, and TerminateSession leaves no process behind. A
session with settings of its own starts cold and has them. A server killed
under a session kills its engine when it comes back.
"""
from __future__ import annotations

import csv
import json
import os
import signal
from pathlib import Path

import pytest
import requests

from conftest import MCDONALDS_CSV, ROLE_ARN, read_gz, unique, wait_until
from helpers_base import wait_for_app_state
from helpers_s3 import s3_client
from test_sessions import data_role, endpoint_url, engine_processes, run_client, wait_session
from test_warm_workers import warm_spark_pids

LABEL = "emr-spark-8.0.0"


@pytest.fixture(scope="module")
def srv(make_server):
    return make_server().start()


def processes_in(directory: Path) -> list[int]:
    """Processes whose working directory is under `directory`."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if Path(os.readlink(f"/proc/{pid}/cwd")).is_relative_to(directory):
                found.append(int(pid))
        except OSError:
            pass
    return found


@pytest.mark.spark
def test_a_pre_initialized_driver_becomes_the_session(srv, tmp_path):
    client = srv.client()
    capacity = {"Driver": {"workerCount": 1, "workerConfiguration": {"cpu": "4vCPU", "memory": "16GB"}}}
    app = client.create_application(name=unique("warm-sessions"), type="SPARK", releaseLabel=LABEL,
                                    initialCapacity=capacity,
                                    interactiveConfiguration={"sessionEnabled": True})["applicationId"]
    client.start_application(applicationId=app)
    started_app = wait_for_app_state(client, app, {"STARTED"}, timeout=300)
    assert "1 pre-initialized driver" in started_app["stateDetails"], started_app
    (warm_pid,) = warm_spark_pids(app)
    # The JVM stays in the driver's own directory after it becomes the engine.
    warm_dir = Path(os.readlink(f"/proc/{warm_pid}/cwd"))
    assert warm_dir.is_relative_to(srv.data_dir / "pool"), warm_dir

    s3 = s3_client(srv)
    data, out, secret = unique("wdata"), unique("wout"), unique("wsecret")
    for bucket in (data, out, secret):
        s3.create_bucket(Bucket=bucket)
    for bucket in (data, secret):
        s3.upload_file(str(MCDONALDS_CSV), bucket, "in/mcdonalds.csv")
    role = data_role(srv, "WarmSessionRole", data, out)
    session_id = srv.aws("emr-serverless", "start-session", "--application-id", app,
                         "--execution-role-arn", role)["sessionId"]
    # No JVM to start: STARTED within seconds (a cold engine takes ~10 s here).
    wait_session(srv, app, session_id, {"STARTED"}, timeout=60)
    assert warm_pid in engine_processes(srv, app, session_id), "the warm driver's process is the engine"
    url, _ = endpoint_url(srv, app, session_id)
    done = run_client(srv, tmp_path, url, "work")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "COUNT 1000" in done.stdout and "UDF [0, 2, 4, 6]" in done.stdout, done.stdout
    # The driver's token now fetches the session role's credentials: the
    # role's buckets, and nothing else.
    done = run_client(srv, tmp_path, url, "s3", f"s3://{data}/in/mcdonalds.csv", f"s3://{out}/by-state",
                      f"s3://{secret}/in/mcdonalds.csv", timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    with open(MCDONALDS_CSV, newline="") as f:
        rows = sum(1 for _ in csv.DictReader(f))
    assert f"ROWS {rows}" in done.stdout and "DENIED True" in done.stdout, done.stdout
    # Its Spark UI is the session's live dashboard.
    found = srv.aws("emr-serverless", "get-resource-dashboard", "--application-id", app,
                    "--resource-id", session_id, "--resource-type", "SESSION")
    live = requests.Session().get(found["url"], timeout=60)
    assert live.status_code == 200 and "Spark Jobs" in live.text, (live.url, live.text[:1000])
    # Taken drivers are replaced at once, as for a run.
    wait_until(lambda: warm_spark_pids(app) - {warm_pid}, 300, "a replacement warm driver")

    srv.aws("emr-serverless", "terminate-session", "--application-id", app, "--session-id", session_id)
    ended = wait_session(srv, app, session_id, {"TERMINATED"}, timeout=60)
    assert float(ended["billedResourceUtilization"]["vCPUHour"]) > 0, ended
    wait_until(lambda: not engine_processes(srv, app, session_id) and not processes_in(warm_dir), 30,
               "no process of the session's engine left, JVM included")
    assert not warm_dir.exists(), "the used driver's directory goes"
    logs = srv.data_dir / "logs" / "applications" / app / "sessions" / session_id / "SPARK_DRIVER"
    assert "this pre-initialized driver serves the session" in read_gz(logs / "stdout.gz")
    # The JVM's own log of the session's work (the refused read), not the warm-up's.
    stderr = read_gz(logs / "stderr.gz")
    assert "S3AFileSystem" in stderr and "sparkplane warm driver" not in stderr, stderr[-2000:]

    # A session with a setting of its own starts cold, and has it: Spark
    # Connect's sessions would not see it on the warm driver.
    wait_until(lambda: len(warm_spark_pids(app)) == 1, 300, "the replacement warm driver")
    (ready_pid,) = warm_spark_pids(app)
    # Small, so that it fits on this host beside the warm driver's capacity.
    small = {"spark.driver.cores": "1", "spark.driver.memory": "2g", "spark.executor.instances": "1",
             "spark.executor.cores": "1", "spark.executor.memory": "2g"}
    overrides = json.dumps({"runtimeConfiguration": [
        {"classification": "spark-defaults", "properties": {"spark.sql.shuffle.partitions": "7", **small}}]})
    own = srv.aws("emr-serverless", "start-session", "--application-id", app, "--execution-role-arn", role,
                  "--configuration-overrides", overrides)["sessionId"]
    wait_session(srv, app, own, {"STARTED"}, timeout=240)
    assert ready_pid not in engine_processes(srv, app, own) and warm_spark_pids(app) == {ready_pid}
    url, _ = endpoint_url(srv, app, own)
    done = run_client(srv, tmp_path, url, "conf", "spark.sql.shuffle.partitions")
    assert done.returncode == 0 and "CONF 7" in done.stdout, (done.stdout, done.stderr[-2000:])
    srv.aws("emr-serverless", "terminate-session", "--application-id", app, "--session-id", own)
    wait_session(srv, app, own, {"TERMINATED"}, timeout=60)
    client.stop_application(applicationId=app)
    wait_for_app_state(client, app, {"STOPPED"}, timeout=120)


@pytest.mark.spark
def test_a_restarted_server_kills_the_engine_of_a_session_it_lost(srv):
    client = srv.client()
    app = client.create_application(name=unique("lost-sessions"), type="SPARK", releaseLabel=LABEL,
                                    interactiveConfiguration={"sessionEnabled": True})["applicationId"]
    session_id = srv.aws("emr-serverless", "start-session", "--application-id", app,
                         "--execution-role-arn", ROLE_ARN)["sessionId"]
    wait_session(srv, app, session_id, {"STARTED"}, timeout=240)
    engines = engine_processes(srv, app, session_id)
    assert engines
    # No secret of the engine's is left on disk once it listens.
    assert not list((srv.data_dir / "secrets").rglob("*.conf")), list((srv.data_dir / "secrets").rglob("*"))
    srv.proc.send_signal(signal.SIGKILL)
    srv.proc.wait(30)
    srv.start()
    lost = wait_session(srv, app, session_id, {"FAILED"}, timeout=60)
    assert "the server restarted" in lost["stateDetails"], lost
    wait_until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in engines), 30, "the lost engine killed")
