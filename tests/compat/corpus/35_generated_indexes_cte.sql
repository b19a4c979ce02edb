-- Generated columns, expression and partial indexes, data-modifying WITH, auto-updatable views,
-- UPDATE ... SET (a, b) = (...).

-- generated columns
CREATE TABLE people (id int PRIMARY KEY, first text, last text, full_name text GENERATED ALWAYS AS (first || ' ' || last) STORED, height_cm numeric, height_in numeric GENERATED ALWAYS AS (round(height_cm / 2.54, 1)) STORED);
INSERT INTO people (id, first, last, height_cm) VALUES (1, 'ann', 'lee', 170), (2, 'bo', 'kim', NULL);
INSERT INTO people VALUES (3, 'cy', 'ray', DEFAULT, 180, DEFAULT);
SELECT * FROM people ORDER BY id;
INSERT INTO people (id, first, full_name) VALUES (4, 'x', 'y'); -- error 428C9 message
INSERT INTO people (id, full_name) SELECT 5, 'z'; -- error 428C9
UPDATE people SET full_name = 'q' WHERE id = 1; -- error 428C9 message
UPDATE people SET last = 'lo', height_cm = height_cm + 10 WHERE id = 1 RETURNING full_name, height_in;
UPDATE people SET full_name = DEFAULT, first = 'bob' WHERE id = 2 RETURNING *;
INSERT INTO people (id, first, last) VALUES (2, 'dup', 'dup') ON CONFLICT (id) DO UPDATE SET first = excluded.first RETURNING full_name;
SELECT id, full_name FROM people WHERE full_name = 'dup dup';
CREATE TABLE g_bad (a int, b int GENERATED ALWAYS AS (a * 2) STORED, c int GENERATED ALWAYS AS (b + 1) STORED); -- error 42P17
CREATE TABLE g_bad (a int, b float8 GENERATED ALWAYS AS (random()) STORED); -- error 42P17
CREATE TABLE g_bad (a int, b timestamptz GENERATED ALWAYS AS (now()) STORED); -- error 42P17
CREATE TABLE g_bad (a int, b int GENERATED ALWAYS AS ((SELECT 1)) STORED); -- error 0A000
CREATE TABLE g_bad (a int, b int DEFAULT 1 GENERATED ALWAYS AS (a) STORED); -- error 42601
CREATE TABLE g_bad (a int, b int GENERATED ALWAYS AS (nosuch) STORED); -- error 42703
CREATE TABLE g_bad (a int, b int GENERATED ALWAYS AS (sum(a)) STORED); -- error 42803
CREATE TABLE g_bad (a int, b int GENERATED ALWAYS AS (a::text) STORED); -- error 42804
ALTER TABLE people ADD COLUMN initials text GENERATED ALWAYS AS (left(first, 1) || left(last, 1)) STORED;
SELECT id, initials FROM people ORDER BY id;
SELECT attname, attgenerated FROM pg_attribute WHERE attrelid = 'people'::regclass AND attnum > 0 ORDER BY attnum;
SELECT column_name, column_default, is_generated, generation_expression FROM information_schema.columns WHERE table_name = 'people' ORDER BY ordinal_position;
SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE d.adrelid = 'people'::regclass ORDER BY a.attnum;
ALTER TABLE people DROP COLUMN first; -- error 2BP01
ALTER TABLE people ALTER COLUMN initials DROP EXPRESSION;
UPDATE people SET initials = 'zz' WHERE id = 1;
SELECT id, initials FROM people ORDER BY id;
ALTER TABLE people ALTER COLUMN initials DROP EXPRESSION; -- error 55000
ALTER TABLE people ALTER COLUMN initials DROP EXPRESSION IF EXISTS;
ALTER TABLE people ALTER COLUMN height_cm TYPE float8; -- error 0A000
CREATE TABLE gk (a int, b int GENERATED ALWAYS AS (a + 1) STORED PRIMARY KEY);
INSERT INTO gk (a) VALUES (1), (2);
INSERT INTO gk (a) VALUES (1); -- error 23505
UPDATE gk SET a = 10 WHERE a = 1;
SELECT * FROM gk ORDER BY b;

-- UPDATE ... SET (a, b) = (...)
CREATE TABLE accounts (id int PRIMARY KEY, balance int, status text);
INSERT INTO accounts VALUES (1, 10, 'open'), (2, 20, 'open');
UPDATE accounts SET (balance, status) = (SELECT 7, 'sub');
UPDATE accounts SET (balance, status) = (1, 'x') WHERE id = 1;
UPDATE accounts SET (balance, status) = ROW(balance + 1, status || '!') WHERE id = 1;
SELECT * FROM accounts ORDER BY id;
UPDATE accounts SET (balance, status) = (SELECT id, 'q' FROM accounts); -- error 21000
UPDATE accounts SET (balance) = (SELECT 3) WHERE id = 2;
UPDATE accounts SET (balance) = ROW(4) WHERE id = 2;
UPDATE accounts SET (balance, status) = (SELECT 1); -- error 42601
UPDATE accounts SET (balance, status) = (SELECT a.balance * 10, a.status || 'z' FROM accounts a WHERE a.id = accounts.id);
UPDATE accounts SET (balance, status) = (SELECT 1, 'n' WHERE false) WHERE id = 2;
SELECT * FROM accounts ORDER BY id;
UPDATE accounts SET (balance, nosuch) = (1, 2); -- error 42703
UPDATE accounts SET (balance, balance) = (1, 2); -- error 42601

-- data-modifying WITH
CREATE TABLE queue (id int PRIMARY KEY, job text);
CREATE TABLE archive (id int PRIMARY KEY, job text, moved boolean DEFAULT true);
INSERT INTO queue VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd');
WITH moved AS (DELETE FROM queue WHERE id <= 2 RETURNING id, job) INSERT INTO archive (id, job) SELECT id, job FROM moved;
SELECT * FROM queue ORDER BY id;
SELECT * FROM archive ORDER BY id;
WITH d AS (DELETE FROM queue RETURNING *) SELECT (SELECT count(*) FROM queue) AS still_seen, (SELECT count(*) FROM d) AS deleted;
SELECT count(*) FROM queue;
INSERT INTO queue VALUES (5, 'e'), (6, 'f');
WITH u AS (UPDATE queue SET job = upper(job) RETURNING *) SELECT q.id, q.job, u.job FROM queue q JOIN u USING (id) ORDER BY q.id;
SELECT * FROM queue ORDER BY id;
WITH i AS (INSERT INTO queue VALUES (7, 'g') RETURNING id) SELECT id * 2 AS doubled FROM i;
WITH i AS (INSERT INTO queue VALUES (8, 'h')) SELECT count(*) FROM queue;
SELECT count(*) FROM queue;
WITH i AS (INSERT INTO queue VALUES (9, 'i')) SELECT * FROM i; -- error 0A000 message
WITH a AS (INSERT INTO queue VALUES (10, 'j') RETURNING *), b AS (INSERT INTO archive (id, job) SELECT id, job || '!' FROM a RETURNING id, job) SELECT a.id, a.job, b.job FROM a, b;
WITH t AS (SELECT 100 AS k), x AS (UPDATE archive SET id = id + k FROM t WHERE archive.id < 10 RETURNING archive.id, k) SELECT * FROM x ORDER BY id;
WITH x AS (DELETE FROM archive WHERE id > 100 RETURNING id) UPDATE queue SET job = job || '*' WHERE id IN (SELECT id - 100 + 4 FROM x) RETURNING id, job;
SELECT * FROM (WITH x AS (DELETE FROM queue RETURNING *) SELECT * FROM x) s; -- error 0A000
WITH del AS (DELETE FROM queue WHERE id = 10 RETURNING *) SELECT count(*) FROM del;
WITH del AS (DELETE FROM queue WHERE id = 9999 RETURNING *) SELECT count(*) FROM del;
SELECT * FROM queue ORDER BY id;
SELECT * FROM archive ORDER BY id;
