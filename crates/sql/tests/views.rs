//! Views: created, read (over tables, over views, in joins and subqueries),
//! described, listed and dropped as Hive does, and kept in the catalog so a
//! later job reads them.

mod common;

use common::Env;

use sparkplane_sql::Catalog;

#[tokio::test]
async fn a_view_reads_its_query_and_persists_between_jobs() {
    let env = Env::new();
    env.employees().await;
    let run = env
        .run(
            "CREATE VIEW IF NOT EXISTS paid (who COMMENT 'employee', dept, salary) COMMENT 'with a salary'
               AS SELECT name, dept, salary FROM emp WHERE salary IS NOT NULL;
             SELECT who, salary FROM paid WHERE dept = 'ops' ORDER BY who;",
        )
        .await;
    assert_eq!(run.ok(), "dave\t90\nerin\t95\n");

    // Stored like a table, as a VIRTUAL_VIEW with its text and columns.
    let def = env.catalog.get_table("default", "paid").await.unwrap().expect("view stored");
    assert_eq!(def.table_type(), "VIRTUAL_VIEW");
    let view = def.view.as_ref().expect("a view");
    assert_eq!(view.original_text, "SELECT name, dept, salary FROM emp WHERE salary IS NOT NULL");
    let columns: Vec<(&str, &str)> = def.columns.iter().map(|c| (c.name.as_str(), c.data_type.as_str())).collect();
    assert_eq!(columns, vec![("who", "string"), ("dept", "string"), ("salary", "int")]);
    assert_eq!(def.columns[0].comment.as_deref(), Some("employee"));
    assert_eq!(def.properties.get("comment").map(String::as_str), Some("with a salary"));

    // A later job: a view over the view, joined with its own base, in a subquery.
    let run = env
        .run(
            "CREATE VIEW top_paid AS SELECT who, salary FROM paid WHERE salary >= 100;
             SELECT t.who, e.dept FROM top_paid t JOIN emp e ON t.who = e.name ORDER BY t.who;
             SELECT name FROM emp WHERE name IN (SELECT who FROM top_paid) AND dept = 'eng' ORDER BY name;
             SELECT count(*) FROM emp e WHERE NOT EXISTS (SELECT 1 FROM paid p WHERE p.who = e.name);",
        )
        .await;
    assert_eq!(run.ok(), "alice\teng\nbob\teng\ncarol\teng\nalice\nbob\ncarol\n1\n");
}

#[tokio::test]
async fn a_view_reads_the_tables_of_the_database_current_at_its_creation() {
    let env = Env::new();
    env.employees().await;
    let run = env
        .run(
            "CREATE DATABASE other;
             CREATE VIEW depts AS SELECT dept, count(*) FROM emp GROUP BY dept;
             USE other;
             CREATE TABLE emp (x int);
             SELECT * FROM default.depts ORDER BY dept;",
        )
        .await;
    // Hive names the unnamed count `_c1`, in the view as in a query.
    assert_eq!(run.ok(), "eng\t3\nops\t2\nsales\t1\n");
    let def = env.catalog.get_table("default", "depts").await.unwrap().expect("view");
    assert_eq!(def.columns[1].name, "_c1");

    // Created in `other` for `default`: its `emp` is other.emp, as in Hive.
    let run =
        env.run("USE other; CREATE VIEW default.n AS SELECT count(*) c FROM emp; USE default; SELECT c FROM n").await;
    assert_eq!(run.ok(), "0\n");
}

#[tokio::test]
async fn describe_and_show_tables_include_views() {
    let env = Env::new();
    env.employees().await;
    let run = env
        .run(
            "CREATE VIEW v (n COMMENT 'the name') AS SELECT name FROM emp;
             SHOW TABLES;
             DESCRIBE v;
             DESCRIBE FORMATTED v;",
        )
        .await;
    let out = run.ok();
    assert!(out.starts_with("emp\nv\nn                   \tstring              \tthe name"), "{out}");
    assert!(out.contains("Table Type:         \tVIRTUAL_VIEW"), "{out}");
    assert!(out.contains("View Original Text: \tSELECT name FROM emp"), "{out}");
    assert!(!out.contains("Location:"), "{out}");
    let run = env.run("SHOW CREATE TABLE v").await;
    assert_eq!(run.ok(), "CREATE VIEW `default`.`v` AS SELECT name FROM emp\n");
}

#[tokio::test]
async fn drop_table_and_drop_view_only_drop_their_kind() {
    let env = Env::new();
    env.employees().await;
    env.run("CREATE VIEW v AS SELECT * FROM emp").await.ok();
    assert!(env.run("DROP TABLE v").await.err().contains("Cannot drop a view with DROP TABLE"));
    assert!(env.run("DROP VIEW emp").await.err().contains("Cannot drop a base table with DROP VIEW"));
    // IF EXISTS skips the other kind silently, as in Hive.
    env.run("DROP TABLE IF EXISTS v; DROP VIEW IF EXISTS emp").await.ok();
    assert!(env.catalog.get_table("default", "v").await.unwrap().is_some());
    assert!(env.catalog.get_table("default", "emp").await.unwrap().is_some());
    env.run("DROP VIEW v; DROP VIEW IF EXISTS v").await.ok();
    assert!(env.catalog.get_table("default", "v").await.unwrap().is_none());
    assert!(env.run("SELECT * FROM v").await.err().to_lowercase().contains("not found"));
}

#[tokio::test]
async fn create_view_checks_like_hive() {
    let env = Env::new();
    env.employees().await;
    env.run("CREATE VIEW v AS SELECT name FROM emp").await.ok();
    assert!(env.run("CREATE VIEW v AS SELECT dept FROM emp").await.err().to_lowercase().contains("exists"));
    let run = env.run("CREATE VIEW IF NOT EXISTS v AS SELECT dept FROM emp; SELECT count(*) FROM v").await;
    assert_eq!(run.ok(), "6\n");
    // OR REPLACE replaces a view, never a table.
    let run = env.run("CREATE OR REPLACE VIEW v AS SELECT DISTINCT dept FROM emp; SELECT count(*) FROM v").await;
    assert_eq!(run.ok(), "3\n");
    assert!(env.run("CREATE OR REPLACE VIEW emp AS SELECT 1").await.err().contains("not a view"));
    assert!(env.run("CREATE VIEW w (a, b) AS SELECT name FROM emp").await.err().contains("does not match"));
    assert!(env.run("CREATE VIEW w (a, a) AS SELECT name, dept FROM emp").await.err().contains("duplicate column"));
    assert!(env.run("CREATE VIEW w AS SELECT * FROM missing").await.err().to_lowercase().contains("missing"));
    assert!(env.run("INSERT INTO TABLE v SELECT 'x'").await.err().contains("A view cannot be used as target table"));
    assert!(env.run("TRUNCATE TABLE v").await.err().contains("cannot truncate"));
}

#[tokio::test]
async fn partitioned_views_name_their_last_columns() {
    let env = Env::new();
    env.employees().await;
    env.run("CREATE VIEW by_dept PARTITIONED ON (dept) AS SELECT name, dept FROM emp").await.ok();
    let def = env.catalog.get_table("default", "by_dept").await.unwrap().expect("view");
    assert_eq!(def.partition_columns.len(), 1);
    assert_eq!(def.partition_columns[0].name, "dept");
    let run = env.run("SELECT name FROM by_dept WHERE dept = 'ops' ORDER BY name").await;
    assert_eq!(run.ok(), "dave\nerin\n");
    let err = env.run("CREATE VIEW w PARTITIONED ON (name) AS SELECT name, dept FROM emp").await.err();
    assert!(err.contains("rightmost columns"), "{err}");
}

#[tokio::test]
async fn alter_view_as_redefines_and_alter_table_refuses_views() {
    let env = Env::new();
    env.employees().await;
    env.run("CREATE VIEW v AS SELECT name FROM emp").await.ok();
    let run = env.run("ALTER VIEW v AS SELECT dept FROM emp WHERE dept = 'ops'; SELECT * FROM v").await;
    assert_eq!(run.ok(), "ops\nops\n");
    let def = env.catalog.get_table("default", "v").await.unwrap().expect("view");
    assert_eq!(def.columns[0].name, "dept");
    assert!(env.run("ALTER VIEW missing AS SELECT 1").await.err().to_lowercase().contains("not found"));
    assert!(env.run("ALTER VIEW emp AS SELECT 1").await.err().contains("not a view"));
    let err = env.run("ALTER TABLE v SET TBLPROPERTIES ('a'='b')").await.err();
    assert!(err.contains("Cannot alter a view with ALTER TABLE"), "{err}");
    assert!(env.run("ALTER TABLE v RENAME TO w").await.err().contains("Cannot alter a view"));
}
