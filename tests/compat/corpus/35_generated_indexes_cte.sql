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

-- automatically updatable views
CREATE TABLE staff (id int PRIMARY KEY, name text NOT NULL, team text, pay int CHECK (pay >= 0));
INSERT INTO staff VALUES (1, 'ann', 'red', 10), (2, 'ben', 'red', 20), (3, 'cy', 'blue', 30);
CREATE VIEW red AS SELECT id, name, pay FROM staff WHERE team = 'red';
UPDATE red SET pay = pay + 1 RETURNING *;
INSERT INTO red (id, name, pay) VALUES (4, 'dee', 40) RETURNING id, name;
INSERT INTO red VALUES (5, 'eve');
DELETE FROM red WHERE id = 1 RETURNING name, pay;
UPDATE red SET pay = -1 WHERE id = 2; -- error 23514
INSERT INTO red (id, pay) VALUES (9, 1); -- error 23502
SELECT * FROM staff ORDER BY id;
SELECT * FROM red ORDER BY id;
CREATE VIEW red_checked AS SELECT id, name, team, pay AS salary FROM staff WHERE team = 'red' WITH CHECK OPTION;
INSERT INTO red_checked VALUES (6, 'fay', 'blue', 1); -- error 44000 message
INSERT INTO red_checked VALUES (6, 'fay', 'red', 1);
UPDATE red_checked SET team = 'blue' WHERE id = 6; -- error 44000
UPDATE red_checked rc SET salary = rc.salary * 5 WHERE rc.id = 6 RETURNING rc.*;
CREATE VIEW red_rich AS SELECT id, name, team, salary FROM red_checked WHERE salary > 100;
INSERT INTO red_rich VALUES (7, 'gus', 'red', 5);
INSERT INTO red_rich VALUES (8, 'hal', 'blue', 500); -- error 44000
CREATE VIEW red_rich_local AS SELECT id, name, team, salary FROM red_checked WHERE salary > 100 WITH LOCAL CHECK OPTION;
INSERT INTO red_rich_local VALUES (8, 'hal', 'red', 5); -- error 44000
INSERT INTO red_rich_local VALUES (8, 'hal', 'red', 500);
CREATE VIEW loose AS SELECT id, name FROM staff WHERE pay > 100 WITH CASCADED CHECK OPTION;
CREATE VIEW loose_over AS SELECT id, name FROM loose;
INSERT INTO loose_over VALUES (20, 'x'); -- error 44000
SELECT * FROM staff ORDER BY id;
CREATE VIEW staff_exprs AS SELECT id, upper(name) AS shout, pay * 2 AS double_pay, name FROM staff;
INSERT INTO staff_exprs (id, name) VALUES (30, 'zed');
INSERT INTO staff_exprs (id, shout) VALUES (31, 'x'); -- error 0A000 message
UPDATE staff_exprs SET double_pay = 1; -- error 0A000 message
UPDATE staff_exprs SET name = 'zed2' WHERE shout = 'ZED' RETURNING *;
DELETE FROM staff_exprs WHERE double_pay IS NULL RETURNING id, shout;
CREATE VIEW team_sizes AS SELECT team, count(*) AS n FROM staff GROUP BY team;
UPDATE team_sizes SET team = 'x'; -- error 55000 message
DELETE FROM team_sizes; -- error 55000 message
INSERT INTO team_sizes VALUES ('x', 1); -- error 55000 message
CREATE VIEW distinct_teams AS SELECT DISTINCT team FROM staff;
DELETE FROM distinct_teams; -- error 55000 message
CREATE VIEW joined AS SELECT s.id, t.id AS other FROM staff s JOIN staff t ON s.id = t.id;
DELETE FROM joined; -- error 55000 message
CREATE VIEW limited AS SELECT id FROM staff LIMIT 1;
UPDATE limited SET id = 1; -- error 55000 message
CREATE VIEW team_checked AS SELECT team, count(*) FROM staff GROUP BY team WITH CHECK OPTION; -- error 0A000
SELECT table_name, check_option, is_updatable, is_insertable_into FROM information_schema.views WHERE table_schema = 'public' ORDER BY table_name;
WITH gone AS (DELETE FROM red WHERE id = 4 RETURNING id) SELECT count(*) FROM gone;
SELECT id, name, team FROM staff ORDER BY id;

-- expression and partial indexes
CREATE TABLE users (id int PRIMARY KEY, email text, deleted_at date, score int, tags jsonb);
INSERT INTO users VALUES (1, 'Ann@X.com', NULL, 10, '{"n": 1}'), (2, 'ben@x.com', NULL, 20, '{"n": 2}'), (3, 'ann@x.COM', '2024-01-01', 30, '{"n": 3}');
CREATE UNIQUE INDEX users_email_all ON users ((lower(email))); -- error 23505 message
CREATE UNIQUE INDEX users_email_live ON users ((lower(email))) WHERE deleted_at IS NULL;
CREATE INDEX ON users (lower(email), score DESC NULLS LAST);
CREATE INDEX ON users (score DESC);
CREATE INDEX ON users (score NULLS FIRST, id DESC);
CREATE INDEX users_n ON users (((tags ->> 'n')::int));
SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'users' ORDER BY indexname;
SELECT i.indexrelid::regclass::text, i.indkey::text, i.indoption::text, i.indexprs IS NOT NULL AS has_exprs, pg_get_expr(i.indpred, i.indrelid) FROM pg_index i WHERE i.indrelid = 'users'::regclass ORDER BY 1;
INSERT INTO users VALUES (4, 'ANN@x.com', NULL, 40, '{}'); -- error 23505 message
INSERT INTO users VALUES (4, 'ANN@x.com', '2020-02-02', 40, '{}');
UPDATE users SET deleted_at = NULL WHERE id = 4; -- error 23505 message
UPDATE users SET email = 'BEN@X.COM' WHERE id = 1; -- error 23505
UPDATE users SET email = 'cy@x.com' WHERE id = 1;
SELECT id FROM users WHERE lower(email) = 'cy@x.com' AND deleted_at IS NULL;
SELECT id FROM users WHERE lower(email) = 'ann@x.com' ORDER BY id;
SELECT id FROM users WHERE (tags ->> 'n')::int = 2;
SELECT id FROM users WHERE (tags ->> 'n')::int >= 2 ORDER BY id;
INSERT INTO users VALUES (5, 'CY@x.com', NULL, 50, '{}') ON CONFLICT ((lower(email))) WHERE deleted_at IS NULL DO UPDATE SET score = users.score + 1 RETURNING id, score;
INSERT INTO users VALUES (5, 'CY@x.com', NULL, 50, '{}') ON CONFLICT ((lower(email))) DO NOTHING; -- error 42P10
INSERT INTO users VALUES (6, 'ben@X.com', NULL, 60, '{}') ON CONFLICT (lower(email)) WHERE deleted_at IS NULL DO NOTHING;
INSERT INTO users VALUES (6, 'ben@X.com', NULL, 60, '{}') ON CONFLICT ((upper(email))) DO NOTHING; -- error 42P10
SELECT id, email, score FROM users ORDER BY id;
CREATE INDEX bad_idx ON users (sum(score)); -- error 42803
CREATE INDEX bad_idx ON users ((random())); -- error 42P17
CREATE INDEX bad_idx ON users ((now())); -- error 42P17
CREATE INDEX bad_idx ON users (score) WHERE score > (SELECT 1); -- error 0A000
CREATE INDEX bad_idx ON users ((nosuch + 1)); -- error 42703
CREATE UNIQUE INDEX users_score_big ON users (score) WHERE score > 25;
INSERT INTO users VALUES (7, 'z@x.com', NULL, 30, '{}'); -- error 23505 message
INSERT INTO users VALUES (7, 'z@x.com', NULL, 20, '{}');
ALTER TABLE users RENAME COLUMN email TO mail;
SELECT pg_get_indexdef('users_email_live'::regclass);
ALTER TABLE users DROP COLUMN deleted_at;
SELECT indexname FROM pg_indexes WHERE tablename = 'users' ORDER BY indexname;
INSERT INTO users VALUES (8, 'ANN@X.COM', 1, '{}');
DROP INDEX users_n;
SELECT count(*) FROM users WHERE (tags ->> 'n')::int = 2;
SELECT table_name, column_name, is_updatable FROM information_schema.columns WHERE table_name IN ('staff_exprs', 'team_sizes', 'red') ORDER BY table_name, ordinal_position;
CREATE TABLE crew (id int PRIMARY KEY, name text NOT NULL, team text, pay int);
INSERT INTO crew VALUES (1, 'ann', 'red', 10);
CREATE VIEW red_crew AS SELECT id AS ident, name, pay AS salary, upper(name) AS shout FROM crew WHERE team = 'red';
INSERT INTO red_crew (ident, name, salary) VALUES (1, 'x', 5) ON CONFLICT (ident) DO UPDATE SET salary = red_crew.salary + excluded.salary RETURNING *;
INSERT INTO red_crew (ident, name, salary) VALUES (1, 'x', 5) ON CONFLICT (ident) DO UPDATE SET name = excluded.shout WHERE red_crew.salary > 100 RETURNING *;
INSERT INTO red_crew (ident, name, salary) VALUES (1, 'x', 5) ON CONFLICT (ident) DO UPDATE SET name = excluded.shout WHERE excluded.shout = 'X' RETURNING *;
INSERT INTO red_crew (ident, name, salary) VALUES (1, 'y', 5) ON CONFLICT (ident) DO NOTHING;
INSERT INTO red_crew (ident, name, salary) VALUES (1, 'x', 5) ON CONFLICT (ident) DO UPDATE SET shout = 'z'; -- error 0A000 message
SELECT * FROM crew ORDER BY id;
CREATE TABLE gd (a int, b int GENERATED ALWAYS AS (a * 3) STORED);
ALTER TABLE gd ALTER COLUMN b DROP DEFAULT; -- error 42601 message
ALTER TABLE gd ALTER COLUMN b SET DEFAULT 1; -- error 42601 message
CREATE TABLE gd2 (LIKE gd INCLUDING GENERATED);
CREATE TABLE gd3 (LIKE gd);
INSERT INTO gd2 (a) VALUES (2);
INSERT INTO gd3 (a, b) VALUES (2, 5);
SELECT * FROM gd2 UNION ALL SELECT * FROM gd3 ORDER BY b;
CREATE TABLE ranked (id int PRIMARY KEY, email text, score int);
INSERT INTO ranked SELECT g, 'E' || (g % 7), CASE WHEN g % 5 = 0 THEN NULL ELSE g % 11 END FROM generate_series(1, 40) g;
CREATE INDEX ranked_score ON ranked (score);
CREATE INDEX ranked_lower ON ranked (lower(email), id);
SELECT score, count(*) FROM ranked GROUP BY score ORDER BY score;
SELECT score FROM ranked ORDER BY score DESC LIMIT 12;
SELECT score FROM ranked ORDER BY score NULLS FIRST LIMIT 10;
SELECT id, lower(email) FROM ranked ORDER BY lower(email), id LIMIT 9;
SELECT id FROM ranked WHERE lower(email) = 'e3' ORDER BY id DESC;
SELECT id, lower(email) FROM ranked ORDER BY lower(email) DESC, id DESC LIMIT 4;
