-- Where PostgreSQL's own regression SQL showed orbitdb differing (issue 14): edge values that used
-- to escape as Python exceptions, planner settings, RENAME CONSTRAINT, "char", TimeZone offsets,
-- DateStyle/IntervalStyle in casts to text, ORDER BY ... USING, pgcrypto and uuid-ossp.

-- numeric and float edge values
SELECT 'infinity'::numeric - 'infinity'::numeric, 'infinity'::numeric * 0, div('infinity'::numeric, '-infinity'::numeric);
SELECT 'infinity'::numeric % 2, 7::numeric % 'infinity'::numeric;
SELECT power(-1::numeric, 'infinity'::numeric), power(-2::numeric, 'infinity'::numeric), power(-0.5::numeric, '-infinity'::numeric);
SELECT power(-1::numeric, 0.5); -- error 2201F
SELECT power(0::numeric, -1::numeric); -- error 2201F
SELECT ln(0::numeric); -- error 2201E
SELECT power(float8 '-1', float8 'inf'), power(float8 '-1', float8 '-inf'), power(float8 '-2', float8 'inf');
SELECT sum(x), avg(x) FROM (VALUES ('infinity'::numeric), ('-infinity'::numeric)) v(x);
SELECT '1e100'::jsonb, '[1e100, 1.50]'::jsonb;
SELECT d, count(*) OVER (ORDER BY d RANGE BETWEEN INTERVAL '1 day' PRECEDING AND INTERVAL '1 day' FOLLOWING) FROM (VALUES (date '2024-01-01'), (date '2024-01-02'), (date '2024-01-04')) v(d) ORDER BY d;
SELECT jsonb_set('{}'::jsonb, '{{1,2},{3,4}}', '1'); -- error 2202E
SELECT '{"a": 1}'::jsonb #- '{{a}}'; -- error 2202E
SELECT '{"a": 1}'::jsonb #> '{{a}}', '{"a": 1}'::jsonb #>> '{{a}}';
SELECT pg_size_pretty('infinity'::numeric), pg_size_pretty('nan'::numeric), pg_size_pretty(-1e30::numeric);

-- planner settings
SET enable_sort = off;
SHOW enable_sort;
RESET enable_sort;
SHOW enable_sort;
SET enable_hashagg TO false;
SHOW enable_hashagg;
SET random_page_cost = 2.50;
SHOW random_page_cost;
SHOW cpu_tuple_cost;
SET cpu_tuple_cost = 'abc'; -- error 22023
SET geqo_effort = 11; -- error 22023
SET enable_seqscan = maybe; -- error 22023
SET plan_cache_mode = force_custom_plan;
SHOW plan_cache_mode;
RESET ALL;
SHOW plan_cache_mode;

-- ALTER TABLE ... RENAME CONSTRAINT
CREATE TABLE rc (a int CONSTRAINT rc_pos CHECK (a > 0), b int CONSTRAINT rc_pk PRIMARY KEY, c int UNIQUE);
ALTER TABLE rc RENAME CONSTRAINT nosuch TO x; -- error 42704
ALTER TABLE rc RENAME CONSTRAINT rc_pos TO rc_c_key; -- error 42710
ALTER TABLE rc RENAME CONSTRAINT rc_pk TO rc_primary;
ALTER TABLE rc RENAME CONSTRAINT rc_pos TO "Rc Pos";
SELECT conname, contype FROM pg_constraint WHERE conrelid = 'rc'::regclass ORDER BY 1;
SELECT relname FROM pg_class WHERE relname LIKE 'rc%' ORDER BY 1;
INSERT INTO rc VALUES (-1, 1, 1); -- error 23514 message
INSERT INTO rc VALUES (1, 1, 1);
INSERT INTO rc VALUES (2, 1, 2); -- error 23505 message

-- "char"
SELECT 'abc'::"char", ''::"char", length('abc'::"char"), 65::"char", 'A'::"char"::int, (-3)::"char";
SELECT 300::"char"; -- error 22003
CREATE TABLE ch (c "char");
INSERT INTO ch VALUES ('xyz'), (''), (NULL), ('b');
SELECT c, c::text, length(c) FROM ch ORDER BY 1;

-- TimeZone offsets and output styles in casts to text
CREATE TABLE stamps (id int, ts timestamptz);
INSERT INTO stamps VALUES (1, '2024-01-01 12:00+00');
SET timezone = '+05:30';
SHOW timezone;
SELECT ts::text FROM stamps;
SET TIME ZONE INTERVAL '+02:00' HOUR TO MINUTE;
SHOW timezone;
SELECT ts::text FROM stamps;
SET TIME ZONE INTERVAL '1 day'; -- error 22023
SET timezone = '00:00';
SHOW timezone;
SELECT ts::text FROM stamps;
RESET timezone;
SET datestyle = 'SQL, DMY';
SELECT '2024-03-04'::date::text, '2024-03-04 05:06:07'::timestamp::text, ts::text FROM stamps;
SET datestyle = 'German';
SELECT '2024-03-04'::date::text;
SET datestyle = 'Postgres, MDY';
SELECT '2024-03-04 05:06:07'::timestamp::text;
RESET datestyle;
SET intervalstyle = postgres_verbose;
SELECT INTERVAL '1 day 2 hours -3 minutes'::text;
SET intervalstyle = iso_8601;
SELECT INTERVAL '1 year 2 mons 3 days 04:05:06.5'::text;
RESET intervalstyle;

-- ORDER BY ... USING
SELECT x FROM (VALUES (2), (1), (3)) v(x) ORDER BY x USING >;
SELECT x FROM (VALUES (2), (1), (NULL)) v(x) ORDER BY x USING >;
SELECT array_agg(x ORDER BY x USING >) FROM (VALUES (1), (2), (3)) v(x);
SELECT x FROM (VALUES (2), (1)) v(x) ORDER BY x USING =; -- error 42809

-- two-argument row_to_json / array_to_json
SELECT array_to_json(ARRAY[1, 2], true), row_to_json(ROW(1, 'a'), false);

-- extensions
CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION pgcrypto; -- error 42710
CREATE EXTENSION "uuid-ossp";
CREATE EXTENSION IF NOT EXISTS plpgsql; -- notices
SELECT extname, extversion FROM pg_extension ORDER BY 1;
SELECT digest('abc', 'sha256'), hmac('data', 'key', 'sha1'), digest('abc', 'nosuch') IS NULL; -- error 22023
SELECT digest('abc', 'sha256'), hmac('data', 'key', 'sha1');
SELECT crypt('password', '$2a$04$abcdefghijklmnopqrstuu'), crypt('password', '$1$saltsalt');
SELECT crypt('pw', '$2a$06$abc'); -- error 22023
SELECT gen_salt('bf', 3); -- error 22023
SELECT crypt('secret', s) = crypt('secret', crypt('secret', s)) FROM (SELECT gen_salt('bf', 4) AS s) x;
SELECT length(gen_random_bytes(8));
SELECT gen_random_bytes(0); -- error 39000
SELECT uuid_generate_v3(uuid_ns_dns(), 'www.example.com'), uuid_generate_v5(uuid_ns_url(), 'http://x'), uuid_nil();
DROP EXTENSION "uuid-ossp", nosuch; -- error 42704
DROP EXTENSION IF EXISTS "uuid-ossp", nosuch;
SELECT extname FROM pg_extension ORDER BY 1;

-- json[b]_to_record[set] with a column definition list
SELECT * FROM jsonb_to_record('{"a": 1, "b": "x", "c": [1]}') AS r(a int, b text);
SELECT * FROM json_to_recordset('[{"a": 1}, {"a": 2, "b": "y"}]') AS r(a int, b text) ORDER BY a;
SELECT * FROM jsonb_to_record('{"a": [1, 2], "b": {"c": 1}, "d": true, "e": 1.5, "f": null}') AS r(a int[], b text, d bool, e numeric, f text, g int, h jsonb);
SELECT * FROM jsonb_to_record('[1]') AS r(a int); -- error 22023
SELECT * FROM jsonb_to_recordset('[1]') AS r(a int); -- error 22023
SELECT * FROM jsonb_to_record('{"a": "x"}') AS r(a int); -- error 22P02

-- jsonpath: filters, predicates, @? and @@
SELECT jsonb_path_query_array('{"a": [1, 2, 3, 4]}'::jsonb, '$.a[*] ? (@ > 2)'), '{"a": 5}'::jsonb @? '$.a ? (@ > 3)', '{"a": 5}'::jsonb @@ '$.a > 6';
SELECT jsonb_path_query('{"a": [{"b": 1}, {"b": 2}]}', '$.a[*] ? (@.b == 2)');
SELECT jsonb_path_query_array('{"a": [1, 2, 3, 4, 5]}', '$.a[1 to last]'), jsonb_path_query_first('{"a": 2}', '$.a * 3 + 1');
SELECT jsonb_path_match('{"a": 1}', '$.a'); -- error 22038
SELECT jsonb_path_query('{"a": 1}', 'strict $.b'); -- error 2203A
SELECT jsonb_path_query_array('{"a": [1, 2, 3]}', '$.a[*] ? (@ >= $min && @ <= $max)', '{"min": 2, "max": 3}');

-- numeric(p, -s)
SELECT 123.456::numeric(5,-2), 12345678::numeric(5,-3), CAST(149 AS numeric(2,-2));
CREATE TABLE nt (a numeric(3,-1), c decimal(2,-3));
INSERT INTO nt VALUES (1234, 1500);
INSERT INTO nt VALUES (12345, 0); -- error 22003
SELECT a, c, format_type(pg_typeof(a), NULL) FROM nt;
SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'nt'::regclass AND attnum > 0 ORDER BY attnum;

-- x op ANY / ALL forms
SELECT 2 = ANY('{1,2}'::int[]), 3 = ALL(ARRAY[1, 2]), 1 = ANY(SELECT 1), 1 < ALL(VALUES (2), (3)), 2 = ANY(VALUES (1), (2));
SELECT 1 = ANY(VALUES (1, 2)); -- error 42601
