-- INSERT: multi-row VALUES, INSERT ... SELECT, DEFAULT VALUES, ON CONFLICT, RETURNING.

CREATE TABLE products (
    sku text PRIMARY KEY,
    title text NOT NULL,
    price numeric(8,2) NOT NULL DEFAULT 1.00,
    stock int NOT NULL DEFAULT 0,
    updates int NOT NULL DEFAULT 0
);
CREATE TABLE log (id serial PRIMARY KEY, msg text DEFAULT 'none', at_step int);

-- Single and multi-row VALUES
INSERT INTO products VALUES ('p1', 'Pen', 1.50, 100);
INSERT INTO products (sku, title) VALUES ('p2', 'Pad');
INSERT INTO products (title, sku, stock) VALUES ('Ink', 'p3', 5), ('Nib', 'p4', 7), ('Cap', 'p5', 0);
SELECT * FROM products ORDER BY sku;
INSERT INTO products VALUES ('p6', 'Six', 6, 6, 0, 'extra'); -- error 42601
INSERT INTO products (sku, title, nosuch) VALUES ('p6', 'x', 1); -- error 42703
INSERT INTO products (sku, title, sku) VALUES ('p6', 'x', 'y'); -- error 42701
INSERT INTO products (sku, title) VALUES ('p6'); -- error 42601
INSERT INTO products (sku) VALUES ('p6'); -- error 23502
INSERT INTO products VALUES ('p6', 'Six', DEFAULT, DEFAULT);
INSERT INTO products VALUES ('p7', 'Seven', DEFAULT, 70), ('p8', 'Eight', 8.88, DEFAULT);
SELECT * FROM products WHERE sku >= 'p6' ORDER BY sku;
INSERT INTO products VALUES ('p9', 'Nine', 9, 9), ('p1', 'Dup', 1, 1); -- error 23505
SELECT count(*) FROM products WHERE sku = 'p9';
INSERT INTO nosuch VALUES (1); -- error 42P01
INSERT INTO products (sku, title, price) VALUES ('p9', 'Nine', '9.999');
SELECT price FROM products WHERE sku = 'p9';
INSERT INTO products (sku, title, stock) VALUES ('pa', 'Expr', 2 * 3 + 1);
INSERT INTO products (sku, title, stock) VALUES ('pb', upper('expr'), (SELECT max(stock) FROM products));
SELECT sku, title, stock FROM products WHERE sku IN ('pa', 'pb') ORDER BY sku;

-- DEFAULT VALUES
INSERT INTO log DEFAULT VALUES;
INSERT INTO log DEFAULT VALUES;
INSERT INTO log (msg) VALUES (DEFAULT);
INSERT INTO log (msg, at_step) VALUES ('hello', 1);
SELECT * FROM log ORDER BY id;
INSERT INTO products DEFAULT VALUES; -- error 23502

-- RETURNING
INSERT INTO log (msg) VALUES ('r1') RETURNING id;
INSERT INTO log (msg) VALUES ('r2'), ('r3') RETURNING *;
INSERT INTO log (msg, at_step) VALUES ('r4', 4) RETURNING id * 10 AS tens, upper(msg), at_step + 1;
INSERT INTO log (msg) VALUES ('r5') RETURNING log.msg, length(msg) AS len;
INSERT INTO log (msg) VALUES ('r6') RETURNING nosuch; -- error 42703
SELECT count(*) FROM log WHERE msg = 'r6';
INSERT INTO log DEFAULT VALUES RETURNING id, msg, at_step;

-- INSERT ... SELECT
CREATE TABLE archive (sku text PRIMARY KEY, title text, worth numeric);
INSERT INTO archive SELECT sku, title, price * stock FROM products WHERE stock > 0;
SELECT * FROM archive ORDER BY sku;
INSERT INTO archive (sku, title) SELECT sku || '-copy', lower(title) FROM products WHERE sku < 'p3';
SELECT * FROM archive ORDER BY sku;
INSERT INTO archive SELECT sku, title FROM products WHERE sku = 'p1'; -- error 23505
INSERT INTO archive (sku) SELECT 'x' || n FROM generate_series(1, 3) AS n RETURNING sku;
INSERT INTO archive SELECT * FROM archive WHERE false;
INSERT INTO archive (sku, worth) SELECT 'sum', sum(worth) FROM archive;
SELECT sku, worth FROM archive WHERE sku = 'sum';
INSERT INTO archive (sku, title) VALUES ('v1', 'a') , ('v2', 'b') RETURNING sku, title;
INSERT INTO archive (sku, title) SELECT 'only', 1, 2; -- error 42601
INSERT INTO archive (sku, worth) SELECT 'w', 'notanumber'; -- error 22P02
INSERT INTO archive (sku, worth) SELECT 'w', true; -- error 42804
WITH src AS (SELECT 'cte' || n AS sku, n AS worth FROM generate_series(1, 2) n)
INSERT INTO archive (sku, worth) SELECT sku, worth FROM src;
SELECT sku, worth FROM archive WHERE sku LIKE 'cte%' ORDER BY sku;

-- ON CONFLICT DO NOTHING
INSERT INTO products (sku, title) VALUES ('p1', 'Ignored') ON CONFLICT DO NOTHING;
INSERT INTO products (sku, title) VALUES ('p1', 'Ignored') ON CONFLICT (sku) DO NOTHING;
INSERT INTO products (sku, title) VALUES ('p1', 'Ignored'), ('pc', 'New') ON CONFLICT (sku) DO NOTHING RETURNING sku;
SELECT sku, title FROM products WHERE sku IN ('p1', 'pc') ORDER BY sku;
INSERT INTO products (sku, title) VALUES ('pd', 'x') ON CONFLICT (title) DO NOTHING; -- error 42P10
INSERT INTO products (sku, title) VALUES ('pd', 'First'), ('pd', 'Second') ON CONFLICT DO NOTHING;
SELECT sku, title FROM products WHERE sku = 'pd';

-- ON CONFLICT DO UPDATE with EXCLUDED and WHERE
INSERT INTO products (sku, title, price) VALUES ('p1', 'Pen v2', 2.00)
    ON CONFLICT (sku) DO UPDATE SET title = EXCLUDED.title, price = EXCLUDED.price, updates = products.updates + 1;
SELECT * FROM products WHERE sku = 'p1';
INSERT INTO products (sku, title, stock) VALUES ('p1', 'Pen', 5)
    ON CONFLICT (sku) DO UPDATE SET stock = products.stock + EXCLUDED.stock RETURNING sku, stock, updates;
INSERT INTO products (sku, title, price) VALUES ('p2', 'Pad v2', 0.50)
    ON CONFLICT (sku) DO UPDATE SET price = EXCLUDED.price WHERE EXCLUDED.price > products.price;
SELECT sku, title, price FROM products WHERE sku = 'p2';
INSERT INTO products (sku, title, price) VALUES ('p2', 'Pad v3', 3.00)
    ON CONFLICT (sku) DO UPDATE SET price = EXCLUDED.price, title = EXCLUDED.title WHERE EXCLUDED.price > products.price
    RETURNING sku, title, price;
INSERT INTO products AS p (sku, title, stock) VALUES ('p3', 'Ink', 1), ('pe', 'Eraser', 1)
    ON CONFLICT (sku) DO UPDATE SET stock = p.stock * 10 RETURNING sku, stock;
INSERT INTO products (sku, title) VALUES ('p4', 'a'), ('p4', 'b')
    ON CONFLICT (sku) DO UPDATE SET title = EXCLUDED.title; -- error 21000
SELECT sku, title FROM products WHERE sku = 'p4';
INSERT INTO products (sku, title) VALUES ('p5', 'x')
    ON CONFLICT (sku) DO UPDATE SET sku = 'p1'; -- error 23505
INSERT INTO products (sku, title) VALUES ('p5', 'x')
    ON CONFLICT DO UPDATE SET title = 'y'; -- error 42601
INSERT INTO products (sku, title) VALUES ('p5', 'x')
    ON CONFLICT (sku) DO UPDATE SET title = EXCLUDED.nosuch; -- error 42703
INSERT INTO products (sku, title, stock) SELECT sku, title, 1 FROM archive WHERE sku IN ('p1', 'p3', 'zz')
    ON CONFLICT (sku) DO UPDATE SET stock = products.stock + 1000 RETURNING sku, stock;
SELECT * FROM products ORDER BY sku;

-- ON CONFLICT on a multi-column unique constraint
CREATE TABLE counters (day date, name text, hits int DEFAULT 1, UNIQUE (day, name));
INSERT INTO counters (day, name) VALUES ('2024-01-01', 'home');
INSERT INTO counters (day, name) VALUES ('2024-01-01', 'home') ON CONFLICT (day, name) DO UPDATE SET hits = counters.hits + 1;
INSERT INTO counters (day, name) VALUES ('2024-01-01', 'home') ON CONFLICT (name, day) DO UPDATE SET hits = counters.hits + 1;
INSERT INTO counters (day, name) VALUES ('2024-01-02', 'home') ON CONFLICT (day, name) DO UPDATE SET hits = counters.hits + 1;
INSERT INTO counters (day, name) VALUES ('2024-01-01', 'home') ON CONFLICT (day) DO NOTHING; -- error 42P10
INSERT INTO counters (day, name, hits) VALUES (NULL, 'home', 5), (NULL, 'home', 6) ON CONFLICT (day, name) DO NOTHING;
SELECT * FROM counters ORDER BY day NULLS LAST, hits;

-- Type coercion on insert
CREATE TABLE coerced (i int, s smallint, n numeric(5,2), t text, b boolean, d date);
INSERT INTO coerced VALUES (1.4, 2.6, 3.14159, 42, 'true', '2024-05-06');
INSERT INTO coerced VALUES ('7', '8', '9.995', 'txt', 'f', '2024-05-07 10:00');
INSERT INTO coerced (i) VALUES (1e9::bigint);
INSERT INTO coerced (i) VALUES (1e10::bigint); -- error 22003
INSERT INTO coerced (n) VALUES (1000); -- error 22003
INSERT INTO coerced (b) VALUES ('nope'); -- error 22P02
SELECT * FROM coerced ORDER BY i;
INSERT INTO coerced (i, t) SELECT 5, 5.5;
INSERT INTO coerced (i, t) SELECT 6, true;
SELECT i, t FROM coerced WHERE i IN (5, 6) ORDER BY i;
