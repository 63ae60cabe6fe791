//! Failures raised while a statement executes (not while it is parsed or
//! planned) name the statement and line, and the job's report keeps the
//! statements that ran before the failure.

mod common;

use common::Env;
use sparkplane_sql::SqlJob;

#[tokio::test]
async fn unreadable_parquet_fails_at_execution_naming_the_statement() {
    let env = Env::new();
    env.put("data/bad/part-0.parquet", "this is not a parquet file, only text pretending to be one\n");
    let run = env
        .run(
            "CREATE EXTERNAL TABLE bad (k int, v string) STORED AS PARQUET LOCATION 's3://data/bad/';\n\n\
             SELECT k, v\n  FROM bad;\nSELECT 'never reached';\n",
        )
        .await;
    let failure = run.failure();
    let message = failure.error.to_string();
    assert!(message.starts_with("statement 2 (line 3): "), "{message}");
    assert!(message.contains("Invalid Parquet file"), "{message}");
    assert!(!message.contains("Parquet error: Parquet error"), "{message}");
    assert_eq!(run.err(), message, "the failure displays as its error");
    assert!(run.stderr.contains(&format!("FAILED: {message}")), "{}", run.stderr);
    assert!(!run.stdout.contains("never reached"), "{}", run.stdout);
    // The CREATE before it succeeded and is reported.
    let statements = &failure.report.statements;
    assert_eq!(statements.len(), 1, "{statements:?}");
    assert_eq!((statements[0].index, statements[0].line), (1, 1));
}

#[tokio::test]
async fn insert_of_unreadable_source_fails_naming_the_statement() {
    let env = Env::new();
    env.put("data/bad/part-0.parquet", "PAR1 garbage");
    let run = env
        .run(
            "CREATE EXTERNAL TABLE bad (k int) STORED AS PARQUET LOCATION 's3://data/bad/';
             CREATE TABLE copy (k int);
             INSERT INTO copy SELECT k FROM bad;",
        )
        .await;
    let message = run.err();
    assert!(message.starts_with("statement 3 (line 3): "), "{message}");
    assert_eq!(run.failure().report.statements.len(), 2);
}

#[tokio::test]
async fn init_script_statements_are_reported_before_a_failure() {
    let env = Env::new();
    env.put("data/bad/x.parquet", "nope");
    let job = SqlJob {
        init_script: Some(
            "SET hivevar:t=bad;\nCREATE EXTERNAL TABLE bad (k int) STORED AS PARQUET LOCATION 's3://data/bad/';".into(),
        ),
        query: "SELECT 1;\nSELECT count(*) FROM ${t} WHERE k > 0;".into(),
        ..Default::default()
    };
    let run = env.run_job(job).await;
    let failure = run.failure();
    assert!(failure.error.to_string().starts_with("statement 2 (line 2): "), "{}", failure.error);
    let positions: Vec<(bool, usize)> = failure.report.statements.iter().map(|s| (s.init_script, s.index)).collect();
    assert_eq!(positions, vec![(true, 1), (true, 2), (false, 1)]);
    assert_eq!(run.stdout, "1\n");
}

#[tokio::test]
async fn init_script_failures_say_so() {
    let env = Env::new();
    env.put("data/bad/x.parquet", "nope");
    let job = SqlJob {
        init_script: Some(
            "CREATE EXTERNAL TABLE bad (k int) STORED AS PARQUET LOCATION 's3://data/bad/';\nSELECT * FROM bad;".into(),
        ),
        query: "SELECT 1;".into(),
        ..Default::default()
    };
    let run = env.run_job(job).await;
    assert!(run.err().starts_with("init script statement 2 (line 2): "), "{}", run.err());
    assert_eq!(run.failure().report.statements.len(), 1);
}

#[tokio::test]
async fn report_serializes_for_the_dashboard() {
    let env = Env::new();
    let run = env.run("SELECT 1;\nSELECT * FROM missing;").await;
    let json = serde_json::to_value(&run.failure().report).expect("serialize");
    assert_eq!(json["statements"][0]["index"], 1);
    assert_eq!(json["statements"][0]["textPreview"], "SELECT 1");
    assert_eq!(json["statements"][0]["rows"], 1);
    assert_eq!(json["statements"][0]["initScript"], false);
    assert_eq!(json["statements"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn memory_pool_exhaustion_names_the_statement() {
    let mut env = Env::new();
    let mut csv = String::new();
    for i in 0..100_000u32 {
        csv.push_str(&format!("{i},{}\n", "y".repeat(30)));
    }
    env.put("data/wide/w.csv", csv);
    // A hash join's build side cannot spill, so a pool far smaller than the
    // build side fails the statement rather than the process.
    env.options.memory_limit_bytes = 256 * 1024;
    env.options.target_partitions = 1;
    let run = env
        .run(
            "CREATE EXTERNAL TABLE w (k int, v string) ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
               LOCATION 's3://data/wide/';
             SELECT 1;
             SELECT count(*) FROM w a JOIN w b ON a.k = b.k AND a.v = b.v;",
        )
        .await;
    let message = run.err();
    assert!(message.starts_with("statement 3 (line 4): "), "{message}");
    assert!(message.contains("Resources exhausted"), "{message}");
    assert_eq!(run.failure().report.statements.len(), 2);
}
