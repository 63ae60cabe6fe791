-- Job drivers that run on agents' hosts, one row per attempt while it
-- lasts, by the driver's id (`<job run id>-<attempt>-driver`). `body` is a
-- JSON document owned by the control plane: the attempt, the host, what
-- the agent was told to run (without the attempt's credentials token), and
-- the SHA-256 of that token and of each session token issued under it,
-- never a secret. Durable so that the next server to lead adopts the
-- attempt rather than failing it: the agent, not the server, supervises
-- the driver.
CREATE TABLE driver_placements (
    id TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL
);
