-- Common table expressions: WITH, several CTEs, CTEs referencing CTEs, WITH RECURSIVE (hierarchies,
-- series, graphs), data-modifying CTEs.

CREATE TABLE staff (id int PRIMARY KEY, name text, boss int, salary int);
INSERT INTO staff VALUES (1, 'root', NULL, 300), (2, 'vp_a', 1, 200), (3, 'vp_b', 1, 210), (4, 'eng1', 2, 100),
    (5, 'eng2', 2, 110), (6, 'ops1', 3, 90), (7, 'intern', 4, 20), (8, 'solo', NULL, 50);
CREATE TABLE edges (src int, dst int);
INSERT INTO edges VALUES (1, 2), (2, 3), (3, 4), (2, 5), (5, 6), (6, 3), (7, 8);

-- Plain WITH
WITH rich AS (SELECT * FROM staff WHERE salary > 100) SELECT name FROM rich ORDER BY name;
WITH t(a, b) AS (SELECT 1, 2) SELECT a + b FROM t;
WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM a) SELECT x, y FROM a, b;
WITH totals AS (SELECT boss, sum(salary) AS s FROM staff WHERE boss IS NOT NULL GROUP BY boss)
    SELECT s.name, t.s FROM totals t JOIN staff s ON s.id = t.boss ORDER BY s.name;
WITH t AS (SELECT id FROM staff) SELECT count(*) FROM t t1 JOIN t t2 ON t1.id < t2.id;
WITH t AS (SELECT 1 AS x) SELECT * FROM t WHERE x = 2;
WITH t AS (SELECT 1 AS x) SELECT nosuch FROM t; -- error 42703
WITH t AS (SELECT 1 AS x), t AS (SELECT 2 AS x) SELECT * FROM t; -- error 42712
WITH t(a, b) AS (SELECT 1) SELECT * FROM t; -- error 42P10
WITH t AS (SELECT 1 AS x) SELECT * FROM t, (WITH t AS (SELECT 2 AS x) SELECT x FROM t) u;
WITH t AS MATERIALIZED (SELECT id FROM staff WHERE id < 3) SELECT id FROM t ORDER BY id;
WITH t AS NOT MATERIALIZED (SELECT id FROM staff WHERE id < 3) SELECT id FROM t ORDER BY id;
WITH v AS (VALUES (1, 'a'), (2, 'b')) SELECT * FROM v ORDER BY column1;
WITH t AS (SELECT name, salary FROM staff) SELECT name FROM t WHERE salary = (SELECT max(salary) FROM t);
SELECT * FROM (WITH inner_cte AS (SELECT 5 AS n) SELECT n * 2 AS m FROM inner_cte) s;
WITH t AS (SELECT id FROM staff ORDER BY id DESC LIMIT 2) SELECT id FROM t ORDER BY id;

-- WITH RECURSIVE: series
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT i FROM n ORDER BY i;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) SELECT sum(i), count(*) FROM n;
WITH RECURSIVE fib(a, b) AS (SELECT 0::bigint, 1::bigint UNION ALL SELECT b, a + b FROM fib WHERE b < 1000)
    SELECT a FROM fib ORDER BY a;
WITH RECURSIVE fact(n, f) AS (SELECT 1, 1::numeric UNION ALL SELECT n + 1, f * (n + 1) FROM fact WHERE n < 25)
    SELECT n, f FROM fact WHERE n IN (5, 10, 25) ORDER BY n;
WITH RECURSIVE d(x) AS (SELECT '2024-01-30'::date UNION ALL SELECT x + 1 FROM d WHERE x < '2024-02-02')
    SELECT x FROM d ORDER BY x;
WITH RECURSIVE s(t) AS (SELECT 'a' UNION ALL SELECT t || 'a' FROM s WHERE length(t) < 5) SELECT t FROM s ORDER BY t;
WITH RECURSIVE s(t) AS (SELECT 'a'::text UNION ALL SELECT t || 'a' FROM s WHERE length(t) < 5) SELECT t FROM s ORDER BY t;
WITH RECURSIVE n(i) AS (SELECT 1 UNION SELECT i FROM n) SELECT i FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION SELECT (i % 3) + 1 FROM n) SELECT i FROM n ORDER BY i;

-- WITH RECURSIVE: hierarchy
WITH RECURSIVE sub(id, name, depth) AS (
    SELECT id, name, 0 FROM staff WHERE id = 1
    UNION ALL
    SELECT s.id, s.name, sub.depth + 1 FROM staff s JOIN sub ON s.boss = sub.id
) SELECT id, name, depth FROM sub ORDER BY depth, id;
WITH RECURSIVE chain(id, path) AS (
    SELECT id, name::text FROM staff WHERE boss IS NULL
    UNION ALL
    SELECT s.id, chain.path || ' > ' || s.name FROM staff s JOIN chain ON s.boss = chain.id
) SELECT path FROM chain ORDER BY path;
WITH RECURSIVE up(id, boss, name) AS (
    SELECT id, boss, name FROM staff WHERE name = 'intern'
    UNION ALL
    SELECT s.id, s.boss, s.name FROM staff s JOIN up ON s.id = up.boss
) SELECT name FROM up ORDER BY id;
WITH RECURSIVE sub(id) AS (
    SELECT id FROM staff WHERE id = 2 UNION ALL SELECT s.id FROM staff s JOIN sub ON s.boss = sub.id
) SELECT sum(salary) FROM staff WHERE id IN (SELECT id FROM sub);
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 3),
    u AS (SELECT n * 10 AS m FROM t)
    SELECT m FROM u ORDER BY m;
WITH RECURSIVE t(n) AS (SELECT n FROM t) SELECT * FROM t; -- error 42P19
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT count(*) FROM t) SELECT * FROM t; -- error 42P19
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT 'x' FROM t WHERE false) SELECT * FROM t; -- error 22P02
WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT 1.5 FROM t WHERE false) SELECT * FROM t; -- error 42804

-- WITH RECURSIVE: graph reachability with cycle protection
WITH RECURSIVE reach(node) AS (SELECT 1 UNION SELECT e.dst FROM edges e JOIN reach r ON e.src = r.node)
    SELECT node FROM reach ORDER BY node;
WITH RECURSIVE walk(node, path, cycle) AS (
    SELECT 2, ARRAY[2], false
    UNION ALL
    SELECT e.dst, w.path || e.dst, e.dst = ANY (w.path) FROM edges e JOIN walk w ON e.src = w.node WHERE NOT w.cycle
) SELECT path, cycle FROM walk ORDER BY array_length(path, 1), path;
WITH RECURSIVE dist(node, d) AS (
    SELECT 1, 0 UNION ALL SELECT e.dst, dist.d + 1 FROM edges e JOIN dist ON e.src = dist.node WHERE dist.d < 6
) SELECT node, min(d) FROM dist GROUP BY node ORDER BY node;

-- Data-modifying CTEs
CREATE TABLE inbox (id int, body text);
CREATE TABLE done (id int, body text);
INSERT INTO inbox VALUES (1, 'a'), (2, 'b'), (3, 'c');
WITH moved AS (DELETE FROM inbox WHERE id <= 2 RETURNING id, body) INSERT INTO done SELECT * FROM moved;
SELECT * FROM inbox ORDER BY id;
SELECT * FROM done ORDER BY id;
WITH ins AS (INSERT INTO done VALUES (10, 'x') RETURNING id) SELECT id * 2 FROM ins;
WITH upd AS (UPDATE done SET body = upper(body) RETURNING id, body) SELECT id, body FROM upd ORDER BY id;
WITH del AS (DELETE FROM done WHERE id = 10 RETURNING *) SELECT count(*) FROM del;
SELECT * FROM done ORDER BY id;
WITH src AS (SELECT id + 100 AS id, body FROM done) INSERT INTO inbox SELECT * FROM src RETURNING id;
SELECT count(*) FROM inbox;
