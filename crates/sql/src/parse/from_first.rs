//! Hive's FROM-first statements, which sqlparser cannot parse:
//!
//! ```sql
//! FROM src
//! INSERT OVERWRITE TABLE dest1 SELECT key, value WHERE key < 100
//! INSERT OVERWRITE TABLE dest2 SELECT key, count(1) GROUP BY key;
//! FROM src SELECT key WHERE key > 5;
//! ```
//!
//! Each branch (`INSERT ... SELECT ...` or a bare `SELECT ...`) becomes the
//! ordinary statement with the shared `FROM` clause moved into its place,
//! right after the projection. The branches then run one after the other.
//! Hive reads the source once for all branches; that only differs when a
//! branch writes the table the source reads, which is left as the sequential
//! answer.

use datafusion::sql::sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace};

use crate::dialect::{is_trivia, Cursor};
use crate::error::{Result, SqlError};

/// Keywords that end a branch's projection: the shared `FROM` goes before them.
const AFTER_FROM: [&str; 10] =
    ["WHERE", "GROUP", "HAVING", "ORDER", "SORT", "CLUSTER", "DISTRIBUTE", "LIMIT", "WINDOW", "LATERAL"];

fn is_kw(t: &Token, kw: &str) -> bool {
    matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(kw))
}

/// One branch of a FROM-first statement, as the tokens of a plain statement.
pub struct Branch {
    /// Whether it is an `INSERT` (else a query).
    pub insert: bool,
    pub tokens: Vec<TokenWithSpan>,
}

/// Splits `FROM <source> (INSERT ... SELECT ... | SELECT ...)+` into plain
/// statements; `None` when the statement does not start with `FROM`.
pub fn split_from_first(tokens: &[TokenWithSpan]) -> Result<Option<Vec<Branch>>> {
    let significant: Vec<usize> = (0..tokens.len()).filter(|&i| !is_trivia(&tokens[i].token)).collect();
    let Some(&first) = significant.first() else { return Ok(None) };
    if !is_kw(&tokens[first].token, "FROM") {
        return Ok(None);
    }
    // Top-level INSERT and SELECT keywords split the statement.
    let mut depth = 0i32;
    let mut starts = Vec::new();
    for &i in &significant[1..] {
        match &tokens[i].token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            t if depth == 0 && is_kw(t, "INSERT") => starts.push(i),
            // A SELECT right after an INSERT's target belongs to that branch.
            t if depth == 0 && is_kw(t, "SELECT") && starts.is_empty() => starts.push(i),
            _ => {}
        }
    }
    let Some(&source_end) = starts.first() else {
        return Err(SqlError::Parse("FROM ... without INSERT or SELECT".into()));
    };
    let source = &tokens[first + 1..source_end];
    let mut branches = Vec::new();
    for (n, &start) in starts.iter().enumerate() {
        let end = starts.get(n + 1).copied().unwrap_or(tokens.len());
        branches.push(branch(&tokens[start..end], source)?);
    }
    Ok(Some(branches))
}

/// Rewrites every parenthesized FROM-first query, `(FROM t SELECT a)`, as
/// `(SELECT a FROM t)`, innermost first.
pub fn unnest_from_first(tokens: &[TokenWithSpan]) -> Result<Vec<TokenWithSpan>> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        let next = (i + 1..tokens.len()).find(|&j| !is_trivia(&tokens[j].token));
        if tokens[i].token != Token::LParen || !next.is_some_and(|j| is_kw(&tokens[j].token, "FROM")) {
            out.push(tokens[i].clone());
            i += 1;
            continue;
        }
        let mut depth = 0i32;
        let mut close = None;
        for (j, t) in tokens.iter().enumerate().skip(i) {
            match t.token {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        close = Some(j);
                        break;
                    }
                }
                _ => {}
            }
        }
        let Some(close) = close else { return Err(SqlError::Parse("unbalanced '(' before FROM".into())) };
        let inner = unnest_from_first(&tokens[i + 1..close])?;
        out.push(tokens[i].clone());
        // `(FROM a SELECT x UNION ALL FROM b SELECT y)`: each side on its own.
        for part in union_parts(&inner) {
            if !part.iter().find(|t| !is_trivia(&t.token)).is_some_and(|t| is_kw(&t.token, "FROM")) {
                out.extend_from_slice(part);
                continue;
            }
            let mut branches = split_from_first(part)?.unwrap_or_default();
            if branches.len() != 1 || branches[0].insert {
                return Err(SqlError::Parse("a subquery FROM ... must have one SELECT and no INSERT".into()));
            }
            out.append(&mut branches[0].tokens);
        }
        out.push(tokens[close].clone());
        i = close + 1;
    }
    Ok(out)
}

/// Splits at top-level `UNION [ALL|DISTINCT]`, keeping the UNION tokens as
/// parts of their own.
fn union_parts(tokens: &[TokenWithSpan]) -> Vec<&[TokenWithSpan]> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i].token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            t if depth == 0 && is_kw(t, "UNION") => {
                let mut end = i + 1;
                while end < tokens.len()
                    && (is_trivia(&tokens[end].token)
                        || is_kw(&tokens[end].token, "ALL")
                        || is_kw(&tokens[end].token, "DISTINCT"))
                {
                    end += 1;
                }
                parts.push(&tokens[start..i]);
                parts.push(&tokens[i..end]);
                start = end;
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(&tokens[start..]);
    parts
}

/// `INSERT ... SELECT proj <rest>` → `INSERT ... SELECT proj FROM <source> <rest>`.
fn branch(tokens: &[TokenWithSpan], source: &[TokenWithSpan]) -> Result<Branch> {
    let insert = tokens.iter().find(|t| !is_trivia(&t.token)).is_some_and(|t| is_kw(&t.token, "INSERT"));
    let mut depth = 0i32;
    let mut select_at = None;
    let mut from_at = None;
    for (i, t) in tokens.iter().enumerate() {
        match &t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            tok if depth == 0 && select_at.is_none() && is_kw(tok, "SELECT") => select_at = Some(i),
            tok if depth == 0 && select_at.is_some() && AFTER_FROM.iter().any(|k| is_kw(tok, k)) => {
                from_at = Some(i);
                break;
            }
            _ => {}
        }
    }
    if select_at.is_none() {
        return Err(Cursor::new(tokens.to_vec()).unexpected("expected SELECT in this branch of FROM ... INSERT"));
    }
    let at = from_at.unwrap_or(tokens.len());
    let space = TokenWithSpan::wrap(Token::Whitespace(Whitespace::Space));
    let mut out = tokens[..at].to_vec();
    out.push(space.clone());
    out.push(TokenWithSpan::wrap(Token::make_keyword("FROM")));
    out.extend_from_slice(source);
    out.push(space);
    out.extend_from_slice(&tokens[at..]);
    Ok(Branch { insert, tokens: out })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::tokenize;

    fn texts(sql: &str) -> Vec<String> {
        let tokens = tokenize(sql).unwrap();
        split_from_first(&tokens)
            .unwrap()
            .unwrap()
            .into_iter()
            .map(|b| squeeze(&b.tokens.iter().map(|t| t.token.to_string()).collect::<String>()))
            .collect()
    }

    fn squeeze(s: &str) -> String {
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn moves_the_source_into_each_branch() {
        let got = texts(
            "FROM (SELECT a FROM t) s INSERT OVERWRITE TABLE d1 SELECT s.a WHERE a > 1 \
             INSERT INTO TABLE d2 SELECT count(1) GROUP BY a",
        );
        assert_eq!(got[0], "INSERT OVERWRITE TABLE d1 SELECT s.a FROM (SELECT a FROM t) s WHERE a > 1");
        assert_eq!(got[1], "INSERT INTO TABLE d2 SELECT count(1) FROM (SELECT a FROM t) s GROUP BY a");
        assert_eq!(texts("from src select key"), vec!["select key FROM src"]);
        let nested = unnest_from_first(&tokenize("FROM (FROM (FROM t SELECT a) s SELECT s.a) u SELECT u.a").unwrap());
        let text: String = nested.unwrap().iter().map(|t| t.token.to_string()).collect();
        assert_eq!(squeeze(&text), "FROM (SELECT s.a FROM (SELECT a FROM t ) s ) u SELECT u.a");
        let union =
            unnest_from_first(&tokenize("SELECT * FROM (FROM a SELECT x UNION ALL FROM b SELECT y) u").unwrap());
        let text: String = union.unwrap().iter().map(|t| t.token.to_string()).collect();
        assert_eq!(squeeze(&text), "SELECT * FROM (SELECT x FROM a UNION ALL SELECT y FROM b ) u");
    }
}
