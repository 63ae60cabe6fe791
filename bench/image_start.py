#!/usr/bin/env python3
"""What running a job in a custom image costs: submit -> RUNNING and
submit -> SUCCESS of the same PySpark job on the host's runtime, in an image
from podman's local store, and in an image resolved through a registry.

The image is the e2e suite's (tests/e2e/test_images.py): Debian bookworm
with Java 17, Python and numpy, built by mmdebstrap once and cached under
~/.cache/sparkplane/test-images. The registry round runs Debian's
docker-registry on loopback; every run asks it for the tag's digest
(skopeo) and pulls by digest, which finds the layers already stored, so the
figure is the per-run resolution, not a first download. One server, one
application per variant, rounds interleaved; medians reported with their
ratio to the host variant. Needs podman, runc, skopeo, mmdebstrap and
docker-registry (scripts/containers.sh installs them as root).

Usage (after `cargo build -p sparkplane-cli`):
  .venv/bin/python bench/image_start.py [--rounds 3]
"""
import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import boto3

from common import free_port, run_timed, start_server, wait_until

ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
PACKAGES = "openjdk-17-jre-headless,python3-minimal,python3-numpy,procps"
MARKER = "sparkplane-test-image-v1"
JOB = b'''
from pyspark.sql import SparkSession
spark = SparkSession.builder.getOrCreate()
print("COUNT", spark.range(1000).count(), flush=True)
'''


def podman(*args: str) -> str:
    runtime = ["--runtime", shutil.which("runc")] if shutil.which("runc") else []
    return subprocess.run(["podman", *runtime, *args], check=True, capture_output=True, text=True).stdout


def image_rootfs() -> Path:
    """The e2e suite's cached rootfs, built here if it is not there yet."""
    cache = Path.home() / ".cache" / "sparkplane" / "test-images"
    cache.mkdir(parents=True, exist_ok=True)
    rootfs = cache / f"spark-numpy-bookworm-{MARKER}.tar"
    if not rootfs.exists():
        partial = rootfs.with_name(f"partial-{rootfs.name}")
        hook = f'mkdir -p "$1/opt/sparkplane" && echo {MARKER} > "$1/opt/sparkplane/marker"'
        subprocess.run(["mmdebstrap", "--variant=essential", f"--include={PACKAGES}", f"--customize-hook={hook}",
                        "bookworm", str(partial)], check=True, capture_output=True)
        partial.rename(rootfs)
    return rootfs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for tool in ("podman", "skopeo", "docker-registry"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed (scripts/containers.sh installs it)")
    local = "localhost/sparkplane-bench/spark-numpy:1"
    podman("import", "--change", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           str(image_rootfs()), local)
    local_uri = f"{ECR}/bench-local:1"
    podman("tag", local, local_uri)
    base = Path(tempfile.mkdtemp(prefix="sparkplane-image-bench-"))
    port = free_port()
    (base / "registry.yml").write_text(f"version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {base / 'registry'}\n"
                                       f"http:\n  addr: 127.0.0.1:{port}\n")
    registry = subprocess.Popen(["docker-registry", "serve", str(base / "registry.yml")],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc = None
    try:
        def answers():
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=2).status == 200
            except OSError:
                return False
        wait_until(answers, 60, "docker-registry")
        podman("push", "--tls-verify=false", local, f"127.0.0.1:{port}/bench-registry:1")
        # Images from the local store need no registry; the registry variant
        # runs on a second server that has one.
        proc, client = start_server(base)
        reg_base = base / "with-registry"
        reg_base.mkdir()
        reg_proc, reg_client = start_server(reg_base, env={"SPARKPLANE_IMAGE_REGISTRY": f"127.0.0.1:{port}",
                                                           "SPARKPLANE_IMAGE_REGISTRY_TLS": "false"})
        try:
            for server, c in ((proc, client), (reg_proc, reg_client)):
                s3 = boto3.client("s3", endpoint_url=server.s3_endpoint, region_name="us-east-1",
                                  aws_access_key_id=server.keys["AWS_ACCESS_KEY_ID"],
                                  aws_secret_access_key=server.keys["AWS_SECRET_ACCESS_KEY"])
                s3.create_bucket(Bucket="bench")
                s3.put_object(Bucket="bench", Key="job.py", Body=JOB)
            apps = {
                "host": (client, client.create_application(name="host", type="SPARK",
                                                           releaseLabel="emr-7.9.0")["applicationId"]),
                "image (local store)": (client, client.create_application(
                    name="local", type="SPARK", releaseLabel="emr-7.9.0",
                    imageConfiguration={"imageUri": local_uri})["applicationId"]),
                "image (registry)": (reg_client, reg_client.create_application(
                    name="registry", type="SPARK", releaseLabel="emr-7.9.0",
                    imageConfiguration={"imageUri": f"{ECR}/bench-registry:1"})["applicationId"]),
            }
            for c, app in apps.values():
                c.start_application(applicationId=app)
            driver = {"sparkSubmit": {"entryPoint": "s3://bench/job.py"}}
            times = {name: {"running": [], "success": []} for name in apps}
            # One unmeasured run each: the runtime's first start and the image's first container.
            for c, app in apps.values():
                run_timed(c, app, 0.05, jobDriver=driver)
            for round_no in range(args.rounds):
                for name, (c, app) in apps.items():
                    running, success = run_timed(c, app, 0.05, jobDriver=driver)
                    times[name]["running"].append(running)
                    times[name]["success"].append(success)
                    print(f"round {round_no + 1} {name}: RUNNING {running:.2f} s, SUCCESS {success:.2f} s", flush=True)
        finally:
            reg_proc.terminate()
            reg_proc.wait(timeout=60)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=60)
        registry.terminate()
        registry.wait(timeout=30)
        subprocess.run(["podman", "rmi", "-f", local, local_uri], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
    host = {k: statistics.median(v) for k, v in times["host"].items()}
    print("\n| variant | submit -> RUNNING (median) | ratio | submit -> SUCCESS (median) | ratio |")
    print("|---|---|---|---|---|")
    for name, t in times.items():
        running, success = statistics.median(t["running"]), statistics.median(t["success"])
        print(f"| {name} | {running:.2f} s | {running / host['running']:.2f}x | {success:.2f} s | "
              f"{success / host['success']:.2f}x |")


if __name__ == "__main__":
    sys.exit(main())
