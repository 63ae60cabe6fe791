//! Printing query results the way the Hive CLI does.
//!
//! Scripts written for EMR pipe `hive -f` output into other tools, so the
//! format matters: tab-separated, `NULL` for nulls, Java's rendering of
//! doubles (`105.0`, `1.0E7`), `yyyy-MM-dd HH:mm:ss` timestamps, and nested
//! values as JSON-like text (`["a","b"]`, `{"k":1}`).

use std::io::Write;

use chrono::{DateTime, NaiveDateTime, Timelike};
use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{
    DataType, Float32Type, Float64Type, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType,
};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};

use crate::error::Result;

const TIMESTAMP_FORMAT: &str = "%Y-%m-%d %H:%M:%S%.f";

/// Writes the header row (column names, tab-separated).
pub fn write_header(out: &mut dyn Write, names: &[String]) -> Result<()> {
    writeln!(out, "{}", names.join("\t"))?;
    Ok(())
}

/// Writes every row of `batch`; returns the number of rows.
pub fn write_batch(out: &mut dyn Write, batch: &RecordBatch) -> Result<usize> {
    let mut line = String::new();
    for row in 0..batch.num_rows() {
        line.clear();
        for (i, col) in batch.columns().iter().enumerate() {
            if i > 0 {
                line.push('\t');
            }
            line.push_str(&top_level(col, row)?);
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    Ok(batch.num_rows())
}

fn top_level(a: &ArrayRef, row: usize) -> Result<String> {
    if a.is_null(row) {
        return Ok("NULL".into());
    }
    match a.data_type() {
        DataType::List(_) | DataType::LargeList(_) | DataType::Map(_, _) | DataType::Struct(_) => nested(a, row),
        _ => scalar(a, row),
    }
}

fn scalar(a: &ArrayRef, row: usize) -> Result<String> {
    Ok(match a.data_type() {
        DataType::Float64 => java_double(a.as_primitive::<Float64Type>().value(row)),
        DataType::Float32 => java_float(a.as_primitive::<Float32Type>().value(row)),
        // The Hive CLI prints a BINARY's bytes as they are.
        DataType::Binary => String::from_utf8_lossy(a.as_binary::<i32>().value(row)).into_owned(),
        DataType::LargeBinary => String::from_utf8_lossy(a.as_binary::<i64>().value(row)).into_owned(),
        DataType::Timestamp(unit, None) => {
            let value = match unit {
                TimeUnit::Second => a.as_primitive::<TimestampSecondType>().value(row).checked_mul(1_000_000_000),
                TimeUnit::Millisecond => a.as_primitive::<TimestampMillisecondType>().value(row).checked_mul(1_000_000),
                TimeUnit::Microsecond => a.as_primitive::<TimestampMicrosecondType>().value(row).checked_mul(1_000),
                TimeUnit::Nanosecond => Some(a.as_primitive::<TimestampNanosecondType>().value(row)),
            };
            match value {
                Some(nanos) => hive_timestamp(&DateTime::from_timestamp_nanos(nanos).naive_utc()),
                // Beyond i64 nanoseconds (only coarser units get there): arrow's text.
                None => formatted(a, row)?,
            }
        }
        _ => formatted(a, row)?,
    })
}

/// `TimestampWritable.toString`: `yyyy-MM-dd HH:mm:ss`, then the fraction of
/// a second with its trailing zeros dropped (`.1234567`), none when whole.
pub fn hive_timestamp(t: &NaiveDateTime) -> String {
    let mut text = t.format("%Y-%m-%d %H:%M:%S").to_string();
    let nanos = t.nanosecond();
    if nanos != 0 {
        text.push_str(format!(".{nanos:09}").trim_end_matches('0'));
    }
    text
}

/// Each value of a timestamp array as Hive prints it (`CAST(ts AS STRING)`
/// gives the same text).
pub fn timestamp_strings(a: &ArrayRef) -> Result<Vec<Option<String>>> {
    (0..a.len()).map(|row| if a.is_null(row) { Ok(None) } else { scalar(a, row).map(Some) }).collect()
}

/// Arrow's text for the types Hive prints the same way.
fn formatted(a: &ArrayRef, row: usize) -> Result<String> {
    let options = FormatOptions::new()
        .with_null("NULL")
        .with_timestamp_format(Some(TIMESTAMP_FORMAT))
        .with_datetime_format(Some(TIMESTAMP_FORMAT));
    Ok(ArrayFormatter::try_new(a.as_ref(), &options)?.value(row).to_string())
}

/// Hive's JSON-ish rendering of arrays, maps and structs.
fn nested(a: &ArrayRef, row: usize) -> Result<String> {
    if a.is_null(row) {
        return Ok("null".into());
    }
    Ok(match a.data_type() {
        DataType::List(_) => items(&a.as_list::<i32>().value(row))?,
        DataType::LargeList(_) => items(&a.as_list::<i64>().value(row))?,
        DataType::Map(_, _) => {
            let entries = a.as_map().value(row);
            let (keys, values) = (entries.column(0), entries.column(1));
            let mut parts = Vec::new();
            for i in 0..entries.len() {
                // Keys print as values do: Hive shows `{1:"a"}` for a
                // map<int,string>, not strict JSON.
                parts.push(format!("{}:{}", nested(keys, i)?, nested(values, i)?));
            }
            format!("{{{}}}", parts.join(","))
        }
        DataType::Struct(fields) => {
            let s = a.as_struct();
            let mut parts = Vec::new();
            for (f, col) in fields.iter().zip(s.columns()) {
                parts.push(format!("\"{}\":{}", f.name(), nested(col, row)?));
            }
            format!("{{{}}}", parts.join(","))
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
            serde_json::to_string(&scalar(a, row)?).unwrap_or_default()
        }
        DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) => format!("\"{}\"", scalar(a, row)?),
        _ => scalar(a, row)?,
    })
}

fn items(values: &ArrayRef) -> Result<String> {
    let parts = (0..values.len()).map(|i| nested(values, i)).collect::<Result<Vec<_>>>()?;
    Ok(format!("[{}]", parts.join(",")))
}

/// Java's `Double.toString`.
pub fn java_double(v: f64) -> String {
    if let Some(text) = crate::java_dtoa::large_integer_text(v) {
        return text;
    }
    java_float_text(
        v.is_nan(),
        v.is_infinite(),
        v.is_sign_negative(),
        v == 0.0,
        v.abs(),
        format!("{v}"),
        format!("{v:e}"),
    )
}

/// Java's `Float.toString`.
pub fn java_float(v: f32) -> String {
    java_float_text(
        v.is_nan(),
        v.is_infinite(),
        v.is_sign_negative(),
        v == 0.0,
        v.abs() as f64,
        format!("{v}"),
        format!("{v:e}"),
    )
}

fn java_float_text(nan: bool, inf: bool, neg: bool, zero: bool, abs: f64, plain: String, sci: String) -> String {
    if nan {
        return "NaN".into();
    }
    if inf {
        return if neg { "-Infinity".into() } else { "Infinity".into() };
    }
    if zero {
        return if neg { "-0.0".into() } else { "0.0".into() };
    }
    if (1e-3..1e7).contains(&abs) {
        return if plain.contains('.') { plain } else { format!("{plain}.0") };
    }
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let mantissa = if mantissa.contains('.') { mantissa.to_string() } else { format!("{mantissa}.0") };
    format!("{mantissa}E{exp}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use datafusion::arrow::array::{Float64Array, Int64Array, ListBuilder, StringArray, StringBuilder};
    use datafusion::arrow::datatypes::{Field, Schema};

    #[test]
    fn timestamps_print_like_timestamp_writable() {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").map(|t| hive_timestamp(&t)).ok();
        // Hive's timestamp_udf and timestamp_formats qtests.
        assert_eq!(at("2011-05-06 07:08:09.123456700").as_deref(), Some("2011-05-06 07:08:09.1234567"));
        assert_eq!(at("2011-01-01 01:01:01.111111111").as_deref(), Some("2011-01-01 01:01:01.111111111"));
        assert_eq!(at("2011-01-01 01:01:01.100").as_deref(), Some("2011-01-01 01:01:01.1"));
        assert_eq!(at("2011-01-01 01:01:01").as_deref(), Some("2011-01-01 01:01:01"));
        let nanos: ArrayRef =
            Arc::new(datafusion::arrow::array::TimestampNanosecondArray::from(vec![1_304_665_689_123_456_700]));
        assert_eq!(scalar(&nanos, 0).ok().as_deref(), Some("2011-05-06 07:08:09.1234567"));
    }

    #[test]
    fn formats_like_java() {
        assert_eq!(java_double(105.0), "105.0");
        assert_eq!(java_double(0.5), "0.5");
        assert_eq!(java_double(1e7), "1.0E7");
        assert_eq!(java_double(12345678.9), "1.23456789E7");
        assert_eq!(java_double(0.0001), "1.0E-4");
        assert_eq!(java_double(-2.0), "-2.0");
        assert_eq!(java_float(1.5), "1.5");
    }

    #[test]
    fn writes_tab_separated_rows_with_nulls_and_arrays() {
        let mut list = ListBuilder::new(StringBuilder::new());
        list.values().append_value("a");
        list.values().append_null();
        list.append(true);
        list.append_null();
        let schema = Arc::new(Schema::new(vec![
            Field::new("s", DataType::Utf8, true),
            Field::new("n", DataType::Int64, true),
            Field::new("d", DataType::Float64, true),
            Field::new("l", list.finish().data_type().clone(), true),
        ]));
        let mut list = ListBuilder::new(StringBuilder::new());
        list.values().append_value("a");
        list.values().append_null();
        list.append(true);
        list.append_null();
        let batch = RecordBatch::try_new(
            schema,
            vec![
                Arc::new(StringArray::from(vec![Some("x"), None])),
                Arc::new(Int64Array::from(vec![Some(3), None])),
                Arc::new(Float64Array::from(vec![Some(2.0), Some(0.25)])),
                Arc::new(list.finish()),
            ],
        )
        .unwrap();
        let mut out = Vec::new();
        assert_eq!(write_batch(&mut out, &batch).unwrap(), 2);
        assert_eq!(String::from_utf8(out).unwrap(), "x\t3\t2.0\t[\"a\",null]\nNULL\tNULL\t0.25\tNULL\n");
    }
}
