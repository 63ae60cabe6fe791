"""A job's driver on an agent's host outlives its server: two servers share
one PostgreSQL store (and, as a standby on the same machine would, one data
dir and address), the leader is killed with -9 while the driver runs on an
agent in its own network namespace, and the server that takes over adopts
the attempt. The run ends SUCCESS in its first attempt, with the same driver
process, which went on reading and writing s3:// with the credentials it
already held. Then the new leader is stopped cleanly and started again: it
hands the next run's attempt over to itself the same way.

scripts/netns.sh (run by scripts/test.sh) makes the namespaces; scripts/test.sh
starts PostgreSQL.
"""
from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import time

import pytest

from conftest import (
    BIN,
    JOB_TIMEOUT,
    MCDONALDS_CSV,
    create_app,
    job_work_dir,
    spark_job_driver,
    start_job,
    unique,
    wait_driver_log,
    wait_for_state,
    wait_until,
)
from helpers_s3 import s3_client
from test_hosts import NAMESPACES, SERVER_IP, Agent, add_host, drivers_on, hosts, stage_ice_cream, wait_host
from test_servers import TAKEOVER_SECONDS, _fresh_database, _standing_by

ARGS = ["--host-name", "control", "--host-heartbeat-interval-seconds", "1", "--host-lost-after-seconds", "30"]


def placements(store_url: str) -> int:
    """How many driver placements the store keeps (one per attempt while it lasts)."""
    psql = shutil.which("psql") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))))
    out = subprocess.run([psql, store_url, "-tAc", "SELECT count(*) FROM driver_placements"],
                         check=True, capture_output=True, text=True, timeout=60)
    return int(out.stdout.strip())


def driver_pids(server, name: str, job: str) -> set[int]:
    return {p["pid"] for p in drivers_on(server, name) if p.get("jobRunId") == job}


@pytest.mark.spark
def test_a_driver_on_an_agent_outlives_its_leader_and_the_next_one_adopts_it(make_server, release_label, tmp_path):
    env = {"SPARKPLANE_STORE_URL": _fresh_database()}
    first = make_server(listen_host=SERVER_IP, extra_env=env, extra_args=ARGS)
    second = make_server(listen_host=SERVER_IP, extra_env=env, extra_args=ARGS)
    second.data_dir, second.port, second.s3_port = first.data_dir, first.port, first.s3_port
    first.start()
    second.spawn()
    wait_until(lambda: _standing_by(second), 30, "the second server to stand by")
    ns = sorted(NAMESPACES)[0]
    agent = Agent(tmp_path, ns, first, add_host(first, "worker-1")).start()
    try:
        registered = wait_host(first, "worker-1", "READY")
        cli = ["--endpoint", first.endpoint, "--data-dir", str(first.data_dir)]
        first.cli("hosts", "drain", "control", *cli)
        client = first.client()
        bucket = stage_ice_cream(first, "adopted", tmp_path)
        app = create_app(client, name=unique("adopted"), release=release_label)["applicationId"]
        log_dir = tmp_path / "logs"
        args = [SERVER_IP, f"s3://{bucket}/in/ice.csv", f"s3://{bucket}/out/", "25"]
        job = start_job(client, app, spark_job_driver(f"s3://{bucket}/code/ice.py", args), log_dir,
                        retryPolicy={"maxAttempts": 2})
        wait_for_state(client, app, job, {"RUNNING"})
        pids = wait_until(lambda: driver_pids(first, "worker-1", job), JOB_TIMEOUT, "the driver on the agent")
        assert placements(env["SPARKPLANE_STORE_URL"]) == 1, "its placement is in the store"
        # It has read s3:// with its first keys before the leader dies (the
        # job reads before its pause and writes after it).
        run_dir = job_work_dir(first, app, job) / "1"
        wait_until(lambda: "read " in _driver_stdout(run_dir), JOB_TIMEOUT, "the driver's first read")

        os.killpg(first.proc.pid, signal.SIGKILL)
        first.proc.wait(10)
        killed_at = time.monotonic()
        second.wait_healthy(TAKEOVER_SECONDS + 20)
        assert time.monotonic() - killed_at <= TAKEOVER_SECONDS, second.log_tail()
        second.load_credentials()
        client = second.client()
        assert "adopted an attempt whose driver runs on an agent's host" in second.log_path.read_text()
        # `sparkplane logs -f` follows the driver on the agent's host through
        # the new leader, to the run's end.
        follow = subprocess.Popen([str(BIN), "logs", app, job, "-f", "--endpoint", second.endpoint,
                                   "--data-dir", str(second.data_dir)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=second._env())

        run = wait_for_state(client, app, job, {"SUCCESS"}, timeout=JOB_TIMEOUT)
        assert run["attempt"] == 1, run
        followed, errors = follow.communicate(timeout=60)
        assert follow.returncode == 0, errors
        stdout = wait_driver_log(log_dir, app, job)
        expected_rows = sum(1 for _ in open(MCDONALDS_CSV, encoding="utf-8")) - 1
        assert f"read {expected_rows}" in stdout and f"rows {expected_rows}" in stdout, stdout
        assert f"driver ip {NAMESPACES[ns]}" in stdout, stdout
        assert f"driver ip {NAMESPACES[ns]}" in followed and f"rows {expected_rows}" in followed, followed
        keys = s3_client(second).list_objects_v2(Bucket=bucket, Prefix="out/")["Contents"]
        assert any(k["Key"].endswith(".parquet") for k in keys), keys
        # The same agent process and the same driver process saw it through:
        # the agent never registered again, and no other driver ran.
        host = hosts(second)["worker-1"]
        assert host["report"]["instanceId"] == registered["report"]["instanceId"], host
        assert "driver assigned" in agent.log() and agent.log().count("driver assigned") == 1, agent.log()
        assert pids and run["totalResourceUtilization"]["vCPUHour"] > 0, run
        wait_until(lambda: not drivers_on(second, "worker-1"), 30, "the driver gone from the agent's host")
        # Deleted right after the end is recorded.
        wait_until(lambda: placements(env["SPARKPLANE_STORE_URL"]) == 0, 30, "the ended attempt's placement gone")

        # A clean stop hands the attempt over as well: the same server,
        # started again, adopts it.
        args = [SERVER_IP, f"s3://{bucket}/in/ice.csv", f"s3://{bucket}/out2/", "20"]
        again = start_job(client, app, spark_job_driver(f"s3://{bucket}/code/ice.py", args), log_dir)
        wait_for_state(client, app, again, {"RUNNING"})
        wait_until(lambda: driver_pids(second, "worker-1", again), JOB_TIMEOUT, "the next driver on the agent")
        second.restart()
        client = second.client()
        run = wait_for_state(client, app, again, {"SUCCESS"}, timeout=JOB_TIMEOUT)
        assert run["attempt"] == 1, run
        assert f"rows {expected_rows}" in wait_driver_log(log_dir, app, again)
        assert second.log_path.read_text().count("adopted an attempt whose driver runs on an agent's host") == 2
        assert hosts(second)["worker-1"]["report"]["instanceId"] == registered["report"]["instanceId"]
        wait_until(lambda: placements(env["SPARKPLANE_STORE_URL"]) == 0, 30, "the adopted attempt's placement gone")
    finally:
        agent.stop()
    assert second.stop() == 0


def _driver_stdout(run_dir) -> str:
    path = run_dir / "logs" / "SPARK_DRIVER" / "stdout"
    return path.read_text(errors="replace") if path.exists() else ""
