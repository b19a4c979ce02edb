-- Merge joins: joins forced to merge (enable_hashjoin = off, enable_nestloop = off) give
-- PostgreSQL's rows: NULL keys never match, duplicate keys on both sides make their cross
-- product, outer kinds pad, extra conditions filter, text keys merge in their order; EXPLAIN
-- (COSTS OFF) is compared where orbitdb and PostgreSQL choose the same shape
CREATE TABLE ma (id int PRIMARY KEY, x int, s text, v int);
CREATE TABLE mb (id int PRIMARY KEY, y int, s text, w int);
CREATE TABLE mc (k int, v int);
CREATE TABLE mt (s text PRIMARY KEY, n int);
CREATE TABLE mu (s text PRIMARY KEY, n int);
CREATE TABLE m2a (a int, b int, v int, PRIMARY KEY (a, b));
CREATE TABLE m2b (a int, b int, w int, PRIMARY KEY (a, b));
INSERT INTO ma SELECT g, CASE WHEN g % 11 = 0 THEN NULL ELSE g % 10 END, 's' || (g % 13), g FROM generate_series(1, 300) g;
INSERT INTO mb SELECT g * 2, CASE WHEN g % 9 = 0 THEN NULL ELSE g % 7 END, 's' || (g % 5), g FROM generate_series(1, 300) g;
INSERT INTO mc SELECT CASE WHEN g % 17 = 0 THEN NULL ELSE g % 50 END, g FROM generate_series(1, 200) g;
INSERT INTO mt VALUES ('', 1), ('a', 2), ('B', 3), ('b', 4), ('é', 5), ('zz', 6), ('z' || chr(233), 7), (chr(128512), 8), (chr(65535), 9), ('A ', 10);
INSERT INTO mu VALUES ('a', 20), ('b', 40), ('é', 50), ('zzz', 60), (chr(128512), 80), (chr(65535), 90), ('A', 100), ('A ', 110);
INSERT INTO m2a SELECT g % 6, g % 5, g FROM generate_series(1, 30) g ON CONFLICT DO NOTHING;
INSERT INTO m2b SELECT g % 4, g % 7, g FROM generate_series(1, 40) g ON CONFLICT DO NOTHING;
CREATE TABLE md (d numeric, f float8);
INSERT INTO md SELECT g / 4.0, g / 4.0 FROM generate_series(-8, 1300) g;
INSERT INTO md VALUES ('NaN', 'NaN'), ('NaN', 'NaN'), (NULL, NULL), (3.000, '-0'), (1.50, 'Infinity');
CREATE TABLE me (d numeric, f float8);
INSERT INTO me VALUES ('NaN', 'NaN'), (0, 0), (1.5, 1.5), (3, 3), (NULL, NULL), (-0.0, '-Infinity'), (7.25, 7.25);
ANALYZE;
SET enable_hashjoin = off;
SET enable_nestloop = off;
SELECT count(*), sum(ma.v), sum(mb.w) FROM ma JOIN mb ON ma.id = mb.id;
SELECT ma.id, mb.y FROM ma JOIN mb ON ma.id = mb.id WHERE ma.id < 40 ORDER BY ma.id;
SELECT count(*), count(ma.id), count(mb.id) FROM ma LEFT JOIN mb ON ma.id = mb.id;
SELECT count(*), count(ma.id), count(mb.id) FROM ma RIGHT JOIN mb ON ma.id = mb.id;
SELECT count(*), count(ma.id), count(mb.id) FROM ma FULL JOIN mb ON ma.id = mb.id;
SELECT count(*), sum(ma.v), sum(mc.v) FROM ma JOIN mc ON mc.k = ma.x;
SELECT ma.x, count(*) FROM ma JOIN mc ON mc.k = ma.x GROUP BY ma.x ORDER BY ma.x;
SELECT count(*), count(ma.id), count(mc.k) FROM ma LEFT JOIN mc ON mc.k = ma.x;
SELECT count(*), count(ma.id), count(mc.k), count(mc.v) FROM ma FULL JOIN mc ON mc.k = ma.x;
SELECT count(*), count(ma.id), count(mc.v) FROM ma RIGHT JOIN mc ON mc.k = ma.x;
SELECT count(*), sum(mc.v) FROM ma JOIN mc ON mc.k = ma.id;
SELECT count(*), count(mb.id) FROM ma LEFT JOIN mb ON ma.x = mb.y AND mb.w > ma.v;
SELECT count(*), count(ma.id), count(mb.id) FROM ma FULL JOIN mb ON ma.x = mb.y AND ma.v < mb.w;
SELECT count(*) FROM ma JOIN mb ON ma.x = mb.y AND ma.s = mb.s;
SELECT ma.s, count(*) FROM ma JOIN mb ON ma.s = mb.s GROUP BY ma.s ORDER BY ma.s;
SELECT mt.s, mt.n, mu.n FROM mt JOIN mu ON mt.s = mu.s ORDER BY mt.n;
SELECT mt.n, mu.n FROM mt FULL JOIN mu ON mu.s = mt.s ORDER BY mt.n, mu.n;
SELECT m2a.a, m2a.b, v, w FROM m2a JOIN m2b ON m2a.b = m2b.b AND m2a.a = m2b.a ORDER BY 1, 2;
SELECT count(*), sum(v), sum(w) FROM m2a LEFT JOIN m2b ON m2a.a = m2b.a AND m2a.b = m2b.w;
SELECT count(*), count(k) FROM ma FULL JOIN mc ON ma.x = mc.k AND false;
SELECT x, count(*) FROM ma JOIN mb USING (id) GROUP BY x ORDER BY x;
SELECT count(*), sum(ma.v) FROM ma, mb, mc WHERE ma.id = mb.id AND mc.k = mb.y;
SELECT count(*) FROM ma JOIN mb ON ma.id = mb.id::bigint;
SELECT count(*) FROM ma JOIN mc ON ma.x::bigint = mc.k;
SELECT count(*), sum(md.d) FROM ma JOIN md ON ma.id = md.d;
SELECT md.d, me.d FROM md JOIN me ON md.d = me.d ORDER BY md.d, md.d::text, me.d::text;
SELECT md.f, me.f FROM md JOIN me ON md.f = me.f ORDER BY md.f, md.f::text, me.f::text;
SELECT count(*), count(md.d), count(me.d) FROM md FULL JOIN me ON md.d = me.d;
SELECT count(*), count(md.f), count(me.f) FROM me LEFT JOIN md ON md.f = me.f AND md.d <> me.d;
SELECT count(*) FROM ma JOIN md ON ma.x = md.f;
SELECT count(*), sum(md.d) FROM ma, md WHERE ma.id = md.d AND md.f > 10;
SELECT md.d, me.f FROM md, me WHERE md.f = me.f AND md.d = me.d ORDER BY md.d, md.d::text;
EXPLAIN (COSTS OFF) SELECT * FROM ma JOIN mb ON ma.id = mb.id; -- ordered
EXPLAIN (COSTS OFF) SELECT * FROM ma JOIN mc ON mc.k = ma.id; -- ordered
RESET ALL;
SELECT count(*), sum(ma.v), sum(mb.w) FROM ma JOIN mb ON ma.id = mb.id;
SELECT count(*), count(ma.id), count(mc.k) FROM ma FULL JOIN mc ON mc.k = ma.x;
SELECT ma.id, ma.x, mb.y FROM ma JOIN mb ON ma.id = mb.id ORDER BY ma.id LIMIT 5;
SELECT ma.id, ma.x, mb.y FROM ma JOIN mb ON ma.id = mb.id ORDER BY mb.id OFFSET 140;
SELECT ma.id, mb.id FROM ma LEFT JOIN mb ON ma.id = mb.id ORDER BY ma.id DESC LIMIT 4;
SELECT ma.id, mb.id FROM ma LEFT JOIN mb ON ma.id = mb.id WHERE ma.id > 290 ORDER BY ma.id;
EXPLAIN (COSTS OFF) SELECT ma.id, ma.x, mb.y FROM ma JOIN mb ON ma.id = mb.id ORDER BY ma.id LIMIT 5; -- ordered
