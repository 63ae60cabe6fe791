"""Jobs run with their execution role's permissions and nothing more.

A PySpark job reaches s3:// through S3A with its attempt's temporary
credentials, fetched from the server's container credentials endpoint, so
the embedded S3 endpoint decides every read and write by the role's
policies narrowed by the run's executionIamPolicy; the attempt's token and
every key it fetched stop working when the run ends.
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import driver_log_path, read_gz, start_job, unique, wait_for_state
from helpers_s3 import s3_client, s3cli

pytestmark = pytest.mark.spark

JOB = r'''
import json
import os
import sys
import urllib.request
from pyspark.sql import SparkSession

spark = SparkSession.builder.appName("roles").getOrCreate()
inb, outb, secret = sys.argv[1:4]
df = spark.read.csv(f"s3://{inb}/data/", header=True)
df.write.mode("overwrite").parquet(f"s3a://{outb}/public/result/")
print("ROWS=%d" % spark.read.parquet(f"s3://{outb}/public/result/").count(), flush=True)


def attempt(label, fn):
    try:
        fn()
        print(f"{label}=ALLOWED", flush=True)
    except Exception as exc:  # the job reports what S3 said
        text = str(exc).replace("\n", " ")
        print(f"{label}=DENIED {text[:4000]}", flush=True)
        print(f"{label} failed: {text[:4000]}", file=sys.stderr, flush=True)


attempt("READ_SECRET", lambda: spark.read.csv(f"s3://{secret}/data/").count())
attempt("WRITE_IN", lambda: spark.range(1).write.mode("overwrite").csv(f"s3://{inb}/evil/"))
attempt("WRITE_PRIVATE", lambda: spark.range(1).write.mode("overwrite").csv(f"s3://{outb}/private/x/"))
conf = spark._jsc.hadoopConfiguration()
print("IMPL=%s" % conf.get("fs.s3.impl"), flush=True)
print("PROVIDER=%s STATIC=%s" % (conf.get("fs.s3a.aws.credentials.provider"), conf.get("fs.s3a.access.key")))
# What the SDK does: the endpoint and token from the environment.
uri, token = os.environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"], os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
got = json.load(urllib.request.urlopen(urllib.request.Request(uri, headers={"Authorization": token}), timeout=30))
print("ENDPOINT=%s" % uri, flush=True)
print("CREDS=%s %s %s %s" % (got["AccessKeyId"], got["SecretAccessKey"], got["Token"], token), flush=True)
print("ROLE=%s EXPIRES=%s" % (got["RoleArn"], got["Expiration"]), flush=True)
spark.stop()
'''


@pytest.fixture(scope="module")
def roles_setup(server, client, spark_app, tmp_path_factory):
    root = s3_client(server)
    names = {kind: unique(kind) for kind in ("in", "out", "secret", "code")}
    for name in names.values():
        root.create_bucket(Bucket=name)
    for kind in ("in", "secret"):
        root.put_object(Bucket=names[kind], Key="data/part-0.csv", Body=b"city,n\nHouston,1\nChicago,2\n")
    root.put_object(Bucket=names["code"], Key="roles.py", Body=JOB.encode())
    role_arn = server.create_job_role(unique("job-role"), [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": [f"arn:aws:s3:::{names['in']}", f"arn:aws:s3:::{names['in']}/*",
                      f"arn:aws:s3:::{names['code']}", f"arn:aws:s3:::{names['code']}/*"]},
        {"Effect": "Allow", "Action": "s3:*",
         "Resource": [f"arn:aws:s3:::{names['out']}", f"arn:aws:s3:::{names['out']}/*"]},
    ])
    narrowing = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{names['out']}/private/*"}]})
    driver = {"sparkSubmit": {
        "entryPoint": f"s3://{names['code']}/roles.py",
        "entryPointArguments": [names["in"], names["out"], names["secret"]],
        "sparkSubmitParameters": "--conf spark.driver.memory=1g --conf spark.executor.memory=1g"}}
    job = start_job(client, spark_app["id"], driver, log_dir=spark_app["log_dir"],
                    executionRoleArn=role_arn, executionIamPolicy={"policy": narrowing})
    run = wait_for_state(client, spark_app["id"], job, {"SUCCESS", "FAILED"})
    stdout = read_gz(driver_log_path(spark_app["log_dir"], spark_app["id"], job, "stdout"))
    stderr = read_gz(driver_log_path(spark_app["log_dir"], spark_app["id"], job, "stderr"))
    return {"names": names, "run": run, "stdout": stdout, "stderr": stderr, "role_arn": role_arn}


def line(stdout: str, label: str) -> str:
    found = re.search(rf"^{label}=(.*)$", stdout, re.M)
    assert found, f"{label} not printed by the job:\n{stdout[-3000:]}"
    return found.group(1)


def test_the_job_reads_in_and_writes_out_through_s3a(roles_setup):
    assert roles_setup["run"]["state"] == "SUCCESS", roles_setup["run"]["stateDetails"]
    assert line(roles_setup["stdout"], "ROWS") == "2"
    assert line(roles_setup["stdout"], "IMPL") == "org.apache.hadoop.fs.s3a.S3AFileSystem"


def test_credentials_come_from_the_endpoint_not_the_configuration(server, roles_setup):
    stdout = roles_setup["stdout"]
    assert line(stdout, "PROVIDER") == "com.amazonaws.auth.EC2ContainerCredentialsProviderWrapper STATIC=None"
    assert line(stdout, "ENDPOINT") == f"{server.endpoint}/sparkplane/v1/credentials"
    role, expires = line(stdout, "ROLE").split(" EXPIRES=")
    assert role == roles_setup["role_arn"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", expires), expires
    # Only the token is handed to the job: no key on any Spark command line
    # or in the properties the UI shows (spark.executorEnv.* is redacted).
    token = line(stdout, "CREDS").split(" ")[3]
    logs = roles_setup["stderr"]
    assert token not in logs, "the token is in the driver's log"


def test_outside_the_role_is_denied_inside_the_job(roles_setup):
    for label in ("READ_SECRET", "WRITE_IN"):
        outcome = line(roles_setup["stdout"], label)
        assert outcome.startswith("DENIED"), f"{label}: {outcome}"
        assert "403" in outcome or "AccessDenied" in outcome or "Forbidden" in outcome, outcome
    # S3A turns S3's 403 into java.nio.file.AccessDeniedException; PySpark's
    # own stderr is merged into the driver's stdout, so look at both logs.
    logs = roles_setup["stdout"] + roles_setup["stderr"]
    assert "READ_SECRET failed" in logs and "AccessDenied" in logs, logs[-3000:]


def test_execution_iam_policy_narrows_the_role(roles_setup):
    outcome = line(roles_setup["stdout"], "WRITE_PRIVATE")
    assert outcome.startswith("DENIED"), outcome


def fetch_credentials(server, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(f"{server.endpoint}/sparkplane/v1/credentials",
                                     headers={"Authorization": token})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as err:
        return err.code, json.load(err)


def test_unknown_tokens_are_refused(server):
    for token in ("", "0" * 64, "not a token"):
        status, body = fetch_credentials(server, token)
        assert status == 403 and "not valid" in body["message"], (status, body)


def test_credentials_end_with_the_run(server, roles_setup):
    key, secret, token, bearer = line(roles_setup["stdout"], "CREDS").split(" ")
    assert key.startswith("ASIA") and token
    # The attempt's bearer token, copied out during the run, fetches nothing now.
    status, body = fetch_credentials(server, bearer)
    assert status == 403, (status, body)
    assert key not in json.dumps(body)
    s3 = boto3.client("s3", endpoint_url=server.s3_endpoint, region_name=server.region,
                      aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
                      config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1}))
    with pytest.raises(ClientError) as ended:
        s3.list_objects_v2(Bucket=roles_setup["names"]["out"])
    assert ended.value.response["Error"]["Code"] in ("ExpiredToken", "InvalidAccessKeyId"), ended.value.response
    listing = s3cli(server, "s3", "ls", f"s3://{roles_setup['names']['in']}/evil/", check=False)
    assert listing.stdout.strip() == "", "the denied write left nothing behind"
