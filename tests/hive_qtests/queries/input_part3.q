EXPLAIN
SELECT x.* FROM SRCPART x WHERE x.ds = '2008-04-08' and x.hr = 11;

SELECT x.* FROM SRCPART x WHERE x.ds = '2008-04-08' and x.hr = 11;
