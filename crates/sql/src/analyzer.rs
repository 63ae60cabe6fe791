//! What every Hive analyzer rule shares: going in front of DataFusion's own
//! rules (so Hive's typing is decided before `TypeCoercion` picks
//! DataFusion's), and rewriting a plan node's expressions bottom-up while
//! keeping their output names (a rewritten `a + b` must still be called
//! `a + b`, or the nodes above it stop finding it).

use std::sync::Arc;

use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{DFSchema, Result};
use datafusion::execution::SessionStateBuilder;
use datafusion::logical_expr::expr_rewriter::NamePreserver;
use datafusion::logical_expr::utils::merge_schema;
use datafusion::logical_expr::{Expr, LogicalPlan};
use datafusion::optimizer::AnalyzerRule;
use datafusion::prelude::SessionContext;

/// Puts `rule` in front of `ctx`'s analyzer rules.
pub fn install_first(ctx: &SessionContext, rule: Arc<dyn AnalyzerRule + Send + Sync>) {
    let mut rules = ctx.state().analyzer().rules.clone();
    rules.insert(0, rule);
    let state = SessionStateBuilder::new_from_existing(ctx.state()).with_analyzer_rules(rules).build();
    *ctx.state_ref().write() = state;
}

/// [`rewrite_expressions`] over the schema of `plan`'s inputs merged,
/// skipping table scans (their expressions are the provider's filters).
pub fn rewrite_over_inputs(
    plan: LogicalPlan,
    recompute_always: bool,
    rewrite: impl Fn(Expr, &DFSchema) -> Result<Transformed<Expr>>,
) -> Result<Transformed<LogicalPlan>> {
    if matches!(plan, LogicalPlan::TableScan(_)) {
        return Ok(Transformed::no(plan));
    }
    let schema = merge_schema(&plan.inputs());
    rewrite_expressions(plan, &schema, recompute_always, rewrite)
}

/// Rewrites each expression of `plan` bottom-up with `rewrite` (given
/// `schema`), keeping each expression's name, and recomputes the node's
/// schema when something changed, or always with `recompute_always` (a rule
/// whose inputs' types may have changed below an unchanged node).
pub fn rewrite_expressions(
    plan: LogicalPlan,
    schema: &DFSchema,
    recompute_always: bool,
    rewrite: impl Fn(Expr, &DFSchema) -> Result<Transformed<Expr>>,
) -> Result<Transformed<LogicalPlan>> {
    let names = NamePreserver::new(&plan);
    let rewritten = plan.map_expressions(|e| {
        let name = names.save(&e);
        let t = e.transform_up(|e| rewrite(e, schema))?;
        Ok(t.update_data(|e| name.restore(e)))
    })?;
    if rewritten.transformed || recompute_always {
        rewritten.map_data(|p| p.recompute_schema())
    } else {
        Ok(rewritten)
    }
}
