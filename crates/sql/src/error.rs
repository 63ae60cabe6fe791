//! The crate's one error type.
//!
//! Its `Display` is exactly what the control plane writes into a job run's
//! `stateDetails`, so every variant reads as a sentence for the user, and the
//! per-statement wrappers put the statement number and its first line in front
//! (`statement 3 (line 12): Table not found: default.missing`).

use datafusion::error::DataFusionError;

use crate::position::{script_position, split_location};
use crate::script::ScriptStatement;
use crate::RunReport;

/// A job that stopped at a failure: the error, and the report of what ran
/// before it (a job that fails at statement 7 still did the work of 1–6, and
/// its record should say so).
#[derive(Debug, thiserror::Error)]
#[error("{error}")]
pub struct JobFailure {
    /// The statements that succeeded before the failure.
    pub report: RunReport,
    /// Why the job stopped; its `Display` names the statement and line.
    pub error: SqlError,
}

/// Everything that can fail while running a HiveQL job.
#[derive(Debug, thiserror::Error)]
pub enum SqlError {
    /// A statement failed; `source` says why. `index` is 1-based. An
    /// analysis error that names a token has its `line L:C` in the script
    /// file (`column` set); otherwise `line` is the statement's first.
    #[error("{prefix}statement {index}{}: {source}", position(*.line, *.column))]
    Statement { prefix: &'static str, index: usize, line: usize, column: Option<usize>, source: Box<SqlError> },

    /// A statement could not be parsed. `index` is 1-based; `line` and
    /// `column` are the offending token's in the script file, in Hive's
    /// `line L:C` form, or the statement's first line when the parser gave
    /// no position.
    #[error("syntax error in {prefix}statement {index}{}: {message}", position(*.line, *.column))]
    Syntax { prefix: &'static str, index: usize, line: usize, column: Option<usize>, message: String },

    /// A parse error before the statement is known; wrapped into `Syntax`.
    #[error("{0}")]
    Parse(String),

    /// HiveQL that is valid but that this engine does not run.
    #[error("unsupported statement: {0}")]
    Unsupported(String),

    #[error("Table not found: {0}")]
    TableNotFound(String),

    #[error("Database does not exist: {0}")]
    DatabaseNotFound(String),

    #[error("Table already exists: {0}")]
    TableExists(String),

    #[error("Database already exists: {0}")]
    DatabaseExists(String),

    /// `${name}` with no value in hivevar or hiveconf.
    #[error("undefined variable ${{{0}}}")]
    UndefinedVariable(String),

    /// The job's `parameters` string is malformed.
    #[error("invalid parameters: {0}")]
    Parameters(String),

    /// A statement that parses but makes no sense (column count mismatch, bad type...).
    #[error("{0}")]
    Semantic(String),

    /// Writing a table's files failed; the store's own error.
    #[error("write {0}: {1}")]
    Write(String, String),
    /// A location that is not a URI we can resolve.
    #[error("invalid location '{0}': {1}")]
    Location(String, String),

    /// The durable catalog failed.
    #[error("catalog error: {0}")]
    Catalog(String),

    #[error("{}", datafusion_message(.0))]
    DataFusion(#[from] DataFusionError),

    #[error("object store error: {0}")]
    ObjectStore(#[from] object_store::Error),

    /// Writing results to stdout/stderr failed.
    #[error("output error: {0}")]
    Io(#[from] std::io::Error),
}

fn position(line: usize, column: Option<usize>) -> String {
    match column {
        Some(column) => format!(", line {line}:{column}"),
        None => format!(" (line {line})"),
    }
}

impl SqlError {
    /// Attaches the statement position, turning parse failures into syntax
    /// errors at the offending token. `parsed` is the text the parser saw
    /// (the statement after variable substitution), when it got that far.
    pub(crate) fn at(self, prefix: &'static str, stmt: &ScriptStatement, parsed: Option<&str>) -> SqlError {
        let (index, line) = (stmt.index, stmt.line);
        let message = match self {
            SqlError::Parse(message) => message,
            SqlError::DataFusion(DataFusionError::SQL(e, _)) => e.to_string(),
            e @ (SqlError::Statement { .. } | SqlError::Syntax { .. }) => return e,
            other => {
                let at = crate::analysis_position::offending_token(&stmt.text, &other)
                    .map(|at| script_position(&stmt.text, &stmt.text, stmt.start, at));
                let (line, column) = match at {
                    Some((line, column)) => (line, Some(column)),
                    None => (line, None),
                };
                return SqlError::Statement { prefix, index, line, column, source: Box::new(other) };
            }
        };
        match split_location(&message) {
            (message, Some(at)) => {
                let (line, column) = script_position(&stmt.text, parsed.unwrap_or(&stmt.text), stmt.start, at);
                SqlError::Syntax { prefix, index, line, column: Some(column), message }
            }
            (message, None) => SqlError::Syntax { prefix, index, line, column: None, message },
        }
    }
}

impl From<datafusion::arrow::error::ArrowError> for SqlError {
    fn from(e: datafusion::arrow::error::ArrowError) -> Self {
        SqlError::DataFusion(DataFusionError::ArrowError(Box::new(e), None))
    }
}

/// DataFusion's message without its "please file a bug" boilerplate, which
/// would only confuse a job's user, and without the repeats nested wrappers
/// leave ("Parquet error: Parquet error: Invalid Parquet file").
fn datafusion_message(e: &DataFusionError) -> String {
    const BOILERPLATE: &str = ".\nThis issue was likely caused by a bug in DataFusion's code. Please help us to resolve this by filing a bug report in our issue tracker: https://github.com/apache/datafusion/issues";
    let message = e.to_string().replace(BOILERPLATE, "");
    let mut parts: Vec<&str> = Vec::new();
    for part in message.split(": ") {
        // Only "... error" labels are collapsed; other text is kept as written.
        if part.ends_with("error") && parts.last() == Some(&part) {
            continue;
        }
        parts.push(part);
    }
    parts.join(": ")
}

pub(crate) type Result<T, E = SqlError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_error_labels_are_collapsed() {
        let e = DataFusionError::Execution(
            "Parquet error: Parquet error: Failed to fetch metadata for file a: b: Parquet error: Parquet error: Corrupt footer"
                .into(),
        );
        assert_eq!(
            SqlError::from(e).to_string(),
            "Execution error: Parquet error: Failed to fetch metadata for file a: b: Parquet error: Corrupt footer"
        );
    }
}
