"""Real Spark jobs through the server.

All jobs are submitted at once (module fixture) to one shared, started
application, so they run concurrently; each test then waits for its own run.
"""
import datetime as dt
import json
import re
import subprocess
import threading

import pytest
from helpers_s3 import s3_client

from conftest import (
    API_TIMEOUT,
    BIN,
    JOB_TIMEOUT,
    MCDONALDS_CSV,
    MCDONALDS_PY,
    driver_log_path,
    job_work_dir,
    log_overrides,
    processes_referencing,
    spark_job_driver,
    start_job,
    wait_driver_log,
    wait_for_state,
    wait_until,
)

pytestmark = pytest.mark.spark

STATE_ORDER = ["SUBMITTED", "PENDING", "SCHEDULED", "QUEUED", "RUNNING", "SUCCESS"]
FAIL_MARKER = "kaboom-e2e-7391"
MCD_BUCKET = "spark-e2e-mcdonalds"
SLEEP_MARKER = "sleeper-started-5123"

FAILING = f"""
import sys
print("about to fail", flush=True)
raise RuntimeError("{FAIL_MARKER}: the driver blew up")
"""

SLEEPER = f"""
import time
print("{SLEEP_MARKER}", flush=True)
time.sleep(600)
print("sleeper woke up - should have been killed", flush=True)
"""

HELPER = 'VALUE = "helper-module-value-8812"\n'

ENV_SCRIPT = """
import json, os, sys
import e2e_helper
print("FOO=" + os.environ.get("FOO", "<unset>"))
print("ARGS=" + json.dumps(sys.argv[1:]))
print("HELPER=" + e2e_helper.VALUE, flush=True)
from pyspark import SparkContext
sc = SparkContext.getOrCreate()
conf = sc.getConf()
keys = ["spark.e2e.fromApp", "spark.e2e.fromOverride", "spark.e2e.fromParams", "spark.e2e.layered"]
print("CONF=" + json.dumps({k: conf.get(k, None) for k in keys}), flush=True)
jvm = sc._jvm
diagnostics = jvm.java.lang.management.ManagementFactory.getPlatformMXBean(
    jvm.java.lang.Class.forName("com.sun.management.HotSpotDiagnosticMXBean"))
print("CDS=" + diagnostics.getVMOption("SharedArchiveFile").getValue(), flush=True)
print("MINE=" + str(jvm.java.lang.System.getProperty("e2e.mine")), flush=True)
sc.stop()
"""

ENV_ARGS = ["alpha", "beta gamma", "--flag=1", "quote'\"s", "$HOME", "a;b|c"]


@pytest.fixture(scope="module")
def jobs(server, client, spark_app, tmp_path_factory):
    d = tmp_path_factory.mktemp("spark-scripts")
    app_id, log_dir = spark_app["id"], spark_app["log_dir"]
    plain_log_dir = tmp_path_factory.mktemp("plain-logs")
    (d / "failing.py").write_text(FAILING)
    (d / "sleeper.py").write_text(SLEEPER)
    (d / "e2e_helper.py").write_text(HELPER)
    (d / "env_script.py").write_text(ENV_SCRIPT)
    # Jobs are sandboxed: they read and write buckets, not arbitrary local
    # paths. The embedded store keeps the output as files under data/s3.
    s3_client(server).create_bucket(Bucket=MCD_BUCKET)
    s3_client(server).upload_file(str(MCDONALDS_CSV), MCD_BUCKET, "data/mcdonalds_dataset.csv")
    out_dir = server.data_dir / "s3" / MCD_BUCKET / "mcdonalds-out"

    ids = {}
    ids["mcd"] = start_job(client, app_id, spark_job_driver(f"file://{MCDONALDS_PY}",
                                                            args=[f"s3://{MCD_BUCKET}/data/mcdonalds_dataset.csv",
                                                                  f"s3://{MCD_BUCKET}/mcdonalds-out"]),
                           log_dir=log_dir, name="mcdonalds")
    ids["fail"] = start_job(client, app_id, spark_job_driver(str(d / "failing.py")), name="failing",
                            configurationOverrides=log_overrides(plain_log_dir, as_uri=False))
    env_overrides = log_overrides(log_dir)
    env_overrides["applicationConfiguration"] = [
        {"classification": "spark-defaults",
         "properties": {"spark.e2e.fromOverride": "job-level", "spark.e2e.layered": "job-level"}},
    ]
    ids["env"] = start_job(
        client, app_id,
        spark_job_driver(str(d / "env_script.py"), args=ENV_ARGS,
                         params=f"--conf spark.emr-serverless.driverEnv.FOO=bar --py-files {d / 'e2e_helper.py'} "
                                "--conf spark.e2e.fromParams=params-level "
                                "--conf spark.driver.extraJavaOptions=-De2e.mine=7"),
        name="env", configurationOverrides=env_overrides)
    ids["sleep"] = start_job(client, app_id, spark_job_driver(str(d / "sleeper.py")), log_dir=log_dir,
                             name="sleeper")
    ids["timeout"] = start_job(client, app_id, spark_job_driver(str(d / "sleeper.py")), log_dir=log_dir,
                               name="timeout", executionTimeoutMinutes=1)
    return {"ids": ids, "app_id": app_id, "log_dir": log_dir, "plain_log_dir": plain_log_dir,
            "out_dir": out_dir, "seen": {}}


@pytest.fixture(scope="module")
def mcd(client, jobs):
    seen = []
    run = wait_for_state(client, jobs["app_id"], jobs["ids"]["mcd"], {"SUCCESS"}, seen=seen)
    return run, seen


# --------------------------------------------------------------------------- McDonald's


def test_mcdonalds_succeeds_through_running(mcd):
    run, seen = mcd
    assert run["state"] == "SUCCESS"
    assert "RUNNING" in seen, f"never observed RUNNING: {seen}"
    idx = [STATE_ORDER.index(s) for s in seen]
    assert idx == sorted(idx), f"states went backwards: {seen}"


def test_mcdonalds_timestamps_and_duration(mcd):
    run, _ = mcd
    assert isinstance(run.get("startedAt"), dt.datetime), run
    assert isinstance(run.get("endedAt"), dt.datetime), run
    assert run["createdAt"] <= run["startedAt"] <= run["endedAt"]
    assert run["updatedAt"] >= run["startedAt"]
    assert isinstance(run.get("totalExecutionDurationSeconds"), int), run
    assert run["totalExecutionDurationSeconds"] >= 0
    span = (run["endedAt"] - run["startedAt"]).total_seconds()
    assert run["totalExecutionDurationSeconds"] <= span + 2


def test_mcdonalds_resource_utilization(mcd):
    run, _ = mcd
    total = run.get("totalResourceUtilization") or {}
    billed = run.get("billedResourceUtilization") or {}
    assert total.get("vCPUHour", 0) > 0, run
    assert total.get("memoryGBHour", 0) > 0, run
    assert billed.get("vCPUHour", 0) > 0, run
    # billing has a 60 s minimum per worker, and a worker has >= 1 vCPU
    assert billed["vCPUHour"] >= 1 / 60 - 1e-9, billed
    assert billed["vCPUHour"] >= total["vCPUHour"] - 1e-9, (billed, total)
    assert billed.get("memoryGBHour", 0) >= total["memoryGBHour"] - 1e-9, (billed, total)


def test_mcdonalds_driver_stdout_in_log_uri(mcd, jobs):
    out = wait_driver_log(jobs["log_dir"], jobs["app_id"], jobs["ids"]["mcd"])
    lines = [ln.strip() for ln in out.splitlines() if ln.strip()]
    assert "Houston,False,105" in lines, out[:2000]
    assert "Chicago,False,95" in lines, out[:2000]
    rows = [ln for ln in lines if re.match(r"^[^,]+,(True|False),\d+$", ln)]
    assert rows[0] == "Houston,False,105", rows[:5]


def test_mcdonalds_runs_on_spark_35(mcd, jobs):
    # the script prints the Spark version on Python's stderr; spark-submit merges a Python
    # driver's stderr into the driver stdout, so look at both streams
    both = "".join(wait_driver_log(jobs["log_dir"], jobs["app_id"], jobs["ids"]["mcd"], stream=s)
                   for s in ("stdout", "stderr"))
    m = re.search(r"mcdonalds: running on Spark (\S+)", both)
    assert m, both[-2000:]
    assert m.group(1).startswith("3.5."), f"emr-7.x must map to Spark 3.5, got {m.group(1)}"


def test_mcdonalds_writes_output(mcd, jobs):
    parts = list(jobs["out_dir"].glob("part-*.csv"))
    assert parts, f"no output in {jobs['out_dir']}"
    text = "".join(p.read_text() for p in parts)
    assert "Houston,False,105" in text


def test_mcdonalds_sparkplane_logs(server, mcd, jobs):
    cp = server.cli("logs", jobs["app_id"], jobs["ids"]["mcd"], "--endpoint", server.endpoint,
                    "--data-dir", str(server.data_dir))
    assert "Houston,False,105" in cp.stdout
    assert "Chicago,False,95" in cp.stdout
    err = server.cli("logs", jobs["app_id"], jobs["ids"]["mcd"], "--stderr", "--endpoint", server.endpoint,
                     "--data-dir", str(server.data_dir))
    assert "Houston,False,105" not in err.stdout, "--stderr must print the driver's stderr, not its stdout"
    assert err.stdout == wait_driver_log(jobs["log_dir"], jobs["app_id"], jobs["ids"]["mcd"], stream="stderr")


# --------------------------------------------------------------------------- failing driver


@pytest.fixture(scope="module")
def failed(client, jobs):
    return wait_for_state(client, jobs["app_id"], jobs["ids"]["fail"], {"FAILED"})


def test_failing_script_fails_with_details(failed):
    details = failed["stateDetails"]
    assert FAIL_MARKER in details or re.search(r"exit\w*\D{0,20}\b1\b", details), details
    assert failed.get("endedAt") is not None


def test_failing_script_details_name_exit_code_and_error_line(failed):
    details = failed["stateDetails"]
    assert re.search(r"exit\w*\D{0,20}\b1\b", details), f"no exit code in {details!r}"
    assert f"RuntimeError: {FAIL_MARKER}" in details, f"no last error line in {details!r}"


def test_failing_script_logs_in_plain_path_log_uri(failed, jobs, server):
    # spark-submit merges a Python driver's stderr into stdout, so the traceback may be in either file
    out = wait_driver_log(jobs["plain_log_dir"], jobs["app_id"], jobs["ids"]["fail"])
    err = wait_driver_log(jobs["plain_log_dir"], jobs["app_id"], jobs["ids"]["fail"], stream="stderr")
    assert "about to fail" in out
    assert "Traceback" in out + err and FAIL_MARKER in out + err, (out + err)[-2000:]
    cli = [server.cli("logs", jobs["app_id"], jobs["ids"]["fail"], *flag, "--endpoint", server.endpoint,
                      "--data-dir", str(server.data_dir)).stdout for flag in ((), ("--stderr",))]
    assert FAIL_MARKER in cli[0] + cli[1]
    assert "about to fail" in cli[0]


# --------------------------------------------------------------------------- env / args / py-files


@pytest.fixture(scope="module")
def env_out(client, jobs):
    wait_for_state(client, jobs["app_id"], jobs["ids"]["env"], {"SUCCESS"})
    return wait_driver_log(jobs["log_dir"], jobs["app_id"], jobs["ids"]["env"])


def test_driver_env_from_spark_submit_parameters(env_out):
    assert "FOO=bar" in env_out.splitlines(), env_out


def test_entry_point_arguments_passed_verbatim(env_out):
    line = next((ln for ln in env_out.splitlines() if ln.startswith("ARGS=")), None)
    assert line is not None, env_out
    assert json.loads(line[len("ARGS="):]) == ENV_ARGS


def test_py_files_module_importable(env_out):
    assert "HELPER=helper-module-value-8812" in env_out.splitlines(), env_out


def _conf(env_out):
    line = next((ln for ln in env_out.splitlines() if ln.startswith("CONF=")), None)
    assert line is not None, env_out
    return json.loads(line[len("CONF="):])


def test_spark_submit_conf_reaches_driver(env_out):
    assert _conf(env_out)["spark.e2e.fromParams"] == "params-level"


def test_job_configuration_overrides_reach_driver(env_out):
    assert _conf(env_out)["spark.e2e.fromOverride"] == "job-level"


def test_application_runtime_configuration_reaches_driver(env_out):
    assert _conf(env_out)["spark.e2e.fromApp"] == "app-level"


def test_cold_driver_maps_the_runtimes_cds_archive_and_keeps_its_own_java_options(env_out):
    # `sparkplane runtime install` recorded the archive; the driver JVM was
    # started with it, and with the job's own spark.driver.extraJavaOptions.
    lines = env_out.splitlines()
    cds = next((ln[len("CDS="):] for ln in lines if ln.startswith("CDS=")), None)
    assert cds is not None and cds.endswith("/spark-3.5.8/driver-cds-s3a-io.jsa"), env_out
    assert "MINE=7" in lines, env_out


def test_job_overrides_take_precedence_over_application_configuration(env_out):
    assert _conf(env_out)["spark.e2e.layered"] == "job-level"


# --------------------------------------------------------------------------- cancellation


def test_cancel_running_job_kills_processes(server, client, jobs):
    app_id, job_id = jobs["app_id"], jobs["ids"]["sleep"]
    wait_for_state(client, app_id, job_id, {"RUNNING"})
    workdir = job_work_dir(server, app_id, job_id)
    procs = wait_until(lambda: processes_referencing(workdir), 60, f"driver processes under {workdir}")
    assert procs

    follow = subprocess.Popen([str(BIN), "logs", app_id, job_id, "-f", "--endpoint", server.endpoint,
                               "--data-dir", str(server.data_dir)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    lines = []

    def pump():
        for ln in follow.stdout:
            lines.append(ln)

    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        marker_seen = True
        try:
            wait_until(lambda: any(SLEEP_MARKER in ln for ln in lines), 60, "`logs -f` to stream the marker")
        except AssertionError:
            marker_seen = False

        resp = client.cancel_job_run(applicationId=app_id, jobRunId=job_id)
        assert resp["applicationId"] == app_id and resp["jobRunId"] == job_id
        seen = []
        run = wait_for_state(client, app_id, job_id, {"CANCELLED"}, timeout=120, seen=seen)
        assert set(seen) <= {"RUNNING", "CANCELLING", "CANCELLED"}, seen
        assert run.get("endedAt") is not None
        wait_until(lambda: not processes_referencing(workdir), 30, f"no processes left under {workdir}")

        try:
            follow.wait(30)
        except subprocess.TimeoutExpired:
            pytest.fail("`sparkplane logs -f` did not exit after the run was cancelled")
        assert marker_seen, f"`logs -f` never printed the live driver output; got {lines!r}"
    finally:
        if follow.poll() is None:
            follow.kill()
            follow.wait(10)
    out = wait_driver_log(jobs["log_dir"], app_id, job_id)
    assert SLEEP_MARKER in out and "should have been killed" not in out


# --------------------------------------------------------------------------- execution timeout (1 min minimum)


def test_execution_timeout(server, client, jobs):
    app_id, job_id = jobs["app_id"], jobs["ids"]["timeout"]
    run = wait_for_state(client, app_id, job_id, {"CANCELLED", "FAILED"}, timeout=JOB_TIMEOUT)
    assert run["executionTimeoutMinutes"] == 1
    assert "time" in run["stateDetails"].lower(), run["stateDetails"]
    started = run.get("startedAt") or run["createdAt"]
    ran_for = (run["endedAt"] - started).total_seconds()
    assert 50 <= ran_for <= 180, f"killed after {ran_for}s, expected about 60s"
    workdir = job_work_dir(server, app_id, job_id)
    wait_until(lambda: not processes_referencing(workdir), API_TIMEOUT, f"no processes under {workdir}")
    assert not driver_log_path(jobs["log_dir"], app_id, job_id).exists() or \
        "should have been killed" not in wait_driver_log(jobs["log_dir"], app_id, job_id)
