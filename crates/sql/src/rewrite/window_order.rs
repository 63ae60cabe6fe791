//! The order of a windowing query's rows, which Hive prints sorted.
//!
//! Hive computes the window functions of a SELECT in a reducer that sorts its
//! rows by the window's PARTITION BY and ORDER BY keys, and prints them in
//! that order; scripts and Hive's own qtests read the rows so. DataFusion
//! splits the partitions across threads and interleaves them. When every
//! window of a top-level SELECT without ORDER BY shares one PARTITION BY
//! and ORDER BY, the query gets that ORDER BY, and the rows come out as
//! Hive's reducer writes them.

use std::ops::ControlFlow;

use datafusion::sql::sqlparser::ast::{
    visit_expressions, Expr, GroupByExpr, OrderBy, OrderByExpr, OrderByKind, OrderByOptions, Query, SetExpr, WindowType,
};

/// Adds the shared window order to `query` (see the module docs).
pub fn order_like_hive(query: &mut Query) {
    if query.order_by.is_some() || query.limit_clause.is_some() || query.fetch.is_some() {
        return;
    }
    let SetExpr::Select(select) = query.body.as_ref() else { return };
    let grouped = match &select.group_by {
        GroupByExpr::All(_) => true,
        GroupByExpr::Expressions(exprs, _) => !exprs.is_empty(),
    };
    if grouped || select.distinct.is_some() || !select.sort_by.is_empty() || !select.cluster_by.is_empty() {
        return;
    }
    let mut shared: Option<(Vec<Expr>, Vec<OrderByExpr>)> = None;
    let mut differs = false;
    let _ = visit_expressions(&select.projection, |e: &Expr| {
        if let Expr::Function(f) = e {
            match &f.over {
                Some(WindowType::WindowSpec(spec)) if spec.window_name.is_none() => {
                    let keys = (spec.partition_by.clone(), spec.order_by.clone());
                    match &shared {
                        None => shared = Some(keys),
                        Some(first) if *first == keys => {}
                        Some(_) => differs = true,
                    }
                }
                Some(_) => differs = true,
                None => {}
            }
        }
        ControlFlow::<()>::Continue(())
    });
    let Some((partition_by, order_by)) = shared.filter(|_| !differs) else { return };
    let mut keys: Vec<OrderByExpr> = partition_by
        .into_iter()
        .map(|expr| OrderByExpr { expr, options: OrderByOptions { asc: None, nulls_first: None }, with_fill: None })
        .collect();
    keys.extend(order_by);
    if keys.is_empty() {
        return;
    }
    query.order_by = Some(OrderBy { kind: OrderByKind::Expressions(keys), interpolate: None });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::HiveQl;
    use datafusion::sql::sqlparser::ast::Statement;
    use datafusion::sql::sqlparser::parser::Parser;

    fn ordered(sql: &str) -> Option<String> {
        let mut statements = Parser::parse_sql(&HiveQl, sql).ok()?;
        let Some(Statement::Query(query)) = statements.first_mut() else { return None };
        order_like_hive(query);
        query.order_by.as_ref().map(|o| o.to_string())
    }

    #[test]
    fn shared_window_keys_order_the_rows() {
        let sql = "SELECT d, sum(s) OVER (PARTITION BY d ORDER BY h DESC RANGE 9 PRECEDING), \
                   avg(s) OVER (PARTITION BY d ORDER BY h DESC) FROM t";
        assert_eq!(ordered(sql).as_deref(), Some("ORDER BY d, h DESC"));
    }

    #[test]
    fn other_queries_keep_their_order() {
        assert_eq!(ordered("SELECT sum(s) OVER (PARTITION BY d), sum(s) OVER (PARTITION BY e) FROM t"), None);
        assert_eq!(ordered("SELECT sum(s) OVER (PARTITION BY d) FROM t ORDER BY s").as_deref(), Some("ORDER BY s"));
        assert_eq!(ordered("SELECT sum(s) OVER (PARTITION BY d) FROM t LIMIT 3"), None);
        assert_eq!(ordered("SELECT s FROM t"), None);
    }
}
