-- Declarative partitioning (RANGE, LIST, DEFAULT partitions, sub-partitions) and table inheritance:
-- routing, partition constraints, moving rows between partitions, scans of parents, ATTACH/DETACH.

CREATE TABLE measurements (id int, taken date, reading numeric(6,2), PRIMARY KEY (id, taken)) PARTITION BY RANGE (taken);
CREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE measurements_2024 PARTITION OF measurements FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE measurements_bad PARTITION OF measurements FOR VALUES FROM ('2024-06-01') TO ('2026-01-01'); -- error 42P17
CREATE TABLE measurements_empty PARTITION OF measurements FOR VALUES FROM ('2027-01-01') TO ('2026-01-01'); -- error 42P17
INSERT INTO measurements VALUES (1, '2023-03-01', 1.5), (2, '2024-03-01', 2.5), (3, '2023-12-31', 3.5);
INSERT INTO measurements VALUES (4, '2030-01-01', 9); -- error 23514
INSERT INTO measurements VALUES (4, NULL, 9); -- error 23514
INSERT INTO measurements_2023 VALUES (5, '2024-02-01', 1); -- error 23514
SELECT tableoid::regclass::text, * FROM measurements ORDER BY id;
SELECT * FROM ONLY measurements;
SELECT * FROM measurements_2024 ORDER BY id;
SELECT count(*), sum(reading) FROM measurements WHERE taken >= '2023-06-01';
INSERT INTO measurements VALUES (1, '2023-03-01', 7); -- error 23505
CREATE TABLE measurements_rest PARTITION OF measurements DEFAULT;
CREATE TABLE measurements_rest2 PARTITION OF measurements DEFAULT; -- error 42P17
INSERT INTO measurements VALUES (4, '2030-01-01', 9) RETURNING *;
SELECT tableoid::regclass::text, id FROM measurements ORDER BY id;
UPDATE measurements SET taken = '2024-07-07' WHERE id = 1 RETURNING id, taken;
UPDATE measurements SET taken = '2031-01-01' WHERE id = 3;
SELECT tableoid::regclass::text, * FROM measurements ORDER BY id;
UPDATE measurements SET reading = reading * 2;
SELECT id, reading FROM measurements ORDER BY id;
DELETE FROM measurements WHERE taken < '2025-01-01' RETURNING id;
SELECT tableoid::regclass::text, * FROM measurements ORDER BY id;
CREATE TABLE measurements_2025 PARTITION OF measurements FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
INSERT INTO measurements_rest VALUES (8, '2025-05-05', 1); -- error 23514
CREATE TABLE measurements_2030 PARTITION OF measurements FOR VALUES FROM ('2030-01-01') TO ('2031-01-01'); -- error 23514
DELETE FROM measurements WHERE id = 4;
CREATE TABLE measurements_2030 PARTITION OF measurements FOR VALUES FROM ('2030-01-01') TO ('2031-01-01');
SELECT c.relname, c.relkind::text, c.relispartition, pg_get_expr(c.relpartbound, c.oid) FROM pg_class c WHERE c.relname LIKE 'measurements%' AND c.relkind IN ('r', 'p') ORDER BY 1;
SELECT pg_get_partkeydef('measurements'::regclass);
SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = 'measurements'::regclass ORDER BY 1;
SELECT partstrat::text, partnatts FROM pg_partitioned_table WHERE partrelid = 'measurements'::regclass;
SELECT relid::text, parentrelid::text, isleaf, level FROM pg_partition_tree('measurements') ORDER BY 1;
SELECT relid::text FROM pg_partition_ancestors('measurements_2025') ORDER BY 1;
SELECT pg_partition_root('measurements_2025')::text;
SELECT pg_get_partition_constraintdef('measurements_2025'::regclass);

-- ATTACH and DETACH
CREATE TABLE measurements_2026 (id int NOT NULL, taken date NOT NULL, reading numeric(6,2));
INSERT INTO measurements_2026 VALUES (10, '2026-06-06', 6);
ALTER TABLE measurements ATTACH PARTITION measurements_2026 FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
SELECT tableoid::regclass::text, id FROM measurements WHERE id = 10;
INSERT INTO measurements_2026 VALUES (11, '2027-06-06', 6); -- error 23514
CREATE TABLE measurements_2028 (id int NOT NULL, taken date NOT NULL, reading numeric(6,2));
INSERT INTO measurements_2028 VALUES (12, '2029-06-06', 6);
ALTER TABLE measurements ATTACH PARTITION measurements_2028 FOR VALUES FROM ('2028-01-01') TO ('2029-01-01'); -- error 23514
CREATE TABLE wrong_shape (id int, taken date);
ALTER TABLE measurements ATTACH PARTITION wrong_shape FOR VALUES FROM ('2028-01-01') TO ('2029-01-01'); -- error 42804
ALTER TABLE measurements DETACH PARTITION measurements_2026;
SELECT count(*) FROM measurements WHERE id = 10;
SELECT count(*) FROM measurements_2026;
ALTER TABLE measurements DETACH PARTITION measurements_2026; -- error 42P01
CREATE TABLE not_partitioned (a int);
CREATE TABLE np_part PARTITION OF not_partitioned FOR VALUES IN (1); -- error 42P17

-- LIST partitions, NULLs, sub-partitioning
CREATE TABLE orders (id int, region text, status text) PARTITION BY LIST (region);
CREATE TABLE orders_north PARTITION OF orders FOR VALUES IN ('north', 'arctic');
CREATE TABLE orders_south PARTITION OF orders FOR VALUES IN ('south', NULL) PARTITION BY LIST (status);
CREATE TABLE orders_south_open PARTITION OF orders_south FOR VALUES IN ('open');
CREATE TABLE orders_south_other PARTITION OF orders_south DEFAULT;
CREATE TABLE orders_dup PARTITION OF orders FOR VALUES IN ('arctic'); -- error 42P17
INSERT INTO orders VALUES (1, 'north', 'open'), (2, 'south', 'open'), (3, 'south', 'closed'), (4, NULL, 'open');
INSERT INTO orders VALUES (5, 'west', 'open'); -- error 23514
SELECT tableoid::regclass::text, * FROM orders ORDER BY id;
SELECT * FROM orders_south ORDER BY id;
UPDATE orders SET status = 'closed' WHERE id = 2;
UPDATE orders SET region = 'arctic' WHERE id = 4;
SELECT tableoid::regclass::text, * FROM orders ORDER BY id;
SELECT region, count(*) FROM orders GROUP BY region ORDER BY region;
CREATE TABLE bad_key (a int, b int) PARTITION BY LIST (a, b); -- error 42P17
CREATE TABLE bad_key (a int, b int) PARTITION BY RANGE (c); -- error 42703
CREATE TABLE bad_key (a int, b int, PRIMARY KEY (a)) PARTITION BY RANGE (b); -- error 0A000

-- joins and subqueries over a partitioned table
SELECT o.id, m.id FROM orders o JOIN measurements m ON m.id = o.id + 9 ORDER BY 1, 2;
SELECT id FROM orders WHERE id IN (SELECT id FROM measurements) ORDER BY id;

-- indexes on a partitioned table reach its partitions
CREATE INDEX orders_status ON orders (status);
SELECT count(*) FROM orders WHERE status = 'closed';
DROP TABLE orders;
SELECT count(*) FROM pg_class WHERE relname LIKE 'orders%';

-- inheritance
CREATE TABLE vehicles (id int, name text);
CREATE TABLE cars (doors int) INHERITS (vehicles);
CREATE TABLE boats (name text, hull text) INHERITS (vehicles);
INSERT INTO vehicles VALUES (1, 'cart');
INSERT INTO cars VALUES (2, 'sedan', 4);
INSERT INTO boats VALUES (3, 'sloop', 'wood');
SELECT tableoid::regclass::text, * FROM vehicles ORDER BY id;
SELECT * FROM ONLY vehicles;
SELECT * FROM cars;
UPDATE vehicles SET name = upper(name) WHERE id > 1;
SELECT * FROM vehicles ORDER BY id;
UPDATE ONLY vehicles SET name = 'CART';
DELETE FROM vehicles WHERE id = 2;
SELECT tableoid::regclass::text, * FROM vehicles ORDER BY id;
SELECT count(*) FROM cars;
CREATE TABLE bad_heir (id text) INHERITS (vehicles); -- error 42804
SELECT inhrelid::regclass::text, inhparent::regclass::text, inhseqno FROM pg_inherits WHERE inhparent = 'vehicles'::regclass ORDER BY 1;
DROP TABLE vehicles; -- error 2BP01
DROP TABLE vehicles CASCADE;
SELECT count(*) FROM pg_class WHERE relname IN ('vehicles', 'cars', 'boats');
DROP TABLE measurements;
SELECT count(*) FROM pg_class WHERE relname LIKE 'measurements%';
