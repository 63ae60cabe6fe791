"""Capacity rules as the service applies them: retries with attempts, queueing
behind maxConcurrentRuns, waiting under maximumCapacity, sizes, auto-stop and
StopApplication while busy."""
import pytest

from conftest import (
    API_TIMEOUT,
    JOB_TIMEOUT,
    create_app,
    expect_client_error,
    spark_job_driver,
    start_job,
    unique,
    wait_for_app_state,
    wait_for_state,
    wait_until,
)

# One driver (1 vCPU, 1g heap -> 2 GB worker) and one executor of the same:
# 2 vCPU and 4 GB per run.
SMALL = ("--conf spark.driver.cores=1 --conf spark.driver.memory=1g --conf spark.executor.cores=1 "
         "--conf spark.executor.memory=1g --conf spark.executor.instances=1 --conf spark.dynamicAllocation.enabled=false")

FAILING = 'raise SystemExit("retry-me-4471")\n'
QUICK = 'print("quick-run-done-2290", flush=True)\n'
SLEEPER = 'import time\nprint("sleeping-9931", flush=True)\ntime.sleep(600)\n'


@pytest.fixture
def scripts(tmp_path):
    paths = {}
    for name, body in {"failing": FAILING, "quick": QUICK, "sleeper": SLEEPER}.items():
        path = tmp_path / f"{name}.py"
        path.write_text(body)
        paths[name] = str(path)
    return paths


def started_app(client, **kw) -> str:
    app_id = create_app(client, name=unique("cap"), **kw)["applicationId"]
    client.start_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STARTED"})
    return app_id


def run_state(client, app_id, job_id) -> dict:
    return client.get_job_run(applicationId=app_id, jobRunId=job_id)["jobRun"]


@pytest.mark.spark
def test_failed_run_is_retried_with_its_own_attempt_and_logs(client, scripts, tmp_path):
    app_id = started_app(client)
    log_dir = tmp_path / "logs"
    job_id = start_job(client, app_id, spark_job_driver(scripts["failing"], params=SMALL), log_dir,
                       retryPolicy={"maxAttempts": 2})
    wait_until(lambda: (lambda r: r["state"] == "FAILED" and r.get("attempt") == 2)(run_state(client, app_id, job_id)),
               JOB_TIMEOUT, "second attempt to fail")
    attempts = client.list_job_run_attempts(applicationId=app_id, jobRunId=job_id)["jobRunAttempts"]
    assert [a["attempt"] for a in attempts] == [1, 2]
    assert all(a["state"] == "FAILED" for a in attempts)
    first = client.get_job_run(applicationId=app_id, jobRunId=job_id, attempt=1)["jobRun"]
    assert first["attempt"] == 1 and first["state"] == "FAILED"
    assert "retry-me-4471" in first["stateDetails"]
    second = run_state(client, app_id, job_id)
    assert second["attemptCreatedAt"] > first["attemptCreatedAt"]
    base = log_dir / "applications" / app_id / "jobs" / job_id
    wait_until(lambda: (base / "SPARK_DRIVER" / "stdout.gz").exists()
               and (base / "attempts" / "2" / "SPARK_DRIVER" / "stdout.gz").exists(), API_TIMEOUT, "both log folders")


@pytest.mark.spark
def test_cancelled_run_is_not_retried(client, scripts, tmp_path):
    app_id = started_app(client)
    job_id = start_job(client, app_id, spark_job_driver(scripts["sleeper"], params=SMALL), tmp_path,
                       retryPolicy={"maxAttempts": 3})
    wait_for_state(client, app_id, job_id, {"RUNNING"})
    client.cancel_job_run(applicationId=app_id, jobRunId=job_id)
    wait_for_state(client, app_id, job_id, {"CANCELLED"})
    attempts = client.list_job_run_attempts(applicationId=app_id, jobRunId=job_id)["jobRunAttempts"]
    assert len(attempts) == 1


@pytest.mark.spark
def test_max_concurrent_runs_queues_the_second_run_until_the_first_ends(client, scripts, tmp_path):
    app_id = started_app(client, schedulerConfiguration={"maxConcurrentRuns": 1})
    app = client.get_application(applicationId=app_id)["application"]
    assert app["schedulerConfiguration"] == {"maxConcurrentRuns": 1, "queueTimeoutMinutes": 360}
    first = start_job(client, app_id, spark_job_driver(scripts["sleeper"], params=SMALL), tmp_path)
    wait_for_state(client, app_id, first, {"RUNNING"})
    second = start_job(client, app_id, spark_job_driver(scripts["quick"], params=SMALL), tmp_path)
    wait_for_state(client, app_id, second, {"QUEUED"}, timeout=API_TIMEOUT)
    # Still queued while the first one runs: the limit holds, it is not a race.
    assert run_state(client, app_id, first)["state"] == "RUNNING"
    assert run_state(client, app_id, second)["state"] == "QUEUED"
    client.cancel_job_run(applicationId=app_id, jobRunId=first)
    wait_for_state(client, app_id, second, {"SUCCESS"})
    assert run_state(client, app_id, second)["queuedDurationMilliseconds"] > 0


@pytest.mark.spark
def test_maximum_capacity_makes_a_run_wait_then_succeed(client, scripts, tmp_path):
    app_id = started_app(client, maximumCapacity={"cpu": "2 vCPU", "memory": "8 GB"})
    first = start_job(client, app_id, spark_job_driver(scripts["sleeper"], params=SMALL), tmp_path)
    wait_for_state(client, app_id, first, {"RUNNING"})
    second = start_job(client, app_id, spark_job_driver(scripts["quick"], params=SMALL), tmp_path)
    wait_for_state(client, app_id, second, {"PENDING"}, timeout=API_TIMEOUT)
    assert run_state(client, app_id, second)["state"] == "PENDING"
    client.cancel_job_run(applicationId=app_id, jobRunId=first)
    wait_for_state(client, app_id, second, {"SUCCESS"})


@pytest.mark.spark
def test_stop_application_is_refused_while_a_run_is_running(client, scripts, tmp_path):
    app_id = started_app(client)
    job_id = start_job(client, app_id, spark_job_driver(scripts["sleeper"], params=SMALL), tmp_path)
    wait_for_state(client, app_id, job_id, {"RUNNING"})
    expect_client_error(lambda: client.stop_application(applicationId=app_id), 400, "ValidationException",
                        "cancelled before stopping")
    client.cancel_job_run(applicationId=app_id, jobRunId=job_id)
    wait_for_state(client, app_id, job_id, {"CANCELLED"})
    client.stop_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STOPPED"})


def test_a_run_that_can_never_fit_is_rejected_at_submit(client, scripts):
    app_id = create_app(client, maximumCapacity={"cpu": "2 vCPU", "memory": "8 GB"})["applicationId"]
    # The service's default sizes: a 4 vCPU driver and 3 executors of 4 vCPU.
    expect_client_error(lambda: start_job(client, app_id, spark_job_driver(scripts["quick"])), 400,
                        "ValidationException", "maximumCapacity")
    assert client.list_job_runs(applicationId=app_id)["jobRuns"] == []
    # Disk counts too when maximumCapacity names it: 4 workers of 20 GB each.
    roomy = create_app(client, maximumCapacity={"cpu": "100 vCPU", "memory": "400 GB",
                                                "disk": "60 GB"})["applicationId"]
    expect_client_error(lambda: start_job(client, roomy, spark_job_driver(scripts["quick"])), 400,
                        "ValidationException", "80 GB disk")


def test_worker_sizes_follow_the_service_table(client):
    expect_client_error(lambda: create_app(client, initialCapacity={
        "Driver": {"workerCount": 1, "workerConfiguration": {"cpu": "3 vCPU", "memory": "8 GB"}}}),
        400, "ValidationException", "1, 2, 4, 8 or 16 vCPUs")
    expect_client_error(lambda: create_app(client, initialCapacity={
        "Driver": {"workerCount": 1, "workerConfiguration": {"cpu": "8 vCPU", "memory": "18 GB"}}}),
        400, "ValidationException", "4 GB steps")
    expect_client_error(lambda: create_app(client, initialCapacity={
        "Gpu": {"workerCount": 1, "workerConfiguration": {"cpu": "4 vCPU", "memory": "16 GB"}}}),
        400, "ValidationException", "unknown worker type")
    app_id = create_app(client, initialCapacity={
        "DRIVER": {"workerCount": 1, "workerConfiguration": {"cpu": "4vCPU", "memory": "16GB", "disk": "20GB"}}})[
        "applicationId"]
    app = client.get_application(applicationId=app_id)["application"]
    # Validated case-insensitively, echoed as given.
    assert list(app["initialCapacity"]) == ["DRIVER"]


def test_idle_application_stops_itself(make_server):
    # One "minute" of idleTimeoutMinutes lasts 2 s on this server.
    srv = make_server(extra_env={"SPARKPLANE_AUTO_STOP_MINUTE_SECONDS": "2"}).start()
    client = srv.client()
    stays = create_app(client, autoStopConfiguration={"enabled": False})["applicationId"]
    stops = create_app(client, autoStopConfiguration={"enabled": True, "idleTimeoutMinutes": 1})["applicationId"]
    for app_id in (stays, stops):
        client.start_application(applicationId=app_id)
        wait_for_app_state(client, app_id, {"STARTED"})
    wait_for_app_state(client, stops, {"STOPPED"}, timeout=API_TIMEOUT)
    assert client.get_application(applicationId=stays)["application"]["state"] == "STARTED"
