"""A Hail GWAS, the way "Hail on EMR Serverless" runs one.

The walkthrough builds a venv with Hail, packs it with venv-pack, uploads
it with Hail's own `hail-all-spark.jar`, sets Kryo in the application's
`spark-defaults`, and submits with `--archives ...#pyspark_hail --jars
...hail-all-spark.jar`. The job here is small: a `balding_nichols_model`
and a `linear_regression_rows` over it; the result table goes to `s3://`
through S3A and is read back.

The venv is built once per session (`hail_venv` in conftest.py, with
`hail_job.build_hail_venv`); test_hosts.py runs the same GWAS over hosts.

Run twice: with `local[N]` (executors are threads of the driver) and with
executor processes (dynamic allocation with `maxExecutors`), where every
executor unpacks the venv and fetches the jar itself.
"""
from __future__ import annotations

import json

import pytest

from conftest import (
    JOB_TIMEOUT,
    create_app,
    read_gz,
    spark_job_driver,
    start_job,
    unique,
    wait_driver_log,
    wait_for_state,
)
from hail_job import KRYO, PARAMS, upload_hail_job
from helpers_s3 import s3_client
from test_venv_archives import EXECUTOR_PROCESSES

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def hail_bucket(server, hail_venv):
    archive, jar = hail_venv
    bucket = unique("hail")
    upload_hail_job(s3_client(server), bucket, archive, jar)
    return bucket


@pytest.mark.parametrize("executors", ["local", "processes"])
def test_a_hail_gwas_runs_with_the_walkthroughs_parameters(server, client, hail_bucket, release_label,
                                                           tmp_path, executors):
    bucket = hail_bucket
    params = PARAMS.format(bucket=bucket) + (EXECUTOR_PROCESSES if executors == "processes" else "")
    app_id = create_app(client, name=unique("hail"), release=release_label,
                        runtimeConfiguration=KRYO)["applicationId"]
    log_dir = tmp_path / "logs"
    out = f"s3://{bucket}/out/{executors}/"
    driver = spark_job_driver(f"s3://{bucket}/code/gwas.py", [out], params=params)
    job_id = start_job(client, app_id, driver, log_dir)
    run = wait_for_state(client, app_id, job_id, {"SUCCESS", "FAILED"}, timeout=JOB_TIMEOUT)
    stdout = wait_driver_log(log_dir, app_id, job_id)
    assert run["state"] == "SUCCESS", (run.get("stateDetails"), stdout[-3000:])

    line = next((line for line in stdout.splitlines() if line.startswith("GWAS ")), None)
    assert line, stdout[-3000:]
    result = json.loads(line[len("GWAS "):])
    # Every variant has a regression result, read back from s3://.
    assert result["rows"] == 500 and result["p_values"] == 500, result
    assert {"beta", "p_value", "standard_error", "t_stat"} <= set(result["fields"]), result
    assert result["hail"].startswith("0.2.139") and result["spark"].startswith("3.5."), result
    listed = s3_client(server).list_objects_v2(Bucket=bucket, Prefix=f"out/{executors}/gwas.ht/")
    assert any(obj["Key"].endswith("/_SUCCESS") or obj["Key"].endswith("metadata.json.gz")
               for obj in listed.get("Contents", [])), listed

    if executors == "local":
        assert result["task_cwds"] == [result["driver_cwd"]], result
        return
    # Executor processes: tasks ran in executors' own dirs, each of which
    # unpacked the venv and fetched Hail's jar.
    assert result["driver_cwd"] not in result["task_cwds"], result
    assert all("/executors/worker-" in cwd for cwd in result["task_cwds"]), result
    executor_logs = log_dir / "applications" / app_id / "jobs" / job_id / "SPARK_EXECUTOR"
    stderrs = [read_gz(path) for path in sorted(executor_logs.glob("*/stderr.gz"))]
    assert stderrs, f"no executor logs under {executor_logs}"
    text = "\n".join(stderrs)
    assert "pyspark_hail.tar.gz#pyspark_hail" in text and "hail-all-spark.jar" in text, text[-3000:]
