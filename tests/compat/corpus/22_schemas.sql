-- Schemas: CREATE/DROP SCHEMA, qualified names, search_path resolution, objects of the same name
-- in different schemas.

CREATE SCHEMA shop;
CREATE SCHEMA blog;
CREATE SCHEMA shop; -- error 42P06
CREATE SCHEMA IF NOT EXISTS shop;
CREATE TABLE shop.items (id int PRIMARY KEY, name text);
CREATE TABLE blog.items (id int PRIMARY KEY, title text, draft boolean DEFAULT true);
CREATE TABLE items (id int, note text);
INSERT INTO shop.items VALUES (1, 'pen'), (2, 'ink');
INSERT INTO blog.items (id, title) VALUES (1, 'hello');
INSERT INTO public.items VALUES (1, 'public one');
SELECT * FROM shop.items ORDER BY id;
SELECT * FROM blog.items ORDER BY id;
SELECT * FROM items ORDER BY id;
SELECT * FROM public.items ORDER BY id;
SELECT s.name, b.title FROM shop.items s JOIN blog.items b ON b.id = s.id;
SELECT shop.items.name FROM shop.items WHERE shop.items.id = 2;
SELECT items.name FROM shop.items WHERE items.id = 2;
SELECT * FROM nosuch.items; -- error 42P01
CREATE TABLE nosuch.t (a int); -- error 3F000
SELECT * FROM shop.nosuch; -- error 42P01
SELECT current_schema();
SELECT current_schemas(false);

-- search_path
SET search_path TO shop, public;
SELECT current_schema();
SELECT * FROM items ORDER BY id;
CREATE TABLE only_in_shop (x int);
SELECT count(*) FROM shop.only_in_shop;
SELECT count(*) FROM public.only_in_shop; -- error 42P01
SET search_path TO blog;
SELECT * FROM items ORDER BY id;
SELECT * FROM only_in_shop; -- error 42P01
SELECT upper('still works');
SET search_path TO nosuch_schema, blog;
SELECT current_schema();
SELECT * FROM items ORDER BY id;
CREATE TABLE in_blog (y int);
SELECT count(*) FROM blog.in_blog;
SET search_path TO nosuch_schema;
SELECT current_schema();
CREATE TABLE homeless (z int); -- error 3F000
SELECT * FROM items; -- error 42P01
RESET search_path;
SELECT current_schema();
SELECT * FROM items ORDER BY id;
SET search_path = public, shop;
SELECT * FROM only_in_shop;
SELECT * FROM items ORDER BY id;
SET search_path TO DEFAULT;
SHOW search_path;

-- Sequences, views and indexes live in schemas too
CREATE SEQUENCE shop.order_no START 500;
SELECT nextval('shop.order_no');
SELECT nextval('order_no'); -- error 42P01
CREATE VIEW blog.published AS SELECT id, title FROM blog.items WHERE NOT draft;
SELECT count(*) FROM blog.published;
UPDATE blog.items SET draft = false WHERE id = 1;
SELECT * FROM blog.published;
CREATE INDEX items_name_idx ON shop.items (name);
SELECT id FROM shop.items WHERE name = 'ink';
CREATE TABLE shop.orders (id serial PRIMARY KEY, item_id int REFERENCES shop.items (id));
INSERT INTO shop.orders (item_id) VALUES (1), (2) RETURNING id;
INSERT INTO shop.orders (item_id) VALUES (3); -- error 23503
SELECT o.id, i.name FROM shop.orders o JOIN shop.items i ON i.id = o.item_id ORDER BY o.id;

-- Renaming and moving
ALTER SCHEMA blog RENAME TO journal;
SELECT * FROM journal.items ORDER BY id;
SELECT * FROM blog.items; -- error 42P01
ALTER TABLE journal.in_blog RENAME TO in_journal;
SELECT count(*) FROM journal.in_journal;
ALTER TABLE public.items SET SCHEMA journal; -- error 42P07
CREATE TABLE public.movable (m int);
INSERT INTO movable VALUES (7);
ALTER TABLE movable SET SCHEMA shop;
SELECT * FROM shop.movable;
SELECT * FROM movable; -- error 42P01

-- Qualified function names
SELECT pg_catalog.upper('x'), pg_catalog.length('abc'), public.nosuchfn(); -- error 42883
SELECT pg_catalog.upper('x'), pg_catalog.length('abc');
SELECT pg_catalog.count(*) FROM shop.items;

-- DROP SCHEMA
DROP SCHEMA shop; -- error 2BP01
DROP SCHEMA shop RESTRICT; -- error 2BP01
CREATE SCHEMA empty_one;
DROP SCHEMA empty_one;
DROP SCHEMA empty_one; -- error 3F000
DROP SCHEMA IF EXISTS empty_one;
DROP SCHEMA shop CASCADE;
SELECT * FROM shop.items; -- error 42P01
SELECT nextval('shop.order_no'); -- error 3F000
DROP SCHEMA journal CASCADE;
SELECT * FROM items ORDER BY id;
CREATE SCHEMA "Mixed Case";
CREATE TABLE "Mixed Case".t (a int);
INSERT INTO "Mixed Case".t VALUES (1);
SELECT * FROM "Mixed Case".t;
SELECT * FROM mixed_case.t; -- error 42P01
DROP SCHEMA "Mixed Case" CASCADE;
DROP SCHEMA public CASCADE;
SELECT current_schema();
CREATE TABLE nowhere (a int); -- error 3F000
CREATE SCHEMA public;
CREATE TABLE somewhere (a int);
SELECT count(*) FROM public.somewhere;
-- pg_catalog.f(...) is the built-in f, aggregates and window functions included
SELECT pg_catalog.count(*), pg_catalog.sum(g) FROM generate_series(1, 4) g;
SELECT pg_catalog.count(*) OVER (), pg_catalog.row_number() OVER (ORDER BY g) FROM generate_series(1, 3) g ORDER BY 2;
