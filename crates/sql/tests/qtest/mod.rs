//! Running one of Hive's own `.q` tests through the HIVE engine and judging
//! it by Hive's `.q.out`.
//!
//! Each statement of the `.q.out` runs as its own job on one shared catalog
//! and bucket directory (as the Hive CLI keeps one metastore), so a table
//! created by one statement is there for the next. Query results are
//! compared with the rows Hive printed; plans (`EXPLAIN`) and function
//! descriptions are Hive's internals, not results, and are not compared.

pub mod qout;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use sparkplane_sql::{run_job, Catalog, InMemoryCatalog, LocalBucketResolver, SqlJob, SqlOptions};

use qout::{Block, MASKED};

/// Statement kinds whose output is Hive-internal and not compared (and that
/// this engine does not run).
const SKIPPED_KINDS: [&str; 6] =
    ["EXPLAIN", "DESCFUNCTION", "SHOWFUNCTIONS", "CREATEFUNCTION", "DROPFUNCTION", "RELOADFUNCTION"];

/// Why a file did not pass.
#[derive(Debug)]
pub struct Failure {
    /// 1-based block of the `.q.out`.
    pub statement: usize,
    pub reason: String,
}

/// The outcome of one `.q` file.
pub struct Outcome {
    pub name: String,
    /// Query blocks whose rows were compared.
    pub compared: usize,
    pub failure: Option<Failure>,
}

/// A fresh warehouse: an in-memory catalog and `s3://` buckets in a temp dir.
struct Warehouse {
    dir: tempfile::TempDir,
    catalog: Arc<InMemoryCatalog>,
    options: SqlOptions,
}

impl Warehouse {
    fn new() -> std::io::Result<Self> {
        Ok(Warehouse {
            dir: tempfile::tempdir()?,
            catalog: Arc::new(InMemoryCatalog::new()),
            options: SqlOptions {
                target_partitions: 2,
                memory_limit_bytes: 512 * 1024 * 1024,
                default_warehouse_dir: "s3://warehouse/hive/".into(),
            },
        })
    }

    /// Runs one statement; stdout on success, the error message otherwise.
    async fn run(&self, sql: &str) -> Result<String, String> {
        self.run_in(sql, "default").await
    }

    /// Runs one statement with `db` as the current database (the Hive CLI
    /// keeps one session, so a `USE` holds for the statements after it).
    async fn run_in(&self, sql: &str, db: &str) -> Result<String, String> {
        let mut stdout = Vec::new();
        let mut stderr = Vec::new();
        let stores = Arc::new(LocalBucketResolver::new(self.dir.path()));
        let init_script = (db != "default").then(|| format!("USE {db}"));
        // Hive's expected outputs were produced by its test harness, whose JVM
        // runs in America/Los_Angeles; local-time functions must use that zone.
        let hive_site = [("hive.local.time.zone".to_string(), "America/Los_Angeles".to_string())].into();
        let job = SqlJob { query: sql.to_string(), init_script, hive_site, ..Default::default() };
        run_job(&job, &self.options, self.catalog.clone(), stores, &mut stdout, &mut stderr)
            .await
            .map(|_| String::from_utf8_lossy(&stdout).into_owned())
            .map_err(|e| e.to_string())
    }

    /// Local directory of an `s3://bucket/key` location.
    fn local(&self, location: &str) -> Result<PathBuf, String> {
        let key = location.strip_prefix("s3://").ok_or_else(|| format!("not an s3:// location: {location}"))?;
        Ok(self.dir.path().join(key.trim_end_matches('/')))
    }

    /// Hive's `LOAD DATA [LOCAL] INPATH 'f' [OVERWRITE] INTO TABLE t [PARTITION (...)]`,
    /// which the engine does not run (it would move files on the cluster): the
    /// runner copies the file into the table's or partition's location.
    async fn load(&self, sql: &str, data: &Path) -> Result<(), String> {
        let words: Vec<&str> = sql.split_whitespace().collect();
        let lower: Vec<String> = words.iter().map(|w| w.to_ascii_lowercase()).collect();
        let at = |w: &str| lower.iter().position(|x| x == w).ok_or_else(|| format!("LOAD without {w}"));
        let path = words[at("inpath")? + 1].trim_matches(['\'', '"']);
        // Hive's names are case-insensitive, quoted or not.
        let table = words[at("table")? + 1].trim_end_matches(';').replace('`', "").to_ascii_lowercase();
        let table = table.as_str();
        let file = data.join(path.rsplit("data/files/").next().unwrap_or(path));
        let (db, name) = table.split_once('.').unwrap_or(("default", table));
        let def = self
            .catalog
            .get_table(db, name)
            .await
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("LOAD into unknown table {table}"))?;
        let mut dir = self.local(&def.location)?;
        if let Some(p) = sql.to_ascii_lowercase().find("partition") {
            // PARTITION (ds='2008-04-08', hr='11') → ds=2008-04-08/hr=11
            let spec = &sql[p + "partition".len()..];
            let spec = spec.trim().trim_start_matches('(').split(')').next().unwrap_or("");
            let mut parts = Vec::new();
            for kv in spec.split(',') {
                let (k, v) = kv.split_once('=').ok_or_else(|| format!("bad partition spec {spec}"))?;
                parts.push(format!("{}={}", k.trim(), v.trim().trim_matches(['\'', '"'])));
            }
            self.run(&format!("ALTER TABLE {table} ADD IF NOT EXISTS PARTITION ({spec})")).await?;
            dir = dir.join(parts.join("/"));
        }
        if lower.iter().any(|w| w == "overwrite") {
            let _ = std::fs::remove_dir_all(&dir);
        }
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let name = file.file_name().ok_or("LOAD of a directory")?.to_string_lossy().into_owned();
        // A second LOAD of the same file adds a copy, as Hive's `_copy_N`.
        let mut target = dir.join(&name);
        let mut copy = 0;
        while target.exists() {
            copy += 1;
            let (stem, ext) =
                name.rsplit_once('.').map_or((name.as_str(), String::new()), |(s, e)| (s, format!(".{e}")));
            target = dir.join(format!("{stem}_copy_{copy}{ext}"));
        }
        std::fs::copy(&file, &target).map_err(|e| format!("{}: {e}", file.display()))?;
        Ok(())
    }

    /// The standard tables of Hive's `data/files/datasets/<name>/load.hive.sql`.
    async fn dataset(&self, name: &str, data: &Path) -> Result<(), String> {
        let kv1 = "LOAD DATA LOCAL INPATH '../../data/files/kv1.txt'";
        match name {
            "src" => {
                self.run("CREATE TABLE src (key STRING COMMENT 'default', value STRING COMMENT 'default') STORED AS TEXTFILE").await?;
                self.load(&format!("{kv1} INTO TABLE src"), data).await
            }
            "src1" => {
                self.run("CREATE TABLE src1 (key STRING COMMENT 'default', value STRING COMMENT 'default') STORED AS TEXTFILE").await?;
                self.load("LOAD DATA LOCAL INPATH '../../data/files/kv3.txt' INTO TABLE src1", data).await
            }
            "srcpart" => {
                self.run(
                    "CREATE TABLE srcpart (key STRING COMMENT 'default', value STRING COMMENT 'default')
                     PARTITIONED BY (ds STRING, hr STRING) STORED AS TEXTFILE",
                )
                .await?;
                for (ds, hr) in [("2008-04-08", "11"), ("2008-04-08", "12"), ("2008-04-09", "11"), ("2008-04-09", "12")]
                {
                    self.load(&format!("{kv1} OVERWRITE INTO TABLE srcpart PARTITION (ds='{ds}', hr='{hr}')"), data)
                        .await?;
                }
                Ok(())
            }
            other => Err(format!("dataset {other} is not provided")),
        }
    }
}

/// Runs `name.q` against `name.q.out`.
pub async fn run_file(root: &Path, name: &str) -> Outcome {
    let mut outcome = Outcome { name: name.to_string(), compared: 0, failure: None };
    if let Err(failure) = run_blocks(root, name, &mut outcome.compared).await {
        outcome.failure = Some(failure);
    }
    outcome
}

async fn run_blocks(root: &Path, name: &str, compared: &mut usize) -> Result<(), Failure> {
    let fail = |statement: usize, reason: String| Failure { statement, reason };
    let read = |p: PathBuf| std::fs::read_to_string(&p).map_err(|e| fail(0, format!("{}: {e}", p.display())));
    let q = read(root.join("queries").join(format!("{name}.q")))?;
    let out = read(root.join("results").join(format!("{name}.q.out")))?;
    let data = root.join("data/files");
    let warehouse = Warehouse::new().map_err(|e| fail(0, e.to_string()))?;
    let mut datasets = qout::datasets(&q);
    if datasets.is_empty() {
        // Files from before `--! qt:dataset` assume q_test_init's tables.
        datasets = vec!["src".into(), "srcpart".into()];
        if mentions(&q, "src1") {
            datasets.push("src1".into());
        }
    }
    for dataset in datasets {
        warehouse.dataset(&dataset, &data).await.map_err(|e| fail(0, format!("dataset {dataset}: {e}")))?;
    }
    // Hive's qtest driver sorts the output of files with these markers.
    let sorted = q.contains("SORT_QUERY_RESULTS") || q.contains("SORT_BEFORE_DIFF");
    let mut db = String::from("default");
    for (i, block) in qout::parse(&out).iter().enumerate() {
        let n = i + 1;
        // Hive 4 logs some EXPLAINs with the type of the query explained.
        let explain = block.query.trim_start().get(..7).is_some_and(|w| w.eq_ignore_ascii_case("explain"));
        if SKIPPED_KINDS.contains(&block.kind.as_str()) || explain {
            continue;
        }
        if block.kind == "LOAD" {
            warehouse.load(&block.query, &data).await.map_err(|e| fail(n, e))?;
            continue;
        }
        let ours = warehouse.run_in(&block.query, &db).await.map_err(|e| fail(n, e))?;
        if block.kind == "SWITCHDATABASE" {
            db = block.query.split_whitespace().nth(1).unwrap_or("default").trim_end_matches(';').to_string();
        }
        if is_query(block) {
            *compared += 1;
            if let Err(e) = compare(block, &ours, sorted) {
                // `... LIMIT n` with no order keeps any n rows: Hive's must
                // be n of the rows the query has without the LIMIT.
                let Some(unlimited) = unordered_limit(&block.query) else { return Err(fail(n, e)) };
                let all = warehouse.run_in(unlimited, &db).await.map_err(|e| fail(n, e))?;
                some_of(block, &ours, &all).map_err(|why| fail(n, format!("{e}; {why}")))?;
            }
        }
    }
    Ok(())
}

/// Whether `q` names `table` as a whole word (older files have no
/// `--! qt:dataset` header, and q_test_init made every standard table).
fn mentions(q: &str, table: &str) -> bool {
    q.to_ascii_lowercase().split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).any(|w| w == table)
}

/// A statement that prints rows (not an INSERT, whose kind is also QUERY).
fn is_query(block: &Block) -> bool {
    let first = block.query.split_whitespace().next().unwrap_or("").to_ascii_lowercase();
    block.kind == "QUERY" && matches!(first.as_str(), "select" | "with" | "values" | "(")
}

/// The query without its final `LIMIT n`, when nothing orders its rows.
fn unordered_limit(query: &str) -> Option<&str> {
    let lower = query.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    if ["order", "sort", "cluster"].iter().any(|w| words.windows(2).any(|p| p == [*w, "by"])) {
        return None;
    }
    let trimmed = query.trim_end().trim_end_matches(';').trim_end();
    let digits = trimmed.trim_end_matches(|c: char| c.is_ascii_digit());
    let head = digits.trim_end();
    if digits.len() == trimmed.len() || head.len() == digits.len() || head.len() < 5 {
        return None;
    }
    let (rest, kw) = head.split_at(head.len() - 5);
    (kw.eq_ignore_ascii_case("limit") && rest.ends_with(char::is_whitespace)).then_some(rest)
}

/// As many rows as Hive printed, and Hive's rows among `all`.
fn some_of(block: &Block, ours: &str, all: &str) -> Result<(), String> {
    let expected: Vec<&str> = block
        .output
        .iter()
        .map(String::as_str)
        .filter(|l| *l != MASKED && !(l.starts_with("Warning: ") && l.ends_with("is a cross product")))
        .collect();
    let ours = ours.strip_suffix('\n').unwrap_or(ours).split('\n').filter(|_| !ours.is_empty()).count();
    if ours != expected.len() {
        return Err(format!("{ours} rows, Hive printed {}", expected.len()));
    }
    let mut pool: Vec<&str> = all.strip_suffix('\n').unwrap_or(all).split('\n').collect();
    for row in &expected {
        match pool.iter().position(|p| p == row) {
            Some(i) => {
                pool.swap_remove(i);
            }
            None => return Err(format!("Hive's row {row:?} is not a row of the query without LIMIT")),
        }
    }
    Ok(())
}

/// Rows must match Hive's, as a multiset unless the file promises an order
/// and the query has one. Masked lines (times, paths) match any row.
fn compare(block: &Block, ours: &str, sorted: bool) -> Result<(), String> {
    let mut expected: Vec<&str> = block.output.iter().map(String::as_str).collect();
    let mut actual: Vec<&str> = ours.split('\n').collect();
    if actual.last() == Some(&"") {
        actual.pop();
    }
    // Hive's compiler logs cross-product warnings into the output; not rows.
    expected.retain(|l| !(l.starts_with("Warning: ") && l.ends_with("is a cross product")));
    let masked = expected.iter().filter(|l| **l == MASKED).count();
    expected.retain(|l| *l != MASKED);
    let ordered = !sorted && block.query.to_ascii_lowercase().contains("order by") && masked == 0;
    if !ordered {
        expected.sort_unstable();
        actual.sort_unstable();
    }
    if masked > 0 {
        if actual.len() != expected.len() + masked {
            return Err(format!("{} rows, Hive printed {}", actual.len(), expected.len() + masked));
        }
        return Ok(());
    }
    if expected == actual {
        return Ok(());
    }
    let at = expected.iter().zip(&actual).position(|(e, a)| e != a).unwrap_or(expected.len().min(actual.len()));
    Err(format!(
        "row {} differs: Hive {:?}, ours {:?} ({} vs {} rows)",
        at + 1,
        expected.get(at).copied().unwrap_or("<none>"),
        actual.get(at).copied().unwrap_or("<none>"),
        expected.len(),
        actual.len()
    ))
}
