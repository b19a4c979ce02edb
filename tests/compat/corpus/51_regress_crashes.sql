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
CREATE TABLE ties (x int, y text);
INSERT INTO ties VALUES (1, 'a'), (1, 'b'), (1, 'c'), (2, 'd'), (3, 'e'), (3, 'f'), (NULL, 'g'), (NULL, 'h');
SELECT x FROM ties ORDER BY x FETCH FIRST 2 ROWS WITH TIES;
SELECT x FROM ties ORDER BY x FETCH FIRST ROW WITH TIES;
SELECT x FROM ties ORDER BY x OFFSET 1 FETCH FIRST 2 ROWS WITH TIES;
SELECT x FROM ties ORDER BY x OFFSET 3 ROWS FETCH NEXT 1 ROWS WITH TIES;
SELECT x FROM ties ORDER BY x DESC NULLS FIRST FETCH FIRST 1 ROWS WITH TIES;
SELECT x, y FROM ties ORDER BY x, y FETCH FIRST 2 ROWS WITH TIES;
SELECT y FROM ties ORDER BY x + 0, y FETCH FIRST 5 ROWS WITH TIES;
SELECT x FROM ties ORDER BY x FETCH FIRST 0 ROWS WITH TIES;
SELECT x FROM ties ORDER BY x FETCH FIRST (NULL + 1) ROWS WITH TIES;
SELECT x FROM ties ORDER BY x FETCH FIRST NULL ROWS WITH TIES; -- error 2201W
SELECT x FROM ties FETCH FIRST 2 ROWS WITH TIES; -- error 42601
SELECT x FROM ties ORDER BY x FETCH FIRST 1 ROW WITH TIES FOR UPDATE SKIP LOCKED; -- error 42601
SELECT x FROM ties ORDER BY x FETCH FIRST 1 ROW WITH TIES FOR UPDATE;
SELECT x FROM ties UNION ALL SELECT 1 ORDER BY x FETCH FIRST 2 ROWS WITH TIES;
SELECT x FROM ties UNION ALL SELECT 1 FETCH FIRST 2 ROWS WITH TIES; -- error 42601
SELECT x, count(*) FROM ties GROUP BY x ORDER BY count(*) DESC, x FETCH FIRST 1 ROW WITH TIES;
CREATE VIEW ties_v AS SELECT x FROM ties ORDER BY x FETCH FIRST 2 ROWS WITH TIES;
SELECT * FROM ties_v;
CREATE INDEX ties_x ON ties (x);
SELECT x FROM ties WHERE x > 0 ORDER BY x FETCH FIRST 1 ROWS WITH TIES;
SELECT x FROM ties ORDER BY x FETCH FIRST 50 PERCENT ROWS ONLY; -- error 42601
CREATE TABLE osa (a int, x int, s text);
INSERT INTO osa VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'b'), (4, 2, 'c'), (NULL, 3, NULL);
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY a) FROM osa;
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a), percentile_cont(0.3) WITHIN GROUP (ORDER BY a DESC) FROM osa;
SELECT mode() WITHIN GROUP (ORDER BY s) FROM osa;
SELECT x, percentile_cont(0.5) WITHIN GROUP (ORDER BY a DESC) FROM osa GROUP BY x ORDER BY x;
SELECT x, percentile_disc(0.5) WITHIN GROUP (ORDER BY a) FILTER (WHERE a > 1) FROM osa GROUP BY x ORDER BY x;
SELECT x, percentile_disc(x / 10.0) WITHIN GROUP (ORDER BY a) FROM osa GROUP BY x ORDER BY x;
SELECT x FROM osa GROUP BY x ORDER BY percentile_cont(0.5) WITHIN GROUP (ORDER BY a), x;
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a) FROM osa HAVING percentile_cont(0.5) WITHIN GROUP (ORDER BY a) > 1;
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x * interval '1 day'), percentile_cont(0.3) WITHIN GROUP (ORDER BY x * interval '1 day 1 hour') FROM osa;
SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY s DESC NULLS FIRST) FROM osa;
SELECT percentile_cont(1.5) WITHIN GROUP (ORDER BY a) FROM osa; -- error 22003
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY s) FROM osa; -- error 42883
SELECT percentile_cont(a, a) FROM osa; -- error 42809
SELECT percentile_cont(0.5) FROM osa; -- error 42883
SELECT percentile_disc(a) WITHIN GROUP (ORDER BY a) FROM osa; -- error 42803
SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a) OVER () FROM osa; -- error 0A000
SELECT count(a) WITHIN GROUP (ORDER BY a) FROM osa; -- error 42883
SELECT sum(a) WITHIN GROUP (ORDER BY a) FROM osa; -- error 42883
SELECT count(DISTINCT *) FROM osa; -- error 42601
SELECT array_agg(DISTINCT a ORDER BY x) FROM osa; -- error 42P10
SELECT string_agg(DISTINCT s, ',' ORDER BY s::varchar) FROM osa; -- error 42P10
SELECT array_agg(DISTINCT a ORDER BY a DESC), string_agg(DISTINCT s, ',' ORDER BY s) FROM osa;
SELECT array_agg(DISTINCT (a) ORDER BY a DESC), array_agg(DISTINCT a + 1 ORDER BY (a + 1) DESC) FROM osa;
SELECT array_agg(x) FROM (VALUES (ARRAY[1]), (ARRAY[1, 2])) v(x); -- error 2202E
SELECT array_agg(x) FROM (VALUES (ARRAY[1]), (NULL)) v(x); -- error 22004
SELECT array_agg(x) FROM (VALUES ('{}'::int[]), ('{}'::int[])) v(x); -- error 2202E
SELECT array_agg(x) FROM (VALUES (ARRAY[[1, 2]]), (ARRAY[3, 4])) v(x); -- error 2202E
SELECT array_agg(x) FROM (VALUES (ARRAY[1, 2]), (ARRAY[3, 4])) v(x);
SELECT array_agg(x) FILTER (WHERE x IS NOT NULL) FROM (VALUES (ARRAY[1]), (NULL)) v(x);
SELECT array_agg(x ORDER BY x DESC) FROM (VALUES (ARRAY[[1, 2]]), (ARRAY[[3, 4]])) v(x);
SELECT 1 UNION SELECT 2 FOR UPDATE; -- error 0A000
(SELECT 1 FOR UPDATE) UNION SELECT 2; -- error 0A000
SELECT x FROM wr EXCEPT ALL SELECT x FROM wr FOR NO KEY UPDATE; -- error 0A000
SELECT x FROM wr UNION (SELECT y FROM wr FOR SHARE); -- error 0A000
SELECT * FROM (SELECT x FROM wr FOR UPDATE) s UNION SELECT 2;
SELECT x FROM wr WHERE x IN (SELECT 1 UNION SELECT 2) FOR UPDATE;
SELECT width_bucket(5, ARRAY[[1, 3], [4, 10]]); -- error 2202E
SELECT width_bucket(5, ARRAY[1, NULL, 10]); -- error 22004
SELECT width_bucket(5, ARRAY[1, 3, 10]), width_bucket(0, ARRAY[1, 3, 10]), width_bucket(10, ARRAY[1, 3, 10]), width_bucket(5, '{}'::int[]);
SELECT array_fill(1, ARRAY[2, 2], NULL); -- error 22004
UPDATE wr SET wr.x = 5; -- error 42703
UPDATE wr SET nosuch.x = 5; -- error 42703
UPDATE wr SET x = x RETURNING *;
CREATE TABLE onecol (c int);
INSERT INTO onecol VALUES (150);
CREATE VIEW onecol_v AS SELECT * FROM onecol WHERE c > 120 WITH CHECK OPTION;
UPDATE onecol_v SET c = 100; -- error 44000
UPDATE onecol_v SET c = 130 RETURNING *;
INSERT INTO onecol_v VALUES (1); -- error 44000
CREATE TABLE onecol_min (c1 int);
INSERT INTO onecol_min VALUES (120);
CREATE VIEW onecol_v2 AS SELECT * FROM onecol WHERE (SELECT c > c1 FROM onecol_min) WITH CHECK OPTION;
UPDATE onecol_v2 SET c = 100; -- error 44000
UPDATE onecol_v2 SET c = 125 RETURNING *;
ALTER TABLE onecol ADD COLUMN d int;
SELECT * FROM onecol_v;
SELECT ROW() = ROW(); -- error 0A000
SELECT ROW() < ROW(); -- error 0A000
SELECT ROW() IS NULL, ROW() IS NOT NULL;
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TABLE pitable (f1 posint[]);
INSERT INTO pitable VALUES (ARRAY[42]);
INSERT INTO pitable VALUES (ARRAY[-1]); -- error 23514
INSERT INTO pitable VALUES ('{0}'); -- error 23514
INSERT INTO pitable VALUES ('{{1,2},{3,-4}}'); -- error 23514
INSERT INTO pitable VALUES ('{1,NULL}');
UPDATE pitable SET f1[1] = f1[1] + 1;
UPDATE pitable SET f1[1] = 0; -- error 23514
UPDATE pitable SET f1 = ARRAY[5, -5]; -- error 23514
SELECT f1::text FROM pitable ORDER BY 1;
SELECT ARRAY[1, -1]::posint[]; -- error 23514
SELECT '{3,-3}'::posint[]; -- error 23514
CREATE DOMAIN nnint AS int NOT NULL;
SELECT '{1,NULL}'::nnint[]; -- error 23502
CREATE DOMAIN dposinta AS posint[];
SELECT (ARRAY[-42]::dposinta)::text; -- error 23514
SELECT (ARRAY[42]::dposinta)::text;
CREATE DOMAIN d_fail int4 COLLATE "C"; -- error 42804
CREATE DOMAIN d_text_c text COLLATE "C";
CREATE DOMAIN d_fail AS int CHECK (VALUE > (SELECT 1)); -- error 0A000
CREATE DOMAIN d_fail AS int DEFAULT (SELECT 1); -- error 0A000
CREATE DOMAIN d_fail AS serial; -- error 42704
CREATE DOMAIN d_alter AS int;
ALTER DOMAIN d_alter ADD CHECK (VALUE > (SELECT 0)); -- error 0A000
ALTER DOMAIN d_alter SET DEFAULT (SELECT 1); -- error 0A000
SELECT json_build_object(ARRAY[1], 1); -- error 22023
SELECT jsonb_build_object(ROW(1), 1); -- error 22023
SELECT json_build_object(jsonb '[1]', 1); -- error 22023
SELECT json_build_object(ARRAY[x], 1) FROM wr WHERE false;
SELECT json_build_object(1, ARRAY[1], 'b', ROW(1, 2), true, 3, 1.5, 2) ->> 'true', jsonb_build_object(false, 1, 2.50, 2)::text;
CREATE TABLE writetest (a int);
BEGIN;
SET TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ ONLY, DEFERRABLE;
SELECT * FROM writetest;
SET TRANSACTION READ WRITE; -- error 25001
COMMIT;
BEGIN;
SET TRANSACTION READ ONLY;
SET TRANSACTION READ WRITE;
SET TRANSACTION READ ONLY;
SELECT * FROM writetest;
SAVEPOINT x;
SET TRANSACTION READ WRITE; -- error 25001
ROLLBACK;
BEGIN;
SET TRANSACTION READ WRITE;
SAVEPOINT x;
SET TRANSACTION READ ONLY;
SELECT * FROM writetest;
ROLLBACK TO SAVEPOINT x;
SHOW transaction_read_only;
INSERT INTO writetest VALUES (1);
SAVEPOINT y;
SET TRANSACTION READ ONLY;
RELEASE SAVEPOINT y;
SHOW transaction_read_only;
INSERT INTO writetest VALUES (2);
COMMIT;
BEGIN;
SET TRANSACTION READ ONLY;
INSERT INTO writetest VALUES (3); -- error 25006
ROLLBACK;
SET default_transaction_read_only = on;
START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ WRITE, DEFERRABLE;
SHOW transaction_read_only;
INSERT INTO writetest VALUES (4);
COMMIT AND CHAIN;
SHOW transaction_isolation;
SHOW transaction_read_only;
SHOW transaction_deferrable;
INSERT INTO writetest VALUES ('error'); -- error 22P02
COMMIT AND CHAIN;
SHOW transaction_isolation;
INSERT INTO writetest VALUES (5);
COMMIT;
START TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ WRITE, NOT DEFERRABLE;
INSERT INTO writetest VALUES (6);
ROLLBACK AND CHAIN;
SHOW transaction_isolation;
SHOW transaction_read_only;
INSERT INTO writetest VALUES (7);
ROLLBACK;
COMMIT AND CHAIN; -- error 25P01
ROLLBACK AND CHAIN; -- error 25P01
RESET default_transaction_read_only;
SELECT a FROM writetest ORDER BY a;
PREPARE gap1 AS SELECT $2; -- error 42P18
PREPARE gap2(int) AS SELECT $3::int; -- error 42P18
PREPARE gap3(int, int) AS SELECT $2;
EXECUTE gap3(1, 2);
PREPARE gap4 AS SELECT '$2', $1::int;
EXECUTE gap4(7);
CREATE TABLE mp (a int, b int) PARTITION BY RANGE (a);
CREATE TABLE mp1 PARTITION OF mp FOR VALUES FROM (0) TO (10);
ALTER TABLE mp ADD CONSTRAINT check_b CHECK (b = 3);
INSERT INTO mp VALUES (1, 2); -- error 23514
INSERT INTO mp1 VALUES (1, 2); -- error 23514
INSERT INTO mp VALUES (1, 3);
CREATE TABLE mq (a int, b int) PARTITION BY RANGE (a);
CREATE TABLE mq1 (b int, a int) PARTITION BY RANGE (b);
CREATE TABLE mq11 (LIKE mq1);
ALTER TABLE mq1 ATTACH PARTITION mq11 FOR VALUES FROM (2) TO (5);
ALTER TABLE mq ATTACH PARTITION mq1 FOR VALUES FROM (1) TO (10);
ALTER TABLE mq ADD CONSTRAINT mq_check_b CHECK (b = 3);
INSERT INTO mq VALUES (1, 2); -- error 23514
INSERT INTO mq11 VALUES (2, 1); -- error 23514
ALTER TABLE ONLY mq ADD CONSTRAINT mq_c2 CHECK (b < 9); -- error 42P16
CREATE TABLE mr (a int, b int) PARTITION BY RANGE (a);
CREATE TABLE mr1 PARTITION OF mr FOR VALUES FROM (0) TO (10);
INSERT INTO mr VALUES (1, 5);
ALTER TABLE mr ADD CONSTRAINT mr_c CHECK (b < 5); -- error 23514
CREATE TABLE inh (a int);
CREATE TABLE inh_c () INHERITS (inh);
CREATE TABLE inh_cc () INHERITS (inh_c);
INSERT INTO inh_cc VALUES (-5);
ALTER TABLE inh ADD CONSTRAINT inh_c5 CHECK (a > 0); -- error 23514
ALTER TABLE ONLY inh ADD CONSTRAINT inh_c3 CHECK (a > 0); -- error 42P16
DELETE FROM inh_cc;
ALTER TABLE inh ADD CONSTRAINT inh_c4 CHECK (a > 0);
INSERT INTO inh_c VALUES (-1); -- error 23514
INSERT INTO inh_cc VALUES (-1); -- error 23514
SELECT conname, conrelid::regclass::text FROM pg_constraint WHERE conname IN ('check_b', 'mq_check_b', 'inh_c4') ORDER BY 1, 2;
CREATE SEQUENCE sq_discard;
SELECT nextval('sq_discard');
DISCARD SEQUENCES;
SELECT currval('sq_discard'); -- error 55000
SELECT lastval(); -- error 55000
SELECT nextval('sq_discard'), currval('sq_discard'), lastval();
CREATE SEQUENCE sq_bad AS text; -- error 22023
CREATE SEQUENCE sq_bad CACHE 0; -- error 22023
CREATE SEQUENCE sq_bad OWNED BY wr.nosuch; -- error 42703
CREATE SEQUENCE sq_alt OWNED BY wr.x;
ALTER SEQUENCE sq_alt OWNED BY wr.nosuch; -- error 42703
ALTER SEQUENCE sq_alt AS text; -- error 22023
ALTER SEQUENCE sq_alt AS int2;
SELECT max_value FROM pg_sequences WHERE sequencename = 'sq_alt';
CREATE TABLE don (four int, ten int);
INSERT INTO don VALUES (1, 2), (1, 3), (2, 2);
SELECT DISTINCT ON (2) four, ten FROM don ORDER BY 2, 1;
SELECT DISTINCT ON (1) four, ten FROM don ORDER BY 1, 2 DESC;
SELECT DISTINCT ON (2, 1) four, ten FROM don WHERE four > 0 ORDER BY 2, 1;
SELECT DISTINCT ON ((2)) four, ten FROM don ORDER BY 2, 1;
SELECT DISTINCT ON (5) four, ten FROM don; -- error 42P10
SELECT DISTINCT ON (0) four FROM don; -- error 42P10
SELECT DISTINCT ON () four FROM don; -- error 42601
CREATE TABLE lat_o (four int, ten int);
INSERT INTO lat_o SELECT i % 4, i % 10 FROM generate_series(0, 99) i;
SELECT o.four, ss.a FROM lat_o o CROSS JOIN LATERAL (WITH RECURSIVE x(a) AS (SELECT o.four AS a UNION SELECT a + 1 FROM x WHERE a < 10) SELECT * FROM x) ss WHERE o.ten = 1;
SELECT count(*), sum(o.four), sum(ss.a) FROM lat_o o CROSS JOIN LATERAL (WITH RECURSIVE x(a) AS (SELECT o.four AS a UNION ALL SELECT a + 1 FROM x WHERE a < 10) SELECT * FROM x) ss WHERE o.ten = 1;
SELECT count(*) FROM lat_o o CROSS JOIN LATERAL (WITH x(a) AS (SELECT o.four) SELECT * FROM x, generate_series(x.a, 10)) ss WHERE o.ten = 1;
SELECT o.four, (WITH x(a) AS (SELECT o.four) SELECT count(*) FROM x x1, x x2 WHERE x1.a > 1) FROM lat_o o WHERE ten = 1;
SELECT o.four, (WITH RECURSIVE x(a) AS (SELECT 1 UNION ALL SELECT a + 1 FROM x WHERE a < o.four) SELECT count(*) FROM x) FROM lat_o o WHERE ten < 3;
SELECT count(*) FROM lat_o o WHERE EXISTS (WITH x(a) AS (SELECT o.four) SELECT 1 FROM x WHERE a = 3);
CREATE TABLE int8_tbl_r (q1 int8, q2 int8);
INSERT INTO int8_tbl_r VALUES (123, 456), (123, 4567890123456789), (4567890123456789, 123), (4567890123456789, -4567890123456789), (NULL, NULL);
SELECT t1.q2, count(t2.*) FROM int8_tbl_r t1 LEFT JOIN int8_tbl_r t2 ON t1.q2 = t2.q1 GROUP BY t1.q2 ORDER BY 1;
SELECT t2 IS NULL, t2 FROM int8_tbl_r t1 LEFT JOIN int8_tbl_r t2 ON t1.q1 = t2.q2 + 1 ORDER BY t1.q1, t1.q2;
SELECT count(t.*) FROM int8_tbl_r t;
