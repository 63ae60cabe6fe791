#!/usr/bin/env python3
"""Overhead of running a Spark job through sparkplane, against spark-submit alone.

Runs the McDonald's job N times each way, alternating so that both see the same
machine state:
  (a) sparkplane: StartJobRun on a started application, polling GetJobRun
      every 50 ms until SUCCESS (submit -> SUCCESS, as a user sees it);
  (b) direct: the same spark-submit command line sparkplane runs, from the
      same runtime, in a scratch directory.
Prints the medians and the ratio a/b. Usage (after `cargo build -p sparkplane-cli`):
  .venv/bin/python bench/spark_overhead.py [--runs 5]
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3
from botocore.config import Config

REPO = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
BIN = Path(os.environ.get("SPARKPLANE_BIN", TARGET / "debug" / "sparkplane"))
RUNTIME_DIR = Path(os.environ.get("SPARKPLANE_RUNTIME_DIR", Path.home() / ".cache/sparkplane/runtimes"))
SCRIPT = REPO / "examples" / "mcdonalds.py"
DATA = REPO / "examples" / "data" / "mcdonalds_dataset.csv"
# The job's own sizing; sparkplane turns it into local[2] and -Xmx1g.
CONF = {
    "spark.driver.cores": "1",
    "spark.driver.memory": "1g",
    "spark.executor.cores": "1",
    "spark.executor.memory": "1g",
    "spark.executor.instances": "2",
    "spark.dynamicAllocation.enabled": "false",
}
# What sparkplane adds on its own (crates/engine/src/spark/mod.rs).
SPARKPLANE_DEFAULTS = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.ui.showConsoleProgress": "false",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def start_server(base: Path):
    """Starts a server; returns (process, EMR client). `process.s3_endpoint` and
    `process.keys` are the embedded S3 endpoint and the root key."""
    port = free_port()
    s3_port = free_port()
    env = dict(os.environ, SPARKPLANE_RUNTIME_DIR=str(RUNTIME_DIR))
    log = open(base / "server.log", "wb")
    proc = subprocess.Popen(
        [str(BIN), "server", "--listen", f"127.0.0.1:{port}", "--s3-listen", f"127.0.0.1:{s3_port}",
         "--data-dir", str(base / "data")],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )

    def healthy():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return (base / "data" / "credentials").exists()
        except OSError:
            return False

    wait_until(healthy, 60, "server start")
    creds = subprocess.run([str(BIN), "credentials", "--data-dir", str(base / "data")],
                           check=True, capture_output=True, text=True).stdout
    keys = dict(line.split(" ", 1)[1].split("=", 1) for line in creds.splitlines() if line.startswith("export "))
    client = boto3.client(
        "emr-serverless", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
        aws_access_key_id=keys["AWS_ACCESS_KEY_ID"], aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"max_attempts": 1}),
    )
    proc.s3_endpoint = f"http://127.0.0.1:{s3_port}"
    proc.keys = keys
    return proc, client


def run_sparkplane(client, app_id):
    params = " ".join(f"--conf {k}={v}" for k, v in CONF.items())
    start = time.monotonic()
    job = client.start_job_run(
        applicationId=app_id, clientToken=f"bench-{time.time_ns()}",
        executionRoleArn="arn:aws:iam::123456789012:role/Bench",
        jobDriver={"sparkSubmit": {"entryPoint": str(SCRIPT), "entryPointArguments": [str(DATA)],
                                   "sparkSubmitParameters": params}},
    )
    while True:
        run = client.get_job_run(applicationId=app_id, jobRunId=job["jobRunId"])["jobRun"]
        if run["state"] in ("SUCCESS", "FAILED", "CANCELLED"):
            break
        time.sleep(0.05)
    elapsed = time.monotonic() - start
    if run["state"] != "SUCCESS":
        raise SystemExit(f"sparkplane run ended {run['state']}: {run['stateDetails']}")
    return elapsed


def run_direct(scratch: Path):
    spark_home = RUNTIME_DIR / "spark-3.5.8" / "pyspark"
    workdir = Path(tempfile.mkdtemp(dir=scratch))
    shutil.copy(SCRIPT, workdir / SCRIPT.name)
    cmd = [str(spark_home / "bin" / "spark-submit"), "--master", "local[2]"]
    for key, value in sorted({**SPARKPLANE_DEFAULTS, **CONF}.items()):
        cmd += ["--conf", f"{key}={value}"]
    cmd += [str(workdir / SCRIPT.name), str(DATA)]
    env = dict(os.environ, SPARK_HOME=str(spark_home), PYTHONPATH=str(RUNTIME_DIR / "spark-3.5.8"),
               PYSPARK_PYTHON="python3", SPARK_LOCAL_IP="127.0.0.1")
    start = time.monotonic()
    result = subprocess.run(cmd, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    elapsed = time.monotonic() - start
    if result.returncode != 0 or b"Houston,False,105" not in result.stdout:
        raise SystemExit(f"direct spark-submit failed ({result.returncode})")
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="sparkplane-bench."))
    proc, client = start_server(base)
    try:
        app_id = client.create_application(name="bench", type="SPARK", releaseLabel="emr-7.9.0")["applicationId"]
        client.start_application(applicationId=app_id)
        run_sparkplane(client, app_id)  # warm-up: runtime install, page cache, JIT of nothing
        through, direct = [], []
        for i in range(args.runs):
            through.append(run_sparkplane(client, app_id))
            direct.append(run_direct(base))
            print(f"run {i + 1}: sparkplane {through[-1]:.2f}s  direct {direct[-1]:.2f}s", flush=True)
        a, b = statistics.median(through), statistics.median(direct)
        print(f"median sparkplane submit->SUCCESS: {a:.2f}s")
        print(f"median direct spark-submit:        {b:.2f}s")
        print(f"ratio: {a / b:.3f}")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
