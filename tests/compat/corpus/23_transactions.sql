-- Transactions: BEGIN/START TRANSACTION, COMMIT/END, ROLLBACK/ABORT, savepoints, the aborted state
-- (25P02), transactional DDL, isolation levels and read-only transactions.

CREATE TABLE acct (id int PRIMARY KEY, balance int NOT NULL CHECK (balance >= 0));
INSERT INTO acct VALUES (1, 100), (2, 50);

-- COMMIT and ROLLBACK
BEGIN;
UPDATE acct SET balance = balance - 10 WHERE id = 1;
UPDATE acct SET balance = balance + 10 WHERE id = 2;
SELECT * FROM acct ORDER BY id;
COMMIT;
SELECT * FROM acct ORDER BY id;
BEGIN;
DELETE FROM acct;
SELECT count(*) FROM acct;
ROLLBACK;
SELECT * FROM acct ORDER BY id;
START TRANSACTION;
INSERT INTO acct VALUES (3, 7);
END;
SELECT * FROM acct ORDER BY id;
BEGIN WORK;
INSERT INTO acct VALUES (4, 8);
ABORT;
SELECT count(*) FROM acct WHERE id = 4;
BEGIN TRANSACTION;
UPDATE acct SET balance = 0 WHERE id = 3;
COMMIT WORK;
SELECT balance FROM acct WHERE id = 3;
COMMIT;
ROLLBACK;
BEGIN;
BEGIN;
COMMIT;

-- The aborted state: every statement fails with 25P02 until ROLLBACK
BEGIN;
INSERT INTO acct VALUES (5, 5);
INSERT INTO acct VALUES (1, 1); -- error 23505
SELECT 1; -- error 25P02
INSERT INTO acct VALUES (6, 6); -- error 25P02
SELECT * FROM acct; -- error 25P02
ROLLBACK;
SELECT id FROM acct ORDER BY id;
BEGIN;
SELECT 1 / 0; -- error 22012
UPDATE acct SET balance = 1; -- error 25P02
COMMIT;
SELECT * FROM acct ORDER BY id;
BEGIN;
SELECT nosuch FROM acct; -- error 42703
SAVEPOINT sp; -- error 25P02
END;
SELECT count(*) FROM acct;

-- Savepoints
BEGIN;
INSERT INTO acct VALUES (10, 10);
SAVEPOINT a;
INSERT INTO acct VALUES (11, 11);
SAVEPOINT b;
INSERT INTO acct VALUES (12, 12);
ROLLBACK TO SAVEPOINT b;
SELECT id FROM acct WHERE id >= 10 ORDER BY id;
ROLLBACK TO a;
SELECT id FROM acct WHERE id >= 10 ORDER BY id;
INSERT INTO acct VALUES (13, 13);
RELEASE SAVEPOINT a;
COMMIT;
SELECT id FROM acct WHERE id >= 10 ORDER BY id;
BEGIN;
SAVEPOINT s1;
INSERT INTO acct VALUES (1, 1); -- error 23505
SELECT 1; -- error 25P02
ROLLBACK TO s1;
SELECT count(*) FROM acct;
INSERT INTO acct VALUES (14, 14);
COMMIT;
SELECT id FROM acct WHERE id >= 10 ORDER BY id;
BEGIN;
SAVEPOINT s;
SAVEPOINT s;
INSERT INTO acct VALUES (15, 15);
ROLLBACK TO s;
INSERT INTO acct VALUES (16, 16);
ROLLBACK TO s;
RELEASE s;
SELECT id FROM acct WHERE id >= 15 ORDER BY id;
ROLLBACK TO s;
SELECT id FROM acct WHERE id >= 15 ORDER BY id;
RELEASE s;
RELEASE s; -- error 3B001
ROLLBACK;
BEGIN;
ROLLBACK TO nosuch; -- error 3B001
ROLLBACK;
SAVEPOINT outside; -- error 25P01
RELEASE outside; -- error 25P01
ROLLBACK TO outside; -- error 25P01
BEGIN;
SAVEPOINT x;
UPDATE acct SET balance = balance + 1000 WHERE id = 1;
RELEASE x;
SAVEPOINT y;
UPDATE acct SET balance = -1 WHERE id = 2; -- error 23514
ROLLBACK TO y;
COMMIT;
SELECT * FROM acct WHERE id IN (1, 2) ORDER BY id;

-- Transactional DDL
BEGIN;
CREATE TABLE temp_t (a int);
INSERT INTO temp_t VALUES (1);
SELECT * FROM temp_t;
ROLLBACK;
SELECT * FROM temp_t; -- error 42P01
BEGIN;
DROP TABLE acct;
SELECT * FROM acct; -- error 42P01
ROLLBACK;
SELECT count(*) FROM acct;
BEGIN;
ALTER TABLE acct ADD COLUMN note text DEFAULT 'n';
SELECT note FROM acct WHERE id = 1;
ROLLBACK;
SELECT note FROM acct; -- error 42703
BEGIN;
ALTER TABLE acct RENAME TO accounts;
CREATE INDEX accounts_balance ON accounts (balance);
CREATE VIEW rich AS SELECT id FROM accounts WHERE balance > 100;
SELECT * FROM rich ORDER BY id;
ROLLBACK;
SELECT * FROM accounts; -- error 42P01
SELECT * FROM rich; -- error 42P01
BEGIN;
CREATE TABLE kept (a int);
SAVEPOINT before_second;
CREATE TABLE discarded (b int);
ROLLBACK TO before_second;
COMMIT;
SELECT count(*) FROM kept;
SELECT count(*) FROM discarded; -- error 42P01
BEGIN;
TRUNCATE acct;
SELECT count(*) FROM acct;
ROLLBACK;
SELECT count(*) FROM acct;
BEGIN;
CREATE SCHEMA tx_schema;
CREATE TABLE tx_schema.t (a int);
ROLLBACK;
SELECT * FROM tx_schema.t; -- error 42P01
BEGIN;
CREATE TABLE will_fail (a int);
CREATE TABLE will_fail (a int); -- error 42P07
COMMIT;
SELECT * FROM will_fail; -- error 42P01

-- Isolation levels and access modes
SHOW transaction_isolation;
BEGIN ISOLATION LEVEL REPEATABLE READ;
SHOW transaction_isolation;
SELECT count(*) FROM acct;
COMMIT;
BEGIN;
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SHOW transaction_isolation;
COMMIT;
SHOW transaction_isolation;
START TRANSACTION ISOLATION LEVEL READ COMMITTED, READ WRITE;
SHOW transaction_isolation;
SHOW transaction_read_only;
COMMIT;
BEGIN READ ONLY;
SHOW transaction_read_only;
SELECT count(*) FROM acct;
INSERT INTO acct VALUES (99, 99); -- error 25006
ROLLBACK;
BEGIN TRANSACTION READ ONLY;
CREATE TABLE ro (a int); -- error 25006
ROLLBACK;
BEGIN;
SELECT 1;
SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; -- error 25001
ROLLBACK;
BEGIN ISOLATION LEVEL NOSUCH; -- error 42601
SET TRANSACTION ISOLATION LEVEL REPEATABLE READ;
BEGIN ISOLATION LEVEL SERIALIZABLE;
SHOW transaction_isolation;
COMMIT;

-- Data visible after a mixed transaction
BEGIN;
INSERT INTO acct VALUES (20, 20);
SAVEPOINT p;
DELETE FROM acct WHERE id < 20;
ROLLBACK TO p;
UPDATE acct SET balance = balance * 2 WHERE id = 20;
COMMIT;
SELECT * FROM acct ORDER BY id;
-- transaction modes as PostgreSQL's grammar reads them: anything else is a syntax error
BEGIN ISOLATION; -- error 42601
BEGIN ISOLATION LEVEL; -- error 42601
BEGIN READ; -- error 42601
BEGIN foo; -- error 42601
BEGIN TRANSACTION READ ONLY,; -- error 42601
BEGIN , READ ONLY; -- error 42601
BEGIN TRANSACTION WORK; -- error 42601
START TRANSACTION NOT; -- error 42601
BEGIN WORK READ ONLY, ISOLATION LEVEL SERIALIZABLE NOT DEFERRABLE;
SHOW transaction_isolation;
SHOW transaction_read_only;
SHOW transaction_deferrable;
COMMIT;
BEGIN ISOLATION LEVEL SERIALIZABLE ISOLATION LEVEL READ COMMITTED READ ONLY READ WRITE;
SHOW transaction_isolation;
SHOW transaction_read_only;
SET TRANSACTION ISOLATION LEVEL bogus; -- error 42601
ROLLBACK;
START TRANSACTION DEFERRABLE;
SHOW transaction_deferrable;
SET TRANSACTION READ ONLY garbage; -- error 42601
ROLLBACK;
SET SESSION CHARACTERISTICS AS TRANSACTION READ BOGUS; -- error 42601
SET SESSION CHARACTERISTICS TRANSACTION READ ONLY; -- error 42601
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY;
SHOW default_transaction_isolation;
SHOW default_transaction_read_only;
SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED READ WRITE;
SHOW default_transaction_isolation;
