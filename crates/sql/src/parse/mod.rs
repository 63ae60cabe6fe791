//! Classifying a statement and parsing it into a `Command`.
//!
//! Queries go to sqlparser (through the same Hive-normalized tokens); Hive's
//! catalog and storage statements, which sqlparser either does not know or
//! models without the parts we need (partition `LOCATION`s, SerDe classes,
//! `OVERWRITE DIRECTORY` storage), are parsed here. Anything else is an
//! `Unsupported` error naming the statement, never a best-effort guess.

use datafusion::sql::sqlparser::ast::{Query, Statement};
use datafusion::sql::sqlparser::parser::Parser;
use datafusion::sql::sqlparser::tokenizer::{Token, TokenWithSpan};

use crate::catalog::ColumnDef;
use crate::ddl::{self, CreateDatabase, CreateTable, StorageSpec};
use crate::dialect::{is_trivia, tokenize, Cursor, HiveQl, TableName};
use crate::error::{Result, SqlError};
use crate::script::preview;

mod alter;
mod from_first;

use alter::{parse_alter, parse_show};

/// A partition spec: values are `None` for dynamic partition columns.
pub type PartitionSpec = Vec<(String, Option<String>)>;

#[derive(Debug)]
pub enum Command {
    /// `SET` (all), `SET k` (show one), `SET k=v`.
    Set {
        key: Option<String>,
        value: Option<String>,
    },
    Use(String),
    CreateDatabase(CreateDatabase),
    DescribeDatabase(String),
    CreateTable(Box<CreateTable>),
    CreateView(Box<crate::view::CreateView>),
    DropView {
        name: TableName,
        if_exists: bool,
    },
    DropTable {
        name: TableName,
        if_exists: bool,
    },
    DropDatabase {
        name: String,
        if_exists: bool,
        cascade: bool,
    },
    /// `ADD JAR|FILE|ARCHIVE ...`: nothing to load without a JVM; a statement
    /// that needed it fails by name later.
    AddResource(String),
    Truncate {
        name: TableName,
        partition: Option<PartitionSpec>,
    },
    AddPartitions {
        name: TableName,
        if_not_exists: bool,
        partitions: Vec<(PartitionSpec, Option<String>)>,
    },
    DropPartitions {
        name: TableName,
        if_exists: bool,
        partitions: Vec<PartitionSpec>,
    },
    /// `MSCK REPAIR TABLE` / `ALTER TABLE .. RECOVER PARTITIONS`.
    Repair {
        name: TableName,
        add: bool,
        drop: bool,
    },
    Rename {
        name: TableName,
        to: TableName,
    },
    SetProperties {
        name: TableName,
        properties: Vec<(String, String)>,
    },
    SetLocation {
        name: TableName,
        partition: Option<PartitionSpec>,
        location: String,
    },
    AddColumns {
        name: TableName,
        columns: Vec<ColumnDef>,
        /// `REPLACE COLUMNS`: the list replaces every data column.
        replace: bool,
    },
    ShowDatabases,
    ShowTables {
        database: Option<String>,
        pattern: Option<String>,
    },
    ShowPartitions(TableName),
    ShowColumns(TableName),
    ShowTblProperties(TableName),
    ShowCreateTable(TableName),
    Describe {
        name: TableName,
        formatted: bool,
        /// `DESCRIBE t PARTITION (k='v', ...)`: the partition must exist.
        partition: Option<PartitionSpec>,
    },
    Insert {
        overwrite: bool,
        target: InsertTarget,
        query: Box<Query>,
    },
    Query(Box<Query>),
    Explain {
        analyze: bool,
        verbose: bool,
        query: Box<Query>,
    },
    /// `ANALYZE TABLE ... COMPUTE STATISTICS`: accepted, does nothing.
    Analyze,
    /// The branches of a FROM-first multi-insert, run in order.
    Batch(Vec<Command>),
}

#[derive(Debug)]
pub enum InsertTarget {
    Table {
        name: TableName,
        partition: PartitionSpec,
        columns: Vec<String>,
        /// `INSERT OVERWRITE ... PARTITION (...) IF NOT EXISTS`: write nothing
        /// when the (static) partition already exists.
        if_not_exists: bool,
    },
    Directory {
        uri: String,
        storage: StorageSpec,
    },
}

/// Parses one substituted statement.
pub fn parse_command(text: &str) -> Result<Command> {
    let body = strip_leading_comments(text);
    if let Some(rest) = strip_keyword(body, "SET") {
        return Ok(parse_set(rest));
    }
    let tokens = from_first::unnest_from_first(&tokenize(text)?)?;
    if let Some(cmd) = with_insert(&tokens)? {
        return Ok(cmd);
    }
    if let Some(branches) = from_first::split_from_first(&tokens)? {
        let mut cmds = Vec::new();
        for b in branches {
            let mut c = Cursor::new(b.tokens);
            cmds.push(if b.insert {
                c.expect_kw("INSERT")?;
                parse_insert(&mut c)?
            } else {
                Command::Query(parse_query_tokens(&mut c)?)
            });
        }
        return Ok(match cmds.len() {
            1 => cmds.remove(0),
            _ => Command::Batch(cmds),
        });
    }
    let mut c = Cursor::new(tokens);
    let unsupported = || SqlError::Unsupported(preview(body, 60));
    let cmd = if c.eat_kw("USE") {
        Command::Use(c.ident()?)
    } else if c.eat_kw("CREATE") {
        let or_replace = c.eat_kws(&["OR", "REPLACE"]);
        if c.eat_kw("VIEW") {
            let mut view = crate::view::parse_create_view(&mut c, text)?;
            view.or_replace = or_replace;
            return Ok(Command::CreateView(Box::new(view)));
        }
        if or_replace {
            return Err(unsupported());
        }
        if c.eat_kw("DATABASE") || c.eat_kw("SCHEMA") {
            Command::CreateDatabase(ddl::parse_create_database(&mut c)?)
        } else if c.eat_kws(&["EXTERNAL", "TABLE"]) {
            Command::CreateTable(Box::new(ddl::parse_create_table(&mut c, true)?))
        } else if c.eat_kw("TABLE") {
            Command::CreateTable(Box::new(ddl::parse_create_table(&mut c, false)?))
        } else {
            return Err(unsupported());
        }
    } else if c.eat_kws(&["DROP", "TABLE"]) {
        let if_exists = c.eat_kws(&["IF", "EXISTS"]);
        let name = c.table_name()?;
        c.eat_kw("PURGE");
        Command::DropTable { name, if_exists }
    } else if c.eat_kws(&["DROP", "VIEW"]) {
        let if_exists = c.eat_kws(&["IF", "EXISTS"]);
        Command::DropView { name: c.table_name()?, if_exists }
    } else if c.eat_kws(&["DROP", "DATABASE"]) || c.eat_kws(&["DROP", "SCHEMA"]) {
        let if_exists = c.eat_kws(&["IF", "EXISTS"]);
        let name = c.ident()?;
        let cascade = c.eat_kw("CASCADE");
        if !cascade {
            c.eat_kw("RESTRICT");
        }
        Command::DropDatabase { name, if_exists, cascade }
    } else if c.is_kw("ADD")
        && ["JAR", "JARS", "FILE", "FILES", "ARCHIVE", "ARCHIVES"]
            .iter()
            .any(|k| matches!(c.peek_second(), Token::Word(w) if w.value.eq_ignore_ascii_case(k)))
    {
        return Ok(Command::AddResource(preview(body, 80)));
    } else if c.eat_kws(&["TRUNCATE", "TABLE"]) {
        let name = c.table_name()?;
        let partition = if c.eat_kw("PARTITION") { Some(partition_spec(&mut c, false)?) } else { None };
        Command::Truncate { name, partition }
    } else if c.eat_kws(&["ALTER", "VIEW"]) {
        return Ok(Command::CreateView(Box::new(crate::view::parse_alter_view(&mut c, text)?)));
    } else if c.eat_kws(&["ALTER", "TABLE"]) {
        parse_alter(&mut c)?
    } else if c.eat_kw("MSCK") {
        c.eat_kw("REPAIR");
        c.expect_kw("TABLE")?;
        let name = c.table_name()?;
        let (add, drop) = if c.eat_kw("ADD") {
            (true, false)
        } else if c.eat_kw("DROP") {
            (false, true)
        } else if c.eat_kw("SYNC") {
            (true, true)
        } else {
            (true, false)
        };
        if add || drop {
            c.eat_kw("PARTITIONS");
        }
        Command::Repair { name, add, drop }
    } else if c.eat_kw("SHOW") {
        parse_show(&mut c)?
    } else if c.eat_kw("DESCRIBE") || c.eat_kw("DESC") {
        if c.eat_kw("DATABASE") || c.eat_kw("SCHEMA") {
            c.eat_kw("EXTENDED");
            Command::DescribeDatabase(c.ident()?)
        } else {
            let formatted = c.eat_kw("FORMATTED") || c.eat_kw("EXTENDED");
            let name = c.table_name()?;
            let partition = if c.eat_kw("PARTITION") { Some(partition_spec(&mut c, false)?) } else { None };
            Command::Describe { name, formatted, partition }
        }
    } else if c.eat_kw("INSERT") {
        parse_insert(&mut c)?
    } else if c.eat_kw("EXPLAIN") {
        let analyze = c.eat_kw("ANALYZE");
        let verbose = c.eat_kw("VERBOSE") || c.eat_kw("EXTENDED");
        Command::Explain { analyze, verbose, query: parse_query_tokens(&mut c)? }
    } else if c.eat_kws(&["ANALYZE", "TABLE"]) {
        return Ok(Command::Analyze);
    } else if c.is_kw("SELECT") || c.is_kw("WITH") || c.is_kw("VALUES") || c.peek() == &Token::LParen {
        Command::Query(parse_query_tokens(&mut c)?)
    } else if HIVE_STATEMENTS.iter().any(|k| c.is_kw(k)) {
        return Err(unsupported());
    } else {
        return Err(c.unexpected("cannot recognize the start of a statement"));
    };
    c.expect_end()?;
    Ok(cmd)
}

/// First words of Hive statements this engine does not run: these are
/// "unsupported", anything else is a syntax error.
const HIVE_STATEMENTS: [&str; 24] = [
    "ABORT", "ADD", "ALTER", "ANALYZE", "CREATE", "DELETE", "DESCRIBE", "DFS", "DROP", "EXPORT", "FROM", "GRANT",
    "IMPORT", "KILL", "LOAD", "LOCK", "MERGE", "RELOAD", "RESET", "REVOKE", "SHOW", "SOURCE", "UNLOCK", "UPDATE",
];

/// Hive's `WITH a AS (...) INSERT ... SELECT ... FROM a`: the CTEs are
/// moved onto the INSERT's query, which sqlparser cannot parse in this order.
fn with_insert(tokens: &[TokenWithSpan]) -> Result<Option<Command>> {
    let is_kw = |t: &Token, kw: &str| matches!(t, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(kw));
    let mut significant = tokens.iter().enumerate().filter(|(_, t)| !is_trivia(&t.token));
    if !significant.next().is_some_and(|(_, t)| is_kw(&t.token, "WITH")) {
        return Ok(None);
    }
    let mut depth = 0i32;
    let mut insert_at = None;
    for (i, t) in significant {
        match &t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            tok if depth == 0 && is_kw(tok, "INSERT") => {
                insert_at = Some(i);
                break;
            }
            _ => {}
        }
    }
    let Some(at) = insert_at else { return Ok(None) };
    let mut cte_tokens = tokens[..at].to_vec();
    cte_tokens.extend(tokenize(" SELECT 1")?);
    let ctes = Parser::new(&HiveQl)
        .with_tokens_with_locations(cte_tokens)
        .parse_query()
        .map_err(|e| SqlError::Parse(e.to_string()))?
        .with;
    let mut c = Cursor::new(tokens[at..].to_vec());
    c.expect_kw("INSERT")?;
    let mut cmd = parse_insert(&mut c)?;
    if let (Command::Insert { query, .. }, Some(mut ctes)) = (&mut cmd, ctes) {
        if let Some(inner) = query.with.take() {
            ctes.cte_tables.extend(inner.cte_tables);
        }
        query.with = Some(ctes);
    }
    Ok(Some(cmd))
}

/// Hands the rest of the statement to sqlparser as a query.
pub fn parse_query_tokens(c: &mut Cursor) -> Result<Box<Query>> {
    let mut parser = Parser::new(&HiveQl).with_tokens_with_locations(c.rest());
    let stmt = parser.parse_statement().map_err(|e| SqlError::Parse(e.to_string()))?;
    if parser.peek_token().token != Token::EOF {
        let next = parser.peek_token();
        return Err(SqlError::Parse(format!("unexpected '{}' after the query{}", next.token, next.span.start)));
    }
    *c = Cursor::new(vec![]);
    match stmt {
        Statement::Query(q) => Ok(q),
        other => Err(SqlError::Unsupported(preview(&other.to_string(), 60))),
    }
}

fn parse_set(rest: &str) -> Command {
    let rest = rest.trim();
    if rest.is_empty() || rest == "-v" {
        return Command::Set { key: None, value: None };
    }
    match rest.split_once('=') {
        Some((k, v)) => Command::Set { key: Some(k.trim().to_string()), value: Some(v.trim().to_string()) },
        None => Command::Set { key: Some(rest.to_string()), value: None },
    }
}

fn parse_insert(c: &mut Cursor) -> Result<Command> {
    let overwrite = if c.eat_kw("OVERWRITE") {
        true
    } else {
        c.expect_kw("INTO")?;
        false
    };
    if overwrite && (c.eat_kw("DIRECTORY") || c.eat_kws(&["LOCAL", "DIRECTORY"])) {
        let uri = c.string()?;
        let mut storage = StorageSpec::default();
        while storage.parse_clause(c)? {}
        return Ok(Command::Insert {
            overwrite,
            target: InsertTarget::Directory { uri, storage },
            query: parse_query_tokens(c)?,
        });
    }
    if !c.eat_kw("TABLE") && overwrite {
        return Err(c.unexpected("expected TABLE or DIRECTORY"));
    }
    let name = c.table_name()?;
    let partition = if c.eat_kw("PARTITION") { partition_spec(c, true)? } else { vec![] };
    // Only INSERT OVERWRITE takes IF NOT EXISTS in Hive's grammar.
    let if_not_exists = overwrite && c.eat_kws(&["IF", "NOT", "EXISTS"]);
    let mut columns = Vec::new();
    if c.peek() == &Token::LParen
        && !matches!(c.peek_second(), Token::Word(w) if w.value.eq_ignore_ascii_case("select") || w.value.eq_ignore_ascii_case("with"))
    {
        c.expect(&Token::LParen)?;
        loop {
            columns.push(c.ident()?);
            if !c.eat(&Token::Comma) {
                break;
            }
        }
        c.expect(&Token::RParen)?;
    }
    let query = parse_query_tokens(c)?;
    Ok(Command::Insert { overwrite, target: InsertTarget::Table { name, partition, columns, if_not_exists }, query })
}

/// `(k='v', k2=3, k3)` — bare keys (dynamic partitions) only when `allow_dynamic`.
fn partition_spec(c: &mut Cursor, allow_dynamic: bool) -> Result<PartitionSpec> {
    c.expect(&Token::LParen)?;
    let mut spec = Vec::new();
    loop {
        let key = c.ident()?;
        let value = if c.eat(&Token::Eq) {
            Some(c.literal()?)
        } else if allow_dynamic {
            None
        } else {
            return Err(c.unexpected("expected '=' and a partition value"));
        };
        spec.push((key, value));
        if !c.eat(&Token::Comma) {
            break;
        }
    }
    c.expect(&Token::RParen)?;
    Ok(spec)
}

/// The text after leading whitespace and `--`/`/* */` comments.
fn strip_leading_comments(mut text: &str) -> &str {
    loop {
        text = text.trim_start();
        if let Some(rest) = text.strip_prefix("--") {
            text = rest.split_once('\n').map(|(_, r)| r).unwrap_or("");
        } else if let Some(rest) = text.strip_prefix("/*") {
            text = rest.split_once("*/").map(|(_, r)| r).unwrap_or("");
        } else {
            return text;
        }
    }
}

/// `text` after a leading keyword (case-insensitive, followed by whitespace or end).
fn strip_keyword<'a>(text: &'a str, kw: &str) -> Option<&'a str> {
    let head = text.get(..kw.len())?;
    let rest = &text[kw.len()..];
    (head.eq_ignore_ascii_case(kw) && rest.chars().next().is_none_or(char::is_whitespace)).then_some(rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_set_and_partition_statements() {
        assert!(matches!(parse_command("-- c\nset hive.cli.print.header = true").unwrap(),
            Command::Set { key: Some(k), value: Some(v) } if k == "hive.cli.print.header" && v == "true"));
        let cmd = parse_command(
            "ALTER TABLE t ADD IF NOT EXISTS PARTITION (dt='2024-01-01') LOCATION 's3://b/x' PARTITION (dt=2)",
        )
        .unwrap();
        let Command::AddPartitions { partitions, if_not_exists: true, .. } = cmd else { panic!("{cmd:?}") };
        assert_eq!(partitions[0].0, vec![("dt".to_string(), Some("2024-01-01".to_string()))]);
        assert_eq!(partitions[0].1.as_deref(), Some("s3://b/x"));
        assert_eq!(partitions[1].0, vec![("dt".to_string(), Some("2".to_string()))]);
        assert!(matches!(parse_command("msck repair table db.t").unwrap(), Command::Repair { add: true, .. }));
    }

    #[test]
    fn parses_inserts() {
        let cmd = parse_command("INSERT OVERWRITE TABLE t PARTITION (dt='x', h) SELECT a, h FROM s").unwrap();
        let Command::Insert { overwrite: true, target: InsertTarget::Table { partition, .. }, .. } = cmd else {
            panic!("{cmd:?}")
        };
        assert_eq!(partition[1], ("h".to_string(), None));
        let cmd = parse_command(
            "INSERT OVERWRITE DIRECTORY 's3://b/out/' ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' SELECT * FROM t",
        )
        .unwrap();
        assert!(matches!(cmd, Command::Insert { target: InsertTarget::Directory { .. }, .. }));
        let cmd = parse_command("INSERT INTO t (a, b) VALUES (1, 'x')").unwrap();
        assert!(
            matches!(cmd, Command::Insert { target: InsertTarget::Table { columns, .. }, .. } if columns.len() == 2)
        );
        let cmd = parse_command("INSERT OVERWRITE TABLE t PARTITION (ds='1') if not exists SELECT a FROM s").unwrap();
        assert!(matches!(cmd, Command::Insert { target: InsertTarget::Table { if_not_exists: true, .. }, .. }));
        // INSERT INTO has no IF NOT EXISTS in Hive's grammar.
        assert!(parse_command("INSERT INTO TABLE t PARTITION (ds='1') IF NOT EXISTS SELECT a FROM s").is_err());
    }

    #[test]
    fn parses_describe_of_a_partition() {
        let cmd =
            parse_command("DESCRIBE EXTENDED part_special PARTITION(ds='2008 04 08', ts = '10:11:12=455')").unwrap();
        let Command::Describe { formatted: true, partition: Some(spec), .. } = cmd else { panic!("{cmd:?}") };
        assert_eq!(spec[1], ("ts".to_string(), Some("10:11:12=455".to_string())));
    }

    #[test]
    fn rejects_unknown_statements_and_trailing_garbage() {
        let err = parse_command("CREATE INDEX i ON t (a)").unwrap_err();
        assert_eq!(err.to_string(), "unsupported statement: CREATE INDEX i ON t (a)");
        assert!(matches!(parse_command("SELECT 1 garbage here").unwrap_err(), SqlError::Parse(_)));
        assert!(matches!(parse_command("SELEC 1").unwrap_err(), SqlError::Parse(_)));
        assert!(matches!(parse_command("LOAD DATA INPATH 'x' INTO TABLE t").unwrap_err(), SqlError::Unsupported(_)));
    }
}
