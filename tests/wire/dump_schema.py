"""The schema of the pg_dump round trips (test_wire_pg_dump_roundtrip.py): every kind of object
orbitdb keeps that pg_dump writes, with rows in every table. Loaded the same way into orbitdb and
into PostgreSQL 15; the roles come first (they are the cluster's, exchanged with pg_dumpall)."""

from __future__ import annotations

ROLES = """
CREATE ROLE shop_owner;
CREATE ROLE shop_reader;
CREATE ROLE app_login LOGIN PASSWORD 'secret' CONNECTION LIMIT 5;
GRANT shop_reader TO shop_owner;
ALTER ROLE shop_reader SET statement_timeout = '5s';
"""

SCHEMA = r"""
CREATE EXTENSION pgcrypto;
CREATE EXTENSION "uuid-ossp";
CREATE SCHEMA sales;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN posint AS integer CHECK (VALUE > 0);
CREATE TYPE pair AS (a integer, b text);
CREATE SEQUENCE ticket_seq START 100 INCREMENT 5;
CREATE TABLE kinds (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sm smallint, i integer, bg bigint, nm numeric(10,2), r real, d double precision,
    t text NOT NULL DEFAULT 'x', vc varchar(20), ch char(3), b boolean DEFAULT true,
    dt date, tm time, ts timestamp, tz timestamptz, iv interval, u uuid, by bytea,
    js json, jb jsonb, arr integer[], tarr text[], m mood, p posint, pr pair,
    ticket integer DEFAULT nextval('ticket_seq'),
    up text GENERATED ALWAYS AS (upper(t)) STORED,
    CONSTRAINT kinds_nm_check CHECK (nm >= 0),
    UNIQUE (vc)
);
CREATE TABLE sales.customer (
    id serial PRIMARY KEY,
    name text NOT NULL,
    email text UNIQUE,
    created timestamptz DEFAULT now()
);
CREATE TABLE sales.orders (
    id bigserial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES sales.customer(id) ON DELETE CASCADE,
    amount numeric(12,2) NOT NULL CHECK (amount > 0),
    placed date NOT NULL,
    note text
);
CREATE TABLE sales.line (
    order_id bigint, n integer, item text,
    PRIMARY KEY (order_id, n),
    FOREIGN KEY (order_id) REFERENCES sales.orders(id)
);
CREATE INDEX orders_placed_desc ON sales.orders (placed DESC, amount NULLS FIRST);
CREATE INDEX orders_lower_note ON sales.orders (lower(note));
CREATE INDEX orders_big ON sales.orders (amount) WHERE amount > 100;
CREATE UNIQUE INDEX customer_name_idx ON sales.customer (name DESC NULLS LAST);
CREATE INDEX orders_covering ON sales.orders (customer_id) INCLUDE (amount, placed);
CREATE UNIQUE INDEX orders_note_nnd ON sales.orders (note) NULLS NOT DISTINCT WHERE amount > 1000;
CREATE FUNCTION sales.total(c integer) RETURNS numeric LANGUAGE sql STABLE AS $$ SELECT coalesce(sum(amount), 0) FROM sales.orders WHERE customer_id = c $$;
CREATE FUNCTION bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.note := coalesce(NEW.note, '') || '!';
    RETURN NEW;
END
$$;
CREATE TRIGGER orders_bump BEFORE INSERT ON sales.orders FOR EACH ROW EXECUTE FUNCTION bump();
CREATE VIEW sales.big_orders AS SELECT o.id, c.name, o.amount FROM sales.orders o JOIN sales.customer c ON c.id = o.customer_id WHERE o.amount > 50;
CREATE VIEW sales.customer_totals AS SELECT c.name, sales.total(c.id) AS total, upper(c.name) AS shout FROM sales.customer c;
CREATE VIEW top_names AS SELECT name, amount FROM sales.big_orders ORDER BY amount DESC LIMIT 2;
CREATE TABLE measure (city text NOT NULL, logdate date NOT NULL, peak integer) PARTITION BY RANGE (logdate);
CREATE TABLE measure_2020 PARTITION OF measure FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE TABLE measure_2021 PARTITION OF measure FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');
CREATE TABLE tagged (code text NOT NULL, v integer) PARTITION BY LIST (code);
CREATE TABLE tagged_ab PARTITION OF tagged FOR VALUES IN ('a', 'b');
CREATE TABLE tagged_rest PARTITION OF tagged DEFAULT;
COMMENT ON TABLE sales.customer IS 'people who buy';
COMMENT ON COLUMN sales.customer.email IS 'where to write';
COMMENT ON VIEW sales.big_orders IS 'orders over 50';
INSERT INTO kinds (sm, i, bg, nm, r, d, t, vc, ch, b, dt, tm, ts, tz, iv, u, by, js, jb, arr, tarr, m, p, pr)
VALUES (1, 2, 3000000000, 12.34, 1.5, 2.25, 'hello', 'v1', 'abc', false, '2020-02-03', '04:05:06', '2020-01-01 10:00', '2020-01-01 10:00+02', '1 day 2 hours', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\x0102ff', '{"a": 1}', '{"b": [1, 2]}', '{1,2,3}', '{"x","y z"}', 'happy', 7, ROW(1, 'one')),
       (NULL, NULL, NULL, NULL, NULL, NULL, 'tab	and ''quote'' and \ backslash', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
INSERT INTO sales.customer (name, email) VALUES ('ada', 'ada@x.org'), ('bob', NULL), ('cy', 'cy@x.org');
INSERT INTO sales.orders (customer_id, amount, placed, note) VALUES (1, 120.5, '2021-03-04', 'first'), (1, 30, '2021-03-05', NULL), (2, 75, '2021-04-01', 'Big');
INSERT INTO sales.line VALUES (1, 1, 'pen'), (1, 2, 'ink'), (3, 1, 'pad');
INSERT INTO measure VALUES ('oslo', '2020-05-01', 20), ('rome', '2021-07-01', 35);
INSERT INTO tagged VALUES ('a', 1), ('z', 2);
ALTER TABLE sales.customer OWNER TO shop_owner;
GRANT USAGE ON SCHEMA sales TO shop_reader;
GRANT SELECT ON sales.customer TO shop_reader;
GRANT SELECT (id, amount) ON sales.orders TO shop_reader;
GRANT SELECT ON sales.big_orders TO shop_reader;
CREATE FUNCTION sales.tax(n numeric) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT round(n * 0.2, 2) $$;
CREATE TABLE sales.invoice (
    id integer GENERATED BY DEFAULT AS IDENTITY (START WITH 10 INCREMENT BY 10) PRIMARY KEY,
    order_id bigint REFERENCES sales.orders(id) ON UPDATE CASCADE ON DELETE SET NULL,
    net numeric(12,2) NOT NULL,
    tax numeric(12,2) DEFAULT 0,
    CONSTRAINT invoice_tax_ok CHECK (tax <= sales.tax(net) + 1),
    CONSTRAINT invoice_order_once UNIQUE (order_id)
);
CREATE VIEW sales.customer_summary AS
    SELECT c.id, c.name, count(o.id) AS orders, sum(o.amount) AS spent,
           CASE WHEN sum(o.amount) > 100 THEN 'big' ELSE 'small' END AS size
    FROM sales.customer c LEFT JOIN sales.orders o ON o.customer_id = c.id GROUP BY c.id, c.name;
CREATE VIEW sales.ranked AS
    SELECT id, amount, rank() OVER (ORDER BY amount DESC) AS r, sales.tax(amount) AS tax
    FROM sales.orders WHERE amount > (SELECT min(amount) FROM sales.orders);
CREATE VIEW sales.nested AS SELECT s.name, s.size, t.total FROM sales.customer_summary s JOIN sales.customer_totals t ON t.name = s.name WHERE s.orders > 0;
COMMENT ON FUNCTION sales.total(integer) IS 'spent by a customer';
COMMENT ON SCHEMA sales IS 'the shop';
COMMENT ON TYPE mood IS 'how one feels';
COMMENT ON COLUMN kinds.t IS 'some text';
COMMENT ON INDEX sales.orders_big IS 'big ones';
COMMENT ON CONSTRAINT orders_amount_check ON sales.orders IS 'positive';
REVOKE ALL ON FUNCTION sales.tax(numeric) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION sales.tax(numeric) TO shop_reader;
GRANT SELECT, INSERT, UPDATE ON sales.invoice TO shop_owner WITH GRANT OPTION;
GRANT USAGE ON SEQUENCE ticket_seq TO shop_reader;
INSERT INTO sales.invoice (order_id, net, tax) VALUES (1, 100, 20), (3, 75, 15);
INSERT INTO sales.invoice (id, order_id, net) VALUES (5, NULL, 1);
CREATE TABLE tokens (id uuid DEFAULT uuid_generate_v4() PRIMARY KEY, secret bytea NOT NULL DEFAULT gen_random_bytes(4));
INSERT INTO tokens DEFAULT VALUES;
INSERT INTO tokens DEFAULT VALUES;
CREATE VIEW sales.hashed AS SELECT name, encode(digest(name, 'sha256'), 'hex') AS h FROM sales.customer;
CREATE VIEW sales.has_orders AS
    SELECT c.name,
           EXISTS (SELECT 1 FROM sales.orders o WHERE o.customer_id = c.id) AS has,
           c.id IN (SELECT customer_id FROM sales.orders WHERE amount > 70) AS big
    FROM sales.customer c;
CREATE TABLE sales.shelf (
    slot integer CONSTRAINT shelf_pkey PRIMARY KEY DEFERRABLE INITIALLY DEFERRED,
    pos integer CONSTRAINT shelf_pos_key UNIQUE DEFERRABLE,
    label text
);
INSERT INTO sales.shelf VALUES (1, 1, 'a'), (2, 2, 'b'), (3, NULL, 'c');
UPDATE sales.shelf SET pos = pos + 1;
"""

# every table and view, with the ORDER BY that makes its rows comparable
CONTENTS = {
    "public.kinds": "id",
    "sales.customer": "id",
    "sales.orders": "id",
    "sales.line": "order_id, n",
    "sales.invoice": "id",
    "public.measure": "city",
    "public.measure_2020": "city",
    "public.measure_2021": "city",
    "public.tagged": "code",
    "public.tagged_ab": "code",
    "public.tagged_rest": "code",
    "sales.big_orders": "id",
    "sales.customer_totals": "name",
    "public.top_names": "name",
    "sales.customer_summary": "id",
    "sales.ranked": "id",
    "sales.nested": "name",
    "sales.has_orders": "name",
    "public.tokens": "id",
    "sales.hashed": "name",
    "sales.shelf": "slot",
}

# after a restore, the same statements on the restored database and on a copy of PostgreSQL's
# source: defaults, identities, sequences, constraints, triggers, partitions and grants at work
CHECKS = [
    "INSERT INTO kinds (t) VALUES ('new') RETURNING id, ticket, up, b",
    "INSERT INTO kinds (id, t) VALUES (99, 'x')",
    "UPDATE kinds SET p = 0 WHERE id = 1",
    "INSERT INTO kinds (t, m) VALUES ('z', 'angry')",
    "INSERT INTO kinds (t, vc) VALUES ('w', 'v1')",
    "INSERT INTO sales.customer (name) VALUES ('dee') RETURNING id",
    "INSERT INTO sales.customer (name, email) VALUES ('eve', 'ada@x.org')",
    "INSERT INTO sales.customer (name) VALUES ('ada')",
    "INSERT INTO sales.orders (customer_id, amount, placed) VALUES (4, 10, '2022-01-01') RETURNING id, note",
    "INSERT INTO sales.orders (customer_id, amount, placed) VALUES (99, 10, '2022-01-01')",
    "INSERT INTO sales.orders (customer_id, amount, placed) VALUES (1, -1, '2022-01-01')",
    "INSERT INTO sales.invoice (net, tax) VALUES (10, 50)",
    "INSERT INTO sales.invoice (net) VALUES (10) RETURNING id, tax",
    "INSERT INTO sales.invoice (order_id, net) VALUES (1, 5)",
    "INSERT INTO measure VALUES ('x', '2030-01-01', 1)",
    "INSERT INTO measure VALUES ('y', '2021-02-01', 2)",
    "INSERT INTO tagged VALUES ('q', 5)",
    "SELECT city FROM measure_2021 ORDER BY city",
    "INSERT INTO tokens DEFAULT VALUES RETURNING length(secret), id IS NOT NULL",
    "SELECT code FROM tagged_rest ORDER BY code",
    "DELETE FROM sales.customer WHERE name = 'ada'",
    "DELETE FROM sales.line WHERE order_id = 1",
    "DELETE FROM sales.customer WHERE name = 'ada'",
    "SELECT id, customer_id FROM sales.orders ORDER BY id",
    "SELECT id, order_id FROM sales.invoice ORDER BY id",
    "SELECT * FROM sales.customer_summary ORDER BY id",
    "SELECT * FROM sales.has_orders ORDER BY name",
    "SELECT sales.total(2), sales.tax(10)",
    "SELECT nextval('ticket_seq'), currval('sales.customer_id_seq')",
    "SELECT obj_description('sales.customer'::regclass), col_description('sales.customer'::regclass, 3)",
    "SELECT obj_description('sales.total(integer)'::regprocedure)",
    "SELECT indexdef FROM pg_indexes WHERE schemaname = 'sales' ORDER BY indexname",
    ("SELECT c.relname, r.rolname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner"
     " WHERE c.relname IN ('customer', 'customer_id_seq', 'orders') ORDER BY 1"),
    "SET ROLE shop_reader",
    "SELECT id, amount FROM sales.orders ORDER BY id",
    "SELECT note FROM sales.orders",
    "SELECT name FROM sales.big_orders ORDER BY name",
    "SELECT sales.tax(1)",
    "SELECT nextval('ticket_seq')",
    "INSERT INTO sales.customer (name) VALUES ('fay')",
    "RESET ROLE",
    "SET ROLE shop_owner",
    "INSERT INTO sales.invoice (net) VALUES (1) RETURNING id",
    "RESET ROLE",
    "UPDATE sales.shelf SET pos = 5 - pos",
    "INSERT INTO sales.shelf VALUES (4, 3, 'd')",
    "INSERT INTO sales.shelf VALUES (4, 9, 'd') ON CONFLICT (pos) DO NOTHING",
    "BEGIN",
    "INSERT INTO sales.shelf VALUES (1, 9, 'e')",
    "COMMIT",
    "SELECT slot, pos, label FROM sales.shelf ORDER BY slot",
    ("SELECT conname, condeferrable, condeferred, pg_get_constraintdef(oid) FROM pg_constraint"
     " WHERE conrelid = 'sales.shelf'::regclass ORDER BY conname"),
]
