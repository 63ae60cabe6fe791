"""Engine processes run in a Landlock sandbox.

A PySpark job (its driver, and a task in a Python worker forked by the JVM)
tries to read what no job may: the server's credentials file, its SQLite
store, another run's work dir, the server's /proc/<pid>/environ and
/etc/shadow. Each outcome is printed as JSON on the driver's stdout; every
one must be denied (the server's environ: denied, or blank, since the server
zeroes its initial environment block at start). Without the sandbox this
test fails: the job runs as the server's user and reads all five.

HIVE jobs are probed in test_hive_roles.py: with an S3 store a HIVE script
cannot name local paths at all (`file://` locations are refused, and it
reaches buckets only over the S3 endpoint); without one, its LOCATIONs on
the data dir, another run's work dir and /etc are denied by the kernel.
"""
import json

import pytest

from conftest import (
    JOB_TIMEOUT,
    create_app,
    job_work_dir,
    managed_driver_log,
    start_job,
    spark_job_driver,
    wait_for_state,
)

pytestmark = pytest.mark.spark

PROBE = r'''
import json, sys

def probe(paths):
    out = {}
    for path in paths:
        try:
            with open(path, "rb") as f:
                data = f.read()
            out[path] = "blank" if not data.strip(b"\0") else "READ %d bytes" % len(data)
        except PermissionError as err:
            out[path] = "denied: %s" % err.strerror
        except OSError as err:
            out[path] = "error: %s" % err
    return out

paths = sys.argv[1:]
print("DRIVER=" + json.dumps(probe(paths)), flush=True)
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
worker = spark.sparkContext.parallelize([0], 1).map(lambda _: json.dumps(probe(paths))).collect()[0]
print("WORKER=" + worker, flush=True)
spark.stop()
'''

OTHER = 'print("another run", flush=True)\n'


def test_a_spark_job_cannot_read_the_servers_secrets_or_other_runs(server, client, release_label, tmp_path):
    (tmp_path / "probe.py").write_text(PROBE)
    (tmp_path / "other.py").write_text(OTHER)
    log_dir = tmp_path / "logs"
    app_id = create_app(client, release=release_label)["applicationId"]
    other = start_job(client, app_id, spark_job_driver(f"file://{tmp_path}/other.py"), log_dir=log_dir)
    wait_for_state(client, app_id, other, {"SUCCESS"}, timeout=JOB_TIMEOUT)
    # Its work dir is gone with the attempt; its shipped log stays.
    other_stdout = (server.data_dir / "logs" / "applications" / app_id / "jobs" / other / "SPARK_DRIVER"
                    / "stdout.gz")
    assert other_stdout.exists()

    targets = [
        str(server.data_dir / "credentials"),
        str(server.data_dir / "state.db"),
        str(other_stdout),
        f"/proc/{server.proc.pid}/environ",
        "/etc/shadow",
    ]
    job = start_job(client, app_id, spark_job_driver(f"file://{tmp_path}/probe.py", targets), log_dir=log_dir)
    wait_for_state(client, app_id, job, {"SUCCESS"}, timeout=JOB_TIMEOUT)
    stdout = managed_driver_log(server, app_id, job)
    results = {}
    for line in stdout.splitlines():
        for who in ("DRIVER", "WORKER"):
            if line.startswith(who + "="):
                results[who] = json.loads(line[len(who) + 1:])
    assert set(results) == {"DRIVER", "WORKER"}, stdout
    for who, outcome in results.items():
        for path in targets:
            allowed = ("denied",) + (("blank",) if path.endswith("/environ") else ())
            assert outcome[path].startswith(allowed), f"{who} {path}: {outcome[path]}"
    # The run's own dir (with its private temp dir) is removed when it ends.
    assert not (job_work_dir(server, app_id, job) / "1").exists()
