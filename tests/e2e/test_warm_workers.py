"""Pre-initialized capacity: warm workers that exist before a job arrives.

HIVE applications with `initialCapacity` keep `sparkplane hive-worker
--serve` processes running; StartApplication reports STARTED only once they
are up, jobs are handed to them over their channel, they survive the job,
a dead one is replaced, and StopApplication stops them. `sparkplane workers`
shows the same through the API. A Spark warm driver serves one job, with the
dashboard of a cold run (live UI, then the history view).
"""
import gzip
import json
import os
import re
import signal
from pathlib import Path

import pytest
import requests

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


def driver_log(s3, app_id: str, job_id: str, stream: str, folder: str = "HIVE_DRIVER") -> str:
    """A finished run's driver output, from its logUri in the EMR layout."""
    key = f"logs/applications/{app_id}/jobs/{job_id}/{folder}/{stream}.gz"
    return gzip.decompress(s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()).decode()


def workers(server, app_id: str, *args: str) -> dict:
    """`sparkplane workers APP --output json`."""
    out = server.cli("workers", app_id, "--output", "json", "--endpoint", server.endpoint,
                     "--data-dir", str(server.data_dir), *args).stdout
    return json.loads(out)


def test_application_without_initial_capacity_starts_at_once(client):
    app_id = client.create_application(name=unique("cold"), type="HIVE", releaseLabel="emr-7.9.0")["applicationId"]
    client.start_application(applicationId=app_id)
    # No warm workers to wait for: STARTED is already recorded when the call returns.
    assert client.get_application(applicationId=app_id)["application"]["state"] == "STARTED"
    assert warm_pids(app_id) == set()


def test_hive_warm_workers_run_jobs_survive_them_are_replaced_and_stop(server, client, s3):
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
    shown = workers(server, app_id)
    assert (shown["engine"], shown["wanted"], shown["idle"], shown["busy"]) == ("HIVE", 2, 2, 0), shown

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
    shown = workers(server, app_id)
    assert (shown["applicationState"], shown["wanted"], shown["idle"]) == ("STOPPED", 0, 0), shown
    unknown = server.cli("workers", "00fzzzzzzzzzzzzz", "--endpoint", server.endpoint,
                         "--data-dir", str(server.data_dir), check=False)
    assert unknown.returncode != 0 and "HTTP 404" in unknown.stderr, unknown.stderr


def warm_spark_pids(app_id: str) -> set[int]:
    """PIDs of warm Spark drivers (python warm_driver.py) of `app_id`."""
    return {pid for pid, argv in live_argvs()
            if any(arg.endswith(b"warm_driver.py") and app_id.encode() in arg for arg in argv)}


# Holds the driver (and its UI) until the flag file exists, then ends.
HOLDING_SCRIPT = """
import os, sys, time
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
print("rows", spark.range(1000).count(), "pid", os.getpid(), flush=True)
# s3:// through S3A, with credentials fetched by the token the driver got
# when it started, bound to this run at hand-over.
print("s3a lines", spark.read.text(sys.argv[2]).count(), flush=True)
deadline = time.time() + 600
while not os.path.exists(sys.argv[1]) and time.time() < deadline:
    time.sleep(0.2)
"""


CONF_SCRIPT = """
import os
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
print("pid", os.getpid(), "partitions", spark.conf.get("spark.sql.shuffle.partitions"),
      "executions", spark.conf.get("spark.sql.ui.retainedExecutions"))
"""


def driver_token(pid: int) -> str:
    """The credentials token in a warm driver's environment."""
    with open(f"/proc/{pid}/environ", "rb") as fh:
        env = dict(item.split(b"=", 1) for item in fh.read().split(b"\0") if b"=" in item)
    return env[b"AWS_CONTAINER_AUTHORIZATION_TOKEN"].decode()


def fetch_credentials(server, token: str) -> tuple[int, dict]:
    answer = requests.get(f"{server.endpoint}/sparkplane/v1/credentials", headers={"Authorization": token},
                          timeout=30)
    return answer.status_code, answer.json()


def test_spark_warm_driver_runs_the_job_with_its_dashboard_and_is_replaced(server, client, s3, tmp_path):
    capacity = {"Driver": {"workerCount": 1, "workerConfiguration": {"cpu": "4vCPU", "memory": "16GB"}}}
    app_id = client.create_application(name=unique("warm-spark"), type="SPARK", releaseLabel="emr-7.9.0",
                                       initialCapacity=capacity)["applicationId"]
    client.start_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STARTED"}, timeout=300)
    before = warm_spark_pids(app_id)
    assert len(before) == 1, "STARTED once the warm driver's session is up"
    assert workers(server, app_id)["idle"] == 1
    warm_dir = Path(os.readlink(f"/proc/{min(before)}/cwd"))
    assert warm_dir.is_relative_to(server.data_dir / "pool"), warm_dir
    key = f"py/{unique('job')}.py"
    s3.put_object(Bucket=BUCKET, Key=key, Body=HOLDING_SCRIPT.encode())
    # The warm driver's own token fetches nothing before it has a run.
    token = driver_token(min(before))
    assert fetch_credentials(server, token)[0] == 403
    flag = tmp_path / "release"
    overrides = {"monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": f"s3://{BUCKET}/logs/"}}}
    job_id = client.start_job_run(applicationId=app_id, executionRoleArn=ROLE_ARN,
                                  jobDriver={"sparkSubmit": {"entryPoint": f"s3://{BUCKET}/{key}",
                                                             "entryPointArguments": [str(flag),
                                                                                     f"s3://{BUCKET}/{key}"]}},
                                  configurationOverrides=overrides)["jobRunId"]
    wait_for_state(client, app_id, job_id, {"RUNNING"}, timeout=60)
    # Bound at hand-over: the run's role.
    status, body = fetch_credentials(server, token)
    assert status == 200 and body["RoleArn"] == ROLE_ARN, (status, body)

    # The live Spark UI of the warm driver, through the run's dashboard.
    url = client.get_dashboard_for_job_run(applicationId=app_id, jobRunId=job_id)["url"]
    prefix = url.split("?", 1)[0]
    session = requests.Session()

    def live_jobs_page():
        page = session.get(url, timeout=60)
        return page if page.status_code == 200 and "Spark Jobs" in page.text else None

    page = wait_until(live_jobs_page, 60, "the warm driver's live UI through the dashboard")
    assert page.url == prefix + "jobs/", page.url
    # Links follow the run's prefix although the UI started before the run existed.
    assert 'href="' + prefix[len(server.endpoint):] + 'stages/"' in page.text

    flag.write_text("go")
    run = wait_for_state(client, app_id, job_id, {"SUCCESS", "FAILED", "CANCELLED"}, timeout=120)
    assert run["state"] == "SUCCESS", run.get("stateDetails")
    stdout = driver_log(s3, app_id, job_id, "stdout", "SPARK_DRIVER")
    match = re.search(r"rows 1000 pid (\d+)", stdout)
    assert match, stdout[-2000:]
    assert re.search(r"^s3a lines \d+$", stdout, re.M), stdout[-2000:]
    # Staged through the artifact cache, as a cold start stages it.
    stderr = driver_log(s3, app_id, job_id, "stderr", "SPARK_DRIVER")
    assert stderr.startswith(f"sparkplane: fetched s3://{BUCKET}/{key} into the cache\n"), stderr[:500]
    # The run ended: its token is dead.
    assert fetch_credentials(server, token)[0] == 403
    # The job ran in the driver process that was already up before it was submitted.
    assert int(match.group(1)) in before
    # The used driver's directory is gone; its warm-up log is kept with the run.
    assert not warm_dir.exists()
    warm_up = server.data_dir / "history" / app_id / job_id / "1" / "warm-driver.log"
    assert "SparkSession up" in warm_up.read_text()
    # Its event log is shipped in the EMR layout and serves the history view.
    logs = s3.list_objects_v2(Bucket=BUCKET, Prefix=f"logs/applications/{app_id}/jobs/{job_id}/sparklogs/")
    assert [o["Key"].rsplit("/", 1)[1] for o in logs.get("Contents", [])], "event log shipped"
    history = requests.Session().get(client.get_dashboard_for_job_run(applicationId=app_id,
                                                                      jobRunId=job_id)["url"], timeout=120)
    assert history.status_code == 200 and "/history/" in history.url, history.url
    assert "Completed Jobs" in history.text

    # A warm driver serves one job; a fresh one replaces it.
    wait_until(lambda: len(warm_spark_pids(app_id)) == 1 and not (warm_spark_pids(app_id) & before), 120,
               "a replacement warm driver")
    replacement = warm_spark_pids(app_id)
    wait_until(lambda: workers(server, app_id)["idle"] == 1, 300, "the replacement's session to be up")

    # A job's own session SQL property is set on the warm session; a static
    # one cannot be, so that job is declined and starts cold, with its value.
    conf_key = f"py/{unique('conf')}.py"
    s3.put_object(Bucket=BUCKET, Key=conf_key, Body=CONF_SCRIPT.encode())

    def run_with(conf: str) -> tuple[int, str, str]:
        job = client.start_job_run(applicationId=app_id, executionRoleArn=ROLE_ARN,
                                   jobDriver={"sparkSubmit": {"entryPoint": f"s3://{BUCKET}/{conf_key}",
                                                              "sparkSubmitParameters": f"--conf {conf}"}},
                                   configurationOverrides=overrides)["jobRunId"]
        done = wait_for_state(client, app_id, job, {"SUCCESS", "FAILED", "CANCELLED"}, timeout=300)
        assert done["state"] == "SUCCESS", done.get("stateDetails")
        out = driver_log(s3, app_id, job, "stdout", "SPARK_DRIVER")
        found = re.search(r"pid (\d+) partitions (\S+) executions (\S+)", out)
        assert found, out[-2000:]
        return int(found.group(1)), found.group(2), found.group(3)

    pid, partitions, _ = run_with("spark.sql.shuffle.partitions=3")
    assert pid in replacement and partitions == "3"
    wait_until(lambda: workers(server, app_id)["idle"] == 1, 300, "another warm driver")
    warm_now = warm_spark_pids(app_id)
    pid, _, executions = run_with("spark.sql.ui.retainedExecutions=7")
    assert pid not in warm_now and executions == "7"
    # Declining changed nothing: the same driver is kept, and the
    # replacement started while it was out ends as surplus.
    assert warm_now <= warm_spark_pids(app_id), "the declined driver is still up"
    wait_until(lambda: len(warm_spark_pids(app_id)) == 1 and workers(server, app_id)["idle"] == 1, 120,
               "one warm driver again")
    client.stop_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STOPPED"})
    wait_until(lambda: not warm_spark_pids(app_id), 60, "warm drivers to stop with the application")
