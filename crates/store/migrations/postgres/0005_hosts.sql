-- Hosts that run engine processes: the server's own and every agent's.
-- `body` is a JSON document owned by the hosts crate (capacity, state,
-- last heartbeat, the SHA-256 of the host's credential, never the
-- credential itself). Durable so that a restarted server keeps its hosts
-- and agents reconnect without being added again.
CREATE TABLE hosts (
    name TEXT COLLATE "C" PRIMARY KEY,
    body JSONB NOT NULL
);
