//! Interactive sessions in PostgreSQL, stored as job runs are.

use sparkplane_api::Session;
use sqlx::QueryBuilder;

use super::queries::{decode, encode, fetch_page, insert_error};
use super::PgStore;
use crate::filter::push_states_and_window;
use crate::{Created, Page, PageRequest, SessionFilter, StoreError};

impl PgStore {
    pub(crate) async fn sessions_create(
        &self,
        session: &Session,
        client_token: &str,
    ) -> Result<Created<Session>, StoreError> {
        let body = encode("session", session)?;
        let inserted = self
            .write(
                sqlx::query(
                    "INSERT INTO sessions (id, application_id, client_token, state, created_at, body) \
             VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (application_id, client_token) DO NOTHING",
                )
                .bind(&session.session_id)
                .bind(&session.application_id)
                .bind(client_token)
                .bind(session.state.as_str())
                .bind(session.created_at.as_millis())
                .bind(&body),
            )
            .await
            .map_err(|err| insert_error(err, "session", &session.session_id))?;
        if inserted.rows_affected() == 0 {
            let existing: String =
                sqlx::query_scalar("SELECT body::text FROM sessions WHERE application_id = $1 AND client_token = $2")
                    .bind(&session.application_id)
                    .bind(client_token)
                    .fetch_one(&self.pool)
                    .await?;
            return Ok(Created::Existing(decode("session", &existing)?));
        }
        Ok(Created::New(session.clone()))
    }

    pub(crate) async fn sessions_get(&self, application_id: &str, id: &str) -> Result<Option<Session>, StoreError> {
        let body: Option<String> =
            sqlx::query_scalar("SELECT body::text FROM sessions WHERE application_id = $1 AND id = $2")
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
                sqlx::query("UPDATE sessions SET state = $1, body = $2::jsonb WHERE application_id = $3 AND id = $4")
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
        let mut builder =
            QueryBuilder::new("SELECT id, created_at, body::text AS body FROM sessions WHERE application_id = ");
        builder.push_bind(application_id.to_string());
        let states: Vec<&'static str> = filter.states.iter().map(|s| s.as_str()).collect();
        push_states_and_window(&mut builder, &states, filter.created_at_after, filter.created_at_before);
        fetch_page(self, builder, "session", page, true).await
    }

    pub(crate) async fn sessions_unfinished(&self) -> Result<Vec<Session>, StoreError> {
        let bodies: Vec<String> = sqlx::query_scalar(
            "SELECT body::text FROM sessions WHERE state NOT IN ('FAILED', 'TERMINATED') ORDER BY created_at ASC, id ASC",
        )
        .fetch_all(&self.pool)
        .await?;
        bodies.iter().map(|body| decode("session", body)).collect()
    }
}
