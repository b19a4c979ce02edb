-- Subqueries in expressions: IN / NOT IN / = ANY / <> ALL / EXISTS / scalar, uncorrelated (run
-- once, hashed) and correlated (hashed by their equality keys, or run per distinct outer values),
-- with PostgreSQL's NULL rules, type coercion between the sides and error 21000.
CREATE TABLE l (id int, v int, t text, n numeric, f float8);
INSERT INTO l VALUES (1, 1, 'a', 1.0, 1), (2, 2, 'b', 2.50, 'NaN'), (3, NULL, NULL, NULL, NULL),
  (4, 4, 'd ', 4, -0.0), (5, 1, 'a', 1.00, 0);
CREATE TABLE r (k int, v int, t varchar(5), c char(3), n numeric(6,2), f float4);
INSERT INTO r VALUES (1, 1, 'a', 'a', 1, 1), (2, 3, 'c', 'd', 2.5, 'NaN'), (3, NULL, NULL, NULL, NULL, NULL),
  (4, 1, 'a', 'a', 4, 0), (4, 5, 'e', 'e', 5, 5);
CREATE TABLE nn (v int NOT NULL);
INSERT INTO nn VALUES (1), (2);
CREATE TABLE empty (v int);

-- the NULL matrix of IN and NOT IN, in the select list (where NULL shows)
SELECT id, v IN (SELECT v FROM r), v NOT IN (SELECT v FROM r) FROM l ORDER BY id;
SELECT id, v IN (SELECT v FROM nn), v NOT IN (SELECT v FROM nn) FROM l ORDER BY id;
SELECT id, v IN (SELECT v FROM empty), v NOT IN (SELECT v FROM empty) FROM l ORDER BY id;
SELECT id, NOT (v IN (SELECT v FROM r)) FROM l ORDER BY id;
SELECT id, (v IN (SELECT v FROM r)) IS NULL FROM l ORDER BY id;
SELECT NULL::int IN (SELECT v FROM empty), NULL::int NOT IN (SELECT v FROM empty);
SELECT NULL::int IN (SELECT v FROM nn), NULL::int NOT IN (SELECT v FROM nn);
SELECT 1 IN (SELECT NULL::int), 1 NOT IN (SELECT NULL::int), 1 IN (SELECT NULL::int UNION ALL SELECT 1);
-- ... and in WHERE
SELECT id FROM l WHERE v IN (SELECT v FROM r) ORDER BY id;
SELECT id FROM l WHERE v NOT IN (SELECT v FROM r) ORDER BY id;
SELECT id FROM l WHERE v NOT IN (SELECT v FROM r WHERE v IS NOT NULL) ORDER BY id;
SELECT id FROM l WHERE v NOT IN (SELECT v FROM nn) ORDER BY id;
SELECT id FROM l WHERE v NOT IN (SELECT v FROM empty) ORDER BY id;
SELECT id FROM l WHERE NOT (v IN (SELECT v FROM r)) ORDER BY id;
SELECT id FROM l WHERE (v IN (SELECT v FROM r)) IS NOT TRUE ORDER BY id;
-- = ANY is IN, <> ALL is NOT IN; other quantified comparisons
SELECT id, v = ANY (SELECT v FROM r), v <> ALL (SELECT v FROM r), v = SOME (SELECT v FROM nn) FROM l ORDER BY id;
SELECT id, v < ANY (SELECT v FROM r), v >= ALL (SELECT v FROM nn), v = ALL (SELECT v FROM empty) FROM l ORDER BY id;
SELECT id FROM l WHERE v = ANY (SELECT v FROM r) ORDER BY id;
SELECT id FROM l WHERE v <> ALL (SELECT v FROM nn) ORDER BY id;
-- type coercion between the sides
SELECT id, n IN (SELECT v FROM r), v IN (SELECT n FROM r), n IN (SELECT n FROM r) FROM l ORDER BY id;
SELECT id, t IN (SELECT t FROM r), t IN (SELECT c FROM r), t NOT IN (SELECT c FROM r WHERE c IS NOT NULL) FROM l ORDER BY id;
SELECT id, f IN (SELECT f FROM r), f IN (SELECT v FROM r WHERE v IS NOT NULL), v::bigint IN (SELECT v FROM nn) FROM l ORDER BY id;
SELECT id, n::text FROM l WHERE n IN (SELECT 1) ORDER BY id;
SELECT 'a' IN (SELECT t FROM r), 'zz' NOT IN (SELECT t FROM r WHERE t IS NOT NULL), 2.5 IN (SELECT n FROM r);
SELECT id FROM l WHERE t IN (SELECT v FROM r); -- error 42883
SELECT id FROM l WHERE v IN (SELECT v, k FROM r); -- error 42601
SELECT id FROM l WHERE (v, id) IN (SELECT v FROM r); -- error 42601
-- row-valued IN
SELECT id, (v, t) IN (SELECT v, t FROM r), (v, t) NOT IN (SELECT v, t FROM r) FROM l ORDER BY id;
SELECT id, (v, t) IN (SELECT v, t FROM r WHERE v IS NOT NULL) FROM l ORDER BY id;
SELECT id, (v, id) IN (SELECT v, NULL::int FROM r WHERE k = 1), (v, id) NOT IN (SELECT 1, 5) FROM l ORDER BY id;
SELECT id FROM l WHERE (v, n) IN (SELECT v, n FROM r) ORDER BY id;
SELECT id FROM l WHERE (id, v) NOT IN (SELECT k, v FROM r WHERE k IS NOT NULL AND v IS NOT NULL) ORDER BY id;
-- uncorrelated scalar subqueries run once; more than one row is error 21000
SELECT id, (SELECT max(v) FROM r), (SELECT v FROM nn WHERE v = 2), (SELECT v FROM empty) FROM l ORDER BY id;
SELECT id FROM l WHERE v = (SELECT min(v) FROM r) ORDER BY id;
SELECT id, (SELECT v FROM nn) FROM l ORDER BY id; -- error 21000
SELECT id FROM l WHERE v = (SELECT v FROM nn) ORDER BY id; -- error 21000
SELECT id FROM l WHERE false AND v = (SELECT v FROM nn);
SELECT id FROM empty e, l WHERE l.v = (SELECT v FROM nn);
SELECT (SELECT v, v FROM nn LIMIT 1); -- error 42601
SELECT count(DISTINCT x) FROM (SELECT (SELECT random()) AS x FROM generate_series(1, 10)) s;
-- EXISTS / NOT EXISTS, uncorrelated and correlated
SELECT id FROM l WHERE EXISTS (SELECT 1 FROM r) ORDER BY id;
SELECT id FROM l WHERE NOT EXISTS (SELECT 1 FROM empty) ORDER BY id;
SELECT id FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.v = l.v) ORDER BY id;
SELECT id FROM l WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.v = l.v) ORDER BY id;
SELECT id FROM l WHERE EXISTS (SELECT * FROM r WHERE r.k = l.id AND r.v > 1) ORDER BY id;
SELECT id FROM l WHERE EXISTS (SELECT 1 FROM r WHERE l.id = r.k AND l.v = r.v) ORDER BY id;
SELECT id FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.n = l.v) ORDER BY id;
SELECT id FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.t = l.t) ORDER BY id;
SELECT id FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.c = l.t) ORDER BY id;
SELECT id FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.v = l.v + 1) ORDER BY id;
SELECT id FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.v < l.v) ORDER BY id;
SELECT id FROM l WHERE EXISTS (SELECT 1 FROM r JOIN nn ON nn.v = r.v WHERE r.k = l.id) ORDER BY id;
SELECT id FROM l WHERE EXISTS (SELECT max(v) FROM r WHERE r.k = l.id + 100) ORDER BY id;
SELECT id FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.k = l.id LIMIT 0) ORDER BY id;
SELECT id, EXISTS (SELECT 1 FROM r WHERE r.v = l.v), NOT EXISTS (SELECT 1 FROM r WHERE r.k = l.id) FROM l ORDER BY id;
SELECT id FROM l WHERE EXISTS (SELECT nosuch FROM r WHERE r.v = l.v); -- error 42703
-- correlated IN
SELECT id, v IN (SELECT r.v FROM r WHERE r.k = l.id), v NOT IN (SELECT r.v FROM r WHERE r.k = l.id) FROM l ORDER BY id;
SELECT id FROM l WHERE v IN (SELECT r.v FROM r WHERE r.k = l.id) ORDER BY id;
SELECT id FROM l WHERE v NOT IN (SELECT r.v FROM r WHERE r.k = l.id) ORDER BY id;
SELECT id FROM l WHERE t IN (SELECT r.c FROM r WHERE r.k >= l.id) ORDER BY id;
-- correlated scalar subqueries: aggregates over an empty group (NULL; count 0), one row, 21000
SELECT id, (SELECT max(r.v) FROM r WHERE r.k = l.id), (SELECT count(*) FROM r WHERE r.k = l.id),
  (SELECT count(r.v) FROM r WHERE r.k = l.id), (SELECT sum(r.n) FROM r WHERE r.k = l.id) FROM l ORDER BY id;
SELECT id, (SELECT coalesce(max(r.v), -1) FROM r WHERE r.k = l.id), (SELECT avg(r.v) FROM r WHERE r.k = l.id AND r.v > 0)
  FROM l ORDER BY id;
SELECT id FROM l WHERE l.v = (SELECT min(r.v) FROM r WHERE r.k = l.id) ORDER BY id;
SELECT id FROM l WHERE (SELECT count(*) FROM r WHERE r.v = l.v) = 0 ORDER BY id;
SELECT id, (SELECT r.t FROM r WHERE r.k = l.id AND r.v = l.v) FROM l ORDER BY id;
SELECT id, (SELECT r.t FROM r WHERE r.k = l.id) FROM l WHERE id < 4 ORDER BY id;
SELECT id, (SELECT r.t FROM r WHERE r.k = l.id) FROM l ORDER BY id; -- error 21000
SELECT id, (SELECT r.t FROM r WHERE r.k = l.id ORDER BY r.v DESC LIMIT 1) FROM l ORDER BY id;
SELECT id, (SELECT max(r.v) FROM r WHERE r.v < l.v) FROM l ORDER BY id;
SELECT id, (SELECT string_agg(r.t, ',' ORDER BY r.t) FROM r WHERE r.k = l.id) FROM l ORDER BY id;
SELECT id, (SELECT max(r.v) FROM r WHERE r.n = l.n) FROM l ORDER BY id;
SELECT id, (SELECT max(r.k) FROM r WHERE r.f = l.f) FROM l ORDER BY id;
SELECT id, (SELECT count(*) FROM r WHERE r.k = l.id HAVING count(*) > 1) FROM l ORDER BY id;
SELECT id, (SELECT r.v FROM r WHERE r.k = l.id GROUP BY r.v ORDER BY r.v LIMIT 1) FROM l ORDER BY id;
SELECT id, (SELECT 1 / (r.v - 1) FROM r WHERE r.k = l.id AND r.k = 2) FROM l ORDER BY id;
-- per-row subqueries remember results per outer value, telling apart equal values that print differently
SELECT id, (SELECT l.n::text LIMIT 1), (SELECT l.f::text LIMIT 1), (SELECT l.t || '|' LIMIT 1) FROM l ORDER BY id;
SELECT id, (SELECT max(r.k) FROM r WHERE r.v <= l.v OR r.v IS NULL) FROM l ORDER BY id;
SELECT sum((SELECT count(*) FROM r WHERE r.k = l.v)), max((SELECT max(r.k) FROM r WHERE r.v < l.id)) FROM l;
-- nested: a subquery reading its grandparent's row
SELECT id, (SELECT count(*) FROM r WHERE r.k = l.id AND EXISTS (SELECT 1 FROM nn WHERE nn.v = l.v)) FROM l ORDER BY id;
SELECT id FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.k = l.id AND r.v IN (SELECT nn.v FROM nn WHERE nn.v <> l.id))
  ORDER BY id;
-- volatile functions: a correlated subquery calling one runs for every row
SELECT count(DISTINCT x) > 2 FROM (SELECT (SELECT random() + 0 * (g % 2)) AS x FROM generate_series(1, 20) g) s;
CREATE SEQUENCE subq_seq;
SELECT g, (SELECT nextval('subq_seq') + 0 * (g % 2)) FROM generate_series(1, 5) g ORDER BY g;
-- HAVING, GROUP BY, ON, LATERAL
SELECT v, count(*) FROM l GROUP BY v HAVING v IN (SELECT v FROM r) ORDER BY v;
SELECT v, count(*) FROM l GROUP BY v HAVING count(*) > (SELECT count(*) FROM nn) - 1 ORDER BY v;
SELECT v, count(*) FROM l GROUP BY v HAVING EXISTS (SELECT 1 FROM r WHERE r.k = l.v) ORDER BY v;
SELECT (SELECT count(*) FROM r WHERE r.k = l.id) AS c, count(*) FROM l GROUP BY 1 ORDER BY 1;
-- a grouped query's select list and HAVING: the subquery reads the group's columns
SELECT v, count(*) FROM l GROUP BY v HAVING EXISTS (SELECT 1 FROM r WHERE r.k <= l.v) ORDER BY v;
SELECT v, (SELECT count(*) FROM r WHERE r.k <= l.v), (SELECT count(*) FROM r WHERE r.k = l.v) FROM l GROUP BY v ORDER BY v;
SELECT t, v, (SELECT max(r.k) FROM r WHERE r.v < l.v AND r.t = l.t) FROM l GROUP BY t, v ORDER BY t, v;
SELECT v, (SELECT count(*) FROM r WHERE r.k <= l.id) FROM l GROUP BY v; -- error 42803
SELECT l.id, r.k FROM l JOIN r ON r.k = l.id AND r.v IN (SELECT v FROM nn) ORDER BY 1, 2;
SELECT l.id, r.k FROM l LEFT JOIN r ON r.k = l.id AND EXISTS (SELECT 1 FROM nn WHERE nn.v = r.v) ORDER BY 1, 2;
SELECT l.id, x.m FROM l, LATERAL (SELECT max(r.v) AS m FROM r WHERE r.k = l.id) x ORDER BY 1;
SELECT l.id, x.k FROM l CROSS JOIN LATERAL (SELECT r.k FROM r WHERE r.v IN (SELECT l.v)) x ORDER BY 1, 2;
-- UPDATE and DELETE
CREATE TABLE u (id int PRIMARY KEY, v int, total int);
INSERT INTO u SELECT g, g % 4, 0 FROM generate_series(1, 12) g;
UPDATE u SET total = (SELECT count(*) FROM r WHERE r.k = u.v) WHERE id IN (SELECT k FROM r);
SELECT * FROM u ORDER BY id;
UPDATE u SET total = -1 WHERE v NOT IN (SELECT v FROM r WHERE v IS NOT NULL);
SELECT * FROM u ORDER BY id;
UPDATE u SET total = (SELECT max(r.v) FROM r WHERE r.k = u.id) WHERE EXISTS (SELECT 1 FROM nn WHERE nn.v = u.v);
SELECT * FROM u ORDER BY id;
DELETE FROM u WHERE EXISTS (SELECT 1 FROM r WHERE r.k = u.id AND r.v > 1);
SELECT * FROM u ORDER BY id;
DELETE FROM u WHERE v NOT IN (SELECT v FROM nn);
SELECT * FROM u ORDER BY id;
DELETE FROM u WHERE v IN (SELECT v FROM r) RETURNING id;
UPDATE u SET v = (SELECT v FROM nn); -- error 21000
SELECT * FROM u ORDER BY id;
-- a subquery reading the table being changed sees it as it was when the statement began
CREATE TABLE w (id int, g int, x int);
INSERT INTO w SELECT g, g % 3, g FROM generate_series(1, 9) g;
UPDATE w SET x = (SELECT sum(w2.x) FROM w w2 WHERE w2.g = w.g);
SELECT * FROM w ORDER BY id;
UPDATE w SET x = x + (SELECT count(*) FROM w w2 WHERE w2.x = w.x) + id;
SELECT * FROM w ORDER BY id;
UPDATE w SET x = x + (SELECT count(*) FROM w w2 WHERE w2.x < w.x) + id;
SELECT * FROM w ORDER BY id;
UPDATE w SET x = x - 1 WHERE x > (SELECT min(w2.x) FROM w w2 WHERE w2.id < w.id) RETURNING id, x;
DELETE FROM w WHERE x > (SELECT avg(w2.x) FROM w w2 WHERE w2.g = w.g);
SELECT * FROM w ORDER BY id;
DELETE FROM w WHERE id IN (SELECT min(id) FROM w GROUP BY g);
SELECT * FROM w ORDER BY id;
-- the plans are PostgreSQL's shape (not compared: orbitdb has no costs)
EXPLAIN (COSTS OFF) SELECT id FROM l WHERE v NOT IN (SELECT v FROM r); -- nocompare
EXPLAIN (COSTS OFF) SELECT id FROM l WHERE v = (SELECT max(v) FROM r); -- nocompare
EXPLAIN (COSTS OFF) SELECT id, (SELECT max(r.v) FROM r WHERE r.v < l.v) FROM l; -- nocompare
EXPLAIN (COSTS OFF) SELECT id FROM l WHERE EXISTS (SELECT 1 FROM r WHERE r.v = l.v); -- nocompare
