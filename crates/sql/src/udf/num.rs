//! `hive_num(x)`: Hive's implicit string-to-number conversion.
//!
//! Hive evaluates `sum(s)`, `s + 1` and `s > 15` on a string column as
//! doubles; DataFusion rejects the first two and compares the third as text.
//! Tables read through `OpenCSVSerde` have only string columns, so this
//! matters for the most common EMR scripts. The query rewriter wraps numeric
//! contexts in `hive_num`, which converts strings to DOUBLE (NULL when not a
//! number) and simplifies away entirely for any other type, so numeric columns
//! pay nothing.

use std::any::Any;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray, Float64Array};

use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type, TimeUnit};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyInfo};
use datafusion::logical_expr::{ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility};

use super::parse::parse_double;

#[derive(Debug, PartialEq, Eq, Hash)]
pub struct HiveNum {
    signature: Signature,
    /// `hive_summand`: a string that is not a number adds 0.0, as in Hive's
    /// `sum` (which counts the row, then skips the value that failed to parse;
    /// `sum('a')` is 0.0, not NULL). `hive_num` gives NULL for it. Hive's
    /// `sum` also adds a TIMESTAMP as its seconds since the epoch, a double
    /// (`GenericUDAFSumDouble`).
    unparsable_is_zero: bool,
}

impl HiveNum {
    pub fn new() -> Self {
        Self { signature: Signature::any(1, Volatility::Immutable), unparsable_is_zero: false }
    }

    /// The conversion of `sum`'s argument.
    pub fn summand() -> Self {
        Self { unparsable_is_zero: true, ..Self::new() }
    }
}

fn is_string(dt: &DataType) -> bool {
    matches!(dt, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Dictionary(_, _))
}

impl ScalarUDFImpl for HiveNum {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        if self.unparsable_is_zero {
            "hive_summand"
        } else {
            "hive_num"
        }
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        Ok(match arg_types.first() {
            Some(dt) if is_string(dt) || *dt == DataType::Null => DataType::Float64,
            Some(DataType::Timestamp(_, _)) if self.unparsable_is_zero => DataType::Float64,
            Some(dt) => dt.clone(),
            None => DataType::Float64,
        })
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let target = args.return_type().clone();
        let unparsable = if self.unparsable_is_zero { Some(0.0) } else { None };
        // Strings parse as Java's Double.parseDouble would (' 81.5' is 81.5,
        // text is NULL); anything else goes through arrow's safe cast.
        let convert = |a: &ArrayRef| -> Result<ArrayRef> {
            if is_string(a.data_type()) && target == DataType::Float64 {
                let strings = cast(a, &DataType::Utf8)?;
                let out: Float64Array =
                    strings.as_string::<i32>().iter().map(|v| v.and_then(|v| parse_double(v).or(unparsable))).collect();
                Ok(Arc::new(out))
            } else if matches!(a.data_type(), DataType::Timestamp(_, _)) && target == DataType::Float64 {
                Ok(Arc::new(timestamp_seconds(a)?))
            } else {
                Ok(cast(a, &target)?)
            }
        };
        match args.args.into_iter().next() {
            Some(ColumnarValue::Array(a)) => Ok(ColumnarValue::Array(convert(&a)?)),
            Some(ColumnarValue::Scalar(s)) => {
                let a = convert(&s.to_array()?)?;
                Ok(ColumnarValue::Scalar(ScalarValue::try_from_array(&a, 0)?))
            }
            None => datafusion::common::exec_err!("hive_num takes one argument"),
        }
    }
    fn simplify(&self, mut args: Vec<Expr>, info: &dyn SimplifyInfo) -> Result<ExprSimplifyResult> {
        if args.len() == 1 {
            let dt = info.get_data_type(&args[0])?;
            let timestamp_summand = self.unparsable_is_zero && matches!(dt, DataType::Timestamp(_, _));
            if !is_string(&dt) && dt != DataType::Null && !timestamp_summand {
                return Ok(ExprSimplifyResult::Simplified(args.remove(0)));
            }
        }
        Ok(ExprSimplifyResult::Original(args))
    }
}

/// `TimestampWritable.getDouble`: whole seconds since the epoch (floored)
/// plus the fraction (microseconds: sparkplane's timestamps).
fn timestamp_seconds(a: &ArrayRef) -> Result<Float64Array> {
    let micros = cast(a, &DataType::Timestamp(TimeUnit::Microsecond, None))?;
    let micros = cast(&micros, &DataType::Int64)?;
    Ok(micros
        .as_primitive::<Int64Type>()
        .iter()
        .map(|n| n.map(|n| n.div_euclid(1_000_000) as f64 + n.rem_euclid(1_000_000) as f64 / 1e6))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::ScalarUDF;
    use datafusion::prelude::SessionContext;

    async fn one(ctx: &SessionContext, sql: &str) -> ScalarValue {
        let batches = ctx.sql(sql).await.expect("plan").collect().await.expect("run");
        ScalarValue::try_from_array(batches[0].column(0), 0).expect("value")
    }

    #[tokio::test]
    async fn sum_counts_text_as_zero_but_num_gives_null() {
        let ctx = SessionContext::new();
        ctx.register_udf(ScalarUDF::new_from_impl(HiveNum::new()));
        ctx.register_udf(ScalarUDF::new_from_impl(HiveNum::summand()));
        // Hive: sum('a') over rows is 0.0; sum(' 1.5', 'a') is 1.5; avg('a') (via hive_num) is NULL.
        let rows = "(VALUES ('a'), (' 1.5'), (NULL)) AS t(s)";
        assert_eq!(
            one(&ctx, &format!("SELECT sum(hive_summand(s)) FROM {rows}")).await,
            ScalarValue::Float64(Some(1.5))
        );
        let rows = "(VALUES ('a'), ('b')) AS t(s)";
        assert_eq!(
            one(&ctx, &format!("SELECT sum(hive_summand(s)) FROM {rows}")).await,
            ScalarValue::Float64(Some(0.0))
        );
        assert_eq!(one(&ctx, &format!("SELECT avg(hive_num(s)) FROM {rows}")).await, ScalarValue::Float64(None));
    }

    #[tokio::test]
    async fn sum_adds_timestamps_as_epoch_seconds() {
        let ctx = SessionContext::new();
        ctx.register_udf(ScalarUDF::new_from_impl(HiveNum::summand()));
        let rows = "(VALUES (TIMESTAMP '1970-01-01 00:00:01.5'), (TIMESTAMP '1970-01-01 00:00:02.25')) AS t(ts)";
        assert_eq!(
            one(&ctx, &format!("SELECT sum(hive_summand(ts)) FROM {rows}")).await,
            ScalarValue::Float64(Some(3.75))
        );
        // Before the epoch the seconds floor and the fraction still adds.
        let rows = "(VALUES (TIMESTAMP '1969-12-31 23:59:59.5')) AS t(ts)";
        assert_eq!(
            one(&ctx, &format!("SELECT sum(hive_summand(ts)) OVER () FROM {rows}")).await,
            ScalarValue::Float64(Some(-0.5))
        );
    }
}
