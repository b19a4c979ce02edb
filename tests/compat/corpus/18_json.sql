-- json / jsonb: operators (->, ->>, #>, #>>, @>, <@, ?, ?|, ?&, ||, -), constructors, aggregates,
-- set-returning functions, modification functions, over a document store.

CREATE TABLE docs (id int PRIMARY KEY, body jsonb NOT NULL, raw json);
INSERT INTO docs VALUES
    (1, '{"name": "ann", "age": 30, "tags": ["a", "b"], "address": {"city": "Oslo", "zip": "0150"}, "active": true}',
        '{"name": "ann", "age": 30}'),
    (2, '{"name": "ben", "age": 17, "tags": [], "address": {"city": "Rome"}, "active": false, "score": 9.5}',
        '{"name":"ben",  "dup": 1, "dup": 2}'),
    (3, '{"name": "cat", "tags": ["b", "c"], "address": null, "nested": {"a": {"b": {"c": 42}}}}', '[1, 2, 3]'),
    (4, '[1, 2, {"x": 3}]', '"just a string"'),
    (5, '"scalar"', NULL),
    (6, '{"name": "dan", "age": "unknown", "tags": ["a"], "n": null}', '{}');

-- -> and ->>
SELECT id, body -> 'name', body ->> 'name' FROM docs ORDER BY id;
SELECT id, body -> 'age', body ->> 'age', (body ->> 'age')::int FROM docs WHERE id IN (1, 2) ORDER BY id;
SELECT id, body -> 'address' -> 'city', body -> 'address' ->> 'city' FROM docs ORDER BY id;
SELECT id, body -> 'tags' -> 0, body -> 'tags' ->> 1, body -> 'tags' -> -1 FROM docs ORDER BY id;
SELECT body -> 2, body -> 2 -> 'x', body ->> 0, body -> 10 FROM docs WHERE id = 4;
SELECT body -> 'name', body ->> 0 FROM docs WHERE id = 5;
SELECT id, body -> 'n', body ->> 'n', body -> 'missing', (body -> 'n') IS NULL FROM docs WHERE id = 6;
SELECT raw -> 'name', raw ->> 'name', raw -> 'dup', raw ->> 'dup' FROM docs WHERE id IN (1, 2) ORDER BY id;
SELECT raw -> 1, raw ->> 2 FROM docs WHERE id = 3;
SELECT (body ->> 'age')::int FROM docs WHERE id = 6; -- error 22P02
SELECT pg_typeof(body -> 'name')::text, pg_typeof(body ->> 'name')::text, pg_typeof(raw -> 'name')::text FROM docs WHERE id = 1;
SELECT id FROM docs WHERE body ->> 'name' = 'ann';
SELECT id FROM docs WHERE (body ->> 'age')::int > 18 AND jsonb_typeof(body -> 'age') = 'number';
SELECT id, body ->> 'name' FROM docs WHERE body ? 'name' ORDER BY body ->> 'name' DESC;
SELECT '{"a": 1}'::jsonb -> 'a' = '1'::jsonb, '{"a": "1"}'::jsonb -> 'a' = '1'::jsonb;

-- #> and #>>
SELECT id, body #> '{address,city}', body #>> '{address,city}' FROM docs ORDER BY id;
SELECT body #> '{nested,a,b,c}', body #>> '{nested,a,b}', body #> '{tags,1}' FROM docs WHERE id = 3;
SELECT body #> '{}', body #>> '{2,x}' FROM docs WHERE id = 4;

-- Containment and existence
SELECT id FROM docs WHERE body @> '{"active": true}';
SELECT id FROM docs WHERE body @> '{"tags": ["b"]}' ORDER BY id;
SELECT id FROM docs WHERE body @> '{"address": {"city": "Rome"}}';
SELECT id FROM docs WHERE '{"name": "cat"}' <@ body;
SELECT '[1, 2, 3]'::jsonb @> '[3, 1]', '[1, 2, 3]'::jsonb @> '[[1]]', '{"a": [1, 2]}'::jsonb @> '{"a": [2]}', '"a"'::jsonb @> '"a"';
SELECT '{"a": 1, "b": 2}'::jsonb <@ '{"a": 1}', '{}'::jsonb <@ '{"a": 1}';
SELECT id FROM docs WHERE body ? 'score';
SELECT id FROM docs WHERE body ?| ARRAY['score', 'nested'] ORDER BY id;
SELECT id FROM docs WHERE body ?& ARRAY['name', 'tags', 'age'] ORDER BY id;
SELECT '["a", "b"]'::jsonb ? 'a', '["a", "b"]'::jsonb ? 'c', '"a"'::jsonb ? 'a';
SELECT raw @> '{"name": "ann"}' FROM docs WHERE id = 1; -- error 42883

-- Concatenation and deletion
SELECT '{"a": 1}'::jsonb || '{"b": 2}'::jsonb, '{"a": 1}'::jsonb || '{"a": 2}'::jsonb, '[1]'::jsonb || '[2, 3]'::jsonb;
SELECT '[1]'::jsonb || '2'::jsonb, '{"a": 1}'::jsonb || '[1]'::jsonb;
SELECT '{"a": 1, "b": 2}'::jsonb - 'a', '["a", "b", "a"]'::jsonb - 'a', '[1, 2, 3]'::jsonb - 0, '[1, 2, 3]'::jsonb - -1;
SELECT '{"a": 1, "b": 2, "c": 3}'::jsonb - ARRAY['a', 'c'], '{"a": {"b": 1, "c": 2}}'::jsonb #- '{a,b}';
SELECT '"x"'::jsonb - 'x'; -- error 22023

-- Constructors
SELECT jsonb_build_object('a', 1, 'b', 'two', 'c', NULL, 'd', true), json_build_object('k', ARRAY[1, 2]);
SELECT jsonb_build_array(1, 'a', NULL, 2.5), json_build_array(), jsonb_build_object();
SELECT jsonb_build_object('a'); -- error 22023
SELECT to_jsonb(1), to_jsonb('text'::text), to_jsonb(ARRAY[1, 2]), to_jsonb(true), to_jsonb(NULL::int), to_json(1.50);
SELECT to_jsonb('2024-01-02'::date), to_jsonb('2024-01-02 03:04:05'::timestamp), to_json('a"b'::text);
SELECT row_to_json(t) FROM (SELECT 1 AS a, 'x' AS b) t;
SELECT to_jsonb(t) FROM (SELECT 1 AS a, NULL::text AS b, ARRAY['q'] AS c) t;
SELECT jsonb_object(ARRAY['a', '1', 'b', '2']), json_object('{k1, v1, k2, v2}');
SELECT '{"b": 1, "a": 2}'::jsonb::text, '{"b": 1, "a": 2}'::json::text, '[1,2,  3]'::jsonb::text, '{"a":1.50}'::jsonb::text;

-- Aggregates
SELECT jsonb_agg(id ORDER BY id) FROM docs;
SELECT jsonb_agg(body -> 'name' ORDER BY id) FROM docs WHERE body ? 'name';
SELECT json_agg(x ORDER BY x) FROM (VALUES (3), (1), (2)) v(x);
SELECT jsonb_object_agg(body ->> 'name', body -> 'age') FROM docs WHERE body ? 'name';
SELECT jsonb_object_agg(k, v ORDER BY v) FROM (VALUES ('a', 1), ('b', 2), ('a', 3)) t(k, v);
SELECT jsonb_agg(t ORDER BY t.id) FROM (SELECT id, body ->> 'name' AS name FROM docs WHERE id <= 2) t;
SELECT jsonb_agg(x) FROM (SELECT 1 AS x WHERE false) s;

-- Inspection functions
SELECT id, jsonb_typeof(body), json_typeof(raw) FROM docs ORDER BY id;
SELECT id, jsonb_array_length(body -> 'tags') FROM docs WHERE body ? 'tags' ORDER BY id;
SELECT jsonb_array_length(body) FROM docs WHERE id = 4;
SELECT jsonb_array_length(body) FROM docs WHERE id = 1; -- error 22023
SELECT json_array_length(raw) FROM docs WHERE id = 3;
SELECT jsonb_object_keys(body) AS k FROM docs WHERE id = 1 ORDER BY k;
SELECT jsonb_object_keys(body) FROM docs WHERE id = 4; -- error 22023
SELECT key, value FROM jsonb_each('{"a": 1, "b": [2], "c": null}'::jsonb) ORDER BY key;
SELECT key, value FROM jsonb_each_text('{"a": 1, "b": "two", "c": null}'::jsonb) ORDER BY key;
SELECT key, value FROM json_each('{"x": {"y": 1}}'::json);
SELECT value FROM jsonb_array_elements('[1, "a", null, {"b": 2}]'::jsonb);
SELECT value FROM jsonb_array_elements_text('[1, "a", null, true]'::jsonb);
SELECT d.id, t.tag FROM docs d, jsonb_array_elements_text(d.body -> 'tags') AS t(tag) WHERE jsonb_typeof(d.body -> 'tags') = 'array' ORDER BY d.id, t.tag;
SELECT t.tag, count(*) FROM docs d CROSS JOIN LATERAL jsonb_array_elements_text(d.body -> 'tags') t(tag) GROUP BY t.tag ORDER BY t.tag;
SELECT jsonb_array_elements('{"a": 1}'::jsonb); -- error 22023
SELECT * FROM jsonb_to_record('{"a": 1, "b": "x", "c": [1]}'::jsonb) AS r(a int, b text, c jsonb);
SELECT * FROM jsonb_to_recordset('[{"a": 1}, {"a": 2, "b": "y"}]'::jsonb) AS r(a int, b text) ORDER BY a;

-- Modification functions
SELECT jsonb_set('{"a": 1, "b": {"c": 2}}'::jsonb, '{b,c}', '3'), jsonb_set('{"a": 1}'::jsonb, '{d}', '"new"');
SELECT jsonb_set('{"a": 1}'::jsonb, '{x,y}', '1'), jsonb_set('[1, 2]'::jsonb, '{0}', '"first"'), jsonb_set('{"a": 1}'::jsonb, '{d}', '1', false);
SELECT jsonb_insert('{"a": [1, 2]}'::jsonb, '{a,1}', '9'), jsonb_insert('{"a": [1, 2]}'::jsonb, '{a,1}', '9', true);
SELECT jsonb_insert('{"a": 1}'::jsonb, '{a}', '2'); -- error 22023
SELECT jsonb_strip_nulls('{"a": 1, "b": null, "c": {"d": null, "e": 2}}'::jsonb), jsonb_strip_nulls('[null, 1]'::jsonb);
SELECT jsonb_pretty('{"a": [1, 2], "b": {"c": null}}'::jsonb);
UPDATE docs SET body = jsonb_set(body, '{age}', to_jsonb((body ->> 'age')::int + 1)) WHERE id = 1 RETURNING body -> 'age';
UPDATE docs SET body = body || '{"active": true}' WHERE id = 2 RETURNING body ->> 'active';
UPDATE docs SET body = body - 'tags' WHERE id = 6 RETURNING body;
SELECT id, body FROM docs ORDER BY id;

-- JSON path
SELECT jsonb_path_query_array('{"a": [1, 2, 3, 4]}'::jsonb, '$.a[*] ? (@ > 2)'), jsonb_path_exists('{"a": 1}'::jsonb, '$.a');
SELECT jsonb_path_query_first('{"a": {"b": [10, 20]}}'::jsonb, '$.a.b[1]'), '{"a": 5}'::jsonb @? '$.a ? (@ > 3)', '{"a": 5}'::jsonb @@ '$.a > 6';

-- Errors and edge cases
SELECT '{"a": }'::jsonb; -- error 22P02
SELECT '{"a": 1'::json; -- error 22P02
SELECT 'abc'::jsonb; -- error 22P02
SELECT ''::json; -- error 22P02
SELECT '{"a": 1}'::jsonb -> 1, '[1]'::jsonb -> 'a', 'null'::jsonb -> 'a';
SELECT '{"big": 12345678901234567890, "small": 0.0000001, "neg": -0}'::jsonb;
SELECT '{"u": "\u00e9\u2603", "esc": "a\"b\\c\nd"}'::jsonb, '{"u": "\u00e9"}'::json ->> 'u';
SELECT '{"a": 1}'::json = '{"a": 1}'::json; -- error 42883
SELECT '{"a": [1, 2]}'::jsonb = '{"a": [1, 2]}'::jsonb, '[1, 2]'::jsonb = '[2, 1]'::jsonb, '{"a":1,"b":2}'::jsonb = '{"b":2,"a":1}'::jsonb;
SELECT body FROM docs WHERE id IN (3, 4, 5) ORDER BY body;
SELECT count(*), count(DISTINCT body) FROM docs;
-- the column of json(b)_array_elements(_text) in FROM is "value"; its alias names the value too
SELECT * FROM jsonb_array_elements('[1, 2]'::jsonb);
SELECT e.value FROM json_array_elements('[1]') AS e;
SELECT * FROM jsonb_array_elements('[1]') AS e(v);
SELECT e FROM jsonb_array_elements('[1, "x"]') AS e ORDER BY 1;
SELECT e ->> 'a' FROM jsonb_array_elements('[{"a": 1}, {"a": 2}]') e ORDER BY 1;
SELECT * FROM jsonb_array_elements_text('["a", "b"]') WITH ORDINALITY;
