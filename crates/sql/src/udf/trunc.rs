//! Hive's `trunc`: `trunc(date, fmt)` truncates to the month or year, and
//! numeric `trunc(x[, d])` keeps DataFusion's behaviour.
//!
//! DataFusion's `trunc` is numeric only, so a date string failed to plan.
//! Hive 2.1 accepts a date, timestamp or string (parsed leniently, so
//! `2014-01-34` is in February), the formats `MONTH`/`MON`/`MM` and
//! `YEAR`/`YYYY`/`YY`, and answers a `yyyy-MM-dd` string; any other format is
//! NULL.

use std::any::Any;
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate};
use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Date32Type};
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility};

use super::lenient::parse_lenient_date;

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HiveTrunc {
    signature: Signature,
}

impl HiveTrunc {
    pub fn new() -> Self {
        Self { signature: Signature::user_defined(Volatility::Immutable) }
    }
}

fn is_date_like(t: &DataType) -> bool {
    matches!(
        t,
        DataType::Utf8
            | DataType::LargeUtf8
            | DataType::Utf8View
            | DataType::Date32
            | DataType::Date64
            | DataType::Timestamp(_, _)
    )
}

/// The first day of the unit `fmt` names, or None for a format Hive rejects.
fn truncate(d: NaiveDate, fmt: &str) -> Option<NaiveDate> {
    match fmt.to_ascii_uppercase().as_str() {
        "MONTH" | "MON" | "MM" => d.with_day(1),
        "YEAR" | "YYYY" | "YY" => NaiveDate::from_ymd_opt(d.year(), 1, 1),
        _ => None,
    }
}

fn dates(a: &ArrayRef) -> Result<Vec<Option<NaiveDate>>> {
    if matches!(a.data_type(), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null) {
        let s = cast(a, &DataType::Utf8)?;
        return Ok(s.as_string::<i32>().iter().map(|v| v.and_then(parse_lenient_date)).collect());
    }
    let d = cast(a, &DataType::Date32)?;
    let epoch = DateTime::UNIX_EPOCH.date_naive();
    Ok(d.as_primitive::<Date32Type>()
        .iter()
        .map(|v| v.and_then(|v| epoch.checked_add_signed(chrono::TimeDelta::try_days(i64::from(v))?)))
        .collect())
}

/// `trunc(date, fmt)` over arrays.
pub fn trunc_dates(args: &[ArrayRef]) -> Result<ArrayRef> {
    let d = dates(&args[0])?;
    let fmt = cast(&args[1], &DataType::Utf8)?;
    let fmt = fmt.as_string::<i32>();
    let out: StringArray = d
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let f = fmt.is_valid(i).then(|| fmt.value(i))?;
            truncate((*d)?, f).map(|t| t.format("%Y-%m-%d").to_string())
        })
        .collect();
    Ok(Arc::new(out))
}

impl ScalarUDFImpl for HiveTrunc {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        "trunc"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        match arg_types {
            [first, _] if is_date_like(first) => Ok(vec![first.clone(), DataType::Utf8]),
            [DataType::Float32] => Ok(vec![DataType::Float32]),
            [DataType::Float32, _] => Ok(vec![DataType::Float32, DataType::Int64]),
            [_] => Ok(vec![DataType::Float64]),
            [_, _] => Ok(vec![DataType::Float64, DataType::Int64]),
            _ => exec_err!("trunc takes a date and a format, or a number and an optional precision"),
        }
    }
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        Ok(match arg_types.first() {
            Some(t) if arg_types.len() == 2 && is_date_like(t) => DataType::Utf8,
            Some(DataType::Float32) => DataType::Float32,
            _ => DataType::Float64,
        })
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let date_like = args.args.len() == 2 && is_date_like(&args.args[0].data_type());
        if !date_like {
            return datafusion::functions::math::trunc().invoke_with_args(args);
        }
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        Ok(ColumnarValue::Array(trunc_dates(&arrays)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(d: &str, fmt: &str) -> Option<String> {
        let a: ArrayRef = Arc::new(StringArray::from(vec![d]));
        let f: ArrayRef = Arc::new(StringArray::from(vec![fmt]));
        let out = trunc_dates(&[a, f]).ok()?;
        let out = out.as_string::<i32>();
        out.is_valid(0).then(|| out.value(0).to_string())
    }

    #[test]
    fn truncates_like_hive() {
        // Hive's documented examples.
        assert_eq!(run("2009-02-12", "MM").as_deref(), Some("2009-02-01"));
        assert_eq!(run("2015-10-27", "YEAR").as_deref(), Some("2015-01-01"));
        assert_eq!(run("2016-02-29 10:30:45", "mon").as_deref(), Some("2016-02-01"));
        assert_eq!(run("2014-01-34", "MM").as_deref(), Some("2014-02-01"));
        assert_eq!(run("2014-01-14", "DD"), None);
    }
}
