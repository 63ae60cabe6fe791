"""The artifact cache and the retention of work dirs.

Staged artifacts and unpacked archives are kept once under `<data>/cache`,
keyed by content (an S3 object's ETag and size), and linked into each
attempt; a second run of the same job downloads and unpacks nothing. The
driver's stderr begins with one `sparkplane: ...` line per artifact saying
what staging did, and `sparkplane workers` shows the cache's counters.
The cache stays within its byte limit (least recently used entries go,
never those of a live run). Each attempt's work dir is removed when it
ends; with `keep_failed_work_dirs_minutes` a failed one stays that long.
An ended run's managed logs and dashboard files go `run_history_days`
after it ended; its record stays.
"""
from __future__ import annotations

import io
import json
import os
import tarfile

import pytest

from conftest import (
    JOB_TIMEOUT,
    create_app,
    job_work_dir,
    managed_driver_log,
    spark_job_driver,
    start_job,
    unique,
    wait_for_state,
    wait_until,
)
from helpers_s3 import s3_client
from test_venv_archives import numpy_venv_archive  # noqa: F401 - the session's venv fixture

pytestmark = pytest.mark.spark

VENV_JOB = r'''
import numpy
print("NUMPY " + numpy.__file__ + " " + str(numpy.sqrt(9.0)), flush=True)
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
print("COUNT", spark.range(5).count(), flush=True)
spark.stop()
'''
VENV_PARAMS = (
    "--conf spark.archives=s3://{bucket}/deps/env.tar.gz#environment "
    "--conf spark.emr-serverless.driverEnv.PYSPARK_DRIVER_PYTHON=./environment/bin/python "
    "--conf spark.emr-serverless.driverEnv.PYSPARK_PYTHON=./environment/bin/python "
    "--py-files s3://{bucket}/deps/helper.py"
)
SMALL_JOB = r'''
import os, sys
print("DATA", os.path.getsize("./arch/data.bin"), flush=True)
'''


def workers(server, app_id: str) -> dict:
    out = server.cli("workers", app_id, "--output", "json", "--endpoint", server.endpoint,
                     "--data-dir", str(server.data_dir)).stdout
    return json.loads(out)


def staging_lines(server, app_id: str, job_id: str) -> list[str]:
    stderr = managed_driver_log(server, app_id, job_id, "stderr")
    return [line for line in stderr.splitlines() if line.startswith("sparkplane: ")]


def run_to_end(client, app_id: str, driver: dict) -> tuple[str, dict]:
    job_id = start_job(client, app_id, driver)
    run = wait_for_state(client, app_id, job_id, {"SUCCESS", "FAILED", "CANCELLED"}, timeout=JOB_TIMEOUT)
    return job_id, run


def cache_bytes(server) -> int:
    total = 0
    for root, _, files in os.walk(server.data_dir / "cache"):
        total += sum(os.lstat(os.path.join(root, name)).st_size for name in files)
    return total


def test_a_second_run_downloads_and_unpacks_nothing_and_work_dirs_go(make_server, numpy_venv_archive):  # noqa: F811
    srv = make_server().start()
    client = srv.client()
    s3 = s3_client(srv)
    bucket = unique("cache")
    s3.create_bucket(Bucket=bucket)
    s3.upload_file(str(numpy_venv_archive), bucket, "deps/env.tar.gz")
    s3.put_object(Bucket=bucket, Key="deps/helper.py", Body=b"TAG = 1\n")
    s3.put_object(Bucket=bucket, Key="code/job.py", Body=VENV_JOB.encode())
    app_id = create_app(client, name=unique("cache"))["applicationId"]
    driver = spark_job_driver(f"s3://{bucket}/code/job.py", params=VENV_PARAMS.format(bucket=bucket))

    first, run = run_to_end(client, app_id, driver)
    assert run["state"] == "SUCCESS", (run.get("stateDetails"), managed_driver_log(srv, app_id, first, "stderr")[-3000:])
    lines = staging_lines(srv, app_id, first)
    assert f"sparkplane: fetched s3://{bucket}/deps/env.tar.gz into the cache" in lines, lines
    assert "sparkplane: unpacked environment into the cache" in lines, lines
    after_first = workers(srv, app_id)["disk"]
    assert after_first["cacheDownloads"] == 3 and after_first["cacheUnpacks"] == 1, after_first
    # The work dir went with the attempt (logs were shipped first).
    wait_until(lambda: not (job_work_dir(srv, app_id, first) / "1").exists(), 30, "the first work dir to go")
    assert "NUMPY" in managed_driver_log(srv, app_id, first)

    second, run = run_to_end(client, app_id, driver)
    assert run["state"] == "SUCCESS", run.get("stateDetails")
    stdout = managed_driver_log(srv, app_id, second)
    assert "/environment/" in stdout and "3.0" in stdout, stdout[-2000:]
    lines = staging_lines(srv, app_id, second)
    assert sorted(lines) == sorted([
        f"sparkplane: staged s3://{bucket}/code/job.py from cache",
        f"sparkplane: staged s3://{bucket}/deps/helper.py from cache",
        f"sparkplane: staged s3://{bucket}/deps/env.tar.gz from cache",
        "sparkplane: unpacked environment from cache",
    ]), lines
    after_second = workers(srv, app_id)["disk"]
    assert after_second["cacheDownloads"] == 3 and after_second["cacheUnpacks"] == 1, after_second
    assert after_second["cacheHits"] == after_first["cacheHits"] + 4, after_second
    wait_until(lambda: not (job_work_dir(srv, app_id, second) / "1").exists(), 30, "the second work dir to go")

    # A changed object (new ETag) is fetched again.
    s3.put_object(Bucket=bucket, Key="deps/helper.py", Body=b"TAG = 2\n")
    third, run = run_to_end(client, app_id, driver)
    assert run["state"] == "SUCCESS", run.get("stateDetails")
    assert f"sparkplane: fetched s3://{bucket}/deps/helper.py into the cache" in staging_lines(srv, app_id, third)


def test_a_failed_runs_work_dir_is_kept_for_the_setting_then_removed(make_server, tmp_path):
    # One "minute" of the setting lasts 3 s here.
    srv = make_server(extra_env={"SPARKPLANE_KEEP_FAILED_WORK_DIRS_MINUTES": "2",
                                 "SPARKPLANE_KEEP_FAILED_MINUTE_SECONDS": "3"}).start()
    client = srv.client()
    local = srv.data_dir / "local"
    local.mkdir(parents=True, exist_ok=True)
    (local / "fail.py").write_text("raise SystemExit('failing on purpose')\n")
    (local / "ok.py").write_text("print('fine', flush=True)\n")
    app_id = create_app(client, name=unique("keep"))["applicationId"]

    ok, run = run_to_end(client, app_id, spark_job_driver(str(local / "ok.py")))
    assert run["state"] == "SUCCESS", run.get("stateDetails")
    wait_until(lambda: not (job_work_dir(srv, app_id, ok) / "1").exists(), 30, "the successful run's dir to go")

    failed, run = run_to_end(client, app_id, spark_job_driver(str(local / "fail.py")))
    assert run["state"] == "FAILED", run
    kept = job_work_dir(srv, app_id, failed) / "1"
    wait_until(lambda: (kept / "attempt-ended").exists(), 30, "the failed run's dir to be marked kept")
    assert (kept / "logs" / "SPARK_DRIVER" / "stdout").exists()
    assert workers(srv, app_id)["disk"]["workDirBytes"] > 0
    wait_until(lambda: not kept.exists(), 60, "the kept dir to be removed after the setting")


def test_an_ended_runs_logs_and_dashboard_files_go_after_run_history_days(make_server):
    # One "day" of the setting lasts 4 s here.
    srv = make_server(extra_env={"SPARKPLANE_RUN_HISTORY_DAYS": "1",
                                 "SPARKPLANE_RUN_HISTORY_DAY_SECONDS": "4"}).start()
    client = srv.client()
    local = srv.data_dir / "local"
    local.mkdir(parents=True, exist_ok=True)
    (local / "count.py").write_text(
        "from pyspark.sql import SparkSession\n"
        "print('COUNT', SparkSession.builder.getOrCreate().range(3).count(), flush=True)\n")
    app_id = create_app(client, name=unique("history"))["applicationId"]
    job_id, run = run_to_end(client, app_id, spark_job_driver(str(local / "count.py")))
    assert run["state"] == "SUCCESS", run.get("stateDetails")
    logs = srv.data_dir / "logs" / "applications" / app_id / "jobs" / job_id
    history = srv.data_dir / "history" / app_id / job_id
    wait_until(lambda: (logs / "SPARK_DRIVER" / "stdout.gz").exists() and (history / "1" / "sparklogs").is_dir(),
               30, "the run's managed logs and event logs")
    wait_until(lambda: not logs.exists() and not history.exists(), 60,
               "the ended run's files to go after run_history_days")
    # The record stays: only the files go, as the service's managed logs do.
    assert client.get_job_run(applicationId=app_id, jobRunId=job_id)["jobRun"]["state"] == "SUCCESS"


def small_archive(seed: int) -> bytes:
    """A tar.gz with 4 KiB that do not compress (so its size is known)."""
    data = os.urandom(4096)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("data.bin")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_the_cache_stays_within_its_limit(make_server):
    limit = 12 * 1024
    srv = make_server(extra_env={"SPARKPLANE_ARTIFACT_CACHE_BYTES": str(limit)}).start()
    client = srv.client()
    s3 = s3_client(srv)
    bucket = unique("evict")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="code/job.py", Body=SMALL_JOB.encode())
    app_id = create_app(client, name=unique("evict"))["applicationId"]
    for i in range(3):
        s3.put_object(Bucket=bucket, Key=f"deps/a{i}.tar.gz", Body=small_archive(i))
        params = f"--archives s3://{bucket}/deps/a{i}.tar.gz#arch"
        job_id, run = run_to_end(client, app_id, spark_job_driver(f"s3://{bucket}/code/job.py", params=params))
        assert run["state"] == "SUCCESS", (run.get("stateDetails"), staging_lines(srv, app_id, job_id))
        assert "DATA 4096" in managed_driver_log(srv, app_id, job_id)
        # Nothing runs now: the cache is within its limit once eviction ran.
        wait_until(lambda: cache_bytes(srv) <= limit, 30, f"the cache within {limit} bytes")
    disk = workers(srv, app_id)["disk"]
    assert disk["cacheEvictions"] > 0 and disk["cacheBytes"] <= disk["cacheLimitBytes"] == limit, disk
