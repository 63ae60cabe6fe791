//! Hive's typing of arithmetic on DECIMAL values.
//!
//! Hive 2.1 gives `+ - * / %` on a decimal and another exact number (a
//! decimal or an integer) a decimal result whose precision and scale follow
//! its own rules (`udf::decimal_ops`), where DataFusion would pick other
//! types, a double for `/` (our `hive_divide`), and wrap on overflow. The
//! integer operand counts as `decimal(10,0)` for an INT, `decimal(19,0)` for
//! a BIGINT, but as exactly its digits for a constant (`dec / 3` divides by a
//! `decimal(1,0)`, so its scale is 12, not 21). Hive also folds an operation
//! on two constants into a constant typed by its value
//! (`0.0125BD * 578992BD` is the constant `7237.4`, a `decimal(5,1)`), and prints a
//! constant with the value's own scale.
//!
//! `avg` of a decimal also divides as Hive does (`udf::decimal_avg`), and
//! `round` of one has Hive's type (`udf::decimal_round`).
//!
//! This analyzer rule runs before DataFusion's type coercion, so that
//! coercion (of UNION branches, comparisons, aggregates) sees Hive's types.

use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::array::RecordBatchOptions;
use datafusion::arrow::datatypes::{DataType, Schema};
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{DFSchema, Result, ScalarValue};
use datafusion::logical_expr::execution_props::ExecutionProps;
use datafusion::logical_expr::expr::{Cast, ScalarFunction};
use datafusion::logical_expr::{BinaryExpr, ColumnarValue, Expr, ExprSchemable, LogicalPlan, Operator, ScalarUDF};
use datafusion::optimizer::AnalyzerRule;
use datafusion::physical_expr::create_physical_expr;
use datafusion::prelude::SessionContext;

use crate::udf::decimal_avg::{decimal_avg, HiveDecimalAvg};
use crate::udf::decimal_ops::{normalize, DecimalOp, HiveDecimalArith};
use crate::udf::decimal_round::HiveDecimalRound;

/// Puts [`HiveDecimalTyping`] in front of `ctx`'s analyzer rules.
pub fn install(ctx: &SessionContext) {
    crate::analyzer::install_first(ctx, Arc::new(HiveDecimalTyping));
}

/// The analyzer rule; it must run before DataFusion's `TypeCoercion`.
#[derive(Debug, Default)]
pub struct HiveDecimalTyping;

impl AnalyzerRule for HiveDecimalTyping {
    fn name(&self) -> &str {
        "hive_decimal_typing"
    }

    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        Ok(plan.transform_up_with_subqueries(rewrite_plan)?.data)
    }
}

fn rewrite_plan(plan: LogicalPlan) -> Result<Transformed<LogicalPlan>> {
    // The inputs' types may have changed even when this node's expressions did not.
    crate::analyzer::rewrite_over_inputs(plan, true, rewrite_expr)
}

fn rewrite_expr(e: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    if let Expr::AggregateFunction(agg) = &e {
        let decimal_arg =
            matches!(agg.params.args.as_slice(), [a] if matches!(a.get_type(schema), Ok(DataType::Decimal128(..))));
        if agg.func.name() == "avg" && decimal_arg && !agg.func.inner().as_any().is::<HiveDecimalAvg>() {
            let mut agg = agg.clone();
            agg.func = Arc::new(decimal_avg());
            return Ok(Transformed::yes(Expr::AggregateFunction(agg)));
        }
    }
    if let Some(rounded) = decimal_round(&e, schema) {
        return Ok(Transformed::yes(rounded));
    }
    let (op, l, r) = match &e {
        Expr::BinaryExpr(BinaryExpr { left, op, right }) => {
            let op = match op {
                Operator::Plus => DecimalOp::Plus,
                Operator::Minus => DecimalOp::Minus,
                Operator::Multiply => DecimalOp::Multiply,
                Operator::Modulo => DecimalOp::Modulo,
                _ => return Ok(Transformed::no(e)),
            };
            (op, left.as_ref(), right.as_ref())
        }
        Expr::ScalarFunction(f) if f.func.name() == "hive_divide" && f.args.len() == 2 => {
            (DecimalOp::Divide, &f.args[0], &f.args[1])
        }
        _ => return Ok(Transformed::no(e)),
    };
    let (Ok(lt), Ok(rt)) = (l.get_type(schema), r.get_type(schema)) else { return Ok(Transformed::no(e)) };
    if !matches!(lt, DataType::Decimal128(..)) && !matches!(rt, DataType::Decimal128(..)) {
        return Ok(Transformed::no(e));
    }
    let (Some(ld), Some(rd)) = (hive_decimal_type(l, &lt), hive_decimal_type(r, &rt)) else {
        // Decimal with a double, a string or NULL is a double in Hive: DataFusion's way.
        return Ok(Transformed::no(e));
    };
    let udf = Arc::new(ScalarUDF::new_from_impl(HiveDecimalArith::new(op)));
    let args = vec![as_decimal(l.clone(), &lt, ld), as_decimal(r.clone(), &rt, rd)];
    let call = Expr::ScalarFunction(ScalarFunction::new_udf(udf, args));
    if is_constant(l) && is_constant(r) {
        if let Some(folded) = fold(&call) {
            return Ok(Transformed::yes(folded));
        }
    }
    Ok(Transformed::yes(call))
}

/// `round(x[, d])` of a decimal `x` with a constant `d`, as `HiveDecimalRound`.
fn decimal_round(e: &Expr, schema: &DFSchema) -> Option<Expr> {
    let Expr::ScalarFunction(f) = e else { return None };
    if f.func.name() != "round" || f.func.inner().as_any().is::<HiveDecimalRound>() {
        return None;
    }
    let (x, places) = match f.args.as_slice() {
        [x] => (x, 0),
        [x, Expr::Literal(d, _)] => (
            x,
            i32::try_from(d.cast_to(&DataType::Int64).ok().and_then(|d| match d {
                ScalarValue::Int64(Some(d)) => Some(d),
                _ => None,
            })?)
            .ok()?,
        ),
        _ => return None,
    };
    // A constant is left to DataFusion's `round`, which keeps its scale: an
    // unsuffixed literal such as `126.1` is a DOUBLE in Hive (`round(126.1)`
    // prints `126.0`), though typed here as a decimal of its own scale.
    if !matches!(x.get_type(schema), Ok(DataType::Decimal128(..))) || is_constant(x) {
        return None;
    }
    let udf = Arc::new(ScalarUDF::new_from_impl(HiveDecimalRound::new(places)));
    Some(Expr::ScalarFunction(ScalarFunction::new_udf(udf, vec![x.clone()])))
}

/// The `(precision, scale)` Hive uses for an exact operand, `None` for an inexact one.
fn hive_decimal_type(e: &Expr, dt: &DataType) -> Option<(u8, i8)> {
    // A typed constant (`100Y` is `CAST(100 AS TINYINT)`) is still a constant.
    let e = match e {
        Expr::Cast(Cast { expr, data_type })
            if data_type.is_integer() && matches!(expr.as_ref(), Expr::Literal(..)) =>
        {
            expr.as_ref()
        }
        _ => e,
    };
    if let Expr::Literal(v, _) = e {
        let digits = |v: i64| v.unsigned_abs().checked_ilog10().map_or(1, |d| d as u8 + 1);
        match v {
            ScalarValue::Int8(Some(v)) => return Some((digits(i64::from(*v)), 0)),
            ScalarValue::Int16(Some(v)) => return Some((digits(i64::from(*v)), 0)),
            ScalarValue::Int32(Some(v)) => return Some((digits(i64::from(*v)), 0)),
            ScalarValue::Int64(Some(v)) => return Some((digits(*v), 0)),
            _ => {}
        }
    }
    match dt {
        DataType::Decimal128(p, s) => Some((*p, *s)),
        DataType::Int8 => Some((3, 0)),
        DataType::Int16 => Some((5, 0)),
        DataType::Int32 => Some((10, 0)),
        DataType::Int64 => Some((19, 0)),
        _ => None,
    }
}

fn as_decimal(e: Expr, dt: &DataType, (p, s): (u8, i8)) -> Expr {
    let target = DataType::Decimal128(p, s);
    if *dt == target {
        e
    } else {
        Expr::Cast(Cast::new(Box::new(e), target))
    }
}

/// True for an expression with the same value on every row.
fn is_constant(e: &Expr) -> bool {
    let varies = e.exists(|x| {
        Ok(matches!(
            x,
            Expr::Column(_)
                | Expr::OuterReferenceColumn(..)
                | Expr::ScalarSubquery(_)
                | Expr::Exists(_)
                | Expr::InSubquery(_)
                | Expr::AggregateFunction(_)
                | Expr::WindowFunction(_)
                | Expr::Placeholder(_)
        ))
    });
    !varies.unwrap_or(true) && !e.is_volatile()
}

/// Evaluates a constant operation into the literal Hive's constant folding
/// makes of it: the value without trailing zeros, typed by its own digits.
/// `None` leaves the operation to run per row.
fn fold(call: &Expr) -> Option<Expr> {
    let schema = DFSchema::empty();
    let physical = create_physical_expr(call, &schema, &ExecutionProps::new()).ok()?;
    let options = RecordBatchOptions::new().with_row_count(Some(1));
    let batch = RecordBatch::try_new_with_options(Arc::new(Schema::empty()), vec![], &options).ok()?;
    let value = match physical.evaluate(&batch).ok()? {
        ColumnarValue::Scalar(v) => v,
        ColumnarValue::Array(a) => ScalarValue::try_from_array(&a, 0).ok()?,
    };
    let ScalarValue::Decimal128(v, p, s) = value else { return None };
    let value = match v {
        Some(v) => {
            let (v, p, s) = normalize(v, i32::from(s));
            ScalarValue::Decimal128(Some(v), u8::try_from(p).ok()?, i8::try_from(s).ok()?)
        }
        None => ScalarValue::Decimal128(None, p, s),
    };
    Some(Expr::Literal(value, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::output::write_batch;

    async fn rows(sql: &str) -> String {
        let ctx = SessionContext::new();
        install(&ctx);
        crate::udf::register(&ctx);
        let batches = ctx.sql(sql).await.expect("plan").collect().await.expect("run");
        let mut out = Vec::new();
        for b in &batches {
            write_batch(&mut out, b).expect("print");
        }
        String::from_utf8(out).expect("utf8")
    }

    #[tokio::test]
    async fn types_integer_constants_by_their_digits() {
        // decimal(20,10) / 3: scale max(6, 10 + 1 + 1) = 12, as in Hive's decimal_precision.q.out.
        let sql = "SELECT hive_divide(CAST(d AS DECIMAL(20,10)), 3), CAST(d AS DECIMAL(20,10)) * 2 \
                   FROM (VALUES (0), (1)) t(d) ORDER BY 1";
        assert_eq!(rows(sql).await, "0.000000000000\t0.0000000000\n0.333333333333\t2.0000000000\n");
    }

    #[tokio::test]
    async fn folds_constants_to_their_own_scale() {
        // Hive prints 0.09765625BD * 0.09765625BD * 0.0125BD * 578992BD as 69.0212249755859375.
        let sql = "SELECT CAST('0.09765625' AS DECIMAL(8,8)) * CAST('0.09765625' AS DECIMAL(8,8)) \
                   * CAST('0.0125' AS DECIMAL(4,4)) * CAST('578992' AS DECIMAL(6,0))";
        assert_eq!(rows(sql).await, "69.0212249755859375\n");
    }

    #[tokio::test]
    async fn typed_integer_constants_count_their_digits_too() {
        // A TINYINT constant 1 is a decimal(1,0): a decimal(5,4) / 1Y has scale max(6, 4 + 1 + 1) = 6.
        let sql = "SELECT hive_divide(CAST(d AS DECIMAL(5,4)), CAST(1 AS TINYINT)) FROM (VALUES (1.5)) t(d)";
        assert_eq!(rows(sql).await, "1.500000\n");
        // A TINYINT column is a decimal(3,0): scale max(6, 4 + 3 + 1) = 8.
        let sql = "SELECT hive_divide(CAST(d AS DECIMAL(5,4)), CAST(n AS TINYINT)) FROM (VALUES (1.5, 3)) t(d, n)";
        assert_eq!(rows(sql).await, "0.50000000\n");
    }

    #[tokio::test]
    async fn overflow_is_null() {
        let sql = "SELECT CAST(d AS DECIMAL(20,10)) * CAST(d AS DECIMAL(20,10)) FROM (VALUES (1234567890)) t(d)";
        assert_eq!(rows(sql).await, "NULL\n");
    }
}
