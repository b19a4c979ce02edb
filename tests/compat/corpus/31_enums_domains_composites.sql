-- User-defined types: enums (declaration order, ALTER TYPE, enum functions, casts), domains
-- (NOT NULL / CHECK / DEFAULT on every write and cast, ALTER DOMAIN), composite types (row
-- constructors, field access, record text) and whole-row references; DROP with dependencies.

CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE mood AS ENUM ('x'); -- error 42710
CREATE TABLE person (id int PRIMARY KEY, name text, current_mood mood);
INSERT INTO person VALUES (1, 'ann', 'happy'), (2, 'ben', 'sad'), (3, 'cat', 'ok'), (4, 'dan', NULL), (5, 'eve', 'sad');
INSERT INTO person VALUES (6, 'fay', 'angry'); -- error 22P02
SELECT * FROM person ORDER BY current_mood, id;
SELECT * FROM person ORDER BY current_mood DESC NULLS LAST, id;
SELECT name FROM person WHERE current_mood > 'sad' ORDER BY id;
SELECT name FROM person WHERE current_mood = 'ok';
SELECT name FROM person WHERE current_mood IN ('ok', 'happy') ORDER BY id;
SELECT min(current_mood), max(current_mood), count(DISTINCT current_mood) FROM person;
SELECT current_mood, count(*) FROM person GROUP BY current_mood ORDER BY current_mood;
SELECT 'happy'::mood > 'sad'::mood, 'ok'::mood < 'sad'::mood, 'ok'::mood = 'ok';
SELECT 'nope'::mood; -- error 22P02
SELECT current_mood::text || '!' FROM person WHERE id = 1;
SELECT 'ok'::text::mood;
SELECT current_mood = 'ok'::text FROM person; -- error 42883
SELECT enum_first(NULL::mood), enum_last(NULL::mood);
SELECT enum_range(NULL::mood)::text;
SELECT enum_range('ok'::mood, NULL)::text, enum_range(NULL, 'ok'::mood)::text, enum_range('ok'::mood, 'happy'::mood)::text;
SELECT enum_first(1); -- error 42883
SELECT pg_typeof(current_mood) FROM person WHERE id = 1;
SELECT 'mood'::regtype, format_type('mood'::regtype, NULL), format_type('mood[]'::regtype, NULL);
SELECT ARRAY['sad', 'happy']::mood[]::text, array_length(ARRAY['sad', 'happy']::mood[], 1);
SELECT (ARRAY['happy', 'sad']::mood[])[1];
SELECT '{ok,bad}'::mood[]; -- error 22P02
CREATE INDEX person_mood ON person (current_mood);
SELECT name FROM person WHERE current_mood >= 'ok' ORDER BY current_mood, id;
SELECT name FROM person WHERE current_mood = 'sad' ORDER BY id;
ALTER TYPE mood ADD VALUE 'meh' BEFORE 'ok';
ALTER TYPE mood ADD VALUE 'ecstatic';
ALTER TYPE mood ADD VALUE 'ok'; -- error 42710
ALTER TYPE mood ADD VALUE IF NOT EXISTS 'ok';
ALTER TYPE mood ADD VALUE 'x' AFTER 'nosuch'; -- error 22023
SELECT enum_range(NULL::mood)::text;
INSERT INTO person VALUES (6, 'fay', 'meh'), (7, 'gus', 'ecstatic');
SELECT name, current_mood FROM person ORDER BY current_mood, id;
SELECT enumlabel FROM pg_enum WHERE enumtypid = 'mood'::regtype ORDER BY enumsortorder;
ALTER TYPE mood RENAME VALUE 'meh' TO 'so-so';
ALTER TYPE mood RENAME VALUE 'nosuch' TO 'y'; -- error 22023
ALTER TYPE mood RENAME VALUE 'ok' TO 'sad'; -- error 42710
SELECT name, current_mood FROM person WHERE id = 6;
SELECT enum_range(NULL::mood)::text;
SELECT typname, typtype, typcategory FROM pg_type WHERE typname IN ('mood', '_mood') ORDER BY typname;
SELECT t.typname FROM pg_type t WHERE t.oid = (SELECT typarray FROM pg_type WHERE typname = 'mood');
SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = 'person'::regclass AND a.attnum > 0 ORDER BY a.attnum;
UPDATE person SET current_mood = 'happy' WHERE id = 2;
UPDATE person SET current_mood = 'grumpy' WHERE id = 2; -- error 22P02
SELECT current_mood FROM person WHERE id = 2;
CREATE TABLE mood_log (id int, moods mood[]);
INSERT INTO mood_log VALUES (1, '{sad,happy}'), (2, ARRAY['ok']::mood[]);
SELECT id, moods::text, moods[1] FROM mood_log ORDER BY id;
SELECT id FROM mood_log WHERE 'happy' = ANY (moods);
ALTER TYPE mood RENAME TO feeling;
SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = 'person'::regclass AND a.attnum = 3;
SELECT 'ok'::feeling;
SELECT 'ok'::mood; -- error 42704
CREATE TABLE t_text (v text);
INSERT INTO t_text VALUES ('ok');
INSERT INTO person SELECT 8, 'hal', v FROM t_text; -- error 42804
INSERT INTO person SELECT 8, 'hal', v::feeling FROM t_text;
SELECT current_mood FROM person WHERE id = 8;
DROP TYPE feeling; -- error 2BP01
DROP TYPE IF EXISTS nosuch;
DROP TYPE nosuch; -- error 42704
CREATE TYPE unused AS ENUM ();
SELECT enum_range(NULL::unused)::text;
DROP TYPE unused;
CREATE TYPE bad_label AS ENUM ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'); -- error 42602

-- domains
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE DOMAIN email AS text CONSTRAINT email_at CHECK (VALUE LIKE '%@%');
CREATE DOMAIN code AS varchar(4) NOT NULL DEFAULT 'none';
CREATE TABLE account (id posint PRIMARY KEY, mail email, c code, qty posint);
INSERT INTO account VALUES (1, 'a@x', 'ab', 5);
INSERT INTO account VALUES (0, 'b@x', 'ab', 5); -- error 23514
INSERT INTO account VALUES (2, 'nomail', 'ab', 5); -- error 23514
INSERT INTO account VALUES (3, 'c@x', NULL, 5); -- error 23502
INSERT INTO account VALUES (4, 'd@x', 'toolong', 5); -- error 22001
INSERT INTO account (id, mail) VALUES (5, 'e@x');
INSERT INTO account (id, mail, qty) VALUES (6, 'f@x', NULL);
SELECT * FROM account ORDER BY id;
UPDATE account SET qty = -1 WHERE id = 1; -- error 23514
UPDATE account SET qty = qty + 1 WHERE id = 1;
SELECT qty FROM account WHERE id = 1;
SELECT 5::posint, '7'::posint + 1;
SELECT (-5)::posint; -- error 23514
SELECT NULL::code; -- error 23502
SELECT NULL::posint;
SELECT 'x@y'::email, pg_typeof('x@y'::email);
SELECT 'xy'::email; -- error 23514
ALTER DOMAIN posint ADD CONSTRAINT under_100 CHECK (VALUE < 100);
INSERT INTO account VALUES (100, 'g@x', 'ab', 1); -- error 23514
ALTER DOMAIN posint ADD CONSTRAINT under_3 CHECK (VALUE < 3); -- error 23514
ALTER DOMAIN posint DROP CONSTRAINT under_100;
INSERT INTO account VALUES (100, 'g@x', 'ab', 1);
ALTER DOMAIN posint DROP CONSTRAINT nosuch; -- error 42704
ALTER DOMAIN posint DROP CONSTRAINT IF EXISTS nosuch;
ALTER DOMAIN email SET DEFAULT 'nobody@x';
INSERT INTO account (id) VALUES (7);
SELECT id, mail, c FROM account WHERE id = 7;
ALTER DOMAIN email DROP DEFAULT;
ALTER DOMAIN email SET NOT NULL;
INSERT INTO account (id) VALUES (8); -- error 23502
ALTER DOMAIN email DROP NOT NULL;
ALTER DOMAIN code SET NOT NULL;
ALTER DOMAIN posint SET NOT NULL; -- error 23502
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contypid = 'email'::regtype;
SELECT typname, typtype, format_type(typbasetype, typtypmod), typnotnull, typdefault FROM pg_type WHERE typname IN ('posint', 'email', 'code') ORDER BY typname;
SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a WHERE a.attrelid = 'account'::regclass AND a.attnum > 0 ORDER BY a.attnum;
CREATE DOMAIN small_posint AS posint CHECK (VALUE < 10);
SELECT 5::small_posint;
SELECT 50::small_posint; -- error 23514
SELECT 0::small_posint; -- error 23514
DROP DOMAIN posint; -- error 2BP01
DROP DOMAIN small_posint;
CREATE DOMAIN posint AS int; -- error 42710
DROP TYPE email; -- error 2BP01
DROP DOMAIN mood_nosuch; -- error 42704
CREATE DOMAIN d_arr AS int[] CHECK (array_length(VALUE, 1) < 3);
SELECT '{1,2}'::d_arr;
SELECT '{1,2,3}'::d_arr; -- error 23514
CREATE TABLE d_copy (v posint);
INSERT INTO d_copy SELECT g FROM generate_series(1, 3) g;
INSERT INTO d_copy SELECT g FROM generate_series(-1, 1) g; -- error 23514
SELECT count(*) FROM d_copy;

-- composite types and rows
CREATE TYPE pair AS (a int, b text);
SELECT ROW(1, 'x')::pair::text;
SELECT (ROW(1, 'x')::pair).b, (ROW(2, 'y')::pair).a + 1;
SELECT ('(3,"hello world")'::pair).b;
SELECT '(4,)'::pair::text, '(,)'::pair::text, ('(,)'::pair).a IS NULL;
SELECT ROW(1, 'a b', NULL, '', 'q"t')::text;
SELECT (ROW(1, 'x')::pair).c; -- error 42703
SELECT ROW(1, 2, 3)::pair; -- error 42846
SELECT '(1,2,3)'::pair; -- error 22P02
SELECT typname, typtype FROM pg_type WHERE typname = 'pair';
SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = (SELECT typrelid FROM pg_type WHERE typname = 'pair') ORDER BY attnum;
ALTER TYPE pair ADD ATTRIBUTE c boolean;
SELECT ROW(1, 'x', true)::pair::text;
ALTER TYPE pair RENAME ATTRIBUTE c TO flag;
SELECT (ROW(1, 'x', false)::pair).flag;
ALTER TYPE pair DROP ATTRIBUTE flag;
SELECT row_to_json(ROW(1, 'x')::pair);
SELECT to_jsonb(ROW(1, 'x')::pair);
DROP TYPE pair;
SELECT row_to_json(p) FROM person p WHERE id = 1;
SELECT to_jsonb(p) FROM person p WHERE id = 3;
SELECT to_jsonb(p.*) FROM person p WHERE id = 3;
SELECT p::text FROM person p WHERE id = 1;
SELECT person::text FROM person WHERE id = 2;
SELECT s::text FROM (SELECT 1 AS a, 'x y' AS b) s;
SELECT row_to_json(s) FROM (SELECT 1 AS a, NULL::text AS b, ARRAY[1, 2] AS c) s;
SELECT jsonb_agg(t ORDER BY id) FROM (SELECT id, name FROM person WHERE id < 3) t;
SELECT (p).name FROM person p WHERE id = 1;
SELECT count(*) FROM person p WHERE p IS NOT NULL;
SELECT ROW(1, 2) = ROW(1, 2), ROW(1, 2) < ROW(1, 3);
COMMENT ON TYPE feeling IS 'how one feels';
COMMENT ON DOMAIN posint IS 'positive';
SELECT obj_description('feeling'::regtype, 'pg_type'), obj_description('posint'::regtype, 'pg_type');
COMMENT ON DOMAIN feeling IS 'x'; -- error 42809
COMMENT ON TYPE feeling IS NULL;
SELECT obj_description('feeling'::regtype, 'pg_type');
DROP TYPE IF EXISTS integer; -- error 2BP01
SELECT column_name, data_type, udt_schema, udt_name, domain_name, character_maximum_length FROM information_schema.columns WHERE table_name IN ('person', 'account', 'mood_log') ORDER BY table_name, ordinal_position;
CREATE TYPE level AS ENUM ('low', 'high');
CREATE DOMAIN high_level AS level CHECK (VALUE = 'high');
CREATE TABLE gauges (id int PRIMARY KEY, l level, h high_level, note text);
INSERT INTO gauges VALUES (1, 'low', 'high', 'x');
DROP TYPE level; -- error 2BP01
DROP TYPE level CASCADE;
SELECT * FROM gauges;
SELECT count(*) FROM pg_type WHERE typname IN ('level', 'high_level', '_level');
SELECT '(1,4)' < ROW(1, 3); -- error 0A000
