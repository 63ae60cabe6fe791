"""Release labels run the Spark minor of their EMR release.

emr-6.9.0 ships Spark 3.3 and emr-6.12.0 Spark 3.4; each application runs
the McDonald's job on its own runtime (pyspark 3.3.4 and 3.4.4 from PyPI,
installed on first use), and the job says which Spark it ran on. The 3.3
runtime also runs a Python UDF (its vendored cloudpickle is upgraded at
install for Python 3.11). emr-6.7.0 ships Spark 3.2, which cannot run on
Java 17: refused with the nearest label that runs.
"""
from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from conftest import ROLE_ARN, unique, wait_for_state
from helpers_base import MCDONALDS_CSV, MCDONALDS_PY, driver_log_path, read_gz, spark_job_driver
from helpers_s3 import s3_client

pytestmark = pytest.mark.spark

UDF_JOB = r'''
from pyspark.sql import SparkSession
from pyspark.sql.functions import udf
spark = SparkSession.builder.getOrCreate()
shout = udf(lambda s: s.upper())
print("UDF=" + spark.createDataFrame([("abc",)], ["s"]).select(shout("s")).first()[0], flush=True)
print("RDD=%d" % spark.sparkContext.parallelize(range(4)).map(lambda x: x * 2).sum(), flush=True)
spark.stop()
'''


@pytest.fixture(scope="module")
def bucket(server):
    name = unique("labels")
    s3 = s3_client(server)
    s3.create_bucket(Bucket=name)
    s3.upload_file(str(MCDONALDS_CSV), name, "data/mcdonalds_dataset.csv")
    s3.upload_file(str(MCDONALDS_PY), name, "code/mcdonalds.py")
    s3.put_object(Bucket=name, Key="code/udf.py", Body=UDF_JOB.encode())
    return name


def run_on(client, label: str, bucket: str, script: str, args: list[str], log_dir) -> tuple[dict, str, str]:
    app = client.create_application(name=unique("label"), type="SPARK", releaseLabel=label)["applicationId"]
    job = client.start_job_run(
        applicationId=app, executionRoleArn=ROLE_ARN,
        jobDriver=spark_job_driver(f"s3://{bucket}/code/{script}", args=args),
        configurationOverrides={"monitoringConfiguration": {
            "s3MonitoringConfiguration": {"logUri": f"file://{log_dir}"}}})["jobRunId"]
    # The first job of a label installs its runtime from PyPI.
    run = wait_for_state(client, app, job, {"SUCCESS", "FAILED", "CANCELLED"}, timeout=900)
    stdout = read_gz(driver_log_path(log_dir, app, job, "stdout"))
    stderr = read_gz(driver_log_path(log_dir, app, job, "stderr"))
    return run, stdout, stderr


@pytest.mark.parametrize("label,version", [("emr-6.9.0", "3.3.4"), ("emr-6.12.0", "3.4.4")])
def test_emr6_labels_run_mcdonalds_on_their_spark(server, client, bucket, tmp_path, label, version):
    run, stdout, stderr = run_on(client, label, bucket, "mcdonalds.py",
                            [f"s3://{bucket}/data/mcdonalds_dataset.csv", f"s3://{bucket}/out-{label}"], tmp_path)
    assert run["state"] == "SUCCESS", run.get("stateDetails")
    assert run["releaseLabel"] == label
    # spark-submit merges a Python driver's stderr into its stdout.
    assert f"running on Spark {version}" in stdout + stderr, stdout[-2000:]
    written = s3_client(server).list_objects_v2(Bucket=bucket, Prefix=f"out-{label}/")
    assert written.get("KeyCount", 0) > 0, "the job wrote its result"


def test_spark_33_runs_python_functions(client, bucket, tmp_path):
    run, stdout, _ = run_on(client, "emr-6.9.0", bucket, "udf.py", [], tmp_path)
    assert run["state"] == "SUCCESS", run.get("stateDetails")
    assert "UDF=ABC" in stdout and "RDD=12" in stdout, stdout[-2000:]


@pytest.mark.parametrize("label", ["emr-6.6.0", "emr-6.7.0"])
def test_spark_32_labels_are_refused_with_the_nearest(client, label):
    with pytest.raises(ClientError) as refused:
        client.create_application(name=unique("old"), type="SPARK", releaseLabel=label)
    error = refused.value.response["Error"]
    assert error["Code"] == "ValidationException", error
    assert label in error["Message"] and "emr-6.8.0" in error["Message"] and "Java 17" in error["Message"], error


def test_runtime_list_shows_the_table(server):
    out = server.cli("runtime", "list").stdout
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("emr-")}
    assert "3.3.0" in lines["emr-6.9.x"] and "pyspark 3.3.4" in lines["emr-6.9.x"], out
    assert "pyspark 3.4.4" in lines["emr-6.12.x"], out
    assert "refused" in lines["emr-6.7.x"], out
    assert "pyspark 3.5.8" in lines["emr-7.9.x"] and lines["emr-7.9.x"].rstrip().endswith("yes"), out
