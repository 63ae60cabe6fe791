//! Writing: INSERT INTO/OVERWRITE (static and dynamic partitions), CTAS,
//! OVERWRITE DIRECTORY, and the memory limit.

mod common;

use common::Env;

fn files_under(env: &Env, bucket_key: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![env.path(bucket_key)];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path().strip_prefix(env.path(bucket_key)).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn insert_into_and_overwrite_read_back() {
    let env = Env::new();
    env.employees().await;
    for format in ["STORED AS PARQUET", "ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t'", "STORED AS JSONFILE"] {
        let run = env
            .run(&format!(
                "DROP TABLE IF EXISTS pay;
                 CREATE TABLE pay (name string, salary bigint, bonus double) {format};
                 INSERT INTO TABLE pay SELECT name, salary, salary / 10 FROM emp WHERE dept = 'eng';
                 INSERT INTO pay SELECT name, salary, NULL FROM emp WHERE dept = 'sales';
                 SELECT * FROM pay ORDER BY name;
                 WITH b AS (SELECT * FROM pay WHERE name = 'bob')
                 INSERT OVERWRITE TABLE pay SELECT name, salary * 2, 0.5 FROM b;
                 SELECT * FROM pay;"
            ))
            .await;
        assert_eq!(
            run.ok(),
            "alice\t120\t12.0\nbob\t100\t10.0\ncarol\t120\t12.0\nfrank\tNULL\tNULL\nbob\t200\t0.5\n",
            "format {format}"
        );
        assert!(run.stderr.contains("Loading data to table default.pay"), "{}", run.stderr);
        let report = run.result.unwrap();
        assert_eq!(report.statements[2].rows, Some(3));
        assert_eq!(files_under(&env, "warehouse/hive/pay").len(), 1, "overwrite left old files");
    }
    let run = env.run("INSERT INTO pay SELECT name FROM emp").await;
    assert!(run.err().contains("the target has 3 columns but the query returns 1"), "{}", run.err());
}

#[tokio::test]
async fn static_and_dynamic_partition_inserts() {
    let env = Env::new();
    env.employees().await;
    let run = env
        .run(
            "CREATE TABLE by_dept (name string, salary int) PARTITIONED BY (year string, dept string) STORED AS PARQUET;
             INSERT INTO TABLE by_dept PARTITION (year='2024', dept='eng') SELECT name, salary FROM emp WHERE dept = 'eng';
             INSERT OVERWRITE TABLE by_dept PARTITION (year='2024', dept) SELECT name, salary, dept FROM emp WHERE dept <> 'eng';
             SHOW PARTITIONS by_dept;
             SELECT dept, count(*), sum(salary) FROM by_dept WHERE year = '2024' GROUP BY dept ORDER BY dept;
             INSERT OVERWRITE TABLE by_dept PARTITION (year='2024', dept) SELECT 'zed', 1, 'ops';
             SELECT dept, name FROM by_dept WHERE dept <> 'eng' ORDER BY dept, name;",
        )
        .await;
    assert_eq!(
        run.ok(),
        "year=2024/dept=eng\nyear=2024/dept=ops\nyear=2024/dept=sales\n\
         eng\t3\t340\nops\t2\t185\nsales\t1\tNULL\n\
         ops\tzed\nsales\tfrank\n"
    );
    // Hive 3: without a PARTITION clause every partition column is dynamic.
    let run = env
        .run(
            "INSERT INTO by_dept SELECT name, salary, '2025', dept FROM emp WHERE dept = 'ops';
             SELECT year, count(*) FROM by_dept GROUP BY year ORDER BY year;",
        )
        .await;
    assert_eq!(run.ok(), "2024\t5\n2025\t2\n");
    let run = env.run("INSERT INTO by_dept PARTITION (dept='x', year='y') SELECT name, salary FROM emp").await;
    assert!(run.err().contains("out of order"), "{}", run.err());
}

#[tokio::test]
async fn insert_overwrite_if_not_exists_keeps_an_existing_partition() {
    let env = Env::new();
    env.employees().await;
    let run = env
        .run(
            "CREATE TABLE top (name string) PARTITIONED BY (dept string);
             INSERT OVERWRITE TABLE top PARTITION (dept='eng') IF NOT EXISTS SELECT name FROM emp WHERE dept = 'eng';
             INSERT OVERWRITE TABLE top PARTITION (dept='eng') IF NOT EXISTS SELECT 'zed';
             SELECT count(*) FROM top WHERE dept = 'eng';",
        )
        .await;
    // The second insert finds the partition and writes nothing (Hive skips it).
    assert_eq!(run.ok(), "3\n");
    assert!(run.stderr.contains("exists, skipped"), "{}", run.stderr);
    let run = env.run("INSERT OVERWRITE TABLE top PARTITION (dept) IF NOT EXISTS SELECT name, dept FROM emp").await;
    assert!(run.err().contains("Dynamic partitions do not support IF NOT EXISTS"), "{}", run.err());
}

#[tokio::test]
async fn create_table_as_select_and_directory_export() {
    let env = Env::new();
    env.employees().await;
    let run = env
        .run(
            "CREATE TABLE dept_stats STORED AS PARQUET AS
               SELECT dept, count(*), max(salary) AS top FROM emp GROUP BY dept;
             DESCRIBE dept_stats;
             SELECT * FROM dept_stats ORDER BY dept;
             INSERT OVERWRITE DIRECTORY 's3://out/report/' ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
               SELECT dept, top FROM dept_stats ORDER BY dept;",
        )
        .await;
    let out = run.ok();
    assert!(out.starts_with("dept                \tstring"), "{out}");
    assert!(out.contains("_c1                 \tbigint"), "{out}");
    assert!(out.ends_with("eng\t3\t120\nops\t2\t95\nsales\t1\tNULL\n"), "{out}");
    let files = files_under(&env, "out/report");
    let text: String = files.iter().map(|f| std::fs::read_to_string(env.path("out/report").join(f)).unwrap()).collect();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.sort();
    assert_eq!(lines, vec!["eng,120", "ops,95", "sales,\\N"]);

    let run = env.run("CREATE TABLE dept_stats AS SELECT 1").await;
    assert_eq!(run.err(), "statement 1 (line 1): Table already exists: default.dept_stats");
}

#[tokio::test]
async fn memory_limit_fails_cleanly_or_spills() {
    let mut env = Env::new();
    let mut csv = String::new();
    for i in 0..200_000u32 {
        csv.push_str(&format!("{},{}-{}\n", i % 50_000, i, "x".repeat(20)));
    }
    env.put("data/big/big.csv", csv);
    env.options.memory_limit_bytes = 512 * 1024;
    env.options.target_partitions = 1;
    let run = env
        .run(
            "CREATE EXTERNAL TABLE big (k int, v string) ROW FORMAT DELIMITED FIELDS TERMINATED BY ','
               LOCATION 's3://data/big/';
             SELECT k, count(DISTINCT v) c, max(v) FROM big GROUP BY k ORDER BY c DESC, k LIMIT 3;",
        )
        .await;
    match &run.result {
        Ok(_) => assert!(run.stdout.starts_with("0\t4\t"), "{}", run.stdout),
        Err(e) => {
            let msg = e.to_string();
            assert!(msg.starts_with("statement 2 (line 3): "), "{msg}");
            assert!(msg.contains("Resources exhausted"), "{msg}");
        }
    }
}
