"""What authorization costs per request, on the API and on the S3 endpoint.

The root key skips policy evaluation (it may do everything); an IAM user's
request is resolved to its caller, mapped to its action and resource (for
the API, with the resource's tags read from the store) and evaluated
against its policies. So the same request signed by the root (baseline) and
by a user (authorized) differ by exactly the authorization path. Each round
sends N requests of each kind, interleaved, over one kept-alive connection
per kind, signing every request with botocore's SigV4 signer; the table
reports the median per-request time of each and their ratio, and the
difference in microseconds.

The user holds the getting-started walkthrough's user policy plus the
runtime-role policy (the documents a real user would have), and 20 more
statements on other resources so that evaluation is not trivially short.

Usage: SPARKPLANE_BIN=target/release/sparkplane python bench/authz_cost.py --requests 2000 --rounds 3
"""
from __future__ import annotations

import argparse
import http.client
import json
import statistics
import tempfile
import time
from pathlib import Path

from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from common import REPO, iam_client, start_server

DATA = REPO / "crates" / "policy" / "tests" / "data"


def user_policies(bucket: str) -> dict[str, str]:
    extra = {"Version": "2012-10-17", "Statement": [
        {"Sid": f"Other{n}", "Effect": "Allow", "Action": ["s3:GetObject", "dynamodb:GetItem"],
         "Resource": [f"arn:aws:s3:::other-bucket-{n}/*", f"arn:aws:dynamodb:*:*:table/t{n}"]}
        for n in range(20)]}
    return {
        "user": (DATA / "user-policy.json").read_text(),
        "runtime": (DATA / "runtime-role-policy.json").read_text().replace("{DOC-EXAMPLE-BUCKET}", bucket),
        "extra": json.dumps(extra),
    }


class Signed:
    """Sends SigV4-signed requests over one kept-alive connection."""

    def __init__(self, endpoint: str, key: str, secret: str, service: str):
        host = endpoint.removeprefix("http://")
        self.endpoint = endpoint
        self.conn = http.client.HTTPConnection(host, timeout=30)
        creds = Credentials(key, secret)
        self.signer = S3SigV4Auth(creds, "s3", "us-east-1") if service == "s3" else SigV4Auth(creds, service, "us-east-1")

    def send(self, method: str, path: str) -> int:
        request = AWSRequest(method=method, url=self.endpoint + path, data=b"")
        self.signer.add_auth(request)
        prepared = request.prepare()
        self.conn.request(method, path, body=b"", headers=dict(prepared.headers))
        response = self.conn.getresponse()
        response.read()
        return response.status


def timed(client: Signed, method: str, path: str, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        status = client.send(method, path)
        samples.append(time.perf_counter() - start)
        if status != 200:
            raise SystemExit(f"{method} {path} answered {status}")
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="sparkplane-authz-"))
    proc, emr = start_server(base)
    try:
        bucket = "authz-bench"
        root_key, root_secret = proc.keys["AWS_ACCESS_KEY_ID"], proc.keys["AWS_SECRET_ACCESS_KEY"]
        import boto3
        s3 = boto3.client("s3", endpoint_url=proc.s3_endpoint, region_name="us-east-1",
                          aws_access_key_id=root_key, aws_secret_access_key=root_secret)
        s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket=bucket, Key="k", Body=b"x")
        app = emr.create_application(name="authz", type="HIVE", releaseLabel="emr-7.9.0",
                                     tags={"team": "bench"})["applicationId"]
        iam = iam_client(proc)
        iam.create_user(UserName="bench")
        # Managed policies: together they exceed the 2,048 characters IAM
        # allows inline on a user, as real users' policies often do.
        for name, doc in user_policies(bucket).items():
            arn = iam.create_policy(PolicyName=f"bench-{name}", PolicyDocument=doc)["Policy"]["Arn"]
            iam.attach_user_policy(UserName="bench", PolicyArn=arn)
        user = iam.create_access_key(UserName="bench")["AccessKey"]
        kinds = {
            "API GetApplication": ("emr-serverless", proc.endpoint, "GET", f"/applications/{app}"),
            "S3 HeadObject": ("s3", proc.s3_endpoint, "HEAD", f"/{bucket}/k"),
        }
        results = {}
        for label, (service, endpoint, method, path) in kinds.items():
            baseline = Signed(endpoint, root_key, root_secret, service)
            authorized = Signed(endpoint, user["AccessKeyId"], user["SecretAccessKey"], service)
            timed(baseline, method, path, 100)  # warm-up
            timed(authorized, method, path, 100)
            rounds = []
            for _ in range(args.rounds):
                b = statistics.median(timed(baseline, method, path, args.requests))
                a = statistics.median(timed(authorized, method, path, args.requests))
                rounds.append((b, a))
            results[label] = rounds
        print("| request | root (baseline) median | user (authorized) median | ratio | authorization cost |")
        print("|---|---|---|---|---|")
        for label, rounds in results.items():
            for b, a in rounds:
                print(f"| {label} | {b * 1e6:.0f} µs | {a * 1e6:.0f} µs | {a / b:.2f}× | {(a - b) * 1e6:+.0f} µs |")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


if __name__ == "__main__":
    main()
