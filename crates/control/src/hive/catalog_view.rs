//! Read-only views of the HIVE catalog (the metastore HIVE jobs write), for
//! `sparkplane catalog` and anything else that wants to see which databases,
//! tables and partitions jobs have created without running a job.
//!
//! The store keeps the SQL engine's `DatabaseDef`/`TableDef` as opaque JSON;
//! here they become API-shaped views (camelCase, Hive's vocabulary: table
//! type, SerDe, `STORED AS`), so the wire format does not change whenever the
//! engine's internal definitions do. The views also deserialize, so the CLI
//! reads the responses into these same types instead of a second copy.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sparkplane_api::ApiError;
use sparkplane_sql::{ColumnDef, DatabaseDef, TableDef, TableFormat, DEFAULT_DATABASE};

use crate::{ControlError, Controller};

/// Longest database or table name accepted (the Hive metastore's limit).
const MAX_NAME_LEN: usize = 128;

/// A database as the catalog API returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DatabaseView {
    pub name: String,
    /// Absent for `default` until a HIVE job has run: its location is the
    /// warehouse of that first job.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub properties: BTreeMap<String, String>,
}

/// One line of a table listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableSummaryView {
    pub database: String,
    pub name: String,
    /// `EXTERNAL_TABLE` or `MANAGED_TABLE`.
    pub table_type: String,
    /// `TEXTFILE`, `PARQUET` or `JSONFILE`.
    pub stored_as: String,
    pub location: String,
    pub partition_keys: Vec<String>,
    pub partition_count: usize,
}

/// A column with its Hive type name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ColumnView {
    pub name: String,
    #[serde(rename = "type")]
    pub data_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// How a table's files are encoded, in the metastore's terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageView {
    pub stored_as: String,
    pub serde_library: String,
    pub input_format: String,
    pub output_format: String,
    /// The field delimiter of a text table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_delimiter: Option<String>,
    /// Header lines skipped in every file of a text table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip_header_lines: Option<u32>,
}

/// A registered partition: values in partition-key order, like Glue's `Values`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartitionView {
    /// Hive's partition name, `k1=v1/k2=v2`.
    pub name: String,
    pub values: Vec<String>,
    pub location: String,
}

/// Everything the catalog knows about one table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableView {
    pub database: String,
    pub name: String,
    pub table_type: String,
    pub columns: Vec<ColumnView>,
    pub partition_keys: Vec<ColumnView>,
    pub storage: StorageView,
    pub location: String,
    pub properties: BTreeMap<String, String>,
    pub partitions: Vec<PartitionView>,
}

/// A database or table name as Hive's metastore accepts it (letters, digits,
/// underscores), lower-cased as the catalog stores it. Anything else could
/// never name a catalog entry, so it is a 400 rather than a 404.
pub fn catalog_name(kind: &str, name: &str) -> Result<String, ControlError> {
    if name.is_empty() || name.len() > MAX_NAME_LEN || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(ControlError::validation(format!(
            "Invalid {kind} name '{name}': use 1 to {MAX_NAME_LEN} letters, digits or underscores"
        )));
    }
    Ok(name.to_ascii_lowercase())
}

fn table_type(def: &TableDef) -> String {
    def.table_type().to_string()
}

fn column(c: &ColumnDef) -> ColumnView {
    ColumnView { name: c.name.clone(), data_type: c.data_type.clone(), comment: c.comment.clone() }
}

impl From<&TableDef> for TableSummaryView {
    fn from(def: &TableDef) -> Self {
        TableSummaryView {
            database: def.database.clone(),
            name: def.name.clone(),
            table_type: table_type(def),
            stored_as: def.format.stored_as().to_string(),
            location: def.location.clone(),
            partition_keys: def.partition_columns.iter().map(|c| c.name.clone()).collect(),
            partition_count: def.partitions.len(),
        }
    }
}

impl From<&TableDef> for TableView {
    fn from(def: &TableDef) -> Self {
        let (serde_library, input_format, output_format) = def.format.hive_classes();
        let (field_delimiter, skip_header_lines) = match &def.format {
            TableFormat::Text { delimiter, skip_header_lines, .. } => {
                (Some(delimiter.to_string()), Some(*skip_header_lines).filter(|n| *n > 0))
            }
            TableFormat::Parquet | TableFormat::Json => (None, None),
        };
        TableView {
            database: def.database.clone(),
            name: def.name.clone(),
            table_type: table_type(def),
            columns: def.columns.iter().map(column).collect(),
            partition_keys: def.partition_columns.iter().map(column).collect(),
            storage: StorageView {
                stored_as: def.format.stored_as().to_string(),
                serde_library: serde_library.to_string(),
                input_format: input_format.to_string(),
                output_format: output_format.to_string(),
                field_delimiter,
                skip_header_lines,
            },
            location: def.location.clone(),
            properties: def.properties.clone(),
            partitions: def
                .partitions
                .iter()
                .map(|p| PartitionView {
                    name: p.name(),
                    values: p.values.iter().map(|(_, v)| v.clone()).collect(),
                    location: p.location.clone(),
                })
                .collect(),
        }
    }
}

impl From<DatabaseDef> for DatabaseView {
    fn from(db: DatabaseDef) -> Self {
        DatabaseView { name: db.name, location: Some(db.location), comment: db.comment, properties: db.properties }
    }
}

/// A stored catalog document that no longer decodes is a server fault, not
/// the caller's: reported as an internal error naming the entry.
pub(crate) fn decode<T: serde::de::DeserializeOwned>(what: &str, body: &str) -> Result<T, ControlError> {
    serde_json::from_str(body).map_err(|err| {
        tracing::error!(entry = what, error = %err, "unreadable catalog entry");
        ControlError::Api(ApiError::internal(format!("The catalog entry for {what} is unreadable")))
    })
}

impl Controller {
    /// Every database, `default` included even before any job created it
    /// (Hive always has it).
    pub async fn list_catalog_databases(&self) -> Result<Vec<DatabaseView>, ControlError> {
        let mut databases = Vec::new();
        for name in self.store.list_catalog_databases().await? {
            if let Some(body) = self.store.get_catalog_database(&name).await? {
                databases.push(DatabaseView::from(decode::<DatabaseDef>(&name, &body)?));
            }
        }
        if !databases.iter().any(|db| db.name == DEFAULT_DATABASE) {
            databases.insert(
                0,
                DatabaseView {
                    name: DEFAULT_DATABASE.to_string(),
                    location: None,
                    comment: Some("Default Hive database".to_string()),
                    properties: BTreeMap::new(),
                },
            );
        }
        databases.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(databases)
    }

    /// The tables of `database`, by name.
    pub async fn list_catalog_tables(&self, database: &str) -> Result<Vec<TableSummaryView>, ControlError> {
        let database = self.existing_database(database).await?;
        let mut tables = Vec::new();
        for (name, body) in self.store.list_catalog_tables(&database).await? {
            let def: TableDef = decode(&format!("{database}.{name}"), &body)?;
            tables.push(TableSummaryView::from(&def));
        }
        Ok(tables)
    }

    /// One table with its columns, storage and partitions.
    pub async fn get_catalog_table(&self, database: &str, table: &str) -> Result<TableView, ControlError> {
        let database = self.existing_database(database).await?;
        let table = catalog_name("table", table)?;
        let qualified = format!("{database}.{table}");
        match self.store.get_catalog_table(&database, &table).await? {
            Some(body) => Ok(TableView::from(&decode::<TableDef>(&qualified, &body)?)),
            None => Err(ControlError::not_found(format!("Table {qualified} does not exist"))),
        }
    }

    /// The validated, lower-cased name of a database that exists (`default`
    /// always does).
    pub(crate) async fn existing_database(&self, database: &str) -> Result<String, ControlError> {
        let database = catalog_name("database", database)?;
        if database != DEFAULT_DATABASE && self.store.get_catalog_database(&database).await?.is_none() {
            return Err(ControlError::not_found(format!("Database {database} does not exist")));
        }
        Ok(database)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::Arc;

    use sparkplane_api::ErrorCode;
    use sparkplane_sql::PartitionDef;
    use sparkplane_storage::ObjectStorage;
    use sparkplane_store::{SqliteStore, Store};

    use super::*;
    use crate::{ControlConfig, S3ForJobs};

    pub(crate) async fn controller() -> (Arc<Controller>, Arc<dyn Store>, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store: Arc<dyn Store> = Arc::new(SqliteStore::in_memory().await.expect("store"));
        let config = ControlConfig {
            region: "us-east-1".into(),
            account_id: "123456789012".into(),
            data_dir: dir.path().to_path_buf(),
            runtime_dir: dir.path().join("runtimes"),
            python: "python3".into(),
            log_ship_interval: std::time::Duration::from_secs(5),
            auto_stop_minute: std::time::Duration::from_secs(60),
            s3_for_jobs: S3ForJobs::None,
            host: Default::default(),
            host_name: "local".into(),
            advertise_address: None,
            spark_cds: false,
            sandbox: sparkplane_engine::sandbox::Sandbox::unconfined(),
            allowed_local_dirs: Vec::new(),
            direct_bucket_mount: false,
            api_endpoint: None,
            artifact_cache_bytes: sparkplane_storage::DEFAULT_LIMIT_BYTES,
            keep_failed_work_dirs: std::time::Duration::ZERO,
            run_history_retention: std::time::Duration::ZERO,
            containers: None,
        };
        let hosts = Arc::new(sparkplane_hosts::Hosts::load(store.clone(), Default::default(), 0).await.expect("hosts"));
        (Controller::new(store.clone(), Arc::new(ObjectStorage::new(None)), hosts, config), store, dir)
    }

    fn sales() -> TableDef {
        let col =
            |name: &str, data_type: &str| ColumnDef { name: name.into(), data_type: data_type.into(), comment: None };
        TableDef {
            database: "shop".into(),
            name: "sales".into(),
            columns: vec![col("item", "string"), col("amount", "int")],
            partition_columns: vec![col("dt", "string")],
            format: TableFormat::Text { delimiter: ',', open_csv: false, skip_header_lines: 1 },
            location: "s3://data/sales/".into(),
            external: true,
            partitions: vec![PartitionDef {
                values: vec![("dt".into(), "2024-01-01".into())],
                location: "s3://data/sales/dt=2024-01-01/".into(),
            }],
            properties: BTreeMap::from([("skip.header.line.count".into(), "1".into())]),
            view: None,
        }
    }

    async fn put(store: &Arc<dyn Store>, table: &TableDef) {
        let db = DatabaseDef {
            name: table.database.clone(),
            location: "s3://warehouse/shop.db/".into(),
            comment: None,
            properties: BTreeMap::new(),
        };
        store.create_catalog_database(&db.name, &serde_json::to_string(&db).expect("json")).await.expect("db");
        let body = serde_json::to_string(table).expect("json");
        store.put_catalog_table(&table.database, &table.name, &body).await.expect("table");
    }

    #[tokio::test]
    async fn views_of_databases_tables_and_partitions() {
        let (controller, store, _dir) = controller().await;
        put(&store, &sales()).await;

        let databases = controller.list_catalog_databases().await.expect("databases");
        let names: Vec<&str> = databases.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["default", "shop"]);
        assert_eq!(databases[0].location, None);
        assert_eq!(databases[1].location.as_deref(), Some("s3://warehouse/shop.db/"));

        let tables = controller.list_catalog_tables("SHOP").await.expect("tables");
        assert_eq!(tables.len(), 1);
        assert_eq!((tables[0].table_type.as_str(), tables[0].stored_as.as_str()), ("EXTERNAL_TABLE", "TEXTFILE"));
        assert_eq!((tables[0].partition_keys.clone(), tables[0].partition_count), (vec!["dt".to_string()], 1));
        assert!(controller.list_catalog_tables("default").await.expect("default").is_empty());

        let table = controller.get_catalog_table("shop", "Sales").await.expect("table");
        let json = serde_json::to_value(&table).expect("json");
        assert_eq!(json["columns"][1], serde_json::json!({"name": "amount", "type": "int"}));
        assert_eq!(json["partitionKeys"][0]["name"], "dt");
        assert_eq!(json["storage"]["serdeLibrary"], "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe");
        assert_eq!(json["storage"]["fieldDelimiter"], ",");
        assert_eq!(json["storage"]["skipHeaderLines"], 1);
        assert_eq!(json["partitions"][0]["name"], "dt=2024-01-01");
        assert_eq!(json["partitions"][0]["values"], serde_json::json!(["2024-01-01"]));
        assert_eq!(json["location"], "s3://data/sales/");
    }

    #[tokio::test]
    async fn unknown_names_are_not_found_and_bad_names_invalid() {
        let (controller, store, _dir) = controller().await;
        put(&store, &sales()).await;
        let code = |r: Result<TableView, ControlError>| r.map(|_| ()).map_err(|e| e.to_api_error());

        let err = code(controller.get_catalog_table("shop", "nope").await).expect_err("missing table");
        assert_eq!((err.code, err.message.as_str()), (ErrorCode::ResourceNotFound, "Table shop.nope does not exist"));
        let err = code(controller.get_catalog_table("nodb", "sales").await).expect_err("missing db");
        assert_eq!((err.code, err.message.as_str()), (ErrorCode::ResourceNotFound, "Database nodb does not exist"));
        let err = controller.list_catalog_tables("nodb").await.expect_err("missing db").to_api_error();
        assert_eq!(err.code, ErrorCode::ResourceNotFound);
        for bad in ["", "a-b", "a.b", "../x", &"x".repeat(129)] {
            let err = code(controller.get_catalog_table("shop", bad).await).expect_err(bad);
            assert_eq!(err.code, ErrorCode::Validation, "{bad}");
        }
        let err = controller.list_catalog_tables("d b").await.expect_err("bad db").to_api_error();
        assert_eq!(err.code, ErrorCode::Validation);
    }
}
