#!/usr/bin/env python3
"""What running a job's driver on an agent's host adds: the McDonald's job
(examples/mcdonalds.py over the CSV in `s3://`, executors as threads of its
driver) with its driver on the server's own host against the same job with
that host DRAINING, so the planner places the driver on an agent.

The hosts are network namespaces on a bridge (see hosts_spread.Cluster):
the server and its S3 endpoint listen on the bridge's IP, each agent runs in
a namespace of its own. On this 2-core machine every "host" shares the same
cores, so the figure is what the remote path adds: the placement waits for
the agent's next heartbeat (1 s here), the agent stages the artifacts from
`s3://` as the run's role, and the driver's S3A traffic and logs cross the
bridge. "The query" is the time the job itself measures around the
McDonald's query; "submit -> SUCCESS" is what the client sees. Variants
alternate within each round. Needs root (namespaces).

Usage (after `cargo build -p sparkplane-cli`):
  .venv/bin/python bench/remote_driver.py [--rounds 3]
"""
import argparse
import statistics
import sys
import time

from common import BENCH_ROLE_ARN, wait_until
from hosts_spread import Cluster, driver_stdout

TIMED = b'''
import sys, time
from pyspark.sql import SparkSession
import mcdonalds
SparkSession.builder.getOrCreate()
started = time.time()
mcdonalds.main(["mcdonalds.py", *sys.argv[1:3]])
print("MCDONALDS", time.time() - started, flush=True)
'''
PARAMS = "--conf spark.driver.memory=1g --py-files s3://bench/mcdonalds.py"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    variants = ("this host", "an agent's host")
    times = {variant: {"query": [], "success": []} for variant in variants}
    with Cluster() as cluster:
        client = cluster.client
        cluster.s3.put_object(Bucket="bench", Key="timed.py", Body=TIMED)
        app = client.create_application(name="remote-driver", type="SPARK",
                                        releaseLabel="emr-7.9.0")["applicationId"]
        client.start_application(applicationId=app)

        def run(n: int, variant: str) -> tuple[float, float]:
            cluster.set_hosts("drain" if variant == "an agent's host" else "resume", ["control"])
            start = time.monotonic()
            job = client.start_job_run(
                applicationId=app, clientToken=f"r{time.time_ns()}", executionRoleArn=BENCH_ROLE_ARN,
                jobDriver={"sparkSubmit": {"entryPoint": "s3://bench/timed.py", "sparkSubmitParameters": PARAMS,
                                           "entryPointArguments": ["s3://bench/ice.csv", f"s3://bench/out/{n}/"]}},
            )["jobRunId"]
            wait_until(lambda: client.get_job_run(applicationId=app, jobRunId=job)["jobRun"]["state"]
                       in ("SUCCESS", "FAILED", "CANCELLED"), 600, "job")
            success = time.monotonic() - start
            state = client.get_job_run(applicationId=app, jobRunId=job)["jobRun"]["state"]
            if state != "SUCCESS":
                raise SystemExit(f"run ended {state}")
            said = [line for line in driver_stdout(cluster.proc, app, job).splitlines() if line.startswith("MCDONALDS ")]
            return float(said[0].split()[1]), success

        # Unmeasured: the first start of the runtime on each host.
        for n, variant in enumerate(variants):
            run(-1 - n, variant)
        count = 0
        for round_no in range(args.rounds):
            for variant in variants:
                count += 1
                query, success = run(count, variant)
                times[variant]["query"].append(query)
                times[variant]["success"].append(success)
                print(f"round {round_no + 1} {variant}: query {query:.2f} s, SUCCESS {success:.2f} s", flush=True)
        cluster.set_hosts("resume", ["control"])
    here = {k: statistics.median(v) for k, v in times["this host"].items()}
    print("\n| driver on | the query (median) | ratio | submit -> SUCCESS (median) | ratio |")
    print("|---|---|---|---|---|")
    for name, t in times.items():
        m = {k: statistics.median(v) for k, v in t.items()}
        print(f"| {name} | {m['query']:.2f} s | {m['query'] / here['query']:.2f}x | {m['success']:.2f} s | "
              f"{m['success'] / here['success']:.2f}x |")


if __name__ == "__main__":
    sys.exit(main())
