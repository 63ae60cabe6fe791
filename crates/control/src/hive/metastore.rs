//! The metastore that HIVE workers reach over the API, signed with their
//! attempt's credentials: the engine's own definitions (`DatabaseDef`,
//! `TableDef`) in and out, unchanged.
//!
//! A worker used to open the store file itself, which meant every HIVE job
//! could read (and write) the whole store. Behind the API each call is
//! authorized like any other request, as the Glue action it is
//! (`glue:GetTable`, `glue:CreateTable`, ...), against the job's execution
//! role: the metastore of Hive on EMR is the Glue Data Catalog, and the
//! runtime policies users already have name those actions.
//!
//! The human-facing views are `catalog_view.rs`; these are the engine's wire
//! format, checked here (names, and that the body decodes as a definition
//! whose names match the path) so a job cannot store what no reader
//! understands.

use sparkplane_sql::{DatabaseDef, TableDef};

use super::catalog_view::{catalog_name, decode as decode_stored};
use crate::{ControlError, Controller};

/// Body of a metastore write, decoded; a body that is not a definition is
/// the caller's error.
fn decode_body<T: serde::de::DeserializeOwned>(what: &str, body: &[u8]) -> Result<T, ControlError> {
    serde_json::from_slice(body).map_err(|err| ControlError::validation(format!("Invalid {what} definition: {err}")))
}

impl Controller {
    /// `GET .../metastore/databases`: every database the store holds.
    pub async fn metastore_databases(&self) -> Result<Vec<DatabaseDef>, ControlError> {
        let mut databases = Vec::new();
        for name in self.store.list_catalog_databases().await? {
            if let Some(body) = self.store.get_catalog_database(&name).await? {
                databases.push(decode_stored(&name, &body)?);
            }
        }
        Ok(databases)
    }

    /// `GET .../metastore/databases/{db}`; `None` when it does not exist.
    pub async fn metastore_database(&self, name: &str) -> Result<Option<DatabaseDef>, ControlError> {
        let name = catalog_name("database", name)?;
        match self.store.get_catalog_database(&name).await? {
            Some(body) => Ok(Some(decode_stored(&name, &body)?)),
            None => Ok(None),
        }
    }

    /// `PUT .../metastore/databases/{db}`: creates it; a database that
    /// exists is a conflict (Glue's AlreadyExistsException).
    pub async fn metastore_create_database(&self, name: &str, body: &[u8]) -> Result<(), ControlError> {
        let name = catalog_name("database", name)?;
        let def: DatabaseDef = decode_body("database", body)?;
        if def.name != name {
            return Err(ControlError::validation(format!(
                "The definition names database '{}' but the path names '{name}'",
                def.name
            )));
        }
        let json = serde_json::to_string(&def).map_err(|err| ControlError::validation(err.to_string()))?;
        if !self.store.create_catalog_database(&name, &json).await? {
            return Err(ControlError::conflict(format!("Database {name} already exists")));
        }
        Ok(())
    }

    /// `GET .../metastore/databases/{db}/tables`: the database must exist
    /// (`default` always does).
    pub async fn metastore_tables(&self, database: &str) -> Result<Vec<TableDef>, ControlError> {
        let database = self.existing_database(database).await?;
        let mut tables = Vec::new();
        for (name, body) in self.store.list_catalog_tables(&database).await? {
            tables.push(decode_stored(&format!("{database}.{name}"), &body)?);
        }
        Ok(tables)
    }

    /// `GET .../metastore/databases/{db}/tables/{table}`.
    pub async fn metastore_table(&self, database: &str, table: &str) -> Result<Option<TableDef>, ControlError> {
        let database = catalog_name("database", database)?;
        let table = catalog_name("table", table)?;
        match self.store.get_catalog_table(&database, &table).await? {
            Some(body) => Ok(Some(decode_stored(&format!("{database}.{table}"), &body)?)),
            None => Ok(None),
        }
    }

    /// `POST` (create: the table must not exist) or `PUT` (update: it must)
    /// `.../metastore/databases/{db}/tables/{table}`. The two are separate
    /// so that each is authorized as its own Glue action.
    pub async fn metastore_write_table(
        &self,
        database: &str,
        table: &str,
        body: &[u8],
        create: bool,
    ) -> Result<(), ControlError> {
        // Strictly stored, `default` too: a table row needs its database's
        // (workers create `default` before their first statement).
        let database = catalog_name("database", database)?;
        if self.store.get_catalog_database(&database).await?.is_none() {
            return Err(ControlError::not_found(format!("Database {database} does not exist")));
        }
        let table = catalog_name("table", table)?;
        let def: TableDef = decode_body("table", body)?;
        if def.database != database || def.name != table {
            return Err(ControlError::validation(format!(
                "The definition names table '{}' but the path names '{database}.{table}'",
                def.qualified_name()
            )));
        }
        // One writer at a time, so create-if-absent and update-if-present
        // are decided against what is stored now.
        let _guard = self.write_lock.lock().await;
        let exists = self.store.get_catalog_table(&database, &table).await?.is_some();
        match (create, exists) {
            (true, true) => return Err(ControlError::conflict(format!("Table {database}.{table} already exists"))),
            (false, false) => return Err(ControlError::not_found(format!("Table {database}.{table} does not exist"))),
            _ => {}
        }
        let json = serde_json::to_string(&def).map_err(|err| ControlError::validation(err.to_string()))?;
        self.store.put_catalog_table(&database, &table, &json).await?;
        Ok(())
    }

    /// `DELETE .../metastore/databases/{db}/tables/{table}`.
    pub async fn metastore_drop_table(&self, database: &str, table: &str) -> Result<(), ControlError> {
        let database = catalog_name("database", database)?;
        let table = catalog_name("table", table)?;
        if !self.store.drop_catalog_table(&database, &table).await? {
            return Err(ControlError::not_found(format!("Table {database}.{table} does not exist")));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use sparkplane_api::ErrorCode;
    use sparkplane_sql::{ColumnDef, TableFormat};

    use super::*;

    fn table(db: &str, name: &str) -> TableDef {
        TableDef {
            database: db.into(),
            name: name.into(),
            columns: vec![ColumnDef { name: "n".into(), data_type: "int".into(), comment: None }],
            partition_columns: vec![],
            format: TableFormat::Parquet,
            location: "s3://b/t/".into(),
            external: true,
            partitions: vec![],
            properties: Default::default(),
            view: None,
        }
    }

    fn code(result: Result<(), ControlError>) -> ErrorCode {
        result.expect_err("an error").to_api_error().code
    }

    #[tokio::test]
    async fn create_and_update_are_separate_and_checked() {
        let (controller, _store, _dir) = crate::hive::catalog_view::tests::controller().await;
        let body = serde_json::to_vec(&table("default", "t")).unwrap();
        assert_eq!(
            code(controller.metastore_write_table("default", "t", &body, true).await),
            ErrorCode::ResourceNotFound
        );
        let default = DatabaseDef {
            name: "default".into(),
            location: "s3://w/".into(),
            comment: None,
            properties: Default::default(),
        };
        controller.metastore_create_database("default", &serde_json::to_vec(&default).unwrap()).await.unwrap();
        // An update of what does not exist, a create of what does.
        assert_eq!(
            code(controller.metastore_write_table("default", "t", &body, false).await),
            ErrorCode::ResourceNotFound
        );
        controller.metastore_write_table("default", "T", &body, true).await.unwrap();
        assert_eq!(code(controller.metastore_write_table("default", "t", &body, true).await), ErrorCode::Conflict);
        controller.metastore_write_table("default", "t", &body, false).await.unwrap();
        assert_eq!(controller.metastore_table("default", "t").await.unwrap(), Some(table("default", "t")));
        // The body must be a definition, of the table the path names.
        let other = serde_json::to_vec(&table("default", "u")).unwrap();
        assert_eq!(code(controller.metastore_write_table("default", "t", &other, false).await), ErrorCode::Validation);
        assert_eq!(code(controller.metastore_write_table("default", "t", b"{}", false).await), ErrorCode::Validation);
        assert_eq!(code(controller.metastore_write_table("nodb", "t", &body, true).await), ErrorCode::ResourceNotFound);
        assert_eq!(code(controller.metastore_write_table("default", "a b", &body, true).await), ErrorCode::Validation);
        controller.metastore_drop_table("default", "t").await.unwrap();
        assert_eq!(code(controller.metastore_drop_table("default", "t").await), ErrorCode::ResourceNotFound);
    }

    #[tokio::test]
    async fn databases_are_created_once() {
        let (controller, _store, _dir) = crate::hive::catalog_view::tests::controller().await;
        let db = DatabaseDef {
            name: "sales".into(),
            location: "s3://b/sales/".into(),
            comment: None,
            properties: Default::default(),
        };
        let body = serde_json::to_vec(&db).unwrap();
        controller.metastore_create_database("sales", &body).await.unwrap();
        assert_eq!(code(controller.metastore_create_database("sales", &body).await), ErrorCode::Conflict);
        assert_eq!(code(controller.metastore_create_database("other", &body).await), ErrorCode::Validation);
        assert_eq!(controller.metastore_database("SALES").await.unwrap(), Some(db.clone()));
        assert_eq!(controller.metastore_databases().await.unwrap(), vec![db]);
    }
}
