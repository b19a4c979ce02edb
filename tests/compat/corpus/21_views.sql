-- Views: CREATE [OR REPLACE] VIEW, views over views, dependencies, DROP VIEW [IF EXISTS] [CASCADE].

CREATE TABLE employees (id int PRIMARY KEY, name text, dept text, salary int, manager_id int);
INSERT INTO employees VALUES (1, 'ann', 'eng', 200, NULL), (2, 'ben', 'eng', 150, 1), (3, 'cat', 'ops', 120, 1),
    (4, 'dan', 'ops', 90, 3), (5, 'eve', 'sales', 110, 1);

CREATE VIEW eng AS SELECT id, name, salary FROM employees WHERE dept = 'eng';
SELECT * FROM eng ORDER BY id;
SELECT name FROM eng WHERE salary > 160;
SELECT count(*) FROM eng;
INSERT INTO employees VALUES (6, 'fay', 'eng', 175, 1);
SELECT * FROM eng ORDER BY id;
CREATE VIEW eng AS SELECT 1; -- error 42P07
CREATE VIEW IF NOT EXISTS eng AS SELECT 1; -- error 42601
CREATE VIEW dept_totals AS SELECT dept, count(*) AS n, sum(salary) AS total, avg(salary) AS mean FROM employees GROUP BY dept;
SELECT * FROM dept_totals ORDER BY dept;
SELECT dept FROM dept_totals WHERE n > 1 ORDER BY total DESC;
CREATE VIEW named_cols (emp, boss) AS SELECT e.name, m.name FROM employees e LEFT JOIN employees m ON m.id = e.manager_id;
SELECT * FROM named_cols ORDER BY emp;
SELECT emp FROM named_cols WHERE boss IS NULL;
SELECT name FROM named_cols; -- error 42703
CREATE VIEW exprs AS SELECT id, salary * 12 AS yearly, upper(name), name || '@corp' AS email FROM employees;
SELECT * FROM exprs ORDER BY id;
CREATE VIEW ordered AS SELECT id, name FROM employees ORDER BY salary DESC;
SELECT * FROM ordered ORDER BY id;
SELECT name FROM ordered LIMIT 2;
CREATE VIEW consts AS SELECT 1 AS one, 'two'::text AS two, NULL::int AS nothing;
SELECT * FROM consts;
CREATE VIEW bad AS SELECT * FROM nosuch; -- error 42P01
CREATE VIEW bad AS SELECT nosuch FROM employees; -- error 42703
CREATE VIEW dup_cols AS SELECT id, id FROM employees; -- error 42701

-- Views over views, and joins with views
CREATE VIEW rich_eng AS SELECT name FROM eng WHERE salary >= 175;
SELECT * FROM rich_eng ORDER BY name;
SELECT e.name, d.total FROM employees e JOIN dept_totals d ON d.dept = e.dept ORDER BY e.id;
SELECT * FROM eng e1 JOIN eng e2 ON e1.id < e2.id ORDER BY e1.id, e2.id;
WITH x AS (SELECT * FROM dept_totals) SELECT sum(n) FROM x;
SELECT (SELECT max(salary) FROM eng) AS top_eng;

-- CREATE OR REPLACE VIEW
CREATE OR REPLACE VIEW eng AS SELECT id, name, salary FROM employees WHERE dept = 'eng' AND salary > 160;
SELECT * FROM eng ORDER BY id;
SELECT * FROM rich_eng ORDER BY name;
CREATE OR REPLACE VIEW eng AS SELECT id, name, salary, dept FROM employees WHERE dept = 'eng';
SELECT * FROM eng ORDER BY id;
CREATE OR REPLACE VIEW eng AS SELECT id, name FROM employees; -- error 42P16
CREATE OR REPLACE VIEW eng AS SELECT id, name, salary::bigint, dept FROM employees; -- error 42P16
CREATE OR REPLACE VIEW eng AS SELECT id AS ident, name, salary, dept FROM employees; -- error 42P16
CREATE OR REPLACE VIEW brand_new AS SELECT 42 AS answer;
SELECT * FROM brand_new;

-- Simple views are updatable
CREATE VIEW ops AS SELECT id, name, salary, dept FROM employees WHERE dept = 'ops';
UPDATE ops SET salary = salary + 5;
SELECT id, salary FROM employees ORDER BY id;
INSERT INTO ops (id, name, salary, dept) VALUES (7, 'gus', 80, 'ops');
DELETE FROM ops WHERE name = 'dan';
SELECT * FROM ops ORDER BY id;
UPDATE dept_totals SET n = 0; -- error 55000
INSERT INTO exprs (id) VALUES (100);
SELECT id, name, dept FROM employees WHERE id = 100;

-- Dependencies and DROP
DROP TABLE employees; -- error 2BP01
DROP VIEW eng; -- error 2BP01
ALTER TABLE employees DROP COLUMN salary; -- error 2BP01
ALTER TABLE employees DROP COLUMN manager_id; -- error 2BP01
DROP VIEW rich_eng;
SELECT * FROM rich_eng; -- error 42P01
DROP VIEW eng;
DROP VIEW eng; -- error 42P01
DROP VIEW IF EXISTS eng;
DROP VIEW IF EXISTS eng, consts;
SELECT * FROM consts; -- error 42P01
DROP VIEW employees; -- error 42809
DROP TABLE dept_totals; -- error 42809
CREATE VIEW v1 AS SELECT id FROM employees;
CREATE VIEW v2 AS SELECT id FROM v1;
DROP VIEW v1 CASCADE;
SELECT * FROM v2; -- error 42P01
DROP TABLE employees CASCADE;
SELECT * FROM dept_totals; -- error 42P01
SELECT * FROM named_cols; -- error 42P01
SELECT * FROM brand_new;
DROP VIEW brand_new;
-- CREATE OR REPLACE VIEW keeps its columns' names and types, in order; it may add columns after them
CREATE TABLE vr (id int, name text, salary int);
CREATE VIEW vr_v AS SELECT id, name, salary FROM vr;
CREATE OR REPLACE VIEW vr_v AS SELECT id, name AS nm, salary FROM vr; -- error 42P16
CREATE OR REPLACE VIEW vr_v AS SELECT id, name FROM vr; -- error 42P16
CREATE OR REPLACE VIEW vr_v AS SELECT id, name::varchar(10), salary FROM vr; -- error 42P16
CREATE OR REPLACE VIEW vr_v AS SELECT id, name, salary, 1 AS extra FROM vr;
SELECT * FROM vr_v;
DROP VIEW vr_v;
DROP TABLE vr;
