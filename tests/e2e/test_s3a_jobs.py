"""Spark reaches s3:// through Hadoop's S3A connector and the embedded endpoint.

Every read and write of a job is a signed request to the S3 endpoint, made
with the attempt's own temporary credentials (issued from its execution role,
revoked when the attempt ends), so the endpoint's policies apply: a session
policy that only allows reads makes the job's write fail with AccessDenied.
The job holds no keys, only a token for the server's container credentials
endpoint in its environment (never on a command line); S3A's SDK provider
fetches the keys with it. A warm driver got its token when it started, bound
to its run at hand-over.
"""
import json
import boto3
import pytest
from botocore.config import Config
import requests
from botocore.exceptions import ClientError

from conftest import (ROLE_ARN, attempt_history_dir, job_work_dir, managed_driver_log, spark_job_driver, start_job,
                      unique, wait_for_app_state, wait_for_state, wait_until)
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
    return managed_driver_log(server, app_id, job_id)


def credentials_env(procs: list[tuple[int, str]]) -> dict:
    """The credentials endpoint's URI and token from the environment of the
    attempt's processes (the driver's JVM and Python have them)."""
    for pid, _ in procs:
        try:
            with open(f"/proc/{pid}/environ", "rb") as fh:
                items = [item.split(b"=", 1) for item in fh.read().split(b"\0") if b"=" in item]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        env = {key.decode(): value.decode("utf-8", "replace") for key, value in items}
        if "AWS_CONTAINER_AUTHORIZATION_TOKEN" in env:
            return env
    raise AssertionError(f"no process of the attempt has a credentials token: {procs}")


def fetch_credentials(server, token: str) -> tuple[int, dict]:
    answer = requests.get(f"{server.endpoint}/sparkplane/v1/credentials", headers={"Authorization": token},
                          timeout=30)
    return answer.status_code, answer.json()


def session_client(server, credentials: dict):
    cfg = Config(retries={"mode": "standard", "total_max_attempts": 1}, s3={"addressing_style": "path"})
    return boto3.session.Session().client(
        "s3", endpoint_url=server.s3_endpoint, region_name=server.region,
        aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["Token"], config=cfg)


@pytest.fixture(scope="module")
def s3a_bucket(server):
    bucket = unique("s3a")
    s3cli(server, "s3", "mb", f"s3://{bucket}")
    s3 = s3_client(server)
    s3.put_object(Bucket=bucket, Key="code/job.py", Body=SCRIPT.encode())
    s3.put_object(Bucket=bucket, Key="input/people.csv", Body=PEOPLE.encode())
    return bucket


def test_cold_job_reads_and_writes_through_s3a_with_fetched_revoked_credentials(server, client, spark_app,
                                                                                s3a_bucket):
    bucket, app_id = s3a_bucket, spark_app["id"]
    marker = f"s3://{bucket}/markers/{unique('go')}"
    job_id = start_job(client, app_id, spark_job_driver(f"s3://{bucket}/code/job.py", args=[bucket, marker]),
                       name="s3a-cold")
    wait_for_state(client, app_id, job_id, {"RUNNING"})
    work = job_work_dir(server, app_id, job_id) / "1"
    wait_until(lambda: "WAITING" in read_driver_stdout(server, app_id, job_id), 300, "the job's S3A round trip")

    # A local[N] run needs no secrets file: the attempt holds only a token
    # for the credentials endpoint, in its environment.
    assert not (work / SECRETS_FILE).exists()
    procs = processes_referencing(work)
    assert procs, f"no processes under {work}"
    env = credentials_env(procs)
    bearer = env["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
    assert env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] == f"{server.endpoint}/sparkplane/v1/credentials"
    status, creds = fetch_credentials(server, bearer)
    assert status == 200 and creds["RoleArn"] == ROLE_ARN, (status, creds)
    access_key, secret, token = creds["AccessKeyId"], creds["SecretAccessKey"], creds["Token"]
    assert access_key.startswith("ASIA") and access_key != server.access_key, "credentials of its own"
    # They work while the attempt runs ...
    live = session_client(server, creds)
    assert live.head_object(Bucket=bucket, Key="input/people.csv")["ContentLength"] == len(PEOPLE)

    # ... and neither they nor the token appear on any process's command line (ps).
    for pid, cmdline in procs:
        for value in (bearer, secret, token, access_key):
            assert value not in cmdline, f"credential on the command line of {pid}: {cmdline[:300]}"

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
        if path.is_file() and path.stat().st_size < 50_000_000:
            data = path.read_bytes()
            for value in (bearer, secret, token):
                assert value.encode() not in data, f"a credential in {path}"

    # The run ended: its token fetches nothing, and the keys it fetched are revoked.
    assert fetch_credentials(server, bearer)[0] == 403
    with pytest.raises(ClientError) as denied:
        session_client(server, creds).head_object(Bucket=bucket, Key="input/people.csv")
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
    # Served warm: the driver's own token, bound at hand-over; no file.
    assert (attempt_history_dir(srv, app_id, job_id) / "warm-driver.log").exists(), "the run went cold"
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
