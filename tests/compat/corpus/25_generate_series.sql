-- generate_series: integer, bigint, numeric and timestamp series, in FROM and in the select list,
-- feeding a time series of events.

SELECT * FROM generate_series(1, 5);
SELECT generate_series(1, 5);
SELECT * FROM generate_series(1, 10, 3);
SELECT * FROM generate_series(10, 1, -4);
SELECT * FROM generate_series(5, 1);
SELECT * FROM generate_series(1, 1);
SELECT * FROM generate_series(1, 5, 0); -- error 22023
SELECT * FROM generate_series(1, NULL);
SELECT * FROM generate_series(NULL::int, 3);
SELECT * FROM generate_series(-3, 3, 2);
SELECT * FROM generate_series(2147483645, 2147483647);
SELECT * FROM generate_series(9223372036854775805, 9223372036854775807);
SELECT * FROM generate_series(1::bigint, 3::bigint);
SELECT * FROM generate_series(0.5, 2.5, 0.5);
SELECT * FROM generate_series(1.0, 2.0);
SELECT * FROM generate_series(1, 3.5);
SELECT * FROM generate_series(1, 2, 0.0); -- error 22023
SELECT pg_typeof(g)::text FROM generate_series(1, 1) g;
SELECT pg_typeof(g)::text FROM generate_series(1::bigint, 1) g;
SELECT pg_typeof(g)::text FROM generate_series(1.5, 2) g;
SELECT * FROM generate_series(1, 'a'); -- error 22P02
SELECT * FROM generate_series('a', 'b'); -- error 42725

-- Aliases, ordinality, ordering
SELECT g FROM generate_series(1, 5) AS g ORDER BY g DESC;
SELECT n FROM generate_series(1, 3) AS t(n) ORDER BY n;
SELECT t.n * 2 FROM generate_series(1, 3) AS t(n) ORDER BY 1;
SELECT x, ord FROM generate_series(10, 30, 10) WITH ORDINALITY AS s(x, ord) ORDER BY ord;
SELECT generate_series AS g FROM generate_series(1, 2) ORDER BY g;
SELECT generate_series(1, 3) AS a, generate_series(1, 2) AS b;
SELECT generate_series(1, 2), generate_series(1, 2) * 10;
SELECT 'x', generate_series(1, 0);
SELECT count(*), sum(g), min(g), max(g), avg(g) FROM generate_series(1, 1000) g;
SELECT sum(g) FROM generate_series(1, 100000) g;
SELECT g FROM generate_series(1, 20) g WHERE g % 7 = 0 ORDER BY g;
SELECT g FROM generate_series(1, 100) g ORDER BY g DESC LIMIT 3 OFFSET 2;
SELECT g % 3 AS r, count(*) FROM generate_series(1, 10) g GROUP BY r ORDER BY r;
SELECT a.g, b.g FROM generate_series(1, 2) a(g) CROSS JOIN generate_series(1, 2) b(g) ORDER BY a.g, b.g;
SELECT a.g, b.g FROM generate_series(1, 3) a(g) JOIN generate_series(2, 4) b(g) ON a.g = b.g ORDER BY a.g;
SELECT a.g, b.g FROM generate_series(1, 3) a(g) LEFT JOIN generate_series(2, 4) b(g) ON a.g = b.g ORDER BY a.g;
SELECT g, s FROM generate_series(1, 3) g, LATERAL generate_series(1, g) s ORDER BY g, s;
SELECT array_agg(g ORDER BY g) FROM generate_series(1, 5) g;
SELECT string_agg(g::text, ',' ORDER BY g DESC) FROM generate_series(1, 5) g;
SELECT (SELECT count(*) FROM generate_series(1, g)) FROM generate_series(1, 3) g ORDER BY 1;
SELECT g FROM generate_series(1, 3) g UNION ALL SELECT g FROM generate_series(2, 4) g ORDER BY 1;
SELECT g FROM generate_series(1, 5) g EXCEPT SELECT g FROM generate_series(2, 3) g ORDER BY 1;
SELECT g, row_number() OVER (ORDER BY g DESC) FROM generate_series(1, 4) g ORDER BY g;
SELECT g, sum(g) OVER (ORDER BY g ROWS 1 PRECEDING) FROM generate_series(1, 5) g ORDER BY g;

-- Timestamp and date series
SELECT * FROM generate_series('2024-01-01'::timestamp, '2024-01-02'::timestamp, '6 hours');
SELECT * FROM generate_series('2024-01-31'::timestamp, '2024-05-31'::timestamp, '1 month');
SELECT * FROM generate_series('2024-01-01 00:00+00'::timestamptz, '2024-01-01 03:00+00'::timestamptz, '90 minutes');
SELECT g::date FROM generate_series('2024-02-27'::date, '2024-03-02'::date, '1 day') g;
SELECT * FROM generate_series('2024-01-05'::timestamp, '2024-01-01'::timestamp, '-1 day');
SELECT * FROM generate_series('2024-01-01'::timestamp, '2024-01-02'::timestamp, '0 days'); -- error 22023
SELECT * FROM generate_series('2024-01-01'::timestamp, '2024-01-02'::timestamp); -- error 42883
SELECT pg_typeof(g)::text FROM generate_series('2024-01-01'::date, '2024-01-01'::date, '1 day') g;
SELECT count(*) FROM generate_series('2024-01-01'::timestamp, '2024-12-31'::timestamp, '1 day');
SELECT extract(dow FROM d) AS dow, count(*) FROM generate_series('2024-01-01'::timestamp, '2024-01-31', '1 day') d GROUP BY dow ORDER BY dow;

-- A time series of events built from series
CREATE TABLE events (ts timestamp PRIMARY KEY, sensor int, reading numeric(6,2));
INSERT INTO events SELECT '2024-01-01'::timestamp + g * INTERVAL '15 minutes', g % 3, (g * 7 % 100) / 4.0
    FROM generate_series(0, 287) g;
SELECT count(*), min(ts), max(ts) FROM events;
SELECT sensor, count(*), sum(reading), min(reading), max(reading) FROM events GROUP BY sensor ORDER BY sensor;
SELECT date_trunc('hour', ts) AS h, count(*), sum(reading) FROM events WHERE ts < '2024-01-01 04:00' GROUP BY h ORDER BY h;
SELECT h, coalesce(n, 0) FROM generate_series('2024-01-01 22:00'::timestamp, '2024-01-02 02:00'::timestamp, '1 hour') h
    LEFT JOIN (SELECT date_trunc('hour', ts) AS hr, count(*) AS n FROM events GROUP BY hr) c ON c.hr = h ORDER BY h;
SELECT ts, reading, reading - lag(reading) OVER (ORDER BY ts) AS delta FROM events WHERE sensor = 1 ORDER BY ts LIMIT 5;
SELECT ts, avg(reading) OVER (ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) FROM events ORDER BY ts LIMIT 6;
SELECT ts FROM events WHERE reading = (SELECT max(reading) FROM events) ORDER BY ts;
SELECT count(*) FROM events WHERE ts BETWEEN '2024-01-01 06:00' AND '2024-01-01 06:59:59';
DELETE FROM events WHERE ts >= '2024-01-01 12:00';
SELECT count(*) FROM events;
INSERT INTO events SELECT '2024-01-01'::timestamp, 0, 0 FROM generate_series(1, 1); -- error 23505
INSERT INTO events SELECT '2024-01-01 12:00'::timestamp + g * INTERVAL '1 hour', 9, g FROM generate_series(1, 3) g RETURNING ts, reading;
SELECT g, g * g AS sq FROM generate_series(1, 10) g WHERE g * g > 50 ORDER BY g;
CREATE TABLE big AS SELECT g AS id, md5(g::text) AS h FROM generate_series(1, 5000) g;
SELECT count(*), count(DISTINCT h), min(id), max(id) FROM big;
SELECT id, h FROM big WHERE id IN (1, 2500, 5000) ORDER BY id;
SELECT generate_subscripts(ARRAY['a', 'b', 'c'], 1) AS i ORDER BY i;
