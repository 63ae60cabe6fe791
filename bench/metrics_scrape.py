"""What a Prometheus scrape of `/metrics` costs with 10,000 job runs in the
store, against the same scrape with none, in one session.

Usage: .venv/bin/python bench/metrics_scrape.py [--runs 10000] [--scrapes 200]

One SPARK application with `maxConcurrentRuns = 1` holds one run that
sleeps, so the other runs queue (QUEUED): the worst case, since `/metrics`
reads every unfinished run the way the scheduler does. Then every run is
cancelled and the scrape is timed again with 10,000 ended runs, the usual
case (a grouped count). Prints p50 and p95 per phase, and the ratio of each
p50 to the empty store's.
"""
import argparse
import shutil
import statistics
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
from botocore.config import Config

from common import BENCH_ROLE_ARN, start_server

TOKEN = "bench-metrics-token-0123456789"


def scrape_ms(endpoint: str, scrapes: int) -> list[float]:
    times = []
    for _ in range(scrapes):
        req = urllib.request.Request(f"{endpoint}/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        start = time.perf_counter()
        with urllib.request.urlopen(req, timeout=30) as resp:
            resp.read()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--scrapes", type=int, default=200)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="sparkplane-metrics-"))
    proc, client = start_server(base, env={"SPARKPLANE_METRICS_TOKEN": TOKEN})
    try:
        script = base / "sleep.py"
        script.write_text("import time\ntime.sleep(3600)\n")
        app = client.create_application(name="metrics-bench", type="SPARK", releaseLabel="emr-7.9.0",
                                        schedulerConfiguration={"maxConcurrentRuns": 1})["applicationId"]
        client.start_application(applicationId=app)
        phases = {"no runs": scrape_ms(proc.endpoint, args.scrapes)}

        def client_of():
            return boto3.client("emr-serverless", endpoint_url=proc.endpoint, region_name="us-east-1",
                                aws_access_key_id=proc.keys["AWS_ACCESS_KEY_ID"],
                                aws_secret_access_key=proc.keys["AWS_SECRET_ACCESS_KEY"],
                                config=Config(retries={"max_attempts": 3}))

        def submit(chunk: range) -> list[str]:
            c = client_of()
            return [c.start_job_run(applicationId=app, executionRoleArn=BENCH_ROLE_ARN,
                                    jobDriver={"sparkSubmit": {"entryPoint": str(script)}})["jobRunId"]
                    for _ in chunk]

        started = time.monotonic()
        with ThreadPoolExecutor(8) as pool:
            chunks = [range(i, min(i + 250, args.runs)) for i in range(0, args.runs, 250)]
            ids = [job for jobs in pool.map(submit, chunks) for job in jobs]
        print(f"submitted {len(ids)} runs in {time.monotonic() - started:.0f} s", flush=True)
        phases[f"{len(ids)} runs, all but one queued"] = scrape_ms(proc.endpoint, args.scrapes)

        def cancel(chunk: list[str]) -> None:
            c = client_of()
            for job in chunk:
                c.cancel_job_run(applicationId=app, jobRunId=job)

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(cancel, [ids[i:i + 250] for i in range(0, len(ids), 250)]))
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            listed = client.list_job_runs(applicationId=app, states=["CANCELLING", "RUNNING", "QUEUED",
                                                                      "SUBMITTED", "PENDING", "SCHEDULED"])
            if not listed["jobRuns"]:
                break
            time.sleep(1)
        phases[f"{len(ids)} runs, all ended"] = scrape_ms(proc.endpoint, args.scrapes)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        shutil.rmtree(base, ignore_errors=True)
    empty = statistics.median(phases["no runs"])
    print("| store | /metrics p50 | p95 | p50 ratio to no runs |")
    print("|---|---|---|---|")
    for name, times in phases.items():
        p50 = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[18]
        print(f"| {name} | {p50:.2f} ms | {p95:.2f} ms | {p50 / empty:.2f}× |")


if __name__ == "__main__":
    main()
