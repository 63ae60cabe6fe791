//! Lexing HiveQL, and a token cursor for the statements we parse ourselves.
//!
//! sqlparser's `HiveDialect` lexes `"text"` as an identifier and does not
//! process backslash escapes, while Hive treats `"text"` as a string and
//! unescapes `'\t'`, `'\001'` and `'\u0001'`. We lex with a dialect that keeps
//! Hive's grammar (it reports itself as `HiveDialect` so sqlparser's Hive-only
//! rules apply) and fix literals up on the token stream. The same tokens then
//! feed both our parser for Hive DDL and sqlparser's for queries, so quoting
//! rules cannot differ between the two.

use datafusion::sql::sqlparser::ast::{BinaryOperator, Expr};
use datafusion::sql::sqlparser::dialect::{Dialect, HiveDialect, Precedence};
use datafusion::sql::sqlparser::keywords::Keyword;
use datafusion::sql::sqlparser::parser::{Parser, ParserError};
use datafusion::sql::sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer};

use crate::error::{Result, SqlError};

/// HiveQL as the Hive CLI reads it.
#[derive(Debug, Default)]
pub struct HiveQl;

impl Dialect for HiveQl {
    fn dialect(&self) -> std::any::TypeId {
        // Enables sqlparser's Hive-specific grammar (PARTITION in INSERT, SORT BY...).
        std::any::TypeId::of::<HiveDialect>()
    }
    fn is_delimited_identifier_start(&self, ch: char) -> bool {
        ch == '`'
    }
    fn is_identifier_start(&self, ch: char) -> bool {
        ch.is_ascii_alphanumeric() || ch == '_' || ch == '$'
    }
    fn is_identifier_part(&self, ch: char) -> bool {
        ch.is_ascii_alphanumeric() || ch == '_' || ch == '$'
    }
    fn supports_string_literal_backslash_escape(&self) -> bool {
        true
    }
    fn supports_filter_during_aggregation(&self) -> bool {
        true
    }
    fn supports_numeric_prefix(&self) -> bool {
        true
    }
    fn require_interval_qualifier(&self) -> bool {
        true
    }
    fn supports_bang_not_operator(&self) -> bool {
        true
    }
    fn supports_group_by_with_modifier(&self) -> bool {
        true
    }
    /// `GROUP BY cube(a, b)` and `GROUP BY rollup(a, b)`, which Hive accepts
    /// besides `GROUP BY a, b WITH CUBE|ROLLUP`.
    fn supports_group_by_expr(&self) -> bool {
        true
    }
    /// `FROM t TABLESAMPLE (1 ROWS) a`: Hive writes the sample before the alias.
    fn supports_table_sample_before_alias(&self) -> bool {
        true
    }
    /// Hive's integer division `a DIV b`, which only MySQL's dialect parses.
    fn parse_infix(&self, parser: &mut Parser, expr: &Expr, _precedence: u8) -> Option<Result<Expr, ParserError>> {
        if !parser.parse_keyword(Keyword::DIV) {
            return None;
        }
        let right = parser.parse_subexpr(self.prec_value(Precedence::MulDivModOp));
        Some(right.map(|r| Expr::BinaryOp {
            left: Box::new(expr.clone()),
            op: BinaryOperator::MyIntegerDivide,
            right: Box::new(r),
        }))
    }
}

/// Lexes one statement into Hive-normalized tokens.
///
/// String literals come out unescaped with Hive's rules and always as
/// `SingleQuotedString`; backtick identifiers are lower-cased because Hive
/// identifiers are case-insensitive even when quoted.
pub fn tokenize(sql: &str) -> Result<Vec<TokenWithSpan>> {
    let mut tokens = Tokenizer::new(&HiveQl, sql)
        .with_unescape(false)
        .tokenize_with_location()
        .map_err(|e| SqlError::Parse(e.to_string()))?;
    for t in &mut tokens {
        match &mut t.token {
            Token::SingleQuotedString(s) => t.token = Token::SingleQuotedString(unescape_hive(s)),
            Token::DoubleQuotedString(s) => {
                t.token = Token::SingleQuotedString(unescape_hive(&s.replace("\"\"", "")));
            }
            Token::Word(w) if w.quote_style == Some('`') => w.value = w.value.to_lowercase(),
            _ => {}
        }
    }
    Ok(concat_adjacent_strings(crate::charset_literal::join_charset_literals(join_decimal_suffix(tokens))))
}

/// sqlparser lexes `1E99BD` as the number `1E99` and the word `BD` (an
/// alias); Hive's lexer reads a number with an exponent followed by `BD` as
/// one DECIMAL literal. Joined into the word `1E99BD`, it is rewritten like
/// `3.14BD`, which sqlparser already lexes as one word.
fn join_decimal_suffix(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let mut out: Vec<TokenWithSpan> = Vec::with_capacity(tokens.len());
    for t in tokens {
        if let (Token::Word(w), Some(prev)) = (&t.token, out.last_mut()) {
            if let Token::Number(n, false) = &prev.token {
                if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("bd") {
                    prev.token = Token::make_word(&format!("{n}{}", w.value), None);
                    prev.span.end = t.span.end;
                    continue;
                }
            }
        }
        out.push(t);
    }
    out
}

/// Hive's lexer reads `'face' "book"` (literals separated by blanks only)
/// as one literal, "facebook".
fn concat_adjacent_strings(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let mut out: Vec<TokenWithSpan> = Vec::with_capacity(tokens.len());
    // Index in `out` of the last string literal, while only blanks followed it.
    let mut open: Option<usize> = None;
    for t in tokens {
        match (&t.token, open) {
            (Token::SingleQuotedString(next), Some(at)) => {
                if let Token::SingleQuotedString(s) = &mut out[at].token {
                    s.push_str(next);
                }
                out.truncate(at + 1);
            }
            (Token::SingleQuotedString(_), None) => {
                open = Some(out.len());
                out.push(t);
            }
            (Token::Whitespace(_), _) => out.push(t),
            _ => {
                open = None;
                out.push(t);
            }
        }
    }
    out
}

/// Hive's `BaseSemanticAnalyzer.unescapeSQLString`, minus the surrounding quotes.
pub fn unescape_hive(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let mut out = String::with_capacity(raw.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        // `'it''s'` is two adjacent literals to Hive's lexer, so "its".
        if c == '\'' && chars.get(i + 1) == Some(&'\'') {
            i += 2;
            continue;
        }
        if c != '\\' || i + 1 == chars.len() {
            out.push(c);
            i += 1;
            continue;
        }
        // \uXXXX
        if chars[i + 1] == 'u' && i + 5 < chars.len() {
            let hex: String = chars[i + 2..i + 6].iter().collect();
            if let Some(ch) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                out.push(ch);
                i += 6;
                continue;
            }
        }
        // \NNN octal, as in '\001'
        if i + 3 < chars.len() && matches!(chars[i + 1], '0'..='3') {
            let oct: String = chars[i + 1..i + 4].iter().collect();
            if let Ok(v) = u32::from_str_radix(&oct, 8) {
                if let Some(ch) = char::from_u32(v) {
                    out.push(ch);
                    i += 4;
                    continue;
                }
            }
        }
        let next = chars[i + 1];
        match next {
            '0' => out.push('\0'),
            'b' => out.push('\u{8}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'Z' => out.push('\u{1a}'),
            // LIKE wildcards keep their escape.
            '%' | '_' => {
                out.push('\\');
                out.push(next);
            }
            other => out.push(other),
        }
        i += 2;
    }
    out
}

/// A table name as written: `[db.]name`, lower-cased.
#[derive(Debug, Clone, PartialEq)]
pub struct TableName {
    pub database: Option<String>,
    pub name: String,
}

impl TableName {
    /// Fills in the current database.
    pub fn resolve(&self, current_db: &str) -> (String, String) {
        (self.database.clone().unwrap_or_else(|| current_db.to_string()), self.name.clone())
    }
}

/// A cursor over significant tokens (whitespace and comments skipped).
pub struct Cursor {
    tokens: Vec<TokenWithSpan>,
    pos: usize,
}

impl Cursor {
    pub fn new(tokens: Vec<TokenWithSpan>) -> Self {
        let mut c = Cursor { tokens, pos: 0 };
        c.skip_ws();
        c
    }

    fn skip_ws(&mut self) {
        while let Some(t) = self.tokens.get(self.pos) {
            if is_trivia(&t.token) {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// The next significant token (EOF at the end).
    pub fn peek(&self) -> &Token {
        self.tokens.get(self.pos).map(|t| &t.token).unwrap_or(&Token::EOF)
    }

    /// The token after the next one.
    pub fn peek_second(&self) -> &Token {
        self.tokens[self.pos.min(self.tokens.len())..]
            .iter()
            .filter(|t| !is_trivia(&t.token))
            .nth(1)
            .map(|t| &t.token)
            .unwrap_or(&Token::EOF)
    }

    fn advance(&mut self) {
        if self.pos < self.tokens.len() {
            self.pos += 1;
        }
        self.skip_ws();
    }

    pub fn at_end(&self) -> bool {
        matches!(self.peek(), Token::EOF)
    }

    /// Whether the next token is the (unquoted) keyword `kw`.
    pub fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(kw))
    }

    pub fn eat_kw(&mut self, kw: &str) -> bool {
        let hit = self.is_kw(kw);
        if hit {
            self.advance();
        }
        hit
    }

    /// Consumes the whole keyword sequence, or nothing.
    pub fn eat_kws(&mut self, kws: &[&str]) -> bool {
        let start = self.pos;
        for kw in kws {
            if !self.eat_kw(kw) {
                self.pos = start;
                return false;
            }
        }
        true
    }

    pub fn expect_kw(&mut self, kw: &str) -> Result<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("expected {kw}")))
        }
    }

    pub fn eat(&mut self, token: &Token) -> bool {
        let hit = self.peek() == token;
        if hit {
            self.advance();
        }
        hit
    }

    pub fn expect(&mut self, token: &Token) -> Result<()> {
        if self.eat(token) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("expected '{token}'")))
        }
    }

    /// An identifier (quoted or not), lower-cased.
    pub fn ident(&mut self) -> Result<String> {
        match self.peek() {
            Token::Word(w) if w.quote_style.is_some() || !is_reserved(w.keyword) => {
                let v = w.value.to_lowercase();
                self.advance();
                Ok(v)
            }
            _ => Err(self.unexpected("expected an identifier")),
        }
    }

    pub fn table_name(&mut self) -> Result<TableName> {
        let first = self.ident()?;
        if self.eat(&Token::Period) {
            Ok(TableName { database: Some(first), name: self.ident()? })
        } else {
            Ok(TableName { database: None, name: first })
        }
    }

    pub fn string(&mut self) -> Result<String> {
        match self.peek() {
            Token::SingleQuotedString(s) => {
                let s = s.clone();
                self.advance();
                Ok(s)
            }
            _ => Err(self.unexpected("expected a quoted string")),
        }
    }

    /// A string or a bare word/number (Hive accepts `PARTITION (y=2024)`).
    pub fn literal(&mut self) -> Result<String> {
        let v = match self.peek() {
            Token::SingleQuotedString(s) => s.clone(),
            Token::Number(n, _) => n.clone(),
            Token::Word(w) if w.quote_style.is_none() => w.value.clone(),
            _ => return Err(self.unexpected("expected a value")),
        };
        self.advance();
        Ok(v)
    }

    pub fn number(&mut self) -> Result<u64> {
        match self.peek() {
            Token::Number(n, _) => {
                let v = n.parse().map_err(|_| self.unexpected("expected an integer"))?;
                self.advance();
                Ok(v)
            }
            _ => Err(self.unexpected("expected an integer")),
        }
    }

    /// `('k'='v', ...)`
    pub fn properties(&mut self) -> Result<Vec<(String, String)>> {
        self.expect(&Token::LParen)?;
        let mut props = Vec::new();
        loop {
            let k = self.string()?;
            self.expect(&Token::Eq)?;
            props.push((k, self.string()?));
            if !self.eat(&Token::Comma) {
                break;
            }
        }
        self.expect(&Token::RParen)?;
        Ok(props)
    }

    /// Raw text of everything up to the end of the statement, for type names
    /// like `array<struct<a:int>>` that are easier to re-parse as text.
    pub fn type_text(&mut self) -> Result<String> {
        let mut depth = 0i32;
        let mut text = String::new();
        loop {
            let t = self.peek().clone();
            match &t {
                Token::EOF => break,
                Token::Lt => depth += 1,
                Token::Gt => depth -= 1,
                Token::ShiftRight => depth -= 2,
                Token::LParen => depth += 1,
                Token::RParen | Token::Comma if depth <= 0 => break,
                Token::RParen => depth -= 1,
                Token::Word(w) if depth <= 0 && w.quote_style.is_none() && w.value.eq_ignore_ascii_case("comment") => {
                    break
                }
                _ => {}
            }
            text.push_str(&t.to_string());
            text.push(' ');
            self.advance();
        }
        if text.trim().is_empty() {
            return Err(self.unexpected("expected a type"));
        }
        Ok(text)
    }

    /// Remaining tokens, for sqlparser to parse a query.
    pub fn rest(&self) -> Vec<TokenWithSpan> {
        self.tokens[self.pos.min(self.tokens.len())..].to_vec()
    }

    pub fn expect_end(&self) -> Result<()> {
        if self.at_end() {
            Ok(())
        } else {
            Err(self.unexpected("expected end of statement"))
        }
    }

    pub fn unexpected(&self, what: &str) -> SqlError {
        match self.tokens.get(self.pos) {
            // The span's Display is sqlparser's ` at Line: l, Column: c`,
            // which `position` maps to the script file.
            Some(t) => SqlError::Parse(format!("{what}, found '{}'{}", t.token, t.span.start)),
            None => SqlError::Parse(format!("{what}, found end of statement")),
        }
    }
}

/// Keywords that cannot be bare identifiers in the statements we parse.
fn is_reserved(k: Keyword) -> bool {
    matches!(
        k,
        Keyword::SELECT
            | Keyword::FROM
            | Keyword::WHERE
            | Keyword::PARTITION
            | Keyword::LOCATION
            | Keyword::TABLE
            | Keyword::AS
            | Keyword::LIKE
            | Keyword::IF
    )
}

/// Whether a token is whitespace or a comment (for callers walking raw tokens).
pub fn is_trivia(t: &Token) -> bool {
    matches!(t, Token::Whitespace(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescapes_like_hive() {
        assert_eq!(unescape_hive(r"a\tb"), "a\tb");
        assert_eq!(unescape_hive(r"\001"), "\u{1}");
        assert_eq!(unescape_hive(r"\u0001"), "\u{1}");
        assert_eq!(unescape_hive(r"\\d+"), r"\d+");
        assert_eq!(unescape_hive(r"it\'s"), "it's");
        assert_eq!(unescape_hive(r"50\%"), r"50\%");
        assert_eq!(unescape_hive("it''s"), "its");
    }

    #[test]
    fn lexes_double_quotes_as_strings_and_lowercases_backticks() {
        let tokens = tokenize("SELECT `MyCol` FROM t WHERE c = \"x\\ty\"").unwrap();
        let sig: Vec<_> = tokens.into_iter().map(|t| t.token).filter(|t| !is_trivia(t)).collect();
        assert!(matches!(&sig[1], Token::Word(w) if w.value == "mycol"));
        assert_eq!(sig.last(), Some(&Token::SingleQuotedString("x\ty".into())));
    }

    #[test]
    fn lexes_exponent_decimal_literals_as_one_word() {
        let words = |sql: &str| -> Vec<Token> {
            tokenize(sql).unwrap().into_iter().map(|t| t.token).filter(|t| !is_trivia(t)).collect()
        };
        assert_eq!(words("SELECT 1E99BD")[1], Token::make_word("1E99BD", None));
        // With a blank between, `BD` stays an alias.
        assert_eq!(words("SELECT 1E99 bd").len(), 3);
    }
}
