//! `HAVING` with `EXISTS`/`IN` subqueries, planned as a filter over the
//! grouped rows.
//!
//! Hive accepts `GROUP BY k HAVING EXISTS (SELECT .. WHERE a.v = min(b.v))`
//! and `HAVING count(*) IN (SELECT ..)`: the subquery may be correlated with
//! the group's keys and aggregates. DataFusion plans a subquery in HAVING
//! against the rows before aggregation and refuses the aggregate ("not
//! allowed in the WHERE clause"). The same query as Hive means it:
//!
//! ```sql
//! SELECT _having._o0 AS k, _having._o1 AS _c1
//! FROM (SELECT b.k AS _o0, count(*) AS _o1, min(b.v) AS _h2 FROM t b GROUP BY b.k) _having
//! WHERE EXISTS (SELECT .. WHERE a.v = _having._h2)
//! ```
//!
//! The grouped query computes the selected expressions and everything the
//! condition needs from the groups (the parts outside subqueries, and inside
//! them the expressions over the outer query's columns only); the condition
//! becomes a WHERE over those columns. Shapes this does not cover (a `*` in
//! the projection, window functions, which run after HAVING) are left as
//! written.

use std::collections::BTreeSet;
use std::ops::ControlFlow;

use datafusion::sql::sqlparser::ast::{
    Expr, Ident, OrderByKind, Query, Select, SelectItem, SetExpr, TableFactor, TableWithJoins, Value, Visit, VisitMut,
    Visitor, VisitorMut,
};
use datafusion::sql::sqlparser::parser::Parser;

use crate::dialect::HiveQl;

/// The derived table's alias.
const GROUPED: &str = "_having";

/// Rewrites `query`'s select when its HAVING holds a subquery.
pub(super) fn rewrite_having_subqueries(query: &mut Query) {
    let SetExpr::Select(select) = query.body.as_mut() else { return };
    if !select.having.as_ref().is_some_and(has_subquery) || !plain_projection(select) {
        return;
    }
    let Some(mut outer) = template() else { return };
    let mut grouped = Grouped { items: Vec::new(), outer_names: relation_names(&select.from) };
    let mut outer_projection = Vec::new();
    for (i, item) in select.projection.iter().enumerate() {
        let (expr, name) = match item {
            SelectItem::UnnamedExpr(e) => (e.clone(), output_name(e, i)),
            SelectItem::ExprWithAlias { expr, alias } => (expr.clone(), alias.clone()),
            _ => return,
        };
        let column = grouped.column(expr, "o");
        outer_projection.push(SelectItem::ExprWithAlias { expr: column, alias: name });
    }
    let Some(mut condition) = select.having.clone() else { return };
    if grouped.split(&mut condition).is_err() {
        return;
    }
    if let Some(order_by) = query.order_by.as_mut() {
        if let OrderByKind::Expressions(exprs) = &mut order_by.kind {
            for o in exprs.iter_mut() {
                grouped.order_key(&mut o.expr, &outer_projection);
            }
        }
    }
    let mut inner = std::mem::replace(select.as_mut(), outer.clone());
    inner.having = None;
    inner.projection = grouped
        .items
        .into_iter()
        .map(|(expr, alias)| SelectItem::ExprWithAlias { expr, alias: Ident::new(alias) })
        .collect();
    outer.distinct = inner.distinct.take();
    outer.projection = outer_projection;
    outer.selection = Some(condition);
    if let Some(TableFactor::Derived { subquery, .. }) = outer.from.first_mut().map(|f| &mut f.relation) {
        *subquery.body = SetExpr::Select(Box::new(inner));
    }
    **select = outer;
}

fn null() -> Expr {
    Expr::value(Value::Null)
}

/// `SELECT 1 FROM (SELECT 1) _having`, whose parts are replaced.
fn template() -> Option<Select> {
    let sql = format!("SELECT 1 FROM (SELECT 1) {GROUPED}");
    let query = Parser::new(&HiveQl).try_with_sql(&sql).ok()?.parse_query().ok()?;
    match *query.body {
        SetExpr::Select(s) => Some(*s),
        _ => None,
    }
}

/// Named expressions only: a `*` needs the tables' columns, and window
/// functions would run before the HAVING filter inside the grouped query.
fn plain_projection(select: &Select) -> bool {
    let windowed = Visit::visit(&select.projection, &mut FindWindow).is_break();
    !windowed
        && select.projection.iter().all(|i| matches!(i, SelectItem::UnnamedExpr(_) | SelectItem::ExprWithAlias { .. }))
}

struct FindWindow;
impl Visitor for FindWindow {
    type Break = ();
    fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
        match e {
            Expr::Function(f) if f.over.is_some() => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        }
    }
}

/// A column keeps its name; other expressions get Hive's `_cN`.
fn output_name(e: &Expr, i: usize) -> Ident {
    match e {
        Expr::Identifier(id) => id.clone(),
        Expr::CompoundIdentifier(parts) => parts.last().cloned().unwrap_or_else(|| Ident::new(format!("_c{i}"))),
        _ => Ident::new(format!("_c{i}")),
    }
}

fn has_subquery(e: &Expr) -> bool {
    struct Find;
    impl Visitor for Find {
        type Break = ();
        fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
            match e {
                Expr::Exists { .. } | Expr::InSubquery { .. } | Expr::Subquery(_) => ControlFlow::Break(()),
                _ => ControlFlow::Continue(()),
            }
        }
    }
    e.visit(&mut Find).is_break()
}

/// The names a FROM clause's relations answer to (aliases, else table names).
fn relation_names(from: &[TableWithJoins]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for f in from {
        for factor in std::iter::once(&f.relation).chain(f.joins.iter().map(|j| &j.relation)) {
            names.extend(factor_name(factor));
        }
    }
    names
}

fn factor_name(factor: &TableFactor) -> Option<String> {
    match factor {
        TableFactor::Table { alias: Some(a), .. } | TableFactor::Derived { alias: Some(a), .. } => {
            Some(a.name.value.to_lowercase())
        }
        TableFactor::Table { name, .. } => name.0.last().map(|p| p.to_string().to_lowercase()),
        _ => None,
    }
}

/// Every relation name used anywhere in a subquery (they shadow the outer ones).
fn inner_names(q: &Query) -> BTreeSet<String> {
    struct Names(BTreeSet<String>);
    impl Visitor for Names {
        type Break = ();
        fn pre_visit_table_factor(&mut self, f: &TableFactor) -> ControlFlow<()> {
            self.0.extend(factor_name(f));
            ControlFlow::Continue(())
        }
    }
    let mut names = Names(BTreeSet::new());
    let _ = q.visit(&mut names);
    names.0
}

/// The grouped query's columns: expressions and their aliases.
struct Grouped {
    items: Vec<(Expr, String)>,
    outer_names: BTreeSet<String>,
}

impl Grouped {
    /// `_having.<alias>` for `expr`, computed once.
    fn column(&mut self, expr: Expr, prefix: &str) -> Expr {
        let alias = match self.items.iter().find(|(e, _)| *e == expr) {
            Some((_, a)) => a.clone(),
            None => {
                let a = format!("_{prefix}{}", self.items.len());
                self.items.push((expr, a.clone()));
                a
            }
        };
        Expr::CompoundIdentifier(vec![Ident::new(GROUPED), Ident::new(alias)])
    }

    /// Moves the subquery-free parts of the condition into the grouped query.
    fn split(&mut self, e: &mut Expr) -> Result<(), ()> {
        if !has_subquery(e) {
            let part = std::mem::replace(e, null());
            *e = self.column(part, "h");
            return Ok(());
        }
        match e {
            Expr::BinaryOp { left, right, .. } => {
                self.split(left)?;
                self.split(right)
            }
            Expr::UnaryOp { expr, .. } | Expr::Nested(expr) | Expr::IsTrue(expr) | Expr::IsFalse(expr) => {
                self.split(expr)
            }
            Expr::InSubquery { expr, subquery, .. } => {
                self.split(expr)?;
                self.correlate(subquery)
            }
            Expr::Exists { subquery, .. } | Expr::Subquery(subquery) => self.correlate(subquery),
            _ => Err(()),
        }
    }

    /// Inside a subquery, expressions over the outer query's columns only
    /// (`b.key`, `min(b.value)`) are computed per group.
    fn correlate(&mut self, q: &mut Query) -> Result<(), ()> {
        let shadowed = inner_names(q);
        let outer: BTreeSet<String> = self.outer_names.difference(&shadowed).cloned().collect();
        if outer.is_empty() {
            return Ok(());
        }
        let mut v = Correlate { grouped: self, outer };
        let _ = VisitMut::visit(q, &mut v);
        Ok(())
    }

    /// An ORDER BY key over the grouped rows: an output name stays, anything
    /// else is computed in the grouped query.
    fn order_key(&mut self, e: &mut Expr, outputs: &[SelectItem]) {
        let is_output = |name: &Ident| {
            outputs.iter().any(|o| matches!(o, SelectItem::ExprWithAlias { alias, .. } if alias.value.eq_ignore_ascii_case(&name.value)))
        };
        if matches!(e, Expr::Identifier(id) if is_output(id)) {
            return;
        }
        let key = std::mem::replace(e, null());
        *e = self.column(key, "s");
    }
}

struct Correlate<'a> {
    grouped: &'a mut Grouped,
    outer: BTreeSet<String>,
}

impl Correlate<'_> {
    /// Whether `e` reads only outer columns (at least one) and nothing else.
    fn outer_only(&self, e: &Expr) -> bool {
        struct Refs<'b> {
            outer: &'b BTreeSet<String>,
            outer_refs: usize,
        }
        impl Visitor for Refs<'_> {
            type Break = ();
            fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
                match e {
                    Expr::Identifier(_) | Expr::Exists { .. } | Expr::InSubquery { .. } | Expr::Subquery(_) => {
                        ControlFlow::Break(())
                    }
                    Expr::CompoundIdentifier(parts) if parts.len() >= 2 => {
                        let q = parts[parts.len() - 2].value.to_lowercase();
                        if self.outer.contains(&q) {
                            self.outer_refs += 1;
                            ControlFlow::Continue(())
                        } else {
                            ControlFlow::Break(())
                        }
                    }
                    Expr::Function(f) if f.over.is_some() => ControlFlow::Break(()),
                    _ => ControlFlow::Continue(()),
                }
            }
        }
        let mut refs = Refs { outer: &self.outer, outer_refs: 0 };
        e.visit(&mut refs).is_continue() && refs.outer_refs > 0
    }
}

impl VisitorMut for Correlate<'_> {
    type Break = ();
    fn pre_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        if self.outer_only(e) {
            let part = std::mem::replace(e, null());
            *e = self.grouped.column(part, "h");
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(sql: &str) -> String {
        let mut q = Parser::new(&HiveQl).try_with_sql(sql).unwrap().parse_query().unwrap();
        rewrite_having_subqueries(&mut q);
        q.to_string()
    }

    #[test]
    fn correlated_aggregates_move_into_the_grouped_query() {
        // subquery_exists_having.q
        let sql = "select b.key, min(b.value) from src b group by b.key \
                   having exists (select a.key from src a where a.value > 'val_9' and a.value = min(b.value))";
        assert_eq!(
            rewritten(sql),
            "SELECT _having._o0 AS key, _having._o1 AS _c1 FROM \
             (SELECT b.key AS _o0, min(b.value) AS _o1 FROM src AS b GROUP BY b.key) AS _having \
             WHERE EXISTS (SELECT a.key FROM src AS a WHERE a.value > 'val_9' AND a.value = _having._o1)"
        );
    }

    #[test]
    fn uncorrelated_in_compares_the_aggregate() {
        // subquery_in_having.q: the subquery's own count(*) and src stay inside it.
        let sql = "select key, count(*) from src group by key \
                   having count(*) in (select count(*) from src s1 where s1.key = '90' group by s1.key) order by key";
        assert_eq!(
            rewritten(sql),
            "SELECT _having._o0 AS key, _having._o1 AS _c1 FROM \
             (SELECT key AS _o0, count(*) AS _o1 FROM src GROUP BY key) AS _having \
             WHERE _having._o1 IN (SELECT count(*) FROM src AS s1 WHERE s1.key = '90' GROUP BY s1.key) ORDER BY key"
        );
    }

    #[test]
    fn leaves_other_queries_alone() {
        let plain = "SELECT key, count(*) FROM src GROUP BY key HAVING count(*) > 1";
        assert_eq!(rewritten(plain), plain);
        let star = "SELECT * FROM src GROUP BY key HAVING EXISTS (SELECT 1 FROM src1)";
        assert_eq!(rewritten(star), star);
    }
}
