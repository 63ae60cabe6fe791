"""The embedded S3 endpoint, driven by the aws CLI (`s3`, `s3api`), boto3 and raw HTTP.

Objects must be plain files at <data-dir>/s3/<bucket>/<key> (that is how Spark
reads them), so besides the S3 answers the tests look at the files themselves.
"""
import datetime
import hashlib
import json
import re
import uuid
from pathlib import Path
from unittest import mock

import botocore.auth
import pytest
from boto3.s3.transfer import TransferConfig
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import http, unique, wait_until
from helpers_s3 import (
    random_file,
    s3_client,
    s3_error,
    s3_keep_alive,
    s3_raw,
    s3cli,
    s3cli_fails,
    sha256_file,
    tree,
)

MiB = 1024 * 1024


def store(server) -> Path:
    return server.data_dir / "s3"


@pytest.fixture
def bucket(server):
    """A fresh bucket made with `aws s3 mb`."""
    name = unique("e2e")
    s3cli(server, "s3", "mb", f"s3://{name}")
    return name


@pytest.fixture(scope="module")
def s3(server):
    return s3_client(server)


def s3api(server, *args):
    cp = s3cli(server, "s3api", *args, "--output", "json")
    return json.loads(cp.stdout) if cp.stdout.strip() else {}


def client_error(fn, *args, **kwargs) -> dict:
    with pytest.raises(ClientError) as ei:
        fn(*args, **kwargs)
    return ei.value.response


def keys_of(resp: dict) -> list[str]:
    return [o["Key"] for o in resp.get("Contents", [])]


# --------------------------------------------------------------------------- mb / cp / ls / rm


def test_mb_creates_bucket_directory(server):
    name = unique("e2e")
    out = s3cli(server, "s3", "mb", f"s3://{name}").stdout
    assert f"make_bucket: {name}" in out
    assert (store(server) / name).is_dir()
    assert re.search(rf"^\S+ \S+ {re.escape(name)}$", s3cli(server, "s3", "ls").stdout, re.M)
    # making it again is an error, as on S3 (the owner gets BucketAlreadyOwnedByYou)
    s3cli_fails(server, "s3", "mb", f"s3://{name}")


def test_cp_both_ways(server, bucket, tmp_path):
    src = tmp_path / "hello.txt"
    src.write_bytes(b"hello from the e2e suite\n" * 100)
    s3cli(server, "s3", "cp", str(src), f"s3://{bucket}/docs/hello.txt")
    on_disk = store(server) / bucket / "docs" / "hello.txt"
    assert on_disk.is_file() and on_disk.read_bytes() == src.read_bytes()

    back = tmp_path / "back.txt"
    s3cli(server, "s3", "cp", f"s3://{bucket}/docs/hello.txt", str(back))
    assert back.read_bytes() == src.read_bytes()

    # stdout and stdin streaming ('-')
    assert s3cli(server, "s3", "cp", f"s3://{bucket}/docs/hello.txt", "-").stdout == src.read_text()
    s3cli(server, "s3", "cp", "-", f"s3://{bucket}/docs/from-stdin.txt", input="streamed in\n")
    assert (store(server) / bucket / "docs" / "from-stdin.txt").read_bytes() == b"streamed in\n"

    # a directory upload with --recursive keeps the relative paths
    local = tmp_path / "tree"
    for rel in ("a.txt", "sub/b.txt", "sub/deeper/c.txt"):
        (local / rel).parent.mkdir(parents=True, exist_ok=True)
        (local / rel).write_text(f"content of {rel}\n")
    s3cli(server, "s3", "cp", "--recursive", str(local), f"s3://{bucket}/tree/")
    assert tree(store(server) / bucket / "tree") == tree(local)
    down = tmp_path / "down"
    s3cli(server, "s3", "cp", "--recursive", f"s3://{bucket}/tree/", str(down))
    assert tree(down) == tree(local)


def test_multipart_upload_over_20mb(server, bucket, tmp_path):
    size = 24 * MiB + 12345  # the CLI's 8 MiB parts: 3 full parts and a short one
    src = random_file(tmp_path / "big.bin", size)
    digest = sha256_file(src)
    s3cli(server, "s3", "cp", str(src), f"s3://{bucket}/blobs/big.bin", "--only-show-errors")

    head = s3api(server, "head-object", "--bucket", bucket, "--key", "blobs/big.bin")
    assert head["ContentLength"] == size
    m = re.fullmatch(r'"([0-9a-f]{32})-(\d+)"', head["ETag"])
    assert m, f"not a multipart ETag: {head['ETag']}"
    assert int(m.group(2)) == 4, head["ETag"]

    on_disk = store(server) / bucket / "blobs" / "big.bin"
    assert on_disk.is_file() and not on_disk.is_symlink()
    assert on_disk.stat().st_size == size
    assert sha256_file(on_disk) == digest

    back = tmp_path / "back.bin"
    s3cli(server, "s3", "cp", f"s3://{bucket}/blobs/big.bin", str(back), "--only-show-errors")
    assert sha256_file(back) == digest

    # parts are not left behind once the upload is complete
    uploads = store(server) / ".sparkplane" / "uploads"
    assert s3api(server, "list-multipart-uploads", "--bucket", bucket).get("Uploads", []) == []
    wait_until(lambda: not any(p.is_file() for p in uploads.rglob("*")), 10, f"no part files under {uploads}")


def test_ls_and_ls_recursive(server, bucket, s3):
    for key, size in (("top.txt", 3), ("dir/b.txt", 5), ("dir/sub/c.txt", 7)):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x" * size)

    top = s3cli(server, "s3", "ls", f"s3://{bucket}/").stdout.splitlines()
    assert any(re.fullmatch(r"\s*PRE dir/", ln) for ln in top), top
    assert any(re.fullmatch(r"\S+ \S+\s+3 top\.txt", ln) for ln in top), top
    assert len(top) == 2, top

    sub = s3cli(server, "s3", "ls", f"s3://{bucket}/dir/").stdout.splitlines()
    assert any(re.fullmatch(r"\s*PRE sub/", ln) for ln in sub), sub
    assert any(re.fullmatch(r"\S+ \S+\s+5 b\.txt", ln) for ln in sub), sub
    assert len(sub) == 2, sub

    rec = s3cli(server, "s3", "ls", "--recursive", f"s3://{bucket}").stdout.splitlines()
    listed = {ln.split()[-1]: int(ln.split()[-2]) for ln in rec}
    assert listed == {"top.txt": 3, "dir/b.txt": 5, "dir/sub/c.txt": 7}, rec

    # ls of a missing bucket is an error
    s3cli_fails(server, "s3", "ls", f"s3://{unique('missing')}/", code="NoSuchBucket")


def test_rm_and_rm_recursive(server, bucket, s3):
    for key in ("keep.txt", "gone.txt", "dir/a.txt", "dir/sub/b.txt"):
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    root = store(server) / bucket

    s3cli(server, "s3", "rm", f"s3://{bucket}/gone.txt")
    assert not (root / "gone.txt").exists()
    assert client_error(s3.head_object, Bucket=bucket, Key="gone.txt")["ResponseMetadata"]["HTTPStatusCode"] == 404

    out = s3cli(server, "s3", "rm", "--recursive", f"s3://{bucket}/dir/").stdout
    assert "dir/a.txt" in out and "dir/sub/b.txt" in out
    assert not [p for p in root.rglob("*") if p.is_file() and p.name != "keep.txt"]

    # what is left is exactly keep.txt: the emptied directories are not phantom prefixes
    resp = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert keys_of(resp) == ["keep.txt"] and not resp.get("CommonPrefixes"), resp
    assert s3cli(server, "s3", "ls", "--recursive", f"s3://{bucket}").stdout.split()[-1] == "keep.txt"


def test_sync_both_directions(server, bucket, tmp_path):
    local = tmp_path / "src"
    files = {"a.txt": "alpha\n", "nested/b.txt": "beta\n", "nested/deep/c.csv": "x,y\n1,2\n"}
    for rel, text in files.items():
        (local / rel).parent.mkdir(parents=True, exist_ok=True)
        (local / rel).write_text(text)

    s3cli(server, "s3", "sync", str(local), f"s3://{bucket}/mirror")
    assert tree(store(server) / bucket / "mirror") == tree(local)

    # nothing changed: a second sync copies nothing
    assert s3cli(server, "s3", "sync", str(local), f"s3://{bucket}/mirror").stdout.strip() == ""

    # change one file (size differs), add one, delete one; sync --delete mirrors all three
    (local / "a.txt").write_text("alpha, longer now\n")
    (local / "new.txt").write_text("new\n")
    (local / "nested" / "b.txt").unlink()
    out = s3cli(server, "s3", "sync", "--delete", str(local), f"s3://{bucket}/mirror").stdout
    assert "a.txt" in out and "new.txt" in out and "delete: s3://" in out, out
    assert "c.csv" not in out, f"unchanged file re-uploaded:\n{out}"
    assert tree(store(server) / bucket / "mirror") == tree(local)

    # and back down into an empty directory
    down = tmp_path / "down"
    s3cli(server, "s3", "sync", f"s3://{bucket}/mirror", str(down))
    assert tree(down) == tree(local)

    # a remote change flows down; a second download sync is a no-op
    (tmp_path / "remote.txt").write_text("changed remotely, and longer\n")
    s3cli(server, "s3", "cp", str(tmp_path / "remote.txt"), f"s3://{bucket}/mirror/nested/deep/c.csv")
    s3cli(server, "s3", "sync", f"s3://{bucket}/mirror", str(down))
    assert (down / "nested" / "deep" / "c.csv").read_text() == "changed remotely, and longer\n"
    assert s3cli(server, "s3", "sync", f"s3://{bucket}/mirror", str(down)).stdout.strip() == ""


def test_keys_with_special_characters(server, bucket, tmp_path):
    key = "dir with space/ünïcode+plus=eq&amp;(x) 100%.txt"
    src = tmp_path / "special.txt"
    src.write_text("special\n")
    s3cli(server, "s3", "cp", str(src), f"s3://{bucket}/{key}")
    assert (store(server) / bucket / key).read_text() == "special\n"
    listed = s3cli(server, "s3", "ls", "--recursive", f"s3://{bucket}/").stdout
    assert key in listed, listed
    assert s3cli(server, "s3", "cp", f"s3://{bucket}/{key}", "-").stdout == "special\n"
    down = tmp_path / "down"
    s3cli(server, "s3", "sync", f"s3://{bucket}/", str(down))
    assert (down / key).read_text() == "special\n"


def test_object_and_prefix_conflicts_are_clean_errors(server, bucket, s3):
    """A key cannot be both a file and a directory on disk: S3 allows it, the store answers 409, never 500."""
    s3.put_object(Bucket=bucket, Key="f", Body=b"file f")
    err = client_error(s3.put_object, Bucket=bucket, Key="f/child", Body=b"x")
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 409, err
    assert (store(server) / bucket / "f").read_bytes() == b"file f"

    s3.put_object(Bucket=bucket, Key="d/child", Body=b"x")
    err = client_error(s3.put_object, Bucket=bucket, Key="d", Body=b"y")
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 409, err
    # the directory that holds d/child is not an object called "d"
    assert client_error(s3.get_object, Bucket=bucket, Key="d")["Error"]["Code"] == "NoSuchKey"
    assert client_error(s3.head_object, Bucket=bucket, Key="d")["ResponseMetadata"]["HTTPStatusCode"] == 404
    s3.delete_object(Bucket=bucket, Key="d")
    assert s3.get_object(Bucket=bucket, Key="d/child")["Body"].read() == b"x"


# --------------------------------------------------------------------------- s3api


def test_head_object(server, bucket, tmp_path):
    body = tmp_path / "body.json"
    body.write_bytes(b'{"hello": "world"}')
    put = s3api(server, "put-object", "--bucket", bucket, "--key", "meta/obj.json", "--body", str(body),
                "--content-type", "application/json", "--metadata", "owner=e2e,purpose=head-test")
    head = s3api(server, "head-object", "--bucket", bucket, "--key", "meta/obj.json")
    assert head["ContentLength"] == len(body.read_bytes())
    assert head["ETag"] == f'"{hashlib.md5(body.read_bytes()).hexdigest()}"' == put["ETag"]
    assert head["ContentType"] == "application/json"
    assert head["Metadata"] == {"owner": "e2e", "purpose": "head-test"}
    assert "LastModified" in head

    cp = s3cli(server, "s3api", "head-object", "--bucket", bucket, "--key", "meta/missing.json", check=False)
    assert cp.returncode != 0 and "404" in cp.stderr, cp.stderr


def test_get_object_range(server, bucket, s3, tmp_path):
    data = bytes(range(256)) * 40  # 10240 bytes
    s3.put_object(Bucket=bucket, Key="ranged.bin", Body=data)

    out = tmp_path / "part.bin"
    resp = s3api(server, "get-object", "--bucket", bucket, "--key", "ranged.bin", "--range", "bytes=100-199",
                 str(out))
    assert out.read_bytes() == data[100:200]
    assert resp["ContentLength"] == 100
    assert resp["ContentRange"] == f"bytes 100-199/{len(data)}"

    s3api(server, "get-object", "--bucket", bucket, "--key", "ranged.bin", "--range", "bytes=-16", str(out))
    assert out.read_bytes() == data[-16:]
    s3api(server, "get-object", "--bucket", bucket, "--key", "ranged.bin", "--range", "bytes=10000-", str(out))
    assert out.read_bytes() == data[10000:]

    err = client_error(s3.get_object, Bucket=bucket, Key="ranged.bin", Range=f"bytes={len(data) + 10}-")
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 416, err
    assert err["Error"]["Code"] == "InvalidRange", err


def test_copy_object(server, bucket, s3):
    other = unique("e2e-copy")
    s3cli(server, "s3", "mb", f"s3://{other}")
    s3.put_object(Bucket=bucket, Key="src/orig.txt", Body=b"copy me\n", Metadata={"k": "v"})

    resp = s3api(server, "copy-object", "--bucket", bucket, "--key", "dst/copy.txt",
                 "--copy-source", f"{bucket}/src/orig.txt")
    assert resp["CopyObjectResult"]["ETag"] == '"%s"' % hashlib.md5(b"copy me\n").hexdigest()
    assert (store(server) / bucket / "dst" / "copy.txt").read_bytes() == b"copy me\n"
    assert s3.head_object(Bucket=bucket, Key="dst/copy.txt")["Metadata"] == {"k": "v"}

    s3api(server, "copy-object", "--bucket", other, "--key", "x/y.txt", "--copy-source", f"{bucket}/src/orig.txt")
    assert (store(server) / other / "x" / "y.txt").read_bytes() == b"copy me\n"
    # the source is untouched
    assert (store(server) / bucket / "src" / "orig.txt").read_bytes() == b"copy me\n"

    cp = s3cli(server, "s3api", "copy-object", "--bucket", bucket, "--key", "dst/none.txt",
               "--copy-source", f"{bucket}/src/missing.txt", check=False)
    assert cp.returncode != 0 and "NoSuchKey" in cp.stderr, cp.stderr


def test_delete_objects(server, bucket, s3):
    for key in ("d/1.txt", "d/2.txt", "d/3.txt", "keep.txt"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    spec = {"Objects": [{"Key": "d/1.txt"}, {"Key": "d/2.txt"}, {"Key": "d/3.txt"}, {"Key": "never-existed"}],
            "Quiet": False}
    resp = s3api(server, "delete-objects", "--bucket", bucket, "--delete", json.dumps(spec))
    assert sorted(d["Key"] for d in resp.get("Deleted", [])) == ["d/1.txt", "d/2.txt", "d/3.txt", "never-existed"]
    assert not resp.get("Errors"), resp
    root = store(server) / bucket
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()) == ["keep.txt"]
    assert keys_of(s3.list_objects_v2(Bucket=bucket)) == ["keep.txt"]


def test_list_objects_v2_delimiter_prefix_and_pagination(server, bucket, s3):
    keys = sorted(["top1.txt", "top2.txt", "dir1/a", "dir1/b", "dir1/sub/c", "dir2/d", "dir3/e", "z.txt"])
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())

    resp = s3api(server, "list-objects-v2", "--bucket", bucket, "--delimiter", "/")
    assert keys_of(resp) == ["top1.txt", "top2.txt", "z.txt"]
    assert [p["Prefix"] for p in resp["CommonPrefixes"]] == ["dir1/", "dir2/", "dir3/"]

    resp = s3api(server, "list-objects-v2", "--bucket", bucket, "--prefix", "dir1/", "--delimiter", "/")
    assert keys_of(resp) == ["dir1/a", "dir1/b"]
    assert [p["Prefix"] for p in resp["CommonPrefixes"]] == ["dir1/sub/"]

    resp = s3api(server, "list-objects-v2", "--bucket", bucket, "--prefix", "dir1/")
    assert keys_of(resp) == ["dir1/a", "dir1/b", "dir1/sub/c"]
    resp = s3api(server, "list-objects-v2", "--bucket", bucket, "--prefix", "dir")
    assert keys_of(resp) == [k for k in keys if k.startswith("dir")]

    # --max-keys 3, page by page with the continuation token
    pages, token = [], None
    while True:
        extra = ["--continuation-token", token] if token else []
        resp = s3api(server, "list-objects-v2", "--bucket", bucket, "--max-keys", "3", "--no-paginate", *extra)
        assert resp["KeyCount"] == len(resp.get("Contents", [])) <= 3, resp
        pages.append(keys_of(resp))
        if not resp["IsTruncated"]:
            assert "NextContinuationToken" not in resp
            break
        token = resp["NextContinuationToken"]
        assert len(pages) <= len(keys), "pagination does not end"
    assert [len(p) for p in pages] == [3, 3, 2], pages
    assert [k for p in pages for k in p] == keys

    # with a delimiter, prefixes count against max-keys and are never repeated across pages
    seen_keys, seen_prefixes, token, n = [], [], None, 0
    while True:
        kw = {"ContinuationToken": token} if token else {}
        resp = s3.list_objects_v2(Bucket=bucket, Delimiter="/", MaxKeys=2, **kw)
        assert resp["KeyCount"] == len(resp.get("Contents", [])) + len(resp.get("CommonPrefixes", [])) <= 2
        seen_keys += keys_of(resp)
        seen_prefixes += [p["Prefix"] for p in resp.get("CommonPrefixes", [])]
        n += 1
        if not resp["IsTruncated"]:
            break
        token = resp["NextContinuationToken"]
        assert n <= len(keys)
    assert seen_keys == ["top1.txt", "top2.txt", "z.txt"]
    assert seen_prefixes == ["dir1/", "dir2/", "dir3/"]

    # StartAfter, and the CLI's own pagination (--page-size) returning everything
    resp = s3.list_objects_v2(Bucket=bucket, StartAfter="dir3/e")
    assert keys_of(resp) == ["top1.txt", "top2.txt", "z.txt"]
    resp = s3api(server, "list-objects-v2", "--bucket", bucket, "--page-size", "2")
    assert keys_of(resp) == keys


# --------------------------------------------------------------------------- boto3


def test_boto3_upload_file_download_file(server, bucket, s3, tmp_path):
    cfg = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB, max_concurrency=4)
    for name, size in (("small.bin", 1000), ("multi.bin", 12 * MiB + 7)):
        src = random_file(tmp_path / name, size)
        s3.upload_file(str(src), bucket, f"boto/{name}", Config=cfg)
        assert sha256_file(store(server) / bucket / "boto" / name) == sha256_file(src)
        back = tmp_path / f"back-{name}"
        s3.download_file(bucket, f"boto/{name}", str(back), Config=cfg)
        assert sha256_file(back) == sha256_file(src)
    etag = s3.head_object(Bucket=bucket, Key="boto/multi.bin")["ETag"]
    assert etag.endswith('-3"'), etag


# --------------------------------------------------------------------------- authentication


def test_unsigned_requests_are_denied(server, bucket, s3):
    s3.put_object(Bucket=bucket, Key="private.txt", Body=b"secret data")
    base = server.s3_endpoint
    for method, path, body in (("GET", f"/{bucket}/private.txt", None),
                               ("PUT", f"/{bucket}/anon.txt", b"anonymous write"),
                               ("DELETE", f"/{bucket}/private.txt", None),
                               ("GET", f"/{bucket}?list-type=2", None),
                               ("GET", "/", None),
                               ("PUT", f"/{unique('anon')}", None)):
        resp = http(method, base + path, body=body)
        assert resp.status == 403, (method, path, resp)
        assert s3_error(resp)[0] == "AccessDenied", (method, path, resp.body)
        assert b"secret data" not in resp.body
    assert (store(server) / bucket / "private.txt").read_bytes() == b"secret data"
    assert not (store(server) / bucket / "anon.txt").exists()


def test_wrong_secret_is_signature_does_not_match(server, bucket, s3, tmp_path):
    s3.put_object(Bucket=bucket, Key="obj.txt", Body=b"data")
    bad = s3_client(server, secret_key="not-the-secret-" + uuid.uuid4().hex)
    for call, kw in ((bad.get_object, {"Key": "obj.txt"}),
                     (bad.put_object, {"Key": "forged.txt", "Body": b"forged"}),
                     (bad.delete_object, {"Key": "obj.txt"}),
                     (bad.list_objects_v2, {})):
        err = client_error(call, Bucket=bucket, **kw)
        assert err["ResponseMetadata"]["HTTPStatusCode"] == 403, err
        assert err["Error"]["Code"] == "SignatureDoesNotMatch", err
    assert not (store(server) / bucket / "forged.txt").exists()
    assert (store(server) / bucket / "obj.txt").read_bytes() == b"data"

    cp = s3cli(server, "s3", "ls", f"s3://{bucket}/", check=False,
               env={"AWS_SECRET_ACCESS_KEY": "wrong-" + uuid.uuid4().hex})
    assert cp.returncode != 0 and "SignatureDoesNotMatch" in cp.stderr, cp.stderr

    # an unknown access key is told apart from a bad signature
    err = client_error(s3_client(server, access_key="AKIAE2ENOTAKEY000000").list_objects_v2, Bucket=bucket)
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert err["Error"]["Code"] == "InvalidAccessKeyId", err


def test_presigned_urls(server, bucket, s3):
    s3.put_object(Bucket=bucket, Key="shared/report.txt", Body=b"presigned content")
    # `aws s3 presign` (the CLI signs it with SigV2 query parameters), fetched with plain urllib
    url = s3cli(server, "s3", "presign", f"s3://{bucket}/shared/report.txt", "--expires-in", "300").stdout.strip()
    resp = http("GET", url)
    assert resp.status == 200 and resp.body == b"presigned content", resp
    # SigV4 query signing (boto3), for a GET and a PUT
    s3 = s3_client(server, signature_version="s3v4")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "shared/report.txt"},
                                    ExpiresIn=300)
    assert http("GET", url).body == b"presigned content"
    tampered = http("GET", url.replace("/shared/report.txt?", "/shared/other.txt?"))
    assert tampered.status == 403, tampered
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "shared/upload.txt"},
                                        ExpiresIn=300)
    assert http("PUT", put_url, body=b"uploaded via presigned url").status == 200
    assert (store(server) / bucket / "shared" / "upload.txt").read_bytes() == b"uploaded via presigned url"


def test_expired_presigned_url_and_skewed_clock_are_refused(server, bucket, s3):
    s3.put_object(Bucket=bucket, Key="obj.txt", Body=b"data")
    s3 = s3_client(server, signature_version="s3v4")  # SigV4 presigning takes its time from the patched clock
    two_hours_ago = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) - datetime.timedelta(hours=2)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=two_hours_ago):
        url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "obj.txt"}, ExpiresIn=60)
        skewed = s3_raw(server, "GET", f"/{bucket}/obj.txt")
    expired = http("GET", url)
    assert expired.status == 403 and s3_error(expired)[0] == "AccessDenied", expired
    assert skewed.status == 403 and s3_error(skewed)[0] == "RequestTimeTooSkewed", skewed


@pytest.mark.xfail(strict=True, reason="known gap: s3s reports a body/hash mismatch as IncompleteBody, "
                   "not S3's XAmzContentSHA256Mismatch (the body is still refused and nothing is stored)")
def test_payload_not_matching_its_signed_hash_is_rejected(server, bucket):
    """The body differs from the signed x-amz-content-sha256: S3 answers 400 XAmzContentSHA256Mismatch."""
    req = AWSRequest(method="PUT", url=f"{server.s3_endpoint}/{bucket}/tampered.txt", data=b"signed body")
    S3SigV4Auth(Credentials(server.access_key, server.secret_key), "s3", server.region).add_auth(req)
    prepared = req.prepare()
    swapped = b"SIGNED BODY"  # same length, so only the hash differs
    assert len(swapped) == len(b"signed body")
    resp = http("PUT", prepared.url, body=swapped, headers=dict(prepared.headers))
    assert resp.status == 400, resp
    assert not (store(server) / bucket / "tampered.txt").exists()
    assert s3_error(resp)[0] == "XAmzContentSHA256Mismatch", resp


@pytest.mark.xfail(strict=True, reason="known gap: s3s's own InvalidBucketName and SignatureDoesNotMatch "
                   "errors carry no <Message>, so the aws CLI prints 'Unknown'")
def test_error_responses_carry_a_message(server, bucket):
    """S3 always sends a <Message>; without one the aws CLI prints "Unknown"."""
    bad_name = s3_raw(server, "PUT", "/Bad_Bucket_Name")
    bad_sig = s3_raw(server, "GET", f"/{bucket}?list-type=2", secret_key="wrong-" + uuid.uuid4().hex)
    problems = []
    for what, resp, code in (("InvalidBucketName", bad_name, "InvalidBucketName"),
                             ("wrong secret", bad_sig, "SignatureDoesNotMatch")):
        got_code, message = s3_error(resp)
        assert got_code == code, (what, resp)
        if not message.strip():
            problems.append(f"{what}: HTTP {resp.status} {resp.body.decode(errors='replace')}")
    assert not problems, "S3 error responses without a <Message>:\n" + "\n".join(problems)


# --------------------------------------------------------------------------- keys escaping the bucket

ESCAPING_KEYS = [
    "../../credentials",
    "../credentials",
    "../state.db",
    "a/../../x",
    "..",
    "../{other}/secret.txt",
    "x/../../../../../../../tmp/{pwn}",
    "a/./b",
    "./a",
    "a//b",
    "/abs",
]


def _files_outside(data_dir: Path, bucket: str) -> dict[str, tuple[int, int]]:
    """(size, mtime) of every file under the data dir except the bucket's own and SQLite's."""
    out = {}
    for p in data_dir.rglob("*"):
        rel = p.relative_to(data_dir).as_posix()
        if rel.startswith(f"s3/{bucket}/") or rel.startswith("state.db") or rel.startswith("s3/.sparkplane/"):
            continue
        if p.is_file():
            st = p.stat()
            out[rel] = (st.st_size, st.st_mtime_ns)
    return out


def test_keys_cannot_escape_the_bucket(fresh_server, tmp_path):
    server = fresh_server
    s3 = s3_client(server)
    bucket, other = unique("victim"), unique("other")
    s3.create_bucket(Bucket=bucket)
    s3.create_bucket(Bucket=other)
    s3.put_object(Bucket=other, Key="secret.txt", Body=b"other bucket's secret")
    s3.put_object(Bucket=bucket, Key="ok.txt", Body=b"fine")
    pwn = f"sparkplane-e2e-pwn-{uuid.uuid4().hex}"
    creds_before = (server.data_dir / "credentials").read_bytes()
    before = _files_outside(server.data_dir, bucket)
    secrets = [server.secret_key.encode(), b"other bucket's secret"]

    def refused(resp_or_err, what):
        if isinstance(resp_or_err, dict):  # a botocore error response
            status = resp_or_err["ResponseMetadata"]["HTTPStatusCode"]
            assert 400 <= status < 500, (what, resp_or_err)
            return
        assert 400 <= resp_or_err.status < 500, (what, resp_or_err)
        assert not any(s in resp_or_err.body for s in secrets), (what, resp_or_err.body)

    keys = [k.format(other=other, pwn=pwn) for k in ESCAPING_KEYS]
    for key in keys:
        refused(client_error(s3.put_object, Bucket=bucket, Key=key, Body=b"pwned"), f"put {key}")
        refused(client_error(s3.get_object, Bucket=bucket, Key=key), f"get {key}")
        refused(client_error(s3.head_object, Bucket=bucket, Key=key), f"head {key}")
        refused(client_error(s3.create_multipart_upload, Bucket=bucket, Key=key), f"create mpu {key}")
        refused(client_error(s3.copy_object, Bucket=bucket, Key=key, CopySource={"Bucket": bucket, "Key": "ok.txt"}),
                f"copy to {key}")
        refused(client_error(s3.copy_object, Bucket=bucket, Key="stolen.txt",
                             CopySource={"Bucket": bucket, "Key": key}), f"copy from {key}")
        try:
            s3.delete_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            refused(exc.response, f"delete {key}")

    # an upload started for a good key, continued and completed under an escaping one
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="mpu/ok.bin")["UploadId"]
    for key in ("../../credentials", f"../{other}/secret.txt", f"x/../../../../../../../tmp/{pwn}"):
        refused(client_error(s3.upload_part, Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=1,
                             Body=b"pwned"), f"upload part {key}")
        refused(client_error(s3.complete_multipart_upload, Bucket=bucket, Key=key, UploadId=upload_id,
                             MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"0"'}]}), f"complete {key}")
        refused(client_error(s3.abort_multipart_upload, Bucket=bucket, Key=key, UploadId=upload_id),
                f"abort {key}")
    s3.abort_multipart_upload(Bucket=bucket, Key="mpu/ok.bin", UploadId=upload_id)

    # percent-encoded dots and slashes: signed for the decoded path, sent encoded, so the
    # request gets past SigV4 and reaches the key checks
    for decoded, sent in (("/{b}/../../credentials", "/{b}/..%2F..%2Fcredentials"),
                          ("/{b}/../../credentials", "/{b}/%2E%2E/%2E%2E/credentials"),
                          ("/{b}/../{o}/secret.txt", "/{b}/%2e%2e/{o}/secret.txt"),
                          ("/{b}/a/../../x", "/{b}/a%2F..%2F..%2Fx")):
        decoded, sent = (p.format(b=bucket, o=other) for p in (decoded, sent))
        for method, body in (("GET", None), ("PUT", b"pwned"), ("DELETE", None)):
            refused(s3_raw(server, method, decoded, body, send_path=sent), f"{method} {sent}")
            refused(s3_raw(server, method, decoded, body), f"{method} {decoded}")

    # bucket names that are not directories of buckets
    for path in ("/../credentials", "/.sparkplane/meta", "/.sparkplane", "/%2E%2E/credentials"):
        for method in ("GET", "PUT"):
            refused(s3_raw(server, method, path, b"pwned" if method == "PUT" else None), f"{method} {path}")

    # A refused upload leaves its body unread, so its connection cannot be
    # reused: the response says so every time, and clients do not pool it.
    answers = s3_keep_alive(server, [("PUT", f"/{bucket}/ok.txt", b"fine"),
                                     ("PUT", f"/{bucket}/../credentials", b"pwned")])
    assert answers == [(200, None), (400, "close")], answers

    assert (server.data_dir / "credentials").read_bytes() == creds_before
    assert _files_outside(server.data_dir, bucket) == before
    assert not Path("/tmp", pwn).exists()
    assert s3.get_object(Bucket=other, Key="secret.txt")["Body"].read() == b"other bucket's secret"
    root = server.data_dir / "s3" / bucket
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == ["ok.txt"]


# --------------------------------------------------------------------------- bucket names / rb


@pytest.mark.parametrize("name", ["Bad_Name", "ab", "-leading-dash", "trailing-dash-", "192.168.1.1",
                                  "a" * 64, "double..dot", ".sparkplane", "xn--punycode"])
def test_invalid_bucket_names(server, name):
    before = sorted(p.name for p in store(server).iterdir())
    cp = s3cli(server, "s3api", "create-bucket", f"--bucket={name}", check=False)
    assert cp.returncode != 0 and "(InvalidBucketName)" in cp.stderr, cp.stderr
    assert sorted(p.name for p in store(server).iterdir()) == before


def test_invalid_bucket_name_with_mb_and_internal_dir_unreachable(server):
    s3cli_fails(server, "s3", "mb", "s3://Not_Valid", code="InvalidBucketName")
    assert not (store(server) / "Not_Valid").exists()
    # the store's own metadata directory is not a bucket
    s3cli_fails(server, "s3", "ls", "s3://.sparkplane/", code="InvalidBucketName")
    s3cli_fails(server, "s3", "cp", "-", "s3://.sparkplane/meta/x")


def test_rb_of_non_empty_bucket_fails(server, bucket, s3):
    s3.put_object(Bucket=bucket, Key="dir/still-here.txt", Body=b"x")
    s3cli_fails(server, "s3", "rb", f"s3://{bucket}", code="BucketNotEmpty")
    assert (store(server) / bucket / "dir" / "still-here.txt").read_bytes() == b"x"

    err = client_error(s3.delete_bucket, Bucket=bucket)
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert err["Error"]["Code"] == "BucketNotEmpty"

    s3cli(server, "s3", "rb", "--force", f"s3://{bucket}")
    assert not (store(server) / bucket).exists()
    s3cli_fails(server, "s3", "ls", f"s3://{bucket}/", code="NoSuchBucket")
