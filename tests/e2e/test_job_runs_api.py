"""Job-run API surface: StartJobRun/GetJobRun/ListJobRuns/ListJobRunAttempts/CancelJobRun.

Most runs here point at an entry point that does not exist, so they fail fast
without any Spark work; that is enough to exercise the API.
"""
import datetime as dt
import json
import re
import uuid

import pytest

from conftest import (
    ACCOUNT,
    API_TIMEOUT,
    APP_ID_RE,
    JOB_TIMEOUT,
    REGION,
    ROLE_ARN,
    create_app,
    job_work_dir,
    processes_referencing,
    spark_job_driver,
    unique,
    utc_now,
    wait_for_app_state,
    wait_for_state,
    wait_until,
)

JOB_ARN_RE = re.compile(rf"^arn:aws:emr-serverless:{REGION}:{ACCOUNT}:/applications/([0-9a-z]+)/jobruns/([0-9a-z]+)$")


@pytest.fixture(scope="module")
def batch(client, tmp_path_factory):
    """An application (left CREATED so StartJobRun must auto-start it) and 5 failed runs in two waves."""
    missing = tmp_path_factory.mktemp("missing") / "does_not_exist.py"
    app = create_app(client, name=unique("jobs-api"))
    app_id = app["applicationId"]
    state_before = client.get_application(applicationId=app_id)["application"]["state"]

    overrides = {
        "applicationConfiguration": [
            {"classification": "spark-defaults", "properties": {"spark.sql.shuffle.partitions": "3"}}
        ]
    }

    def start(i):
        return client.start_job_run(
            applicationId=app_id,
            executionRoleArn=ROLE_ARN,
            name=f"api-{i}",
            jobDriver=spark_job_driver(str(missing), args=["a", "b"], params="--conf spark.foo=bar"),
            configurationOverrides=overrides,
            executionTimeoutMinutes=30,
            tags={"wave": "a" if i < 2 else "b"},
        )

    responses = [start(0), start(1)]
    wave_a_times = [
        client.get_job_run(applicationId=app_id, jobRunId=r["jobRunId"])["jobRun"]["createdAt"] for r in responses
    ]
    # a whole-second boundary strictly after wave A, with wave B strictly after it
    boundary = max(wave_a_times).replace(microsecond=0) + dt.timedelta(seconds=1)
    wait_until(lambda: utc_now() >= boundary + dt.timedelta(seconds=1.05), 5, "clock past the wave boundary",
               interval=0.05)
    responses += [start(2), start(3), start(4)]
    ids = [r["jobRunId"] for r in responses]
    runs = [wait_for_state(client, app_id, j, {"FAILED"}, timeout=JOB_TIMEOUT) for j in ids]
    return {
        "app_id": app_id,
        "app_arn": app["arn"],
        "state_before": state_before,
        "responses": responses,
        "ids": ids,
        "runs": runs,
        "boundary": boundary,
        "missing": str(missing),
        "overrides": overrides,
    }


def _list_runs(client, app_id, page_size=None, **kw):
    out, token, pages = [], None, 0
    while True:
        params = dict(applicationId=app_id, **kw)
        if page_size:
            params["maxResults"] = page_size
        if token:
            params["nextToken"] = token
        resp = client.list_job_runs(**params)
        if page_size:
            assert len(resp["jobRuns"]) <= page_size
        out.extend(resp["jobRuns"])
        pages += 1
        token = resp.get("nextToken")
        if not token:
            return out
        assert pages < 200, "pagination does not terminate"


def test_start_job_run_response(batch):
    for resp in batch["responses"]:
        assert resp["applicationId"] == batch["app_id"]
        assert APP_ID_RE.match(resp["jobRunId"])
        m = JOB_ARN_RE.match(resp["arn"])
        assert m, resp["arn"]
        assert m.groups() == (batch["app_id"], resp["jobRunId"])
    assert len(set(batch["ids"])) == 5


def test_start_job_run_auto_starts_application(client, batch):
    assert batch["state_before"] == "CREATED"
    app = wait_for_app_state(client, batch["app_id"], {"STARTED"}, timeout=JOB_TIMEOUT)
    assert app["state"] == "STARTED"


def test_get_job_run_fields(client, batch):
    run = client.get_job_run(applicationId=batch["app_id"], jobRunId=batch["ids"][0])["jobRun"]
    app = client.get_application(applicationId=batch["app_id"])["application"]
    assert run["applicationId"] == batch["app_id"]
    assert run["jobRunId"] == batch["ids"][0]
    assert "id" not in run
    assert run["arn"] == batch["responses"][0]["arn"]
    assert run["name"] == "api-0"
    assert run["executionRole"] == ROLE_ARN
    assert run["releaseLabel"] == app["releaseLabel"]
    assert re.match(r"^arn:aws:(iam|sts)::\d{12}:\S+", run["createdBy"]), run["createdBy"]
    assert run["jobDriver"] == {"sparkSubmit": {
        "entryPoint": batch["missing"],
        "entryPointArguments": ["a", "b"],
        "sparkSubmitParameters": spark_job_driver("x", params="--conf spark.foo=bar")["sparkSubmit"][
            "sparkSubmitParameters"],
    }}
    assert run["configurationOverrides"]["applicationConfiguration"] == batch["overrides"]["applicationConfiguration"]
    assert run["executionTimeoutMinutes"] == 30
    assert run.get("mode", "BATCH") == "BATCH"
    assert run["tags"] == {"wave": "a"}
    assert run["attempt"] == 1
    assert isinstance(run["createdAt"], dt.datetime)
    assert isinstance(run["updatedAt"], dt.datetime)
    assert run["updatedAt"] >= run["createdAt"]
    # attempt=1 addresses the same (only) attempt
    again = client.get_job_run(applicationId=batch["app_id"], jobRunId=batch["ids"][0], attempt=1)["jobRun"]
    assert again["jobRunId"] == run["jobRunId"] and again["attempt"] == 1


def test_missing_entry_point_fails_with_details(batch):
    for run in batch["runs"]:
        assert run["state"] == "FAILED"
        details = run["stateDetails"]
        assert "entry point not found" in details.lower(), details
        assert batch["missing"] in details, details
        assert run.get("endedAt") is not None


def test_list_job_runs_summaries(client, batch):
    runs = _list_runs(client, batch["app_id"])
    by_id = {r["id"]: r for r in runs}
    assert set(batch["ids"]) == set(by_id), "ListJobRuns must list exactly this application's runs"
    s = by_id[batch["ids"][0]]
    for key in ("applicationId", "id", "arn", "createdBy", "createdAt", "updatedAt", "executionRole", "state",
                "stateDetails", "releaseLabel"):
        assert key in s, f"summary lacks {key}: {s}"
    assert "jobRunId" not in s, "summaries use id, not jobRunId"
    assert s["applicationId"] == batch["app_id"]
    assert s["name"] == "api-0"
    assert s["state"] == "FAILED"
    assert s["arn"] == batch["responses"][0]["arn"]


def test_list_job_runs_pagination(client, batch):
    first = client.list_job_runs(applicationId=batch["app_id"], maxResults=2)
    assert len(first["jobRuns"]) == 2
    assert first.get("nextToken")
    runs = _list_runs(client, batch["app_id"], page_size=2)
    ids = [r["id"] for r in runs]
    assert len(ids) == len(set(ids)), f"duplicates across pages: {ids}"
    assert set(ids) == set(batch["ids"])
    # the last page carries no token
    last = client.list_job_runs(applicationId=batch["app_id"], maxResults=50)
    assert len(last["jobRuns"]) == 5
    assert not last.get("nextToken")


def test_list_job_runs_state_filter(client, batch):
    failed = _list_runs(client, batch["app_id"], states=["FAILED"])
    assert {r["id"] for r in failed} == set(batch["ids"])
    assert _list_runs(client, batch["app_id"], states=["SUCCESS", "RUNNING"]) == []
    assert {r["id"] for r in _list_runs(client, batch["app_id"], states=["SUCCESS", "FAILED"])} == set(batch["ids"])


def test_list_job_runs_state_filter_with_pagination(client, batch):
    runs = _list_runs(client, batch["app_id"], page_size=2, states=["FAILED"])
    ids = [r["id"] for r in runs]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(batch["ids"])


def test_list_job_runs_created_at_filters(client, batch):
    b = batch["boundary"]
    wave_a, wave_b = set(batch["ids"][:2]), set(batch["ids"][2:])
    after = {r["id"] for r in _list_runs(client, batch["app_id"], createdAtAfter=b)}
    before = {r["id"] for r in _list_runs(client, batch["app_id"], createdAtBefore=b)}
    assert after == wave_b, f"createdAtAfter={b}: got {after}, want {wave_b}"
    assert before == wave_a, f"createdAtBefore={b}: got {before}, want {wave_a}"
    window = {r["id"] for r in _list_runs(client, batch["app_id"], createdAtAfter=b - dt.timedelta(hours=1),
                                          createdAtBefore=b + dt.timedelta(hours=1))}
    assert window == set(batch["ids"])
    assert _list_runs(client, batch["app_id"], createdAtAfter=utc_now() + dt.timedelta(hours=1)) == []


def test_list_job_run_attempts(client, batch):
    job_id = batch["ids"][0]
    resp = client.list_job_run_attempts(applicationId=batch["app_id"], jobRunId=job_id)
    attempts = resp["jobRunAttempts"]
    assert len(attempts) == 1
    a = attempts[0]
    assert a["applicationId"] == batch["app_id"]
    assert a["id"] == job_id
    assert a["attempt"] == 1
    assert a["state"] == "FAILED"
    assert a["executionRole"] == ROLE_ARN
    assert a["arn"] == batch["responses"][0]["arn"]
    assert isinstance(a["jobCreatedAt"], dt.datetime)
    assert isinstance(a["createdAt"], dt.datetime)


def test_start_job_run_client_token_is_idempotent(client, batch):
    token = uuid.uuid4().hex
    kw = dict(applicationId=batch["app_id"], executionRoleArn=ROLE_ARN, clientToken=token,
              jobDriver=spark_job_driver(batch["missing"]))
    first = client.start_job_run(**kw)
    second = client.start_job_run(**kw)
    assert first["jobRunId"] == second["jobRunId"]
    assert first["arn"] == second["arn"]
    wait_for_state(client, batch["app_id"], first["jobRunId"], {"FAILED"})
    batch["ids"].append(first["jobRunId"])  # keep later listing checks exact


def test_job_run_not_listed_under_other_application(client, batch):
    other = create_app(client)["applicationId"]
    assert client.list_job_runs(applicationId=other)["jobRuns"] == []


# --------------------------------------------------------------------------- aws CLI


def test_cli_job_run_ops(server, client, batch):
    app_id = batch["app_id"]
    driver = json.dumps(spark_job_driver(batch["missing"], args=["x"]))
    started = server.aws("emr-serverless", "start-job-run", "--application-id", app_id,
                         "--execution-role-arn", ROLE_ARN, "--name", "from-cli", "--job-driver", driver)
    job_id = started["jobRunId"]
    assert started["applicationId"] == app_id
    assert JOB_ARN_RE.match(started["arn"])
    batch["ids"].append(job_id)

    run = server.aws("emr-serverless", "get-job-run", "--application-id", app_id, "--job-run-id", job_id)["jobRun"]
    assert run["jobRunId"] == job_id
    assert run["name"] == "from-cli"
    assert run["jobDriver"]["sparkSubmit"]["entryPointArguments"] == ["x"]

    wait_for_state(client, app_id, job_id, {"FAILED"})
    listed = server.aws("emr-serverless", "list-job-runs", "--application-id", app_id, "--states", "FAILED")
    assert job_id in {r["id"] for r in listed["jobRuns"]}
    none = server.aws("emr-serverless", "list-job-runs", "--application-id", app_id, "--states", "SUCCESS")
    assert none["jobRuns"] == []

    paged = server.aws("emr-serverless", "list-job-runs", "--application-id", app_id, "--page-size", "2")
    ids = [r["id"] for r in paged["jobRuns"]]
    assert len(ids) == len(set(ids)) and job_id in ids and set(batch["ids"]) <= set(ids)

    attempts = server.aws("emr-serverless", "list-job-run-attempts", "--application-id", app_id,
                          "--job-run-id", job_id)["jobRunAttempts"]
    assert [a["attempt"] for a in attempts] == [1]

    # CLI sends createdAtAfter as an ISO-8601 query parameter
    future = (utc_now() + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert server.aws("emr-serverless", "list-job-runs", "--application-id", app_id,
                      "--created-at-after", future)["jobRuns"] == []


def test_cli_cancel_job_run_right_after_submission(server, client, batch, tmp_path):
    sleeper = tmp_path / "sleeper.py"
    sleeper.write_text("import time\nprint('sleeping', flush=True)\ntime.sleep(600)\n")
    app_id = batch["app_id"]
    job_id = server.aws("emr-serverless", "start-job-run", "--application-id", app_id,
                        "--execution-role-arn", ROLE_ARN,
                        "--job-driver", json.dumps(spark_job_driver(str(sleeper))))["jobRunId"]
    batch["ids"].append(job_id)
    resp = server.aws("emr-serverless", "cancel-job-run", "--application-id", app_id, "--job-run-id", job_id)
    assert resp == {"applicationId": app_id, "jobRunId": job_id}
    state = client.get_job_run(applicationId=app_id, jobRunId=job_id)["jobRun"]["state"]
    assert state in {"CANCELLING", "CANCELLED"}, state
    run = wait_for_state(client, app_id, job_id, {"CANCELLED"}, timeout=API_TIMEOUT * 2)
    assert run.get("endedAt") is not None
    workdir = job_work_dir(server, app_id, job_id)
    wait_until(lambda: not processes_referencing(workdir), API_TIMEOUT, f"no processes under {workdir}")

