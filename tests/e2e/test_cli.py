"""The sparkplane command line: credentials, logs, configuration via env vars and flags."""
import json
import subprocess

import pytest

from conftest import (
    AWS_CLI,
    BIN,
    ROLE_ARN,
    create_app,
    parse_exports,
    spark_job_driver,
    start_job,
    unique,
    wait_driver_log,
    wait_for_state,
)


def test_help_lists_subcommands(server):
    cp = server.cli("--help")
    for sub in ("server", "credentials", "logs"):
        assert sub in cp.stdout, cp.stdout


def test_credentials_output_evaluates_in_a_shell(server):
    script = (f'eval "$({BIN} credentials --data-dir {server.data_dir})" && '
              f'printf "%s\\n%s\\n" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY"')
    cp = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60, env=server._env())
    assert cp.returncode == 0, cp.stderr
    key, secret = cp.stdout.splitlines()[:2]
    assert key == server.access_key and secret == server.secret_key
    assert key and secret

    # and the evaluated variables drive the aws CLI
    script = (f'eval "$({BIN} credentials --data-dir {server.data_dir})" && '
              f'{AWS_CLI} emr-serverless list-applications --endpoint-url {server.endpoint} --output json')
    env = {k: v for k, v in server.aws_env().items() if k not in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")}
    env.update(SPARKPLANE_RUNTIME_DIR=server._env()["SPARKPLANE_RUNTIME_DIR"])
    cp = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert cp.returncode == 0, cp.stderr
    assert "applications" in json.loads(cp.stdout)


def test_credentials_lines_format(server):
    cp = server.cli("credentials", "--data-dir", str(server.data_dir))
    exports = [ln for ln in cp.stdout.splitlines() if ln.startswith("export ")]
    names = {ln.split("=", 1)[0][len("export "):] for ln in exports}
    assert {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} <= names, cp.stdout


def test_env_var_configuration(make_server):
    srv = make_server(use_env=True)
    srv.start()
    assert (srv.data_dir / "credentials").is_file(), "SPARKPLANE_DATA_DIR was not honoured"
    app = create_app(srv.client(), name=unique("envcfg"))
    assert app["applicationId"]
    srv.stop()


def test_region_and_account_flags(make_server, tmp_path):
    srv = make_server(extra_args=["--region", "eu-west-1", "--account-id", "111122223333"], region="eu-west-1")
    srv.start()
    c = srv.client()
    app = create_app(c)
    assert app["arn"] == f"arn:aws:emr-serverless:eu-west-1:111122223333:/applications/{app['applicationId']}"
    role = srv.iam().create_role(RoleName="R", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "emr-serverless.amazonaws.com"}}]}))
    assert role["Role"]["Arn"] == "arn:aws:iam::111122223333:role/R", "roles live in the server's account"
    resp = c.start_job_run(applicationId=app["applicationId"],
                           executionRoleArn="arn:aws:iam::111122223333:role/R",
                           jobDriver=spark_job_driver(str(tmp_path / "missing.py")))
    assert resp["arn"].startswith("arn:aws:emr-serverless:eu-west-1:111122223333:/applications/")
    # a request signed for us-east-1 does not authenticate against an eu-west-1 server
    assert srv.raw("GET", "/applications", region="us-east-1").status == 403
    wait_for_state(c, app["applicationId"], resp["jobRunId"], {"FAILED"})
    srv.stop()


@pytest.fixture(scope="module")
def hello_job(client, spark_app, tmp_path_factory):
    d = tmp_path_factory.mktemp("cli-hello")
    script = d / "hello.py"
    # Python's own stderr is merged into the driver stdout by spark-submit, so write the stderr
    # marker through the driver JVM's System.err, which is the driver's stderr however it is launched
    script.write_text(
        "from pyspark import SparkContext\n"
        "print('hello-stdout-2291', flush=True)\n"
        "sc = SparkContext.getOrCreate()\n"
        "sc._jvm.System.err.println('hello-stderr-2291')\n"
        "sc._jvm.System.err.flush()\n"
        "sc.stop()\n"
    )
    job = start_job(client, spark_app["id"], spark_job_driver(str(script)), log_dir=spark_app["log_dir"])
    wait_for_state(client, spark_app["id"], job, {"SUCCESS"})
    return spark_app["id"], job


@pytest.mark.spark
def test_logs_prints_stdout(server, hello_job):
    app_id, job = hello_job
    cp = server.cli("logs", app_id, job, "--endpoint", server.endpoint, "--data-dir", str(server.data_dir))
    assert "hello-stdout-2291" in cp.stdout
    assert "hello-stderr-2291" not in cp.stdout


@pytest.mark.spark
def test_logs_prints_stderr(server, hello_job):
    app_id, job = hello_job
    cp = server.cli("logs", app_id, job, "--stderr", "--endpoint", server.endpoint,
                    "--data-dir", str(server.data_dir))
    assert "hello-stderr-2291" in cp.stdout
    assert "hello-stdout-2291" not in cp.stdout


@pytest.mark.spark
def test_logs_follow_on_finished_job_exits(server, hello_job):
    app_id, job = hello_job
    cp = server.cli("logs", app_id, job, "-f", "--endpoint", server.endpoint, "--data-dir",
                    str(server.data_dir), timeout=60)
    assert "hello-stdout-2291" in cp.stdout


@pytest.mark.spark
def test_logs_match_log_uri(server, hello_job, spark_app):
    app_id, job = hello_job
    assert "hello-stdout-2291" in wait_driver_log(spark_app["log_dir"], app_id, job)
    assert "hello-stderr-2291" in wait_driver_log(spark_app["log_dir"], app_id, job, stream="stderr")


def test_logs_unknown_job_fails(server, client):
    app = create_app(client)["applicationId"]
    cp = server.cli("logs", app, "00nonexistent00", "--endpoint", server.endpoint,
                    "--data-dir", str(server.data_dir), check=False)
    assert cp.returncode != 0
    assert "00nonexistent00" in cp.stderr or "not found" in cp.stderr.lower(), cp.stderr


def test_credentials_in_env_alternative(server):
    cp = server.cli("credentials", env={"SPARKPLANE_DATA_DIR": str(server.data_dir)})
    assert parse_exports(cp.stdout)["AWS_ACCESS_KEY_ID"] == server.access_key


@pytest.mark.spark
def test_logs_without_log_uri_and_with_aws_env_credentials(server, client, spark_app, tmp_path):
    """`logs` must work for a run with no monitoringConfiguration, authenticating from AWS_* variables."""
    script = tmp_path / "plain_hello.py"
    script.write_text("print('no-log-uri-hello-6620', flush=True)\n")
    job = start_job(client, spark_app["id"], spark_job_driver(str(script)))
    wait_for_state(client, spark_app["id"], job, {"SUCCESS"})
    cp = server.cli("logs", spark_app["id"], job, "--endpoint", server.endpoint,
                    env={"AWS_ACCESS_KEY_ID": server.access_key, "AWS_SECRET_ACCESS_KEY": server.secret_key})
    assert "no-log-uri-hello-6620" in cp.stdout


def test_logs_with_wrong_credentials_fails(server, client):
    app = create_app(client)["applicationId"]
    cp = server.cli("logs", app, "00whatever00", "--endpoint", server.endpoint, check=False,
                    env={"AWS_ACCESS_KEY_ID": server.access_key, "AWS_SECRET_ACCESS_KEY": "x" * 40})
    assert cp.returncode != 0
    assert "signature" in cp.stderr.lower() or "InvalidSignature" in cp.stderr, cp.stderr


def test_apps_runs_and_cancel_agree_with_the_api(server, client, tmp_path):
    conn = ("--endpoint", server.endpoint, "--data-dir", str(server.data_dir))
    app = create_app(client, name=unique("cli-list"))["applicationId"]
    local = server.data_dir / "local"
    local.mkdir(parents=True, exist_ok=True)
    (local / "quick.py").write_text("print('quick', flush=True)\n")
    (local / "slow.py").write_text("import time\ntime.sleep(300)\n")
    done = start_job(client, app, spark_job_driver(str(local / "quick.py")))
    assert wait_for_state(client, app, done, {"SUCCESS", "FAILED"})["state"] == "SUCCESS"
    slow = start_job(client, app, spark_job_driver(str(local / "slow.py")))
    wait_for_state(client, app, slow, {"RUNNING"})

    listed = json.loads(server.cli("apps", "--output", "json", *conn).stdout)
    assert app in [a["id"] for a in listed]
    assert next(a for a in listed if a["id"] == app)["state"] == client.get_application(
        applicationId=app)["application"]["state"]
    table = server.cli("apps", *conn).stdout
    assert table.split("\n", 1)[0].split()[:3] == ["ID", "NAME", "TYPE"], table
    assert app in table

    runs = json.loads(server.cli("runs", app, "--output", "json", *conn).stdout)
    assert [r["id"] for r in runs] == [slow, done], "newest first"
    only = json.loads(server.cli("runs", app, "--state", "success", "--output", "json", *conn).stdout)
    assert [r["id"] for r in only] == [done]
    assert [r["id"] for r in json.loads(server.cli("runs", app, "--max", "1", "--output", "json",
                                                   *conn).stdout)] == [slow]
    text = server.cli("runs", app, *conn).stdout
    assert slow in text and "RUNNING" in text

    assert slow in server.cli("cancel", app, slow, *conn).stdout
    assert wait_for_state(client, app, slow, {"CANCELLED"})["state"] == "CANCELLED"
    # Cancelling an ended run is the API's ValidationException, reported.
    cp = server.cli("cancel", app, done, *conn, check=False)
    assert cp.returncode != 0 and "HTTP 400" in cp.stderr, cp.stderr
    cp = server.cli("cancel", app, "00nosuchrun00", *conn, check=False)
    assert cp.returncode != 0 and "HTTP 404" in cp.stderr, cp.stderr


def test_completions_are_generated_for_each_shell(server):
    bash = server.cli("completions", "bash").stdout
    assert "complete" in bash and "sparkplane" in bash and "runs" in bash
    assert "compdef" in server.cli("completions", "zsh").stdout
    assert server.cli("completions", "fish").stdout.count("complete -c sparkplane") > 5


RUN_JOB = """
import sys
from helper import GREETING
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
print(GREETING, sys.argv[1:], spark.range(1000).selectExpr("sum(id)").collect()[0][0], flush=True)
"""


def run_cli(server, *args, **kw):
    return server.cli("run", "--role", ROLE_ARN, "--s3-endpoint", server.s3_endpoint,
                      "--endpoint", server.endpoint, "--data-dir", str(server.data_dir), *args, check=False, **kw)


def test_run_uploads_a_local_script_and_reports_its_progress(server, client, tmp_path):
    (tmp_path / "job.py").write_text(RUN_JOB)
    (tmp_path / "helper.py").write_text("GREETING = 'hello-from-run-7781'\n")
    app_name = unique("run")
    cp = run_cli(server, str(tmp_path / "job.py"), "--app", app_name, "--py-files", str(tmp_path / "helper.py"),
                 "--conf", "spark.sql.shuffle.partitions=4", "--logs", "--", "a1", "a2", timeout=300)
    assert cp.returncode == 0, cp.stderr
    # The driver's stdout, streamed: the py-file was shipped, the arguments passed.
    assert "hello-from-run-7781 ['a1', 'a2'] 499500" in cp.stdout, cp.stdout
    # Without a terminal, progress comes as plain lines: states, then Spark's jobs.
    assert "state RUNNING" in cp.stderr and "SUCCESS after" in cp.stderr, cp.stderr
    assert "spark job 0: " in cp.stderr and " tasks" in cp.stderr, cp.stderr
    apps = [a for a in client.list_applications()["applications"] if a.get("name") == app_name]
    assert len(apps) == 1 and apps[0]["type"] == "SPARK"
    runs = client.list_job_runs(applicationId=apps[0]["id"])["jobRuns"]
    assert [r["state"] for r in runs] == ["SUCCESS"] and runs[0]["name"] == "job.py"
    driver = client.get_job_run(applicationId=apps[0]["id"], jobRunId=runs[0]["id"])["jobRun"]["jobDriver"]
    assert driver["sparkSubmit"]["entryPoint"].startswith("s3://sparkplane-runs/sparkplane-run/")
    assert "--conf spark.sql.shuffle.partitions=4" in driver["sparkSubmit"]["sparkSubmitParameters"]

    # The same application is reused by name; a failing script exits non-zero with its reason.
    (tmp_path / "fail.py").write_text("raise SystemExit('failing-on-purpose-3312')\n")
    cp = run_cli(server, str(tmp_path / "fail.py"), "--app", app_name, "--wait", timeout=300)
    assert cp.returncode == 1, cp.stderr
    assert "ended FAILED" in cp.stderr, cp.stderr
    assert len(client.list_job_runs(applicationId=apps[0]["id"])["jobRuns"]) == 2

    # Without --wait it prints the ids and leaves the run going.
    cp = run_cli(server, str(tmp_path / "fail.py"), "--app", apps[0]["id"])
    assert cp.returncode == 0, cp.stderr
    app_id, job_id = cp.stdout.split()
    assert app_id == apps[0]["id"]
    wait_for_state(client, app_id, job_id, {"FAILED"})


def test_run_takes_a_hive_script_and_shows_progress_bars_on_a_terminal(server, tmp_path):
    (tmp_path / "q.sql").write_text("SELECT '${hiveconf:who}', 40 + 2;\n-- the second\nSELECT 7 AS seven;\n")
    cp = run_cli(server, str(tmp_path / "q.sql"), "--app", unique("run-hive"), "--conf", "who=bars", "--logs",
                 timeout=300)
    assert cp.returncode == 0, cp.stderr
    assert "bars\t42" in cp.stdout and "7" in cp.stdout, cp.stdout
    # Its progress is its statements, each once, in order.
    assert "hive statement 1/2 done: SELECT '${hiveconf:who}', 40 + 2" in cp.stderr, cp.stderr
    assert cp.stderr.count("hive statement 2/2 done: SELECT 7 AS seven") == 1, cp.stderr
    # Under a pseudo-terminal the progress is drawn (indicatif), and the exit status is the run's.
    (tmp_path / "job.py").write_text(RUN_JOB)
    (tmp_path / "helper.py").write_text("GREETING = 'tty'\n")
    command = " ".join([str(BIN), "run", str(tmp_path / "job.py"), "--py-files", str(tmp_path / "helper.py"),
                        "--app", unique("run-tty"), "--role", ROLE_ARN, "--s3-endpoint", server.s3_endpoint,
                        "--endpoint", server.endpoint, "--data-dir", str(server.data_dir), "--wait"])
    tty = subprocess.run(["script", "-qec", command, "/dev/null"], capture_output=True, text=True, timeout=300,
                         env=server._env())
    assert tty.returncode == 0, tty.stdout
    assert "SUCCESS" in tty.stdout and "tasks" in tty.stdout, tty.stdout
    assert "state RUNNING" not in tty.stdout, "a terminal gets bars, not lines"
