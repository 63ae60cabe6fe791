//! Hive's character-set literals: `_UTF-8 0xE993AE` and `_latin1 'text'`.
//!
//! Hive's lexer reads `_` followed by a charset name, then a hex or quoted
//! literal, as one string: the bytes decoded in that charset
//! (`BaseSemanticAnalyzer.charSetString`; a quoted literal is first turned
//! into its UTF-8 bytes). sqlparser splits the name at `-` and `.`
//! (`_UTF`, `-`, `8`) and lexes the hex as `X'...'`, so the statement would
//! not parse; this pass joins such a run back into one string literal on
//! the token stream, before either parser sees it.

use datafusion::sql::sqlparser::tokenizer::{Token, TokenWithSpan};

/// Replaces each `_charset <literal>` run with the string it denotes. A run
/// naming a charset this build cannot decode is left as it was (it then
/// fails to parse, as Hive fails on an unknown charset).
pub fn join_charset_literals(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let mut out: Vec<TokenWithSpan> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while i < tokens.len() {
        match charset_literal(&tokens[i..]) {
            Some((text, used)) => {
                let mut joined = tokens[i].clone();
                joined.token = Token::SingleQuotedString(text);
                joined.span.end = tokens[i + used - 1].span.end;
                out.push(joined);
                i += used;
            }
            None => {
                out.push(tokens[i].clone());
                i += 1;
            }
        }
    }
    out
}

/// The decoded text of a charset literal at the start of `tokens`, and how
/// many tokens it spans.
fn charset_literal(tokens: &[TokenWithSpan]) -> Option<(String, usize)> {
    let Token::Word(first) = &tokens.first()?.token else { return None };
    if first.quote_style.is_some() || !first.value.starts_with('_') || first.value.len() < 2 {
        return None;
    }
    // The name: `_` then letters, digits, `_`, `-`, `.` and `:`, unbroken.
    let mut name = first.value[1..].to_string();
    let mut i = 1;
    while let Some(t) = tokens.get(i) {
        match &t.token {
            Token::Minus => name.push('-'),
            Token::Period => name.push('.'),
            Token::Colon => name.push(':'),
            Token::Number(n, false) => name.push_str(n),
            Token::Word(w) if w.quote_style.is_none() => name.push_str(&w.value),
            _ => break,
        }
        i += 1;
    }
    while matches!(tokens.get(i).map(|t| &t.token), Some(Token::Whitespace(_))) {
        i += 1;
    }
    let bytes = match &tokens.get(i)?.token {
        Token::HexStringLiteral(hex) => hex_bytes(hex)?,
        Token::SingleQuotedString(text) => text.as_bytes().to_vec(),
        _ => return None,
    };
    Some((decode(&bytes, &name)?, i + 1))
}

fn hex_bytes(hex: &str) -> Option<Vec<u8>> {
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len()).step_by(2).map(|at| u8::from_str_radix(hex.get(at..at + 2)?, 16).ok()).collect()
}

/// `new String(bytes, charset)` for the charsets every JVM has; `None` for others.
fn decode(bytes: &[u8], charset: &str) -> Option<String> {
    let utf16 = |f: fn([u8; 2]) -> u16| {
        let units: Vec<u16> = bytes.chunks(2).map(|c| f([c[0], c.get(1).copied().unwrap_or(0)])).collect();
        String::from_utf16_lossy(&units)
    };
    Some(match charset.to_ascii_uppercase().as_str() {
        "UTF-8" | "UTF8" => String::from_utf8_lossy(bytes).into_owned(),
        "ISO-8859-1" | "LATIN1" | "ISO8859_1" => bytes.iter().map(|&b| char::from(b)).collect(),
        "US-ASCII" | "ASCII" => bytes.iter().map(|&b| if b.is_ascii() { char::from(b) } else { '\u{FFFD}' }).collect(),
        "UTF-16BE" | "UTF-16" => utf16(u16::from_be_bytes),
        "UTF-16LE" => utf16(u16::from_le_bytes),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::tokenize;

    fn strings(sql: &str) -> Vec<String> {
        tokenize(sql)
            .unwrap()
            .into_iter()
            .filter_map(|t| match t.token {
                Token::SingleQuotedString(s) => Some(s),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn hex_and_quoted_literals_decode_in_their_charset() {
        // Hive's udf_reverse: the UTF-8 bytes of two CJK characters.
        assert_eq!(strings("SELECT _UTF-8 0xE993AEE982B5"), vec!["\u{94ee}\u{90b5}"]);
        assert_eq!(strings("SELECT _ISO-8859-1 0x41E9"), vec!["A\u{e9}"]);
        // A quoted literal is re-read from its UTF-8 bytes.
        assert_eq!(strings("SELECT _latin1 'é'"), vec!["\u{c3}\u{a9}"]);
        // Not a charset: left alone.
        assert_eq!(strings("SELECT _c0 FROM t WHERE x = 'a'"), vec!["a"]);
    }
}
