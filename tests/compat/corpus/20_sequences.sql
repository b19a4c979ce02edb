-- Sequences: CREATE/ALTER/DROP SEQUENCE, nextval/currval/setval/lastval, serial/bigserial,
-- identity columns, non-transactional behaviour of nextval.

CREATE SEQUENCE s1;
SELECT nextval('s1'), nextval('s1'), nextval('s1');
SELECT currval('s1');
SELECT lastval();
SELECT last_value, is_called FROM s1;
CREATE SEQUENCE s1; -- error 42P07
CREATE SEQUENCE IF NOT EXISTS s1;
SELECT nextval('s1');
SELECT nextval('nosuch'); -- error 42P01
CREATE SEQUENCE s_fresh;
SELECT currval('s_fresh'); -- error 55000
SELECT last_value, is_called FROM s_fresh;

-- Options
CREATE SEQUENCE s_step START WITH 100 INCREMENT BY 10;
SELECT nextval('s_step'), nextval('s_step'), currval('s_step');
CREATE SEQUENCE s_down INCREMENT -1 START 3 MINVALUE 1 MAXVALUE 3;
SELECT nextval('s_down'), nextval('s_down'), nextval('s_down');
SELECT nextval('s_down'); -- error 2200H
CREATE SEQUENCE s_cycle START 1 MAXVALUE 3 CYCLE;
SELECT nextval('s_cycle'), nextval('s_cycle'), nextval('s_cycle'), nextval('s_cycle'), nextval('s_cycle');
CREATE SEQUENCE s_max MAXVALUE 2;
SELECT nextval('s_max'), nextval('s_max');
SELECT nextval('s_max'); -- error 2200H
CREATE SEQUENCE s_small AS smallint;
SELECT setval('s_small', 32767);
SELECT nextval('s_small'); -- error 2200H
CREATE SEQUENCE s_bad START 10 MAXVALUE 5; -- error 22023
CREATE SEQUENCE s_bad INCREMENT 0; -- error 22023
CREATE SEQUENCE s_big START 9223372036854775806;
SELECT nextval('s_big'), nextval('s_big');
SELECT nextval('s_big'); -- error 2200H
CREATE SEQUENCE s_neg START -5 MINVALUE -10;
SELECT nextval('s_neg'), nextval('s_neg');

-- setval
SELECT setval('s1', 50);
SELECT nextval('s1');
SELECT setval('s1', 60, false);
SELECT nextval('s1'), currval('s1');
SELECT setval('s1', 70, true), nextval('s1');
SELECT setval('s_max', 10); -- error 22003
SELECT setval('nosuch', 1); -- error 42P01
SELECT last_value, is_called FROM s1;

-- ALTER SEQUENCE
ALTER SEQUENCE s1 RESTART WITH 1;
SELECT nextval('s1');
ALTER SEQUENCE s1 INCREMENT BY 5;
SELECT nextval('s1'), nextval('s1');
ALTER SEQUENCE s1 RESTART;
SELECT nextval('s1');
ALTER SEQUENCE s1 MAXVALUE 10;
SELECT nextval('s1');
SELECT nextval('s1'); -- error 2200H
ALTER SEQUENCE nosuch RESTART; -- error 42P01
ALTER SEQUENCE IF EXISTS nosuch RESTART;
ALTER SEQUENCE s1 RENAME TO s1_renamed;
SELECT currval('s1_renamed');
SELECT nextval('s1'); -- error 42P01

-- nextval is not rolled back
CREATE SEQUENCE s_tx;
BEGIN;
SELECT nextval('s_tx');
SELECT nextval('s_tx');
ROLLBACK;
SELECT nextval('s_tx');
BEGIN;
SELECT setval('s_tx', 100);
ROLLBACK;
SELECT nextval('s_tx');

-- DROP SEQUENCE
DROP SEQUENCE s_fresh;
SELECT nextval('s_fresh'); -- error 42P01
DROP SEQUENCE s_fresh; -- error 42P01
DROP SEQUENCE IF EXISTS s_fresh;
DROP SEQUENCE s_step, s_down;
DROP SEQUENCE IF EXISTS s_cycle, s_nothere;

-- serial and bigserial
CREATE TABLE users (id serial PRIMARY KEY, name text);
INSERT INTO users (name) VALUES ('a'), ('b');
INSERT INTO users (name) VALUES ('c') RETURNING id;
SELECT * FROM users ORDER BY id;
SELECT currval('users_id_seq');
SELECT pg_get_serial_sequence('users', 'id');
INSERT INTO users (id, name) VALUES (10, 'explicit');
INSERT INTO users (name) VALUES ('d') RETURNING id;
INSERT INTO users (name) VALUES ('e'), ('f'), ('g'), ('h'), ('i'), ('j') RETURNING id; -- error 23505
INSERT INTO users (name) VALUES ('k') RETURNING id;
INSERT INTO users (name) VALUES ('l') RETURNING id;
SELECT count(*), max(id) FROM users;
INSERT INTO users (id, name) VALUES (DEFAULT, 'dflt') RETURNING id;
INSERT INTO users (id, name) VALUES (NULL, 'null id'); -- error 23502
CREATE TABLE big (id bigserial, note text);
INSERT INTO big (note) VALUES ('x'), ('y') RETURNING id;
SELECT id, pg_typeof(id)::text FROM big ORDER BY id;
SELECT setval('big_id_seq', 5000000000);
INSERT INTO big (note) VALUES ('z') RETURNING id;
CREATE TABLE small (id smallserial, v int);
INSERT INTO small (v) VALUES (1) RETURNING id;
DROP SEQUENCE users_id_seq; -- error 2BP01
DROP TABLE users;
SELECT nextval('users_id_seq'); -- error 42P01
CREATE TABLE two_serials (a serial, b serial, c text);
INSERT INTO two_serials (c) VALUES ('x'), ('y');
SELECT a, b, c FROM two_serials ORDER BY a;
TRUNCATE two_serials;
INSERT INTO two_serials (c) VALUES ('z') RETURNING a, b;
TRUNCATE two_serials RESTART IDENTITY;
INSERT INTO two_serials (c) VALUES ('w') RETURNING a, b;

-- Sequence-backed defaults written by hand
CREATE SEQUENCE order_no START 1000;
CREATE TABLE orders (no int DEFAULT nextval('order_no') PRIMARY KEY, item text);
INSERT INTO orders (item) VALUES ('pen'), ('ink') RETURNING no;
INSERT INTO orders (no, item) SELECT nextval('order_no') * 10, 'pad' RETURNING no;
SELECT * FROM orders ORDER BY no;
DROP SEQUENCE order_no; -- error 2BP01
DROP SEQUENCE order_no CASCADE;
INSERT INTO orders (item) VALUES ('no default'); -- error 23502

-- Identity columns
CREATE TABLE ident (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text);
INSERT INTO ident (v) VALUES ('a'), ('b') RETURNING id;
INSERT INTO ident (id, v) VALUES (5, 'x'); -- error 428C9
INSERT INTO ident (id, v) OVERRIDING SYSTEM VALUE VALUES (5, 'x');
INSERT INTO ident (v) VALUES ('c') RETURNING id;
UPDATE ident SET id = 9 WHERE id = 1; -- error 428C9
CREATE TABLE ident2 (id bigint GENERATED BY DEFAULT AS IDENTITY (START WITH 10 INCREMENT BY 10), v text);
INSERT INTO ident2 (v) VALUES ('a'), ('b');
INSERT INTO ident2 (id, v) VALUES (1, 'manual');
SELECT * FROM ident2 ORDER BY id;
SELECT * FROM ident ORDER BY id;
