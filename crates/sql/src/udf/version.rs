//! Hive's `version()` (`GenericUDFVersion`): "<version> r<revision>".
//!
//! Scripts read the engine's build from it, in that shape (Hive's own qtest
//! normalizes it with `regexp_replace(version(), '.+ r\\w+', ...)`).
//! DataFusion's `version()` describes DataFusion instead. Here the version is
//! this crate's, and the revision the `SPARKPLANE_REVISION` a release build
//! sets, or "Unknown" as Hive prints when its build recorded none.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{ScalarUDF, Volatility};

use super::udf;

pub(super) fn udfs() -> Vec<ScalarUDF> {
    vec![udf("version", &[0], Volatility::Immutable, DataType::Utf8, version)]
}

/// The engine's version as Hive formats its own.
fn version_text() -> String {
    let revision = option_env!("SPARKPLANE_REVISION").unwrap_or("Unknown");
    format!("{} r{revision}", env!("CARGO_PKG_VERSION"))
}

fn version(_args: &[ArrayRef], rows: usize) -> Result<ArrayRef> {
    Ok(Arc::new(StringArray::from(vec![version_text(); rows])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::AsArray;

    #[test]
    fn version_has_hives_shape() {
        let out = version(&[], 2).unwrap();
        let text = out.as_string::<i32>().value(1).to_string();
        let shape = regex::Regex::new(r"^.+ r\w+$").unwrap();
        assert!(shape.is_match(&text), "{text}");
        assert!(text.starts_with(env!("CARGO_PKG_VERSION")));
    }
}
