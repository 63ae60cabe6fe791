"""How fast the web console's pages answer with 10,000 job runs in the store,
against the same pages on an empty store, in one session.

Usage: .venv/bin/python bench/console_pages.py [--runs 10000] [--loads 50]

A page "answers" when the browser has everything it needs to draw it: the
requests the console's script makes when the page opens, issued the way
the script issues them (what it awaits together goes out together, over at
most six keep-alive connections, as a browser does per origin), after the
page's HTML. Opening a page cold is the worst case: the runs page then
fetches GetJobRun for each of the 50 runs it lists.

One SPARK application with `maxConcurrentRuns = 1` holds one run that
sleeps, so the others queue (QUEUED): the runs page then shows 50 live
runs. Then every run but the sleeping one is cancelled and the pages are
timed again with 10,000 ended runs. The run page is the sleeping run's,
with its driver log tail. Prints p50 and p95 per page and phase, and the
ratio of each p50 to the empty store's.
"""
import argparse
import http.client
import json
import queue
import shutil
import statistics
import tempfile
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import BENCH_ROLE_ARN, cancel_runs, free_port, start_server, submit_runs, wait_until

PARALLEL = 6


class Browser:
    """Signed-in keep-alive connections to the console's origin."""

    def __init__(self, host: str, port: int, key: str, secret: str):
        self.host, self.port = host, port
        self.pool: queue.Queue = queue.Queue()
        for _ in range(PARALLEL):
            self.pool.put(http.client.HTTPConnection(host, port, timeout=30))
        self.workers = ThreadPoolExecutor(PARALLEL)
        origin = f"http://{host}:{port}"
        form = urllib.parse.urlencode({"accessKeyId": key, "secretAccessKey": secret})
        status, headers, _ = self.request("POST", "/console/sign-in", form,
                                          {"Origin": origin, "Content-Type": "application/x-www-form-urlencoded"})
        cookie = headers.get("set-cookie", "")
        if status != 303 or not cookie:
            raise SystemExit(f"sign-in failed: {status} {headers}")
        self.cookie = cookie.split(";", 1)[0]

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        all_headers = dict(headers or {})
        if getattr(self, "cookie", None):
            all_headers["Cookie"] = self.cookie
        conn = self.pool.get()
        try:
            # A browser, too, opens a new connection when the server closed
            # an idle one (the idle timeout passes while runs are submitted).
            for retry in (True, False):
                try:
                    conn.request(method, path, body=body, headers=all_headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                    conn.close()
                    if not retry:
                        raise
        finally:
            self.pool.put(conn)

    def get(self, path: str):
        status, _, data = self.request("GET", path)
        if status != 200:
            raise SystemExit(f"GET {path}: {status} {data[:300]!r}")
        return json.loads(data) if data[:1] in (b"{", b"[") else data

    def api(self, path: str):
        return self.get("/console/api" + path)

    def together(self, *paths: str) -> list:
        """Requests the script awaits together (`Promise.all`)."""
        return list(self.workers.map(self.api, paths))


def applications_page(b: Browser, _app: str, _run: str) -> None:
    b.get("/console/")
    listed, _ = b.together("/applications?maxResults=50", "/sparkplane/v1/console/samples")
    b.together(*[f"/applications/{a['id']}" for a in listed["applications"]])


def runs_page(b: Browser, app: str, _run: str, states: str = "") -> None:
    b.get("/console/")
    _, runs, _ = b.together(f"/applications/{app}", f"/applications/{app}/jobruns?maxResults=50{states}",
                            "/sparkplane/v1/console/samples")
    b.together(*[f"/applications/{app}/jobruns/{r['id']}" for r in runs["jobRuns"]])
    b.api(f"/applications/{app}/sessions?maxResults=50")


def runs_page_filtered(b: Browser, app: str, run: str) -> None:
    """A state filter that matches only the one running run among 10,000."""
    runs_page(b, app, run, "&states=RUNNING")


def run_page(b: Browser, app: str, run: str) -> None:
    b.get("/console/")
    b.api(f"/applications/{app}/jobruns/{run}")
    b.api(f"/sparkplane/v1/console/samples?applicationId={app}&jobRunId={run}")
    b.api(f"/applications/{app}/jobruns/{run}/attempts")
    b.get(f"/console/api/sparkplane/v1/applications/{app}/jobruns/{run}/logs?stream=stderr&offset=0")


def catalog_page(b: Browser, _app: str, _run: str) -> None:
    b.get("/console/")
    b.api("/sparkplane/v1/catalog/databases")


def hosts_page(b: Browser, _app: str, _run: str) -> None:
    b.get("/console/")
    b.api("/sparkplane/v1/hosts")


PAGES = {"applications": applications_page, "runs": runs_page, "runs, state filter": runs_page_filtered,
         "run": run_page, "catalog": catalog_page, "hosts": hosts_page}


def time_pages(b: Browser, app: str, run: str, loads: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in PAGES}
    # Interleaved, so that every page sees the same background (the sampler,
    # the scheduler's ticks).
    for _ in range(loads):
        for name, page in PAGES.items():
            start = time.perf_counter()
            page(b, app, run)
            times[name].append((time.perf_counter() - start) * 1000)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--loads", type=int, default=50)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="sparkplane-console-"))
    console_port = free_port()
    proc, client = start_server(base, args=["--console-listen", f"127.0.0.1:{console_port}"])
    phases = {}
    try:
        script = base / "sleep.py"
        script.write_text("import time\nprint('sleeping', flush=True)\ntime.sleep(3600)\n")
        app = client.create_application(name="console-bench", type="SPARK", releaseLabel="emr-7.9.0",
                                        schedulerConfiguration={"maxConcurrentRuns": 1})["applicationId"]
        client.start_application(applicationId=app)
        sleeper = client.start_job_run(applicationId=app, executionRoleArn=BENCH_ROLE_ARN,
                                       jobDriver={"sparkSubmit": {"entryPoint": str(script)}})["jobRunId"]
        wait_until(lambda: client.get_job_run(applicationId=app, jobRunId=sleeper)["jobRun"]["state"] == "RUNNING",
                   300, "the sleeping run to run")
        browser = Browser("127.0.0.1", console_port, proc.keys["AWS_ACCESS_KEY_ID"], proc.keys["AWS_SECRET_ACCESS_KEY"])
        phases["no other runs"] = time_pages(browser, app, sleeper, args.loads)

        started = time.monotonic()
        ids = submit_runs(proc, app, str(script), args.runs - 1)
        print(f"submitted {len(ids)} runs in {time.monotonic() - started:.0f} s", flush=True)
        phases[f"{args.runs} runs, all but one queued"] = time_pages(browser, app, sleeper, args.loads)
        cancel_runs(proc, app, ids)
        phases[f"{args.runs} runs, all but one ended"] = time_pages(browser, app, sleeper, args.loads)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        shutil.rmtree(base, ignore_errors=True)
    empty = phases["no other runs"]
    print("| store | page | p50 | p95 | p50 ratio to no other runs |")
    print("|---|---|---|---|---|")
    for phase, pages in phases.items():
        for name, times in pages.items():
            p50 = statistics.median(times)
            p95 = statistics.quantiles(times, n=20)[18]
            print(f"| {phase} | {name} | {p50:.1f} ms | {p95:.1f} ms | {p50 / statistics.median(empty[name]):.2f}× |")


if __name__ == "__main__":
    main()
