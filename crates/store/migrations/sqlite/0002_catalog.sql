-- The table catalog of HIVE job runs (the Glue Data Catalog analogue):
-- databases and tables (with their partitions) as JSON documents, shared by
-- every job of the account.
CREATE TABLE catalog_databases (
    name TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL
);

CREATE TABLE catalog_tables (
    database TEXT NOT NULL REFERENCES catalog_databases (name),
    name     TEXT NOT NULL,
    body     TEXT NOT NULL,
    PRIMARY KEY (database, name)
);
