//! Where the server keeps its state: the `store_url` setting, resolved like
//! every setting (default < TOML `store_url` < `SPARKPLANE_STORE_URL` <
//! `--store-url`), and the store it opens. Here rather than in `config.rs`
//! so that file stays one screen per concern.
//!
//! Unset means SQLite in the data dir, as always; `postgres://` (or
//! `postgresql://`) means PostgreSQL. Anything else is refused at start, and
//! no message, log line or `Debug` output shows the URL's password.

use std::path::Path;
use std::sync::Arc;

use anyhow::{bail, Context};
use sparkplane_store::postgres::url;
use sparkplane_store::{PgStore, SqliteStore, Store};

pub const STORE_URL_ENV: &str = "SPARKPLANE_STORE_URL";
/// The SQLite file in the data dir.
pub const SQLITE_FILE: &str = "state.db";

#[derive(Clone, PartialEq, Default)]
pub enum StoreLocation {
    /// SQLite, `DATA_DIR/state.db`: the embedded default.
    #[default]
    DataDir,
    /// A PostgreSQL database; the URL may hold a password.
    Postgres(String),
}

impl std::fmt::Debug for StoreLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreLocation::DataDir => f.write_str("DataDir"),
            StoreLocation::Postgres(store_url) => write!(f, "Postgres({})", url::redact(store_url)),
        }
    }
}

/// One layer each: the flag, the config file, the environment (`env_str`).
pub fn resolve(
    flag: Option<&str>,
    file: Option<String>,
    env_str: &dyn Fn(&str) -> Option<String>,
) -> anyhow::Result<StoreLocation> {
    let chosen = flag.map(str::to_string).or_else(|| env_str(STORE_URL_ENV)).or(file);
    match chosen {
        None => Ok(StoreLocation::DataDir),
        Some(value) if value.trim().is_empty() => Ok(StoreLocation::DataDir),
        Some(value) if url::is_postgres_url(&value) => Ok(StoreLocation::Postgres(value)),
        Some(value) => bail!(
            "store_url must start with postgres:// or postgresql:// (leave it unset for SQLite in the data dir), got {}",
            url::redact(&value)
        ),
    }
}

/// Opens the chosen store, applying its migrations. A PostgreSQL that
/// cannot be reached is an error naming the URL without its password.
pub async fn open(location: &StoreLocation, data_dir: &Path) -> anyhow::Result<Arc<dyn Store>> {
    match location {
        StoreLocation::DataDir => {
            let path = data_dir.join(SQLITE_FILE);
            let store =
                SqliteStore::open(&path).await.with_context(|| format!("open state database {}", path.display()))?;
            tracing::info!(path = %path.display(), "store: SQLite");
            Ok(Arc::new(store))
        }
        StoreLocation::Postgres(store_url) => {
            // The store's errors already name the URL without its password.
            let store = PgStore::connect(store_url).await.context("open the PostgreSQL store")?;
            tracing::info!(url = %url::redact(store_url), "store: PostgreSQL");
            Ok(Arc::new(store))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::PathBuf;

    use crate::config::{ServerConfig, ServerFlags};

    use super::*;

    const PG: &str = "postgres://sparkplane:s3cret-pw@db.internal:5432/sparkplane";

    fn resolve_with(flags: &ServerFlags, pairs: &[(&str, &str)]) -> anyhow::Result<ServerConfig> {
        let env: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        ServerConfig::resolve(flags, &env)
    }

    #[test]
    fn store_url_layers_default_file_env_and_flag() {
        assert_eq!(resolve_with(&ServerFlags::default(), &[]).unwrap().store, StoreLocation::DataDir);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, format!("store_url = \"{PG}\"\n")).unwrap();
        let with_file = ServerFlags { config: Some(file), ..Default::default() };
        assert_eq!(resolve_with(&with_file, &[]).unwrap().store, StoreLocation::Postgres(PG.into()));
        let from_env = "postgresql://env@127.0.0.1/db";
        assert_eq!(
            resolve_with(&with_file, &[(STORE_URL_ENV, from_env)]).unwrap().store,
            StoreLocation::Postgres(from_env.into())
        );
        let flag = "postgres://flag@127.0.0.1/db";
        let with_flag = ServerFlags { store_url: Some(flag.into()), ..with_file };
        assert_eq!(
            resolve_with(&with_flag, &[(STORE_URL_ENV, from_env)]).unwrap().store,
            StoreLocation::Postgres(flag.into())
        );
    }

    #[test]
    fn other_schemes_are_refused_without_showing_the_password() {
        for bad in ["mysql://u:s3cret-pw@h/db", "sqlite:///var/lib/state.db", "/var/lib/state.db"] {
            let err = resolve_with(&ServerFlags::default(), &[(STORE_URL_ENV, bad)]).unwrap_err().to_string();
            assert!(err.contains("store_url must start with postgres://"), "{err}");
            assert!(!err.contains("s3cret"), "{err}");
        }
    }

    #[test]
    fn debug_output_hides_the_password() {
        let config = resolve_with(&ServerFlags::default(), &[(STORE_URL_ENV, PG)]).unwrap();
        let shown = format!("{config:?}");
        assert!(shown.contains("postgres://sparkplane:***@db.internal:5432/sparkplane"), "{shown}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert_eq!(config.data_dir, PathBuf::from("./sparkplane-data"));
    }

    #[tokio::test]
    async fn an_unreachable_postgres_is_a_clear_error() {
        let location = StoreLocation::Postgres("postgres://u:s3cret-pw@127.0.0.1:1/db".into());
        let err = open(&location, Path::new("/nonexistent")).await.err().expect("refused");
        let text = format!("{err:#}");
        assert!(text.contains("cannot connect to the store at postgres://u:***@127.0.0.1:1/db"), "{text}");
        assert!(!text.contains("s3cret"), "{text}");
    }
}
