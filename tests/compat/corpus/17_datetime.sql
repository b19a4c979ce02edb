-- Date/time: date, time, timestamp, timestamptz, interval arithmetic and functions, with fixed inputs
-- (no now()); the session time zone is UTC.

CREATE TABLE events (id int PRIMARY KEY, kind text, at timestamp, atz timestamptz, day date, dur interval);
INSERT INTO events VALUES
    (1, 'login', '2024-01-31 23:59:59', '2024-01-31 23:59:59+00', '2024-01-31', '1 hour'),
    (2, 'click', '2024-02-29 12:00:00.5', '2024-02-29 12:00:00.5-05', '2024-02-29', '90 minutes'),
    (3, 'logout', '2023-12-31 00:00:00', '2023-12-31 00:00:00+09', '2023-12-31', '1 day 2 hours'),
    (4, 'click', '2024-03-10 02:30:00', '2024-03-10 02:30:00+00', '2024-03-10', '-30 seconds'),
    (5, 'noop', NULL, NULL, NULL, NULL);

-- Date arithmetic
SELECT '2024-01-31'::date + 1, '2024-03-01'::date - 1, '2024-03-01'::date - '2024-02-01'::date, 1 + '2024-01-01'::date;
SELECT '2024-01-31'::date + INTERVAL '1 month', '2024-01-31'::date + INTERVAL '1 day', '2024-02-29'::date - INTERVAL '1 year';
SELECT '2024-01-15'::date + '10:30'::time, '2024-01-15'::date - '2023-01-15'::date;
SELECT pg_typeof('2024-01-01'::date + 1)::text, pg_typeof('2024-01-01'::date + INTERVAL '1 day')::text, pg_typeof('2024-01-02'::date - '2024-01-01'::date)::text;
SELECT '2024-01-01'::date + 1.5; -- error 42883
SELECT '2024-01-01'::date + '2024-01-02'::date; -- error 42883
SELECT id, day + 7, day - 7 FROM events ORDER BY id;
SELECT '2024-12-31'::date + 1, '2023-02-28'::date + 1, '2024-02-28'::date + 1;

-- Timestamp arithmetic
SELECT '2024-01-01 10:00'::timestamp + INTERVAL '2 hours 30 minutes', '2024-01-01 10:00'::timestamp - INTERVAL '1 day';
SELECT '2024-03-01 00:00'::timestamp - '2024-02-28 12:00'::timestamp, ('2024-03-01'::timestamp - '2023-03-01'::timestamp)::text;
SELECT '2024-01-31 10:00'::timestamp + INTERVAL '1 month', '2024-03-31'::timestamp - INTERVAL '1 month';
SELECT '2024-01-01 00:00:00+00'::timestamptz + INTERVAL '36 hours', '2024-01-01 00:00:00+00'::timestamptz - '2023-12-31 12:00:00+00'::timestamptz;
SELECT id, at + dur, atz - dur, at - '2024-01-01'::timestamp FROM events ORDER BY id;
SELECT '2024-01-01'::timestamp + 1; -- error 42883
SELECT '10:00'::time + INTERVAL '3 hours', '23:00'::time + INTERVAL '2 hours', '10:00'::time - '08:30'::time;
SELECT ('10:00'::time - '08:30'::time)::text, '10:00'::time - INTERVAL '11 hours';

-- Interval arithmetic
SELECT (INTERVAL '1 hour' * 3)::text, (INTERVAL '1 day' / 4)::text, (INTERVAL '1 month' * 1.5)::text, (-INTERVAL '2 days')::text;
SELECT (INTERVAL '1 day' + INTERVAL '1 hour')::text, (INTERVAL '1 year' - INTERVAL '1 day')::text, (3 * INTERVAL '20 minutes')::text;
SELECT INTERVAL '1 day' > INTERVAL '23 hours', INTERVAL '1 month' > INTERVAL '29 days', INTERVAL '60 minutes' = INTERVAL '1 hour';
SELECT justify_days(INTERVAL '35 days')::text, justify_hours(INTERVAL '27 hours')::text, justify_interval(INTERVAL '1 mon -1 hour')::text;
SELECT INTERVAL '1 day' / 0; -- error 22012
SELECT id, dur * 2, dur / 2 FROM events ORDER BY id;
SELECT sum(dur)::text, avg(dur)::text, max(dur)::text, min(dur)::text FROM events;
SELECT make_interval(days => 10)::text, make_interval(1, 2, 3, 4, 5, 6, 7.5)::text, make_interval(hours => -1)::text;
SELECT INTERVAL '2 hours 30 minutes', INTERVAL '1 day 1 second', INTERVAL '-1 hour';

-- extract / date_part
SELECT extract(year FROM '2024-02-29 13:14:15.5'::timestamp), extract(month FROM '2024-02-29'::date), extract(day FROM '2024-02-29'::date);
SELECT extract(hour FROM '13:14:15'::time), extract(minute FROM '2024-01-01 13:14:15'::timestamp), extract(second FROM '2024-01-01 13:14:15.5'::timestamp);
SELECT extract(dow FROM '2024-02-29'::date), extract(isodow FROM '2024-03-03'::date), extract(doy FROM '2024-12-31'::date);
SELECT extract(week FROM '2024-01-01'::date), extract(quarter FROM '2024-08-15'::date), extract(isoyear FROM '2021-01-01'::date);
SELECT extract(epoch FROM '2024-01-01 00:00:00+00'::timestamptz), extract(epoch FROM INTERVAL '1 day 1 hour'), extract(epoch FROM '1970-01-02'::timestamp);
SELECT extract(century FROM '2024-01-01'::date), extract(decade FROM '2024-01-01'::date), extract(millennium FROM '2001-01-01'::date);
SELECT extract(milliseconds FROM '2024-01-01 00:00:01.5'::timestamp), extract(microseconds FROM '00:00:01.000002'::time);
SELECT extract(days FROM INTERVAL '3 days 4 hours'), extract(hour FROM INTERVAL '3 days 4 hours'), extract(month FROM INTERVAL '14 months');
SELECT date_part('year', '2024-06-01'::date), date_part('hour', '2024-06-01 07:00'::timestamp), date_part('epoch', '2024-06-01'::timestamp);
SELECT pg_typeof(extract(year FROM '2024-01-01'::date))::text, pg_typeof(date_part('year', '2024-01-01'::date))::text;
SELECT extract(nosuch FROM '2024-01-01'::date); -- error 22023
SELECT extract(hour FROM '2024-01-01'::date); -- error 0A000
SELECT id, extract(year FROM at), extract(month FROM day), extract(dow FROM day) FROM events ORDER BY id;
SELECT extract(timezone FROM '2024-01-01 00:00:00+00'::timestamptz);

-- date_trunc
SELECT date_trunc('month', '2024-02-29 13:14:15'::timestamp), date_trunc('year', '2024-02-29 13:14:15'::timestamp);
SELECT date_trunc('day', '2024-02-29 13:14:15'::timestamp), date_trunc('hour', '2024-02-29 13:14:15.9'::timestamp), date_trunc('minute', '2024-02-29 13:14:15'::timestamp);
SELECT date_trunc('week', '2024-02-29'::timestamp), date_trunc('quarter', '2024-08-15'::timestamp), date_trunc('decade', '2024-08-15'::timestamp);
SELECT date_trunc('day', '2024-02-29 13:14:15+00'::timestamptz), date_trunc('month', '2024-02-29'::date);
SELECT date_trunc('hour', INTERVAL '3 days 4 hours 5 minutes')::text;
SELECT date_trunc('nosuch', '2024-01-01'::timestamp); -- error 22023
SELECT id, date_trunc('month', at), date_trunc('hour', atz) FROM events ORDER BY id;
SELECT date_trunc('month', at) AS m, count(*) FROM events GROUP BY m ORDER BY m NULLS LAST;

-- Constructors and conversions
SELECT make_date(2024, 2, 29), make_time(13, 14, 15.5), make_timestamp(2024, 2, 29, 13, 14, 15.5);
SELECT make_timestamptz(2024, 2, 29, 13, 14, 15, 'UTC'), make_timestamptz(2024, 1, 1, 0, 0, 0, 'America/New_York');
SELECT make_date(2023, 2, 29); -- error 22008
SELECT make_date(2024, 13, 1); -- error 22008
SELECT to_timestamp(0), to_timestamp(1704067200), to_timestamp(1.5);
SELECT to_date('05 Mar 2024', 'DD Mon YYYY'), to_date('2024-03-05', 'YYYY-MM-DD'), to_timestamp('2024-03-05 14:30', 'YYYY-MM-DD HH24:MI');
SELECT to_char('2024-03-05 14:30:15'::timestamp, 'YYYY-MM-DD HH24:MI:SS'), to_char('2024-03-05'::date, 'Day, DD Month YYYY');
SELECT to_char('2024-03-05 14:30:15'::timestamp, 'HH12:MI AM'), to_char('2024-03-05'::date, 'YYYY"Q"Q WW DDD'), to_char(INTERVAL '15 hours 3 minutes', 'HH24:MI');
SELECT to_char('2024-03-05'::date, 'FMMonth FMDD'), to_char('2024-03-05 00:00:00+00'::timestamptz, 'YYYY-MM-DD"T"HH24:MI:SSOF');
SELECT to_date('2024-02-30', 'YYYY-MM-DD'); -- error 22008
SELECT age('2024-03-01'::timestamp, '2023-01-15'::timestamp)::text, age('2024-03-01'::date, '2024-02-29'::date)::text;
SELECT age('2024-01-01'::timestamp, '2024-03-15 12:00'::timestamp)::text;
SELECT isfinite('2024-01-01'::date), isfinite('infinity'::timestamp), isfinite(INTERVAL '1 day');
SELECT '2024-01-01'::date < '2024-01-02'::timestamp, '2024-01-01'::date = '2024-01-01 00:00'::timestamp;
SELECT '2024-01-01 00:00:00+00'::timestamptz = '2024-01-01 01:00:00+01'::timestamptz, '2024-01-01'::timestamp = '2024-01-01 00:00:00+00'::timestamptz;
SELECT (DATE '2024-01-01', DATE '2024-01-10') OVERLAPS (DATE '2024-01-05', DATE '2024-01-20'),
    (DATE '2024-01-01', INTERVAL '1 day') OVERLAPS (DATE '2024-01-03', INTERVAL '1 day');

-- Time zones with fixed values
SELECT '2024-07-01 12:00:00+00'::timestamptz AT TIME ZONE 'America/New_York', '2024-01-01 12:00:00+00'::timestamptz AT TIME ZONE 'America/New_York';
SELECT '2024-07-01 12:00:00'::timestamp AT TIME ZONE 'Europe/Paris', '2024-07-01 12:00:00'::timestamp AT TIME ZONE 'UTC';
SELECT '2024-07-01 12:00:00+00'::timestamptz AT TIME ZONE 'Asia/Kolkata', timezone('Asia/Tokyo', '2024-07-01 12:00:00+00'::timestamptz);
SELECT '2024-07-01 12:00:00+00'::timestamptz AT TIME ZONE '+02:00', '2024-07-01 12:00:00+00'::timestamptz AT TIME ZONE INTERVAL '-03:00';
SELECT '2024-07-01 12:00:00+00'::timestamptz AT TIME ZONE 'Nowhere/City'; -- error 22023
SELECT '2024-03-10 01:30:00 America/New_York'::timestamptz, '2024-11-03 01:30:00 America/New_York'::timestamptz;
SELECT '2024-01-01 00:00:00 Europe/Berlin'::timestamptz::text, '2024-06-15 08:00:00-07'::timestamptz::text;
SELECT id, atz, atz::date, atz::time, atz::timestamp FROM events ORDER BY id;

-- Ordering and grouping by date/time
SELECT id, at FROM events ORDER BY at NULLS FIRST;
SELECT id, atz FROM events ORDER BY atz DESC NULLS LAST;
SELECT day, count(*) FROM events GROUP BY day ORDER BY day;
SELECT kind, min(at), max(at), max(at) - min(at) FROM events GROUP BY kind ORDER BY kind;
SELECT id FROM events WHERE at BETWEEN '2024-01-01' AND '2024-02-29 23:59:59' ORDER BY id;
SELECT id FROM events WHERE day >= DATE '2024-02-01' ORDER BY id;
SELECT id FROM events WHERE atz < '2024-01-01 00:00:00+00' ORDER BY id;
SELECT id FROM events WHERE dur > INTERVAL '1 hour' ORDER BY id;
SELECT CURRENT_DATE IS NOT NULL, now() IS NOT NULL, CURRENT_TIMESTAMP >= '2000-01-01', localtimestamp > '2000-01-01'::timestamp;
SELECT now() = transaction_timestamp(), clock_timestamp() >= statement_timestamp();
SELECT 'today'::date = CURRENT_DATE, 'epoch'::timestamp, 'allballs'::time;
SELECT '2024-02-30'::date; -- error 22008
SELECT '2024-01-01 12:00:00 +25:00'::timestamptz; -- error 22009
SELECT '1 day'::interval + '2024-01-01'::date;
-- OVERLAPS with NULL ends, times, intervals, touching periods
SELECT (TIMESTAMP '2024-01-01 10:00', NULL::timestamp) OVERLAPS (TIMESTAMP '2024-01-01 09:00', TIMESTAMP '2024-01-01 11:00');
SELECT (NULL::date, NULL::date) OVERLAPS (DATE '2024-01-01', DATE '2024-01-02');
SELECT (TIME '10:00', TIME '09:00') OVERLAPS (TIME '09:30', INTERVAL '1 minute');
SELECT (DATE '2024-01-01', DATE '2024-01-02') OVERLAPS (DATE '2024-01-02', DATE '2024-01-03');
SELECT (DATE '2024-01-02', DATE '2024-01-02') OVERLAPS (DATE '2024-01-02', DATE '2024-01-02');
SELECT (1, 2) OVERLAPS (3, 4); -- error 42883
