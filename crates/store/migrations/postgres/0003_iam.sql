-- Identities of the account (the IAM analogue): users, roles, managed
-- policies and access keys, each a JSON document owned by the iam crate.
-- `key` is the entity's identity within its kind (IAM names are unique
-- without regard to case, so the iam crate passes a case-folded name).
-- Access key secrets are never stored: they are derived from a server key
-- kept outside the store.
CREATE TABLE iam_entities (
    kind TEXT COLLATE "C" NOT NULL,
    key  TEXT COLLATE "C" NOT NULL,
    body JSONB NOT NULL,
    PRIMARY KEY (kind, key)
);
