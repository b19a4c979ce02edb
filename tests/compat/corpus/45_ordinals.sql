-- GROUP BY / ORDER BY ordinals next to every clause that may follow them (a statement's numbers
-- are made parameters so that plans are shared; an ordinal must never be one)
CREATE TABLE gb (a int, b text, c numeric);
INSERT INTO gb VALUES (1, 'x', 1.5), (1, 'y', 2.5), (2, 'x', 3.5), (3, 'z', NULL), (3, 'z', 1);
SELECT a, count(*) FROM gb GROUP BY 1 ORDER BY 2, 1;
SELECT a, count(*) FROM gb GROUP BY 1 ORDER BY 1 DESC;
SELECT b, sum(c) FROM gb GROUP BY 1 HAVING sum(c) > 2 ORDER BY 1;
SELECT a, b, count(*) FROM gb GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 3;
SELECT a FROM gb GROUP BY (1) ORDER BY (1) DESC;
SELECT a FROM gb ORDER BY (1) DESC, 1;
SELECT a, count(*) FROM gb GROUP BY 1 ORDER BY 1 + a;
SELECT a, count(*) OVER w FROM gb GROUP BY 1 WINDOW w AS (ORDER BY a) ORDER BY 1;
SELECT (SELECT g2.b FROM gb g2 WHERE g2.a = gb.a AND g2.c = gb.c) AS b, count(*) FROM gb GROUP BY 1 ORDER BY 1;
SELECT a, count(*) FROM gb GROUP BY 1 UNION ALL SELECT 9, 9 ORDER BY 1, 2;
SELECT a FROM gb GROUP BY 1 ORDER BY 1 OFFSET 1 FETCH FIRST 1 ROWS ONLY;
SELECT a, count(*) FROM gb GROUP BY 3; -- error 42P10
SELECT a FROM gb ORDER BY 0; -- error 42P10
