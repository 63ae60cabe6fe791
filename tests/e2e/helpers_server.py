"""The `Server` test harness: a real `sparkplane server` subprocess on a
loopback port with a throw-away data dir, its clients (boto3, the aws CLI,
raw SigV4 requests, the sparkplane CLI) and its teardown checks."""
from __future__ import annotations

import atexit
import datetime as _dt
import json
import os
import shlex
import signal
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable
from unittest import mock

import boto3
import botocore.auth
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from helpers_base import (
    AWS_CLI,
    BIN,
    REGION,
    REPO,
    ROLE_ARN,
    RUNTIME_DIR,
    RawResponse,
    free_port,
    http,
    kill_pids,
    processes_referencing,
    wait_until,
)

# --------------------------------------------------------------------------
# the server
# --------------------------------------------------------------------------

_ALL_SERVERS: list["Server"] = []


# The trust policy of a job's execution role: EMR Serverless may assume it.
EMR_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Principal": {"Service": "emr-serverless.amazonaws.com"}, "Action": "sts:AssumeRole"}]})


class Server:
    """A real ``sparkplane server`` process on a loopback port."""

    def __init__(self, base: Path, port: int | None = None, extra_args: list[str] | None = None,
                 use_env: bool = False, region: str = REGION, extra_env: dict | None = None,
                 listen_host: str = "127.0.0.1"):
        if not BIN.exists():
            pytest.fail(f"sparkplane binary not found at {BIN} (set SPARKPLANE_BIN)")
        self.base = Path(base)
        self.base.mkdir(parents=True, exist_ok=True)
        self.data_dir = self.base / "data"
        self.log_path = self.base / "server.log"
        # The API's address: loopback, or a bridge's IP that other network
        # namespaces (hosts, in test_hosts.py) reach.
        self.listen_host = listen_host
        self.port = port or free_port()
        # Every server gets its own embedded S3 endpoint port (the default,
        # 9000, would collide between servers).
        self.s3_port = free_port()
        self.extra_args = list(extra_args or [])
        self.extra_env = dict(extra_env or {})  # set on the server process only (e.g. SPARKPLANE_S3_*)
        self.use_env = use_env
        self.region = region
        self.proc: subprocess.Popen | None = None
        self.access_key = self.secret_key = None
        self.starts = 0
        _ALL_SERVERS.append(self)

    # ---- lifecycle -------------------------------------------------------

    @property
    def endpoint(self) -> str:
        return f"http://{self.listen_host}:{self.port}"

    @property
    def s3_endpoint(self) -> str:
        return f"http://{self.listen_host}:{self.s3_port}"

    def _env(self) -> dict:
        # no ambient AWS_* / SPARKPLANE_* settings may leak into the binary under test
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("AWS_") and not k.startswith("SPARKPLANE_")}
        env["SPARKPLANE_RUNTIME_DIR"] = str(RUNTIME_DIR)
        env.setdefault("RUST_BACKTRACE", "1")
        return env

    def start(self, timeout: float = 60) -> "Server":
        self.spawn()
        self.wait_healthy(timeout)
        self.load_credentials()
        self.ensure_default_role()
        return self

    def spawn(self) -> None:
        """Start the process without waiting for it to serve (a standby
        server on a shared store serves only once it leads)."""
        RUNTIME_DIR.mkdir(parents=True, exist_ok=True)
        env = self._env()
        env.update(self.extra_env)
        if "SPARKPLANE_ALLOWED_LOCAL_DIRS" not in self.extra_env and \
                not any(arg.startswith("--allowed-local-dir") for arg in self.extra_args):
            # Tests name local scripts and log dirs under pytest's temp dirs and the repo.
            env["SPARKPLANE_ALLOWED_LOCAL_DIRS"] = ":".join(default_allowed_local_dirs(self.base))
        cmd = [str(BIN), "server"]
        if self.use_env:
            env["SPARKPLANE_LISTEN"] = f"{self.listen_host}:{self.port}"
            env["SPARKPLANE_DATA_DIR"] = str(self.data_dir)
            env["SPARKPLANE_S3_LISTEN"] = f"{self.listen_host}:{self.s3_port}"
        else:
            cmd += ["--listen", f"{self.listen_host}:{self.port}", "--data-dir", str(self.data_dir)]
            if not any(arg.startswith("--s3-listen") for arg in self.extra_args):
                # Beside the API: other hosts' executors reach both.
                cmd += ["--s3-listen", f"{self.listen_host}:{self.s3_port}"]
        cmd += self.extra_args
        self.starts += 1
        log = open(self.log_path, "ab")
        log.write(f"\n===== start #{self.starts}: {shlex.join(cmd)}\n".encode())
        log.flush()
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()

    def ensure_default_role(self) -> None:
        """Create ROLE_ARN's role, trusting EMR Serverless, as a new user of
        the service would before the first job (StartJobRun refuses a role
        that does not exist or that the service may not assume). Jobs reach
        s3:// with this role's credentials (S3A) and the catalog as Glue;
        the suite's jobs use buckets of every name."""
        self.create_job_role(ROLE_ARN.rsplit("/", 1)[1],
                             [{"Effect": "Allow", "Action": ["s3:*", "glue:*"], "Resource": "*"}],
                             policy_name="e2e-data", exist_ok=True)

    def create_job_role(self, name: str, statements: list, policy_name: str = "data",
                        exist_ok: bool = False) -> str:
        """A role EMR Serverless may assume, with `statements` as its inline
        policy; returns its ARN."""
        iam = self.iam()
        try:
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=EMR_TRUST)
        except iam.exceptions.EntityAlreadyExistsException:
            if not exist_ok:
                raise
        iam.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": statements}))
        return f"arn:aws:iam::123456789012:role/{name}"

    def wait_healthy(self, timeout: float = 60) -> None:
        def ok():
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"sparkplane server exited with {self.proc.returncode} during startup:\n{self.log_tail()}"
                )
            try:
                return http("GET", self.endpoint + "/health", timeout=2).status == 200
            except (urllib.error.URLError, ConnectionError, OSError):
                return False

        try:
            wait_until(ok, timeout, f"GET {self.endpoint}/health == 200")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n--- server log ---\n{self.log_tail()}") from None

    def log_tail(self, n: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return "<no log>"

    def stop(self, timeout: float = 30) -> int | None:
        """SIGTERM the server and wait; SIGKILL after ``timeout``. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
                self.proc = None
                raise AssertionError(f"server did not exit within {timeout}s of SIGTERM\n{self.log_tail()}")
        rc = self.proc.returncode
        self.proc = None
        return rc

    def restart(self, timeout: float = 60) -> int | None:
        rc = self.stop()
        self.start(timeout)
        return rc

    def leftovers(self) -> list[tuple[int, str]]:
        return processes_referencing(self.data_dir)

    def teardown(self) -> None:
        """Stop the server, then check that nothing referencing the data dir survives."""
        problems = []
        # Tests that kill a server do so with a signal (a negative code); a
        # server that exited by itself died under a test, which should say
        # why rather than leave only "connection refused" behind.
        if self.proc is not None and self.proc.poll() is not None and self.proc.returncode >= 0:
            problems.append(f"the server exited by itself with code {self.proc.returncode} before teardown:\n"
                            f"{self.log_tail()}")
        try:
            self.stop()
        except AssertionError as exc:
            problems.append(str(exc))
        try:
            wait_until(lambda: not self.leftovers(), 20, "no processes left referencing the data dir")
        except AssertionError:
            left = self.leftovers()
            kill_pids(pid for pid, _ in left)
            problems.append("orphan processes after server shutdown (killed now):\n" +
                            "\n".join(f"  {pid}: {cmd[:300]}" for pid, cmd in left))
        if problems:
            pytest.fail("\n".join(problems), pytrace=False)

    # ---- credentials & clients ------------------------------------------

    def cli(self, *args: str, check: bool = True, timeout: float = 120, env: dict | None = None,
            **kw) -> subprocess.CompletedProcess:
        """Run the sparkplane binary itself (not the server)."""
        full_env = self._env()
        if env:
            full_env.update(env)
        cp = subprocess.run([str(BIN), *args], capture_output=True, text=True, timeout=timeout,
                            env=full_env, **kw)
        if check and cp.returncode != 0:
            raise AssertionError(f"sparkplane {shlex.join(args)} failed ({cp.returncode}):\n{cp.stderr}")
        return cp

    def load_credentials(self) -> None:
        cp = self.cli("credentials", "--data-dir", str(self.data_dir))
        creds = parse_exports(cp.stdout)
        assert "AWS_ACCESS_KEY_ID" in creds and "AWS_SECRET_ACCESS_KEY" in creds, cp.stdout
        self.access_key = creds["AWS_ACCESS_KEY_ID"]
        self.secret_key = creds["AWS_SECRET_ACCESS_KEY"]

    def client(self, validate: bool = True, access_key: str | None = None, secret_key: str | None = None,
               region: str | None = None):
        cfg = Config(retries={"mode": "standard", "total_max_attempts": 1},
                     parameter_validation=validate, connect_timeout=5, read_timeout=60)
        session = boto3.session.Session()
        return session.client(
            "emr-serverless",
            endpoint_url=self.endpoint,
            region_name=region or self.region,
            aws_access_key_id=access_key or self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=cfg,
        )

    def iam(self, access_key: str | None = None, secret_key: str | None = None, service: str = "iam"):
        """A boto3 ``iam`` (or ``sts``) client for this server, as the root unless keys are given."""
        cfg = Config(retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=5, read_timeout=60)
        return boto3.session.Session().client(
            service,
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id=access_key or self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=cfg,
        )

    def aws_env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(
            AWS_ACCESS_KEY_ID=self.access_key,
            AWS_SECRET_ACCESS_KEY=self.secret_key,
            AWS_DEFAULT_REGION=self.region,
            AWS_CONFIG_FILE=str(self.base / "no-aws-config"),
            AWS_SHARED_CREDENTIALS_FILE=str(self.base / "no-aws-credentials"),
            AWS_EC2_METADATA_DISABLED="true",
            AWS_MAX_ATTEMPTS="1",
            AWS_PAGER="",
        )
        return env

    def aws(self, *args: str, expect_error: bool = False, timeout: float = 120):
        """Run ``aws <args> --endpoint-url ...``.

        Returns parsed JSON ({} for empty output) on success; with
        ``expect_error=True`` asserts failure and returns the CompletedProcess.
        """
        cmd = [AWS_CLI, *args, "--endpoint-url", self.endpoint, "--output", "json"]
        cp = self.aws_cp(*args, timeout=timeout)
        if expect_error:
            assert cp.returncode != 0, f"expected {shlex.join(cmd)} to fail, got:\n{cp.stdout}"
            return cp
        assert cp.returncode == 0, f"{shlex.join(cmd)} failed ({cp.returncode}):\n{cp.stderr}"
        return json.loads(cp.stdout) if cp.stdout.strip() else {}

    def aws_cp(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run the aws CLI against this server and return the CompletedProcess, whatever the outcome."""
        cmd = [AWS_CLI, *args, "--endpoint-url", self.endpoint, "--output", "json"]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=self.aws_env())

    # ---- raw signed requests --------------------------------------------

    def raw(self, method: str, path: str, body: bytes | str | None = None, *, sign: bool = True,
            access_key: str | None = None, secret_key: str | None = None, region: str | None = None,
            service: str = "emr-serverless", when: _dt.datetime | None = None,
            headers: dict | None = None, mutate: Callable[[AWSRequest], None] | None = None) -> RawResponse:
        """Send a raw request, SigV4-signed with botocore's signer unless ``sign=False``.

        ``when`` (naive UTC) overrides the signing time; ``mutate`` may tamper
        with the signed request before it is sent.
        """
        if isinstance(body, str):
            body = body.encode()
        hdrs = {"Content-Type": "application/json"} if body is not None else {}
        hdrs.update(headers or {})
        req = AWSRequest(method=method, url=self.endpoint + path, data=body, headers=hdrs)
        if sign:
            creds = Credentials(access_key or self.access_key, secret_key or self.secret_key)
            signer = SigV4Auth(creds, service, region or self.region)
            if when is not None:
                with mock.patch.object(botocore.auth, "get_current_datetime", return_value=when):
                    signer.add_auth(req)
            else:
                signer.add_auth(req)
        if mutate:
            mutate(req)
        prepared = req.prepare()
        return http(method, prepared.url, body=prepared.body, headers=dict(prepared.headers))


def default_allowed_local_dirs(base: Path) -> list[str]:
    """What test servers let requests name as local paths: pytest's temp
    root (every tmp_path), the system temp dir and the repository (examples/)."""
    import tempfile
    return [str(base.parent.resolve()), str(Path(tempfile.gettempdir()).resolve()), str(REPO)]


def parse_exports(text: str) -> dict:
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("export "):
            continue
        key, _, val = line[len("export "):].partition("=")
        parts = shlex.split(val) if val else [""]
        out[key.strip()] = parts[0] if parts else ""
    return out


def _cleanup_all_servers():
    for s in _ALL_SERVERS:
        if s.proc is not None and s.proc.poll() is None:
            s.proc.kill()
        kill_pids(pid for pid, _ in processes_referencing(s.data_dir))



atexit.register(_cleanup_all_servers)
