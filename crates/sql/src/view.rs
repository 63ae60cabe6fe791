//! Hive views: `CREATE VIEW`, `DROP VIEW`, and expanding a view where a
//! query names it.
//!
//! A view is a catalog entry like a table (Hive's table type
//! `VIRTUAL_VIEW`), so it persists between jobs the same way; it keeps the
//! text of its query and its column names and types, no location or files.
//! A query naming a view reads the view's query in its place: the stored text
//! is parsed and rewritten as any query is, its unqualified tables are those
//! of the database current when it was created, and it becomes a derived table named like the view
//! whose columns carry the view's column names. Expanding (rather than
//! planning the view once) keeps one plan per query, so predicates on the view
//! reach the partitions of the tables below it.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;

use datafusion::sql::sqlparser::ast::{
    Ident, ObjectName, ObjectNamePart, Query, TableAlias, TableAliasColumnDef, TableFactor, Visit, VisitMut, Visitor,
    VisitorMut,
};
use datafusion::sql::sqlparser::tokenizer::Token;
use serde::{Deserialize, Serialize};

use crate::catalog::{ColumnDef, TableDef, TableFormat};
use crate::dialect::{Cursor, TableName};
use crate::engine::{JobSession, Output};
use crate::error::{Result, SqlError};
use crate::parse::{parse_command, Command};
use crate::rewrite::rewrite_query;
use crate::types::arrow_to_hive;

/// Views inside views deeper than this are taken for a view that (through
/// others) reads itself, which Hive cannot run either.
const MAX_VIEW_DEPTH: usize = 32;

/// What makes a catalog entry a view: the text of its defining query.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ViewDef {
    /// The query after `AS`, as written (Hive's `viewOriginalText`).
    pub original_text: String,
    /// The current database when the view was created: where its
    /// unqualified tables are (Hive qualifies them in `viewExpandedText`).
    /// Empty means the view's own database.
    #[serde(default)]
    pub tables_database: String,
}

/// `CREATE VIEW [IF NOT EXISTS] v [(col [COMMENT c], ...)] [COMMENT c]
/// [PARTITIONED ON (col, ...)] [TBLPROPERTIES (...)] AS query`.
#[derive(Debug)]
pub struct CreateView {
    pub name: TableName,
    /// `CREATE OR REPLACE VIEW`: an existing view is replaced.
    pub or_replace: bool,
    /// `ALTER VIEW v AS`: replaces a view that must exist.
    pub alter: bool,
    pub if_not_exists: bool,
    /// Declared column names and comments; empty when the query names them.
    pub columns: Vec<(String, Option<String>)>,
    pub comment: Option<String>,
    pub partitioned_on: Vec<String>,
    pub properties: Vec<(String, String)>,
    /// The query text after `AS`.
    pub query_text: String,
}

/// Parses after `CREATE VIEW`; `text` is the whole statement, for the query's text.
pub fn parse_create_view(c: &mut Cursor, text: &str) -> Result<CreateView> {
    let if_not_exists = c.eat_kws(&["IF", "NOT", "EXISTS"]);
    let name = c.table_name()?;
    let mut view = CreateView {
        name,
        or_replace: false,
        alter: false,
        if_not_exists,
        columns: vec![],
        comment: None,
        partitioned_on: vec![],
        properties: vec![],
        query_text: String::new(),
    };
    if c.peek() == &Token::LParen {
        c.expect(&Token::LParen)?;
        loop {
            let column = c.ident()?;
            let comment = if c.eat_kw("COMMENT") { Some(c.string()?) } else { None };
            view.columns.push((column, comment));
            if !c.eat(&Token::Comma) {
                break;
            }
        }
        c.expect(&Token::RParen)?;
    }
    loop {
        if c.eat_kw("COMMENT") {
            view.comment = Some(c.string()?);
        } else if c.eat_kws(&["PARTITIONED", "ON"]) {
            c.expect(&Token::LParen)?;
            loop {
                view.partitioned_on.push(c.ident()?);
                if !c.eat(&Token::Comma) {
                    break;
                }
            }
            c.expect(&Token::RParen)?;
        } else if c.eat_kw("TBLPROPERTIES") {
            view.properties = c.properties()?;
        } else if c.eat_kw("AS") {
            break;
        } else {
            return Err(c.unexpected("expected AS and the view's query"));
        }
    }
    view.query_text = query_after_as(c, text)?;
    Ok(view)
}

/// The text of the query at the cursor (after `AS`), checked to parse now
/// rather than when the view is first read; consumes the rest.
fn query_after_as(c: &mut Cursor, text: &str) -> Result<String> {
    let rest = c.rest();
    let start = rest.first().map(|t| t.span.start).ok_or_else(|| c.unexpected("expected the view's query"))?;
    let query_text = text_from(text, start.line as usize, start.column as usize).trim().to_string();
    view_query(&query_text)?;
    *c = Cursor::new(vec![]);
    Ok(query_text)
}

/// Parses after `ALTER VIEW`: only `v AS query`, a new definition for the
/// view (the other forms would change what Hive keeps only for tables here).
pub fn parse_alter_view(c: &mut Cursor, text: &str) -> Result<CreateView> {
    let name = c.table_name()?;
    if !c.eat_kw("AS") {
        return Err(SqlError::Unsupported("ALTER VIEW other than ALTER VIEW ... AS".into()));
    }
    Ok(CreateView {
        name,
        or_replace: true,
        alter: true,
        if_not_exists: false,
        columns: vec![],
        comment: None,
        partitioned_on: vec![],
        properties: vec![],
        query_text: query_after_as(c, text)?,
    })
}

/// `text` from 1-based `line` and `column` (in characters) on.
fn text_from(text: &str, line: usize, column: usize) -> &str {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let within = l.char_indices().nth(column.saturating_sub(1)).map_or(l.len(), |(at, _)| at);
            return &text[offset + within..];
        }
        offset += l.len();
    }
    ""
}

/// The view's text parsed as a query, through the same statement parser as any query.
fn view_query(text: &str) -> Result<Query> {
    match parse_command(text)? {
        Command::Query(q) => Ok(*q),
        _ => Err(SqlError::Semantic("a view's definition must be a query".into())),
    }
}

impl TableDef {
    /// Whether this catalog entry is a view.
    pub fn is_view(&self) -> bool {
        self.view.is_some()
    }

    /// Hive's table type, as the metastore reports it.
    pub fn table_type(&self) -> &'static str {
        match (&self.view, self.external) {
            (Some(_), _) => "VIRTUAL_VIEW",
            (None, true) => "EXTERNAL_TABLE",
            (None, false) => "MANAGED_TABLE",
        }
    }
}

impl JobSession<'_> {
    pub(crate) async fn create_view(&mut self, v: CreateView, out: &mut Output<'_>) -> Result<()> {
        let (db, name) = v.name.resolve(&self.current_db);
        self.database(&db).await?;
        let existing = self.catalog.get_table(&db, &name).await?;
        if v.alter && existing.is_none() {
            return Err(SqlError::TableNotFound(format!("{db}.{name}")));
        }
        if let Some(existing) = existing {
            if v.or_replace && existing.is_view() {
                // Replaced below, once the new query is known to plan.
            } else if v.or_replace {
                return Err(SqlError::Semantic(format!("Existing table is not a view: {db}.{name}")));
            } else if v.if_not_exists {
                writeln!(out.stderr, "Table {db}.{name} already exists, skipped")?;
                return Ok(());
            } else {
                return Err(SqlError::TableExists(format!("{db}.{name}")));
            }
        }
        // Planning the query checks it and gives the view's column types.
        let df = self.query_df(view_query(&v.query_text)?).await?;
        let fields = df.schema().fields();
        if !v.columns.is_empty() && v.columns.len() != fields.len() {
            return Err(SqlError::Semantic(format!(
                "the number of columns produced by the SELECT clause ({}) does not match the number of column names specified by CREATE VIEW ({})",
                fields.len(),
                v.columns.len()
            )));
        }
        let mut columns: Vec<ColumnDef> = Vec::new();
        for (i, field) in fields.iter().enumerate() {
            let (column, comment) = match v.columns.get(i) {
                Some((n, c)) => (n.to_lowercase(), c.clone()),
                None => (field.name().to_lowercase(), None),
            };
            if columns.iter().any(|c| c.name == column) {
                return Err(SqlError::Semantic(format!("duplicate column name '{column}' in view {db}.{name}")));
            }
            columns.push(ColumnDef { name: column, data_type: arrow_to_hive(field.data_type())?, comment });
        }
        // Hive: the partition columns must be the view's last columns, in order.
        let split = columns.len().saturating_sub(v.partitioned_on.len());
        let trailing: Vec<&str> = columns[split..].iter().map(|c| c.name.as_str()).collect();
        let wanted: Vec<String> = v.partitioned_on.iter().map(|p| p.to_lowercase()).collect();
        if !wanted.is_empty() && (wanted.len() >= columns.len() || trailing != wanted) {
            return Err(SqlError::Semantic(format!(
                "rightmost columns in view output do not match PARTITIONED ON clause ({})",
                wanted.join(", ")
            )));
        }
        let partition_columns = columns.split_off(split);
        let mut properties: BTreeMap<String, String> = v.properties.into_iter().collect();
        if let Some(comment) = v.comment {
            properties.insert("comment".into(), comment);
        }
        let def = TableDef {
            database: db,
            name,
            columns,
            partition_columns,
            // A view has no files; the format is never read.
            format: TableFormat::Text { delimiter: '\u{1}', open_csv: false, skip_header_lines: 0 },
            location: String::new(),
            external: false,
            partitions: vec![],
            properties,
            view: Some(ViewDef { original_text: v.query_text, tables_database: self.current_db.clone() }),
        };
        self.catalog.put_table(&def).await
    }

    /// Hive's `ALTER TABLE` (and `MSCK`, `TRUNCATE`) refuse a view: it has no
    /// partitions, files or location to change.
    pub(crate) async fn reject_altering_view(&self, cmd: &Command) -> Result<()> {
        let name = match cmd {
            Command::AddPartitions { name, .. }
            | Command::DropPartitions { name, .. }
            | Command::Repair { name, .. }
            | Command::Rename { name, .. }
            | Command::SetProperties { name, .. }
            | Command::SetLocation { name, .. }
            | Command::AddColumns { name, .. } => name,
            _ => return Ok(()),
        };
        let (db, t) = name.resolve(&self.current_db);
        match self.catalog.get_table(&db, &t).await? {
            Some(def) if def.is_view() => {
                Err(SqlError::Semantic(format!("Cannot alter a view with ALTER TABLE: {db}.{t}")))
            }
            _ => Ok(()),
        }
    }

    /// `DROP VIEW`: Hive drops only views with it.
    pub(crate) async fn drop_view(&mut self, name: &TableName, if_exists: bool) -> Result<()> {
        let (db, t) = name.resolve(&self.current_db);
        match self.catalog.get_table(&db, &t).await? {
            Some(def) if def.is_view() => self.catalog.drop_table(&db, &t).await,
            Some(_) if if_exists => Ok(()),
            Some(_) => Err(SqlError::Semantic(format!("Cannot drop a base table with DROP VIEW: {db}.{t}"))),
            // Hive's hive.exec.drop.ignorenonexistent (default true).
            None if if_exists || self.conf_flag("hive.exec.drop.ignorenonexistent", true) => Ok(()),
            None => Err(SqlError::TableNotFound(format!("{db}.{t}"))),
        }
    }

    /// Replaces every view `query` names (views in views too) by its query.
    pub(crate) async fn expand_views(&self, query: &mut Query) -> Result<()> {
        for _ in 0..MAX_VIEW_DEPTH {
            let mut views: BTreeMap<(String, String), (Query, Vec<TableAliasColumnDef>)> = BTreeMap::new();
            for (db, name) in referenced_tables(query, &self.current_db) {
                let Some(def) = self.catalog.get_table(&db, &name).await? else { continue };
                let Some(view) = &def.view else { continue };
                let mut view_query = view_query(&view.original_text)?;
                rewrite_query(&mut view_query, &self.current_db)?;
                let tables_database =
                    if view.tables_database.is_empty() { &def.database } else { &view.tables_database };
                qualify_tables(&mut view_query, tables_database);
                views.insert((db, name), (view_query, view_columns(&def)));
            }
            if views.is_empty() {
                return Ok(());
            }
            let mut expander = Expander { current_db: &self.current_db, views: &views };
            let _ = query.visit(&mut expander);
        }
        Err(SqlError::Semantic(format!("views nested deeper than {MAX_VIEW_DEPTH} levels (does a view read itself?)")))
    }
}

/// The view's column names, for the alias of the derived table that replaces it.
fn view_columns(def: &TableDef) -> Vec<TableAliasColumnDef> {
    def.columns.iter().chain(&def.partition_columns).map(|c| TableAliasColumnDef::from_name(c.name.as_str())).collect()
}

/// The lower-cased last part and, if given, database of a table name.
fn name_parts(name: &ObjectName) -> Option<(Option<String>, String)> {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| match p {
            ObjectNamePart::Identifier(i) => Some(i.value.to_lowercase()),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    match parts.as_slice() {
        [t] => Some((None, t.clone())),
        [db, t] => Some((Some(db.clone()), t.clone())),
        _ => None,
    }
}

/// Names a query's `WITH` clauses define anywhere in it: a table reference
/// with one of these names is (approximately, ignoring scope) a CTE.
fn cte_names(query: &Query) -> BTreeSet<String> {
    struct Ctes(BTreeSet<String>);
    impl Visitor for Ctes {
        type Break = ();
        fn pre_visit_query(&mut self, q: &Query) -> ControlFlow<()> {
            if let Some(with) = &q.with {
                self.0.extend(with.cte_tables.iter().map(|c| c.alias.name.value.to_lowercase()));
            }
            ControlFlow::Continue(())
        }
    }
    let mut ctes = Ctes(BTreeSet::new());
    let _ = query.visit(&mut ctes);
    ctes.0
}

/// `(db, table)` of every table the query reads that is not a CTE.
fn referenced_tables(query: &Query, current_db: &str) -> BTreeSet<(String, String)> {
    struct Tables<'a> {
        ctes: BTreeSet<String>,
        current_db: &'a str,
        found: BTreeSet<(String, String)>,
    }
    impl Visitor for Tables<'_> {
        type Break = ();
        fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
            if let TableFactor::Table { name, args: None, .. } = factor {
                match name_parts(name) {
                    Some((None, t)) if self.ctes.contains(&t) => {}
                    Some((db, t)) => {
                        self.found.insert((db.unwrap_or_else(|| self.current_db.to_string()), t));
                    }
                    None => {}
                }
            }
            ControlFlow::Continue(())
        }
    }
    let mut tables = Tables { ctes: cte_names(query), current_db, found: BTreeSet::new() };
    let _ = query.visit(&mut tables);
    tables.found
}

/// Qualifies the view query's unqualified tables (not its CTEs) with the
/// database Hive resolved them in when the view was created.
fn qualify_tables(query: &mut Query, database: &str) {
    struct Qualify<'a> {
        ctes: BTreeSet<String>,
        database: &'a str,
    }
    impl VisitorMut for Qualify<'_> {
        type Break = ();
        fn pre_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<()> {
            if let TableFactor::Table { name, args: None, .. } = factor {
                if let Some((None, t)) = name_parts(name) {
                    if !self.ctes.contains(&t) {
                        name.0.insert(0, ObjectNamePart::Identifier(Ident::new(self.database)));
                    }
                }
            }
            ControlFlow::Continue(())
        }
    }
    let mut qualify = Qualify { ctes: cte_names(query), database };
    let _ = query.visit(&mut qualify);
}

/// Replaces references to the given views by derived tables of their queries.
struct Expander<'a> {
    current_db: &'a str,
    views: &'a BTreeMap<(String, String), (Query, Vec<TableAliasColumnDef>)>,
}

impl VisitorMut for Expander<'_> {
    type Break = ();

    // After the children, so a view's own query is expanded in the next round
    // (and a view reading itself stops at the depth limit, not here).
    fn post_visit_table_factor(&mut self, factor: &mut TableFactor) -> ControlFlow<()> {
        let TableFactor::Table { name, alias, args: None, .. } = factor else { return ControlFlow::Continue(()) };
        let Some((db, t)) = name_parts(name) else { return ControlFlow::Continue(()) };
        let key = (db.clone().unwrap_or_else(|| self.current_db.to_string()), t.clone());
        let Some((view_query, columns)) = self.views.get(&key) else { return ControlFlow::Continue(()) };
        // The reference's alias (or the view's name) names the derived table;
        // its columns are the view's unless the reference renames them.
        let mut alias = alias.clone().unwrap_or_else(|| TableAlias { name: Ident::new(&t), columns: vec![] });
        if alias.columns.is_empty() {
            alias.columns = columns.clone();
        }
        *factor = TableFactor::Derived { lateral: false, subquery: Box::new(view_query.clone()), alias: Some(alias) };
        ControlFlow::Continue(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::tokenize;

    fn create(sql: &str) -> Result<CreateView> {
        let mut c = Cursor::new(tokenize(sql)?);
        c.expect_kw("CREATE")?;
        c.expect_kw("VIEW")?;
        parse_create_view(&mut c, sql)
    }

    #[test]
    fn parses_create_view_with_its_original_text() {
        let v = create(
            "CREATE VIEW IF NOT EXISTS db.V (k COMMENT 'the key', n)\n COMMENT 'doc' TBLPROPERTIES ('a'='b')\n AS SELECT key,\n  count(*) FROM src GROUP BY key",
        )
        .unwrap();
        assert_eq!(v.name, TableName { database: Some("db".into()), name: "v".into() });
        assert!(v.if_not_exists);
        assert_eq!(v.columns, vec![("k".into(), Some("the key".into())), ("n".into(), None)]);
        assert_eq!(v.comment.as_deref(), Some("doc"));
        assert_eq!(v.properties, vec![("a".into(), "b".into())]);
        assert_eq!(v.query_text, "SELECT key,\n  count(*) FROM src GROUP BY key");
        let p = create("create view t1 partitioned on (ds) as select * from x").unwrap();
        assert_eq!(p.partitioned_on, vec!["ds".to_string()]);
        assert!(create("CREATE VIEW v AS DROP TABLE t").is_err());
        assert!(create("CREATE VIEW v").is_err());
    }

    #[test]
    fn finds_tables_but_not_ctes_and_qualifies_them() {
        let Command::Query(q) = parse_command(
            "WITH c AS (SELECT * FROM t1) SELECT * FROM c JOIN db2.t2 ON c.a = t2.a WHERE EXISTS (SELECT 1 FROM t3)",
        )
        .unwrap() else {
            panic!("not a query")
        };
        let mut q = *q;
        let found: Vec<(String, String)> = referenced_tables(&q, "d").into_iter().collect();
        assert_eq!(found, vec![("d".into(), "t1".into()), ("d".into(), "t3".into()), ("db2".into(), "t2".into())]);
        qualify_tables(&mut q, "vdb");
        let text = q.to_string();
        assert!(text.contains("FROM vdb.t1") && text.contains("FROM c JOIN db2.t2") && text.contains("FROM vdb.t3"));
    }

    #[test]
    fn parses_alter_view_as_a_replacing_definition() {
        let Ok(Command::CreateView(v)) = parse_command("ALTER VIEW db.v AS\n  SELECT a FROM t") else {
            panic!("not a view definition")
        };
        assert!(v.alter && v.or_replace);
        assert_eq!(v.name, TableName { database: Some("db".into()), name: "v".into() });
        assert_eq!(v.query_text, "SELECT a FROM t");
        assert!(matches!(parse_command("ALTER VIEW v RENAME TO w"), Err(SqlError::Unsupported(_))));
        assert!(matches!(parse_command("DROP VIEW IF EXISTS v"), Ok(Command::DropView { if_exists: true, .. })));
    }

    #[test]
    fn text_from_counts_lines_and_characters() {
        assert_eq!(text_from("ab\ncdé f", 2, 4), " f");
        assert_eq!(text_from("ab", 3, 1), "");
    }
}
