-- /metrics counts runs by application and state at every scrape: a covering
-- index lets that GROUP BY read the index alone, not every run's body.
CREATE INDEX IF NOT EXISTS job_runs_app_state ON job_runs (application_id, state);
