-- Joins: inner, left, right, full, cross, USING, NATURAL, self joins, multi-way joins, over a shop schema.

CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, city text);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int, total numeric(8,2), placed date);
CREATE TABLE items (order_id int, product text, qty int);
CREATE TABLE cities (city text PRIMARY KEY, country text);
INSERT INTO customers VALUES (1, 'Ada', 'London'), (2, 'Bob', 'Paris'), (3, 'Cy', NULL), (4, 'Dee', 'Rome'), (5, 'Eli', 'London');
INSERT INTO orders VALUES (10, 1, 25.00, '2024-01-10'), (11, 1, 5.50, '2024-01-12'), (12, 2, 100.00, '2024-02-01'),
    (13, NULL, 9.99, '2024-02-02'), (14, 99, 1.00, '2024-02-03'), (15, 5, 30.00, '2024-03-01');
INSERT INTO items VALUES (10, 'pen', 2), (10, 'ink', 1), (11, 'pad', 5), (12, 'pen', 10), (12, 'case', 1),
    (14, 'pen', 1), (16, 'ghost', 1);
INSERT INTO cities VALUES ('London', 'UK'), ('Paris', 'FR'), ('Oslo', 'NO');

-- INNER JOIN
SELECT c.name, o.id FROM customers c JOIN orders o ON o.customer_id = c.id ORDER BY o.id;
SELECT c.name, o.id FROM customers c INNER JOIN orders o ON o.customer_id = c.id AND o.total > 10 ORDER BY o.id;
SELECT c.name, o.id, i.product FROM customers c JOIN orders o ON o.customer_id = c.id
    JOIN items i ON i.order_id = o.id ORDER BY o.id, i.product;
SELECT c.name, o.id FROM customers c, orders o WHERE o.customer_id = c.id ORDER BY o.id;
SELECT count(*) FROM customers c JOIN orders o ON true;
SELECT c.name FROM customers c JOIN orders o ON o.customer_id = c.id WHERE o.placed >= '2024-02-01';
SELECT o.id FROM orders o JOIN customers c ON c.id = o.customer_id JOIN cities ci ON ci.city = c.city
    WHERE ci.country = 'UK' ORDER BY o.id;
SELECT id FROM customers c JOIN orders o ON o.customer_id = c.id; -- error 42702
SELECT c.name FROM customers c JOIN orders o ON o.nosuch = c.id; -- error 42703
SELECT c.name FROM customers c JOIN orders o ON o.customer_id; -- error 42804

-- LEFT / RIGHT / FULL OUTER JOIN
SELECT c.name, o.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id ORDER BY c.id, o.id;
SELECT c.name, o.id FROM customers c LEFT OUTER JOIN orders o ON o.customer_id = c.id WHERE o.id IS NULL ORDER BY c.id;
SELECT c.name, o.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.total > 20 ORDER BY c.id, o.id;
SELECT c.name, o.id FROM customers c RIGHT JOIN orders o ON o.customer_id = c.id ORDER BY o.id;
SELECT c.name, o.id FROM customers c RIGHT OUTER JOIN orders o ON o.customer_id = c.id WHERE c.id IS NULL ORDER BY o.id;
SELECT c.name, o.id FROM customers c FULL JOIN orders o ON o.customer_id = c.id ORDER BY c.id NULLS LAST, o.id NULLS LAST;
SELECT c.name, o.id FROM customers c FULL OUTER JOIN orders o ON o.customer_id = c.id
    WHERE c.id IS NULL OR o.id IS NULL ORDER BY c.id NULLS FIRST, o.id;
SELECT c.name, count(o.id) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id, c.name ORDER BY c.id;
SELECT c.name, coalesce(sum(o.total), 0) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
    GROUP BY c.name ORDER BY c.name;
SELECT o.id, i.product FROM orders o LEFT JOIN items i ON i.order_id = o.id ORDER BY o.id, i.product NULLS FIRST;
SELECT o.id, i.product, i.order_id FROM orders o FULL JOIN items i ON i.order_id = o.id
    ORDER BY o.id NULLS LAST, i.product NULLS LAST;
SELECT c.name, o.id, i.product FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
    LEFT JOIN items i ON i.order_id = o.id ORDER BY c.id, o.id NULLS LAST, i.product NULLS LAST;
SELECT c.name, ci.country FROM customers c LEFT JOIN cities ci ON ci.city = c.city ORDER BY c.id;
SELECT c.name, ci.city FROM customers c RIGHT JOIN cities ci ON ci.city = c.city ORDER BY ci.city, c.name;
SELECT c.name, ci.city FROM customers c FULL JOIN cities ci ON ci.city = c.city ORDER BY ci.city NULLS FIRST, c.name NULLS FIRST;
SELECT c.name, o.id FROM customers c LEFT JOIN orders o ON true WHERE c.id = 3 ORDER BY o.id;

-- CROSS JOIN
SELECT c.name, ci.city FROM customers c CROSS JOIN cities ci WHERE c.id <= 2 ORDER BY c.name, ci.city;
SELECT count(*) FROM customers CROSS JOIN cities;
SELECT count(*) FROM customers, cities, orders;
SELECT a.n, b.n FROM (VALUES (1), (2)) a(n) CROSS JOIN (VALUES (10), (20)) b(n) ORDER BY a.n, b.n;

-- USING and NATURAL
SELECT city, c.name, ci.country FROM customers c JOIN cities ci USING (city) ORDER BY c.name;
SELECT * FROM customers c JOIN cities ci USING (city) ORDER BY c.id;
SELECT * FROM customers c LEFT JOIN cities ci USING (city) ORDER BY c.id;
SELECT city, c.name FROM customers c FULL JOIN cities ci USING (city) ORDER BY city NULLS LAST, c.name;
SELECT * FROM customers c JOIN cities ci USING (nosuch); -- error 42703
SELECT * FROM customers NATURAL JOIN cities ORDER BY id;
SELECT * FROM customers NATURAL LEFT JOIN cities ORDER BY id;
SELECT count(*) FROM orders NATURAL JOIN items;
SELECT c.city FROM customers c JOIN cities ci USING (city) ORDER BY 1;
SELECT ci.city, c.city FROM customers c JOIN cities ci USING (city) ORDER BY 1, 2;

-- Self joins (HR-style manager hierarchy)
CREATE TABLE staff (id int PRIMARY KEY, name text, boss int REFERENCES staff (id));
INSERT INTO staff VALUES (1, 'root', NULL), (2, 'vp1', 1), (3, 'vp2', 1), (4, 'eng', 2), (5, 'eng2', 2), (6, 'ops', 3);
SELECT e.name, m.name AS boss FROM staff e JOIN staff m ON m.id = e.boss ORDER BY e.id;
SELECT e.name, m.name AS boss FROM staff e LEFT JOIN staff m ON m.id = e.boss ORDER BY e.id;
SELECT m.name, count(e.id) AS reports FROM staff m LEFT JOIN staff e ON e.boss = m.id GROUP BY m.id, m.name ORDER BY m.id;
SELECT e.name, g.name AS grand FROM staff e JOIN staff m ON m.id = e.boss JOIN staff g ON g.id = m.boss ORDER BY e.id;
SELECT a.name, b.name FROM staff a JOIN staff b ON a.boss = b.boss AND a.id < b.id ORDER BY a.id, b.id;

-- Join on expressions, inequality and subquery sides
SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id + 1 ORDER BY o.id;
SELECT a.id, b.id FROM orders a JOIN orders b ON a.total < b.total AND b.total < 10 ORDER BY a.id, b.id;
SELECT c.name, t.n FROM customers c JOIN (SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id) t
    ON t.customer_id = c.id ORDER BY c.name;
SELECT c.name, t.n FROM customers c LEFT JOIN (SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id) t
    ON t.customer_id = c.id ORDER BY c.name;
SELECT x.v, y.v FROM (VALUES (1), (2), (NULL::int)) x(v) JOIN (VALUES (2), (NULL::int)) y(v) ON x.v = y.v;
SELECT x.v, y.v FROM (VALUES (1), (NULL::int)) x(v) LEFT JOIN (VALUES (1), (NULL::int)) y(v) ON x.v = y.v
    ORDER BY x.v NULLS LAST;
SELECT x.v, y.v FROM (VALUES (1), (NULL::int)) x(v) JOIN (VALUES (1), (NULL::int)) y(v) ON x.v IS NOT DISTINCT FROM y.v
    ORDER BY x.v NULLS LAST;
SELECT c.name, o.id FROM customers c JOIN orders o ON o.customer_id = c.id AND c.city = 'London' ORDER BY o.id;
SELECT c.name, o.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND c.city = 'London' ORDER BY c.id, o.id;
SELECT c.name, o.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE c.city = 'London' ORDER BY c.id, o.id;
SELECT * FROM customers c JOIN orders o ON o.customer_id = c.id JOIN items i ON i.order_id = o.id
    WHERE i.qty > 1 ORDER BY o.id, i.product;
SELECT c.name, sum(i.qty) FROM customers c JOIN orders o ON o.customer_id = c.id JOIN items i ON i.order_id = o.id
    GROUP BY c.name ORDER BY c.name;
SELECT c.name FROM customers c JOIN orders o ON o.customer_id = c.id JOIN orders o ON true; -- error 42712
SELECT * FROM customers JOIN orders; -- error 42601
SELECT count(*) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id RIGHT JOIN items i ON i.order_id = o.id;
SELECT i.product, c.name FROM items i LEFT JOIN orders o ON o.id = i.order_id LEFT JOIN customers c ON c.id = o.customer_id
    ORDER BY i.order_id, i.product;
SELECT c.id, o.id FROM customers c JOIN LATERAL (SELECT id FROM orders WHERE customer_id = c.id ORDER BY total DESC LIMIT 1) o
    ON true ORDER BY c.id;
SELECT c.id, o.id FROM customers c LEFT JOIN LATERAL (SELECT id FROM orders WHERE customer_id = c.id ORDER BY id LIMIT 1) o
    ON true ORDER BY c.id;
