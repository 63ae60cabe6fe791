//! The unit of a RANGE frame's offset over a DATE or TIMESTAMP key.
//!
//! Hive measures `RANGE 90 PRECEDING` on a DATE key in days and on a
//! TIMESTAMP key in seconds (its `windowing_windowspec3` qtest:
//! "90days = 90 * 24 * 3600 seconds"). DataFusion reads a bare number on a
//! date-time key as an interval string, `'90'`, which is not what Hive
//! means. This analyzer rule, run before DataFusion's type coercion, spells
//! the unit out (`'90 days'`, `'7776000 seconds'`) while the key's type is
//! known.

use std::sync::Arc;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::Transformed;
use datafusion::common::{DFSchema, Result, ScalarValue};
use datafusion::logical_expr::expr::WindowFunction;
use datafusion::logical_expr::{Expr, ExprSchemable, LogicalPlan, WindowFrameBound, WindowFrameUnits};
use datafusion::optimizer::AnalyzerRule;
use datafusion::prelude::SessionContext;

/// Puts [`HiveRangeUnits`] in front of `ctx`'s analyzer rules.
pub fn install(ctx: &SessionContext) {
    crate::analyzer::install_first(ctx, Arc::new(HiveRangeUnits));
}

/// The analyzer rule; it must run before DataFusion's `TypeCoercion`.
#[derive(Debug, Default)]
pub struct HiveRangeUnits;

impl AnalyzerRule for HiveRangeUnits {
    fn name(&self) -> &str {
        "hive_range_units"
    }

    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        Ok(plan.transform_up_with_subqueries(rewrite_plan)?.data)
    }
}

fn rewrite_plan(plan: LogicalPlan) -> Result<Transformed<LogicalPlan>> {
    let LogicalPlan::Window(window) = &plan else { return Ok(Transformed::no(plan)) };
    let schema = Arc::clone(window.input.schema());
    crate::analyzer::rewrite_expressions(plan, &schema, false, rewrite_window)
}

fn rewrite_window(e: Expr, schema: &DFSchema) -> Result<Transformed<Expr>> {
    let Expr::WindowFunction(w) = &e else { return Ok(Transformed::no(e)) };
    let frame = &w.params.window_frame;
    if frame.units != WindowFrameUnits::Range {
        return Ok(Transformed::no(e));
    }
    let [key] = w.params.order_by.as_slice() else { return Ok(Transformed::no(e)) };
    let unit = match key.expr.get_type(schema) {
        Ok(DataType::Date32 | DataType::Date64) => "days",
        Ok(DataType::Timestamp(_, _)) => "seconds",
        _ => return Ok(Transformed::no(e)),
    };
    let (Some(start), Some(end)) = (with_unit(&frame.start_bound, unit), with_unit(&frame.end_bound, unit)) else {
        return Ok(Transformed::no(e));
    };
    let mut window: WindowFunction = w.as_ref().clone();
    window.params.window_frame.start_bound = start;
    window.params.window_frame.end_bound = end;
    Ok(Transformed::yes(Expr::WindowFunction(Box::new(window))))
}

/// `bound` with its bare number given `unit`; the bound itself when it has
/// no number (UNBOUNDED, CURRENT ROW) and None when nothing needs changing.
fn with_unit(bound: &WindowFrameBound, unit: &str) -> Option<WindowFrameBound> {
    let spell = |v: &ScalarValue| match v {
        ScalarValue::Utf8(Some(n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
            ScalarValue::Utf8(Some(format!("{n} {unit}")))
        }
        other => other.clone(),
    };
    Some(match bound {
        WindowFrameBound::Preceding(v) => WindowFrameBound::Preceding(spell(v)),
        WindowFrameBound::Following(v) => WindowFrameBound::Following(spell(v)),
        WindowFrameBound::CurrentRow => WindowFrameBound::CurrentRow,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Date32Array, Float64Array, RecordBatch};
    use datafusion::arrow::datatypes::{Field, Schema};

    async fn sums(sql: &str) -> Vec<Option<f64>> {
        let ctx = SessionContext::new();
        install(&ctx);
        let schema = Arc::new(Schema::new(vec![
            Field::new("d", DataType::Date32, true),
            Field::new("s", DataType::Float64, true),
        ]));
        // 1981-05-01, 1981-06-09, 1981-11-17 (days since the epoch).
        let days = Date32Array::from(vec![4138, 4177, 4338]);
        let salaries = Float64Array::from(vec![1.0, 10.0, 100.0]);
        let batch = RecordBatch::try_new(schema, vec![Arc::new(days), Arc::new(salaries)]).expect("batch");
        ctx.register_batch("t", batch).expect("register");
        let batches = ctx.sql(sql).await.expect("plan").collect().await.expect("run");
        batches
            .iter()
            .flat_map(|b| b.column(0).as_any().downcast_ref::<Float64Array>().map(|a| a.iter().collect::<Vec<_>>()))
            .flatten()
            .collect()
    }

    #[tokio::test]
    async fn date_offsets_count_days() {
        // 1981-06-09 is 39 days after 1981-05-01 and 161 before 1981-11-17.
        let got =
            sums("SELECT sum(s) OVER (ORDER BY d RANGE BETWEEN 90 PRECEDING AND 90 FOLLOWING) FROM t ORDER BY d").await;
        assert_eq!(got, vec![Some(11.0), Some(11.0), Some(100.0)]);
        let got = sums(
            "SELECT sum(s) OVER (ORDER BY d RANGE BETWEEN 10 FOLLOWING AND UNBOUNDED FOLLOWING) FROM t ORDER BY d",
        )
        .await;
        assert_eq!(got, vec![Some(110.0), Some(100.0), None]);
    }
}
