//! `ALTER TABLE ... REPLACE COLUMNS`: which tables and type changes Hive allows.
//!
//! Replacing the columns rewrites only the schema, never the files, so the
//! old data is read with the new types. Hive therefore refuses SerDes that
//! store their own schema (JSON, OpenCSV) and, unless
//! `hive.metastore.disallow.incompatible.col.type.changes` is false, a type
//! change at a position that the old values could not be implicitly
//! converted from (`MetaStoreUtils.throwExceptionIfIncompatibleColTypeChange`).

use std::collections::BTreeMap;

use crate::catalog::{ColumnDef, TableDef, TableFormat};
use crate::error::{Result, SqlError};

const DISALLOW_KEY: &str = "hive.metastore.disallow.incompatible.col.type.changes";

/// Errors as Hive does for replacing `def`'s data columns with `new`.
pub fn check(def: &TableDef, new: &[ColumnDef], hiveconf: &BTreeMap<String, String>) -> Result<()> {
    if matches!(def.format, TableFormat::Json | TableFormat::Text { open_csv: true, .. }) {
        return Err(SqlError::Semantic(format!(
            "Replace columns is not supported for table {}. SerDe may be incompatible.",
            def.qualified_name()
        )));
    }
    let disallow = hiveconf.get(DISALLOW_KEY).is_none_or(|v| !v.trim().eq_ignore_ascii_case("false"));
    if !disallow {
        return Ok(());
    }
    let incompatible: Vec<&str> = def
        .columns
        .iter()
        .zip(new)
        .filter(|(old, new)| !implicitly_convertible(&old.data_type, &new.data_type))
        .map(|(_, new)| new.name.as_str())
        .collect();
    if incompatible.is_empty() {
        return Ok(());
    }
    Err(SqlError::Semantic(format!(
        "Unable to alter table. The following columns have types incompatible with the existing columns in their \
         respective positions :\n{}",
        incompatible.join(",")
    )))
}

enum Group {
    String,
    Numeric(u8),
    Date,
    Other,
}

/// A primitive type's group (numbers with their widening order); `None` for nested types.
fn group(hive_type: &str) -> Option<Group> {
    let base = hive_type.split(['(', '<']).next().unwrap_or(hive_type).trim();
    Some(match base {
        "string" | "varchar" | "char" => Group::String,
        "tinyint" => Group::Numeric(0),
        "smallint" => Group::Numeric(1),
        "int" | "integer" => Group::Numeric(2),
        "bigint" => Group::Numeric(3),
        "float" => Group::Numeric(4),
        "double" => Group::Numeric(5),
        "decimal" | "numeric" => Group::Numeric(6),
        "date" | "timestamp" => Group::Date,
        "array" | "map" | "struct" | "uniontype" => return None,
        _ => Group::Other,
    })
}

/// Hive's `TypeInfoUtils.implicitConvertible` on type names.
fn implicitly_convertible(from: &str, to: &str) -> bool {
    if from == to {
        return true;
    }
    match (group(from), group(to)) {
        (Some(Group::String), Some(Group::String)) => true,
        // Strings convert to double and decimal only.
        (Some(Group::String), Some(Group::Numeric(n))) => n >= 5,
        (Some(Group::Date | Group::Numeric(_)), Some(Group::String)) => true,
        // Numbers only widen.
        (Some(Group::Numeric(f)), Some(Group::Numeric(t))) => f <= t,
        // Nested types only to themselves, checked above.
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_hive_implicit_conversions() {
        assert!(implicitly_convertible("int", "bigint"));
        assert!(implicitly_convertible("int", "double"));
        assert!(!implicitly_convertible("double", "int"));
        assert!(implicitly_convertible("string", "double"));
        assert!(!implicitly_convertible("string", "int"));
        assert!(implicitly_convertible("bigint", "string"));
        assert!(implicitly_convertible("timestamp", "string"));
        assert!(implicitly_convertible("decimal(10,2)", "decimal(12,4)"));
        assert!(!implicitly_convertible("array<int>", "int"));
        assert!(implicitly_convertible("array<int>", "array<int>"));
        assert!(!implicitly_convertible("boolean", "int"));
        assert!(implicitly_convertible("varchar(10)", "string"));
    }

    #[test]
    fn the_setting_turns_the_type_check_off() {
        let def = TableDef {
            database: "default".into(),
            name: "t".into(),
            columns: vec![ColumnDef { name: "a".into(), data_type: "array<int>".into(), comment: None }],
            partition_columns: vec![],
            format: TableFormat::Text { delimiter: '\u{1}', open_csv: false, skip_header_lines: 0 },
            location: "s3://b/t".into(),
            external: false,
            partitions: vec![],
            properties: BTreeMap::new(),
            view: None,
        };
        let new = [ColumnDef { name: "r1".into(), data_type: "int".into(), comment: None }];
        let err = check(&def, &new, &BTreeMap::new()).unwrap_err().to_string();
        assert!(err.contains("incompatible with the existing columns in their respective positions :\nr1"), "{err}");
        let off = BTreeMap::from([(DISALLOW_KEY.to_string(), "false".to_string())]);
        assert!(check(&def, &new, &off).is_ok());
    }
}
