"""Several servers on one store: one leads, the others stand by and take
over when it dies (kill -9) or stops. Runs the API acknowledged survive
the failover (50 live runs, HIVE and Spark): running attempts are lost and
retried under retryPolicy, queued runs start in their order.

The PostgreSQL case needs SPARKPLANE_TEST_POSTGRES_URL (scripts/test.sh
starts a throwaway cluster); the clean handover also runs on SQLite."""
import contextlib
import glob
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.parse

import pytest
from botocore.exceptions import ClientError

from conftest import create_app, job_work_dir, processes_referencing, start_job, unique, wait_for_state, wait_until
from helpers_s3 import s3_client
from helpers_base import ROLE_ARN, http
from helpers_server import Server

SMALL = ("--conf spark.driver.cores=1 --conf spark.driver.memory=1g --conf spark.executor.cores=1 "
         "--conf spark.executor.memory=1g --conf spark.executor.instances=1 --conf spark.dynamicAllocation.enabled=false")

# With the Spark runs, 50 runs are live when the leader dies.
HIVE_RUNS = 45

# The lease lasts 6 s and a standby polls every second; startup after that.
TAKEOVER_SECONDS = 10


def _fresh_database() -> str:
    url = os.environ.get("SPARKPLANE_TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true needs SPARKPLANE_TEST_POSTGRES_URL (scripts/test.sh starts PostgreSQL)")
        pytest.skip("SPARKPLANE_TEST_POSTGRES_URL is not set")
    psql = shutil.which("psql") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/psql"))), None)
    assert psql, "psql not found"
    name = unique("failover").replace("-", "_").lower()
    subprocess.run([psql, url, "-v", "ON_ERROR_STOP=1", "-c", f"CREATE DATABASE {name}"],
                   check=True, capture_output=True, timeout=60)
    return urllib.parse.urlparse(url)._replace(path=f"/{name}").geturl()


def _pair(make_server, store_url: str | None) -> tuple[Server, Server]:
    """Two servers on one data dir and port, as a standby on the same
    machine would run; with `store_url`, state is in PostgreSQL."""
    env = {"SPARKPLANE_STORE_URL": store_url} if store_url else {}
    first = make_server(extra_env=env)
    second = make_server(extra_env=env)
    second.data_dir, second.port, second.s3_port = first.data_dir, first.port, first.s3_port
    return first, second


def _servers(srv: Server) -> dict:
    out = srv.cli("servers", "--output", "json", "--endpoint", srv.endpoint, "--data-dir", str(srv.data_dir))
    return json.loads(out.stdout)


def _by_state(listing: dict) -> dict:
    states = {}
    for server in listing["servers"]:
        states.setdefault(server["state"], []).append(server)
    return states


def _standing_by(srv: Server) -> bool:
    return "standing by: server" in srv.log_path.read_text(errors="replace")


@pytest.mark.spark
def test_a_standby_takes_over_from_a_killed_leader_and_no_run_is_lost(make_server, tmp_path):
    first, second = _pair(make_server, _fresh_database())
    first.start()
    second.spawn()
    wait_until(lambda: _standing_by(second), 30, "the second server to stand by")
    listing = _servers(first)
    states = _by_state(listing)
    assert [s["pid"] for s in states["LEADER"]] == [first.proc.pid], listing
    assert [s["pid"] for s in states["STANDBY"]] == [second.proc.pid], listing
    first_token = listing["lease"]["token"]
    assert listing["lease"]["holder"] == states["LEADER"][0]["name"]

    c = first.client()
    lost = tmp_path / "lost.py"
    # Attempt 1 hangs (the leader dies under it); attempt 2 finishes. A
    # driver runs in its attempt's work dir, <work>/<app>/<run>/<attempt>.
    lost.write_text(
        "import os, time\n"
        "if os.path.basename(os.getcwd()) == '1':\n"
        "    time.sleep(600)\n"
        "print('second attempt done', flush=True)\n"
    )
    quick = tmp_path / "quick.py"
    quick.write_text("print('quick', flush=True)\n")
    app = create_app(c, name=unique("failover"), schedulerConfiguration={"maxConcurrentRuns": 1})["applicationId"]
    c.start_application(applicationId=app)
    running = start_job(c, app, {"sparkSubmit": {"entryPoint": str(lost), "sparkSubmitParameters": SMALL}},
                        retryPolicy={"maxAttempts": 2})
    wait_for_state(c, app, running, {"RUNNING"})
    workdir = job_work_dir(first, app, running) / "1"
    wait_until(lambda: processes_referencing(workdir), 60, f"driver processes under {workdir}")
    queued = [start_job(c, app, {"sparkSubmit": {"entryPoint": str(quick), "sparkSubmitParameters": SMALL}},
                        name=f"queued-{i}") for i in range(2)]
    for run in queued:
        wait_for_state(c, app, run, {"QUEUED"})
    # Many HIVE runs in flight, two at a time: at the kill some are running,
    # most are queued or just submitted.
    s3 = s3_client(first)
    s3.create_bucket(Bucket="failover")
    s3.put_object(Bucket="failover", Key="q.sql", Body=b"SELECT 41 + 1 AS answer;\n")
    hive_app = c.create_application(name=unique("failover-hive"), type="HIVE", releaseLabel="emr-7.9.0",
                                    schedulerConfiguration={"maxConcurrentRuns": 2})["applicationId"]
    c.start_application(applicationId=hive_app)
    hive_runs = [c.start_job_run(applicationId=hive_app, executionRoleArn=ROLE_ARN, retryPolicy={"maxAttempts": 2},
                                 jobDriver={"hive": {"query": "s3://failover/q.sql"}})["jobRunId"]
                 for _ in range(HIVE_RUNS)]

    first_pid = first.proc.pid
    os.killpg(first_pid, signal.SIGKILL)
    first.proc.wait(10)
    killed_at = time.monotonic()
    second.wait_healthy(TAKEOVER_SECONDS + 20)
    took = time.monotonic() - killed_at
    assert took <= TAKEOVER_SECONDS, f"the standby took {took:.1f} s to serve\n{second.log_tail()}"
    second.load_credentials()

    c = second.client()
    listing = _servers(second)
    states = _by_state(listing)
    assert [s["pid"] for s in states["LEADER"]] == [second.proc.pid], listing
    assert listing["lease"]["token"] == first_token + 1, listing
    assert [s["pid"] for s in states.get("GONE", [])] == [first_pid], listing

    # Every acknowledged run is there; the lost attempt was retried.
    listed = {r["id"] for r in c.list_job_runs(applicationId=app)["jobRuns"]}
    assert listed == {running, *queued}
    done = wait_for_state(c, app, running, {"SUCCESS"})
    assert done["attempt"] == 2, done
    attempts = c.list_job_run_attempts(applicationId=app, jobRunId=running)["jobRunAttempts"]
    first_attempt = next(a for a in attempts if a["attempt"] == 1)
    assert first_attempt["state"] == "FAILED" and "attempt lost" in first_attempt["stateDetails"], first_attempt
    for run in hive_runs:
        wait_for_state(c, hive_app, run, {"SUCCESS"})
    assert {r["id"] for r in c.list_job_runs(applicationId=hive_app, maxResults=50)["jobRuns"]} == set(hive_runs)
    started = []
    for run in queued:
        finished = wait_for_state(c, app, run, {"SUCCESS"})
        started.append(finished["startedAt"])
    assert started == sorted(started), "queued runs keep their order"
    assert not processes_referencing(workdir), "the lost attempt's processes were killed"
    assert second.stop() == 0


def test_a_clean_stop_hands_the_lease_over_at_once(make_server):
    first, second = _pair(make_server, None)
    first.start()
    second.spawn()
    wait_until(lambda: _standing_by(second), 30, "the second server to stand by")
    token = _servers(first)["lease"]["token"]
    assert first.stop() == 0
    stopped_at = time.monotonic()
    second.wait_healthy(30)
    # A released lease is taken at the next poll, not after its ttl.
    took = time.monotonic() - stopped_at
    assert took < 5, f"handover took {took:.1f} s"
    second.load_credentials()
    listing = _servers(second)
    assert listing["lease"]["token"] == token + 1
    assert [s["state"] for s in listing["servers"]] == ["LEADER"], "a cleanly stopped server leaves the list"
    assert second.stop() == 0


@contextlib.contextmanager
def _forwarding_pair(make_server, listen_host: str = "127.0.0.1"):
    """A leader and a standby on one data dir (so one root key) and
    different ports: the standby forwards what it receives. Both stop at
    the end, before the fixture looks for processes left in the data dir."""
    first = make_server(listen_host=listen_host)
    second = make_server(listen_host=listen_host)
    second.data_dir = first.data_dir
    try:
        first.start()
        second.spawn()
        wait_until(lambda: _standing_by(second), 30, "the second server to stand by")
        second.wait_healthy(30)
        second.load_credentials()
        yield first, second
    finally:
        second.stop()
        first.stop()


def test_a_standby_forwards_the_api_and_s3_to_the_leader(make_server):
    with _forwarding_pair(make_server) as (first, second):
        _forwarded_api_and_s3(first, second)


def _forwarded_api_and_s3(first: Server, second: Server) -> None:
    assert "requests here are forwarded to the leader" in second.log_path.read_text()
    via_standby = second.client()
    app = via_standby.create_application(name=unique("fwd"), type="HIVE", releaseLabel="emr-7.9.0")["applicationId"]
    s3 = s3_client(second)
    s3.create_bucket(Bucket="forwarded")
    big = os.urandom(3 * 1024 * 1024 + 17)
    s3.put_object(Bucket="forwarded", Key="big.bin", Body=big)
    assert s3_client(first).get_object(Bucket="forwarded", Key="big.bin")["Body"].read() == big
    assert s3.get_object(Bucket="forwarded", Key="big.bin")["Body"].read() == big
    s3.put_object(Bucket="forwarded", Key="q.sql", Body=b"SELECT 6 * 7 AS answer;\n")
    via_standby.start_application(applicationId=app)
    run = via_standby.start_job_run(applicationId=app, executionRoleArn=ROLE_ARN,
                                    jobDriver={"hive": {"query": "s3://forwarded/q.sql"}})["jobRunId"]
    wait_for_state(via_standby, app, run, {"SUCCESS"})
    # The leader answered: it has the run, and says who leads.
    assert first.client().get_job_run(applicationId=app, jobRunId=run)["jobRun"]["state"] == "SUCCESS"
    listed = second.aws("emr-serverless", "list-applications")
    assert app in {a["id"] for a in listed["applications"]}
    listing = _servers(second)
    assert [s["pid"] for s in _by_state(listing)["LEADER"]] == [first.proc.pid]
    # A request that another server forwarded is not forwarded again (two
    # standbys that each believe the other leads would bounce it forever).
    bounced = http("GET", second.endpoint + "/health", headers={"x-sparkplane-forwarded-for": "192.0.2.1"})
    assert bounced.status == 503, bounced
    assert http("GET", second.endpoint + "/health").status == 200
    # A path the URL parser would change is refused, never sent changed.
    dotted = http("GET", second.s3_endpoint + "/forwarded/./big.bin")
    assert dotted.status == 400 and b"cannot be forwarded unchanged" in dotted.body, dotted
    # Errors pass through with their status and type.
    with pytest.raises(ClientError) as missing:
        via_standby.get_job_run(applicationId=app, jobRunId="00nosuchrun0000")
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def _user_listing_from(srv: Server, cidr: str) -> dict:
    """A user allowed ListApplications only from `cidr`; its access key."""
    iam = srv.iam()
    name = unique("ipuser")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="ip", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "emr-serverless:ListApplications", "Resource": "*",
             "Condition": {"IpAddress": {"aws:SourceIp": cidr}}}]}))
    return iam.create_access_key(UserName=name)["AccessKey"]


def test_a_caller_cannot_name_its_own_address(make_server):
    """Only a server holding the root secret can vouch for a forwarded
    client address; a caller's own forwarded-for headers are ignored."""
    with _forwarding_pair(make_server) as (first, _):
        _forged_address_is_ignored(first)


def _forged_address_is_ignored(first: Server) -> None:
    key = _user_listing_from(first, "192.0.2.0/24")
    client = first.client(access_key=key["AccessKeyId"], secret_key=key["SecretAccessKey"])

    def forge(request, **_):
        request.headers["x-sparkplane-forwarded-for"] = "192.0.2.7"
        request.headers["x-sparkplane-forwarded-mac"] = "00" * 32

    client.meta.events.register("before-send.emr-serverless.ListApplications", forge)
    with pytest.raises(ClientError) as denied:
        client.list_applications()
    assert denied.value.response["Error"]["Code"] == "AccessDeniedException"
    # An unproven claim leaves no address at all: a Deny unless from
    # loopback, which the caller really is on, now applies.
    iam = first.iam()
    name = unique("loopuser")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="ip", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "emr-serverless:ListApplications", "Resource": "*"},
            {"Effect": "Deny", "Action": "*", "Resource": "*",
             "Condition": {"NotIpAddress": {"aws:SourceIp": "127.0.0.0/8"}}}]}))
    loop_key = iam.create_access_key(UserName=name)["AccessKey"]
    honest = first.client(access_key=loop_key["AccessKeyId"], secret_key=loop_key["SecretAccessKey"])
    honest.list_applications()
    claimed = first.client(access_key=loop_key["AccessKeyId"], secret_key=loop_key["SecretAccessKey"])
    claimed.meta.events.register("before-send.emr-serverless.ListApplications", forge)
    with pytest.raises(ClientError) as fails_closed:
        claimed.list_applications()
    assert fails_closed.value.response["Error"]["Code"] == "AccessDeniedException"


NETNS = dict(pair.split("=", 1) for pair in os.environ.get("SPARKPLANE_TEST_NETNS", "").split())
NETNS_SERVER = os.environ.get("SPARKPLANE_TEST_NETNS_SERVER", "")


@pytest.mark.skipif(not (NETNS and NETNS_SERVER) and os.environ.get("CI") != "true",
                    reason="no network namespaces (run scripts/netns.sh up as root)")
def test_forwarded_requests_keep_the_clients_address(make_server, tmp_path):
    """A client on another host calls the standby; the leader decides on
    the client's address, not the standby's."""
    assert NETNS and NETNS_SERVER, "CI=true needs SPARKPLANE_TEST_NETNS (scripts/netns.sh)"
    namespace, client_ip = next(iter(NETNS.items()))
    with _forwarding_pair(make_server, listen_host=NETNS_SERVER) as (first, second):
        _client_address_travels(first, second, namespace, client_ip)


def _client_address_travels(first: Server, second: Server, namespace: str, client_ip: str) -> None:
    key = _user_listing_from(first, f"{client_ip}/32")
    env = second.aws_env()
    env.update(AWS_ACCESS_KEY_ID=key["AccessKeyId"], AWS_SECRET_ACCESS_KEY=key["SecretAccessKey"])
    aws = [os.environ.get("SPARKPLANE_TEST_AWS", "aws"), "emr-serverless", "list-applications"]

    def call(*prefix: str, endpoint: str):
        return subprocess.run([*prefix, *aws, "--endpoint-url", endpoint], env=env, capture_output=True,
                              text=True, timeout=60)

    from_host = call("ip", "netns", "exec", namespace, endpoint=second.endpoint)
    assert from_host.returncode == 0, from_host.stderr
    assert "applications" in json.loads(from_host.stdout)
    # The same user from the servers' own address is refused.
    here = call(endpoint=second.endpoint)
    assert here.returncode != 0 and "AccessDenied" in here.stderr, here.stderr
