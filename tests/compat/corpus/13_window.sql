-- Window functions: row_number, rank, dense_rank, lag, lead, first_value, last_value, ntile,
-- sum/avg/count/min/max over partitions and frames (ROWS / RANGE / GROUPS).

CREATE TABLE sales (id int PRIMARY KEY, region text, rep text, month int, amount numeric(10,2));
INSERT INTO sales VALUES
    (1, 'east', 'ann', 1, 100), (2, 'east', 'ann', 2, 150), (3, 'east', 'bob', 1, 80), (4, 'east', 'bob', 2, 80),
    (5, 'west', 'cat', 1, 200), (6, 'west', 'cat', 2, NULL), (7, 'west', 'dan', 1, 50), (8, 'west', 'dan', 2, 125.50),
    (9, 'north', 'eve', 1, 10), (10, 'east', 'ann', 3, 150);

-- Ranking
SELECT id, row_number() OVER (ORDER BY id) FROM sales ORDER BY id;
SELECT id, row_number() OVER (PARTITION BY region ORDER BY id) FROM sales ORDER BY id;
SELECT id, amount, rank() OVER (ORDER BY amount DESC NULLS LAST) FROM sales ORDER BY id;
SELECT id, amount, dense_rank() OVER (ORDER BY amount DESC NULLS LAST) FROM sales ORDER BY id;
SELECT id, region, amount, rank() OVER (PARTITION BY region ORDER BY amount) FROM sales ORDER BY id;
SELECT id, amount, rank() OVER w, dense_rank() OVER w, row_number() OVER w FROM sales
    WINDOW w AS (ORDER BY amount NULLS FIRST, id) ORDER BY id;
SELECT id, percent_rank() OVER (ORDER BY amount NULLS FIRST), cume_dist() OVER (ORDER BY amount NULLS FIRST) FROM sales ORDER BY id;
SELECT id, ntile(3) OVER (ORDER BY id) FROM sales ORDER BY id;
SELECT id, rank() OVER () FROM sales ORDER BY id;
SELECT * FROM (SELECT id, region, row_number() OVER (PARTITION BY region ORDER BY amount DESC NULLS LAST, id) AS rn FROM sales) s
    WHERE rn = 1 ORDER BY region;

-- lag / lead / first_value / last_value / nth_value
SELECT id, amount, lag(amount) OVER (ORDER BY id), lead(amount) OVER (ORDER BY id) FROM sales ORDER BY id;
SELECT id, lag(amount, 2) OVER (ORDER BY id), lead(amount, 2, -1) OVER (ORDER BY id) FROM sales ORDER BY id;
SELECT id, rep, month, amount - lag(amount) OVER (PARTITION BY rep ORDER BY month) AS delta FROM sales ORDER BY id;
SELECT id, lag(id, 0) OVER (ORDER BY id), lead(id, 100) OVER (ORDER BY id) FROM sales ORDER BY id;
SELECT id, first_value(amount) OVER (PARTITION BY region ORDER BY id) FROM sales ORDER BY id;
SELECT id, last_value(amount) OVER (PARTITION BY region ORDER BY id) FROM sales ORDER BY id;
SELECT id, last_value(amount) OVER (PARTITION BY region ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
    FROM sales ORDER BY id;
SELECT id, nth_value(id, 2) OVER (PARTITION BY region ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
    FROM sales ORDER BY id;
SELECT id, lag(amount, -1) OVER (ORDER BY id) FROM sales ORDER BY id;
SELECT id, lag(rep, 1, 'none') OVER (ORDER BY id) FROM sales ORDER BY id;

-- Aggregates over partitions (default frame: RANGE UNBOUNDED PRECEDING to CURRENT ROW, peers included)
SELECT id, region, sum(amount) OVER (PARTITION BY region) FROM sales ORDER BY id;
SELECT id, region, count(*) OVER (PARTITION BY region), count(amount) OVER (PARTITION BY region) FROM sales ORDER BY id;
SELECT id, sum(amount) OVER (ORDER BY id) AS running FROM sales ORDER BY id;
SELECT id, month, sum(amount) OVER (ORDER BY month) FROM sales ORDER BY id;
SELECT id, rep, sum(amount) OVER (PARTITION BY rep ORDER BY month) FROM sales ORDER BY id;
SELECT id, avg(amount) OVER (PARTITION BY region) FROM sales ORDER BY id;
SELECT id, min(amount) OVER (PARTITION BY region), max(amount) OVER (PARTITION BY region) FROM sales ORDER BY id;
SELECT id, sum(amount) OVER () AS total, amount * 100 / sum(amount) OVER () AS pct FROM sales ORDER BY id;
SELECT id, count(*) OVER (ORDER BY amount NULLS FIRST) FROM sales ORDER BY id;
SELECT region, sum(amount), sum(sum(amount)) OVER (ORDER BY region) FROM sales GROUP BY region ORDER BY region;
SELECT region, count(*), rank() OVER (ORDER BY count(*) DESC, region) FROM sales GROUP BY region ORDER BY region;
SELECT id, string_agg(rep, ',') OVER (ORDER BY id) FROM sales WHERE id < 5 ORDER BY id;
SELECT id, array_agg(id) OVER (PARTITION BY region ORDER BY id) FROM sales ORDER BY id;
SELECT id, bool_and(amount > 75) OVER (PARTITION BY rep) FROM sales ORDER BY id;

-- Frames
SELECT id, sum(amount) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM sales ORDER BY id;
SELECT id, sum(amount) OVER (ORDER BY id ROWS 2 PRECEDING) FROM sales ORDER BY id;
SELECT id, sum(amount) OVER (ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM sales ORDER BY id;
SELECT id, count(*) OVER (ORDER BY id ROWS BETWEEN 2 FOLLOWING AND 3 FOLLOWING) FROM sales ORDER BY id;
SELECT id, avg(amount) OVER (PARTITION BY region ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM sales ORDER BY id;
SELECT id, month, sum(amount) OVER (ORDER BY month RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM sales ORDER BY id;
SELECT id, month, count(*) OVER (ORDER BY month RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM sales ORDER BY id;
SELECT id, month, count(*) OVER (ORDER BY month RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) FROM sales ORDER BY id;
SELECT id, month, count(*) OVER (ORDER BY month GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM sales ORDER BY id;
SELECT id, sum(amount) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) FROM sales ORDER BY id;
SELECT id, max(amount) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) FROM sales ORDER BY id;
SELECT id, sum(amount) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW) FROM sales ORDER BY id;
SELECT id, sum(amount) OVER (ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 1 PRECEDING) FROM sales ORDER BY id; -- error 42P20
SELECT id, sum(amount) OVER (ORDER BY id ROWS BETWEEN -1 PRECEDING AND CURRENT ROW) FROM sales; -- error 22013
SELECT id, sum(amount) OVER (ORDER BY id ROWS BETWEEN UNBOUNDED FOLLOWING AND CURRENT ROW) FROM sales; -- error 42P20
SELECT id, count(*) OVER (RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM sales; -- error 42P20

-- Windows together with WHERE / ORDER BY / LIMIT, and errors
SELECT id, row_number() OVER (ORDER BY amount DESC NULLS LAST, id) AS rn FROM sales WHERE region = 'east' ORDER BY rn;
SELECT id, row_number() OVER (ORDER BY id) AS rn FROM sales ORDER BY rn DESC LIMIT 3;
SELECT id FROM sales WHERE row_number() OVER (ORDER BY id) < 3; -- error 42P20
SELECT id, sum(amount) OVER (ORDER BY id) FROM sales GROUP BY region; -- error 42803
SELECT id, nosuchfn() OVER (ORDER BY id) FROM sales; -- error 42883
SELECT id, lower(rep) OVER (ORDER BY id) FROM sales; -- error 42809
SELECT id, row_number() OVER w FROM sales; -- error 42704
SELECT id, rank() OVER (PARTITION BY region ORDER BY month, id) AS r,
    sum(amount) OVER (PARTITION BY region ORDER BY month, id) AS s FROM sales ORDER BY region, r;
SELECT region, rep, sum(amount) AS total, row_number() OVER (PARTITION BY region ORDER BY sum(amount) DESC NULLS LAST, rep)
    FROM sales GROUP BY region, rep ORDER BY region, rep;
SELECT DISTINCT region, count(*) OVER (PARTITION BY region) FROM sales ORDER BY region;
SELECT id, row_number() OVER (ORDER BY id) + 100 AS shifted FROM sales ORDER BY id;
SELECT id, sum(amount) OVER w1, count(*) OVER w2 FROM sales
    WINDOW w1 AS (PARTITION BY region), w2 AS (w1 ORDER BY id) ORDER BY id;
SELECT month, sum(x) OVER (ORDER BY month) FROM (SELECT month, sum(amount) AS x FROM sales GROUP BY month) m ORDER BY month;
SELECT id, lag(amount) OVER (PARTITION BY region ORDER BY month, id) IS NULL AS first_in_region FROM sales ORDER BY id;

-- frame exclusion and windows built on named windows
SELECT id, month, sum(amount) OVER (ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW) FROM sales ORDER BY id;
SELECT id, month, sum(amount) OVER (ORDER BY month RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP) FROM sales ORDER BY id;
SELECT id, month, count(*) OVER (ORDER BY month RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE TIES) FROM sales ORDER BY id;
SELECT id, month, sum(amount) OVER (ORDER BY month, id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE NO OTHERS) FROM sales ORDER BY id;
SELECT id, first_value(id) OVER w, last_value(id) OVER w, nth_value(id, 2) OVER w FROM sales
    WINDOW w AS (PARTITION BY region ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE CURRENT ROW) ORDER BY id;
SELECT id, min(id) OVER (ORDER BY month GROUPS BETWEEN CURRENT ROW AND 1 FOLLOWING EXCLUDE GROUP), max(id) OVER (ORDER BY month GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW EXCLUDE TIES) FROM sales ORDER BY id;
SELECT id, count(*) OVER w3, sum(id) OVER w2 FROM sales
    WINDOW w1 AS (PARTITION BY region), w2 AS (w1 ORDER BY id), w3 AS (w2 ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) ORDER BY id;
SELECT id, sum(id) OVER (w1 ORDER BY month, id) FROM sales WINDOW w1 AS (PARTITION BY rep) ORDER BY id;
SELECT id, sum(id) OVER (w1 PARTITION BY rep) FROM sales WINDOW w1 AS (PARTITION BY region); -- error 42P20
SELECT id, sum(id) OVER (w2 ORDER BY month) FROM sales WINDOW w2 AS (ORDER BY id); -- error 42P20
SELECT id, sum(id) OVER (nosuch ORDER BY id) FROM sales; -- error 42704
