-- Foreign keys DEFERRABLE [INITIALLY DEFERRED] (as Django creates every foreign key): the check
-- waits for COMMIT or SET CONSTRAINTS ... IMMEDIATE; a row deleted or re-keyed since, or a
-- referenced key that came back, is judged as it is at that moment; pg_constraint and
-- information_schema show the deferral.

CREATE TABLE parent (id int PRIMARY KEY);
CREATE TABLE child (id int PRIMARY KEY, pid int);
ALTER TABLE child ADD CONSTRAINT child_pid_fk FOREIGN KEY (pid) REFERENCES parent (id) DEFERRABLE INITIALLY DEFERRED;
CREATE TABLE later (id int PRIMARY KEY, pid int REFERENCES parent DEFERRABLE);
SELECT conname, condeferrable, condeferred, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' ORDER BY conname;
SELECT constraint_name, is_deferrable, initially_deferred FROM information_schema.table_constraints WHERE constraint_type = 'FOREIGN KEY' ORDER BY constraint_name;
INSERT INTO child VALUES (1, 10); -- error 23503
BEGIN;
INSERT INTO child VALUES (1, 10);
INSERT INTO parent VALUES (10);
COMMIT;
SELECT * FROM child ORDER BY id;
BEGIN;
INSERT INTO child VALUES (2, 20);
DELETE FROM child WHERE id = 2;
COMMIT;
BEGIN;
DELETE FROM parent WHERE id = 10;
COMMIT; -- error 23503
SELECT * FROM parent ORDER BY id;
BEGIN;
DELETE FROM parent WHERE id = 10;
INSERT INTO parent VALUES (10);
COMMIT;
BEGIN;
INSERT INTO child VALUES (3, 30);
SET CONSTRAINTS ALL IMMEDIATE; -- error 23503
ROLLBACK;
BEGIN;
SET CONSTRAINTS child_pid_fk IMMEDIATE;
INSERT INTO child VALUES (3, 30); -- error 23503
ROLLBACK;
BEGIN;
INSERT INTO child VALUES (3, 30);
UPDATE child SET id = 4 WHERE id = 3;
COMMIT; -- error 23503
BEGIN;
INSERT INTO child VALUES (3, 30);
UPDATE child SET pid = 10 WHERE id = 3;
COMMIT;
SELECT * FROM child ORDER BY id;
BEGIN;
INSERT INTO later VALUES (1, 99); -- error 23503
ROLLBACK;
BEGIN;
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO later VALUES (1, 99);
INSERT INTO parent VALUES (99);
COMMIT;
BEGIN;
SET CONSTRAINTS parent_pkey DEFERRED; -- error 42809
ROLLBACK;
BEGIN;
INSERT INTO child SELECT g, g + 100 FROM generate_series(5, 7) g;
INSERT INTO parent SELECT g + 100 FROM generate_series(5, 7) g;
COMMIT;
SELECT count(*) FROM child;
