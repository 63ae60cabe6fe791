//! Where in the script file a parse error is.
//!
//! sqlparser reports `Line: l, Column: c` relative to the text it parsed: one
//! statement, after `${var}` substitution. People jump to a position in the
//! file they wrote, as Hive reports it (`line 3:25`), so the position is
//! mapped back: through the substitution to the statement as written, then
//! by the statement's start to the file.

/// Splits sqlparser's trailing ` at Line: l, Column: c` off a message.
pub fn split_location(message: &str) -> (String, Option<(usize, usize)>) {
    const MARK: &str = " at Line: ";
    let Some(i) = message.rfind(MARK) else { return (message.to_string(), None) };
    let rest = &message[i + MARK.len()..];
    let parsed = rest.split_once(", Column: ").and_then(|(l, c)| {
        let digits = c.bytes().take_while(u8::is_ascii_digit).count();
        Some((l.parse().ok()?, c[..digits].parse().ok()?, &c[digits..]))
    });
    match parsed {
        Some((line, column, tail)) if line > 0 => (format!("{}{tail}", &message[..i]), Some((line, column))),
        _ => (message.to_string(), None),
    }
}

/// Maps `at` (1-based line and column in `substituted`, the text that was
/// parsed) to the script file, where `original` (the statement as written)
/// starts at `start` (1-based line and column).
///
/// Substitution is undone per line when it kept the line count (values
/// rarely hold newlines): text before and after the changed part of a line
/// keeps its column, a position inside a substituted value points at the
/// `${` that produced it. Otherwise the whole text is aligned the same way.
pub fn script_position(original: &str, substituted: &str, start: (usize, usize), at: (usize, usize)) -> (usize, usize) {
    let (line, column) = if original == substituted {
        at
    } else if original.lines().count() == substituted.lines().count() {
        let orig_line = original.lines().nth(at.0.saturating_sub(1)).unwrap_or("");
        let subst_line = substituted.lines().nth(at.0.saturating_sub(1)).unwrap_or("");
        (at.0, align(orig_line, subst_line, at.1.saturating_sub(1)) + 1)
    } else {
        let offset = char_offset(substituted, at);
        line_column(original, align(original, substituted, offset))
    };
    if line <= 1 {
        (start.0, start.1 + column.saturating_sub(1))
    } else {
        (start.0 + line - 1, column)
    }
}

/// The char offset in `original` of char offset `offset` in `changed`, by
/// their common prefix and suffix.
fn align(original: &str, changed: &str, offset: usize) -> usize {
    let (o, c): (Vec<char>, Vec<char>) = (original.chars().collect(), changed.chars().collect());
    let prefix = o.iter().zip(&c).take_while(|(a, b)| a == b).count();
    let suffix = o.iter().rev().zip(c.iter().rev()).take_while(|(a, b)| a == b).count();
    let suffix = suffix.min(o.len() - prefix).min(c.len() - prefix);
    if offset < prefix {
        offset
    } else if offset >= c.len() - suffix {
        offset + o.len() - c.len()
    } else {
        prefix
    }
}

/// Char offset of a 1-based (line, column).
fn char_offset(text: &str, (line, column): (usize, usize)) -> usize {
    let before: usize = text.split('\n').take(line.saturating_sub(1)).map(|l| l.chars().count() + 1).sum();
    before + column.saturating_sub(1)
}

/// 1-based (line, column) of a char offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let (mut line, mut column) = (1, 1);
    for c in text.chars().take(offset) {
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (line, column)
}

/// 1-based (line, column) in `script` where byte offset `offset` is.
pub fn position_of_offset(script: &str, offset: usize) -> (usize, usize) {
    line_column(script, script.get(..offset).map_or(0, |s| s.chars().count()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sqlparser_locations() {
        let (m, at) =
            split_location("sql parser error: Expected: end of statement, found: year at Line: 3, Column: 25");
        assert_eq!((m.as_str(), at), ("sql parser error: Expected: end of statement, found: year", Some((3, 25))));
        assert_eq!(split_location("no position").1, None);
        assert_eq!(split_location("x at Line: 0, Column: 0").1, None);
    }

    #[test]
    fn maps_to_the_file_through_substitution() {
        // Statement text starts at line 4, column 3 of the file.
        assert_eq!(script_position("SELECT x y z", "SELECT x y z", (4, 3), (1, 10)), (4, 12));
        assert_eq!(script_position("SELECT\n  x y", "SELECT\n  x y", (4, 3), (2, 5)), (5, 5));
        // ${t} became a longer name; a token after it keeps its written column.
        let orig = "SELECT a\nFROM ${t} WHERE oops oops";
        let subst = "SELECT a\nFROM some_long_table WHERE oops oops";
        assert_eq!(script_position(orig, subst, (1, 1), (2, 33)), (2, 22));
        // Inside the value: the `${`.
        assert_eq!(script_position(orig, subst, (1, 1), (2, 8)), (2, 6));
        // A value with a newline: aligned on the whole text.
        let subst = "SELECT a\nFROM x\ny WHERE oops oops";
        assert_eq!(script_position(orig, subst, (1, 1), (3, 14)), (2, 22));
        assert_eq!(position_of_offset("ab\ncd", 4), (2, 2));
    }
}
