#!/usr/bin/env python3
"""Throughput of the embedded S3 endpoint, against `cp` on the same disk.

Starts a sparkplane server (its own data dir and ports), writes one random
file (1 GiB by default) next to the data dir, and then, alternating for N
rounds so that every method sees the same machine state:
  cp       `cp SRC NEW` (a new file each time; no fsync)
  cp+sync  `cp SRC NEW && sync NEW` (cp plus an fsync of the new file, like the
           server's durable writes; for context)
  PUT      `aws s3 cp SRC s3://bench/obj` through the embedded endpoint
  GET      `aws s3 cp s3://bench/obj NEW`
and prints the medians, the throughput ratios endpoint / cp for PUT and GET,
and the CPU seconds the aws CLI and the server spent per PUT/GET (to tell
which side is the bottleneck).

Nothing is dropped from the page cache: the source file and the object are
read warm (the machine has far more RAM than the file), so the numbers are
about the write paths and the HTTP/SigV4/CLI overhead, not the disk's reads.

Usage (after `cargo build -p sparkplane-cli`):
  .venv/bin/python bench/s3_throughput.py [--size-mb 1024] [--rounds 3] [--work-dir DIR]
The work dir (default target/s3-bench) is deleted afterwards unless --keep.
"""
import argparse
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import BIN, TARGET, free_port, wait_until  # noqa: E402

AWS = os.environ.get("SPARKPLANE_TEST_AWS") or str(Path(sys.executable).parent / "aws")
MiB = 1024 * 1024


def run(cmd, env=None):
    cp = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if cp.returncode != 0:
        raise SystemExit(f"{shlex.join(cmd)} failed ({cp.returncode}):\n{cp.stderr}")
    return cp


CPU = {}  # method -> list of (client CPU s, server CPU s) per round


def proc_cpu(pid):
    """utime + stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(cmd, env=None, label=None, server_pid=None):
    """Wall seconds of ``cmd``; with ``label`` also records its CPU and the server's."""
    before = os.times()
    s0 = proc_cpu(server_pid) if server_pid else 0.0
    t0 = time.perf_counter()
    run(cmd, env)
    wall = time.perf_counter() - t0
    after = os.times()
    if label:
        client = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        CPU.setdefault(label, []).append((client, (proc_cpu(server_pid) - s0) if server_pid else 0.0))
    return wall


def parse_exports(text):
    out = {}
    for line in text.splitlines():
        if line.startswith("export "):
            key, _, val = line[len("export "):].partition("=")
            out[key] = shlex.split(val)[0]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--work-dir", type=Path, default=TARGET / "s3-bench")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if not BIN.exists():
        raise SystemExit(f"no sparkplane binary at {BIN} (cargo build -p sparkplane-cli, or set SPARKPLANE_BIN)")

    work = args.work_dir.resolve()
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    data_dir, src = work / "data", work / "src.bin"
    api_port, s3_port = free_port(), free_port()
    endpoint = f"http://127.0.0.1:{s3_port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SPARKPLANE_"))}
    env["SPARKPLANE_RUNTIME_DIR"] = str(work / "runtimes")  # never used: no jobs run

    server_log = open(work / "server.log", "wb")
    server = subprocess.Popen([str(BIN), "server", "--listen", f"127.0.0.1:{api_port}", "--s3-listen",
                               f"127.0.0.1:{s3_port}", "--data-dir", str(data_dir)],
                              stdout=server_log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                              start_new_session=True)
    try:
        def healthy():
            try:
                return urllib.request.urlopen(f"http://127.0.0.1:{api_port}/health", timeout=2).status == 200
            except OSError:
                return False

        wait_until(healthy, 60, "the server")
        creds = parse_exports(run([str(BIN), "credentials", "--data-dir", str(data_dir)], env).stdout)
        aws_env = dict(env, AWS_ACCESS_KEY_ID=creds["AWS_ACCESS_KEY_ID"],
                       AWS_SECRET_ACCESS_KEY=creds["AWS_SECRET_ACCESS_KEY"], AWS_DEFAULT_REGION="us-east-1",
                       AWS_CONFIG_FILE=str(work / "no-config"), AWS_SHARED_CREDENTIALS_FILE=str(work / "no-creds"),
                       AWS_PAGER="")
        aws = [AWS, "--endpoint-url", endpoint]

        print(f"writing {args.size_mb} MiB of random bytes to {src} ...", flush=True)
        with open(src, "wb") as fh:
            for _ in range(args.size_mb // 4):
                fh.write(os.urandom(4 * MiB))
            fh.write(os.urandom((args.size_mb % 4) * MiB))
            fh.flush()
            os.fsync(fh.fileno())
        size = src.stat().st_size
        run(aws + ["s3", "mb", "s3://bench"], aws_env)
        obj = data_dir / "s3" / "bench" / "obj.bin"

        times = {"cp": [], "cp+sync": [], "PUT": [], "GET": []}
        for i in range(1, args.rounds + 1):
            dst = work / "copy.bin"
            times["cp"].append(timed(["cp", str(src), str(dst)]))
            dst.unlink()
            times["cp+sync"].append(timed(["sh", "-c", 'cp "$1" "$2" && sync "$2"', "sh", str(src), str(dst)]))
            dst.unlink()
            times["PUT"].append(timed(aws + ["s3", "cp", str(src), "s3://bench/obj.bin", "--only-show-errors"],
                                      aws_env, "PUT", server.pid))
            got = work / "get.bin"
            times["GET"].append(timed(aws + ["s3", "cp", "s3://bench/obj.bin", str(got), "--only-show-errors"],
                                      aws_env, "GET", server.pid))
            if i == 1:  # correctness, outside the timings
                run(["cmp", str(src), str(obj)])
                run(["cmp", str(src), str(got)])
            got.unlink()
            run(aws + ["s3", "rm", "s3://bench/obj.bin", "--only-show-errors"], aws_env)
            print(f"round {i}: " + "  ".join(f"{k} {v[-1]:.2f}s" for k, v in times.items()), flush=True)

        mb = size / MiB
        print(f"\n{mb:.0f} MiB, {args.rounds} rounds, medians (sparkplane {BIN}, aws {AWS}):")
        med = {k: statistics.median(v) for k, v in times.items()}
        for k, t in med.items():
            print(f"  {k:8s} {t:7.2f} s  {mb / t:8.1f} MiB/s   (rounds: {', '.join(f'{x:.2f}' for x in times[k])})")
        print(f"  PUT throughput / cp throughput      = {med['cp'] / med['PUT']:.3f}")
        print(f"  GET throughput / cp throughput      = {med['cp'] / med['GET']:.3f}")
        print(f"  PUT throughput / cp+sync throughput = {med['cp+sync'] / med['PUT']:.3f}")
        for k, rows in CPU.items():
            print(f"  {k} CPU seconds, median: aws CLI {statistics.median(r[0] for r in rows):.2f}, "
                  f"sparkplane server {statistics.median(r[1] for r in rows):.2f}")
        print("  (page cache not dropped: src and the object are read warm; the server fsyncs each object, "
              "plain cp does not)")
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
        server_log.close()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
