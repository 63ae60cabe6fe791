//! `ALTER TABLE` and `SHOW` statements, split from `parse` for size: both are
//! flat lists of Hive clause forms mapped onto `Command`s.

use datafusion::sql::sqlparser::tokenizer::Token;

use super::{partition_spec, Command};
use crate::catalog::ColumnDef;
use crate::dialect::Cursor;
use crate::error::{Result, SqlError};

pub(super) fn parse_alter(c: &mut Cursor) -> Result<Command> {
    let name = c.table_name()?;
    let replace = c.eat_kws(&["REPLACE", "COLUMNS"]);
    if replace || c.eat_kw("ADD") {
        if replace || c.eat_kw("COLUMNS") {
            let mut cols = Vec::new();
            c.expect(&Token::LParen)?;
            loop {
                let col = c.ident()?;
                let data_type = crate::types::normalize_hive_type(&c.type_text()?)?;
                let comment = if c.eat_kw("COMMENT") { Some(c.string()?) } else { None };
                cols.push(ColumnDef { name: col, data_type, comment });
                if !c.eat(&Token::Comma) {
                    break;
                }
            }
            c.expect(&Token::RParen)?;
            // CASCADE also changes each partition's schema; partitions here
            // have none of their own, so both forms mean the same.
            if !c.eat_kw("CASCADE") {
                c.eat_kw("RESTRICT");
            }
            return Ok(Command::AddColumns { name, columns: cols, replace });
        }
        let if_not_exists = c.eat_kws(&["IF", "NOT", "EXISTS"]);
        let mut partitions = Vec::new();
        while c.eat_kw("PARTITION") {
            let spec = partition_spec(c, false)?;
            let location = if c.eat_kw("LOCATION") { Some(c.string()?) } else { None };
            partitions.push((spec, location));
        }
        if partitions.is_empty() {
            return Err(c.unexpected("expected PARTITION"));
        }
        return Ok(Command::AddPartitions { name, if_not_exists, partitions });
    }
    if c.eat_kw("DROP") {
        let if_exists = c.eat_kws(&["IF", "EXISTS"]);
        let mut partitions = Vec::new();
        loop {
            c.expect_kw("PARTITION")?;
            partitions.push(partition_spec(c, false)?);
            if !c.eat(&Token::Comma) {
                break;
            }
        }
        c.eat_kw("PURGE");
        return Ok(Command::DropPartitions { name, if_exists, partitions });
    }
    if c.eat_kws(&["RECOVER", "PARTITIONS"]) {
        return Ok(Command::Repair { name, add: true, drop: false });
    }
    if c.eat_kws(&["RENAME", "TO"]) {
        return Ok(Command::Rename { name, to: c.table_name()? });
    }
    let partition = if c.eat_kw("PARTITION") { Some(partition_spec(c, false)?) } else { None };
    if c.eat_kws(&["SET", "LOCATION"]) {
        return Ok(Command::SetLocation { name, partition, location: c.string()? });
    }
    // The catalog keeps SerDe and table properties in one map, as CREATE
    // TABLE writes them.
    if partition.is_none() && (c.eat_kws(&["SET", "TBLPROPERTIES"]) || c.eat_kws(&["SET", "SERDEPROPERTIES"])) {
        return Ok(Command::SetProperties { name, properties: c.properties()? });
    }
    Err(SqlError::Unsupported(format!("ALTER TABLE {} with this clause", name.name)))
}

pub(super) fn parse_show(c: &mut Cursor) -> Result<Command> {
    if c.eat_kw("DATABASES") || c.eat_kw("SCHEMAS") {
        if c.eat_kw("LIKE") {
            c.string()?;
        }
        return Ok(Command::ShowDatabases);
    }
    if c.eat_kw("TABLES") {
        let database = if c.eat_kw("IN") || c.eat_kw("FROM") { Some(c.ident()?) } else { None };
        c.eat_kw("LIKE");
        let pattern = if matches!(c.peek(), Token::SingleQuotedString(_)) { Some(c.string()?) } else { None };
        return Ok(Command::ShowTables { database, pattern });
    }
    if c.eat_kw("PARTITIONS") {
        return Ok(Command::ShowPartitions(c.table_name()?));
    }
    if c.eat_kw("COLUMNS") {
        if !(c.eat_kw("IN") || c.eat_kw("FROM")) {
            return Err(c.unexpected("expected IN or FROM"));
        }
        return Ok(Command::ShowColumns(c.table_name()?));
    }
    if c.eat_kw("TBLPROPERTIES") {
        return Ok(Command::ShowTblProperties(c.table_name()?));
    }
    if c.eat_kws(&["CREATE", "TABLE"]) {
        return Ok(Command::ShowCreateTable(c.table_name()?));
    }
    Err(c.unexpected("unsupported SHOW statement"))
}
