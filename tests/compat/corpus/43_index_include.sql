-- Indexes with INCLUDE columns and NULLS [NOT] DISTINCT: recorded and reported as PostgreSQL does
CREATE TABLE ci (a int, b int, c text);
CREATE UNIQUE INDEX ci_i ON ci (a DESC) INCLUDE (b, c) NULLS NOT DISTINCT WHERE b > 0;
SELECT indkey::text, indnkeyatts, indnatts, indnullsnotdistinct, pg_get_indexdef(indexrelid) FROM pg_index WHERE indexrelid = 'ci_i'::regclass;
SELECT pg_get_indexdef('ci_i'::regclass, 1, true), pg_get_indexdef('ci_i'::regclass, 2, true), pg_get_indexdef('ci_i'::regclass, 3, true), pg_get_indexdef('ci_i'::regclass, 4, true);
SELECT attnum, attname, atttypid FROM pg_attribute WHERE attrelid = 'ci_i'::regclass ORDER BY attnum;
SELECT relnatts FROM pg_class WHERE oid = 'ci_i'::regclass;
INSERT INTO ci VALUES (1, 1, 'x'), (NULL, 2, 'y');
INSERT INTO ci VALUES (NULL, 3, 'z'); -- error 23505
INSERT INTO ci VALUES (NULL, -3, 'z');
INSERT INTO ci VALUES (1, 5, 'other include values'); -- error 23505
ALTER TABLE ci ADD CONSTRAINT u2 UNIQUE (b) INCLUDE (c);
SELECT pg_get_constraintdef(oid), conkey::text FROM pg_constraint WHERE conname = 'u2';
CREATE TABLE ci2 (a int, b int, c int, PRIMARY KEY (a) INCLUDE (b), UNIQUE NULLS NOT DISTINCT (b) INCLUDE (c));
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'ci2'::regclass ORDER BY 1;
CREATE INDEX ON ci2 (a) INCLUDE (zz); -- error 42703
CREATE INDEX ON ci2 (a) INCLUDE (b, c);
CREATE UNIQUE INDEX ci2_n ON ci2 (c) NULLS DISTINCT;
SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'ci2' ORDER BY 1;
INSERT INTO ci2 VALUES (1, NULL, NULL), (2, 2, NULL);
INSERT INTO ci2 VALUES (3, NULL, 3); -- error 23505
ALTER TABLE ci RENAME COLUMN c TO cc;
SELECT pg_get_indexdef('ci_i'::regclass), pg_get_constraintdef((SELECT oid FROM pg_constraint WHERE conname = 'u2'));
ALTER TABLE ci DROP COLUMN cc;
SELECT indexname FROM pg_indexes WHERE tablename = 'ci' ORDER BY 1;
