//! Comparing a number with a string, as Hive does: both as DOUBLE.
//!
//! Hive 2.1's comparison operators (`GenericUDFBaseCompare`) convert a
//! numeric and a string operand to their common comparison type, the first
//! numeric type both convert to implicitly, which for a string is DOUBLE:
//! `int_col < '15'` compares 2.0 with 15.0 and is true. DataFusion compares
//! them as text, where `'2' < '15'` is false. The query rewriter already
//! handles a string column against a number literal; this analyzer rule,
//! run before DataFusion's type coercion, covers every such pair once the
//! operand types are known (a numeric column against a string literal or
//! column). The string side is read with Hive's rules (`hive_cast`): text
//! that is not a number is NULL.

use std::sync::Arc;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::Transformed;
use datafusion::common::{DFSchema, Result};
use datafusion::logical_expr::{cast, BinaryExpr, Expr, ExprSchemable, LogicalPlan, Operator};
use datafusion::optimizer::AnalyzerRule;
use datafusion::prelude::SessionContext;

/// Puts [`HiveCompareTyping`] in front of `ctx`'s analyzer rules.
pub fn install(ctx: &SessionContext) {
    crate::analyzer::install_first(ctx, Arc::new(HiveCompareTyping));
}

/// The analyzer rule; it must run before DataFusion's `TypeCoercion`.
#[derive(Debug, Default)]
pub struct HiveCompareTyping;

impl AnalyzerRule for HiveCompareTyping {
    fn name(&self) -> &str {
        "hive_compare_typing"
    }

    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        Ok(plan.transform_up_with_subqueries(rewrite_plan)?.data)
    }
}

fn rewrite_plan(plan: LogicalPlan) -> Result<Transformed<LogicalPlan>> {
    crate::analyzer::rewrite_over_inputs(plan, false, rewrite_expr)
}

fn is_string(dt: &DataType) -> bool {
    matches!(dt, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

fn is_number(dt: &DataType) -> bool {
    dt.is_numeric()
}

fn rewrite_expr(e: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    let Expr::BinaryExpr(BinaryExpr { left, op, right }) = &e else { return Ok(Transformed::no(e)) };
    if !matches!(op, Operator::Eq | Operator::NotEq | Operator::Lt | Operator::LtEq | Operator::Gt | Operator::GtEq) {
        return Ok(Transformed::no(e));
    }
    let (Ok(lt), Ok(rt)) = (left.get_type(schema), right.get_type(schema)) else { return Ok(Transformed::no(e)) };
    let as_double = |side: &Expr, dt: &DataType| -> Expr {
        if is_string(dt) {
            crate::udf::hive_cast_expr(side.clone(), &DataType::Float64)
        } else {
            cast(side.clone(), DataType::Float64)
        }
    };
    let mixed = (is_number(&lt) && is_string(&rt)) || (is_string(&lt) && is_number(&rt));
    if !mixed {
        return Ok(Transformed::no(e));
    }
    let compared =
        Expr::BinaryExpr(BinaryExpr::new(Box::new(as_double(left, &lt)), *op, Box::new(as_double(right, &rt))));
    Ok(Transformed::yes(compared))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Int32Array, RecordBatch, StringArray};
    use datafusion::arrow::datatypes::{Field, Schema};

    async fn count(sql: &str) -> usize {
        let ctx = SessionContext::new();
        crate::udf::register(&ctx);
        install(&ctx);
        let schema = Arc::new(Schema::new(vec![
            Field::new("key", DataType::Int32, true),
            Field::new("s", DataType::Utf8, true),
        ]));
        let keys = Int32Array::from(vec![2, 10, 20]);
        let strings = StringArray::from(vec!["2", " 10", "x"]);
        let batch = RecordBatch::try_new(schema, vec![Arc::new(keys), Arc::new(strings)]).expect("batch");
        ctx.register_batch("t", batch).expect("register");
        let batches = ctx.sql(sql).await.expect("plan").collect().await.expect("run");
        batches.iter().map(|b| b.num_rows()).sum()
    }

    #[tokio::test]
    async fn numbers_and_strings_compare_as_doubles() {
        // Hive's semijoin qtest: `b.key < '15'` on an INT key.
        assert_eq!(count("SELECT key FROM t WHERE key < '15'").await, 2);
        // A string column against an INT column: ' 10' is 10.0, 'x' is NULL.
        assert_eq!(count("SELECT key FROM t WHERE s = key").await, 2);
        // Two strings still compare as text: ' 10' < '2' < 'x' < 'y'.
        assert_eq!(count("SELECT key FROM t WHERE s < 'y'").await, 3);
        assert_eq!(count("SELECT key FROM t WHERE s < '15'").await, 1);
    }
}
