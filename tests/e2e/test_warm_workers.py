"""Pre-initialized capacity: warm workers that exist before a job arrives.

HIVE applications with `initialCapacity` keep `sparkplane hive-worker
--serve` processes running; StartApplication reports STARTED only once they
are up, jobs are handed to them over their channel, they survive the job,
a dead one is replaced, and StopApplication stops them.
"""
import os
import re
import signal

import pytest

from conftest import ROLE_ARN, unique, wait_for_app_state, wait_for_state, wait_until
from helpers_s3 import s3_client

BUCKET = "warm-e2e"


def live_argvs():
    """(pid, argv) of every live, non-zombie process."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as fh:
                argv = fh.read().split(b"\0")
            with open(f"/proc/{entry}/stat", "rb") as fh:
                state = fh.read().rsplit(b")", 1)[-1].split()[0]
        except (FileNotFoundError, ProcessLookupError, PermissionError, IndexError):
            continue
        if state != b"Z":
            yield int(entry), argv


def warm_pids(app_id: str) -> set[int]:
    """PIDs of live warm HIVE workers of `app_id` (found by their command line)."""
    return {pid for pid, argv in live_argvs()
            if b"--serve" in argv and any(arg.startswith(app_id.encode()) for arg in argv)}


@pytest.fixture(scope="module")
def s3(server):
    client = s3_client(server)
    client.create_bucket(Bucket=BUCKET)
    return client


def submit_hive(client, s3, app_id: str, query: str) -> str:
    key = f"sql/{unique('q')}.sql"
    s3.put_object(Bucket=BUCKET, Key=key, Body=query.encode())
    overrides = {"monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": f"s3://{BUCKET}/logs/"}}}
    return client.start_job_run(applicationId=app_id, executionRoleArn=ROLE_ARN,
                                jobDriver={"hive": {"query": f"s3://{BUCKET}/{key}"}},
                                configurationOverrides=overrides)["jobRunId"]


def driver_log(s3, app_id: str, job_id: str, stream: str) -> str:
    import gzip
    key = f"logs/applications/{app_id}/jobs/{job_id}/HIVE_DRIVER/{stream}.gz"
    return gzip.decompress(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()).decode()


def test_application_without_initial_capacity_starts_at_once(client):
    app_id = client.create_application(name=unique("cold"), type="HIVE", releaseLabel="emr-7.9.0")["applicationId"]
    client.start_application(applicationId=app_id)
    # No warm workers to wait for: STARTED is already recorded when the call returns.
    assert client.get_application(applicationId=app_id)["application"]["state"] == "STARTED"
    assert warm_pids(app_id) == set()


def test_hive_warm_workers_run_jobs_survive_them_are_replaced_and_stop(client, s3):
    capacity = {"HiveDriver": {"workerCount": 2, "workerConfiguration": {"cpu": "2vCPU", "memory": "4GB"}}}
    app_id = client.create_application(name=unique("warm"), type="HIVE", releaseLabel="emr-7.9.0",
                                       initialCapacity=capacity)["applicationId"]
    assert warm_pids(app_id) == set(), "no warm workers before the application starts"
    client.start_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STARTED"})
    # STARTED means the workers are already up, not on their way.
    first = warm_pids(app_id)
    assert len(first) == 2, first
    assert "2 pre-initialized" in client.get_application(applicationId=app_id)["application"]["stateDetails"]

    job_id = submit_hive(client, s3, app_id, "SELECT 6 * 7 AS answer;")
    run = wait_for_state(client, app_id, job_id, {"SUCCESS", "FAILED", "CANCELLED"}, timeout=60)
    assert run["state"] == "SUCCESS", run.get("stateDetails")
    assert driver_log(s3, app_id, job_id, "stdout").strip() == "42"
    served_by = re.search(r"pre-initialized HIVE worker \S+ \(pid (\d+)\)", driver_log(s3, app_id, job_id, "stderr"))
    assert served_by, "the job ran on a warm worker"
    assert int(served_by.group(1)) in first
    # Warm workers stay after the job; the same processes are still there.
    assert warm_pids(app_id) == first

    # A failing statement fails the job, not the worker.
    bad = submit_hive(client, s3, app_id, "SELECT 1;\nSELECT nope FROM missing_table;")
    failed = wait_for_state(client, app_id, bad, {"SUCCESS", "FAILED", "CANCELLED"}, timeout=60)
    assert failed["state"] == "FAILED"
    assert "statement 2" in failed["stateDetails"], failed["stateDetails"]
    assert warm_pids(app_id) == first

    # A dead warm worker is replaced by a new process.
    victim = min(first)
    os.kill(victim, signal.SIGKILL)
    wait_until(lambda: len(warm_pids(app_id)) == 2 and victim not in warm_pids(app_id), 30,
               "the killed warm worker to be replaced")

    client.stop_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STOPPED"})
    wait_until(lambda: not warm_pids(app_id), 30, "warm workers to stop with the application")


def warm_spark_pids(app_id: str) -> set[int]:
    """PIDs of warm Spark drivers (python warm_driver.py) of `app_id`."""
    return {pid for pid, argv in live_argvs()
            if any(arg.endswith(b"warm_driver.py") and app_id.encode() in arg for arg in argv)}


def test_spark_warm_driver_runs_the_job_and_is_replaced(client, s3):
    capacity = {"Driver": {"workerCount": 1, "workerConfiguration": {"cpu": "4vCPU", "memory": "16GB"}}}
    app_id = client.create_application(name=unique("warm-spark"), type="SPARK", releaseLabel="emr-7.9.0",
                                       initialCapacity=capacity)["applicationId"]
    client.start_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STARTED"}, timeout=300)
    before = warm_spark_pids(app_id)
    assert len(before) == 1, "STARTED once the warm driver's session is up"
    script = "import os\nfrom pyspark.sql import SparkSession\n" \
             "spark = SparkSession.builder.getOrCreate()\n" \
             "print('rows', spark.range(1000).count(), 'pid', os.getpid())\n"
    key = f"py/{unique('job')}.py"
    s3.put_object(Bucket=BUCKET, Key=key, Body=script.encode())
    overrides = {"monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": f"s3://{BUCKET}/logs/"}}}
    job_id = client.start_job_run(applicationId=app_id, executionRoleArn=ROLE_ARN,
                                  jobDriver={"sparkSubmit": {"entryPoint": f"s3://{BUCKET}/{key}"}},
                                  configurationOverrides=overrides)["jobRunId"]
    run = wait_for_state(client, app_id, job_id, {"SUCCESS", "FAILED", "CANCELLED"}, timeout=300)
    assert run["state"] == "SUCCESS", run.get("stateDetails")
    import gzip
    out_key = f"logs/applications/{app_id}/jobs/{job_id}/SPARK_DRIVER/stdout.gz"
    stdout = gzip.decompress(s3.get_object(Bucket=BUCKET, Key=out_key)["Body"].read()).decode()
    match = re.search(r"rows 1000 pid (\d+)", stdout)
    assert match, stdout[-2000:]
    # The job ran in the driver process that was already up before it was submitted.
    assert int(match.group(1)) in before
    # A warm driver serves one job; a fresh one replaces it.
    wait_until(lambda: len(warm_spark_pids(app_id)) == 1 and not (warm_spark_pids(app_id) & before), 120,
               "a replacement warm driver")
    client.stop_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STOPPED"})
    wait_until(lambda: not warm_spark_pids(app_id), 60, "warm drivers to stop with the application")
