"""Spark reaches s3:// through Hadoop's S3A connector and the embedded endpoint.

Every read and write of a job is a signed request to the S3 endpoint, made
with the attempt's own temporary credentials (issued from its execution role,
revoked when the attempt ends), so the endpoint's policies apply: a session
policy that only allows reads makes the job's write fail with AccessDenied.
The credentials never appear on a command line: a cold driver reads them from
a 0600 properties file in its attempt dir, a warm one over its stdin.
"""
import json
import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import (ROLE_ARN, job_work_dir, spark_job_driver, start_job, unique, wait_for_app_state, wait_for_state,
                      wait_until)
from helpers_base import processes_referencing
from helpers_s3 import s3_client, s3cli

pytestmark = pytest.mark.spark

SECRETS_FILE = "spark-secrets.conf"

# Reads CSV from s3://, writes parquet to s3://, reads it back through s3a://,
# then (when given a marker URI) waits up to ~90 s for the marker to exist, so
# the test can look at its processes while it runs.
SCRIPT = '''
import sys, time
from pyspark.sql import SparkSession

bucket = sys.argv[1]
marker = sys.argv[2] if len(sys.argv) > 2 else None
spark = SparkSession.builder.getOrCreate()
hconf = spark._jsc.hadoopConfiguration()
print("IMPL=" + hconf.get("fs.s3.impl"))
jvm = spark._jvm
fs = jvm.org.apache.hadoop.fs.Path("s3://%s/" % bucket).getFileSystem(hconf)
print("FS=" + fs.getClass().getName())
df = spark.read.csv("s3://%s/input/people.csv" % bucket, header=True, inferSchema=True)
df.filter("age >= 30").write.mode("overwrite").parquet("s3://%s/out/adults/" % bucket)
back = spark.read.parquet("s3a://%s/out/adults/" % bucket).orderBy("name").collect()
print("BACK=" + ",".join("%s:%d" % (r["name"], r["age"]) for r in back))
if marker:
    print("WAITING", flush=True)
    path = jvm.org.apache.hadoop.fs.Path(marker)
    for _ in range(180):
        if path.getFileSystem(hconf).exists(path):
            break
        time.sleep(0.5)
print("S3A-DONE", flush=True)
spark.stop()
'''

PEOPLE = "name,age\nalice,34\nbob,25\ncarol,41\n"
EXPECTED_BACK = "BACK=alice:34,carol:41"


def read_driver_stdout(server, app_id, job_id) -> str:
    path = job_work_dir(server, app_id, job_id) / "1" / "logs" / "SPARK_DRIVER" / "stdout"
    return path.read_text() if path.exists() else ""


def secrets_of(work: "Path") -> dict:
    props = {}
    for line in (work / SECRETS_FILE).read_text().splitlines():
        key, _, value = line.partition("=")
        props[key] = value.replace("\\=", "=").replace("\\:", ":")
    return props


def session_client(server, props: dict):
    cfg = Config(retries={"mode": "standard", "total_max_attempts": 1}, s3={"addressing_style": "path"})
    return boto3.session.Session().client(
        "s3", endpoint_url=server.s3_endpoint, region_name=server.region,
        aws_access_key_id=props["spark.hadoop.fs.s3a.access.key"],
        aws_secret_access_key=props["spark.hadoop.fs.s3a.secret.key"],
        aws_session_token=props.get("spark.hadoop.fs.s3a.session.token"), config=cfg)


@pytest.fixture(scope="module")
def s3a_bucket(server):
    bucket = unique("s3a")
    s3cli(server, "s3", "mb", f"s3://{bucket}")
    s3 = s3_client(server)
    s3.put_object(Bucket=bucket, Key="code/job.py", Body=SCRIPT.encode())
    s3.put_object(Bucket=bucket, Key="input/people.csv", Body=PEOPLE.encode())
    return bucket


def test_cold_job_reads_and_writes_through_s3a_with_hidden_revoked_credentials(server, client, spark_app,
                                                                                s3a_bucket):
    bucket, app_id = s3a_bucket, spark_app["id"]
    marker = f"s3://{bucket}/markers/{unique('go')}"
    job_id = start_job(client, app_id, spark_job_driver(f"s3://{bucket}/code/job.py", args=[bucket, marker]),
                       name="s3a-cold")
    wait_for_state(client, app_id, job_id, {"RUNNING"})
    work = job_work_dir(server, app_id, job_id) / "1"
    wait_until(lambda: "WAITING" in read_driver_stdout(server, app_id, job_id), 300, "the job's S3A round trip")

    # The secrets file is private and holds the attempt's own session credentials.
    assert (work / SECRETS_FILE).stat().st_mode & 0o777 == 0o600
    props = secrets_of(work)
    access_key = props["spark.hadoop.fs.s3a.access.key"]
    secret, token = props["spark.hadoop.fs.s3a.secret.key"], props.get("spark.hadoop.fs.s3a.session.token")
    assert access_key != server.access_key, "the attempt signs with credentials of its own, not the root's"
    assert token, props.keys()
    assert props["spark.hadoop.fs.s3a.aws.credentials.provider"].endswith("TemporaryAWSCredentialsProvider")
    # They work while the attempt runs ...
    live = session_client(server, props)
    assert live.head_object(Bucket=bucket, Key="input/people.csv")["ContentLength"] == len(PEOPLE)

    # ... and appear in no process's command line (ps), only as the file's path.
    procs = processes_referencing(work)
    assert procs, f"no processes under {work}"
    for pid, cmdline in procs:
        for value in (secret, token, access_key):
            assert value not in cmdline, f"credential on the command line of {pid}: {cmdline[:300]}"
    assert any("--properties-file" in cmdline for _, cmdline in procs), procs

    s3_client(server).put_object(Bucket=bucket, Key=marker.split("/", 3)[3], Body=b"go")
    run = wait_for_state(client, app_id, job_id, {"SUCCESS"})
    assert run["state"] == "SUCCESS"
    stdout = read_driver_stdout(server, app_id, job_id)
    assert "IMPL=org.apache.hadoop.fs.s3a.S3AFileSystem" in stdout, stdout[-3000:]
    assert "FS=org.apache.hadoop.fs.s3a.S3AFileSystem" in stdout, stdout[-3000:]
    assert EXPECTED_BACK in stdout, stdout[-3000:]
    # The output went through the endpoint: plain objects, no checksum files.
    keys = [o["Key"] for o in s3_client(server).list_objects_v2(Bucket=bucket, Prefix="out/adults/")["Contents"]]
    assert "out/adults/_SUCCESS" in keys and any(k.endswith(".parquet") for k in keys), keys
    assert not [k for k in keys if k.endswith(".crc") or "_temporary" in k], keys

    # Nothing the job left behind shows the secrets: its logs and event log.
    for path in work.rglob("*"):
        if path.is_file() and path.name != SECRETS_FILE and path.stat().st_size < 50_000_000:
            data = path.read_bytes()
            for value in (secret, token):
                assert value.encode() not in data, f"a credential in {path}"

    # The file went with the attempt; the credentials are revoked.
    assert not (work / SECRETS_FILE).exists()
    with pytest.raises(ClientError) as denied:
        session_client(server, props).head_object(Bucket=bucket, Key="input/people.csv")
    assert denied.value.response["ResponseMetadata"]["HTTPStatusCode"] in (400, 403), denied.value.response


def test_session_policy_limits_what_the_job_may_do_in_s3(server, client, spark_app, s3a_bucket):
    bucket, app_id = s3a_bucket, spark_app["id"]
    read_only = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"]}]})
    job_id = client.start_job_run(applicationId=app_id, executionRoleArn=ROLE_ARN, name="s3a-read-only",
                                  executionIamPolicy={"policy": read_only},
                                  jobDriver=spark_job_driver(f"s3://{bucket}/code/job.py",
                                                             args=[bucket]))["jobRunId"]
    run = wait_for_state(client, app_id, job_id, {"FAILED"})
    stdout = read_driver_stdout(server, app_id, job_id)
    assert "IMPL=org.apache.hadoop.fs.s3a.S3AFileSystem" in stdout, stdout[-3000:]
    # It could read its input, not write its output.
    assert "AccessDenied" in stdout or "403" in stdout, (run.get("stateDetails"), stdout[-3000:])
    assert "S3A-DONE" not in stdout


def own_bucket(srv) -> str:
    bucket = unique("s3a")
    s3cli(srv, "s3", "mb", f"s3://{bucket}")
    s3 = s3_client(srv)
    s3.put_object(Bucket=bucket, Key="code/job.py", Body=SCRIPT.encode())
    s3.put_object(Bucket=bucket, Key="input/people.csv", Body=PEOPLE.encode())
    return bucket


def test_warm_driver_gets_the_runs_credentials_at_hand_over(fresh_server):
    srv = fresh_server
    client = srv.client()
    bucket = own_bucket(srv)
    # The service's default worker size, so that the run matches the warm driver.
    capacity = {"Driver": {"workerCount": 1, "workerConfiguration": {"cpu": "4vCPU", "memory": "16GB"}}}
    app_id = client.create_application(name=unique("s3a-warm"), type="SPARK", releaseLabel="emr-7.9.0",
                                       initialCapacity=capacity)["applicationId"]
    client.start_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STARTED"}, timeout=300)
    # No sizes of its own (spark_job_driver sets some): the warm driver's plan.
    driver = {"sparkSubmit": {"entryPoint": f"s3://{bucket}/code/job.py", "entryPointArguments": [bucket]}}
    job_id = start_job(client, app_id, driver, name="s3a-warm")
    run = wait_for_state(client, app_id, job_id, {"SUCCESS"}, timeout=300)
    assert run["state"] == "SUCCESS"
    work = job_work_dir(srv, app_id, job_id) / "1"
    stdout = read_driver_stdout(srv, app_id, job_id)
    assert EXPECTED_BACK in stdout, stdout[-3000:]
    assert "FS=org.apache.hadoop.fs.s3a.S3AFileSystem" in stdout, stdout[-3000:]
    # Served warm: the credentials came over the driver's stdin, no file.
    assert (work / "warm-driver.log").exists(), "the run went cold"
    assert not (work / SECRETS_FILE).exists()


def test_direct_bucket_mount_keeps_the_viewfs_path(make_server):
    srv = make_server(extra_args=["--direct-bucket-mount"]).start()
    client = srv.client()
    bucket = own_bucket(srv)
    app_id = client.create_application(name=unique("direct"), type="SPARK",
                                       releaseLabel="emr-7.9.0")["applicationId"]
    job_id = start_job(client, app_id, spark_job_driver(f"s3://{bucket}/code/job.py", args=[bucket]),
                       name="direct-mount")
    wait_for_state(client, app_id, job_id, {"SUCCESS"})
    stdout = read_driver_stdout(srv, app_id, job_id)
    assert "IMPL=org.apache.hadoop.fs.viewfs.ViewFileSystemOverloadScheme" in stdout, stdout[-3000:]
    assert EXPECTED_BACK in stdout, stdout[-3000:]
    assert not (job_work_dir(srv, app_id, job_id) / "1" / SECRETS_FILE).exists()


def test_s3a_signs_for_the_servers_own_region(make_server):
    # hadoop-aws 3.3.1 would sign for us-east-1; the SDK override on the
    # class path gives it the server's region.
    srv = make_server(region="eu-west-1", extra_args=["--region", "eu-west-1"]).start()
    client = srv.client()
    bucket = own_bucket(srv)
    app_id = client.create_application(name=unique("region"), type="SPARK",
                                       releaseLabel="emr-7.9.0")["applicationId"]
    job_id = start_job(client, app_id, spark_job_driver(f"s3://{bucket}/code/job.py", args=[bucket]),
                       name="s3a-region")
    wait_for_state(client, app_id, job_id, {"SUCCESS"})
    stdout = read_driver_stdout(srv, app_id, job_id)
    assert EXPECTED_BACK in stdout, stdout[-3000:]
