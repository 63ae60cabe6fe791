#!/usr/bin/env python3
"""What an interactive session costs against a batch job of the same work
(issue #18): StartSession -> the first query's result, cold (a new Spark
Connect server) and on a pre-initialized driver (an emr-spark-8.0.0
application with `initialCapacity` of one driver, whose warm JVM becomes
the session's engine), against StartJobRun -> SUCCESS of a script that runs the
same query on the same Spark (4.0, label emr-spark-8.0.0); and the p50 of
`spark.range(1000).count()` on a warm session, through the TLS endpoint,
against the same loop inside a job's driver (no Spark Connect, no proxy).
The same two figures for a session on Sail (an application whose
`spark-defaults` set `spark.sparkplane.session.engine=sail`).

The session's client is a PySpark Connect client (pyspark-client 4.0) in
its own process, started and imported before the clock starts, so the
figure is the service's and Spark's, not Python's imports. One server,
rounds interleaved, medians reported with their ratios.

Usage (after `cargo build -p sparkplane-cli`; scripts/test.sh makes
.venv-connect):
  .venv/bin/python bench/session_latency.py [--rounds 3] [--queries 30]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import BENCH_ROLE_ARN, REPO, run_timed_full, start_server, wait_idle_warm_worker

CONNECT_PYTHON = os.environ.get("SPARKPLANE_BENCH_CONNECT_PYTHON", str(REPO / ".venv-connect" / "bin" / "python"))

CLIENT = r'''
import statistics, sys, time
from pyspark.sql import SparkSession
import pyspark.sql.connect.session  # what remote() imports (pandas, pyarrow, grpc): Python's time, not the service's
print("READY", flush=True)
url, queries = sys.stdin.readline().strip(), int(sys.argv[1])
start = time.monotonic()
spark = SparkSession.builder.remote(url).getOrCreate()
connected = time.monotonic() - start
assert spark.range(1000).count() == 1000
print("FIRST", time.monotonic() - start, connected, flush=True)
times = []
for _ in range(queries):
    t = time.monotonic()
    spark.range(1000).count()
    times.append(time.monotonic() - t)
print("P50", statistics.median(times), flush=True)
'''

JOB = r'''
import statistics, sys, time
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
assert spark.range(1000).count() == 1000
times = []
for _ in range(int(sys.argv[1])):
    t = time.monotonic()
    spark.range(1000).count()
    times.append(time.monotonic() - t)
print("P50", statistics.median(times), flush=True)
'''


def session_round(client, app_id: str, queries: int, base: Path) -> tuple[float, float]:
    """(StartSession -> first result, warm p50) of one new session."""
    env = dict(os.environ, GRPC_DEFAULT_SSL_ROOTS_FILE_PATH=str(base / "data" / "connect-ca.pem"))
    proc = subprocess.Popen([CONNECT_PYTHON, "-c", CLIENT, str(queries)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "READY"
    start = time.monotonic()
    session_id = client.start_session(applicationId=app_id, clientToken=f"bench-{time.time_ns()}",
                                      executionRoleArn=BENCH_ROLE_ARN)["sessionId"]
    while True:
        state = client.get_session(applicationId=app_id, sessionId=session_id)["session"]["state"]
        if state == "STARTED":
            break
        if state in ("FAILED", "TERMINATED"):
            raise SystemExit(f"session ended {state}")
        time.sleep(0.05)
    started = time.monotonic() - start
    found = client.get_session_endpoint(applicationId=app_id, sessionId=session_id)
    proc.stdin.write(f"{found['endpoint']}/;token={found['authToken']}\n")
    proc.stdin.flush()
    first_line = proc.stdout.readline().split()
    first = time.monotonic() - start
    assert first_line[0] == "FIRST", first_line
    print(f"  STARTED after {started:.2f} s, client connected in {float(first_line[2]):.2f} s, "
          f"first result after {float(first_line[1]):.2f} s", file=sys.stderr)
    p50_line = proc.stdout.readline().split()
    assert p50_line[0] == "P50", p50_line
    proc.wait(60)
    client.terminate_session(applicationId=app_id, sessionId=session_id)
    while client.get_session(applicationId=app_id, sessionId=session_id)["session"]["state"] != "TERMINATED":
        time.sleep(0.2)
    return first, float(p50_line[1])


def batch_round(client, app_id: str, script: Path, queries: int, data_dir: Path) -> tuple[float, float]:
    """(StartJobRun -> SUCCESS, the driver's own p50) of the same work as a job."""
    driver = {"sparkSubmit": {"entryPoint": str(script), "entryPointArguments": [str(queries)]}}
    _, elapsed, _ = run_timed_full(client, app_id, 0.1, jobDriver=driver)
    newest = client.list_job_runs(applicationId=app_id, maxResults=1)["jobRuns"][0]["id"]
    log = data_dir / "logs" / "applications" / app_id / "jobs" / newest / "SPARK_DRIVER" / "stdout.gz"
    import gzip
    text = gzip.decompress(log.read_bytes()).decode()
    p50 = next(float(line.split()[1]) for line in text.splitlines() if line.startswith("P50"))
    return elapsed, p50


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--queries", type=int, default=30)
    args = parser.parse_args()
    if not Path(CONNECT_PYTHON).is_file():
        raise SystemExit(f"no Spark Connect client Python at {CONNECT_PYTHON} (SPARKPLANE_BENCH_CONNECT_PYTHON)")
    with tempfile.TemporaryDirectory(prefix="sp-bench-sessions-") as tmp:
        base = Path(tmp) / "server"
        base.mkdir()
        script = Path(tmp) / "job.py"
        script.write_text(JOB)
        proc, client = start_server(base)
        try:
            sessions = client.create_application(name="sessions", type="SPARK", releaseLabel="emr-7.13.0",
                                                 interactiveConfiguration={"sessionEnabled": True})["applicationId"]
            batch = client.create_application(name="batch", type="SPARK",
                                              releaseLabel="emr-spark-8.0.0")["applicationId"]
            capacity = {"Driver": {"workerCount": 1, "workerConfiguration": {"cpu": "4vCPU", "memory": "16GB"}}}
            warm_app = client.create_application(name="warm", type="SPARK", releaseLabel="emr-spark-8.0.0",
                                                 interactiveConfiguration={"sessionEnabled": True},
                                                 initialCapacity=capacity)["applicationId"]
            client.start_application(applicationId=warm_app)
            sail_conf = [{"classification": "spark-defaults",
                          "properties": {"spark.sparkplane.session.engine": "sail"}}]
            sail_app = client.create_application(name="sail", type="SPARK", releaseLabel="emr-7.13.0",
                                                 interactiveConfiguration={"sessionEnabled": True},
                                                 runtimeConfiguration=sail_conf)["applicationId"]
            # One of each first, unmeasured: installs the Spark 4 runtime and Sail.
            session_round(client, sessions, 1, base)
            session_round(client, sail_app, 1, base)
            batch_round(client, batch, script, 1, base / "data")
            firsts, warm, batch_ends, batch_p50, pre_firsts, pre_warm = [], [], [], [], [], []
            sail_firsts, sail_warm = [], []
            for i in range(args.rounds):
                # Its warm driver (the one the last round took is replaced).
                wait_idle_warm_worker(proc, warm_app)
                # Sail first: after the pre-initialized round, the pool starts a
                # replacement JVM, whose start would share the 2 cores with it.
                sail_first, sail_p50 = session_round(client, sail_app, args.queries, base)
                sail_firsts.append(sail_first)
                sail_warm.append(sail_p50)
                pre_first, pre_p50 = session_round(client, warm_app, args.queries, base)
                pre_firsts.append(pre_first)
                pre_warm.append(pre_p50)
                first, p50 = session_round(client, sessions, args.queries, base)
                elapsed, job_p50 = batch_round(client, batch, script, args.queries, base / "data")
                firsts.append(first)
                warm.append(p50)
                batch_ends.append(elapsed)
                batch_p50.append(job_p50)
                print(f"round {i + 1}: pre-initialized session first result {pre_first:.2f} s "
                      f"(p50 {pre_p50 * 1000:.0f} ms), Sail {sail_first:.2f} s (p50 {sail_p50 * 1000:.1f} ms), "
                      f"cold session {first:.2f} s (p50 {p50 * 1000:.0f} ms), "
                      f"batch {elapsed:.2f} s (driver p50 {job_p50 * 1000:.0f} ms)", file=sys.stderr)
            # Every "pre-initialized" round must have been one.
            warm_used = (base / "server.log").read_text(errors="replace").count("session on a pre-initialized driver")
            if warm_used != args.rounds:
                raise SystemExit(f"{warm_used} of {args.rounds} pre-initialized rounds used the warm driver")
        finally:
            proc.terminate()
            proc.wait(60)
    first, batch_end = statistics.median(firsts), statistics.median(batch_ends)
    p50, job_p50 = statistics.median(warm), statistics.median(batch_p50)
    print("| measure | session | batch job | session / batch |")
    print("|---|---|---|---|")
    print(f"| StartSession -> first result vs StartJobRun -> SUCCESS (cold) | {first:.2f} s | {batch_end:.2f} s "
          f"| {first / batch_end:.2f} |")
    pre_first, pre_p50 = statistics.median(pre_firsts), statistics.median(pre_warm)
    print(f"| StartSession -> first result on a pre-initialized driver vs StartJobRun -> SUCCESS | "
          f"{pre_first:.2f} s | {batch_end:.2f} s | {pre_first / batch_end:.2f} |")
    print(f"| p50 `spark.range(1000).count()` on the pre-initialized session | {pre_p50 * 1000:.0f} ms "
          f"| {job_p50 * 1000:.0f} ms | {pre_p50 / job_p50:.2f} |")
    print(f"| p50 `spark.range(1000).count()` (warm) | {p50 * 1000:.0f} ms | {job_p50 * 1000:.0f} ms "
          f"| {p50 / job_p50:.2f} |")
    sail_first, sail_p50 = statistics.median(sail_firsts), statistics.median(sail_warm)
    print(f"| StartSession -> first result on Sail vs StartJobRun -> SUCCESS | {sail_first:.2f} s "
          f"| {batch_end:.2f} s | {sail_first / batch_end:.2f} |")
    print(f"| p50 `spark.range(1000).count()` on the Sail session | {sail_p50 * 1000:.1f} ms "
          f"| {job_p50 * 1000:.0f} ms | {sail_p50 / job_p50:.2f} |")


if __name__ == "__main__":
    main()
