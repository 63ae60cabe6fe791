"""Identities and access: the IAM and STS query protocols on the API port,
driven with the real aws CLI and boto3, and their policies enforced on the
EMR Serverless API.

The walkthrough's own documents (shared/data/getting-started-iam/, copied
into crates/policy/tests/data/) are used as written, with the bucket name
filled in.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from conftest import ROLE_ARN, expect_client_error, unique, wait_for_state

# The walkthrough's documents as AWS publishes them (a copy of
# shared/data/getting-started-iam, kept with the policy crate's tests).
WALKTHROUGH = Path(__file__).resolve().parents[2] / "crates" / "policy" / "tests" / "data"

TRUST_EMR = {"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "emr-serverless.amazonaws.com"}, "Action": "sts:AssumeRole"}]}


def iam_error(fn, status: int, code: str, *message_parts: str) -> ClientError:
    """A query-protocol (IAM/STS) error: status, `<Code>` and message; these
    services do not send `x-amzn-ErrorType`."""
    with pytest.raises(ClientError) as caught:
        fn()
    response = caught.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == status, response
    assert response["Error"]["Code"] == code, response
    for part in message_parts:
        assert part.lower() in response["Error"]["Message"].lower(), response
    return caught.value


def walkthrough(name: str, bucket: str = "out") -> str:
    return (WALKTHROUGH / name).read_text().replace("{DOC-EXAMPLE-BUCKET}", bucket)


def new_user(server, policies: dict[str, str] | None = None) -> dict:
    """A user with inline policies and an access key; returns its names and boto3 clients."""
    iam = server.iam()
    name = unique("user")
    iam.create_user(UserName=name)
    for policy_name, document in (policies or {}).items():
        iam.put_user_policy(UserName=name, PolicyName=policy_name, PolicyDocument=document)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {
        "name": name,
        "key": key["AccessKeyId"],
        "secret": key["SecretAccessKey"],
        "emr": server.client(access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"]),
        "sts": server.iam(key["AccessKeyId"], key["SecretAccessKey"], service="sts"),
    }


def pass_role_policy(role_arn: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "iam:PassRole", "Resource": role_arn,
        "Condition": {"StringEquals": {"iam:PassedToService": "emr-serverless.amazonaws.com"}}}]})


def hive_driver(server, text: str) -> dict:
    """A HIVE job's query file in the embedded S3 (uploaded as the root)."""
    from helpers_s3 import put_query

    return {"hive": {"query": put_query(server, text, "iam-e2e-scripts")}}


# --------------------------------------------------------------------------
# the IAM API itself
# --------------------------------------------------------------------------


def test_users_keys_and_caller_identity_with_the_aws_cli(server):
    name = unique("cli-user")
    created = server.aws("iam", "create-user", "--user-name", name, "--tags", "Key=team,Value=blue")["User"]
    assert created["Arn"] == f"arn:aws:iam::123456789012:user/{name}" and created["UserId"].startswith("AIDA")
    assert server.aws("iam", "get-user", "--user-name", name)["User"]["Tags"] == [{"Key": "team", "Value": "blue"}]
    assert name in [u["UserName"] for u in server.aws("iam", "list-users")["Users"]]

    key = server.aws("iam", "create-access-key", "--user-name", name)["AccessKey"]
    assert key["Status"] == "Active" and len(key["SecretAccessKey"]) == 40
    listed = server.aws("iam", "list-access-keys", "--user-name", name)["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in listed] == [key["AccessKeyId"]]
    assert all("SecretAccessKey" not in k for k in listed), "the secret is returned once, by CreateAccessKey"

    sts = server.iam(key["AccessKeyId"], key["SecretAccessKey"], service="sts")
    me = sts.get_caller_identity()
    assert me["Arn"] == created["Arn"] and me["Account"] == "123456789012" and me["UserId"] == created["UserId"]
    root = server.aws("sts", "get-caller-identity")
    assert root["Arn"] == "arn:aws:iam::123456789012:root"

    server.aws("iam", "update-access-key", "--user-name", name, "--access-key-id", key["AccessKeyId"],
               "--status", "Inactive")
    with pytest.raises(ClientError) as inactive:
        sts.get_caller_identity()
    assert inactive.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert inactive.value.response["Error"]["Code"] == "InvalidClientTokenId"

    conflict = server.aws("iam", "delete-user", "--user-name", name, expect_error=True)
    assert "DeleteConflict" in conflict.stderr
    server.aws("iam", "delete-access-key", "--user-name", name, "--access-key-id", key["AccessKeyId"])
    server.aws("iam", "delete-user", "--user-name", name)
    missing = server.aws("iam", "get-user", "--user-name", name, expect_error=True)
    assert "NoSuchEntity" in missing.stderr


def test_roles_inline_and_managed_policies(server, tmp_path):
    iam = server.iam()
    role = unique("role")
    trust_file = tmp_path / "trust.json"
    trust_file.write_text(walkthrough("runtime-role-trust-policy.json"))
    created = server.aws("iam", "create-role", "--role-name", role,
                         "--assume-role-policy-document", f"file://{trust_file}")["Role"]
    assert created["Arn"] == f"arn:aws:iam::123456789012:role/{role}"
    # botocore decodes the URL-encoded document back into JSON.
    got = iam.get_role(RoleName=role)["Role"]
    assert got["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "emr-serverless.amazonaws.com"}
    assert role in [r["RoleName"] for r in iam.list_roles()["Roles"]]

    permissions = walkthrough("runtime-role-policy.json")
    iam.put_role_policy(RoleName=role, PolicyName="runtime", PolicyDocument=permissions)
    assert iam.list_role_policies(RoleName=role)["PolicyNames"] == ["runtime"]
    doc = iam.get_role_policy(RoleName=role, PolicyName="runtime")["PolicyDocument"]
    assert doc["Statement"][1]["Resource"] == ["arn:aws:s3:::out", "arn:aws:s3:::out/*"]

    policy = iam.create_policy(PolicyName=unique("managed"), PolicyDocument=permissions,
                               Description="runtime access")["Policy"]
    iam.attach_role_policy(RoleName=role, PolicyArn=policy["Arn"])
    attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    assert attached == [{"PolicyName": policy["PolicyName"], "PolicyArn": policy["Arn"]}]
    assert iam.get_policy(PolicyArn=policy["Arn"])["Policy"]["AttachmentCount"] == 1
    iam_error(lambda: iam.delete_policy(PolicyArn=policy["Arn"]), 409, "DeleteConflict")
    iam_error(lambda: iam.delete_role(RoleName=role), 409, "DeleteConflict")

    iam.update_assume_role_policy(RoleName=role, PolicyDocument=json.dumps(TRUST_EMR))
    iam.detach_role_policy(RoleName=role, PolicyArn=policy["Arn"])
    iam.delete_policy(PolicyArn=policy["Arn"])
    iam.delete_role_policy(RoleName=role, PolicyName="runtime")
    iam.delete_role(RoleName=role)
    iam_error(lambda: iam.get_role(RoleName=role), 404, "NoSuchEntity")


def test_bad_input_gets_the_models_errors(server):
    iam = server.iam()
    name = unique("bad")
    iam.create_user(UserName=name)
    iam_error(lambda: iam.create_user(UserName=name.upper()), 409, "EntityAlreadyExists")
    for document in ['{"Version": "2012-10-17", "Statement": [', '{"Statement": [{"Effect": "Maybe", '
                     '"Action": "s3:*", "Resource": "*"}]}', json.dumps(TRUST_EMR)]:
        iam_error(lambda: iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=document),
                            400, "MalformedPolicyDocument")
    iam_error(lambda: iam.create_role(RoleName=unique("r"), AssumeRolePolicyDocument="{}"),
                        400, "MalformedPolicyDocument")
    iam.create_access_key(UserName=name)
    iam.create_access_key(UserName=name)
    iam_error(lambda: iam.create_access_key(UserName=name), 409, "LimitExceeded", "AccessKeysPerUser")
    iam_error(lambda: iam.attach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/Nope"),
                        404, "NoSuchEntity")
    iam_error(lambda: iam.delete_user(UserName=unique("ghost")), 404, "NoSuchEntity")
    # Characters the model's patterns exclude (a NUL above all, which no XML
    # response could carry) are refused, and nothing is stored.
    trust_with_nul = json.dumps(TRUST_EMR).replace("2012-10-17", "2012-10-17\u0000")
    assert "\x00" in trust_with_nul
    nul_role = unique("nul")
    iam_error(lambda: iam.create_role(RoleName=nul_role, AssumeRolePolicyDocument=trust_with_nul),
              400, "ValidationError", "policyDocument")
    iam_error(lambda: iam.create_role(RoleName=nul_role, AssumeRolePolicyDocument=json.dumps(TRUST_EMR),
                                      Description="runtime\x00role"), 400, "ValidationError", "description")
    iam_error(lambda: iam.create_user(UserName=unique("tagged"), Tags=[{"Key": "team", "Value": "a;b"}]),
              400, "ValidationError", "tags")
    s3_read = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    iam_error(lambda: iam.create_policy(PolicyName=unique("p"), PolicyDocument=json.dumps(s3_read),
                                        Description="x\x01y"), 400, "ValidationError", "description")
    iam_error(lambda: iam.get_role(RoleName=nul_role), 404, "NoSuchEntity")


def test_secrets_are_not_in_the_store_or_the_log(server):
    user = new_user(server)
    secret = user["secret"].encode()
    # Every file, though the trash's background thread deletes ended work
    # dirs meanwhile: os.walk skips directories that vanish, and a file
    # that vanished before it was read held nothing to find.
    for root, _, files in os.walk(server.data_dir):
        for name in files:
            path = Path(root) / name
            try:
                data = path.read_bytes()
            except (FileNotFoundError, IsADirectoryError):
                continue
            assert secret not in data, f"{path} holds a user's secret"
    assert secret not in server.log_path.read_bytes()
    # The key works, so the server can still derive the secret it never stored.
    assert user["sts"].get_caller_identity()["Arn"].endswith(user["name"])


# --------------------------------------------------------------------------
# enforcement on the EMR Serverless API
# --------------------------------------------------------------------------


def test_walkthrough_user_creates_an_application_and_runs_a_job(server):
    user = new_user(server, {"emr": walkthrough("user-policy.json"), "pass": pass_role_policy(ROLE_ARN)})
    emr = user["emr"]
    app = emr.create_application(name=unique("iam"), type="HIVE", releaseLabel="emr-7.9.0")["applicationId"]
    job = emr.start_job_run(applicationId=app, executionRoleArn=ROLE_ARN,
                            jobDriver=hive_driver(server, "SELECT 40 + 2;"))["jobRunId"]
    wait_for_state(emr, app, job, {"SUCCESS"}, timeout=120)
    run = emr.get_job_run(applicationId=app, jobRunId=job)["jobRun"]
    assert run["createdBy"] == f"arn:aws:iam::123456789012:user/{user['name']}"
    assert run["executionRole"] == ROLE_ARN


def test_user_without_a_policy_is_denied(server):
    user = new_user(server)
    err = expect_client_error(lambda: user["emr"].list_applications(), 403, "AccessDeniedException")
    assert f"user/{user['name']} is not authorized to perform: emr-serverless:ListApplications" in str(err)
    expect_client_error(lambda: user["emr"].create_application(name="x", type="SPARK", releaseLabel="emr-7.9.0"),
                        403, "AccessDeniedException", "emr-serverless:CreateApplication")
    cli = server.aws_cp("emr-serverless", "list-applications")
    assert cli.returncode == 0, "the root may do everything"


def test_a_user_who_may_not_pass_the_role_is_refused_at_start_job_run(server):
    user = new_user(server, {"emr": walkthrough("user-policy.json")})
    app = user["emr"].create_application(name=unique("nopass"), type="HIVE", releaseLabel="emr-7.9.0")
    expect_client_error(
        lambda: user["emr"].start_job_run(applicationId=app["applicationId"], executionRoleArn=ROLE_ARN,
                                          jobDriver=hive_driver(server, "SELECT 1;")),
        403, "AccessDeniedException", "iam:PassRole", ROLE_ARN)
    assert user["emr"].list_job_runs(applicationId=app["applicationId"])["jobRuns"] == []


def test_unknown_and_untrusting_roles_are_refused(server, client):
    app = client.create_application(name=unique("roles"), type="HIVE", releaseLabel="emr-7.9.0")["applicationId"]
    driver = hive_driver(server, "SELECT 1;")
    expect_client_error(lambda: client.start_job_run(applicationId=app, jobDriver=driver,
                                                     executionRoleArn="arn:aws:iam::123456789012:role/NoSuchRole"),
                        400, "ValidationException", "does not exist")
    other = unique("ec2-role")
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    server.iam().create_role(RoleName=other, AssumeRolePolicyDocument=json.dumps(trust))
    expect_client_error(lambda: client.start_job_run(applicationId=app, jobDriver=driver,
                                                     executionRoleArn=f"arn:aws:iam::123456789012:role/{other}"),
                        400, "ValidationException", "emr-serverless.amazonaws.com")


def test_resource_tags_and_explicit_deny(server, client):
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "emr-serverless:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "emr-serverless:DeleteApplication", "Resource": "*",
         "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}}},
        {"Effect": "Deny", "Action": "emr-serverless:CreateApplication", "Resource": "*",
         "Condition": {"Null": {"aws:RequestTag/team": "true"}}},
    ]})
    user = new_user(server, {"p": policy})
    emr = user["emr"]
    expect_client_error(lambda: emr.create_application(name="untagged", type="HIVE", releaseLabel="emr-7.9.0"),
                        403, "AccessDeniedException", "explicit deny")
    prod = emr.create_application(name=unique("prod"), type="HIVE", releaseLabel="emr-7.9.0",
                                  tags={"env": "prod", "team": "a"})["applicationId"]
    dev = emr.create_application(name=unique("dev"), type="HIVE", releaseLabel="emr-7.9.0",
                                 tags={"env": "dev", "team": "a"})["applicationId"]
    expect_client_error(lambda: emr.delete_application(applicationId=prod), 403, "AccessDeniedException")
    emr.delete_application(applicationId=dev)
    assert client.get_application(applicationId=prod)["application"]["state"] != "TERMINATED"


def test_iam_itself_is_authorized(server):
    user = new_user(server, {"emr": walkthrough("user-policy.json")})
    iam = server.iam(user["key"], user["secret"])
    iam_error(lambda: iam.create_user(UserName=unique("escalate")), 403, "AccessDenied",
                        "iam:CreateUser")
    iam_error(lambda: iam.put_user_policy(UserName=user["name"], PolicyName="admin",
                                                    PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
                                                        {"Effect": "Allow", "Action": "*", "Resource": "*"}]})),
                        403, "AccessDenied", "iam:PutUserPolicy")
    # Anyone may ask who they are.
    assert user["sts"].get_caller_identity()["Arn"].endswith(f"user/{user['name']}")


def test_unsigned_and_unknown_keys_are_refused(server):
    unknown = server.client(access_key="AKIAUNKNOWNUNKNOWN00", secret_key="x" * 40)
    expect_client_error(lambda: unknown.list_applications(), 403, "UnrecognizedClientException")
    resp = server.raw("POST", "/", body="Action=GetCallerIdentity&Version=2011-06-15", sign=False,
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status == 403
    assert b"MissingAuthenticationToken" in resp.body


def test_sparkplane_cli_obeys_the_callers_policies(server):
    only_list = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "emr-serverless:ListApplications", "Resource": "*"}]})
    user = new_user(server, {"list": only_list})
    env = {"AWS_ACCESS_KEY_ID": user["key"], "AWS_SECRET_ACCESS_KEY": user["secret"]}
    denied = server.cli("catalog", "databases", "--endpoint", server.endpoint, check=False, env=env)
    assert denied.returncode != 0 and "glue:GetDatabases" in denied.stderr, denied.stderr
    allowed = server.cli("catalog", "databases", "--endpoint", server.endpoint, "--data-dir", str(server.data_dir))
    assert allowed.returncode == 0, "the root's key (from the data dir) may read the catalog"
