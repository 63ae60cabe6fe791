//! Expression rewrites: Hive functions and operators whose DataFusion
//! counterpart differs in name, arguments or semantics.

use datafusion::sql::sqlparser::ast::helpers::attached_token::AttachedToken;

use crate::dialect::HiveQl;
use crate::types::hive_to_arrow;
use crate::udf::is_hive_cast_target;
use datafusion::sql::sqlparser::ast::{
    AccessExpr, BinaryOperator, CaseWhen, CastKind, CeilFloorKind, DataType, DateTimeField, DuplicateTreatment,
    ExactNumberInfo, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArgumentList, FunctionArguments, Ident,
    ObjectName, ObjectNamePart, Subscript, UnaryOperator, Value,
};
use datafusion::sql::sqlparser::parser::Parser;

/// Aggregates Hive computes over doubles when given strings.
const NUMERIC_AGGREGATES: [&str; 11] = [
    "sum",
    "avg",
    "stddev_pop",
    "stddev_samp",
    "var_pop",
    "var_samp",
    "corr",
    "covar_pop",
    "covar_samp",
    "approx_percentile_cont",
    "percentile_cont",
];

/// Rewrites one expression node (children are already rewritten); `None` keeps it.
pub fn rewrite_expr(expr: &mut Expr, current_db: &str) -> Option<Expr> {
    match expr {
        Expr::BinaryOp { left, op: BinaryOperator::Divide, right } => {
            Some(call("hive_divide", vec![take(left), take(right)]))
        }
        Expr::BinaryOp { left, op: BinaryOperator::MyIntegerDivide, right } => {
            // DataFusion's `/` on BIGINTs truncates like Hive's DIV; x DIV 0 is NULL.
            let l = cast(num(take(left)), DataType::BigInt(None));
            let r = call("nullif", vec![cast(num(take(right)), DataType::BigInt(None)), number("0")]);
            Some(nested(binary(l, BinaryOperator::Divide, r)))
        }
        Expr::BinaryOp {
            left,
            op: op @ (BinaryOperator::Plus | BinaryOperator::Minus | BinaryOperator::Multiply | BinaryOperator::Modulo),
            right,
        } => {
            // Hive does arithmetic on strings as doubles.
            Some(binary(num(take(left)), op.clone(), num(take(right))))
        }
        Expr::BinaryOp {
            left,
            op:
                op @ (BinaryOperator::Eq
                | BinaryOperator::NotEq
                | BinaryOperator::Lt
                | BinaryOperator::LtEq
                | BinaryOperator::Gt
                | BinaryOperator::GtEq),
            right,
        } => {
            // `string_col > 15` compares numbers in Hive, not text; so does
            // `string_col = a + b` (arithmetic is a double).
            match (is_numeric(left), is_numeric(right)) {
                (false, true) => Some(binary(num(take(left)), op.clone(), take(right))),
                (true, false) => Some(binary(take(left), op.clone(), num(take(right)))),
                _ => None,
            }
        }
        Expr::Between { expr: e, negated, low, high } if is_number(low) && is_number(high) && !is_number(e) => {
            Some(Expr::Between {
                expr: Box::new(num(take(e))),
                negated: *negated,
                low: low.clone(),
                high: high.clone(),
            })
        }
        Expr::UnaryOp { op: UnaryOperator::Minus, expr: e } if !is_number(e) => {
            Some(Expr::UnaryOp { op: UnaryOperator::Minus, expr: Box::new(num(take(e))) })
        }
        Expr::BinaryOp { left, op: BinaryOperator::Spaceship, right } => {
            Some(Expr::IsNotDistinctFrom(Box::new(take(left)), Box::new(take(right))))
        }
        Expr::RLike { negated, expr: e, pattern, .. } => {
            let m = call("regexp_like", vec![take(e), take(pattern)]);
            Some(if *negated { Expr::UnaryOp { op: UnaryOperator::Not, expr: Box::new(nested(m)) } } else { m })
        }
        Expr::CompoundFieldAccess { root, access_chain } => {
            // `a[i]`/`m[k]` need the types to decide (see `hive_index`); `s.f` on an expression is `hive_field`.
            let supported = access_chain.iter().all(|a| {
                matches!(a, AccessExpr::Subscript(Subscript::Index { .. }) | AccessExpr::Dot(Expr::Identifier(_)))
            });
            if !supported {
                return None;
            }
            let mut cur = take(root);
            for access in std::mem::take(access_chain) {
                cur = match access {
                    AccessExpr::Subscript(Subscript::Index { index }) => call("hive_index", vec![cur, index]),
                    AccessExpr::Dot(Expr::Identifier(field)) => call("hive_field", vec![cur, string(&field.value)]),
                    _ => return None,
                };
            }
            Some(cur)
        }
        Expr::Floor { field: CeilFloorKind::DateTimeField(DateTimeField::NoDateTime), .. }
        | Expr::Ceil { field: CeilFloorKind::DateTimeField(DateTimeField::NoDateTime), .. } => {
            // Hive's floor and ceil return BIGINT.
            Some(cast(expr.clone(), DataType::BigInt(None)))
        }
        Expr::Cast { kind, expr: e, data_type, format: None } if !matches!(kind, CastKind::DoubleColon) => {
            // Hive's CAST never fails the query (NULL instead) and parses
            // strings with Java's rules; see `udf::cast`.
            if matches!(data_type, DataType::Binary(_) | DataType::Varbinary(_)) {
                // DataFusion's SQL types name Hive's BINARY `BYTEA`.
                return Some(cast(take(e), DataType::Bytea));
            }
            if matches!(data_type, DataType::String(_) | DataType::Text) {
                return Some(call("hive_string", vec![take(e)]));
            }
            if let Some(e) = super::funcs::char_cast(e.as_mut(), data_type) {
                return Some(e);
            }
            let dt = hive_to_arrow(&data_type.to_string()).ok().filter(is_hive_cast_target)?;
            Some(call("hive_cast", vec![take(e), string(&dt.to_string())]))
        }
        Expr::Function(f) => rewrite_function(f, current_db),
        Expr::Identifier(ident) if ident.quote_style.is_none() => typed_literal(&ident.value),
        Expr::Value(v) => match &v.value {
            Value::Number(n, false) => decimal_literal(n),
            _ => None,
        },
        _ => None,
    }
}

fn rewrite_function(f: &mut Function, current_db: &str) -> Option<Expr> {
    let [ObjectNamePart::Identifier(name)] = f.name.0.as_slice() else { return None };
    let name = name.value.to_ascii_lowercase();
    let no_args = match &f.args {
        FunctionArguments::None => true,
        FunctionArguments::List(l) => l.args.is_empty(),
        FunctionArguments::Subquery(_) => false,
    };
    if name == "current_database" && no_args {
        return Some(string(current_db));
    }
    let FunctionArguments::List(list) = &mut f.args else { return None };
    let renamed = match name.as_str() {
        "ceiling" => Some("ceil"),
        "lcase" => Some("lower"),
        "ucase" => Some("upper"),
        "rand" => Some("random"),
        "sign" => Some("signum"),
        "std" | "stddev" => Some("stddev_pop"),
        "variance" => Some("var_pop"),
        "array" => Some("make_array"),
        "map" => Some("make_map"),
        "sort_array" => Some("array_sort"),
        "explode" => Some("unnest"),
        "percentile_approx" => Some("approx_percentile_cont"),
        // Hive's exact percentile also takes an array of fractions; see `udf::percentile`.
        "percentile" => Some("hive_percentile"),
        _ => None,
    };
    let name = renamed.unwrap_or(name.as_str()).to_string();
    if renamed.is_some() {
        f.name = ObjectName::from(vec![Ident::new(&name)]);
        if name == "random" {
            // Hive's seed has no DataFusion equivalent; the values are random either way.
            list.args.clear();
        }
    }
    if NUMERIC_AGGREGATES.contains(&name.as_str()) {
        if let Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(e))) = list.args.first_mut() {
            let arg = std::mem::replace(e, Expr::value(Value::Null));
            // Hive's sum adds 0.0 for a string that is not a number; the others skip it.
            *e = if name == "sum" && !is_number(&arg) { call("hive_summand", vec![arg]) } else { num(arg) };
        }
        // Hive's percentiles are doubles whatever the input type.
        return renamed.map(|_| cast(Expr::Function(f.clone()), DataType::Double(ExactNumberInfo::None)));
    }
    let distinct = list.duplicate_treatment == Some(DuplicateTreatment::Distinct);
    let plain = f.over.is_none() && f.filter.is_none() && list.clauses.is_empty() && !distinct;
    let args = plain_args(list)?;
    match (name.as_str(), args.len()) {
        ("if", 3) if plain => {
            let [c, a, b] = <[Expr; 3]>::try_from(args).ok()?;
            Some(case_when(c, a, Some(b)))
        }
        ("isnull", 1) if plain => Some(Expr::IsNull(Box::new(args.into_iter().next()?))),
        ("isnotnull", 1) if plain => Some(Expr::IsNotNull(Box::new(args.into_iter().next()?))),
        ("nvl", 2) if plain => Some(call("coalesce", args)),
        ("size", 1) if plain => {
            // Hive: -1 for NULL; DataFusion's cardinality is NULL for an empty array.
            let arg = args.into_iter().next()?;
            let card =
                cast(call("coalesce", vec![call("cardinality", vec![arg.clone()]), number("0")]), DataType::Int(None));
            Some(case_when(Expr::IsNull(Box::new(arg)), number("-1"), Some(card)))
        }
        ("count", n) if n > 1 && distinct && f.filter.is_none() && f.over.is_none() => {
            // Hive counts distinct tuples without NULLs; DataFusion takes one argument.
            let not_null = args
                .iter()
                .map(|a| Expr::IsNotNull(Box::new(a.clone())))
                .reduce(|l, r| binary(l, BinaryOperator::And, r))?;
            let mut count = function("count", vec![call("struct", args)]);
            set_distinct(&mut count);
            count.filter = Some(Box::new(not_null));
            Some(Expr::Function(count))
        }
        ("collect_list" | "collect_set", 1) if f.filter.is_none() && f.over.is_none() => {
            // Hive's collectors skip NULLs; array_agg keeps them.
            let arg = args.into_iter().next()?;
            let mut agg = function("array_agg", vec![arg.clone()]);
            if name == "collect_set" || distinct {
                set_distinct(&mut agg);
            }
            agg.filter = Some(Box::new(Expr::IsNotNull(Box::new(arg))));
            Some(Expr::Function(agg))
        }
        ("concat", n) if plain && n > 1 => {
            // Hive: NULL if any argument is NULL; DataFusion skips NULLs.
            let any_null = args
                .iter()
                .map(|a| Expr::IsNull(Box::new(a.clone())))
                .reduce(|l, r| binary(l, BinaryOperator::Or, r))?;
            Some(case_when(any_null, Expr::value(Value::Null), Some(call("concat", args))))
        }
        ("regexp_replace", 3) if plain => {
            let mut args = args;
            args.push(string("g"));
            Some(call("regexp_replace", args))
        }
        ("locate", 2) if plain => {
            let [sub, s] = <[Expr; 2]>::try_from(args).ok()?;
            Some(call("strpos", vec![text(s), text(sub)]))
        }
        ("instr", 2) if plain => {
            // Hive converts both arguments to strings (`instr(123, 23)` is 2).
            let [s, sub] = <[Expr; 2]>::try_from(args).ok()?;
            Some(call("strpos", vec![text(s), text(sub)]))
        }
        ("elt", n) if plain && n > 1 => {
            // The n-th string (1-based), NULL when out of range; n may be a string.
            let mut args = args.into_iter();
            let index = call("hive_cast", vec![args.next()?, string("Int32")]);
            let conditions = args
                .enumerate()
                .map(|(i, a)| CaseWhen { condition: number(&(i + 1).to_string()), result: text(a) })
                .collect();
            Some(Expr::Case {
                case_token: AttachedToken::empty(),
                end_token: AttachedToken::empty(),
                operand: Some(Box::new(index)),
                conditions,
                else_result: None,
            })
        }
        ("add_months", 3) if plain => Some(call("hive_add_months_format", args)),
        ("factorial", 1) if plain => {
            // Hive: NULL outside 0..=20 (where a BIGINT holds n!); DataFusion fails the query.
            let n = args.into_iter().next()?;
            let in_range = Expr::Between {
                expr: Box::new(n.clone()),
                negated: false,
                low: Box::new(number("0")),
                high: Box::new(number("20")),
            };
            Some(case_when(in_range, call("factorial", vec![n]), None))
        }
        // Hive's `binary(x)` conversion function.
        ("binary", 1) if plain => Some(cast(args.into_iter().next()?, DataType::Bytea)),
        // Hive registers its casts as functions named by the type (`timestamp(x)`, `int(x)`).
        (
            "boolean" | "tinyint" | "smallint" | "int" | "bigint" | "float" | "double" | "string" | "date"
            | "timestamp",
            1,
        ) if plain => {
            let data_type = Parser::new(&HiveQl).try_with_sql(&name).ok()?.parse_data_type().ok()?;
            let mut conversion = cast(args.into_iter().next()?, data_type);
            Some(rewrite_expr(&mut conversion, current_db).unwrap_or(conversion))
        }
        ("space", 1) if plain => Some(call("repeat", vec![string(" "), args.into_iter().next()?])),
        ("pmod", 2) if plain => {
            let [a, b] = <[Expr; 2]>::try_from(args).ok()?;
            let m = |l: Expr, r: Expr| nested(binary(l, BinaryOperator::Modulo, r));
            Some(m(nested(binary(m(a, b.clone()), BinaryOperator::Plus, b.clone())), b))
        }
        _ if plain => super::funcs::rewrite_call(&name, args),
        _ => None,
    }
}

fn plain_args(list: &FunctionArgumentList) -> Option<Vec<Expr>> {
    list.args
        .iter()
        .map(|a| match a {
            FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e.clone()),
            _ => None,
        })
        .collect()
}

/// Hive types a literal with a point and no exponent as DECIMAL, of the
/// precision and scale of its value with trailing zeros dropped
/// (`HiveDecimal.create` normalizes: `0.0` is `decimal(1,0)`, `3.140` is
/// `decimal(3,2)`); DataFusion would make it a DOUBLE. `1e3` stays a double,
/// as in Hive.
fn decimal_literal(n: &str) -> Option<Expr> {
    if !n.contains('.') || n.contains(['e', 'E']) {
        return None;
    }
    let (whole, fraction) = n.split_once('.')?;
    let fraction = fraction.trim_end_matches('0');
    let whole = whole.trim_start_matches('0');
    let scale = fraction.len() as i64;
    let precision = ((whole.len() + fraction.len()) as u64).max(1);
    if precision > 38 {
        return None;
    }
    let text = if fraction.is_empty() {
        (if whole.is_empty() { "0" } else { whole }).to_string()
    } else {
        format!("{whole}.{fraction}")
    };
    Some(cast(string(&text), DataType::Decimal(ExactNumberInfo::PrecisionAndScale(precision, scale))))
}

/// `VALUES ("a"), (10)`: Hive types a column that mixes string and number
/// literals as STRING (the common type of a union), where DataFusion picks
/// the number and fails on the string. Numbers in such a column become text.
pub fn unify_values(rows: &mut [Vec<Expr>]) {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    for col in 0..width {
        let cells = || rows.iter().filter_map(|r| r.get(col));
        let is_string = |e: &Expr| matches!(e, Expr::Value(v) if matches!(v.value, Value::SingleQuotedString(_)));
        if cells().any(is_string) && cells().any(is_number) {
            for row in rows.iter_mut() {
                if let Some(cell) = row.get_mut(col).filter(|c| is_number(c)) {
                    *cell = text(std::mem::replace(cell, Expr::value(Value::Null)));
                }
            }
        }
    }
}

/// Hive's typed number literals, which the lexer reads as identifiers:
/// `100Y` (TINYINT), `100S` (SMALLINT), `100L` (BIGINT), `1.5BD`/`1E2BD` (DECIMAL),
/// `1.5D` (DOUBLE).
fn typed_literal(word: &str) -> Option<Expr> {
    let upper = word.to_ascii_uppercase();
    let (digits, data_type) = if let Some(d) = upper.strip_suffix("BD") {
        return super::bd_literal::bd_literal(d);
    } else if let Some(d) = upper.strip_suffix('Y') {
        (d, DataType::TinyInt(None))
    } else if let Some(d) = upper.strip_suffix('S') {
        (d, DataType::SmallInt(None))
    } else if let Some(d) = upper.strip_suffix('L') {
        (d, DataType::BigInt(None))
    } else if let Some(d) = upper.strip_suffix('D') {
        (d, DataType::Double(ExactNumberInfo::None))
    } else {
        return None;
    };
    let integral = !matches!(data_type, DataType::Double(_));
    let ok = if integral {
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    } else {
        is_plain_number(digits)
    };
    ok.then(|| cast(number(digits), data_type))
}

/// `12`, `1.5`, `.5`, `1.`: digits with at most one point.
fn is_plain_number(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && s.bytes().filter(|b| *b == b'.').count() <= 1
}

/// `CAST(e AS STRING)`, for functions that take any argument as text.
pub(super) fn text(e: Expr) -> Expr {
    cast(e, DataType::String(None))
}

/// A numeric literal, possibly negated (decimal literals are rewritten to a cast).
fn is_number(e: &Expr) -> bool {
    match e {
        Expr::Value(v) => matches!(v.value, Value::Number(..)),
        // Rewritten decimal and typed literals (`3.14`, `100L`).
        Expr::Cast { expr, .. } => {
            matches!(expr.as_ref(), Expr::Value(v) if matches!(v.value, Value::SingleQuotedString(_) | Value::Number(..)))
        }
        Expr::UnaryOp { op: UnaryOperator::Minus | UnaryOperator::Plus, expr } => is_number(expr),
        Expr::Nested(inner) => is_number(inner),
        _ => false,
    }
}

/// A number literal, or arithmetic (which Hive computes as a number).
fn is_numeric(e: &Expr) -> bool {
    match e {
        Expr::BinaryOp {
            op: BinaryOperator::Plus | BinaryOperator::Minus | BinaryOperator::Multiply | BinaryOperator::Modulo,
            ..
        } => true,
        Expr::Function(f) => matches!(f.name.to_string().as_str(), "hive_num" | "hive_divide"),
        Expr::Nested(inner) => is_numeric(inner),
        _ => is_number(e),
    }
}

/// Wraps in `hive_num` unless the expression is obviously numeric already.
pub(super) fn num(e: Expr) -> Expr {
    if is_number(&e) {
        e
    } else {
        call("hive_num", vec![e])
    }
}

fn set_distinct(f: &mut Function) {
    if let FunctionArguments::List(l) = &mut f.args {
        l.duplicate_treatment = Some(DuplicateTreatment::Distinct);
    }
}

fn take(e: &mut Box<Expr>) -> Expr {
    std::mem::replace(e.as_mut(), Expr::value(Value::Null))
}

fn function(name: &str, args: Vec<Expr>) -> Function {
    Function {
        name: ObjectName::from(vec![Ident::new(name)]),
        uses_odbc_syntax: false,
        parameters: FunctionArguments::None,
        args: FunctionArguments::List(FunctionArgumentList {
            duplicate_treatment: None,
            args: args.into_iter().map(|e| FunctionArg::Unnamed(FunctionArgExpr::Expr(e))).collect(),
            clauses: vec![],
        }),
        filter: None,
        null_treatment: None,
        over: None,
        within_group: vec![],
    }
}

pub(super) fn call(name: &str, args: Vec<Expr>) -> Expr {
    Expr::Function(function(name, args))
}

fn binary(left: Expr, op: BinaryOperator, right: Expr) -> Expr {
    Expr::BinaryOp { left: Box::new(left), op, right: Box::new(right) }
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

pub(super) fn cast(expr: Expr, data_type: DataType) -> Expr {
    Expr::Cast { kind: CastKind::Cast, expr: Box::new(expr), data_type, format: None }
}

fn nested(expr: Expr) -> Expr {
    Expr::Nested(Box::new(expr))
}

pub(super) fn string(s: &str) -> Expr {
    Expr::value(Value::SingleQuotedString(s.to_string()))
}

pub(super) fn number(n: &str) -> Expr {
    Expr::value(Value::Number(n.to_string(), false))
}
