//! Hive functions that DataFusion lacks or defines differently.
//!
//! Each is a small array-at-a-time Rust function behind one generic
//! `ScalarUDFImpl`. Arguments arrive with whatever types the query has (Hive
//! converts strings, dates and timestamps freely), so the functions cast
//! inputs themselves and return NULL where Hive returns NULL, rather than
//! relying on DataFusion's coercion rules.

mod bits;
mod bround;
mod cast;
mod cast_temporal;
pub mod chars;
mod collect;
mod convert;
mod covar;
mod datetime;
pub mod decimal_avg;
pub mod decimal_ops;
pub mod decimal_round;
mod digest;
mod ewah;
mod field;
mod histogram;
mod index;
mod javafmt;
mod lenient;
mod mask;
mod months;
mod ngrams;
mod num;
mod parse;
mod percentile;
mod round;
mod sentences;
mod sign;
mod text_timestamp;
pub mod timezone;
mod trunc;
mod url;
mod utc;
mod version;

pub(crate) use cast::parse_strings as hive_parse_strings;
use cast::HiveCast;
pub use cast::{hive_cast_expr, is_hive_cast_target};
use index::HiveIndex;
use num::HiveNum;
pub use text_timestamp::{text_timestamp_expr, timestamps_as_text};

use std::any::Any;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, ListBuilder, StringArray, StringBuilder};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Int64Type, TimeUnit};
use datafusion::common::{exec_err, Result};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, TypeSignature, Volatility,
};
use datafusion::prelude::SessionContext;
use regex::Regex;

type Kernel = fn(&[ArrayRef], usize) -> Result<ArrayRef>;

/// A Hive function: a name, the argument counts it accepts, a return type and a kernel.
#[derive(Debug)]
struct HiveUdf {
    name: &'static str,
    signature: Signature,
    return_type: DataType,
    kernel: Kernel,
}

// Identity is the name: two registrations of one name are the same function.
impl PartialEq for HiveUdf {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for HiveUdf {}
impl Hash for HiveUdf {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl ScalarUDFImpl for HiveUdf {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(self.return_type.clone())
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        Ok(ColumnarValue::Array((self.kernel)(&arrays, args.number_rows)?))
    }
}

fn udf(
    name: &'static str,
    arities: &[usize],
    volatility: Volatility,
    return_type: DataType,
    kernel: Kernel,
) -> ScalarUDF {
    let sigs = arities.iter().map(|&n| if n == 0 { TypeSignature::Nullary } else { TypeSignature::Any(n) }).collect();
    ScalarUDF::new_from_impl(HiveUdf { name, signature: Signature::one_of(sigs, volatility), return_type, kernel })
}

/// Registers the Hive functions, replacing DataFusion's where the names clash
/// (`from_unixtime`, `to_date`, `date_format` take Java patterns in Hive).
pub fn register(ctx: &SessionContext) {
    use DataType::*;
    use Volatility::Immutable;
    let list_of_strings = List(Arc::new(Field::new("item", Utf8, true)));
    let udfs = [
        udf("hive_divide", &[2], Immutable, Float64, hive_divide),
        udf("regexp_extract", &[2, 3], Immutable, Utf8, regexp_extract),
        udf("split", &[2], Immutable, list_of_strings, split),
        udf("get_json_object", &[2], Immutable, Utf8, get_json_object),
        udf("substr", &[2, 3], Immutable, Utf8, substr),
        udf("substring", &[2, 3], Immutable, Utf8, substr),
        ScalarUDF::new_from_impl(HiveNum::new()),
        ScalarUDF::new_from_impl(HiveNum::summand()),
        ScalarUDF::new_from_impl(field::HiveField::new()),
        ScalarUDF::new_from_impl(HiveCast::new()),
        ScalarUDF::new_from_impl(HiveIndex::new()),
        ScalarUDF::new_from_impl(trunc::HiveTrunc::new()),
        ScalarUDF::new_from_impl(bround::HiveBRound::new()),
        ScalarUDF::new_from_impl(round::HiveRound::new()),
        ScalarUDF::new_from_impl(sign::HiveSign::new(true)),
        ScalarUDF::new_from_impl(sign::HiveSign::new(false)),
        ScalarUDF::new_from_impl(bits::HiveShift::new(bits::Shift::Left)),
        ScalarUDF::new_from_impl(bits::HiveShift::new(bits::Shift::Right)),
        ScalarUDF::new_from_impl(bits::HiveShift::new(bits::Shift::RightUnsigned)),
        udf("hive_chr", &[1], Immutable, Utf8, bits::chr),
        udf("hive_string", &[1], Immutable, Utf8, hive_string),
        udf("parse_url", &[2, 3], Immutable, Utf8, url::parse_url),
        udf("hive_decode", &[2], Immutable, Utf8, url::decode),
        udf("hive_encode", &[2], Immutable, Binary, url::encode),
        udf("months_between", &[2], Immutable, Float64, months::months_between),
        udf("sentences", &[1, 2, 3], Immutable, sentences::return_type(), sentences::sentences),
        udf("from_utc_timestamp", &[2], Immutable, Timestamp(TimeUnit::Microsecond, None), utc::from_utc_timestamp),
        udf("to_utc_timestamp", &[2], Immutable, Timestamp(TimeUnit::Microsecond, None), utc::to_utc_timestamp),
    ];
    for f in udfs
        .into_iter()
        .chain(datetime::udfs())
        .chain(convert::udfs())
        .chain(digest::udfs())
        .chain(mask::udfs())
        .chain(chars::udfs())
        .chain(version::udfs())
        .chain(ewah::udfs())
    {
        ctx.register_udf(f);
    }
    ctx.register_udaf(covar::covar_samp());
    ctx.register_udaf(percentile::percentile());
    ctx.register_udaf(histogram::histogram_numeric());
    for f in ngrams::udafs().into_iter().chain(collect::udafs()) {
        ctx.register_udaf(f);
    }
}

/// Casts any string-like or scalar array to `Utf8`.
fn utf8(a: &ArrayRef) -> Result<ArrayRef> {
    Ok(cast(a, &DataType::Utf8)?)
}

/// Hive's conversion to STRING: booleans are `TRUE`/`FALSE`, doubles and
/// floats print as Java does (`1.0E10`), timestamps as Hive prints them
/// (`2011-05-06 07:08:09.1234567`); the rest as Arrow casts them.
fn hive_string(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let a = &args[0];
    let out: StringArray = match a.data_type() {
        DataType::Boolean => a.as_boolean().iter().map(|v| v.map(|b| if b { "TRUE" } else { "FALSE" })).collect(),
        DataType::Float64 => {
            a.as_primitive::<Float64Type>().iter().map(|v| v.map(crate::output::java_double)).collect()
        }
        DataType::Float32 => a
            .as_primitive::<datafusion::arrow::datatypes::Float32Type>()
            .iter()
            .map(|v| v.map(crate::output::java_float))
            .collect(),
        DataType::Timestamp(_, None) => crate::output::timestamp_strings(a)
            .map_err(|e| datafusion::error::DataFusionError::External(Box::new(e)))?
            .into_iter()
            .collect(),
        _ => return utf8(a),
    };
    Ok(Arc::new(out))
}

/// Hive's `/`: always a double division, NULL when dividing by zero.
fn hive_divide(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let l = cast(&args[0], &DataType::Float64)?;
    let r = cast(&args[1], &DataType::Float64)?;
    let (l, r) = (l.as_primitive::<Float64Type>(), r.as_primitive::<Float64Type>());
    let out: Float64Array = l
        .iter()
        .zip(r.iter())
        .map(|(a, b)| match (a, b) {
            (Some(a), Some(b)) if b != 0.0 => Some(a / b),
            _ => None,
        })
        .collect();
    Ok(Arc::new(out))
}

/// Hive's `substr(str, pos[, len])`: 1-based, a negative `pos` counts from
/// the end, out-of-range gives ''.
fn substr(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let s = utf8(&args[0])?;
    let s = s.as_string::<i32>();
    let pos = cast(&args[1], &DataType::Int64)?;
    let pos = pos.as_primitive::<Int64Type>();
    let len = match args.get(2) {
        Some(l) => Some(cast(l, &DataType::Int64)?),
        None => None,
    };
    let len = len.as_ref().map(|l| l.as_primitive::<Int64Type>());
    let out: StringArray = (0..s.len())
        .map(|i| {
            if s.is_null(i) || pos.is_null(i) || len.is_some_and(|l| l.is_null(i)) {
                return None;
            }
            let chars: Vec<char> = s.value(i).chars().collect();
            let n = chars.len() as i64;
            let p = pos.value(i);
            let l = len.map_or(i64::MAX, |l| l.value(i));
            if p.abs() > n || l <= 0 {
                return Some(String::new());
            }
            let start = if p > 0 {
                p - 1
            } else if p < 0 {
                n + p
            } else {
                0
            };
            let end = start.saturating_add(l).min(n);
            Some(chars[start as usize..end as usize].iter().collect())
        })
        .collect();
    Ok(Arc::new(out))
}

/// Compiles patterns once per distinct value (they are almost always literals).
struct RegexCache(Option<(String, Regex)>);

impl RegexCache {
    fn get(&mut self, pattern: &str) -> Result<&Regex> {
        if self.0.as_ref().is_none_or(|(p, _)| p != pattern) {
            match Regex::new(pattern) {
                Ok(r) => self.0 = Some((pattern.to_string(), r)),
                Err(e) => return exec_err!("invalid regular expression '{pattern}': {e}"),
            }
        }
        match &self.0 {
            Some((_, r)) => Ok(r),
            None => exec_err!("regex cache empty"),
        }
    }
}

/// `regexp_extract(str, pattern[, group = 1])`: '' when there is no match.
fn regexp_extract(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let s = utf8(&args[0])?;
    let p = utf8(&args[1])?;
    let idx = match args.get(2) {
        Some(a) => Some(cast(a, &DataType::Int64)?),
        None => None,
    };
    let (s, p) = (s.as_string::<i32>(), p.as_string::<i32>());
    let idx = idx.as_ref().map(|a| a.as_primitive::<Int64Type>());
    let mut cache = RegexCache(None);
    let mut out = StringBuilder::new();
    for i in 0..s.len() {
        let group = match idx {
            Some(a) if a.is_null(i) => None,
            Some(a) => Some(a.value(i)),
            None => Some(1),
        };
        if s.is_null(i) || p.is_null(i) || group.is_none() {
            out.append_null();
            continue;
        }
        let re = cache.get(p.value(i))?;
        let group = group.unwrap_or(1);
        if group < 0 || group as usize >= re.captures_len() {
            return exec_err!("regexp_extract: group {group} does not exist in '{}'", p.value(i));
        }
        let text = re.captures(s.value(i)).and_then(|c| c.get(group as usize)).map(|m| m.as_str()).unwrap_or("");
        out.append_value(text);
    }
    Ok(Arc::new(out.finish()))
}

/// `split(str, regex)`: keeps trailing empty strings, as Hive's `split(regex, -1)`.
fn split(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let s = utf8(&args[0])?;
    let p = utf8(&args[1])?;
    let (s, p) = (s.as_string::<i32>(), p.as_string::<i32>());
    let mut cache = RegexCache(None);
    let mut out = ListBuilder::new(StringBuilder::new());
    for i in 0..s.len() {
        if s.is_null(i) || p.is_null(i) {
            out.append_null();
            continue;
        }
        for part in cache.get(p.value(i))?.split(s.value(i)) {
            out.values().append_value(part);
        }
        out.append(true);
    }
    Ok(Arc::new(out.finish()))
}

/// `get_json_object(json, '$.a.b[0]')`: strings unquoted, other values as JSON text.
fn get_json_object(args: &[ArrayRef], _rows: usize) -> Result<ArrayRef> {
    let s = utf8(&args[0])?;
    let p = utf8(&args[1])?;
    let (s, p) = (s.as_string::<i32>(), p.as_string::<i32>());
    let out: StringArray = (0..s.len())
        .map(|i| {
            if s.is_null(i) || p.is_null(i) {
                return None;
            }
            let doc: serde_json::Value = serde_json::from_str(s.value(i)).ok()?;
            let found = json_path(&doc, p.value(i))?;
            match found {
                serde_json::Value::Null => None,
                serde_json::Value::String(v) => Some(v.clone()),
                other => Some(other.to_string()),
            }
        })
        .collect();
    Ok(Arc::new(out))
}

/// The subset of JSONPath Hive documents: `$`, `.key`, `['key']`, `[index]`.
fn json_path<'a>(doc: &'a serde_json::Value, path: &str) -> Option<&'a serde_json::Value> {
    let mut rest = path.strip_prefix('$')?;
    let mut cur = doc;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            cur = cur.get(&r[..end])?;
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let end = r.find(']')?;
            let key = &r[..end];
            cur = if let Some(k) = key.strip_prefix('\'').and_then(|k| k.strip_suffix('\'')) {
                cur.get(k)?
            } else {
                cur.get(key.trim().parse::<usize>().ok()?)?
            };
            rest = &r[end + 1..];
        } else {
            return None;
        }
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[Option<&str>]) -> ArrayRef {
        Arc::new(StringArray::from(v.to_vec()))
    }

    #[test]
    fn regexp_extract_and_split_follow_hive() {
        let out = regexp_extract(
            &[strings(&[Some("foo123bar"), Some("none"), None]), strings(&[Some("([a-z]+)(\\d+)"); 3])],
            3,
        )
        .unwrap();
        let out = out.as_string::<i32>();
        assert_eq!((out.value(0), out.value(1), out.is_null(2)), ("foo", "", true));
        let out = split(&[strings(&[Some("a,b,,")]), strings(&[Some(",")])], 1).unwrap();
        assert_eq!(out.as_list::<i32>().value(0).len(), 4);
    }

    #[test]
    fn json_paths() {
        let doc: serde_json::Value = serde_json::from_str(r#"{"a":{"b":[1,{"c":"x"}]},"k y":2}"#).unwrap();
        assert_eq!(json_path(&doc, "$.a.b[1].c"), Some(&serde_json::Value::String("x".into())));
        assert_eq!(json_path(&doc, "$['k y']").map(|v| v.to_string()), Some("2".into()));
        assert_eq!(json_path(&doc, "$.missing"), None);
    }
}
