//! Store errors. Backend errors are translated here, at the boundary, so the
//! control layer only sees what it can act on.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid pagination token")]
    InvalidPageToken,
    #[error("{entity} {id} does not exist")]
    Missing { entity: &'static str, id: String },
    #[error("stored {entity} is unreadable: {source}")]
    Corrupt {
        entity: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("encode {entity}: {source}")]
    Encode {
        entity: &'static str,
        #[source]
        source: serde_json::Error,
    },
    #[error("apply migration {version}: {source}")]
    Migration {
        version: i64,
        #[source]
        source: sqlx::Error,
    },
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}
