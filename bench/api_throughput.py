#!/usr/bin/env python3
"""API throughput: GetJobRun/s and StartJobRun/s, on an empty store and on
one with 100,000 job runs, on SQLite or PostgreSQL.

The client is wrk (Debian's package), replaying requests that Python signed
beforehand with botocore's SigV4 (`bench/wrk_replay.lua`), so that what is
measured is the server, not the client. wrk and the server share the
machine's cores, as they would share a 2-core host.

Set-up: one SPARK application with `maxConcurrentRuns = 1` holds one run
that sleeps, so every run the bench submits queues (QUEUED) and none
starts a driver. A StartJobRun phase submits for `--seconds`, each request
with its own clientToken; its runs are then cancelled, so that every phase
starts from the same queue. The store is then filled to `--runs` job runs
(submitted through the API and cancelled, by a Python client: set-up,
not measured), and both phases
run again. GetJobRun reads 1,000 different runs in turn (the sleeper's
alone on the empty store). Every response must be 2xx, and no StartJobRun
request may be sent twice.

Usage (wrk from Debian; a Spark runtime installed for the sleeper):
  .venv/bin/python bench/api_throughput.py [--runs 100000] [--seconds 10] [--store-url postgres://...]
  --store-url postgres://... (or SPARKPLANE_TEST_POSTGRES_URL=...) runs on a
  fresh database of that cluster; `--store-url postgres` alone starts a
  throwaway cluster with scripts/postgres.sh. Without it: SQLite in the
  data dir.
Prints a markdown table: each rate, its latency and the server's CPU use
while it was measured (in cores; wrk uses the rest). Run it once per binary
to compare two builds in one session.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from common import (BENCH_ROLE_ARN, REPO, fresh_database, start_server, throwaway_postgres, wait_until)

LUA = Path(__file__).resolve().parent / "wrk_replay.lua"
THREADS = 2
CONNECTIONS = 32


class Signer:
    """Signs EMR Serverless requests as the root, once, for replay."""

    def __init__(self, endpoint: str, keys: dict):
        self.endpoint = endpoint
        self.host = endpoint.split("://", 1)[1]
        self.auth = SigV4Auth(Credentials(keys["AWS_ACCESS_KEY_ID"], keys["AWS_SECRET_ACCESS_KEY"]),
                              "emr-serverless", "us-east-1")

    def line(self, method: str, path: str, body: str = "") -> str:
        headers = {"Host": self.host}
        if body:
            headers["Content-Type"] = "application/json"
        request = AWSRequest(method=method, url=self.endpoint + path, data=body or None, headers=headers)
        self.auth.add_auth(request)
        header_field = "\x1f".join(f"{k}: {v}" for k, v in request.headers.items())
        return f"{method}\t{path}\t{header_field}\t{body}\n"


def write_requests(path: Path, lines) -> int:
    count = 0
    with open(path, "w") as out:
        for line in lines:
            out.write(line)
            count += 1
    return count


def start_run_lines(signer: Signer, app: str, count: int, tag: str):
    for _ in range(count):
        body = json.dumps({"clientToken": f"{tag}-{uuid.uuid4()}", "executionRoleArn": BENCH_ROLE_ARN,
                           "jobDriver": {"sparkSubmit": {"entryPoint": "s3://bench/none.py"}}})
        yield signer.line("POST", f"/applications/{app}/jobruns", body)


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of process `pid` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wrk(endpoint: str, requests: Path, seconds: float, server_pid: int) -> dict:
    """Replays `requests` with wrk for `seconds`, cycling through them;
    returns its rate, count, latency and the server's CPU use (in cores).
    Every answer must be 2xx."""
    env = dict(os.environ, WRK_REQUESTS=str(requests), WRK_THREADS=str(THREADS))
    cpu_before, started = cpu_seconds(server_pid), time.monotonic()
    out = subprocess.run(["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{int(seconds)}s", "--latency",
                          "-s", str(LUA), endpoint], env=env, capture_output=True, text=True, check=True).stdout
    cores = (cpu_seconds(server_pid) - cpu_before) / (time.monotonic() - started)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    if re.search(r"Non-2xx or 3xx responses|Socket errors", out):
        raise SystemExit(f"wrk saw failures:\n{out}")
    p50 = re.search(r"50%\s+(\S+)", out).group(1)
    p99 = re.search(r"99%\s+(\S+)", out).group(1)
    return {"rate": rate, "total": total, "p50": p50, "p99": p99, "cores": cores}


def send_each(endpoint: str, lines: list[str]) -> int:
    """Sends each pre-signed line once, from 8 keep-alive connections (for
    the set-up, which is not measured); returns how many got a 2xx."""
    host, port = endpoint.split("://", 1)[1].split(":")

    def send(chunk: list[str]) -> int:
        conn, ok = http.client.HTTPConnection(host, int(port), timeout=120), 0
        for line in chunk:
            method, path, fields, body = line.rstrip("\n").split("\t", 3)
            headers = dict(field.split(": ", 1) for field in fields.split("\x1f"))
            conn.request(method, path, body=body.encode() or None, headers=headers)
            response = conn.getresponse()
            response.read()
            ok += 200 <= response.status < 300
        conn.close()
        return ok

    with ThreadPoolExecutor(8) as pool:
        return sum(pool.map(send, [lines[i::8] for i in range(8)]))


class Bench:
    def __init__(self, proc, client, base: Path, seconds: float):
        self.proc, self.client, self.base, self.seconds = proc, client, base, seconds
        self.signer = Signer(proc.endpoint, proc.keys)
        script = base / "sleep.py"
        script.write_text("import time\ntime.sleep(36000)\n")
        self.app = client.create_application(name="api-bench", type="SPARK", releaseLabel="emr-7.9.0",
                                             schedulerConfiguration={"maxConcurrentRuns": 1})["applicationId"]
        client.start_application(applicationId=self.app)
        self.sleeper = client.start_job_run(applicationId=self.app, executionRoleArn=BENCH_ROLE_ARN,
                                            jobDriver={"sparkSubmit": {"entryPoint": str(script)}})["jobRunId"]
        wait_until(lambda: self.state(self.sleeper) == "RUNNING", 300, "the sleeping run to run")
        self.sample = [self.sleeper]
        self.ended: list[str] = []
        self.runs = 1

    def state(self, run: str) -> str:
        return self.client.get_job_run(applicationId=self.app, jobRunId=run)["jobRun"]["state"]

    def get_job_run(self) -> dict:
        requests = self.base / "get.txt"
        count = write_requests(requests, (self.signer.line("GET", f"/applications/{self.app}/jobruns/{run}")
                                          for run in self.sample))
        return wrk(self.proc.endpoint, requests, self.seconds, self.proc.pid)

    def start_job_run(self, expected_rate: float) -> dict:
        requests = self.base / "start.txt"
        # Twice what the expected rate needs: a request sent twice would be
        # an idempotent replay, not a creation.
        count = write_requests(requests, start_run_lines(self.signer, self.app,
                                                         int(expected_rate * self.seconds * 2), "phase"))
        result = wrk(self.proc.endpoint, requests, self.seconds, self.proc.pid)
        if result["total"] > count:
            raise SystemExit(f"wrk sent {result['total']} of {count} signed StartJobRun requests: raise the rate")
        self.ended += self.cancel_queued()
        self.runs = 1 + len(self.ended)
        return result

    def queued(self) -> list[str]:
        ids, token = [], None
        while True:
            page = self.client.list_job_runs(applicationId=self.app, states=["QUEUED", "SUBMITTED", "PENDING"],
                                             maxResults=50, **({"nextToken": token} if token else {}))
            ids += [r["id"] for r in page["jobRuns"] if r["id"] != self.sleeper]
            token = page.get("nextToken")
            if not token:
                return ids

    def cancel_queued(self) -> list[str]:
        """Cancels every queued run; their ids."""
        ids = self.queued()
        print(f"cancelling {len(ids)} queued runs", flush=True)
        lines = [self.signer.line("DELETE", f"/applications/{self.app}/jobruns/{run}") for run in ids]
        if send_each(self.proc.endpoint, lines) != len(lines):
            raise SystemExit("a CancelJobRun failed")
        wait_until(lambda: not self.queued(), 600, "the cancelled runs to end")
        return ids

    def fill(self, runs: int) -> None:
        """Brings the store to `runs` job runs, all but the sleeper ended."""
        lines = list(start_run_lines(self.signer, self.app, max(runs - self.runs, 0), "fill"))
        print(f"filling the store with {len(lines)} runs", flush=True)
        if send_each(self.proc.endpoint, lines) != len(lines):
            raise SystemExit("a StartJobRun failed")
        self.ended += self.cancel_queued()
        self.runs = 1 + len(self.ended)
        self.sample = self.ended[:: max(1, len(self.ended) // 1000)][:1000]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--store-url", default=os.environ.get("SPARKPLANE_TEST_POSTGRES_URL"))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    base = Path(tempfile.mkdtemp(prefix="api-bench-"))
    pg_dir = None
    env = {}
    store = "SQLite"
    if args.store_url:
        url = args.store_url
        if url == "postgres":
            url, pg_dir = throwaway_postgres(base)
        env["SPARKPLANE_STORE_URL"] = fresh_database(url, "apibench")
        store = "PostgreSQL"
    (base / "run").mkdir()
    proc, client = start_server(base / "run", env=env)
    rows = []
    try:
        bench = Bench(proc, client, base, args.seconds)
        get = bench.get_job_run()
        start = bench.start_job_run(expected_rate=10_000)
        rows.append(("1 run", get, start))
        bench.fill(args.runs)
        rows.append((f"{bench.runs:,} runs", bench.get_job_run(), bench.start_job_run(expected_rate=10_000)))
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        if pg_dir:
            subprocess.run(["bash", str(REPO / "scripts/postgres.sh"), "stop", str(pg_dir)], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
    print("| store | runs in the store | GetJobRun/s | p50, p99 | server CPU | StartJobRun/s | p50, p99 | server CPU |")
    print("|---|---|---|---|---|---|---|---|")
    for name, get, start in rows:
        print(f"| {store} | {name} | {get['rate']:,.0f} | {get['p50']}, {get['p99']} | {get['cores']:.2f} cores | "
              f"{start['rate']:,.0f} | {start['p50']}, {start['p99']} | {start['cores']:.2f} cores |")

if __name__ == "__main__":
    main()
