#!/usr/bin/env python3
"""The McDonald's group-by three ways, over generated CSVs of several sizes.

  (a) a HIVE job through sparkplane on a started application with one
      pre-initialized driver (a warm `hive-worker --serve`): StartJobRun ->
      SUCCESS, polling GetJobRun every 5 ms, backing off to 2% of the
      elapsed time (the table is created by an earlier job, so the measured
      job is only the query);
  (a') the same job again, timed by the server (createdAt -> endedAt, ms
      resolution) while the client polls only every 250 ms: on 2 cores a
      client polling 50 times a second takes enough CPU (boto3 signing, the
      server answering) to slow a CPU-bound job by ~10%, so (a) measures the
      observer too;
  (b) the same SQL through spark-submit on the pinned Spark, local[2];
  (c) DataFusion alone (crates/sql/examples/df_groupby.rs): the engine's floor.

Runs alternate (a, b, c) per round. Usage, after building (release, as in
BENCHMARKS.md; SPARKPLANE_BIN and DF_GROUPBY_BIN pick other builds):
  cargo build --release -p sparkplane-cli && cargo build --release -p sparkplane-sql --example df_groupby
  SPARKPLANE_BIN=target/release/sparkplane .venv/bin/python bench/hive_groupby.py \
      --rows 10000 1000000 10000000 --rounds 3
"""
import argparse
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
from common import REPO, RUNTIME_DIR, TARGET, run_timed_full, start_server, wait_until  # noqa: E402

SOURCE = REPO / "examples" / "data" / "mcdonalds_dataset.csv"
DF_BIN = Path(os.environ.get("DF_GROUPBY_BIN", TARGET / "release" / "examples" / "df_groupby"))
SQL = "SELECT city, is_broken, count(*) AS c FROM mcd GROUP BY city, is_broken ORDER BY c DESC, city LIMIT 3"
SPARK_SCRIPT = """
import sys
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
spark.read.csv(sys.argv[1], header=True).createOrReplaceTempView("mcd")
for row in spark.sql(sys.argv[2]).collect():
    print("\\t".join(str(v) for v in row))
"""


def generate(rows: int, path: Path) -> None:
    lines = SOURCE.read_text().splitlines()
    header, body = lines[0], lines[1:]
    with open(path, "w") as out:
        out.write(header + "\n")
        for i in range(rows):
            out.write(body[i % len(body)] + "\n")


def run_hive(client, app_id, query_uri, poll_seconds: float = 0.005) -> tuple[float, float]:
    """(client's submit -> SUCCESS, server's createdAt -> endedAt)."""
    job = {"jobDriver": {"hive": {"query": query_uri}}}
    _, client_seconds, server_seconds = run_timed_full(client, app_id, poll_seconds, **job)
    return client_seconds, server_seconds


def run_spark(csv: Path, work: Path) -> float:
    script = work / "groupby.py"
    script.write_text(SPARK_SCRIPT)
    spark_home = RUNTIME_DIR / "spark-3.5.8" / "pyspark"
    env = dict(os.environ, SPARK_HOME=str(spark_home), PYTHONPATH=str(RUNTIME_DIR / "spark-3.5.8"),
               PYSPARK_PYTHON="python3", SPARK_LOCAL_IP="127.0.0.1")
    cmd = [str(spark_home / "bin" / "spark-submit"), "--master", "local[2]", "--conf", "spark.ui.enabled=false",
           str(script), str(csv), SQL]
    start = time.monotonic()
    result = subprocess.run(cmd, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    elapsed = time.monotonic() - start
    if result.returncode != 0:
        raise SystemExit("spark-submit failed")
    return elapsed


def run_datafusion(csv: Path) -> float:
    start = time.monotonic()
    subprocess.run([str(DF_BIN), str(csv)], check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-spark", action="store_true", help="leave out (b), for (a) against (c) only")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="sparkplane-hive-bench."))
    proc, client = start_server(base)
    try:
        s3 = boto3.client("s3", endpoint_url=proc.s3_endpoint, region_name="us-east-1",
                          aws_access_key_id=proc.keys["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=proc.keys["AWS_SECRET_ACCESS_KEY"])
        s3.create_bucket(Bucket="bench")
        # One pre-initialized driver: (a) measures the job, not a process start.
        warm = {"HiveDriver": {"workerCount": 1, "workerConfiguration": {"cpu": "2vCPU", "memory": "6GB"}}}
        app_id = client.create_application(name="hive-bench", type="HIVE", releaseLabel="emr-7.9.0",
                                           initialCapacity=warm)["applicationId"]
        client.start_application(applicationId=app_id)
        wait_until(lambda: client.get_application(applicationId=app_id)["application"]["state"] == "STARTED", 60,
                   "the application and its warm worker")
        print("| rows | (a) sparkplane HIVE | (a') server-side, quiet client | (b) Spark local[2] "
              "| (c) DataFusion alone | a/c | a'/c | b/a |")
        print("|---|---|---|---|---|---|---|---|")
        for rows in args.rows:
            csv = base / f"mcd-{rows}.csv"
            generate(rows, csv)
            s3.upload_file(str(csv), "bench", f"mcd{rows}/data.csv")
            table = f"mcd_{rows}"
            s3.put_object(Bucket="bench", Key=f"sql/create-{rows}.sql", Body=(
                f"CREATE EXTERNAL TABLE IF NOT EXISTS {table} (lat string, lon string, alt string, is_broken string, "
                "is_active string, dot string, state string, city string, street string, country string, "
                "last_checked string) ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde' "
                f"LOCATION 's3://bench/mcd{rows}/' TBLPROPERTIES ('skip.header.line.count'='1');").encode())
            s3.put_object(Bucket="bench", Key=f"sql/q-{rows}.sql", Body=(SQL.replace("mcd", table) + ";").encode())
            run_hive(client, app_id, f"s3://bench/sql/create-{rows}.sql")
            a, a_server, b, c = [], [], [], []
            for _ in range(args.rounds):
                query = f"s3://bench/sql/q-{rows}.sql"
                a.append(run_hive(client, app_id, query)[0])
                a_server.append(run_hive(client, app_id, query, poll_seconds=0.25)[1])
                if not args.skip_spark:
                    b.append(run_spark(csv, base))
                c.append(run_datafusion(csv))
            ma, ms, mc = statistics.median(a), statistics.median(a_server), statistics.median(c)
            mb = statistics.median(b) if b else float("nan")
            print(f"| {rows:,} | {ma * 1000:.0f} ms | {ms * 1000:.0f} ms | {mb * 1000:.0f} ms | {mc * 1000:.0f} ms | "
                  f"{ma / mc:.2f} | {ms / mc:.2f} | {mb / ma:.1f} |", flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
