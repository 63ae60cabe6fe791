//! Hive's `bround(x[, d])`: round to `d` decimal places with HALF_EVEN
//! (banker's rounding; `GenericUDFBRound`). A decimal stays a decimal, of
//! scale `max(d, 0)` (`bround(1.25, 1)` is `1.2`, `bround(55.0, -1)` is
//! `60`); an integer stays an integer; anything else is a double, rounded as
//! Hive does, through `BigDecimal.valueOf(x)`: the shortest decimal form of
//! the double, so `bround(2.675, 2)` looks at the digits `2.675`.

use std::any::Any;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Decimal128Array, Float64Array, Int64Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Field, FieldRef, Float64Type, Int64Type};
use datafusion::common::{plan_err, Result, ScalarValue};
use datafusion::logical_expr::{
    ColumnarValue, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDFImpl, Signature, TypeSignature, Volatility,
};

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HiveBRound {
    signature: Signature,
}

impl HiveBRound {
    pub fn new() -> Self {
        let signature = Signature::one_of(vec![TypeSignature::Any(1), TypeSignature::Any(2)], Volatility::Immutable);
        HiveBRound { signature }
    }
}

/// The places argument, a literal integer (0 without one).
fn places(arg: Option<&ScalarValue>) -> Result<i32> {
    let Some(value) = arg else { return Ok(0) };
    match value.cast_to(&DataType::Int64) {
        Ok(ScalarValue::Int64(Some(d))) => Ok(i32::try_from(d.clamp(-38, 38)).unwrap_or(0)),
        _ => plan_err!("bround takes a literal integer as its second argument"),
    }
}

fn is_integer(dt: &DataType) -> bool {
    dt.is_integer()
}

impl ScalarUDFImpl for HiveBRound {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        "bround"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        plan_err!("bround's type depends on its literal places")
    }
    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let d = places(args.scalar_arguments.get(1).copied().flatten())?;
        let dt = match args.arg_fields.first().map(|f| f.data_type()) {
            Some(DataType::Decimal128(p, s)) => DataType::Decimal128(*p, (*s).min(d.max(0) as i8)),
            Some(dt) if is_integer(dt) => DataType::Int64,
            _ => DataType::Float64,
        };
        Ok(Arc::new(Field::new(self.name(), dt, true)))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let target = args.return_type().clone();
        let rows = args.number_rows;
        let d = match args.args.get(1) {
            Some(ColumnarValue::Scalar(value)) => places(Some(value))?,
            Some(_) => return plan_err!("bround takes a literal integer as its second argument"),
            None => 0,
        };
        let scalar = matches!(args.args.first(), Some(ColumnarValue::Scalar(_)));
        let Some(input) = args.args.into_iter().next() else { return plan_err!("bround takes one or two arguments") };
        let array = input.into_array(rows)?;
        let out: ArrayRef = match (&target, array.data_type()) {
            (DataType::Decimal128(p, s), DataType::Decimal128(_, from)) => {
                let values = array.as_primitive::<Decimal128Type>();
                let out: Decimal128Array =
                    values.iter().map(|v| v.map(|v| round_unscaled(v, i32::from(*from), d, i32::from(*s)))).collect();
                Arc::new(out.with_precision_and_scale(*p, *s)?)
            }
            (DataType::Int64, _) => {
                let ints = cast(&array, &DataType::Int64)?;
                let out: Int64Array = ints
                    .as_primitive::<Int64Type>()
                    .iter()
                    .map(|v| {
                        v.map(|v| {
                            round_unscaled(i128::from(v), 0, d, 0).clamp(i64::MIN as i128, i64::MAX as i128) as i64
                        })
                    })
                    .collect();
                Arc::new(out)
            }
            _ => {
                let doubles = cast(&array, &DataType::Float64)?;
                let out: Float64Array =
                    doubles.as_primitive::<Float64Type>().iter().map(|v| v.map(|v| bround_double(v, d))).collect();
                Arc::new(out)
            }
        };
        if scalar {
            Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?))
        } else {
            Ok(ColumnarValue::Array(out))
        }
    }
}

/// `value` × 10^-`scale`, rounded HALF_EVEN to `d` places and returned as
/// an unscaled number of scale `to` (`to` = max(d, 0) ≤ `scale`).
fn round_unscaled(value: i128, scale: i32, d: i32, to: i32) -> i128 {
    if d >= scale {
        return value;
    }
    let drop = u32::try_from(scale - d).unwrap_or(0).min(38);
    let unit = 10i128.pow(drop);
    let (q, r) = (value / unit, value % unit);
    let twice = r.abs() * 2;
    let away = twice > unit || (twice == unit && q % 2 != 0);
    let rounded = if away { q + value.signum() } else { q };
    // Back to the result's scale: for d < 0 the rounded tens are units again.
    let up = u32::try_from(to - d).unwrap_or(0).min(38);
    rounded.saturating_mul(10i128.pow(up))
}

/// A double through its shortest decimal form, as `BigDecimal.valueOf`.
fn bround_double(value: f64, d: i32) -> f64 {
    if !value.is_finite() {
        return value;
    }
    let text = format!("{value:e}");
    let Some((mantissa, exponent)) = text.split_once('e') else { return value };
    let Ok(exponent) = exponent.parse::<i32>() else { return value };
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let Ok(unscaled) = digits.parse::<i128>() else { return value };
    // mantissa d.ddd × 10^exponent = unscaled × 10^-(len-1-exponent)
    let scale = i32::try_from(digits.len()).unwrap_or(0) - 1 - exponent;
    let unscaled = if negative { -unscaled } else { unscaled };
    if !(-38..=38).contains(&scale) {
        return value;
    }
    let to = d.max(0);
    let rounded = round_unscaled(unscaled, scale, d, to);
    let result_scale = if d >= scale { scale } else { to };
    rounded as f64 / 10f64.powi(result_scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_even_on_decimals_and_doubles() {
        // 2.5 → 2, 3.5 → 4, 1.25@1 → 1.2, 1.35@1 → 1.4, -1.25@1 → -1.2
        assert_eq!(round_unscaled(25, 1, 0, 0), 2);
        assert_eq!(round_unscaled(35, 1, 0, 0), 4);
        assert_eq!(round_unscaled(125, 2, 1, 1), 12);
        assert_eq!(round_unscaled(135, 2, 1, 1), 14);
        assert_eq!(round_unscaled(-125, 2, 1, 1), -12);
        assert_eq!(round_unscaled(1251, 3, 1, 1), 13);
        // 55.0@-1 → 60, 45.0@-1 → 40, -45.1@-1 → -50
        assert_eq!(round_unscaled(550, 1, -1, 0), 60);
        assert_eq!(round_unscaled(450, 1, -1, 0), 40);
        assert_eq!(round_unscaled(-451, 1, -1, 0), -50);
        assert_eq!(bround_double(2.5, 0), 2.0);
        assert_eq!(bround_double(3.5, 0), 4.0);
        assert_eq!(bround_double(2.675, 2), 2.68);
        assert_eq!(bround_double(-1.35, 1), -1.4);
        assert_eq!(bround_double(45.0, -1), 40.0);
        assert_eq!(bround_double(12.0, 3), 12.0);
        assert!(bround_double(f64::NAN, 1).is_nan());
    }
}
