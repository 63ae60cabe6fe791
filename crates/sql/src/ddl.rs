//! Parsing Hive DDL that sqlparser does not model: `CREATE TABLE` with
//! `ROW FORMAT`/`SERDEPROPERTIES`/`STORED AS`/`TBLPROPERTIES`, and the storage
//! clauses shared with `INSERT OVERWRITE DIRECTORY`.
//!
//! The grammar follows the Hive language manual; clauses are accepted in any
//! order because real scripts are not consistent about it. Storage clauses are
//! resolved to a `TableFormat` here so an unsupported SerDe or file format is a
//! parse-time error naming it, never a table that reads as something else.

use std::collections::BTreeMap;

use datafusion::sql::sqlparser::ast::Query;
use datafusion::sql::sqlparser::tokenizer::Token;

use crate::catalog::{ColumnDef, TableFormat};
use crate::dialect::{Cursor, TableName};
use crate::error::{Result, SqlError};
use crate::types::normalize_hive_type;

const OPEN_CSV_SERDE: &str = "org.apache.hadoop.hive.serde2.opencsvserde";
const LAZY_SIMPLE_SERDE: &str = "org.apache.hadoop.hive.serde2.lazy.lazysimpleserde";
const PARQUET_SERDE: &str = "org.apache.hadoop.hive.ql.io.parquet.serde.parquethiveserde";
const JSON_SERDES: [&str; 3] = [
    "org.apache.hive.hcatalog.data.jsonserde",
    "org.openx.data.jsonserde.jsonserde",
    "org.apache.hadoop.hive.serde2.jsonserde",
];

/// `CREATE [EXTERNAL] TABLE ...` in all its forms (plain, `LIKE`, `AS SELECT`).
#[derive(Debug)]
pub struct CreateTable {
    pub name: TableName,
    pub external: bool,
    pub if_not_exists: bool,
    pub columns: Vec<ColumnDef>,
    pub partition_columns: Vec<ColumnDef>,
    pub comment: Option<String>,
    pub storage: StorageSpec,
    pub location: Option<String>,
    pub properties: Vec<(String, String)>,
    pub like: Option<TableName>,
    pub query: Option<Box<Query>>,
}

/// `ROW FORMAT ...`, `STORED AS ...` and `WITH SERDEPROPERTIES`.
#[derive(Debug, Default, Clone)]
pub struct StorageSpec {
    pub field_delimiter: Option<String>,
    pub null_format: Option<String>,
    pub serde: Option<String>,
    pub serde_properties: Vec<(String, String)>,
    pub stored_as: Option<String>,
}

impl StorageSpec {
    /// Parses any storage clauses at the cursor; returns whether one was found.
    pub fn parse_clause(&mut self, c: &mut Cursor) -> Result<bool> {
        if c.eat_kws(&["ROW", "FORMAT"]) {
            if c.eat_kw("DELIMITED") {
                self.parse_delimited(c)?;
            } else if c.eat_kw("SERDE") {
                self.serde = Some(c.string()?);
                if c.eat_kws(&["WITH", "SERDEPROPERTIES"]) {
                    self.serde_properties = c.properties()?;
                }
            } else {
                return Err(c.unexpected("expected DELIMITED or SERDE"));
            }
            return Ok(true);
        }
        if c.eat_kws(&["WITH", "SERDEPROPERTIES"]) {
            self.serde_properties = c.properties()?;
            return Ok(true);
        }
        if c.eat_kws(&["STORED", "AS"]) {
            if c.is_kw("INPUTFORMAT") {
                return Err(SqlError::Unsupported("STORED AS INPUTFORMAT ... OUTPUTFORMAT".into()));
            }
            self.stored_as = Some(c.ident()?.to_ascii_uppercase());
            return Ok(true);
        }
        Ok(false)
    }

    fn parse_delimited(&mut self, c: &mut Cursor) -> Result<()> {
        loop {
            if c.eat_kws(&["FIELDS", "TERMINATED", "BY"]) {
                self.field_delimiter = Some(c.string()?);
                if c.eat_kws(&["ESCAPED", "BY"]) {
                    c.string()?;
                }
            } else if c.eat_kws(&["COLLECTION", "ITEMS", "TERMINATED", "BY"]) {
                // Hive's own (misspelled) property name.
                self.serde_properties.push(("colelction.delim".into(), c.string()?));
            } else if c.eat_kws(&["MAP", "KEYS", "TERMINATED", "BY"]) {
                self.serde_properties.push(("mapkey.delim".into(), c.string()?));
            } else if c.eat_kws(&["LINES", "TERMINATED", "BY"]) {
                if c.string()? != "\n" {
                    return Err(SqlError::Unsupported("LINES TERMINATED BY other than '\\n'".into()));
                }
            } else if c.eat_kws(&["NULL", "DEFINED", "AS"]) {
                self.null_format = Some(c.string()?);
            } else {
                return Ok(());
            }
        }
    }

    /// Resolves the clauses to a format plus the properties Hive would record.
    pub fn to_format(
        &self,
        table_properties: &BTreeMap<String, String>,
    ) -> Result<(TableFormat, BTreeMap<String, String>)> {
        let mut props: BTreeMap<String, String> = self.serde_properties.iter().cloned().collect();
        if let Some(n) = &self.null_format {
            props.insert("serialization.null.format".into(), n.clone());
        }
        let serde = self.serde.as_deref().map(str::to_ascii_lowercase);
        let skip_header = match table_properties.get("skip.header.line.count") {
            Some(v) => v
                .trim()
                .parse::<u32>()
                .map_err(|_| SqlError::Semantic(format!("invalid skip.header.line.count '{v}'")))?,
            None => 0,
        };
        if skip_header > 1 {
            return Err(SqlError::Unsupported("skip.header.line.count greater than 1".into()));
        }
        let stored = self.stored_as.as_deref();
        let format = match (serde.as_deref(), stored) {
            (Some(OPEN_CSV_SERDE), None | Some("TEXTFILE")) => {
                let sep = props.get("separatorChar").map(String::as_str).unwrap_or(",");
                for key in ["quoteChar", "escapeChar"] {
                    if let Some(v) = props.get(key) {
                        single_char(key, v)?;
                    }
                }
                TableFormat::Text {
                    delimiter: single_char("separatorChar", sep)?,
                    open_csv: true,
                    skip_header_lines: skip_header,
                }
            }
            (Some(LAZY_SIMPLE_SERDE) | None, None | Some("TEXTFILE")) => {
                let delim = self
                    .field_delimiter
                    .clone()
                    .or_else(|| props.get("field.delim").cloned())
                    .or_else(|| props.get("serialization.format").cloned())
                    .unwrap_or_else(|| "\u{1}".into());
                TableFormat::Text {
                    delimiter: hive_delimiter(&delim)?,
                    open_csv: false,
                    skip_header_lines: skip_header,
                }
            }
            (Some(PARQUET_SERDE) | None, Some("PARQUET" | "PARQUETFILE")) | (Some(PARQUET_SERDE), None) => {
                TableFormat::Parquet
            }
            (Some(s), None | Some("TEXTFILE")) if JSON_SERDES.contains(&s) => TableFormat::Json,
            (None, Some("JSONFILE")) => TableFormat::Json,
            (Some(s), _) => {
                return Err(SqlError::Unsupported(format!(
                    "ROW FORMAT SERDE '{s}' with STORED AS {}",
                    stored.unwrap_or("TEXTFILE")
                )))
            }
            (None, Some(other)) => return Err(SqlError::Unsupported(format!("STORED AS {other}"))),
        };
        Ok((format, props))
    }
}

/// Hive's `LazySerDeParameters.getByte`: a numeric string is a byte value
/// (`'9'` is a tab), anything else uses its first character.
pub(crate) fn hive_delimiter(spec: &str) -> Result<char> {
    if let Ok(b) = spec.parse::<i8>() {
        return Ok(char::from(b as u8));
    }
    single_char("field delimiter", spec)
}

fn single_char(what: &str, s: &str) -> Result<char> {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii() => Ok(c),
        _ => Err(SqlError::Unsupported(format!("{what} '{}' (only single ASCII characters)", s.escape_default()))),
    }
}

/// Parses after `CREATE [EXTERNAL] TABLE`.
pub fn parse_create_table(c: &mut Cursor, external: bool) -> Result<CreateTable> {
    let if_not_exists = c.eat_kws(&["IF", "NOT", "EXISTS"]);
    let name = c.table_name()?;
    let mut t = CreateTable {
        name,
        external,
        if_not_exists,
        columns: vec![],
        partition_columns: vec![],
        comment: None,
        storage: StorageSpec::default(),
        location: None,
        properties: vec![],
        like: None,
        query: None,
    };
    if c.eat_kw("LIKE") {
        t.like = Some(c.table_name()?);
    } else if c.peek() == &Token::LParen {
        t.columns = column_list(c)?;
    }
    loop {
        if t.storage.parse_clause(c)? {
            continue;
        }
        if c.eat_kw("COMMENT") {
            t.comment = Some(c.string()?);
        } else if c.eat_kws(&["PARTITIONED", "BY"]) {
            t.partition_columns = column_list(c)?;
        } else if c.eat_kws(&["CLUSTERED", "BY"]) {
            // Bucketing only shapes how Hive writes files; readers ignore it.
            skip_parens(c)?;
            if c.eat_kws(&["SORTED", "BY"]) {
                skip_parens(c)?;
            }
            c.expect_kw("INTO")?;
            c.number()?;
            c.expect_kw("BUCKETS")?;
        } else if c.eat_kw("LOCATION") {
            t.location = Some(c.string()?);
        } else if c.eat_kw("TBLPROPERTIES") {
            t.properties = c.properties()?;
        } else if c.eat_kw("AS") {
            t.query = Some(crate::parse::parse_query_tokens(c)?);
            break;
        } else if c.at_end() {
            break;
        } else {
            return Err(c.unexpected("unexpected clause in CREATE TABLE"));
        }
    }
    if t.query.is_some() && (!t.columns.is_empty() || !t.partition_columns.is_empty()) {
        return Err(SqlError::Unsupported("CREATE TABLE AS SELECT with a column list or PARTITIONED BY".into()));
    }
    if t.query.is_none() && t.like.is_none() && t.columns.is_empty() {
        return Err(SqlError::Parse("CREATE TABLE needs a column list, LIKE or AS SELECT".into()));
    }
    Ok(t)
}

/// `(name type [COMMENT '...'], ...)`
fn column_list(c: &mut Cursor) -> Result<Vec<ColumnDef>> {
    c.expect(&Token::LParen)?;
    let mut cols = Vec::new();
    loop {
        let name = c.ident()?;
        let data_type = normalize_hive_type(&c.type_text()?)?;
        let comment = if c.eat_kw("COMMENT") { Some(c.string()?) } else { None };
        if cols.iter().any(|col: &ColumnDef| col.name == name) {
            return Err(SqlError::Semantic(format!("duplicate column name '{name}'")));
        }
        cols.push(ColumnDef { name, data_type, comment });
        if !c.eat(&Token::Comma) {
            break;
        }
    }
    c.expect(&Token::RParen)?;
    Ok(cols)
}

fn skip_parens(c: &mut Cursor) -> Result<()> {
    c.expect(&Token::LParen)?;
    let mut depth = 1;
    while depth > 0 {
        match c.peek() {
            Token::EOF => return Err(c.unexpected("unbalanced parentheses")),
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            _ => {}
        }
        c.eat(&c.peek().clone());
    }
    Ok(())
}

/// `CREATE (DATABASE|SCHEMA) [IF NOT EXISTS] name [COMMENT ..] [LOCATION ..] [WITH DBPROPERTIES (..)]`
#[derive(Debug)]
pub struct CreateDatabase {
    pub name: String,
    pub if_not_exists: bool,
    pub comment: Option<String>,
    pub location: Option<String>,
    pub properties: Vec<(String, String)>,
}

pub fn parse_create_database(c: &mut Cursor) -> Result<CreateDatabase> {
    let if_not_exists = c.eat_kws(&["IF", "NOT", "EXISTS"]);
    let mut d = CreateDatabase { name: c.ident()?, if_not_exists, comment: None, location: None, properties: vec![] };
    loop {
        if c.eat_kw("COMMENT") {
            d.comment = Some(c.string()?);
        } else if c.eat_kw("LOCATION") || c.eat_kw("MANAGEDLOCATION") {
            d.location = Some(c.string()?);
        } else if c.eat_kws(&["WITH", "DBPROPERTIES"]) {
            d.properties = c.properties()?;
        } else {
            c.expect_end()?;
            return Ok(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dialect::tokenize;

    fn create(sql: &str) -> Result<CreateTable> {
        let mut c = Cursor::new(tokenize(sql)?);
        c.expect_kw("CREATE")?;
        let external = c.eat_kw("EXTERNAL");
        c.expect_kw("TABLE")?;
        parse_create_table(&mut c, external)
    }

    #[test]
    fn parses_open_csv_external_table() {
        let t = create(
            "CREATE EXTERNAL TABLE IF NOT EXISTS db.`T` (a string COMMENT 'x', b decimal(10, 2), c array<struct<x:int>>)
             PARTITIONED BY (dt string)
             ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
             WITH SERDEPROPERTIES ('separatorChar' = ';')
             STORED AS TEXTFILE LOCATION 's3://b/p/' TBLPROPERTIES ('skip.header.line.count'='1')",
        )
        .unwrap();
        assert_eq!(t.name, TableName { database: Some("db".into()), name: "t".into() });
        assert!(t.external && t.if_not_exists);
        assert_eq!(t.columns[1].data_type, "decimal(10,2)");
        assert_eq!(t.columns[2].data_type, "array<struct<x:int>>");
        assert_eq!(t.partition_columns[0].name, "dt");
        let props = t.properties.iter().cloned().collect();
        let (format, _) = t.storage.to_format(&props).unwrap();
        assert_eq!(format, TableFormat::Text { delimiter: ';', open_csv: true, skip_header_lines: 1 });
    }

    #[test]
    fn resolves_delimiters_and_formats() {
        let t = create("CREATE TABLE t (a int) ROW FORMAT DELIMITED FIELDS TERMINATED BY '\\001'").unwrap();
        let (f, _) = t.storage.to_format(&BTreeMap::new()).unwrap();
        assert_eq!(f, TableFormat::Text { delimiter: '\u{1}', open_csv: false, skip_header_lines: 0 });
        let t = create("CREATE TABLE t (a int) ROW FORMAT DELIMITED FIELDS TERMINATED BY '9'").unwrap();
        assert!(matches!(t.storage.to_format(&BTreeMap::new()).unwrap().0, TableFormat::Text { delimiter: '\t', .. }));
        let t = create("CREATE TABLE t (a int) STORED AS ORC").unwrap();
        assert!(t.storage.to_format(&BTreeMap::new()).unwrap_err().to_string().contains("STORED AS ORC"));
        let t = create("CREATE TABLE t (a int) STORED AS JSONFILE").unwrap();
        assert_eq!(t.storage.to_format(&BTreeMap::new()).unwrap().0, TableFormat::Json);
        assert!(create("CREATE TABLE t (a int) BOGUS").is_err());
    }

    #[test]
    fn keeps_collection_and_map_key_delimiters() {
        let t = create(
            "CREATE TABLE t (a array<int>, m map<string,int>) ROW FORMAT DELIMITED FIELDS TERMINATED BY '\t'
             COLLECTION ITEMS TERMINATED BY ',' MAP KEYS TERMINATED BY ':'",
        )
        .unwrap();
        let (_, props) = t.storage.to_format(&BTreeMap::new()).unwrap();
        assert_eq!(props.get("colelction.delim").map(String::as_str), Some(","));
        assert_eq!(props.get("mapkey.delim").map(String::as_str), Some(":"));
    }
}
