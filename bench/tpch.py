#!/usr/bin/env python3
"""TPC-H's 22 queries in the Hive dialect: HIVE jobs through sparkplane
against Spark local[2] on the same queries and data.

DuckDB's tpch extension (PyPI) generates the tables at `--sf` and writes
them as `|`-delimited text. Then, per round:

  (a) sparkplane: the files go to the embedded S3 endpoint, one HIVE job
      creates the eight external tables, then each query runs as its own
      HIVE job writing its rows with INSERT OVERWRITE DIRECTORY to s3://
      (timed by the server, createdAt -> endedAt);
  (b) Spark: one spark-submit --master local[2] on the pinned runtime reads
      the same files from local disk as temporary views and runs each
      query, writing its rows as CSV (timed inside the driver, per query).

Prints per-query medians and the ratio (a) / (b). Usage, after
`cargo build -p sparkplane-cli` (SPARKPLANE_BIN picks another build):
  .venv/bin/python bench/tpch.py --sf 1 --rounds 1
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "e2e"))
from common import RUNTIME_DIR, run_timed_full, start_server  # noqa: E402
from tpch import QUERIES, TABLES, connect, export, query_names  # noqa: E402

SPARK_SCRIPT = r'''
import json, sys, time
from pyspark.sql import SparkSession
data, queries, out, tables = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
spark = SparkSession.builder.appName("tpch").getOrCreate()
for name, schema in tables.items():
    spark.read.csv(f"{data}/{name}.tbl", sep="|", schema=schema).createOrReplaceTempView(name)
times = {}
for q in json.loads(sys.argv[5]):
    sql = open(f"{queries}/{q}.sql").read().strip().rstrip(";")
    start = time.monotonic()
    spark.sql(sql).write.mode("overwrite").csv(f"{out}/{q}", sep="|")
    times[q] = time.monotonic() - start
print("TIMES " + json.dumps(times), flush=True)
spark.stop()
'''


def run_hive(client, app, uri: str) -> float:
    return run_timed_full(client, app, 0.05, jobDriver={"hive": {"query": uri}})[2]


def run_spark(data: Path, work: Path, names: list[str]) -> dict[str, float]:
    script = work / "tpch_spark.py"
    script.write_text(SPARK_SCRIPT)
    spark_home = RUNTIME_DIR / "spark-3.5.8" / "pyspark"
    env = dict(os.environ, SPARK_HOME=str(spark_home), PYTHONPATH=str(RUNTIME_DIR / "spark-3.5.8"),
               PYSPARK_PYTHON="python3", SPARK_LOCAL_IP="127.0.0.1")
    cmd = [str(spark_home / "bin" / "spark-submit"), "--master", "local[2]", "--driver-memory", "2g",
           "--conf", "spark.ui.enabled=false", str(script), str(data), str(QUERIES), str(work / "spark-out"),
           json.dumps(TABLES), json.dumps(names)]
    result = subprocess.run(cmd, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if result.returncode != 0:
        raise SystemExit("spark-submit failed")
    line = next(line for line in result.stdout.splitlines() if line.startswith("TIMES "))
    return json.loads(line[len("TIMES "):])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sf", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="sparkplane-tpch-"))
    names = query_names()
    hive_times = {q: [] for q in names}
    spark_times = {q: [] for q in names}
    try:
        data = base / "data"
        data.mkdir()
        started = time.monotonic()
        files = export(connect(args.sf), data)
        print(f"generated SF {args.sf:g} in {time.monotonic() - started:.0f} s", flush=True)
        proc, client = start_server(base)
        try:
            s3 = boto3.client("s3", endpoint_url=proc.s3_endpoint, region_name="us-east-1",
                              aws_access_key_id=proc.keys["AWS_ACCESS_KEY_ID"],
                              aws_secret_access_key=proc.keys["AWS_SECRET_ACCESS_KEY"])
            s3.create_bucket(Bucket="tpch")
            for table, path in files.items():
                s3.upload_file(str(path), "tpch", f"data/{table}/{table}.tbl")
            ddl = "\n".join(
                f"CREATE EXTERNAL TABLE IF NOT EXISTS {t} ({cols}) ROW FORMAT DELIMITED FIELDS TERMINATED BY '|' "
                f"STORED AS TEXTFILE LOCATION 's3://tpch/data/{t}/';" for t, cols in TABLES.items())
            s3.put_object(Bucket="tpch", Key="sql/ddl.sql", Body=ddl.encode())
            for q in names:
                sql = (QUERIES / f"{q}.sql").read_text().strip().rstrip(";")
                body = (f"INSERT OVERWRITE DIRECTORY 's3://tpch/out/{q}/' ROW FORMAT DELIMITED "
                        f"FIELDS TERMINATED BY '|'\n{sql};\n")
                s3.put_object(Bucket="tpch", Key=f"sql/{q}.sql", Body=body.encode())
            app = client.create_application(name="tpch", type="HIVE", releaseLabel="emr-7.9.0")["applicationId"]
            client.start_application(applicationId=app)
            run_hive(client, app, "s3://tpch/sql/ddl.sql")
            for _ in range(args.rounds):
                for q in names:
                    hive_times[q].append(run_hive(client, app, f"s3://tpch/sql/{q}.sql"))
                for q, seconds in run_spark(data, base, names).items():
                    spark_times[q].append(seconds)
                print("round done", flush=True)
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"| query (SF {args.sf:g}) | HIVE job | Spark local[2] | ratio |")
    print("|---|---|---|---|")
    total_h = total_s = 0.0
    for q in names:
        h, s = statistics.median(hive_times[q]), statistics.median(spark_times[q])
        total_h, total_s = total_h + h, total_s + s
        print(f"| {q} | {h:.2f} s | {s:.2f} s | {h / s:.2f}× |")
    print(f"| **all 22** | {total_h:.1f} s | {total_s:.1f} s | {total_h / total_s:.2f}× |")


if __name__ == "__main__":
    main()
