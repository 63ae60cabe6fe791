EXPLAIN
SELECT x.* FROM SRC x ORDER BY key limit 10;

SELECT x.* FROM SRC x ORDER BY key limit 10;

EXPLAIN
SELECT x.* FROM SRC x ORDER BY key desc limit 10;

SELECT x.* FROM SRC x ORDER BY key desc limit 10;
