-- Expressions: CASE, COALESCE, NULLIF, GREATEST/LEAST, LIKE/ILIKE/SIMILAR TO/regex, BETWEEN,
-- IS [NOT] DISTINCT FROM, three-valued logic and NULL semantics, operator precedence.

CREATE TABLE people (id int PRIMARY KEY, name text, nick text, age int, email text, score numeric(5,1));
INSERT INTO people VALUES
    (1, 'Alice', NULL, 30, 'alice@example.com', 9.5),
    (2, 'bob', 'bobby', 17, 'BOB@EXAMPLE.COM', NULL),
    (3, 'Carol_X', 'cc', NULL, NULL, 7.0),
    (4, 'dave%', '', 45, 'dave@test.org', 3.3),
    (5, NULL, 'ghost', 0, 'x@y', 0);

-- CASE
SELECT id, CASE WHEN age >= 18 THEN 'adult' WHEN age < 18 THEN 'minor' ELSE 'unknown' END FROM people ORDER BY id;
SELECT id, CASE age WHEN 30 THEN 'thirty' WHEN 17 THEN 'seventeen' END FROM people ORDER BY id;
SELECT id, CASE WHEN score > 5 THEN score END FROM people ORDER BY id;
SELECT CASE WHEN true THEN 1 ELSE 2.5 END, CASE WHEN false THEN 1 ELSE 2 END;
SELECT CASE WHEN NULL THEN 'a' ELSE 'b' END, CASE NULL WHEN NULL THEN 'eq' ELSE 'ne' END;
SELECT CASE WHEN 1 = 1 THEN 'x' END AS c, CASE WHEN 1 = 0 THEN 'x' END AS d;
SELECT CASE WHEN id = 1 THEN 1 ELSE 'a' END FROM people; -- error 22P02
SELECT CASE WHEN id = 1 THEN 1 ELSE 'a'::text END FROM people; -- error 42804
SELECT CASE WHEN 1 THEN 'x' END; -- error 42804
SELECT CASE WHEN false THEN 1 / 0 ELSE 0 END;
SELECT id, CASE WHEN age IS NULL THEN -1 ELSE age * 2 END AS a2 FROM people ORDER BY a2, id;
SELECT sum(CASE WHEN age >= 18 THEN 1 ELSE 0 END) AS adults FROM people;

-- COALESCE / NULLIF / GREATEST / LEAST
SELECT id, coalesce(nick, name, 'anon') FROM people ORDER BY id;
SELECT coalesce(NULL, NULL, 3), coalesce(NULL::int), coalesce(1, 1 / 0);
SELECT coalesce(1, 2.5), coalesce(NULL, 'x');
SELECT coalesce(1, 'a'); -- error 22P02
SELECT id, nullif(nick, '') FROM people ORDER BY id;
SELECT nullif(1, 1), nullif(1, 2), nullif(NULL, 1), nullif('a', 'b');
SELECT nullif(1, 'a'); -- error 22P02
SELECT greatest(1, 5, 3), least(1, 5, 3), greatest('apple', 'banana'), least(2.5, 1, 3);
SELECT greatest(1, NULL, 3), least(NULL, NULL::int), greatest(NULL::int);
SELECT id, greatest(age, 18), least(score, 5) FROM people ORDER BY id;
SELECT greatest(1, 'a'); -- error 22P02
SELECT greatest('2024-01-01'::date, '2023-12-31'::date), least(1::smallint, 2::bigint);

-- LIKE / ILIKE / escapes
SELECT id FROM people WHERE name LIKE 'A%' ORDER BY id;
SELECT id FROM people WHERE name LIKE '%o%' ORDER BY id;
SELECT id FROM people WHERE name LIKE '_ob' ORDER BY id;
SELECT id FROM people WHERE name ILIKE 'b%' OR name ILIKE 'a%' ORDER BY id;
SELECT id FROM people WHERE name NOT LIKE '%a%' ORDER BY id;
SELECT id FROM people WHERE name NOT ILIKE '%A%' ORDER BY id;
SELECT id FROM people WHERE name LIKE '%\_%' ORDER BY id;
SELECT id FROM people WHERE name LIKE '%#%' ESCAPE '#' ORDER BY id;
SELECT id FROM people WHERE name LIKE 'dave%%' ORDER BY id;
SELECT 'abc' LIKE 'abc', 'abc' LIKE 'ABC', 'abc' ILIKE 'ABC', 'abc' LIKE '', '' LIKE '%', 'a%c' LIKE 'a\%c';
SELECT 'abc' ~~ 'a%', 'abc' !~~ 'a%', 'ABC' ~~* 'a%', 'ABC' !~~* 'a%';
SELECT NULL LIKE 'a', 'a' LIKE NULL;
SELECT 'line1
line2' LIKE 'line1%line2';
SELECT 'a_c' LIKE 'a\_c', 'abc' LIKE 'a\_c', 'a\c' LIKE 'a\\c';
SELECT 'abc' LIKE 'a\'; -- error 22025
SELECT id FROM people WHERE email LIKE '%@example.com' ORDER BY id;
SELECT id FROM people WHERE lower(email) LIKE '%@example.com' ORDER BY id;
SELECT id FROM people WHERE age LIKE '3%'; -- error 42883

-- SIMILAR TO
SELECT 'abc' SIMILAR TO 'abc', 'abc' SIMILAR TO 'a', 'abc' SIMILAR TO '%(b|d)%', 'abc' SIMILAR TO '(a|b)%';
SELECT 'aaa' SIMILAR TO 'a*', 'ab' SIMILAR TO 'a_', 'abc' NOT SIMILAR TO 'a[bc]+';
SELECT id FROM people WHERE email SIMILAR TO '[a-z]+@[a-z]+.(com|org)' ORDER BY id;

-- POSIX regular expressions
SELECT 'abc' ~ 'b', 'abc' ~ '^b', 'abc' ~* 'B', 'abc' !~ 'z', 'abc' !~* 'A';
SELECT id FROM people WHERE name ~ '^[A-Z]' ORDER BY id;
SELECT id FROM people WHERE email ~* '@example\.com$' ORDER BY id;
SELECT id FROM people WHERE name !~ '[aeiou]' ORDER BY id;
SELECT 'foo123' ~ '\d+', 'foo' ~ '\d', 'a.b' ~ 'a\.b', 'axb' ~ 'a\.b';
SELECT 'abc' ~ '('; -- error 2201B
SELECT regexp_replace('2024-01-15', '(\d+)-(\d+)-(\d+)', '\3/\2/\1');
SELECT regexp_replace('aaa', 'a', 'b'), regexp_replace('aaa', 'a', 'b', 'g'), regexp_replace('AbC', '[a-z]', '_', 'gi');
SELECT regexp_match('foo123bar45', '\d+'), regexp_match('abc', 'z'), regexp_match('key=val', '(\w+)=(\w+)');
SELECT regexp_matches('a1b2c3', '\d', 'g');
SELECT regexp_split_to_array('a, b,c', ',\s*'), regexp_split_to_table('x-y-z', '-');

-- BETWEEN
SELECT id FROM people WHERE age BETWEEN 17 AND 30 ORDER BY id;
SELECT id FROM people WHERE age NOT BETWEEN 17 AND 30 ORDER BY id;
SELECT id FROM people WHERE age BETWEEN 30 AND 17;
SELECT id FROM people WHERE age BETWEEN SYMMETRIC 30 AND 17 ORDER BY id;
SELECT 5 BETWEEN 1 AND 10, 5 BETWEEN 5 AND 5, NULL BETWEEN 1 AND 2, 1 BETWEEN NULL AND 2, 3 BETWEEN NULL AND 2;
SELECT 'b' BETWEEN 'a' AND 'c', '2024-02-01'::date BETWEEN '2024-01-01' AND '2024-12-31';

-- IS [NOT] DISTINCT FROM, IS NULL, IS TRUE / UNKNOWN
SELECT 1 IS DISTINCT FROM 1, 1 IS DISTINCT FROM 2, 1 IS DISTINCT FROM NULL, NULL IS DISTINCT FROM NULL;
SELECT 1 IS NOT DISTINCT FROM 1, NULL IS NOT DISTINCT FROM NULL, 'a' IS NOT DISTINCT FROM NULL;
SELECT id FROM people WHERE nick IS DISTINCT FROM 'cc' ORDER BY id;
SELECT id FROM people WHERE nick IS NOT DISTINCT FROM NULL;
SELECT NULL IS NULL, 1 IS NULL, NULL IS NOT NULL, 'x' IS NOT NULL;
SELECT true IS TRUE, NULL IS TRUE, false IS NOT TRUE, NULL IS NOT FALSE, NULL IS UNKNOWN, true IS NOT UNKNOWN;
SELECT id, age > 20 IS TRUE AS older FROM people ORDER BY id;
SELECT 1 ISNULL, NULL NOTNULL;

-- Three-valued logic and NULL propagation
SELECT true AND NULL, false AND NULL, true OR NULL, false OR NULL, NOT NULL::boolean;
SELECT NULL = NULL, NULL <> NULL, NULL < 1, 1 + NULL, 'a' || NULL, NULL::int * 0;
SELECT count(*) FROM people WHERE age > 20 OR age <= 20;
SELECT count(*) FROM people WHERE NOT (age > 20);
SELECT id FROM people WHERE nick = NULL;
SELECT id FROM people WHERE (age > 20) IS NOT TRUE ORDER BY id;
SELECT NULL::boolean AND false, false AND 1 / 0 = 1;

-- Operator precedence and arithmetic
SELECT 2 + 3 * 4, (2 + 3) * 4, 2 * 3 ^ 2, -2 ^ 2, (-2) ^ 2, 10 - 2 - 3, 2 ^ 3 ^ 2;
SELECT 7 / 2 * 2, 7 % 4 * 2, 1 + 2 = 3, NOT 1 = 2, 1 < 2 AND 2 < 3 OR false;
SELECT 1 = 1 = true; -- error 42601
SELECT - - 5, +5, -(-5), @ -5, abs(-5);
SELECT 'a' || 'b' || 'c', 'a' || 1 + 2;
SELECT 5 & 3, 5 | 3, 5 # 3, ~5, 1 << 4, 16 >> 2;
SELECT 1 < 2 < 3; -- error 42601
SELECT 'a' < 'b', 'B' < 'a', 'abc' < 'abd', 'ab' < 'abc', '' < 'a';
SELECT 1.0 = 1.00, 0.1 + 0.2 = 0.3, 0.1::float8 + 0.2::float8 = 0.3::float8;
SELECT true > false, true = 't', 'yes'::boolean = true;
SELECT id, age + 1, age - 1, age * 2, age / 2, age % 7, -age FROM people ORDER BY id;
SELECT id, score * 2, score / 3, score + age FROM people ORDER BY id;
SELECT ROW(1, 2) = ROW(1, 2), ROW(1, 2) < ROW(1, 3), (1, NULL) = (1, 2), (1, 'a') <> (2, 'a');
SELECT id FROM people WHERE (id, age) IN ((1, 30), (2, 17), (3, NULL)) ORDER BY id;
