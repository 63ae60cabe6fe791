//! TIMESTAMP values as Hive reads and prints them: in a CAST from a string,
//! in a text table (read with `Timestamp.valueOf` or the table's
//! `timestamp.formats`), in CAST to STRING, and when printed (the
//! fraction's trailing zeros dropped, none when whole). Hive keeps
//! nanoseconds; sparkplane keeps microseconds, because i64 nanoseconds only
//! span 1677 to 2262 and tables use `9999-12-31` as "no end", which must not
//! read as NULL.

mod common;

use common::Env;

#[tokio::test]
async fn casts_and_printing_keep_microseconds_and_far_years() {
    let env = Env::new();
    let run = env
        .run(
            "SELECT CAST('2011-05-06 07:08:09.1234567' AS timestamp), CAST('2011-01-01 01:01:01.111111111' AS timestamp),
                    CAST('2011-01-01 01:01:01.100' AS timestamp), CAST('2011-01-01 01:01:01' AS timestamp);
             SELECT CAST(CAST('2011-05-06 07:08:09.1234567' AS timestamp) AS string);
             SELECT CAST('9999-12-31 23:59:59' AS timestamp), CAST('0001-01-01 00:00:00' AS timestamp);",
        )
        .await;
    let out = run.ok();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0], "2011-05-06 07:08:09.123456\t2011-01-01 01:01:01.111111\t2011-01-01 01:01:01.1\t2011-01-01 01:01:01",
        "{out}"
    );
    assert_eq!(lines[1], "2011-05-06 07:08:09.123456", "{out}");
    assert_eq!(lines[2], "9999-12-31 23:59:59\t0001-01-01 00:00:00", "{out}");
}

#[tokio::test]
async fn text_tables_read_timestamps_like_lazy_timestamp() {
    let env = Env::new();
    env.put("data/ts/part-0", "2011-01-01 01:01:01.111111111|2011-01-01T01:01:01.111111111|2011-01-01T01:01:01\n");
    let run = env
        .run(
            "CREATE EXTERNAL TABLE ts (a timestamp, b timestamp, c timestamp)
               ROW FORMAT DELIMITED FIELDS TERMINATED BY '|' LOCATION 's3://data/ts/';
             SELECT * FROM ts;
             ALTER TABLE ts SET SERDEPROPERTIES (\"timestamp.formats\"=\"yyyy-MM-dd'T'HH:mm:ss,yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS\");
             SELECT * FROM ts;",
        )
        .await;
    let out = run.ok();
    let lines: Vec<&str> = out.lines().collect();
    // Without formats only `yyyy-MM-dd HH:mm:ss[.f]` reads; Joda keeps milliseconds.
    assert_eq!(lines[0], "2011-01-01 01:01:01.111111\tNULL\tNULL", "{out}");
    assert_eq!(lines[1], "2011-01-01 01:01:01.111111\t2011-01-01 01:01:01.111\t2011-01-01 01:01:01", "{out}");
}

#[tokio::test]
async fn text_tables_are_written_as_hive_prints() {
    let env = Env::new();
    let run = env
        .run(
            "CREATE TABLE written (t timestamp, n int) LOCATION 's3://data/written/';
             INSERT INTO written SELECT CAST('2011-05-06 07:08:09.1234567' AS timestamp), 1;
             INSERT INTO written SELECT CAST('2011-05-06 07:08:09' AS timestamp), 2;
             CREATE EXTERNAL TABLE raw (t string, n int) LOCATION 's3://data/written/';
             SELECT t FROM raw ORDER BY n;
             SELECT t FROM written ORDER BY n;",
        )
        .await;
    let out = run.ok();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines, ["2011-05-06 07:08:09.123456", "2011-05-06 07:08:09"].repeat(2), "{out}");
}
