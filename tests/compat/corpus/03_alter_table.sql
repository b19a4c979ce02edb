-- ALTER TABLE: ADD/DROP/RENAME COLUMN, RENAME TO, ADD/DROP CONSTRAINT, SET/DROP DEFAULT and NOT NULL,
-- over a blog schema.

CREATE TABLE users (id int PRIMARY KEY, handle text NOT NULL);
CREATE TABLE posts (id int PRIMARY KEY, author int, title text, body text);
INSERT INTO users VALUES (1, 'ann'), (2, 'ben'), (3, 'cat');
INSERT INTO posts VALUES (10, 1, 'Hello', 'first'), (11, 1, 'Again', NULL), (12, 2, 'Mine', 'text');

-- ADD COLUMN
ALTER TABLE users ADD COLUMN bio text;
SELECT * FROM users ORDER BY id;
ALTER TABLE users ADD COLUMN karma int DEFAULT 10;
SELECT id, karma FROM users ORDER BY id;
ALTER TABLE users ADD karma2 int NOT NULL DEFAULT 0;
SELECT id, karma2 FROM users ORDER BY id;
ALTER TABLE users ADD COLUMN must int NOT NULL; -- error 23502
ALTER TABLE users ADD COLUMN bio text; -- error 42701
ALTER TABLE users ADD COLUMN IF NOT EXISTS bio text;
ALTER TABLE users ADD COLUMN IF NOT EXISTS joined date DEFAULT '2024-01-01';
SELECT id, joined FROM users ORDER BY id;
INSERT INTO users (id, handle) VALUES (4, 'dan');
SELECT * FROM users ORDER BY id;
ALTER TABLE users ADD COLUMN tags text[] DEFAULT '{}';
SELECT id, tags FROM users ORDER BY id;
ALTER TABLE nosuch ADD COLUMN x int; -- error 42P01
ALTER TABLE IF EXISTS nosuch ADD COLUMN x int;

-- DROP COLUMN
ALTER TABLE users DROP COLUMN bio;
SELECT * FROM users ORDER BY id;
SELECT bio FROM users; -- error 42703
ALTER TABLE users DROP COLUMN bio; -- error 42703
ALTER TABLE users DROP COLUMN IF EXISTS bio;
ALTER TABLE users DROP karma2;
SELECT * FROM users ORDER BY id;
ALTER TABLE users ADD COLUMN bio int;
SELECT id, bio FROM users ORDER BY id;

-- RENAME COLUMN
ALTER TABLE posts RENAME COLUMN body TO content;
SELECT id, content FROM posts ORDER BY id;
SELECT body FROM posts; -- error 42703
ALTER TABLE posts RENAME content TO body;
ALTER TABLE posts RENAME COLUMN nosuch TO other; -- error 42703
ALTER TABLE posts RENAME COLUMN title TO author; -- error 42701
SELECT * FROM posts ORDER BY id;

-- RENAME TO
ALTER TABLE posts RENAME TO articles;
SELECT count(*) FROM articles;
SELECT count(*) FROM posts; -- error 42P01
ALTER TABLE articles RENAME TO users; -- error 42P07
ALTER TABLE articles RENAME TO posts;
SELECT id, title FROM posts ORDER BY id;

-- SET/DROP DEFAULT
ALTER TABLE posts ALTER COLUMN title SET DEFAULT 'untitled';
INSERT INTO posts (id, author) VALUES (13, 3);
SELECT id, title FROM posts WHERE id = 13;
ALTER TABLE posts ALTER COLUMN title DROP DEFAULT;
INSERT INTO posts (id, author) VALUES (14, 3);
SELECT id, title FROM posts WHERE id = 14;
ALTER TABLE posts ALTER COLUMN title SET DEFAULT 'x' || 'y';
INSERT INTO posts (id) VALUES (15);
SELECT id, title FROM posts WHERE id = 15;
ALTER TABLE posts ALTER COLUMN author SET DEFAULT 'abc'; -- error 22P02
ALTER TABLE posts ALTER COLUMN nosuch SET DEFAULT 1; -- error 42703
UPDATE posts SET title = DEFAULT WHERE id = 10;
SELECT id, title FROM posts ORDER BY id;

-- SET/DROP NOT NULL
ALTER TABLE posts ALTER COLUMN body SET NOT NULL; -- error 23502
UPDATE posts SET body = '' WHERE body IS NULL;
ALTER TABLE posts ALTER COLUMN body SET NOT NULL;
INSERT INTO posts (id, author, title) VALUES (16, 1, 'nobody'); -- error 23502
INSERT INTO posts (id, author, title, body) VALUES (16, 1, 'somebody', 'b');
ALTER TABLE posts ALTER COLUMN body DROP NOT NULL;
INSERT INTO posts (id, author, title) VALUES (17, 1, 'nobody');
SELECT id, body IS NULL AS null_body FROM posts ORDER BY id;
ALTER TABLE users ALTER COLUMN id DROP NOT NULL; -- error 42P16

-- ADD/DROP CONSTRAINT
ALTER TABLE posts ADD CONSTRAINT posts_author_fk FOREIGN KEY (author) REFERENCES users (id);
INSERT INTO posts (id, author, title, body) VALUES (20, 99, 't', 'b'); -- error 23503
INSERT INTO posts (id, author, title, body) VALUES (20, 2, 't', 'b');
ALTER TABLE posts ADD CONSTRAINT title_len CHECK (length(title) <= 10);
INSERT INTO posts (id, author, title) VALUES (21, 1, 'a very long title'); -- error 23514
ALTER TABLE posts ADD CONSTRAINT title_upper CHECK (title = upper(title)); -- error 23514
ALTER TABLE users ADD CONSTRAINT handle_unique UNIQUE (handle);
INSERT INTO users (id, handle) VALUES (5, 'ann'); -- error 23505
ALTER TABLE users ADD CONSTRAINT handle_unique UNIQUE (handle); -- error 42P07
ALTER TABLE users DROP CONSTRAINT handle_unique;
INSERT INTO users (id, handle) VALUES (5, 'ann');
ALTER TABLE users ADD CONSTRAINT handle_unique2 UNIQUE (handle); -- error 23505
ALTER TABLE posts DROP CONSTRAINT title_len;
INSERT INTO posts (id, author, title) VALUES (21, 1, 'a very long title');
ALTER TABLE posts DROP CONSTRAINT nosuch; -- error 42704
ALTER TABLE posts DROP CONSTRAINT IF EXISTS nosuch;
ALTER TABLE posts DROP CONSTRAINT posts_author_fk;
INSERT INTO posts (id, author, title) VALUES (22, 99, 'orphan');
CREATE TABLE tags (name text);
INSERT INTO tags VALUES ('a'), ('b'), ('a');
ALTER TABLE tags ADD PRIMARY KEY (name); -- error 23505
DELETE FROM tags WHERE name = 'a';
INSERT INTO tags VALUES ('a');
SELECT name FROM tags ORDER BY name;
ALTER TABLE tags ADD PRIMARY KEY (name);
INSERT INTO tags VALUES ('a'); -- error 23505
INSERT INTO tags VALUES (NULL); -- error 23502
ALTER TABLE tags ADD CONSTRAINT second_pk PRIMARY KEY (name); -- error 42P16
ALTER TABLE tags DROP CONSTRAINT tags_pkey;
INSERT INTO tags VALUES ('a');
SELECT name, count(*) FROM tags GROUP BY name ORDER BY name;

-- ALTER COLUMN TYPE
CREATE TABLE metrics (id int, v int, label varchar(3));
INSERT INTO metrics VALUES (1, 10, 'abc'), (2, 20, 'de');
ALTER TABLE metrics ALTER COLUMN v TYPE bigint;
SELECT id, v, pg_typeof(v)::text FROM metrics ORDER BY id;
ALTER TABLE metrics ALTER COLUMN v TYPE numeric(6,1);
SELECT id, v FROM metrics ORDER BY id;
ALTER TABLE metrics ALTER COLUMN label TYPE varchar(2); -- error 22001
ALTER TABLE metrics ALTER COLUMN label TYPE text;
ALTER TABLE metrics ALTER COLUMN label TYPE int; -- error 42804
ALTER TABLE metrics ALTER COLUMN v TYPE text;
SELECT id, v FROM metrics ORDER BY id;
ALTER TABLE metrics ALTER COLUMN v TYPE int USING v::numeric::int;
SELECT id, v, v + 1 FROM metrics ORDER BY id;

-- Several actions in one statement, and DDL effects on data
ALTER TABLE metrics ADD COLUMN a int DEFAULT 1, ADD COLUMN b int DEFAULT 2, DROP COLUMN label;
SELECT * FROM metrics ORDER BY id;
ALTER TABLE metrics ADD COLUMN c int, ADD COLUMN c int; -- error 42701
SELECT * FROM metrics ORDER BY id;
ALTER TABLE metrics RENAME COLUMN a TO alpha;
INSERT INTO metrics (id, v, alpha) VALUES (3, 30, 7);
SELECT * FROM metrics ORDER BY id;
ALTER TABLE metrics DROP COLUMN id, DROP COLUMN v, DROP COLUMN alpha, DROP COLUMN b;
SELECT count(*) FROM metrics;
SELECT * FROM metrics;
