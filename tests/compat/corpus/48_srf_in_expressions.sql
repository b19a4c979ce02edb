-- set-returning functions inside expressions of the select list run in step, as PostgreSQL's ProjectSet
CREATE TABLE t (id int, tags text[], doc jsonb);
INSERT INTO t VALUES (1, '{a,b}', '[{"name":"x"},{"name":"y"}]'), (2, '{c}', '[]'), (3, NULL, NULL);
SELECT generate_series(1, 2) * 10;
SELECT id, upper(unnest(tags)) FROM t ORDER BY 1, 2;
SELECT jsonb_array_elements('[1,2]'::jsonb) ->> 0;
SELECT (jsonb_each('{"a":1}'::jsonb)).key;
SELECT id, unnest(tags) || '!' FROM t ORDER BY 1, 2;
SELECT generate_series(1,3) + generate_series(1,2);
SELECT CASE WHEN id > 1 THEN unnest(tags) END FROM t; -- error 0A000
SELECT id, jsonb_array_elements(doc) ->> 'name' AS n FROM t ORDER BY 1, 2;
SELECT sum(unnest(tags)::int) FROM t; -- error 0A000
SELECT unnest(array_agg(id ORDER BY id)) * 2 FROM t;
SELECT id, unnest(tags) u, generate_series(1,3) + id FROM t ORDER BY 1, 3;
SELECT coalesce(unnest(tags), 'z') FROM t; -- error 0A000
SELECT unnest(ARRAY[NULL, 1]) + 1;
SELECT (jsonb_each('{"a":1,"b":2}'::jsonb)).value::int * 10 AS v ORDER BY 1;
SELECT pg_catalog.generate_series(1,2) * 2;
SELECT DISTINCT unnest(ARRAY[1,1,2]) % 2 ORDER BY 1;
SELECT x, generate_series(1, 2) * x FROM (VALUES (1), (2)) v(x) ORDER BY 1, 2 LIMIT 3;
SELECT id, unnest(tags) || '!' FROM t FOR UPDATE; -- error 0A000
SELECT count(*) OVER (), unnest(ARRAY[1,2]) * 2;
SELECT id, row_number() OVER (ORDER BY id) + unnest(ARRAY[10, 20]) FROM t ORDER BY 1, 2;
SELECT max(id) + generate_series(1, 2) FROM t;
SELECT id % 2 AS k, unnest(array_agg(id ORDER BY id)) + 100 FROM t GROUP BY 1 ORDER BY 1, 2;
SELECT length(unnest(ARRAY['ab', 'c'])), lower(unnest(ARRAY['X', 'Y', 'Z']));
SELECT jsonb_array_elements(doc) -> 'name', jsonb_array_length(doc) FROM t WHERE id = 1 ORDER BY 1;
SELECT string_agg(x, ',') FROM (SELECT upper(unnest(tags)) AS x FROM t) s;
SELECT id, unnest(tags) IS NULL FROM t ORDER BY 1, 2;
SELECT -unnest(ARRAY[3, 1, 2]) AS neg ORDER BY 1;
SELECT unnest(ARRAY[1, 2]) * 2 UNION ALL SELECT 7 ORDER BY 1;
