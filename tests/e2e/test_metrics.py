"""`/metrics`: the Prometheus exposition, parsed by Prometheus' own Python
parser, agrees with the API after a known workload.

Scraping takes the `metrics_token` bearer token, never SigV4; without the
token (or with a wrong one) it is refused, and a server without a token
serves no metrics at all.
"""
from __future__ import annotations

import textwrap

from prometheus_client.parser import text_string_to_metric_families

from conftest import ROLE_ARN, create_app, http, spark_job_driver, start_job, unique, wait_for_app_state, \
    wait_for_state, wait_until
from helpers_s3 import s3_client

TOKEN = "metrics-token-" + "0123456789abcdef"


def scrape(srv, token: str | None = TOKEN):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return http("GET", f"{srv.endpoint}/metrics", headers=headers)


def samples(srv) -> dict[tuple[str, tuple], float]:
    resp = scrape(srv)
    assert resp.status == 200, resp
    content_type = {k.lower(): v for k, v in resp.headers.items()}["content-type"]
    assert content_type.startswith("text/plain; version=0.0.4"), content_type
    out = {}
    for family in text_string_to_metric_families(resp.body.decode()):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def value(found: dict, name: str, **labels) -> float | None:
    return found.get((name, tuple(sorted(labels.items()))))


def test_metrics_are_off_without_a_token(server):
    resp = scrape(server)
    assert resp.status == 403
    assert b"metrics are off" in resp.body


def test_metrics_match_the_api_after_a_known_workload(make_server):
    srv = make_server(extra_env={"SPARKPLANE_METRICS_TOKEN": TOKEN}).start()
    assert scrape(srv, token=None).status == 403
    assert scrape(srv, token="not-the-token-at-all-0000").status == 403

    client = srv.client()
    s3 = s3_client(srv)
    bucket = unique("metrics")
    s3.create_bucket(Bucket=bucket)
    app = client.create_application(name=unique("metrics"), type="HIVE", releaseLabel="emr-7.9.0",
                                    maximumCapacity={"cpu": "8 vCPU", "memory": "32 GB"})["applicationId"]
    client.start_application(applicationId=app)
    wait_for_app_state(client, app, {"STARTED"})

    def run(query: str) -> str:
        key = f"sql/{unique('q')}.sql"
        s3.put_object(Bucket=bucket, Key=key, Body=textwrap.dedent(query).encode())
        job = client.start_job_run(applicationId=app, executionRoleArn=ROLE_ARN,
                                   jobDriver={"hive": {"query": f"s3://{bucket}/{key}"}})["jobRunId"]
        return wait_for_state(client, app, job, {"SUCCESS", "FAILED", "CANCELLED"}, timeout=120)["state"]

    assert [run("SELECT 1;"), run("SELECT 2;")] == ["SUCCESS", "SUCCESS"]
    assert run("SELECT no_such_column FROM no_such_table;") == "FAILED"

    found = samples(srv)
    listed = client.list_job_runs(applicationId=app)["jobRuns"]
    for state in ("SUCCESS", "FAILED"):
        expected = sum(1 for r in listed if r["state"] == state)
        assert value(found, "sparkplane_job_runs", application_id=app, state=state) == expected, state
    assert value(found, "sparkplane_job_runs_queued") == 0
    # Nothing runs now: nothing held, and the maximum is the application's.
    assert value(found, "sparkplane_application_vcpu_in_use", application_id=app) == 0
    assert value(found, "sparkplane_application_vcpu_maximum", application_id=app) == 8
    assert value(found, "sparkplane_application_memory_maximum_bytes", application_id=app) == 32 * 2**30
    # The API traffic above, by operation and status, with its latency.
    assert value(found, "sparkplane_api_requests_total", operation="StartJobRun", status="200") == 3
    assert value(found, "sparkplane_api_requests_total", operation="CreateApplication", status="200") == 1
    assert value(found, "sparkplane_api_request_duration_seconds_count", operation="StartJobRun") == 3
    assert value(found, "sparkplane_api_request_duration_seconds_bucket", operation="StartJobRun", le="+Inf") == 3

    # Every run ended, and each reached RUNNING first (a HIVE run is quick).
    runs = "sparkplane_job_run_duration_seconds"
    assert value(found, f"{runs}_count", state="SUCCESS") == 2
    assert value(found, f"{runs}_count", state="FAILED") == 1
    assert value(found, f"{runs}_bucket", state="SUCCESS", le="+Inf") == 2
    assert value(found, "sparkplane_job_run_submit_to_running_seconds_count") == 3
    assert 0 < value(found, f"{runs}_sum", state="SUCCESS") < 120

    # The S3 endpoint's traffic: the three query files went in by PutObject.
    puts = value(found, "sparkplane_s3_requests_total", operation="PutObject", status="200")
    assert puts is not None and puts >= 3, puts
    assert value(found, "sparkplane_s3_received_bytes_total", operation="PutObject", status="200") > 0
    s3.put_object(Bucket=bucket, Key="known.txt", Body=b"x" * 1000)
    assert s3.get_object(Bucket=bucket, Key="known.txt")["Body"].read() == b"x" * 1000
    after = samples(srv)
    for name, op in (("sparkplane_s3_received_bytes_total", "PutObject"), ("sparkplane_s3_sent_bytes_total", "GetObject")):
        grew = (value(after, name, operation=op, status="200") or 0) - (value(found, name, operation=op, status="200") or 0)
        assert grew >= 1000, (name, grew)
    assert value(after, "sparkplane_s3_requests_total", operation="PutObject", status="200") == puts + 1

    # Store calls are timed by operation: every run was created once.
    created = value(after, "sparkplane_store_operation_duration_seconds_count", operation="create_job_run")
    assert created == 3, created
    assert value(after, "sparkplane_store_operation_duration_seconds_bucket", operation="create_job_run",
                 le="+Inf") == 3

    # A refused request is counted under its operation too.
    unsigned = http("GET", f"{srv.endpoint}/applications/{app}")
    assert unsigned.status == 403
    found = samples(srv)
    assert value(found, "sparkplane_api_requests_total", operation="GetApplication", status="403") == 1


def test_capacity_in_use_follows_a_running_job(make_server):
    srv = make_server(extra_env={"SPARKPLANE_METRICS_TOKEN": TOKEN}).start()
    client = srv.client()
    local = srv.data_dir / "local"
    local.mkdir(parents=True, exist_ok=True)
    (local / "wait.py").write_text("import time\ntime.sleep(120)\n")
    app = create_app(client, name=unique("in-use"))["applicationId"]
    job = start_job(client, app, spark_job_driver(str(local / "wait.py")))
    wait_for_state(client, app, job, {"RUNNING"}, timeout=120)
    found = samples(srv)
    assert value(found, "sparkplane_job_runs", application_id=app, state="RUNNING") == 1
    held = value(found, "sparkplane_application_vcpu_in_use", application_id=app)
    assert held and held > 0, found
    assert value(found, "sparkplane_application_memory_in_use_bytes", application_id=app) > 0
    # The host's share and the driver's process and heap, as the planner counts them.
    assert value(found, "sparkplane_host_vcpu_in_use") >= held
    assert value(found, "sparkplane_engine_processes") >= 1
    assert value(found, "sparkplane_engine_heap_bytes") > 0
    assert value(found, "sparkplane_engine_processes_maximum") >= 1
    client.cancel_job_run(applicationId=app, jobRunId=job)
    wait_for_state(client, app, job, {"CANCELLED"}, timeout=120)
    wait_until(lambda: value(samples(srv), "sparkplane_application_vcpu_in_use", application_id=app) == 0, 30,
               "the cancelled run's capacity to be released")
    assert value(samples(srv), "sparkplane_engine_heap_bytes") == 0
