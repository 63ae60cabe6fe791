"""The embedded S3 endpoint, driven by the aws CLI (`s3`, `s3api`), boto3 and raw HTTP.

Objects must be plain files at <data-dir>/s3/<bucket>/<key> (that is how Spark
reads them), so besides the S3 answers the tests look at the files themselves.
"""
import hashlib
import json
import re

from boto3.s3.transfer import TransferConfig

from conftest import unique, wait_until
from helpers_s3 import (
    client_error,
    keys_of,
    random_file,
    s3api,
    s3cli,
    s3cli_fails,
    sha256_file,
    store,
    tree,
)

MiB = 1024 * 1024


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
