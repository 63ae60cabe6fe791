-- Interactive sessions, stored like job runs: the API JSON plus the columns
-- that lists filter and sort on.
CREATE TABLE sessions (
    id             TEXT COLLATE "C" PRIMARY KEY,
    application_id TEXT COLLATE "C" NOT NULL REFERENCES applications (id),
    client_token   TEXT NOT NULL,
    state          TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    body           JSONB NOT NULL
);
CREATE UNIQUE INDEX sessions_client_token ON sessions (application_id, client_token);
CREATE INDEX sessions_app_created ON sessions (application_id, created_at DESC, id DESC);
CREATE INDEX sessions_state ON sessions (state);
