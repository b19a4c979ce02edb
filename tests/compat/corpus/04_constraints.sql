-- Constraints: PRIMARY KEY, NOT NULL, UNIQUE, CHECK, DEFAULT (literals, now(), nextval),
-- FOREIGN KEY with RESTRICT / CASCADE / SET NULL, over an HR schema.

CREATE TABLE departments (
    id int PRIMARY KEY,
    name text NOT NULL UNIQUE,
    budget numeric(12,2) CHECK (budget > 0)
);
CREATE SEQUENCE emp_ids START 1000;
CREATE TABLE employees (
    id int PRIMARY KEY DEFAULT nextval('emp_ids'),
    name text NOT NULL,
    dept_id int REFERENCES departments (id) ON DELETE CASCADE,
    manager_id int REFERENCES employees (id) ON DELETE SET NULL,
    salary numeric(10,2) NOT NULL CONSTRAINT positive_salary CHECK (salary > 0),
    bonus numeric(10,2) DEFAULT 0,
    hired timestamptz DEFAULT now(),
    email text,
    CONSTRAINT bonus_le_salary CHECK (bonus <= salary),
    UNIQUE (email)
);

-- PRIMARY KEY
INSERT INTO departments VALUES (1, 'Engineering', 1000000), (2, 'Sales', 500000), (3, 'Empty', NULL);
INSERT INTO departments VALUES (1, 'Dup', 1); -- error 23505
INSERT INTO departments VALUES (NULL, 'NullPk', 1); -- error 23502
INSERT INTO departments (name) VALUES ('NoPk'); -- error 23502
UPDATE departments SET id = 2 WHERE id = 1; -- error 23505
UPDATE departments SET id = id + 10 WHERE id = 3;
SELECT * FROM departments ORDER BY id;
UPDATE departments SET id = 3 WHERE id = 13;

-- NOT NULL
INSERT INTO departments (id, name) VALUES (4, NULL); -- error 23502
INSERT INTO departments (id) VALUES (4); -- error 23502
UPDATE departments SET name = NULL WHERE id = 1; -- error 23502
INSERT INTO departments (id, name) VALUES (4, '');
SELECT id, name, budget FROM departments ORDER BY id;

-- UNIQUE
INSERT INTO departments VALUES (5, 'Sales', 10); -- error 23505
INSERT INTO departments VALUES (5, 'sales', 10);
UPDATE departments SET name = 'Engineering' WHERE id = 5; -- error 23505
CREATE TABLE pairs (a int, b int, UNIQUE (a, b));
INSERT INTO pairs VALUES (1, 1), (1, 2), (2, 1);
INSERT INTO pairs VALUES (1, 1); -- error 23505
INSERT INTO pairs VALUES (1, NULL), (1, NULL), (NULL, NULL), (NULL, NULL);
SELECT a, b, count(*) FROM pairs GROUP BY a, b ORDER BY a NULLS LAST, b NULLS LAST;
INSERT INTO pairs VALUES (3, 3), (3, 3); -- error 23505
SELECT count(*) FROM pairs WHERE a = 3;

-- CHECK
INSERT INTO departments VALUES (6, 'Broke', 0); -- error 23514
INSERT INTO departments VALUES (6, 'Broke', -5); -- error 23514
INSERT INTO departments VALUES (6, 'Unknown budget', NULL);
UPDATE departments SET budget = budget - 2000000 WHERE id = 1; -- error 23514
UPDATE departments SET budget = budget - 1000 WHERE id = 1;
SELECT id, budget FROM departments WHERE id IN (1, 6) ORDER BY id;
CREATE TABLE ranges (lo int, hi int, CHECK (lo < hi), CONSTRAINT small CHECK (hi - lo < 100));
INSERT INTO ranges VALUES (1, 2), (5, 50);
INSERT INTO ranges VALUES (2, 1); -- error 23514
INSERT INTO ranges VALUES (1, 500); -- error 23514
INSERT INTO ranges VALUES (NULL, 1), (1, NULL);
SELECT * FROM ranges ORDER BY lo NULLS FIRST, hi NULLS FIRST;
CREATE TABLE badcheck (a int CHECK (a > 'x')); -- error 22P02
CREATE TABLE badcheck (a int CHECK (b > 0)); -- error 42703
CREATE TABLE badcheck (a int CHECK (sum(a) > 0)); -- error 42803

-- DEFAULT, including now() and nextval
INSERT INTO employees (name, dept_id, salary) VALUES ('Alice', 1, 9000);
INSERT INTO employees (name, dept_id, salary, manager_id) VALUES ('Bob', 1, 7000, 1000);
INSERT INTO employees (name, dept_id, salary, manager_id, bonus) VALUES ('Carol', 1, 6000, 1001, 500);
INSERT INTO employees (name, dept_id, salary, manager_id) VALUES ('Dave', 2, 5000, 1000);
INSERT INTO employees (name, dept_id, salary, manager_id, email) VALUES ('Eve', 2, 5500, 1003, 'eve@x.org');
SELECT id, name, dept_id, manager_id, salary, bonus, hired IS NOT NULL AS has_hired FROM employees ORDER BY id;
SELECT currval('emp_ids');
INSERT INTO employees (id, name, salary) VALUES (1, 'Explicit', 100);
SELECT nextval('emp_ids');
INSERT INTO employees (name, salary) VALUES ('Fay', 100) RETURNING id, bonus, manager_id;
INSERT INTO employees (name, salary, bonus) VALUES ('Gus', 100, 200); -- error 23514
INSERT INTO employees (name, salary) VALUES ('Hal', 0); -- error 23514
INSERT INTO employees (name, salary) VALUES ('Ivy', NULL); -- error 23502
SELECT last_value FROM emp_ids;
INSERT INTO employees (name, salary, email) VALUES ('Jo', 10, 'eve@x.org'); -- error 23505
INSERT INTO employees (name, salary, email) VALUES ('Jo', 10, NULL), ('Kim', 10, NULL);
SELECT count(*) FROM employees WHERE email IS NULL;
INSERT INTO employees (name, salary, hired) VALUES ('Lee', 10, '2020-01-01 09:00:00+00');
SELECT name, hired FROM employees WHERE name = 'Lee';
UPDATE employees SET hired = DEFAULT WHERE name = 'Lee';
SELECT name, hired > '2020-01-02' AS recent FROM employees WHERE name = 'Lee';

-- FOREIGN KEY: RESTRICT (NO ACTION), CASCADE, SET NULL
INSERT INTO employees (name, dept_id, salary) VALUES ('Mo', 42, 10); -- error 23503
INSERT INTO employees (name, dept_id, salary) VALUES ('Mo', NULL, 10);
UPDATE employees SET manager_id = 4242 WHERE name = 'Mo'; -- error 23503
UPDATE employees SET manager_id = 1000 WHERE name = 'Mo';
SELECT name, manager_id FROM employees WHERE manager_id IS NOT NULL ORDER BY name;
DELETE FROM employees WHERE id = 1000;
SELECT name, manager_id FROM employees ORDER BY id;
DELETE FROM departments WHERE id = 2;
SELECT name, dept_id FROM employees ORDER BY id;
UPDATE departments SET id = 100 WHERE id = 1; -- error 23503

CREATE TABLE projects (id int PRIMARY KEY, dept_id int NOT NULL REFERENCES departments ON DELETE RESTRICT);
INSERT INTO projects VALUES (1, 1), (2, 4);
DELETE FROM departments WHERE id = 4; -- error 23503
DELETE FROM projects WHERE id = 2;
DELETE FROM departments WHERE id = 4;
INSERT INTO projects VALUES (3, 999); -- error 23503
SELECT * FROM projects ORDER BY id;
CREATE TABLE tasks (
    id int PRIMARY KEY,
    project_id int REFERENCES projects (id) ON DELETE CASCADE ON UPDATE CASCADE,
    title text
);
INSERT INTO tasks VALUES (1, 1, 'plan'), (2, 1, 'build'), (3, NULL, 'loose');
UPDATE projects SET id = 10 WHERE id = 1;
SELECT * FROM tasks ORDER BY id;
DELETE FROM projects WHERE id = 10;
SELECT * FROM tasks ORDER BY id;

-- Composite keys and a foreign key to them
CREATE TABLE rooms (building text, num int, seats int, PRIMARY KEY (building, num));
CREATE TABLE bookings (
    id int PRIMARY KEY,
    building text,
    num int,
    FOREIGN KEY (building, num) REFERENCES rooms (building, num)
);
INSERT INTO rooms VALUES ('A', 1, 10), ('A', 2, 20), ('B', 1, 30);
INSERT INTO bookings VALUES (1, 'A', 1), (2, 'B', 1);
INSERT INTO bookings VALUES (3, 'B', 2); -- error 23503
INSERT INTO bookings VALUES (3, 'B', NULL);
INSERT INTO rooms VALUES ('A', 1, 5); -- error 23505
DELETE FROM rooms WHERE building = 'A' AND num = 1; -- error 23503
DELETE FROM rooms WHERE building = 'A' AND num = 2;
SELECT * FROM rooms ORDER BY building, num;

-- Foreign keys need a unique target and matching types
CREATE TABLE bad_fk (x int REFERENCES rooms (seats)); -- error 42830
CREATE TABLE bad_fk (x int REFERENCES nosuch (id)); -- error 42P01
CREATE TABLE bad_fk (x date REFERENCES departments (id)); -- error 42804

-- Dropping a referenced table
DROP TABLE projects; -- error 2BP01
DROP TABLE tasks;
DROP TABLE projects;
SELECT count(*) FROM departments;
-- foreign keys are checked, and their actions run, when the statement ends (PostgreSQL's RI triggers)
CREATE TABLE nodes (id int PRIMARY KEY, parent_id int REFERENCES nodes (id));
INSERT INTO nodes VALUES (2, 1), (1, NULL), (3, 2);
INSERT INTO nodes VALUES (5, 4); -- error 23503
INSERT INTO nodes VALUES (4, 5), (5, 4);
DELETE FROM nodes WHERE id IN (1, 2); -- error 23503
UPDATE nodes SET id = id + 10; -- error 23503
DELETE FROM nodes;
SELECT count(*) FROM nodes;
CREATE TABLE rnodes (id int PRIMARY KEY, pid int REFERENCES rnodes (id) ON DELETE RESTRICT);
INSERT INTO rnodes VALUES (1, NULL), (2, 1);
DELETE FROM rnodes WHERE id = 1; -- error 23503
DELETE FROM rnodes;
CREATE TABLE cnodes (id int PRIMARY KEY, pid int REFERENCES cnodes (id) ON UPDATE CASCADE);
INSERT INTO cnodes VALUES (1, NULL), (2, 1), (3, 2);
UPDATE cnodes SET id = id * 10;
SELECT * FROM cnodes ORDER BY id;
CREATE TABLE fk_parent (id int PRIMARY KEY);
CREATE TABLE fk_child (id int PRIMARY KEY, pid int REFERENCES fk_parent (id) ON DELETE SET NULL ON UPDATE CASCADE);
INSERT INTO fk_parent VALUES (1), (2);
INSERT INTO fk_child VALUES (10, 1), (20, 2);
UPDATE fk_parent SET id = id + 100;
SELECT * FROM fk_child ORDER BY id;
DELETE FROM fk_parent WHERE id = 101;
SELECT * FROM fk_child ORDER BY id;
CREATE TABLE fk_default (id int PRIMARY KEY, pid int DEFAULT 2 REFERENCES fk_parent (id) ON DELETE SET DEFAULT);
INSERT INTO fk_default VALUES (1, 102);
DELETE FROM fk_parent WHERE id = 102; -- error 23503
SELECT * FROM fk_default;
