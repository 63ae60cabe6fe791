//! Hive's grouping extensions (`WITH CUBE`, `WITH ROLLUP`, `GROUPING SETS`,
//! `cube(...)`, `rollup(...)`), the `GROUPING__ID` virtual column and the
//! `grouping(col)` function, as DataFusion's `GROUPING SETS` and `grouping()`.
//!
//! Hive 2.1 numbers grouping sets the other way round from the SQL standard
//! (and from DataFusion and Hive 3): bit `i` of `GROUPING__ID` is set when the
//! `i`-th GROUP BY expression is *present* in the row's grouping set, the
//! first expression being the least significant bit, and `grouping(col)` is
//! that column's bit (1 = grouped by it). Hive also treats the sets as a set
//! of bitmasks, so a repeated grouping set yields its rows once. Every form is
//! therefore rewritten to explicit, de-duplicated `GROUPING SETS` over the
//! GROUP BY list, and Hive's values are computed from DataFusion's `grouping()`.

use std::ops::ControlFlow;

use datafusion::sql::sqlparser::ast::{
    BinaryOperator, DataType, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, GroupByExpr, GroupByWithModifier,
    Ident, OrderBy, OrderByKind, Select, SelectItem, Value, VisitMut, VisitorMut,
};

use super::exprs::{call, cast, number};
use crate::error::{Result, SqlError};

/// Hive's name for the grouping-set id column.
const GROUPING_ID: &str = "grouping__id";

/// `GROUPING__ID` is an INT with a bit per GROUP BY expression.
const MAX_COLUMNS: usize = 32;

/// DataFusion plans at most 4096 grouping sets, so a CUBE stops at 12 columns.
const MAX_CUBE_COLUMNS: usize = 12;

/// Rewrites a SELECT whose GROUP BY uses grouping sets; `order_by` is its
/// query's ORDER BY. Under a plain GROUP BY only `grouping(col)` changes (it
/// is 1: the one set has every column), and `GROUPING__ID` stays a column
/// name, as a subquery's output column of that name is read.
pub fn rewrite_grouping(select: &mut Select, order_by: Option<&mut OrderBy>) -> Result<()> {
    let (spec, has_sets) = match GroupingSpec::from_group_by(&select.group_by)? {
        Some(spec) => {
            select.group_by = GroupByExpr::Expressions(vec![spec.grouping_sets()], vec![]);
            (spec, true)
        }
        None => match GroupingSpec::plain(&select.group_by) {
            Some(spec) => (spec, false),
            None => return Ok(()),
        },
    };
    let mut replacer = Replacer { spec: &spec, has_sets, query_depth: 0, function_depth: 0 };
    for item in &mut select.projection {
        match item {
            SelectItem::UnnamedExpr(e) => {
                // A bare `GROUPING__ID` or never-grouped column keeps its name.
                let name = match &*e {
                    Expr::Identifier(id) if has_sets && is_grouping_id(e) => Some(Ident::new(id.value.to_lowercase())),
                    Expr::Identifier(id) if spec.never_grouped(e) => Some(id.clone()),
                    Expr::CompoundIdentifier(parts) if spec.never_grouped(e) => parts.last().cloned(),
                    _ => None,
                };
                replacer.rewrite(e)?;
                if let Some(alias) = name {
                    let expr = std::mem::replace(e, Expr::value(Value::Null));
                    *item = SelectItem::ExprWithAlias { expr, alias };
                }
            }
            SelectItem::ExprWithAlias { expr, .. } => replacer.rewrite(expr)?,
            _ => {}
        }
    }
    if let Some(having) = &mut select.having {
        replacer.rewrite(having)?;
    }
    if let Some(OrderBy { kind: OrderByKind::Expressions(order), .. }) = order_by {
        for item in order {
            replacer.rewrite(&mut item.expr)?;
        }
    }
    Ok(())
}

/// The GROUP BY list in Hive's order (its positions are `GROUPING__ID`'s
/// bits) and the grouping sets as sorted, distinct positions.
#[derive(Debug, PartialEq)]
struct GroupingSpec {
    columns: Vec<Expr>,
    sets: Vec<Vec<usize>>,
}

impl GroupingSpec {
    /// `None` for a GROUP BY without grouping sets, or one in a shape Hive
    /// does not write (composite `ROLLUP((a, b))`, sets mixed with plain
    /// expressions), which is left to DataFusion.
    fn from_group_by(group_by: &GroupByExpr) -> Result<Option<Self>> {
        let GroupByExpr::Expressions(exprs, modifiers) = group_by else { return Ok(None) };
        let spec = match modifiers.as_slice() {
            [] => match exprs.as_slice() {
                [Expr::Rollup(lists)] => singletons(lists).map(Self::rollup),
                [Expr::Cube(lists)] => singletons(lists).map(Self::cube).transpose()?,
                [Expr::GroupingSets(sets)] => {
                    let mut columns: Vec<Expr> = Vec::new();
                    for e in sets.iter().flatten() {
                        if position(&columns, e).is_none() {
                            columns.push(e.clone());
                        }
                    }
                    Some(Self::with_sets(columns, sets)?)
                }
                _ => None,
            },
            [GroupByWithModifier::Rollup] => Some(Self::rollup(exprs.clone())),
            [GroupByWithModifier::Cube] => Some(Self::cube(exprs.clone())?),
            [GroupByWithModifier::GroupingSets(Expr::GroupingSets(sets))] => {
                Some(Self::with_sets(exprs.clone(), sets)?)
            }
            other => {
                let names: Vec<String> = other.iter().map(|m| m.to_string()).collect();
                return Err(SqlError::Unsupported(format!("GROUP BY {}", names.join(" "))));
            }
        };
        if let Some(spec) = &spec {
            if spec.columns.len() > MAX_COLUMNS {
                return Err(SqlError::Semantic(format!(
                    "grouping sets over {} GROUP BY expressions: GROUPING__ID has {MAX_COLUMNS} bits",
                    spec.columns.len()
                )));
            }
        }
        Ok(spec)
    }

    /// A plain `GROUP BY a, b`: one set with every expression.
    fn plain(group_by: &GroupByExpr) -> Option<Self> {
        let GroupByExpr::Expressions(exprs, modifiers) = group_by else { return None };
        let plain = |e: &Expr| !matches!(e, Expr::Rollup(_) | Expr::Cube(_) | Expr::GroupingSets(_) | Expr::Tuple(_));
        if exprs.is_empty() || !modifiers.is_empty() || !exprs.iter().all(plain) {
            return None;
        }
        Some(Self { columns: exprs.clone(), sets: vec![(0..exprs.len()).collect()] })
    }

    /// `ROLLUP(a, b)`: `(a, b)`, `(a)`, `()`.
    fn rollup(columns: Vec<Expr>) -> Self {
        let sets = (0..=columns.len()).rev().map(|len| (0..len).collect()).collect();
        Self { columns, sets }
    }

    /// `CUBE(a, b)`: every subset of the columns.
    fn cube(columns: Vec<Expr>) -> Result<Self> {
        let count = columns.len();
        if count > MAX_CUBE_COLUMNS {
            return Err(SqlError::Unsupported(format!("CUBE over {count} columns (at most {MAX_CUBE_COLUMNS})")));
        }
        let sets =
            (0..1usize << count).rev().map(|mask| (0..count).filter(|i| mask & (1 << i) != 0).collect()).collect();
        Ok(Self { columns, sets })
    }

    /// Explicit sets, each of whose expressions must be in the GROUP BY list
    /// (Hive rejects the query otherwise).
    fn with_sets(columns: Vec<Expr>, sets: &[Vec<Expr>]) -> Result<Self> {
        let mut positions: Vec<Vec<usize>> = Vec::new();
        for set in sets {
            let mut indices = Vec::new();
            for e in set {
                let Some(i) = position(&columns, e) else {
                    return Err(SqlError::Semantic(format!(
                        "Expression in GROUPING SETS is not in the GROUP BY key: {e}"
                    )));
                };
                indices.push(i);
            }
            indices.sort_unstable();
            indices.dedup();
            if !positions.contains(&indices) {
                positions.push(indices);
            }
        }
        Ok(Self { columns, sets: positions })
    }

    /// The GROUP BY DataFusion plans.
    fn grouping_sets(&self) -> Expr {
        Expr::GroupingSets(self.sets.iter().map(|set| set.iter().map(|&i| self.columns[i].clone()).collect()).collect())
    }

    /// Whether `e` is a GROUP BY expression that no grouping set uses: Hive
    /// gives it NULL in every row.
    fn never_grouped(&self, e: &Expr) -> bool {
        position(&self.columns, e).is_some_and(|i| !self.sets.iter().any(|set| set.contains(&i)))
    }

    /// Hive 2.1's `grouping(col)` for the `i`-th GROUP BY expression: 1 when
    /// the row's set has it. Constant when every set agrees.
    fn presence_bit(&self, i: usize) -> Expr {
        let in_sets = self.sets.iter().filter(|set| set.contains(&i)).count();
        if in_sets == 0 {
            return number("0");
        }
        if in_sets == self.sets.len() {
            return number("1");
        }
        let grouping = call("grouping", vec![self.columns[i].clone()]);
        Expr::Nested(Box::new(Expr::BinaryOp {
            left: Box::new(number("1")),
            op: BinaryOperator::Minus,
            right: Box::new(grouping),
        }))
    }

    /// Hive 2.1's `GROUPING__ID`: `sum(presence_bit(i) << i)`, an INT.
    fn grouping_id(&self) -> Expr {
        let mut terms = (0..self.columns.len()).map(|i| {
            let bit = self.presence_bit(i);
            if i == 0 {
                bit
            } else {
                Expr::BinaryOp {
                    left: Box::new(bit),
                    op: BinaryOperator::Multiply,
                    right: Box::new(number(&(1u64 << i).to_string())),
                }
            }
        });
        let first = terms.next().unwrap_or_else(|| number("0"));
        let sum = terms.fold(first, |acc, term| Expr::BinaryOp {
            left: Box::new(acc),
            op: BinaryOperator::Plus,
            right: Box::new(term),
        });
        cast(sum, DataType::Int(None))
    }
}

/// `ROLLUP(a, b)`'s lists when each is one expression (Hive's only form).
fn singletons(lists: &[Vec<Expr>]) -> Option<Vec<Expr>> {
    lists.iter().map(|list| if let [e] = list.as_slice() { Some(e.clone()) } else { None }).collect()
}

/// Where `e` is in `columns`, comparing as Hive does: identifiers are
/// case-insensitive and quoting does not matter.
fn position(columns: &[Expr], e: &Expr) -> Option<usize> {
    let key = normalized(e);
    columns.iter().position(|c| normalized(c) == key)
}

fn normalized(e: &Expr) -> String {
    e.to_string().replace('`', "").to_lowercase()
}

fn is_grouping_id(e: &Expr) -> bool {
    matches!(e, Expr::Identifier(id) if id.value.eq_ignore_ascii_case(GROUPING_ID))
}

/// The argument of a user's `grouping(x)` call, if `e` is one.
fn grouping_call_arg(e: &Expr) -> Option<Result<&Expr>> {
    let Expr::Function(f) = e else { return None };
    if !f.name.to_string().eq_ignore_ascii_case("grouping") {
        return None;
    }
    let FunctionArguments::List(list) = &f.args else { return None };
    Some(match list.args.as_slice() {
        [FunctionArg::Unnamed(FunctionArgExpr::Expr(arg))] => Ok(arg),
        _ => Err(SqlError::Semantic(format!("grouping() takes one GROUP BY expression: {e}"))),
    })
}

/// Replaces `GROUPING__ID`, `grouping(x)` and never-grouped columns in one
/// expression of the SELECT, without entering subqueries (their own GROUP BY
/// decides what these mean there).
struct Replacer<'a> {
    spec: &'a GroupingSpec,
    /// Whether the GROUP BY has grouping sets, which is when `GROUPING__ID` exists.
    has_sets: bool,
    query_depth: usize,
    function_depth: usize,
}

impl Replacer<'_> {
    fn rewrite(&mut self, expr: &mut Expr) -> Result<()> {
        match expr.visit(self) {
            ControlFlow::Break(e) => Err(e),
            ControlFlow::Continue(()) => Ok(()),
        }
    }

    /// Hive's value for `e` when it is one of the replaced forms.
    fn replacement(&self, e: &Expr) -> Result<Option<Expr>> {
        if self.has_sets && is_grouping_id(e) {
            return Ok(Some(self.spec.grouping_id()));
        }
        if let Some(arg) = grouping_call_arg(e) {
            let arg = arg?;
            let Some(i) = position(&self.spec.columns, arg) else {
                return Err(SqlError::Semantic(format!(
                    "Expression in GROUPING function not present in GROUP BY: {arg}"
                )));
            };
            return Ok(Some(cast(self.spec.presence_bit(i), DataType::Int(None))));
        }
        // Inside a function the column may be an aggregate's input, which
        // sees the real values; only bare uses are the grouping key.
        if self.function_depth == 0 && self.spec.never_grouped(e) {
            // NULL of the column's own type: an aggregate over no rows.
            let mut null = call("first_value", vec![e.clone()]);
            if let Expr::Function(f) = &mut null {
                f.filter = Some(Box::new(Expr::value(Value::Boolean(false))));
            }
            return Ok(Some(null));
        }
        Ok(None)
    }
}

impl VisitorMut for Replacer<'_> {
    type Break = SqlError;

    fn pre_visit_query(&mut self, _query: &mut datafusion::sql::sqlparser::ast::Query) -> ControlFlow<SqlError> {
        self.query_depth += 1;
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &mut datafusion::sql::sqlparser::ast::Query) -> ControlFlow<SqlError> {
        self.query_depth -= 1;
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<SqlError> {
        if matches!(expr, Expr::Function(_)) {
            self.function_depth += 1;
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<SqlError> {
        if matches!(expr, Expr::Function(_)) {
            self.function_depth -= 1;
        }
        if self.query_depth > 0 {
            return ControlFlow::Continue(());
        }
        match self.replacement(expr) {
            Ok(Some(new)) => *expr = new,
            Ok(None) => {}
            Err(e) => return ControlFlow::Break(e),
        }
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse_command, Command};
    use crate::rewrite::rewrite_query;

    fn rewritten(sql: &str) -> String {
        let Ok(Command::Query(mut q)) = parse_command(sql) else { panic!("not a query: {sql}") };
        rewrite_query(&mut q, "default").unwrap();
        q.to_string()
    }

    #[test]
    fn rollup_and_cube_become_grouping_sets() {
        assert_eq!(
            rewritten("SELECT a, count(1) FROM t GROUP BY a, b WITH ROLLUP"),
            "SELECT a, count(1) AS _c1 FROM t GROUP BY GROUPING SETS ((a, b), (a), ())"
        );
        assert_eq!(
            rewritten("SELECT a FROM t GROUP BY cube(a, b)"),
            "SELECT a FROM t GROUP BY GROUPING SETS ((a, b), (b), (a), ())"
        );
        assert_eq!(rewritten("SELECT a FROM t GROUP BY a WITH CUBE"), rewritten("SELECT a FROM t GROUP BY CUBE (a)"));
    }

    #[test]
    fn repeated_grouping_sets_count_once() {
        assert_eq!(
            rewritten("SELECT a FROM t GROUP BY a, b GROUPING SETS ((a), (a), (b, a), (a, b))"),
            "SELECT a FROM t GROUP BY GROUPING SETS ((a), (a, b))"
        );
    }

    #[test]
    fn grouping_id_sets_a_bit_per_present_column() {
        // Hive 2.1: (key) alone is 1, (value) alone is 2, both 3, () 0.
        assert_eq!(
            rewritten("SELECT GROUPING__ID FROM t GROUP BY key, value WITH CUBE"),
            "SELECT CAST((1 - grouping(key)) + (1 - grouping(value)) * 2 AS INT) AS grouping__id FROM t \
             GROUP BY GROUPING SETS ((key, value), (value), (key), ())"
        );
        assert_eq!(
            rewritten("SELECT grouping(`value`) FROM t GROUP BY rollup(key, value)"),
            "SELECT CAST((1 - grouping(value)) AS INT) AS _c0 FROM t GROUP BY GROUPING SETS ((key, value), (key), ())"
        );
    }

    #[test]
    fn never_grouped_column_is_null_and_constant_bits_fold() {
        assert_eq!(
            rewritten("SELECT key, value FROM t GROUP BY key, value GROUPING SETS ((key)) HAVING GROUPING__ID = 1"),
            "SELECT key, first_value(value) FILTER (WHERE false) AS value FROM t GROUP BY GROUPING SETS ((key)) \
             HAVING hive_num(CAST(1 + 0 * 2 AS INT)) = 1"
        );
    }

    #[test]
    fn subqueries_keep_their_own_grouping_id() {
        assert_eq!(
            rewritten("SELECT grouping__id, count(*) FROM (SELECT GROUPING__ID FROM t GROUP BY a WITH ROLLUP) s GROUP BY grouping__id"),
            "SELECT grouping__id, count(*) AS _c1 FROM (SELECT CAST((1 - grouping(a)) AS INT) AS grouping__id FROM t \
             GROUP BY GROUPING SETS ((a), ())) AS s GROUP BY grouping__id"
        );
    }

    #[test]
    fn sets_outside_the_group_by_are_rejected() {
        let Ok(Command::Query(mut q)) = parse_command("SELECT a FROM t GROUP BY a GROUPING SETS ((b))") else {
            panic!("not a query")
        };
        assert!(matches!(rewrite_query(&mut q, "default"), Err(SqlError::Semantic(_))));
    }

    #[test]
    fn plain_group_by_has_every_column_present() {
        assert_eq!(
            rewritten("SELECT grouping(a), grouping__id FROM s GROUP BY a, grouping__id"),
            "SELECT CAST(1 AS INT) AS _c0, grouping__id FROM s GROUP BY a, grouping__id"
        );
    }

    #[test]
    fn oversized_cubes_are_refused_before_expanding() {
        let columns: Vec<String> = (0..13).map(|i| format!("c{i}")).collect();
        let sql = format!("SELECT count(1) FROM t GROUP BY {} WITH CUBE", columns.join(", "));
        let Ok(Command::Query(mut q)) = parse_command(&sql) else { panic!("not a query") };
        assert!(matches!(rewrite_query(&mut q, "default"), Err(SqlError::Unsupported(_))));
    }
}
