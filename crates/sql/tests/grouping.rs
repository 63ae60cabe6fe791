//! Hive 2.1's grouping extensions end to end: CUBE, ROLLUP, GROUPING SETS,
//! `GROUPING__ID` and `grouping(col)`, whose bits Hive 2.1 sets for the
//! columns a row IS grouped by (the first GROUP BY column is bit 0).

mod common;

use common::Env;

/// The rows of `groupby_groupingid.txt` from Hive's test data.
const SETUP: &str = "CREATE EXTERNAL TABLE IF NOT EXISTS t1 (key INT, value INT)
    ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://data/t1/';";

fn env() -> Env {
    let env = Env::new();
    env.put("data/t1/rows.csv", "1,\\N\n1,1\n2,2\n3,3\n3,\\N\n4,5\n");
    env
}

fn sorted(out: &str) -> Vec<&str> {
    let mut rows: Vec<&str> = out.lines().collect();
    rows.sort_unstable();
    rows
}

#[tokio::test]
async fn rollup_grouping_id_and_grouping_are_hive_2_bits() {
    let env = env();
    let run = env
        .run(&format!(
            "{SETUP}\nSELECT key, value, GROUPING__ID, grouping(key), grouping(value) FROM t1 GROUP BY key, value WITH ROLLUP;"
        ))
        .await;
    assert_eq!(
        sorted(run.ok()),
        vec![
            "1\t1\t3\t1\t1",
            "1\tNULL\t1\t1\t0",
            "1\tNULL\t3\t1\t1",
            "2\t2\t3\t1\t1",
            "2\tNULL\t1\t1\t0",
            "3\t3\t3\t1\t1",
            "3\tNULL\t1\t1\t0",
            "3\tNULL\t3\t1\t1",
            "4\t5\t3\t1\t1",
            "4\tNULL\t1\t1\t0",
            "NULL\tNULL\t0\t0\t0",
        ]
    );
}

#[tokio::test]
async fn cube_call_form_filters_on_grouping_in_having() {
    let env = env();
    let run = env
        .run(&format!(
            "{SETUP}\nSELECT key, value, grouping(key) + grouping(value) AS x FROM t1 GROUP BY cube(key, value)
               HAVING grouping(key) = 1 OR grouping(value) = 1 ORDER BY x DESC, key, value;"
        ))
        .await;
    let rows: Vec<&str> = run.ok().lines().collect();
    assert_eq!(rows.len(), 15, "{rows:?}");
    assert_eq!(rows[0], "1\tNULL\t2");
    assert!(rows[6..].iter().all(|r| r.ends_with("\t1")), "{rows:?}");
}

#[tokio::test]
async fn repeated_sets_count_once_and_ungrouped_keys_are_null() {
    let env = env();
    let run = env.run(&format!("{SETUP}\nSELECT key FROM t1 GROUP BY key GROUPING SETS ((key), (key));")).await;
    assert_eq!(sorted(run.ok()), vec!["1", "2", "3", "4"]);
    let run = env
        .run(&format!(
            "{SETUP}\nSELECT key, value, GROUPING__ID, count(*) FROM t1 GROUP BY key, value
               GROUPING SETS ((), (key)) HAVING GROUPING__ID = 1;"
        ))
        .await;
    assert_eq!(sorted(run.ok()), vec!["1\tNULL\t1\t2", "2\tNULL\t1\t1", "3\tNULL\t1\t2", "4\tNULL\t1\t1"]);
}

#[tokio::test]
async fn grouping_id_of_a_subquery_is_a_column() {
    let env = env();
    let run = env
        .run(&format!(
            "{SETUP}\nSELECT GROUPING__ID, count(*) FROM
               (SELECT key, value, GROUPING__ID, count(*) FROM t1 GROUP BY ROLLUP (key, value)) t
             GROUP BY GROUPING__ID;"
        ))
        .await;
    assert_eq!(sorted(run.ok()), vec!["0\t1", "1\t4", "3\t6"]);
}
