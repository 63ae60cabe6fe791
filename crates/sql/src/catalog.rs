//! The table catalog: what a Hive metastore (or the Glue Data Catalog) holds.
//!
//! Table definitions outlive a job run, so they live behind the `Catalog`
//! trait, which the control plane implements over its durable store. The
//! definitions are plain serde data so that store can keep them as JSON.
//! `InMemoryCatalog` serves tests and one-off runs.

use std::collections::BTreeMap;
use std::sync::Mutex;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::error::{Result, SqlError};

/// The database every session starts in; it exists without being created.
pub const DEFAULT_DATABASE: &str = "default";

/// A database (Hive schema).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct DatabaseDef {
    pub name: String,
    /// Where managed tables of this database live by default (a URI).
    pub location: String,
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
}

/// A column with its Hive type name (`string`, `bigint`, `decimal(10,2)`, `array<int>`...).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ColumnDef {
    pub name: String,
    pub data_type: String,
    #[serde(default)]
    pub comment: Option<String>,
}

/// How a table's files are encoded.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "kind")]
pub enum TableFormat {
    /// Delimited text: `LazySimpleSerDe` (no quoting, `\N` is NULL) or, with
    /// `open_csv`, `OpenCSVSerde` (quoted CSV, every column a string).
    Text {
        delimiter: char,
        open_csv: bool,
        skip_header_lines: u32,
    },
    Parquet,
    /// One JSON object per line (`JsonSerDe`, `STORED AS JSONFILE`).
    Json,
}

impl TableFormat {
    /// The Hive SerDe, InputFormat and OutputFormat class names, as
    /// `DESCRIBE FORMATTED` and the metastore report them.
    pub fn hive_classes(&self) -> (&'static str, &'static str, &'static str) {
        const TEXT_INPUT: &str = "org.apache.hadoop.mapred.TextInputFormat";
        const TEXT_OUTPUT: &str = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";
        match self {
            TableFormat::Text { open_csv: true, .. } => {
                ("org.apache.hadoop.hive.serde2.OpenCSVSerde", TEXT_INPUT, TEXT_OUTPUT)
            }
            TableFormat::Text { .. } => ("org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe", TEXT_INPUT, TEXT_OUTPUT),
            TableFormat::Parquet => (
                "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
            ),
            TableFormat::Json => ("org.apache.hive.hcatalog.data.JsonSerDe", TEXT_INPUT, TEXT_OUTPUT),
        }
    }

    /// The `STORED AS` keyword of the format.
    pub fn stored_as(&self) -> &'static str {
        match self {
            TableFormat::Text { .. } => "TEXTFILE",
            TableFormat::Parquet => "PARQUET",
            TableFormat::Json => "JSONFILE",
        }
    }
}

/// A registered partition: its values in partition-column order, and where its files are.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PartitionDef {
    pub values: Vec<(String, String)>,
    pub location: String,
}

impl PartitionDef {
    /// Hive's partition name, `k1=v1/k2=v2`, as `SHOW PARTITIONS` prints it.
    pub fn name(&self) -> String {
        self.values.iter().map(|(k, v)| format!("{k}={}", escape_partition_value(v))).collect::<Vec<_>>().join("/")
    }
}

/// A table definition. Names are stored lower-case, as Hive does.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct TableDef {
    pub database: String,
    pub name: String,
    pub columns: Vec<ColumnDef>,
    #[serde(default)]
    pub partition_columns: Vec<ColumnDef>,
    pub format: TableFormat,
    /// Directory URI of the table's data (`s3://bucket/path/`).
    pub location: String,
    /// External tables keep their data when dropped.
    pub external: bool,
    #[serde(default)]
    pub partitions: Vec<PartitionDef>,
    /// TBLPROPERTIES and SERDEPROPERTIES, as written.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// Set when the entry is a view (Hive's `VIRTUAL_VIEW`), which has no files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view: Option<crate::view::ViewDef>,
}

impl TableDef {
    /// `db.name`.
    pub fn qualified_name(&self) -> String {
        format!("{}.{}", self.database, self.name)
    }

    /// The registered partition with exactly these values, if any.
    pub fn partition(&self, values: &[(String, String)]) -> Option<&PartitionDef> {
        self.partitions.iter().find(|p| p.values == values)
    }
}

/// Durable table metadata, the Glue Data Catalog analogue.
///
/// Implementations need not validate; the engine checks existence first.
#[async_trait]
pub trait Catalog: Send + Sync {
    async fn get_database(&self, name: &str) -> Result<Option<DatabaseDef>, SqlError>;
    async fn create_database(&self, db: &DatabaseDef) -> Result<(), SqlError>;
    async fn list_databases(&self) -> Result<Vec<DatabaseDef>, SqlError>;
    async fn get_table(&self, db: &str, name: &str) -> Result<Option<TableDef>, SqlError>;
    /// Creates or replaces the table.
    async fn put_table(&self, table: &TableDef) -> Result<(), SqlError>;
    async fn drop_table(&self, db: &str, name: &str) -> Result<(), SqlError>;
    async fn list_tables(&self, db: &str) -> Result<Vec<TableDef>, SqlError>;
    /// Removes an (empty) database; the engine drops its tables first.
    async fn drop_database(&self, name: &str) -> Result<(), SqlError> {
        Err(SqlError::Unsupported(format!("DROP DATABASE {name} (the catalog cannot drop databases)")))
    }
}

/// A process-local catalog for tests and single runs.
#[derive(Default)]
pub struct InMemoryCatalog {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    databases: BTreeMap<String, DatabaseDef>,
    tables: BTreeMap<(String, String), TableDef>,
}

impl InMemoryCatalog {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Inner>> {
        self.inner.lock().map_err(|_| SqlError::Catalog("in-memory catalog lock poisoned".into()))
    }
}

#[async_trait]
impl Catalog for InMemoryCatalog {
    async fn get_database(&self, name: &str) -> Result<Option<DatabaseDef>> {
        Ok(self.lock()?.databases.get(name).cloned())
    }

    async fn create_database(&self, db: &DatabaseDef) -> Result<()> {
        self.lock()?.databases.insert(db.name.clone(), db.clone());
        Ok(())
    }

    async fn list_databases(&self) -> Result<Vec<DatabaseDef>> {
        Ok(self.lock()?.databases.values().cloned().collect())
    }

    async fn get_table(&self, db: &str, name: &str) -> Result<Option<TableDef>> {
        Ok(self.lock()?.tables.get(&(db.to_string(), name.to_string())).cloned())
    }

    async fn put_table(&self, table: &TableDef) -> Result<()> {
        self.lock()?.tables.insert((table.database.clone(), table.name.clone()), table.clone());
        Ok(())
    }

    async fn drop_table(&self, db: &str, name: &str) -> Result<()> {
        self.lock()?.tables.remove(&(db.to_string(), name.to_string()));
        Ok(())
    }

    async fn list_tables(&self, db: &str) -> Result<Vec<TableDef>> {
        Ok(self.lock()?.tables.values().filter(|t| t.database == db).cloned().collect())
    }

    async fn drop_database(&self, name: &str) -> Result<()> {
        self.lock()?.databases.remove(name);
        Ok(())
    }
}

/// Hive's escaping of partition values in directory names (`FileUtils.escapePathName`).
pub fn escape_partition_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if c.is_control()
            || matches!(c, '"' | '#' | '%' | '\'' | '*' | '/' | ':' | '=' | '?' | '\\' | '{' | '[' | ']' | '^')
        {
            for b in c.to_string().bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Reverses `escape_partition_value`; malformed escapes are kept literally.
pub fn unescape_partition_value(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_values_round_trip_through_escaping() {
        for v in ["2024-01-01", "a/b=c", "50%", "x y"] {
            assert_eq!(unescape_partition_value(&escape_partition_value(v)), v);
        }
        assert_eq!(escape_partition_value("a/b"), "a%2Fb");
        let p =
            PartitionDef { values: vec![("dt".into(), "2024".into()), ("c".into(), "x".into())], location: "".into() };
        assert_eq!(p.name(), "dt=2024/c=x");
    }
}
