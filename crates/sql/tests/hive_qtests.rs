//! Hive's own query tests as the judge of HiveQL semantics.
//!
//! `tests/hive_qtests/` holds `.q` files and their `.q.out` results copied
//! unedited from Apache Hive. This test runs every one through the engine
//! (see `qtest`), prints the pass rate per family and overall, and fails if a
//! file listed in `baseline.txt` stopped passing: the baseline only grows.
//!
//! `HIVE_QTESTS_BLESS=1 cargo test -p sparkplane-sql --test hive_qtests`
//! rewrites `baseline.txt` and `RESULTS.md` (each failure and its reason)
//! from the current run. `HIVE_QTESTS_ONLY=a,b` runs only the files whose
//! names contain one of the substrings (for working on a few; never blesses).

mod qtest;

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use qtest::{run_file, Outcome};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/hive_qtests")
}

/// `udf_abs` → `udf`, `cast1` → `cast`, `literal_double` → `literal`.
fn family(name: &str) -> String {
    let head = name.split('_').next().unwrap_or(name);
    head.trim_end_matches(|c: char| c.is_ascii_digit()).to_string()
}

fn names(root: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root.join("queries"))
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_suffix(".q")).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn report(outcomes: &[Outcome]) -> String {
    let mut families: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for o in outcomes {
        let f = families.entry(family(&o.name)).or_default();
        f.0 += usize::from(o.failure.is_none());
        f.1 += 1;
    }
    let pct = |p: usize, n: usize| if n == 0 { 0.0 } else { 100.0 * p as f64 / n as f64 };
    let mut s = String::from("| family | passing | files | rate |\n|---|---:|---:|---:|\n");
    for (name, (p, n)) in &families {
        let _ = writeln!(s, "| `{name}` | {p} | {n} | {:.0}% |", pct(*p, *n));
    }
    let passed = outcomes.iter().filter(|o| o.failure.is_none()).count();
    let _ = writeln!(s, "| **all** | {passed} | {} | {:.0}% |", outcomes.len(), pct(passed, outcomes.len()));
    s
}

fn failures(outcomes: &[Outcome]) -> String {
    let mut s = String::new();
    for o in outcomes {
        if let Some(f) = &o.failure {
            let reason = f.reason.replace('\n', " ").replace('|', "\\|");
            let reason: String = reason.chars().take(300).collect();
            let _ = writeln!(s, "| `{}` | {} | {reason} |", o.name, f.statement);
        }
    }
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hive_qtests_keep_passing() {
    let root = root();
    let only: Vec<String> = std::env::var("HIVE_QTESTS_ONLY")
        .map(|v| v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect())
        .unwrap_or_default();
    let mut outcomes = Vec::new();
    for name in names(&root).into_iter().filter(|n| only.is_empty() || only.iter().any(|o| n.contains(o.as_str()))) {
        outcomes.push(run_file(&root, &name).await);
    }
    assert!(!outcomes.is_empty(), "no .q files under {}", root.display());
    println!("{}", report(&outcomes));
    for o in &outcomes {
        match &o.failure {
            None => println!("PASS {} ({} queries compared)", o.name, o.compared),
            Some(f) => println!("FAIL {} at statement {}: {}", o.name, f.statement, f.reason),
        }
    }
    let passing: Vec<&str> = outcomes.iter().filter(|o| o.failure.is_none()).map(|o| o.name.as_str()).collect();
    if std::env::var_os("HIVE_QTESTS_BLESS").is_some() && only.is_empty() {
        let mut baseline = passing.join("\n");
        baseline.push('\n');
        std::fs::write(root.join("baseline.txt"), baseline).expect("write baseline");
        let results = format!(
            "# Hive qtest results\n\nWritten by `HIVE_QTESTS_BLESS=1 cargo test -p sparkplane-sql --test hive_qtests`.\n\n{}\n## Failures\n\n| file | statement | reason |\n|---|---:|---|\n{}",
            report(&outcomes),
            failures(&outcomes)
        );
        std::fs::write(root.join("RESULTS.md"), results).expect("write results");
        return;
    }
    let baseline = std::fs::read_to_string(root.join("baseline.txt")).unwrap_or_default();
    let ran: Vec<&str> = outcomes.iter().map(|o| o.name.as_str()).collect();
    let regressed: Vec<&str> = baseline
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && (only.is_empty() || ran.contains(l)) && !passing.contains(l))
        .collect();
    assert!(regressed.is_empty(), "Hive qtests in baseline.txt no longer pass: {regressed:?}");
}
