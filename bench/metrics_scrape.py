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
from pathlib import Path

from common import cancel_runs, start_server, submit_runs

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

        started = time.monotonic()
        ids = submit_runs(proc, app, str(script), args.runs)
        print(f"submitted {len(ids)} runs in {time.monotonic() - started:.0f} s", flush=True)
        phases[f"{len(ids)} runs, all but one queued"] = scrape_ms(proc.endpoint, args.scrapes)
        cancel_runs(proc, app, ids)
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
