//! `covar_samp` with Hive's answer for a single pair.
//!
//! DataFusion's sample covariance divides by `n - 1` and so returns NULL when
//! a group holds exactly one non-null pair. Hive's
//! `GenericUDAFCovarianceSample` returns 0.0 there ("the covariance of a
//! singleton set is always 0") and NULL only for an empty group. This wraps
//! DataFusion's implementation (same state, same merging, same numerics) and
//! changes only that final step.

use std::any::Any;
use std::fmt::Debug;

use datafusion::arrow::array::ArrayRef;
use datafusion::arrow::datatypes::{DataType, FieldRef};
use datafusion::common::{Result, ScalarValue};
use datafusion::functions_aggregate::covariance::CovarianceSample;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Signature};

/// Hive's `covar_samp(x, y)`.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HiveCovarSamp {
    inner: CovarianceSample,
}

impl HiveCovarSamp {
    pub fn new() -> Self {
        Self { inner: CovarianceSample::new() }
    }
}

/// The function to register under the name `covar_samp`.
pub fn covar_samp() -> AggregateUDF {
    AggregateUDF::new_from_impl(HiveCovarSamp::new())
}

impl AggregateUDFImpl for HiveCovarSamp {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        "covar_samp"
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
        Ok(Box::new(SingletonIsZero { inner: self.inner.accumulator(acc_args)? }))
    }
}

/// DataFusion's covariance accumulator, answering 0.0 for exactly one pair.
#[derive(Debug)]
struct SingletonIsZero {
    inner: Box<dyn Accumulator>,
}

impl SingletonIsZero {
    /// The number of non-null pairs seen: the first field of the state.
    fn count(&mut self) -> Result<u64> {
        Ok(match self.inner.state()?.first() {
            Some(ScalarValue::UInt64(Some(n))) => *n,
            _ => 0,
        })
    }
}

impl Accumulator for SingletonIsZero {
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
        if self.count()? == 1 {
            return Ok(ScalarValue::Float64(Some(0.0)));
        }
        self.inner.evaluate()
    }
    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.inner.size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::SessionContext;

    async fn covar(sql_values: &str) -> ScalarValue {
        let ctx = SessionContext::new();
        ctx.register_udaf(covar_samp());
        let sql = format!("SELECT covar_samp(b, c) FROM (VALUES {sql_values}) AS t(b, c)");
        let batches = ctx.sql(&sql).await.expect("plan").collect().await.expect("run");
        let column = batches[0].column(0);
        ScalarValue::try_from_array(column, 0).expect("value")
    }

    #[tokio::test]
    async fn single_pair_is_zero_like_hive() {
        assert_eq!(covar("(1, 2)").await, ScalarValue::Float64(Some(0.0)));
        assert_eq!(covar("(1, 2), (NULL, 3)").await, ScalarValue::Float64(Some(0.0)));
    }

    #[tokio::test]
    async fn empty_group_is_null_and_pairs_divide_by_n_minus_one() {
        assert_eq!(covar("(CAST(NULL AS INT), 2)").await, ScalarValue::Float64(None));
        // pairs (1,2),(2,4),(3,6): co-moment 4, n - 1 = 2.
        assert_eq!(covar("(1, 2), (2, 4), (3, 6)").await, ScalarValue::Float64(Some(2.0)));
    }
}
