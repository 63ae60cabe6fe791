//! Arrays, maps and structs in text tables: the delimiters a table declares
//! are used both to read its files and to write them, as LazySimpleSerDe does.

mod common;

use common::Env;

#[tokio::test]
async fn reads_declared_collection_and_map_key_delimiters() {
    let env = Env::new();
    env.put("data/tags/part-0", "1\ta,b,c\tx:1,y:2\n2\t\t\\N\n3\t\\N\tz:\\N\n");
    let run = env
        .run(
            "CREATE EXTERNAL TABLE tags (id int, t array<string>, m map<string,int>)
               ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t' COLLECTION ITEMS TERMINATED BY ','
               MAP KEYS TERMINATED BY ':' LOCATION 's3://data/tags/';
             SELECT id, t, m, size(t), m['y'] FROM tags ORDER BY id;",
        )
        .await;
    // An empty field is an empty array; `\\N` is NULL, for a whole field or one value.
    assert_eq!(
        run.ok(),
        "1\t[\"a\",\"b\",\"c\"]\t{\"x\":1,\"y\":2}\t3\t2\n2\t[]\tNULL\t0\tNULL\n3\tNULL\t{\"z\":null}\t-1\tNULL\n"
    );
}

#[tokio::test]
async fn insert_writes_hive_separators_and_reads_them_back() {
    let env = Env::new();
    let run = env
        .run(
            "CREATE TABLE nested (a array<int>, s struct<x:string,y:double>) STORED AS TEXTFILE
               LOCATION 's3://data/nested/';
             INSERT INTO nested SELECT array(1, NULL, 3), named_struct('x', 'k', 'y', 1.5);
             SELECT * FROM nested;",
        )
        .await;
    assert_eq!(run.ok(), "[1,null,3]\t{\"x\":\"k\",\"y\":1.5}\n");
    let dir = env.path("data/nested");
    let text: String =
        std::fs::read_dir(&dir).unwrap().flatten().map(|e| std::fs::read_to_string(e.path()).unwrap()).collect();
    assert_eq!(text, "1\u{2}\\N\u{2}3\u{1}k\u{2}1.5\n");
}

#[tokio::test]
async fn replace_columns_of_a_nested_table_needs_the_type_check_off() {
    let env = Env::new();
    let run = env
        .run(
            "CREATE TABLE t3 (a array<int>, b double, c map<double,int>) STORED AS TEXTFILE;
             ALTER TABLE t3 REPLACE COLUMNS (r1 int, r2 double);",
        )
        .await;
    assert!(
        run.err().contains("types incompatible with the existing columns in their respective positions"),
        "{}",
        run.err()
    );
    let run = env
        .run(
            "SET hive.metastore.disallow.incompatible.col.type.changes=false;
             ALTER TABLE t3 REPLACE COLUMNS (r1 int, r2 double);
             DESCRIBE t3;",
        )
        .await;
    assert_eq!(run.ok(), "r1                  \tint                 \t                    \nr2                  \tdouble              \t                    \n");
}
