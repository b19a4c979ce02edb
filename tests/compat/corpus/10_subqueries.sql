-- Subqueries: scalar, IN / NOT IN, EXISTS, ANY / ALL, correlated, derived tables, over an HR schema.

CREATE TABLE departments (id int PRIMARY KEY, name text NOT NULL, floor int);
CREATE TABLE employees (id int PRIMARY KEY, name text NOT NULL, dept_id int, manager_id int, salary int);
INSERT INTO departments VALUES (1, 'eng', 3), (2, 'sales', 1), (3, 'hr', 2), (4, 'empty', NULL);
INSERT INTO employees VALUES
    (1, 'ann', 1, NULL, 200), (2, 'ben', 1, 1, 150), (3, 'cat', 1, 2, 120), (4, 'dan', 2, 1, 130),
    (5, 'eve', 2, 4, 90), (6, 'fay', 3, 1, 110), (7, 'gus', NULL, 1, 80), (8, 'hal', 2, 4, NULL);

-- Scalar subqueries
SELECT (SELECT max(salary) FROM employees);
SELECT name, salary, (SELECT avg(salary) FROM employees) AS avg_all FROM employees ORDER BY id;
SELECT name FROM employees WHERE salary = (SELECT max(salary) FROM employees);
SELECT name FROM employees WHERE salary > (SELECT avg(salary) FROM employees) ORDER BY name;
SELECT (SELECT name FROM departments WHERE id = 1) AS d;
SELECT (SELECT name FROM departments WHERE id = 99) AS d;
SELECT (SELECT id FROM departments); -- error 21000
SELECT (SELECT id, name FROM departments WHERE id = 1); -- error 42601
SELECT name FROM employees WHERE dept_id = (SELECT id FROM departments WHERE name = 'sales') ORDER BY name;
SELECT (SELECT count(*) FROM employees) - (SELECT count(*) FROM departments) AS diff;
SELECT name, (SELECT d.name FROM departments d WHERE d.id = e.dept_id) AS dept FROM employees e ORDER BY e.id;
SELECT 1 + (SELECT 2) * (SELECT 3);

-- IN / NOT IN
SELECT name FROM employees WHERE dept_id IN (SELECT id FROM departments WHERE floor > 1) ORDER BY name;
SELECT name FROM employees WHERE dept_id NOT IN (SELECT id FROM departments WHERE floor > 1) ORDER BY name;
SELECT name FROM departments WHERE id NOT IN (SELECT dept_id FROM employees);
SELECT name FROM departments WHERE id NOT IN (SELECT dept_id FROM employees WHERE dept_id IS NOT NULL) ORDER BY name;
SELECT name FROM departments WHERE id IN (SELECT dept_id FROM employees) ORDER BY name;
SELECT name FROM employees WHERE (dept_id, salary) IN (SELECT dept_id, max(salary) FROM employees GROUP BY dept_id) ORDER BY name;
SELECT name FROM employees WHERE id IN (SELECT manager_id FROM employees) ORDER BY id;
SELECT 1 IN (SELECT 1 UNION SELECT NULL), 2 IN (SELECT 1 UNION SELECT NULL), 2 NOT IN (SELECT 1 UNION SELECT NULL);
SELECT 2 IN (SELECT x FROM (VALUES (1)) v(x) WHERE false), 2 NOT IN (SELECT 1 WHERE false);
SELECT name FROM employees WHERE dept_id IN (SELECT id, name FROM departments); -- error 42601
SELECT name FROM employees WHERE name IN (SELECT id FROM departments); -- error 42883

-- EXISTS / NOT EXISTS
SELECT d.name FROM departments d WHERE EXISTS (SELECT 1 FROM employees e WHERE e.dept_id = d.id) ORDER BY d.name;
SELECT d.name FROM departments d WHERE NOT EXISTS (SELECT 1 FROM employees e WHERE e.dept_id = d.id);
SELECT e.name FROM employees e WHERE EXISTS (SELECT * FROM employees r WHERE r.manager_id = e.id) ORDER BY e.name;
SELECT e.name FROM employees e WHERE NOT EXISTS (SELECT FROM employees r WHERE r.manager_id = e.id) ORDER BY e.name;
SELECT EXISTS (SELECT 1 FROM employees WHERE salary > 1000), EXISTS (SELECT 1 FROM employees);
SELECT EXISTS (SELECT NULL);
SELECT name FROM departments WHERE EXISTS (SELECT 1 WHERE false);

-- ANY / SOME / ALL
SELECT name FROM employees WHERE salary > ALL (SELECT salary FROM employees WHERE dept_id = 2 AND salary IS NOT NULL) ORDER BY name;
SELECT name FROM employees WHERE salary > ALL (SELECT salary FROM employees WHERE dept_id = 2) ORDER BY name;
SELECT name FROM employees WHERE salary < ANY (SELECT salary FROM employees WHERE dept_id = 3) ORDER BY name;
SELECT name FROM employees WHERE salary = SOME (SELECT salary FROM employees WHERE dept_id = 1) ORDER BY name;
SELECT name FROM employees WHERE dept_id <> ALL (SELECT id FROM departments WHERE floor > 1) ORDER BY name;
SELECT 5 > ALL (SELECT 1 WHERE false), 5 > ANY (SELECT 1 WHERE false);
SELECT 5 = ANY (ARRAY[1, 5]), 5 = ALL (ARRAY[5, 5]), 5 <> ALL (ARRAY[1, NULL]);
SELECT name FROM employees WHERE id = ANY (ARRAY[1, 3, 5]) ORDER BY id;

-- Correlated subqueries
SELECT e.name, e.salary FROM employees e WHERE e.salary > (SELECT avg(salary) FROM employees x WHERE x.dept_id = e.dept_id) ORDER BY e.name;
SELECT e.name, (SELECT count(*) FROM employees r WHERE r.manager_id = e.id) AS reports FROM employees e ORDER BY e.id;
SELECT d.name, (SELECT max(salary) FROM employees e WHERE e.dept_id = d.id) AS top FROM departments d ORDER BY d.id;
SELECT d.name, (SELECT e.name FROM employees e WHERE e.dept_id = d.id ORDER BY e.salary DESC NULLS LAST LIMIT 1) FROM departments d ORDER BY d.id;
SELECT e.name, (SELECT m.name FROM employees m WHERE m.id = e.manager_id) AS boss FROM employees e ORDER BY e.id;
SELECT e.name FROM employees e WHERE (SELECT m.salary FROM employees m WHERE m.id = e.manager_id) > 140 ORDER BY e.name;
SELECT d.name FROM departments d WHERE (SELECT count(*) FROM employees e WHERE e.dept_id = d.id) >= 3 ORDER BY d.name;
SELECT e.name FROM employees e WHERE e.salary = (SELECT max(salary) FROM employees x WHERE x.dept_id IS NOT DISTINCT FROM e.dept_id) ORDER BY e.name;
SELECT e.name, (SELECT string_agg(r.name, ',' ORDER BY r.name) FROM employees r WHERE r.manager_id = e.id) FROM employees e ORDER BY e.id;
SELECT (SELECT e.name FROM employees e WHERE e.dept_id = d.id) FROM departments d; -- error 21000
UPDATE employees e SET salary = salary + 1 WHERE salary < (SELECT avg(salary) FROM employees x WHERE x.dept_id = e.dept_id);
SELECT name, salary FROM employees ORDER BY id;
DELETE FROM employees e WHERE NOT EXISTS (SELECT 1 FROM departments d WHERE d.id = e.dept_id) RETURNING name;

-- Derived tables
SELECT t.dept_id, t.n FROM (SELECT dept_id, count(*) AS n FROM employees GROUP BY dept_id) t ORDER BY t.dept_id;
SELECT avg(n) FROM (SELECT count(*) AS n FROM employees GROUP BY dept_id) AS per_dept;
SELECT * FROM (SELECT name, salary FROM employees ORDER BY salary DESC NULLS LAST LIMIT 3) top ORDER BY salary;
SELECT * FROM (SELECT 1 AS a, 2 AS b) s;
SELECT * FROM (SELECT 1) AS s(x);
SELECT s.x + 1 FROM (SELECT 1) s(x);
SELECT * FROM (SELECT 1 AS a); -- error 42601
SELECT * FROM (SELECT 1, 2) s(a, b, c); -- error 42P10
SELECT d.name, s.total FROM departments d JOIN (SELECT dept_id, sum(salary) AS total FROM employees GROUP BY dept_id) s
    ON s.dept_id = d.id ORDER BY d.name;
SELECT * FROM (SELECT * FROM (SELECT id, name FROM employees WHERE id < 4) a WHERE id > 1) b ORDER BY id;
SELECT x FROM (VALUES (3), (1), (2)) AS v(x) ORDER BY x;
SELECT * FROM (VALUES (1, 'a'), (2, 'b')) v;
SELECT count(*) FROM (SELECT DISTINCT dept_id FROM employees) d;
SELECT s.name FROM (SELECT name, salary FROM employees) s WHERE s.salary IS NULL;
SELECT name FROM (SELECT name FROM employees) s WHERE salary > 0; -- error 42703
