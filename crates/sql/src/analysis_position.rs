//! Where in the script an analysis error is.
//!
//! Parse errors carry sqlparser's position; errors found while planning
//! (an unknown column, function or table) carry only a name. Hive reports
//! both at the offending token (`line 3:7 Invalid table alias or column
//! reference 'x'`), and people jump to that position, so the name is looked
//! up in the statement as written: its first use as an identifier (outside
//! string literals and comments, backquotes allowed, case-insensitive as
//! HiveQL names are) is the position reported. Errors found while running
//! (a cast, a file) have no token and keep the statement's first line.

use datafusion::error::DataFusionError;

use crate::SqlError;

/// What an analysis error names, and whether it is a function (then only a
/// use followed by `(` counts).
fn named(error: &SqlError) -> Option<(String, bool)> {
    match error {
        SqlError::TableNotFound(name) => Some((last_part(name), false)),
        SqlError::DataFusion(e) => datafusion_name(e),
        _ => None,
    }
}

fn datafusion_name(error: &DataFusionError) -> Option<(String, bool)> {
    match error {
        DataFusionError::Context(_, inner) => datafusion_name(inner),
        DataFusionError::Diagnostic(_, inner) => datafusion_name(inner),
        DataFusionError::SchemaError(_, _) | DataFusionError::Plan(_) => {
            let text = error.to_string();
            if let Some(rest) = text.split("No field named ").nth(1) {
                let name: String =
                    rest.chars().take_while(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '"' | '`')).collect();
                let name = name.trim_end_matches('.').replace(['"', '`'], "");
                return Some((last_part(&name), false));
            }
            if let Some(rest) = text.split("Invalid function '").nth(1) {
                return rest.split('\'').next().map(|name| (name.to_string(), true));
            }
            if let Some(rest) = text.split("table '").nth(1).filter(|_| text.contains("not found")) {
                return rest.split('\'').next().map(|name| (last_part(name), false));
            }
            None
        }
        _ => None,
    }
}

fn last_part(name: &str) -> String {
    name.rsplit('.').next().unwrap_or(name).to_string()
}

/// 1-based (line, column) in `text` of the error's offending token.
pub(crate) fn offending_token(text: &str, error: &SqlError) -> Option<(usize, usize)> {
    let (name, function) = named(error)?;
    if name.is_empty() {
        return None;
    }
    let wanted = name.to_lowercase();
    let chars: Vec<char> = text.chars().collect();
    let (mut i, mut line, mut column) = (0, 1, 1);
    // Advances over `n` chars, counting lines.
    let advance = |i: &mut usize, line: &mut usize, column: &mut usize, n: usize| {
        for c in &chars[*i..(*i + n).min(chars.len())] {
            if *c == '\n' {
                *line += 1;
                *column = 1;
            } else {
                *column += 1;
            }
        }
        *i = (*i + n).min(chars.len());
    };
    while i < chars.len() {
        let c = chars[i];
        let skip = if c == '\'' || c == '"' {
            quoted_len(&chars[i..], c)
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            chars[i..].iter().take_while(|c| **c != '\n').count()
        } else if c.is_alphanumeric() || c == '_' || c == '`' {
            let (word, len) = identifier(&chars[i..]);
            let rest = chars[i + len..].iter().find(|c| !c.is_whitespace());
            if word.to_lowercase() == wanted && (!function || rest == Some(&'(')) {
                return Some((line, column));
            }
            len
        } else {
            1
        };
        advance(&mut i, &mut line, &mut column, skip.max(1));
    }
    None
}

/// Length of a quoted literal starting at `chars[0]` (Hive's `\` escapes).
fn quoted_len(chars: &[char], quote: char) -> usize {
    let mut i = 1;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// An identifier (bare or backquoted) at the start of `chars`: its name and length.
fn identifier(chars: &[char]) -> (String, usize) {
    if chars[0] == '`' {
        let len = chars[1..].iter().take_while(|c| **c != '`').count();
        let name: String = chars[1..1 + len].iter().collect();
        return (name, (len + 2).min(chars.len()));
    }
    let len = chars.iter().take_while(|c| c.is_alphanumeric() || **c == '_').count();
    (chars[..len].iter().collect(), len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(message: &str) -> SqlError {
        SqlError::DataFusion(DataFusionError::Plan(message.to_string()))
    }

    #[test]
    fn finds_the_named_column_function_or_table_as_written() {
        let text = "SELECT key,\n  'missing' AS s, -- missing\n  `Missing` + 1\nFROM src";
        let error = plan("No field named missing. Valid fields are src.key, src.value.");
        assert_eq!(offending_token(text, &error), Some((3, 3)));
        let qualified = plan("No field named t3.block__offset__inside__file. Valid fields are t1.key.");
        assert_eq!(offending_token("select t3.BLOCK__OFFSET__INSIDE__FILE from t", &qualified), Some((1, 11)));
        let function = plan("Invalid function 'nosuch'. Did you mean 'to_hex'?");
        assert_eq!(offending_token("select nosuch, nosuch (1) from src", &function), Some((1, 16)));
        let table = SqlError::TableNotFound("default.nosuch".into());
        assert_eq!(offending_token("insert into t\nselect * from nosuch", &table), Some((2, 15)));
        // Nothing names a token: a runtime failure keeps the statement's line.
        let runtime = SqlError::DataFusion(DataFusionError::Execution("Cast error".into()));
        assert_eq!(offending_token("select cast(x as int) from src", &runtime), None);
        assert_eq!(offending_token("select key from src", &plan("No field named gone.")), None);
    }
}
