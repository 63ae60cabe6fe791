"""Python dependencies shipped as a venv archive, the EMR Serverless way.

The user guide's recipe: build a virtualenv, `venv-pack` it, upload it, and
submit with `spark.archives=s3://.../env.tar.gz#environment` and
`PYSPARK_PYTHON=./environment/bin/python` for the driver and the executors.
The archive must reach every executor process (elastic runs: dynamic
allocation with `maxExecutors`), unpacked under its alias in the executor's
own working directory, and `--py-files`, `--files` and `--jars` with it.
The venv is built here with the Python the server runs jobs with (the
first `python3` on the server's PATH, as the test harness starts it), once
per session: pip needs only PyPI.

A venv whose `bin/python` points at an interpreter this host lacks fails
before spark-submit, naming that interpreter and the recipe.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile
import zipfile

import pytest

from conftest import (
    JOB_TIMEOUT,
    create_app,
    read_gz,
    spark_job_driver,
    start_job,
    unique,
    wait_driver_log,
    wait_for_state,
)
from helpers_s3 import s3_client

VENV_PARAMS = (
    "--conf spark.archives=s3://{bucket}/deps/env.tar.gz#environment "
    "--conf spark.emr-serverless.driverEnv.PYSPARK_DRIVER_PYTHON=./environment/bin/python "
    "--conf spark.emr-serverless.driverEnv.PYSPARK_PYTHON=./environment/bin/python "
    "--conf spark.executorEnv.PYSPARK_PYTHON=./environment/bin/python "
    "--py-files s3://{bucket}/deps/venv_helper.py --files s3://{bucket}/deps/lookup.txt "
    "--jars s3://{bucket}/deps/venv-extra.jar"
)
EXECUTOR_PROCESSES = (
    " --conf spark.driver.cores=1 --conf spark.executor.cores=1 "
    "--conf spark.dynamicAllocation.initialExecutors=2 --conf spark.dynamicAllocation.minExecutors=1 "
    "--conf spark.dynamicAllocation.maxExecutors=2"
)

HELPER = 'TAG = "venv-helper-3391"\n'

# Every task reports where it ran and what it imported; the driver prints
# one JSON line per task.
JOB = r'''
import json, os, sys
import numpy
from pyspark.sql import SparkSession
from pyspark.sql.functions import udf

spark = SparkSession.builder.appName("venv-numpy").getOrCreate()
print("DRIVER " + json.dumps({"cwd": os.getcwd(), "numpy": numpy.__file__, "python": sys.executable}), flush=True)

@udf("string")
def probe(i):
    import os, sys
    import numpy
    from pyspark import SparkFiles
    import venv_helper  # --py-files
    return json.dumps({
        "cwd": os.getcwd(),
        "pid": os.getpid(),
        "numpy": numpy.__file__,
        "python": sys.executable,
        "sqrt": float(numpy.sqrt(16.0)),
        "helper": venv_helper.TAG,
        "lookup": open(SparkFiles.get("lookup.txt")).read().strip(),  # --files
        # --jars: an executor process fetches it into its working directory.
        "jar": os.path.exists(os.path.join(os.getcwd(), "venv-extra.jar")),
    })

rows = spark.range(0, 8, 1, 8).select(probe("id").alias("p")).collect()
for row in rows:
    print("TASK " + row["p"], flush=True)
spark.stop()
'''


def server_python() -> str:
    """The interpreter the server runs jobs with: the first `python3` on the
    PATH the test harness gives the server (this process's), resolved."""
    python = shutil.which("python3")
    assert python, "python3 is not on PATH"
    return os.path.realpath(python)


@pytest.fixture(scope="session")
def numpy_venv_archive(tmp_path_factory):
    """`env.tar.gz`: a venv with numpy, packed by venv-pack. Built with the
    server's job Python: `python3` as the test's PATH resolves it, which is
    the server's PATH too."""
    python = server_python()
    base = tmp_path_factory.mktemp("numpy-venv")
    env = base / "env"
    run = dict(check=True, capture_output=True, text=True, timeout=900)
    subprocess.run([python, "-m", "venv", str(env)], **run)
    subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    "numpy", "venv-pack"], **run)
    archive = base / "env.tar.gz"
    subprocess.run([str(env / "bin" / "venv-pack"), "-p", str(env), "-o", str(archive)], **run)
    return archive


@pytest.fixture(scope="module")
def venv_bucket(server, numpy_venv_archive, tmp_path_factory):
    """A bucket with the venv archive and the job's other dependencies."""
    s3 = s3_client(server)
    bucket = unique("venv")
    s3.create_bucket(Bucket=bucket)
    s3.upload_file(str(numpy_venv_archive), bucket, "deps/env.tar.gz")
    jar = io.BytesIO()
    with zipfile.ZipFile(jar, "w") as zf:
        zf.writestr("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n")
    s3.put_object(Bucket=bucket, Key="deps/venv-extra.jar", Body=jar.getvalue())
    s3.put_object(Bucket=bucket, Key="deps/venv_helper.py", Body=HELPER.encode())
    s3.put_object(Bucket=bucket, Key="deps/lookup.txt", Body=b"lookup-value-8812\n")
    s3.put_object(Bucket=bucket, Key="code/venv_job.py", Body=JOB.encode())
    return bucket


def tasks_of(stdout: str) -> list[dict]:
    return [json.loads(line[len("TASK "):]) for line in stdout.splitlines() if line.startswith("TASK ")]


@pytest.mark.spark
@pytest.mark.parametrize("executors", ["processes", "local"])
def test_numpy_from_a_venv_archive_runs_on_every_executor(client, venv_bucket, tmp_path, executors):
    bucket = venv_bucket
    params = VENV_PARAMS.format(bucket=bucket)
    if executors == "processes":
        params += EXECUTOR_PROCESSES
    app_id = create_app(client, name=unique("venv"))["applicationId"]
    log_dir = tmp_path / "logs"
    job_id = start_job(client, app_id, spark_job_driver(f"s3://{bucket}/code/venv_job.py", params=params), log_dir)
    run = wait_for_state(client, app_id, job_id, {"SUCCESS", "FAILED"}, timeout=JOB_TIMEOUT)
    stdout = wait_driver_log(log_dir, app_id, job_id)
    assert run["state"] == "SUCCESS", (run.get("stateDetails"), stdout[-3000:])

    driver = json.loads(next(line for line in stdout.splitlines() if line.startswith("DRIVER "))[len("DRIVER "):])
    assert driver["numpy"].startswith(driver["cwd"] + "/environment/"), driver
    assert driver["python"].startswith(driver["cwd"] + "/environment/bin/python"), driver

    tasks = tasks_of(stdout)
    assert len(tasks) == 8, stdout[-3000:]
    for task in tasks:
        # numpy and the interpreter come from the archive unpacked in the
        # working directory of the process that ran the task.
        assert task["numpy"].startswith(task["cwd"] + "/environment/lib/"), task
        assert task["python"].startswith(task["cwd"] + "/environment/bin/python"), task
        assert task["sqrt"] == 4.0
        assert task["helper"] == "venv-helper-3391" and task["lookup"] == "lookup-value-8812", task
        if executors == "processes":
            assert task["jar"], task
    if executors == "local":
        assert {task["cwd"] for task in tasks} == {driver["cwd"]}
        return

    # Executor processes: each task ran in an executor's own directory, not
    # the driver's, and each executor unpacked the archive itself.
    cwds = {task["cwd"] for task in tasks}
    assert driver["cwd"] not in cwds
    assert all("/executors/worker-" in cwd for cwd in cwds), cwds
    executor_logs = log_dir / "applications" / app_id / "jobs" / job_id / "SPARK_EXECUTOR"
    stderrs = [read_gz(path) for path in sorted(executor_logs.glob("*/stderr.gz"))]
    assert stderrs, f"no executor logs under {executor_logs}"
    unpacked = [line for text in stderrs for line in text.splitlines() if "Unpacking an archive" in line]
    assert unpacked, stderrs[0][-3000:]
    assert all("#environment" in line and line.rstrip().endswith("/environment") for line in unpacked), unpacked


@pytest.mark.spark
def test_a_venv_built_with_a_missing_interpreter_fails_at_start_naming_it(server, client, tmp_path):
    # What venv-pack makes on a host whose Python lives elsewhere: bin/python
    # links to an interpreter path this server does not have.
    archive = tmp_path / "foreign-env.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, target in [("bin/python", "python3"), ("bin/python3", "/nonexistent/python3.99")]:
            link = tarfile.TarInfo(name)
            link.type, link.linkname = tarfile.SYMTYPE, target
            tar.addfile(link)
        cfg = b"home = /nonexistent\nversion = 3.99.0\n"
        info = tarfile.TarInfo("pyvenv.cfg")
        info.size = len(cfg)
        tar.addfile(info, io.BytesIO(cfg))
    s3 = s3_client(server)
    bucket = unique("badvenv")
    s3.create_bucket(Bucket=bucket)
    s3.upload_file(str(archive), bucket, "env.tar.gz")
    s3.put_object(Bucket=bucket, Key="job.py", Body=b"print('never runs')\n")
    params = (f"--archives s3://{bucket}/env.tar.gz#environment "
              "--conf spark.emr-serverless.driverEnv.PYSPARK_PYTHON=./environment/bin/python")
    app_id = create_app(client, name=unique("badvenv"))["applicationId"]
    job_id = start_job(client, app_id, spark_job_driver(f"s3://{bucket}/job.py", params=params))
    run = wait_for_state(client, app_id, job_id, {"FAILED"}, timeout=JOB_TIMEOUT)
    details = run["stateDetails"]
    assert details.startswith("Job failed to start: "), details
    # The interpreter, and how to build a venv that works here, fit the
    # 256 characters of stateDetails.
    assert len(details) <= 256 and not details.endswith("..."), details
    for part in ["environment/bin/python links to /nonexistent/python3.99, not on this server",
                 "rebuild the venv with this server's Python", f"{server_python()} -m venv env",
                 "pip install venv-pack", "venv-pack -o env.tar.gz"]:
        assert part in details, details
