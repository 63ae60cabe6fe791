"""Helpers shared by the benchmark scripts: paths, ports, and a sparkplane
server with a boto3 EMR Serverless client."""
import os
import re
import socket
import subprocess
import time
import urllib.parse
from pathlib import Path

import boto3
from botocore.config import Config

REPO = Path(__file__).resolve().parent.parent
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
BIN = Path(os.environ.get("SPARKPLANE_BIN", TARGET / "debug" / "sparkplane"))
RUNTIME_DIR = Path(os.environ.get("SPARKPLANE_RUNTIME_DIR", Path.home() / ".cache/sparkplane/runtimes"))
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def root_keys(data_dir: Path) -> dict:
    """The root key pair (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`) of
    the server whose data dir is `data_dir`."""
    out = subprocess.run([str(BIN), "credentials", "--data-dir", str(data_dir)],
                         check=True, capture_output=True, text=True).stdout
    return dict(line.split(" ", 1)[1].split("=", 1) for line in out.splitlines() if line.startswith("export "))


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def start_server(base: Path, env: dict | None = None, host: str = "127.0.0.1", args: list[str] | None = None):
    """Starts a server (with `env` added to its environment) whose API and
    S3 endpoint listen on `host`; returns (process, EMR client).
    `process.s3_endpoint` and `process.keys` are the embedded S3 endpoint
    and the root key."""
    port = free_port()
    s3_port = free_port()
    env = dict(os.environ, SPARKPLANE_RUNTIME_DIR=str(RUNTIME_DIR), **(env or {}))
    log = open(base / "server.log", "wb")
    proc = subprocess.Popen(
        [str(BIN), "server", "--listen", f"{host}:{port}", "--s3-listen", f"{host}:{s3_port}", *(args or []),
         "--data-dir", str(base / "data"),
         # Benchmarks name local scripts and data: examples/ and their temp dir.
         "--allowed-local-dir", str(REPO), "--allowed-local-dir", str(base.parent)],
        stdout=log, stderr=subprocess.STDOUT, env=env,
    )

    def healthy():
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return (base / "data" / "credentials").exists()
        except OSError:
            return False

    wait_until(healthy, 60, "server start")
    keys = root_keys(base / "data")
    client = boto3.client(
        "emr-serverless", endpoint_url=f"http://{host}:{port}", region_name="us-east-1",
        aws_access_key_id=keys["AWS_ACCESS_KEY_ID"], aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"max_attempts": 1}),
    )
    proc.s3_endpoint = f"http://{host}:{s3_port}"
    proc.endpoint = f"http://{host}:{port}"
    proc.data_dir = base / "data"
    proc.keys = keys
    ensure_role(proc, BENCH_ROLE)
    return proc, client


BENCH_ROLE = "Bench"
BENCH_ROLE_ARN = f"arn:aws:iam::123456789012:role/{BENCH_ROLE}"
TRUST_EMR = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": '
             '{"Service": "emr-serverless.amazonaws.com"}, "Action": "sts:AssumeRole"}]}')


def iam_client(proc, access_key: str | None = None, secret_key: str | None = None, service: str = "iam"):
    """An IAM (or STS) client of the server, as the root unless keys are given."""
    return boto3.client(
        service, endpoint_url=proc.endpoint, region_name="us-east-1",
        aws_access_key_id=access_key or proc.keys["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=secret_key or proc.keys["AWS_SECRET_ACCESS_KEY"],
        config=Config(retries={"max_attempts": 1}),
    )


def ensure_role(proc, name: str) -> None:
    """The execution role the benchmarks' runs use: it must exist and trust
    EMR Serverless, as StartJobRun checks."""
    iam = iam_client(proc)
    try:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST_EMR)
    except iam.exceptions.EntityAlreadyExistsException:
        pass
    # The benchmarks' jobs read and write buckets of several names.
    iam.put_role_policy(RoleName=name, PolicyName="bench-data", PolicyDocument=(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:*", "glue:*"], '
        '"Resource": "*"}]}'))


def wait_idle_warm_worker(proc, app_id: str, timeout: int = 300) -> None:
    """Blocks until `app_id` has an idle pre-initialized worker
    (`sparkplane workers --wait-idle 1`)."""
    subprocess.run([str(BIN), "workers", app_id, "--wait-idle", "1", "--timeout", str(timeout),
                    "--endpoint", proc.endpoint, "--data-dir", str(proc.data_dir)],
                   check=True, capture_output=True, timeout=timeout + 30)


def run_timed(client, app_id: str, poll_seconds: float, **job) -> tuple[float, float]:
    """(submit -> RUNNING, submit -> SUCCESS) as the client sees them; see run_timed_full."""
    return run_timed_full(client, app_id, poll_seconds, **job)[:2]


def run_timed_full(client, app_id: str, poll_seconds: float, **job) -> tuple[float, float, float]:
    """StartJobRun, then GetJobRun until the run ends: every `poll_seconds`,
    backing off to 2% of the time elapsed so far, so that on a 2-core machine
    the polling client does not take the CPU from the job it measures (the
    reading is late by at most ~2% plus one request).
    Returns (submit -> first seen RUNNING or later, submit -> SUCCESS): the
    latencies a user sees, and the server's own createdAt -> endedAt (ms
    resolution), which leaves out the client's polling and HTTP round trips.
    Any end but SUCCESS is fatal."""
    start = time.monotonic()
    job_id = client.start_job_run(applicationId=app_id, clientToken=f"bench-{time.time_ns()}",
                                  executionRoleArn=BENCH_ROLE_ARN, **job)["jobRunId"]
    to_running = None
    while True:
        run = client.get_job_run(applicationId=app_id, jobRunId=job_id)["jobRun"]
        if to_running is None and run["state"] in ("RUNNING", "SUCCESS", "FAILED", "CANCELLED"):
            to_running = time.monotonic() - start
        if run["state"] in ("SUCCESS", "FAILED", "CANCELLED"):
            break
        time.sleep(max(poll_seconds, 0.02 * (time.monotonic() - start)))
    elapsed = time.monotonic() - start
    if run["state"] != "SUCCESS":
        raise SystemExit(f"job run ended {run['state']}: {run['stateDetails']}")
    return to_running, elapsed, (run["endedAt"] - run["createdAt"]).total_seconds()


def run_to_end(client, app_id: str, poll_seconds: float, **job) -> float:
    """submit -> SUCCESS of one run (see run_timed)."""
    return run_timed(client, app_id, poll_seconds, **job)[1]


def client_of(proc):
    """A new EMR Serverless client of the server, as the root (one per thread)."""
    return boto3.client("emr-serverless", endpoint_url=proc.endpoint, region_name="us-east-1",
                        aws_access_key_id=proc.keys["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=proc.keys["AWS_SECRET_ACCESS_KEY"],
                        config=Config(retries={"max_attempts": 3}))


def submit_runs(proc, app_id: str, entry_point: str, count: int) -> list[str]:
    """Starts `count` runs of `entry_point` from 8 threads; their ids."""
    from concurrent.futures import ThreadPoolExecutor

    def submit(chunk: range) -> list[str]:
        c = client_of(proc)
        return [c.start_job_run(applicationId=app_id, executionRoleArn=BENCH_ROLE_ARN,
                                jobDriver={"sparkSubmit": {"entryPoint": entry_point}})["jobRunId"]
                for _ in chunk]

    with ThreadPoolExecutor(8) as pool:
        chunks = [range(i, min(i + 250, count)) for i in range(0, count, 250)]
        return [job for jobs in pool.map(submit, chunks) for job in jobs]


def cancel_runs(proc, app_id: str, ids: list[str], timeout: int = 300) -> None:
    """Cancels `ids` from 8 threads and waits until none is unfinished but
    a RUNNING one."""
    from concurrent.futures import ThreadPoolExecutor

    def cancel(chunk: list[str]) -> None:
        c = client_of(proc)
        for job in chunk:
            c.cancel_job_run(applicationId=app_id, jobRunId=job)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(cancel, [ids[i:i + 250] for i in range(0, len(ids), 250)]))
    waiting = ["CANCELLING", "QUEUED", "SUBMITTED", "PENDING", "SCHEDULED"]
    client = client_of(proc)
    wait_until(lambda: not client.list_job_runs(applicationId=app_id, states=waiting)["jobRuns"], timeout,
               "the cancelled runs to end")


def fresh_database(url: str, prefix: str) -> str:
    """A new, empty database on the cluster of `url`; its URL."""
    psql = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"))), "psql")
    name = f"{prefix}_{int(time.time())}"
    subprocess.run([str(psql), url, "-v", "ON_ERROR_STOP=1", "-c", f"CREATE DATABASE {name}"],
                   check=True, capture_output=True, timeout=60)
    return urllib.parse.urlparse(url)._replace(path=f"/{name}").geturl()


def throwaway_postgres(base: Path) -> tuple[str, Path]:
    """Starts a PostgreSQL cluster under `base` (scripts/postgres.sh); its URL
    and the dir to stop it with."""
    out = subprocess.run(["bash", str(REPO / "scripts/postgres.sh"), "start", str(base / "pg")],
                         check=True, capture_output=True, text=True, timeout=900).stdout
    url = re.search(r"SPARKPLANE_TEST_POSTGRES_URL='([^']+)'", out).group(1)
    pg_dir = Path(re.search(r"postgres.sh stop (\S+)", out).group(1))
    return url, pg_dir
