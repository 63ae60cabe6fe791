//! Hive's `negative(x)` and `positive(x)`: the function forms of unary `-`
//! and `+` (`GenericUDFOPNegative`, `GenericUDFOPPositive`).
//!
//! DataFusion has the operators but not the names. Both keep the argument's
//! type and simplify to the operator itself (or to the argument), so the plan
//! is the same as for `-x` / `+x`.

use std::any::Any;

use datafusion::arrow::compute::kernels::numeric::neg;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{exec_err, Result, ScalarValue};
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyInfo};
use datafusion::logical_expr::{ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility};

/// `negative(x)` (`negate` true) or `positive(x)`.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HiveSign {
    negate: bool,
    signature: Signature,
}

impl HiveSign {
    pub fn new(negate: bool) -> Self {
        HiveSign { negate, signature: Signature::any(1, Volatility::Immutable) }
    }
}

impl ScalarUDFImpl for HiveSign {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        if self.negate {
            "negative"
        } else {
            "positive"
        }
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        Ok(arg_types.first().cloned().unwrap_or(DataType::Null))
    }
    fn simplify(&self, mut args: Vec<Expr>, _info: &dyn SimplifyInfo) -> Result<ExprSimplifyResult> {
        if args.len() != 1 {
            return Ok(ExprSimplifyResult::Original(args));
        }
        let arg = args.remove(0);
        Ok(ExprSimplifyResult::Simplified(if self.negate { Expr::Negative(Box::new(arg)) } else { arg }))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let Some(input) = args.args.into_iter().next() else {
            return exec_err!("{} takes one argument", self.name());
        };
        if !self.negate {
            return Ok(input);
        }
        match input {
            ColumnarValue::Array(array) => Ok(ColumnarValue::Array(neg(&array)?)),
            ColumnarValue::Scalar(value) => {
                let negated = neg(&value.to_array()?)?;
                Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&negated, 0)?))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::ScalarUDF;
    use datafusion::prelude::SessionContext;

    async fn one(sql: &str) -> ScalarValue {
        let ctx = SessionContext::new();
        ctx.register_udf(ScalarUDF::new_from_impl(HiveSign::new(true)));
        ctx.register_udf(ScalarUDF::new_from_impl(HiveSign::new(false)));
        let batches = ctx.sql(sql).await.expect("plan").collect().await.expect("run");
        ScalarValue::try_from_array(batches[0].column(0), 0).expect("value")
    }

    #[tokio::test]
    async fn negative_and_positive_keep_the_type() {
        assert_eq!(one("SELECT negative(CAST(5 AS INT))").await, ScalarValue::Int32(Some(-5)));
        assert_eq!(one("SELECT negative(2.5::DOUBLE)").await, ScalarValue::Float64(Some(-2.5)));
        assert_eq!(one("SELECT positive(CAST(-3 AS BIGINT))").await, ScalarValue::Int64(Some(-3)));
        assert_eq!(one("SELECT negative(CAST(NULL AS INT))").await, ScalarValue::Int32(None));
    }
}
