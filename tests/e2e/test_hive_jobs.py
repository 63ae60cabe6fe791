"""HIVE job runs on the DataFusion engine, driven through boto3 and the aws CLI.

One HIVE application and one bucket are shared; every test uploads its
scripts and data, submits, and checks the rows the job printed (read back
from the EMR log layout in S3) or the catalog it left behind.
"""
import gzip
import json
import textwrap

import pytest

from conftest import ROLE_ARN, unique, wait_for_app_state, wait_for_state
from helpers_s3 import s3_client

BUCKET = "hive-e2e"


@pytest.fixture(scope="module")
def hive(server, client):
    s3 = s3_client(server)
    s3.create_bucket(Bucket=BUCKET)
    app_id = client.create_application(name=unique("hive"), type="HIVE", releaseLabel="emr-7.9.0")["applicationId"]
    client.start_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STARTED"})
    return {"app": app_id, "s3": s3, "client": client}


def put(hive, key: str, text: str) -> str:
    hive["s3"].put_object(Bucket=BUCKET, Key=key, Body=textwrap.dedent(text).encode())
    return f"s3://{BUCKET}/{key}"


def run_hive(hive, query: str, init: str | None = None, parameters: str | None = None, hive_site=None) -> dict:
    name = unique("q")
    driver = {"query": put(hive, f"sql/{name}.sql", query)}
    if init is not None:
        driver["initQueryFile"] = put(hive, f"sql/{name}-init.sql", init)
    if parameters:
        driver["parameters"] = parameters
    overrides = {"monitoringConfiguration": {"s3MonitoringConfiguration": {"logUri": f"s3://{BUCKET}/logs/"}}}
    if hive_site:
        overrides["applicationConfiguration"] = [{"classification": "hive-site", "properties": hive_site}]
    client = hive["client"]
    job_id = client.start_job_run(applicationId=hive["app"], executionRoleArn=ROLE_ARN,
                                  jobDriver={"hive": driver}, configurationOverrides=overrides)["jobRunId"]
    wait_for_state(client, hive["app"], job_id, {"SUCCESS", "FAILED", "CANCELLED"}, timeout=120)
    run = client.get_job_run(applicationId=hive["app"], jobRunId=job_id)["jobRun"]
    run["stdout"] = read_log(hive, job_id, "stdout")
    return run


def read_log(hive, job_id: str, stream: str) -> str:
    key = f"logs/applications/{hive['app']}/jobs/{job_id}/HIVE_DRIVER/{stream}.gz"
    body = hive["s3"].get_object(Bucket=BUCKET, Key=key)["Body"].read()
    return gzip.decompress(body).decode()


def rows(run: dict) -> list[list[str]]:
    return [line.split("\t") for line in run["stdout"].splitlines() if line.strip()]


SALES_DDL = f"""
    CREATE EXTERNAL TABLE IF NOT EXISTS sales (id string, amount string)
    PARTITIONED BY (region string)
    ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
    STORED AS TEXTFILE
    LOCATION 's3://{BUCKET}/sales/'
    TBLPROPERTIES ('skip.header.line.count'='1');
    ALTER TABLE sales ADD IF NOT EXISTS
      PARTITION (region='east') LOCATION 's3://{BUCKET}/sales/region=east/'
      PARTITION (region='west') LOCATION 's3://{BUCKET}/sales/region=west/';
"""


@pytest.fixture(scope="module")
def sales(hive):
    """The partitioned OpenCSV `sales` table and its data. The DDL is
    idempotent, so tests may also run it themselves (as an init script)."""
    put(hive, "sales/region=east/part-0.csv", '"id","amount"\n"1","10"\n"2","20"\n')
    put(hive, "sales/region=west/part-0.csv", '"id","amount"\n"3","5"\n')
    return SALES_DDL


def test_partitioned_open_csv_table_with_init_script_and_partition_pruning(hive, sales):
    run = run_hive(hive, "SELECT region, sum(amount) FROM sales WHERE region = 'east' GROUP BY region;", init=sales)
    assert run["state"] == "SUCCESS", run["stateDetails"]
    assert rows(run) == [["east", "30.0"]] or rows(run) == [["east", "30"]]
    shown = run_hive(hive, "SHOW PARTITIONS sales;")
    assert rows(shown) == [["region=east"], ["region=west"]]


def catalog(server, *args: str, check: bool = True):
    return server.cli("catalog", *args, "--endpoint", server.endpoint, "--data-dir", str(server.data_dir),
                      check=check)


def test_catalog_commands_show_the_table_a_job_created(server, hive, sales):
    created = run_hive(hive, sales)
    assert created["state"] == "SUCCESS", created["stateDetails"]
    location = f"s3://{BUCKET}/sales"  # the catalog keeps locations without a trailing slash

    databases = [line.split("\t") for line in catalog(server, "databases").stdout.splitlines()]
    assert "default" in [row[0] for row in databases], databases

    tables = [line.split("\t") for line in catalog(server, "tables").stdout.splitlines()]
    assert ["sales", "EXTERNAL_TABLE", "TEXTFILE", location] in tables, tables
    listed = json.loads(catalog(server, "tables", "--database", "default", "--output", "json").stdout)["tables"]
    assert {"name": "sales", "partitionKeys": ["region"], "partitionCount": 2}.items() <= next(
        t for t in listed if t["name"] == "sales").items()

    table = json.loads(catalog(server, "describe", "default.sales", "--output", "json").stdout)["table"]
    assert [(c["name"], c["type"]) for c in table["columns"]] == [("id", "string"), ("amount", "string")]
    assert [(c["name"], c["type"]) for c in table["partitionKeys"]] == [("region", "string")]
    assert table["location"] == location
    assert table["tableType"] == "EXTERNAL_TABLE"
    assert table["storage"]["serdeLibrary"] == "org.apache.hadoop.hive.serde2.OpenCSVSerde"
    assert table["properties"]["skip.header.line.count"] == "1"

    described = catalog(server, "describe", "sales").stdout
    fields = {parts[0]: parts[1] for parts in (
        [cell.strip() for cell in line.split("\t")] for line in described.splitlines()) if len(parts) > 1}
    assert fields["id"] == "string" and fields["region"] == "string", described
    assert fields["Location:"] == location and fields["Table Type:"] == "EXTERNAL_TABLE", described
    assert "# Partition Information" in described

    partitions = [line.split("\t") for line in catalog(server, "partitions", "default.sales").stdout.splitlines()]
    assert partitions == [["region=east", f"{location}/region=east"], ["region=west", f"{location}/region=west"]]
    as_json = json.loads(catalog(server, "partitions", "sales", "--output", "json").stdout)["partitions"]
    assert [p["values"] for p in as_json] == [["east"], ["west"]]


def test_catalog_unknown_and_invalid_names_fail_with_the_reason(server, hive):
    missing = catalog(server, "describe", "default.no_such_table", check=False)
    assert missing.returncode != 0 and missing.stdout == ""
    assert "Table default.no_such_table does not exist (HTTP 404)" in missing.stderr, missing.stderr

    no_db = catalog(server, "tables", "--database", "no_such_db", check=False)
    assert no_db.returncode != 0
    assert "Database no_such_db does not exist (HTTP 404)" in no_db.stderr, no_db.stderr

    invalid = catalog(server, "partitions", "default.bad/name", check=False)
    assert invalid.returncode != 0
    assert "Invalid table name 'bad/name'" in invalid.stderr and "HTTP 400" in invalid.stderr, invalid.stderr


def test_cte_and_window_functions_exact_rows(hive):
    query = """
        WITH scores AS (
          SELECT * FROM (VALUES ('a', 'x', 3), ('a', 'y', 5), ('b', 'x', 4), ('b', 'y', 4)) AS t(team, player, pts)
        )
        SELECT team, player, pts,
               rank() OVER (PARTITION BY team ORDER BY pts DESC) AS rk,
               row_number() OVER (ORDER BY pts DESC, team, player) AS rn
        FROM scores ORDER BY rn;
    """
    run = run_hive(hive, query)
    assert run["state"] == "SUCCESS", run["stateDetails"]
    assert rows(run) == [
        ["a", "y", "5", "1", "1"],
        ["b", "x", "4", "1", "2"],
        ["b", "y", "4", "1", "3"],
        ["a", "x", "3", "2", "4"],
    ]


def test_hivevar_and_hiveconf_substitution_and_header(hive):
    query = "SELECT '${hivevar:greeting}' AS g, '${hiveconf:who}' AS w, ${n} + 1 AS n;"
    run = run_hive(hive, query, parameters="--hivevar greeting=hello --hiveconf who=world --hivevar n=41",
                   hive_site={"hive.cli.print.header": "true"})
    assert run["state"] == "SUCCESS", run["stateDetails"]
    assert rows(run) == [["g", "w", "n"], ["hello", "world", "42"]]


def test_insert_overwrite_then_read_back_and_table_shared_by_later_jobs(hive):
    table = unique("t").replace("-", "_")
    create = f"""
        CREATE TABLE {table} (k string, v int) STORED AS PARQUET;
        INSERT INTO TABLE {table} VALUES ('old', 1);
        INSERT OVERWRITE TABLE {table} SELECT 'new', 2;
    """
    first = run_hive(hive, create)
    assert first["state"] == "SUCCESS", first["stateDetails"]
    # A later job sees the table through the durable catalog.
    second = run_hive(hive, f"SELECT k, v FROM {table};")
    assert second["state"] == "SUCCESS", second["stateDetails"]
    assert rows(second) == [["new", "2"]]


def test_syntax_error_names_the_statement_and_line(hive):
    query = "SELECT 1;\n\n-- the next one is broken\nSELEC oops FROM nowhere;\n"
    run = run_hive(hive, query)
    assert run["state"] == "FAILED"
    assert "statement 2" in run["stateDetails"] and "line 4" in run["stateDetails"], run["stateDetails"]


def test_padded_numbers_cast_as_hive_does(hive):
    # NOAA GSOD-shaped quoted CSV: numbers are space-padded, missing ones are 9999.9*.
    hive["s3"].put_object(Bucket=BUCKET, Key="gsod/2024.csv",
                          Body=b'"STN","TEMP"\n"722950"," 81.5"\n"722951","9999.9*"\n"722952","  9.0"\n')
    query = f"""
        CREATE EXTERNAL TABLE IF NOT EXISTS gsod (stn string, temp string)
          ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
          LOCATION 's3://{BUCKET}/gsod/' TBLPROPERTIES ('skip.header.line.count'='1');
        SELECT stn, CAST(temp AS double) FROM gsod ORDER BY stn;
        SELECT count(*) FROM gsod WHERE temp > 50;
    """
    run = run_hive(hive, query)
    assert run["state"] == "SUCCESS", run["stateDetails"]
    assert rows(run) == [["722950", "81.5"], ["722951", "NULL"], ["722952", "9.0"], ["1"]]


def test_syntax_error_points_at_the_token(hive):
    query = "SELECT 1;\nSELECT stn, avg(temp)\n  FROM gsod GROUP BY stn year;\n"
    run = run_hive(hive, query)
    assert run["state"] == "FAILED"
    assert "statement 2, line 3:26" in run["stateDetails"], run["stateDetails"]
    assert "'year'" in run["stateDetails"], run["stateDetails"]


def test_analysis_error_points_at_the_token_it_names(hive):
    # As Hive's "line 2:7 Invalid table alias or column reference": the
    # unknown column's own line and column in the query file.
    query = "SELECT 1;\nSELECT a, nosuch_col\n  FROM (SELECT 1 AS a) t;\n"
    run = run_hive(hive, query)
    assert run["state"] == "FAILED"
    assert "statement 2, line 2:11: " in run["stateDetails"], run["stateDetails"]
    assert "nosuch_col" in run["stateDetails"], run["stateDetails"]


def test_runtime_error_names_the_statement_and_line(hive):
    put(hive, "broken/part-0.parquet", "only text, not a parquet file\n")
    query = (f"CREATE EXTERNAL TABLE IF NOT EXISTS broken (k int) STORED AS PARQUET LOCATION 's3://{BUCKET}/broken/';\n"
             "SELECT 1;\n\nSELECT count(k) FROM broken;\n")
    run = run_hive(hive, query)
    assert run["state"] == "FAILED"
    assert "statement 3 (line 4)" in run["stateDetails"], run["stateDetails"]
    assert "Invalid Parquet file" in run["stateDetails"], run["stateDetails"]
    assert rows(run) == [["1"]]


def test_memory_limit_fails_the_query_cleanly(hive, server):
    data = "".join(f"{i},value-{i:08d}-{'x' * 40}\n" for i in range(200_000))
    hive["s3"].put_object(Bucket=BUCKET, Key="big/data.csv", Body=data.encode())
    init = f"""
        CREATE EXTERNAL TABLE IF NOT EXISTS big (id int, v string)
        ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
        LOCATION 's3://{BUCKET}/big/';
    """
    query = "SELECT v, count(*) FROM big GROUP BY v ORDER BY v DESC LIMIT 1;"
    ok = run_hive(hive, query, init=init)
    assert ok["state"] == "SUCCESS", ok["stateDetails"]
    assert rows(ok) == [[f"value-00199999-{'x' * 40}", "1"]]
    # The same query with a 2 MB pool: the statement fails, not the process.
    run = run_hive(hive, query, hive_site={"hive.driver.memory": "2m"})
    assert run["state"] == "FAILED"
    assert "Failed to allocate" in run["stateDetails"] or "Resources exhausted" in run["stateDetails"], run["stateDetails"]
    assert server.client().list_applications()["applications"]


def test_hive_job_with_the_aws_cli(server, hive):
    uri = put(hive, "sql/cli.sql", "SELECT upper('cli');\n")
    job = server.aws("emr-serverless", "start-job-run", "--application-id", hive["app"],
                     "--execution-role-arn", ROLE_ARN, "--job-driver", f'{{"hive": {{"query": "{uri}"}}}}')
    wait_for_state(hive["client"], hive["app"], job["jobRunId"], {"SUCCESS"}, timeout=120)
    run = server.aws("emr-serverless", "get-job-run", "--application-id", hive["app"], "--job-run-id", job["jobRunId"])
    assert run["jobRun"]["jobDriver"]["hive"]["query"] == uri
    assert run["jobRun"]["totalResourceUtilization"]["vCPUHour"] > 0
