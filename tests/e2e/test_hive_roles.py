"""HIVE jobs run with their execution role's permissions and nothing more.

The HIVE worker reaches s3:// through the embedded S3 endpoint and the
catalog through the API's metastore, both signed with credentials it fetches
with its attempt's token, so every read, write and catalog change is decided
by the role's policies narrowed by the run's executionIamPolicy. Its sandbox
holds neither the bucket directories nor the state store.

Without any S3 store, tables live on local paths, and the kernel confines
the worker to the warehouse and the allowed local dirs: a LOCATION on the
data dir, another run's work dir or /etc is denied.
"""
from __future__ import annotations

import json
import textwrap

import pytest

from conftest import ROLE_ARN, unique, wait_for_app_state, wait_for_state
from helpers_s3 import s3_client

@pytest.fixture(scope="module")
def env(server, client):
    root = s3_client(server)
    names = {kind: unique(kind) for kind in ("in", "out", "secret", "code")}
    for name in names.values():
        root.create_bucket(Bucket=name)
    for kind in ("in", "secret"):
        root.put_object(Bucket=names[kind], Key="data/part-0.csv", Body=b"city,n\nHouston,1\nChicago,2\n")
    bucket_arns = lambda kind: [f"arn:aws:s3:::{names[kind]}", f"arn:aws:s3:::{names[kind]}/*"]  # noqa: E731
    data = [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
         "Resource": bucket_arns("in") + bucket_arns("code")},
        {"Effect": "Allow", "Action": "s3:*", "Resource": bucket_arns("out")},
    ]
    role = server.create_job_role(unique("hive-role"), data + [{"Effect": "Allow", "Action": "glue:*", "Resource": "*"}])
    # Reads the catalog but may not change it.
    reader = server.create_job_role(unique("hive-reader"), data + [
        {"Effect": "Allow", "Action": ["glue:GetDatabase", "glue:GetTable", "glue:GetTables"], "Resource": "*"}])
    app = client.create_application(name=unique("hive-roles"), type="HIVE", releaseLabel="emr-7.9.0")["applicationId"]
    client.start_application(applicationId=app)
    wait_for_app_state(client, app, {"STARTED"})
    return {"names": names, "role": role, "reader": reader, "app": app, "client": client, "s3": root}


def run(env, query: str, role: str | None = None, **kw) -> dict:
    key = f"{unique('q')}.sql"
    env["s3"].put_object(Bucket=env["names"]["code"], Key=key, Body=textwrap.dedent(query).encode())
    client = env["client"]
    job = client.start_job_run(applicationId=env["app"], executionRoleArn=role or env["role"],
                               jobDriver={"hive": {"query": f"s3://{env['names']['code']}/{key}"}}, **kw)["jobRunId"]
    return wait_for_state(client, env["app"], job, {"SUCCESS", "FAILED", "CANCELLED"}, timeout=120)


def external(table: str, location: str, columns: str = "city STRING, n INT") -> str:
    return (f"CREATE EXTERNAL TABLE {table} ({columns}) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' "
            f"LOCATION '{location}' TBLPROPERTIES ('skip.header.line.count'='1');")


def denied(result: dict) -> str:
    assert result["state"] == "FAILED", result
    details = result.get("stateDetails", "")
    assert "403" in details or "AccessDenied" in details or "not authorized" in details, details
    return details


def test_the_job_reads_in_and_writes_out_as_its_role(env):
    n = env["names"]
    src, out = unique("src").replace("-", "_"), unique("res").replace("-", "_")
    result = run(env, f"""
        {external(src, f"s3://{n['in']}/data/")}
        CREATE EXTERNAL TABLE {out} (city STRING, n INT) STORED AS PARQUET LOCATION 's3://{n['out']}/public/{out}/';
        INSERT OVERWRITE TABLE {out} SELECT city, n FROM {src};
        SELECT count(*) FROM {out};
    """)
    assert result["state"] == "SUCCESS", result.get("stateDetails")
    listing = env["s3"].list_objects_v2(Bucket=n["out"], Prefix=f"public/{out}/")
    assert listing.get("KeyCount", 0) >= 1, listing


def test_reading_outside_the_role_is_denied(env):
    table = unique("sec").replace("-", "_")
    details = denied(run(env, f"""
        {external(table, f"s3://{env['names']['secret']}/data/")}
        SELECT count(*) FROM {table};
    """))
    assert env["names"]["secret"] in details or "403" in details, details


def test_writing_into_the_input_bucket_is_denied(env):
    table = unique("evil").replace("-", "_")
    denied(run(env, f"""
        {external(table, f"s3://{env['names']['in']}/evil/")}
        INSERT INTO {table} VALUES ('x', 1);
    """))
    objects = env["s3"].list_objects_v2(Bucket=env["names"]["in"], Prefix="evil/")
    assert objects.get("KeyCount", 0) == 0, "the denied write left nothing behind"


def test_execution_iam_policy_narrows_the_role(env):
    out = env["names"]["out"]
    narrowing = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:*", "glue:*"], "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{out}/private/*"}]})
    table = unique("priv").replace("-", "_")
    denied(run(env, f"""
        {external(table, f"s3://{out}/private/{table}/")}
        INSERT INTO {table} VALUES ('x', 1);
    """, executionIamPolicy={"policy": narrowing}))


def test_the_catalog_obeys_the_role(env):
    table = unique("nope").replace("-", "_")
    details = denied(run(env, external(table, f"s3://{env['names']['in']}/data/"), role=env["reader"]))
    assert "glue:CreateTable" in details, details


def test_without_s3_the_kernel_confines_locations(make_server, tmp_path_factory):
    """A server without any S3 store: HIVE tables live on local paths, and
    only the allowed local dir (outside the data dir) is open."""
    allowed = tmp_path_factory.mktemp("hive-local")
    srv = make_server(extra_args=["--s3-listen", "off"],
                      extra_env={"SPARKPLANE_ALLOWED_LOCAL_DIRS": str(allowed)}).start()
    client = srv.client()
    (allowed / "data").mkdir(parents=True)
    (allowed / "data" / "part-0.csv").write_text("city,n\nHouston,1\nChicago,2\n")
    app = client.create_application(name=unique("hive-local"), type="HIVE", releaseLabel="emr-7.9.0")["applicationId"]
    client.start_application(applicationId=app)
    wait_for_app_state(client, app, {"STARTED"})

    def local_run(query: str) -> dict:
        path = allowed / f"{unique('q')}.sql"
        path.write_text(textwrap.dedent(query))
        job = client.start_job_run(applicationId=app, executionRoleArn=ROLE_ARN,
                                   jobDriver={"hive": {"query": f"file://{path}"}})["jobRunId"]
        return wait_for_state(client, app, job, {"SUCCESS", "FAILED", "CANCELLED"}, timeout=120)

    ok = unique("ok").replace("-", "_")
    first = local_run(f"{external(ok, f'file://{allowed}/data/')}\nSELECT count(*) FROM {ok};")
    assert first["state"] == "SUCCESS", first.get("stateDetails")
    # The first run's own dir went with it; the application's stays.
    other_work = srv.data_dir / "work" / app
    assert other_work.is_dir(), other_work
    for label, location in [("data dir", srv.data_dir), ("another run's work dir", other_work),
                            ("/etc", "/etc")]:
        table = unique("probe").replace("-", "_")
        result = local_run(f"{external(table, f'file://{location}/', 'line STRING')}\nSELECT count(*) FROM {table};")
        assert result["state"] == "FAILED", f"{label}: {result}"
        assert "Permission denied" in result.get("stateDetails", ""), f"{label}: {result.get('stateDetails')}"

