-- Roles, membership, GRANT/REVOKE and their enforcement (42501). Roles are cluster-wide: every
-- name here starts with r36_ and is dropped at the end. Objects are owned by r36_owner, so
-- that ACL texts do not depend on the connecting superuser's name.

CREATE ROLE r36_owner;
CREATE ROLE r36_reader LOGIN;
CREATE USER r36_writer PASSWORD 'secret' CONNECTION LIMIT 3;
CREATE GROUP r36_group;
CREATE ROLE r36_noinh NOINHERIT IN ROLE r36_group;
CREATE ROLE r36_owner; -- error 42710
CREATE ROLE public; -- error 42939
CREATE ROLE pg_r36; -- error 42939
CREATE ROLE r36_bad SUPERUSER NOSUPERUSER; -- error 42601
SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolconnlimit, rolpassword
FROM pg_roles WHERE rolname LIKE 'r36%' ORDER BY 1;
SELECT rolname, rolpassword IS NOT NULL AS has_password, left(rolpassword, 14) FROM pg_authid
WHERE rolname LIKE 'r36%' ORDER BY 1;
SELECT usename, usesuper, usecreatedb FROM pg_user WHERE usename LIKE 'r36%' ORDER BY 1;

-- membership
GRANT r36_group TO r36_reader;
GRANT r36_group TO r36_writer WITH ADMIN OPTION;
GRANT r36_group TO r36_reader;
GRANT r36_reader TO r36_group; -- error 0LP01
GRANT r36_group TO r36_group; -- error 0LP01
GRANT r36_nosuch TO r36_reader; -- error 42704
SELECT r.rolname, m.rolname, a.admin_option FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid
JOIN pg_roles m ON m.oid = a.member WHERE r.rolname LIKE 'r36%' ORDER BY 1, 2;
SELECT pg_has_role('r36_reader', 'r36_group', 'MEMBER'), pg_has_role('r36_reader', 'r36_group', 'USAGE'),
       pg_has_role('r36_noinh', 'r36_group', 'MEMBER'), pg_has_role('r36_noinh', 'r36_group', 'USAGE'),
       pg_has_role('r36_owner', 'r36_group', 'MEMBER');
REVOKE r36_group FROM r36_noinh;
SELECT count(*) FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid WHERE r.rolname = 'r36_group';

-- ALTER ROLE
ALTER ROLE r36_reader CREATEDB VALID UNTIL 'infinity';
ALTER ROLE r36_reader SET work_mem = '8MB';
SELECT rolname, rolcreatedb, rolvaliduntil, rolconfig FROM pg_roles WHERE rolname = 'r36_reader';
ALTER ROLE r36_reader RESET work_mem;
ALTER ROLE r36_noinh RENAME TO r36_renamed;
SELECT rolname FROM pg_roles WHERE rolname IN ('r36_noinh', 'r36_renamed');
ALTER ROLE r36_nosuch LOGIN; -- error 42704

-- objects and privileges
CREATE SCHEMA r36 AUTHORIZATION r36_owner;
CREATE TABLE r36.items (id int PRIMARY KEY, name text, secret text);
CREATE SEQUENCE r36.seq;
INSERT INTO r36.items VALUES (1, 'one', 's1'), (2, 'two', 's2');
CREATE VIEW r36.names AS SELECT id, name FROM r36.items;
ALTER TABLE r36.items OWNER TO r36_owner;
ALTER SEQUENCE r36.seq OWNER TO r36_owner;
ALTER VIEW r36.names OWNER TO r36_owner;
ALTER TABLE r36.items OWNER TO r36_nosuch; -- error 42704
SELECT relname, relacl::text FROM pg_class WHERE relnamespace = 'r36'::regnamespace ORDER BY 1;
GRANT USAGE ON SCHEMA r36 TO r36_group;
GRANT SELECT (id, name) ON r36.items TO r36_reader;
GRANT SELECT, INSERT, UPDATE ON TABLE r36.items TO r36_writer WITH GRANT OPTION;
GRANT SELECT ON r36.names TO PUBLIC;
GRANT USAGE ON SEQUENCE r36.seq TO r36_writer;
GRANT INSERT ON SEQUENCE r36.seq TO r36_writer; -- error 0LP01
GRANT SELECT ON r36.nosuch TO r36_reader; -- error 42P01
GRANT SELECT ON r36.items TO r36_nosuch; -- error 42704
GRANT FROBNICATE ON r36.items TO r36_reader; -- error 42601
SELECT relname, relacl::text FROM pg_class WHERE relnamespace = 'r36'::regnamespace ORDER BY 1;
SELECT attname, attacl::text FROM pg_attribute WHERE attrelid = 'r36.items'::regclass AND attnum > 0 ORDER BY attnum;
SELECT nspname, nspacl::text FROM pg_namespace WHERE nspname = 'r36';
SELECT a.grantor::regrole::text, a.grantee::regrole::text, a.privilege_type, a.is_grantable
FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = 'r36.items'::regclass ORDER BY 2, 3;
SELECT grantor, grantee, table_name, privilege_type, is_grantable FROM information_schema.table_privileges
WHERE table_schema = 'r36' ORDER BY table_name, grantee, privilege_type;
SELECT has_table_privilege('r36_reader', 'r36.items', 'SELECT'), has_table_privilege('r36_writer', 'r36.items', 'INSERT'),
       has_table_privilege('r36_writer', 'r36.items', 'DELETE'), has_table_privilege('r36_writer', 'r36.items', 'SELECT WITH GRANT OPTION'),
       has_column_privilege('r36_reader', 'r36.items', 'name', 'SELECT'), has_column_privilege('r36_reader', 'r36.items', 'secret', 'SELECT'),
       has_any_column_privilege('r36_reader', 'r36.items', 'SELECT'), has_schema_privilege('r36_reader', 'r36', 'USAGE'),
       has_schema_privilege('r36_reader', 'r36', 'CREATE'), has_sequence_privilege('r36_writer', 'r36.seq', 'USAGE'),
       has_table_privilege('r36_reader', 'r36.names', 'SELECT');
SELECT has_table_privilege('r36_reader', 'r36.items', 'FLY'); -- error 22023

-- enforcement, as r36_reader
SET ROLE r36_reader;
SELECT current_user;
SELECT id, name FROM r36.items ORDER BY id;
SELECT count(*) FROM r36.items;
SELECT secret FROM r36.items; -- error 42501
SELECT * FROM r36.items; -- error 42501
SELECT * FROM r36.names ORDER BY id;
INSERT INTO r36.items VALUES (3, 'three', 's3'); -- error 42501
UPDATE r36.items SET name = 'x'; -- error 42501
DELETE FROM r36.items; -- error 42501
TRUNCATE r36.items; -- error 42501
SELECT nextval('r36.seq'); -- error 42501
CREATE TABLE r36.mine (a int); -- error 42501
ALTER TABLE r36.items ADD COLUMN extra int; -- error 42501
DROP TABLE r36.items; -- error 42501
SET ROLE r36_owner; -- the session user (a superuser) may take any role
SELECT current_user;
RESET ROLE;

-- as r36_writer
SET ROLE r36_writer;
INSERT INTO r36.items VALUES (3, 'three', 's3');
INSERT INTO r36.items VALUES (4, 'four', 's4') RETURNING id, secret;
UPDATE r36.items SET name = 'TWO' WHERE id = 2;
SELECT nextval('r36.seq');
SELECT setval('r36.seq', 10); -- error 42501
DELETE FROM r36.items WHERE id = 4; -- error 42501
GRANT SELECT ON r36.items TO r36_reader;
GRANT DELETE ON r36.items TO r36_reader;
RESET ROLE;
SELECT relacl::text FROM pg_class WHERE oid = 'r36.items'::regclass;

-- revoking (a grant is revoked by its grantor)
REVOKE SELECT ON r36.items FROM r36_reader;
SELECT relacl::text FROM pg_class WHERE oid = 'r36.items'::regclass;
SET ROLE r36_writer;
REVOKE SELECT ON r36.items FROM r36_reader;
RESET ROLE;
REVOKE SELECT (name) ON r36.items FROM r36_reader;
REVOKE GRANT OPTION FOR INSERT ON r36.items FROM r36_writer;
REVOKE ALL ON r36.names FROM PUBLIC;
SELECT relname, relacl::text FROM pg_class WHERE relnamespace = 'r36'::regnamespace ORDER BY 1;
SET ROLE r36_reader;
SELECT name FROM r36.items; -- error 42501
SELECT id FROM r36.items ORDER BY id; -- error 42501
SELECT * FROM r36.names; -- error 42501
RESET ROLE;

-- the owner, and views read with their owner's privileges
GRANT CREATE ON SCHEMA r36 TO r36_reader;
GRANT SELECT (id) ON r36.items TO r36_reader;
SET ROLE r36_reader;
CREATE TABLE r36.mine (a int);
INSERT INTO r36.mine VALUES (1);
CREATE VIEW r36.peek AS SELECT id FROM r36.items;
SELECT * FROM r36.peek ORDER BY id;
RESET ROLE;
REVOKE SELECT (id) ON r36.items FROM r36_reader;
SET ROLE r36_reader;
SELECT * FROM r36.peek; -- error 42501
SELECT * FROM r36.mine;
ALTER TABLE r36.mine OWNER TO r36_group; -- error 42501
RESET ROLE;
SELECT relname, pg_get_userbyid(relowner) FROM pg_class WHERE relname IN ('mine', 'peek') ORDER BY 1;

-- dropping roles that own or are granted something
DROP ROLE r36_reader; -- error 2BP01
DROP ROLE r36_nosuch; -- error 42704
DROP ROLE IF EXISTS r36_nosuch;
REASSIGN OWNED BY r36_reader TO r36_owner;
DROP OWNED BY r36_reader;
DROP OWNED BY r36_writer;
DROP OWNED BY r36_group;
SELECT relname, relacl::text FROM pg_class WHERE relnamespace = 'r36'::regnamespace ORDER BY 1;
DROP SCHEMA r36 CASCADE;
DROP ROLE r36_reader, r36_writer, r36_renamed;
DROP ROLE r36_group;
DROP ROLE r36_owner;
SELECT count(*) FROM pg_roles WHERE rolname LIKE 'r36%';
