"""A long job keeps working: its credentials are refreshed by the SDK.

The server hands a job only a token for its credentials endpoint; S3A's
provider (the AWS SDK's container credentials provider) fetches a set and
fetches a new one once less than 15 minutes are left. With
`job_credentials_lifetime_seconds` at 920, that point comes 20 seconds in,
so a job that sleeps past it and reads s3:// again does so with a second
key, which the job reads from S3A's own provider chain. When the run ends
the token fetches nothing and every key it fetched is refused by S3.
"""
from __future__ import annotations

import re

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import driver_log_path, read_gz, start_job, unique, wait_for_app_state, wait_for_state
from helpers_base import JOB_TIMEOUT
from helpers_s3 import s3_client

pytestmark = pytest.mark.spark

LIFETIME = 920

JOB = r'''
import sys
import time
from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
bucket = sys.argv[1]
jvm = spark._jvm
fs = jvm.org.apache.hadoop.fs.FileSystem.get(jvm.java.net.URI(f"s3://{bucket}/"),
                                             spark._jsc.hadoopConfiguration())


def s3a_key():
    """The key S3A's own provider chain signs with now (it refetches when due)."""
    credentials = fs.shareCredentials("e2e").getCredentials()
    return credentials.getAWSAccessKeyId(), credentials.getAWSSecretKey(), credentials.getSessionToken()


print("ROWS1=%d" % spark.read.csv(f"s3://{bucket}/data/").count(), flush=True)
first = s3a_key()[0]
# Past the SDK's refetch point: with 920 s sets, less than 15 minutes are
# left after 20 s. (The job's own pace; the test waits on the run's state.)
time.sleep(25)
print("ROWS2=%d" % spark.read.csv(f"s3://{bucket}/data/").count(), flush=True)
spark.range(3).write.mode("overwrite").csv(f"s3://{bucket}/out/")
second = s3a_key()
print("KEYS=%s %s" % (first, second[0]), flush=True)
print("SECOND=%s %s %s" % second, flush=True)
spark.stop()
'''


# Executors as processes of a standalone master: they get the credentials'
# environment from the driver's conf (spark.executorEnv.*).
ELASTIC_JOB = r'''
import os
import sys
from pyspark.sql import SparkSession

spark = SparkSession.builder.getOrCreate()
bucket = sys.argv[1]
print("ROWS=%d" % spark.read.csv(f"s3://{bucket}/data/").count(), flush=True)
seen = spark.sparkContext.parallelize(range(4), 4).map(
    lambda _: "AWS_CONTAINER_AUTHORIZATION_TOKEN" in os.environ).collect()
print("EXECUTOR_ENV=%s" % all(seen), flush=True)
print("EXECUTORS=%d" % spark.sparkContext._jsc.sc().getExecutorIds().size(), flush=True)
spark.range(5).repartition(2).write.mode("overwrite").csv(f"s3://{bucket}/elastic/")
spark.stop()
'''
ELASTIC = (
    "--conf spark.driver.cores=1 --conf spark.executor.cores=1 --conf spark.driver.memory=1g "
    "--conf spark.executor.memory=1g --conf spark.dynamicAllocation.initialExecutors=1 "
    "--conf spark.dynamicAllocation.minExecutors=1 --conf spark.dynamicAllocation.maxExecutors=2"
)


@pytest.fixture(scope="module")
def short_lived(make_server, tmp_path_factory):
    server = make_server(extra_env={"SPARKPLANE_JOB_CREDENTIALS_LIFETIME_SECONDS": str(LIFETIME)}).start()
    client = server.client()
    app_id = client.create_application(name=unique("creds"), releaseLabel="emr-7.9.0", type="SPARK")["applicationId"]
    wait_for_app_state(client, app_id, {"CREATED"})
    bucket = unique("creds")
    s3 = s3_client(server)
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="data/part-0.csv", Body=b"a,b\n1,2\n3,4\n")
    s3.put_object(Bucket=bucket, Key="job.py", Body=JOB.encode())
    s3.put_object(Bucket=bucket, Key="elastic.py", Body=ELASTIC_JOB.encode())
    log_dir = tmp_path_factory.mktemp("creds-logs")
    job = start_job(client, app_id, {"sparkSubmit": {
        "entryPoint": f"s3://{bucket}/job.py", "entryPointArguments": [bucket],
        "sparkSubmitParameters": "--conf spark.driver.memory=1g --conf spark.executor.memory=1g"}}, log_dir=log_dir)
    run = wait_for_state(client, app_id, job, {"SUCCESS", "FAILED"}, timeout=JOB_TIMEOUT)
    stdout = read_gz(driver_log_path(log_dir, app_id, job, "stdout"))
    stderr = read_gz(driver_log_path(log_dir, app_id, job, "stderr"))
    return {"server": server, "client": client, "app_id": app_id, "log_dir": log_dir, "run": run,
            "stdout": stdout, "stderr": stderr, "bucket": bucket}


def line(stdout: str, label: str) -> str:
    found = re.search(rf"^{label}=(.*)$", stdout, re.M)
    assert found, f"{label} not printed by the job:\n{stdout[-3000:]}"
    return found.group(1)


def test_a_job_outliving_its_first_credentials_refreshes_them(short_lived):
    run, stdout = short_lived["run"], short_lived["stdout"]
    assert run["state"] == "SUCCESS", f"{run['stateDetails']}\n{stdout[-3000:]}\n{short_lived['stderr'][-3000:]}"
    assert line(stdout, "ROWS1") == "3" and line(stdout, "ROWS2") == "3"  # with the header line
    first, second = line(stdout, "KEYS").split(" ")
    assert first.startswith("ASIA") and second.startswith("ASIA")
    assert first != second, "S3A's provider kept its first key past the refresh point"
    written = s3_client(short_lived["server"]).list_objects_v2(Bucket=short_lived["bucket"], Prefix="out/")
    assert any(o["Key"].endswith("_SUCCESS") for o in written.get("Contents", [])), written


def test_keys_fetched_during_the_run_are_refused_after_it(short_lived):
    server = short_lived["server"]
    key, secret, token = line(short_lived["stdout"], "SECOND").split(" ")
    s3 = boto3.client("s3", endpoint_url=server.s3_endpoint, region_name=server.region,
                      aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
                      config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1}))
    with pytest.raises(ClientError) as ended:
        s3.list_objects_v2(Bucket=short_lived["bucket"])
    code = ended.value.response["Error"]["Code"]
    assert code in ("ExpiredToken", "InvalidAccessKeyId", "InvalidToken"), ended.value.response
    answer = requests.get(f"{server.endpoint}/sparkplane/v1/credentials", headers={"Authorization": "x"}, timeout=30)
    assert answer.status_code == 403


def test_standalone_executors_fetch_credentials_too(short_lived):
    client, app_id, bucket = short_lived["client"], short_lived["app_id"], short_lived["bucket"]
    job = start_job(client, app_id, {"sparkSubmit": {
        "entryPoint": f"s3://{bucket}/elastic.py", "entryPointArguments": [bucket],
        "sparkSubmitParameters": ELASTIC}}, log_dir=short_lived["log_dir"])
    run = wait_for_state(client, app_id, job, {"SUCCESS", "FAILED"}, timeout=JOB_TIMEOUT)
    stdout = read_gz(driver_log_path(short_lived["log_dir"], app_id, job, "stdout"))
    assert run["state"] == "SUCCESS", f"{run['stateDetails']}\n{stdout[-3000:]}"
    assert line(stdout, "ROWS") == "3"
    assert line(stdout, "EXECUTOR_ENV") == "True"
    assert int(line(stdout, "EXECUTORS")) >= 1
    written = s3_client(short_lived["server"]).list_objects_v2(Bucket=bucket, Prefix="elastic/")
    assert any(o["Key"].endswith("_SUCCESS") for o in written.get("Contents", [])), written
