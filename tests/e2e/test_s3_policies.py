"""The embedded S3 endpoint decides every request by its signer's policies,
as S3 does: the walkthrough's runtime-role policy on a user reads `in`,
writes `out`, and may touch nothing else; listings honour `s3:prefix`.
"""
from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from conftest import unique
from helpers_s3 import s3_client, s3cli


def error_code(exc: pytest.ExceptionInfo) -> tuple[int, str]:
    response = exc.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


@pytest.fixture(scope="module")
def buckets(server):
    root = s3_client(server)
    names = {kind: unique(kind) for kind in ("in", "out", "secret")}
    for kind, name in names.items():
        root.create_bucket(Bucket=name)
        root.put_object(Bucket=name, Key="data/a.csv", Body=f"{kind},1\n".encode())
        root.put_object(Bucket=name, Key="other/b.csv", Body=f"{kind},2\n".encode())
    return names


def user_with(server, document: dict) -> dict:
    iam = server.iam()
    name = unique("s3user")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="s3", PolicyDocument=json.dumps(document))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"name": name, "key": key["AccessKeyId"], "secret": key["SecretAccessKey"],
            "s3": s3_client(server, key["AccessKeyId"], key["SecretAccessKey"])}


def read_in_write_out(buckets: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": [f"arn:aws:s3:::{buckets['in']}", f"arn:aws:s3:::{buckets['in']}/*"]},
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:DeleteObject"],
         "Resource": [f"arn:aws:s3:::{buckets['out']}", f"arn:aws:s3:::{buckets['out']}/*"]},
    ]}


def test_role_shaped_policy_reads_in_writes_out_and_nothing_else(server, buckets):
    user = user_with(server, read_in_write_out(buckets))
    s3 = user["s3"]
    assert s3.get_object(Bucket=buckets["in"], Key="data/a.csv")["Body"].read() == b"in,1\n"
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=buckets["in"])["Contents"]] == ["data/a.csv", "other/b.csv"]
    s3.put_object(Bucket=buckets["out"], Key="result/part-0", Body=b"ok")
    assert s3.get_object(Bucket=buckets["out"], Key="result/part-0")["Body"].read() == b"ok"

    with pytest.raises(ClientError) as read_secret:
        s3.get_object(Bucket=buckets["secret"], Key="data/a.csv")
    assert error_code(read_secret) == (403, "AccessDenied")
    with pytest.raises(ClientError) as list_secret:
        s3.list_objects_v2(Bucket=buckets["secret"])
    assert error_code(list_secret) == (403, "AccessDenied")
    with pytest.raises(ClientError) as write_in:
        s3.put_object(Bucket=buckets["in"], Key="data/evil.csv", Body=b"x")
    assert error_code(write_in) == (403, "AccessDenied")
    with pytest.raises(ClientError) as multipart_in:
        s3.create_multipart_upload(Bucket=buckets["in"], Key="big")
    assert error_code(multipart_in) == (403, "AccessDenied")
    with pytest.raises(ClientError) as copy_secret:
        s3.copy_object(Bucket=buckets["out"], Key="stolen",
                       CopySource={"Bucket": buckets["secret"], "Key": "data/a.csv"})
    assert error_code(copy_secret) == (403, "AccessDenied")
    root = s3_client(server)
    with pytest.raises(ClientError):
        root.head_object(Bucket=buckets["in"], Key="data/evil.csv")
    with pytest.raises(ClientError):
        root.head_object(Bucket=buckets["out"], Key="stolen")


def test_aws_cli_as_the_user(server, buckets):
    user = user_with(server, read_in_write_out(buckets))
    env = {"AWS_ACCESS_KEY_ID": user["key"], "AWS_SECRET_ACCESS_KEY": user["secret"]}
    copied = s3cli(server, "s3", "cp", f"s3://{buckets['in']}/data/a.csv", f"s3://{buckets['out']}/copy.csv", env=env)
    assert copied.returncode == 0
    denied = s3cli(server, "s3", "cp", f"s3://{buckets['secret']}/data/a.csv", "-", env=env, check=False)
    # The CLI reads the object with HEAD first, whose 403 has no body to name the code.
    assert denied.returncode != 0 and "403" in denied.stderr


def test_multi_object_delete_is_decided_per_key(server, buckets):
    out = buckets["out"]
    root = s3_client(server)
    for key in ("tmp/x", "keep/y"):
        root.put_object(Bucket=out, Key=key, Body=b"1")
    user = user_with(server, {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": f"arn:aws:s3:::{out}/tmp/*"}]})
    reply = user["s3"].delete_objects(Bucket=out, Delete={"Objects": [{"Key": "tmp/x"}, {"Key": "keep/y"}]})
    assert [d["Key"] for d in reply.get("Deleted", [])] == ["tmp/x"]
    assert [(e["Key"], e["Code"]) for e in reply.get("Errors", [])] == [("keep/y", "AccessDenied")]
    assert root.get_object(Bucket=out, Key="keep/y")["Body"].read() == b"1"


def test_listing_is_limited_by_the_prefix_condition(server, buckets):
    bucket = buckets["in"]
    user = user_with(server, {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{bucket}",
         "Condition": {"StringLike": {"s3:prefix": ["data/*"]}}}]})
    listed = user["s3"].list_objects_v2(Bucket=bucket, Prefix="data/")
    assert [o["Key"] for o in listed["Contents"]] == ["data/a.csv"]
    with pytest.raises(ClientError) as everything:
        user["s3"].list_objects_v2(Bucket=bucket)
    assert error_code(everything) == (403, "AccessDenied")
    with pytest.raises(ClientError) as other:
        user["s3"].list_objects_v2(Bucket=bucket, Prefix="other/")
    assert error_code(other) == (403, "AccessDenied")


def test_source_ip_conditions_see_the_callers_address(server, buckets):
    """AWS's "deny unless from these networks" example: `aws:SourceIp` is
    the caller's address on the API and on S3 (loopback here), so a Deny
    with NotIpAddress refuses callers outside the range, and an Allow with
    IpAddress lets the ones inside through."""
    actions = ["s3:GetObject", "s3:ListBucket", "emr-serverless:ListApplications"]

    def only_from(cidr: str) -> dict:
        return {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": actions, "Resource": "*"},
            {"Effect": "Deny", "Action": "*", "Resource": "*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": [cidr]}}},
        ]}

    outside = user_with(server, only_from("192.0.2.0/24"))
    with pytest.raises(ClientError) as denied:
        outside["s3"].get_object(Bucket=buckets["in"], Key="data/a.csv")
    assert error_code(denied) == (403, "AccessDenied")
    with pytest.raises(ClientError) as denied_api:
        server.client(access_key=outside["key"], secret_key=outside["secret"]).list_applications()
    assert denied_api.value.response["Error"]["Code"] == "AccessDeniedException"

    inside = user_with(server, only_from("127.0.0.0/8"))
    assert inside["s3"].get_object(Bucket=buckets["in"], Key="data/a.csv")["Body"].read() == b"in,1\n"
    server.client(access_key=inside["key"], secret_key=inside["secret"]).list_applications()

    # An Allow that needs the address grants only when the address is known.
    allowed_from = user_with(server, {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": actions, "Resource": "*",
         "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.1/32"}}}]})
    assert allowed_from["s3"].list_objects_v2(Bucket=buckets["in"])["KeyCount"] == 2
    server.client(access_key=allowed_from["key"], secret_key=allowed_from["secret"]).list_applications()
