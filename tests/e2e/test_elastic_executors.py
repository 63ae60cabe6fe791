"""Dynamic allocation that grows and shrinks a running job within the caps.

A run with `spark.dynamicAllocation.maxExecutors` gets executor processes
(a Spark standalone master and one worker per executor) instead of
`local[N]` threads. The job below reports what it saw from inside: how many
executors it reached under a backlog, that Spark released them when idle,
and that sparkplane stopped their workers (the reservation shrank)."""
import re
import signal

import pytest

from conftest import (
    JOB_TIMEOUT,
    ROLE_ARN,
    create_app,
    expect_client_error,
    job_work_dir,
    processes_referencing,
    spark_job_driver,
    start_job,
    unique,
    wait_driver_log,
    wait_for_state,
    wait_until,
)

ELASTIC = (
    "--conf spark.driver.cores=1 --conf spark.executor.cores=1 "
    "--conf spark.dynamicAllocation.initialExecutors=1 --conf spark.dynamicAllocation.minExecutors=0 "
    "--conf spark.dynamicAllocation.maxExecutors=3 --conf spark.dynamicAllocation.executorIdleTimeout=2s "
    "--conf spark.dynamicAllocation.schedulerBacklogTimeout=1s "
    "--conf spark.dynamicAllocation.sustainedSchedulerBacklogTimeout=1s"
)

# Waits are bounded; the job prints what it saw and the test checks it.
JOB = r'''
import os, subprocess, threading, time
from pyspark.sql import SparkSession

sc = SparkSession.builder.getOrCreate().sparkContext

def executors():
    return sc._jsc.sc().getExecutorIds().size()

def workers():
    # This attempt's standalone workers: their --work-dir is under our cwd.
    mine = os.path.join(os.getcwd(), "executors", "worker-")
    return len(subprocess.run(["pgrep", "-f", mine], capture_output=True, text=True).stdout.split())

def wait_for(pred, timeout=180):
    deadline = time.time() + timeout
    while time.time() < deadline and not pred():
        time.sleep(0.2)

peak = [0]
done = threading.Event()
def sample():
    while not done.is_set():
        peak[0] = max(peak[0], executors())
        time.sleep(0.2)
threading.Thread(target=sample, daemon=True).start()

def slow(x):
    time.sleep(0.5)
    return x

total = sc.parallelize(range(64), 64).map(slow).sum()
done.set()
print(f"sum {total} peak executors {peak[0]}", flush=True)
wait_for(lambda: executors() == 0)
print(f"executors after idle {executors()}", flush=True)
wait_for(lambda: workers() == 0)
print(f"workers after idle {workers()}", flush=True)
again = sc.parallelize(range(4), 4).map(lambda x: x * 2).sum()
print(f"second stage {again}", flush=True)
'''


# Holds its first executor busy until it is stopped.
BUSY = """
import time
from pyspark.sql import SparkSession
sc = SparkSession.builder.getOrCreate().sparkContext
print("busy", flush=True)
sc.parallelize(range(1), 1).map(lambda x: time.sleep(600)).collect()
"""


def start_busy_elastic_job(client, server, tmp_path):
    script = tmp_path / "busy.py"
    script.write_text(BUSY)
    app_id = create_app(client, name=unique("elastic"))["applicationId"]
    job_id = start_job(client, app_id, spark_job_driver(str(script), params=ELASTIC))
    wait_for_state(client, app_id, job_id, {"RUNNING"})
    work = job_work_dir(server, app_id, job_id)
    # The standalone master and a worker with its executor are up.
    wait_until(lambda: len([p for p, cmd in processes_referencing(work / "1" / "executors")
                            if "CoarseGrainedExecutorBackend" in cmd]) == 1,
               JOB_TIMEOUT, "the run's executor process")
    assert any("deploy.master.Master" in cmd for _, cmd in processes_referencing(work / "1"))
    return app_id, job_id, work


def seen(stdout: str, label: str) -> int:
    match = re.search(rf"{label} (\d+)", stdout)
    assert match, f"no '{label}' in the job's stdout:\n{stdout}"
    return int(match.group(1))


def executor_log_ids(log_dir, app_id, job_id) -> set[str]:
    base = log_dir / "applications" / app_id / "jobs" / job_id / "SPARK_EXECUTOR"
    return {p.name for p in base.iterdir() if (p / "stderr.gz").exists()} if base.exists() else set()


def run_elastic(client, tmp_path, params=ELASTIC, **app_kw):
    script = tmp_path / "elastic.py"
    script.write_text(JOB)
    app_id = create_app(client, name=unique("elastic"), **app_kw)["applicationId"]
    log_dir = tmp_path / "logs"
    job_id = start_job(client, app_id, spark_job_driver(str(script), params=params), log_dir)
    run = wait_for_state(client, app_id, job_id, {"SUCCESS"}, timeout=JOB_TIMEOUT)
    stdout = wait_driver_log(log_dir, app_id, job_id)
    assert "sum 2016" in stdout and "second stage 12" in stdout, stdout
    # Spark released its idle executors and sparkplane stopped their workers.
    assert seen(stdout, "executors after idle") == 0, stdout
    assert seen(stdout, "workers after idle") == 0, stdout
    return run, stdout, executor_log_ids(log_dir, app_id, job_id)


@pytest.mark.spark
def test_executors_grow_under_load_and_are_released_when_idle(client, tmp_path):
    run, stdout, executor_logs = run_elastic(client, tmp_path)
    peak = seen(stdout, "peak executors")
    assert 2 <= peak <= 3, stdout
    # Each executor (the second stage's new one too) has its logs in the
    # EMR layout, under Spark's executor id.
    assert len(executor_logs) >= peak + 1, executor_logs
    assert run["totalResourceUtilization"]["vCPUHour"] > 0


@pytest.mark.spark
def test_maximum_capacity_refuses_growth_but_the_run_goes_on(client, tmp_path):
    # The driver (1 vCPU, 2 GB) and one executor of the same fill the cap.
    # The run asks for two executors at start: it starts with the one that
    # fits (all-or-nothing would have refused it at submit).
    params = ELASTIC.replace("initialExecutors=1", "initialExecutors=2")
    run, stdout, executor_logs = run_elastic(client, tmp_path, params,
                                             maximumCapacity={"cpu": "2 vCPU", "memory": "4 GB"})
    assert seen(stdout, "peak executors") == 1, stdout
    # The first executor, then the one the second stage got back.
    assert executor_logs == {"0", "1"}, executor_logs
    assert run["state"] == "SUCCESS"


def test_max_executors_below_the_initial_count_is_refused(client, tmp_path):
    app_id = create_app(client, name=unique("elastic"))["applicationId"]
    driver = spark_job_driver("s3://bucket/job.py", params="--conf spark.dynamicAllocation.initialExecutors=4 "
                              "--conf spark.dynamicAllocation.maxExecutors=2")
    expect_client_error(lambda: client.start_job_run(applicationId=app_id, executionRoleArn=ROLE_ARN, jobDriver=driver),
                        400, "ValidationException", "spark.dynamicAllocation.maxExecutors")


@pytest.mark.spark
def test_cancel_stops_the_master_workers_and_executors(client, server, tmp_path):
    app_id, job_id, work = start_busy_elastic_job(client, server, tmp_path)
    # The console's run page charts the executors the server samples.
    path = f"/sparkplane/v1/console/samples?applicationId={app_id}&jobRunId={job_id}"

    def sampled():
        answer = server.raw("GET", path)
        assert answer.status == 200, answer.body
        return any(point["granted"] >= 1 for point in answer.json()["executors"])
    wait_until(sampled, 60, "the run's executors in the console's samples")
    other = create_app(client, name=unique("other"))["applicationId"]
    assert server.raw("GET", f"/sparkplane/v1/console/samples?applicationId={other}&jobRunId={job_id}").status == 404
    client.cancel_job_run(applicationId=app_id, jobRunId=job_id)
    wait_for_state(client, app_id, job_id, {"CANCELLED"})
    wait_until(lambda: not processes_referencing(work), 60, f"no process left under {work}")


@pytest.mark.spark
def test_a_crashed_server_kills_the_lost_attempts_executor_processes_at_restart(fresh_server, tmp_path):
    client = fresh_server.client()
    app_id, job_id, work = start_busy_elastic_job(client, fresh_server, tmp_path)
    # No graceful shutdown: the driver, master and workers are left behind.
    fresh_server.proc.send_signal(signal.SIGKILL)
    fresh_server.proc.wait(30)
    fresh_server.proc = None
    assert any("deploy.worker.Worker" in cmd for _, cmd in processes_referencing(work))
    fresh_server.start()
    client = fresh_server.client()
    run = wait_for_state(client, app_id, job_id, {"FAILED"}, timeout=60)
    assert "attempt lost" in run["stateDetails"]
    wait_until(lambda: not processes_referencing(work), 60, f"no process left under {work}")
