//! The [`Store`] implementation for SQLite.

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sparkplane_api::{Application, JobRun, JobRunMode, JobRunState, Session};
use sqlx::{QueryBuilder, Row, Sqlite};

use super::SqliteStore;
use crate::filter::push_states_and_window;
use crate::page::Cursor;
use crate::{ApplicationFilter, Created, JobRunFilter, Page, PageRequest, SessionFilter, Store, StoreError};

pub(super) fn encode<T: Serialize>(entity: &'static str, value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|source| StoreError::Encode { entity, source })
}

pub(super) fn decode<T: DeserializeOwned>(entity: &'static str, body: &str) -> Result<T, StoreError> {
    serde_json::from_str(body).map_err(|source| StoreError::Corrupt { entity, source })
}

fn mode_of(run: &JobRun) -> &'static str {
    run.mode.as_ref().unwrap_or(&JobRunMode::Batch).as_str()
}

/// Appends the keyset condition and limit, fetches one extra row to learn
/// whether another page exists.
pub(super) async fn fetch_page<T: DeserializeOwned>(
    store: &SqliteStore,
    mut builder: QueryBuilder<'_, Sqlite>,
    entity: &'static str,
    page: &PageRequest,
    newest_first: bool,
) -> Result<Page<T>, StoreError> {
    if let Some(token) = &page.next_token {
        let cursor = Cursor::decode(token)?;
        let op = if newest_first { "<" } else { ">" };
        builder.push(format!(" AND (created_at, id) {op} ("));
        builder.push_bind(cursor.created_at).push(", ").push_bind(cursor.id).push(")");
    }
    let order = if newest_first { "DESC" } else { "ASC" };
    builder.push(format!(" ORDER BY created_at {order}, id {order} LIMIT "));
    builder.push_bind(i64::from(page.max_results) + 1);
    let rows = builder.build().fetch_all(&store.pool).await?;
    let mut items = Vec::with_capacity(rows.len());
    let mut last = None;
    for row in rows.iter().take(page.max_results as usize) {
        let body: String = row.try_get("body")?;
        last = Some(Cursor { created_at: row.try_get("created_at")?, id: row.try_get("id")? });
        items.push(decode(entity, &body)?);
    }
    let next_token = if rows.len() > page.max_results as usize { last.map(|c| c.encode()) } else { None };
    Ok(Page { items, next_token })
}

#[async_trait]
impl Store for SqliteStore {
    async fn create_application(
        &self,
        app: &Application,
        client_token: &str,
    ) -> Result<Created<Application>, StoreError> {
        let body = encode("application", app)?;
        let mut tx = self.write_tx().await?;
        let existing: Option<String> = sqlx::query_scalar("SELECT body FROM applications WHERE client_token = ?")
            .bind(client_token)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(existing) = existing {
            return Ok(Created::Existing(decode("application", &existing)?));
        }
        sqlx::query("INSERT INTO applications (id, client_token, state, created_at, body) VALUES (?, ?, ?, ?, ?)")
            .bind(&app.application_id)
            .bind(client_token)
            .bind(app.state.as_str())
            .bind(app.created_at.as_millis())
            .bind(body)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Created::New(app.clone()))
    }

    async fn get_application(&self, id: &str) -> Result<Option<Application>, StoreError> {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM applications WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        body.map(|body| decode("application", &body)).transpose()
    }

    async fn put_application(&self, app: &Application) -> Result<(), StoreError> {
        let result = self
            .write(
                sqlx::query("UPDATE applications SET state = ?, body = ? WHERE id = ?")
                    .bind(app.state.as_str())
                    .bind(encode("application", app)?)
                    .bind(&app.application_id),
            )
            .await?;
        if result.rows_affected() == 0 {
            return Err(StoreError::Missing { entity: "application", id: app.application_id.clone() });
        }
        Ok(())
    }

    async fn list_applications(
        &self,
        filter: &ApplicationFilter,
        page: &PageRequest,
    ) -> Result<Page<Application>, StoreError> {
        let mut builder = QueryBuilder::new("SELECT id, created_at, body FROM applications WHERE 1 = 1");
        if !filter.states.is_empty() {
            builder.push(" AND state IN (");
            let mut separated = builder.separated(", ");
            for state in &filter.states {
                separated.push_bind(state.as_str());
            }
            builder.push(")");
        }
        fetch_page(self, builder, "application", page, true).await
    }

    async fn create_job_run(&self, run: &JobRun, client_token: &str) -> Result<Created<JobRun>, StoreError> {
        let body = encode("job run", run)?;
        let mut tx = self.write_tx().await?;
        let existing: Option<String> =
            sqlx::query_scalar("SELECT body FROM job_runs WHERE application_id = ? AND client_token = ?")
                .bind(&run.application_id)
                .bind(client_token)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(existing) = existing {
            return Ok(Created::Existing(decode("job run", &existing)?));
        }
        sqlx::query(
            "INSERT INTO job_runs (id, application_id, client_token, state, mode, created_at, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&run.job_run_id)
        .bind(&run.application_id)
        .bind(client_token)
        .bind(run.state.as_str())
        .bind(mode_of(run))
        .bind(run.created_at.as_millis())
        .bind(&body)
        .execute(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO job_run_attempts (job_run_id, attempt, created_at, body) VALUES (?, 1, ?, ?)")
            .bind(&run.job_run_id)
            .bind(run.created_at.as_millis())
            .bind(&body)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Created::New(run.clone()))
    }

    async fn get_job_run(&self, application_id: &str, job_run_id: &str) -> Result<Option<JobRun>, StoreError> {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM job_runs WHERE application_id = ? AND id = ?")
            .bind(application_id)
            .bind(job_run_id)
            .fetch_optional(&self.pool)
            .await?;
        body.map(|body| decode("job run", &body)).transpose()
    }

    async fn get_job_run_attempt(
        &self,
        application_id: &str,
        job_run_id: &str,
        attempt: u32,
    ) -> Result<Option<JobRun>, StoreError> {
        let body: Option<String> = sqlx::query_scalar(
            "SELECT a.body FROM job_run_attempts a JOIN job_runs r ON r.id = a.job_run_id \
             WHERE r.application_id = ? AND a.job_run_id = ? AND a.attempt = ?",
        )
        .bind(application_id)
        .bind(job_run_id)
        .bind(i64::from(attempt))
        .fetch_optional(&self.pool)
        .await?;
        body.map(|body| decode("job run attempt", &body)).transpose()
    }

    async fn put_job_run(&self, run: &JobRun, attempt: u32) -> Result<(), StoreError> {
        let body = encode("job run", run)?;
        let mut tx = self.write_tx().await?;
        let result = sqlx::query("UPDATE job_runs SET state = ?, body = ? WHERE application_id = ? AND id = ?")
            .bind(run.state.as_str())
            .bind(&body)
            .bind(&run.application_id)
            .bind(&run.job_run_id)
            .execute(&mut *tx)
            .await?;
        if result.rows_affected() == 0 {
            return Err(StoreError::Missing { entity: "job run", id: run.job_run_id.clone() });
        }
        let attempt_created_at = run.attempt_created_at.as_ref().unwrap_or(&run.created_at).as_millis();
        sqlx::query(
            "INSERT INTO job_run_attempts (job_run_id, attempt, created_at, body) VALUES (?, ?, ?, ?) \
             ON CONFLICT (job_run_id, attempt) DO UPDATE SET body = excluded.body",
        )
        .bind(&run.job_run_id)
        .bind(i64::from(attempt))
        .bind(attempt_created_at)
        .bind(&body)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn list_job_runs(
        &self,
        application_id: &str,
        filter: &JobRunFilter,
        page: &PageRequest,
    ) -> Result<Page<JobRun>, StoreError> {
        let mut builder = QueryBuilder::new("SELECT id, created_at, body FROM job_runs WHERE application_id = ");
        builder.push_bind(application_id.to_string());
        let states: Vec<&'static str> = filter.states.iter().map(|s| s.as_str()).collect();
        push_states_and_window(&mut builder, &states, filter.created_at_after, filter.created_at_before);
        if let Some(mode) = &filter.mode {
            builder.push(" AND mode = ").push_bind(mode.as_str());
        }
        fetch_page(self, builder, "job run", page, true).await
    }

    async fn list_job_run_attempts(
        &self,
        application_id: &str,
        job_run_id: &str,
        page: &PageRequest,
    ) -> Result<Page<JobRun>, StoreError> {
        // The keyset columns are named like the other lists' so fetch_page
        // can serve this one too; attempt numbers order the same as creation.
        let mut builder = QueryBuilder::new(
            "SELECT * FROM (SELECT printf('%010d', a.attempt) AS id, a.created_at AS created_at, a.body AS body \
             FROM job_run_attempts a JOIN job_runs r ON r.id = a.job_run_id WHERE r.application_id = ",
        );
        builder.push_bind(application_id.to_string());
        builder.push(" AND a.job_run_id = ").push_bind(job_run_id.to_string());
        builder.push(") WHERE 1 = 1");
        fetch_page(self, builder, "job run attempt", page, false).await
    }

    async fn list_unfinished_job_runs(&self) -> Result<Vec<JobRun>, StoreError> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM job_runs WHERE state NOT IN ('SUCCESS', 'FAILED', 'CANCELLED') ORDER BY created_at ASC, id ASC",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|body| decode("job run", body)).collect()
    }

    async fn list_job_runs_in_states(&self, states: &[JobRunState]) -> Result<Vec<JobRun>, StoreError> {
        if states.is_empty() {
            return Ok(Vec::new());
        }
        let mut builder = QueryBuilder::<Sqlite>::new("SELECT body FROM job_runs WHERE state IN (");
        let mut list = builder.separated(", ");
        for state in states {
            list.push_bind(state.as_str());
        }
        builder.push(") ORDER BY created_at ASC, id ASC");
        let rows: Vec<String> = builder.build_query_scalar().fetch_all(&self.pool).await?;
        rows.iter().map(|body| decode("job run", body)).collect()
    }

    async fn count_job_runs(&self) -> Result<Vec<crate::RunCount>, StoreError> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT application_id, state, count(*) FROM job_runs GROUP BY application_id, state \
             ORDER BY application_id, state",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(application_id, state, count)| crate::RunCount {
                application_id,
                state,
                count: u64::try_from(count).unwrap_or(0),
            })
            .collect())
    }

    async fn create_catalog_database(&self, name: &str, body: &str) -> Result<bool, StoreError> {
        self.catalog_create_database(name, body).await
    }

    async fn get_catalog_database(&self, name: &str) -> Result<Option<String>, StoreError> {
        self.catalog_get_database(name).await
    }

    async fn list_catalog_databases(&self) -> Result<Vec<String>, StoreError> {
        self.catalog_list_databases().await
    }

    async fn put_catalog_table(&self, database: &str, name: &str, body: &str) -> Result<(), StoreError> {
        self.catalog_put_table(database, name, body).await
    }

    async fn get_catalog_table(&self, database: &str, name: &str) -> Result<Option<String>, StoreError> {
        self.catalog_get_table(database, name).await
    }

    async fn drop_catalog_table(&self, database: &str, name: &str) -> Result<bool, StoreError> {
        self.catalog_drop_table(database, name).await
    }

    async fn list_catalog_tables(&self, database: &str) -> Result<Vec<(String, String)>, StoreError> {
        self.catalog_list_tables(database).await
    }

    async fn insert_iam_entity(&self, kind: &str, key: &str, body: &str) -> Result<bool, StoreError> {
        self.iam_insert(kind, key, body).await
    }

    async fn replace_iam_entity(&self, kind: &str, key: &str, body: &str) -> Result<bool, StoreError> {
        self.iam_replace(kind, key, body).await
    }

    async fn delete_iam_entity(&self, kind: &str, key: &str) -> Result<bool, StoreError> {
        self.iam_delete(kind, key).await
    }

    async fn list_iam_entities(&self) -> Result<Vec<crate::IamEntity>, StoreError> {
        self.iam_list().await
    }

    async fn create_session(&self, session: &Session, client_token: &str) -> Result<Created<Session>, StoreError> {
        self.sessions_create(session, client_token).await
    }

    async fn get_session(&self, application_id: &str, session_id: &str) -> Result<Option<Session>, StoreError> {
        self.sessions_get(application_id, session_id).await
    }

    async fn put_session(&self, session: &Session) -> Result<(), StoreError> {
        self.sessions_put(session).await
    }

    async fn list_sessions(
        &self,
        application_id: &str,
        filter: &SessionFilter,
        page: &PageRequest,
    ) -> Result<Page<Session>, StoreError> {
        self.sessions_list(application_id, filter, page).await
    }

    async fn list_unfinished_sessions(&self) -> Result<Vec<Session>, StoreError> {
        self.sessions_unfinished().await
    }

    async fn insert_host(&self, name: &str, body: &str) -> Result<bool, StoreError> {
        self.hosts_insert(name, body).await
    }

    async fn replace_host(&self, name: &str, body: &str) -> Result<bool, StoreError> {
        self.hosts_replace(name, body).await
    }

    async fn delete_host(&self, name: &str) -> Result<bool, StoreError> {
        self.hosts_delete(name).await
    }

    async fn list_hosts(&self) -> Result<Vec<crate::HostRow>, StoreError> {
        self.hosts_list().await
    }

    async fn put_driver_placement(&self, id: &str, body: &str) -> Result<(), StoreError> {
        self.placements_put(id, body).await
    }

    async fn delete_driver_placement(&self, id: &str) -> Result<bool, StoreError> {
        self.placements_delete(id).await
    }

    async fn list_driver_placements(&self) -> Result<Vec<crate::PlacementRow>, StoreError> {
        self.placements_list().await
    }

    async fn acquire_lease(&self, name: &str, holder: &str, ttl_ms: i64) -> Result<crate::LeaseRow, StoreError> {
        self.lease_acquire(name, holder, ttl_ms).await
    }

    async fn release_lease(&self, name: &str, holder: &str) -> Result<bool, StoreError> {
        self.lease_release(name, holder).await
    }

    async fn get_lease(&self, name: &str) -> Result<Option<crate::LeaseRow>, StoreError> {
        self.lease_get(name).await
    }

    async fn put_server(&self, name: &str, body: &str) -> Result<(), StoreError> {
        self.servers_put(name, body).await
    }

    async fn list_servers(&self) -> Result<Vec<crate::ServerRow>, StoreError> {
        self.servers_list().await
    }

    async fn delete_server(&self, name: &str) -> Result<bool, StoreError> {
        self.servers_delete(name).await
    }

    fn fence(&self, fence: crate::Fence) {
        self.set_fence(fence);
    }
}
