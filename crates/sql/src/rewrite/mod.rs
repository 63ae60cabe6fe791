//! Rewriting parsed HiveQL queries into the SQL DataFusion plans.
//!
//! Most Hive functions either exist in DataFusion or are registered as UDFs
//! (`udf`); this module handles what a function registry cannot express:
//! Hive semantics that differ under the same syntax (`/` is always a double
//! division, strings are numbers in arithmetic, `concat` is NULL if any
//! argument is), constructs DataFusion lacks (`IF(...)`, `RLIKE`, `<=>`,
//! `DIV`, `SORT BY`, `LATERAL VIEW explode`), and Hive's `_cN` names for
//! unnamed result columns, which CTAS and printed headers expose.

mod bd_literal;
mod exprs;
mod funcs;
mod grouping;
mod having;
mod range_nulls;
mod window_order;

use std::ops::ControlFlow;

use datafusion::sql::sqlparser::ast::{
    Expr, GroupByExpr, Ident, ObjectName, ObjectNamePart, OrderBy, OrderByExpr, OrderByKind, OrderByOptions, Query,
    Select, SelectItem, SelectItemQualifiedWildcardKind, SetExpr, TableAlias, TableFactor, TableSample,
    TableSampleKind, TableSampleUnit, Value, VisitMut, VisitorMut, WildcardAdditionalOptions,
};
use datafusion::sql::sqlparser::parser::Parser;

use exprs::rewrite_expr;

use crate::dialect::HiveQl;
use crate::error::{Result, SqlError};

/// Rewrites `query` in place. `current_db` answers `current_database()`.
///
/// Fails on constructs DataFusion would silently ignore (`TABLESAMPLE`,
/// unknown `GROUP BY ... WITH` modifiers) rather than answer differently.
pub fn rewrite_query(query: &mut Query, current_db: &str) -> Result<()> {
    let mut v = HiveRewriter { current_db };
    if let ControlFlow::Break(e) = query.visit(&mut v) {
        return Err(e);
    }
    window_order::order_like_hive(query);
    name_unnamed_columns(query);
    Ok(())
}

struct HiveRewriter<'a> {
    current_db: &'a str,
}

impl VisitorMut for HiveRewriter<'_> {
    type Break = SqlError;

    fn pre_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<SqlError> {
        if let TableFactor::Table { sample: Some(sample), name, alias, .. } = factor {
            let (TableSampleKind::BeforeTableAlias(sample) | TableSampleKind::AfterTableAlias(sample)) = sample;
            return match rows_sample(name, alias, sample) {
                Some(derived) => {
                    *factor = derived;
                    ControlFlow::Continue(())
                }
                None => ControlFlow::Break(SqlError::Unsupported(format!("TABLESAMPLE on {name}"))),
            };
        }
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, query: &mut Query) -> ControlFlow<SqlError> {
        if let SetExpr::Values(values) = query.body.as_mut() {
            exprs::unify_values(&mut values.rows);
        }
        if matches!(query.body.as_ref(), SetExpr::SetOperation { .. }) {
            set_operation_clauses(query);
        }
        if let SetExpr::Select(select) = query.body.as_mut() {
            let order = take_reducer_order(select);
            if !order.is_empty() && query.order_by.is_none() {
                query.order_by = Some(OrderBy { kind: OrderByKind::Expressions(order), interpolate: None });
            }
            lateral_views_to_unnest(select);
            alias_repeated_columns(select);
            if let Err(e) = grouping::rewrite_grouping(select, query.order_by.as_mut()) {
                return ControlFlow::Break(e);
            }
            having::rewrite_having_subqueries(query);
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<SqlError> {
        if let Some(new) = rewrite_expr(expr, self.current_db) {
            *expr = new;
        } else if let Some(new) = range_nulls::hive_null_key_frames(expr) {
            *expr = new;
        }
        ControlFlow::Continue(())
    }
}

/// `t TABLESAMPLE (n ROWS) a` as `(SELECT * FROM t LIMIT n) a`: Hive takes n
/// rows per split, and a table here is read as one. Other samplings (buckets,
/// percentages) are `None`: DataFusion would ignore them and answer for the
/// whole table.
fn rows_sample(name: &ObjectName, alias: &Option<TableAlias>, sample: &TableSample) -> Option<TableFactor> {
    let quantity = sample.quantity.as_ref()?;
    if quantity.unit != Some(TableSampleUnit::Rows) || sample.bucket.is_some() || sample.seed.is_some() {
        return None;
    }
    let sql = format!("SELECT * FROM {name} LIMIT {}", quantity.value);
    let subquery = Parser::new(&HiveQl).try_with_sql(&sql).ok()?.parse_query().ok()?;
    let alias = alias.clone().or_else(|| match name.0.last() {
        Some(ObjectNamePart::Identifier(i)) => Some(TableAlias { name: i.clone(), columns: vec![] }),
        _ => None,
    });
    Some(TableFactor::Derived { lateral: false, subquery, alias })
}

/// `FROM t LATERAL VIEW explode(e) v AS c` becomes
/// `FROM (SELECT t.*, unnest(e) AS c FROM t) t`, one level per view.
///
/// Only the common shape is rewritten (one relation, no joins, one column,
/// not OUTER); anything else is left for DataFusion to reject by name.
fn lateral_views_to_unnest(select: &mut Select) {
    if select.lateral_views.is_empty() || select.from.len() != 1 || !select.from[0].joins.is_empty() {
        return;
    }
    let supported = select.lateral_views.iter().all(|v| {
        !v.outer
            && v.lateral_col_alias.len() == 1
            && matches!(&v.lateral_view, Expr::Function(f) if f.name.to_string().eq_ignore_ascii_case("unnest"))
    });
    if !supported {
        return;
    }
    let alias = match &mut select.from[0].relation {
        TableFactor::Table { name, alias, .. } => alias.get_or_insert_with(|| TableAlias {
            name: match name.0.last() {
                Some(ObjectNamePart::Identifier(i)) => i.clone(),
                _ => Ident::new("t"),
            },
            columns: vec![],
        }),
        TableFactor::Derived { alias: Some(alias), .. } => alias,
        _ => return,
    }
    .name
    .clone();
    let views = std::mem::take(&mut select.lateral_views);
    let mut relation = select.from[0].relation.clone();
    for view in &views {
        let mut inner = select.clone();
        inner.projection = vec![
            SelectItem::QualifiedWildcard(
                SelectItemQualifiedWildcardKind::ObjectName(ObjectName::from(vec![alias.clone()])),
                WildcardAdditionalOptions::default(),
            ),
            SelectItem::ExprWithAlias { expr: view.lateral_view.clone(), alias: view.lateral_col_alias[0].clone() },
        ];
        inner.from[0].relation = relation;
        inner.selection = None;
        inner.group_by = GroupByExpr::Expressions(vec![], vec![]);
        inner.having = None;
        inner.distinct = None;
        inner.named_window.clear();
        inner.qualify = None;
        let query = Query {
            with: None,
            body: Box::new(SetExpr::Select(Box::new(inner))),
            order_by: None,
            limit_clause: None,
            fetch: None,
            locks: vec![],
            for_clause: None,
            settings: None,
            format_clause: None,
            pipe_operators: vec![],
        };
        relation = TableFactor::Derived {
            lateral: false,
            subquery: Box::new(query),
            alias: Some(TableAlias { name: alias.clone(), columns: vec![] }),
        };
    }
    select.from[0].relation = relation;
    // `v.c` now lives in the derived table: refer to it as `c`.
    let view_names: Vec<String> = views.iter().map(|v| v.lateral_view_name.to_string().to_lowercase()).collect();
    let mut fix = QualifierFix { view_names };
    let _ = select.projection.visit(&mut fix);
    let _ = select.selection.visit(&mut fix);
    let _ = select.group_by.visit(&mut fix);
    let _ = select.having.visit(&mut fix);
}

struct QualifierFix {
    view_names: Vec<String>,
}

impl VisitorMut for QualifierFix {
    type Break = ();
    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        if let Expr::CompoundIdentifier(parts) = expr {
            if parts.len() == 2 && self.view_names.contains(&parts[0].value.to_lowercase()) {
                *expr = Expr::Identifier(parts[1].clone());
            }
        }
        ControlFlow::Continue(())
    }
}

/// In `a UNION ALL b CLUSTER BY x` the last branch's SORT/CLUSTER BY orders
/// the whole union (as `ORDER BY`); every branch may repeat a column.
fn set_operation_clauses(query: &mut Query) {
    fn branches<'a>(body: &'a mut SetExpr, out: &mut Vec<&'a mut Select>) {
        match body {
            SetExpr::SetOperation { left, right, .. } => {
                branches(left, out);
                branches(right, out);
            }
            SetExpr::Select(select) => out.push(select),
            _ => {}
        }
    }
    let mut selects = Vec::new();
    branches(query.body.as_mut(), &mut selects);
    let order = selects.last_mut().map(|last| take_reducer_order(last)).unwrap_or_default();
    for select in selects {
        alias_repeated_columns(select);
    }
    if !order.is_empty() && query.order_by.is_none() {
        query.order_by = Some(OrderBy { kind: OrderByKind::Expressions(order), interpolate: None });
    }
}

/// Takes a SELECT's SORT BY (or else CLUSTER BY) as the order the query
/// should get. One node runs the whole query, so SORT BY (per-reducer order)
/// and CLUSTER BY may be a total order, and DISTRIBUTE BY means nothing: the
/// three clauses are cleared.
fn take_reducer_order(select: &mut Select) -> Vec<OrderByExpr> {
    let mut order = std::mem::take(&mut select.sort_by);
    if order.is_empty() {
        order = std::mem::take(&mut select.cluster_by)
            .into_iter()
            .map(|expr| OrderByExpr { expr, options: OrderByOptions { asc: None, nulls_first: None }, with_fill: None })
            .collect();
    }
    select.cluster_by.clear();
    select.distribute_by.clear();
    order
}

/// `SELECT t.v, t.v`: Hive allows a column twice, DataFusion wants unique
/// names, so a repeat is named as Hive names an unnamed column, `_cN`.
fn alias_repeated_columns(select: &mut Select) {
    let mut seen = std::collections::HashSet::new();
    for (i, item) in select.projection.iter_mut().enumerate() {
        if let SelectItem::UnnamedExpr(e) = item {
            if !seen.insert(e.to_string().to_lowercase()) {
                let expr = std::mem::replace(e, Expr::value(Value::Null));
                *item = SelectItem::ExprWithAlias { expr, alias: Ident::new(format!("_c{i}")) };
            }
        }
    }
}

/// Gives unnamed expressions of the outermost projection Hive's names `_c0`, `_c1`...
fn name_unnamed_columns(query: &mut Query) {
    let mut body = query.body.as_mut();
    // Set operations take their names from the leftmost branch.
    loop {
        match body {
            SetExpr::SetOperation { left, .. } => body = left.as_mut(),
            SetExpr::Query(q) => body = q.body.as_mut(),
            _ => break,
        }
    }
    let SetExpr::Select(select) = body else { return };
    for (i, item) in select.projection.iter_mut().enumerate() {
        if let SelectItem::UnnamedExpr(e) = item {
            let is_unnest = matches!(e, Expr::Function(f) if f.name.to_string().eq_ignore_ascii_case("unnest"));
            if !matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) && !is_unnest {
                let expr = std::mem::replace(e, Expr::value(Value::Null));
                *item = SelectItem::ExprWithAlias { expr, alias: Ident::new(format!("_c{i}")) };
            } else if is_unnest {
                // Hive names an exploded array's column `col`.
                let expr = std::mem::replace(e, Expr::value(Value::Null));
                *item = SelectItem::ExprWithAlias { expr, alias: Ident::new("col") };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse_command, Command};

    fn rewritten(sql: &str) -> String {
        let Ok(Command::Query(mut q)) = parse_command(sql) else { panic!("not a query: {sql}") };
        rewrite_query(&mut q, "db1").unwrap();
        q.to_string()
    }

    #[test]
    fn rewrites_hive_constructs() {
        assert_eq!(
            rewritten("SELECT if(a > 1, 'x', \"y\"), b / 2 AS h FROM t WHERE c RLIKE '^a' SORT BY b"),
            "SELECT CASE WHEN hive_num(a) > 1 THEN 'x' ELSE 'y' END AS _c0, hive_divide(b, 2) AS h FROM t WHERE regexp_like(c, '^a') ORDER BY b"
        );
        assert_eq!(
            rewritten("SELECT collect_set(x), size(y), current_database(), sum(z) FROM t"),
            "SELECT array_agg(DISTINCT x) FILTER (WHERE x IS NOT NULL) AS _c0, CASE WHEN y IS NULL THEN -1 ELSE CAST(coalesce(cardinality(y), 0) AS INT) END AS _c1, 'db1' AS _c2, sum(hive_summand(z)) AS _c3 FROM t"
        );
        assert_eq!(
            rewritten("SELECT concat(a, b) c, regexp_replace(a, 'x', 'y'), a DIV 2 FROM t"),
            "SELECT CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE concat(a, b) END AS c, regexp_replace(a, 'x', 'y', 'g') AS _c1, (CAST(hive_num(a) AS BIGINT) / nullif(CAST(2 AS BIGINT), 0)) AS _c2 FROM t"
        );
    }

    #[test]
    fn type_named_functions_are_hive_casts() {
        // date_udf.q: `timestamp('1970-01-01 00:00:00')`, as CAST(... AS TIMESTAMP).
        assert_eq!(
            rewritten("SELECT timestamp('1970-01-01 00:00:00'), int(a), string(b) FROM t"),
            "SELECT hive_cast('1970-01-01 00:00:00', 'Timestamp(µs)') AS _c0, hive_cast(a, 'Int32') AS _c1, hive_string(b) AS _c2 FROM t"
        );
    }

    #[test]
    fn reducer_clauses_become_one_order_by() {
        assert_eq!(rewritten("SELECT a FROM t DISTRIBUTE BY a SORT BY a DESC"), "SELECT a FROM t ORDER BY a DESC");
        assert_eq!(rewritten("SELECT a FROM t CLUSTER BY a"), "SELECT a FROM t ORDER BY a");
        assert_eq!(
            rewritten("SELECT a FROM t UNION ALL SELECT a FROM u CLUSTER BY a"),
            "SELECT a FROM t UNION ALL SELECT a FROM u ORDER BY a"
        );
    }

    #[test]
    fn rewrites_lateral_views() {
        assert_eq!(
            rewritten("SELECT t.id, v.x FROM db.t LATERAL VIEW explode(t.arr) v AS x WHERE v.x > 1"),
            "SELECT t.id, x FROM (SELECT t.*, unnest(t.arr) AS x FROM db.t AS t) AS t WHERE hive_num(x) > 1"
        );
    }
}
