-- statements from PostgreSQL's regression suite (and their neighbours) that were internal errors in
-- orbitdb, or that it accepted where PostgreSQL refuses them
CREATE TABLE wr (x int, y int);
INSERT INTO wr VALUES (1, 1), (2, 2), (3, 2);
SELECT count() FROM wr; -- error 42809
SELECT count() OVER () FROM wr; -- error 42809
SELECT row_number(1) OVER () FROM wr; -- error 42883
SELECT rank(1) OVER () FROM wr; -- error 42809
SELECT ntile() OVER () FROM wr; -- error 42883
SELECT row_number() FILTER (WHERE x > 1) OVER () FROM wr; -- error 0A000
SELECT sum(x) FILTER (WHERE x > 1) OVER (ORDER BY x) FROM wr ORDER BY x;
SELECT sum(x ORDER BY x) OVER () FROM wr; -- error 0A000
SELECT count(*) OVER w FROM wr WINDOW w AS (w2), w2 AS (ORDER BY x); -- error 42704
SELECT count(*) FROM wr WINDOW w AS (nosuch); -- error 42704
SELECT count(*) FROM wr WINDOW w AS (), w AS (); -- error 42P20
SELECT count(*) OVER w FROM wr WINDOW w2 AS (ORDER BY x ROWS CURRENT ROW), w AS (w2); -- error 42P20
SELECT count(*) FROM wr WINDOW w AS (PARTITION BY x), w2 AS (w PARTITION BY x); -- error 42P20
SELECT count(*) FROM wr WINDOW w AS (ORDER BY x), w2 AS (w ORDER BY y); -- error 42P20
SELECT count(*) OVER (w ROWS CURRENT ROW) FROM wr WINDOW w AS (ORDER BY x ROWS CURRENT ROW); -- error 42P20
SELECT count(*) OVER (w ORDER BY y) FROM wr WINDOW w AS (PARTITION BY x ROWS CURRENT ROW); -- error 42P20
SELECT x, count(*) OVER w FROM wr WINDOW w AS (ORDER BY x ROWS CURRENT ROW) ORDER BY x;
SELECT x, y, count(*) OVER (w ORDER BY x), count(*) OVER w2 FROM wr WINDOW w AS (PARTITION BY y), w2 AS (w ORDER BY x ROWS CURRENT ROW) ORDER BY x;
SELECT sum(x) OVER (PARTITION BY x GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM wr; -- error 42P20
SELECT sum(x) OVER (PARTITION BY y GROUPS CURRENT ROW) FROM wr; -- error 42P20
SELECT x, sum(x) OVER (ORDER BY y GROUPS CURRENT ROW) FROM wr ORDER BY x;
SELECT x, first_value(x) OVER w, last_value(x) OVER w FROM (VALUES (1::numeric), ('NaN'), (1.5), ('NaN'), (-3)) v(x) WINDOW w AS (ORDER BY x RANGE BETWEEN 1 PRECEDING AND 1.1 FOLLOWING) ORDER BY x;
SELECT x, first_value(x) OVER w, last_value(x) OVER w FROM (VALUES (1::numeric), ('NaN'), (1.5), ('NaN'), (-3)) v(x) WINDOW w AS (ORDER BY x DESC RANGE BETWEEN 1 PRECEDING AND 1.1 FOLLOWING) ORDER BY x;
SELECT x, count(*) OVER w FROM (VALUES (1::float8), ('NaN'), (1.5), ('NaN'), (-3), ('inf')) v(x) WINDOW w AS (ORDER BY x RANGE BETWEEN 1 PRECEDING AND 1.1 FOLLOWING) ORDER BY x;
SELECT x, count(*) OVER w FROM (VALUES (1::float4), ('NaN'), (1.5), (-3), ('-inf')) v(x) WINDOW w AS (ORDER BY x DESC RANGE BETWEEN 'inf' PRECEDING AND 1 FOLLOWING) ORDER BY x;
