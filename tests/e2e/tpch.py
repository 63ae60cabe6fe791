"""TPC-H in the Hive dialect over `|`-delimited text tables: data from
DuckDB's tpch extension (the PyPI package `duckdb-extension-tpch`, loaded
from its file, so nothing is downloaded), the HiveQL script that creates the
eight tables on `s3://` and writes each query's rows to a directory, and
DuckDB's own answers to compare with. Shared by tests/e2e/test_tpch.py and
bench/tpch.py.
"""
from __future__ import annotations

import math
import os
from pathlib import Path

QUERIES = Path(__file__).resolve().parent.parent / "tpch" / "queries"

# The spec's columns, in dbgen's order, with Hive types.
TABLES = {
    "nation": "n_nationkey int, n_name string, n_regionkey int, n_comment string",
    "region": "r_regionkey int, r_name string, r_comment string",
    "part": ("p_partkey bigint, p_name string, p_mfgr string, p_brand string, p_type string, p_size int, "
             "p_container string, p_retailprice decimal(15,2), p_comment string"),
    "supplier": ("s_suppkey bigint, s_name string, s_address string, s_nationkey int, s_phone string, "
                 "s_acctbal decimal(15,2), s_comment string"),
    "partsupp": ("ps_partkey bigint, ps_suppkey bigint, ps_availqty int, ps_supplycost decimal(15,2), "
                 "ps_comment string"),
    "customer": ("c_custkey bigint, c_name string, c_address string, c_nationkey int, c_phone string, "
                 "c_acctbal decimal(15,2), c_mktsegment string, c_comment string"),
    "orders": ("o_orderkey bigint, o_custkey bigint, o_orderstatus string, o_totalprice decimal(15,2), "
               "o_orderdate date, o_orderpriority string, o_clerk string, o_shippriority int, o_comment string"),
    "lineitem": ("l_orderkey bigint, l_partkey bigint, l_suppkey bigint, l_linenumber int, "
                 "l_quantity decimal(15,2), l_extendedprice decimal(15,2), l_discount decimal(15,2), "
                 "l_tax decimal(15,2), l_returnflag string, l_linestatus string, l_shipdate date, "
                 "l_commitdate date, l_receiptdate date, l_shipinstruct string, l_shipmode string, "
                 "l_comment string"),
}


def connect(sf: float):
    """A DuckDB connection with TPC-H at scale factor `sf` generated."""
    import duckdb
    import duckdb_extension_tpch

    root = Path(duckdb_extension_tpch.__file__).parent / "extensions"
    found = sorted(root.glob("*/tpch.duckdb_extension"))
    if not found:
        raise RuntimeError(f"no tpch.duckdb_extension under {root}")
    con = duckdb.connect()
    con.execute(f"LOAD '{found[-1]}'")
    con.execute(f"CALL dbgen(sf={sf})")
    return con


def export(con, out: Path) -> dict[str, Path]:
    """Each table as one `|`-delimited text file without a header."""
    files = {}
    for table in TABLES:
        path = out / f"{table}.tbl"
        con.execute(f"COPY {table} TO '{path}' (DELIMITER '|', HEADER false, QUOTE '')")
        files[table] = path
    return files


def query_names() -> list[str]:
    return sorted(p.stem for p in QUERIES.glob("q*.sql"))


def hive_script(bucket: str, data_prefix: str, out_prefix: str) -> str:
    """Creates the tables over `s3://bucket/data_prefix/<table>/` and writes
    each query's rows to `s3://bucket/out_prefix/<query>/`."""
    lines = []
    for table, columns in TABLES.items():
        lines.append(f"CREATE EXTERNAL TABLE {table} ({columns}) ROW FORMAT DELIMITED FIELDS TERMINATED BY '|' "
                     f"STORED AS TEXTFILE LOCATION 's3://{bucket}/{data_prefix}/{table}/';")
    for name in query_names():
        query = (QUERIES / f"{name}.sql").read_text().strip().rstrip(";")
        lines.append(f"INSERT OVERWRITE DIRECTORY 's3://{bucket}/{out_prefix}/{name}/' "
                     f"ROW FORMAT DELIMITED FIELDS TERMINATED BY '|'\n{query};")
    return "\n".join(lines) + "\n"


def duckdb_answers(con) -> dict[str, list[tuple]]:
    """DuckDB's own TPC-H queries (`tpch_queries()`), by query name."""
    answers = {}
    for number, in con.execute("SELECT query_nr FROM tpch_queries() ORDER BY query_nr").fetchall():
        answers[f"q{number:02d}"] = con.execute(f"PRAGMA tpch({number})").fetchall()
    return answers


def parse_rows(text: str) -> list[tuple]:
    """The rows of a query's output files, fields as text (`\\N` is NULL)."""
    return [tuple(None if f == "\\N" else f for f in line.split("|")) for line in text.splitlines() if line]


def _normal(value):
    """DuckDB's value as the text output has it: numbers as floats, dates
    and strings as text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)) or type(value).__name__ == "Decimal":
        return float(value)
    return str(value)


def _typed(ours: tuple, theirs: tuple) -> tuple:
    """Our text fields read as the types DuckDB's answer has."""
    out = []
    for text, value in zip(ours, theirs):
        if isinstance(value, float) and text is not None:
            try:
                out.append(float(text))
                continue
            except ValueError:
                pass
        out.append(text)
    return tuple(out)


def same_rows(ours: list[tuple], theirs: list[tuple]) -> str | None:
    """None when both are the same multiset of rows (numbers within a cent
    or 1e-9 of each other, relatively); else what differs."""
    theirs = [tuple(_normal(v) for v in row) for row in theirs]
    if len(ours) != len(theirs):
        return f"{len(ours)} rows, DuckDB {len(theirs)}"
    if theirs and any(len(row) != len(theirs[0]) for row in ours):
        return f"rows of other widths than DuckDB's {len(theirs[0])}: {ours[:3]}"
    ours = [_typed(row, theirs[0]) for row in ours]

    def key(row):
        return tuple((0, round(v, 1), "") if isinstance(v, float) else (1, 0.0, str(v)) for v in row)

    for a, b in zip(sorted(ours, key=key), sorted(theirs, key=key)):
        for x, y in zip(a, b):
            if isinstance(x, float) and isinstance(y, float):
                if not math.isclose(x, y, rel_tol=1e-9, abs_tol=0.01):
                    return f"row {a} differs from DuckDB's {b}"
            elif x != y:
                return f"row {a} differs from DuckDB's {b}"
    return None


def object_text(s3, bucket: str, prefix: str) -> str:
    """Every object under `prefix` (a query's output files), concatenated."""
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.extend(o["Key"] for o in page.get("Contents", []) if not os.path.basename(o["Key"]).startswith(("_", ".")))
    return "".join(s3.get_object(Bucket=bucket, Key=k)["Body"].read().decode() for k in sorted(keys))
