//! Splitting a script file into statements.
//!
//! The Hive CLI runs a file statement by statement, split on `;`. The split has
//! to ignore semicolons inside quotes, backtick identifiers and comments, and it
//! records where each statement starts so errors can point at a line. Variable
//! substitution happens later, per statement, because a `SET` can change what a
//! later `${hiveconf:x}` means.

/// One statement of a script, before variable substitution.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptStatement {
    /// 1-based position in the script.
    pub index: usize,
    /// 1-based line of the statement's first significant character.
    pub line: usize,
    /// The statement text without the terminating `;` (comments kept).
    pub text: String,
    /// 1-based line and column where `text` begins in the script, to map
    /// parse error positions (relative to `text`) back to the file.
    pub start: (usize, usize),
}

/// Splits `script` on `;` outside quotes and comments; empty statements are dropped.
pub fn split_statements(script: &str) -> Vec<ScriptStatement> {
    let mut statements = Vec::new();
    let mut current = String::new();
    // Line of the first character that is not whitespace or comment.
    let mut first_line: Option<usize> = None;
    let mut line = 1;
    let mut chars = script.chars().peekable();
    let mut quote: Option<char> = None;
    let push = |current: &mut String, first_line: &mut Option<usize>, statements: &mut Vec<ScriptStatement>| {
        if let Some(start) = first_line.take() {
            statements.push(ScriptStatement {
                index: statements.len() + 1,
                line: start,
                text: current.trim().to_string(),
                start: (start, 1),
            });
        }
        current.clear();
    };
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            current.push(c);
            if c == '\n' {
                line += 1;
            }
            // Hive strings use backslash escapes; backtick identifiers do not.
            if c == '\\' && q != '`' {
                if let Some(next) = chars.next() {
                    if next == '\n' {
                        line += 1;
                    }
                    current.push(next);
                }
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '-' if chars.peek() == Some(&'-') => {
                // A line comment: keep it (harmless to the tokenizer) but do not
                // let it mark the statement start or hide a `;` in it.
                current.push(c);
                for next in chars.by_ref() {
                    if next == '\n' {
                        line += 1;
                        current.push(next);
                        break;
                    }
                    current.push(next);
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                current.push(c);
                // Consume the `*` of `/*` so that `/*/` does not close the comment.
                current.extend(chars.next());
                let mut prev = ' ';
                for next in chars.by_ref() {
                    current.push(next);
                    if next == '\n' {
                        line += 1;
                    }
                    if prev == '*' && next == '/' {
                        break;
                    }
                    prev = next;
                }
            }
            ';' => push(&mut current, &mut first_line, &mut statements),
            _ => {
                if c == '\n' {
                    line += 1;
                } else if !c.is_whitespace() && first_line.is_none() {
                    first_line = Some(line);
                }
                if matches!(c, '\'' | '"' | '`') {
                    quote = Some(c);
                }
                current.push(c);
            }
        }
    }
    push(&mut current, &mut first_line, &mut statements);
    // Each text is a verbatim slice of the script (the splitter copies every
    // character but the `;`), so its start is found by searching in order.
    let mut from = 0;
    for stmt in &mut statements {
        if let Some(at) = script.get(from..).and_then(|rest| rest.find(&stmt.text)) {
            stmt.start = crate::position::position_of_offset(script, from + at);
            from += at + stmt.text.len();
        }
    }
    statements
}

/// A short single-line version of a statement for reports and logs.
pub fn preview(text: &str, max_chars: usize) -> String {
    let collapsed: String = text
        .lines()
        .map(|l| l.split("--").next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let collapsed = collapsed.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() <= max_chars {
        collapsed
    } else {
        let cut: String = collapsed.chars().take(max_chars).collect();
        format!("{} ...", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_outside_quotes_and_comments_with_lines() {
        let script = "-- header; comment\nSET a=1;\n\nSELECT 'x;y', `c;d` -- trailing; comment\nFROM t;\n /* block; */ SELECT \"q\\\";\"\n;\n  ;\n";
        let stmts = split_statements(script);
        assert_eq!(stmts.len(), 3, "{stmts:?}");
        assert_eq!((stmts[0].index, stmts[0].line), (1, 2));
        assert_eq!(stmts[0].text, "-- header; comment\nSET a=1");
        assert_eq!((stmts[1].index, stmts[1].line), (2, 4));
        assert!(stmts[1].text.ends_with("FROM t"));
        assert_eq!((stmts[2].index, stmts[2].line), (3, 6));
        assert_eq!((stmts[0].start, stmts[1].start, stmts[2].start), ((1, 1), (4, 1), (6, 2)));
    }

    #[test]
    fn last_statement_needs_no_semicolon() {
        let stmts = split_statements("SELECT 1;\nSELECT 2");
        assert_eq!(stmts.len(), 2);
        assert_eq!(stmts[1].line, 2);
        assert_eq!(preview("SELECT  a,\n  b -- c\nFROM t", 12), "SELECT a, b ...");
    }
}
