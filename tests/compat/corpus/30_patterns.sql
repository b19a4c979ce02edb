-- LIKE, ILIKE, SIMILAR TO and the POSIX regular expression operators and functions.

CREATE TABLE words (id int PRIMARY KEY, w text);
INSERT INTO words VALUES (1, 'apple'), (2, 'Banana'), (3, 'cherry pie'), (4, ''), (5, NULL), (6, 'a_b%c'),
    (7, 'line1' || chr(10) || 'line2'), (8, 'Ünïcödé'), (9, 'foo bar  baz'), (10, 'aaa');

-- LIKE and ILIKE
SELECT 'abc' LIKE 'abc', 'abc' LIKE 'a%', 'abc' LIKE '%c', 'abc' LIKE '_b_', 'abc' LIKE 'a_', 'abc' LIKE '%', '' LIKE '%', '' LIKE '_';
SELECT 'abc' LIKE '%%', 'abc' LIKE '%b%', 'abc' LIKE '%d%', 'abc' NOT LIKE 'a%', 'ab' LIKE 'a%b%', 'aXbXc' LIKE 'a%b%c';
SELECT repeat('a', 200) LIKE '%a%a%a%a%a%b', repeat('a', 200) LIKE '%a%a%a%a%a%', repeat('ab', 100) LIKE '%a_a_a_b';
SELECT 'a%b' LIKE 'a\%b', 'axb' LIKE 'a\%b', 'a_b' LIKE 'a\_b', 'axb' LIKE 'a\_b', 'a\b' LIKE 'a\\b';
SELECT 'a%b' LIKE 'a#%b' ESCAPE '#', 'a#b' LIKE 'a##b' ESCAPE '#', 'a\b' LIKE 'a\b' ESCAPE '', 'a%' LIKE 'a%' ESCAPE '';
SELECT 'abc' LIKE 'ab\'; -- error 22025
SELECT 'abc' LIKE 'a' ESCAPE 'xy'; -- error 22025
SELECT 'abc' SIMILAR TO 'a' ESCAPE 'xy'; -- error 22025
SELECT 'ABC' ILIKE 'abc', 'abc' ILIKE 'A_C', 'ÀB' ILIKE 'àb', 'ÀB' ILIKE '_b', 'Straße' ILIKE 'STRASSE', 'a' ILIKE 'A%';
SELECT 'ABC' NOT ILIKE 'a%', 'X%Y' ILIKE 'x#%y' ESCAPE '#', 'abc' ~~ 'a%', 'abc' ~~* 'A%', 'abc' !~~ 'a%', 'abc' !~~* 'B%';
SELECT id, w LIKE '%a%', w ILIKE 'b%', w LIKE '%\_%' FROM words ORDER BY id;
SELECT id FROM words WHERE w LIKE '%e%' ORDER BY id;
SELECT 'ünï' LIKE '_n_', 'ünï' LIKE 'ü%', NULL LIKE 'a', 'a' LIKE NULL;
SELECT w, p, w LIKE p FROM (VALUES ('abc', 'a%'), ('abc', '_x_'), ('a%c', 'a\%c')) v(w, p) ORDER BY 1, 2;

-- SIMILAR TO
SELECT 'abc' SIMILAR TO 'abc', 'abc' SIMILAR TO 'a', 'abc' SIMILAR TO '%(b|d)%', 'abc' SIMILAR TO '(b|c)%', 'abd' SIMILAR TO 'a[bc]d';
SELECT 'aaa' SIMILAR TO 'a{2,3}', 'a.c' SIMILAR TO 'a.c', 'abc' SIMILAR TO 'a.c', 'a^b' SIMILAR TO 'a^b', 'a$b' SIMILAR TO 'a$b';
SELECT '%' SIMILAR TO '[%]', '_' SIMILAR TO '[_]', 'a' SIMILAR TO '[_]', 'ab' SIMILAR TO 'a#' ESCAPE '#', 'a%' SIMILAR TO 'a#%' ESCAPE '#';
SELECT 'xy' SIMILAR TO 'x_', 'x' || chr(10) SIMILAR TO 'x_', 'abab' SIMILAR TO '(ab)+', 'abc' NOT SIMILAR TO 'a%';
SELECT substring('foobar', '%#"o_b#"%', '#'), substring('foobar', '#"o_b#"%', '#'), substring('foobar', 'f#"o%#"r', '#');
SELECT substring('Thomas', '%#"o_a#"_', '#'), substring('abc', 'a{1,2}bc', '#'), substring('a,b', 'a,b', '#');
SELECT substring('foobar', '%#"o_b#"%#"%', '#'); -- error 2200C

-- ~ and friends
SELECT 'abc' ~ 'b', 'abc' ~ '^b', 'abc' ~* 'B', 'abc' !~ 'b', 'abc' !~* 'B', 'ABC' ~ 'b';
SELECT repeat('a', 40) ~ '(a+)+b', repeat('a', 40) ~ '(a|aa)+$', repeat('a', 40) ~ '^(a*)*$';
SELECT 'foo bar' ~ '\mbar\M', 'foobar' ~ '\mbar', 'foo bar' ~ '\ybar\y', 'foobar' ~ '\Ybar', 'x y' ~ '\s', 'xy' ~ '\S\S';
SELECT 'ab12' ~ '^[[:alpha:]]+[[:digit:]]+$', 'A' ~ '[[:lower:]]', 'A' ~* '[[:lower:]]', 'É' ~* 'é', '_' ~ '\w', 'é' ~ '\w';
SELECT 'abc' ~ '(?i)B', 'abc' ~ '***:(?i)B', 'a.c' ~ '***=a.c', 'abc' ~ '***=a.c', 'a b' ~ '(?x) a \  b', 'ab' ~ '(?x) a b # comment';
SELECT 'a' || chr(10) || 'b' ~ 'a.b', 'a' || chr(10) || 'b' ~ '^b', 'ab' || chr(10) ~ 'b$', 'a' ~ '\Aa\Z', 'a' || chr(7) ~ '\a';
SELECT 'x' ~ '\x78', 'x' ~ '\u0078', 'x' ~ '\170', 'tab' || chr(9) ~ '\t$', '\' ~ '\B', 'a{' ~ 'a{', 'a{x' ~ 'a{x';
SELECT id, w ~ '^[a-c]', w ~* '^[a-c]', w ~ 'an{1,2}a', w ~ '(.)\1' FROM words ORDER BY id;
SELECT 'abab' ~ '(ab)\1', 'abba' ~ '(a)(b)\2\1', 'abc' ~ 'a(?=b)', 'abc' ~ 'a(?!b)', 'abc' ~ '(?<=a)b', 'abc' ~ '(?<!a)b';
SELECT 'a' ~ '*'; -- error 2201B
SELECT 'a' ~ 'a**'; -- error 2201B
SELECT 'a' ~ '('; -- error 2201B
SELECT 'a' ~ 'a)'; -- error 2201B
SELECT 'a' ~ '[a'; -- error 2201B
SELECT 'a' ~ '[[:foo:]]'; -- error 2201B
SELECT 'a' ~ 'a{256}'; -- error 2201B
SELECT 'a' ~ 'a{2,1}'; -- error 2201B
SELECT 'a' ~ 'a{1'; -- error 2201B
SELECT 'a' ~ '\q'; -- error 2201B
SELECT 'a' ~ 'a\'; -- error 2201B
SELECT 'a' ~ 'a(?i)b'; -- error 2201B
SELECT 'a' ~ '(?z)a'; -- error 2201B
SELECT 'a' ~ '\2(a)'; -- error 2201B
SELECT 'a' ~ '[z-a]'; -- error 2201B
SELECT 'a' ~ '^*'; -- error 2201B
SELECT 'a' ~ 'a{1,2}{3}'; -- error 2201B

-- substring ... FROM pattern
SELECT substring('foobar' FROM 'o.b'), substring('foobar' FROM 'o(.)b'), substring('foobar' FROM 'x'), substring('abc' FROM '(?:b)');
SELECT substring('abcd' FROM 'a|ab'), substring('abcabc' FROM 'a.*?c'), substring('abcabc' FROM 'a.*c'), substring('xaaay' FROM 'a+?');
SELECT substring('123abc456' FROM '[0-9]+'), substring('aaa' FROM '(a*)(a)'), substring('abc' FROM '(a)|b');

-- regexp_match, regexp_matches
SELECT regexp_match('foobarbequebaz', 'ba.'), regexp_match('foobarbequebaz', '(bar)(beque)'), regexp_match('abc', 'x');
SELECT regexp_match('ABC', 'b', 'i'), regexp_match('abcd', 'a|ab'), regexp_match('abcabc', '(a.*?)c'), regexp_match('xyabbbc', 'a(b*)');
SELECT regexp_match('a' || chr(10) || 'b', '^b', 'n'), regexp_match('a' || chr(10) || 'b', 'a.b', 'n'), regexp_match('a' || chr(10) || 'b', 'a[^x]b', 'p');
SELECT regexp_match('abc', 'b', 'g'); -- error 22023
SELECT regexp_match('abc', 'b', 'z'); -- error 22023
SELECT regexp_matches('foobarbequebazilbarfbonk', '(b[^b]+)(b[^b]+)', 'g');
SELECT regexp_matches('abc', '', 'g');
SELECT regexp_matches('aXbXc', 'x', 'gi');
SELECT regexp_matches('ab', '(a)(x)?');
SELECT regexp_matches('Ünïcödé', '[^a-z]', 'g');

-- regexp_replace
SELECT regexp_replace('Thomas', '.[mN]a.', 'M'), regexp_replace('hello world', 'o', '0', 'g'), regexp_replace('abc', 'b', '[\&]');
SELECT regexp_replace('foobarbaz', 'b(..)', 'X\1Y', 'g'), regexp_replace('abc', '(b)', '\\\1'), regexp_replace('aaa', 'a', 'b', 2);
SELECT regexp_replace('ABCabc', 'b', 'x', 'gi'), regexp_replace('abcabc', 'b', 'x', 1, 2), regexp_replace('abcabc', 'b', 'x', 1, 0, 'g');
SELECT regexp_replace('a' || chr(10) || 'b', '^', '>', 'gn'), regexp_replace('aaa', '', '-', 'g'), regexp_replace('éa', 'a', 'x');
SELECT regexp_replace('abc', 'b', 'x', 0); -- error 22023

-- splitting
SELECT regexp_split_to_array('hello world  foo', '\s+'), regexp_split_to_array('abc', ''), regexp_split_to_array('a,b,,c', ',');
SELECT regexp_split_to_table('the quick brown fox', '\s+') ORDER BY 1;
SELECT regexp_split_to_array('aXbxc', 'x', 'i'), regexp_split_to_array('', ','), regexp_split_to_array('abc', 'x*');
SELECT regexp_split_to_array('abc', 'b', 'g'); -- error 22023

-- counting and positions (PostgreSQL 15)
SELECT regexp_count('ABCABCAXYaxy', 'A.'), regexp_count('ABCABCAXYaxy', 'A.', 1, 'i'), regexp_count('aaa', 'a', 2), regexp_count('aaa', '');
SELECT regexp_instr('ABCDEF', 'c(.)(..)', 1, 1, 0, 'i', 2), regexp_instr('abcabc', 'b', 1, 2), regexp_instr('abc', 'x'), regexp_instr('abcabc', 'b', 1, 1, 1);
SELECT regexp_substr('ABCDEF', 'c(.)(..)', 1, 1, 'i', 2), regexp_substr('abcabc', 'b.', 1, 2), regexp_substr('abc', 'x');
SELECT regexp_like('Hello World', 'world'), regexp_like('Hello World', 'world', 'i'), regexp_like('a' || chr(10) || 'b', 'a.b', 'n');
SELECT regexp_count('abc', 'b', 0); -- error 22023
SELECT regexp_instr('abc', 'b', 1, 0); -- error 22023
SELECT w, regexp_replace(w, '[aeiou]', '*', 'g'), regexp_count(w, '[aeiou]') FROM words ORDER BY id;
