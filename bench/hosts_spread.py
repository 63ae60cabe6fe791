#!/usr/bin/env python3
"""What spreading a run's executors over agents' hosts costs: submit ->
all three executors registered, and the McDonald's query run by those
executors (S3A reads through each host's credentials proxy, a shuffle
across hosts), with two agents' hosts READY against the same runs with
both agents drained (every executor on the server's own host).

The hosts are network namespaces on a bridge (scripts/netns.sh, tag 231),
as in tests/e2e/test_hosts.py: the server and its S3 endpoint listen on the
bridge's IP, each agent runs in a namespace of its own. On this 2-core
machine every "host" shares the same cores, so the figure is what placement
and the network path add (heartbeat-driven start of remote workers, the
credentials proxy, executor logs sent over HTTP), not a speed-up. Variants
alternate within each round. Needs root (namespaces).

Usage (after `cargo build -p sparkplane-cli`):
  .venv/bin/python bench/hosts_spread.py [--rounds 3]
"""
import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3

from common import BENCH_ROLE_ARN, BIN, REPO, run_timed, start_server, wait_until

TAG = "231"
ELASTIC = ("--conf spark.driver.cores=1 --conf spark.executor.cores=1 --conf spark.driver.memory=1g "
           "--conf spark.executor.memory=1g --conf spark.dynamicAllocation.initialExecutors=1 "
           "--conf spark.dynamicAllocation.minExecutors=1 --conf spark.dynamicAllocation.maxExecutors=3 "
           "--conf spark.dynamicAllocation.schedulerBacklogTimeout=1s "
           "--conf spark.dynamicAllocation.sustainedSchedulerBacklogTimeout=1s")
# A backlog makes Spark ask for three executors; the job says when the
# third registered (epoch seconds; the bench subtracts its submit time),
# then times the McDonald's query (examples/mcdonalds.py) on them.
GROW = b'''
import sys, threading, time
from pyspark.sql import SparkSession
import mcdonalds
sc = SparkSession.builder.getOrCreate().sparkContext
def slow(x):
    time.sleep(0.5)
    return x
def watch():
    while sc._jsc.sc().getExecutorIds().size() < 3:
        time.sleep(0.05)
    print("ALL_EXECUTORS", time.time(), flush=True)
t = threading.Thread(target=watch)
t.start()
sc.parallelize(range(48), 48).map(slow).sum()
t.join(120)
started = time.time()
mcdonalds.main(["mcdonalds.py", *sys.argv[1:3]])
print("MCDONALDS", time.time() - started, flush=True)
'''


def cli(server, *args: str) -> str:
    return subprocess.run([str(BIN), *args, "--endpoint", server.endpoint, "--data-dir", str(server.data_dir)],
                          check=True, capture_output=True, text=True).stdout


def host_states(server) -> dict:
    import json
    return {h["name"]: h["state"] for h in json.loads(cli(server, "hosts", "--output", "json"))}


def driver_stdout(server, app: str, job: str) -> str:
    path = server.data_dir / "logs" / "applications" / app / "jobs" / job / "SPARK_DRIVER" / "stdout.gz"
    wait_until(path.exists, 30, "driver stdout")
    return gzip.decompress(path.read_bytes()).decode()


class Cluster:
    """A server on the bridge (tag 231) and two agents in namespaces of their
    own, both READY, with the McDonald's example and CSV in `s3://bench/`."""

    def __init__(self):
        if os.geteuid() != 0:
            raise SystemExit("network namespaces need root")
        up = subprocess.run(["bash", str(REPO / "scripts" / "netns.sh"), "up", TAG], check=True,
                            capture_output=True, text=True).stdout
        exports = dict(part.split("=", 1) for line in up.splitlines() if line.startswith("export ")
                       for part in line[len("export "):].replace("'", "").split(" ", 1))
        self.server_ip = exports["SPARKPLANE_TEST_NETNS_SERVER"]
        self.namespaces = dict(pair.split("=", 1) for pair in exports["SPARKPLANE_TEST_NETNS"].split())
        self.base = Path(tempfile.mkdtemp(prefix="sparkplane-hosts-bench-"))
        self.agents, self.proc = [], None

    def __enter__(self):
        try:
            self.proc, self.client = start_server(self.base, host=self.server_ip, args=[
                "--host-name", "control", "--host-heartbeat-interval-seconds", "1"])
            for i, ns in enumerate(sorted(self.namespaces), start=1):
                name = f"worker-{i}"
                token = next(line.strip() for line in cli(self.proc, "hosts", "add", name).splitlines()
                             if line.strip().startswith(f"{name}."))
                env = dict(os.environ, SPARKPLANE_HOST_TOKEN=token)
                log = open(self.base / f"agent-{i}.log", "wb")
                self.agents.append(subprocess.Popen(
                    ["ip", "netns", "exec", ns, str(BIN), "agent", "--server", self.proc.endpoint,
                     "--data-dir", str(self.base / f"agent-{i}")],
                    stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True))
            wait_until(lambda: all(host_states(self.proc).get(f"worker-{i}") == "READY" for i in (1, 2)), 60,
                       "agents READY")
            s3 = boto3.client("s3", endpoint_url=self.proc.s3_endpoint, region_name="us-east-1",
                              aws_access_key_id=self.proc.keys["AWS_ACCESS_KEY_ID"],
                              aws_secret_access_key=self.proc.keys["AWS_SECRET_ACCESS_KEY"])
            s3.create_bucket(Bucket="bench")
            s3.upload_file(str(REPO / "examples" / "mcdonalds.py"), "bench", "mcdonalds.py")
            s3.upload_file(str(REPO / "examples" / "data" / "mcdonalds_dataset.csv"), "bench", "ice.csv")
            self.s3 = s3
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *_):
        for agent in self.agents:
            agent.terminate()
            agent.wait(30)
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=60)
        subprocess.run(["bash", str(REPO / "scripts" / "netns.sh"), "down", TAG], capture_output=True)

    def set_hosts(self, verb: str, names: list[str]) -> None:
        """`hosts drain|resume` each of `names`, and wait until it took."""
        want = "READY" if verb == "resume" else "DRAINING"
        for name in names:
            cli(self.proc, "hosts", verb, name)
        wait_until(lambda: all(host_states(self.proc)[name] == want for name in names), 30, want)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    times = {variant: {"grown": [], "mcdonalds": [], "success": []}
             for variant in ("two agents' hosts", "this host only")}
    with Cluster() as cluster:
        proc, client = cluster.proc, cluster.client
        cluster.s3.put_object(Bucket="bench", Key="grow.py", Body=GROW)
        app = client.create_application(name="spread", type="SPARK", releaseLabel="emr-7.9.0")["applicationId"]
        client.start_application(applicationId=app)

        def grow(n):
            return {"sparkSubmit": {"entryPoint": "s3://bench/grow.py",
                                    "sparkSubmitParameters": f"{ELASTIC} --py-files s3://bench/mcdonalds.py",
                                    "entryPointArguments": ["s3://bench/ice.csv", f"s3://bench/out/{n}/"]}}

        def use(variant):
            cluster.set_hosts("resume" if variant.startswith("two") else "drain", ["worker-1", "worker-2"])

        use("two agents' hosts")
        run_timed(client, app, 0.05, jobDriver=grow(0))  # unmeasured: first runtime start on the agents
        runs = 0
        for round_no in range(args.rounds):
            for variant in times:
                use(variant)
                runs += 1
                submitted, start = time.time(), time.monotonic()
                job = client.start_job_run(applicationId=app, clientToken=f"b{time.time_ns()}",
                                           executionRoleArn=BENCH_ROLE_ARN, jobDriver=grow(runs))["jobRunId"]
                wait_until(lambda: client.get_job_run(applicationId=app, jobRunId=job)["jobRun"]["state"]
                           in ("SUCCESS", "FAILED", "CANCELLED"), 600, "grow job")
                success = time.monotonic() - start
                state = client.get_job_run(applicationId=app, jobRunId=job)["jobRun"]["state"]
                if state != "SUCCESS":
                    raise SystemExit(f"run ended {state}")
                said = dict(line.split(" ", 1) for line in driver_stdout(proc, app, job).splitlines()
                            if line.startswith(("ALL_EXECUTORS ", "MCDONALDS ")))
                grown, query = float(said["ALL_EXECUTORS"]) - submitted, float(said["MCDONALDS"])
                times[variant]["grown"].append(grown)
                times[variant]["mcdonalds"].append(query)
                times[variant]["success"].append(success)
                print(f"round {round_no + 1} {variant}: 3 executors {grown:.2f} s, McDonald's query {query:.2f} s, "
                      f"SUCCESS {success:.2f} s", flush=True)
    local = {k: statistics.median(v) for k, v in times["this host only"].items()}
    print("\n| variant | submit -> 3 executors (median) | ratio | McDonald's query on them (median) | ratio "
          "| submit -> SUCCESS (median) | ratio |")
    print("|---|---|---|---|---|---|---|")
    for name, t in times.items():
        m = {k: statistics.median(v) for k, v in t.items()}
        print(f"| {name} | {m['grown']:.2f} s | {m['grown'] / local['grown']:.2f}x | {m['mcdonalds']:.2f} s | "
              f"{m['mcdonalds'] / local['mcdonalds']:.2f}x | {m['success']:.2f} s | "
              f"{m['success'] / local['success']:.2f}x |")


if __name__ == "__main__":
    sys.exit(main())
