"""Interactive sessions over Spark Connect, with the real aws CLI and real
PySpark clients: StartSession to STARTED, GetSessionEndpoint, DataFrames,
SQL and Python functions from the 4.x client (`pyspark-client`) and the
3.5.8 one (the runtime's pyspark), BUSY while a query runs and IDLE after,
tokens refused where they must be, the engine's own port closed to anyone
without its secret, the idle timeout, TerminateSession leaving no process,
and the service's errors for bad input.
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import textwrap
import threading
from pathlib import Path

import pytest
import requests
from botocore.exceptions import ClientError

import csv

from conftest import MCDONALDS_CSV, ROLE_ARN, managed_driver_log, read_gz, unique, wait_for_state, wait_until
from helpers_s3 import s3_client
from helpers_base import RUNTIME_DIR

LABEL = "emr-7.13.0"
# A Python with `pyspark-client` 4.x (and the pandas, pyarrow and grpcio
# Spark Connect needs), kept out of the jobs' Python (scripts/test.sh).
CONNECT_PYTHON = os.environ.get("SPARKPLANE_TEST_CONNECT_PYTHON", "")
# One "minute" of idleTimeoutMinutes (and of auto-stop) lasts 3 s here.
MINUTE_SECONDS = 3
METRICS_TOKEN = "sessions-scrape-token"

CLIENT = textwrap.dedent("""
    import sys, time
    from pyspark.sql import SparkSession
    from pyspark.sql.functions import udf
    spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()
    what = sys.argv[2]
    if what == "work":
        print("COUNT", spark.range(1000).count())
        print("SQL", spark.sql("SELECT 40 + 2 AS x").collect()[0].x)
        double = udf(lambda x: x * 2, "long")
        print("UDF", sorted(r[0] for r in spark.range(4).select(double("id")).collect()))
        df = spark.createDataFrame([("a", 1), ("b", 2), ("a", 3)], ["k", "v"])
        print("GROUP", sorted((r.k, r.s) for r in df.groupBy("k").agg({"v": "sum"}).withColumnRenamed("sum(v)", "s").collect()))
    elif what == "s3":
        data, out, secret = sys.argv[3:6]
        df = spark.read.option("header", True).csv(data)
        print("ROWS", df.count())
        by_state = df.groupBy("state").count()
        by_state.write.mode("overwrite").parquet(out)
        back = spark.read.parquet(out)
        print("STATES", back.count(), "NY", back.filter("state = 'NY'").collect()[0]["count"])
        try:
            spark.read.option("header", True).csv(secret).count()
            print("SECRET READ")
        except Exception as e:
            print("DENIED", "403" in str(e) or "AccessDenied" in str(e) or "Forbidden" in str(e))
    elif what == "conf":
        print("CONF", spark.conf.get(sys.argv[3]))
    elif what == "slow":
        # Bound here: the function runs in a Python worker, whose sys.argv is not ours.
        delay = float(sys.argv[3])

        def slow(x):
            time.sleep(delay)
            return x
        print("SLOW", spark.range(2).repartition(2).select(udf(slow, "long")("id")).count())
    print("DONE")
""")


@pytest.fixture(scope="module")
def srv(make_server):
    return make_server(extra_env={"SPARKPLANE_AUTO_STOP_MINUTE_SECONDS": str(MINUTE_SECONDS),
                                  "SPARKPLANE_METRICS_TOKEN": METRICS_TOKEN}).start()


@pytest.fixture(scope="module")
def app(srv):
    created = srv.aws("emr-serverless", "create-application", "--type", "SPARK", "--release-label", LABEL,
                      "--name", unique("sessions"), "--interactive-configuration", "sessionEnabled=true")
    return created["applicationId"]


def data_role(srv, name: str, data: str, out: str) -> str:
    """The getting-started runtime role's shape: read `data`, write `out`."""
    return srv.create_job_role(unique(name), [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": [f"arn:aws:s3:::{data}", f"arn:aws:s3:::{data}/*"]},
        {"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:ListBucket", "s3:DeleteObject"],
         "Resource": [f"arn:aws:s3:::{out}", f"arn:aws:s3:::{out}/*"]},
    ])


def session_of(srv, app_id: str, session_id: str) -> dict:
    return srv.aws("emr-serverless", "get-session", "--application-id", app_id, "--session-id", session_id)["session"]


def start_session(srv, app_id: str, *extra: str) -> str:
    started = srv.aws("emr-serverless", "start-session", "--application-id", app_id,
                      "--execution-role-arn", ROLE_ARN, *extra)
    assert started["arn"].endswith(f"/applications/{app_id}/sessions/{started['sessionId']}"), started
    return started["sessionId"]


def wait_session(srv, app_id: str, session_id: str, states: set[str], timeout: float = 240) -> dict:
    seen = {}

    def reached():
        seen["s"] = session_of(srv, app_id, session_id)
        assert seen["s"]["state"] != "FAILED" or "FAILED" in states, seen["s"]
        return seen["s"]["state"] in states
    wait_until(reached, timeout, f"session {session_id} in {states}")
    return seen["s"]


def endpoint_url(srv, app_id: str, session_id: str) -> tuple[str, dict]:
    found = srv.aws("emr-serverless", "get-session-endpoint", "--application-id", app_id, "--session-id", session_id)
    assert found["endpoint"].startswith("sc://127.0.0.1:"), found
    return f"{found['endpoint']}/;token={found['authToken']}", found


def run_client(srv, tmp_path: Path, url: str, *args: str, pyspark_35: bool = False,
               timeout: float = 180) -> subprocess.CompletedProcess:
    script = tmp_path / "client.py"
    script.write_text(CLIENT)
    env = dict(os.environ, GRPC_DEFAULT_SSL_ROOTS_FILE_PATH=str(srv.data_dir / "connect-ca.pem"))
    if pyspark_35:
        # pyspark 3.5.8's own client, from the runtime the server installs.
        env["PYTHONPATH"] = str(RUNTIME_DIR / "spark-3.5.8")
    if not Path(CONNECT_PYTHON).is_file():
        pytest.fail("SPARKPLANE_TEST_CONNECT_PYTHON must name a Python with pyspark-client (scripts/test.sh makes one)")
    return subprocess.run([CONNECT_PYTHON, str(script), url, *args], capture_output=True, text=True,
                          timeout=timeout, env=env)


def engine_processes(srv, app_id: str, session_id: str) -> list[int]:
    """Processes whose working directory is the session's work dir (its JVM)."""
    work = str(srv.data_dir / "sessions" / app_id / session_id)
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if os.readlink(f"/proc/{pid}/cwd").startswith(work):
                    found.append(int(pid))
            except OSError:
                pass
    return found


def engine_port(pid: int) -> int:
    args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    for arg in args:
        if arg.startswith(b"spark.connect.grpc.binding.port="):
            return int(arg.split(b"=", 1)[1])
    raise AssertionError(f"no binding port in {args}")


def tampered(url: str) -> str:
    return url[:-1] + ("0" if url[-1] != "0" else "1")


@pytest.mark.spark
def test_a_session_serves_pyspark_clients_through_its_endpoint_only(srv, app, tmp_path):
    session_id = start_session(srv, app, "--name", "notebook", "--client-token", "nb-1")
    again = srv.aws("emr-serverless", "start-session", "--application-id", app, "--execution-role-arn", ROLE_ARN,
                    "--name", "notebook", "--client-token", "nb-1")
    assert again["sessionId"] == session_id, "clientToken makes StartSession idempotent"
    session = wait_session(srv, app, session_id, {"STARTED"})
    assert session["name"] == "notebook" and session["releaseLabel"] == LABEL and session["startedAt"]
    url, found = endpoint_url(srv, app, session_id)
    assert float(found["authTokenExpiresAt"]) > float(session["startedAt"])
    # The engine's secret is on disk only until the engine has read it.
    session_dir = srv.data_dir / "sessions" / app / session_id
    assert session_dir.is_dir() and not (session_dir / "spark-secrets.conf").exists()

    # The 3.5.8 client is the runtime's pyspark (installed here if no job did yet).
    srv.cli("runtime", "install", "--release-label", "emr-7.9.0", timeout=900)
    for pyspark_35 in (False, True):
        done = run_client(srv, tmp_path, url, "work", pyspark_35=pyspark_35)
        assert done.returncode == 0, done.stderr[-3000:]
        out = done.stdout
        assert "COUNT 1000" in out and "SQL 42" in out and "UDF [0, 2, 4, 6]" in out, out
        assert "GROUP [('a', 4), ('b', 2)]" in out, out
    wait_session(srv, app, session_id, {"IDLE"}, timeout=30)

    # BUSY while a query runs, IDLE after it.
    slow = {}
    thread = threading.Thread(target=lambda: slow.setdefault("cp", run_client(srv, tmp_path, url, "slow", "6")))
    thread.start()
    try:
        wait_until(lambda: srv.client().get_session(applicationId=app, sessionId=session_id)["session"]["state"]
                   == "BUSY", 60, "BUSY during a query")
    finally:
        thread.join(120)
        if "cp" in slow:
            print("slow client:", slow["cp"].returncode, slow["cp"].stdout[-2000:], slow["cp"].stderr[-4000:])
    assert slow["cp"].returncode == 0 and "SLOW 2" in slow["cp"].stdout, slow["cp"].stderr[-2000:]
    idle = wait_session(srv, app, session_id, {"IDLE"}, timeout=30)
    assert idle["idleSince"]

    # Refused: a tampered token, and the engine's own port without the
    # service's secret (plaintext, no token), or with the session's token.
    bad = run_client(srv, tmp_path, tampered(url), "work", timeout=60)
    assert bad.returncode != 0 and "UNAUTHENTICATED" in bad.stderr, bad.stderr[-2000:]
    pids = engine_processes(srv, app, session_id)
    assert pids, "the engine runs in the session's work dir"
    port = max(engine_port(pid) for pid in pids if b"SparkConnectServer" in Path(f"/proc/{pid}/cmdline").read_bytes())
    direct = run_client(srv, tmp_path, f"sc://127.0.0.1:{port}", "work", timeout=60)
    assert direct.returncode != 0 and "UNAUTHENTICATED" in direct.stderr, direct.stderr[-2000:]

    srv.aws("emr-serverless", "terminate-session", "--application-id", app, "--session-id", session_id)
    ended = wait_session(srv, app, session_id, {"TERMINATED"}, timeout=60)
    assert ended["stateDetails"] == "Session terminated by the user", ended
    assert ended["endedAt"] and ended["totalExecutionDurationSeconds"] >= 1
    assert float(ended["billedResourceUtilization"]["vCPUHour"]) > 0
    wait_until(lambda: not engine_processes(srv, app, session_id), 30, "no engine process left")
    # A token of an ended session reaches nothing.
    gone = run_client(srv, tmp_path, url, "work", timeout=60)
    assert gone.returncode != 0 and "session is not running" in gone.stderr, gone.stderr[-2000:]
    log = srv.data_dir / "logs" / "applications" / app / "sessions" / session_id / "SPARK_DRIVER" / "stderr.gz"
    assert "SparkConnectServer" in read_gz(log)
    refused = srv.aws("emr-serverless", "get-session-endpoint", "--application-id", app, "--session-id", session_id,
                      expect_error=True)
    assert "ValidationException" in refused.stderr and "TERMINATED" in refused.stderr, refused.stderr


@pytest.mark.spark
def test_an_idle_session_ends_after_its_timeout(srv, app):
    session_id = start_session(srv, app, "--idle-timeout-minutes", "1")
    started = wait_session(srv, app, session_id, {"STARTED"})
    ended = wait_session(srv, app, session_id, {"TERMINATED"}, timeout=MINUTE_SECONDS * 10)
    assert ended["stateDetails"] == "Session terminated after being idle for 1 minute(s)", ended
    lasted = float(ended["endedAt"]) - float(started["startedAt"])
    assert MINUTE_SECONDS <= lasted < MINUTE_SECONDS + 15, lasted
    wait_until(lambda: not engine_processes(srv, app, session_id), 30, "no engine process left")


@pytest.mark.spark
def test_the_resource_dashboard_and_metrics_show_a_live_session_then_its_history(srv, app, tmp_path):
    session_id = start_session(srv, app)
    wait_session(srv, app, session_id, {"STARTED"})
    url, _ = endpoint_url(srv, app, session_id)
    done = run_client(srv, tmp_path, url, "work")
    assert done.returncode == 0, done.stderr[-3000:]

    def dashboard() -> str:
        found = srv.aws("emr-serverless", "get-resource-dashboard", "--application-id", app,
                        "--resource-id", session_id, "--resource-type", "SESSION")
        prefix = f"{srv.endpoint}/session-dashboard/{app}/{session_id}/"
        assert found["url"].startswith(prefix + "?token="), found
        return found["url"]

    # A live session is in /metrics: by state, and in its application's capacity.
    def scraped(pattern: str) -> int:
        metrics = requests.get(f"{srv.endpoint}/metrics", timeout=30,
                               headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert metrics.status_code == 200, metrics.text[:500]
        found = re.search(pattern, metrics.text, re.M)
        return int(found.group(1)) if found else 0
    # The supervisor records IDLE shortly after the client's last call ends.
    wait_until(lambda: scraped(rf'^sparkplane_sessions{{application_id="{app}",state="IDLE"}} (\d+)$') >= 1, 30,
               "the IDLE session in /metrics")
    assert scraped(rf'^sparkplane_application_vcpu_in_use{{application_id="{app}"}} (\d+)$') > 0

    prefix = f"{srv.endpoint}/session-dashboard/{app}/{session_id}/"
    browser = requests.Session()
    live = browser.get(dashboard(), timeout=60)
    # The token is traded for a cookie; Spark's UI then shows the client's jobs.
    assert live.status_code == 200 and live.url == prefix + "jobs/", (live.url, live.text[:500])
    assert "Spark Jobs" in live.text and "Completed Jobs" in live.text, live.text[:2000]
    assert browser.get(prefix + "stages/", timeout=60).status_code == 200
    # Without the cookie, or with another session's path, nothing opens.
    assert requests.get(prefix + "jobs/", timeout=30, allow_redirects=False).status_code == 403
    other = dashboard().replace(session_id, "00othersession0")
    assert requests.get(other, timeout=30, allow_redirects=False).status_code == 403

    srv.aws("emr-serverless", "terminate-session", "--application-id", app, "--session-id", session_id)
    wait_session(srv, app, session_id, {"TERMINATED"}, timeout=60)
    ended = requests.Session().get(dashboard(), timeout=180)
    # The History Server's rebuilt UI of the engine's event log.
    assert ended.status_code == 200 and "/history/" in ended.url, (ended.url, ended.text[:500])
    assert "Spark Jobs" in ended.text, ended.text[:2000]
    # The event log also went next to the driver logs in managed persistence.
    managed = srv.data_dir / "logs" / "applications" / app / "sessions" / session_id / "sparklogs"
    assert managed.is_dir() and any(managed.iterdir()), managed

    def refused(*args: str) -> str:
        return srv.aws("emr-serverless", "get-resource-dashboard", "--application-id", app, *args,
                       expect_error=True).stderr
    err = refused("--resource-id", "00nosuchsession", "--resource-type", "SESSION")
    assert "ResourceNotFoundException" in err, err
    err = refused("--resource-id", session_id, "--resource-type", "JOB_RUN")
    assert "ValidationException" in err and "[SESSION]" in err, err


@pytest.mark.spark
def test_session_tags_work_with_tag_resource_and_policies(srv, app):
    tagged = start_session(srv, app, "--tags", "team=a")
    plain = start_session(srv, app)
    arn = session_of(srv, app, tagged)["arn"]
    srv.aws("emr-serverless", "tag-resource", "--resource-arn", arn, "--tags", "env=prod")
    listed = srv.aws("emr-serverless", "list-tags-for-resource", "--resource-arn", arn)
    assert listed["tags"] == {"team": "a", "env": "prod"}, listed
    assert session_of(srv, app, tagged)["tags"] == {"team": "a", "env": "prod"}

    # aws:ResourceTag on a session is the session's own tags.
    iam = srv.iam()
    name = unique("user")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "emr-serverless:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "emr-serverless:GetSession", "Resource": "*",
             "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}}}]}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    user = srv.client(access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])
    with pytest.raises(ClientError) as caught:
        user.get_session(applicationId=app, sessionId=tagged)
    assert caught.value.response["Error"]["Code"] == "AccessDeniedException"
    assert user.get_session(applicationId=app, sessionId=plain)["session"]["sessionId"] == plain

    srv.aws("emr-serverless", "untag-resource", "--resource-arn", arn, "--tag-keys", "env")
    assert user.get_session(applicationId=app, sessionId=tagged)["session"]["tags"] == {"team": "a"}
    for session_id in (tagged, plain):
        srv.aws("emr-serverless", "terminate-session", "--application-id", app, "--session-id", session_id)
        wait_session(srv, app, session_id, {"TERMINATED"}, timeout=120)
    # As a run's, an ended session's tags may still change.
    srv.aws("emr-serverless", "tag-resource", "--resource-arn", arn, "--tags", "archived=yes")
    assert session_of(srv, app, tagged)["tags"] == {"team": "a", "archived": "yes"}
    gone = arn.replace(tagged, "00nosuchsession")
    err = srv.aws("emr-serverless", "list-tags-for-resource", "--resource-arn", gone, expect_error=True).stderr
    assert "ResourceNotFoundException" in err, err


def test_bad_input_gets_the_services_errors(srv, app):
    def refused(*args: str) -> str:
        cp = srv.aws("emr-serverless", *args, expect_error=True)
        return cp.stderr

    hive = srv.aws("emr-serverless", "create-application", "--type", "HIVE", "--release-label", LABEL,
                   "--name", unique("hive"))["applicationId"]
    err = refused("start-session", "--application-id", hive, "--execution-role-arn", ROLE_ARN)
    assert "ValidationException" in err and "HIVE" in err, err
    plain = srv.aws("emr-serverless", "create-application", "--type", "SPARK", "--release-label", LABEL,
                    "--name", unique("plain"))["applicationId"]
    err = refused("start-session", "--application-id", plain, "--execution-role-arn", ROLE_ARN)
    assert "ValidationException" in err and "sessionEnabled" in err, err
    old = srv.aws("emr-serverless", "create-application", "--type", "SPARK", "--release-label", "emr-7.9.0",
                  "--name", unique("old"), "--interactive-configuration", "sessionEnabled=true")["applicationId"]
    err = refused("start-session", "--application-id", old, "--execution-role-arn", ROLE_ARN)
    assert "ValidationException" in err and "emr-7.13.0" in err, err
    manual = srv.aws("emr-serverless", "create-application", "--type", "SPARK", "--release-label", LABEL,
                     "--name", unique("manual"), "--interactive-configuration", "sessionEnabled=true",
                     "--auto-start-configuration", "enabled=false")["applicationId"]
    err = refused("start-session", "--application-id", manual, "--execution-role-arn", ROLE_ARN)
    assert "ValidationException" in err and "auto-start" in err, err
    err = refused("start-session", "--application-id", app, "--execution-role-arn", ROLE_ARN,
                  "--configuration-overrides",
                  '{"runtimeConfiguration":[{"classification":"spark-defaults",'
                  '"properties":{"spark.connect.authenticate.token":"mine"}}]}')
    assert "ValidationException" in err and "spark.connect.authenticate.token" in err and "mine" not in err, err
    err = refused("start-session", "--application-id", app, "--execution-role-arn", ROLE_ARN,
                  "--configuration-overrides",
                  '{"runtimeConfiguration":[{"classification":"spark-defaults",'
                  '"properties":{"spark.dynamicAllocation.maxExecutors":"4"}}]}')
    assert "ValidationException" in err and "dynamic allocation" in err, err
    err = refused("start-session", "--application-id", app, "--execution-role-arn",
                  f"arn:aws:iam::123456789012:role/{unique('nobody')}")
    assert "ValidationException" in err and "does not exist" in err, err
    err = refused("get-session", "--application-id", app, "--session-id", "00nosuchsession")
    assert "ResourceNotFoundException" in err, err
    err = refused("get-session", "--application-id", app, "--session-id", "Not-An-Id")
    assert "ValidationException" in err, err
    client = srv.client(validate=False)
    with pytest.raises(ClientError) as caught:
        client.list_sessions(applicationId=app, states=["RUNNING"])
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    with pytest.raises(ClientError) as caught:
        client.list_sessions(applicationId=app, maxResults=51)
    assert caught.value.response["Error"]["Code"] == "ValidationException"


def test_sessions_are_listed_by_state_date_and_page(srv, app):
    other = srv.aws("emr-serverless", "create-application", "--type", "SPARK", "--release-label", LABEL,
                    "--name", unique("listed"), "--interactive-configuration", "sessionEnabled=true")["applicationId"]
    made = [start_session(srv, other) for _ in range(3)]
    for session_id in made:
        srv.aws("emr-serverless", "terminate-session", "--application-id", other, "--session-id", session_id)
    for session_id in made:
        wait_session(srv, other, session_id, {"TERMINATED"}, timeout=60)
    client = srv.client()
    first = client.list_sessions(applicationId=other, maxResults=2)
    assert [s["sessionId"] for s in first["sessions"]] == made[::-1][:2], "newest first"
    rest = client.list_sessions(applicationId=other, maxResults=2, nextToken=first["nextToken"])
    assert [s["sessionId"] for s in rest["sessions"]] == [made[0]] and "nextToken" not in rest
    assert len(client.list_sessions(applicationId=other, states=["TERMINATED"])["sessions"]) == 3
    assert client.list_sessions(applicationId=other, states=["IDLE", "BUSY"])["sessions"] == []
    newest = first["sessions"][0]["createdAt"]
    after = client.list_sessions(applicationId=other, createdAtAfter=newest)["sessions"]
    assert [s["sessionId"] for s in after] == [made[-1]]
    # The CLI pages by itself.
    listed = srv.aws("emr-serverless", "list-sessions", "--application-id", other, "--page-size", "1")
    assert sorted(s["sessionId"] for s in listed["sessions"]) == sorted(made)
    err = srv.aws("emr-serverless", "terminate-session", "--application-id", other, "--session-id", made[0],
                  expect_error=True).stderr
    assert "ValidationException" in err and "terminal" in err, err


SMALL = ('{"runtimeConfiguration":[{"classification":"spark-defaults","properties":{'
         '"spark.driver.cores":"1","spark.driver.memory":"1g","spark.executor.instances":"1",'
         '"spark.executor.cores":"1","spark.executor.memory":"1g"}}]}')


@pytest.mark.spark
def test_sessions_wait_for_capacity_like_job_runs(srv):
    capped = srv.aws("emr-serverless", "create-application", "--type", "SPARK", "--release-label", LABEL,
                     "--name", unique("capped"), "--interactive-configuration", "sessionEnabled=true",
                     "--maximum-capacity", "cpu=6vCPU,memory=16GB")["applicationId"]
    err = srv.aws("emr-serverless", "start-session", "--application-id", capped, "--execution-role-arn", ROLE_ARN,
                  expect_error=True).stderr
    assert "ValidationException" in err and "maximumCapacity" in err and "never start" in err, err
    first = start_session(srv, capped, "--configuration-overrides", SMALL)
    wait_session(srv, capped, first, {"STARTED"})
    second = start_session(srv, capped, "--configuration-overrides", SMALL)
    # Four vCPUs each: the second waits, SUBMITTED, while the first holds its share.
    waiting = wait_until(lambda: session_of(srv, capped, second)["state"] == "SUBMITTED" and
                         not engine_processes(srv, capped, second), 10, "second session waiting")
    assert waiting
    srv.aws("emr-serverless", "terminate-session", "--application-id", capped, "--session-id", first)
    wait_session(srv, capped, second, {"STARTED"})
    srv.aws("emr-serverless", "terminate-session", "--application-id", capped, "--session-id", second)
    wait_session(srv, capped, second, {"TERMINATED"}, timeout=60)
    wait_until(lambda: not engine_processes(srv, capped, second), 30, "no engine process left")


@pytest.mark.spark
def test_a_session_reads_and_writes_s3_within_its_roles_policy(srv, app, tmp_path):
    s3 = s3_client(srv)
    data, out, secret = unique("sdata"), unique("sout"), unique("ssecret")
    for bucket in (data, out, secret):
        s3.create_bucket(Bucket=bucket)
    s3.upload_file(str(MCDONALDS_CSV), data, "in/mcdonalds.csv")
    s3.upload_file(str(MCDONALDS_CSV), secret, "in/mcdonalds.csv")
    role = data_role(srv, "SessionRole", data, out)
    started = srv.aws("emr-serverless", "start-session", "--application-id", app, "--execution-role-arn", role)
    session_id = started["sessionId"]
    wait_session(srv, app, session_id, {"STARTED"})
    url, _ = endpoint_url(srv, app, session_id)
    done = run_client(srv, tmp_path, url, "s3", f"s3://{data}/in/mcdonalds.csv", f"s3://{out}/by-state",
                      f"s3://{secret}/in/mcdonalds.csv", timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    with open(MCDONALDS_CSV, newline="") as f:
        rows = list(csv.DictReader(f))
    states = {row["state"] for row in rows}
    ny = sum(1 for row in rows if row["state"] == "NY")
    assert f"ROWS {len(rows)}" in done.stdout, done.stdout
    assert f"STATES {len(states)} NY {ny}" in done.stdout, done.stdout
    assert "DENIED True" in done.stdout, done.stdout
    written = s3.list_objects_v2(Bucket=out, Prefix="by-state/")["Contents"]
    assert any(o["Key"].endswith(".parquet") for o in written), written
    srv.aws("emr-serverless", "terminate-session", "--application-id", app, "--session-id", session_id)
    wait_session(srv, app, session_id, {"TERMINATED"}, timeout=60)


BATCH_JOB = """
import sys
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
print("VERSION", spark.version)
print("ROWS", spark.read.option("header", True).csv(sys.argv[1]).count())
"""


@pytest.mark.spark
def test_emr_spark_8_job_runs_use_the_spark_4_runtime_with_s3(srv):
    s3 = s3_client(srv)
    bucket = unique("spark4")
    s3.create_bucket(Bucket=bucket)
    s3.upload_file(str(MCDONALDS_CSV), bucket, "in/mcdonalds.csv")
    s3.put_object(Bucket=bucket, Key="job.py", Body=BATCH_JOB.encode())
    client = srv.client()
    app_id = client.create_application(name=unique("spark4"), type="SPARK", releaseLabel="emr-spark-8.0.0")[
        "applicationId"]
    job_id = client.start_job_run(applicationId=app_id, executionRoleArn=ROLE_ARN, clientToken=unique("t"), jobDriver={
        "sparkSubmit": {"entryPoint": f"s3://{bucket}/job.py",
                        "entryPointArguments": [f"s3://{bucket}/in/mcdonalds.csv"]}})["jobRunId"]
    run = wait_for_state(client, app_id, job_id, {"SUCCESS", "FAILED", "CANCELLED"})
    assert run["state"] == "SUCCESS", run
    with open(MCDONALDS_CSV, newline="") as f:
        rows = sum(1 for _ in csv.DictReader(f))
    out = managed_driver_log(srv, app_id, job_id)
    assert "VERSION 4.0.5" in out and f"ROWS {rows}" in out, out
