"""Custom images: drivers and executors inside the application's OCI image.

EMR Serverless runs Spark in the image an application (or one of its worker
types) names in `imageConfiguration`, so a job finds the image's Python
packages without shipping a venv. Here the image is built in the test from
Debian packages of this machine's registry (mmdebstrap: Java, Python,
numpy, and a marker file no host has), pushed to a local `docker-registry`
that stands in for ECR, and run with podman.

What must hold:
- a job without archives imports numpy from the image, on the driver and
  on executor processes, and reads the image's marker;
- GetApplication and GetJobRun report the image with the digest the
  registry serves;
- a Driver worker-type image overrides the application's image;
- an unknown image fails the run with a stateDetails that names it;
- an image on a HIVE application, on a release before emr-6.9.0, or with
  pre-initialized drivers is a ValidationException (without a container
  engine too: test_applications.py);
- no container outlives its run.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

from conftest import create_app, managed_driver_log, spark_job_driver, start_job, unique, wait_for_state
from helpers_base import wait_for_app_state
from helpers_base import JOB_TIMEOUT, free_port, wait_until
from helpers_s3 import s3_client

ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
MARKER = "sparkplane-test-image-v1"
TOOLS = ("podman", "mmdebstrap", "docker-registry")
# Packages of the image: what EMR's base image has that a job here needs.
PACKAGES = "openjdk-17-jre-headless,python3-minimal,python3-numpy,procps"

JOB = r'''
import json, os, sys
import numpy
from pyspark.sql import SparkSession
from pyspark.sql.functions import udf

def where():
    marker = open("/opt/sparkplane/marker").read().strip() if os.path.exists("/opt/sparkplane/marker") else None
    return {"numpy": numpy.__file__, "python": sys.executable, "marker": marker, "pid": os.getpid(),
            "variant": os.environ.get("IMAGE_VARIANT")}

spark = SparkSession.builder.appName("image-numpy").getOrCreate()
print("DRIVER " + json.dumps(where()), flush=True)

@udf("string")
def probe(i):
    return json.dumps(dict(where(), sqrt=float(numpy.sqrt(16.0))))

for row in spark.range(0, 6, 1, 6).select(probe("id").alias("p")).collect():
    print("TASK " + row["p"], flush=True)
spark.stop()
'''
EXECUTOR_PROCESSES = (
    "--conf spark.driver.cores=1 --conf spark.executor.cores=1 "
    "--conf spark.dynamicAllocation.initialExecutors=1 --conf spark.dynamicAllocation.minExecutors=1 "
    "--conf spark.dynamicAllocation.maxExecutors=1"
)


def tools_or_skip():
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must install {missing} (scripts/containers.sh)")
        pytest.skip(f"not installed: {missing}")


def run(*cmd, timeout=900, **kw):
    done = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout, **kw)
    assert done.returncode == 0, f"{cmd}: {done.stderr[-2000:]}"
    return done.stdout


def podman(*args, **kw):
    runtime = ["--runtime", shutil.which("runc")] if shutil.which("runc") else []
    return run("podman", *runtime, *args, **kw)


@pytest.fixture(scope="module")
def local_image():
    """The test image in podman's local store, as `localhost/...:1`."""
    tools_or_skip()
    cache = Path.home() / ".cache" / "sparkplane" / "test-images"
    cache.mkdir(parents=True, exist_ok=True)
    rootfs = cache / f"spark-numpy-bookworm-{MARKER}.tar"
    if not rootfs.exists():
        # mmdebstrap picks the output format by the name's extension.
        partial = rootfs.with_name(f"partial-{rootfs.name}")
        hook = f'mkdir -p "$1/opt/sparkplane" && echo {MARKER} > "$1/opt/sparkplane/marker"'
        run("mmdebstrap", "--variant=essential", f"--include={PACKAGES}", f"--customize-hook={hook}",
            "bookworm", str(partial), timeout=1800)
        partial.rename(rootfs)
    local = f"localhost/sparkplane-test/{unique('spark-numpy')}:1"
    podman("import", "--change", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           str(rootfs), local)
    yield local
    subprocess.run(["podman", "rmi", "-f", local], capture_output=True)


@pytest.fixture(scope="module")
def registry(tmp_path_factory, local_image):
    """`127.0.0.1:PORT`, a docker-registry holding `spark-numpy:1`."""
    local = local_image
    base = tmp_path_factory.mktemp("registry")
    port = free_port()
    config = base / "config.yml"
    config.write_text(f"version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {base / 'data'}\n"
                      f"http:\n  addr: 127.0.0.1:{port}\n")
    log = open(base / "registry.log", "w")
    proc = subprocess.Popen(["docker-registry", "serve", str(config)], stdout=log, stderr=subprocess.STDOUT)
    try:
        def answers():
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=2).status == 200
            except OSError:
                return False
        wait_until(answers, 60, "docker-registry answering")
        podman("push", "--tls-verify=false", local, f"127.0.0.1:{port}/spark-numpy:1")
        yield f"127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def served_digest(registry: str, repo: str, tag: str) -> str:
    request = urllib.request.Request(f"http://{registry}/v2/{repo}/manifests/{tag}", method="HEAD", headers={
        "Accept": "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json"})
    return urllib.request.urlopen(request, timeout=10).headers["Docker-Content-Digest"]


@pytest.fixture(scope="module")
def image_server(make_server, registry):
    srv = make_server(extra_env={"SPARKPLANE_IMAGE_REGISTRY": registry, "SPARKPLANE_IMAGE_REGISTRY_TLS": "false"})
    srv.start()
    # The operator is told how images run and where they come from.
    log = srv.log_path.read_text()
    assert "custom images run with " in log and f"pulled from http://{registry} (digests from the registry" in log, log
    return srv


def containers_of(server) -> list[str]:
    out = podman("ps", "-a", "-q", "--filter", f"label=io.sparkplane.owner={server.data_dir}")
    return out.split()


def run_job(server, app_kw: dict, params: str | None = None) -> tuple[dict, str, dict]:
    client = server.client()
    s3 = s3_client(server)
    bucket = unique("images")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="image_job.py", Body=JOB.encode())
    app_id = create_app(client, name=unique("image"), **app_kw)["applicationId"]
    job_id = start_job(client, app_id, spark_job_driver(f"s3://{bucket}/image_job.py", params=params))
    run = wait_for_state(client, app_id, job_id, {"SUCCESS", "FAILED"}, timeout=JOB_TIMEOUT)
    stdout = managed_driver_log(server, app_id, job_id) if run["state"] == "SUCCESS" else ""
    app = client.get_application(applicationId=app_id)["application"]
    return run, stdout, app


def lines(stdout: str, prefix: str) -> list[dict]:
    return [json.loads(line[len(prefix):]) for line in stdout.splitlines() if line.startswith(prefix)]


@pytest.mark.spark
@pytest.mark.parametrize("executors", ["local", "processes"])
def test_a_job_imports_numpy_from_the_applications_image(image_server, registry, executors):
    uri = f"{ECR}/spark-numpy:1"
    params = EXECUTOR_PROCESSES if executors == "processes" else None
    run, stdout, app = run_job(image_server, {"imageConfiguration": {"imageUri": uri}}, params)
    assert run["state"] == "SUCCESS", run.get("stateDetails")
    driver = lines(stdout, "DRIVER ")
    tasks = lines(stdout, "TASK ")
    assert len(driver) == 1 and len(tasks) == 6, stdout[-3000:]
    for where in driver + tasks:
        assert where["marker"] == MARKER, where
        assert where["numpy"].startswith("/usr/lib/python3/dist-packages/numpy"), where
    assert all(task["sqrt"] == 4.0 for task in tasks)
    digest = served_digest(registry, "spark-numpy", "1")
    assert app["imageConfiguration"] == {"imageUri": uri, "resolvedImageDigest": digest}
    assert run["imageConfiguration"] == {"imageUri": uri, "resolvedImageDigest": digest}
    # Each container goes with its process: nothing of the run is left.
    wait_until(lambda: not containers_of(image_server), 30, "the run's containers removed")


@pytest.mark.spark
def test_a_driver_image_overrides_the_applications_and_an_unknown_image_fails_the_run(image_server, registry):
    good, unknown = f"{ECR}/spark-numpy:1", f"{ECR}/spark-numpy:no-such-tag"
    run, stdout, app = run_job(image_server, {
        "imageConfiguration": {"imageUri": unknown},
        "workerTypeSpecifications": {"Driver": {"imageConfiguration": {"imageUri": good}}},
    })
    assert run["state"] == "SUCCESS", run.get("stateDetails")
    assert lines(stdout, "DRIVER ")[0]["marker"] == MARKER
    driver_image = app["workerTypeSpecifications"]["Driver"]["imageConfiguration"]
    assert driver_image == {"imageUri": good, "resolvedImageDigest": served_digest(registry, "spark-numpy", "1")}
    # The application's own image was never needed: never resolved.
    assert app["imageConfiguration"] == {"imageUri": unknown}

    run, _, _ = run_job(image_server, {"imageConfiguration": {"imageUri": unknown}})
    assert run["state"] == "FAILED"
    details = run["stateDetails"]
    assert unknown in details and "could not be pulled" in details, details
    assert f"{registry}/spark-numpy:no-such-tag" in details, details


@pytest.mark.spark
def test_without_a_registry_images_come_from_the_local_store(make_server, local_image):
    # An operator's `podman load` + `podman tag IMAGE URI`: no registry needed.
    uri = f"{ECR}/{unique('local-numpy')}:1"
    podman("tag", local_image, uri)
    try:
        server = make_server()
        server.start()
        run, stdout, app = run_job(server, {"imageConfiguration": {"imageUri": uri}})
        assert run["state"] == "SUCCESS", run.get("stateDetails")
        assert lines(stdout, "DRIVER ")[0]["marker"] == MARKER
        assert app["imageConfiguration"]["resolvedImageDigest"].startswith("sha256:")
        # Not in the store: the run fails and says how to get it there.
        run, _, _ = run_job(server, {"imageConfiguration": {"imageUri": f"{ECR}/not-loaded:1"}})
        assert run["state"] == "FAILED"
        assert "is not in this host's image store" in run["stateDetails"], run["stateDetails"]
    finally:
        subprocess.run(["podman", "rmi", uri], capture_output=True)


@pytest.mark.spark
def test_an_application_level_digest_holds_from_start_to_stop(image_server, registry, local_image, tmp_path):
    # applicationLevelDigestResolution: the tag is resolved when the
    # application starts; a tag moved afterwards changes nothing until the
    # next start.
    def push_variant(name: str) -> str:
        variant = f"localhost/sparkplane-test/{unique('variant')}:1"
        podman("tag", local_image, f"{variant}-base")
        # A new image whose only difference is an environment variable the job prints.
        podman("build", "-t", variant, "-f", str(write_containerfile(
            tmp_path / name, f"FROM {variant}-base\nENV IMAGE_VARIANT={name}\n")), str(tmp_path / name))
        podman("push", "--tls-verify=false", variant, f"{registry}/spark-pinned:1")
        subprocess.run(["podman", "rmi", "-f", variant, f"{variant}-base"], capture_output=True)
        return served_digest(registry, "spark-pinned", "1")

    first = push_variant("first")
    uri = f"{ECR}/spark-pinned:1"
    client = image_server.client()
    s3 = s3_client(image_server)
    bucket = unique("pinned")
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="image_job.py", Body=JOB.encode())
    app_id = create_app(client, name=unique("pinned"),
                        imageConfiguration={"imageUri": uri, "applicationLevelDigestResolution": True})["applicationId"]
    client.start_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STARTED"}, timeout=JOB_TIMEOUT)
    image = client.get_application(applicationId=app_id)["application"]["imageConfiguration"]
    assert image == {"imageUri": uri, "resolvedImageDigest": first, "applicationLevelDigestResolution": True}

    second = push_variant("second")
    assert second != first

    def variant_of_a_run() -> str:
        job_id = start_job(client, app_id, spark_job_driver(f"s3://{bucket}/image_job.py"))
        run = wait_for_state(client, app_id, job_id, {"SUCCESS", "FAILED"}, timeout=JOB_TIMEOUT)
        assert run["state"] == "SUCCESS", run.get("stateDetails")
        return lines(managed_driver_log(image_server, app_id, job_id), "DRIVER ")[0]["variant"], run

    variant, run = variant_of_a_run()
    assert variant == "first" and run["imageConfiguration"]["resolvedImageDigest"] == first
    # A stop forgets the digest; the next start resolves the moved tag.
    client.stop_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STOPPED"})
    assert "resolvedImageDigest" not in client.get_application(applicationId=app_id)["application"]["imageConfiguration"]
    client.start_application(applicationId=app_id)
    wait_for_app_state(client, app_id, {"STARTED"}, timeout=JOB_TIMEOUT)
    variant, run = variant_of_a_run()
    assert variant == "second" and run["imageConfiguration"]["resolvedImageDigest"] == second


def write_containerfile(context: Path, text: str) -> Path:
    context.mkdir(parents=True, exist_ok=True)
    path = context / "Containerfile"
    path.write_text(text)
    return path


def refused(call, **kw) -> str:
    with pytest.raises(ClientError) as err:
        call(**kw)
    assert err.value.response["Error"]["Code"] == "ValidationException", err.value.response
    return err.value.response["Error"]["Message"]


def test_images_are_refused_where_they_cannot_run(image_server):
    client = image_server.client()
    image = {"imageUri": f"{ECR}/spark-numpy:1"}
    message = refused(client.create_application, name=unique("h"), releaseLabel="emr-7.1.0", type="HIVE",
                      imageConfiguration=image)
    assert "for SPARK applications" in message
    message = refused(client.create_application, name=unique("old"), releaseLabel="emr-6.8.0", type="SPARK",
                      imageConfiguration=image)
    assert "emr-6.9.0 or later" in message
    message = refused(client.create_application, name=unique("u"), releaseLabel="emr-7.1.0", type="SPARK",
                      imageConfiguration={"imageUri": "spark:latest"})
    assert "imageConfiguration.imageUri" in message
    message = refused(client.create_application, name=unique("w"), releaseLabel="emr-7.1.0", type="SPARK",
                      initialCapacity={"Driver": {"workerCount": 1, "workerConfiguration": {"cpu": "1 vCPU", "memory": "2 GB"}}},
                      imageConfiguration=image)
    assert "initialCapacity.Driver" in message
    # UpdateApplication with an empty imageConfiguration removes the image.
    app_id = create_app(client, name=unique("upd"), imageConfiguration=image)["applicationId"]
    shown = image_server.aws("emr-serverless", "get-application", "--application-id", app_id)
    assert shown["application"]["imageConfiguration"] == image
    client.update_application(applicationId=app_id, imageConfiguration={})
    assert "imageConfiguration" not in client.get_application(applicationId=app_id)["application"]
