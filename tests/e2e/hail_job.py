"""The Hail GWAS of "Hail on EMR Serverless": its venv, its job and its
submit parameters, shared by tests/e2e/test_hail.py and bench/hail_cache.py.

The venv is built with the server's job Python and only PyPI (Hail pins
pyspark 3.5, the emr-7 runtime's). pyspark and py4j are taken out of it
before packing: the runtime's come first on the job's PYTHONPATH, as on
EMR, so the walkthrough's copy would only be 300 MB more to stage and
unpack, never imported.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

HAIL = "hail==0.2.139"
VENV_PACK = "venv-pack==0.2.0"

# The walkthrough's application configuration: Hail checks both at init.
KRYO = [{"classification": "spark-defaults", "properties": {
    "spark.serializer": "org.apache.spark.serializer.KryoSerializer",
    "spark.kryo.registrator": "is.hail.kryo.HailKryoRegistrator",
}}]
PARAMS = (
    "--archives s3://{bucket}/deps/pyspark_hail.tar.gz#pyspark_hail "
    "--jars s3://{bucket}/deps/hail-all-spark.jar "
    "--conf spark.emr-serverless.driverEnv.PYSPARK_DRIVER_PYTHON=./pyspark_hail/bin/python "
    "--conf spark.emr-serverless.driverEnv.PYSPARK_PYTHON=./pyspark_hail/bin/python "
    "--conf spark.executorEnv.PYSPARK_PYTHON=./pyspark_hail/bin/python"
)

GWAS = r'''
import json, os, sys
import hail as hl
from pyspark.sql import SparkSession

out = sys.argv[1]
spark = SparkSession.builder.appName("hail-gwas").getOrCreate()
# Hail's scratch space: shared (s3://) for what executors write, the
# process's own dir for local files (the sandbox keeps jobs out of /tmp).
hl.init(sc=spark.sparkContext, quiet=True, tmp_dir=out + "tmp/",
        local_tmpdir=os.path.join(os.getcwd(), "hail-tmp"), log=os.path.join(os.getcwd(), "hail.log"))
mt = hl.balding_nichols_model(n_populations=3, n_samples=100, n_variants=500, n_partitions=4)
mt = mt.annotate_cols(pheno=hl.rand_norm(0, 1, seed=7))
gwas = hl.linear_regression_rows(y=mt.pheno, x=mt.GT.n_alt_alleles(), covariates=[1.0])
gwas.write(out + "gwas.ht", overwrite=True)
back = hl.read_table(out + "gwas.ht")
p_values = back.aggregate(hl.agg.count_where(hl.is_defined(back.p_value)))
# Where Python tasks ran: the executors' own dirs when they are processes.
cwds = spark.sparkContext.parallelize(range(4), 4).map(lambda _: os.getcwd()).distinct().collect()
print("GWAS " + json.dumps({"rows": back.count(), "p_values": p_values, "fields": sorted(back.row),
                            "hail": hl.version(), "spark": spark.version, "driver_cwd": os.getcwd(),
                            "task_cwds": cwds}), flush=True)
'''


def build_hail_venv(python: str, base: Path) -> tuple[Path, Path]:
    """(`pyspark_hail.tar.gz` packed by venv-pack, Hail's `hail-all-spark.jar`), under `base`."""
    env = base / "pyspark_hail"
    run = dict(check=True, capture_output=True, text=True, timeout=1800)
    subprocess.run([python, "-m", "venv", str(env)], **run)
    pip = [str(env / "bin" / "python"), "-m", "pip", "-q", "--disable-pip-version-check"]
    subprocess.run(pip + ["install", HAIL, VENV_PACK], **run)
    subprocess.run(pip + ["uninstall", "-y", "pyspark", "py4j"], **run)
    jars = list(env.glob("lib/python*/site-packages/hail/backend/hail-all-spark.jar"))
    if len(jars) != 1:
        raise RuntimeError(f"expected one hail-all-spark.jar in the venv, found {jars}")
    archive = base / "pyspark_hail.tar.gz"
    subprocess.run([str(env / "bin" / "venv-pack"), "-q", "-p", str(env), "-o", str(archive)], **run)
    return archive, jars[0]


def upload_hail_job(s3, bucket: str, archive: Path, jar: Path) -> None:
    """The walkthrough's uploads: the packed venv, Hail's jar and the GWAS."""
    s3.create_bucket(Bucket=bucket)
    s3.upload_file(str(archive), bucket, "deps/pyspark_hail.tar.gz")
    s3.upload_file(str(jar), bucket, "deps/hail-all-spark.jar")
    s3.put_object(Bucket=bucket, Key="code/gwas.py", Body=GWAS.encode())
