//! `SELECT *, key FROM t`: a column selected again next to a `*` that
//! already covers it.
//!
//! Hive allows it and gives the repeated column an internal name (`_colN`);
//! DataFusion refuses two projections of one name ("Projections require
//! unique expression names"). Which names a `*` covers depends on the
//! tables' columns, so this runs once the query's tables are registered: a
//! column repeated that way is aliased `_cN` (its position), as repeated
//! expressions already are.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;

use datafusion::sql::parser::Statement as DfStatement;
use datafusion::sql::sqlparser::ast::{
    Expr, Ident, ObjectName, Query, Select, SelectItem, SelectItemQualifiedWildcardKind, SetExpr, Statement,
    TableFactor, VisitMut, VisitorMut,
};

use crate::engine::JobSession;
use crate::error::Result;

/// Column names (lower case) of the tables a query reads, by the name it
/// gives them (`t`, `db.t`).
type TableColumns = BTreeMap<String, Vec<String>>;

impl JobSession<'_> {
    /// Aliases columns repeated next to a `*` in the statement's selects.
    pub(crate) async fn alias_wildcard_duplicates(&self, stmt: &mut DfStatement) -> Result<()> {
        let refs = self.ctx.state().resolve_table_references(stmt)?;
        let DfStatement::Statement(s) = stmt else { return Ok(()) };
        let Statement::Query(query) = s.as_mut() else { return Ok(()) };
        let mut columns = TableColumns::new();
        for r in refs {
            if let Ok(provider) = self.ctx.table_provider(r.clone()).await {
                let names = provider.schema().fields().iter().map(|f| f.name().to_lowercase()).collect();
                columns.insert(r.to_string().to_lowercase(), names);
            }
        }
        alias_duplicates(query, &columns);
        Ok(())
    }
}

fn alias_duplicates(query: &mut Query, columns: &TableColumns) {
    struct Pass<'a>(&'a TableColumns);
    impl VisitorMut for Pass<'_> {
        type Break = ();
        fn post_visit_query(&mut self, q: &mut Query) -> ControlFlow<()> {
            if let SetExpr::Select(select) = q.body.as_mut() {
                alias_in_select(select, self.0);
            }
            ControlFlow::Continue(())
        }
    }
    let _ = query.visit(&mut Pass(columns));
}

fn alias_in_select(select: &mut Select, columns: &TableColumns) {
    let has_wildcard =
        select.projection.iter().any(|i| matches!(i, SelectItem::Wildcard(_) | SelectItem::QualifiedWildcard(..)));
    if !has_wildcard {
        return;
    }
    let Some(covered) = covered_names(select, columns) else { return };
    for (i, item) in select.projection.iter_mut().enumerate() {
        let SelectItem::UnnamedExpr(e) = item else { continue };
        let name = match e {
            Expr::Identifier(id) => id,
            Expr::CompoundIdentifier(parts) => match parts.last() {
                Some(id) => id,
                None => continue,
            },
            _ => continue,
        };
        if covered.contains(&name.value.to_lowercase()) {
            let expr = std::mem::replace(e, Expr::value(datafusion::sql::sqlparser::ast::Value::Null));
            *item = SelectItem::ExprWithAlias { expr, alias: Ident::new(format!("_c{i}")) };
        }
    }
}

/// The names the select's wildcards expand to; `None` when a relation's
/// columns are not known (a subquery, a CTE).
fn covered_names(select: &Select, columns: &TableColumns) -> Option<BTreeSet<String>> {
    // Each relation by the name it answers to, with its table's columns.
    let mut relations: Vec<(String, Option<&Vec<String>>)> = Vec::new();
    for f in &select.from {
        for factor in std::iter::once(&f.relation).chain(f.joins.iter().map(|j| &j.relation)) {
            match factor {
                TableFactor::Table { name, alias, .. } => {
                    let key = name.to_string().to_lowercase();
                    let answers_to = match alias {
                        Some(a) => a.name.value.to_lowercase(),
                        None => last_part(name),
                    };
                    relations.push((answers_to, columns.get(&key)));
                }
                _ => relations.push((String::new(), None)),
            }
        }
    }
    let mut covered = BTreeSet::new();
    for item in &select.projection {
        match item {
            SelectItem::Wildcard(_) => {
                for (_, cols) in &relations {
                    covered.extend((*cols)?.iter().cloned());
                }
            }
            SelectItem::QualifiedWildcard(SelectItemQualifiedWildcardKind::ObjectName(name), _) => {
                let wanted = last_part(name);
                let (_, cols) = relations.iter().find(|(n, _)| *n == wanted)?;
                covered.extend((*cols)?.iter().cloned());
            }
            SelectItem::QualifiedWildcard(..) => return None,
            _ => {}
        }
    }
    Some(covered)
}

fn last_part(name: &ObjectName) -> String {
    name.0.last().map(|p| p.to_string().to_lowercase()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::HiveQl;
    use datafusion::sql::sqlparser::parser::Parser;

    fn aliased(sql: &str) -> String {
        let mut q = Parser::new(&HiveQl).try_with_sql(sql).unwrap().parse_query().unwrap();
        let columns = TableColumns::from([
            ("srclimit".to_string(), vec!["key".to_string(), "value".to_string()]),
            ("src1".to_string(), vec!["k1".to_string()]),
        ]);
        alias_duplicates(&mut q, &columns);
        q.to_string()
    }

    #[test]
    fn columns_a_wildcard_covers_are_aliased() {
        // select_same_col.q
        assert_eq!(aliased("select *, key, value from srclimit"), "SELECT *, key AS _c1, value AS _c2 FROM srclimit");
        assert_eq!(
            aliased("select * from (select *, key, value from srclimit) t"),
            "SELECT * FROM (SELECT *, key AS _c1, value AS _c2 FROM srclimit) AS t"
        );
        assert_eq!(
            aliased("select s.*, key, s1.k1 from srclimit s join src1 s1 on s.key = s1.k1"),
            "SELECT s.*, key AS _c1, s1.k1 FROM srclimit AS s JOIN src1 AS s1 ON s.key = s1.k1"
        );
    }

    #[test]
    fn unknown_relations_and_plain_selects_stay() {
        assert_eq!(aliased("select key, value from srclimit"), "SELECT key, value FROM srclimit");
        assert_eq!(aliased("select *, key from (select 1 as key) t"), "SELECT *, key FROM (SELECT 1 AS key) AS t");
    }
}
