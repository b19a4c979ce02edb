-- UPDATE through subscripts: array elements and jsonb paths (SQLAlchemy's jb['k'][i] = v, arr[i] = v)
CREATE TABLE sa (id int PRIMARY KEY, a int[], t text[], jb jsonb);
INSERT INTO sa VALUES (1, '{1,2,3}', '{x,y}', '{"user": {"name": "A", "tags": ["p", "q"]}, "v": 1}'), (2, NULL, NULL, NULL), (3, '{}', '{}', '[1, 2]');
UPDATE sa SET a[2] = 20 WHERE id = 1;
SELECT a FROM sa WHERE id = 1;
UPDATE sa SET a[5] = 50 WHERE id = 1;
SELECT a, array_length(a, 1) FROM sa WHERE id = 1;
UPDATE sa SET a[1] = 7, a[2] = 8, t[1] = 'z' WHERE id = 1;
SELECT a, t FROM sa WHERE id = 1;
UPDATE sa SET a[1] = 1 WHERE id = 2;
SELECT a FROM sa WHERE id = 2;
UPDATE sa SET a[1] = 'x' WHERE id = 1; -- error 22P02
UPDATE sa SET a[NULL] = 1 WHERE id = 1; -- error 22004
UPDATE sa SET a = '{9}', a[1] = 1 WHERE id = 1; -- error 42601
UPDATE sa SET jb['user']['name'] = '"Alice"' WHERE id = 1;
SELECT jb FROM sa WHERE id = 1;
UPDATE sa SET jb['user']['tags'][1] = '"postgresql"' WHERE id = 1;
SELECT jb FROM sa WHERE id = 1;
UPDATE sa SET jb['config']['theme'] = '"light"', jb['v'] = '2' WHERE id = 1;
SELECT jb FROM sa WHERE id = 1;
UPDATE sa SET jb['new']['deep']['key'] = '1' WHERE id = 1;
SELECT jb FROM sa WHERE id = 1;
UPDATE sa SET jb['user']['tags'][5] = '"far"' WHERE id = 1;
SELECT jb -> 'user' -> 'tags' FROM sa WHERE id = 1;
UPDATE sa SET jb['user']['tags'][-1] = '"last"' WHERE id = 1;
SELECT jb -> 'user' -> 'tags' FROM sa WHERE id = 1;
UPDATE sa SET jb['k'] = '"v"' WHERE id = 2;
SELECT jb FROM sa WHERE id = 2;
UPDATE sa SET jb[0] = '"first"' WHERE id = 3;
SELECT jb FROM sa WHERE id = 3;
UPDATE sa SET jb[4] = 'true' WHERE id = 3;
SELECT jb FROM sa WHERE id = 3;
UPDATE sa SET jb['x'] = '1' WHERE id = 3; -- error 22P02
UPDATE sa SET jb['user']['name']['first'] = '1' WHERE id = 1; -- error 22023
UPDATE sa SET jb['v'] = NULL WHERE id = 1;
SELECT jb -> 'v', jb ->> 'v' IS NULL FROM sa WHERE id = 1;
SELECT id, a, t, jb FROM sa ORDER BY id;
INSERT INTO sa VALUES (1, NULL, NULL, NULL) ON CONFLICT (id) DO UPDATE SET a[2] = 99, jb['from_upsert'] = 'true';
SELECT a, jb -> 'from_upsert' FROM sa WHERE id = 1;
UPDATE sa SET id[1] = 5 WHERE id = 1; -- error 42804
