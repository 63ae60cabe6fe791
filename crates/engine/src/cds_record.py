"""The CDS recording run (engine/src/cds.rs): the classes this loads are the
ones every Spark driver maps from the archive instead of loading them.

Besides a SparkSession, a SQL query and a small job, it writes, renames,
lists and reads parquet and CSV over S3A, so that hadoop-aws, the AWS SDK
and the HTTP client land in the archive too (a driver that touches s3://
otherwise loads and verifies them at its first request, seconds of a short
job). The S3 here is a throwaway in-memory endpoint on loopback that speaks
just enough of the protocol for S3A; it checks no signatures and keeps
nothing. Whatever fails in the S3A part is reported and skipped: the
recording must still succeed with the classes loaded so far.
"""
import hashlib
import http.server
import threading
import urllib.parse
from xml.sax.saxutils import escape

from pyspark.sql import SparkSession

DATE = "2020-01-01T00:00:00.000Z"
HTTP_DATE = "Wed, 01 Jan 2020 00:00:00 GMT"


class FakeS3(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    objects = {}
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def reply(self, code, body=b"", headers=(), length=None):
        self.send_response(code)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def xml(self, text):
        self.reply(200, ('<?xml version="1.0" encoding="UTF-8"?>' + text).encode(), [("Content-Type", "application/xml")])

    def target(self):
        url = urllib.parse.urlsplit(self.path)
        bucket, _, key = url.path.lstrip("/").partition("/")
        return bucket, urllib.parse.unquote(key), urllib.parse.parse_qs(url.query, keep_blank_values=True)

    def body(self):
        data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not self.headers.get("x-amz-content-sha256", "").startswith("STREAMING-"):
            return data
        out, pos = bytearray(), 0
        while True:
            end = data.index(b"\r\n", pos)
            size = int(data[pos:end].split(b";")[0], 16)
            if size == 0:
                return bytes(out)
            out += data[end + 2:end + 2 + size]
            pos = end + 2 + size + 2

    def meta(self, data):
        return [("ETag", '"%s"' % hashlib.md5(data).hexdigest()), ("Last-Modified", HTTP_DATE),
                ("Content-Type", "application/octet-stream")]

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except Exception:  # noqa: BLE001 - a failed request must not wedge S3A
            self.close_connection = True

    def do_HEAD(self):
        _, key, _ = self.target()
        data = self.objects.get(key)
        if data is None:
            self.reply(404)
        else:
            self.reply(200, headers=self.meta(data), length=len(data))

    def do_GET(self):
        _, key, query = self.target()
        if "list-type" in query or not key:
            return self.list(query)
        data = self.objects.get(key)
        if data is None:
            return self.reply(404, b"<Error><Code>NoSuchKey</Code></Error>")
        ranged = self.headers.get("Range", "")
        if ranged.startswith("bytes="):
            first, _, last = ranged[6:].partition("-")
            first, last = int(first or 0), min(int(last) if last else len(data) - 1, len(data) - 1)
            extra = [("Content-Range", "bytes %d-%d/%d" % (first, last, len(data)))]
            return self.reply(206, data[first:last + 1], self.meta(data) + extra)
        self.reply(200, data, self.meta(data))

    def list(self, query):
        prefix = query.get("prefix", [""])[0]
        delimiter = query.get("delimiter", [""])[0]
        encode = "encoding-type" in query
        name = (lambda k: urllib.parse.quote(k, safe="/")) if encode else escape
        contents, prefixes = [], set()
        for key in sorted(self.objects):
            if not key.startswith(prefix):
                continue
            rest = key[len(prefix):]
            if delimiter and delimiter in rest:
                prefixes.add(prefix + rest.split(delimiter)[0] + delimiter)
            else:
                contents.append(key)
        items = "".join(
            "<Contents><Key>%s</Key><LastModified>%s</LastModified><ETag>&quot;%s&quot;</ETag><Size>%d</Size>"
            "<StorageClass>STANDARD</StorageClass></Contents>"
            % (name(k), DATE, hashlib.md5(self.objects[k]).hexdigest(), len(self.objects[k])) for k in contents)
        items += "".join("<CommonPrefixes><Prefix>%s</Prefix></CommonPrefixes>" % name(p) for p in sorted(prefixes))
        self.xml('<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>cds</Name>'
                 "<Prefix>%s</Prefix><KeyCount>%d</KeyCount><MaxKeys>5000</MaxKeys>%s<IsTruncated>false</IsTruncated>%s"
                 "</ListBucketResult>" % (name(prefix), len(contents) + len(prefixes),
                                          "<EncodingType>url</EncodingType>" if encode else "", items))

    def do_PUT(self):
        _, key, _ = self.target()
        source = self.headers.get("x-amz-copy-source")
        data = self.body()
        if source:
            source_key = urllib.parse.unquote(source).lstrip("/").partition("/")[2]
            with self.lock:
                data = self.objects.get(source_key)
                if data is None:
                    return self.reply(404, b"<Error><Code>NoSuchKey</Code></Error>")
                self.objects[key] = data
            return self.xml("<CopyObjectResult><LastModified>%s</LastModified><ETag>&quot;%s&quot;</ETag>"
                            "</CopyObjectResult>" % (DATE, hashlib.md5(data).hexdigest()))
        with self.lock:
            self.objects[key] = data
        self.reply(200, headers=self.meta(data)[:1])

    def do_DELETE(self):
        _, key, _ = self.target()
        with self.lock:
            self.objects.pop(key, None)
        self.reply(204)

    def do_POST(self):
        body = self.body().decode()
        keys = [urllib.parse.unquote(part.split("</Key>")[0]) for part in body.split("<Key>")[1:]]
        with self.lock:
            for key in keys:
                self.objects.pop(key, None)
        self.xml('<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">%s</DeleteResult>'
                 % "".join("<Deleted><Key>%s</Key></Deleted>" % escape(k) for k in keys))


spark = SparkSession.builder.appName("sparkplane-cds").getOrCreate()
spark.range(100).selectExpr("id % 7 AS k").groupBy("k").count().collect()
spark.sql("SELECT 1").collect()

server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeS3)
server.daemon_threads = True
threading.Thread(target=server.serve_forever, daemon=True).start()
try:
    spark.sparkContext._jsc.hadoopConfiguration().set("fs.s3a.endpoint", "http://127.0.0.1:%d" % server.server_port)
    df = spark.range(1000).selectExpr("id", "CAST(id % 7 AS STRING) AS k", "rand() AS v")
    df.write.mode("overwrite").parquet("s3a://cds/parquet")
    spark.read.parquet("s3a://cds/parquet").groupBy("k").count().collect()
    df.write.mode("overwrite").option("header", "true").csv("s3a://cds/csv")
    spark.read.option("header", "true").csv("s3a://cds/csv").groupBy("k").count().collect()
except Exception as err:  # noqa: BLE001 - the archive is still worth having
    print("sparkplane-cds: the S3A part failed: %s" % err, flush=True)
spark.stop()
server.shutdown()
