-- Types and casts: literals, :: and CAST with PostgreSQL's rules, typmods and errors.

-- Literals and their types
SELECT 1, -1, 2147483647, 2147483648, 9223372036854775807;
SELECT 9223372036854775808;
SELECT 1.5, -0.25, 1e3, 1.5e-3, .5, 5.;
SELECT 'hello', 'it''s', E'a\tb', '', 'naïve ☃';
SELECT TRUE, FALSE, NULL;
SELECT NULL::int, NULL::text, NULL::boolean;
SELECT 1 AS one, 'x' AS "Mixed Case", 2 two;

-- Integer casts and ranges
SELECT 1::smallint, 1::int2, 1::integer, 1::int4, 1::bigint, 1::int8;
SELECT CAST(42 AS smallint), CAST(42 AS integer), CAST(42 AS bigint), CAST('7' AS int);
SELECT 32767::smallint, (-32768)::smallint;
SELECT 32768::smallint; -- error 22003
SELECT -32768::smallint; -- error 22003
SELECT 2147483647::int, (-2147483648)::int;
SELECT 2147483648::int; -- error 22003
SELECT 9223372036854775807::bigint;
SELECT 9223372036854775808::bigint; -- error 22003
SELECT '123'::int, ' 42 '::int, '-7'::bigint, '+5'::smallint;
SELECT 'abc'::int; -- error 22P02
SELECT '1.5'::int; -- error 22P02
SELECT ''::int; -- error 22P02
SELECT '99999999999'::int; -- error 22003
SELECT 1.5::int, 2.5::int, -1.5::int, 0.5::int, 0.49::int;
SELECT 1.5::float8::int, 2.5::float8::int, 3.5::float8::int, (-2.5)::float8::int;
SELECT 3.7::bigint, (-3.7)::smallint, 1e3::int;
SELECT 'NaN'::float8::int; -- error 22003
SELECT 1e10::float8::int; -- error 22003

-- Numeric
SELECT 1::numeric, 1.50::numeric, '1.50'::numeric, '  2.5  '::numeric;
SELECT 123.456::numeric(5,2), 123.455::numeric(5,2), (-123.455)::numeric(5,2);
SELECT 1234.5::numeric(5,2); -- error 22003
SELECT 0.001::numeric(5,2), 0.005::numeric(5,2);
SELECT 12345::numeric(5,0), 12345.4::numeric(5), CAST(2.345 AS decimal(4,2));
SELECT 'NaN'::numeric, '-0.000'::numeric, '1e5'::numeric, '1.2e-3'::numeric;
SELECT 'abc'::numeric; -- error 22P02
SELECT 1.10 + 2.205, 1.10 * 2.205, 10.0 - 0.001;
SELECT 12345678901234567890.123456789 * 10;

-- Floating point
SELECT 1.5::real, 1.5::float4, 1.5::double precision, 1.5::float8, 1.5::float;
SELECT 0.1::real, 0.1::float8, 0.1::real::float8;
SELECT 'NaN'::float8, 'Infinity'::float8, '-Infinity'::float8, 'inf'::real;
SELECT '1e308'::float8 * 10; -- error 22003
SELECT 'abc'::float8; -- error 22P02
SELECT 1e39::real; -- error 22003
SELECT 1::float8 / 3, 2::real / 3;
SELECT 0.1::float8 + 0.2::float8, 1e-320::float8;
SELECT 123456789.123::real;

-- Booleans
SELECT true::int, false::int, 1::boolean, 0::boolean, 2::boolean;
SELECT 't'::boolean, 'yes'::boolean, 'off'::boolean, 'FALSE'::boolean, '1'::boolean, ' true '::boolean;
SELECT 'maybe'::boolean; -- error 22P02
SELECT 1.0::boolean; -- error 42846
SELECT true::text, false::varchar, 'on'::boolean::text;

-- Text, varchar, char
SELECT true::text, 42::text, 1.50::text, 'x'::text, 2.5::float8::text;
SELECT 'abc'::varchar(2), 'abc'::varchar(10), 'abc'::varchar, 'abc'::character varying(3);
SELECT 'abc'::char(5), 'abc'::char(2), 'abc'::character(1), 'a'::char;
SELECT 'ab'::char(4) || 'x', 'ab'::varchar(4) || 'x';
SELECT length('ab  '::char(4)), octet_length('ab'::char(4)), length('ab  '::varchar(4));
SELECT 'ab'::char(4) = 'ab'::char(4), 'ab  '::char(4) = 'ab'::char(2);
SELECT CAST('hello world' AS varchar(5)) AS v;

-- bytea
SELECT '\x414243'::bytea, 'abc'::bytea, '\x'::bytea, E'\\x00ff'::bytea;
SELECT 'abc'::bytea::text, '\x00ff'::bytea::text;
SELECT '\xzz'::bytea; -- error 22023
SELECT length('\x0001ff'::bytea), '\x01'::bytea || '\x02'::bytea;

-- Date and time types
SELECT '2024-02-29'::date, DATE '2023-01-15', '20240131'::date, 'Jan 5 2024'::date;
SELECT '2023-02-29'::date; -- error 22008
SELECT 'not a date'::date; -- error 22007
SELECT '13:45:10'::time, TIME '23:59:59.999999', '01:02'::time, '1:02 pm'::time;
SELECT '25:00'::time; -- error 22008
SELECT '2024-03-01 12:34:56'::timestamp, TIMESTAMP '2024-03-01 12:34:56.789';
SELECT '2024-03-01 12:34:56+02'::timestamptz, TIMESTAMPTZ '2024-03-01 00:00:00-05';
SELECT '2024-03-01 12:34:56+02'::timestamp, '2024-03-01T08:00:00Z'::timestamptz;
SELECT '2024-03-01'::timestamp, '2024-03-01'::timestamptz;
SELECT '2024-03-01 10:00:00'::timestamp::date, '2024-03-01 10:00:00.5'::timestamp::time;
SELECT '2024-03-01'::date::timestamp, '2024-03-01'::date::timestamptz;
SELECT '2024-03-01 23:30:00-05'::timestamptz::date, '2024-03-01 23:30:00'::timestamp::timestamptz;
SELECT '2024-03-01 10:00:00.123456789'::timestamp;
SELECT '2024-03-01 10:00:00.5'::timestamp(0), '10:00:00.126'::time(2);
SELECT '2024-03-01 25:00:00'::timestamp; -- error 22008

-- Intervals
SELECT '1 day'::interval, '2 hours 30 minutes'::interval, INTERVAL '90 seconds';
SELECT '1 year 2 months 3 days 04:05:06'::interval::text;
SELECT '90 minutes'::interval::text, '-1 day'::interval::text, '1.5 hours'::interval::text;
SELECT 'P1Y2M3DT4H5M6S'::interval::text, '1 week'::interval::text, '36 hours'::interval::text;
SELECT '1 day -2 hours'::interval::text, '-1 year -2 mons'::interval::text;
SELECT 'abc'::interval; -- error 22007
SELECT INTERVAL '3 days' = INTERVAL '72 hours', INTERVAL '1 month' = INTERVAL '30 days';

-- uuid
SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, 'A0EEBC999C0B4EF8BB6D6BB9BD380A11'::uuid;
SELECT '{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}'::uuid::text;
SELECT 'a0eebc99'::uuid; -- error 22P02
SELECT 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid = 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid;

-- json and jsonb
SELECT '{"a": 1, "b": [1, 2]}'::json, '{"b": 2, "a": 1}'::jsonb;
SELECT '{"b": 2, "a": 1, "a": 3}'::jsonb::text, '{"b": 2, "a": 1, "a": 3}'::json::text;
SELECT '[1, "two", null, true, 2.50]'::jsonb, '"str"'::jsonb, '42'::json, 'null'::jsonb;
SELECT '{bad json'::json; -- error 22P02
SELECT '{"a":1}'::jsonb = '{ "a" : 1 }'::jsonb;

-- Arrays
SELECT '{1,2,3}'::int[], ARRAY[1,2,3], ARRAY['a','b'], '{}'::text[];
SELECT '{1,x}'::int[]; -- error 22P02
SELECT ARRAY[1,2]::text[], ARRAY['1','2']::int[], ARRAY[1.5, 2]::numeric[];
SELECT ARRAY[1, 'a']; -- error 22P02
SELECT '{{1,2},{3,4}}'::int[], ARRAY[[1,2],[3,4]];
SELECT '{"a b", NULL, "c,d"}'::text[];

-- Implicit type resolution in expressions
SELECT 1 + 1.5, 1 + 1::bigint, 1::smallint + 1::smallint, 2::int2 * 3::int8;
SELECT 1 + 1.5::float8, 1.5 + 1.5::real, 1::numeric + 1::float8, 2::real * 2::float8;
SELECT '1' + 1, 1 + '2', '3'::text::int + 1;
SELECT '1.5' + 1; -- error 22P02
SELECT 'a' || 1, 1 || 'a', 'a' || 1.5 || true;
SELECT 1 || 2; -- error 42883
SELECT 'abc'::text + 1; -- error 42883
SELECT 1 = '1', 1 = 1.0, 1::bigint = 1::smallint, 1.0::float8 = 1;
SELECT 1 = 'a'; -- error 22P02
SELECT 1 = 'a'::text; -- error 42883
SELECT 10 / 4, 10 / 4.0, 10::float8 / 4, -7 / 2, -7 % 3, 7 % -3;
SELECT 2 ^ 10, 2.0 ^ 0.5, 9 ^ 0.5;
SELECT pg_typeof(1)::text, pg_typeof(1.5)::text, pg_typeof('a'::text)::text, pg_typeof(2 ^ 10)::text;
SELECT pg_typeof(1::smallint + 1::smallint)::text, pg_typeof(1 + 1::bigint)::text, pg_typeof(1 + 1.0)::text;

-- Values stored in typed columns (assignment casts)
CREATE TABLE typed (
    id int PRIMARY KEY, s smallint, i integer, b bigint, n numeric(10,2), r real, d double precision,
    f boolean, t text, v varchar(5), c char(3), by bytea, dt date, tm time, ts timestamp,
    tz timestamptz, iv interval, u uuid, j json, jb jsonb, ai int[], at text[]
);
INSERT INTO typed VALUES (1, 1, 2, 3, 4.5, 1.25, 2.5, true, 'text', 'abc', 'x', '\x00ff', '2024-01-02',
    '03:04:05', '2024-01-02 03:04:05', '2024-01-02 03:04:05+00', '1 day 2 hours',
    'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"k": [1, 2]}', '{"k": {"z": 1}}', '{1,2,3}', '{a,b}');
INSERT INTO typed (id) VALUES (2);
SELECT * FROM typed ORDER BY id;
INSERT INTO typed (id, v) VALUES (3, 'toolong'); -- error 22001
INSERT INTO typed (id, v) VALUES (3, 'abc    ');
INSERT INTO typed (id, c) VALUES (4, 'abcd'); -- error 22001
INSERT INTO typed (id, n) VALUES (5, 123456789.999); -- error 22003
INSERT INTO typed (id, n) VALUES (5, 12345678.994);
INSERT INTO typed (id, s) VALUES (6, 40000); -- error 22003
INSERT INTO typed (id, s) VALUES (6, '12');
INSERT INTO typed (id, i) VALUES (7, 2.5);
INSERT INTO typed (id, i) VALUES (8, '2.5'); -- error 22P02
INSERT INTO typed (id, f) VALUES (9, 'yes');
INSERT INTO typed (id, f) VALUES (10, 1); -- error 42804
INSERT INTO typed (id, t) VALUES (11, 42);
INSERT INTO typed (id, dt) VALUES (12, '2024-13-01'); -- error 22008
INSERT INTO typed (id, dt) VALUES (12, 20240101); -- error 42804
INSERT INTO typed (id, ts) VALUES (13, '2024-01-01'::date);
INSERT INTO typed (id, u) VALUES (14, 'not-a-uuid'); -- error 22P02
INSERT INTO typed (id, ai) VALUES (15, ARRAY[1.7, 2.2]);
INSERT INTO typed (id, jb) VALUES (16, '{"a":'); -- error 22P02
INSERT INTO typed (id, c, v) VALUES (17, 'ab', 'ab');
SELECT id, s, i, n, f, t, v, c, dt, ts, u, ai FROM typed WHERE id > 2 ORDER BY id;
SELECT c, length(c), c || '|', v || '|' FROM typed WHERE c IS NOT NULL ORDER BY id;
SELECT id, n, n * 2, n / 3 FROM typed WHERE n IS NOT NULL ORDER BY id;
SELECT id, r, d, r + d FROM typed WHERE r IS NOT NULL ORDER BY id;
SELECT pg_typeof(s)::text, pg_typeof(n)::text, pg_typeof(v)::text, pg_typeof(c)::text FROM typed WHERE id = 1;
SELECT s + s, pg_typeof(s + s)::text, s + i, pg_typeof(s + i)::text, i + b, pg_typeof(n + i)::text FROM typed WHERE id = 1;
