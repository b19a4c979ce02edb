-- UPDATE (incl. FROM, RETURNING, expressions, subqueries) and DELETE (incl. USING, RETURNING).

CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance numeric(12,2) NOT NULL DEFAULT 0,
                       status text DEFAULT 'open', CHECK (balance >= -100));
CREATE TABLE transfers (id int PRIMARY KEY, src int, dst int, amount numeric(12,2));
CREATE TABLE fees (account_id int, fee numeric(6,2));
INSERT INTO accounts VALUES (1, 'ann', 100), (2, 'ben', 250.50), (3, 'cat', 0), (4, 'dan', 1000), (5, 'eve', 42);
INSERT INTO transfers VALUES (1, 1, 2, 10), (2, 2, 3, 20.25), (3, 4, 1, 500), (4, 4, 5, 1);
INSERT INTO fees VALUES (1, 1.50), (2, 2.00), (2, 0.50), (9, 9.99);

-- Plain UPDATE
UPDATE accounts SET balance = balance + 1 WHERE id = 1;
SELECT id, balance FROM accounts ORDER BY id;
UPDATE accounts SET status = 'vip' WHERE balance > 200;
SELECT id, status FROM accounts ORDER BY id;
UPDATE accounts SET balance = balance * 2, status = upper(status) WHERE id IN (3, 5);
SELECT * FROM accounts ORDER BY id;
UPDATE accounts SET balance = 0 WHERE false;
UPDATE accounts SET balance = 0 WHERE id = 999;
UPDATE accounts SET nosuch = 1; -- error 42703
UPDATE nosuch SET x = 1; -- error 42P01
UPDATE accounts SET balance = -500 WHERE id = 1; -- error 23514
UPDATE accounts SET owner = NULL WHERE id = 1; -- error 23502
UPDATE accounts SET balance = 'lots' WHERE id = 1; -- error 22P02
UPDATE accounts SET id = id + 1; -- error 23505
SELECT id, owner FROM accounts ORDER BY id;
UPDATE accounts SET id = id + 10;
SELECT id, owner FROM accounts ORDER BY id;
UPDATE accounts SET id = id - 10;
UPDATE accounts SET (balance, status) = (balance + 5, 'multi') WHERE id = 2;
SELECT * FROM accounts WHERE id = 2;
UPDATE accounts SET (balance, status) = (SELECT 7, 'sub') WHERE id = 3;
SELECT * FROM accounts WHERE id = 3;
UPDATE accounts SET status = DEFAULT WHERE id IN (2, 3);
SELECT id, status FROM accounts ORDER BY id;
UPDATE accounts SET balance = (SELECT max(amount) FROM transfers) WHERE id = 5;
SELECT id, balance FROM accounts WHERE id = 5;
UPDATE accounts SET balance = (SELECT amount FROM transfers) WHERE id = 5; -- error 21000
UPDATE accounts a SET balance = a.balance + 0.01 WHERE a.owner = 'ann';
UPDATE accounts AS a SET status = 'x' WHERE accounts.id = 1; -- error 42P01
UPDATE accounts SET balance = balance + 1 WHERE id = (SELECT min(id) FROM accounts WHERE status = 'open');
SELECT id, balance, status FROM accounts ORDER BY id;
UPDATE accounts SET balance = CASE WHEN balance > 100 THEN balance - 10 ELSE balance + 10 END;
SELECT id, balance FROM accounts ORDER BY id;

-- UPDATE ... RETURNING
UPDATE accounts SET balance = balance + 100 WHERE id = 1 RETURNING id, balance;
UPDATE accounts SET balance = balance - 1 WHERE balance > 50 RETURNING *;
UPDATE accounts SET status = 'r' WHERE id <= 2 RETURNING id, status, balance * 2 AS double;
UPDATE accounts SET status = 'none' WHERE id = 999 RETURNING id;

-- UPDATE ... FROM
UPDATE accounts SET balance = accounts.balance + t.amount FROM transfers t WHERE t.dst = accounts.id AND t.id = 1;
SELECT id, balance FROM accounts WHERE id = 2;
UPDATE accounts a SET balance = a.balance - t.amount FROM transfers t WHERE t.src = a.id AND t.id = 2
    RETURNING a.id, a.balance, t.amount;
UPDATE accounts a SET status = 'charged' FROM fees f WHERE f.account_id = a.id RETURNING a.id, a.status;
SELECT id, status FROM accounts ORDER BY id;
UPDATE accounts a SET balance = a.balance - s.total
    FROM (SELECT account_id, sum(fee) AS total FROM fees GROUP BY account_id) s
    WHERE s.account_id = a.id RETURNING a.id, a.balance;
UPDATE accounts SET balance = balance FROM transfers WHERE transfers.nosuch = 1; -- error 42703
UPDATE accounts a SET status = 'paired' FROM accounts b WHERE b.id = a.id + 1 AND b.balance > a.balance;
SELECT id, status FROM accounts ORDER BY id;

-- DELETE
DELETE FROM fees WHERE account_id = 9;
SELECT * FROM fees ORDER BY account_id, fee;
DELETE FROM fees WHERE fee > 100;
DELETE FROM fees WHERE account_id = 2 RETURNING fee;
DELETE FROM fees RETURNING *;
SELECT count(*) FROM fees;
DELETE FROM nosuch; -- error 42P01
DELETE FROM transfers WHERE nosuch = 1; -- error 42703
INSERT INTO fees VALUES (1, 1), (2, 2), (3, 3), (4, 4), (5, 5);
DELETE FROM fees WHERE account_id IN (SELECT id FROM accounts WHERE status = 'paired');
SELECT account_id FROM fees ORDER BY account_id;
DELETE FROM fees WHERE fee = (SELECT max(fee) FROM fees) RETURNING account_id;
DELETE FROM fees f WHERE f.fee < 2 RETURNING f.account_id, f.fee * 100;

-- DELETE ... USING
DELETE FROM transfers t USING accounts a WHERE a.id = t.src AND a.owner = 'dan' RETURNING t.id, a.owner;
SELECT id FROM transfers ORDER BY id;
INSERT INTO transfers VALUES (5, 1, 3, 5), (6, 3, 1, 6), (7, 2, 2, 7);
DELETE FROM transfers USING accounts WHERE accounts.id = transfers.dst AND accounts.status = 'charged';
SELECT id FROM transfers ORDER BY id;
DELETE FROM transfers t USING transfers t2 WHERE t.src = t2.dst AND t.dst = t2.src AND t.id > t2.id;
SELECT id FROM transfers ORDER BY id;
DELETE FROM transfers USING nosuch WHERE true; -- error 42P01
DELETE FROM transfers t USING (VALUES (1), (7)) AS v(x) WHERE t.id = v.x RETURNING t.id;
SELECT count(*) FROM transfers;

-- Deleting everything, then reusing the table
DELETE FROM accounts WHERE balance < 0;
SELECT count(*) FROM accounts;
DELETE FROM accounts;
SELECT count(*) FROM accounts;
INSERT INTO accounts (id, owner) VALUES (1, 'reborn');
SELECT * FROM accounts;

-- Updates interacting with constraints in one statement
CREATE TABLE seq_nums (n int PRIMARY KEY);
INSERT INTO seq_nums SELECT generate_series(1, 5);
UPDATE seq_nums SET n = n + 1; -- error 23505
UPDATE seq_nums SET n = n * 10;
SELECT n FROM seq_nums ORDER BY n;
UPDATE seq_nums SET n = 6 - n / 10 RETURNING n;
SELECT n FROM seq_nums ORDER BY n;
DELETE FROM seq_nums WHERE n % 2 = 0 RETURNING n;
SELECT n FROM seq_nums ORDER BY n;
