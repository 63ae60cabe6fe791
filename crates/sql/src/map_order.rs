//! `GROUP BY` and `ORDER BY` on MAP values.
//!
//! Hive groups and sorts by maps (`GROUP BY MAP(key, value)`): its reduce
//! keys serialize a map as its entries in order, so two maps are equal when
//! their entry lists are and order entry by entry. Arrow's row format, which
//! DataFusion uses for every multi-column or non-primitive grouping and for
//! top-k sorts, has no MAP support. This analyzer rule therefore groups and
//! sorts by the map's entry list (`map_entries`, a list of key/value structs,
//! which the row format handles) and, above an aggregate, rebuilds the map
//! from the grouped entries without copying.

use std::any::Any;
use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray, MapArray, StructArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::Transformed;
use datafusion::common::{exec_err, Column, Result};
use datafusion::functions_nested::expr_fn::map_entries;
use datafusion::logical_expr::expr::ScalarFunction;
use datafusion::logical_expr::{
    Aggregate, ColumnarValue, Expr, ExprSchemable, LogicalPlan, Projection, ScalarFunctionArgs, ScalarUDF,
    ScalarUDFImpl, Signature, Sort, Volatility,
};
use datafusion::optimizer::AnalyzerRule;

/// The analyzer rule; add it after DataFusion's own (types must be known).
#[derive(Debug, Default)]
pub struct MapOrdering;

impl AnalyzerRule for MapOrdering {
    fn name(&self) -> &str {
        "hive_map_ordering"
    }

    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        Ok(plan.transform_up_with_subqueries(rewrite)?.data)
    }
}

fn is_map(e: &Expr, plan_input: &LogicalPlan) -> bool {
    matches!(e.get_type(plan_input.schema()), Ok(DataType::Map(..)))
}

fn rewrite(plan: LogicalPlan) -> Result<Transformed<LogicalPlan>> {
    match plan {
        LogicalPlan::Aggregate(agg)
            if !agg.group_expr.iter().any(|e| matches!(e, Expr::GroupingSet(_)))
                && agg.group_expr.iter().any(|e| is_map(e, &agg.input)) =>
        {
            let original = Arc::clone(&agg.schema);
            let groups = agg
                .group_expr
                .iter()
                .zip(original.fields())
                .map(|(e, f)| if is_map(e, &agg.input) { map_entries(e.clone()).alias(f.name()) } else { e.clone() })
                .collect();
            let grouped = Aggregate::try_new(Arc::clone(&agg.input), groups, agg.aggr_expr.clone())?;
            let inner = Arc::clone(&grouped.schema);
            let restore = original
                .iter()
                .enumerate()
                .map(|(i, (qualifier, field))| {
                    let column = Expr::Column(Column::from(inner.qualified_field(i)));
                    let value = match field.data_type() {
                        DataType::Map(..) => entries_to_map(column, field.data_type()),
                        _ => column,
                    };
                    value.alias_qualified(qualifier.cloned(), field.name())
                })
                .collect();
            let projection = Projection::try_new(restore, Arc::new(LogicalPlan::Aggregate(grouped)))?;
            Ok(Transformed::yes(LogicalPlan::Projection(projection)))
        }
        LogicalPlan::Sort(sort) if sort.expr.iter().any(|s| is_map(&s.expr, &sort.input)) => {
            let exprs = sort
                .expr
                .iter()
                .map(|s| {
                    let mut s = s.clone();
                    if is_map(&s.expr, &sort.input) {
                        s.expr = map_entries(s.expr);
                    }
                    s
                })
                .collect();
            Ok(Transformed::yes(LogicalPlan::Sort(Sort { expr: exprs, input: sort.input, fetch: sort.fetch })))
        }
        other => Ok(Transformed::no(other)),
    }
}

/// `map_entries` undone: the list of key/value structs as a map of type `map_type`.
fn entries_to_map(entries: Expr, map_type: &DataType) -> Expr {
    let udf = EntriesToMap { map_type: map_type.clone(), signature: Signature::any(1, Volatility::Immutable) };
    Expr::ScalarFunction(ScalarFunction::new_udf(Arc::new(ScalarUDF::new_from_impl(udf)), vec![entries]))
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct EntriesToMap {
    map_type: DataType,
    signature: Signature,
}

impl ScalarUDFImpl for EntriesToMap {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn name(&self) -> &str {
        "hive_entries_to_map"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(self.map_type.clone())
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let (Some(list), DataType::Map(entry_field, ordered)) = (arrays.first(), &self.map_type) else {
            return exec_err!("hive_entries_to_map takes one list of entries");
        };
        let Some(list) = list.as_list_opt::<i32>() else { return exec_err!("hive_entries_to_map takes a list") };
        let DataType::Struct(kv) = entry_field.data_type() else { return exec_err!("unsupported map type") };
        let entries = list.values().as_struct();
        let entries = StructArray::try_new(kv.clone(), entries.columns().to_vec(), None)?;
        let map = MapArray::try_new(
            Arc::clone(entry_field),
            list.offsets().clone(),
            entries,
            list.nulls().cloned(),
            *ordered,
        )?;
        Ok(ColumnarValue::Array(Arc::new(map)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::prelude::SessionContext;

    async fn rows(sql: &str) -> Vec<String> {
        let ctx = SessionContext::new();
        ctx.add_analyzer_rule(Arc::new(MapOrdering));
        let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
        let mut out = Vec::new();
        for b in &batches {
            crate::output::write_batch(&mut out, b).unwrap();
        }
        String::from_utf8(out).unwrap().lines().map(str::to_string).collect()
    }

    #[tokio::test]
    async fn groups_and_sorts_by_maps() {
        let sql = "SELECT map([k], [v]) AS m, count(*) AS n FROM (VALUES ('b', 'x'), ('a', 'y'), ('b', 'x')) t(k, v) \
                   GROUP BY map([k], [v]) ORDER BY m LIMIT 5";
        assert_eq!(rows(sql).await, vec![r#"{"a":"y"}	1"#, r#"{"b":"x"}	2"#]);
    }
}
