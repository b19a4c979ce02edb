-- Array slices: taken and assigned per dimension (SQLAlchemy's arr[2:3] = ...), as PostgreSQL does
SELECT ('{{1,2},{3,4}}'::int[])[1:2][2:2], ('{{1,2},{3,4}}'::int[])[2][1:2], ('{1,2,3}'::int[])[2:];
SELECT ('{{1,2},{3,4}}'::int[])[2:2], ('{{1,2},{3,4}}'::int[])[3:4], ('{1,2}'::int[])[3:4];
SELECT ('{1,2,3,4}'::int[])[:2], ('{1,2,3,4}'::int[])[3:], ('{1,2,3,4}'::int[])[:], ('{1,2}'::int[])[NULL:1];
SELECT ('{{1,2,3},{4,5,6}}'::int[])[:][2:], ('{{1,2,3},{4,5,6}}'::int[])[2:][:2];
CREATE TABLE sl (id int PRIMARY KEY, a int[], b text[], m int[]);
INSERT INTO sl VALUES (1, '{1,2,3,4,5}', '{a,b,c}', '{{1,2},{3,4}}'), (2, NULL, NULL, NULL), (3, '{}', '{}', '{}');
UPDATE sl SET a[2:3] = '{20,30}' WHERE id = 1;
SELECT a FROM sl WHERE id = 1;
UPDATE sl SET a[2:3] = '{21,31,41}' WHERE id = 1;
SELECT a FROM sl WHERE id = 1;
UPDATE sl SET a[2:3] = '{22}' WHERE id = 1; -- error 2202E
UPDATE sl SET a[3:2] = '{1,2}' WHERE id = 1; -- error 2202E
UPDATE sl SET a[NULL:2] = '{1,2}' WHERE id = 1; -- error 22004
UPDATE sl SET a[7:8] = '{70,80}' WHERE id = 1;
SELECT a, array_length(a, 1) FROM sl WHERE id = 1;
UPDATE sl SET a[:2] = '{10,11}', a[8:] = '{88}' WHERE id = 1;
SELECT a FROM sl WHERE id = 1;
UPDATE sl SET a[:] = '{7,7,7,7,7,7,7,7,7}' WHERE id = 1;
SELECT a FROM sl WHERE id = 1;
UPDATE sl SET a[2:3] = NULL WHERE id = 1;
SELECT a FROM sl WHERE id = 1;
UPDATE sl SET a[2:3] = '{NULL,NULL}', b[2:3] = '{x,y}' WHERE id = 1;
SELECT a, b FROM sl WHERE id = 1;
UPDATE sl SET a[2:3] = '{{5,6}}' WHERE id = 1;
SELECT a FROM sl WHERE id = 1;
UPDATE sl SET a[1:2] = '{1,2}', b[1:1] = '{only}' WHERE id IN (2, 3);
SELECT id, a, b FROM sl WHERE id IN (2, 3) ORDER BY id;
UPDATE sl SET m[:1][1:1] = '{1}' WHERE id = 3; -- error 2202E
UPDATE sl SET m[1:2][2:2] = '{9,8}' WHERE id = 1;
SELECT m FROM sl WHERE id = 1;
UPDATE sl SET m[1:1] = '{5,6}' WHERE id = 1;
SELECT m FROM sl WHERE id = 1;
UPDATE sl SET m[1:1] = '{7}' WHERE id = 1; -- error 2202E
UPDATE sl SET m[1:3][1:1] = '{7,8,9}' WHERE id = 1; -- error 2202E
UPDATE sl SET a[1:1][1:1] = '{7}' WHERE id = 1; -- error 2202E
UPDATE sl SET m[2][1:2] = '{1,2,3,4}' WHERE id = 1;
SELECT m FROM sl WHERE id = 1;
UPDATE sl SET m[2][1] = 40, m[1][2] = 20 WHERE id = 1;
SELECT m FROM sl WHERE id = 1;
UPDATE sl SET m[3][1] = 9 WHERE id = 1; -- error 2202E
UPDATE sl SET m[1] = 9 WHERE id = 1; -- error 2202E
UPDATE sl SET a[1][1] = 9 WHERE id = 1; -- error 2202E
UPDATE sl SET m[1:2][1:1] = '{3,4}' WHERE id = 2;
SELECT m FROM sl WHERE id = 2;
UPDATE sl SET m[1][1] = 6 WHERE id = 3;
SELECT m FROM sl WHERE id = 3;
UPDATE sl SET a[2:3] = '{x,y}' WHERE id = 1; -- error 22P02
SELECT id, a, b, m FROM sl ORDER BY id;
