set hive.mapred.mode=nonstrict;
EXPLAIN
SELECT x.* FROM SRCPART x WHERE x.ds = '2008-04-08' and x.hr = 15;

SELECT x.* FROM SRCPART x WHERE x.ds = '2008-04-08' and x.hr = 15;
