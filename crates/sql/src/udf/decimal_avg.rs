//! `avg` of a DECIMAL, rounded as Hive rounds it.
//!
//! Hive and DataFusion agree on the type (`decimal(p+4, s+4)`) and on the
//! running sum and count, but Hive divides with `HiveDecimal.divide`, which
//! rounds HALF_UP (`0.33 / 13` is `0.02538461538462` at scale 14), where
//! DataFusion truncates (`...461`). This wraps DataFusion's `avg` and redoes
//! only the final division; `crate::decimal_typing` substitutes it for `avg`
//! on decimals.

use std::any::Any;

use datafusion::arrow::array::ArrayRef;
use datafusion::arrow::datatypes::{DataType, FieldRef};
use datafusion::common::{Result, ScalarValue};
use datafusion::functions_aggregate::average::Avg;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Signature};

use super::decimal_ops::DecimalOp;

/// Hive's decimal `avg`; named `avg` so plans and column names read the same.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HiveDecimalAvg {
    inner: Avg,
}

/// The aggregate function.
pub fn decimal_avg() -> AggregateUDF {
    AggregateUDF::new_from_impl(HiveDecimalAvg { inner: Avg::new() })
}

impl AggregateUDFImpl for HiveDecimalAvg {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        "avg"
    }
    fn signature(&self) -> &Signature {
        self.inner.signature()
    }
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        self.inner.return_type(arg_types)
    }
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        self.inner.state_fields(args)
    }
    fn accumulator(&self, acc_args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(RoundedAvg { inner: self.inner.accumulator(acc_args)? }))
    }
}

#[derive(Debug)]
struct RoundedAvg {
    inner: Box<dyn Accumulator>,
}

impl Accumulator for RoundedAvg {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.inner.update_batch(values)
    }
    fn retract_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.inner.retract_batch(values)
    }
    fn supports_retract_batch(&self) -> bool {
        self.inner.supports_retract_batch()
    }
    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        self.inner.merge_batch(states)
    }
    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        self.inner.state()
    }
    fn evaluate(&mut self) -> Result<ScalarValue> {
        let truncated = self.inner.evaluate()?;
        let ScalarValue::Decimal128(_, p, s) = truncated else { return Ok(truncated) };
        let state = self.inner.state()?;
        Ok(match state.as_slice() {
            [ScalarValue::UInt64(Some(count)), ScalarValue::Decimal128(Some(sum), _, sum_scale)] if *count > 0 => {
                let count = i128::from(*count);
                let value =
                    DecimalOp::Divide.apply(*sum, i32::from(*sum_scale), count, 0, (i32::from(p), i32::from(s)));
                ScalarValue::Decimal128(value, p, s)
            }
            _ => truncated,
        })
    }
    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.inner.size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::SessionContext;

    #[tokio::test]
    async fn rounds_half_up_like_hive() {
        let ctx = SessionContext::new();
        ctx.register_udaf(decimal_avg());
        // Hive's decimal_udf.q.out: the 13 keys of value 0 sum to 0.33; their avg is 0.02538461538462.
        let sql = "SELECT avg(CAST(k AS DECIMAL(20,10))) FROM (VALUES (0.33), (0), (0), (0), (0), (0), (0), \
                   (0), (0), (0), (0), (0), (0)) t(k)";
        let batches = ctx.sql(sql).await.expect("plan").collect().await.expect("run");
        let v = ScalarValue::try_from_array(batches[0].column(0), 0).expect("value");
        assert_eq!(v, ScalarValue::Decimal128(Some(2_538_461_538_462), 24, 14));
    }
}
