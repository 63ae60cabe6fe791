//! Parse errors point at the offending token in the file, as Hive's
//! `line L:C` does, with the statement number; runtime errors name the
//! statement and its first line.

mod common;

use common::Env;
use sparkplane_sql::SqlJob;

#[tokio::test]
async fn syntax_error_names_the_line_and_column_of_the_token() {
    let env = Env::new();
    // The case: the bad token is on line 3, the statement starts on line 2.
    let script = "SELECT 1;\nSELECT stn, avg(temp)\n  FROM gsod GROUP BY stn year;\nSELECT 'not reached';\n";
    let run = env.run(script).await;
    let err = run.err();
    assert_eq!(err, "syntax error in statement 2, line 3:26: unexpected 'year' after the query");
    assert!(run.stderr.contains(&format!("FAILED: {err}")), "{}", run.stderr);
    assert_eq!(run.stdout, "1\n");
}

#[tokio::test]
async fn positions_count_from_the_top_of_each_file() {
    let env = Env::new();
    // Leading comments and indentation before the statement.
    let run = env.run("-- header\n\n   /* note */ SELECT a b c FROM t;").await;
    assert_eq!(run.err(), "syntax error in statement 1, line 3:26: unexpected 'c' after the query");
    // Init script and query file each by their own lines.
    let job =
        SqlJob { init_script: Some("SET x=1;\n\nSELECT 1 2;".into()), query: "SELECT 1;".into(), ..Default::default() };
    let run = env.run_job(job).await;
    assert_eq!(run.err(), "syntax error in init script statement 2, line 3:10: unexpected '2' after the query");
    let job = SqlJob { init_script: Some("SET x=1;".into()), query: "\nSELECT\n 1 2;".into(), ..Default::default() };
    assert_eq!(run_err(&env, job).await, "syntax error in statement 1, line 3:4: unexpected '2' after the query");
}

#[tokio::test]
async fn positions_survive_variable_substitution() {
    let env = Env::new();
    let job = SqlJob {
        query: "SELECT *\n  FROM ${hivevar:table_name} t extra;".into(),
        parameters: Some("--hivevar table_name=a_much_longer_table_name".into()),
        ..Default::default()
    };
    // `extra` is at column 32 as written, not where the substituted text has it.
    assert_eq!(run_err(&env, job).await, "syntax error in statement 1, line 2:32: unexpected 'extra' after the query");
}

#[tokio::test]
async fn our_own_ddl_parser_reports_positions_too() {
    let env = Env::new();
    let run = env.run("CREATE TABLE t (a int)\n  STORED ASS PARQUET;").await;
    assert_eq!(run.err(), "syntax error in statement 1, line 2:3: unexpected clause in CREATE TABLE, found 'STORED'");
}

#[tokio::test]
async fn analysis_errors_point_at_the_token_they_name() {
    let env = Env::new();
    let run = env.run("SELECT 1;\n\nSELECT *\n  FROM missing;").await;
    assert_eq!(run.err(), "statement 2, line 4:8: Table not found: default.missing");
    let run = env.run("SELECT 1;\nSELECT 'nope', -- nope\n  nope(1)\nFROM (SELECT 1 AS a) t;").await;
    assert!(run.err().starts_with("statement 2, line 3:3: "), "{}", run.err());
    let run = env.run("SELECT a,\n       b_missing\nFROM (SELECT 1 AS a) t;").await;
    assert!(run.err().starts_with("statement 1, line 2:8: "), "{}", run.err());
    assert!(run.err().contains("b_missing"), "{}", run.err());
}

#[tokio::test]
async fn errors_without_a_token_keep_the_statement_line() {
    let env = Env::new();
    let run = env.run("SELECT 1;\n\nCREATE INDEX i ON TABLE emp (name) AS 'COMPACT';").await;
    assert!(run.err().starts_with("statement 2 (line 3): unsupported statement"), "{}", run.err());
}

async fn run_err(env: &Env, job: SqlJob) -> String {
    env.run_job(job).await.err()
}
