#!/usr/bin/env python3
"""What S3A with per-attempt credentials costs against the direct bucket mount.

Two servers in one session: (a) the default, where Spark reaches s3:// over
S3A through the embedded S3 endpoint, signed with the attempt's temporary
credentials and authorized per request; (b) `direct_bucket_mount = true`
(the earlier viewfs mount of the bucket directories, no policies: the
baseline). The same jobs run on both, alternating:

  * the McDonald's job (16,671 rows in, the grouped result out, s3:// paths);
  * a parquet write of --gb gigabytes of random doubles to s3:// and a read
    of it back (`count()` plus a sum, so every byte is read).

Reported: submit -> SUCCESS as the server records it (createdAt -> endedAt,
no client polling in it), medians per job, and the ratio a/b; and the CPU
seconds each run cost, from /proc/<server pid>/stat: the server's own
(utime + stime, the S3 endpoint's work) and its reaped children's (cutime +
cstime: the driver JVM with its executor threads and Python workers). On a
2-core machine shared with other work the CPU figures move far less than
the wall-clock ones.
Usage (after `cargo build -p sparkplane-cli`):
  .venv/bin/python bench/s3a_vs_direct.py [--rounds 2] [--gb 1]
"""
import argparse
import os
import shutil
import statistics
import tempfile
from pathlib import Path

import boto3

from common import REPO, run_timed_full, start_server

MCD_SCRIPT = REPO / "examples" / "mcdonalds.py"
MCD_DATA = REPO / "examples" / "data" / "mcdonalds_dataset.csv"
CONF = ("--conf spark.driver.cores=1 --conf spark.driver.memory=1g --conf spark.executor.cores=1 "
        "--conf spark.executor.memory=1g --conf spark.executor.instances=2 "
        "--conf spark.dynamicAllocation.enabled=false")
PARQUET_JOB = r'''
import sys, time
from pyspark.sql import SparkSession
spark = SparkSession.builder.appName("parquet-io").getOrCreate()
out, rows = sys.argv[1], int(sys.argv[2])
df = spark.range(rows).selectExpr("id", *[f"rand({n}) as c{n}" for n in range(4)])
start = time.time()
df.write.mode("overwrite").parquet(out)
wrote = time.time() - start
start = time.time()
back = spark.read.parquet(out)
total = back.selectExpr("count(*)", "sum(c0 + c1 + c2 + c3)").collect()[0]
print(f"WRITE_S={wrote:.2f} READ_S={time.time() - start:.2f} ROWS={total[0]}", flush=True)
spark.stop()
'''


def cpu_seconds(pid: int) -> tuple[float, float]:
    """(the process's own CPU seconds, those of its reaped children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    # Fields 14-17 of stat(5), counted from the state field (3) here.
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


def measured(proc, run) -> tuple[float, float, float]:
    """(server-recorded seconds, server CPU seconds, children's CPU seconds) of `run()`."""
    own0, children0 = cpu_seconds(proc.pid)
    seconds = run()
    own1, children1 = cpu_seconds(proc.pid)
    return seconds, own1 - own0, children1 - children0


def setup(base: Path, direct: bool):
    env = {"SPARKPLANE_DIRECT_BUCKET_MOUNT": "true"} if direct else {}
    proc, client = start_server(base, env=env)
    s3 = boto3.client("s3", endpoint_url=proc.s3_endpoint, region_name="us-east-1",
                      aws_access_key_id=proc.keys["AWS_ACCESS_KEY_ID"],
                      aws_secret_access_key=proc.keys["AWS_SECRET_ACCESS_KEY"])
    s3.create_bucket(Bucket="bench")
    s3.upload_file(str(MCD_SCRIPT), "bench", "code/mcdonalds.py")
    s3.upload_file(str(MCD_DATA), "bench", "data/mcdonalds_dataset.csv")
    s3.put_object(Bucket="bench", Key="code/parquet_io.py", Body=PARQUET_JOB.encode())
    app = client.create_application(name="s3a-bench", type="SPARK", releaseLabel="emr-7.9.0")["applicationId"]
    client.start_application(applicationId=app)
    return proc, client, app


def mcdonalds(client, app):
    driver = {"entryPoint": "s3://bench/code/mcdonalds.py",
              "entryPointArguments": ["s3://bench/data/mcdonalds_dataset.csv", "s3://bench/out/mcd/"],
              "sparkSubmitParameters": CONF}
    return run_timed_full(client, app, 0.25, jobDriver={"sparkSubmit": driver})[2]


def parquet_io(client, app, rows: int):
    driver = {"entryPoint": "s3://bench/code/parquet_io.py",
              "entryPointArguments": ["s3://bench/out/parquet/", str(rows)],
              "sparkSubmitParameters": CONF}
    return run_timed_full(client, app, 1.0, jobDriver={"sparkSubmit": driver})[2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--gb", type=float, default=1.0)
    args = parser.parse_args()
    # Five 8-byte columns per row: 40 bytes of raw values.
    rows = int(args.gb * 1e9 / 40)
    servers, bases = {}, []
    for name, direct in (("s3a", False), ("direct", True)):
        bases.append(Path(tempfile.mkdtemp(prefix=f"sparkplane-{name}-")))
        servers[name] = setup(bases[-1], direct)
    times = {(job, name): [] for job in ("mcdonalds", "parquet") for name in servers}
    try:
        for _ in range(args.rounds):
            for name, (proc, client, app) in servers.items():
                times[("mcdonalds", name)].append(measured(proc, lambda: mcdonalds(client, app)))
                times[("parquet", name)].append(measured(proc, lambda: parquet_io(client, app, rows)))
                print(name, os.getloadavg()[0], {k[0]: v[-1] for k, v in times.items() if k[1] == name}, flush=True)
    finally:
        for proc, _, _ in servers.values():
            proc.terminate()
            proc.wait(timeout=60)
        # Each data dir holds a GB of parquet and the job's logs.
        for base in bases:
            shutil.rmtree(base, ignore_errors=True)
    print("| job | S3A (median) | direct (median) | ratio | CPU s S3A: server + job | CPU s direct: server + job | CPU ratio |")
    print("|---|---|---|---|---|---|---|")
    for job, label in (("mcdonalds", "McDonald's"), ("parquet", f"parquet write+read, {args.gb:g} GB")):
        a, b = times[(job, "s3a")], times[(job, "direct")]
        med = lambda runs, i: statistics.median(r[i] for r in runs)
        cpu_a, cpu_b = med(a, 1) + med(a, 2), med(b, 1) + med(b, 2)
        print(f"| {label} | {med(a, 0):.1f} s | {med(b, 0):.1f} s | {med(a, 0) / med(b, 0):.2f}× "
              f"| {med(a, 1):.1f} + {med(a, 2):.1f} | {med(b, 1):.1f} + {med(b, 2):.1f} | {cpu_a / cpu_b:.2f}× |")


if __name__ == "__main__":
    main()
