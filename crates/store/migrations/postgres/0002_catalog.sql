-- The table catalog of HIVE job runs (the Glue Data Catalog analogue):
-- databases and tables (with their partitions) as JSON documents, shared by
-- every job of the account.
CREATE TABLE catalog_databases (
    name TEXT COLLATE "C" PRIMARY KEY,
    body JSONB NOT NULL
);

CREATE TABLE catalog_tables (
    database TEXT COLLATE "C" NOT NULL REFERENCES catalog_databases (name),
    name     TEXT COLLATE "C" NOT NULL,
    body     JSONB NOT NULL,
    PRIMARY KEY (database, name)
);
