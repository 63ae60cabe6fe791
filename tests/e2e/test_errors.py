"""Error responses: HTTP status, error code (body + x-amzn-ErrorType), a specific message, never a 500.

Client-side parameter validation is switched off (``raw_client``) so that the
server's own validation is what gets tested.
"""
import json
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import (
    JOB_TIMEOUT,
    ROLE_ARN,
    create_app,
    expect_client_error,
    spark_job_driver,
    unique,
    wait_for_app_state,
    wait_for_state,
)

NOPE = "00nonexistent00"


@pytest.fixture(scope="module")
def app_id(client):
    return create_app(client, name=unique("errors"))["applicationId"]


@pytest.fixture(scope="module")
def started_app(client):
    app = create_app(client, name=unique("errors-started"))["applicationId"]
    client.start_application(applicationId=app)
    wait_for_app_state(client, app, {"STARTED"}, timeout=JOB_TIMEOUT)
    yield app
    client.stop_application(applicationId=app)
    wait_for_app_state(client, app, {"STOPPED"})


def _create(raw_client, **kw):
    params = dict(name=unique("e"), releaseLabel="emr-7.0.0", type="SPARK", clientToken=uuid.uuid4().hex)
    params.update(kw)
    return raw_client.create_application(**params)


# --------------------------------------------------------------------------- 404s


def test_get_unknown_application(raw_client):
    expect_client_error(raw_client.get_application, 404, "ResourceNotFoundException", NOPE, applicationId=NOPE)


@pytest.mark.parametrize("op", ["start_application", "stop_application", "delete_application"])
def test_lifecycle_ops_on_unknown_application(raw_client, op):
    expect_client_error(getattr(raw_client, op), 404, "ResourceNotFoundException", NOPE, applicationId=NOPE)


def test_update_unknown_application(raw_client):
    expect_client_error(raw_client.update_application, 404, "ResourceNotFoundException", NOPE,
                        applicationId=NOPE, clientToken=uuid.uuid4().hex,
                        autoStartConfiguration={"enabled": False})


def test_get_unknown_job_run(raw_client, app_id):
    expect_client_error(raw_client.get_job_run, 404, "ResourceNotFoundException", NOPE,
                        applicationId=app_id, jobRunId=NOPE)


def test_get_job_run_of_unknown_application(raw_client):
    expect_client_error(raw_client.get_job_run, 404, "ResourceNotFoundException",
                        applicationId=NOPE, jobRunId="00abc")


def test_cancel_unknown_job_run(raw_client, app_id):
    expect_client_error(raw_client.cancel_job_run, 404, "ResourceNotFoundException", NOPE,
                        applicationId=app_id, jobRunId=NOPE)


def test_list_attempts_of_unknown_job_run(raw_client, app_id):
    expect_client_error(raw_client.list_job_run_attempts, 404, "ResourceNotFoundException",
                        applicationId=app_id, jobRunId=NOPE)


def test_start_job_run_on_unknown_application(raw_client):
    expect_client_error(raw_client.start_job_run, 404, "ResourceNotFoundException", NOPE,
                        applicationId=NOPE, clientToken=uuid.uuid4().hex, executionRoleArn=ROLE_ARN,
                        jobDriver=spark_job_driver("/tmp/x.py"))


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("name", ["has space", "semi;colon", "uni\u00e9", "x" * 65, ""])
def test_create_application_bad_name(raw_client, name):
    expect_client_error(_create, 400, "ValidationException", "name", raw_client=raw_client, name=name)


def test_create_application_unknown_release_label(raw_client):
    err = expect_client_error(_create, 400, "ValidationException", "emr-1.2.3-nope", "emr-7",
                              raw_client=raw_client, releaseLabel="emr-1.2.3-nope")
    assert "emr-7" in err.response["Error"]["Message"], "message should list the supported labels"


def test_create_application_missing_release_label(raw_client, server):
    resp = server.raw("POST", "/applications", json.dumps({"name": unique("x"), "type": "SPARK",
                                                           "clientToken": uuid.uuid4().hex}))
    assert resp.status == 400, resp
    assert resp.error_type == "ValidationException", resp
    assert "releaselabel" in resp.json()["message"].lower(), resp


def test_create_application_unknown_type(raw_client):
    expect_client_error(_create, 400, "ValidationException", "type", raw_client=raw_client, type="FLINKISH")


def test_create_application_bad_client_token(raw_client):
    expect_client_error(_create, 400, "ValidationException", "clientToken", raw_client=raw_client,
                        clientToken="bad token!")


@pytest.mark.parametrize("value", [0, 51])
def test_list_applications_bad_max_results(raw_client, value):
    expect_client_error(raw_client.list_applications, 400, "ValidationException", "maxResults", maxResults=value)


@pytest.mark.parametrize("value", [0, 51])
def test_list_job_runs_bad_max_results(raw_client, app_id, value):
    expect_client_error(raw_client.list_job_runs, 400, "ValidationException", "maxResults",
                        applicationId=app_id, maxResults=value)


def test_list_applications_bad_state(raw_client):
    expect_client_error(raw_client.list_applications, 400, "ValidationException", "BOGUS", states=["BOGUS"])


def test_list_applications_garbage_next_token(raw_client):
    expect_client_error(raw_client.list_applications, 400, "ValidationException", "token",
                        nextToken="definitelyNotAToken123")


@pytest.mark.parametrize("arn", [
    "not-an-arn",
    "arn:aws:iam::123456789012:user/alice",
    "arn:aws:iam::12345:role/Short",
    "arn:aws:s3:::bucket",
])
def test_start_job_run_bad_execution_role(raw_client, app_id, arn):
    expect_client_error(raw_client.start_job_run, 400, "ValidationException", "executionRoleArn",
                        applicationId=app_id, clientToken=uuid.uuid4().hex, executionRoleArn=arn,
                        jobDriver=spark_job_driver("/tmp/x.py"))


def test_start_job_run_missing_job_driver(raw_client, app_id):
    expect_client_error(raw_client.start_job_run, 400, "ValidationException", "jobDriver",
                        applicationId=app_id, clientToken=uuid.uuid4().hex, executionRoleArn=ROLE_ARN)


def test_start_job_run_missing_entry_point_field(raw_client, app_id):
    expect_client_error(raw_client.start_job_run, 400, "ValidationException", "entryPoint",
                        applicationId=app_id, clientToken=uuid.uuid4().hex, executionRoleArn=ROLE_ARN,
                        jobDriver={"sparkSubmit": {"entryPointArguments": ["a"]}})


def test_start_job_run_missing_execution_role(server, app_id):
    body = {"clientToken": uuid.uuid4().hex, "jobDriver": spark_job_driver("/tmp/x.py")}
    resp = server.raw("POST", f"/applications/{app_id}/jobruns", json.dumps(body))
    assert resp.status == 400, resp
    assert resp.error_type == "ValidationException", resp
    assert "executionrolearn" in resp.json()["message"].lower(), resp


@pytest.mark.parametrize("body", [
    '{"name": "x", "releaseLabel": ',
    "not json at all",
    '["an", "array"]',
    '{"name": 12, "releaseLabel": "emr-7.0.0", "type": "SPARK", "clientToken": "abc"}',
])
def test_malformed_json_body(server, body):
    resp = server.raw("POST", "/applications", body)
    assert resp.status == 400, resp
    assert resp.error_type in {"ValidationException", "SerializationException"}, resp
    payload = resp.json()
    assert isinstance(payload, dict) and payload.get("message"), resp


def test_malformed_json_start_job_run(server, app_id):
    resp = server.raw("POST", f"/applications/{app_id}/jobruns", '{"executionRoleArn": "arn:aws:iam')
    assert resp.status == 400, resp
    assert resp.error_type in {"ValidationException", "SerializationException"}, resp


def test_unknown_route_is_not_500(server):
    resp = server.raw("GET", "/definitely/not/a/route")
    assert 400 <= resp.status < 500, resp


def test_wrong_method_is_not_500(server):
    resp = server.raw("PUT", "/applications", "{}")
    assert 400 <= resp.status < 500, resp


# --------------------------------------------------------------------------- state conflicts


def test_update_started_application(raw_client, started_app):
    err = expect_client_error(raw_client.update_application, 400, "ValidationException",
                              applicationId=started_app, clientToken=uuid.uuid4().hex,
                              autoStartConfiguration={"enabled": False})
    msg = err.response["Error"]["Message"]
    assert "STARTED" in msg or "state" in msg.lower(), msg


def test_delete_started_application(raw_client, client, started_app):
    err = expect_client_error(raw_client.delete_application, 400, "ValidationException",
                              applicationId=started_app)
    msg = err.response["Error"]["Message"]
    assert "STARTED" in msg or "state" in msg.lower(), msg
    assert client.get_application(applicationId=started_app)["application"]["state"] == "STARTED"


def test_cancel_terminal_job_run(raw_client, client, app_id, tmp_path):
    job = raw_client.start_job_run(applicationId=app_id, clientToken=uuid.uuid4().hex, executionRoleArn=ROLE_ARN,
                                   jobDriver=spark_job_driver(str(tmp_path / "missing.py")))["jobRunId"]
    wait_for_state(client, app_id, job, {"FAILED"})
    expect_client_error(raw_client.cancel_job_run, 400, "ValidationException",
                        applicationId=app_id, jobRunId=job)
    assert client.get_job_run(applicationId=app_id, jobRunId=job)["jobRun"]["state"] == "FAILED"


def test_start_job_run_on_deleted_application(raw_client, client):
    app = create_app(client)["applicationId"]
    client.delete_application(applicationId=app)
    with pytest.raises(ClientError) as ei:
        raw_client.start_job_run(applicationId=app, clientToken=uuid.uuid4().hex, executionRoleArn=ROLE_ARN,
                                 jobDriver=spark_job_driver("/tmp/x.py"))
    resp = ei.value.response
    assert resp["ResponseMetadata"]["HTTPStatusCode"] in {400, 404, 409}, resp
    assert resp["Error"]["Code"] in {"ValidationException", "ResourceNotFoundException", "ConflictException"}


# --------------------------------------------------------------------------- aws CLI


def test_cli_reports_error_code(server):
    cp = server.aws("emr-serverless", "get-application", "--application-id", NOPE, expect_error=True)
    assert "ResourceNotFoundException" in cp.stderr, cp.stderr
    assert NOPE in cp.stderr
    cp = server.aws("emr-serverless", "create-application", "--name", "x", "--type", "SPARK",
                    "--release-label", "emr-0.0.1", expect_error=True)
    assert "ValidationException" in cp.stderr, cp.stderr


# --------------------------------------------------------------------------- more field validation


@pytest.mark.parametrize("field,value,mention", [
    ("maximumCapacity", {"cpu": "lots", "memory": "16 GB"}, "cpu"),
    ("maximumCapacity", {"cpu": "4 vCPU", "memory": "16 TB"}, "memory"),
    ("autoStopConfiguration", {"enabled": True, "idleTimeoutMinutes": 0}, "idleTimeoutMinutes"),
    ("architecture", "SPARC", "architecture"),
    ("tags", {"k": "v" * 257}, "tags"),
    ("initialCapacity", {"DRIVER": {"workerCount": 0}}, "workerCount"),
])
def test_create_application_bad_field(raw_client, field, value, mention):
    expect_client_error(_create, 400, "ValidationException", mention, raw_client=raw_client, **{field: value})


def test_update_application_unknown_release_label(raw_client, app_id, client):
    expect_client_error(raw_client.update_application, 400, "ValidationException", "emr-9.9.9",
                        applicationId=app_id, clientToken=uuid.uuid4().hex, releaseLabel="emr-9.9.9")
    assert client.get_application(applicationId=app_id)["application"]["releaseLabel"] == "emr-7.0.0"


@pytest.mark.parametrize("field,value,mention", [
    ("executionTimeoutMinutes", -1, "executionTimeoutMinutes"),
    ("name", "n" * 257, "name"),
    ("mode", "INTERACTIVE", "mode"),
])
def test_start_job_run_bad_field(raw_client, app_id, field, value, mention):
    expect_client_error(raw_client.start_job_run, 400, "ValidationException", mention,
                        applicationId=app_id, clientToken=uuid.uuid4().hex, executionRoleArn=ROLE_ARN,
                        jobDriver=spark_job_driver("/tmp/x.py"), **{field: value})


def test_start_job_run_with_auto_start_disabled(raw_client, client):
    app = create_app(client, autoStartConfiguration={"enabled": False})["applicationId"]
    with pytest.raises(ClientError) as ei:
        raw_client.start_job_run(applicationId=app, clientToken=uuid.uuid4().hex, executionRoleArn=ROLE_ARN,
                                 jobDriver=spark_job_driver("/tmp/x.py"))
    resp = ei.value.response
    assert (resp["ResponseMetadata"]["HTTPStatusCode"], resp["Error"]["Code"]) in {
        (400, "ValidationException"), (409, "ConflictException")}, resp
    assert "start" in resp["Error"]["Message"].lower()
    assert client.get_application(applicationId=app)["application"]["state"] == "CREATED"
    assert client.list_job_runs(applicationId=app)["jobRuns"] == []


# --------------------------------------------------------------------------- protocol details


def test_every_response_carries_a_request_id(client, raw_client):
    """botocore surfaces x-amzn-RequestId as ResponseMetadata.RequestId; AWS always sends one."""
    ok = client.list_applications(maxResults=1)
    assert ok["ResponseMetadata"].get("RequestId"), ok["ResponseMetadata"]
    err = expect_client_error(raw_client.get_application, 404, "ResourceNotFoundException", applicationId=NOPE)
    assert err.response["ResponseMetadata"].get("RequestId"), err.response["ResponseMetadata"]
    other = client.list_applications(maxResults=1)["ResponseMetadata"]["RequestId"]
    assert other != ok["ResponseMetadata"]["RequestId"], "request ids must be unique"


def test_error_body_is_json_with_message(server):
    resp = server.raw("GET", f"/applications/{NOPE}")
    assert resp.status == 404
    assert resp.headers.get("content-type", "").startswith("application/"), resp.headers
    body = resp.json()
    assert NOPE in body["message"]
