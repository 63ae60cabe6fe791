//! `round(x, d)` on a DECIMAL, typed as Hive types it.
//!
//! Hive's `GenericUDFRound` gives a `decimal(p,s)` rounded to `d` places the
//! type `decimal(p - s + (d < s ? 1 : 0) + max(d, 0), max(d, 0))`: `round(key,
//! 2)` of a `decimal(20,10)` is a `decimal(13,2)` and prints `-0.30`, not
//! DataFusion's `-0.3000000000`. The value rounds HALF_UP (ties away from
//! zero); `d` must be a constant, so it is part of the function.

use std::any::Any;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Decimal128Array};
use datafusion::arrow::datatypes::{i256, DataType, Decimal128Type};
use datafusion::common::{plan_err, Result, ScalarValue};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility};

use super::decimal_ops::{rescale, MAX_PRECISION};

/// `round` of a decimal to a fixed number of places.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HiveDecimalRound {
    places: i32,
    signature: Signature,
}

impl HiveDecimalRound {
    pub fn new(places: i32) -> Self {
        Self { places, signature: Signature::any(1, Volatility::Immutable) }
    }

    /// Hive's result type for a `decimal(p, s)` input.
    pub fn result_type(&self, p: i32, s: i32) -> (i32, i32) {
        let int_digits = if self.places < s { p - s + 1 } else { p - s };
        let scale = self.places.clamp(0, MAX_PRECISION);
        ((int_digits + scale).min(MAX_PRECISION), scale)
    }

    /// `v` (scale `s`) rounded to the places, at the result's scale; `None` when it no longer fits.
    fn round(&self, v: i128, s: i32, (p, scale): (i32, i32)) -> Option<i128> {
        let v = i256::from_i128(v);
        // Round at `places` (possibly negative: tens, hundreds), then express at `scale`.
        let rounded = if self.places < s { rescale(v, s, self.places)? } else { v };
        let from = if self.places < s { self.places } else { s };
        let out = if from <= scale {
            rounded.checked_mul(i256::from_i128(10).checked_pow(u32::try_from(scale - from).ok()?)?)?
        } else {
            rescale(rounded, from, scale)?
        };
        let limit = i256::from_i128(10).checked_pow(u32::try_from(p).ok()?)?;
        if out >= limit || out <= limit.checked_neg()? {
            return None;
        }
        out.to_i128()
    }
}

impl ScalarUDFImpl for HiveDecimalRound {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        "round"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        match arg_types {
            [DataType::Decimal128(p, s)] => {
                let (p, s) = self.result_type(i32::from(*p), i32::from(*s));
                // Both are within 0..=38 by construction.
                Ok(DataType::Decimal128(p as u8, s as i8))
            }
            _ => plan_err!("round of a decimal takes one decimal, not {arg_types:?}"),
        }
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let scalar = matches!(args.args.first(), Some(ColumnarValue::Scalar(_)));
        let Some(DataType::Decimal128(p, s)) = Some(args.return_type().clone()) else {
            return plan_err!("round of a decimal returns a decimal");
        };
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let [input] = arrays.as_slice() else { return plan_err!("round of a decimal takes one argument") };
        let DataType::Decimal128(_, in_scale) = input.data_type() else {
            return plan_err!("round of a decimal takes a decimal");
        };
        let in_scale = i32::from(*in_scale);
        let values = input.as_primitive::<Decimal128Type>();
        let target = (i32::from(p), i32::from(s));
        let out: Decimal128Array = (0..values.len())
            .map(|i| if values.is_null(i) { None } else { self.round(values.value(i), in_scale, target) })
            .collect();
        let out: ArrayRef = Arc::new(out.with_precision_and_scale(p, s)?);
        Ok(if scalar {
            ColumnarValue::Scalar(ScalarValue::try_from_array(&out, 0)?)
        } else {
            ColumnarValue::Array(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_rounds_like_hive() {
        let round2 = HiveDecimalRound::new(2);
        // decimal_udf.q.out: round(key, 2) of a decimal(20,10) is a decimal(13,2).
        assert_eq!(round2.result_type(20, 10), (13, 2));
        // -0.3000000000 is -0.30; 1.125 is 1.13; -1.125 is -1.13.
        assert_eq!(round2.round(-3_000_000_000, 10, (13, 2)), Some(-30));
        assert_eq!(round2.round(1125, 3, (13, 2)), Some(113));
        assert_eq!(round2.round(-1125, 3, (13, 2)), Some(-113));
        // More places than the input has: the value stays, at the new scale.
        assert_eq!(HiveDecimalRound::new(4).round(15, 1, (6, 4)), Some(15_000));
        // Negative places round to tens and give scale 0: round(125, -1) is 130.
        let tens = HiveDecimalRound::new(-1);
        assert_eq!(tens.result_type(3, 0), (4, 0));
        assert_eq!(tens.round(125, 0, (4, 0)), Some(130));
        assert_eq!(HiveDecimalRound::new(0).round(995, 1, (2, 0)), None);
    }
}
