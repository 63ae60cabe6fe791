//! CAST of a DATE or TIMESTAMP to a number or BOOLEAN, as Hive 2.1 does it.
//!
//! Arrow casts a timestamp to its raw count of units (nanoseconds here) and a
//! date to its day number. Hive's `UDFToLong` and friends take a
//! TIMESTAMP's seconds since the epoch (`TimestampWritable.getSeconds`,
//! narrowed as Java's casts narrow a long), `UDFToDouble` adds the fraction
//! (`getDouble`), a DECIMAL keeps all nine digits of it, and `UDFToBoolean`
//! is "not the epoch". A DATE gives NULL for all of them ("date value to
//! boolean doesn't make any sense"; Hive's `date_1` qtest).

use std::sync::Arc;

use datafusion::arrow::array::{
    new_null_array, Array, ArrayRef, AsArray, BooleanArray, Decimal128Array, Float32Array, Float64Array, Int16Array,
    Int32Array, Int64Array, Int8Array,
};
use datafusion::arrow::compute::{cast, cast_with_options, CastOptions};
use datafusion::arrow::datatypes::{DataType, Int64Type, TimeUnit};
use datafusion::common::Result;

const MICROS_PER_SECOND: i64 = 1_000_000;

/// Whether a CAST from `from` to `to` follows this module's rules.
pub fn applies(from: &DataType, to: &DataType) -> bool {
    let temporal = matches!(from, DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, None));
    temporal && (to.is_numeric() || *to == DataType::Boolean)
}

/// Casts a DATE or TIMESTAMP array to a number or BOOLEAN type with Hive's rules.
pub fn cast_temporal(array: &ArrayRef, target: &DataType) -> Result<ArrayRef> {
    if !matches!(array.data_type(), DataType::Timestamp(_, _)) {
        return Ok(new_null_array(target, array.len()));
    }
    let micros = cast(array, &DataType::Timestamp(TimeUnit::Microsecond, None))?;
    let micros = cast(&micros, &DataType::Int64)?;
    let micros = micros.as_primitive::<Int64Type>();
    let seconds = || micros.iter().map(|n| n.map(|n| n.div_euclid(MICROS_PER_SECOND)));
    let fractional = || {
        micros
            .iter()
            .map(|n| n.map(|n| n.div_euclid(MICROS_PER_SECOND) as f64 + n.rem_euclid(MICROS_PER_SECOND) as f64 / 1e6))
    };
    Ok(match target {
        DataType::Boolean => Arc::new(micros.iter().map(|n| n.map(|n| n != 0)).collect::<BooleanArray>()),
        DataType::Int8 => Arc::new(seconds().map(|s| s.map(|s| s as i8)).collect::<Int8Array>()),
        DataType::Int16 => Arc::new(seconds().map(|s| s.map(|s| s as i16)).collect::<Int16Array>()),
        DataType::Int32 => Arc::new(seconds().map(|s| s.map(|s| s as i32)).collect::<Int32Array>()),
        DataType::Int64 => Arc::new(seconds().collect::<Int64Array>()),
        DataType::Float32 => Arc::new(fractional().map(|d| d.map(|d| d as f32)).collect::<Float32Array>()),
        DataType::Float64 => Arc::new(fractional().collect::<Float64Array>()),
        _ => {
            // Seconds with six decimals, then the target's precision and scale
            // (out of range is NULL).
            let exact = micros.iter().map(|n| n.map(i128::from)).collect::<Decimal128Array>();
            let exact: ArrayRef = Arc::new(exact.with_precision_and_scale(38, 6)?);
            cast_with_options(&exact, target, &CastOptions { safe: true, ..Default::default() })?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Date32Array, TimestampMicrosecondArray};
    use datafusion::common::ScalarValue;

    fn first(array: &ArrayRef, target: DataType) -> String {
        cast_temporal(array, &target)
            .and_then(|a| ScalarValue::try_from_array(&a, 0))
            .map(|v| v.to_string())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn timestamps_become_epoch_seconds() {
        // 2011-05-06 07:08:09.123456 UTC.
        let ts: ArrayRef = Arc::new(TimestampMicrosecondArray::from(vec![1_304_665_689_123_456]));
        assert_eq!(first(&ts, DataType::Int64), "1304665689");
        assert_eq!(first(&ts, DataType::Float64), "1304665689.123456");
        let decimal = cast_temporal(&ts, &DataType::Decimal128(20, 3)).and_then(|a| ScalarValue::try_from_array(&a, 0));
        assert_eq!(decimal.ok(), Some(ScalarValue::Decimal128(Some(1_304_665_689_123), 20, 3)));
        assert_eq!(first(&ts, DataType::Boolean), "true");
        // Java's (byte) of the long.
        assert_eq!(first(&ts, DataType::Int8), ((1_304_665_689_i64) as i8).to_string());
        // Before the epoch the seconds floor: 1969-12-31 23:59:59.5 is -1 and -0.5.
        let before: ArrayRef = Arc::new(TimestampMicrosecondArray::from(vec![-500_000]));
        assert_eq!(first(&before, DataType::Int64), "-1");
        assert_eq!(first(&before, DataType::Float64), "-0.5");
    }

    #[test]
    fn dates_are_null() {
        let date: ArrayRef = Arc::new(Date32Array::from(vec![14975]));
        for target in [DataType::Boolean, DataType::Int8, DataType::Int32, DataType::Int64, DataType::Float64] {
            assert_eq!(first(&date, target), "NULL");
        }
        assert!(applies(&DataType::Date32, &DataType::Int32));
        assert!(!applies(&DataType::Date32, &DataType::Utf8));
    }
}
