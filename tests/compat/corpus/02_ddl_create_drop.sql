-- DDL: CREATE/DROP TABLE [IF [NOT] EXISTS], CREATE TABLE AS, TRUNCATE, over a shop schema.

CREATE TABLE customers (
    id integer PRIMARY KEY,
    name text NOT NULL,
    email varchar(100) UNIQUE,
    city text,
    created date DEFAULT '2024-01-01'
);
CREATE TABLE products (
    sku text PRIMARY KEY,
    title text NOT NULL,
    price numeric(10,2) NOT NULL CHECK (price >= 0),
    stock int DEFAULT 0
);
CREATE TABLE orders (
    id bigint PRIMARY KEY,
    customer_id integer REFERENCES customers (id),
    placed date NOT NULL,
    status text DEFAULT 'new'
);
CREATE TABLE items (
    order_id bigint REFERENCES orders (id),
    sku text REFERENCES products (sku),
    qty int NOT NULL,
    PRIMARY KEY (order_id, sku)
);
CREATE TABLE customers (id int); -- error 42P07
CREATE TABLE IF NOT EXISTS customers (id int);
SELECT count(*) FROM customers;
CREATE TABLE IF NOT EXISTS notes (body text);
SELECT * FROM notes;
CREATE TABLE dupcol (a int, a text); -- error 42701
CREATE TABLE badtype (a notatype); -- error 42704
CREATE TABLE twopk (a int PRIMARY KEY, b int PRIMARY KEY); -- error 42P16
CREATE TABLE nocols ();
SELECT * FROM nocols;
INSERT INTO nocols DEFAULT VALUES;
SELECT count(*) FROM nocols;
CREATE TABLE "Quoted Table" ("Col A" int, "col b" text);
INSERT INTO "Quoted Table" VALUES (1, 'x');
SELECT "Col A", "col b" FROM "Quoted Table";
SELECT "col a" FROM "Quoted Table"; -- error 42703
SELECT * FROM quoted_table; -- error 42P01
CREATE TABLE MixedCase (Id int, NaMe text);
INSERT INTO mixedcase VALUES (1, 'lower');
SELECT id, name FROM MIXEDCASE;
SELECT * FROM "MixedCase"; -- error 42P01

INSERT INTO customers VALUES (1, 'Ada', 'ada@example.com', 'London', '2024-01-05');
INSERT INTO customers VALUES (2, 'Bob', 'bob@example.com', 'Paris', '2024-02-10');
INSERT INTO customers (id, name, city) VALUES (3, 'Cy', 'London');
INSERT INTO customers (id, name) VALUES (4, 'Dee');
INSERT INTO products VALUES ('A1', 'Anvil', 99.50, 3), ('B2', 'Bolt', 0.25, 1000), ('C3', 'Crate', 12.00, 0);
INSERT INTO orders VALUES (100, 1, '2024-03-01', 'paid'), (101, 1, '2024-03-02', 'new'), (102, 2, '2024-03-02', 'shipped');
INSERT INTO items VALUES (100, 'A1', 1), (100, 'B2', 50), (101, 'C3', 2), (102, 'B2', 10);
SELECT * FROM customers ORDER BY id;
SELECT * FROM products ORDER BY sku;

-- CREATE TABLE AS
CREATE TABLE london AS SELECT id, name FROM customers WHERE city = 'London';
SELECT * FROM london ORDER BY id;
CREATE TABLE london AS SELECT 1; -- error 42P07
CREATE TABLE IF NOT EXISTS london AS SELECT 1 AS x;
SELECT * FROM london ORDER BY id;
CREATE TABLE order_totals AS
    SELECT o.id, sum(i.qty * p.price) AS total
    FROM orders o JOIN items i ON i.order_id = o.id JOIN products p ON p.sku = i.sku
    GROUP BY o.id;
SELECT * FROM order_totals ORDER BY id;
CREATE TABLE empty_copy AS SELECT * FROM customers WHERE false;
SELECT count(*) FROM empty_copy;
INSERT INTO empty_copy (id, name) VALUES (9, 'Nine');
SELECT id, name, email FROM empty_copy;
CREATE TABLE renamed_cols (a, b) AS SELECT id, name FROM customers WHERE id <= 2;
SELECT a, b FROM renamed_cols ORDER BY a;
CREATE TABLE ctas_values AS VALUES (1, 'one'), (2, 'two');
SELECT * FROM ctas_values ORDER BY column1;
CREATE TABLE ctas_nodata AS SELECT * FROM products WITH NO DATA;
SELECT count(*) FROM ctas_nodata;
CREATE TABLE ctas_dup AS SELECT 1 + 1, 'x' || 'y'; -- error 42701
CREATE TABLE ctas_expr AS SELECT 1 + 1 AS two, 'x' || 'y';
SELECT * FROM ctas_expr;
CREATE TABLE ctas_types AS SELECT 1::smallint AS s, 2.5::numeric(4,1) AS n, 'v'::varchar(3) AS v, now() AS t;
INSERT INTO ctas_types (s, n, v) VALUES (70000, 1, 'a'); -- error 22003
INSERT INTO ctas_types (s, n, v) VALUES (1, 1, 'abcd'); -- error 22001
SELECT s, n, v FROM ctas_types;

-- TRUNCATE
SELECT count(*) FROM london;
TRUNCATE london;
SELECT count(*) FROM london;
TRUNCATE TABLE renamed_cols, ctas_values;
SELECT (SELECT count(*) FROM renamed_cols) AS a, (SELECT count(*) FROM ctas_values) AS b;
TRUNCATE nosuchtable; -- error 42P01
TRUNCATE customers; -- error 0A000
TRUNCATE items;
SELECT count(*) FROM items;

-- DROP TABLE
DROP TABLE london;
SELECT * FROM london; -- error 42P01
DROP TABLE london; -- error 42P01
DROP TABLE IF EXISTS london;
DROP TABLE IF EXISTS london, ctas_expr;
SELECT * FROM ctas_expr; -- error 42P01
DROP TABLE renamed_cols, ctas_values;
DROP TABLE customers; -- error 2BP01
DROP TABLE orders CASCADE;
INSERT INTO items VALUES (999, 'A1', 1);
SELECT * FROM items ORDER BY order_id, sku;
DROP TABLE customers;
SELECT count(*) FROM products;
DROP TABLE products, items;
DROP TABLE "Quoted Table", mixedcase, nocols, notes;
DROP TABLE nosuch1, empty_copy; -- error 42P01
SELECT count(*) FROM empty_copy;
DROP TABLE IF EXISTS nosuch1, empty_copy;
SELECT * FROM empty_copy; -- error 42P01

-- Recreate after drop: a fresh, empty table of the same name
CREATE TABLE customers (id int PRIMARY KEY, name text);
SELECT count(*) FROM customers;
INSERT INTO customers VALUES (1, 'again');
SELECT * FROM customers;
CREATE TABLE t_default_exprs (
    id int,
    a int DEFAULT 1 + 2,
    b text DEFAULT 'x' || 'y',
    c numeric DEFAULT 1.5 * 2,
    d boolean DEFAULT (NOT false),
    e int[] DEFAULT ARRAY[1, 2]
);
INSERT INTO t_default_exprs (id) VALUES (1);
SELECT * FROM t_default_exprs;
CREATE TABLE t_bad_default (a int DEFAULT 'abc'); -- error 22P02
CREATE TABLE t_bad_default2 (a int DEFAULT (SELECT 1)); -- error 0A000
CREATE TABLE t_bad_default3 (a int DEFAULT b); -- error 0A000
CREATE TABLE t_reserved (select int); -- error 42601
CREATE TABLE t_reserved ("select" int, "from" text);
INSERT INTO t_reserved VALUES (1, 'kw');
SELECT "select", "from" FROM t_reserved;
