-- Errors and their SQLSTATEs: overflow 22003, division by zero 22012, datatype mismatch 42804,
-- undefined function/operator 42883, undefined table/column 42P01/42703, unique 23505, not null 23502,
-- foreign key 23503, check 23514, syntax 42601, invalid text representation 22P02, and friends.
-- Every failing statement is followed by one showing that nothing changed.

CREATE TABLE parent (id int PRIMARY KEY, code varchar(4) UNIQUE, qty smallint CHECK (qty >= 0), note text NOT NULL DEFAULT '');
CREATE TABLE child (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES parent (id));
INSERT INTO parent VALUES (1, 'a', 1, 'one'), (2, 'b', 2, 'two');
INSERT INTO child VALUES (10, 1);

-- 22003 numeric value out of range
SELECT 2147483647 + 1; -- error 22003
SELECT (-2147483648)::int * -1; -- error 22003
SELECT 40000::smallint; -- error 22003
SELECT 9223372036854775807 * 2; -- error 22003
SELECT 10::numeric(2,0) * 10;
SELECT (10 * 10)::numeric(2,0); -- error 22003
SELECT 123.45::numeric(4,2); -- error 22003
SELECT '1e400'::float8; -- error 22003
SELECT 3e38::real * 10;
SELECT 3e38::real * 10::real; -- error 22003
INSERT INTO parent (id, code, qty) VALUES (3, 'c', 32768); -- error 22003
UPDATE parent SET qty = qty * 20000 WHERE id = 2; -- error 22003
SELECT id, qty FROM parent ORDER BY id;
SELECT sum(x) FROM (VALUES (9223372036854775807), (1)) v(x);
SELECT 2147483647::int + 1::bigint;

-- 22012 division by zero
SELECT 1 / 0; -- error 22012
SELECT 1 % 0; -- error 22012
SELECT 1.5 / 0; -- error 22012
SELECT 1 / 0.0; -- error 22012
SELECT 1.0::float8 / 0.0; -- error 22012
SELECT 1::real / 0; -- error 22012
SELECT id / (qty - qty) FROM parent; -- error 22012
SELECT id / (qty - qty) FROM parent WHERE false;
SELECT CASE WHEN qty = 0 THEN NULL ELSE 10 / qty END FROM parent ORDER BY id;
SELECT avg(x) FROM (SELECT 1 WHERE false) s(x);
UPDATE parent SET qty = qty / 0; -- error 22012
SELECT 0 / 1, 0.0 / 2;

-- 22P02 invalid text representation (and other data exceptions)
SELECT 'abc'::int; -- error 22P02
SELECT '12a'::bigint; -- error 22P02
SELECT '1.2.3'::numeric; -- error 22P02
SELECT 'x'::boolean; -- error 22P02
SELECT 'zz'::uuid; -- error 22P02
SELECT '{1,2'::int[]; -- error 22P02
SELECT '[1,2'::jsonb; -- error 22P02
SELECT id FROM parent WHERE id = 'one'; -- error 22P02
INSERT INTO parent (id, code) VALUES ('four', 'd'); -- error 22P02
SELECT '2024-02-30'::date; -- error 22008
SELECT 'yesterday-ish'::timestamp; -- error 22007
SELECT 'abcde'::varchar(4) = 'abcd';
INSERT INTO parent (id, code) VALUES (5, 'abcde'); -- error 22001
SELECT count(*) FROM parent;
SELECT substring('abc' FROM 1 FOR -1); -- error 22011
SELECT repeat('x', 1 << 30) IS NULL; -- error 54000
SELECT chr(-1); -- error 22023
SELECT 'a' LIKE 'a' ESCAPE 'ab'; -- error 22025
SELECT 'x' ~ '[' ; -- error 2201B
SELECT ln(-1); -- error 2201E
SELECT sqrt(-4); -- error 2201F
SELECT (SELECT id FROM parent); -- error 21000
SELECT ARRAY[1, 2][1:1] = ARRAY[[1]]; -- error 42601
SELECT (ARRAY[1, 2])[1:1] = ARRAY[1];

-- 42804 datatype mismatch
SELECT id FROM parent WHERE note; -- error 42804
SELECT CASE WHEN true THEN 1 ELSE 'x'::text END; -- error 42804
INSERT INTO parent (id, code, qty) VALUES (6, 'e', true); -- error 42804
UPDATE parent SET qty = '2024-01-01'::date WHERE id = 1; -- error 42804
SELECT 1 UNION SELECT 'a'::text; -- error 42804
SELECT coalesce(1, 'a'::text); -- error 42804
SELECT ARRAY[1, 'a'::text]; -- error 42804
SELECT id FROM parent ORDER BY id LIMIT true; -- error 42804
SELECT count(*) FROM parent WHERE id IN (1, '2');

-- 42883 undefined function or operator
SELECT nosuchfunction(1); -- error 42883
SELECT upper(1); -- error 42883
SELECT length(1, 2, 3); -- error 42883
SELECT 'a'::text - 'b'::text; -- error 42883
SELECT true + 1; -- error 42883
SELECT '2024-01-01'::date * 2; -- error 42883
SELECT abs('x'::text); -- error 42883
SELECT sum(note) FROM parent; -- error 42883
SELECT ARRAY[1] + 1; -- error 42883
SELECT '{"a":1}'::json = '{"a":1}'::json; -- error 42883
SELECT now(1); -- error 42883

-- 42P01 / 42703 / 42702 / 42P10 undefined or ambiguous names
SELECT * FROM nosuch; -- error 42P01
SELECT * FROM parent p JOIN nosuch n ON true; -- error 42P01
INSERT INTO nosuch VALUES (1); -- error 42P01
UPDATE nosuch SET a = 1; -- error 42P01
DELETE FROM nosuch; -- error 42P01
DROP TABLE nosuch; -- error 42P01
SELECT nosuch FROM parent; -- error 42703
SELECT parent.nosuch FROM parent; -- error 42703
SELECT p.id FROM parent AS p WHERE parent.id = 1; -- error 42P01
INSERT INTO parent (nosuch) VALUES (1); -- error 42703
UPDATE parent SET nosuch = 1; -- error 42703
SELECT id FROM parent, child; -- error 42702
SELECT id FROM parent ORDER BY 5; -- error 42P10
SELECT p.id FROM parent p GROUP BY 2; -- error 42P10
SELECT "ID" FROM parent; -- error 42703
SELECT id FROM parent WHERE NoTe = 'one';

-- 42803 grouping errors, 42P20 windowing errors, 42P19 recursion errors
SELECT id, count(*) FROM parent; -- error 42803
SELECT note FROM parent GROUP BY id, code HAVING qty > 0;
SELECT code FROM parent GROUP BY note; -- error 42803
SELECT max(count(*)) FROM parent; -- error 42803
SELECT id FROM parent WHERE count(*) > 1; -- error 42803
INSERT INTO parent (id, code) VALUES (count(*), 'z'); -- error 42803
SELECT id FROM parent WHERE rank() OVER () = 1; -- error 42P20
SELECT id, note FROM parent GROUP BY id ORDER BY id;

-- 23505 unique, 23502 not null, 23503 foreign key, 23514 check
INSERT INTO parent (id, code) VALUES (1, 'x'); -- error 23505
INSERT INTO parent (id, code) VALUES (7, 'a'); -- error 23505
UPDATE parent SET code = 'a' WHERE id = 2; -- error 23505
INSERT INTO parent (id, code) VALUES (7, 'g'), (8, 'g'); -- error 23505
SELECT count(*) FROM parent;
INSERT INTO parent (id, code) VALUES (NULL, 'n'); -- error 23502
INSERT INTO parent (id, code, note) VALUES (9, 'n', NULL); -- error 23502
UPDATE parent SET note = NULL; -- error 23502
INSERT INTO child VALUES (11, NULL); -- error 23502
INSERT INTO child VALUES (11, 99); -- error 23503
UPDATE child SET parent_id = 99; -- error 23503
DELETE FROM parent WHERE id = 1; -- error 23503
UPDATE parent SET id = 100 WHERE id = 1; -- error 23503
SELECT * FROM child ORDER BY id;
INSERT INTO parent (id, code, qty) VALUES (9, 'n', -1); -- error 23514
UPDATE parent SET qty = -qty WHERE id = 1; -- error 23514
SELECT id, qty FROM parent ORDER BY id;

-- 42601 syntax errors
SELEC 1; -- error 42601
SELECT 1 +; -- error 42601
SELECT * FORM parent; -- error 42601
SELECT (1; -- error 42601
SELECT 1 AS; -- error 42601
INSERT INTO parent VALUES; -- error 42601
CREATE TABLE (a int); -- error 42601
SELECT 1 2; -- error 42601
SELECT id FROM parent WHERE; -- error 42601
SELECT id FROM parent ORDER id; -- error 42601
UPDATE parent id = 1; -- error 42601
DELETE parent WHERE id = 1; -- error 42601
SELECT , 1; -- error 42601
SELECT count(*) FROM parent;

-- 42P07 duplicate objects, 42701 duplicate column, 42P16 invalid table definition, 42710, 42P06
CREATE TABLE parent (a int); -- error 42P07
CREATE TABLE dup (a int, a int); -- error 42701
CREATE TABLE twopk (a int PRIMARY KEY, b int, PRIMARY KEY (b)); -- error 42P16
CREATE INDEX parent_pkey ON parent (note); -- error 42P07
CREATE SCHEMA public; -- error 42P06
CREATE SEQUENCE parent; -- error 42P07

-- 42704 undefined object, 0A000 feature not supported, 2BP01 dependent objects
CREATE TABLE t_bad (a nosuchtype); -- error 42704
SELECT 1::nosuchtype; -- error 42704
DROP INDEX nosuch_idx; -- error 42704
ALTER TABLE parent DROP CONSTRAINT nosuch; -- error 42704
DROP TABLE parent; -- error 2BP01
ALTER TABLE parent DROP COLUMN id; -- error 2BP01
SELECT count(*) FROM parent;

-- Statements after errors work normally (autocommit)
INSERT INTO parent (id, code, qty, note) VALUES (3, 'c', 3, 'three');
SELECT * FROM parent ORDER BY id;
SELECT * FROM child ORDER BY id;
-- stray commas and a dangling AS are syntax errors, as PostgreSQL's grammar has them
SELECT 1,; -- error 42601
SELECT id, FROM parent; -- error 42601
SELECT coalesce(id,) FROM parent; -- error 42601
SELECT (,1); -- error 42601
SELECT id AS FROM parent; -- error 42601
SELECT id FROM parent ORDER BY id,; -- error 42601
SELECT id FROM parent WHERE id IN (1, 2,); -- error 42601
SELECT id FROM parent WHERE id IN (1, 2) ORDER BY id;
