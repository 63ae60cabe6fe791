"""State survives a server restart (same data dir and port)."""
import pytest

from conftest import (
    JOB_TIMEOUT,
    TERMINAL_JOB_STATES,
    create_app,
    job_work_dir,
    processes_referencing,
    spark_job_driver,
    start_job,
    unique,
    wait_for_app_state,
    wait_for_state,
    wait_until,
)

APP_KEYS = ("applicationId", "arn", "name", "releaseLabel", "type", "state", "createdAt", "tags",
            "maximumCapacity", "autoStopConfiguration")
RUN_KEYS = ("jobRunId", "arn", "name", "state", "stateDetails", "createdAt", "startedAt", "endedAt",
            "executionRole", "jobDriver", "tags", "totalExecutionDurationSeconds", "totalResourceUtilization",
            "billedResourceUtilization", "attempt")


def _pick(d, keys):
    return {k: d.get(k) for k in keys}


@pytest.mark.spark
def test_restart_preserves_applications_and_job_runs(fresh_server, tmp_path):
    srv = fresh_server
    c = srv.client()
    hello = tmp_path / "hello.py"
    hello.write_text("print('hello-before-restart-4711', flush=True)\n")
    log_dir = tmp_path / "logs"

    created = create_app(c, name=unique("r-created"), tags={"keep": "me"},
                         maximumCapacity={"cpu": "4 vCPU", "memory": "8 GB"})["applicationId"]
    stopped = create_app(c, name=unique("r-stopped"))["applicationId"]
    c.start_application(applicationId=stopped)
    wait_for_app_state(c, stopped, {"STARTED"}, timeout=JOB_TIMEOUT)
    c.stop_application(applicationId=stopped)
    wait_for_app_state(c, stopped, {"STOPPED"})

    with_jobs = create_app(c, name=unique("r-jobs"))["applicationId"]
    ok = start_job(c, with_jobs, spark_job_driver(str(hello)), log_dir=log_dir, name="ok", tags={"t": "1"})
    bad = start_job(c, with_jobs, spark_job_driver(str(tmp_path / "missing.py")), name="bad")
    wait_for_state(c, with_jobs, ok, {"SUCCESS"})
    wait_for_state(c, with_jobs, bad, {"FAILED"})
    deleted = create_app(c, name=unique("r-deleted"))["applicationId"]
    c.delete_application(applicationId=deleted)

    apps_before = {a["id"]: a for a in c.list_applications(maxResults=50)["applications"]}
    full_before = {i: _pick(c.get_application(applicationId=i)["application"], APP_KEYS)
                   for i in (created, stopped, with_jobs)}
    runs_before = {j: _pick(c.get_job_run(applicationId=with_jobs, jobRunId=j)["jobRun"], RUN_KEYS)
                   for j in (ok, bad)}
    listed_runs_before = sorted(r["id"] for r in c.list_job_runs(applicationId=with_jobs)["jobRuns"])
    creds = (srv.access_key, srv.secret_key)
    assert full_before[with_jobs]["state"] == "STARTED"

    rc = srv.stop()
    assert rc == 0, f"server should exit cleanly on SIGTERM, got {rc}\n{srv.log_tail()}"
    srv.start()

    assert (srv.access_key, srv.secret_key) == creds, "credentials must persist across restarts"
    c = srv.client()
    apps_after = {a["id"]: a for a in c.list_applications(maxResults=50)["applications"]}
    assert set(apps_after) == set(apps_before)
    for i, a in apps_before.items():
        assert apps_after[i]["state"] == a["state"], (i, a["state"], apps_after[i]["state"])
        assert apps_after[i]["arn"] == a["arn"]
    for i, before in full_before.items():
        after = _pick(c.get_application(applicationId=i)["application"], APP_KEYS)
        assert after == before
    for j, before in runs_before.items():
        after = _pick(c.get_job_run(applicationId=with_jobs, jobRunId=j)["jobRun"], RUN_KEYS)
        assert after == before
    assert sorted(r["id"] for r in c.list_job_runs(applicationId=with_jobs)["jobRuns"]) == listed_runs_before
    assert c.list_tags_for_resource(resourceArn=full_before[created]["arn"])["tags"] == {"keep": "me"}

    logs = srv.cli("logs", with_jobs, ok, "--endpoint", srv.endpoint, "--data-dir", str(srv.data_dir))
    assert "hello-before-restart-4711" in logs.stdout

    # new resources get fresh ids
    new_app = create_app(c)["applicationId"]
    assert new_app not in apps_before
    new_job = start_job(c, with_jobs, spark_job_driver(str(tmp_path / "missing.py")))
    assert new_job not in (ok, bad)
    wait_for_state(c, with_jobs, new_job, {"FAILED"})


@pytest.mark.spark
def test_shutdown_with_running_job(fresh_server, tmp_path):
    srv = fresh_server
    c = srv.client()
    sleeper = tmp_path / "sleeper.py"
    sleeper.write_text("import time\nprint('sleeping', flush=True)\ntime.sleep(600)\n")
    app = create_app(c, name=unique("r-running"))["applicationId"]
    job = start_job(c, app, spark_job_driver(str(sleeper)))
    wait_for_state(c, app, job, {"RUNNING"})
    workdir = job_work_dir(srv, app, job)
    wait_until(lambda: processes_referencing(workdir), 60, f"driver processes under {workdir}")

    rc = srv.stop()
    assert rc == 0, f"server should exit cleanly on SIGTERM, got {rc}\n{srv.log_tail()}"
    wait_until(lambda: not processes_referencing(srv.data_dir), 20,
               "job processes to be gone after server shutdown")

    srv.start()
    c = srv.client()
    run = wait_for_state(c, app, job, TERMINAL_JOB_STATES, timeout=60)
    assert run["state"] in {"FAILED", "CANCELLED"}, run["state"]
    assert run["stateDetails"].strip()
    assert run.get("endedAt") is not None
