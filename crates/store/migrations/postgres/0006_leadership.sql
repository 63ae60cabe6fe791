-- Several servers on one store: one lease decides which of them leads
-- (runs the scheduler, the pool, lifecycle and host reconciliation).
-- Times are the store's clock in epoch milliseconds, so servers whose
-- clocks disagree still agree on when a lease expires. `token` grows by
-- one whenever the lease changes holder: the fencing token.
CREATE TABLE leases (
    name TEXT COLLATE "C" PRIMARY KEY,
    holder TEXT NOT NULL,
    token BIGINT NOT NULL,
    acquired_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
-- Every server process that shares the store, leading or standing by.
-- `body` is a JSON document owned by the control crate.
CREATE TABLE servers (
    name TEXT COLLATE "C" PRIMARY KEY,
    body JSONB NOT NULL,
    seen_at_ms BIGINT NOT NULL
);
