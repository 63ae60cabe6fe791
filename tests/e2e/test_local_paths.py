"""Local paths in requests are confined to the configured directories.

A `file://` or plain path in a logUri, an entry point, a Spark dependency or
a HIVE query file is read or written by the server itself, so it is accepted
only under `<data>/local` and the directories given by
SPARKPLANE_ALLOWED_LOCAL_DIRS / --allowed-local-dir / allowed_local_dirs,
after `..` and symlinks are resolved. Refusals are 400 ValidationException
naming the setting; a path the configuration allows is still refused (403)
to a caller whose policy does not allow `sparkplane:UseLocalPath` on it.
No Spark job is run: acceptance at the API is enough
(HIVE runs in a worker process of the server and needs no Spark runtime).
"""
from __future__ import annotations

import json
import uuid

import pytest

from conftest import (
    ROLE_ARN,
    expect_client_error,
    read_gz,
    spark_job_driver,
    unique,
    wait_for_app_state,
    wait_for_state,
    wait_until,
)

SETTING = "SPARKPLANE_ALLOWED_LOCAL_DIRS"


@pytest.fixture(scope="module")
def dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("local-paths")
    allowed, outside = root / "allowed", root / "outside"
    (allowed / "code").mkdir(parents=True)
    outside.mkdir()
    (allowed / "code" / "job.py").write_text("print('hello')\n")
    (allowed / "code" / "q.sql").write_text("SELECT 1 AS one;\n")
    (outside / "evil.py").write_text("print('evil')\n")
    (outside / "evil.sql").write_text("SELECT 2;\n")
    (allowed / "escape").symlink_to(outside)
    return {"allowed": allowed, "outside": outside}


@pytest.fixture(scope="module")
def srv(make_server, dirs):
    return make_server(extra_args=["--allowed-local-dir", str(dirs["allowed"])]).start()


@pytest.fixture(scope="module")
def api(srv):
    return srv.client(validate=False)


@pytest.fixture(scope="module")
def spark_app(api):
    return api.create_application(name=unique("lp"), releaseLabel="emr-7.0.0", type="SPARK")["applicationId"]


@pytest.fixture(scope="module")
def hive_app(api):
    app = api.create_application(name=unique("lph"), releaseLabel="emr-7.9.0", type="HIVE")["applicationId"]
    api.start_application(applicationId=app)
    wait_for_app_state(api, app, {"STARTED"})
    return app


def monitoring(uri: str) -> dict:
    return {"s3MonitoringConfiguration": {"logUri": uri}}


def start(api, app: str, driver: dict, **kw) -> str:
    return api.start_job_run(applicationId=app, clientToken=uuid.uuid4().hex, executionRoleArn=ROLE_ARN,
                             jobDriver=driver, **kw)["jobRunId"]


def refused(fn, *parts, **kw):
    return expect_client_error(fn, 400, "ValidationException", SETTING, *parts, **kw)


# --------------------------------------------------------------------------- logUri


def test_log_uri_outside_is_refused_at_create_update_and_start(api, spark_app):
    refused(api.create_application, "logUri", "file:///tmp/x/", name=unique("lp"), releaseLabel="emr-7.0.0",
            type="SPARK", monitoringConfiguration=monitoring("file:///tmp/x/"))
    refused(api.update_application, "logUri", applicationId=spark_app, clientToken=uuid.uuid4().hex,
            monitoringConfiguration=monitoring("/tmp/x"))
    refused(start, "logUri", api=api, app=spark_app, driver=spark_job_driver("s3://b/job.py"),
            configurationOverrides={"monitoringConfiguration": monitoring("file:///tmp/x/")})


def test_log_uri_into_the_data_dir_is_refused(api, srv):
    # The data dir holds the credentials and state.db: never allowed, only its local/ folder.
    refused(api.create_application, name=unique("lp"), releaseLabel="emr-7.0.0", type="SPARK",
            monitoringConfiguration=monitoring(f"file://{srv.data_dir}/"))
    ok = api.create_application(name=unique("lp"), releaseLabel="emr-7.0.0", type="SPARK",
                                monitoringConfiguration=monitoring(f"file://{srv.data_dir}/local/logs/"))
    assert ok["applicationId"]


def test_log_uri_inside_is_accepted(api, dirs):
    app = api.create_application(name=unique("lp"), releaseLabel="emr-7.0.0", type="SPARK",
                                 monitoringConfiguration=monitoring(f"file://{dirs['allowed']}/logs/"))
    api.update_application(applicationId=app["applicationId"], clientToken=uuid.uuid4().hex,
                           monitoringConfiguration=monitoring(str(dirs["allowed"] / "other-logs")))


# --------------------------------------------------------------------------- escapes


@pytest.mark.parametrize("how", ["dot-dot", "dot-dot-missing", "symlink", "plain", "relative"])
def test_entry_point_escapes_are_refused(api, spark_app, dirs, how):
    allowed = dirs["allowed"]
    entry = {
        "dot-dot": f"file://{allowed}/../outside/evil.py",
        "dot-dot-missing": f"{allowed}/nope/../../outside/evil.py",
        "symlink": f"file://{allowed}/escape/evil.py",
        "plain": str(dirs["outside"] / "evil.py"),
        "relative": "code/job.py",
    }[how]
    refused(start, "entryPoint", api=api, app=spark_app, driver=spark_job_driver(entry))


@pytest.mark.parametrize("flag", ["--py-files", "--jars", "--files", "--archives", "--conf spark.jars="])
def test_dependencies_outside_are_refused(api, spark_app, dirs, flag):
    path = dirs["outside"] / "evil.py"
    params = f"{flag}{path}" if flag.endswith("=") else f"{flag} file://{path}"
    driver = spark_job_driver(f"file://{dirs['allowed']}/code/job.py", params=params)
    refused(start, str(path), api=api, app=spark_app, driver=driver)


def test_hive_query_and_init_file_outside_are_refused(api, hive_app, dirs):
    evil = str(dirs["outside"] / "evil.sql")
    refused(start, "jobDriver.hive.query", api=api, app=hive_app, driver={"hive": {"query": evil}})
    good = str(dirs["allowed"] / "code" / "q.sql")
    refused(start, "initQueryFile", api=api, app=hive_app,
            driver={"hive": {"query": good, "initQueryFile": f"file://{evil}"}})


# --------------------------------------------------------------------------- accepted


def test_spark_entry_point_and_dependencies_inside_are_accepted(api, spark_app, dirs):
    code = dirs["allowed"] / "code"
    driver = spark_job_driver(f"file://{code}/job.py", params=f"--py-files {code}/job.py --files {code}/q.sql")
    job = start(api, spark_app, driver)
    run = api.get_job_run(applicationId=spark_app, jobRunId=job)["jobRun"]
    assert run["state"] != "FAILED", run
    # No Spark needed here: cancel before it runs.
    api.cancel_job_run(applicationId=spark_app, jobRunId=job)
    run = wait_for_state(api, spark_app, job, {"CANCELLED", "FAILED"}, timeout=120)
    assert SETTING not in run.get("stateDetails", "") and "local path" not in run.get("stateDetails", "")


def test_hive_query_inside_is_accepted_and_logs_inside(api, hive_app, dirs):
    logs = dirs["allowed"] / "hive-logs"
    job = start(api, hive_app, {"hive": {"query": f"file://{dirs['allowed']}/code/q.sql"}},
                configurationOverrides={"monitoringConfiguration": monitoring(f"file://{logs}/")})
    run = wait_for_state(api, hive_app, job, {"SUCCESS", "FAILED"}, timeout=180)
    details = run.get("stateDetails", "")
    assert SETTING not in details and "local path" not in details, run
    if run["state"] == "SUCCESS":
        stdout = logs / "applications" / hive_app / "jobs" / job / "HIVE_DRIVER" / "stdout.gz"
        wait_until(stdout.exists, 30, f"HIVE driver log {stdout}")
        assert "1" in wait_until(lambda: _read(stdout), 30, f"readable {stdout}")


def _read(path):
    try:
        return read_gz(path)
    except (OSError, EOFError):
        return None


def test_default_server_allows_only_the_data_dirs_local_folder(make_server, tmp_path):
    srv = make_server(extra_env={SETTING: ""}).start()
    api = srv.client(validate=False)
    app = api.create_application(name=unique("lp"), releaseLabel="emr-7.0.0", type="SPARK")["applicationId"]
    script = tmp_path / "job.py"
    script.write_text("print(1)\n")
    refused(start, "entryPoint", api=api, app=app, driver=spark_job_driver(str(script)))
    refused(start, api=api, app=app, driver=spark_job_driver(f"file://{srv.data_dir}/credentials"))
    local = srv.data_dir / "local"
    assert local.is_dir()
    (local / "job.py").write_text("print(1)\n")
    job = start(api, app, spark_job_driver(str(local / "job.py")))
    api.cancel_job_run(applicationId=app, jobRunId=job)
    wait_for_state(api, app, job, {"CANCELLED", "FAILED"}, timeout=120)


# --------------------------------------------------------------------------- per principal


def user_with(srv, statements: list) -> object:
    """A new IAM user with `statements` as its policy, and its EMR client."""
    iam = srv.iam()
    name = unique("lp-user")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p",
                        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": statements}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return srv.client(access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"], validate=False)


def test_a_local_path_needs_the_callers_policy_too(srv, dirs):
    emr = {"Effect": "Allow", "Action": "emr-serverless:*", "Resource": "*"}
    logs = f"file://{dirs['allowed']}/team-a/logs/"
    # Allowed by the configuration, but not by this user's policy: 403.
    plain = user_with(srv, [emr])
    expect_client_error(lambda: plain.create_application(
        name=unique("lp"), releaseLabel="emr-7.0.0", type="SPARK", monitoringConfiguration=monitoring(logs)),
        403, "AccessDeniedException", "sparkplane:UseLocalPath", f"arn:sparkplane:local:::{dirs['allowed']}/team-a/logs")
    # s3:// needs no such permission.
    assert plain.create_application(name=unique("lp"), releaseLabel="emr-7.0.0", type="SPARK",
                                    monitoringConfiguration=monitoring("s3://team-logs/x/"))["applicationId"]
    # A user whose policy gives it team-a's directory may use it, and only it.
    pass_role = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": ROLE_ARN}
    team_a = user_with(srv, [emr, pass_role, {"Effect": "Allow", "Action": "sparkplane:UseLocalPath",
                                   "Resource": f"arn:sparkplane:local:::{dirs['allowed']}/team-a/*"}])
    app = team_a.create_application(name=unique("lp"), releaseLabel="emr-7.0.0", type="SPARK",
                                    monitoringConfiguration=monitoring(logs))["applicationId"]
    expect_client_error(lambda: team_a.start_job_run(
        applicationId=app, clientToken=uuid.uuid4().hex, executionRoleArn=ROLE_ARN,
        jobDriver=spark_job_driver(f"file://{dirs['allowed']}/code/job.py")),
        403, "AccessDeniedException", "sparkplane:UseLocalPath")
