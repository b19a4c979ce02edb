-- input PostgreSQL's grammar and parse analysis refuse (or read in one way only): window frames,
-- recursive WITH shapes, string continuation, DROP of the wrong relation kind, LIMIT arguments
CREATE TABLE sales (id int, amount int);
INSERT INTO sales VALUES (1, 10), (2, 20), (3, 30);
SELECT id, sum(amount) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 1 PRECEDING) FROM sales; -- error 42P20
SELECT id, sum(amount) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED PRECEDING) FROM sales; -- error 42P20
SELECT id, sum(amount) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND CURRENT ROW) FROM sales; -- error 42P20
SELECT id, sum(amount) OVER (ORDER BY id ROWS UNBOUNDED FOLLOWING) FROM sales; -- error 42P20
SELECT id, sum(amount) OVER (ORDER BY id ROWS 1 FOLLOWING) FROM sales; -- error 42P20
SELECT id, sum(amount) OVER (ORDER BY id GROUPS BETWEEN CURRENT ROW AND 1 PRECEDING) FROM sales; -- error 42P20
SELECT id, sum(amount) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 2 FOLLOWING) FROM sales ORDER BY id;
SELECT id, sum(amount) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND UNBOUNDED FOLLOWING) FROM sales ORDER BY id;
SELECT id, sum(amount) OVER (ORDER BY id ROWS CURRENT ROW) FROM sales ORDER BY id;
WITH RECURSIVE t(n) AS (SELECT n FROM t UNION ALL SELECT 1) SELECT * FROM t; -- error 42P19
WITH RECURSIVE t(n) AS (SELECT 1 INTERSECT SELECT n FROM t) SELECT * FROM t; -- error 42P19
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT a.n FROM t a, t b) SELECT * FROM t; -- error 42P19
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT id FROM sales WHERE id IN (SELECT n FROM t)) SELECT * FROM t; -- error 42P19
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT s.id FROM sales s LEFT JOIN t ON s.id = t.n) SELECT * FROM t; -- error 42P19
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT t.n + 1 FROM t LEFT JOIN sales s ON s.id = t.n WHERE t.n < 3) SELECT * FROM t ORDER BY 1;
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3 ORDER BY 1) SELECT * FROM t; -- error 0A000
WITH RECURSIVE t(n) AS ((SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3) LIMIT 2) SELECT * FROM t; -- error 0A000
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3 OFFSET 1) SELECT * FROM t; -- error 0A000
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3 FOR UPDATE) SELECT * FROM t; -- error 0A000
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM (SELECT * FROM t) s WHERE n < 3) SELECT * FROM t ORDER BY 1;
WITH RECURSIVE t(n) AS ((SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3)) SELECT * FROM t ORDER BY 1;
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3 AND n > (SELECT count(*) FROM sales) - 5) SELECT * FROM t ORDER BY 1;
SELECT 'a' 'b'; -- error 42601
SELECT 'a'
'b' AS continued;
SELECT 'a' /* c */ 'b'; -- error 42601
SELECT E'x\n'
  'y' AS escaped;
CREATE SEQUENCE sq;
CREATE VIEW vv AS SELECT 1 AS x;
CREATE INDEX sales_id ON sales (id);
DROP INDEX IF EXISTS vv; -- error 42809
DROP INDEX sq; -- error 42809
DROP TABLE sq; -- error 42809
DROP TABLE sales_id; -- error 42809
DROP SEQUENCE sales; -- error 42809
DROP VIEW sales; -- error 42809
DROP INDEX IF EXISTS nosuch;
CREATE VIEW IF NOT EXISTS vv AS SELECT 1; -- error 42601
SELECT 1 LIMIT true; -- error 42804
SELECT 1 OFFSET 'x'::text; -- error 42804
SELECT 1 LIMIT 1.5;
SELECT nextval('nosuch_schema.sq'); -- error 3F000
SELECT 'nosuch_schema.t'::regclass; -- error 3F000
SELECT ARRAY[ARRAY[1, 2], NULL]; -- error 2202E
SELECT ARRAY[ARRAY[1, 2], ARRAY[]::int[]]; -- error 2202E
SELECT ARRAY[ARRAY[]::int[], ARRAY[]::int[]];
SELECT ARRAY[[[1], [2]], [[3, 4]]]; -- error 2202E
SELECT @(-5), @ x FROM (VALUES (-3)) v(x);
EXPLAIN DROP TABLE sales; -- error 42601
EXPLAIN SHOW work_mem; -- error 42601
SELECT lower('a') OVER (); -- error 42809
SELECT nosuchfn(1) OVER ();  -- error 42883
CREATE FUNCTION srf_two() RETURNS SETOF int LANGUAGE sql AS 'SELECT 1 UNION ALL SELECT 2';
SELECT id FROM sales WHERE srf_two() < 4; -- error 0A000
SELECT id FROM sales GROUP BY id HAVING srf_two() > 1; -- error 0A000
SELECT sum(srf_two()) FROM sales; -- error 0A000
SELECT srf_two() ORDER BY 1;
SELECT id FROM sales WHERE id IN (SELECT srf_two()) ORDER BY 1;
