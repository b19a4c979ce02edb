-- UNIQUE and PRIMARY KEY constraints DEFERRABLE [INITIALLY IMMEDIATE | INITIALLY DEFERRED]:
-- checked at the end of each statement (so a statement may move values through each other),
-- or at COMMIT when deferred (INITIALLY DEFERRED, SET CONSTRAINTS); SET CONSTRAINTS ...
-- IMMEDIATE checks at once; ON CONFLICT refuses them as arbiters (55000) and foreign keys
-- cannot reference them (55000); the catalog shows the deferral.

CREATE TABLE slot (id int PRIMARY KEY, pos int UNIQUE DEFERRABLE);
INSERT INTO slot VALUES (1, 1), (2, 2), (3, 3);
UPDATE slot SET pos = pos + 1;
SELECT id, pos FROM slot ORDER BY id;
UPDATE slot SET pos = 5 - pos;
SELECT id, pos FROM slot ORDER BY id;
UPDATE slot SET pos = CASE pos WHEN 1 THEN 3 WHEN 3 THEN 1 ELSE pos END;
SELECT id, pos FROM slot ORDER BY id;
INSERT INTO slot VALUES (4, 2); -- error 23505 message
UPDATE slot SET pos = 2 WHERE id = 1; -- error 23505 message
INSERT INTO slot VALUES (4, 4), (5, 4); -- error 23505 message
INSERT INTO slot VALUES (4, NULL), (5, NULL);
SELECT id, pos FROM slot ORDER BY id;
CREATE TABLE plain (id int PRIMARY KEY, pos int UNIQUE);
INSERT INTO plain VALUES (1, 1), (2, 2), (3, 3);
UPDATE plain SET pos = pos + 1; -- error 23505 message
-- a statement's duplicates are found at its end, then the transaction is aborted
BEGIN;
INSERT INTO slot VALUES (6, 1); -- error 23505
SELECT 1; -- error 25P02
ROLLBACK;
-- deferred by SET CONSTRAINTS: duplicates live until COMMIT
BEGIN;
SET CONSTRAINTS slot_pos_key DEFERRED;
INSERT INTO slot VALUES (6, 1);
SELECT pos, count(*) FROM slot WHERE pos IS NOT NULL GROUP BY pos ORDER BY pos;
UPDATE slot SET pos = 10 WHERE id = 1;
COMMIT;
SELECT id, pos FROM slot ORDER BY id;
BEGIN;
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO slot VALUES (7, 10);
COMMIT; -- error 23505 message
SELECT id, pos FROM slot ORDER BY id;
BEGIN;
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO slot VALUES (7, 10);
SET CONSTRAINTS slot_pos_key IMMEDIATE; -- error 23505 message
ROLLBACK;
BEGIN;
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO slot VALUES (7, 10);
DELETE FROM slot WHERE id = 1;
SET CONSTRAINTS ALL IMMEDIATE;
INSERT INTO slot VALUES (8, 10); -- error 23505
ROLLBACK;
SELECT id, pos FROM slot ORDER BY id;
SET CONSTRAINTS plain_pos_key DEFERRED; -- error 42809 notices
BEGIN;
SET CONSTRAINTS plain_pos_key DEFERRED; -- error 42809 message
ROLLBACK;
BEGIN;
SET CONSTRAINTS no_such_constraint DEFERRED; -- error 42704
ROLLBACK;
-- INITIALLY DEFERRED, and a deferrable primary key
CREATE TABLE seat (row_no int, seat_no int, holder text, CONSTRAINT seat_pkey PRIMARY KEY (row_no, seat_no) DEFERRABLE INITIALLY DEFERRED);
INSERT INTO seat VALUES (1, 1, 'ann'), (1, 2, 'bob'), (2, 1, 'cy');
BEGIN;
INSERT INTO seat VALUES (1, 1, 'dee');
SELECT row_no, seat_no, holder FROM seat ORDER BY row_no, seat_no, holder;
UPDATE seat SET seat_no = 3 WHERE holder = 'dee';
COMMIT;
SELECT row_no, seat_no, holder FROM seat ORDER BY row_no, seat_no;
INSERT INTO seat VALUES (1, 1, 'eve'); -- error 23505 message
SELECT row_no, seat_no, holder FROM seat ORDER BY row_no, seat_no;
BEGIN;
SET CONSTRAINTS seat_pkey IMMEDIATE;
INSERT INTO seat VALUES (1, 1, 'eve'); -- error 23505 message
ROLLBACK;
INSERT INTO seat VALUES (NULL, 1, 'fay'); -- error 23502
SELECT holder FROM seat WHERE row_no = 1 AND seat_no = 2;
UPDATE seat SET holder = 'bo' WHERE row_no = 1 AND seat_no = 2;
DELETE FROM seat WHERE row_no = 2 AND seat_no = 1;
SELECT row_no, seat_no, holder FROM seat ORDER BY row_no, seat_no;
SELECT row_no, seat_no, count(*) FROM seat GROUP BY row_no, seat_no ORDER BY row_no, seat_no;
SELECT row_no, seat_no, holder FROM seat GROUP BY row_no, seat_no; -- error 42803
-- ON CONFLICT cannot use a deferrable constraint as its arbiter
INSERT INTO slot VALUES (20, 20) ON CONFLICT DO NOTHING; -- error 55000 message
INSERT INTO slot VALUES (20, 20) ON CONFLICT (pos) DO NOTHING; -- error 55000 message
INSERT INTO slot VALUES (20, 20) ON CONFLICT ON CONSTRAINT slot_pos_key DO NOTHING; -- error 55000
INSERT INTO slot VALUES (2, 20) ON CONFLICT (id) DO UPDATE SET pos = 21;
INSERT INTO slot VALUES (2, 20) ON CONFLICT (id) DO UPDATE SET pos = 3; -- error 23505
INSERT INTO seat VALUES (1, 1, 'x') ON CONFLICT (row_no, seat_no) DO NOTHING; -- error 55000
INSERT INTO slot SELECT 30, 30 WHERE false ON CONFLICT DO NOTHING;
SELECT id, pos FROM slot ORDER BY id;
-- foreign keys cannot reference a deferrable key
CREATE TABLE booking (id int, seat_row int, seat_no int, FOREIGN KEY (seat_row, seat_no) REFERENCES seat); -- error 55000 message
CREATE TABLE booking (id int, seat_row int, seat_no int, FOREIGN KEY (seat_row, seat_no) REFERENCES seat (row_no, seat_no)); -- error 55000 message
CREATE TABLE booking (id int, pos int REFERENCES slot (pos)); -- error 55000 message
CREATE TABLE booking (id int, pos int REFERENCES plain (pos));
DROP TABLE booking;
-- syntax: every spelling PostgreSQL takes, and what it refuses
CREATE TABLE spell (a int UNIQUE NOT DEFERRABLE, b int UNIQUE DEFERRABLE INITIALLY IMMEDIATE, c int UNIQUE INITIALLY DEFERRED, d int, e int, f int, CONSTRAINT spell_de UNIQUE (d, e) DEFERRABLE INITIALLY DEFERRED, UNIQUE (f) NOT DEFERRABLE INITIALLY IMMEDIATE);
CREATE TABLE bad (a int UNIQUE NOT DEFERRABLE INITIALLY DEFERRED); -- error 42601
CREATE TABLE bad (a int UNIQUE DEFERRABLE DEFERRABLE); -- error 42601
CREATE TABLE bad (a int UNIQUE INITIALLY DEFERRED INITIALLY IMMEDIATE); -- error 42601
CREATE TABLE bad (a int CHECK (a > 0) DEFERRABLE); -- error 42601
CREATE TABLE bad (a int PRIMARY KEY NOT DEFERRABLE, b int REFERENCES spell (a) NOT DEFERRABLE);
DROP TABLE bad;
SELECT conrelid::regclass::text AS rel, conname, contype, condeferrable, condeferred, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype IN ('p', 'u') AND connamespace = 'public'::regnamespace ORDER BY rel, conname;
SELECT i.indexrelid::regclass::text AS idx, i.indisunique, i.indisprimary, i.indimmediate FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relname IN ('slot', 'seat', 'spell', 'plain') ORDER BY idx;
SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY tablename, indexname;
SELECT table_name, constraint_name, constraint_type, is_deferrable, initially_deferred FROM information_schema.table_constraints WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE') AND table_schema = 'public' ORDER BY table_name, constraint_name;
SELECT c2.relname, i.indisprimary, i.indisunique, pg_get_indexdef(i.indexrelid, 0, true), pg_get_constraintdef(con.oid, true), contype, condeferrable, condeferred FROM pg_class c, pg_class c2, pg_index i LEFT JOIN pg_constraint con ON (conrelid = i.indrelid AND conindid = i.indexrelid AND contype IN ('p','u','x')) WHERE c.oid = 'seat'::regclass AND c.oid = i.indrelid AND i.indexrelid = c2.oid ORDER BY i.indisprimary DESC, c2.relname;
-- ALTER TABLE: added to rows (which must not repeat or be NULL), dropped, columns renamed, retyped
CREATE TABLE queue (id int, pos int, note text);
INSERT INTO queue VALUES (1, 1, 'a'), (2, 1, 'b'), (NULL, 3, 'c');
ALTER TABLE queue ADD CONSTRAINT queue_pos_key UNIQUE (pos) DEFERRABLE; -- error 23505 message
ALTER TABLE queue ADD PRIMARY KEY (id) DEFERRABLE; -- error 23502
UPDATE queue SET pos = 2, id = 3 WHERE note = 'b';
UPDATE queue SET id = 2 WHERE note = 'c';
ALTER TABLE queue ADD CONSTRAINT queue_pos_key UNIQUE (pos) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE queue ADD PRIMARY KEY (id) DEFERRABLE;
ALTER TABLE queue ADD PRIMARY KEY (note); -- error 42P16
ALTER TABLE queue ALTER COLUMN id DROP NOT NULL; -- error 42P16
UPDATE queue SET id = id + 1;
BEGIN;
UPDATE queue SET pos = 1 WHERE id = 2;
SELECT id, pos, note FROM queue ORDER BY id;
UPDATE queue SET pos = 9 WHERE id = 4;
COMMIT;
SELECT id, pos, note FROM queue ORDER BY id;
ALTER TABLE queue RENAME COLUMN pos TO place;
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'queue'::regclass ORDER BY conname;
ALTER TABLE queue ALTER COLUMN place TYPE bigint;
INSERT INTO queue VALUES (5, 9, 'd'); -- error 23505 message
BEGIN;
INSERT INTO queue VALUES (5, 9, 'd');
COMMIT; -- error 23505
ALTER TABLE queue DROP CONSTRAINT queue_pkey;
INSERT INTO queue VALUES (2, 7, 'e');
SELECT id, place, note FROM queue ORDER BY id, note;
ALTER TABLE queue DROP CONSTRAINT queue_pos_key;
INSERT INTO queue VALUES (6, 9, 'f');
SELECT id, place, note FROM queue ORDER BY id, note;
ALTER TABLE queue ADD CONSTRAINT queue_pkey PRIMARY KEY (id) DEFERRABLE; -- error 23505 message
ALTER TABLE queue DROP COLUMN note;
SELECT count(*) FROM pg_constraint WHERE conrelid = 'queue'::regclass;
-- a deferred check at COMMIT sees the transaction's own later changes
CREATE TABLE code (c text, CONSTRAINT code_c_key UNIQUE (c) DEFERRABLE INITIALLY DEFERRED);
BEGIN;
INSERT INTO code VALUES ('x'), ('x'), ('y');
DELETE FROM code WHERE c = 'x';
INSERT INTO code VALUES ('x');
COMMIT;
SELECT c FROM code ORDER BY c;
BEGIN;
INSERT INTO code VALUES ('y');
SAVEPOINT s;
UPDATE code SET c = 'z' WHERE c = 'y';
ROLLBACK TO SAVEPOINT s;
COMMIT; -- error 23505
SELECT c FROM code ORDER BY c;
TRUNCATE code;
INSERT INTO code VALUES ('x');
SELECT c FROM code ORDER BY c;
-- NULLS NOT DISTINCT
CREATE TABLE nnd (a int, b int, CONSTRAINT nnd_key UNIQUE NULLS NOT DISTINCT (a, b) DEFERRABLE);
INSERT INTO nnd VALUES (1, NULL);
INSERT INTO nnd VALUES (1, NULL); -- error 23505 message
INSERT INTO nnd VALUES (NULL, NULL), (2, 2);
SELECT a, b FROM nnd ORDER BY a, b;
-- a partitioned table's deferrable key goes to its partitions, each checked on its own
CREATE TABLE part (a int, b int, UNIQUE (a) DEFERRABLE INITIALLY DEFERRED) PARTITION BY LIST (a);
CREATE TABLE part1 PARTITION OF part FOR VALUES IN (1, 2);
CREATE TABLE part3 (a int, b int);
INSERT INTO part3 VALUES (3, 1), (3, 2);
ALTER TABLE part ATTACH PARTITION part3 FOR VALUES IN (3); -- error 23505 message
DELETE FROM part3 WHERE b = 2;
ALTER TABLE part ATTACH PARTITION part3 FOR VALUES IN (3);
BEGIN;
INSERT INTO part VALUES (1, 1), (1, 2);
COMMIT; -- error 23505 message
BEGIN;
INSERT INTO part VALUES (1, 1), (2, 2);
UPDATE part SET a = 3 - a WHERE a < 3;
COMMIT;
SELECT a, b FROM part ORDER BY a;
SELECT conrelid::regclass::text AS rel, conname, condeferrable, condeferred FROM pg_constraint WHERE conrelid::regclass::text LIKE 'part%' ORDER BY rel, conname;
-- ROLLBACK TO SAVEPOINT undoes SET CONSTRAINTS, and checks run since are due again at COMMIT
CREATE TABLE sp (k int UNIQUE DEFERRABLE);
INSERT INTO sp VALUES (1), (2);
BEGIN;
SAVEPOINT a;
SET CONSTRAINTS ALL DEFERRED;
ROLLBACK TO SAVEPOINT a;
INSERT INTO sp VALUES (1); -- error 23505
ROLLBACK;
BEGIN;
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO sp VALUES (1);
SAVEPOINT a;
SET CONSTRAINTS ALL IMMEDIATE; -- error 23505
ROLLBACK TO SAVEPOINT a;
DELETE FROM sp WHERE k = 1;
INSERT INTO sp VALUES (3);
COMMIT;
SELECT k FROM sp ORDER BY k;
BEGIN;
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO sp VALUES (2);
SAVEPOINT a;
DELETE FROM sp WHERE k = 2;
SET CONSTRAINTS ALL IMMEDIATE;
ROLLBACK TO SAVEPOINT a;
COMMIT; -- error 23505
SELECT k FROM sp ORDER BY k;
BEGIN;
SET CONSTRAINTS ALL DEFERRED;
SAVEPOINT a;
INSERT INTO sp VALUES (2);
ROLLBACK TO SAVEPOINT a;
COMMIT;
SELECT k FROM sp ORDER BY k;
-- ON CONFLICT looks at its arbiters in order, the primary key first: a conflict found before
-- the deferrable one is reached resolves the row
CREATE TABLE oc (pos int UNIQUE DEFERRABLE, id int PRIMARY KEY, z int UNIQUE);
INSERT INTO oc VALUES (1, 1, 1);
INSERT INTO oc VALUES (5, 1, 5) ON CONFLICT DO NOTHING;
INSERT INTO oc VALUES (5, 2, 1) ON CONFLICT DO NOTHING; -- error 55000
INSERT INTO oc VALUES (5, 1, 5) ON CONFLICT (id) DO NOTHING;
INSERT INTO oc VALUES (5, 1, 5) ON CONFLICT (id) DO UPDATE SET z = 7;
INSERT INTO oc VALUES (5, 2, 2);
INSERT INTO oc VALUES (9, 3, 7) ON CONFLICT (z) DO UPDATE SET pos = 5; -- error 23505 message
SELECT pos, id, z FROM oc ORDER BY id;
CREATE TABLE oc2 (id int PRIMARY KEY DEFERRABLE, z int UNIQUE);
INSERT INTO oc2 VALUES (1, 1);
INSERT INTO oc2 VALUES (2, 1) ON CONFLICT DO NOTHING; -- error 55000
INSERT INTO oc2 VALUES (2, 1) ON CONFLICT (z) DO NOTHING;
INSERT INTO oc2 VALUES (1, 2) ON CONFLICT ON CONSTRAINT oc2_pkey DO NOTHING; -- error 55000
SELECT id, z FROM oc2 ORDER BY id;
-- with INCLUDE columns
CREATE TABLE inc (a int, b int, c text, CONSTRAINT inc_pkey PRIMARY KEY (a) INCLUDE (c) DEFERRABLE INITIALLY DEFERRED, UNIQUE (b) INCLUDE (c) DEFERRABLE);
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'inc'::regclass ORDER BY conname;
INSERT INTO inc VALUES (1, 1, 'x'), (2, 2, 'y');
UPDATE inc SET b = 3 - b;
INSERT INTO inc VALUES (3, 1, 'z'); -- error 23505 message
BEGIN;
INSERT INTO inc VALUES (1, 3, 'z');
COMMIT; -- error 23505 message
SELECT a, b, c FROM inc ORDER BY a;
