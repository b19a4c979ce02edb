-- Arrays: literals, array columns, subscripts and slices, operators, functions, unnest, ANY/ALL.

CREATE TABLE posts (id int PRIMARY KEY, tags text[], scores int[], grid int[][], days date[]);
INSERT INTO posts VALUES
    (1, '{sql,postgres}', '{5,3,8}', '{{1,2},{3,4}}', '{2024-01-01,2024-01-02}'),
    (2, ARRAY['python'], ARRAY[10], NULL, ARRAY['2024-02-01'::date]),
    (3, '{}', '{}', '{}', '{}'),
    (4, NULL, NULL, NULL, NULL),
    (5, '{sql,NULL,"with space","quote\"d"}', '{1,NULL,3}', '{{5,6}}', NULL);

SELECT * FROM posts ORDER BY id;
SELECT id, tags, scores FROM posts WHERE id = 5;
SELECT ARRAY[1, 2, 3], ARRAY['a'], ARRAY[]::int[], '{}'::int[], ARRAY[NULL]::int[], ARRAY[1, NULL];
SELECT ARRAY[]; -- error 42P18
SELECT ARRAY[1.5, 2], ARRAY[1::bigint, 2], ARRAY['2024-01-01'::date], ARRAY[true, false], ARRAY['a'::varchar(1)];
SELECT ARRAY[[1, 2], [3, 4]], ARRAY[ARRAY[1], ARRAY[2]], '{{a,b},{c,d}}'::text[];
SELECT ARRAY[[1, 2], [3]]; -- error 2202E
SELECT '{{1,2},{3}}'::int[]; -- error 22P02
SELECT ARRAY(SELECT id FROM posts ORDER BY id DESC), ARRAY(SELECT 1 WHERE false);
SELECT ARRAY(SELECT id, id FROM posts); -- error 42601
SELECT pg_typeof(ARRAY[1, 2])::text, pg_typeof(ARRAY[1.5])::text, pg_typeof('{a}'::text[])::text;

-- Subscripts and slices (1-based; out of range gives NULL)
SELECT id, tags[1], tags[2], tags[0], tags[99], scores[1] + scores[2] FROM posts ORDER BY id;
SELECT grid[1][2], grid[2][1], grid[1], grid[3][1] FROM posts WHERE id = 1;
SELECT scores[2:3], scores[:2], scores[2:], scores[5:9], tags[1:1] FROM posts WHERE id = 1;
SELECT grid[1:1][1:2], grid[2:2] FROM posts WHERE id = 1;
SELECT (ARRAY[10, 20, 30])[2], (ARRAY[10, 20, 30])[-1], ('{7,8}'::int[])[2];
SELECT id FROM posts WHERE tags[1] = 'sql' ORDER BY id;
SELECT scores['a'] FROM posts; -- error 22P02

-- Length and shape
SELECT id, array_length(scores, 1), cardinality(scores), array_ndims(grid), array_dims(grid), array_upper(scores, 1), array_lower(scores, 1) FROM posts ORDER BY id;
SELECT array_length(ARRAY[[1, 2, 3], [4, 5, 6]], 2), cardinality(ARRAY[[1, 2], [3, 4]]), array_length('{}'::int[], 1);
SELECT '[0:2]={1,2,3}'::int[], ('[0:2]={1,2,3}'::int[])[0], array_lower('[0:2]={1,2,3}'::int[], 1);

-- Operators
SELECT ARRAY[1, 2] || ARRAY[3], ARRAY[1] || 2, 0 || ARRAY[1], ARRAY[[1, 2]] || ARRAY[3, 4], ARRAY['a'] || 'b'::text;
SELECT ARRAY[1, 2] || ARRAY[[3, 4]];
SELECT ARRAY[1, 2] || '{{3}}'::int[]; -- error 2202E
SELECT ARRAY[1, 2, 3] @> ARRAY[2, 1], ARRAY[1, 2] <@ ARRAY[1, 2, 3], ARRAY[1, 2] && ARRAY[2, 9], ARRAY[1] && ARRAY[2];
SELECT ARRAY[1, 2] = ARRAY[1, 2], ARRAY[1, 2] < ARRAY[1, 3], ARRAY[1, 2] < ARRAY[1, 2, 0], ARRAY[2] > ARRAY[1, 9], ARRAY[1, NULL] = ARRAY[1, NULL];
SELECT ARRAY[1, 2] = ARRAY[1.0, 2.0]; -- error 42883
SELECT '{1,2}'::int[] = '{1,2}'::bigint[]; -- error 42883
SELECT ARRAY[1, 2]::numeric[] = ARRAY[1.0, 2.0], ARRAY[1, 2]::bigint[] = '{1,2}'::bigint[];
SELECT ARRAY[1, 2] = ARRAY['a']; -- error 42883
SELECT ARRAY[1, 2] = '{a}'; -- error 22P02
SELECT id FROM posts WHERE tags @> ARRAY['sql'] ORDER BY id;
SELECT id FROM posts WHERE tags && ARRAY['python', 'postgres'] ORDER BY id;
SELECT id FROM posts WHERE scores <@ ARRAY[1, 3, 5, 8, 10] ORDER BY id;
SELECT id FROM posts WHERE 'sql' = ANY (tags) ORDER BY id;
SELECT id FROM posts WHERE 3 = ANY (scores) ORDER BY id;
SELECT id FROM posts WHERE 4 > ALL (scores) ORDER BY id;
SELECT id FROM posts WHERE NOT ('sql' = ANY (tags)) ORDER BY id;
SELECT 1 = ANY ('{}'::int[]), 1 = ALL ('{}'::int[]), NULL = ANY (ARRAY[1]), 2 = ANY (ARRAY[1, NULL]), 1 = ANY (ARRAY[1, NULL]);
SELECT 'a' = ANY ('{a,b}'), 3 = ANY ('{1,2,3}');

-- Functions
SELECT array_append(ARRAY[1, 2], 3), array_prepend(0, ARRAY[1, 2]), array_cat(ARRAY[1], ARRAY[2, 3]), array_append(NULL::int[], 1);
SELECT array_remove(ARRAY[1, 2, 1, 3], 1), array_remove(ARRAY['a', NULL], NULL), array_replace(ARRAY[1, 2, 1], 1, 9);
SELECT array_position(ARRAY['a', 'b', 'c', 'b'], 'b'), array_position(ARRAY[1, 2], 9), array_positions(ARRAY[1, 2, 1], 1), array_position(ARRAY['a', 'b', 'b'], 'b', 3);
SELECT array_to_string(ARRAY[1, NULL, 3], ','), array_to_string(ARRAY[1, NULL, 3], ',', 'N'), array_to_string(ARRAY[[1, 2], [3, 4]], '-');
SELECT array_fill(7, ARRAY[3]), array_fill('x'::text, ARRAY[2, 2]), array_fill(0, ARRAY[2], ARRAY[5]);
SELECT trim_array(ARRAY[1, 2, 3, 4], 2);
SELECT array_remove(ARRAY[[1, 2], [3, 4]], 1); -- error 0A000
SELECT id, array_append(tags, 'new'), array_length(array_remove(scores, 3), 1) FROM posts ORDER BY id;
SELECT string_to_array('1,2,3', ',')::int[], ARRAY['1', '2']::int[] || 3;

-- unnest
SELECT unnest(ARRAY[3, 1, 2]);
SELECT x FROM unnest(ARRAY[3, 1, 2]) AS x ORDER BY x;
SELECT x, n FROM unnest(ARRAY['c', 'a', 'b']) WITH ORDINALITY AS t(x, n) ORDER BY n;
SELECT a, b FROM unnest(ARRAY[1, 2, 3], ARRAY['x', 'y']) AS t(a, b) ORDER BY a;
SELECT unnest(ARRAY[[1, 2], [3, 4]]);
SELECT id, unnest(tags) FROM posts WHERE id IN (1, 5);
SELECT p.id, t.tag FROM posts p, unnest(p.tags) AS t(tag) ORDER BY p.id, t.tag NULLS FIRST;
SELECT t.tag, count(*) FROM posts p CROSS JOIN LATERAL unnest(p.tags) t(tag) GROUP BY t.tag ORDER BY t.tag NULLS LAST;
SELECT p.id, sum(s) FROM posts p LEFT JOIN LATERAL unnest(p.scores) s ON true GROUP BY p.id ORDER BY p.id;
SELECT unnest('{}'::int[]);
SELECT array_agg(x ORDER BY x DESC) FROM unnest(ARRAY[1, 3, 2]) x;
SELECT array_agg(x ORDER BY n) FROM unnest(ARRAY[1, 3, 2]) WITH ORDINALITY t(x, n);

-- Updating array columns
UPDATE posts SET tags = array_append(tags, 'updated') WHERE id = 2;
UPDATE posts SET scores[2] = 99 WHERE id = 1;
UPDATE posts SET scores[5] = 1 WHERE id = 2;
UPDATE posts SET tags[1] = 'first' WHERE id = 3;
UPDATE posts SET grid[1][1] = 0 WHERE id = 1;
SELECT id, tags, scores, grid FROM posts ORDER BY id;
UPDATE posts SET scores = scores || ARRAY[7] WHERE id = 1 RETURNING scores;
UPDATE posts SET scores = '{a}' WHERE id = 1; -- error 22P02
UPDATE posts SET scores = ARRAY[1.9, 2.1] WHERE id = 4 RETURNING scores;
INSERT INTO posts (id, tags) VALUES (6, ARRAY[1, 2]);
SELECT tags FROM posts WHERE id = 6;
INSERT INTO posts (id, scores) VALUES (7, ARRAY['x']); -- error 42804
INSERT INTO posts (id, scores) VALUES (7, '{x}'); -- error 22P02
INSERT INTO posts (id, days) VALUES (8, ARRAY['2024-13-01']); -- error 42804
INSERT INTO posts (id, days) VALUES (8, '{2024-13-01}'); -- error 22008

-- Ordering, grouping and distinct on arrays
SELECT id, scores FROM posts ORDER BY scores NULLS FIRST, id;
SELECT DISTINCT tags FROM posts WHERE tags IS NOT NULL ORDER BY tags;
SELECT tags, count(*) FROM posts GROUP BY tags ORDER BY tags NULLS LAST;
SELECT max(scores), min(scores) FROM posts;
SELECT ARRAY['b', 'a'] < ARRAY['b', 'b'], ARRAY['B'] < ARRAY['a'];
