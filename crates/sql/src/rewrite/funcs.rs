//! More Hive functions whose DataFusion counterpart differs in name or
//! result shape, rewritten by name and argument count (`exprs` has the
//! operators and the functions that need more context). Kept apart so each
//! file stays readable.

use datafusion::sql::sqlparser::ast::{CharacterLength, DataType, ExactNumberInfo, Expr, Value};

use super::exprs::{call, cast, num, number, string, text};

/// `name(args)` with plain arguments; `None` keeps the call as written.
pub(super) fn rewrite_call(name: &str, args: Vec<Expr>) -> Option<Expr> {
    match (name, args.len()) {
        // Hive names the fields of an anonymous struct col1, col2, ...
        ("struct", n) if n > 0 => {
            let named = args.into_iter().enumerate().flat_map(|(i, a)| [string(&format!("col{}", i + 1)), a]);
            Some(call("named_struct", named.collect()))
        }
        // Java's shifts; the UDFs keep the argument's width.
        ("shiftleft" | "shiftright" | "shiftrightunsigned", 2) => {
            let mut args = args;
            // Hive types an integer literal INT when it fits (DataFusion: BIGINT).
            if let Expr::Value(v) = &args[0] {
                if let Value::Number(n, _) = &v.value {
                    if n.parse::<i32>().is_ok() {
                        args[0] = cast(args[0].clone(), DataType::Int(None));
                    }
                }
            }
            Some(call(&format!("hive_{name}"), args))
        }
        ("chr", 1) => Some(call("hive_chr", args)),
        // Java charsets, where DataFusion's take base64/hex.
        ("decode", 2) => Some(call("hive_decode", args)),
        ("encode", 2) => Some(call("hive_encode", args)),
        // Hive's math functions take strings as doubles (`sqrt('16')` is 4.0).
        ("sqrt" | "exp" | "ln" | "log2" | "log10" | "sin" | "cos" | "tan" | "asin" | "acos" | "atan", 1) => {
            Some(call(name, args.into_iter().map(num).collect()))
        }
        // Hive's `power` is always a DOUBLE (`power(key, 2)` of a decimal prints `0.0`).
        ("power" | "pow", 2) => Some(call(
            "power",
            args.into_iter().map(|a| cast(num(a), DataType::Double(ExactNumberInfo::None))).collect(),
        )),
        // Hive's one-argument `log` is the natural logarithm (DataFusion's is base 10).
        ("log", 1) => Some(call("ln", args.into_iter().map(num).collect())),
        // `to_unix_timestamp` is `unix_timestamp` with arguments.
        ("to_unix_timestamp", 1 | 2) => Some(call("unix_timestamp", args)),
        _ => None,
    }
}

/// `CAST(e AS CHAR(n))` pads with spaces to n characters and
/// `CAST(e AS VARCHAR(n))` keeps the first n, as Hive prints them; both are
/// strings otherwise.
pub(super) fn char_cast(e: &mut Expr, data_type: &DataType) -> Option<Expr> {
    let (pad, length) = match data_type {
        DataType::Char(Some(CharacterLength::IntegerLength { length, .. }))
        | DataType::Character(Some(CharacterLength::IntegerLength { length, .. })) => (true, *length),
        DataType::Varchar(Some(CharacterLength::IntegerLength { length, .. }))
        | DataType::CharacterVarying(Some(CharacterLength::IntegerLength { length, .. })) => (false, *length),
        _ => return None,
    };
    let inner = text(std::mem::replace(e, Expr::value(Value::Null)));
    let n = number(&length.to_string());
    Some(if pad {
        // `hive_char` also marks the result as a CHAR(n) for functions typed by their argument.
        call("hive_char", vec![inner, n])
    } else {
        cast(call("left", vec![inner, n]), DataType::String(None))
    })
}

#[cfg(test)]
mod tests {
    use crate::parse::{parse_command, Command};
    use crate::rewrite::rewrite_query;

    fn rewritten(sql: &str) -> String {
        let Ok(Command::Query(mut q)) = parse_command(sql) else { panic!("not a query: {sql}") };
        rewrite_query(&mut q, "default").expect("rewrite");
        q.to_string()
    }

    #[test]
    fn log_of_one_argument_is_natural_and_power_is_a_double() {
        // Hive's decimal_udf2.q.out: log(10) is 2.302585092994046, as ln(10).
        assert_eq!(rewritten("SELECT log(k) FROM t"), "SELECT ln(hive_num(k)) AS _c0 FROM t");
        assert_eq!(rewritten("SELECT log(2, k) FROM t"), "SELECT log(2, k) AS _c0 FROM t");
        assert_eq!(
            rewritten("SELECT power(k, 2) FROM t"),
            "SELECT power(CAST(hive_num(k) AS DOUBLE), CAST(2 AS DOUBLE)) AS _c0 FROM t"
        );
    }
}
