-- Resources are stored as their API JSON (`body`, JSONB) plus the columns
-- that lists filter and sort on. The JSON is the source of truth; the columns
-- are copies kept in step by every write. Keys use the "C" collation so
-- that they sort bytewise, as in SQLite, and keyset pages match.
CREATE TABLE applications (
    id           TEXT COLLATE "C" PRIMARY KEY,
    client_token TEXT NOT NULL,
    state        TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    body         JSONB NOT NULL
);
CREATE UNIQUE INDEX applications_client_token ON applications (client_token);
CREATE INDEX applications_created ON applications (created_at DESC, id DESC);

CREATE TABLE job_runs (
    id             TEXT COLLATE "C" PRIMARY KEY,
    application_id TEXT COLLATE "C" NOT NULL REFERENCES applications (id),
    client_token   TEXT NOT NULL,
    state          TEXT NOT NULL,
    mode           TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    body           JSONB NOT NULL
);
CREATE UNIQUE INDEX job_runs_client_token ON job_runs (application_id, client_token);
CREATE INDEX job_runs_app_created ON job_runs (application_id, created_at DESC, id DESC);
CREATE INDEX job_runs_state ON job_runs (state);

CREATE TABLE job_run_attempts (
    job_run_id TEXT COLLATE "C" NOT NULL REFERENCES job_runs (id),
    attempt    BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    body       JSONB NOT NULL,
    PRIMARY KEY (job_run_id, attempt)
);
