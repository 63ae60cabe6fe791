//! Reading Hive's `.q.out` golden files.
//!
//! A `.q.out` is the Hive CLI's log of a `.q` run: for each statement that
//! reached the driver, `PREHOOK: query: <text>` (possibly many lines),
//! `PREHOOK: type: <TYPE>`, the inputs and outputs, the same as `POSTHOOK:`,
//! and then whatever the statement printed: result rows for a query, plans for
//! EXPLAIN, descriptions for DESCRIBE. Paths and times are replaced by
//! `#### A masked pattern was here ####`. `SET` and comments never reach the
//! hooks, so the blocks are exactly the statements to run, in order.

/// One statement of a `.q.out`, and what Hive printed for it.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// The statement text as Hive's driver received it.
    pub query: String,
    /// `QUERY`, `EXPLAIN`, `CREATETABLE`, `LOAD`, `DESCFUNCTION`...
    pub kind: String,
    /// Lines printed after the hooks (rows for a query).
    pub output: Vec<String>,
}

pub const MASKED: &str = "#### A masked pattern was here ####";

/// Splits a `.q.out` into its statement blocks.
pub fn parse(text: &str) -> Vec<Block> {
    let mut lines: Vec<&str> = text.split('\n').collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some(first) = lines[i].strip_prefix("PREHOOK: query: ") else {
            i += 1;
            continue;
        };
        // The query runs until `PREHOOK: type:`.
        let mut query = vec![first];
        i += 1;
        while i < lines.len() && !lines[i].starts_with("PREHOOK: type: ") {
            query.push(lines[i]);
            i += 1;
        }
        let kind = lines.get(i).and_then(|l| l.strip_prefix("PREHOOK: type: ")).unwrap_or("").trim().to_string();
        // Skip the hooks: everything up to `POSTHOOK: type:`, then the
        // POSTHOOK lines and masks right after it.
        while i < lines.len() && !lines[i].starts_with("POSTHOOK: type: ") {
            i += 1;
        }
        i += 1;
        while i < lines.len() && (lines[i].starts_with("POSTHOOK: ") || lines[i] == MASKED) {
            i += 1;
        }
        let start = i;
        while i < lines.len() && !lines[i].starts_with("PREHOOK: query: ") {
            i += 1;
        }
        blocks.push(Block {
            query: query.join("\n"),
            kind,
            output: lines[start..i].iter().map(|l| l.to_string()).collect(),
        });
    }
    blocks
}

/// `--! qt:dataset:src` lines of a `.q`: the standard tables it needs.
pub fn datasets(q: &str) -> Vec<String> {
    q.lines().filter_map(|l| l.trim().strip_prefix("--! qt:dataset:")).map(|d| d.trim().to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_blocks() {
        let text = "PREHOOK: query: SELECT\n  1\nFROM src\nPREHOOK: type: QUERY\nPREHOOK: Input: default@src\n#### A masked pattern was here ####\nPOSTHOOK: query: SELECT\n  1\nFROM src\nPOSTHOOK: type: QUERY\nPOSTHOOK: Input: default@src\n#### A masked pattern was here ####\n1\n\nPREHOOK: query: DROP TABLE t\nPREHOOK: type: DROPTABLE\nPOSTHOOK: query: DROP TABLE t\nPOSTHOOK: type: DROPTABLE\n";
        let blocks = parse(text);
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].query, "SELECT\n  1\nFROM src");
        assert_eq!(blocks[0].kind, "QUERY");
        assert_eq!(blocks[0].output, vec!["1", ""]);
        assert_eq!(blocks[1].kind, "DROPTABLE");
        assert!(blocks[1].output.is_empty());
    }
}
