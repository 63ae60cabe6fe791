//! CHAR(n) and VARCHAR(n) through a whole job: Hive pads a CHAR(n) to n
//! characters (not bytes) when it stores or casts one, cuts a VARCHAR(n),
//! and the masking functions return a CHAR(255) for a CHAR argument.

mod common;

use common::Env;

#[tokio::test]
async fn insert_pads_char_columns_and_cuts_varchar_ones() {
    let env = Env::new();
    let run = env
        .run(
            "CREATE TABLE t (c char(8), v varchar(3), s string) LOCATION 's3://data/t/';
             INSERT INTO t VALUES ('Абв', 'ございます', 'x'), ('too long for it', 'ab', 'y');
             SELECT concat('[', c, ']'), v, s FROM t ORDER BY s;",
        )
        .await;
    assert_eq!(run.ok(), "[Абв     ]\tござい\tx\n[too long]\tab\ty\n");
}

#[tokio::test]
async fn masking_a_char_gives_a_char_255() {
    let env = Env::new();
    let run = env
        .run(
            "SELECT length(mask(cast('Ab1' as char(5)))), mask(cast('Ab1' as varchar(5)), 'X', 'x', '0', ':'),
                    mask_hash(cast('Ab1' as varchar(5)));",
        )
        .await;
    assert_eq!(run.ok(), "255\tXx0\tc99f1621ddb8d08a4cac6ee4b6989349\n");
}

#[tokio::test]
async fn a_char_unions_with_a_string() {
    let env = Env::new();
    let run =
        env.run("SELECT x FROM (SELECT cast('a' as char(3)) AS x UNION ALL SELECT 'bb' AS x) u ORDER BY x;").await;
    assert_eq!(run.ok(), "a  \nbb\n");
}
