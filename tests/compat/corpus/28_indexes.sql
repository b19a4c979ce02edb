-- Indexes: CREATE [UNIQUE] INDEX [IF NOT EXISTS], multi-column, expression and partial indexes,
-- DROP INDEX, and queries whose results must not depend on whether an index is used.

CREATE TABLE customers (id int PRIMARY KEY, email text, name text, city text, score int, joined date);
INSERT INTO customers
    SELECT g, 'user' || g || '@example.com', 'name' || (g % 97), (ARRAY['Oslo', 'Rome', 'Lima', NULL])[1 + g % 4],
           CASE WHEN g % 10 = 0 THEN NULL ELSE (g * 37) % 1000 END, '2024-01-01'::date + (g % 365)
    FROM generate_series(1, 2000) g;

-- Secondary index on one column
CREATE INDEX customers_city ON customers (city);
SELECT count(*) FROM customers WHERE city = 'Oslo';
SELECT count(*) FROM customers WHERE city IS NULL;
SELECT id FROM customers WHERE city = 'Lima' ORDER BY id LIMIT 5;
SELECT city, count(*) FROM customers GROUP BY city ORDER BY city NULLS FIRST;
CREATE INDEX customers_city ON customers (name); -- error 42P07
CREATE INDEX IF NOT EXISTS customers_city ON customers (name);
CREATE INDEX customers_score ON customers (score);
SELECT id, score FROM customers WHERE score = 370 ORDER BY id;
SELECT count(*) FROM customers WHERE score BETWEEN 100 AND 200;
SELECT count(*) FROM customers WHERE score > 990;
SELECT id, score FROM customers WHERE score < 5 ORDER BY score, id;
SELECT id, score FROM customers ORDER BY score DESC NULLS LAST, id LIMIT 5;
SELECT id, score FROM customers ORDER BY score NULLS FIRST, id LIMIT 3;
SELECT count(*) FROM customers WHERE score IS NULL;
SELECT min(score), max(score) FROM customers;
SELECT id FROM customers WHERE score IN (37, 74, 111) ORDER BY id;
SELECT count(*) FROM customers WHERE score = 370 OR city = 'Rome';
SELECT id FROM customers WHERE score = -1;
CREATE INDEX ON customers (joined);
SELECT count(*) FROM customers WHERE joined = '2024-02-01';
SELECT id FROM customers WHERE joined >= '2024-12-29' ORDER BY id LIMIT 4;

-- Unique indexes
CREATE UNIQUE INDEX customers_email ON customers (email);
SELECT id, name FROM customers WHERE email = 'user42@example.com';
INSERT INTO customers (id, email) VALUES (5000, 'user42@example.com'); -- error 23505
UPDATE customers SET email = 'user43@example.com' WHERE id = 42; -- error 23505
INSERT INTO customers (id, email) VALUES (5000, NULL), (5001, NULL);
SELECT count(*) FROM customers WHERE email IS NULL;
CREATE UNIQUE INDEX customers_name_u ON customers (name); -- error 23505
SELECT count(*) FROM customers;
UPDATE customers SET email = upper(email) WHERE id = 42;
SELECT email FROM customers WHERE id = 42;
INSERT INTO customers (id, email) VALUES (5002, 'user42@example.com');
SELECT id FROM customers WHERE email = 'user42@example.com';
CREATE UNIQUE INDEX customers_city_score ON customers (city, score); -- error 23505
INSERT INTO customers (id, email) VALUES (5003, 'x@y') ON CONFLICT (email) DO NOTHING;
INSERT INTO customers (id, email) VALUES (5004, 'x@y') ON CONFLICT (email) DO NOTHING;
INSERT INTO customers (id, email, name) VALUES (5005, 'x@y', 'upserted') ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name;
SELECT id, email, name FROM customers WHERE email = 'x@y';

-- Multi-column, expression, partial and descending indexes
CREATE INDEX customers_city_score_idx ON customers (city, score);
SELECT id FROM customers WHERE city = 'Rome' AND score > 980 ORDER BY id;
SELECT id FROM customers WHERE city = 'Rome' AND score BETWEEN 500 AND 520 ORDER BY score, id;
SELECT city, max(score) FROM customers WHERE city IS NOT NULL GROUP BY city ORDER BY city;
CREATE INDEX customers_lower_email ON customers (lower(email));
SELECT id FROM customers WHERE lower(email) = 'user42@example.com' ORDER BY id;
CREATE UNIQUE INDEX customers_lower_email_u ON customers (lower(email)); -- error 23505
CREATE INDEX customers_high ON customers (score) WHERE score > 900;
SELECT count(*) FROM customers WHERE score > 950;
SELECT count(*) FROM customers WHERE score > 800;
CREATE UNIQUE INDEX one_oslo_top ON customers (city) WHERE score = 999;
SELECT id, city FROM customers WHERE score = 999 ORDER BY id;
CREATE INDEX customers_joined_desc ON customers (joined DESC NULLS LAST, id);
SELECT id, joined FROM customers ORDER BY joined DESC NULLS LAST, id LIMIT 5;
CREATE INDEX bad_idx ON customers (nosuch); -- error 42703
CREATE INDEX bad_idx ON nosuch (a); -- error 42P01
CREATE INDEX bad_idx ON customers (sum(score)); -- error 42803

-- Index maintenance through UPDATE and DELETE
UPDATE customers SET city = 'Oslo' WHERE city = 'Lima' AND id <= 100;
SELECT count(*) FROM customers WHERE city = 'Lima';
SELECT count(*) FROM customers WHERE city = 'Oslo';
DELETE FROM customers WHERE score < 100;
SELECT count(*) FROM customers WHERE score < 200;
SELECT count(*) FROM customers;
UPDATE customers SET score = score + 1000 WHERE score > 990 RETURNING id, score;
SELECT id, score FROM customers WHERE score > 1000 ORDER BY id;
SELECT count(*) FROM customers WHERE score BETWEEN 900 AND 1000;
BEGIN;
UPDATE customers SET city = 'Tmp' WHERE city = 'Rome';
SELECT count(*) FROM customers WHERE city = 'Tmp';
ROLLBACK;
SELECT count(*) FROM customers WHERE city = 'Tmp';
SELECT count(*) FROM customers WHERE city = 'Rome';

-- DROP INDEX and ALTER INDEX
DROP INDEX customers_city;
SELECT count(*) FROM customers WHERE city = 'Oslo';
DROP INDEX customers_city; -- error 42704
DROP INDEX IF EXISTS customers_city;
DROP INDEX IF EXISTS customers_score, customers_high;
DROP INDEX customers_email;
INSERT INTO customers (id, email) VALUES (6000, 'USER42@EXAMPLE.COM');
SELECT count(*) FROM customers WHERE email = 'USER42@EXAMPLE.COM';
DROP INDEX customers_pkey; -- error 2BP01
DROP INDEX customers; -- error 42809
ALTER INDEX customers_lower_email RENAME TO lower_email_idx;
DROP INDEX customers_lower_email; -- error 42704
DROP INDEX lower_email_idx;
CREATE INDEX customers_city ON customers (city);
SELECT count(*) FROM customers WHERE city = 'Oslo';
CREATE TABLE customers_dup (a int);
CREATE INDEX customers_dup ON customers (name); -- error 42P07
ALTER TABLE customers DROP COLUMN city;
SELECT count(*) FROM customers;
CREATE INDEX customers_city2 ON customers (city); -- error 42703
DROP TABLE customers;
DROP INDEX customers_score; -- error 42704
CREATE TABLE customers (id int);
CREATE INDEX customers_city ON customers (id);
SELECT count(*) FROM customers;

-- Indexes on expressions of other types
CREATE TABLE docs (id int PRIMARY KEY, body jsonb, tags text[], at timestamptz, amount numeric(10,2));
INSERT INTO docs SELECT g, jsonb_build_object('kind', g % 3, 'n', g), ARRAY['t' || g % 5], '2024-01-01 00:00+00'::timestamptz + g * INTERVAL '1 hour', g / 8.0
    FROM generate_series(1, 300) g;
CREATE INDEX docs_kind ON docs ((body ->> 'kind'));
SELECT count(*) FROM docs WHERE body ->> 'kind' = '1';
CREATE INDEX docs_at ON docs (at);
SELECT id FROM docs WHERE at BETWEEN '2024-01-02 00:00+00' AND '2024-01-02 03:00+00' ORDER BY id;
CREATE INDEX docs_amount ON docs (amount);
SELECT id, amount FROM docs WHERE amount = 12.5;
SELECT count(*) FROM docs WHERE amount >= 30;
CREATE UNIQUE INDEX docs_n ON docs (((body ->> 'n')::int));
INSERT INTO docs (id, body) VALUES (301, '{"n": 5}'); -- error 23505
INSERT INTO docs (id, body) VALUES (301, '{"n": 301}');
SELECT count(*) FROM docs;
