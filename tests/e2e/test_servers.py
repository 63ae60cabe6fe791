"""Several servers on one store: one leads, the others stand by and take
over when it dies (kill -9) or stops. Runs the API acknowledged survive
the failover (50 live runs, HIVE and Spark): running attempts are lost and
retried under retryPolicy, queued runs start in their order.

The PostgreSQL case needs SPARKPLANE_TEST_POSTGRES_URL (scripts/test.sh
starts a throwaway cluster); the clean handover also runs on SQLite."""
import glob
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.parse

import pytest

from conftest import create_app, job_work_dir, processes_referencing, start_job, unique, wait_for_state, wait_until
from helpers_s3 import s3_client
from helpers_base import ROLE_ARN
from helpers_server import Server

SMALL = ("--conf spark.driver.cores=1 --conf spark.driver.memory=1g --conf spark.executor.cores=1 "
         "--conf spark.executor.memory=1g --conf spark.executor.instances=1 --conf spark.dynamicAllocation.enabled=false")

# With the Spark runs, 50 runs are live when the leader dies.
HIVE_RUNS = 45

# The lease lasts 6 s and a standby polls every second; startup after that.
TAKEOVER_SECONDS = 10


def _fresh_database() -> str:
    url = os.environ.get("SPARKPLANE_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true needs SPARKPLANE_TEST_POSTGRES_URL (scripts/test.sh starts PostgreSQL)")
        pytest.skip("SPARKPLANE_TEST_POSTGRES_URL is not set")
    psql = shutil.which("psql") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))), None)
    assert psql, "psql not found"
    name = unique("failover").replace("-", "_").lower()
    subprocess.run([psql, url, "-v", "ON_ERROR_STOP=1", "-c", f"CREATE DATABASE {name}"],
                   check=True, capture_output=True, timeout=60)
    return urllib.parse.urlparse(url)._replace(path=f"/{name}").geturl()


def _pair(make_server, store_url: str | None) -> tuple[Server, Server]:
    """Two servers on one data dir and port, as a standby on the same
    machine would run; with `store_url`, state is in PostgreSQL."""
    env = {"SPARKPLANE_STORE_URL": store_url} if store_url else {}
    first = make_server(extra_env=env)
    second = make_server(extra_env=env)
    second.data_dir, second.port, second.s3_port = first.data_dir, first.port, first.s3_port
    return first, second


def _servers(srv: Server) -> dict:
    out = srv.cli("servers", "--output", "json", "--endpoint", srv.endpoint, "--data-dir", str(srv.data_dir))
    return json.loads(out.stdout)


def _by_state(listing: dict) -> dict:
    states = {}
    for server in listing["servers"]:
        states.setdefault(server["state"], []).append(server)
    return states


def _standing_by(srv: Server) -> bool:
    return "standing by: server" in srv.log_path.read_text(errors="replace")


@pytest.mark.spark
def test_a_standby_takes_over_from_a_killed_leader_and_no_run_is_lost(make_server, tmp_path):
    first, second = _pair(make_server, _fresh_database())
    first.start()
    second.spawn()
    wait_until(lambda: _standing_by(second), 30, "the second server to stand by")
    listing = _servers(first)
    states = _by_state(listing)
    assert [s["pid"] for s in states["LEADER"]] == [first.proc.pid], listing
    assert [s["pid"] for s in states["STANDBY"]] == [second.proc.pid], listing
    first_token = listing["lease"]["token"]
    assert listing["lease"]["holder"] == states["LEADER"][0]["name"]

    c = first.client()
    lost = tmp_path / "lost.py"
    # Attempt 1 hangs (the leader dies under it); attempt 2 finishes. A
    # driver runs in its attempt's work dir, <work>/<app>/<run>/<attempt>.
    lost.write_text(
        "import os, time\n"
        "if os.path.basename(os.getcwd()) == '1':\n"
        "    time.sleep(600)\n"
        "print('second attempt done', flush=True)\n"
    )
    quick = tmp_path / "quick.py"
    quick.write_text("print('quick', flush=True)\n")
    app = create_app(c, name=unique("failover"), schedulerConfiguration={"maxConcurrentRuns": 1})["applicationId"]
    c.start_application(applicationId=app)
    running = start_job(c, app, {"sparkSubmit": {"entryPoint": str(lost), "sparkSubmitParameters": SMALL}},
                        retryPolicy={"maxAttempts": 2})
    wait_for_state(c, app, running, {"RUNNING"})
    workdir = job_work_dir(first, app, running) / "1"
    wait_until(lambda: processes_referencing(workdir), 60, f"driver processes under {workdir}")
    queued = [start_job(c, app, {"sparkSubmit": {"entryPoint": str(quick), "sparkSubmitParameters": SMALL}},
                        name=f"queued-{i}") for i in range(2)]
    for run in queued:
        wait_for_state(c, app, run, {"QUEUED"})
    # Many HIVE runs in flight, two at a time: at the kill some are running,
    # most are queued or just submitted.
    s3 = s3_client(first)
    s3.create_bucket(Bucket="failover")
    s3.put_object(Bucket="failover", Key="q.sql", Body=b"SELECT 41 + 1 AS answer;\n")
    hive_app = c.create_application(name=unique("failover-hive"), type="HIVE", releaseLabel="emr-7.9.0",
                                    schedulerConfiguration={"maxConcurrentRuns": 2})["applicationId"]
    c.start_application(applicationId=hive_app)
    hive_runs = [c.start_job_run(applicationId=hive_app, executionRoleArn=ROLE_ARN, retryPolicy={"maxAttempts": 2},
                                 jobDriver={"hive": {"query": "s3://failover/q.sql"}})["jobRunId"]
                 for _ in range(HIVE_RUNS)]

    first_pid = first.proc.pid
    os.killpg(first_pid, signal.SIGKILL)
    first.proc.wait(10)
    killed_at = time.monotonic()
    second.wait_healthy(TAKEOVER_SECONDS + 20)
    took = time.monotonic() - killed_at
    assert took <= TAKEOVER_SECONDS, f"the standby took {took:.1f} s to serve\n{second.log_tail()}"
    second.load_credentials()

    c = second.client()
    listing = _servers(second)
    states = _by_state(listing)
    assert [s["pid"] for s in states["LEADER"]] == [second.proc.pid], listing
    assert listing["lease"]["token"] == first_token + 1, listing
    assert [s["pid"] for s in states.get("GONE", [])] == [first_pid], listing

    # Every acknowledged run is there; the lost attempt was retried.
    listed = {r["id"] for r in c.list_job_runs(applicationId=app)["jobRuns"]}
    assert listed == {running, *queued}
    done = wait_for_state(c, app, running, {"SUCCESS"})
    assert done["attempt"] == 2, done
    attempts = c.list_job_run_attempts(applicationId=app, jobRunId=running)["jobRunAttempts"]
    first_attempt = next(a for a in attempts if a["attempt"] == 1)
    assert first_attempt["state"] == "FAILED" and "attempt lost" in first_attempt["stateDetails"], first_attempt
    for run in hive_runs:
        wait_for_state(c, hive_app, run, {"SUCCESS"})
    assert {r["id"] for r in c.list_job_runs(applicationId=hive_app, maxResults=50)["jobRuns"]} == set(hive_runs)
    started = []
    for run in queued:
        finished = wait_for_state(c, app, run, {"SUCCESS"})
        started.append(finished["startedAt"])
    assert started == sorted(started), "queued runs keep their order"
    assert not processes_referencing(workdir), "the lost attempt's processes were killed"
    assert second.stop() == 0


def test_a_clean_stop_hands_the_lease_over_at_once(make_server):
    first, second = _pair(make_server, None)
    first.start()
    second.spawn()
    wait_until(lambda: _standing_by(second), 30, "the second server to stand by")
    token = _servers(first)["lease"]["token"]
    assert first.stop() == 0
    stopped_at = time.monotonic()
    second.wait_healthy(30)
    # A released lease is taken at the next poll, not after its ttl.
    took = time.monotonic() - stopped_at
    assert took < 4, f"handover took {took:.1f} s"
    second.load_credentials()
    listing = _servers(second)
    assert listing["lease"]["token"] == token + 1
    assert [s["state"] for s in listing["servers"]] == ["LEADER"], "a cleanly stopped server leaves the list"
    assert second.stop() == 0
