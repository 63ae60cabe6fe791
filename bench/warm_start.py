#!/usr/bin/env python3
"""Pre-initialized capacity against on-demand workers: submit -> RUNNING and
submit -> SUCCESS of the same small job on two started applications of one
server, one with `initialCapacity` (warm) and one without (cold).

  HIVE:  `SELECT 6 * 7;` — warm runs on a waiting `hive-worker --serve`
         process, cold starts a new worker process per attempt.
  SPARK: a PySpark script counting 1000 rows — warm runs on a driver whose
         SparkSession is already up, cold starts spark-submit. A warm driver
         serves one job; before each warm run the script waits (untimed) for
         its replacement to be idle (`sparkplane workers --wait-idle 1`).

Runs alternate warm/cold per round; medians and the cold/warm ratio are
printed as a Markdown table for BENCHMARKS.md. Usage, after building:
  cargo build -p sparkplane-cli
  .venv/bin/python bench/warm_start.py --engines hive spark --rounds 5
"""
import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import run_timed, start_server, wait_idle_warm_worker, wait_until  # noqa: E402

BUCKET = "bench-warm"
SPARK_SCRIPT = """
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
print(spark.range(1000).count())
"""
ENGINES = {
    # type, release, initialCapacity, job driver factory
    "hive": ("HIVE", {"HiveDriver": {"workerCount": 1, "workerConfiguration": {"cpu": "2vCPU", "memory": "6GB"}}}),
    "spark": ("SPARK", {"Driver": {"workerCount": 1, "workerConfiguration": {"cpu": "4vCPU", "memory": "16GB"}},
                        "Executor": {"workerCount": 3, "workerConfiguration": {"cpu": "4vCPU", "memory": "16GB"}}}),
}


def started_app(client, engine: str, warm: bool) -> str:
    kind, capacity = ENGINES[engine]
    extra = {"initialCapacity": capacity} if warm else {}
    app_id = client.create_application(name=f"bench-{engine}-{'warm' if warm else 'cold'}", type=kind,
                                       releaseLabel="emr-7.9.0", **extra)["applicationId"]
    client.start_application(applicationId=app_id)
    wait_until(lambda: client.get_application(applicationId=app_id)["application"]["state"] == "STARTED",
               300, f"{engine} application to start")
    return app_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--engines", nargs="+", default=["hive", "spark"], choices=sorted(ENGINES))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sparkplane-bench-warm-") as tmp:
        proc, client = start_server(Path(tmp))
        try:
            s3 = boto3.client("s3", endpoint_url=proc.s3_endpoint, region_name="us-east-1",
                              aws_access_key_id=proc.keys["AWS_ACCESS_KEY_ID"],
                              aws_secret_access_key=proc.keys["AWS_SECRET_ACCESS_KEY"])
            s3.create_bucket(Bucket=BUCKET)
            s3.put_object(Bucket=BUCKET, Key="q.sql", Body=b"SELECT 6 * 7;\n")
            s3.put_object(Bucket=BUCKET, Key="count.py", Body=SPARK_SCRIPT.encode())
            drivers = {
                "hive": {"hive": {"query": f"s3://{BUCKET}/q.sql"}},
                "spark": {"sparkSubmit": {"entryPoint": f"s3://{BUCKET}/count.py"}},
            }
            rows = []
            for engine in args.engines:
                apps = {warm: started_app(client, engine, warm) for warm in (True, False)}
                poll = 0.005 if engine == "hive" else 0.05
                # One untimed run each: the runtime install and page cache are not what is measured.
                def timed(warm: bool):
                    if warm:
                        wait_idle_warm_worker(proc, apps[warm])
                    return run_timed(client, apps[warm], poll, jobDriver=drivers[engine])

                for warm in (True, False):
                    timed(warm)
                samples = {True: [], False: []}
                for _ in range(args.rounds):
                    for warm in (True, False):
                        samples[warm].append(timed(warm))
                for index, label in ((0, "submit -> RUNNING"), (1, "submit -> SUCCESS")):
                    warm_ms = statistics.median(s[index] for s in samples[True]) * 1000
                    cold_ms = statistics.median(s[index] for s in samples[False]) * 1000
                    rows.append((engine.upper(), label, warm_ms, cold_ms))
            print(f"\n{args.rounds} rounds, medians")
            print("| engine | latency | warm (ms) | cold (ms) | cold / warm |")
            print("|---|---|---:|---:|---:|")
            for engine, label, warm_ms, cold_ms in rows:
                print(f"| {engine} | {label} | {warm_ms:.0f} | {cold_ms:.0f} | {cold_ms / warm_ms:.1f}x |")
        finally:
            proc.terminate()
            proc.wait(timeout=60)


if __name__ == "__main__":
    main()
