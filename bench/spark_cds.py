#!/usr/bin/env python3
"""Cold Spark starts with and without the runtime's class-data-sharing
archive: submit -> SUCCESS of the same small PySpark job on two servers that
share one runtime dir, one with `SPARKPLANE_SPARK_CDS=false` (the baseline)
and one with the archive (the default). Neither application has
pre-initialized capacity, so every run starts a new driver JVM.

Runs alternate baseline/CDS per round; medians and the ratio are printed as
a Markdown table for BENCHMARKS.md. Usage, after building and installing the
runtime (which records the archive):
  cargo build -p sparkplane-cli && target/debug/sparkplane runtime install
  .venv/bin/python bench/spark_cds.py --rounds 5
"""
import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import run_timed, start_server, wait_until  # noqa: E402

SPARK_SCRIPT = """
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
print(spark.range(1000).count())
"""
SIZES = ("--conf spark.driver.cores=1 --conf spark.driver.memory=1g --conf spark.executor.cores=1 "
         "--conf spark.executor.memory=1g --conf spark.executor.instances=1 --conf spark.dynamicAllocation.enabled=false")


def started_app(client) -> str:
    app_id = client.create_application(name="bench-cds", type="SPARK", releaseLabel="emr-7.9.0")["applicationId"]
    client.start_application(applicationId=app_id)
    wait_until(lambda: client.get_application(applicationId=app_id)["application"]["state"] == "STARTED",
               60, "the application to start")
    return app_id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sparkplane-bench-cds-") as tmp:
        tmp = Path(tmp)
        script = tmp / "count.py"
        script.write_text(SPARK_SCRIPT)
        servers = {}
        for name, cds in (("baseline", "false"), ("cds", "true")):
            (tmp / name).mkdir()
            proc, client = start_server(tmp / name, env={"SPARKPLANE_SPARK_CDS": cds})
            servers[name] = (proc, client, started_app(client))
        driver = {"sparkSubmit": {"entryPoint": str(script), "sparkSubmitParameters": SIZES}}
        times = {name: [] for name in servers}
        try:
            for _ in range(args.rounds):
                for name, (_, client, app_id) in servers.items():
                    times[name].append(run_timed(client, app_id, 0.05, jobDriver=driver)[1])
        finally:
            for proc, _, _ in servers.values():
                proc.terminate()
                proc.wait(timeout=60)
        base, cds = statistics.median(times["baseline"]), statistics.median(times["cds"])
        print("| cold Spark run (submit -> SUCCESS) | median | runs |")
        print("|---|---|---|")
        print(f"| without CDS archive (baseline) | {base:.2f} s | {', '.join(f'{t:.2f}' for t in times['baseline'])} |")
        print(f"| with CDS archive | {cds:.2f} s | {', '.join(f'{t:.2f}' for t in times['cds'])} |")
        print(f"\nbaseline / CDS = {base / cds:.2f}x")


if __name__ == "__main__":
    sys.exit(main())
