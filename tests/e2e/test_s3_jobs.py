"""Spark jobs whose code, data, output and logs all live in the embedded S3 endpoint.

The user workflow: `aws s3 mb`, `aws s3 cp` the script, its helper module and
its input, `aws emr-serverless start-job-run` with s3:// URIs everywhere, then
read output and driver logs back with `aws s3`. All runs are submitted at once (module fixture) to the
shared started application; each test waits for its own.
"""
import gzip
import json
import re
import shlex
import subprocess
import zipfile

import pytest

from conftest import AWS_CLI, ROLE_ARN, spark_job_driver, start_job, unique, wait_for_state, wait_until
from helpers_s3 import emr_log_key, s3_client, s3cli, wait_s3_text

pytestmark = pytest.mark.spark

HELPER = '''
from pyspark.sql import functions as F

TAG = "helper-from-s3-4417"


def adults(df):
    return df.filter(F.col("age") >= 30).withColumn("tag", F.lit(TAG))
'''

SCRIPT = '''
import sys
from pyspark.sql import SparkSession
import s3_helper  # shipped with --py-files s3://.../s3_helper.py

bucket = sys.argv[1]
spark = SparkSession.builder.appName("s3-workflow").getOrCreate()
df = spark.read.csv(f"s3://{bucket}/input/people.csv", header=True, inferSchema=True)
out = s3_helper.adults(df).orderBy("name")
rows = out.collect()
print("ROWS=%d" % len(rows))
for r in rows:
    print("ROW %s,%d,%s" % (r["name"], r["age"], r["tag"]))
out.coalesce(1).write.mode("overwrite").csv(f"s3a://{bucket}/out/")
print("S3-WORKFLOW-DONE-2291", flush=True)
spark.stop()
'''

PEOPLE = "name,age\nalice,34\nbob,25\ncarol,41\ndave,30\nerin,19\n"
EXPECTED = ["alice,34,helper-from-s3-4417", "carol,41,helper-from-s3-4417", "dave,30,helper-from-s3-4417"]

# --files, --archives (with #alias) and --jars, all from s3://
DEPS = '''
import os
from pyspark import SparkFiles
from pyspark.sql import SparkSession
spark = SparkSession.builder.appName("s3-deps").getOrCreate()
sc = spark.sparkContext
print("FILE=" + open(SparkFiles.get("lookup.txt")).read().strip())
print("FILE-ON-EXECUTOR=" + sc.parallelize([0], 1).map(
    lambda _: open(SparkFiles.get("lookup.txt")).read().strip()).collect()[0])
found = None
for base in (os.getcwd(), SparkFiles.getRootDirectory()):
    path = os.path.join(base, "bundle", "inner.txt")
    if os.path.exists(path):
        found = open(path).read().strip()
        break
print("ARCHIVE=%s" % found)
print("JARS=" + sc._jsc.sc().listJars().mkString(","))
print("S3-DEPS-DONE", flush=True)
spark.stop()
'''

LIVE_MARKER = "live-log-marker-6630"
# Prints a marker, then waits (at most ~60 s) until the test creates the release object.
LIVE = f'''
import sys, time
print("{LIVE_MARKER}", flush=True)
from pyspark.sql import SparkSession
spark = SparkSession.builder.appName("s3-live-log").getOrCreate()
path = spark._jvm.org.apache.hadoop.fs.Path(sys.argv[1])
fs = path.getFileSystem(spark._jsc.hadoopConfiguration())
deadline = time.monotonic() + 60
released = False
while time.monotonic() < deadline:
    if fs.exists(path):
        released = True
        break
    time.sleep(0.5)
print("LIVE-RELEASED=%s" % released, flush=True)
spark.stop()
'''


def s3_log_overrides(bucket: str, prefix: str = "logs/") -> dict:
    return {"monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": f"s3://{bucket}/{prefix}"}}}


@pytest.fixture(scope="module")
def s3jobs(server, client, spark_app, tmp_path_factory):
    d = tmp_path_factory.mktemp("s3-job-files")
    bucket = unique("jobs")
    s3cli(server, "s3", "mb", f"s3://{bucket}")
    (d / "workflow.py").write_text(SCRIPT)
    (d / "s3_helper.py").write_text(HELPER)
    (d / "people.csv").write_text(PEOPLE)
    (d / "live.py").write_text(LIVE)
    (d / "deps.py").write_text(DEPS)
    (d / "lookup.txt").write_text("lookup-value-5150\n")
    with zipfile.ZipFile(d / "bundle.zip", "w") as zf:
        zf.writestr("inner.txt", "archive-value-7788\n")
    with zipfile.ZipFile(d / "e2e-extra.jar", "w") as zf:
        zf.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
        zf.writestr("e2e/marker.txt", "jar\n")
    s3cli(server, "s3", "cp", str(d / "workflow.py"), f"s3://{bucket}/code/")
    s3cli(server, "s3", "cp", str(d / "s3_helper.py"), f"s3://{bucket}/code/")
    s3cli(server, "s3", "cp", str(d / "live.py"), f"s3://{bucket}/code/")
    for name in ("deps.py", "lookup.txt", "bundle.zip", "e2e-extra.jar"):
        s3cli(server, "s3", "cp", str(d / name), f"s3://{bucket}/deps/")
    s3cli(server, "s3", "cp", str(d / "people.csv"), f"s3://{bucket}/input/people.csv")

    app_id = spark_app["id"]
    logs = s3_log_overrides(bucket)
    ids = {}
    ids["missing"] = start_job(client, app_id, spark_job_driver(f"s3://{bucket}/code/does-not-exist.py"),
                               name="s3-missing", configurationOverrides=logs)
    ids["missing_bucket"] = start_job(client, app_id, spark_job_driver(f"s3://{unique('nobucket')}/x/job.py"),
                                      name="s3-missing-bucket")
    # submitted the way a user would: `aws emr-serverless start-job-run`
    driver = spark_job_driver(f"s3://{bucket}/code/workflow.py", args=[bucket],
                              params=f"--py-files s3://{bucket}/code/s3_helper.py")
    ids["workflow"] = server.aws("emr-serverless", "start-job-run", "--application-id", app_id,
                                 "--execution-role-arn", ROLE_ARN, "--name", "s3-workflow",
                                 "--job-driver", json.dumps(driver),
                                 "--configuration-overrides", json.dumps(logs))["jobRunId"]
    ids["deps"] = start_job(
        client, app_id,
        spark_job_driver(f"s3://{bucket}/deps/deps.py",
                         params=f"--files s3://{bucket}/deps/lookup.txt "
                                f"--archives s3a://{bucket}/deps/bundle.zip#bundle "
                                f"--jars s3://{bucket}/deps/e2e-extra.jar"),
        name="s3-deps", configurationOverrides=logs)
    ids["live"] = start_job(client, app_id,
                            spark_job_driver(f"s3://{bucket}/code/live.py", args=[f"s3://{bucket}/markers/release"]),
                            name="s3-live", configurationOverrides=logs)
    return {"bucket": bucket, "app_id": app_id, "ids": ids}


def aws_s3_gunzip(server, uri: str) -> subprocess.CompletedProcess:
    """`aws s3 cp <uri> - | gunzip`, as a user would type it."""
    cmd = (f"{shlex.quote(AWS_CLI)} s3 cp {shlex.quote(uri)} - --endpoint-url {server.s3_endpoint} "
           "| gunzip")
    return subprocess.run(["bash", "-o", "pipefail", "-c", cmd], capture_output=True, text=True, timeout=120,
                          env=server.aws_env())


# --------------------------------------------------------------------------- the full workflow


@pytest.fixture(scope="module")
def workflow(client, s3jobs):
    return wait_for_state(client, s3jobs["app_id"], s3jobs["ids"]["workflow"], {"SUCCESS"})


def test_workflow_output_listed_by_aws_s3_ls(server, s3jobs, workflow):
    bucket = s3jobs["bucket"]
    lines = s3cli(server, "s3", "ls", f"s3://{bucket}/out/").stdout.splitlines()
    names = [ln.split()[-1] for ln in lines]
    parts = [n for n in names if re.fullmatch(r"part-\d{5}-.*\.csv", n)]
    assert len(parts) == 1, lines  # coalesce(1)
    assert "_SUCCESS" in names, lines
    assert not [n for n in names if n.endswith(".crc")], f"checksum side files in the bucket: {names}"
    # the same objects are plain files in the bucket directory
    on_disk = sorted(p.name for p in (server.data_dir / "s3" / bucket / "out").iterdir())
    assert sorted(names) == on_disk


def test_workflow_output_content(server, s3jobs, workflow):
    bucket = s3jobs["bucket"]
    listed = s3cli(server, "s3", "ls", "--recursive", f"s3://{bucket}/out/").stdout.split()
    parts = [k for k in listed if re.search(r"/part-\d{5}-.*\.csv$", k)]
    assert parts, listed
    text = "".join(s3cli(server, "s3", "cp", f"s3://{bucket}/{k}", "-").stdout for k in parts)
    assert text.splitlines() == EXPECTED


def test_workflow_driver_stdout_in_s3_log_uri(server, s3jobs, workflow):
    bucket, app_id, job_id = s3jobs["bucket"], s3jobs["app_id"], s3jobs["ids"]["workflow"]
    uri = f"s3://{bucket}/{emr_log_key('logs/', app_id, job_id)}"

    def final_log():
        cp = aws_s3_gunzip(server, uri)
        return cp.stdout if cp.returncode == 0 and "S3-WORKFLOW-DONE-2291" in cp.stdout else None

    out = wait_until(final_log, 30, f"`aws s3 cp {uri} - | gunzip` to show the finished run's output")
    lines = out.splitlines()
    assert "ROWS=3" in lines, out[-3000:]
    for row in EXPECTED:
        assert f"ROW {row}" in lines, out[-3000:]

    listed = s3cli(server, "s3", "ls", "--recursive", f"s3://{bucket}/logs/").stdout
    prefix = f"logs/applications/{app_id}/jobs/{job_id}/SPARK_DRIVER/"
    assert prefix + "stdout.gz" in listed and prefix + "stderr.gz" in listed, listed


def test_workflow_run_reports_s3_uris(client, s3jobs, workflow):
    bucket = s3jobs["bucket"]
    sub = workflow["jobDriver"]["sparkSubmit"]
    assert sub["entryPoint"] == f"s3://{bucket}/code/workflow.py"
    assert f"--py-files s3://{bucket}/code/s3_helper.py" in sub["sparkSubmitParameters"]
    log_uri = workflow["configurationOverrides"]["monitoringConfiguration"]["s3MonitoringConfiguration"]["logUri"]
    assert log_uri == f"s3://{bucket}/logs/"


# --------------------------------------------------------------------------- --files / --archives / --jars


def test_files_archives_jars_from_s3(server, client, s3jobs):
    bucket, app_id, job_id = s3jobs["bucket"], s3jobs["app_id"], s3jobs["ids"]["deps"]
    wait_for_state(client, app_id, job_id, {"SUCCESS"})
    out = wait_s3_text(s3_client(server), bucket, emr_log_key("logs/", app_id, job_id),
                       lambda t: "S3-DEPS-DONE" in t, 30, "the deps job's final stdout.gz")
    lines = out.splitlines()
    assert "FILE=lookup-value-5150" in lines, out[-3000:]
    assert "FILE-ON-EXECUTOR=lookup-value-5150" in lines, out[-3000:]
    assert "ARCHIVE=archive-value-7788" in lines, out[-3000:]
    jars = next((ln for ln in lines if ln.startswith("JARS=")), "")
    assert "e2e-extra.jar" in jars, out[-3000:]


# --------------------------------------------------------------------------- missing entry point


@pytest.mark.parametrize("which", ["missing", "missing_bucket"])
def test_missing_s3_entry_point_fails_naming_uri(client, s3jobs, which):
    # submitted first, so it is launched (and fails staging) right away: no need for the long job timeout
    run = wait_for_state(client, s3jobs["app_id"], s3jobs["ids"][which], {"FAILED"}, timeout=180)
    uri = run["jobDriver"]["sparkSubmit"]["entryPoint"]
    assert uri.startswith("s3://")
    assert f"entry point not found: {uri}" in run["stateDetails"], run["stateDetails"]
    assert run.get("endedAt") is not None


# --------------------------------------------------------------------------- live logs


def test_running_job_log_visible_in_s3_before_it_ends(server, client, s3jobs):
    bucket, app_id, job_id = s3jobs["bucket"], s3jobs["app_id"], s3jobs["ids"]["live"]
    s3 = s3_client(server)
    key = emr_log_key("logs/", app_id, job_id)
    wait_for_state(client, app_id, job_id, {"RUNNING"})
    try:
        # the script waits <= 60 s for the release object; logs ship every 5 s
        text = wait_s3_text(s3, bucket, key, lambda t: LIVE_MARKER in t, 90,
                            f"s3://{bucket}/{key} to contain {LIVE_MARKER} while the job runs")
        run = client.get_job_run(applicationId=app_id, jobRunId=job_id)["jobRun"]
        assert run["state"] == "RUNNING", (run["state"], run.get("stateDetails"))
        assert "LIVE-RELEASED" not in text
    finally:
        # let the job finish (whatever happened above)
        s3cli(server, "s3", "cp", "-", f"s3://{bucket}/markers/release", input="go\n")

    wait_for_state(client, app_id, job_id, {"SUCCESS"}, timeout=180)
    final = wait_s3_text(s3, bucket, key, lambda t: "LIVE-RELEASED=" in t, 30, "the final log upload")
    assert "LIVE-RELEASED=True" in final, final[-2000:]
    assert gzip.decompress(s3.get_object(Bucket=bucket, Key=key)["Body"].read()).decode() == final
