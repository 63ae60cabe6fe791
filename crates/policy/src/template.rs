//! Policy variables (`${aws:username}`) in Resource and condition values.
//!
//! A value is parsed once, when the document is put, into parts; at request time the
//! variables are filled in from the [`Context`]. Only documents with Version 2012-10-17
//! recognise variables: older ones keep `${...}` as literal text, as AWS documents.

use crate::context::Context;
use crate::matching::Tok;

#[derive(Debug, Clone, PartialEq)]
enum Part {
    /// A character written in the policy: `*` and `?` are wildcards here.
    Raw(char),
    /// Text that must match literally: the `${*}`, `${?}` and `${$}` escapes.
    Literal(char),
    /// `${key}` or `${key, 'default'}`.
    Var { key: String, default: Option<String> },
}

/// A policy string that may contain variables.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Parses `raw`; `variables` is false for documents older than 2012-10-17.
    pub(crate) fn parse(raw: &str, variables: bool) -> Template {
        let mut parts = Vec::new();
        let mut rest = raw;
        while let Some(c) = rest.chars().next() {
            if variables && rest.starts_with("${") {
                if let Some(end) = rest.find('}') {
                    if let Some(part) = parse_variable(&rest[2..end]) {
                        parts.push(part);
                        rest = &rest[end + 1..];
                        continue;
                    }
                }
            }
            parts.push(Part::Raw(c));
            rest = &rest[c.len_utf8()..];
        }
        Template { parts }
    }

    /// Whether the value contains a variable; such values are validated only at request time.
    pub(crate) fn has_variables(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Var { .. }))
    }

    /// Fills in variables. `None` when a variable has no (single) value in the context and no
    /// default: AWS then treats the statement as not matching rather than guessing.
    pub(crate) fn resolve(&self, ctx: &Context) -> Option<Vec<Tok>> {
        let mut out = Vec::with_capacity(self.parts.len());
        for part in &self.parts {
            match part {
                Part::Raw('*') => out.push(Tok::Any),
                Part::Raw('?') => out.push(Tok::One),
                Part::Raw(c) | Part::Literal(c) => out.push(Tok::Char(*c)),
                Part::Var { key, default } => {
                    let value = ctx.single(key).or(default.as_deref())?;
                    out.extend(value.chars().map(Tok::Char));
                }
            }
        }
        Some(out)
    }
}

/// The inside of `${...}`; `None` leaves the text literal (AWS ignores what it cannot read).
fn parse_variable(inner: &str) -> Option<Part> {
    match inner {
        "*" => return Some(Part::Literal('*')),
        "?" => return Some(Part::Literal('?')),
        "$" => return Some(Part::Literal('$')),
        _ => {}
    }
    let (key, default) = match inner.split_once(',') {
        Some((key, default)) => {
            let default = default.trim();
            let quoted = default.strip_prefix('\'').and_then(|d| d.strip_suffix('\''))?;
            (key.trim(), Some(quoted.to_string()))
        }
        None => (inner.trim(), None),
    };
    if key.is_empty() || key.contains(char::is_whitespace) {
        return None;
    }
    Some(Part::Var { key: key.to_string(), default })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::tokens_to_string;

    fn ctx() -> Context {
        let mut c = Context::new();
        c.insert("aws:username", "alice");
        c.insert_multi("aws:TagKeys", vec!["a".into(), "b".into()]);
        c
    }

    fn render(raw: &str, vars: bool) -> Option<String> {
        Template::parse(raw, vars).resolve(&ctx()).map(|t| tokens_to_string(&t))
    }

    #[test]
    fn substitutes_and_escapes() {
        assert_eq!(render("home/${aws:username}/*", true).as_deref(), Some("home/alice/*"));
        assert_eq!(render("home/${AWS:UserName}", true).as_deref(), Some("home/alice"));
        assert_eq!(render("${*}${?}${$}", true).as_deref(), Some("*?$"));
        assert_eq!(render("${aws:missing, 'none'}", true).as_deref(), Some("none"));
        assert_eq!(render("${aws:missing}", true), None);
        // Multi-valued keys cannot be substituted into one string.
        assert_eq!(render("${aws:TagKeys}", true), None);
        // Before 2012-10-17 the text is literal.
        assert_eq!(render("home/${aws:username}", false).as_deref(), Some("home/${aws:username}"));
        assert_eq!(render("unterminated ${aws:username", true).as_deref(), Some("unterminated ${aws:username"));
    }

    #[test]
    fn escapes_match_literally() {
        let t = Template::parse("a${*}", true).resolve(&ctx()).unwrap_or_default();
        assert!(crate::matching::match_tokens(&t, "a*", false));
        assert!(!crate::matching::match_tokens(&t, "ab", false));
    }
}
