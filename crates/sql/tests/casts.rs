//! Hive's conversions never fail a query: padded numbers parse as Java
//! parses them, and a value that is not of the target type is NULL, in an
//! explicit CAST, in comparisons and arithmetic, and on INSERT.

mod common;

use common::Env;

/// Quoted CSV with space-padded numbers, as NOAA's GSOD files in the EMR Hive sample.
const GSOD: &str = "\"STN\",\"TEMP\",\"MAX\"\n\"722950\",\" 81.5\",\"  90.1\"\n\"722951\",\"  9.0\",\"9999.9*\"\n\"722952\",\"n/a\",\" -3.2 \"\n";

async fn gsod(env: &Env) {
    env.put("data/gsod/2024.csv", GSOD);
    env.run(
        "CREATE EXTERNAL TABLE gsod (stn string, temp string, max string)
           ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
           LOCATION 's3://data/gsod/' TBLPROPERTIES ('skip.header.line.count'='1')",
    )
    .await
    .ok();
}

#[tokio::test]
async fn padded_numbers_cast_and_bad_ones_are_null() {
    let env = Env::new();
    gsod(&env).await;
    let run = env
        .run("SELECT stn, CAST(temp AS double), CAST(max AS double), CAST(temp AS int) FROM gsod ORDER BY stn")
        .await;
    assert_eq!(run.ok(), "722950\t81.5\t90.1\t81\n722951\t9.0\tNULL\t9\n722952\tNULL\t-3.2\tNULL\n");
}

#[tokio::test]
async fn implicit_conversions_use_the_same_rules() {
    let env = Env::new();
    gsod(&env).await;
    let run = env.run("SELECT stn, temp + 1 FROM gsod WHERE temp > 5 ORDER BY stn").await;
    assert_eq!(run.ok(), "722950\t82.5\n722951\t10.0\n");
    let run = env
        .run(
            "CREATE TABLE typed (stn int, temp double, max decimal(5,1));
             INSERT INTO typed SELECT stn, temp, max FROM gsod;
             SELECT * FROM typed ORDER BY stn;",
        )
        .await;
    assert_eq!(run.ok(), "722950\t81.5\t90.1\n722951\t9.0\tNULL\n722952\tNULL\t-3.2\n");
}

#[tokio::test]
async fn every_primitive_target_follows_hive() {
    let env = Env::new();
    let run = env
        .run(
            "SELECT CAST(' 42 ' AS int), CAST('x' AS int), CAST('12.9' AS bigint), CAST('300' AS tinyint),
                    CAST('-32768' AS smallint), CAST('2147483648' AS int), CAST('1e3' AS float);
             SELECT CAST('1.005' AS decimal(10,2)), CAST('123456' AS decimal(5,0)), CAST(' 7 ' AS decimal);
             SELECT CAST(' 2024-3-5 ' AS date), CAST('2024-02-30' AS date), CAST('2024-01-02 03:04:05' AS timestamp),
                    CAST('noon' AS timestamp);
             SELECT CAST('false' AS boolean), CAST('' AS boolean), CAST('yes' AS boolean), CAST(1 AS boolean);
             SELECT CAST(3.7 AS int), CAST(300 AS tinyint), TRY_CAST('x' AS double);",
        )
        .await;
    let out = run.ok();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "42\tNULL\t12\tNULL\t-32768\tNULL\t1000.0", "{out}");
    assert_eq!(lines[1], "1.01\tNULL\t7", "{out}");
    // A day past the month's end rolls over, as Hive's udf_months_between
    // qtest shows for cast('2002-02-31' as date).
    assert_eq!(lines[2], "2024-03-05\t2024-03-01\t2024-01-02 03:04:05\tNULL", "{out}");
    assert_eq!(lines[3], "false\tfalse\ttrue\ttrue", "{out}");
    // Numbers narrow as Java casts do: wrapping.
    assert_eq!(lines[4], "3\t44\tNULL", "{out}");
}
