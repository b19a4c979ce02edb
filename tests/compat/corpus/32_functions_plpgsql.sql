-- User-defined functions and procedures (LANGUAGE sql and plpgsql), DO blocks, CALL, and the
-- PL/pgSQL statements: declarations, assignment, control structures, loops, RETURN NEXT/QUERY,
-- SELECT INTO [STRICT], EXECUTE ... USING, RAISE, exception blocks, GET DIAGNOSTICS, FOUND.

CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2));
INSERT INTO items VALUES (1, 'apple', 1.50), (2, 'pear', 2.25), (3, 'plum', NULL);

-- LANGUAGE sql
CREATE FUNCTION add_one(x int) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT x + 1 $$;
SELECT add_one(41), add_one(NULL);
CREATE FUNCTION add_one(x int) RETURNS int LANGUAGE sql AS $$ SELECT x + 2 $$; -- error 42723 message
CREATE OR REPLACE FUNCTION add_one(x int) RETURNS int LANGUAGE sql AS $$ SELECT $1 + 2 $$;
SELECT add_one(40);
CREATE OR REPLACE FUNCTION add_one(x int) RETURNS text LANGUAGE sql AS $$ SELECT 'a' $$; -- error 42P13 message
CREATE FUNCTION add_one(x text) RETURNS text LANGUAGE sql AS $$ SELECT x || '+1' $$;
SELECT add_one(1), add_one('a'), add_one('b'::text);
CREATE FUNCTION scaled(a int, b int DEFAULT 10, c int DEFAULT 100) RETURNS int LANGUAGE sql AS 'SELECT a * b + c';
SELECT scaled(1), scaled(1, 2), scaled(1, 2, 3), scaled(a => 2), scaled(2, c => 0), scaled(c => 1, a => 3, b => 3);
SELECT scaled(); -- error 42883
SELECT scaled(1, d => 3); -- error 42883
CREATE FUNCTION strict_len(t text) RETURNS int STRICT LANGUAGE sql AS $$ SELECT 42 $$;
SELECT strict_len(NULL), strict_len('x');
CREATE FUNCTION item_names() RETURNS SETOF text LANGUAGE sql STABLE AS $$ SELECT name FROM items ORDER BY id $$;
SELECT * FROM item_names();
SELECT item_names();
CREATE FUNCTION priced(min numeric) RETURNS TABLE(item text, cost numeric) LANGUAGE sql AS $$
  SELECT name, price FROM items WHERE price >= min ORDER BY id $$;
SELECT * FROM priced(2);
SELECT item FROM priced(0) ORDER BY item DESC;
CREATE FUNCTION one_item(i int) RETURNS items LANGUAGE sql AS $$ SELECT * FROM items WHERE id = i $$;
SELECT * FROM one_item(2);
CREATE FUNCTION two_outs(x int, OUT doubled int, OUT squared int) LANGUAGE sql AS $$ SELECT x * 2, x * x $$;
SELECT * FROM two_outs(7);
SELECT doubled FROM two_outs(3);
CREATE FUNCTION returns_shortcut(a int) RETURNS int LANGUAGE sql RETURN a * 3;
SELECT returns_shortcut(5);
SELECT no_such_function(1); -- error 42883 message
SELECT public.add_one(1);
CREATE FUNCTION nolang() RETURNS int AS $$ SELECT 1 $$; -- error 42P13
CREATE FUNCTION badlang() RETURNS int LANGUAGE nosuchlang AS $$ SELECT 1 $$; -- error 42704 message
CREATE FUNCTION sql_void() RETURNS void LANGUAGE sql AS $$ UPDATE items SET price = price WHERE id = 0 $$;
SELECT sql_void();

-- PL/pgSQL: declarations and expressions
CREATE FUNCTION fact(n int) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE
  r numeric := 1;
BEGIN
  IF n < 0 THEN
    RAISE EXCEPTION 'negative input %', n USING ERRCODE = '22023';
  END IF;
  FOR i IN 1..n LOOP
    r := r * i;
  END LOOP;
  RETURN r;
END
$$;
SELECT fact(0), fact(5), fact(20);
SELECT fact(-1); -- error 22023 message
CREATE FUNCTION decls() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  a int := 2;
  b CONSTANT text := 'x';
  c int NOT NULL DEFAULT 5;
  d items.price%TYPE;
  e items%ROWTYPE;
  f text;
BEGIN
  d := 3.14159;
  SELECT * INTO e FROM items WHERE id = 1;
  f := e.name || ':' || e.price;
  e.name := 'changed';
  RETURN a || b || c || ' ' || d || ' ' || f || ' ' || e.name || ' ' || (f IS NULL);
END $$;
SELECT decls();
CREATE FUNCTION const_assign() RETURNS int LANGUAGE plpgsql AS $$
DECLARE k CONSTANT int := 1;
BEGIN k := 2; RETURN k; END $$; -- error 22005
CREATE FUNCTION notnull_assign() RETURNS int LANGUAGE plpgsql AS $$
DECLARE k int NOT NULL := 1;
BEGIN k := NULL; RETURN k; END $$;
SELECT notnull_assign(); -- error 22004

-- control structures
CREATE FUNCTION classify(n int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  IF n IS NULL THEN RETURN 'null';
  ELSIF n < 0 THEN RETURN 'negative';
  ELSEIF n = 0 THEN RETURN 'zero';
  ELSE
    CASE n % 2
      WHEN 0 THEN RETURN 'even';
      ELSE RETURN 'odd';
    END CASE;
  END IF;
END $$;
SELECT classify(NULL), classify(-3), classify(0), classify(4), classify(7);
CREATE FUNCTION searched_case(n int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  CASE WHEN n > 10 THEN RETURN 'big'; WHEN n > 5 THEN RETURN 'medium'; END CASE;
END $$;
SELECT searched_case(11), searched_case(6);
SELECT searched_case(1); -- error 20000 message
CREATE FUNCTION case_list(n int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  CASE n WHEN 1, 2 THEN RETURN 'low'; WHEN 3 THEN RETURN 'three'; ELSE RETURN 'other'; END CASE;
END $$;
SELECT case_list(2), case_list(3), case_list(9);
CREATE FUNCTION loops() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  s text := '';
  i int := 0;
BEGIN
  LOOP
    i := i + 1;
    CONTINUE WHEN i = 2;
    EXIT WHEN i > 4;
    s := s || i;
  END LOOP;
  WHILE i > 0 LOOP
    i := i - 2;
    s := s || '.';
  END LOOP;
  FOR j IN REVERSE 10..1 BY 3 LOOP
    s := s || j || ',';
  END LOOP;
  <<outer>>
  FOR a IN 1..3 LOOP
    FOR b IN 1..3 LOOP
      CONTINUE outer WHEN b > a;
      EXIT outer WHEN a = 3;
      s := s || a || b;
    END LOOP;
  END LOOP outer;
  RETURN s;
END $$;
SELECT loops();
CREATE FUNCTION bad_step() RETURNS int LANGUAGE plpgsql AS $$
BEGIN FOR i IN 1..3 BY 0 LOOP END LOOP; RETURN 1; END $$;
SELECT bad_step(); -- error 22023 message
CREATE FUNCTION for_query() RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r record;
  out text := '';
  n text;
  p numeric;
BEGIN
  FOR r IN SELECT id, name FROM items ORDER BY id LOOP
    out := out || r.id || '=' || r.name || ';';
  END LOOP;
  FOR n, p IN SELECT name, price FROM items WHERE price IS NOT NULL ORDER BY id LOOP
    out := out || n || p;
  END LOOP;
  FOR r IN EXECUTE 'SELECT id FROM items WHERE id > $1 ORDER BY id' USING 1 LOOP
    out := out || '#' || r.id;
  END LOOP;
  RETURN out;
END $$;
SELECT for_query();
CREATE FUNCTION arrays_loop(arr int[]) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  x int;
  total int := 0;
BEGIN
  FOREACH x IN ARRAY arr LOOP
    total := total + x;
  END LOOP;
  RETURN total;
END $$;
SELECT arrays_loop(ARRAY[1, 2, 3, 4]), arrays_loop('{{1,2},{3,4}}');
CREATE FUNCTION array_assign() RETURNS int[] LANGUAGE plpgsql AS $$
DECLARE a int[] := '{}';
BEGIN
  a[1] := 10;
  a[3] := 30;
  RETURN a;
END $$;
SELECT array_assign();

-- set-returning PL/pgSQL
CREATE FUNCTION evens(n int) RETURNS SETOF int LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 1..n LOOP
    IF i % 2 = 0 THEN RETURN NEXT i; END IF;
  END LOOP;
  RETURN;
END $$;
SELECT * FROM evens(9);
SELECT evens(4);
CREATE FUNCTION item_rows() RETURNS SETOF items LANGUAGE plpgsql AS $$
DECLARE r items%ROWTYPE;
BEGIN
  FOR r IN SELECT * FROM items ORDER BY id LOOP
    RETURN NEXT r;
  END LOOP;
END $$;
SELECT * FROM item_rows();
SELECT name FROM item_rows() WHERE id > 1 ORDER BY name;
CREATE FUNCTION table_fn(lim int) RETURNS TABLE(k int, v text) LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY SELECT id, name FROM items WHERE id <= lim ORDER BY id;
  k := 100;
  v := 'extra';
  RETURN NEXT;
  RETURN QUERY EXECUTE 'SELECT 200, $1::text' USING 'dynamic';
END $$;
SELECT * FROM table_fn(2);
CREATE FUNCTION out_params(a int, OUT s int, OUT p int) LANGUAGE plpgsql AS $$
BEGIN s := a + a; p := a * a; END $$;
SELECT * FROM out_params(5);
SELECT (out_params(6)).p;
CREATE FUNCTION inout_param(INOUT x int) LANGUAGE plpgsql AS $$ BEGIN x := x * 10; END $$;
SELECT inout_param(4);

-- SELECT INTO, STRICT, FOUND, GET DIAGNOSTICS
CREATE FUNCTION lookup(i int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n text;
BEGIN
  SELECT name INTO n FROM items WHERE id = i;
  IF NOT FOUND THEN RETURN 'missing'; END IF;
  RETURN n;
END $$;
SELECT lookup(2), lookup(99);
CREATE FUNCTION lookup_strict(i int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n text;
BEGIN
  SELECT name INTO STRICT n FROM items WHERE id >= i;
  RETURN n;
END $$;
SELECT lookup_strict(3);
SELECT lookup_strict(99); -- error P0002 message
SELECT lookup_strict(1); -- error P0003 message
CREATE FUNCTION bump(delta numeric) RETURNS int LANGUAGE plpgsql AS $$
DECLARE n int;
BEGIN
  UPDATE items SET price = price + delta WHERE price IS NOT NULL;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
SELECT bump(1);
SELECT id, price FROM items ORDER BY id;
CREATE FUNCTION insert_returning(n text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE new_id int;
BEGIN
  INSERT INTO items VALUES ((SELECT max(id) + 1 FROM items), n, 9.99) RETURNING id INTO new_id;
  RETURN new_id;
END $$;
SELECT insert_returning('fig');
SELECT * FROM items WHERE name = 'fig';
CREATE FUNCTION no_destination() RETURNS int LANGUAGE plpgsql AS $$
BEGIN SELECT 1; RETURN 1; END $$;
SELECT no_destination(); -- error 42601
CREATE FUNCTION perform_found() RETURNS text LANGUAGE plpgsql AS $$
DECLARE a boolean; b boolean;
BEGIN
  PERFORM 1 FROM items WHERE id = 1;
  a := FOUND;
  PERFORM 1 FROM items WHERE id = -1;
  b := FOUND;
  RETURN a || '/' || b;
END $$;
SELECT perform_found();

-- EXECUTE
CREATE FUNCTION count_rows(tbl text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE c bigint;
BEGIN
  EXECUTE format('SELECT count(*) FROM %I', tbl) INTO c;
  RETURN c;
END $$;
SELECT count_rows('items');
SELECT count_rows('nope'); -- error 42P01
CREATE FUNCTION exec_using(i int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n text;
BEGIN
  EXECUTE 'SELECT name FROM items WHERE id = $1' INTO STRICT n USING i;
  RETURN n;
END $$;
SELECT exec_using(3);
SELECT exec_using(42); -- error P0002

-- RAISE and exceptions
DO $$ BEGIN RAISE NOTICE 'plain notice %, %', 1, 'two'; END $$; -- notices
DO $$ BEGIN RAISE WARNING 'careful: %%'; END $$; -- notices
DO $$ BEGIN RAISE INFO 'info here'; END $$;
DO $$ BEGIN RAISE EXCEPTION 'custom failure' USING DETAIL = 'some detail', HINT = 'a hint'; END $$; -- error P0001 message
DO $$ BEGIN RAISE SQLSTATE '22012'; END $$; -- error 22012
DO $$ BEGIN RAISE division_by_zero; END $$; -- error 22012 message
DO $$ BEGIN RAISE unique_violation USING MESSAGE = 'dup thing'; END $$; -- error 23505 message
DO $$ BEGIN RAISE 'too % params', 1, 2; END $$; -- error 42601
CREATE FUNCTION safe_div(a int, b int) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  RETURN (a / b)::text;
EXCEPTION
  WHEN division_by_zero THEN
    RETURN 'div by zero: ' || SQLSTATE || ' ' || SQLERRM;
END $$;
SELECT safe_div(6, 3), safe_div(1, 0);
CREATE TABLE log (msg text);
CREATE FUNCTION rollback_block() RETURNS text LANGUAGE plpgsql AS $$
DECLARE msg text; st text; det text;
BEGIN
  INSERT INTO log VALUES ('kept');
  BEGIN
    INSERT INTO log VALUES ('undone');
    INSERT INTO items VALUES (1, 'dup', 0);
  EXCEPTION WHEN unique_violation OR not_null_violation THEN
    GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, st = RETURNED_SQLSTATE;
    INSERT INTO log VALUES ('handled ' || st);
  END;
  RETURN msg;
END $$;
SELECT rollback_block();
SELECT msg FROM log ORDER BY msg;
CREATE FUNCTION reraise() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    PERFORM 1 / 0;
  EXCEPTION WHEN others THEN
    RAISE;
  END;
  RETURN 1;
END $$;
SELECT reraise(); -- error 22012
CREATE FUNCTION unhandled() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    PERFORM 1 / 0;
  EXCEPTION WHEN unique_violation THEN
    RETURN 0;
  END;
  RETURN 1;
END $$;
SELECT unhandled(); -- error 22012
CREATE FUNCTION class_catch() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO items VALUES (1, 'x', 1);
  RETURN 'no';
EXCEPTION WHEN integrity_constraint_violation THEN RETURN 'class caught';
END $$;
SELECT class_catch();
CREATE FUNCTION sqlstate_catch() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'mine' USING ERRCODE = 'P9999';
EXCEPTION WHEN SQLSTATE 'P9999' THEN RETURN 'got ' || SQLERRM;
END $$;
SELECT sqlstate_catch();
DO $$ BEGIN ASSERT 1 = 2, 'math broke'; END $$; -- error P0004 message
DO $$ BEGIN ASSERT 1 = 1; END $$;

-- missing RETURN, procedures, CALL
CREATE FUNCTION no_return() RETURNS int LANGUAGE plpgsql AS $$ BEGIN NULL; END $$;
SELECT no_return(); -- error 2F005 message
CREATE FUNCTION void_fn() RETURNS void LANGUAGE plpgsql AS $$ BEGIN INSERT INTO log VALUES ('void'); END $$;
SELECT void_fn();
CREATE PROCEDURE add_log(m text) LANGUAGE plpgsql AS $$ BEGIN INSERT INTO log VALUES (m); END $$;
CALL add_log('from call');
SELECT count(*) FROM log WHERE msg = 'from call';
CREATE PROCEDURE doubler(INOUT x int, INOUT y text DEFAULT 'd') LANGUAGE plpgsql AS $$
BEGIN x := x * 2; y := y || y; END $$;
CALL doubler(21);
CALL doubler(1, 'ab');
CALL no_such_proc(); -- error 42883
CALL add_one(1); -- error 42809
SELECT add_log('x'); -- error 42809
CREATE PROCEDURE sql_proc(v text) LANGUAGE sql AS $$ INSERT INTO log VALUES (v) $$;
CALL sql_proc('sql proc');
SELECT count(*) FROM log WHERE msg = 'sql proc';
CREATE PROCEDURE proc_with_returns() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$; -- error 42601
DO $$
DECLARE total int := 0;
BEGIN
  FOR i IN 1..10 LOOP total := total + i; END LOOP;
  INSERT INTO log VALUES ('do total ' || total);
END $$;
SELECT msg FROM log WHERE msg LIKE 'do %';
DO LANGUAGE plpgsql $$ BEGIN PERFORM 1; END $$;

-- syntax errors in bodies are found at CREATE
CREATE FUNCTION bad_syntax() RETURNS int LANGUAGE plpgsql AS $$ BEGIN IF 1 THEN RETURN 1; END; END $$; -- error 42601
CREATE FUNCTION bad_syntax2() RETURNS int LANGUAGE plpgsql AS $$ BEGIN x := ; END $$; -- error 42601
DO $$ BEGIN LOOP END $$; -- error 42601

-- recursion and overloads
CREATE FUNCTION fib(n int) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  IF n < 2 THEN RETURN n; END IF;
  RETURN fib(n - 1) + fib(n - 2);
END $$;
SELECT fib(15);
CREATE FUNCTION pick(a int) RETURNS text LANGUAGE sql AS $$ SELECT 'int' $$;
CREATE FUNCTION pick(a numeric) RETURNS text LANGUAGE sql AS $$ SELECT 'numeric' $$;
CREATE FUNCTION pick(a text) RETURNS text LANGUAGE sql AS $$ SELECT 'text' $$;
SELECT pick(1), pick(1.5), pick('x'), pick(2::bigint);
SELECT name, add_one(id) FROM items ORDER BY id;
SELECT id FROM items WHERE add_one(id) = 3;

-- DROP
DROP FUNCTION pick(numeric);
SELECT pick(1.5); -- error 42883
DROP FUNCTION pick; -- error 42725
DROP FUNCTION pick(int), pick(text);
DROP FUNCTION IF EXISTS pick(int); -- notices
DROP FUNCTION pick(int); -- error 42883 message
DROP FUNCTION nosuch(); -- error 42883 message
DROP PROCEDURE add_log(text);
DROP PROCEDURE add_one(int); -- error 42809
DROP FUNCTION evens(int) CASCADE;
SELECT * FROM evens(2); -- error 42883
DROP ROUTINE fib;

-- more shapes: rows in the select list, polymorphic and variadic arguments, %TYPE arguments
CREATE FUNCTION row_of(i int) RETURNS items LANGUAGE sql AS $$ SELECT * FROM items WHERE id = i $$;
SELECT row_of(2);
SELECT (row_of(2)).name;
CREATE FUNCTION first_of(a anyelement, b anyelement) RETURNS anyelement LANGUAGE sql AS $$ SELECT coalesce(a, b) $$;
SELECT first_of(NULL::int, 3), first_of('x'::text, 'y');
CREATE FUNCTION arr_len(a anyarray) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN coalesce(array_length(a, 1), 0); END $$;
SELECT arr_len(ARRAY[1, 2, 3]), arr_len(ARRAY['a']);
CREATE FUNCTION name_of(i items.id%TYPE) RETURNS items.name%TYPE LANGUAGE sql AS $$ SELECT name FROM items WHERE id = i $$; -- notices
SELECT name_of(1);
CREATE FUNCTION setof_record() RETURNS SETOF record LANGUAGE sql AS $$ SELECT id, name FROM items WHERE id < 3 $$;
SELECT * FROM setof_record() AS t(a int, b text);
CREATE FUNCTION sum_all(VARIADIC nums int[]) RETURNS int LANGUAGE sql AS $$ SELECT sum(n)::int FROM unnest(nums) n $$;
SELECT sum_all(1, 2, 3), sum_all(VARIADIC ARRAY[4, 5]);

-- functions in other statements
CREATE TABLE stamped (id int PRIMARY KEY, label text DEFAULT add_one('x'), n int CHECK (add_one(n) > 1));
INSERT INTO stamped (id, n) VALUES (1, 5);
INSERT INTO stamped (id, n) VALUES (2, -5); -- error 23514
SELECT * FROM stamped;
UPDATE stamped SET n = add_one(n) WHERE add_one(id) = 3;
SELECT n FROM stamped;
CREATE VIEW labelled AS SELECT id, add_one(id) AS next_id FROM items;
SELECT * FROM labelled ORDER BY id;
CREATE FUNCTION make_table(t text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TABLE %I (v int)', t);
  EXECUTE format('INSERT INTO %I VALUES (1), (2)', t);
END $$;
SELECT make_table('made_here');
SELECT sum(v) FROM made_here;
CREATE FUNCTION uses_path() RETURNS text LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN RETURN current_setting('search_path'); END $$;
SELECT uses_path(), current_setting('search_path');
CREATE FUNCTION found_after_for() RETURNS text LANGUAGE plpgsql AS $$
DECLARE r record; a boolean; b boolean;
BEGIN
  FOR r IN SELECT 1 WHERE false LOOP END LOOP;
  a := FOUND;
  FOR r IN SELECT 1 LOOP END LOOP;
  b := FOUND;
  RETURN a || ',' || b;
END $$;
SELECT found_after_for();
CREATE FUNCTION nested_handlers() RETURNS text LANGUAGE plpgsql AS $$
DECLARE out text := '';
BEGIN
  BEGIN
    BEGIN
      RAISE EXCEPTION 'inner' USING ERRCODE = 'P0011';
    EXCEPTION WHEN SQLSTATE 'P0012' THEN out := out || 'wrong';
    END;
  EXCEPTION WHEN others THEN out := out || 'outer caught ' || SQLSTATE || ' ' || SQLERRM;
  END;
  RETURN out;
END $$;
SELECT nested_handlers();
CREATE FUNCTION exit_outside() RETURNS int LANGUAGE plpgsql AS $$ BEGIN EXIT; RETURN 1; END $$; -- error 42601
CREATE FUNCTION record_fields() RETURNS text LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  SELECT 1 AS a, 'two' AS b INTO r;
  RETURN r.a || r.b;
END $$;
SELECT record_fields();
CREATE FUNCTION unassigned_record() RETURNS text LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN RETURN r.a; END $$;
SELECT unassigned_record(); -- error 55000
CREATE FUNCTION missing_field() RETURNS text LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN SELECT 1 AS a INTO r; RETURN r.zz; END $$;
SELECT missing_field(); -- error 42703
CREATE FUNCTION secdef() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$;
SELECT prosecdef FROM pg_proc WHERE proname = 'secdef';
CREATE FUNCTION while_found() RETURNS int LANGUAGE plpgsql AS $$
DECLARE n int := 0;
BEGIN
  UPDATE items SET price = price WHERE id = 1;
  WHILE FOUND AND n < 3 LOOP n := n + 1; END LOOP;
  RETURN n;
END $$;
SELECT while_found();

-- transaction control in procedures and DO blocks run by themselves
CREATE TABLE batch (x int);
CREATE PROCEDURE batches() LANGUAGE plpgsql AS $$
BEGIN
  FOR i IN 1..4 LOOP
    INSERT INTO batch VALUES (i);
    IF i % 2 = 0 THEN COMMIT; ELSE ROLLBACK; END IF;
  END LOOP;
  INSERT INTO batch VALUES (100);
END $$;
CALL batches();
SELECT x FROM batch ORDER BY x;
BEGIN;
CALL batches(); -- error 2D000 message
ROLLBACK;
DO $$ BEGIN INSERT INTO batch VALUES (7); COMMIT; INSERT INTO batch VALUES (8); ROLLBACK; END $$;
SELECT x FROM batch ORDER BY x;
CREATE FUNCTION calls_batches() RETURNS int LANGUAGE plpgsql AS $$ BEGIN CALL batches(); RETURN 1; END $$;
SELECT calls_batches(); -- error 2D000
CREATE PROCEDURE commit_in_handler_block() LANGUAGE plpgsql AS $$
BEGIN BEGIN COMMIT; EXCEPTION WHEN others THEN RAISE; END; END $$;
CALL commit_in_handler_block(); -- error 2D000 message
CREATE PROCEDURE outer_proc() LANGUAGE plpgsql AS $$ BEGIN INSERT INTO batch VALUES (50); CALL batches(); END $$;
DELETE FROM batch;
CALL outer_proc();
SELECT x FROM batch ORDER BY x;

-- a name that is both a variable and a column
CREATE FUNCTION ambiguous() RETURNS TABLE(id int, name text) LANGUAGE plpgsql AS $$
BEGIN RETURN QUERY SELECT id, name FROM items ORDER BY id; END $$;
SELECT * FROM ambiguous(); -- error 42702 message
CREATE FUNCTION qualified() RETURNS TABLE(id int, name text) LANGUAGE plpgsql AS $$
BEGIN RETURN QUERY SELECT i.id, i.name FROM items i WHERE i.id < 3 ORDER BY i.id; END $$;
SELECT * FROM qualified();
CREATE FUNCTION prefer_column() RETURNS TABLE(id int, name text) LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN RETURN QUERY SELECT id, name FROM items WHERE id < 3 ORDER BY id; END $$;
SELECT * FROM prefer_column();
CREATE FUNCTION prefer_variable(id int) RETURNS text LANGUAGE plpgsql AS $$
#variable_conflict use_variable
DECLARE n text;
BEGIN SELECT name INTO n FROM items WHERE items.id = id; RETURN n; END $$;
SELECT prefer_variable(2);
CREATE FUNCTION param_vs_column(id int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE n text;
BEGIN SELECT name INTO n FROM items WHERE items.id = id; RETURN n; END $$;
SELECT param_vs_column(2); -- error 42702
CREATE FUNCTION insert_values(name text) RETURNS int LANGUAGE plpgsql AS $$
BEGIN INSERT INTO log VALUES (name); RETURN 1; END $$;
SELECT insert_values('by value');

-- a row variable expanded with .*
CREATE TABLE items_copy (LIKE items);
DO $$
DECLARE r items%ROWTYPE;
BEGIN
  FOR r IN SELECT * FROM items WHERE id < 3 ORDER BY id LOOP
    r.price := coalesce(r.price, 0) * 2;
    INSERT INTO items_copy VALUES (r.*);
  END LOOP;
  SELECT * INTO r FROM items WHERE id = 3;
  INSERT INTO items_copy SELECT r.*;
END $$;
SELECT * FROM items_copy ORDER BY id;
CREATE FUNCTION row_compare(a int, b int) RETURNS text LANGUAGE plpgsql AS $$
DECLARE r items%ROWTYPE; q items%ROWTYPE; s text := 'hello';
BEGIN
  SELECT * INTO r FROM items WHERE id = a;
  SELECT * INTO q FROM items WHERE id = b;
  RETURN (r IS NULL) || ' ' || (r IS DISTINCT FROM q) || ' ' || substring(s FROM 2 FOR 3) || ' ' ||
         extract(year FROM date '2024-05-06');
END $$;
SELECT row_compare(1, 1), row_compare(1, 2), row_compare(99, 1);

-- functions in a schema that is dropped
CREATE SCHEMA fns;
CREATE FUNCTION fns.inside() RETURNS int LANGUAGE sql AS 'SELECT 7';
SELECT fns.inside();
DROP SCHEMA fns; -- error 2BP01
DROP SCHEMA fns CASCADE;
SELECT count(*) FROM pg_proc WHERE proname = 'inside';
CREATE FUNCTION execute_found() RETURNS text LANGUAGE plpgsql AS $$
DECLARE n int; f1 boolean; f2 boolean;
BEGIN
  PERFORM 1 WHERE false;
  EXECUTE 'UPDATE items SET price = price WHERE id = 1';
  f1 := FOUND;
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM 1;
  EXECUTE 'SELECT 1 WHERE false' INTO n;
  f2 := FOUND;
  RETURN f1 || ' ' || f2 || ' ' || coalesce(n::text, 'null');
END $$;
SELECT execute_found();

-- RETURN forms and RAISE parameter counts checked at CREATE
CREATE FUNCTION ret_with_out(IN i int, OUT j int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN i + 1; END $$; -- error 42804 message
CREATE FUNCTION ret_in_void() RETURNS void LANGUAGE plpgsql AS $$ BEGIN RETURN 5; END $$; -- error 42804 message
CREATE FUNCTION ret_missing() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN; END $$; -- error 42601
CREATE FUNCTION ret_next_scalar() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN NEXT 1; END $$; -- error 42804 message
CREATE FUNCTION ret_query_scalar() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN QUERY SELECT 1; END $$; -- error 42804 message
CREATE PROCEDURE ret_in_proc() LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$; -- error 42601 message
CREATE FUNCTION raise_many() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'none', 1; RETURN 1; END $$; -- error 42601 message
CREATE FUNCTION raise_few() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE '% %', 1; RETURN 1; END $$; -- error 42601 message
CREATE FUNCTION out_set(IN i int, OUT j int) RETURNS SETOF int LANGUAGE plpgsql AS $$
BEGIN j := i + 1; RETURN NEXT; j := i + 2; RETURN NEXT; RETURN; END $$;
SELECT * FROM out_set(42);
CREATE FUNCTION out_record_set(IN i int, OUT j int, OUT k text) RETURNS SETOF record LANGUAGE plpgsql AS $$
BEGIN j := i + 1; k := 'foo'; RETURN NEXT; j := j + 1; k := 'foot'; RETURN NEXT; END $$;
SELECT * FROM out_record_set(42);
CREATE FUNCTION trap_zero_divide(int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE x int; sx smallint;
BEGIN
  BEGIN
    x := 100 / $1;
    sx := $1;
    IF $1 < 0 THEN RAISE EXCEPTION '% is less than zero', $1; END IF;
  EXCEPTION
    WHEN division_by_zero THEN x := -1;
    WHEN NUMERIC_VALUE_OUT_OF_RANGE THEN x := -2;
  END;
  RETURN x;
END $$;
SELECT trap_zero_divide(50), trap_zero_divide(0), trap_zero_divide(100000);
SELECT trap_zero_divide(-100); -- error P0001 message
CREATE TABLE foo2 (f1 int, f2 int);
CREATE FUNCTION returning_two() RETURNS void LANGUAGE plpgsql AS $$
DECLARE x record;
BEGIN INSERT INTO foo2 VALUES (7, 8), (9, 10) RETURNING * INTO x; END $$;
SELECT returning_two(); -- error P0003 message
CREATE FUNCTION into_at_end() RETURNS int LANGUAGE plpgsql AS $$
DECLARE x record;
BEGIN INSERT INTO foo2 VALUES (3, 4); SELECT * FROM foo2 WHERE f1 = 3 INTO STRICT x; RETURN x.f2; END $$;
SELECT into_at_end();
CREATE FUNCTION positional_out(OUT int, OUT int) RETURNS SETOF record LANGUAGE plpgsql AS $$
BEGIN
  $1 := -1;
  $2 := -2;
  RETURN NEXT;
  RETURN QUERY SELECT x + 1, x * 10 FROM generate_series(0, 2) s (x);
END $$;
SELECT * FROM positional_out();
CREATE FUNCTION qual_names(param1 int) RETURNS text LANGUAGE plpgsql AS $$
<<outerblock>>
DECLARE param1 int := 1;
BEGIN
  <<innerblock>>
  DECLARE param1 int := 2;
  BEGIN
    RETURN param1 || ' ' || qual_names.param1 || ' ' || outerblock.param1 || ' ' || innerblock.param1;
  END;
END $$;
SELECT qual_names(42);
CREATE FUNCTION raise_exprs() RETURNS void LANGUAGE plpgsql AS $$
DECLARE a integer[] = '{10,20,30}'; c varchar = 'xyz'; i integer;
BEGIN
  i := 2;
  RAISE NOTICE '%; %; %; %; %', a, a[i], c, (SELECT c || 'abc'), NULL;
END $$;
SELECT raise_exprs(); -- notices
CREATE FUNCTION exc_using(int, text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE i int; s int := 0;
BEGIN
  FOR i IN EXECUTE 'SELECT * FROM generate_series(1, $1)' USING $1 + 1 LOOP s := s + i; END LOOP;
  EXECUTE 'SELECT $2 + $2 * 3 + length($1)' INTO i USING $2, $1;
  RETURN i * 100 + s;
END $$;
SELECT exc_using(5, 'foobar');

-- cursors inside PL/pgSQL
CREATE TABLE rc_test (a int, b int);
INSERT INTO rc_test VALUES (5, 10), (50, 100), (500, 1000);
CREATE FUNCTION cursor_bound(int, int) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  c1 CURSOR (param1 int, param2 int) FOR SELECT * FROM rc_test WHERE a > param1 AND b > param2 ORDER BY a;
  nonsense record;
BEGIN
  OPEN c1($1, $2);
  FETCH c1 INTO nonsense;
  CLOSE c1;
  RETURN FOUND;
END $$;
SELECT cursor_bound(20000, 20000), cursor_bound(20, 20);
CREATE FUNCTION cursor_scroll() RETURNS SETOF int LANGUAGE plpgsql AS $$
DECLARE c SCROLL CURSOR FOR SELECT a FROM rc_test ORDER BY a; x int;
BEGIN
  OPEN c;
  FETCH LAST FROM c INTO x;
  WHILE FOUND LOOP
    RETURN NEXT x;
    FETCH PRIOR FROM c INTO x;
  END LOOP;
  CLOSE c;
END $$;
SELECT * FROM cursor_scroll();
CREATE FUNCTION cursor_unbound() RETURNS text LANGUAGE plpgsql AS $$
DECLARE c refcursor; x int; out text := '';
BEGIN
  OPEN c FOR EXECUTE 'SELECT a FROM rc_test WHERE a > $1 ORDER BY a' USING 6;
  LOOP
    FETCH c INTO x;
    EXIT WHEN NOT FOUND;
    out := out || x || ',';
  END LOOP;
  CLOSE c;
  OPEN c FOR SELECT b FROM rc_test ORDER BY b DESC;
  MOVE FORWARD 1 FROM c;
  FETCH c INTO x;
  CLOSE c;
  RETURN out || x;
END $$;
SELECT cursor_unbound();
CREATE FUNCTION cursor_for_loop() RETURNS int LANGUAGE plpgsql AS $$
DECLARE c CURSOR (lim int) FOR SELECT a FROM rc_test WHERE a < lim; s int := 0;
BEGIN
  FOR r IN c(100) LOOP s := s + r.a; END LOOP;
  RETURN s;
END $$;
SELECT cursor_for_loop();
CREATE FUNCTION cursor_not_open() RETURNS int LANGUAGE plpgsql AS $$
DECLARE c CURSOR FOR SELECT 1; x int;
BEGIN FETCH c INTO x; RETURN x; END $$;
SELECT cursor_not_open(); -- error 34000
CREATE FUNCTION cursor_twice() RETURNS int LANGUAGE plpgsql AS $$
DECLARE c CURSOR FOR SELECT 1;
BEGIN OPEN c; OPEN c; RETURN 1; END $$;
SELECT cursor_twice(); -- error 42P03

-- what CREATE OR REPLACE may not change
CREATE FUNCTION repl(a int, b int DEFAULT 1, OUT x int, OUT y int) LANGUAGE sql AS 'SELECT a, b';
CREATE OR REPLACE FUNCTION repl(a int, b int DEFAULT 1, OUT x int, OUT z int) LANGUAGE sql AS 'SELECT a, b'; -- error 42P13 message
CREATE OR REPLACE FUNCTION repl(c int, b int DEFAULT 1, OUT x int, OUT y int) LANGUAGE sql AS 'SELECT c, b'; -- error 42P13 message
CREATE OR REPLACE FUNCTION repl(a int, b int, OUT x int, OUT y int) LANGUAGE sql AS 'SELECT a, b'; -- error 42P13 message
CREATE OR REPLACE FUNCTION repl(a int, b int DEFAULT 2, OUT x int, OUT y int) LANGUAGE sql AS 'SELECT a, b * 10';
SELECT * FROM repl(1);
CREATE FUNCTION null_default(a int DEFAULT NULL, b text DEFAULT NULL) RETURNS int LANGUAGE sql AS 'SELECT a';
SELECT pg_get_function_arguments('null_default'::regproc), null_default();
SELECT pg_get_function_arguments('doubler'::regproc), pg_get_function_identity_arguments('doubler'::regproc);
