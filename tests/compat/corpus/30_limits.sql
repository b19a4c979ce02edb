-- PostgreSQL's limits and the errors it gives at them: NUL and invalid UTF-8 in text (22021),
-- escape and Unicode strings, identifiers cut to 63 bytes (NOTICE 42622), arrays of at most 6
-- dimensions (54000), string results bounded at 1 GB (54000, checked before anything is built),
-- interval ranges (22008, 22015), numeric ranges and precision (22003), window RANGE offsets,
-- and answers that once were Python exceptions. `-- message` compares the error text too.

-- NUL and invalid UTF-8 in text: 22021
SELECT E'a\000b'; -- error 22021 message
SELECT E'\x00'; -- error 22021 message
SELECT E'\0'; -- error 22021 message
SELECT E'\400'; -- error 22021 message
SELECT E'a\xff'; -- error 22021 message
SELECT E'\xc3'; -- error 22021 message
SELECT E'\xc3\x41'; -- error 22021 message
SELECT E'\xff\x00'; -- error 22021 message
SELECT E'\xc3\xa9', E'\303\251', E'\x41\102', length(E'\\000');
SELECT convert_from('\x610062'::bytea, 'UTF8'); -- error 22021 message
SELECT convert_from('\x6100'::bytea, 'LATIN1'); -- error 22021 message
SELECT convert_from('\xc328'::bytea, 'UTF8'); -- error 22021 message
SELECT convert_from('\x636166c3a9'::bytea, 'UTF8'), convert_from('\x636166e9'::bytea, 'LATIN1');
SELECT translate('abc', 'b', E'\x00'); -- error 22021 message
SELECT chr(0); -- error 54000 message
SELECT replace('abc', 'b', chr(0)); -- error 54000
SELECT '"\u0000"'::jsonb; -- error 22P05 message
SELECT '{"a":"\u0000"}'::json ->> 'a'; -- error 22P05 message
SELECT '["\u0000"]'::json ->> 0; -- error 22P05
SELECT '\x00'::bytea, E'\\x00'::bytea, decode('00', 'hex'), encode('\x00'::bytea, 'escape');

-- escape-string Unicode escapes
SELECT E'\u0000'; -- error 42601 message
SELECT E'\U00000000'; -- error 42601 message
SELECT E'\U00110000'; -- error 42601 message
SELECT E'\ud800'; -- error 42601 message
SELECT E'abc\udc00'; -- error 42601 message
SELECT E'\ud800x'; -- error 42601 message
SELECT E'\ud83d\U0001F600'; -- error 42601 message
SELECT E'\u00'; -- error 22025 message
SELECT E'\U0010FFF'; -- error 22025 message
SELECT E'\ud83d\ude00', E'\u00e9\U0001F600', E'\U0010FFFF', E'it\'s', E'tab\tnew\nline', E'\q\a';

-- Unicode strings and identifiers (U&)
SELECT U&'d\0061t\+000061', U&'\00E9', U&'\\', U&'a''b', U&'\D83D\DE00';
SELECT U&'!0041!!' UESCAPE '!', U&'#+01F600' UESCAPE '#';
SELECT U&'\0000'; -- error 42601 message
SELECT U&'a\0000b'; -- error 42601 message
SELECT U&'\+110000'; -- error 42601 message
SELECT U&'\D800'; -- error 42601 message
SELECT U&'\DC00'; -- error 42601 message
SELECT U&'\D800x'; -- error 42601 message
SELECT U&'\061'; -- error 42601 message
SELECT U&'\+00E9'; -- error 42601 message
SELECT U&'abc' UESCAPE 'a'; -- error 42601 message
SELECT U&'abc' UESCAPE '+'; -- error 42601 message
SELECT U&"d\0061t" FROM (SELECT 1 AS dat) s;

-- identifiers longer than 63 bytes are cut, with a NOTICE each time they are read
CREATE TABLE abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_long_name (abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_col_xyz int, b int); -- notices
SELECT relname FROM pg_class WHERE relname LIKE 'abcdefghij%';
SELECT attname FROM pg_attribute WHERE attname LIKE 'abcdefghij%';
INSERT INTO abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_long_name VALUES (1, 2); -- notices
SELECT * FROM abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_long_name; -- notices
SELECT * FROM abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_lo;
SELECT abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_col_xyz_other FROM abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_lo; -- notices
SELECT * FROM ABCDEFGHIJabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_long_other_suffix; -- notices
SELECT * FROM "ABCDEFGHIJabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_long"; -- error 42P01 notices
SELECT 1 AS abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_alias_long; -- notices
SELECT 1 AS "Mixed_Case_Quoted_Identifier_That_Is_Way_Too_Long_For_PostgreSQL_xx"; -- notices
SELECT 1 AS "ééééééééééééééééééééééééééééééééééé"; -- notices
SELECT 1 AS "aééééééééééééééééééééééééééééééééééééééé"; -- notices
SELECT 1 AS "€€€€€€€€€€€€€€€€€€€€€€€€"; -- notices
SELECT 1 AS "€€€€€€€€€€€€€€€€€€€€€"; -- 63 bytes: kept whole
SELECT 1 AS "€€€€€€€€€€€€€€€€€€€€€", 2 AS "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc";
SELECT t.b FROM abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_lo AS abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_tab_alias_y WHERE abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_tab_alias_x.b = 2; -- error 42P01 notices
SELECT abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_tab_alias_x.b FROM abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_lo AS abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_tab_alias_y; -- notices
CREATE INDEX abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_index_name ON abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_lo (b); -- notices
SELECT indexname FROM pg_indexes WHERE indexname LIKE 'abcdef%';
ALTER TABLE abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_lo ADD CONSTRAINT abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_check_name CHECK (b > 0); -- notices
SELECT conname FROM pg_constraint WHERE conname LIKE 'abcdef%';
INSERT INTO abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_long_name VALUES (3, 0); -- error 23514 message notices
CREATE SEQUENCE abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_seq_name_long; -- notices
SELECT nextval('abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_seq_name_long'), nextval('abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_se');
SELECT sequencename FROM pg_sequences;
CREATE VIEW abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_view_name_long AS SELECT 1 AS x; -- notices
SELECT viewname FROM pg_views WHERE schemaname = 'public';
SELECT 'abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_not_an_ident'; -- a string, not an identifier
SELECT 1 -- abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij_comment
;

-- arrays: at most 6 dimensions, 134217727 elements, bounds within int4
SELECT ARRAY[[[[[[[1]]]]]]]; -- error 54000 message
SELECT ARRAY[ARRAY[[[[[[1]]]]]]]; -- error 54000 message
SELECT '{{{{{{{1}}}}}}}'::int[]; -- error 54000 message
SELECT ('{' || repeat('{', 100) || '1' || repeat('}', 100) || '}')::int[]; -- error 54000 message
SELECT '[1:1][1:1][1:1][1:1][1:1][1:1][1:1]={{{{{{{1}}}}}}}'::int[]; -- error 54000 message
SELECT '{{{{{{1}}}}}}'::int[], array_ndims('{{{{{{1}}}}}}'::int[]), ARRAY[[[[[[1]]]]]];
SELECT array_fill(1, ARRAY[1,1,1,1,1,1,1]); -- error 54000 message
SELECT array_fill(1, ARRAY[200000000]); -- error 54000 message
SELECT array_fill(1, ARRAY[100000, 100000]); -- error 54000 message
SELECT array_fill(1, ARRAY[-1]); -- error 54000 message
SELECT array_fill(1, ARRAY[3], ARRAY[2147483647]); -- error 54000 message
SELECT array_fill(1, ARRAY[3], ARRAY[2147483644]), array_length(array_fill(0, ARRAY[100000]), 1);
SELECT '[2147483647:2147483647]={1}'::int[]; -- error 54000 message
SELECT '[1:2147483647]={1}'::int[]; -- error 22P02 message
SELECT array_agg(a) FROM (SELECT ARRAY[[[[[[1]]]]]] AS a) s; -- error 54000 message
SELECT array_agg(a) FROM (SELECT ARRAY[[[[[1]]]]] AS a) s;
SELECT (ARRAY[[[[[[7]]]]]])[1][1][1][1][1][1], (ARRAY[[1, 2], [3, 4]])[2][1];
SELECT (ARRAY[[[[[[7]]]]]])[1][1][1][1][1][1][1]; -- error 54000 message

-- text results past 1 GB fail before they are built
SELECT repeat('xx', 600000000); -- error 54000 message
SELECT repeat('é', 600000000); -- error 54000 message
SELECT repeat('x', 1073741820); -- error 54000 message
SELECT lpad('x', 1073741820); -- error 54000 message
SELECT lpad('x', 300000000); -- error 54000 message
SELECT rpad('x', 268435455, 'ab'); -- error 54000 message
SELECT rpad('é', 600000000); -- error 54000 message
SELECT lpad('x', 268435454, ''), lpad('x', -5), rpad('x', 0), repeat('x', -5), length(repeat('ab', 50000));
SELECT format('%2000000000s', 'x'); -- error 54000 message
SELECT format('%*s', 2000000000, 'x'); -- error 54000 message
SELECT format('%-2000000000s', 'x'); -- error 54000 message
SELECT format('%*s', -2000000000, 'x'); -- error 54000 message
SELECT format('%1$s %1$2000000000s', 'x'); -- error 54000 message
SELECT format('%1073741823s', 'x'); -- error 54000 message
SELECT format('%3000000000s', 'x'); -- error 22003 message
SELECT length(format('%100000s', 'x')), format('%5s|%-5s|%*s', 'a', 'b', 3, 'c');
SELECT overlay('abc' placing 'x' from 2147483647 for 2); -- error 22003 message
SELECT overlay('abc' placing 'x' from 2 for 2147483647); -- error 22003 message
SELECT overlay('abc' placing 'xy' from 2147483647); -- error 22003 message
SELECT overlay('abc'::bytea placing 'x'::bytea from 2147483647 for 2); -- error 22003 message
SELECT overlay('abc' placing 'x' from -1 for 2); -- error 22011 message
SELECT overlay('abc' placing 'x' from 1 for -1), overlay('abc' placing 'x' from 2 for -2147483648), overlay('abc' placing 'xy' from 2);
SELECT 'x'::char(10485761); -- error 22023 message
SELECT 'x'::varchar(10485761); -- error 22023 message

-- interval ranges: 22008 for a result, 22015 for a field
SELECT interval '1000000000 years'; -- error 22008 message
SELECT interval '178956971 years'; -- error 22008 message
SELECT interval '178956970 years 8 months'; -- error 22008 message
SELECT interval '-178956970 years -9 months'; -- error 22008 message
SELECT interval '1000000000 years ago'; -- error 22008 message
SELECT interval 'P178956971Y'; -- error 22008 message
SELECT interval '3000000000 years'; -- error 22015 message
SELECT interval '2147483648 days'; -- error 22015 message
SELECT interval '2562047789 hours'; -- error 22015 message
SELECT interval '99999999999999999999 seconds'; -- error 22015 message
SELECT interval 'P2147483648Y'; -- error 22015 message
SELECT interval '2147483647 days' + interval '1 day'; -- error 22008 message
SELECT interval '2147483647 months' + interval '1 month'; -- error 22008 message
SELECT interval '-2147483648 days' - interval '1 day'; -- error 22008 message
SELECT -interval '-2147483648 days'; -- error 22008 message
SELECT interval '1 day' * 1e300; -- error 22008 message
SELECT interval '100000000 hours' * 1000000; -- error 22008 message
SELECT interval '1 year' * 'inf'::float8; -- error 22008 message
SELECT interval '1 year' * 'nan'::float8; -- error 22008 message
SELECT interval '1 year' / 1e-300; -- error 22008 message
SELECT interval '1 year' / 0; -- error 22012 message
SELECT sum(x) FROM (VALUES (interval '2147483647 days'), (interval '1 day')) v(x); -- error 22008 message
SELECT avg(x) FROM (VALUES (interval '2147483647 days'), (interval '1 day')) v(x); -- error 22008 message
SELECT justify_hours(interval '2147483647 days 24 hours'); -- error 22008 message
SELECT justify_days(interval '2147483647 months 30 days'); -- error 22008 message
SELECT interval '1000000 days' * 2, interval '1 mon' * 12.5, interval '-14 mons', interval '3 days' / 2, -interval '1 day 2 hours';
SELECT timestamp '2024-01-01' + interval '2147483647 days'; -- error 22008 message
SELECT date '2024-01-01' + 2147483647; -- error 22008 message
SELECT date '2024-01-01' - 2147483647; -- error 22008 message
SELECT make_date(2024, 13, 1); -- error 22008 message
SELECT make_time(25, 0, 0); -- error 22008 message
SELECT make_time(1, 2, 60.5); -- error 22008 message

-- integers: 22003
SELECT 2147483647::int4 + 1; -- error 22003 message
SELECT 32767::int2 + 1::int2; -- error 22003 message
SELECT 9223372036854775807::int8 + 1; -- error 22003 message
SELECT (-9223372036854775808)::int8 / -1; -- error 22003 message
SELECT abs((-2147483648)::int4); -- error 22003 message
SELECT '2147483648'::int4; -- error 22003 message
SELECT '9223372036854775808'::int8; -- error 22003 message
SELECT repeat('9', 5000)::int8; -- error 22003 message
SELECT repeat('9', 5000)::int4; -- error 22003 message
SELECT repeat('9', 5000)::int2; -- error 22003 message
SELECT ('-' || repeat('0', 5000) || '5')::int2, (repeat('0', 5000) || '5')::int8, '  +007  '::int4;
SELECT 'NaN'::numeric::int4; -- error 0A000 message
SELECT 'Infinity'::numeric::int8; -- error 0A000 message
SELECT 'NaN'::float8::int4; -- error 22003 message
SELECT 1e308::float8 * 10; -- error 22003 message
SELECT 12345.678::numeric(5,2); -- error 22003 message

-- numerics: 131072 digits before the point, 16383 after, exact arithmetic
SELECT 1e131072; -- error 22003 message
SELECT 1e131072::numeric; -- error 22003 message
SELECT '1e131072'::numeric; -- error 22003 message
SELECT ('1' || repeat('0', 131072))::numeric; -- error 22003 message
SELECT 1e-16384::numeric; -- error 22003 message
SELECT ('0.' || repeat('0', 16383) || '1')::numeric; -- error 22003 message
SELECT '1e131071'::numeric * 10; -- error 22003 message
SELECT '9e131071'::numeric + '9e131071'::numeric; -- error 22003 message
SELECT 10::numeric ^ 131072; -- error 22003 message
SELECT 2::numeric ^ 1000000; -- error 22003 message
SELECT exp(6000::numeric); -- error 22003 message
SELECT exp(100000::numeric); -- error 22003 message
SELECT 1e1000::numeric::float8; -- error 22003 message
SELECT 1e-400::numeric::float8; -- error 22003 message
SELECT repeat('9', 5000)::float8; -- error 22003 message
SELECT 1e4300::numeric::int8; -- error 22003 message
SELECT repeat('9', 5000)::numeric::int8; -- error 22003 message
SELECT 1e131071 > 0, '1e131071'::numeric > 0, 1e-16383::numeric > 0, 10::numeric ^ 131071 > 0;
SELECT ('1' || repeat('0', 1500))::numeric + 1 = ('1' || repeat('0', 1499) || '1')::numeric;
SELECT (('1' || repeat('0', 1500))::numeric * ('1' || repeat('0', 1500))::numeric)::text = '1' || repeat('0', 3000);
SELECT 1e1500::numeric / 3 = ('3' || repeat('3', 1499))::numeric;
SELECT mod(1e5000::numeric, 3), div(1e20::numeric, 0.3), div(1e5000::numeric, 3) > 0, 1e5000::numeric % 7;
SELECT 123456789012345678901234567890.5 + 1, 99999999999999999999999999999999::numeric * 3;
SELECT 1::numeric / 3, 2::numeric / 3, 1e20::numeric / 7, 1::numeric / 7e20, -7::numeric / 2;
SELECT repeat('9', 5000)::numeric::text = repeat('9', 5000), length(99999999999999999999999999::text);
SELECT exp(5999::numeric) > 0, exp(-6000::numeric), 0.5::numeric ^ 1000000, 0.1::numeric ^ 16383 > 0;
SELECT ln(1e131071) > 0, sqrt(1e131071) > 0, log(1e131071) > 0;
SELECT (-1)::numeric ^ 1e100, (-1)::numeric ^ (1e100 + 1), (-2)::numeric ^ 3;
SELECT ('[' || repeat('9', 5000) || ']')::jsonb = ('[' || repeat('9', 5000) || ']')::jsonb, (repeat('9', 5000)::jsonb)::text = repeat('9', 5000);
SELECT width_bucket(5.5::numeric, 0, 10, 3), width_bucket(1e100::numeric, 0, 1e101, 7);
SELECT stddev(x), variance(x) FROM (VALUES (1e100::numeric), (2e100), (3e100)) v(x);
SELECT stddev(x), variance(x), stddev_pop(x) FROM (VALUES (1.0), (1.0)) v(x);
SELECT stddev(x) FROM (VALUES (1.123), (2.5)) v(x);
SELECT avg(x) FROM (VALUES (1e1000::numeric), (2)) v(x);
SELECT power(float8 '-1', float8 'inf'), power(float8 '-0.5', float8 'inf'), power(float8 '-0.5', float8 '-inf'), power(float8 '-2', float8 '-inf'), power(float8 '-1', float8 '-inf');
SELECT power(float8 '-inf', 2.5); -- error 2201F message
SELECT round(1e100::numeric, -200), trunc(1.5, -100000), round(1.5, 30);

-- LIMIT and OFFSET take any number
SELECT x FROM generate_series(1, 5) x ORDER BY x LIMIT 1.5;
SELECT x FROM generate_series(1, 5) x ORDER BY x LIMIT 99999999999999999999; -- error 22003 message
SELECT x FROM generate_series(1, 5) x ORDER BY x OFFSET -1; -- error 2201X message

-- window RANGE frames with an offset
CREATE TABLE ev (d date, ts timestamp, tm time, iv interval, n int, x numeric, f float8);
INSERT INTO ev VALUES ('2024-01-01', '2024-01-01 10:00', '10:00', '1 day', 1, 1.5, 1.5), ('2024-01-03', '2024-01-03 10:00', '11:30', '2 days', 2, 2.5, 2.5), ('2024-01-10', '2024-01-10 10:00', '12:00', '1 mon', 3, 3.5, 3.5), ('2024-02-01', '2024-02-01 10:00', '23:00', '1 year', 4, 4.5, 'inf');
SELECT d, count(*) OVER (ORDER BY d RANGE BETWEEN interval '3 days' PRECEDING AND CURRENT ROW) FROM ev ORDER BY d;
SELECT d, count(*) OVER (ORDER BY d RANGE BETWEEN interval '1 month' PRECEDING AND interval '2 days' FOLLOWING) FROM ev ORDER BY d;
SELECT d, count(*) OVER (ORDER BY d DESC RANGE BETWEEN interval '3 days' PRECEDING AND CURRENT ROW) FROM ev ORDER BY d;
SELECT ts, count(*) OVER (ORDER BY ts RANGE BETWEEN interval '3 days' PRECEDING AND interval '1 day' FOLLOWING) FROM ev ORDER BY ts;
SELECT tm, count(*) OVER (ORDER BY tm RANGE BETWEEN interval '1 hour' PRECEDING AND CURRENT ROW) FROM ev ORDER BY tm;
SELECT iv, count(*) OVER (ORDER BY iv RANGE BETWEEN interval '1 day' PRECEDING AND interval '20 days' FOLLOWING) FROM ev ORDER BY iv;
SELECT n, sum(n) OVER (ORDER BY n RANGE BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM ev ORDER BY n;
SELECT x, sum(x) OVER (ORDER BY x RANGE BETWEEN 1.5 PRECEDING AND 0.5 FOLLOWING) FROM ev ORDER BY x;
SELECT f, count(*) OVER (ORDER BY f RANGE BETWEEN 1.5 PRECEDING AND 'inf' FOLLOWING) FROM ev ORDER BY f;
SELECT f, count(*) OVER (ORDER BY f RANGE BETWEEN 'inf' PRECEDING AND CURRENT ROW) FROM ev ORDER BY f;
SELECT d, count(*) OVER (ORDER BY d RANGE BETWEEN CURRENT ROW AND interval '100000 years' FOLLOWING) FROM ev ORDER BY d;
SELECT d, count(*) OVER (ORDER BY d RANGE BETWEEN interval '100000 years' PRECEDING AND CURRENT ROW) FROM ev ORDER BY d; -- error 22008 message
SELECT d, count(*) OVER (ORDER BY d RANGE BETWEEN 3 PRECEDING AND CURRENT ROW) FROM ev ORDER BY d; -- error 0A000 message
SELECT n, count(*) OVER (ORDER BY n RANGE BETWEEN 1.5 PRECEDING AND CURRENT ROW) FROM ev ORDER BY n; -- error 0A000 message
SELECT d, count(*) OVER (ORDER BY d RANGE BETWEEN interval '-1 day' PRECEDING AND CURRENT ROW) FROM ev ORDER BY d; -- error 22013 message
SELECT n, count(*) OVER (ORDER BY n RANGE BETWEEN -1 PRECEDING AND CURRENT ROW) FROM ev ORDER BY n; -- error 22013 message
SELECT f, count(*) OVER (ORDER BY f RANGE BETWEEN 'nan' PRECEDING AND CURRENT ROW) FROM ev ORDER BY f; -- error 22013 message
SELECT n, count(*) OVER (ORDER BY n ROWS BETWEEN -1 PRECEDING AND CURRENT ROW) FROM ev ORDER BY n; -- error 22013 message
SELECT n, count(*) OVER (ORDER BY n ROWS BETWEEN CURRENT ROW AND -1 FOLLOWING) FROM ev ORDER BY n; -- error 22013 message
SELECT n, count(*) OVER (ORDER BY n, d RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM ev ORDER BY n; -- error 42P20 message

-- answers that once were Python exceptions
SELECT 123abc; -- error 42601 message
SELECT 1.5e--1; -- error 42601 message
SELECT 0x1F; -- error 42601 message
SELECT 1é; -- error 42601 message
SELECT t1.x, .5e3, 5.e3 FROM (SELECT 1 AS x) t1;
SELECT n FROM ev ORDER BY 1e308; -- error 42601 message
SELECT count(*) FROM ev GROUP BY 1.5; -- error 42601 message
SELECT '-infinity'::numeric / 4.0, 1::numeric / 'inf', 'inf'::numeric / 'inf', 'inf'::numeric / -2;
SELECT avg(x), sum(x) FROM (VALUES ('-infinity'::numeric), (2.0)) v(x);
SELECT stddev(x), variance(x), stddev_pop(x), var_pop(x) FROM (VALUES ('NaN'::numeric), (2.5)) v(x);
SELECT stddev(x), variance(x) FROM (VALUES ('inf'::numeric), (2.5)) v(x);
SELECT make_time(25, 0, 1e308); -- error 22008 message
SELECT n, sum(n) OVER (ORDER BY n ROWS BETWEEN 1.5 PRECEDING AND CURRENT ROW) FROM ev ORDER BY n;
SELECT n, sum(n) OVER (ORDER BY n ROWS BETWEEN 'NaN' PRECEDING AND CURRENT ROW) FROM ev ORDER BY n; -- error 22P02 message
SELECT n, sum(n) OVER (ORDER BY n ROWS BETWEEN 1e308 PRECEDING AND CURRENT ROW) FROM ev ORDER BY n; -- error 22003 message
SELECT x, sum(x) OVER (ORDER BY x RANGE BETWEEN 'NaN' PRECEDING AND CURRENT ROW) FROM ev ORDER BY x; -- error 22013 message
UPDATE ev SET (n, x) = (SELECT 7, 8.5) WHERE n = 1;
SELECT n, x FROM ev ORDER BY n;
SELECT (unnest(ARRAY[1, 2])), ((generate_series(3, 4))) AS g;
SELECT 1 AS x UNION SELECT 2 ORDER BY 1e308 DESC; -- error 42601 message
SELECT 7.5 % '-infinity', 7.5 % 'inf', 'inf'::numeric % 2, mod(7.5, 'NaN');
SELECT ARRAY[[1.5]] = ARRAY[[1.5]], ARRAY[[1.5], [2]] < ARRAY[[1.5], [3]], ARRAY[[1.0, NULL]] = ARRAY[[1.0, NULL]], ARRAY[[true]] < ARRAY[[false]];

-- found by the hostile-client fuzzers (tests/hostile): a "$" that starts no parameter, dollar-quoted
-- constants, ON CONFLICT inference elements that are no column name, oids out of range and the
-- invalid oid, negative and out-of-range ORDER BY positions
SELECT $NULL; -- error 42601 message
VALUES (1, 'a'), (2, $r); -- error 42601 message
SELECT 1 $ 2; -- error 42601 message
SELECT $$dollar$$, length($q$with $$ inside$q$), $$a$$ || 'b';
CREATE TABLE conflict_keys (k text PRIMARY KEY, v text);
INSERT INTO conflict_keys VALUES ('a', 'first') ON CONFLICT (true) DO NOTHING; -- error 42601 message
INSERT INTO conflict_keys VALUES ('a', 'first') ON CONFLICT (k, 1) DO NOTHING; -- error 42601 message
INSERT INTO conflict_keys VALUES ('a', 'first') ON CONFLICT (lower(k)) DO NOTHING; -- error 42P10 message
INSERT INTO conflict_keys VALUES ('a', 'first') ON CONFLICT ((k || '')) DO NOTHING; -- error 42P10 message
INSERT INTO conflict_keys VALUES ('a', 'first') ON CONFLICT (k DESC) DO NOTHING; -- error 42P10 message
INSERT INTO conflict_keys VALUES ('a', 'first') ON CONFLICT (nosuch) DO NOTHING; -- error 42703 message
INSERT INTO conflict_keys VALUES ('a', 'first') ON CONFLICT ((k)) DO NOTHING;
INSERT INTO conflict_keys VALUES ('a', 'second') ON CONFLICT (k) DO UPDATE SET v = EXCLUDED.v;
SELECT * FROM conflict_keys;
SELECT '12345678901'::regtype; -- error 22003 message
SELECT 0::regtype, 0::regclass, '00023'::regclass, '4294967295'::regtype::oid;
SELECT CAST(('0.' || CAST(repeat('0', 16383) AS regtype) || '1') AS numeric); -- error 22P02 message
SELECT 1 ORDER BY -1; -- error 42P10 message
SELECT 1 GROUP BY -1; -- error 42P10 message
SELECT 1 ORDER BY 2147483648; -- error 42601 message
SELECT 1 AS x UNION SELECT 2 ORDER BY -1; -- error 42P10 message
-- nested ARRAY constructors (tests/sql/test_limits.py has them 30 deep, too deep for this harness's sqlglot)
SELECT ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[1, 2]]]]]], array_ndims(ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[ARRAY[1, 2]]]]]]);
SELECT ARRAY[ARRAY[ARRAY[array_length(ARRAY[ARRAY[ARRAY[ARRAY[1]]]], 1)]]], ARRAY[ARRAY[ARRAY[ARRAY[1, 2]]]] @> ARRAY[ARRAY[ARRAY[ARRAY[2]]]];
CREATE TABLE typed_arrays (a int ARRAY[3], b text ARRAY);
INSERT INTO typed_arrays VALUES (ARRAY[ARRAY[ARRAY[ARRAY[1]]]], ARRAY['x']);
SELECT a, b FROM typed_arrays;
-- set-returning functions where PostgreSQL takes no set
SELECT 1 WHERE generate_series(1, 2) > 0; -- error 0A000 message
SELECT 1 HAVING generate_series(1, 2) > 0; -- error 0A000 message
SELECT 1 LIMIT generate_series(1, 2); -- error 0A000 message
VALUES (generate_series(1, 2)); -- error 0A000 message
SELECT * FROM (VALUES (1)) v(x) JOIN (VALUES (1)) w(y) ON generate_series(1, 2) = x; -- error 0A000 message
SELECT * FROM generate_series(1, generate_series(1, 2)); -- error 0A000 message
SELECT sum(generate_series(1, 2)); -- error 0A000 message
SELECT sum(generate_series(1, 2)) OVER () FROM (VALUES (1)) v(x); -- error 0A000 message
CREATE TABLE srf_default (a int DEFAULT generate_series(1, 2)); -- error 0A000 message
CREATE TABLE srf_check (a int CHECK (generate_series(1, 2) > 0)); -- error 0A000 message
SELECT generate_series(1, 2) AS g ORDER BY g DESC;
SELECT x FROM (VALUES (1), (3)) v(x) WHERE x IN (SELECT generate_series(1, 2));
SELECT CAST(repeat('9', 5000) AS jsonb) = CAST(repeat('9', 5000) AS jsonb);
-- arrays of any shape group, compare and hash as PostgreSQL's array_cmp orders them
SELECT count(*) FROM (VALUES (1), (2)) v(x) GROUP BY '{{1,2},{3,4}}'::int[];
SELECT DISTINCT ARRAY[ARRAY[1, 2, 3], ARRAY[4, 5, 6]] UNION SELECT ARRAY[ARRAY[1, 2, 3], ARRAY[4, 5, 6]];
SELECT x, array_agg(x) OVER (PARTITION BY ARRAY[NULL, 1] ORDER BY x) FROM (VALUES (1), (2)) v(x);
SELECT ARRAY[true] < ARRAY[ARRAY[false]], ARRAY[1, 2] < ARRAY[1, 2, 3], ARRAY[1, 2, 3] < ARRAY[[1, 2, 3]], ARRAY[[1, 2], [3, 4]] = ARRAY[1, 2, 3, 4], ARRAY[NULL, 1] > ARRAY[1, 1], '{}'::int[] < ARRAY[1];
SELECT x FROM (VALUES (ARRAY[2, 1]), (ARRAY[1, 2, 3]), (ARRAY[[1, 2]]), (NULL)) v(x) ORDER BY x;
-- rows: constructors compared field by field with their types, records ordered with NULL last
SELECT ROW(1, 'epoch'::timestamptz) < ROW(1, 3); -- error 42883 message
SELECT ROW(1, 2) < ROW(1, 3), ROW(1, NULL) = ROW(1, 2), ROW(1, 2) < (1, 3), (1, 2) <= ROW(1, 2);
SELECT * FROM (VALUES (NULL::date, 1), ('2020-01-01'::date, 2)) v(d, h) ORDER BY ROW(d), h;
SELECT length(CAST(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(1)))))))))))))))))))) AS text)), ROW(ROW('a"b', NULL, ''), 2)::text;
SELECT length(CAST(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(ROW(1)))))))))))))))))))))))))))))) AS text)); -- error 54000 message
-- json has no equality or ordering
SELECT DISTINCT '{}'::json; -- error 42883 message
SELECT count(*) FROM (VALUES (1)) v(x) GROUP BY '{}'::json; -- error 42883 message
SELECT '{}'::json UNION SELECT '{}'::json; -- error 42883 message
SELECT x FROM (VALUES ('1'::json)) v(x) ORDER BY x; -- error 42883 message
SELECT ARRAY['{}'::json] ORDER BY 1; -- error 42883 message
SELECT row_number() OVER (ORDER BY '{}'::json); -- error 42883 message
SELECT array_agg(x ORDER BY x) FROM (VALUES ('1'::json)) v(x); -- error 42883 message
-- subqueries nested 40 deep
SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT (SELECT 1)))))))))))))))))))))))))))))))))))))))), EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT EXISTS (SELECT 1))))))))))))))))))))))))))))))))))))))));
