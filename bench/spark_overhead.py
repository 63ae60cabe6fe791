#!/usr/bin/env python3
"""Overhead of running a Spark job through sparkplane, against spark-submit alone.

Runs the McDonald's job N times each way, alternating so that both see the same
machine state:
  (a) sparkplane: StartJobRun on a started application, polling GetJobRun
      every 50 ms until SUCCESS (submit -> SUCCESS, as a user sees it);
  (b) direct: the same spark-submit command line sparkplane runs, from the
      same runtime, in a scratch directory.
Prints the medians and the ratio a/b. Usage (after `cargo build -p sparkplane-cli`):
  .venv/bin/python bench/spark_overhead.py [--runs 5]
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


from common import REPO, RUNTIME_DIR, run_to_end, start_server  # noqa: E402  (bench/ is the script's folder)

SCRIPT = REPO / "examples" / "mcdonalds.py"
DATA = REPO / "examples" / "data" / "mcdonalds_dataset.csv"
# The job's own sizing; sparkplane turns it into local[2] and -Xmx1g.
CONF = {
    "spark.driver.cores": "1",
    "spark.driver.memory": "1g",
    "spark.executor.cores": "1",
    "spark.executor.memory": "1g",
    "spark.executor.instances": "2",
    "spark.dynamicAllocation.enabled": "false",
}
# What sparkplane adds on its own (crates/engine/src/spark/mod.rs).
SPARKPLANE_DEFAULTS = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.ui.showConsoleProgress": "false",
}


def run_sparkplane(client, app_id):
    params = " ".join(f"--conf {k}={v}" for k, v in CONF.items())
    driver = {"entryPoint": str(SCRIPT), "entryPointArguments": [str(DATA)], "sparkSubmitParameters": params}
    return run_to_end(client, app_id, 0.05, jobDriver={"sparkSubmit": driver})


def run_direct(scratch: Path):
    spark_home = RUNTIME_DIR / "spark-3.5.8" / "pyspark"
    workdir = Path(tempfile.mkdtemp(dir=scratch))
    shutil.copy(SCRIPT, workdir / SCRIPT.name)
    cmd = [str(spark_home / "bin" / "spark-submit"), "--master", "local[2]"]
    for key, value in sorted({**SPARKPLANE_DEFAULTS, **CONF}.items()):
        cmd += ["--conf", f"{key}={value}"]
    cmd += [str(workdir / SCRIPT.name), str(DATA)]
    env = dict(os.environ, SPARK_HOME=str(spark_home), PYTHONPATH=str(RUNTIME_DIR / "spark-3.5.8"),
               PYSPARK_PYTHON="python3", SPARK_LOCAL_IP="127.0.0.1")
    start = time.monotonic()
    result = subprocess.run(cmd, cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    elapsed = time.monotonic() - start
    if result.returncode != 0 or b"Houston,False,105" not in result.stdout:
        raise SystemExit(f"direct spark-submit failed ({result.returncode})")
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="sparkplane-bench."))
    proc, client = start_server(base)
    try:
        app_id = client.create_application(name="bench", type="SPARK", releaseLabel="emr-7.9.0")["applicationId"]
        client.start_application(applicationId=app_id)
        run_sparkplane(client, app_id)  # warm-up: runtime install, page cache, JIT of nothing
        through, direct = [], []
        for i in range(args.runs):
            through.append(run_sparkplane(client, app_id))
            direct.append(run_direct(base))
            print(f"run {i + 1}: sparkplane {through[-1]:.2f}s  direct {direct[-1]:.2f}s", flush=True)
        a, b = statistics.median(through), statistics.median(direct)
        print(f"median sparkplane submit->SUCCESS: {a:.2f}s")
        print(f"median direct spark-submit:        {b:.2f}s")
        print(f"ratio: {a / b:.3f}")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
