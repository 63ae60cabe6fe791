//! Hive's RANGE frames for rows whose ORDER BY key is NULL.
//!
//! DataFusion treats NULL keys as peers at any offset: for such a row,
//! `N PRECEDING` and `N FOLLOWING` bounds both land on the edges of the
//! NULL group. Hive 2.1's `SingleValueBoundaryScanner` (its "use case"
//! tables) does not: with an ascending key (NULLs first) a `N FOLLOWING`
//! start skips past the NULL group and a `N PRECEDING` end is the partition's
//! first row, so `RANGE BETWEEN 90 PRECEDING AND 10 PRECEDING` is an empty
//! frame for a NULL row; with a descending key (NULLs last) a `N FOLLOWING`
//! start is the partition's end. The other bounds agree.
//!
//! For a row with a key, Hive's offset bounds stop at the NULL group, which
//! only an UNBOUNDED bound on the NULLs' side reaches; DataFusion's frame can
//! take NULL rows in (`RANGE BETWEEN 10 FOLLOWING AND 90 FOLLOWING`).
//!
//! The rewrite gives NULL rows the aggregate over Hive's frame, which is
//! then either empty or every row with a key (the rows after the NULL
//! group), and keyed rows the aggregate over their frame's keyed rows:
//!
//! `CASE WHEN k IS NULL THEN f(CASE WHEN <in frame> THEN x END) OVER
//! (PARTITION BY p ORDER BY k ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED
//! FOLLOWING) ELSE f(CASE WHEN k IS NOT NULL THEN x END) OVER (...) END`
//!
//! Only aggregates that skip NULL arguments (`sum`, `avg`, `min`, `max`,
//! `count(x)`) can be moved to another frame by NULLing their input.

use datafusion::sql::sqlparser::ast::helpers::attached_token::AttachedToken;
use datafusion::sql::sqlparser::ast::{
    CaseWhen, Expr, FunctionArg, FunctionArgExpr, FunctionArguments, ObjectNamePart, Value, WindowFrame,
    WindowFrameBound, WindowFrameUnits, WindowSpec, WindowType,
};

/// The frame a NULL-keyed row has in Hive, where it differs from DataFusion's.
#[derive(Debug, PartialEq)]
enum NullRowFrame {
    Empty,
    RowsWithKey,
}

/// `expr` rewritten when it is an aggregate over a RANGE frame whose NULL
/// rows Hive frames differently; `None` keeps it.
pub fn hive_null_key_frames(expr: &Expr) -> Option<Expr> {
    let Expr::Function(f) = expr else { return None };
    let [ObjectNamePart::Identifier(name)] = f.name.0.as_slice() else { return None };
    if !["sum", "avg", "min", "max", "count"].contains(&name.value.to_ascii_lowercase().as_str()) {
        return None;
    }
    let FunctionArguments::List(list) = &f.args else { return None };
    if list.duplicate_treatment.is_some() || f.filter.is_some() || !f.within_group.is_empty() {
        return None;
    }
    let [FunctionArg::Unnamed(FunctionArgExpr::Expr(arg))] = list.args.as_slice() else { return None };
    let Some(WindowType::WindowSpec(spec)) = &f.over else { return None };
    let [order] = spec.order_by.as_slice() else { return None };
    // An explicit NULLS FIRST/LAST moves the NULL group; Hive's scanner assumes the default.
    if order.options.nulls_first.is_some() {
        return None;
    }
    let descending = order.options.asc == Some(false);
    let frame = spec.window_frame.as_ref().filter(|frame| frame.units == WindowFrameUnits::Range)?;
    let key = order.expr.clone();
    // Input only from the rows with a key, over a window like `f`'s.
    let over_keyed_rows = |in_frame: Expr, over: WindowSpec| {
        let mut moved = f.clone();
        let mut args = list.clone();
        args.args = vec![FunctionArg::Unnamed(FunctionArgExpr::Expr(case_when(in_frame, arg.clone(), None)))];
        moved.args = FunctionArguments::List(args);
        moved.over = Some(WindowType::WindowSpec(over));
        Expr::Function(moved)
    };
    let null_rows = null_row_frame(frame, descending).map(|hive_frame| {
        let in_frame = match hive_frame {
            NullRowFrame::Empty => Expr::value(Value::Boolean(false)),
            NullRowFrame::RowsWithKey => Expr::IsNotNull(Box::new(key.clone())),
        };
        // The whole partition, in the same order: one sort serves both
        // windows, and the rows come out in the order Hive prints them.
        let whole_partition = WindowSpec {
            window_name: None,
            partition_by: spec.partition_by.clone(),
            order_by: spec.order_by.clone(),
            window_frame: Some(WindowFrame {
                units: WindowFrameUnits::Rows,
                start_bound: WindowFrameBound::Preceding(None),
                end_bound: Some(WindowFrameBound::Following(None)),
            }),
        };
        over_keyed_rows(in_frame, whole_partition)
    });
    // A keyed row's offset bounds stop at the NULL group in Hive (a NULL is
    // "further" than any offset); only an UNBOUNDED bound on the NULLs' side
    // reaches them. DataFusion sometimes lets an offset frame take them in.
    let end = frame.end_bound.as_ref().unwrap_or(&WindowFrameBound::CurrentRow);
    let nulls_side_unbounded = match descending {
        false => frame.start_bound == WindowFrameBound::Preceding(None),
        true => *end == WindowFrameBound::Following(None),
    };
    let keyed_rows =
        (!nulls_side_unbounded).then(|| over_keyed_rows(Expr::IsNotNull(Box::new(key.clone())), spec.clone()));
    if null_rows.is_none() && keyed_rows.is_none() {
        return None;
    }
    let original = || Expr::Function(f.clone());
    Some(case_when(
        Expr::IsNull(Box::new(key)),
        null_rows.unwrap_or_else(original),
        Some(keyed_rows.unwrap_or_else(original)),
    ))
}

/// Hive's frame for a NULL-keyed row, when not DataFusion's.
fn null_row_frame(frame: &WindowFrame, descending: bool) -> Option<NullRowFrame> {
    let end = frame.end_bound.as_ref().unwrap_or(&WindowFrameBound::CurrentRow);
    let offset_following_start = matches!(frame.start_bound, WindowFrameBound::Following(Some(_)));
    match (descending, offset_following_start, end) {
        // NULLs last: the frame starts at the partition's end.
        (true, true, _) => Some(NullRowFrame::Empty),
        (true, false, _) => None,
        // NULLs first: the frame starts after the NULL group ...
        (false, true, WindowFrameBound::Following(None)) => Some(NullRowFrame::RowsWithKey),
        // ... and an offset end stops at the NULL group's end.
        (false, true, _) => Some(NullRowFrame::Empty),
        // An offset PRECEDING end is the partition's first row.
        (false, false, WindowFrameBound::Preceding(Some(_))) => Some(NullRowFrame::Empty),
        (false, false, _) => None,
    }
}

fn case_when(condition: Expr, result: Expr, else_result: Option<Expr>) -> Expr {
    Expr::Case {
        case_token: AttachedToken::empty(),
        end_token: AttachedToken::empty(),
        operand: None,
        conditions: vec![CaseWhen { condition, result }],
        else_result: else_result.map(Box::new),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::HiveQl;
    use datafusion::sql::sqlparser::parser::Parser;

    fn rewritten(sql: &str) -> Option<String> {
        let expr = Parser::new(&HiveQl).try_with_sql(sql).ok()?.parse_expr().ok()?;
        hive_null_key_frames(&expr).map(|e| e.to_string())
    }

    #[test]
    fn null_rows_get_hives_frames() {
        // Hive's windowing_windowspec3: NULL hire dates.
        let empty = rewritten("sum(s) OVER (PARTITION BY d ORDER BY h RANGE BETWEEN 90 PRECEDING AND 10 PRECEDING)");
        assert_eq!(
            empty.as_deref(),
            Some(
                "CASE WHEN h IS NULL THEN sum(CASE WHEN false THEN s END) OVER (PARTITION BY d ORDER BY h \
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) ELSE sum(CASE WHEN h IS NOT NULL THEN s END) \
                 OVER (PARTITION BY d ORDER BY h RANGE BETWEEN 90 PRECEDING AND 10 PRECEDING) END"
            )
        );
        let after =
            rewritten("sum(s) OVER (PARTITION BY d ORDER BY h RANGE BETWEEN 10 FOLLOWING AND UNBOUNDED FOLLOWING)");
        assert!(
            after.is_some_and(|s| s.starts_with("CASE WHEN h IS NULL THEN sum(CASE WHEN h IS NOT NULL THEN s END)"))
        );
        let desc = rewritten("avg(s) OVER (ORDER BY h DESC RANGE BETWEEN 10 FOLLOWING AND 90 FOLLOWING)");
        assert!(desc.is_some_and(|s| s.contains("avg(CASE WHEN false THEN s END) OVER (ORDER BY h DESC ROWS")));
    }

    #[test]
    fn keyed_rows_leave_nulls_out_of_offset_frames() {
        let keyed = rewritten("sum(s) OVER (PARTITION BY d ORDER BY h RANGE 90 PRECEDING)");
        assert_eq!(
            keyed.as_deref(),
            Some(
                "CASE WHEN h IS NULL THEN sum(s) OVER (PARTITION BY d ORDER BY h RANGE 90 PRECEDING) \
                 ELSE sum(CASE WHEN h IS NOT NULL THEN s END) OVER (PARTITION BY d ORDER BY h RANGE 90 PRECEDING) END"
            )
        );
    }

    #[test]
    fn frames_hive_agrees_with_stay() {
        assert_eq!(rewritten("sum(s) OVER (ORDER BY h RANGE BETWEEN UNBOUNDED PRECEDING AND 10 FOLLOWING)"), None);
        assert_eq!(rewritten("sum(s) OVER (ORDER BY h DESC RANGE BETWEEN 90 PRECEDING AND UNBOUNDED FOLLOWING)"), None);
        assert_eq!(rewritten("sum(s) OVER (ORDER BY h ROWS BETWEEN 2 PRECEDING AND 1 PRECEDING)"), None);
        assert_eq!(rewritten("first_value(s) OVER (ORDER BY h RANGE BETWEEN 2 PRECEDING AND 1 PRECEDING)"), None);
    }
}
