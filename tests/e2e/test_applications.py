"""Application lifecycle through boto3 and the aws CLI."""
import datetime as dt
import json
import re
import uuid

from botocore.exceptions import ClientError

from conftest import (
    ACCOUNT,
    API_TIMEOUT,
    APP_ID_RE,
    JOB_TIMEOUT,
    REGION,
    RELEASE,
    create_app,
    expect_client_error,
    unique,
    utc_now,
    wait_for_app_state,
    wait_until,
)

ARN_RE = re.compile(rf"^arn:aws:emr-serverless:{REGION}:{ACCOUNT}:/applications/([0-9a-z]+)$")
SUMMARY_KEYS = {"id", "arn", "releaseLabel", "type", "state", "createdAt", "updatedAt"}


def _assert_recent(ts, before, after, slack=5):
    assert isinstance(ts, dt.datetime), f"{ts!r} is not a datetime"
    assert ts.tzinfo is not None
    assert before - dt.timedelta(seconds=slack) <= ts <= after + dt.timedelta(seconds=slack), (ts, before, after)


# --------------------------------------------------------------------------- boto3


def test_create_and_get_application_fields(client, release_label):
    name = unique("fields")
    before = utc_now()
    resp = client.create_application(name=name, releaseLabel=release_label, type="SPARK")
    after = utc_now()
    app_id = resp["applicationId"]
    assert APP_ID_RE.match(app_id), app_id
    assert resp["name"] == name
    m = ARN_RE.match(resp["arn"])
    assert m and m.group(1) == app_id, resp["arn"]

    app = wait_for_app_state(client, app_id, {"CREATED"})
    assert app["applicationId"] == app_id
    assert "id" not in app, "full Application objects use applicationId, not id"
    assert app["arn"] == resp["arn"]
    assert app["name"] == name
    assert app["releaseLabel"] == release_label
    assert app["type"].upper() == "SPARK"
    _assert_recent(app["createdAt"], before, after)
    assert isinstance(app["updatedAt"], dt.datetime)
    assert app["updatedAt"] >= app["createdAt"]


def test_create_application_defaults_match_aws(client):
    app_id = create_app(client)["applicationId"]
    app = client.get_application(applicationId=app_id)["application"]
    # AWS defaults: auto-start on, auto-stop after 15 idle minutes, x86_64
    assert app.get("autoStartConfiguration") == {"enabled": True}, app.get("autoStartConfiguration")
    assert app.get("autoStopConfiguration") == {"enabled": True, "idleTimeoutMinutes": 15}, \
        app.get("autoStopConfiguration")
    assert app.get("architecture") == "X86_64"


def test_create_application_echoes_configuration(client):
    cfg = dict(
        initialCapacity={
            "DRIVER": {"workerCount": 1, "workerConfiguration": {"cpu": "2 vCPU", "memory": "4 GB"}},
            "EXECUTOR": {"workerCount": 2, "workerConfiguration": {"cpu": "2 vCPU", "memory": "4 GB",
                                                                   "disk": "20 GB"}},
        },
        maximumCapacity={"cpu": "8 vCPU", "memory": "32 GB", "disk": "100 GB"},
        autoStartConfiguration={"enabled": False},
        autoStopConfiguration={"enabled": True, "idleTimeoutMinutes": 5},
        architecture="X86_64",
        runtimeConfiguration=[
            {"classification": "spark-defaults", "properties": {"spark.sql.shuffle.partitions": "4"}}
        ],
    )
    app_id = create_app(client, **cfg)["applicationId"]
    app = client.get_application(applicationId=app_id)["application"]
    assert app["initialCapacity"] == cfg["initialCapacity"]
    assert app["maximumCapacity"] == cfg["maximumCapacity"]
    assert app["autoStartConfiguration"] == {"enabled": False}
    assert app["autoStopConfiguration"] == {"enabled": True, "idleTimeoutMinutes": 5}
    assert app["architecture"] == "X86_64"
    assert app["runtimeConfiguration"] == cfg["runtimeConfiguration"]


def test_client_token_is_idempotent(client):
    token = uuid.uuid4().hex
    name = unique("idem")
    first = client.create_application(name=name, releaseLabel="emr-7.0.0", type="SPARK", clientToken=token)
    second = client.create_application(name=name, releaseLabel="emr-7.0.0", type="SPARK", clientToken=token)
    assert first["applicationId"] == second["applicationId"]
    assert first["arn"] == second["arn"]
    other = client.create_application(name=name, releaseLabel="emr-7.0.0", type="SPARK",
                                      clientToken=uuid.uuid4().hex)
    assert other["applicationId"] != first["applicationId"]
    ids = [a["id"] for a in _list_all(client) if a.get("name") == name]
    assert sorted(ids) == sorted({first["applicationId"], other["applicationId"]}), \
        "a repeated clientToken must not create a second application"


def _list_all(client, page_size=None, **kw):
    out, token, pages = [], None, 0
    while True:
        params = dict(kw)
        if page_size:
            params["maxResults"] = page_size
        if token:
            params["nextToken"] = token
        resp = client.list_applications(**params)
        if page_size:
            assert len(resp["applications"]) <= page_size
        out.extend(resp["applications"])
        pages += 1
        token = resp.get("nextToken")
        if not token:
            return out
        assert pages < 500, "pagination does not terminate"


def test_list_applications_summaries(client):
    resp = create_app(client)
    apps = _list_all(client)
    mine = [a for a in apps if a["id"] == resp["applicationId"]]
    assert len(mine) == 1
    summary = mine[0]
    assert SUMMARY_KEYS <= summary.keys(), summary.keys()
    assert "applicationId" not in summary, "summaries use id, not applicationId"
    assert summary["arn"] == resp["arn"]
    assert summary["name"] == resp["name"]
    assert summary["state"] == "CREATED"
    assert isinstance(summary["createdAt"], dt.datetime)


def test_list_applications_pagination(client):
    prefix = unique("page")
    created = {create_app(client, name=f"{prefix}-{i}", wait=False)["applicationId"] for i in range(5)}
    first = client.list_applications(maxResults=2)
    assert len(first["applications"]) == 2
    assert first.get("nextToken"), "a full page with more results must carry nextToken"

    paged = _list_all(client, page_size=2)
    ids = [a["id"] for a in paged]
    assert len(ids) == len(set(ids)), "duplicate applications across pages"
    assert created <= set(ids), "some applications never showed up while paging"

    # paging by 2 must yield exactly what one big page yields
    big = {a["id"] for a in _list_all(client, page_size=50)}
    assert set(ids) == big


def test_list_applications_state_filter(client):
    created_id = create_app(client)["applicationId"]
    started_id = create_app(client)["applicationId"]
    client.start_application(applicationId=started_id)
    wait_for_app_state(client, started_id, {"STARTED"}, timeout=JOB_TIMEOUT)

    only_created = _list_all(client, states=["CREATED"])
    assert all(a["state"] == "CREATED" for a in only_created)
    ids = {a["id"] for a in only_created}
    assert created_id in ids and started_id not in ids

    only_started = {a["id"] for a in _list_all(client, states=["STARTED"])}
    assert started_id in only_started and created_id not in only_started

    both = {a["id"] for a in _list_all(client, states=["CREATED", "STARTED"])}
    assert {created_id, started_id} <= both

    client.stop_application(applicationId=started_id)
    wait_for_app_state(client, started_id, {"STOPPED"})


def test_start_and_stop_application(client):
    app_id = create_app(client)["applicationId"]
    seen = []
    assert client.start_application(applicationId=app_id)["ResponseMetadata"]["HTTPStatusCode"] == 200
    wait_for_app_state(client, app_id, {"STARTED"}, timeout=JOB_TIMEOUT, seen=seen)
    assert set(seen) <= {"CREATED", "STARTING", "STARTED"}, seen

    seen = []
    client.stop_application(applicationId=app_id)
    app = wait_for_app_state(client, app_id, {"STOPPED"}, seen=seen)
    assert set(seen) <= {"STARTED", "STOPPING", "STOPPED"}, seen
    assert app["updatedAt"] >= app["createdAt"]

    # a stopped application can be started again
    client.start_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STARTED"}, timeout=JOB_TIMEOUT)
    client.stop_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STOPPED"})


def test_update_application(client, supported_labels):
    resp = create_app(client, maximumCapacity={"cpu": "4 vCPU", "memory": "16 GB"})
    app_id = resp["applicationId"]
    before = client.get_application(applicationId=app_id)["application"]

    new_label = next((lb for lb in supported_labels if lb.startswith("emr-7.") and lb != before["releaseLabel"]),
                     None)
    update = dict(
        maximumCapacity={"cpu": "8 vCPU", "memory": "32 GB"},
        autoStopConfiguration={"enabled": True, "idleTimeoutMinutes": 30},
    )
    if new_label:
        update["releaseLabel"] = new_label
    updated = client.update_application(applicationId=app_id, **update)["application"]
    assert updated["applicationId"] == app_id
    assert updated["maximumCapacity"] == {"cpu": "8 vCPU", "memory": "32 GB"}
    assert updated["autoStopConfiguration"] == {"enabled": True, "idleTimeoutMinutes": 30}
    assert updated["updatedAt"] >= before["updatedAt"]
    assert updated["createdAt"] == before["createdAt"]
    assert updated["name"] == before["name"], "fields not in the update must be kept"

    got = client.get_application(applicationId=app_id)["application"]
    assert got["maximumCapacity"] == updated["maximumCapacity"]
    assert got["autoStopConfiguration"] == updated["autoStopConfiguration"]
    if new_label:
        assert got["releaseLabel"] == new_label
    assert got["state"] == "CREATED"


def test_update_stopped_application(client):
    app_id = create_app(client)["applicationId"]
    client.start_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STARTED"}, timeout=JOB_TIMEOUT)
    client.stop_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STOPPED"})
    app = client.update_application(applicationId=app_id,
                                    autoStartConfiguration={"enabled": False})["application"]
    assert app["autoStartConfiguration"] == {"enabled": False}
    assert app["state"] == "STOPPED"


IMAGE_REFUSED = "this server has no container engine to run images with"


def test_custom_images_are_refused_without_a_container_engine(make_server):
    # A server with no podman (here: turned off) cannot run an image, so an
    # image is refused with the reason rather than accepted and dropped (a
    # job relying on the image's packages would fail much later).
    server = make_server(extra_env={"SPARKPLANE_CONTAINER_ENGINE": "none"})
    server.start()
    assert "custom images are off (container_engine = none)" in server.log_path.read_text()
    client = server.client()
    name = unique("image")
    image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/emr-serverless/numpy:latest"
    for settings, field in [
        (dict(imageConfiguration={"imageUri": image}),
         "imageConfiguration"),
        (dict(workerTypeSpecifications={"Driver": {}, "Executor": {"imageConfiguration": {"imageUri": image}}}),
         "workerTypeSpecifications.Executor.imageConfiguration"),
    ]:
        expect_client_error(lambda: client.create_application(name=name, releaseLabel=RELEASE, type="SPARK",
                                                              **settings),
                            400, "ValidationException", field, IMAGE_REFUSED, "podman")
    assert not [a for a in client.list_applications()["applications"] if a.get("name") == name]
    # A worker type without an image names nothing to refuse.
    create_app(client, workerTypeSpecifications={"Driver": {}})

    app_id = create_app(client)["applicationId"]
    expect_client_error(lambda: client.update_application(applicationId=app_id,
                                                          imageConfiguration={"imageUri": image}),
                        400, "ValidationException", IMAGE_REFUSED)
    assert client.get_application(applicationId=app_id)["application"].get("imageConfiguration") is None


def test_delete_application(client):
    prefix = unique("del")
    app_id = create_app(client, name=prefix)["applicationId"]
    assert client.delete_application(applicationId=app_id)["ResponseMetadata"]["HTTPStatusCode"] == 200

    # AWS keeps deleted applications visible as TERMINATED for a while; a 404 is acceptable too
    def gone():
        try:
            return client.get_application(applicationId=app_id)["application"]["state"] == "TERMINATED"
        except ClientError as exc:
            assert exc.response["Error"]["Code"] == "ResourceNotFoundException", exc.response
            return True

    wait_until(gone, API_TIMEOUT, "deleted application to be TERMINATED or gone")
    live = {a["id"] for a in _list_all(client, states=["CREATING", "CREATED", "STARTING", "STARTED",
                                                          "STOPPING", "STOPPED"])}
    assert app_id not in live


# --------------------------------------------------------------------------- aws CLI


def test_cli_application_lifecycle(server, client):
    name = unique("cli")
    created = server.aws("emr-serverless", "create-application", "--name", name,
                         "--release-label", "emr-7.0.0", "--type", "SPARK",
                         "--tags", "team=data,env=test")
    app_id = created["applicationId"]
    assert APP_ID_RE.match(app_id)
    assert ARN_RE.match(created["arn"])
    assert created["name"] == name
    wait_for_app_state(client, app_id, {"CREATED"})

    got = server.aws("emr-serverless", "get-application", "--application-id", app_id)["application"]
    assert got["applicationId"] == app_id
    assert got["name"] == name
    assert got["releaseLabel"] == "emr-7.0.0"
    assert got["state"] == "CREATED"
    assert got["tags"] == {"team": "data", "env": "test"}
    # aws CLI v1 prints timestamps as received (epoch seconds); v2 as ISO 8601
    created_at = got["createdAt"]
    assert isinstance(created_at, (int, float)) or re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", created_at), \
        created_at

    listed = server.aws("emr-serverless", "list-applications", "--states", "CREATED")["applications"]
    assert app_id in {a["id"] for a in listed}
    assert all(a["state"] == "CREATED" for a in listed)

    updated = server.aws("emr-serverless", "update-application", "--application-id", app_id,
                         "--maximum-capacity", "cpu=8vCPU,memory=32GB")["application"]
    assert updated["maximumCapacity"]["cpu"] == "8vCPU"
    assert updated["maximumCapacity"]["memory"] == "32GB"

    server.aws("emr-serverless", "start-application", "--application-id", app_id)
    wait_for_app_state(client, app_id, {"STARTED"}, timeout=JOB_TIMEOUT)
    started = server.aws("emr-serverless", "list-applications", "--states", "STARTED")["applications"]
    assert app_id in {a["id"] for a in started}

    server.aws("emr-serverless", "stop-application", "--application-id", app_id)
    wait_for_app_state(client, app_id, {"STOPPED"})

    server.aws("emr-serverless", "delete-application", "--application-id", app_id)

    def gone():
        cp = server.aws_cp("emr-serverless", "get-application", "--application-id", app_id)
        if cp.returncode != 0:
            assert "ResourceNotFoundException" in cp.stderr, cp.stderr
            return True
        return json.loads(cp.stdout)["application"]["state"] == "TERMINATED"

    wait_until(gone, API_TIMEOUT, "application deleted via CLI")


def test_cli_client_token_idempotent(server):
    token = uuid.uuid4().hex
    args = ("emr-serverless", "create-application", "--name", unique("cli-idem"), "--release-label",
            "emr-7.0.0", "--type", "SPARK", "--client-token", token)
    assert server.aws(*args)["applicationId"] == server.aws(*args)["applicationId"]


def test_cli_list_applications_pagination(server, client):
    prefix = unique("clipage")
    created = {create_app(client, name=f"{prefix}-{i}", wait=False)["applicationId"] for i in range(3)}
    # --page-size makes the CLI follow nextToken with maxResults=1 requests
    apps = server.aws("emr-serverless", "list-applications", "--page-size", "1")["applications"]
    ids = [a["id"] for a in apps]
    assert len(ids) == len(set(ids))
    assert created <= set(ids)
    # --max-items truncates and hands back a resumable token
    first = server.aws("emr-serverless", "list-applications", "--max-items", "2", "--page-size", "2")
    assert len(first["applications"]) == 2
    assert first.get("NextToken")
    rest = server.aws("emr-serverless", "list-applications", "--page-size", "2",
                      "--starting-token", first["NextToken"])["applications"]
    resumed = [a["id"] for a in first["applications"]] + [a["id"] for a in rest]
    assert set(resumed) == set(ids), "resuming from the CLI's NextToken must yield the rest"
    assert len(resumed) == len(set(resumed))
