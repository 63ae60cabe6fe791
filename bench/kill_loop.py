#!/usr/bin/env python3
"""Reliability: kill -9 the leader again and again while a client submits
runs, then check that every run the API acknowledged exists exactly once and
has ended.

Two servers share one PostgreSQL store, and (as a standby on the same
machine would) one data dir and address. A client thread submits HIVE runs
without pause, each with its own clientToken, which it also gives as the
run's name. A call that fails (connection refused while no server leads, a
5xx, a timeout) is retried with the same token until it is acknowledged,
as the AWS SDKs retry. Meanwhile the loop kills the leader with -9 at a
random moment (1-4 s after the last takeover), measures how long until the
API acknowledges again, and starts the killed server anew as the standby.

Afterwards every acknowledged token must name exactly one run (ListJobRuns,
grouped by name), no run may be unacknowledged or doubled, and every run
must end; the figures go into BENCHMARKS.md ("Reliability"). The takeover
column is the ratio against the 10 s the issue allows.

Usage (after `cargo build -p sparkplane-cli`):
  .venv/bin/python bench/kill_loop.py [--kills 20] [--rate 10] [--store-url postgres://...]
Without --store-url (or SPARKPLANE_TEST_POSTGRES_URL) it starts a throwaway
cluster with scripts/postgres.sh.
"""
import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import tempfile
import threading
import time
import types
from collections import Counter
from pathlib import Path

import boto3
from botocore.config import Config

from common import (BENCH_ROLE_ARN, BIN, REPO, RUNTIME_DIR, ensure_role, free_port, fresh_database, root_keys,
                    throwaway_postgres, wait_until)

TERMINAL = {"SUCCESS", "FAILED", "CANCELLED"}
TAKEOVER_LIMIT = 10.0


class Pair:
    """Two servers on one store, data dir and address; one leads."""

    def __init__(self, base: Path, store_url: str):
        self.base, self.store_url = base, store_url
        self.port, self.s3_port = free_port(), free_port()
        self.data_dir = base / "data"
        self.procs: list[subprocess.Popen] = []
        self.starts = 0

    def spawn(self) -> subprocess.Popen:
        self.starts += 1
        env = dict(os.environ, SPARKPLANE_RUNTIME_DIR=str(RUNTIME_DIR), SPARKPLANE_STORE_URL=self.store_url)
        log = open(self.base / f"server-{self.starts}.log", "wb")
        proc = subprocess.Popen(
            [str(BIN), "server", "--listen", f"127.0.0.1:{self.port}", "--s3-listen", f"127.0.0.1:{self.s3_port}",
             "--data-dir", str(self.data_dir)],
            stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self.procs.append(proc)
        return proc

    def leader(self) -> subprocess.Popen:
        """The live server that holds the lease, by the server list's pid."""
        out = subprocess.run([str(BIN), "servers", "--output", "json", "--endpoint", self.endpoint,
                              "--data-dir", str(self.data_dir)], capture_output=True, text=True, timeout=30)
        listing = json.loads(out.stdout)
        pids = [s["pid"] for s in listing["servers"] if s["state"] == "LEADER"]
        return next(p for p in self.procs if p.poll() is None and p.pid in pids)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def client_of(endpoint: str, keys: dict, service: str = "emr-serverless"):
    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1",
                        aws_access_key_id=keys["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"],
                        config=Config(retries={"max_attempts": 1}, connect_timeout=2, read_timeout=15))


class Submitter(threading.Thread):
    """Submits runs until stopped, retrying each with its token until it is
    acknowledged; `acked` maps token -> jobRunId."""

    def __init__(self, client, app: str, rate: float):
        super().__init__(daemon=True)
        self.client, self.app, self.pause = client, app, 1 / rate
        self.acked: dict[str, str] = {}
        self.retries = 0
        self.changed_ids = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stopping.is_set():
            n += 1
            token = f"kill-loop-{n}"
            while True:
                try:
                    job = self.client.start_job_run(
                        applicationId=self.app, clientToken=token, name=token, executionRoleArn=BENCH_ROLE_ARN,
                        retryPolicy={"maxAttempts": 3},
                        jobDriver={"hive": {"query": "s3://killloop/q.sql"}})["jobRunId"]
                    break
                except Exception:  # noqa: BLE001 - every failure is retried with the same token
                    self.retries += 1
                    time.sleep(0.2)
            if self.acked.get(token, job) != job:
                self.changed_ids += 1
            self.acked[token] = job
            time.sleep(self.pause)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--store-url", default=os.environ.get("SPARKPLANE_TEST_POSTGRES_URL"))
    parser.add_argument("--seed", type=int, default=16)
    # Submissions per second: the HIVE runs keep up, so they all end soon
    # after the loop.
    parser.add_argument("--rate", type=float, default=10)
    args = parser.parse_args()
    random.seed(args.seed)
    base = Path(tempfile.mkdtemp(prefix="kill-loop-"))
    pg_dir = None
    if not args.store_url:
        args.store_url, pg_dir = throwaway_postgres(base)
    pair = Pair(base, fresh_database(args.store_url, "killloop"))
    try:
        pair.spawn()
        wait_until(lambda: (pair.data_dir / "credentials").exists(), 60, "the first server's credentials")
        keys = root_keys(pair.data_dir)
        client = client_of(pair.endpoint, keys)
        wait_until(lambda: _answers(client), 60, "the first server to serve")
        pair.spawn()

        ensure_role(types.SimpleNamespace(endpoint=pair.endpoint, keys=keys), "Bench")
        s3 = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{pair.s3_port}", region_name="us-east-1",
                          aws_access_key_id=keys["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=keys["AWS_SECRET_ACCESS_KEY"])
        s3.create_bucket(Bucket="killloop")
        s3.put_object(Bucket="killloop", Key="q.sql", Body=b"SELECT 41 + 1 AS answer;\n")
        app = client.create_application(name="kill-loop", type="HIVE", releaseLabel="emr-7.9.0",
                                        schedulerConfiguration={"maxConcurrentRuns": 4})["applicationId"]
        client.start_application(applicationId=app)
        submitter = Submitter(client_of(pair.endpoint, keys), app, args.rate)
        submitter.start()
        takeovers = []
        for kill in range(args.kills):
            wait_until(lambda: len(pair.procs) >= 2 and _standing_by(pair), 60, "a standby")
            time.sleep(random.uniform(1, 4))  # a random moment: the kill is the event under test
            leader = pair.leader()
            acked_before = len(submitter.acked)
            os.killpg(leader.pid, signal.SIGKILL)
            leader.wait(10)
            killed_at = time.monotonic()
            wait_until(lambda: len(submitter.acked) > acked_before + 1, 60, "runs acknowledged after the kill")
            takeovers.append(time.monotonic() - killed_at)
            pair.procs.remove(leader)
            pair.spawn()
            print(f"kill {kill + 1}: acknowledged again after {takeovers[-1]:.1f} s "
                  f"({len(submitter.acked)} runs so far)", flush=True)
        submitter.stopping.set()
        submitter.join(120)
        client = client_of(pair.endpoint, keys)
        wait_until(lambda: all(r["state"] in TERMINAL for r in _all_runs(client, app)), 900, "every run to end")
        runs = _all_runs(client, app)
        by_name = Counter(r["name"] for r in runs)
        acked = submitter.acked
        missing = [t for t in acked if by_name[t] == 0]
        doubled = [t for t, n in by_name.items() if n > 1]
        unacked = [t for t in by_name if t not in acked]
        wrong_id = [t for t in acked if any(r["name"] == t and r["id"] != acked[t] for r in runs)]
        states = Counter(r["state"] for r in runs)
        print()
        print("| Kills | Runs acknowledged | Runs found | Missing | Doubled | Unacknowledged | Other id "
              "| Ended | SUCCESS | Client retries | Takeover median (max) | vs 10 s |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
        median, worst = statistics.median(takeovers), max(takeovers)
        print(f"| {args.kills} | {len(acked)} | {len(runs)} | {len(missing)} | {len(doubled)} | {len(unacked)} "
              f"| {len(wrong_id) + submitter.changed_ids} | {sum(states[s] for s in TERMINAL)} | {states['SUCCESS']} "
              f"| {submitter.retries} | {median:.1f} s ({worst:.1f} s) | {worst / TAKEOVER_LIMIT:.2f} |")
        print(f"states: {dict(states)}")
        if missing or doubled or unacked or wrong_id or submitter.changed_ids:
            raise SystemExit("runs were lost or doubled")
    finally:
        pair.stop()
        if pg_dir is not None:
            subprocess.run(["bash", str(REPO / "scripts/postgres.sh"), "stop", str(pg_dir)], capture_output=True)


def _answers(client) -> bool:
    try:
        client.list_applications(maxResults=1)
        return True
    except Exception:  # noqa: BLE001 - not serving yet
        return False


def _standing_by(pair: Pair) -> bool:
    newest = pair.base / f"server-{pair.starts}.log"
    return pair.starts == 1 or "standing by: server" in newest.read_text(errors="replace")


def _all_runs(client, app: str) -> list[dict]:
    runs, token = [], None
    while True:
        page = client.list_job_runs(applicationId=app, maxResults=50, **({"nextToken": token} if token else {}))
        runs += page["jobRuns"]
        token = page.get("nextToken")
        if not token:
            return runs


if __name__ == "__main__":
    main()
