//! The 22 TPC-H queries of `tests/tpch/queries/` plan and run over empty
//! tables: a rewrite or analyzer rule that breaks one of them (a correlated
//! scalar subquery, decimal arithmetic, an EXISTS) fails here, in `cargo
//! test`, before the e2e suite compares their answers with DuckDB's
//! (`tests/e2e/test_tpch.py`, whose table definitions these mirror).

mod common;

use common::Env;

const TABLES: [(&str, &str); 8] = [
    ("nation", "n_nationkey int, n_name string, n_regionkey int, n_comment string"),
    ("region", "r_regionkey int, r_name string, r_comment string"),
    (
        "part",
        "p_partkey bigint, p_name string, p_mfgr string, p_brand string, p_type string, p_size int, \
         p_container string, p_retailprice decimal(15,2), p_comment string",
    ),
    (
        "supplier",
        "s_suppkey bigint, s_name string, s_address string, s_nationkey int, s_phone string, \
         s_acctbal decimal(15,2), s_comment string",
    ),
    (
        "partsupp",
        "ps_partkey bigint, ps_suppkey bigint, ps_availqty int, ps_supplycost decimal(15,2), ps_comment string",
    ),
    (
        "customer",
        "c_custkey bigint, c_name string, c_address string, c_nationkey int, c_phone string, \
         c_acctbal decimal(15,2), c_mktsegment string, c_comment string",
    ),
    (
        "orders",
        "o_orderkey bigint, o_custkey bigint, o_orderstatus string, o_totalprice decimal(15,2), \
         o_orderdate date, o_orderpriority string, o_clerk string, o_shippriority int, o_comment string",
    ),
    (
        "lineitem",
        "l_orderkey bigint, l_partkey bigint, l_suppkey bigint, l_linenumber int, \
         l_quantity decimal(15,2), l_extendedprice decimal(15,2), l_discount decimal(15,2), \
         l_tax decimal(15,2), l_returnflag string, l_linestatus string, l_shipdate date, \
         l_commitdate date, l_receiptdate date, l_shipinstruct string, l_shipmode string, l_comment string",
    ),
];

#[tokio::test]
async fn every_tpch_query_plans_and_runs_over_empty_tables() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/tpch/queries");
    let mut names: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
    names.sort();
    assert_eq!(names.len(), 22, "{names:?}");
    let env = Env::new();
    for (table, _) in TABLES {
        env.put(&format!("data/{table}/empty"), "");
    }
    let ddl: String = TABLES
        .iter()
        .map(|(table, columns)| {
            format!(
                "CREATE EXTERNAL TABLE {table} ({columns}) ROW FORMAT DELIMITED FIELDS TERMINATED BY '|' \
                 LOCATION 's3://data/{table}/';\n"
            )
        })
        .collect();
    env.run(&ddl).await.ok();
    let mut failed = Vec::new();
    for path in names {
        let query = std::fs::read_to_string(&path).unwrap();
        let run = env.run(&query).await;
        if let Err(failure) = &run.result {
            failed.push(format!("{}: {failure}", path.display()));
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}
