//! Interactive sessions in SQLite, stored as job runs are.

use sparkplane_api::Session;
use sqlx::QueryBuilder;

use super::queries::{decode, encode, fetch_page};
use super::SqliteStore;
use crate::filter::push_states_and_window;
use crate::{Created, Page, PageRequest, SessionFilter, StoreError};

impl SqliteStore {
    pub(crate) async fn sessions_create(
        &self,
        session: &Session,
        client_token: &str,
    ) -> Result<Created<Session>, StoreError> {
        let body = encode("session", session)?;
        let mut tx = self.write_tx().await?;
        let existing: Option<String> =
            sqlx::query_scalar("SELECT body FROM sessions WHERE application_id = ? AND client_token = ?")
                .bind(&session.application_id)
                .bind(client_token)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(existing) = existing {
            return Ok(Created::Existing(decode("session", &existing)?));
        }
        sqlx::query(
            "INSERT INTO sessions (id, application_id, client_token, state, created_at, body) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&session.session_id)
        .bind(&session.application_id)
        .bind(client_token)
        .bind(session.state.as_str())
        .bind(session.created_at.as_millis())
        .bind(&body)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Created::New(session.clone()))
    }

    pub(crate) async fn sessions_get(&self, application_id: &str, id: &str) -> Result<Option<Session>, StoreError> {
        let body: Option<String> = sqlx::query_scalar("SELECT body FROM sessions WHERE application_id = ? AND id = ?")
            .bind(application_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        body.map(|body| decode("session", &body)).transpose()
    }

    pub(crate) async fn sessions_put(&self, session: &Session) -> Result<(), StoreError> {
        let body = encode("session", session)?;
        let result = self
            .write(
                sqlx::query("UPDATE sessions SET state = ?, body = ? WHERE application_id = ? AND id = ?")
                    .bind(session.state.as_str())
                    .bind(&body)
                    .bind(&session.application_id)
                    .bind(&session.session_id),
            )
            .await?;
        if result.rows_affected() == 0 {
            return Err(StoreError::Missing { entity: "session", id: session.session_id.clone() });
        }
        Ok(())
    }

    pub(crate) async fn sessions_list(
        &self,
        application_id: &str,
        filter: &SessionFilter,
        page: &PageRequest,
    ) -> Result<Page<Session>, StoreError> {
        let mut builder = QueryBuilder::new("SELECT id, created_at, body FROM sessions WHERE application_id = ");
        builder.push_bind(application_id.to_string());
        let states: Vec<&'static str> = filter.states.iter().map(|s| s.as_str()).collect();
        push_states_and_window(&mut builder, &states, filter.created_at_after, filter.created_at_before);
        fetch_page(self, builder, "session", page, true).await
    }

    pub(crate) async fn sessions_unfinished(&self) -> Result<Vec<Session>, StoreError> {
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body FROM sessions WHERE state NOT IN ('FAILED', 'TERMINATED') ORDER BY created_at ASC, id ASC",
        )
        .fetch_all(&self.pool)
        .await?;
        bodies.iter().map(|body| decode("session", body)).collect()
    }
}
