//! Hive's CHAR(n) and VARCHAR(n) values on Arrow strings.
//!
//! Arrow has one string type, so a CHAR(n) value is a `Utf8` whose field
//! carries the Hive type in its metadata (`hive.type = char(n)`). Hive pads a
//! CHAR(n) with spaces to n characters (code points, not bytes) wherever it
//! is converted to that type, keeps the padding when it prints or writes the
//! value to a text file, and cuts longer values to n; a VARCHAR(n) is only
//! cut. `hive_char(x, n)` and `hive_varchar(x, n)` do the conversions for
//! `CAST` and for writes into typed columns, and functions whose result type
//! follows their argument (the `mask` family) read the marker to know their
//! input was a CHAR.

use std::any::Any;
use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{exec_err, plan_err, Result, ScalarValue};
use datafusion::logical_expr::{
    lit, ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

/// The field metadata key holding the Hive type of a string column.
pub const HIVE_TYPE_KEY: &str = "hive.type";

/// The length of a CHAR whose length nothing fixes (Hive's
/// `HiveChar.MAX_CHAR_LENGTH`): what a function returning "a CHAR" gives.
pub const MAX_CHAR_LENGTH: usize = 255;

/// The length of a CHAR(n) field, from its metadata.
pub fn char_length(field: &Field) -> Option<usize> {
    let hive_type = field.metadata().get(HIVE_TYPE_KEY)?;
    hive_type.strip_prefix("char(")?.strip_suffix(')')?.parse().ok()
}

/// Metadata marking a string field as CHAR(n).
pub fn char_metadata(length: usize) -> HashMap<String, String> {
    HashMap::from([(HIVE_TYPE_KEY.to_string(), format!("char({length})"))])
}

/// A value as CHAR(n) holds it: its first n characters, padded with spaces to n.
pub fn fit_char(value: &str, length: usize) -> String {
    let mut out: String = value.chars().take(length).collect();
    let count = out.chars().count();
    out.extend(std::iter::repeat_n(' ', length.saturating_sub(count)));
    out
}

/// A value as VARCHAR(n) holds it: its first n characters.
pub fn fit_varchar(value: &str, length: usize) -> &str {
    match value.char_indices().nth(length) {
        Some((end, _)) => &value[..end],
        None => value,
    }
}

pub(super) fn udfs() -> Vec<ScalarUDF> {
    vec![ScalarUDF::new_from_impl(HiveChars::new(Kind::Char)), ScalarUDF::new_from_impl(HiveChars::new(Kind::Varchar))]
}

/// Which of the two length-limited string types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Char,
    Varchar,
}

/// `char(n)` / `varchar(n)` (any case, spaces allowed) as a kind and length.
pub fn parse_hive_type(hive_type: &str) -> Option<(Kind, usize)> {
    let compact: String = hive_type.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    let (kind, rest) = if let Some(rest) = compact.strip_prefix("char(") {
        (Kind::Char, rest)
    } else if let Some(rest) = compact.strip_prefix("varchar(") {
        (Kind::Varchar, rest)
    } else {
        return None;
    };
    Some((kind, rest.strip_suffix(')')?.parse().ok()?))
}

/// `expr` converted to a column of Hive type `hive_type` when that is
/// CHAR(n) or VARCHAR(n) (`expr` is already a string); unchanged otherwise.
pub fn fit_to_column(expr: Expr, hive_type: &str) -> Expr {
    match parse_hive_type(hive_type) {
        Some((kind, length)) => ScalarUDF::new_from_impl(HiveChars::new(kind)).call(vec![expr, lit(length as i64)]),
        None => expr,
    }
}

/// `hive_char(x, n)` and `hive_varchar(x, n)`: `x` as a string, fitted to
/// the type; NULL stays NULL.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HiveChars {
    kind: Kind,
    signature: Signature,
}

impl HiveChars {
    pub fn new(kind: Kind) -> Self {
        Self { kind, signature: Signature::any(2, Volatility::Immutable) }
    }
}

/// The literal length argument.
fn length_of(arg: Option<&ScalarValue>, name: &str) -> Result<usize> {
    let Some(value) = arg else { return plan_err!("{name} takes a literal length") };
    match value.cast_to(&DataType::Int64) {
        Ok(ScalarValue::Int64(Some(n))) if n >= 1 => Ok(n as usize),
        _ => plan_err!("{name}: invalid length {value}"),
    }
}

impl ScalarUDFImpl for HiveChars {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        match self.kind {
            Kind::Char => "hive_char",
            Kind::Varchar => "hive_varchar",
        }
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let length = length_of(args.scalar_arguments.get(1).copied().flatten(), self.name())?;
        let field = Field::new(self.name(), DataType::Utf8, true);
        Ok(Arc::new(match self.kind {
            Kind::Char => field.with_metadata(char_metadata(length)),
            Kind::Varchar => field,
        }))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let length = match args.args.get(1) {
            Some(ColumnarValue::Scalar(n)) => length_of(Some(n), self.name())?,
            _ => return exec_err!("{} takes a literal length", self.name()),
        };
        let rows = args.number_rows;
        let Some(input) = args.args.into_iter().next() else { return exec_err!("{} takes two arguments", self.name()) };
        let scalar = matches!(input, ColumnarValue::Scalar(_));
        let strings: ArrayRef = cast(&input.into_array(rows)?, &DataType::Utf8)?;
        let out: StringArray = strings
            .as_string::<i32>()
            .iter()
            .map(|v| {
                v.map(|v| match self.kind {
                    Kind::Char => fit_char(v, length),
                    Kind::Varchar => fit_varchar(v, length).to_string(),
                })
            })
            .collect();
        if scalar {
            Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?))
        } else {
            Ok(ColumnarValue::Array(Arc::new(out)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn char_pads_and_cuts_in_characters() {
        // Hive counts code points: 'Абвгде' is 6 characters but 12 bytes.
        assert_eq!(fit_char("Абвгде", 8), "Абвгде  ");
        assert_eq!(fit_char("ございます", 3), "ござい");
        assert_eq!(fit_varchar("ございます", 3), "ござい");
        assert_eq!(fit_varchar("ab", 3), "ab");
    }

    #[test]
    fn types_and_markers() {
        assert_eq!(parse_hive_type("CHAR( 32 )"), Some((Kind::Char, 32)));
        assert_eq!(parse_hive_type("varchar(10)"), Some((Kind::Varchar, 10)));
        assert_eq!(parse_hive_type("string"), None);
        let field = Field::new("c", DataType::Utf8, true).with_metadata(char_metadata(24));
        assert_eq!(char_length(&field), Some(24));
        assert_eq!(char_length(&Field::new("s", DataType::Utf8, true)), None);
    }
}
