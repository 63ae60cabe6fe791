//! `hive_cast(x, '<arrow type>')`: Hive's CAST, which never fails a query.
//!
//! DataFusion's CAST aborts the statement on the first string that is not a
//! number (`Cannot cast string ' 81.5' to value of Float64 type`); Hive gives
//! NULL for it, and reads `' 81.5'` as 81.5 because it parses with Java's
//! rules. The rewriter turns every `CAST(x AS <primitive>)` into this
//! function, and writes use it to convert into typed columns. For strings it
//! parses with `udf::parse`; for any other input type it simplifies to
//! DataFusion's `TRY_CAST` at planning time, so numeric casts cost nothing
//! extra and overflow gives NULL rather than an error.

use std::any::Any;
use std::str::FromStr;
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Date32Array, Decimal128Array, Float32Array, Float64Array, Int16Array,
    Int32Array, Int64Array, Int8Array, StringArray, TimestampMicrosecondArray,
};
use datafusion::arrow::compute::{can_cast_types, cast, cast_with_options, CastOptions};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, TimeUnit};
use datafusion::common::{exec_err, plan_err, Result, ScalarValue};
use datafusion::logical_expr::expr::TryCast;
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyInfo};
use datafusion::logical_expr::{
    lit, ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

use super::cast_temporal;
use super::parse::{parse_boolean, parse_date, parse_decimal, parse_double, parse_integer, parse_timestamp};

/// Days from 0001-01-01 (chrono's day 1) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HiveCast {
    signature: Signature,
}

impl HiveCast {
    pub fn new() -> Self {
        Self { signature: Signature::any(2, Volatility::Immutable) }
    }
}

/// Whether `hive_cast` parses strings into `dt` with Hive's rules (other
/// targets keep DataFusion's CAST).
pub fn is_hive_cast_target(dt: &DataType) -> bool {
    matches!(
        dt,
        DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::Float32
            | DataType::Float64
            | DataType::Decimal128(_, _)
            | DataType::Date32
            | DataType::Timestamp(TimeUnit::Microsecond, None)
            | DataType::Boolean
    )
}

/// `hive_cast(expr, dt)` as a logical expression, for writes.
pub fn hive_cast_expr(expr: Expr, dt: &DataType) -> Expr {
    ScalarUDF::new_from_impl(HiveCast::new()).call(vec![expr, lit(dt.to_string())])
}

fn is_string(dt: &DataType) -> bool {
    matches!(dt, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(_, _))
}

fn target_of(arg: Option<&ScalarValue>) -> Result<DataType> {
    match arg {
        Some(ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) | ScalarValue::Utf8View(Some(s))) => {
            match DataType::from_str(s) {
                Ok(dt) if is_hive_cast_target(&dt) => Ok(dt),
                _ => plan_err!("hive_cast: unsupported target type '{s}'"),
            }
        }
        _ => plan_err!("hive_cast takes a literal target type"),
    }
}

impl ScalarUDFImpl for HiveCast {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        "hive_cast"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        // The type is the second argument's value, which only
        // `return_field_from_args` sees.
        plan_err!("hive_cast needs its literal target type")
    }
    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let target = target_of(args.scalar_arguments.get(1).copied().flatten())?;
        Ok(Arc::new(Field::new(self.name(), target, true)))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let target = args.return_type().clone();
        let rows = args.number_rows;
        let Some(input) = args.args.into_iter().next() else { return exec_err!("hive_cast takes two arguments") };
        let scalar = matches!(input, ColumnarValue::Scalar(_));
        let array = input.into_array(rows)?;
        let out = if is_string(array.data_type()) {
            let strings = cast(&array, &DataType::Utf8)?;
            parse_strings(strings.as_string::<i32>(), &target)?
        } else {
            cast_other(&array, &target)?
        };
        if scalar {
            Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?))
        } else {
            Ok(ColumnarValue::Array(out))
        }
    }
    fn simplify(&self, args: Vec<Expr>, info: &dyn SimplifyInfo) -> Result<ExprSimplifyResult> {
        let [input, target] = args.as_slice() else { return Ok(ExprSimplifyResult::Original(args)) };
        let dt = info.get_data_type(input)?;
        if is_string(&dt) {
            return Ok(ExprSimplifyResult::Original(args));
        }
        let Expr::Literal(value, _) = target else { return Ok(ExprSimplifyResult::Original(args)) };
        let target = target_of(Some(value))?;
        if dt == target {
            return Ok(ExprSimplifyResult::Simplified(input.clone()));
        }
        if !can_cast_types(&dt, &target) || java_narrowing(&dt, &target) || cast_temporal::applies(&dt, &target) {
            // Arrow has no direct cast (decimal or timestamp to boolean): `cast_other`.
            return Ok(ExprSimplifyResult::Original(args));
        }
        Ok(ExprSimplifyResult::Simplified(Expr::TryCast(TryCast::new(Box::new(input.clone()), target))))
    }
}

/// A non-string input: arrow's safe cast (overflow → NULL), through a
/// number for the casts arrow lacks. Hive's `UDFToBoolean` is "not zero"
/// for decimals and timestamps alike.
fn cast_other(array: &ArrayRef, target: &DataType) -> Result<ArrayRef> {
    let options = CastOptions { safe: true, ..Default::default() };
    if cast_temporal::applies(array.data_type(), target) {
        return cast_temporal::cast_temporal(array, target);
    }
    if java_narrowing(array.data_type(), target) {
        return java_narrow(array, target);
    }
    if can_cast_types(array.data_type(), target) {
        return Ok(cast_with_options(array, target, &options)?);
    }
    let via = match array.data_type() {
        DataType::Timestamp(_, _) | DataType::Date32 | DataType::Date64 => DataType::Int64,
        _ => DataType::Float64,
    };
    let number = cast_with_options(array, &via, &options)?;
    Ok(cast_with_options(&number, target, &options)?)
}

/// Integer and floating point to a narrower integer: Hive's `UDFToByte` and
/// friends use Java's casts, which wrap (`(byte) -1025L` is -1) and, from
/// floating point, truncate and saturate at the int range first. Arrow would
/// give NULL (or fail).
fn java_narrowing(from: &DataType, to: &DataType) -> bool {
    let integral = |d: &DataType| matches!(d, DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64);
    let wider_or_float = match from {
        DataType::Float32 | DataType::Float64 => true,
        DataType::Int64 | DataType::UInt64 | DataType::UInt32 => true,
        DataType::Int32 | DataType::UInt16 => matches!(to, DataType::Int8 | DataType::Int16),
        DataType::Int16 | DataType::UInt8 => matches!(to, DataType::Int8),
        _ => false,
    };
    integral(to) && wider_or_float && from != to
}

fn java_narrow(array: &ArrayRef, target: &DataType) -> Result<ArrayRef> {
    let floating = matches!(array.data_type(), DataType::Float32 | DataType::Float64);
    let values: Vec<Option<i64>> = if floating {
        let doubles = cast(array, &DataType::Float64)?;
        let doubles = doubles.as_primitive::<datafusion::arrow::datatypes::Float64Type>();
        // Java: (long) d saturates at the long range; (int) d at the int
        // range, and (short)/(byte) narrow that int.
        doubles
            .iter()
            .map(|d| d.map(|d| if *target == DataType::Int64 { d as i64 } else { i64::from(d as i32) }))
            .collect()
    } else {
        let longs = cast(array, &DataType::Int64)?;
        longs.as_primitive::<datafusion::arrow::datatypes::Int64Type>().iter().collect()
    };
    Ok(match target {
        DataType::Int8 => Arc::new(values.iter().map(|v| v.map(|v| v as i8)).collect::<Int8Array>()),
        DataType::Int16 => Arc::new(values.iter().map(|v| v.map(|v| v as i16)).collect::<Int16Array>()),
        DataType::Int32 => Arc::new(values.iter().map(|v| v.map(|v| v as i32)).collect::<Int32Array>()),
        _ => Arc::new(values.into_iter().collect::<Int64Array>()),
    })
}

/// Parses each string with Hive's rules for `target`; unparseable → NULL.
pub(crate) fn parse_strings(s: &StringArray, target: &DataType) -> Result<ArrayRef> {
    let values = s.iter();
    Ok(match target {
        DataType::Int8 => Arc::new(
            values
                .map(|v| v.and_then(|v| parse_integer(v, i8::MIN.into(), i8::MAX.into())).map(|n| n as i8))
                .collect::<Int8Array>(),
        ),
        DataType::Int16 => Arc::new(
            values
                .map(|v| v.and_then(|v| parse_integer(v, i16::MIN.into(), i16::MAX.into())).map(|n| n as i16))
                .collect::<Int16Array>(),
        ),
        DataType::Int32 => Arc::new(
            values
                .map(|v| v.and_then(|v| parse_integer(v, i32::MIN.into(), i32::MAX.into())).map(|n| n as i32))
                .collect::<Int32Array>(),
        ),
        DataType::Int64 => {
            Arc::new(values.map(|v| v.and_then(|v| parse_integer(v, i64::MIN, i64::MAX))).collect::<Int64Array>())
        }
        DataType::Float32 => {
            // Float.parseFloat has Double.parseDouble's grammar.
            Arc::new(values.map(|v| v.and_then(parse_double).map(|d| d as f32)).collect::<Float32Array>())
        }
        DataType::Float64 => Arc::new(values.map(|v| v.and_then(parse_double)).collect::<Float64Array>()),
        DataType::Decimal128(p, scale) => Arc::new(
            values
                .map(|v| v.and_then(|v| parse_decimal(v, *p, *scale)))
                .collect::<Decimal128Array>()
                .with_precision_and_scale(*p, *scale)?,
        ),
        DataType::Date32 => Arc::new(
            values
                .map(|v| {
                    v.and_then(parse_date).map(|d| chrono::Datelike::num_days_from_ce(&d) - UNIX_EPOCH_DAYS_FROM_CE)
                })
                .collect::<Date32Array>(),
        ),
        // Microseconds, not Hive's nanoseconds: i64 nanoseconds end in 2262
        // and start in 1677, and tables use 9999-12-31 as "no end".
        DataType::Timestamp(TimeUnit::Microsecond, None) => Arc::new(
            values
                .map(|v| v.and_then(parse_timestamp).map(|t| t.and_utc().timestamp_micros()))
                .collect::<TimestampMicrosecondArray>(),
        ),
        DataType::Boolean => Arc::new(values.map(|v| v.map(parse_boolean)).collect::<BooleanArray>()),
        other => return exec_err!("hive_cast: unsupported target type {other}"),
    })
}
