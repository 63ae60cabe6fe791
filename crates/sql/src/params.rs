//! Job parameters and variable substitution.
//!
//! EMR passes `jobDriver.hive.parameters` as one string of Hive CLI options
//! (`--hiveconf k=v --hivevar k=v`); scripts then refer to the values as
//! `${var}`, `${hivevar:var}` or `${hiveconf:var}`. Substitution is textual and
//! happens per statement just before it runs, as in the Hive CLI, so a `SET`
//! earlier in the script is visible to later statements.

use std::collections::BTreeMap;

use crate::error::{Result, SqlError};

/// Hive's own limit on nested substitution passes (`hive.variable.substitute.depth`).
const MAX_SUBSTITUTION_DEPTH: usize = 40;

/// Parses `--hiveconf k=v --hivevar k=v --define k=v` into (hivevar, hiveconf).
///
/// Values may be quoted shell-style (`--hivevar "name=a b"`). Anything that is
/// not one of those options is rejected rather than ignored, because a typo'd
/// option would otherwise leave a variable silently undefined.
pub fn parse_parameters(raw: &str) -> Result<(BTreeMap<String, String>, BTreeMap<String, String>)> {
    let words = shell_words(raw)?;
    let mut hivevar = BTreeMap::new();
    let mut hiveconf = BTreeMap::new();
    let mut iter = words.into_iter();
    while let Some(word) = iter.next() {
        let (option, inline) = match word.split_once('=') {
            Some((o, rest)) if o.starts_with('-') => (o.to_string(), Some(rest.to_string())),
            _ => (word.clone(), None),
        };
        let target = match option.trim_start_matches('-') {
            "hiveconf" => &mut hiveconf,
            "hivevar" | "define" | "d" => &mut hivevar,
            _ => return Err(SqlError::Parameters(format!("unsupported option '{word}'"))),
        };
        let assignment = match inline {
            Some(a) => a,
            None => iter.next().ok_or_else(|| SqlError::Parameters(format!("{option} needs a key=value")))?,
        };
        let (key, value) = assignment
            .split_once('=')
            .ok_or_else(|| SqlError::Parameters(format!("{option} expects key=value, got '{assignment}'")))?;
        if key.is_empty() {
            return Err(SqlError::Parameters(format!("{option} has an empty key")));
        }
        target.insert(key.to_string(), value.to_string());
    }
    Ok((hivevar, hiveconf))
}

/// Splits a command line into words, honouring single and double quotes and backslash escapes.
fn shell_words(raw: &str) -> Result<Vec<String>> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') | (None, '\\') => {
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            (Some(_), c) => current.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            (None, c) => {
                current.push(c);
                in_word = true;
            }
        }
        if quote.is_some() {
            in_word = true;
        }
    }
    if quote.is_some() {
        return Err(SqlError::Parameters("unterminated quote".into()));
    }
    if in_word {
        words.push(current);
    }
    Ok(words)
}

/// Replaces `${var}`, `${hivevar:var}` and `${hiveconf:var}` in `text`.
///
/// A reference to an undefined variable is an error: Hive would leave the
/// text as is, which turns into a confusing failure (or a wrong literal) later.
pub fn substitute(
    text: &str,
    hivevar: &BTreeMap<String, String>,
    hiveconf: &BTreeMap<String, String>,
) -> Result<String> {
    let mut current = text.to_string();
    for _ in 0..MAX_SUBSTITUTION_DEPTH {
        let Some(next) = substitute_once(&current, hivevar, hiveconf)? else {
            return Ok(current);
        };
        current = next;
    }
    Err(SqlError::Semantic(format!("variable substitution exceeded depth {MAX_SUBSTITUTION_DEPTH}")))
}

/// One pass; `None` when the text has no reference left.
fn substitute_once(
    text: &str,
    hivevar: &BTreeMap<String, String>,
    hiveconf: &BTreeMap<String, String>,
) -> Result<Option<String>> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut changed = false;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start + 2..].find('}') else { break };
        let name = &rest[start + 2..start + 2 + len];
        let value = if let Some(v) = name.strip_prefix("hivevar:") {
            hivevar.get(v)
        } else if let Some(v) = name.strip_prefix("hiveconf:") {
            hiveconf.get(v)
        } else {
            hivevar.get(name).or_else(|| hiveconf.get(name))
        };
        let value = value.ok_or_else(|| SqlError::UndefinedVariable(name.to_string()))?;
        out.push_str(&rest[..start]);
        out.push_str(value);
        rest = &rest[start + 3 + len..];
        changed = true;
    }
    if !changed {
        return Ok(None);
    }
    out.push_str(rest);
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_hive_cli_options() {
        let (vars, conf) =
            parse_parameters("--hivevar dt=2024-01-01 --hiveconf hive.cli.print.header=true -d 'x=a b'").unwrap();
        assert_eq!(vars.get("dt").map(String::as_str), Some("2024-01-01"));
        assert_eq!(vars.get("x").map(String::as_str), Some("a b"));
        assert_eq!(conf.get("hive.cli.print.header").map(String::as_str), Some("true"));
        let (vars, _) = parse_parameters("--hivevar=a=1").unwrap();
        assert_eq!(vars.get("a").map(String::as_str), Some("1"));
    }

    #[test]
    fn rejects_unknown_options_and_bad_assignments() {
        assert!(parse_parameters("--hivevr a=1").is_err());
        assert!(parse_parameters("--hivevar a").is_err());
        assert!(parse_parameters("--hivevar").is_err());
        assert!(parse_parameters("--hivevar 'a=1").is_err());
    }

    #[test]
    fn substitutes_all_namespaces_and_nested_references() {
        let vars = BTreeMap::from([("t".to_string(), "sales".to_string()), ("n".to_string(), "${hiveconf:m}".into())]);
        let conf = BTreeMap::from([("m".to_string(), "3".to_string())]);
        let out = substitute("SELECT * FROM ${t} WHERE x = ${hivevar:n} AND y = ${hiveconf:m}", &vars, &conf).unwrap();
        assert_eq!(out, "SELECT * FROM sales WHERE x = 3 AND y = 3");
        let err = substitute("SELECT ${nope}", &vars, &conf).unwrap_err();
        assert_eq!(err.to_string(), "undefined variable ${nope}");
    }
}
