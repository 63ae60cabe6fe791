//! Store errors. Backend errors are translated here, at the boundary, so the
//! control layer only sees what it can act on.

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid pagination token")]
    InvalidPageToken,
    #[error("{entity} {id} does not exist")]
    Missing { entity: &'static str, id: String },
    /// A unique key other than a client token is taken (a duplicate id).
    #[error("{entity} {id} already exists")]
    AlreadyExists { entity: &'static str, id: String },
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
    /// The database was written by a newer sparkplane. It is refused rather
    /// than migrated down: this binary cannot know what the newer schema
    /// means.
    #[error(
        "the store's schema is version {found}, newer than this sparkplane knows (version {known}); \
         run the sparkplane that wrote it or a newer one"
    )]
    SchemaTooNew { found: i64, known: i64 },
    /// A store URL that cannot be parsed. `url` has no password.
    #[error("invalid store URL {url}: {reason}")]
    InvalidUrl { url: String, reason: String },
    /// The database cannot be reached or refused the connection. `url` has
    /// no password, and neither has `reason`.
    #[error("cannot connect to the store at {url}: {reason}")]
    Connect { url: String, reason: String },
    /// A write by a server that no longer holds the lease it was fenced
    /// with (see [`crate::Store::fence`]): another server leads now.
    #[error(
        "this server no longer holds the {lease} lease with token {token}; another server leads, so it writes nothing"
    )]
    Fenced { lease: String, token: i64 },
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Whether a database error is a unique violation (PostgreSQL's
    /// `23505`, SQLite's UNIQUE or PRIMARY KEY constraint).
    pub(crate) fn unique_violation(err: &sqlx::Error) -> bool {
        matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
    }

    /// Whether a database error is a foreign key violation (`23503`).
    pub(crate) fn foreign_key_violation(err: &sqlx::Error) -> bool {
        matches!(err, sqlx::Error::Database(db) if db.is_foreign_key_violation())
    }
}
