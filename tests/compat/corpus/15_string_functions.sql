-- String functions over literals and a table of blog titles.

CREATE TABLE titles (id int PRIMARY KEY, t text, slug varchar(40));
INSERT INTO titles VALUES (1, 'Hello, World', 'hello-world'), (2, '  padded  ', 'padded'),
    (3, 'mIxEd cAsE words', 'mixed-case'), (4, '', 'empty'), (5, NULL, NULL), (6, 'Ünïcödé ☃ text', 'unicode');

-- Length and case
SELECT length('hello'), char_length('hello'), character_length('héllo'), octet_length('héllo'), length('');
SELECT id, length(t), octet_length(t), upper(t), lower(t) FROM titles ORDER BY id;
SELECT upper('straße'), lower('ÀÉÎ'), initcap('hello wORLD foo-bar'), initcap('');
SELECT id, initcap(t) FROM titles ORDER BY id;
SELECT length(NULL::text), upper(NULL), lower(NULL::text);
SELECT length(42); -- error 42883
SELECT bit_length('abc');

-- Substrings and positions
SELECT substring('PostgreSQL' FROM 5), substring('PostgreSQL' FROM 5 FOR 3), substring('PostgreSQL' FOR 4);
SELECT substr('PostgreSQL', 5), substr('PostgreSQL', 5, 3), substr('abc', 0, 2), substr('abc', -1, 3), substr('abc', 10);
SELECT substr('abc', 1, -1); -- error 22011
SELECT substring('foo123bar' FROM '[0-9]+'), substring('foo' FROM '[0-9]+'), substring('abc' FROM 'b(.)');
SELECT position('lo' IN 'hello'), position('z' IN 'hello'), position('' IN 'abc'), strpos('hello', 'l');
SELECT left('abcdef', 2), right('abcdef', 2), left('abc', -1), right('abc', -1), left('abc', 10);
SELECT id, left(t, 5), right(t, 3) FROM titles ORDER BY id;
SELECT split_part('a,b,c', ',', 2), split_part('a,b,c', ',', 5), split_part('a,b,c', ',', -1), split_part('abc', '', 1);
SELECT split_part('a,b', ',', 0); -- error 22023
SELECT starts_with('hello', 'he'), starts_with('hello', 'lo');
SELECT overlay('Txxxxas' PLACING 'hom' FROM 2 FOR 4), overlay('abc' PLACING 'Z' FROM 2);

-- Trimming and padding
SELECT trim('  x  '), ltrim('  x  '), rtrim('  x  '), btrim('xxaxx', 'x'), trim(BOTH 'x' FROM 'xxaxx');
SELECT trim(LEADING 'ab' FROM 'abbaxab'), trim(TRAILING 'b' FROM 'abbb'), ltrim('zzzy', 'z'), rtrim('yzzz', 'z');
SELECT id, '[' || trim(t) || ']' FROM titles ORDER BY id;
SELECT lpad('7', 3, '0'), rpad('ab', 5, '-'), lpad('abcdef', 3), rpad('abc', 2), lpad('x', 4), lpad('x', 5, 'ab');
SELECT lpad('x', -1), rpad('', 3, ''), lpad('abc', 5, '');

-- Replace, repeat, reverse, translate
SELECT replace('a-b-c', '-', '+'), replace('aaa', 'aa', 'b'), replace('abc', '', 'x'), replace('abc', 'b', '');
SELECT repeat('ab', 3), repeat('x', 0), repeat('x', -1), reverse('abc'), reverse('');
SELECT translate('hello', 'el', 'ip'), translate('abc', 'ab', 'x');
SELECT id, replace(lower(t), ' ', '-') FROM titles ORDER BY id;

-- Concatenation and formatting
SELECT 'a' || 'b', 'a' || NULL, concat('a', NULL, 'b', 1, true), concat_ws('-', 'a', NULL, 'b', 2);
SELECT concat(), concat(NULL); -- error 42883
SELECT concat(NULL), concat_ws(',', NULL), concat_ws(NULL, 'a', 'b');
SELECT format('Hello %s, you are %s', 'Ann', 30), format('%I', 'my col'), format('%L', 'it''s'), format('%L', NULL);
SELECT format('%s-%s', 'a'); -- error 22023
SELECT format('%2$s %1$s', 'world', 'hello'), format('[%5s][%-5s]', 'ab', 'cd'), format('100%%');
SELECT quote_ident('abc'), quote_ident('Abc'), quote_ident('a b'), quote_literal('O''Reilly'), quote_nullable(NULL);
SELECT id, concat_ws(' / ', t, slug) FROM titles ORDER BY id;

-- Character codes, hashing, encoding
SELECT ascii('A'), ascii(''), ascii('é'), chr(65), chr(9731), chr(233);
SELECT chr(0); -- error 54000
SELECT md5('abc'), md5(''), to_hex(255), to_hex(-1), to_hex(9223372036854775807);
SELECT encode('hello'::bytea, 'base64'), encode('hello'::bytea, 'hex'), encode('\x00ff'::bytea, 'escape');
SELECT decode('aGVsbG8=', 'base64'), decode('68656c6c6f', 'hex'), convert_from(decode('68c3a9', 'hex'), 'UTF8');
SELECT decode('zz', 'hex'); -- error 22023
SELECT encode('x'::bytea, 'nosuch'); -- error 22023
SELECT sha256('abc'::bytea), length(sha256('abc'::bytea));

-- Arrays from strings and back
SELECT string_to_array('a,b,,c', ','), string_to_array('a,b,,c', ',', ''), string_to_array('abc', NULL), string_to_array('', ',');
SELECT array_to_string(ARRAY['a', NULL, 'c'], ','), array_to_string(ARRAY['a', NULL, 'c'], ',', '*'), array_to_string(ARRAY[1, 2], '');
SELECT string_agg(x, '+' ORDER BY x) FROM unnest(string_to_array('c,a,b', ',')) AS x;

-- String comparison, casting to and from numbers
SELECT 'abc' = 'abc', 'abc' = 'ABC', lower('ABC') = 'abc', 'a ' = 'a', 'a '::char(3) = 'a'::char(1);
SELECT '10' < '9', 10 < 9, '10'::int < '9'::int;
SELECT id, slug FROM titles ORDER BY slug NULLS FIRST;
SELECT id, t FROM titles ORDER BY t COLLATE "C" NULLS LAST;
SELECT to_char(1234.5, '9999.99'), to_char(42, '000'), to_char(-3.14159, '9.999'), to_char(1234567, '9,999,999');
SELECT to_number('1,234.50', '9,999.99'), to_char(0.5, '0.00'), to_char(12, 'FM999');
SELECT id, upper(slug)::varchar(3) FROM titles ORDER BY id;
SELECT length(repeat('x', 10000)), md5(repeat('ab', 5000));
SELECT 'O''Reilly', E'tab\there', E'new\nline', E'\\', E'\u00e9', U&'\00E9';
SELECT 'a' 'b'; -- error 42601
SELECT 'a'
    'b' AS joined;
SELECT $$dollar 'quoted' text$$, $tag$with $$ inside$tag$;
