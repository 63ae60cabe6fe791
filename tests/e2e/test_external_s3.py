"""s3:// URIs served by an external S3-compatible service instead of the embedded endpoint.

The test starts `moto_server` (from moto[server]) on a free port, and a
sparkplane server with `--s3-listen off` and SPARKPLANE_S3_ENDPOINT pointing at
it. The server itself fetches the entry point and uploads the driver logs
there; the job does not touch S3 (the runtime ships no hadoop-aws).
"""
import gzip
import socket

import pytest

from conftest import (
    JOB_TIMEOUT,
    create_app,
    spark_job_driver,
    start_job,
    unique,
    wait_for_app_state,
    wait_for_state,
)
from helpers_s3 import MotoServer, emr_log_key, wait_s3_text

pytestmark = pytest.mark.spark

MARKER = "external-s3-job-output-8123"
SCRIPT = f'''
import sys
from pyspark.sql import SparkSession
spark = SparkSession.builder.appName("external-s3").getOrCreate()
total = spark.sparkContext.parallelize(range(1, 101)).sum()
print("{MARKER} sum=%d args=%s" % (total, ",".join(sys.argv[1:])), flush=True)
spark.stop()
'''


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    srv = MotoServer(tmp_path_factory.mktemp("moto")).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def ext(moto, make_server, release_label):
    server = make_server(extra_args=["--s3-listen", "off"], extra_env=moto.sparkplane_env())
    server.start()
    client = server.client()
    s3 = moto.client()
    bucket = unique("ext")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="code/job.py", Body=SCRIPT.encode())

    app_id = create_app(client, name="external-s3", release=release_label)["applicationId"]
    client.start_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STARTED"}, timeout=JOB_TIMEOUT)
    logs = {"monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": f"s3://{bucket}/emr-logs/"}}}
    ids = {
        "ok": start_job(client, app_id, spark_job_driver(f"s3://{bucket}/code/job.py", args=["one", "two"]),
                        name="external-ok", configurationOverrides=logs),
        "missing": start_job(client, app_id, spark_job_driver(f"s3://{bucket}/code/missing.py"),
                             name="external-missing", configurationOverrides=logs),
    }
    return {"server": server, "client": client, "s3": s3, "bucket": bucket, "app_id": app_id, "ids": ids}


def test_embedded_endpoint_is_off(ext):
    with socket.socket() as sock:
        sock.settimeout(2)
        assert sock.connect_ex(("127.0.0.1", ext["server"].s3_port)) != 0, "--s3-listen off still listens"
    assert not (ext["server"].data_dir / "s3").exists() or not any((ext["server"].data_dir / "s3").iterdir())


def test_job_from_external_s3_succeeds_and_logs_there(ext):
    app_id, job_id, s3, bucket = ext["app_id"], ext["ids"]["ok"], ext["s3"], ext["bucket"]
    run = wait_for_state(ext["client"], app_id, job_id, {"SUCCESS"})
    assert run["jobDriver"]["sparkSubmit"]["entryPoint"] == f"s3://{bucket}/code/job.py"

    key = emr_log_key("emr-logs/", app_id, job_id)
    out = wait_s3_text(s3, bucket, key, lambda t: MARKER in t, 30, f"s3://{bucket}/{key} (in moto) to show the output")
    assert f"{MARKER} sum=5050 args=one,two" in out.splitlines(), out[-2000:]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix="emr-logs/")["Contents"]]
    assert emr_log_key("emr-logs/", app_id, job_id, "stderr") in keys, keys
    # the log really is gzip, byte for byte as stored
    assert gzip.decompress(s3.get_object(Bucket=bucket, Key=key)["Body"].read()).decode() == out


def test_missing_object_in_external_s3_fails_naming_uri(ext):
    run = wait_for_state(ext["client"], ext["app_id"], ext["ids"]["missing"], {"FAILED"}, timeout=180)
    uri = f"s3://{ext['bucket']}/code/missing.py"
    assert f"entry point not found: {uri}" in run["stateDetails"], run["stateDetails"]
