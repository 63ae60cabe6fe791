"""Several hosts: agents in their own network namespaces join a server over
a real network, heartbeat, go LOST when killed, come back, survive a server
restart; the host table is durable; drain stops placements; bad input is
refused. scripts/netns.sh (run by scripts/test.sh) makes the namespaces:
the server listens on the bridge's IP in the root namespace, and each agent
runs in a namespace of its own with its own IP.

The server and its S3 endpoint listen on the bridge, so an elastic run's
executors may go to the agents' hosts: the job below records, from inside
each task, the address its executor's host reaches the server from.
A Hail GWAS spreads its executors over the hosts the same way. A run that
finds no room on the server's host (here: the host is DRAINING) runs its
driver on an agent's host, staged from s3:// as its role, and is retried on
the other agent when its host dies.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
from pathlib import Path

import pytest
import requests
from botocore.exceptions import ClientError

from hail_job import KRYO, PARAMS, upload_hail_job
from helpers_s3 import s3_client

from conftest import (
    BIN,
    JOB_TIMEOUT,
    MCDONALDS_CSV,
    read_gz,
    s3cli,
    wait_driver_log,
    create_app,
    http,
    managed_driver_log,
    spark_job_driver,
    start_job,
    unique,
    wait_for_app_state,
    wait_for_state,
    wait_until,
)

NAMESPACES = dict(pair.split("=", 1) for pair in os.environ.get("SPARKPLANE_TEST_NETNS", "").split())
SERVER_IP = os.environ.get("SPARKPLANE_TEST_NETNS_SERVER", "")

if not NAMESPACES or not SERVER_IP:
    if os.environ.get("CI") == "true":
        raise RuntimeError("SPARKPLANE_TEST_NETNS is unset: scripts/netns.sh must run before these tests")
    pytest.skip("no network namespaces (run scripts/netns.sh up as root)", allow_module_level=True)


class Agent:
    """A real `sparkplane agent` in network namespace ``ns``."""

    def __init__(self, base: Path, ns: str, server, token: str, extra: list[str] | None = None):
        self.ns, self.server, self.token = ns, server, token
        self.data_dir = base / f"agent-{ns}"
        self.log_path = base / f"agent-{ns}.log"
        self.extra = list(extra or [])
        self.proc: subprocess.Popen | None = None

    def start(self) -> "Agent":
        env = server_env(self.server)
        env["SPARKPLANE_HOST_TOKEN"] = self.token
        cmd = ["ip", "netns", "exec", self.ns, str(BIN), "agent", "--server", self.server.endpoint,
               "--data-dir", str(self.data_dir), *self.extra]
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        return self

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


METRICS_TOKEN = "hosts-metrics-" + "0123456789abcdef"


def host_gauges(server) -> dict[str, float]:
    """`sparkplane_hosts{state}` from /metrics, parsed by Prometheus' parser."""
    from prometheus_client.parser import text_string_to_metric_families
    resp = http("GET", f"{server.endpoint}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert resp.status == 200, resp
    return {s.labels["state"]: s.value for f in text_string_to_metric_families(resp.body.decode())
            for s in f.samples if s.name == "sparkplane_hosts"}


def server_env(server) -> dict:
    env = server._env()
    env.pop("SPARKPLANE_HOST_TOKEN", None)
    return env


def hosts(server) -> dict[str, dict]:
    cp = server.cli("hosts", "--output", "json", "--endpoint", server.endpoint, "--data-dir", str(server.data_dir))
    return {h["name"]: h for h in json.loads(cp.stdout)}


def add_host(server, name: str) -> str:
    cp = server.cli("hosts", "add", name, "--endpoint", server.endpoint, "--data-dir", str(server.data_dir))
    token = next(line.strip() for line in cp.stdout.splitlines() if line.strip().startswith(f"{name}."))
    assert "sparkplane agent --server" in cp.stdout, cp.stdout
    return token


def wait_host(server, name: str, state: str, timeout: float = 30) -> dict:
    found = {}

    def ready():
        found.update(hosts(server).get(name, {}))
        return found.get("state") == state

    wait_until(ready, timeout, f"host {name} {state} (last seen: {found.get('state')})")
    return dict(found)


@pytest.fixture(scope="module")
def cluster(make_server, tmp_path_factory):
    """A server on the bridge and two agents, each in its own namespace."""
    server = make_server(listen_host=SERVER_IP, extra_env={"SPARKPLANE_METRICS_TOKEN": METRICS_TOKEN},
                         extra_args=["--host-name", "control", "--host-heartbeat-interval-seconds", "1",
                                     "--host-lost-after-seconds", "6"])
    server.start()
    base = tmp_path_factory.mktemp("agents")
    agents = {}
    for i, ns in enumerate(sorted(NAMESPACES), start=1):
        name = f"worker-{i}"
        agents[name] = Agent(base, ns, server, add_host(server, name), extra=["--label", f"rack=r{i}"]).start()
    yield server, agents
    for agent in agents.values():
        agent.stop()


def test_agents_join_over_the_network_and_heartbeat(cluster):
    server, agents = cluster
    for name, agent in agents.items():
        host = wait_host(server, name, "READY")
        ip = NAMESPACES[agent.ns]
        # The address the agent found is its namespace's own, not loopback.
        assert host["report"]["address"] == ip, host
        assert host["report"]["labels"] == {"rack": f"r{name[-1]}"}
        assert host["report"]["capacity"]["vcpu"] >= 16 and host["report"]["physical"]["cpus"] >= 1
        assert "credentialSha256" not in host and "credential" not in json.dumps(host)
    own = hosts(server)["control"]
    assert own["embedded"] is True and own["state"] == "READY"
    assert own["report"]["address"] == SERVER_IP
    # Heartbeats keep coming.
    first = hosts(server)["worker-1"]["lastHeartbeatAt"]
    wait_until(lambda: hosts(server)["worker-1"]["lastHeartbeatAt"] > first, 10, "a later heartbeat")
    text = server.cli("hosts", "--endpoint", server.endpoint, "--data-dir", str(server.data_dir)).stdout
    assert "control (server)" in text and "worker-2" in text and NAMESPACES[agents["worker-2"].ns] in text


def test_a_killed_agent_goes_lost_and_returns_when_restarted(cluster):
    server, agents = cluster
    agent = agents["worker-1"]
    wait_host(server, "worker-1", "READY")
    agent.kill9()
    lost = wait_host(server, "worker-1", "LOST", timeout=20)
    assert "no heartbeat for more than 6 s" in lost["stateDetails"]
    gauges: dict = {}

    def gauges_say_one_lost():
        gauges.update(host_gauges(server))
        return gauges.get("LOST") == 1 and gauges.get("READY") == 2

    wait_until(gauges_say_one_lost, 20, f"/metrics: one host LOST, two READY (last: {gauges})")
    assert hosts(server)["worker-2"]["state"] == "READY", "the other host is unaffected"
    agent.start()
    back = wait_host(server, "worker-1", "READY", timeout=20)
    assert back["report"]["instanceId"] != lost["report"]["instanceId"], "a new agent process registered"


def test_the_host_table_survives_a_server_restart_and_agents_reconnect(cluster):
    server, agents = cluster
    before = {name: wait_host(server, name, "READY") for name in agents}
    server.restart()
    after = hosts(server)
    assert set(after) == {"control", "worker-1", "worker-2"}
    for name in agents:
        # The same agent process, reconnected by itself: no new add, no restart.
        host = wait_host(server, name, "READY", timeout=20)
        assert host["createdAt"] == before[name]["createdAt"]
        wait_until(lambda n=name: hosts(server)[n]["lastHeartbeatAt"] > before[n]["lastHeartbeatAt"], 20,
                   f"{name} heartbeats the restarted server")
        assert agents[name].proc.poll() is None


def test_bad_input_is_refused(cluster):
    server, agents = cluster
    token = add_host(server, "worker-9")
    name, secret = token.rsplit(".", 1)
    forged = f"worker-1.{secret}"
    report = {"instanceId": "t1", "address": "10.0.0.9",
              "capacity": {"vcpu": 16, "memoryGb": 64, "diskGb": 10},
              "physical": {"cpus": 2, "memoryGb": 8, "maxProcesses": 4}}
    url = "/sparkplane/v1/agent/register"
    wrong = server.raw("POST", url, json.dumps(report), sign=False, headers={"Authorization": f"Bearer {forged}"})
    assert wrong.status == 403 and wrong.error_type == "AccessDeniedException", wrong
    signed = server.raw("POST", url, json.dumps(report))  # a user's SigV4 key is no host credential
    assert signed.status == 403, signed
    # Without a valid credential nothing of the body is looked at.
    unread = server.raw("POST", url, b"{not json", sign=False, headers={"Authorization": "Bearer nobody.00"})
    assert unread.status == 403, unread
    nonsense = dict(report, capacity={"vcpu": 0, "memoryGb": 64, "diskGb": 10})
    refused = server.raw("POST", url, json.dumps(nonsense), sign=False, headers={"Authorization": f"Bearer {token}"})
    assert refused.status == 400 and "capacity.vcpu" in refused.json()["message"], refused
    garbage = server.raw("POST", url, b"{not json", sign=False, headers={"Authorization": f"Bearer {token}"})
    assert garbage.status == 400, garbage
    assert hosts(server)["worker-9"]["state"] == "PENDING", "nothing refused was stored"
    ok = server.raw("POST", url, json.dumps(report), sign=False, headers={"Authorization": f"Bearer {token}"})
    assert ok.status == 200 and ok.json()["state"] == "READY", ok

    # An agent started with a wrong credential stops with the reason.
    env = server_env(server)
    env["SPARKPLANE_HOST_TOKEN"] = forged
    ns = sorted(NAMESPACES)[0]
    cp = subprocess.run(["ip", "netns", "exec", ns, str(BIN), "agent", "--server", server.endpoint,
                         "--data-dir", str(server.base / "bad-agent")],
                        capture_output=True, text=True, timeout=60, env=env)
    assert cp.returncode != 0 and "credential is not valid" in cp.stderr, cp.stderr

    cli = ["--endpoint", server.endpoint, "--data-dir", str(server.data_dir)]
    add_host(server, "worker-8")  # never registers: its state is only what these commands make it
    for args, status in [(["add", "Bad_Name"], "400"), (["add", "worker-1"], "409"), (["remove", "control"], "400"),
                         (["remove", "nobody"], "404"), (["drain", "worker-8"], None), (["resume", "worker-8"], None)]:
        cp = server.cli("hosts", *args, *cli, check=False)
        if status is None:
            assert cp.returncode == 0, cp.stderr
        else:
            assert cp.returncode != 0 and f"HTTP {status}" in cp.stderr, (args, cp.stderr)
    assert hosts(server)["worker-8"]["state"] == "PENDING", "drained, resumed, still waiting for its agent"

    # Hosts are the operator's: a user allowed every EMR Serverless action
    # may not list or add them.
    iam = server.iam()
    user = unique("analyst")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="emr", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "emr-serverless:*", "Resource": "*"}]}))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    denied = server.raw("GET", "/sparkplane/v1/hosts", access_key=key["AccessKeyId"],
                        secret_key=key["SecretAccessKey"])
    assert denied.status == 403 and "sparkplane:ListHosts" in denied.json()["message"], denied

    # A removed host's credential stops working at once.
    server.cli("hosts", "remove", "worker-9", *cli)
    gone = server.raw("POST", "/sparkplane/v1/agent/heartbeat", json.dumps(report), sign=False,
                      headers={"Authorization": f"Bearer {token}"})
    assert gone.status == 403, gone


SLEEPY = """
import sys, time
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
time.sleep(float(sys.argv[1]))
print("slept", spark.range(3).count())
"""


def test_drain_waits_for_the_run_and_places_nothing_until_resumed(cluster, release_label, tmp_path):
    server, _ = cluster
    client = server.client()
    cli = ["--endpoint", server.endpoint, "--data-dir", str(server.data_dir)]
    script = tmp_path / "sleepy.py"
    script.write_text(SLEEPY)
    app = create_app(client, name=unique("drain"), release=release_label)["applicationId"]
    client.start_application(applicationId=app)
    wait_for_app_state(client, app, {"STARTED"}, timeout=JOB_TIMEOUT)
    first = start_job(client, app, spark_job_driver(str(script), ["6"]))
    wait_for_state(client, app, first, {"RUNNING"})
    assert hosts(server)["control"]["runningRuns"] == 1

    drained: dict = {}

    def drain():
        cp = server.cli("hosts", "drain", "control", "--wait", "--timeout-seconds", str(int(JOB_TIMEOUT)), *cli,
                        check=False, timeout=JOB_TIMEOUT + 30)
        drained["rc"], drained["out"] = cp.returncode, cp.stdout + cp.stderr
        drained["first"] = client.get_job_run(applicationId=app, jobRunId=first)["jobRun"]["state"]

    waiter = threading.Thread(target=drain)
    waiter.start()
    wait_until(lambda: hosts(server)["control"]["state"] == "DRAINING", 30, "control DRAINING")
    second = start_job(client, app, spark_job_driver(str(script), ["0"]))
    waiter.join(JOB_TIMEOUT + 60)
    assert drained.get("rc") == 0, drained
    # The drain returned once the running run had ended, and the run
    # submitted meanwhile was admitted but never placed.
    assert drained["first"] == "SUCCESS", drained
    assert client.get_job_run(applicationId=app, jobRunId=second)["jobRun"]["state"] == "PENDING"
    assert hosts(server)["control"]["runningRuns"] == 0
    server.cli("hosts", "resume", "control", *cli)
    wait_for_state(client, app, second, {"SUCCESS"})
    client.stop_application(applicationId=app)


# Runs where its executors are: the address each task's host reaches the
# server from (its own namespace's IP), through a shuffle across hosts and
# reads and writes of s3:// from every executor.
SPREAD = r"""
import socket, sys, time
from pyspark.sql import SparkSession

server_ip, source, target = sys.argv[1:4]
spark = SparkSession.builder.getOrCreate()
sc = spark.sparkContext

def here(_=None):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((server_ip, 9))
    ip = s.getsockname()[0]
    s.close()
    return ip

def slow(x):
    time.sleep(0.5)
    return here()

def wait_for(pred, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline and not pred():
        time.sleep(0.2)

# A backlog makes Spark ask for its other executors; wait until they are up.
print("backlog ips", sorted(set(sc.parallelize(range(32), 32).map(slow).collect())), flush=True)
wait_for(lambda: sc._jsc.sc().getExecutorIds().size() >= 3)
ice = spark.read.option("header", True).csv(source).repartition(12)
ice.write.mode("overwrite").parquet(target)
back = spark.read.parquet(target)
print("rows", back.count(), flush=True)
by_ip = back.rdd.mapPartitions(lambda rows: [(here(), sum(1 for _ in rows))]).collect()
print("ips", " ".join(sorted({ip for ip, _ in by_ip})), flush=True)
"""

SPREAD_CONF = (
    "--conf spark.driver.cores=1 --conf spark.executor.cores=1 "
    "--conf spark.dynamicAllocation.initialExecutors=1 --conf spark.dynamicAllocation.minExecutors=1 "
    "--conf spark.dynamicAllocation.maxExecutors=3 --conf spark.dynamicAllocation.executorIdleTimeout=120s "
    "--conf spark.dynamicAllocation.schedulerBacklogTimeout=1s "
    "--conf spark.dynamicAllocation.sustainedSchedulerBacklogTimeout=1s"
)


def test_one_runs_executors_spread_over_the_agents_hosts(cluster, release_label, tmp_path):
    server, agents = cluster
    for name in agents:
        wait_host(server, name, "READY")
    client = server.client()
    bucket = unique("spread")
    s3cli(server, "s3", "mb", f"s3://{bucket}")
    s3cli(server, "s3", "cp", str(MCDONALDS_CSV), f"s3://{bucket}/in/ice.csv")
    script = tmp_path / "spread.py"
    script.write_text(SPREAD)
    app = create_app(client, name=unique("spread"), release=release_label)["applicationId"]
    log_dir = tmp_path / "logs"
    args = [SERVER_IP, f"s3://{bucket}/in/ice.csv", f"s3://{bucket}/out/"]
    job = start_job(client, app, spark_job_driver(str(script), args, params=SPREAD_CONF), log_dir)
    seen_on_agents: dict = {}

    def placed_on_agents():
        table = hosts(server)
        seen_on_agents.update({n: table[n]["processCount"] for n in agents if table[n]["processCount"]})
        return len(seen_on_agents) == len(agents) or client.get_job_run(
            applicationId=app, jobRunId=job)["jobRun"]["state"] not in {"SUBMITTED", "PENDING", "SCHEDULED", "RUNNING"}

    wait_until(placed_on_agents, JOB_TIMEOUT, "executors on both agents' hosts")
    run = wait_for_state(client, app, job, {"SUCCESS"}, timeout=JOB_TIMEOUT)
    stdout = wait_driver_log(log_dir, app, job)
    assert set(seen_on_agents) == set(agents), (seen_on_agents, stdout)
    expected_rows = sum(1 for _ in open(MCDONALDS_CSV, encoding="utf-8")) - 1
    assert f"rows {expected_rows}" in stdout, stdout
    ips = next(line for line in stdout.splitlines() if line.startswith("ips ")).split()[1:]
    agent_ips = {NAMESPACES[agent.ns] for agent in agents.values()}
    # Executors on both agents' hosts read s3:// (their hosts' credentials
    # proxies, the endpoint on the bridge) and took part in the shuffle.
    assert agent_ips <= set(ips), (ips, stdout)
    # Each agent sent its executors' logs: they are in the EMR layout, and
    # Spark's launch line in them names the agent's address.
    executors = log_dir / "applications" / app / "jobs" / job / "SPARK_EXECUTOR"
    logged = " ".join(read_gz(p) for p in executors.glob("*/stderr.gz"))
    for ip in agent_ips:
        assert f'"--hostname" "{ip}"' in logged, sorted(p.name for p in executors.iterdir())
    assert run["totalResourceUtilization"]["vCPUHour"] > 0
    # The run is over: the agents stopped their workers.
    wait_until(lambda: all(hosts(server)[n]["processCount"] == 0 for n in agents), 30, "agents' workers stopped")


# Keeps three executors busy for a while: 96 tasks of half a second.
LONG = r"""
import time
from pyspark.sql import SparkSession
sc = SparkSession.builder.getOrCreate().sparkContext

def slow(x):
    time.sleep(0.5)
    return x

print("sum", sc.parallelize(range(96), 96).map(slow).sum(), flush=True)
"""


def namespace_pids(ns: str) -> set[int]:
    out = subprocess.run(["ip", "netns", "pids", ns], capture_output=True, text=True, check=True).stdout
    return {int(pid) for pid in out.split()}


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").exists() and Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


def test_hosts_that_die_or_restart_mid_job_lose_their_executors_and_the_run_succeeds(
        cluster, release_label, tmp_path):
    server, agents = cluster
    for name in agents:
        wait_host(server, name, "READY")
    client = server.client()
    script = tmp_path / "long.py"
    script.write_text(LONG)
    app = create_app(client, name=unique("faults"), release=release_label)["applicationId"]
    log_dir = tmp_path / "logs"
    job = start_job(client, app, spark_job_driver(str(script), params=SPREAD_CONF), log_dir)
    wait_until(lambda: all(hosts(server)[n]["processCount"] > 0 for n in agents), JOB_TIMEOUT,
               "executors on both agents' hosts")

    # An agent killed with -9 takes its worker and executors with it.
    restarted = agents["worker-2"]
    workers = namespace_pids(restarted.ns) - {restarted.proc.pid}
    assert workers, "the agent runs a worker"
    restarted.kill9()
    wait_until(lambda: not any(alive(pid) for pid in workers), 30, "the killed agent's worker and executors gone")
    restarted.start()
    wait_host(server, "worker-2", "READY")

    # A host that dies (its agent and everything it ran) goes LOST; Spark
    # runs the lost executor's tasks elsewhere and the run succeeds.
    dead = agents["worker-1"]
    for pid in namespace_pids(dead.ns):
        os.kill(pid, signal.SIGKILL)
    dead.proc.wait(10)
    wait_host(server, "worker-1", "LOST", timeout=30)
    wait_for_state(client, app, job, {"SUCCESS"}, timeout=JOB_TIMEOUT)
    assert f"sum {sum(range(96))}" in wait_driver_log(log_dir, app, job)
    dead.start()
    wait_host(server, "worker-1", "READY", timeout=30)


# The McDonald's job, and where it ran: the address its driver's host
# reaches the server from. It pauses with its session up, so the test can
# kill its host or look at its live UI.
ICE_CREAM = r"""
import socket, sys, time
from pyspark.sql import SparkSession

server_ip, source, target, pause = sys.argv[1:5]
spark = SparkSession.builder.getOrCreate()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect((server_ip, 9))
print("driver ip", s.getsockname()[0], flush=True)
s.close()
ice = spark.read.option("header", True).csv(source).cache()
print("read", ice.count(), flush=True)
time.sleep(float(pause))
ice.write.mode("overwrite").parquet(target)
print("rows", spark.read.parquet(target).count(), flush=True)
"""


def stage_ice_cream(server, prefix: str, tmp_path: Path) -> str:
    """A new bucket with the McDonald's CSV (`in/ice.csv`) and ICE_CREAM
    (`code/ice.py`); its name."""
    bucket = unique(prefix)
    s3cli(server, "s3", "mb", f"s3://{bucket}")
    s3cli(server, "s3", "cp", str(MCDONALDS_CSV), f"s3://{bucket}/in/ice.csv")
    script = tmp_path / "ice.py"
    script.write_text(ICE_CREAM)
    s3cli(server, "s3", "cp", str(script), f"s3://{bucket}/code/ice.py")
    return bucket


def drivers_on(server, name: str) -> list[dict]:
    report = hosts(server)[name].get("report") or {}
    return [p for p in report.get("processes", []) if p.get("role") == "driver"]


def test_a_run_with_no_room_here_runs_its_driver_on_an_agent_and_a_lost_host_retries_it(
        cluster, release_label, tmp_path):
    server, agents = cluster
    for name in agents:
        wait_host(server, name, "READY")
    client = server.client()
    cli = ["--endpoint", server.endpoint, "--data-dir", str(server.data_dir)]
    bucket = stage_ice_cream(server, "remote-driver", tmp_path)
    app = create_app(client, name=unique("remote-driver"), release=release_label)["applicationId"]
    log_dir = tmp_path / "logs"
    server.cli("hosts", "drain", "control", *cli)
    try:
        args = [SERVER_IP, f"s3://{bucket}/in/ice.csv", f"s3://{bucket}/out/", "10"]
        job = start_job(client, app, spark_job_driver(f"s3://{bucket}/code/ice.py", args), log_dir,
                        retryPolicy={"maxAttempts": 2})
        placed = {}

        def on_an_agent():
            placed.update({n: drivers_on(server, n) for n in agents if drivers_on(server, n)})
            return placed

        wait_until(on_an_agent, JOB_TIMEOUT, "the driver on an agent's host")
        first = next(iter(placed))
        assert placed[first][0]["jobRunId"] == job, placed
        wait_for_state(client, app, job, {"RUNNING"})

        # Its logs reach the server while it runs.
        wait_until(lambda: "driver ip" in managed_driver_log(server, app, job), JOB_TIMEOUT, "the driver's log")

        # Its host dies: the driver dies with its agent, the host goes LOST,
        # and the run's second attempt runs on the other agent.
        dead = agents[first]
        dead.kill9()
        wait_host(server, first, "LOST", timeout=30)
        run = wait_for_state(client, app, job, {"SUCCESS"}, timeout=JOB_TIMEOUT)
        assert run["attempt"] == 2, run
        stdout = read_gz(wait_until(
            lambda: next(iter((log_dir / "applications" / app / "jobs" / job / "attempts" / "2" / "SPARK_DRIVER")
                              .glob("stdout.gz")), None), 30, "attempt 2's driver log"))
        expected_rows = sum(1 for _ in open(MCDONALDS_CSV, encoding="utf-8")) - 1
        assert f"rows {expected_rows}" in stdout, stdout
        other = next(n for n in agents if n != first)
        assert f"driver ip {NAMESPACES[agents[other].ns]}" in stdout, stdout
        # Attempt 1 failed for its host, and its driver log (sent while it
        # ran) is in the layout too.
        attempts = client.list_job_run_attempts(applicationId=app, jobRunId=job)["jobRunAttempts"]
        first_attempt = next(a for a in attempts if a["attempt"] == 1)
        assert first_attempt["state"] == "FAILED", attempts
        assert first_attempt["stateDetails"].startswith("host lost"), attempts
        assert f"driver ip {NAMESPACES[dead.ns]}" in wait_driver_log(log_dir, app, job)
        keys = s3_client(server).list_objects_v2(Bucket=bucket, Prefix="out/")["Contents"]
        assert any(k["Key"].endswith(".parquet") for k in keys), keys
        assert run["totalResourceUtilization"]["vCPUHour"] > 0
        # The agent sent its event log: the dashboard serves the history view.
        history = requests.get(client.get_dashboard_for_job_run(applicationId=app, jobRunId=job)["url"], timeout=60)
        assert history.status_code == 200 and "/history/" in history.url, (history.url, history.text[:300])
        assert "Completed Jobs" in history.text
        wait_until(lambda: not drivers_on(server, other), 30, "the driver gone from the agent's host")
        dead.start()
        wait_host(server, first, "READY", timeout=30)

        # A cancel reaches a driver on an agent's host: it stops there.
        args = [SERVER_IP, f"s3://{bucket}/in/ice.csv", f"s3://{bucket}/out2/", "300"]
        slow = start_job(client, app, spark_job_driver(f"s3://{bucket}/code/ice.py", args))
        wait_until(lambda: any(p["jobRunId"] == slow for n in agents for p in drivers_on(server, n)),
                   JOB_TIMEOUT, "the slow run's driver on an agent's host")
        wait_for_state(client, app, slow, {"RUNNING"})
        # Its live Spark UI is proxied from the agent's host.
        live = client.get_dashboard_for_job_run(applicationId=app, jobRunId=slow)["url"]

        def spark_ui():
            page = requests.get(live, timeout=30)
            return page if page.status_code == 200 and "Spark Jobs" in page.text else None

        page = wait_until(spark_ui, 60, "the live Spark UI of the driver on the agent's host")
        assert page.url.endswith("/jobs/") and "/history/" not in page.url, page.url
        client.cancel_job_run(applicationId=app, jobRunId=slow)
        cancelled = wait_for_state(client, app, slow, {"CANCELLED"}, timeout=60)
        assert cancelled["stateDetails"] == "Job run was cancelled", cancelled
        wait_until(lambda: not any(drivers_on(server, n) for n in agents), 30, "no driver left on the agents")

        # A run larger than this host (16 vCPU) is accepted when an agent's
        # host offers enough, and runs there; one larger than every host is
        # refused at submit.
        big = agents[other]
        usual = list(big.extra)
        big.stop()
        big.extra = usual + ["--host-vcpu", "40", "--host-memory-gb", "160"]
        big.start()
        wait_until(lambda: (hosts(server)[other].get("report") or {}).get("capacity", {}).get("vcpu") == 40
                   and hosts(server)[other]["state"] == "READY", 30, "the larger agent's host READY")
        args = [SERVER_IP, f"s3://{bucket}/in/ice.csv", f"s3://{bucket}/out3/", "0"]
        large = start_job(client, app, spark_job_driver(f"s3://{bucket}/code/ice.py", args,
                                                        params="--conf spark.executor.instances=4"), log_dir)
        wait_for_state(client, app, large, {"SUCCESS"}, timeout=JOB_TIMEOUT)
        assert f"driver ip {NAMESPACES[big.ns]}" in wait_driver_log(log_dir, app, large)
        with pytest.raises(ClientError) as refused:
            start_job(client, app, spark_job_driver(f"s3://{bucket}/code/ice.py", args,
                                                    params="--conf spark.executor.instances=12"))
        error = refused.value.response["Error"]
        assert error["Code"] == "ValidationException" and "any host offers (40 vCPU" in error["Message"], error
        big.stop()
        big.extra = usual
        big.start()
        wait_until(lambda: (hosts(server)[other].get("report") or {}).get("capacity", {}).get("vcpu") != 40
                   and hosts(server)[other]["state"] == "READY", 30, "the agent's host back to its size")
    finally:
        server.cli("hosts", "resume", "control", *cli)


def test_a_hail_gwas_spreads_its_executors_over_the_hosts(cluster, release_label, tmp_path, hail_venv):
    server, agents = cluster
    for name in agents:
        wait_host(server, name, "READY")
    client = server.client()
    archive, jar = hail_venv
    bucket = unique("hail-hosts")
    upload_hail_job(s3_client(server), bucket, archive, jar)
    # Three executors from the start, one per host, as on a standalone cluster.
    params = PARAMS.format(bucket=bucket) + (
        " --conf spark.driver.cores=1 --conf spark.executor.cores=1 "
        "--conf spark.dynamicAllocation.initialExecutors=3 --conf spark.dynamicAllocation.minExecutors=3 "
        "--conf spark.dynamicAllocation.maxExecutors=3")
    app = create_app(client, name=unique("hail"), release=release_label, runtimeConfiguration=KRYO)["applicationId"]
    log_dir = tmp_path / "logs"
    driver = spark_job_driver(f"s3://{bucket}/code/gwas.py", [f"s3://{bucket}/out/"], params=params)
    job = start_job(client, app, driver, log_dir)
    run = wait_for_state(client, app, job, {"SUCCESS", "FAILED"}, timeout=JOB_TIMEOUT)
    stdout = wait_driver_log(log_dir, app, job)
    assert run["state"] == "SUCCESS", (run.get("stateDetails"), stdout[-3000:])
    result = json.loads(next(line for line in stdout.splitlines() if line.startswith("GWAS "))[len("GWAS "):])
    assert result["rows"] == 500 and result["p_values"] == 500, result
    # Tasks ran in workers on every agent's host, each of which unpacked the
    # venv and fetched Hail's jar from the driver.
    for agent in agents.values():
        assert any(cwd.startswith(str(agent.data_dir)) for cwd in result["task_cwds"]), (agent.ns, result)
