-- JSON null is a json/jsonb value, never SQL NULL: literals, operators, functions, aggregates, casts,
-- comparison and ordering, constraints and indexes. Drivers give Python None for both, so the
-- statements tell them apart with IS NULL, ::text, jsonb_typeof and coalesce.

-- literals and text output
SELECT 'null'::jsonb IS NULL, 'null'::jsonb IS NOT NULL, 'null'::json IS NULL;
SELECT 'null'::jsonb::text, 'null'::json::text, ' null '::jsonb::text, jsonb 'null' IS NULL;
SELECT NULL::jsonb IS NULL, NULL::jsonb::text IS NULL;
SELECT coalesce('null'::jsonb, '1'::jsonb)::text, coalesce(NULL::jsonb, '1'::jsonb)::text;
SELECT nullif('null'::jsonb, 'null'::jsonb) IS NULL, nullif('null'::jsonb, '1'::jsonb)::text;
SELECT 'nul'::jsonb; -- error 22P02
SELECT 'NULL'::jsonb; -- error 22P02
SELECT '[null, NULL]'::jsonb; -- error 22P02
SELECT '{"a": null, "b": [null, {"c": null}]}'::jsonb::text, '[null]'::json::text;

-- -> and ->>: a present null is jsonb null, a missing key is SQL NULL
SELECT ('{"a": null}'::jsonb -> 'a') IS NULL, ('{"a": null}'::jsonb -> 'a')::text;
SELECT ('{"a": null}'::jsonb ->> 'a') IS NULL, ('{"a": null}'::jsonb -> 'b') IS NULL;
SELECT ('[null]'::jsonb -> 0) IS NULL, ('[null]'::jsonb -> 0)::text, ('[null]'::jsonb ->> 0) IS NULL;
SELECT ('[null]'::jsonb -> 1) IS NULL, ('[1, null]'::jsonb -> -1)::text;
SELECT ('{"a": null}'::json -> 'a') IS NULL, ('{"a": null}'::json -> 'a')::text, ('{"a": null}'::json ->> 'a') IS NULL;
SELECT ('null'::jsonb -> 'a') IS NULL, ('null'::jsonb ->> 0) IS NULL;
SELECT ('{"a": {"b": null}}'::jsonb #> '{a,b}')::text, ('{"a": {"b": null}}'::jsonb #>> '{a,b}') IS NULL;
SELECT ('{"a": {"b": null}}'::jsonb #> '{a,c}') IS NULL, ('{"a": [null]}'::jsonb #> '{a,0}')::text;
SELECT ('{"a": null}'::jsonb -> 'a' -> 'b') IS NULL, ('{"a": null}'::jsonb)['a']::text, ('{"a": null}'::jsonb)['a'] IS NULL;
SELECT jsonb_extract_path('{"a": null}', 'a')::text, jsonb_extract_path_text('{"a": null}', 'a') IS NULL;
SELECT json_extract_path('{"a": null}', 'a')::text AS p, json_extract_path_text('{"a": null}', 'a') IS NULL AS t;

-- containment and existence
SELECT 'null'::jsonb @> 'null'::jsonb, '[null]'::jsonb @> 'null'::jsonb, '[null]'::jsonb @> '[null]'::jsonb;
SELECT '{"a": null}'::jsonb @> '{"a": null}'::jsonb, '{"a": 1}'::jsonb @> '{"a": null}'::jsonb;
SELECT '{"a": null}'::jsonb ? 'a', 'null'::jsonb ? 'null', '[null]'::jsonb ? 'null';
SELECT 'null'::jsonb <@ '[null, 1]'::jsonb, '{"a": null}'::jsonb <@ '{"a": null, "b": 2}'::jsonb;

-- typeof, length, strip
SELECT jsonb_typeof('null'), json_typeof('null'), jsonb_typeof('{"a": null}'::jsonb -> 'a');
SELECT jsonb_typeof(NULL::jsonb) IS NULL, jsonb_typeof('{"a": 1}'::jsonb -> 'b') IS NULL;
SELECT jsonb_array_length('[null, null]'), json_array_length('[null]');
SELECT jsonb_array_length('null'); -- error 22023
SELECT jsonb_strip_nulls('{"a": null, "b": [null, {"c": null, "d": 1}]}')::text, jsonb_strip_nulls('null')::text;
SELECT json_strip_nulls('{"a": null, "b": 1}')::jsonb::text;

-- builders: a NULL argument is a JSON null inside the value
SELECT jsonb_build_object('a', NULL)::text, json_build_object('a', NULL, 'b', 1)::jsonb::text;
SELECT jsonb_build_array(NULL, 1, NULL)::text, json_build_array(NULL)::text;
SELECT jsonb_build_object(NULL, 1); -- error 22023
SELECT to_jsonb(NULL::int) IS NULL, to_json(NULL::text) IS NULL, to_jsonb('null'::jsonb)::text;
SELECT to_jsonb(ARRAY[1, NULL, 3])::text, to_json(ARRAY['a', NULL])::jsonb::text, array_to_json(ARRAY[NULL::int])::text;
SELECT to_jsonb(ROW(1, NULL::text))::text, row_to_json(ROW(NULL::int, 'x'))::jsonb::text;
SELECT jsonb_object('{a, NULL, b, x}')::text, json_object('{a, b}', '{NULL, 2}')::jsonb::text;
SELECT to_jsonb('null'::text)::text, jsonb_typeof(to_jsonb('null'::text));
SELECT ROW('null'::jsonb, 1)::text, ROW(NULL::jsonb, '{"a": null}'::jsonb)::text, ROW(1, 'a b', '', NULL, ROW(2, 'x"y'))::text;

-- aggregates
SELECT json_agg(x)::text, jsonb_agg(x)::text FROM (VALUES (1), (NULL), (3)) v(x);
SELECT json_agg(x)::text FROM (VALUES (NULL::int), (NULL)) v(x);
SELECT jsonb_agg(x) IS NULL FROM (VALUES (1)) v(x) WHERE false;
SELECT jsonb_agg(j ORDER BY n)::text FROM (VALUES (1, 'null'::jsonb), (2, NULL), (3, '[null]')) v(n, j);
SELECT jsonb_object_agg(k, v)::text FROM (VALUES ('a', NULL::int), ('b', 2)) t(k, v);
SELECT json_object_agg(k, v)::jsonb::text FROM (VALUES ('a', 'null'::jsonb)) t(k, v);
SELECT count(j), count(*) FROM (VALUES ('null'::jsonb), (NULL), ('1')) v(j);

-- set-returning functions keep null elements and values as JSON null
SELECT e IS NULL, e::text FROM jsonb_array_elements('[null, 1]') e ORDER BY 2;
SELECT e IS NULL FROM jsonb_array_elements_text('[null]') e;
SELECT e::text FROM json_array_elements('[null]') e;
SELECT key, value IS NULL, value::text FROM jsonb_each('{"a": null, "b": 1}') ORDER BY key;
SELECT key, value IS NULL FROM jsonb_each_text('{"a": null, "b": 1}') ORDER BY key;
SELECT key, value::text FROM json_each('{"a": null}');

-- modification
SELECT jsonb_set('{"a": 1}', '{a}', 'null')::text, jsonb_set('{"a": 1}', '{b}', 'null')::text;
SELECT jsonb_set('{"a": 1}', '{a}', NULL) IS NULL;
SELECT jsonb_set_lax('{"a": 1}', '{a}', NULL)::text, jsonb_set_lax('{"a": 1}', '{a}', NULL, true, 'delete_key')::text;
SELECT jsonb_set_lax('{"a": 1}', '{a}', NULL, true, 'return_target')::text;
SELECT jsonb_set_lax('{"a": 1}', '{a}', NULL, true, 'raise_exception'); -- error 22004
SELECT jsonb_insert('[1]', '{0}', 'null')::text, ('{"a": null}'::jsonb - 'a')::text;
SELECT ('null'::jsonb || '[1]'::jsonb)::text, ('[1]'::jsonb || 'null'::jsonb)::text, ('null'::jsonb || 'null'::jsonb)::text;
SELECT ('{"a": null}'::jsonb || '{"b": null}'::jsonb)::text, ('[null, 1]'::jsonb #- '{0}')::text;
SELECT 'null'::jsonb - 'a'; -- error 22023
SELECT jsonb_pretty('{"a": null}'), jsonb_pretty('null');

-- casts
SELECT 'null'::jsonb::json::text, 'null'::json::jsonb::text, ('null'::jsonb)::text::jsonb IS NULL;
SELECT 'null'::jsonb::int; -- error 22023
SELECT 'null'::jsonb::numeric; -- error 22023
SELECT 'null'::jsonb::boolean; -- error 22023
SELECT ('{"a": null}'::jsonb -> 'a')::float8; -- error 22023
SELECT ('{"a": null}'::jsonb ->> 'a')::int IS NULL;
SELECT CAST('null' AS jsonb)::text, CAST(NULL AS jsonb) IS NULL;

-- comparison and ordering: null = null, and null sorts below strings, numbers, booleans, arrays, objects
SELECT 'null'::jsonb = 'null'::jsonb, 'null'::jsonb <> 'null'::jsonb, 'null'::jsonb = '0'::jsonb;
SELECT 'null'::jsonb < '""'::jsonb, 'null'::jsonb < 'false'::jsonb, 'null'::jsonb > '[]'::jsonb, 'null'::jsonb < '[1]'::jsonb;
SELECT '[null]'::jsonb = '[null]'::jsonb, '[null]'::jsonb < '[1]'::jsonb, '{"a": null}'::jsonb < '{"a": 1}'::jsonb;
SELECT 'null'::jsonb IS DISTINCT FROM NULL::jsonb, 'null'::jsonb IS DISTINCT FROM 'null'::jsonb;
SELECT j::text AS t FROM (VALUES ('1'::jsonb), ('null'), (NULL), ('"a"'), ('[]'), ('{}'), ('true'), ('[null]')) v(j) ORDER BY j;
SELECT j::text AS t FROM (VALUES ('1'::jsonb), ('null'), (NULL), ('"a"')) v(j) ORDER BY j DESC NULLS LAST;
SELECT j::text AS t, count(*) FROM (VALUES ('null'::jsonb), (NULL), ('null'), (NULL), ('1')) v(j) GROUP BY j ORDER BY j;
SELECT count(DISTINCT j) FROM (VALUES ('null'::jsonb), (NULL), ('null'), ('[null]')) v(j);
SELECT DISTINCT j::text FROM (VALUES ('null'::jsonb), (NULL), ('null')) v(j) ORDER BY 1;
SELECT CASE WHEN 'null'::jsonb IS NULL THEN 'sql null' ELSE 'json null' END;

-- tables: NOT NULL, CHECK, defaults, UPDATE, storage round trip
CREATE TABLE jn (id int PRIMARY KEY, j jsonb NOT NULL, k jsonb, d jsonb DEFAULT 'null');
INSERT INTO jn (id, j, k) VALUES (1, 'null', NULL), (2, '{"a": null}', 'null'), (3, '[null]', '{"a": [null]}');
INSERT INTO jn (id, j) VALUES (4, NULL); -- error 23502
SELECT id, j::text, j IS NULL, k::text, k IS NULL, d::text, d IS NULL FROM jn ORDER BY id;
SELECT id FROM jn WHERE j = 'null' ORDER BY id;
SELECT id FROM jn WHERE k IS NULL ORDER BY id;
SELECT id FROM jn WHERE j -> 'a' = 'null' ORDER BY id;
SELECT id, jsonb_typeof(j), jsonb_typeof(k) FROM jn ORDER BY id;
UPDATE jn SET k = 'null' WHERE k IS NULL;
SELECT id, k::text, k IS NULL FROM jn ORDER BY id;
UPDATE jn SET k = NULL WHERE k = 'null';
SELECT count(*) FILTER (WHERE k IS NULL), count(k) FROM jn;
UPDATE jn SET j = j -> 'a' WHERE id = 2;
SELECT j::text, j IS NULL FROM jn WHERE id = 2;
UPDATE jn SET j = j -> 'missing' WHERE id = 2; -- error 23502
ALTER TABLE jn ADD COLUMN e jsonb NOT NULL DEFAULT 'null';
SELECT id, e::text, e IS NULL FROM jn ORDER BY id;
CREATE TABLE jc (j jsonb CHECK (j IS NOT NULL AND jsonb_typeof(j) <> 'string'));
INSERT INTO jc VALUES ('null');
INSERT INTO jc VALUES (NULL); -- error 23514
INSERT INTO jc VALUES ('"x"'); -- error 23514
SELECT j::text FROM jc;
CREATE TABLE jarr (a jsonb[]);
INSERT INTO jarr VALUES (ARRAY['null'::jsonb, NULL, '[null]']);
SELECT a::text, a[1] IS NULL, a[2] IS NULL, a[1]::text FROM jarr;

-- unique indexes and primary keys: JSON null is a value (one allowed), SQL NULL is not
CREATE TABLE ju (j jsonb UNIQUE);
INSERT INTO ju VALUES ('null'), (NULL), (NULL), ('"null"'), ('[null]');
INSERT INTO ju VALUES ('null'); -- error 23505
INSERT INTO ju VALUES ('null') ON CONFLICT DO NOTHING;
SELECT count(*), count(j) FROM ju;
SELECT j::text FROM ju WHERE j = 'null';
CREATE TABLE jpk (j jsonb PRIMARY KEY, n int);
INSERT INTO jpk VALUES ('null', 1), ('1', 2);
INSERT INTO jpk VALUES ('null', 3); -- error 23505
INSERT INTO jpk VALUES ('null', 4) ON CONFLICT (j) DO UPDATE SET n = excluded.n;
SELECT j::text, n FROM jpk WHERE j = 'null';
DELETE FROM jpk WHERE j = 'null';
SELECT j::text, n FROM jpk;
CREATE TABLE jix (id int PRIMARY KEY, j jsonb);
CREATE INDEX jix_j ON jix (j);
INSERT INTO jix VALUES (1, 'null'), (2, NULL), (3, '{"a": null}'), (4, 'null');
SELECT id FROM jix WHERE j = 'null' ORDER BY id;
SELECT id FROM jix WHERE j IS NULL ORDER BY id;
SELECT id FROM jix WHERE j = '{"a": null}';
