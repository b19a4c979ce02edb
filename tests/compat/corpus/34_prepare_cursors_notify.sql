-- Session-level statements: SQL prepared statements (PREPARE / EXECUTE / DEALLOCATE and
-- pg_prepared_statements), cursors (DECLARE / FETCH / MOVE / CLOSE in every direction, SCROLL,
-- NO SCROLL, WITH HOLD, pg_cursors), LISTEN / UNLISTEN / NOTIFY / pg_notify and
-- pg_listening_channels, and temporary tables hiding permanent ones.

CREATE TABLE pc (id int PRIMARY KEY, name text, score numeric(6,2));
INSERT INTO pc SELECT g, 'n' || g, g * 1.5 FROM generate_series(1, 12) g;

-- PREPARE / EXECUTE
PREPARE by_id (int) AS SELECT id, name, score FROM pc WHERE id = $1;
EXECUTE by_id(3);
EXECUTE by_id('4');
EXECUTE by_id(2 + 3);
EXECUTE by_id(99);
PREPARE above AS SELECT id FROM pc WHERE id > $1 ORDER BY id;
EXECUTE above(9);
PREPARE two (text, numeric) AS SELECT $1 || '!' AS shout, $2 * 2 AS twice;
EXECUTE two('hey', 1.25);
PREPARE noparams AS SELECT count(*) FROM pc;
EXECUTE noparams;
PREPARE ins (int, text) AS INSERT INTO pc VALUES ($1, $2, 0) RETURNING id, name;
EXECUTE ins(100, 'hundred');
PREPARE upd (int) AS UPDATE pc SET score = score + 1 WHERE id <= $1;
EXECUTE upd(2);
PREPARE del AS DELETE FROM pc WHERE id >= 100;
EXECUTE del;
PREPARE vals (int) AS VALUES ($1, $1 + 1);
EXECUTE vals(7);
SELECT name, statement, from_sql, cardinality(parameter_types) FROM pg_prepared_statements ORDER BY name;
PREPARE by_id AS SELECT 1; -- error 42P05
EXECUTE nope; -- error 26000
EXECUTE by_id; -- error 42601
EXECUTE by_id(1, 2); -- error 42601
EXECUTE by_id('x'); -- error 22P02
PREPARE bad AS SELECT * FROM no_such_table; -- error 42P01
PREPARE ddl AS CREATE TABLE x (a int); -- error 42601
DEALLOCATE nope; -- error 26000
DEALLOCATE by_id;
EXECUTE by_id(1); -- error 26000
DEALLOCATE PREPARE above;
PREPARE wide AS SELECT * FROM pc WHERE id = 1;
ALTER TABLE pc ADD COLUMN extra int DEFAULT 5;
EXECUTE noparams;
EXECUTE wide; -- error 0A000
CREATE TABLE pc_copy AS EXECUTE vals(3);
SELECT * FROM pc_copy;
CREATE TABLE pc_none (x, y) AS EXECUTE vals(1) WITH NO DATA;
SELECT * FROM pc_none;
CREATE TABLE pc_two AS EXECUTE two('a', 2) WITH DATA;
SELECT * FROM pc_two;
CREATE TABLE pc_bad AS EXECUTE ins(1, 'x'); -- error 42809
CREATE TABLE pc_bad AS EXECUTE missing; -- error 26000
DROP TABLE pc_copy, pc_none, pc_two;
PREPARE star AS SELECT * FROM pc WHERE id = 1;
EXECUTE star;
DEALLOCATE ALL;
SELECT count(*) FROM pg_prepared_statements;
ALTER TABLE pc DROP COLUMN extra;

-- cursors: outside a block
DECLARE c0 CURSOR FOR SELECT 1; -- error 25P01
FETCH c0; -- error 34000
CLOSE c0; -- error 34000
MOVE c0; -- error 34000

-- a forward-only cursor
BEGIN;
DECLARE c1 NO SCROLL CURSOR FOR SELECT id, name FROM pc ORDER BY id;
FETCH c1;
FETCH NEXT FROM c1;
FETCH 2 FROM c1;
FETCH FORWARD 2 IN c1;
FETCH RELATIVE 2 FROM c1;
FETCH ABSOLUTE 9 FROM c1;
MOVE FORWARD 1 IN c1;
FETCH FORWARD ALL FROM c1;
FETCH NEXT FROM c1;
FETCH PRIOR FROM c1; -- error 55000
ROLLBACK;
BEGIN;
DECLARE c1 NO SCROLL CURSOR FOR SELECT id FROM pc ORDER BY id;
FETCH 3 FROM c1;
FETCH ABSOLUTE 1 FROM c1; -- error 55000
ROLLBACK;
BEGIN;
DECLARE c1 NO SCROLL CURSOR FOR SELECT id FROM pc ORDER BY id;
FETCH FIRST FROM c1;
FETCH LAST FROM c1; -- error 55000
ROLLBACK;
BEGIN;
DECLARE c1 CURSOR FOR SELECT id FROM pc ORDER BY id;
DECLARE c1 CURSOR FOR SELECT 2; -- error 42P03
ROLLBACK;
BEGIN;
DECLARE c1 CURSOR FOR INSERT INTO pc VALUES (500); -- error 42601
ROLLBACK;

-- a scrollable cursor
BEGIN;
DECLARE s SCROLL CURSOR FOR SELECT id FROM pc ORDER BY id;
SELECT name, is_holdable, is_binary, is_scrollable FROM pg_cursors;
FETCH LAST FROM s;
FETCH PRIOR FROM s;
FETCH FIRST FROM s;
FETCH ABSOLUTE -2 FROM s;
FETCH ABSOLUTE 3 FROM s;
FETCH RELATIVE -2 FROM s;
FETCH RELATIVE -1 FROM s;
FETCH 3 FROM s;
FETCH BACKWARD 2 FROM s;
FETCH -1 FROM s;
FETCH BACKWARD 1 FROM s;
FETCH FORWARD 4 FROM s;
FETCH RELATIVE 0 FROM s;
FETCH 0 FROM s;
FETCH FORWARD -2 FROM s;
FETCH ALL FROM s;
FETCH ABSOLUTE 13 FROM s;
FETCH BACKWARD ALL FROM s;
MOVE FORWARD 5 IN s;
MOVE 0 IN s;
MOVE ABSOLUTE 100 IN s;
MOVE BACKWARD ALL IN s;
FETCH NEXT FROM s;
MOVE LAST IN s;
MOVE RELATIVE -3 IN s;
FETCH s;
CLOSE s;
FETCH s; -- error 34000
ROLLBACK;

-- WITH HOLD
BEGIN;
DECLARE h CURSOR WITH HOLD FOR SELECT id FROM pc WHERE id <= 6 ORDER BY id;
DECLARE gone CURSOR FOR SELECT 1;
FETCH 2 FROM h;
INSERT INTO pc VALUES (6000, 'late', 0);
COMMIT;
FETCH gone; -- error 34000
SELECT name, is_holdable FROM pg_cursors;
FETCH 2 FROM h;
BEGIN;
FETCH h;
ROLLBACK;
FETCH ALL FROM h;
CLOSE h;
BEGIN;
DECLARE r CURSOR WITH HOLD FOR SELECT 1;
ROLLBACK;
FETCH r; -- error 34000
DECLARE auto SCROLL CURSOR WITH HOLD FOR SELECT id FROM pc WHERE id <= 3 ORDER BY id;
FETCH LAST FROM auto;
FETCH BACKWARD 2 FROM auto;
CLOSE ALL;
SELECT count(*) FROM pg_cursors;
DELETE FROM pc WHERE id = 6000;

-- an error while fetching aborts the block
BEGIN;
DECLARE z CURSOR FOR SELECT 10 / (g - 4) FROM generate_series(1, 8) g;
FETCH 2 FROM z;
FETCH 3 FROM z; -- error 22012
FETCH z; -- error 25P02
ROLLBACK;

-- FOR UPDATE
BEGIN;
DECLARE u CURSOR FOR SELECT id FROM pc WHERE id = 1 FOR UPDATE;
FETCH u;
ROLLBACK;

-- LISTEN / NOTIFY
LISTEN alpha;
LISTEN "Beta Channel";
LISTEN alpha;
SELECT pg_listening_channels() ORDER BY 1;
NOTIFY alpha;
NOTIFY alpha, 'payload';
NOTIFY alpha, $$dollar 'quoted'$$;
NOTIFY alpha, E'escaped\tpayload';
SELECT pg_notify('alpha', 'via function');
SELECT pg_notify('alpha', NULL);
SELECT pg_notify('', 'x'); -- error 22023 message
SELECT pg_notify(NULL, 'x'); -- error 22023 message
SELECT pg_notify(repeat('c', 64), 'x'); -- error 22023 message
SELECT pg_notify('alpha', repeat('x', 8000)); -- error 22023 message
SELECT pg_notify('alpha', repeat('x', 7999)) IS NOT NULL;
UNLISTEN alpha;
SELECT pg_listening_channels();
UNLISTEN nothing_here;
BEGIN;
LISTEN gamma;
SELECT pg_listening_channels() ORDER BY 1;
ROLLBACK;
SELECT pg_listening_channels();
UNLISTEN *;
SELECT count(*) FROM pg_listening_channels();
LISTEN *; -- error 42601

-- temporary tables hide permanent ones
CREATE TABLE shadow (a int);
INSERT INTO shadow VALUES (1);
CREATE TEMP TABLE shadow (b text);
INSERT INTO shadow VALUES ('temp');
SELECT * FROM shadow;
SELECT * FROM public.shadow;
SELECT * FROM pg_temp.shadow;
SELECT pg_my_temp_schema() <> 0;
SELECT count(*) FROM pg_class WHERE relname = 'shadow' AND relnamespace = pg_my_temp_schema();
SELECT (current_schemas(true))[1] LIKE 'pg_temp_%', current_schemas(false);
SET search_path = public, pg_temp;
SELECT * FROM shadow;
SELECT current_schemas(false) = ARRAY['public'::name, nspname] FROM pg_namespace WHERE oid = pg_my_temp_schema();
RESET search_path;
CREATE VIEW shadow_view AS SELECT * FROM shadow; -- notices
SELECT * FROM shadow_view;
SELECT relpersistence, relkind FROM pg_class WHERE relname IN ('shadow', 'shadow_view') ORDER BY 1, 2;
CREATE VIEW public.shadow_view2 AS SELECT * FROM shadow; -- error 42P16 notices
CREATE TEMP VIEW tview AS SELECT 1 AS x;
SELECT relpersistence FROM pg_class WHERE relname = 'tview';
DROP TABLE shadow; -- error 2BP01
DROP TABLE shadow CASCADE; -- notices
SELECT * FROM shadow;
SELECT * FROM shadow_view; -- error 42P01
DISCARD TEMP;
SELECT * FROM tview; -- error 42P01
DROP TABLE shadow;
