//! Hive's `round(x[, d])` on integers: the result keeps the integer type.
//!
//! Hive's `GenericUDFRound` returns a TINYINT for a TINYINT, an INT for an
//! INT and so on (`round(127)` prints `127`), rounding HALF_UP to tens,
//! hundreds... when `d` is negative and leaving the value alone otherwise.
//! DataFusion's `round` turns integers into doubles (`127.0`). This function
//! takes the name `round`, handles integer inputs itself and hands every
//! other input (doubles, decimals, strings) to DataFusion's `round`
//! unchanged, signature included.

use std::any::Any;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray, Int64Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Int64Type};
use datafusion::common::{plan_err, Result, ScalarValue};
use datafusion::logical_expr::type_coercion::functions::fields_with_udf;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature};

/// `round`, integer-preserving as in Hive, otherwise DataFusion's.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HiveRound {
    signature: Signature,
    inner: Arc<ScalarUDF>,
}

impl HiveRound {
    pub fn new() -> Self {
        let inner = datafusion::functions::math::round();
        let signature = Signature::user_defined(inner.signature().volatility);
        HiveRound { signature, inner }
    }
}

impl ScalarUDFImpl for HiveRound {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        "round"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    /// Integers stay as they are (places as BIGINT); anything else is
    /// coerced as DataFusion's `round` would coerce it.
    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        match arg_types {
            [value] if value.is_integer() => Ok(vec![value.clone()]),
            [value, places] if value.is_integer() && (places.is_integer() || places.is_null()) => {
                Ok(vec![value.clone(), DataType::Int64])
            }
            _ => {
                let fields: Vec<FieldRef> =
                    arg_types.iter().map(|dt| Arc::new(Field::new("arg", dt.clone(), true))).collect();
                let coerced = fields_with_udf(&fields, self.inner.as_ref())?;
                Ok(coerced.iter().map(|f| f.data_type().clone()).collect())
            }
        }
    }
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        match arg_types.first() {
            Some(dt) if dt.is_integer() => Ok(dt.clone()),
            _ => self.inner.return_type(arg_types),
        }
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let integer_input = args.args.first().is_some_and(|a| a.data_type().is_integer());
        if !integer_input {
            return self.inner.invoke_with_args(args);
        }
        let target = args.return_type().clone();
        let rows = args.number_rows;
        let places = match args.args.get(1) {
            Some(ColumnarValue::Scalar(value)) => match value.cast_to(&DataType::Int64)? {
                ScalarValue::Int64(Some(d)) => d,
                _ => return Ok(ColumnarValue::Scalar(ScalarValue::try_from(&target)?)),
            },
            Some(_) => return plan_err!("round takes a literal integer as its second argument"),
            None => 0,
        };
        let scalar = matches!(args.args.first(), Some(ColumnarValue::Scalar(_)));
        let Some(input) = args.args.into_iter().next() else { return plan_err!("round takes one or two arguments") };
        let longs = cast(&input.into_array(rows)?, &DataType::Int64)?;
        let rounded: Int64Array =
            longs.as_primitive::<Int64Type>().iter().map(|v| v.map(|v| round_long(v, places))).collect();
        // Back to the input's type; a result beyond it (round(127, -1) on a
        // TINYINT) becomes NULL rather than wrapping.
        let out: ArrayRef = cast(&(Arc::new(rounded) as ArrayRef), &target)?;
        if scalar {
            Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?))
        } else {
            Ok(ColumnarValue::Array(out))
        }
    }
}

/// `value` rounded HALF_UP (ties away from zero) to 10^-`places`; a
/// non-negative `places` leaves an integer as it is.
fn round_long(value: i64, places: i64) -> i64 {
    if places >= 0 {
        return value;
    }
    let Ok(power) = u32::try_from(-places) else { return 0 };
    if power > 19 {
        return 0;
    }
    let unit = 10i128.pow(power);
    let wide = i128::from(value);
    let (quotient, remainder) = (wide / unit, wide % unit);
    let away = remainder.abs() * 2 >= unit;
    let rounded = if away { quotient + wide.signum() } else { quotient } * unit;
    rounded.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_round_half_up_only_for_negative_places() {
        assert_eq!(round_long(127, 0), 127);
        assert_eq!(round_long(-128, 2), -128);
        assert_eq!(round_long(125, -1), 130);
        assert_eq!(round_long(-125, -1), -130);
        assert_eq!(round_long(124, -1), 120);
        assert_eq!(round_long(1449, -2), 1400);
        assert_eq!(round_long(i64::MAX, 0), i64::MAX);
        assert_eq!(round_long(5, -30), 0);
    }

    #[test]
    fn return_type_keeps_integers_and_defers_otherwise() {
        let round = HiveRound::new();
        assert_eq!(round.return_type(&[DataType::Int8]).ok(), Some(DataType::Int8));
        assert_eq!(round.return_type(&[DataType::Int64, DataType::Int64]).ok(), Some(DataType::Int64));
        assert_eq!(round.return_type(&[DataType::Float64]).ok(), Some(DataType::Float64));
        assert_eq!(
            round.coerce_types(&[DataType::Float64, DataType::Int64]).ok(),
            Some(vec![DataType::Float64, DataType::Int32])
        );
    }
}
