//! Hive's DECIMAL arithmetic: `+`, `-`, `*`, `/` and `%` on two decimals.
//!
//! Hive 2.1 types the result of each operator from the operands' precision
//! and scale (`GenericUDFOP*.deriveResultDecimalTypeInfo`) with its own
//! rules (a quotient keeps at least 6 fractional digits, and when it would
//! need more than 38 digits the fraction gives up about half the excess),
//! computes the exact result, rounds it HALF_UP to the result's scale and
//! gives NULL when the integer part does not fit (`enforcePrecisionScale`).
//! DataFusion's decimal operators type differently and wrap or fail on
//! overflow, so `crate::decimal_typing` replaces them with these functions.

use std::any::Any;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Decimal128Array};
use datafusion::arrow::datatypes::{i256, DataType, Decimal128Type};
use datafusion::common::{plan_err, Result, ScalarValue};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility};

/// Hive's `HiveDecimal.MAX_PRECISION` (and `MAX_SCALE`).
pub const MAX_PRECISION: i32 = 38;

/// An arithmetic operator on decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DecimalOp {
    Plus,
    Minus,
    Multiply,
    Divide,
    Modulo,
}

impl DecimalOp {
    fn name(self) -> &'static str {
        match self {
            Self::Plus => "hive_decimal_plus",
            Self::Minus => "hive_decimal_minus",
            Self::Multiply => "hive_decimal_multiply",
            Self::Divide => "hive_decimal_divide",
            Self::Modulo => "hive_decimal_modulo",
        }
    }

    /// The `(precision, scale)` Hive gives the result for operands of
    /// `(p1, s1)` and `(p2, s2)`.
    pub fn result_type(self, (p1, s1): (i32, i32), (p2, s2): (i32, i32)) -> (i32, i32) {
        match self {
            Self::Plus | Self::Minus => {
                let scale = s1.max(s2);
                (((p1 - s1).max(p2 - s2) + scale + 1).min(MAX_PRECISION), scale)
            }
            Self::Multiply => ((p1 + p2 + 1).min(MAX_PRECISION), (s1 + s2).min(MAX_PRECISION)),
            Self::Divide => {
                let mut int_digits = (p1 - s1 + s2).min(MAX_PRECISION);
                let mut frac_digits = (s1 + p2 + 1).clamp(6, MAX_PRECISION);
                let excess = int_digits + frac_digits - MAX_PRECISION;
                if excess > 0 {
                    // Hive takes a little more than half the excess from the fraction.
                    frac_digits -= excess / 2 + 1;
                    int_digits = MAX_PRECISION - frac_digits;
                }
                (int_digits + frac_digits, frac_digits)
            }
            Self::Modulo => {
                let scale = s1.max(s2);
                (((p1 - s1).min(p2 - s2) + scale).min(MAX_PRECISION), scale)
            }
        }
    }

    /// `a` (scale `s1`) op `b` (scale `s2`) as an unscaled value of type
    /// `decimal(p, s)`; `None` (NULL) when dividing by zero or when the
    /// rounded result has more than `p - s` integer digits.
    pub fn apply(self, a: i128, s1: i32, b: i128, s2: i32, (p, s): (i32, i32)) -> Option<i128> {
        let (a, b) = (i256::from_i128(a), i256::from_i128(b));
        let exact = match self {
            Self::Plus | Self::Minus => {
                let scale = s1.max(s2);
                let (a, b) = (a.checked_mul(pow10(scale - s1)?)?, b.checked_mul(pow10(scale - s2)?)?);
                let sum = if self == Self::Plus { a.checked_add(b)? } else { a.checked_sub(b)? };
                rescale(sum, scale, s)?
            }
            Self::Multiply => rescale(a.checked_mul(b)?, s1 + s2, s)?,
            Self::Divide => divide(a.checked_mul(pow10(s2)?)?, b.checked_mul(pow10(s1)?)?, s)?,
            Self::Modulo => {
                let scale = s1.max(s2);
                let (a, b) = (a.checked_mul(pow10(scale - s1)?)?, b.checked_mul(pow10(scale - s2)?)?);
                if b == i256::ZERO {
                    return None;
                }
                // Java's BigDecimal.remainder: the sign of the dividend.
                rescale(a.checked_rem(b)?, scale, s)?
            }
        };
        let limit = pow10(p)?;
        if exact >= limit || exact <= limit.checked_neg()? {
            return None;
        }
        exact.to_i128()
    }
}

fn pow10(n: i32) -> Option<i256> {
    i256::from_i128(10).checked_pow(u32::try_from(n).ok()?)
}

/// `v` at scale `from` as a value at scale `to`, rounding HALF_UP (ties away from zero).
pub(super) fn rescale(v: i256, from: i32, to: i32) -> Option<i256> {
    if from <= to {
        return v.checked_mul(pow10(to - from)?);
    }
    let d = pow10(from - to)?;
    round_quotient(v, d)
}

/// `n / d` rounded HALF_UP; `d` is positive.
fn round_quotient(n: i256, d: i256) -> Option<i256> {
    let (q, r) = (n.checked_div(d)?, n.checked_rem(d)?);
    if r.wrapping_abs().checked_mul(i256::from_i128(2))? >= d {
        if n < i256::ZERO {
            q.checked_sub(i256::ONE)
        } else {
            q.checked_add(i256::ONE)
        }
    } else {
        Some(q)
    }
}

/// The quotient `n / d` with `scale` fractional digits, rounded HALF_UP;
/// `None` for a zero divisor or a quotient too large to matter (it could
/// never fit 38 digits).
fn divide(n: i256, d: i256, scale: i32) -> Option<i256> {
    if d == i256::ZERO {
        return None;
    }
    let negative = (n < i256::ZERO) != (d < i256::ZERO);
    let (n, d) = (n.wrapping_abs(), d.wrapping_abs());
    let ten = i256::from_i128(10);
    let (mut q, mut r) = (n.checked_div(d)?, n.checked_rem(d)?);
    // Long division, one digit at a time: `n * 10^scale` may not fit 256 bits.
    for _ in 0..scale {
        r = r.checked_mul(ten)?;
        q = q.checked_mul(ten)?.checked_add(r.checked_div(d)?)?;
        r = r.checked_rem(d)?;
    }
    if r.checked_mul(i256::from_i128(2))? >= d {
        q = q.checked_add(i256::ONE)?;
    }
    Some(if negative { q.checked_neg()? } else { q })
}

/// Removes trailing fractional zeros, as Hive's `HiveDecimal` does with
/// every value, and gives the value's own `(precision, scale)`: what Hive
/// types a constant by (`100.000` is `decimal(3,0)`, `0.01` is `decimal(2,2)`).
pub fn normalize(mut v: i128, mut scale: i32) -> (i128, i32, i32) {
    while scale > 0 && v % 10 == 0 {
        v /= 10;
        scale -= 1;
    }
    let digits = v.unsigned_abs().checked_ilog10().map_or(1, |d| d as i32 + 1);
    (v, digits.max(scale).max(1), scale)
}

/// `hive_decimal_<op>(a, b)` on two DECIMAL arguments.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HiveDecimalArith {
    op: DecimalOp,
    signature: Signature,
}

impl HiveDecimalArith {
    pub fn new(op: DecimalOp) -> Self {
        Self { op, signature: Signature::any(2, Volatility::Immutable) }
    }
}

fn decimal_type(dt: &DataType) -> Option<(i32, i32)> {
    match dt {
        DataType::Decimal128(p, s) => Some((i32::from(*p), i32::from(*s))),
        // An untyped NULL (Hive's void) takes the smallest decimal: the
        // optimizer puts one in for an aggregate over no rows
        // (`scalar_subquery_to_join`), and the result is NULL anyway.
        DataType::Null => Some((1, 0)),
        _ => None,
    }
}

impl ScalarUDFImpl for HiveDecimalArith {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        self.op.name()
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        match arg_types {
            [l, r] => match (decimal_type(l), decimal_type(r)) {
                (Some(l), Some(r)) => {
                    let (p, s) = self.op.result_type(l, r);
                    // Both are within 0..=38 by construction.
                    Ok(DataType::Decimal128(p as u8, s as i8))
                }
                _ => plan_err!("{} takes two decimals, not {l} and {r}", self.name()),
            },
            _ => plan_err!("{} takes two arguments", self.name()),
        }
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let scalar = args.args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let target = args.return_type().clone();
        let Some((p, s)) = decimal_type(&target) else {
            return plan_err!("{} returns a decimal, not {target}", self.name());
        };
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let [l, r] = arrays.as_slice() else {
            return plan_err!("{} takes two arguments", self.name());
        };
        if l.data_type() == &DataType::Null || r.data_type() == &DataType::Null {
            let nulls = datafusion::arrow::array::new_null_array(&target, l.len());
            return Ok(match scalar {
                true => ColumnarValue::Scalar(ScalarValue::try_from_array(&nulls, 0)?),
                false => ColumnarValue::Array(nulls),
            });
        }
        let (Some((_, s1)), Some((_, s2))) = (decimal_type(l.data_type()), decimal_type(r.data_type())) else {
            return plan_err!("{} takes two decimals", self.name());
        };
        let (l, r) = (l.as_primitive::<Decimal128Type>(), r.as_primitive::<Decimal128Type>());
        let out: Decimal128Array = (0..l.len())
            .map(|i| {
                if l.is_null(i) || r.is_null(i) {
                    return None;
                }
                self.op.apply(l.value(i), s1, r.value(i), s2, (p, s))
            })
            .collect();
        let out: ArrayRef = Arc::new(out.with_precision_and_scale(p as u8, s as i8)?);
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
    use DecimalOp::*;

    #[test]
    fn result_types_follow_hive() {
        // From the types Hive 2.1 prints in decimal_udf.q.out for decimal(20,10) `key`.
        assert_eq!(Plus.result_type((20, 10), (20, 10)), (21, 10));
        assert_eq!(Minus.result_type((20, 10), (10, 0)), (21, 10));
        assert_eq!(Multiply.result_type((20, 10), (20, 10)), (38, 20));
        assert_eq!(Multiply.result_type((20, 10), (10, 0)), (31, 10));
        assert_eq!(Divide.result_type((20, 10), (1, 0)), (22, 12));
        assert_eq!(Divide.result_type((20, 10), (10, 0)), (31, 21));
        assert_eq!(Divide.result_type((20, 10), (20, 10)), (38, 24));
        assert_eq!(Divide.result_type((30, 10), (19, 0)), (38, 23));
        assert_eq!(Modulo.result_type((21, 10), (22, 12)), (22, 12));
    }

    #[test]
    fn rounds_half_up_and_nulls_overflow() {
        // 1 / 3 as decimal(22,12) is 0.333333333333.
        assert_eq!(Divide.apply(1, 0, 3, 0, (22, 12)), Some(333_333_333_333));
        // -2 / 3 rounds away from zero: -0.666667.
        assert_eq!(Divide.apply(-2, 0, 3, 0, (7, 6)), Some(-666_667));
        // 1 / 200000004 at scale 21 (union36): 0.000000004999999900000.
        assert_eq!(Divide.apply(1, 0, 200_000_004, 0, (31, 21)), Some(4_999_999_900_000));
        assert_eq!(Divide.apply(5, 0, 0, 0, (22, 12)), None);
        // 124.00^2 in decimal(38,20) is 15376; 1234567890.1234567890^2 has 19 integer digits: NULL.
        let big = 12_345_678_901_234_567_890;
        assert_eq!(
            Multiply.apply(1_240_000_000_000, 10, 1_240_000_000_000, 10, (38, 20)),
            Some(15376 * 10i128.pow(20))
        );
        assert_eq!(Multiply.apply(big, 10, big, 10, (38, 20)), None);
        // 0.05 * 0.1 = 0.005 rounds to 0.01 at scale 2.
        assert_eq!(Multiply.apply(5, 2, 1, 1, (5, 2)), Some(1));
        assert_eq!(Plus.apply(99, 0, 1, 0, (2, 0)), None);
        assert_eq!(Minus.apply(15, 1, 2, 0, (3, 1)), Some(-5));
        // -7.5 % 2 = -1.5 (the dividend's sign).
        assert_eq!(Modulo.apply(-75, 1, 2, 0, (2, 1)), Some(-15));
        assert_eq!(Modulo.apply(1, 0, 0, 0, (1, 0)), None);
    }

    #[test]
    fn normalizes_like_hive_decimal() {
        assert_eq!(normalize(100_000, 3), (100, 3, 0));
        assert_eq!(normalize(0, 3), (0, 1, 0));
        assert_eq!(normalize(10, 3), (1, 2, 2));
        assert_eq!(normalize(6_902_122_497_558_593_750_000, 20), (690_212_249_755_859_375, 18, 16));
    }
}
