-- EXPLAIN: plans differ by design, so EXPLAIN output is not compared (-- nocompare): only that it
-- succeeds, or fails with the right SQLSTATE. The data statements around it are compared.

CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE, name text, age int);
CREATE INDEX users_age ON users (age);
CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users (id), total numeric(8,2));
INSERT INTO users SELECT g, 'u' || g || '@x.org', 'user' || g, 18 + g % 50 FROM generate_series(1, 200) g;
INSERT INTO orders SELECT g, 1 + g % 200, g * 1.25 FROM generate_series(1, 500) g;

EXPLAIN SELECT * FROM users WHERE id = 42; -- nocompare
EXPLAIN SELECT * FROM users WHERE email = 'u7@x.org'; -- nocompare
EXPLAIN SELECT * FROM users WHERE age = 30; -- nocompare
EXPLAIN SELECT * FROM users WHERE id BETWEEN 10 AND 20; -- nocompare
EXPLAIN SELECT * FROM users WHERE name = 'user5'; -- nocompare
EXPLAIN SELECT * FROM users; -- nocompare
EXPLAIN SELECT count(*) FROM users; -- nocompare
EXPLAIN SELECT age, count(*) FROM users GROUP BY age ORDER BY age; -- nocompare
EXPLAIN SELECT u.name, sum(o.total) FROM users u JOIN orders o ON o.user_id = u.id GROUP BY u.name; -- nocompare
EXPLAIN SELECT * FROM users u LEFT JOIN orders o ON o.user_id = u.id WHERE u.id < 5; -- nocompare
EXPLAIN SELECT * FROM users ORDER BY id DESC LIMIT 5; -- nocompare
EXPLAIN SELECT * FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 600); -- nocompare
EXPLAIN SELECT DISTINCT age FROM users; -- nocompare
EXPLAIN WITH t AS (SELECT * FROM users WHERE age > 60) SELECT count(*) FROM t; -- nocompare
EXPLAIN SELECT id FROM users UNION SELECT user_id FROM orders; -- nocompare
EXPLAIN SELECT id, row_number() OVER (ORDER BY age) FROM users; -- nocompare
EXPLAIN SELECT 1; -- nocompare
EXPLAIN SELECT * FROM generate_series(1, 10); -- nocompare
EXPLAIN INSERT INTO users VALUES (1000, 'new@x.org', 'new', 20); -- nocompare
SELECT count(*) FROM users WHERE id = 1000;
EXPLAIN UPDATE users SET age = age + 1 WHERE id = 1; -- nocompare
SELECT age FROM users WHERE id = 1;
EXPLAIN DELETE FROM orders WHERE total > 100; -- nocompare
SELECT count(*) FROM orders;
EXPLAIN VERBOSE SELECT * FROM users WHERE id = 1; -- nocompare
EXPLAIN (COSTS OFF) SELECT * FROM users WHERE id = 1; -- nocompare
EXPLAIN (FORMAT JSON) SELECT * FROM users WHERE id = 1; -- nocompare
EXPLAIN (COSTS OFF, FORMAT TEXT) SELECT * FROM users WHERE age > 40 ORDER BY age; -- nocompare
EXPLAIN ANALYZE SELECT count(*) FROM users; -- nocompare
EXPLAIN ANALYZE INSERT INTO users VALUES (1001, 'an@x.org', 'analyzed', 30); -- nocompare
SELECT id, name FROM users WHERE id = 1001;
EXPLAIN ANALYZE UPDATE users SET name = 'changed' WHERE id = 1001; -- nocompare
SELECT name FROM users WHERE id = 1001;
EXPLAIN ANALYZE DELETE FROM users WHERE id = 1001; -- nocompare
SELECT count(*) FROM users WHERE id = 1001;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT * FROM users WHERE id = 3; -- nocompare

-- Errors are reported as for the statement itself
EXPLAIN SELECT * FROM nosuch; -- error 42P01
EXPLAIN SELECT nosuch FROM users; -- error 42703
EXPLAIN SELECT 1 +; -- error 42601
EXPLAIN SELECT * FROM users WHERE id = 'abc'; -- error 22P02
EXPLAIN SELECT id, count(*) FROM users; -- error 42803
EXPLAIN ANALYZE SELECT 1 / 0; -- error 22012
EXPLAIN ANALYZE INSERT INTO users VALUES (1, 'dup@x.org', 'dup', 1); -- error 23505
EXPLAIN (FORMAT NOSUCH) SELECT 1; -- error 22023
EXPLAIN (NOSUCH) SELECT 1; -- error 42601
EXPLAIN CREATE TABLE t (a int); -- error 42601

-- The queries themselves
SELECT * FROM users WHERE id = 42;
SELECT id, name FROM users WHERE email = 'u7@x.org';
SELECT count(*) FROM users WHERE age = 30;
SELECT id FROM users WHERE id BETWEEN 10 AND 20 ORDER BY id;
SELECT age, count(*) FROM users GROUP BY age ORDER BY age;
SELECT u.name, sum(o.total) FROM users u JOIN orders o ON o.user_id = u.id WHERE u.id <= 5 GROUP BY u.name ORDER BY u.name;
SELECT * FROM users ORDER BY id DESC LIMIT 5;
SELECT count(*) FROM users WHERE id IN (SELECT user_id FROM orders WHERE total > 600);
SELECT count(DISTINCT age) FROM users;
-- EXPLAIN's options as PostgreSQL reads them
EXPLAIN (COSTS maybe) SELECT 1; -- error 42601
EXPLAIN (COSTS 'off') SELECT 1;
EXPLAIN (COSTS 0, TIMING false) SELECT 1;
EXPLAIN (TIMING) SELECT 1; -- error 22023
EXPLAIN (WAL) SELECT 1; -- error 22023
EXPLAIN (BUFFERS, COSTS off) SELECT 1;
EXPLAIN (FORMAT) SELECT 1; -- error 42601
EXPLAIN () SELECT 1; -- error 42601
EXPLAIN (COSTS OFF,) SELECT 1; -- error 42601
EXPLAIN (costs on, costs off) SELECT 1;
EXPLAIN (ANALYZE, ANALYZE false, COSTS off) SELECT 1;
EXPLAIN (GENERIC_PLAN) SELECT 1; -- error 42601
EXPLAIN VERBOSE ANALYZE SELECT 1; -- error 42601
EXPLAIN (COSTS 1.5) SELECT 1; -- error 42601
EXPLAIN ("costs" off) SELECT 1;
EXPLAIN (COSTS off) (SELECT 1);
EXPLAIN (FORMAT JSON, COSTS off) SELECT * FROM users WHERE age > 40; -- nocompare
EXPLAIN (FORMAT YAML, COSTS off) SELECT * FROM users WHERE age > 40; -- nocompare
EXPLAIN (FORMAT XML, COSTS off) SELECT * FROM users WHERE age > 40; -- nocompare
EXPLAIN (FORMAT JSON, ANALYZE, TIMING off) SELECT count(*) FROM users; -- nocompare
