-- Aggregates: count, count(DISTINCT), sum, avg, min, max, string_agg, array_agg, bool_and/or,
-- FILTER, GROUP BY, HAVING, over a ledger of exact numeric amounts.

CREATE TABLE ledger (
    id int PRIMARY KEY,
    account text NOT NULL,
    kind text NOT NULL,
    amount numeric(12,2),
    qty int,
    big bigint,
    small smallint,
    ratio double precision,
    ok boolean,
    day date
);
INSERT INTO ledger VALUES
    (1, 'cash', 'in', 100.00, 1, 10000000000, 1, 0.5, true, '2024-01-01'),
    (2, 'cash', 'out', 25.50, 2, 20000000000, 2, 0.25, true, '2024-01-01'),
    (3, 'bank', 'in', 1000.00, 3, 30000000000, 3, 0.125, false, '2024-01-02'),
    (4, 'bank', 'out', 99.99, NULL, NULL, NULL, NULL, NULL, '2024-01-02'),
    (5, 'bank', 'in', 0.01, 5, 5, 5, 2.0, true, '2024-01-03'),
    (6, 'card', 'out', NULL, 6, 6, 6, 4.0, false, '2024-01-03'),
    (7, 'card', 'out', 12.34, 7, 7, 7, 8.0, true, NULL),
    (8, 'cash', 'in', 100.00, 1, 8, 8, 16.0, true, '2024-01-04');
CREATE TABLE empty (x int, s text);

-- Whole-table aggregates
SELECT count(*), count(amount), count(qty), count(1), count(NULL) FROM ledger;
SELECT sum(amount), min(amount), max(amount) FROM ledger;
SELECT avg(amount), avg(qty), avg(small), avg(big) FROM ledger;
SELECT sum(qty), sum(small), sum(big), pg_typeof(sum(qty))::text, pg_typeof(sum(big))::text, pg_typeof(sum(small))::text FROM ledger;
SELECT sum(ratio), avg(ratio), min(ratio), max(ratio) FROM ledger;
SELECT pg_typeof(avg(qty))::text, pg_typeof(avg(ratio))::text, pg_typeof(sum(amount))::text FROM ledger;
SELECT min(account), max(account), min(day), max(day) FROM ledger;
SELECT bool_and(ok), bool_or(ok), every(ok) FROM ledger;
SELECT bool_and(ok), bool_or(NOT ok) FROM ledger WHERE id <= 2;
SELECT count(*), sum(x), avg(x), min(x), max(x), bool_and(x > 0), string_agg(s, ','), array_agg(x) FROM empty;
SELECT count(*) FROM empty WHERE false;
SELECT count(DISTINCT account), count(DISTINCT amount), count(DISTINCT kind) FROM ledger;
SELECT sum(DISTINCT amount), avg(DISTINCT qty) FROM ledger;
SELECT count(DISTINCT (account, kind)) FROM ledger;
SELECT max(amount) - min(amount) AS spread, sum(amount) / count(amount) AS mean FROM ledger;
SELECT sum(amount * qty), sum(CASE WHEN kind = 'in' THEN amount ELSE -amount END) FROM ledger;
SELECT sum(2147483647::int) FROM generate_series(1, 3);
SELECT sum(9223372036854775807::bigint) FROM generate_series(1, 3);
SELECT avg(x) FROM (VALUES (1), (2)) v(x);
SELECT avg(x) FROM (VALUES (1.0), (2.0), (2.0)) v(x);
SELECT min(x), max(x) FROM (VALUES ('b'), ('a'), ('B'), (NULL)) v(x);
SELECT sum('a'); -- error 42725
SELECT avg(true); -- error 42883
SELECT sum(x) FROM (VALUES ('1'::text)) v(x); -- error 42883

-- string_agg and array_agg
SELECT string_agg(account, ',' ORDER BY id) FROM ledger;
SELECT string_agg(DISTINCT account, '|' ORDER BY account) FROM ledger;
SELECT string_agg(kind, '' ORDER BY id DESC) FROM ledger WHERE account = 'cash';
SELECT string_agg(amount::text, '; ' ORDER BY amount NULLS FIRST) FROM ledger;
SELECT array_agg(id ORDER BY id) FROM ledger WHERE kind = 'in';
SELECT array_agg(qty ORDER BY id) FROM ledger;
SELECT array_agg(DISTINCT account ORDER BY account) FROM ledger;
SELECT array_agg(amount ORDER BY amount DESC NULLS LAST) FROM ledger;
SELECT account, array_agg(id ORDER BY id) FROM ledger GROUP BY account ORDER BY account;
SELECT account, string_agg(kind || ':' || coalesce(amount::text, '?'), ', ' ORDER BY id) FROM ledger GROUP BY account ORDER BY account;
SELECT string_agg(account, ',') FROM ledger WHERE id = 1;
SELECT string_agg(id, ',') FROM ledger; -- error 42883
SELECT array_agg(ARRAY[id, qty] ORDER BY id) FROM ledger WHERE id < 3;
SELECT array_agg(day ORDER BY id) FROM ledger WHERE id > 5;

-- GROUP BY
SELECT account, count(*) FROM ledger GROUP BY account ORDER BY account;
SELECT account, kind, sum(amount) FROM ledger GROUP BY account, kind ORDER BY account, kind;
SELECT kind, count(*), sum(amount), avg(amount) FROM ledger GROUP BY kind ORDER BY kind;
SELECT day, count(*) FROM ledger GROUP BY day ORDER BY day NULLS FIRST;
SELECT account, max(amount) - min(amount) FROM ledger GROUP BY 1 ORDER BY 1;
SELECT upper(account) AS acc, count(*) FROM ledger GROUP BY acc ORDER BY acc;
SELECT upper(account), count(*) FROM ledger GROUP BY upper(account) ORDER BY 1;
SELECT amount > 50 AS large, count(*) FROM ledger GROUP BY amount > 50 ORDER BY large NULLS LAST;
SELECT account, id FROM ledger GROUP BY account; -- error 42803
SELECT account, count(*) FROM ledger GROUP BY 3; -- error 42P10
SELECT id, account FROM ledger GROUP BY id ORDER BY id;
SELECT account FROM ledger GROUP BY account ORDER BY count(*) DESC, account;
SELECT account, sum(amount) FROM ledger GROUP BY account ORDER BY sum(amount) DESC NULLS LAST;
SELECT qty % 2 AS parity, sum(qty) FROM ledger GROUP BY qty % 2 ORDER BY parity NULLS FIRST;
SELECT count(*) FROM ledger GROUP BY account, kind ORDER BY 1;
SELECT ok, count(*) FROM ledger GROUP BY ok ORDER BY ok NULLS LAST;
SELECT account, kind FROM ledger GROUP BY account, kind ORDER BY account, kind;
SELECT sum(amount) FROM ledger GROUP BY ();

-- HAVING
SELECT account, sum(amount) FROM ledger GROUP BY account HAVING sum(amount) > 100 ORDER BY account;
SELECT account, count(*) FROM ledger GROUP BY account HAVING count(*) >= 3 ORDER BY account;
SELECT account FROM ledger GROUP BY account HAVING bool_and(ok) ORDER BY account;
SELECT account FROM ledger GROUP BY account HAVING min(day) > '2024-01-01' ORDER BY account;
SELECT kind, count(*) FROM ledger GROUP BY kind HAVING kind = 'in';
SELECT count(*) FROM ledger HAVING count(*) > 5;
SELECT count(*) FROM ledger HAVING count(*) > 100;
SELECT account FROM ledger GROUP BY account HAVING amount > 0; -- error 42803
SELECT account, avg(qty) FROM ledger GROUP BY account HAVING avg(qty) > 2 AND count(DISTINCT kind) = 2 ORDER BY account;

-- FILTER
SELECT count(*) FILTER (WHERE kind = 'in') AS ins, count(*) FILTER (WHERE kind = 'out') AS outs FROM ledger;
SELECT sum(amount) FILTER (WHERE kind = 'in') - sum(amount) FILTER (WHERE kind = 'out') AS net FROM ledger;
SELECT account, count(*) FILTER (WHERE ok), count(*) FILTER (WHERE NOT ok) FROM ledger GROUP BY account ORDER BY account;
SELECT array_agg(id ORDER BY id) FILTER (WHERE qty > 2) FROM ledger;
SELECT string_agg(account, ',' ORDER BY id) FILTER (WHERE amount IS NULL) FROM ledger;
SELECT avg(amount) FILTER (WHERE account = 'nosuch') FROM ledger;
SELECT count(DISTINCT account) FILTER (WHERE kind = 'out') FROM ledger;
SELECT kind, max(amount) FILTER (WHERE day < '2024-01-03') FROM ledger GROUP BY kind ORDER BY kind;
SELECT count(*) FILTER (WHERE amount) FROM ledger; -- error 42804
SELECT lower(account) FILTER (WHERE true) FROM ledger; -- error 42809

-- Aggregates in expressions and nested errors
SELECT count(*) + 1, sum(qty) * 2, coalesce(max(amount), 0) FROM ledger;
SELECT (SELECT count(*) FROM ledger) AS n, (SELECT max(id) FROM ledger) AS m;
SELECT sum(count(*)) FROM ledger; -- error 42803
SELECT count(*) FROM ledger WHERE sum(amount) > 0; -- error 42803
SELECT max(sum) FROM (SELECT sum(amount) FROM ledger GROUP BY account) s;
SELECT avg(n) FROM (SELECT count(*) AS n FROM ledger GROUP BY account) s;
SELECT account, round(avg(amount), 2) FROM ledger GROUP BY account ORDER BY account;
SELECT count(*) FROM ledger l1 JOIN ledger l2 ON l1.account = l2.account;
SELECT min(x), max(x), sum(x), count(x) FROM generate_series(1, 100) AS x;
SELECT sum(x::numeric / 3) FROM generate_series(1, 3) x;
