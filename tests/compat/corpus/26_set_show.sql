-- Session settings: SET / SHOW / RESET of search_path, TimeZone, DateStyle, statement_timeout,
-- application_name and others; current_setting / set_config; SET LOCAL in transactions.

SHOW TimeZone;
SHOW timezone;
SHOW DateStyle;
SHOW search_path;
SHOW statement_timeout;
SHOW application_name;
SHOW server_version_num; -- nocompare
SHOW standard_conforming_strings;
SHOW client_encoding;
SHOW server_encoding;
SHOW integer_datetimes;
SHOW transaction_isolation;
SHOW default_transaction_isolation;
SHOW IntervalStyle;
SHOW nosuch_setting; -- error 42704

-- TimeZone
CREATE TABLE stamps (id int PRIMARY KEY, tz timestamptz, ts timestamp);
INSERT INTO stamps VALUES (1, '2024-07-01 12:00:00+00', '2024-07-01 12:00:00'), (2, '2024-01-15 23:30:00+00', '2024-01-15 23:30:00');
SET TimeZone = 'America/New_York';
SHOW TimeZone;
SELECT id, tz, ts, tz::text, tz::date, tz::timestamp FROM stamps ORDER BY id;
SELECT '2024-07-01 08:00:00'::timestamptz, '2024-07-01 08:00:00'::timestamptz::text;
SELECT ts::timestamptz, extract(hour FROM tz), date_trunc('day', tz) FROM stamps ORDER BY id;
SELECT to_char(tz, 'YYYY-MM-DD HH24:MI TZ') FROM stamps ORDER BY id;
SET TIME ZONE 'Asia/Tokyo';
SHOW TimeZone;
SELECT id, tz::text FROM stamps ORDER BY id;
SET TIME ZONE INTERVAL '+05:30' HOUR TO MINUTE;
SELECT tz::text FROM stamps WHERE id = 1;
SET TimeZone TO 'UTC';
SELECT id, tz::text FROM stamps ORDER BY id;
SET TimeZone = '+02';
SHOW TimeZone;
SELECT tz::text FROM stamps WHERE id = 1;
SET TimeZone = 'Nowhere/Atlantis'; -- error 22023
SHOW TimeZone;
SET TIME ZONE LOCAL;
SET TimeZone = DEFAULT;
SHOW TimeZone;
RESET TimeZone;
SHOW TimeZone;
SELECT tz::text FROM stamps WHERE id = 1;

-- DateStyle
SET DateStyle = 'ISO, DMY';
SHOW DateStyle;
SELECT '01/02/2024'::date, '2024-03-04'::date::text;
SET DateStyle = 'ISO, MDY';
SELECT '01/02/2024'::date;
SET DateStyle = 'SQL, DMY';
SELECT '2024-03-04'::date::text, '2024-03-04 05:06:07'::timestamp::text;
SET DateStyle = 'German';
SHOW DateStyle;
SELECT '2024-03-04'::date::text;
SET DateStyle = 'Postgres, MDY';
SELECT '2024-03-04 05:06:07'::timestamp::text;
SET DateStyle = 'Nonsense'; -- error 22023
RESET DateStyle;
SHOW DateStyle;
SELECT '2024-03-04'::date::text;

-- search_path
CREATE SCHEMA app;
CREATE TABLE app.t (a int);
INSERT INTO app.t VALUES (1);
SET search_path = app, public;
SHOW search_path;
SELECT * FROM t;
SELECT current_setting('search_path');
SET search_path TO public;
SELECT * FROM t; -- error 42P01
SET search_path TO "$user", public;
SHOW search_path;
RESET search_path;
SHOW search_path;

-- statement_timeout
SET statement_timeout = 100;
SHOW statement_timeout;
SELECT pg_sleep(0.5); -- error 57014
SELECT 1;
SET statement_timeout = '2s';
SHOW statement_timeout;
SET statement_timeout = '1min';
SHOW statement_timeout;
SET statement_timeout TO 0;
SHOW statement_timeout;
SET statement_timeout = 'soon'; -- error 22023
SET statement_timeout = -1; -- error 22023
RESET statement_timeout;
SHOW statement_timeout;

-- application_name and other string settings
SET application_name = 'compat-suite';
SHOW application_name;
SELECT current_setting('application_name');
SET application_name TO 'second';
SHOW application_name;
RESET application_name;
SHOW application_name;
SET extra_float_digits = 0;
SELECT 0.1::float8::text, 1.0::float8 / 3;
SET extra_float_digits = 3;
SELECT (1.0::float8 / 3)::text;
RESET extra_float_digits;
SELECT (1.0::float8 / 3)::text;
SET IntervalStyle = 'postgres_verbose';
SELECT INTERVAL '1 day 2 hours'::text;
SET IntervalStyle = 'iso_8601';
SELECT INTERVAL '1 day 2 hours'::text;
RESET IntervalStyle;
SELECT INTERVAL '1 day 2 hours'::text;
SET nosuch_setting = 1; -- error 42704
SET enable_seqscan = 'maybe'; -- error 22023
SET work_mem = '64MB';
SHOW work_mem;
SET my.custom_var = 'hello';
SHOW my.custom_var;
SELECT current_setting('my.custom_var');

-- current_setting / set_config
SELECT current_setting('TimeZone'), current_setting('DateStyle'), current_setting('statement_timeout');
SELECT current_setting('nosuch'); -- error 42704
SELECT current_setting('nosuch', true);
SELECT current_setting('my.undefined_var', true);
SELECT set_config('application_name', 'via_set_config', false);
SHOW application_name;
SELECT set_config('TimeZone', 'Europe/Paris', false), current_setting('TimeZone');
SELECT tz::text FROM stamps WHERE id = 1;
SELECT set_config('TimeZone', 'UTC', false);
SELECT set_config('nosuch', 'x', false); -- error 42704
SELECT set_config('my.x', 'y', false), current_setting('my.x');

-- SET LOCAL and transactions
BEGIN;
SET LOCAL TimeZone = 'Asia/Tokyo';
SHOW TimeZone;
SET LOCAL application_name = 'local_app';
SHOW application_name;
COMMIT;
SHOW TimeZone;
SHOW application_name;
BEGIN;
SET TimeZone = 'Asia/Tokyo';
ROLLBACK;
SHOW TimeZone;
BEGIN;
SET TimeZone = 'Asia/Tokyo';
COMMIT;
SHOW TimeZone;
BEGIN;
SELECT set_config('TimeZone', 'America/Denver', true);
SHOW TimeZone;
COMMIT;
SHOW TimeZone;
BEGIN;
SAVEPOINT sp;
SET application_name = 'in_savepoint';
ROLLBACK TO sp;
SHOW application_name;
COMMIT;
SET LOCAL TimeZone = 'UTC';
SHOW TimeZone;
SET SESSION TimeZone = 'UTC';
SHOW TimeZone;
RESET ALL;
SHOW TimeZone;
SHOW application_name;
SHOW search_path;
-- DateStyle's field order reads dates written with numbers only
SET DateStyle = 'ISO, DMY';
SELECT '01/02/2024'::date, '03/04/05'::date, '1/2/2024 10:00'::timestamp, '13/12/2024'::date, '2024-03-04'::date;
SELECT '12/13/2024'::date; -- error 22008
SELECT '2007/06/05'::date, '5 6 2007'::date, 'June 5 07'::date, '05-Jun-2007'::date, '20070605'::date;
SET DateStyle = 'ISO, YMD';
SELECT '01/02/03'::date, '2024/02/03'::date, '24-02-03'::date;
SELECT '05/06/2007'::date; -- error 22008
SET DateStyle = 'SQL, DMY';
SELECT '01/02/2024'::date::text, 'Feb 3 2024'::date::text;
SET DateStyle = 'ISO, MDY';
SELECT '01/02/2024'::date, '03/04/05'::date;
SET statement_timeout = '-5s'; -- error 22023
SET lock_timeout = -1; -- error 22023
SET statement_timeout = '1h';
SHOW statement_timeout;
RESET statement_timeout;
-- extra_float_digits <= 0 shapes float text wherever it is made (casts, concatenation, format, arrays)
SET extra_float_digits = -3;
SELECT (1.0::float8 / 3)::text, (0.1::float4 / 3)::text, 'a' || (2.0::float8 / 3), format('%s', 1e100::float8), ARRAY[1.0::float8 / 7]::text;
SET extra_float_digits = 2;
SELECT (1.0::float8 / 3)::text, (0.1::float4 / 3)::text;
RESET extra_float_digits;
-- a setting that reverts (SET LOCAL at commit, ROLLBACK TO a savepoint) takes its plans along
BEGIN;
SET LOCAL DateStyle = 'German';
SELECT '2024-01-02'::date::text;
COMMIT;
SELECT '2024-01-02'::date::text;
BEGIN;
SAVEPOINT a;
SET DateStyle = 'SQL, DMY';
SET LOCAL extra_float_digits = 0;
SELECT '2024-01-02'::date::text, (1.0::float8 / 3)::text;
ROLLBACK TO a;
SHOW DateStyle;
SHOW extra_float_digits;
SELECT '2024-01-02'::date::text, (1.0::float8 / 3)::text;
SAVEPOINT b;
SET application_name = 'kept';
RELEASE b;
SHOW application_name;
COMMIT;
SHOW application_name;
RESET application_name;
