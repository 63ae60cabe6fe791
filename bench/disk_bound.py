#!/usr/bin/env python3
"""Disk use after many runs with dependencies: bounded by the artifact
cache's limit plus the live runs (issue #13).

One server with a small `artifact_cache_bytes`; `--runs` jobs in a row,
each with its own archive (`--archives s3://...#env`, 4 MB that does not
compress) and the same `--py-files`, so the cache fills, evicts and reuses.
After each run ends, the script measures what the server keeps under its
data dir (bytes actually allocated, hard links counted once): the work dirs
(live attempts; the trash while it is emptied), the cache, and the ended
runs' history and managed logs (which `run_history_days` bounds over time).
It prints the largest work and cache figures seen, and the last row; it
fails if the cache ever exceeds its limit or a work dir outlives its run.

Usage (after `cargo build -p sparkplane-cli`):
  .venv/bin/python bench/disk_bound.py [--runs 20] [--cache-mb 12]
"""
import argparse
import io
import os
import shutil
import tarfile
import tempfile
import time
from pathlib import Path

import boto3

from common import run_timed, start_server

JOB = b'''
import os, sys
from pyspark.sql import SparkSession
import helper
print("ARCHIVE", sorted(os.listdir("env")), helper.TAG, SparkSession.builder.getOrCreate().range(10).count(), flush=True)
'''


def archive(seed: int, size: int) -> bytes:
    data = os.urandom(size)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo(f"data-{seed}.bin")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def allocated(root: Path) -> int:
    """Bytes allocated under `root`, each inode once (links into the cache
    are not counted twice)."""
    seen, total = set(), 0
    for dirpath, _, files in os.walk(root):
        for name in files:
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except FileNotFoundError:
                continue
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_blocks * 512
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--cache-mb", type=int, default=12)
    parser.add_argument("--archive-mb", type=int, default=4)
    args = parser.parse_args()
    limit = args.cache_mb << 20
    base = Path(tempfile.mkdtemp(prefix="sparkplane-disk-"))
    proc, client = start_server(base, env={"SPARKPLANE_ARTIFACT_CACHE_BYTES": str(limit)})
    data = proc.data_dir
    rows, worst_work, worst_cache = [], 0, 0
    try:
        s3 = boto3.client("s3", endpoint_url=proc.s3_endpoint, region_name="us-east-1",
                          aws_access_key_id=proc.keys["AWS_ACCESS_KEY_ID"],
                          aws_secret_access_key=proc.keys["AWS_SECRET_ACCESS_KEY"])
        s3.create_bucket(Bucket="disk")
        s3.put_object(Bucket="disk", Key="code/job.py", Body=JOB)
        s3.put_object(Bucket="disk", Key="deps/helper.py", Body=b"TAG = 'helper'\n")
        app = client.create_application(name="disk-bound", type="SPARK", releaseLabel="emr-7.9.0")["applicationId"]
        client.start_application(applicationId=app)
        for i in range(args.runs):
            s3.put_object(Bucket="disk", Key=f"deps/env-{i}.tar.gz", Body=archive(i, args.archive_mb << 20))
            params = f"--archives s3://disk/deps/env-{i}.tar.gz#env --py-files s3://disk/deps/helper.py"
            driver = {"sparkSubmit": {"entryPoint": "s3://disk/code/job.py", "sparkSubmitParameters": params}}
            run_timed(client, app, 0.25, jobDriver=driver)
            # The work dir goes once the attempt retires (after its logs are
            # shipped): a bounded wait for it.
            deadline = time.monotonic() + 60
            while allocated(data / "work") > 0 and time.monotonic() < deadline:
                time.sleep(0.2)
            row = {name: allocated(data / name) for name in ("work", "trash", "cache", "history", "logs")}
            worst_work = max(worst_work, row["work"] + row["trash"])
            worst_cache = max(worst_cache, row["cache"])
            rows.append(row)
            print(i + 1, {k: f"{v / 2**20:.1f} MB" for k, v in row.items()}, flush=True)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        shutil.rmtree(base, ignore_errors=True)
    last = rows[-1]
    mb = lambda b: f"{b / 2**20:.1f} MB"  # noqa: E731
    print(f"| runs | cache limit | max cache | max work + trash after a run | history + logs after {len(rows)} |")
    print("|---|---|---|---|---|")
    print(f"| {len(rows)} | {mb(limit)} | {mb(worst_cache)} | {mb(worst_work)} "
          f"| {mb(last['history'] + last['logs'])} |")
    if worst_cache > limit:
        raise SystemExit(f"the cache grew to {mb(worst_cache)}, over its limit {mb(limit)}")
    if worst_work > 0:
        raise SystemExit(f"work dirs outlived their runs: {mb(worst_work)}")


if __name__ == "__main__":
    main()
