"""pg_catalog and information_schema: the queries psql 15 sends for \\dt, \\d TABLE, \\di, \\dn, \\du,
\\l, \\dv, \\ds, \\df (captured with ``psql -E``) must give, on orbitdb, the rows PostgreSQL 15 gives for
the same schema; information_schema and the catalog functions likewise.

Expected rows were taken from a PostgreSQL 15.18 server holding SCHEMA below (created by the role
"orbit" in the database "actors"). Values are compared in their text form, as the wire protocol
sends them. Where orbitdb deliberately differs (one database, collation C), the expectation says so.

Each psql query runs twice: verbatim (the SQL layer's acceptance test: any error there is an expected
failure, reported with its message, until the SQL layer has the construct) and "plain", without the
constructs the SQL layer lacked when this was written (pg_catalog.-qualified names, OPERATOR(...),
COLLATE), which checks the catalog's rows now. Differences known to come from the SQL layer, not the
catalog (_known_gaps: column names of CASE and of qualified function calls, regclass output, DEFAULT
now() stored as CURRENT_TIMESTAMP) are expected failures too; any other difference fails."""

from __future__ import annotations

import os
import re
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import orbitdb.sql.functions.catalog  # noqa: F401  (registers the catalog functions)
from orbitdb.sql.errors import SqlError
from orbitdb.sql.session.database import Database
from orbitdb.sql.session.session import Session

SCHEMA = [
    "CREATE TABLE users (id int PRIMARY KEY, username text NOT NULL, email text, created_at timestamp DEFAULT now())",
    "CREATE INDEX users_email_idx ON users (email)",
    "CREATE UNIQUE INDEX users_username_key ON users (username)",
    ("CREATE TABLE posts (id serial PRIMARY KEY, user_id int REFERENCES users(id) ON DELETE CASCADE, "
    "title varchar(200) NOT NULL, body text, score numeric(10,2) CHECK (score >= 0), UNIQUE (user_id, title))"),
    "CREATE VIEW active_users AS SELECT id, username FROM users WHERE email IS NOT NULL",
    "CREATE SEQUENCE order_seq START 100",
]

# ---------------------------------------------------------------- psql's queries (psql -E, PostgreSQL 15.18)
# $OID and $NAME stand for the oid and name of the relation \d describes.

LIST_TABLES = r"""SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('r','p','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2;"""

DESCRIBE_LOOKUP = r"""SELECT c.oid,
  n.nspname,
  c.relname
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname OPERATOR(pg_catalog.~) '^($NAME)$' COLLATE pg_catalog.default
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 2, 3;"""

DESCRIBE_CLASS = r"""SELECT c.relchecks, c.relkind, c.relhasindex, c.relhasrules, c.relhastriggers, c.relrowsecurity, c.relforcerowsecurity, false AS relhasoids, c.relispartition, '', c.reltablespace, CASE WHEN c.reloftype = 0 THEN '' ELSE c.reloftype::pg_catalog.regtype::pg_catalog.text END, c.relpersistence, c.relreplident, am.amname
FROM pg_catalog.pg_class c
 LEFT JOIN pg_catalog.pg_class tc ON (c.reltoastrelid = tc.oid)
LEFT JOIN pg_catalog.pg_am am ON (c.relam = am.oid)
WHERE c.oid = '$OID';"""

DESCRIBE_COLUMNS = r"""SELECT a.attname,
  pg_catalog.format_type(a.atttypid, a.atttypmod),
  (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
   FROM pg_catalog.pg_attrdef d
   WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
  a.attnotnull,
  (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t
   WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation,
  a.attidentity,
  a.attgenerated
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = '$OID' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum;"""

DESCRIBE_TABLE_INDEXES = r"""SELECT c2.relname, i.indisprimary, i.indisunique, i.indisclustered, i.indisvalid, pg_catalog.pg_get_indexdef(i.indexrelid, 0, true),
  pg_catalog.pg_get_constraintdef(con.oid, true), contype, condeferrable, condeferred, i.indisreplident, c2.reltablespace
FROM pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_index i
  LEFT JOIN pg_catalog.pg_constraint con ON (conrelid = i.indrelid AND conindid = i.indexrelid AND contype IN ('p','u','x'))
WHERE c.oid = '$OID' AND c.oid = i.indrelid AND i.indexrelid = c2.oid
ORDER BY i.indisprimary DESC, c2.relname;"""

DESCRIBE_FOREIGN_KEYS = r"""SELECT true as sametable, conname,
  pg_catalog.pg_get_constraintdef(r.oid, true) as condef,
  conrelid::pg_catalog.regclass AS ontable
FROM pg_catalog.pg_constraint r
WHERE r.conrelid = '$OID' AND r.contype = 'f'
     AND conparentid = 0
ORDER BY conname"""

DESCRIBE_REFERENCED_BY = r"""SELECT conname, conrelid::pg_catalog.regclass AS ontable,
       pg_catalog.pg_get_constraintdef(oid, true) AS condef
  FROM pg_catalog.pg_constraint c
 WHERE confrelid IN (SELECT pg_catalog.pg_partition_ancestors('$OID')
                     UNION ALL VALUES ('$OID'::pg_catalog.regclass))
       AND contype = 'f' AND conparentid = 0
ORDER BY conname;"""

DESCRIBE_POLICIES = r"""SELECT pol.polname, pol.polpermissive,
  CASE WHEN pol.polroles = '{0}' THEN NULL ELSE pg_catalog.array_to_string(array(select rolname from pg_catalog.pg_roles where oid = any (pol.polroles) order by 1),',') END,
  pg_catalog.pg_get_expr(pol.polqual, pol.polrelid),
  pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid),
  CASE pol.polcmd
    WHEN 'r' THEN 'SELECT'
    WHEN 'a' THEN 'INSERT'
    WHEN 'w' THEN 'UPDATE'
    WHEN 'd' THEN 'DELETE'
    END AS cmd
FROM pg_catalog.pg_policy pol
WHERE pol.polrelid = '$OID' ORDER BY 1;"""

DESCRIBE_STATISTICS = r"""SELECT oid, stxrelid::pg_catalog.regclass, stxnamespace::pg_catalog.regnamespace::pg_catalog.text AS nsp, stxname,
pg_catalog.pg_get_statisticsobjdef_columns(oid) AS columns,
  'd' = any(stxkind) AS ndist_enabled,
  'f' = any(stxkind) AS deps_enabled,
  'm' = any(stxkind) AS mcv_enabled,
stxstattarget
FROM pg_catalog.pg_statistic_ext
WHERE stxrelid = '$OID'
ORDER BY nsp, stxname;"""

DESCRIBE_PUBLICATIONS = r"""SELECT pubname
     , NULL
     , NULL
FROM pg_catalog.pg_publication p
     JOIN pg_catalog.pg_publication_namespace pn ON p.oid = pn.pnpubid
     JOIN pg_catalog.pg_class pc ON pc.relnamespace = pn.pnnspid
WHERE pc.oid ='$OID' and pg_catalog.pg_relation_is_publishable('$OID')
UNION
SELECT pubname
     , pg_get_expr(pr.prqual, c.oid)
     , (CASE WHEN pr.prattrs IS NOT NULL THEN
         (SELECT string_agg(attname, ', ')
           FROM pg_catalog.generate_series(0, pg_catalog.array_upper(pr.prattrs::pg_catalog.int2[], 1)) s,
                pg_catalog.pg_attribute
          WHERE attrelid = pr.prrelid AND attnum = prattrs[s])
        ELSE NULL END) FROM pg_catalog.pg_publication p
     JOIN pg_catalog.pg_publication_rel pr ON p.oid = pr.prpubid
     JOIN pg_catalog.pg_class c ON c.oid = pr.prrelid
WHERE pr.prrelid = '$OID'
UNION
SELECT pubname
     , NULL
     , NULL
FROM pg_catalog.pg_publication p
WHERE p.puballtables AND pg_catalog.pg_relation_is_publishable('$OID')
ORDER BY 1;"""

DESCRIBE_TRIGGERS = r"""SELECT t.tgname, pg_catalog.pg_get_triggerdef(t.oid, true), t.tgenabled, t.tgisinternal,
  CASE WHEN t.tgparentid != 0 THEN
    (SELECT u.tgrelid::pg_catalog.regclass
     FROM pg_catalog.pg_trigger AS u,
          pg_catalog.pg_partition_ancestors(t.tgrelid) WITH ORDINALITY AS a(relid, depth)
     WHERE u.tgname = t.tgname AND u.tgrelid = a.relid
           AND u.tgparentid = 0
     ORDER BY a.depth LIMIT 1)
  END AS parent
FROM pg_catalog.pg_trigger t
WHERE t.tgrelid = '$OID' AND (NOT t.tgisinternal OR (t.tgisinternal AND t.tgenabled = 'D'))
ORDER BY 1;"""

DESCRIBE_PARENTS = r"""SELECT c.oid::pg_catalog.regclass
FROM pg_catalog.pg_class c, pg_catalog.pg_inherits i
WHERE c.oid = i.inhparent AND i.inhrelid = '$OID'
  AND c.relkind != 'p' AND c.relkind != 'I'
ORDER BY inhseqno;"""

DESCRIBE_PARTITIONS = r"""SELECT c.oid::pg_catalog.regclass, c.relkind, inhdetachpending, pg_catalog.pg_get_expr(c.relpartbound, c.oid)
FROM pg_catalog.pg_class c, pg_catalog.pg_inherits i
WHERE c.oid = i.inhrelid AND i.inhparent = '$OID'
ORDER BY pg_catalog.pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT', c.oid::pg_catalog.regclass::pg_catalog.text;"""

DESCRIBE_CHECKS = r"""SELECT r.conname, pg_catalog.pg_get_constraintdef(r.oid, true)
FROM pg_catalog.pg_constraint r
WHERE r.conrelid = '$OID' AND r.contype = 'c'
ORDER BY 1;"""

LIST_INDEXES = r"""SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner",
  c2.relname as "Table"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
     LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.oid
     LEFT JOIN pg_catalog.pg_class c2 ON i.indrelid = c2.oid
WHERE c.relkind IN ('i','I','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2;"""

LIST_SCHEMAS = r"""SELECT n.nspname AS "Name",
  pg_catalog.pg_get_userbyid(n.nspowner) AS "Owner"
FROM pg_catalog.pg_namespace n
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
ORDER BY 1;"""

LIST_ROLES = r"""SELECT r.rolname, r.rolsuper, r.rolinherit,
  r.rolcreaterole, r.rolcreatedb, r.rolcanlogin,
  r.rolconnlimit, r.rolvaliduntil,
  ARRAY(SELECT b.rolname
        FROM pg_catalog.pg_auth_members m
        JOIN pg_catalog.pg_roles b ON (m.roleid = b.oid)
        WHERE m.member = r.oid) as memberof
, r.rolreplication
, r.rolbypassrls
FROM pg_catalog.pg_roles r
WHERE r.rolname !~ '^pg_'
ORDER BY 1;"""

LIST_DATABASES = r"""SELECT d.datname as "Name",
       pg_catalog.pg_get_userbyid(d.datdba) as "Owner",
       pg_catalog.pg_encoding_to_char(d.encoding) as "Encoding",
       d.datcollate as "Collate",
       d.datctype as "Ctype",
       d.daticulocale as "ICU Locale",
       CASE d.datlocprovider WHEN 'c' THEN 'libc' WHEN 'i' THEN 'icu' END AS "Locale Provider",
       pg_catalog.array_to_string(d.datacl, E'\n') AS "Access privileges"
FROM pg_catalog.pg_database d
ORDER BY 1;"""

LIST_VIEWS = r"""SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2;"""

LIST_SEQUENCES = r"""SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('S','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2;"""

LIST_FUNCTIONS = r"""SELECT n.nspname as "Schema",
  p.proname as "Name",
  pg_catalog.pg_get_function_result(p.oid) as "Result data type",
  pg_catalog.pg_get_function_arguments(p.oid) as "Argument data types",
 CASE p.prokind
  WHEN 'a' THEN 'agg'
  WHEN 'w' THEN 'window'
  WHEN 'p' THEN 'proc'
  ELSE 'func'
 END as "Type"
FROM pg_catalog.pg_proc p
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE pg_catalog.pg_function_is_visible(p.oid)
      AND n.nspname <> 'pg_catalog'
      AND n.nspname <> 'information_schema'
ORDER BY 1, 2, 4;"""

LIST_RELATIONS = r"""SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('r','p','v','m','S','f','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2;"""

DESCRIBE_SEQUENCE = r"""SELECT pg_catalog.format_type(seqtypid, NULL) AS "Type",
       seqstart AS "Start",
       seqmin AS "Minimum",
       seqmax AS "Maximum",
       seqincrement AS "Increment",
       CASE WHEN seqcycle THEN 'yes' ELSE 'no' END AS "Cycles?",
       seqcache AS "Cache"
FROM pg_catalog.pg_sequence
WHERE seqrelid = '$OID';"""

DESCRIBE_SEQUENCE_OWNER = r"""SELECT pg_catalog.quote_ident(nspname) || '.' ||
   pg_catalog.quote_ident(relname) || '.' ||
   pg_catalog.quote_ident(attname),
   d.deptype
FROM pg_catalog.pg_class c
INNER JOIN pg_catalog.pg_depend d ON c.oid=d.refobjid
INNER JOIN pg_catalog.pg_namespace n ON n.oid=c.relnamespace
INNER JOIN pg_catalog.pg_attribute a ON (
 a.attrelid=c.oid AND
 a.attnum=d.refobjsubid)
WHERE d.classid='pg_catalog.pg_class'::pg_catalog.regclass
 AND d.refclassid='pg_catalog.pg_class'::pg_catalog.regclass
 AND d.objid='$OID'
 AND d.deptype IN ('a', 'i')"""

DESCRIBE_INDEX_COLUMNS = r"""SELECT a.attname,
  pg_catalog.format_type(a.atttypid, a.atttypmod),
  CASE WHEN a.attnum <= (SELECT i.indnkeyatts FROM pg_catalog.pg_index i WHERE i.indexrelid = '$OID') THEN 'yes' ELSE 'no' END AS is_key,
  pg_catalog.pg_get_indexdef(a.attrelid, a.attnum, TRUE) AS indexdef
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = '$OID' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum;"""

DESCRIBE_INDEX = r"""SELECT i.indisunique, i.indisprimary, i.indisclustered, i.indisvalid,
  (NOT i.indimmediate) AND EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = i.indrelid AND conindid = i.indexrelid AND contype IN ('p','u','x') AND condeferrable) AS condeferrable,
  (NOT i.indimmediate) AND EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = i.indrelid AND conindid = i.indexrelid AND contype IN ('p','u','x') AND condeferred) AS condeferred,
i.indisreplident,
i.indnullsnotdistinct,
  a.amname, c2.relname, pg_catalog.pg_get_expr(i.indpred, i.indrelid, true)
FROM pg_catalog.pg_index i, pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_am a
WHERE i.indexrelid = c.oid AND c.oid = '$OID' AND c.relam = a.oid
AND i.indrelid = c2.oid;"""

DESCRIBE_CLASS_PLUS = r"""SELECT c.relchecks, c.relkind, c.relhasindex, c.relhasrules, c.relhastriggers, c.relrowsecurity, c.relforcerowsecurity, false AS relhasoids, c.relispartition, pg_catalog.array_to_string(c.reloptions || array(select 'toast.' || x from pg_catalog.unnest(tc.reloptions) x), ', ')
, c.reltablespace, CASE WHEN c.reloftype = 0 THEN '' ELSE c.reloftype::pg_catalog.regtype::pg_catalog.text END, c.relpersistence, c.relreplident, am.amname
FROM pg_catalog.pg_class c
 LEFT JOIN pg_catalog.pg_class tc ON (c.reltoastrelid = tc.oid)
LEFT JOIN pg_catalog.pg_am am ON (c.relam = am.oid)
WHERE c.oid = '$OID';"""

DESCRIBE_COLUMNS_PLUS = r"""SELECT a.attname,
  pg_catalog.format_type(a.atttypid, a.atttypmod),
  (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
   FROM pg_catalog.pg_attrdef d
   WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
  a.attnotnull,
  (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t
   WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation,
  a.attidentity,
  a.attgenerated,
  a.attstorage,
  a.attcompression AS attcompression,
  CASE WHEN a.attstattarget=-1 THEN NULL ELSE a.attstattarget END AS attstattarget,
  pg_catalog.col_description(a.attrelid, a.attnum)
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = '$OID' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum;"""

LIST_TABLES_PLUS = r"""SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner",
  CASE c.relpersistence WHEN 'p' THEN 'permanent' WHEN 't' THEN 'temporary' WHEN 'u' THEN 'unlogged' END as "Persistence",
  am.amname as "Access method",
  pg_catalog.pg_size_pretty(pg_catalog.pg_table_size(c.oid)) as "Size",
  pg_catalog.obj_description(c.oid, 'pg_class') as "Description"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('r','p','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2;"""

DESCRIBE_VIEW_COLUMNS_PLUS = r"""SELECT a.attname,
  pg_catalog.format_type(a.atttypid, a.atttypmod),
  (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
   FROM pg_catalog.pg_attrdef d
   WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
  a.attnotnull,
  (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t
   WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation,
  a.attidentity,
  a.attgenerated,
  a.attstorage,
  pg_catalog.col_description(a.attrelid, a.attnum)
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = '$OID' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum;"""

DESCRIBE_VIEWDEF = r"""SELECT pg_catalog.pg_get_viewdef('$OID'::pg_catalog.oid, true);"""

DESCRIBE_RULES = r"""SELECT r.rulename, trim(trailing ';' from pg_catalog.pg_get_ruledef(r.oid, true))
FROM pg_catalog.pg_rewrite r
WHERE r.ev_class = '$OID' AND r.rulename != '_RETURN' ORDER BY 1;"""


# (psql command, relation it describes, [(query, column names, rows)]): PostgreSQL 15's answers
PSQL_CASES: list[tuple[str, str | None, list[tuple[str, list[str], list[tuple[str | None, ...]]]]]] = [
    ('\\dt', None, [
        (LIST_TABLES, ['Schema', 'Name', 'Type', 'Owner'],
            [('public', 'posts', 'table', 'orbit'), ('public', 'users', 'table', 'orbit')]),
    ]),
    ('\\d users', 'users', [
        (DESCRIBE_LOOKUP, ['oid', 'nspname', 'relname'],
            [('$OID', 'public', 'users')]),
        (DESCRIBE_CLASS, ['relchecks', 'relkind', 'relhasindex', 'relhasrules', 'relhastriggers', 'relrowsecurity', 'relforcerowsecurity', 'relhasoids', 'relispartition', '?column?', 'reltablespace', 'reloftype', 'relpersistence', 'relreplident', 'amname'],
            [('0', 'r', 't', 'f', 't', 'f', 'f', 'f', 'f', '', '0', '', 'p', 'd', 'heap')]),
        (DESCRIBE_COLUMNS, ['attname', 'format_type', 'pg_get_expr', 'attnotnull', 'attcollation', 'attidentity', 'attgenerated'],
            [('id', 'integer', None, 't', None, '', ''),
             ('username', 'text', None, 't', None, '', ''),
             ('email', 'text', None, 'f', None, '', ''),
             ('created_at', 'timestamp without time zone', 'now()', 'f', None, '', '')]),
        (DESCRIBE_TABLE_INDEXES, ['relname', 'indisprimary', 'indisunique', 'indisclustered', 'indisvalid', 'pg_get_indexdef', 'pg_get_constraintdef', 'contype', 'condeferrable', 'condeferred', 'indisreplident', 'reltablespace'],
            [('users_pkey',
              't',
              't',
              'f',
              't',
              'CREATE UNIQUE INDEX users_pkey ON users USING btree (id)',
              'PRIMARY KEY (id)',
              'p',
              'f',
              'f',
              'f',
              '0'),
             ('users_email_idx',
              'f',
              'f',
              'f',
              't',
              'CREATE INDEX users_email_idx ON users USING btree (email)',
              None,
              None,
              None,
              None,
              'f',
              '0'),
             ('users_username_key',
              'f',
              't',
              'f',
              't',
              'CREATE UNIQUE INDEX users_username_key ON users USING btree (username)',
              None,
              None,
              None,
              None,
              'f',
              '0')]),
        (DESCRIBE_FOREIGN_KEYS, ['sametable', 'conname', 'condef', 'ontable'],
            []),
        (DESCRIBE_REFERENCED_BY, ['conname', 'ontable', 'condef'],
            [('posts_user_id_fkey',
              'posts',
              'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE')]),
        (DESCRIBE_POLICIES, ['polname', 'polpermissive', 'array_to_string', 'pg_get_expr', 'pg_get_expr', 'cmd'],
            []),
        (DESCRIBE_STATISTICS, ['oid', 'stxrelid', 'nsp', 'stxname', 'columns', 'ndist_enabled', 'deps_enabled', 'mcv_enabled', 'stxstattarget'],
            []),
        (DESCRIBE_PUBLICATIONS, ['pubname', '?column?', '?column?'],
            []),
        (DESCRIBE_TRIGGERS, ['tgname', 'pg_get_triggerdef', 'tgenabled', 'tgisinternal', 'parent'],
            []),
        (DESCRIBE_PARENTS, ['oid'],
            []),
        (DESCRIBE_PARTITIONS, ['oid', 'relkind', 'inhdetachpending', 'pg_get_expr'],
            []),
    ]),
    ('\\d posts', 'posts', [
        (DESCRIBE_LOOKUP, ['oid', 'nspname', 'relname'],
            [('$OID', 'public', 'posts')]),
        (DESCRIBE_CLASS, ['relchecks', 'relkind', 'relhasindex', 'relhasrules', 'relhastriggers', 'relrowsecurity', 'relforcerowsecurity', 'relhasoids', 'relispartition', '?column?', 'reltablespace', 'reloftype', 'relpersistence', 'relreplident', 'amname'],
            [('1', 'r', 't', 'f', 't', 'f', 'f', 'f', 'f', '', '0', '', 'p', 'd', 'heap')]),
        (DESCRIBE_COLUMNS, ['attname', 'format_type', 'pg_get_expr', 'attnotnull', 'attcollation', 'attidentity', 'attgenerated'],
            [('id', 'integer', "nextval('posts_id_seq'::regclass)", 't', None, '', ''),
             ('user_id', 'integer', None, 'f', None, '', ''),
             ('title', 'character varying(200)', None, 't', None, '', ''),
             ('body', 'text', None, 'f', None, '', ''),
             ('score', 'numeric(10,2)', None, 'f', None, '', '')]),
        (DESCRIBE_TABLE_INDEXES, ['relname', 'indisprimary', 'indisunique', 'indisclustered', 'indisvalid', 'pg_get_indexdef', 'pg_get_constraintdef', 'contype', 'condeferrable', 'condeferred', 'indisreplident', 'reltablespace'],
            [('posts_pkey',
              't',
              't',
              'f',
              't',
              'CREATE UNIQUE INDEX posts_pkey ON posts USING btree (id)',
              'PRIMARY KEY (id)',
              'p',
              'f',
              'f',
              'f',
              '0'),
             ('posts_user_id_title_key',
              'f',
              't',
              'f',
              't',
              'CREATE UNIQUE INDEX posts_user_id_title_key ON posts USING btree (user_id, title)',
              'UNIQUE (user_id, title)',
              'u',
              'f',
              'f',
              'f',
              '0')]),
        (DESCRIBE_CHECKS, ['conname', 'pg_get_constraintdef'],
            [('posts_score_check', 'CHECK (score >= 0::numeric)')]),
        (DESCRIBE_FOREIGN_KEYS, ['sametable', 'conname', 'condef', 'ontable'],
            [('t',
              'posts_user_id_fkey',
              'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE',
              'posts')]),
        (DESCRIBE_REFERENCED_BY, ['conname', 'ontable', 'condef'],
            []),
        (DESCRIBE_POLICIES, ['polname', 'polpermissive', 'array_to_string', 'pg_get_expr', 'pg_get_expr', 'cmd'],
            []),
        (DESCRIBE_STATISTICS, ['oid', 'stxrelid', 'nsp', 'stxname', 'columns', 'ndist_enabled', 'deps_enabled', 'mcv_enabled', 'stxstattarget'],
            []),
        (DESCRIBE_PUBLICATIONS, ['pubname', '?column?', '?column?'],
            []),
        (DESCRIBE_TRIGGERS, ['tgname', 'pg_get_triggerdef', 'tgenabled', 'tgisinternal', 'parent'],
            []),
        (DESCRIBE_PARENTS, ['oid'],
            []),
        (DESCRIBE_PARTITIONS, ['oid', 'relkind', 'inhdetachpending', 'pg_get_expr'],
            []),
    ]),
    ('\\di', None, [
        (LIST_INDEXES, ['Schema', 'Name', 'Type', 'Owner', 'Table'],
            [('public', 'posts_pkey', 'index', 'orbit', 'posts'),
             ('public', 'posts_user_id_title_key', 'index', 'orbit', 'posts'),
             ('public', 'users_email_idx', 'index', 'orbit', 'users'),
             ('public', 'users_pkey', 'index', 'orbit', 'users'),
             ('public', 'users_username_key', 'index', 'orbit', 'users')]),
    ]),
    ('\\dn', None, [
        (LIST_SCHEMAS, ['Name', 'Owner'],
            [('public', 'pg_database_owner')]),
    ]),
    ('\\du', None, [
        (LIST_ROLES, ['rolname', 'rolsuper', 'rolinherit', 'rolcreaterole', 'rolcreatedb', 'rolcanlogin', 'rolconnlimit', 'rolvaliduntil', 'memberof', 'rolreplication', 'rolbypassrls'],
            [('orbit', 't', 't', 't', 't', 't', '-1', None, '{}', 't', 't'),
             ('postgres', 't', 't', 't', 't', 't', '-1', None, '{}', 't', 't')]),
    ]),
    ('\\l', None, [
        (LIST_DATABASES, ['Name', 'Owner', 'Encoding', 'Collate', 'Ctype', 'ICU Locale', 'Locale Provider', 'Access privileges'],
            [('actors', 'orbit', 'UTF8', 'C.UTF-8', 'C.UTF-8', None, 'libc', None),
             ('postgres', 'postgres', 'UTF8', 'C.UTF-8', 'C.UTF-8', None, 'libc', None),
             ('template0',
              'postgres',
              'UTF8',
              'C.UTF-8',
              'C.UTF-8',
              None,
              'libc',
              '=c/postgres\npostgres=CTc/postgres'),
             ('template1',
              'postgres',
              'UTF8',
              'C.UTF-8',
              'C.UTF-8',
              None,
              'libc',
              '=c/postgres\npostgres=CTc/postgres')]),
    ]),
    ('\\dv', None, [
        (LIST_VIEWS, ['Schema', 'Name', 'Type', 'Owner'],
            [('public', 'active_users', 'view', 'orbit')]),
    ]),
    ('\\ds', None, [
        (LIST_SEQUENCES, ['Schema', 'Name', 'Type', 'Owner'],
            [('public', 'order_seq', 'sequence', 'orbit'), ('public', 'posts_id_seq', 'sequence', 'orbit')]),
    ]),
    ('\\df', None, [
        (LIST_FUNCTIONS, ['Schema', 'Name', 'Result data type', 'Argument data types', 'Type'],
            []),
    ]),
    ('\\d', None, [
        (LIST_RELATIONS, ['Schema', 'Name', 'Type', 'Owner'],
            [('public', 'active_users', 'view', 'orbit'),
             ('public', 'order_seq', 'sequence', 'orbit'),
             ('public', 'posts', 'table', 'orbit'),
             ('public', 'posts_id_seq', 'sequence', 'orbit'),
             ('public', 'users', 'table', 'orbit')]),
    ]),
    ('\\d active_users', 'active_users', [
        (DESCRIBE_LOOKUP, ['oid', 'nspname', 'relname'],
            [('$OID', 'public', 'active_users')]),
        (DESCRIBE_CLASS, ['relchecks', 'relkind', 'relhasindex', 'relhasrules', 'relhastriggers', 'relrowsecurity', 'relforcerowsecurity', 'relhasoids', 'relispartition', '?column?', 'reltablespace', 'reloftype', 'relpersistence', 'relreplident', 'amname'],
            [('0', 'v', 'f', 't', 'f', 'f', 'f', 'f', 'f', '', '0', '', 'p', 'n', None)]),
        (DESCRIBE_COLUMNS, ['attname', 'format_type', 'pg_get_expr', 'attnotnull', 'attcollation', 'attidentity', 'attgenerated'],
            [('id', 'integer', None, 'f', None, '', ''), ('username', 'text', None, 'f', None, '', '')]),
    ]),
    ('\\d order_seq', 'order_seq', [
        (DESCRIBE_LOOKUP, ['oid', 'nspname', 'relname'],
            [('$OID', 'public', 'order_seq')]),
        (DESCRIBE_CLASS, ['relchecks', 'relkind', 'relhasindex', 'relhasrules', 'relhastriggers', 'relrowsecurity', 'relforcerowsecurity', 'relhasoids', 'relispartition', '?column?', 'reltablespace', 'reloftype', 'relpersistence', 'relreplident', 'amname'],
            [('0', 'S', 'f', 'f', 'f', 'f', 'f', 'f', 'f', '', '0', '', 'p', 'n', None)]),
        (DESCRIBE_SEQUENCE, ['Type', 'Start', 'Minimum', 'Maximum', 'Increment', 'Cycles?', 'Cache'],
            [('bigint', '100', '1', '9223372036854775807', '1', 'no', '1')]),
        (DESCRIBE_SEQUENCE_OWNER, ['?column?', 'deptype'],
            []),
    ]),
    ('\\d users_email_idx', 'users_email_idx', [
        (DESCRIBE_LOOKUP, ['oid', 'nspname', 'relname'],
            [('$OID', 'public', 'users_email_idx')]),
        (DESCRIBE_CLASS, ['relchecks', 'relkind', 'relhasindex', 'relhasrules', 'relhastriggers', 'relrowsecurity', 'relforcerowsecurity', 'relhasoids', 'relispartition', '?column?', 'reltablespace', 'reloftype', 'relpersistence', 'relreplident', 'amname'],
            [('0', 'i', 'f', 'f', 'f', 'f', 'f', 'f', 'f', '', '0', '', 'p', 'n', 'btree')]),
        (DESCRIBE_INDEX_COLUMNS, ['attname', 'format_type', 'is_key', 'indexdef'],
            [('email', 'text', 'yes', 'email')]),
        (DESCRIBE_INDEX, ['indisunique', 'indisprimary', 'indisclustered', 'indisvalid', 'condeferrable', 'condeferred', 'indisreplident', 'indnullsnotdistinct', 'amname', 'relname', 'pg_get_expr'],
            [('f', 'f', 'f', 't', 'f', 'f', 'f', 'f', 'btree', 'users', None)]),
    ]),
    ('\\d+ users', 'users', [
        (DESCRIBE_LOOKUP, ['oid', 'nspname', 'relname'],
            [('$OID', 'public', 'users')]),
        (DESCRIBE_CLASS_PLUS, ['relchecks', 'relkind', 'relhasindex', 'relhasrules', 'relhastriggers', 'relrowsecurity', 'relforcerowsecurity', 'relhasoids', 'relispartition', 'array_to_string', 'reltablespace', 'reloftype', 'relpersistence', 'relreplident', 'amname'],
            [('0', 'r', 't', 'f', 't', 'f', 'f', 'f', 'f', '', '0', '', 'p', 'd', 'heap')]),
        (DESCRIBE_COLUMNS_PLUS, ['attname', 'format_type', 'pg_get_expr', 'attnotnull', 'attcollation', 'attidentity', 'attgenerated', 'attstorage', 'attcompression', 'attstattarget', 'col_description'],
            [('id', 'integer', None, 't', None, '', '', 'p', '', None, None),
             ('username', 'text', None, 't', None, '', '', 'x', '', None, None),
             ('email', 'text', None, 'f', None, '', '', 'x', '', None, None),
             ('created_at', 'timestamp without time zone', 'now()', 'f', None, '', '', 'p', '', None, None)]),
        (DESCRIBE_TABLE_INDEXES, ['relname', 'indisprimary', 'indisunique', 'indisclustered', 'indisvalid', 'pg_get_indexdef', 'pg_get_constraintdef', 'contype', 'condeferrable', 'condeferred', 'indisreplident', 'reltablespace'],
            [('users_pkey',
              't',
              't',
              'f',
              't',
              'CREATE UNIQUE INDEX users_pkey ON users USING btree (id)',
              'PRIMARY KEY (id)',
              'p',
              'f',
              'f',
              'f',
              '0'),
             ('users_email_idx',
              'f',
              'f',
              'f',
              't',
              'CREATE INDEX users_email_idx ON users USING btree (email)',
              None,
              None,
              None,
              None,
              'f',
              '0'),
             ('users_username_key',
              'f',
              't',
              'f',
              't',
              'CREATE UNIQUE INDEX users_username_key ON users USING btree (username)',
              None,
              None,
              None,
              None,
              'f',
              '0')]),
        (DESCRIBE_FOREIGN_KEYS, ['sametable', 'conname', 'condef', 'ontable'],
            []),
        (DESCRIBE_REFERENCED_BY, ['conname', 'ontable', 'condef'],
            [('posts_user_id_fkey',
              'posts',
              'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE')]),
        (DESCRIBE_POLICIES, ['polname', 'polpermissive', 'array_to_string', 'pg_get_expr', 'pg_get_expr', 'cmd'],
            []),
        (DESCRIBE_STATISTICS, ['oid', 'stxrelid', 'nsp', 'stxname', 'columns', 'ndist_enabled', 'deps_enabled', 'mcv_enabled', 'stxstattarget'],
            []),
        (DESCRIBE_PUBLICATIONS, ['pubname', '?column?', '?column?'],
            []),
        (DESCRIBE_TRIGGERS, ['tgname', 'pg_get_triggerdef', 'tgenabled', 'tgisinternal', 'parent'],
            []),
        (DESCRIBE_PARENTS, ['oid'],
            []),
        (DESCRIBE_PARTITIONS, ['oid', 'relkind', 'inhdetachpending', 'pg_get_expr'],
            []),
    ]),
    ('\\dt+', None, [
        (LIST_TABLES_PLUS, ['Schema', 'Name', 'Type', 'Owner', 'Persistence', 'Access method', 'Size', 'Description'],
            [('public', 'posts', 'table', 'orbit', 'permanent', 'heap', '8192 bytes', None),
             ('public', 'users', 'table', 'orbit', 'permanent', 'heap', '8192 bytes', None)]),
    ]),
    ('\\d posts_id_seq', 'posts_id_seq', [
        (DESCRIBE_LOOKUP, ['oid', 'nspname', 'relname'],
            [('$OID', 'public', 'posts_id_seq')]),
        (DESCRIBE_CLASS, ['relchecks', 'relkind', 'relhasindex', 'relhasrules', 'relhastriggers', 'relrowsecurity', 'relforcerowsecurity', 'relhasoids', 'relispartition', '?column?', 'reltablespace', 'reloftype', 'relpersistence', 'relreplident', 'amname'],
            [('0', 'S', 'f', 'f', 'f', 'f', 'f', 'f', 'f', '', '0', '', 'p', 'n', None)]),
        (DESCRIBE_SEQUENCE, ['Type', 'Start', 'Minimum', 'Maximum', 'Increment', 'Cycles?', 'Cache'],
            [('integer', '1', '1', '2147483647', '1', 'no', '1')]),
        (DESCRIBE_SEQUENCE_OWNER, ['?column?', 'deptype'],
            [('public.posts.id', 'a')]),
    ]),
    ('\\d+ active_users', 'active_users', [
        (DESCRIBE_LOOKUP, ['oid', 'nspname', 'relname'],
            [('$OID', 'public', 'active_users')]),
        (DESCRIBE_CLASS_PLUS, ['relchecks', 'relkind', 'relhasindex', 'relhasrules', 'relhastriggers', 'relrowsecurity', 'relforcerowsecurity', 'relhasoids', 'relispartition', 'array_to_string', 'reltablespace', 'reloftype', 'relpersistence', 'relreplident', 'amname'],
            [('0', 'v', 'f', 't', 'f', 'f', 'f', 'f', 'f', '', '0', '', 'p', 'n', None)]),
        (DESCRIBE_VIEW_COLUMNS_PLUS, ['attname', 'format_type', 'pg_get_expr', 'attnotnull', 'attcollation', 'attidentity', 'attgenerated', 'attstorage', 'col_description'],
            [('id', 'integer', None, 'f', None, '', '', 'p', None),
             ('username', 'text', None, 'f', None, '', '', 'x', None)]),
        (DESCRIBE_VIEWDEF, ['pg_get_viewdef'],
            [(' SELECT users.id,\n    users.username\n   FROM users\n  WHERE users.email IS NOT NULL;',)]),
        (DESCRIBE_RULES, ['rulename', 'rtrim'],
            []),
    ]),
]


# orbitdb has one database per data directory, and sorts text bytewise (collation "C")
_ORBIT_DIFFERENCES: dict[tuple[str, str], list[tuple[str | None, ...]]] = {
    ("\\l", "LIST_DATABASES"): [("actors", "orbit", "UTF8", "C", "C", None, "libc", None)],
}

_GAP_MESSAGES = (
    "unsupported expression",  # pg_catalog.-qualified functions, OPERATOR(pg_catalog.~), COLLATE
    "orbitdb.sql.types.regtypes",  # casts to regclass/regtype/regnamespace
    "has no attribute 'lower'",  # ::pg_catalog.regclass (a qualified type name)
    "function unnest(",
    "function generate_subscripts(",
    "does not support subscripting",
    "cannot cast type int2vector",  # pr.prattrs::pg_catalog.int2[]
    "column a.depth does not exist",  # WITH ORDINALITY AS a(relid, depth)
)
_QUERY_NAMES = {v: k for k, v in dict(globals()).items() if k.isupper() and isinstance(v, str) and "SELECT" in v}


def _describe_ids() -> Iterator[Any]:
    for cmd, rel, items in PSQL_CASES:
        for query, names, rows in items:
            qname = _QUERY_NAMES[query]
            for plain in (False, True):
                yield pytest.param(cmd, rel, qname, query, names, rows, plain,
                                   id=f"{cmd} {qname}{' plain' if plain else ''}")


def plain_sql(sql: str) -> str:
    """The query without the constructs the SQL layer lacks today (pg_catalog.-qualified function and
    type names, OPERATOR(pg_catalog.~), COLLATE pg_catalog.default): it checks the catalog's rows
    while the verbatim query waits for the SQL layer."""
    sql = sql.replace("OPERATOR(pg_catalog.~)", "~").replace(" COLLATE pg_catalog.default", "")
    sql = re.sub(r"pg_catalog\.(?=[a-z_]+\s*\()", "", sql)
    return re.sub(r"::pg_catalog\.", "::", sql)


def _decode_data_row(data: bytes) -> tuple[str | None, ...]:
    (count,) = struct.unpack_from("!h", data, 5)
    pos = 7
    out: list[str | None] = []
    for _ in range(count):
        (n,) = struct.unpack_from("!i", data, pos)
        pos += 4
        if n < 0:
            out.append(None)
        else:
            out.append(data[pos:pos + n].decode())
            pos += n
    return tuple(out)


def text_rows(session: Session, sql: str) -> tuple[list[str], list[tuple[str | None, ...]]]:
    """Column names and rows in text form, encoded as the wire protocol sends them."""
    from orbitdb.pgwire.rows import RowEncoder

    result = list(session.execute_simple(sql))[-1]
    assert result.columns is not None
    enc = RowEncoder(result.columns, [0] * len(result.columns), None)
    return [c.name for c in result.columns], [_decode_data_row(enc.data_row(r)) for r in result.rows]


def values(session: Session, sql: str) -> list[tuple[Any, ...]]:
    result = list(session.execute_simple(sql))[-1]
    return list(result.rows)


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    db = Database.open(str(tmp_path_factory.mktemp("catalog") / "db"))
    s = db.session(user="orbit", database="actors")
    for stmt in SCHEMA:
        list(s.execute_simple(stmt))
    yield s
    db.close()


def _oid_of(session: Session, name: str) -> str:
    rows = values(session, f"SELECT oid FROM pg_class WHERE relname = '{name}'")
    assert len(rows) == 1, name
    return str(rows[0][0])


@pytest.mark.parametrize(("cmd", "rel", "qname", "query", "names", "rows", "plain"), list(_describe_ids()))
def test_psql_query(session: Session, cmd: str, rel: str | None, qname: str, query: str, names: list[str],
                    rows: list[tuple[str | None, ...]], plain: bool) -> None:
    sql = plain_sql(query) if plain else query
    oid = None
    if rel is not None:
        oid = _oid_of(session, rel)
        sql = sql.replace("$OID", oid).replace("$NAME", rel)
    expected = _ORBIT_DIFFERENCES.get((cmd, qname), rows)
    expected = [tuple(oid if v == "$OID" else v for v in r) for r in expected]
    try:
        got_names, got = text_rows(session, sql)
    except (SqlError, ModuleNotFoundError, AttributeError) as e:
        # the verbatim query is the SQL layer's acceptance test: any error is the SQL layer's until
        # it runs (the plain variant checks the catalog's rows meanwhile, failing on anything unknown)
        if not plain or any(m in str(e) for m in _GAP_MESSAGES):
            pytest.xfail(f"SQL layer: {e}")
        raise
    if "ORDER BY" not in query:
        got, expected = sorted(got, key=repr), sorted(expected, key=repr)
    gaps = _known_gaps(session, names, got_names, expected, got)
    if gaps:
        pytest.xfail("; ".join(sorted(gaps)))
    assert (got_names, got) == (names, expected)


def _known_gaps(session: Session, names: list[str], got_names: list[str], expected: list[tuple[str | None, ...]],
                got: list[tuple[str | None, ...]]) -> set[str]:
    """The differences that come from known SQL-layer gaps, not from the catalog; empty when there is
    any other difference (the test then fails)."""
    gaps: set[str] = set()
    if len(got_names) != len(names) or len(got) != len(expected):
        return set()
    for g, w in zip(got_names, names):
        if g == w:
            continue
        if g == "case":
            gaps.add("a CASE column is named 'case', PostgreSQL names it after its ELSE branch")
        elif g == "?column?":
            gaps.add("a pg_catalog.-qualified function call's column is named '?column?', PostgreSQL names it "
                     "after the function")
        else:
            return set()
    for grow, wrow in zip(got, expected):
        for g, w in zip(grow, wrow):
            if g == w:
                continue
            if g == "CURRENT_TIMESTAMP" and w == "now()":
                gaps.add("DDL stores DEFAULT now() as sqlglot's CURRENT_TIMESTAMP")
            elif g is not None and w is not None and g.isdigit() and _oid_of(session, w) == g:
                gaps.add("regclass values print as numbers, not relation names")
            else:
                return set()
    return gaps


# ---------------------------------------------------------------- column defaults and check constraints
# A table with many kinds of defaults and checks, and what PostgreSQL 15 prints for each
# (pg_get_expr(adbin, adrelid[, true]) and pg_get_constraintdef(oid[, true])).

DP_COLUMNS = [
    ("a", "integer"), ("b", "integer"), ("c", "bigint"), ("d", "numeric"), ("e", "numeric(10,2)"), ("f", "text"),
    ("g", "character varying(20)"), ("h", "character(3)"), ("i", "boolean"), ("j", "timestamp without time zone"),
    ("k", "timestamp with time zone"), ("l", "date"), ("m", "real"), ("n", "double precision"), ("o", "jsonb"),
    ("p", "text[]"), ("q", "uuid"), ("r", "interval"), ("s", "timestamp without time zone"), ("t", "integer"),
    ("u", "text"), ("v", "smallint"), ("w", "timestamp without time zone"), ("x", "boolean"), ("y", "integer[]"),
    ("z", "text"), ("aa", "bigint"), ("ab", "numeric"), ("ac", "time without time zone"),
    ("ad", "timestamp without time zone"), ("ae", "text"), ("af", "double precision"), ("ag", "integer"),
    ("ah", "character varying"),
]

# (column, DEFAULT as written, pg_get_expr, pg_get_expr pretty)
DEFAULT_CASES = [
    ("a", "0", "0", "0"),
    ("b", "-1", "'-1'::integer", "'-1'::integer"),
    ("c", "42", "42", "42"),
    ("d", "0", "0", "0"),
    ("e", "1.5", "1.5", "1.5"),
    ("f", "'abc'", "'abc'::text", "'abc'::text"),
    ("g", "'x'", "'x'::character varying", "'x'::character varying"),
    ("h", "'ab'", "'ab'::bpchar", "'ab'::bpchar"),
    ("i", "true", "true", "true"),
    ("j", "now()", "now()", "now()"),
    ("k", "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP", "CURRENT_TIMESTAMP"),
    ("l", "CURRENT_DATE", "CURRENT_DATE", "CURRENT_DATE"),
    ("m", "1.5", "1.5", "1.5"),
    ("n", "2", "2", "2"),
    ("o", "'{}'", "'{}'::jsonb", "'{}'::jsonb"),
    ("p", "'{}'", "'{}'::text[]", "'{}'::text[]"),
    ("q", "gen_random_uuid()", "gen_random_uuid()", "gen_random_uuid()"),
    ("r", "'1 day'", "'1 day'::interval", "'1 day'::interval"),
    ("s", "'2020-01-01'", "'2020-01-01 00:00:00'::timestamp without time zone",
     "'2020-01-01 00:00:00'::timestamp without time zone"),
    ("t", "(1 + 2)", "(1 + 2)", "1 + 2"),
    ("u", "upper('x')", "upper('x'::text)", "upper('x'::text)"),
    ("v", "3", "3", "3"),
    ("w", "now() + interval '1 hour'", "(now() + '01:00:00'::interval)", "(now() + '01:00:00'::interval)"),
    ("x", "false", "false", "false"),
    ("y", "ARRAY[1,2]", "ARRAY[1, 2]", "ARRAY[1, 2]"),
    ("z", "''::text", "''::text", "''::text"),
    ("aa", "9999999999", "'9999999999'::bigint", "'9999999999'::bigint"),
    ("ab", "-2.5", "'-2.5'::numeric", "'-2.5'::numeric"),
    ("ac", "CURRENT_TIME", "CURRENT_TIME", "CURRENT_TIME"),
    ("ad", "LOCALTIMESTAMP", "LOCALTIMESTAMP", "LOCALTIMESTAMP"),
    ("ae", "CURRENT_USER", "CURRENT_USER", "CURRENT_USER"),
    ("af", "-1.25", "'-1.25'::numeric", "'-1.25'::numeric"),
    ("ah", "'hello world'", "'hello world'::character varying", "'hello world'::character varying"),
]

# (constraint, CHECK as written, pg_get_constraintdef, pg_get_constraintdef pretty)
CHECK_CASES = [
    ("c1", "a > 0", "CHECK ((a > 0))", "CHECK (a > 0)"),
    ("c2", "d >= 0", "CHECK ((d >= (0)::numeric))", "CHECK (d >= 0::numeric)"),
    ("c3", "f <> ''", "CHECK ((f <> ''::text))", "CHECK (f <> ''::text)"),
    ("c4", "g IN ('x','y')",
     "CHECK (((g)::text = ANY ((ARRAY['x'::character varying, 'y'::character varying])::text[])))",
     "CHECK (g::text = ANY (ARRAY['x'::character varying, 'y'::character varying]::text[]))"),
    ("c5", "a BETWEEN 1 AND 10", "CHECK (((a >= 1) AND (a <= 10)))", "CHECK (a >= 1 AND a <= 10)"),
    ("c6", "length(f) < 100", "CHECK ((length(f) < 100))", "CHECK (length(f) < 100)"),
    ("c7", "a > 0 AND c < 100 OR i", "CHECK ((((a > 0) AND (c < 100)) OR i))", "CHECK (a > 0 AND c < 100 OR i)"),
    ("c8", "f IS NOT NULL", "CHECK ((f IS NOT NULL))", "CHECK (f IS NOT NULL)"),
    ("c9", "e > 0.5", "CHECK ((e > 0.5))", "CHECK (e > 0.5)"),
    ("c10", "g LIKE 'x%'", "CHECK (((g)::text ~~ 'x%'::text))", "CHECK (g::text ~~ 'x%'::text)"),
    ("c11", "a IN (1,2,3)", "CHECK ((a = ANY (ARRAY[1, 2, 3])))", "CHECK (a = ANY (ARRAY[1, 2, 3]))"),
    ("c12", "h <> 'zz'", "CHECK ((h <> 'zz'::bpchar))", "CHECK (h <> 'zz'::bpchar)"),
    ("c13", "j > '2000-01-01'", "CHECK ((j > '2000-01-01 00:00:00'::timestamp without time zone))",
     "CHECK (j > '2000-01-01 00:00:00'::timestamp without time zone)"),
    ("c14", "NOT i", "CHECK ((NOT i))", "CHECK (NOT i)"),
    ("c15", "a <> b", "CHECK ((a <> b))", "CHECK (a <> b)"),
    ("c16", "m > 0", "CHECK ((m > (0)::double precision))", "CHECK (m > 0::double precision)"),
    ("c17", "c > a", "CHECK ((c > a))", "CHECK (c > a)"),
    ("c18", "lower(f) = f", "CHECK ((lower(f) = f))", "CHECK (lower(f) = f)"),
    ("c19", "a * 2 < 100", "CHECK (((a * 2) < 100))", "CHECK ((a * 2) < 100)"),
    ("c20", "f ~ '^a'", "CHECK ((f ~ '^a'::text))", "CHECK (f ~ '^a'::text)"),
    ("c21", "coalesce(a, 0) >= 0", "CHECK ((COALESCE(a, 0) >= 0))", "CHECK (COALESCE(a, 0) >= 0)"),
    ("c22", "CASE WHEN a > 0 THEN true ELSE false END",
     "CHECK (\nCASE\n    WHEN (a > 0) THEN true\n    ELSE false\nEND)",
     "CHECK (\nCASE\n    WHEN a > 0 THEN true\n    ELSE false\nEND)"),
    ("c23", "g::text <> 'q'", "CHECK (((g)::text <> 'q'::text))", "CHECK (g::text <> 'q'::text)"),
    ("c24", "a IS NULL OR a > 5", "CHECK (((a IS NULL) OR (a > 5)))", "CHECK (a IS NULL OR a > 5)"),
    ("c25", "n > -1", "CHECK ((n > ('-1'::integer)::double precision))",
     "CHECK (n > '-1'::integer::double precision)"),
]


@pytest.mark.parametrize(("column", "source", "plain", "pretty"), DEFAULT_CASES)
def test_default_deparse(column: str, source: str, plain: str, pretty: str) -> None:
    from orbitdb.sql import types as T
    from orbitdb.sql.pgcatalog.deparse import deparse_expr, table_columns

    cols = table_columns(DP_COLUMNS)
    target = T.parse_type_name(dict(DP_COLUMNS)[column])
    assert deparse_expr(source, cols, False, target) == plain
    assert deparse_expr(source, cols, True, target) == pretty


@pytest.mark.parametrize(("name", "source", "plain", "pretty"), CHECK_CASES)
def test_check_deparse(name: str, source: str, plain: str, pretty: str) -> None:
    from orbitdb.sql.pgcatalog.deparse import deparse_expr, table_columns

    cols = table_columns(DP_COLUMNS)
    assert "CHECK (" + deparse_expr(source, cols, False) + ")" == plain
    assert "CHECK (" + deparse_expr(source, cols, True) + ")" == pretty


DDL_REFUSED: dict[str, str] = {}  # column or constraint -> the SQL layer's error creating it


@pytest.fixture(scope="module")
def dp_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """The defaults and checks above created through DDL (stored as the SQL layer stores them); one
    column or constraint at a time, so that one the SQL layer refuses does not hide the others."""
    db = Database.open(str(tmp_path_factory.mktemp("deparse") / "db"))
    s = db.session(user="orbit", database="actors")
    defaults = {c: d for c, d, _, _ in DEFAULT_CASES}
    list(s.execute_simple("CREATE TABLE dp ()"))
    for c, t in DP_COLUMNS:
        default = f" DEFAULT {defaults[c]}" if c in defaults else ""
        try:
            list(s.execute_simple(f"ALTER TABLE dp ADD COLUMN {c} {t}{default}"))
        except SqlError as e:
            DDL_REFUSED[c] = str(e)
            list(s.execute_simple(f"ALTER TABLE dp ADD COLUMN {c} {t}"))
    for name, src, _, _ in CHECK_CASES:
        try:
            list(s.execute_simple(f"ALTER TABLE dp ADD CONSTRAINT {name} CHECK ({src})"))
        except SqlError as e:
            DDL_REFUSED[name] = str(e)
    yield s
    db.close()


@pytest.mark.parametrize(("column", "source", "plain", "pretty"), DEFAULT_CASES)
def test_default_through_ddl(dp_session: Session, column: str, source: str, plain: str, pretty: str) -> None:
    if column in DDL_REFUSED:
        pytest.xfail(f"SQL layer refuses DEFAULT {source}: {DDL_REFUSED[column]}")
    rows = values(dp_session, "SELECT pg_get_expr(d.adbin, d.adrelid), pg_get_expr(d.adbin, d.adrelid, true) "
                  "FROM pg_attrdef d JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
                  f"JOIN pg_class c ON c.oid = d.adrelid WHERE c.relname = 'dp' AND a.attname = '{column}'")
    if rows and "now()" in source and "CURRENT_TIMESTAMP" in str(rows[0][0]):
        pytest.xfail("DDL stores DEFAULT now() as sqlglot's CURRENT_TIMESTAMP")
    assert rows == [(plain, pretty)]


@pytest.mark.parametrize(("name", "source", "plain", "pretty"), CHECK_CASES)
def test_check_through_ddl(dp_session: Session, name: str, source: str, plain: str, pretty: str) -> None:
    if name in DDL_REFUSED:
        pytest.xfail(f"SQL layer refuses CHECK ({source}): {DDL_REFUSED[name]}")
    rows = values(dp_session, "SELECT pg_get_constraintdef(oid), pg_get_constraintdef(oid, true) "
                  f"FROM pg_constraint WHERE conname = '{name}'")
    assert rows == [(plain, pretty)]


def test_default_null_is_no_default(dp_session: Session) -> None:
    rows = values(dp_session, "SELECT a.atthasdef FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                  "WHERE c.relname = 'dp' AND a.attname = 'ag'")
    assert rows == [(False,)]


# ---------------------------------------------------------------- views: pg_get_viewdef

VIEWS = [
    ("active_users", "SELECT id, username FROM users WHERE email IS NOT NULL",
     " SELECT users.id,\n    users.username\n   FROM users\n  WHERE (users.email IS NOT NULL);",
     " SELECT users.id,\n    users.username\n   FROM users\n  WHERE users.email IS NOT NULL;"),
    ("v2", ("SELECT u.id, u.username, count(p.id) AS n FROM users u LEFT JOIN posts p ON p.user_id = u.id "
     "WHERE u.email LIKE '%@x' GROUP BY u.id, u.username HAVING count(*) > 1 ORDER BY n DESC LIMIT 10"),
     (" SELECT u.id,\n    u.username,\n    count(p.id) AS n\n   FROM (users u\n     LEFT JOIN posts p ON "
     "((p.user_id = u.id)))\n  WHERE (u.email ~~ '%@x'::text)\n  GROUP BY u.id, u.username\n HAVING (count(*) > 1)"
     "\n  ORDER BY (count(p.id)) DESC\n LIMIT 10;"),
     (" SELECT u.id,\n    u.username,\n    count(p.id) AS n\n   FROM users u\n     LEFT JOIN posts p ON p.user_id ="
     " u.id\n  WHERE u.email ~~ '%@x'::text\n  GROUP BY u.id, u.username\n HAVING count(*) > 1\n  ORDER BY "
     "(count(p.id)) DESC\n LIMIT 10;")),
    ("v3", "SELECT * FROM posts",
     " SELECT posts.id,\n    posts.user_id,\n    posts.title,\n    posts.body,\n    posts.score\n   FROM posts;",
     " SELECT posts.id,\n    posts.user_id,\n    posts.title,\n    posts.body,\n    posts.score\n   FROM posts;"),
    ("v4", "SELECT 1 AS one, 'a'::text AS t, now() AS ts",
     " SELECT 1 AS one,\n    'a'::text AS t,\n    now() AS ts;", " SELECT 1 AS one,\n    'a'::text AS t,\n    now() AS ts;"),
    ("v5", "SELECT id FROM users UNION ALL SELECT id FROM posts",
     " SELECT users.id\n   FROM users\nUNION ALL\n SELECT posts.id\n   FROM posts;",
     " SELECT users.id\n   FROM users\nUNION ALL\n SELECT posts.id\n   FROM posts;"),
    ("v6", "SELECT DISTINCT title FROM posts WHERE score > 1.5 AND body IS NOT NULL",
     " SELECT DISTINCT posts.title\n   FROM posts\n  WHERE ((posts.score > 1.5) AND (posts.body IS NOT NULL));",
     " SELECT DISTINCT posts.title\n   FROM posts\n  WHERE posts.score > 1.5 AND posts.body IS NOT NULL;"),
    ("v7", ("SELECT p.title, u.username FROM posts p JOIN users u ON u.id = p.user_id "
     "WHERE p.score BETWEEN 1 AND 5 ORDER BY 1"),
     (" SELECT p.title,\n    u.username\n   FROM (posts p\n     JOIN users u ON ((u.id = p.user_id)))\n  WHERE "
     "((p.score >= (1)::numeric) AND (p.score <= (5)::numeric))\n  ORDER BY p.title;"),
     (" SELECT p.title,\n    u.username\n   FROM posts p\n     JOIN users u ON u.id = p.user_id\n  WHERE p.score >= "
     "1::numeric AND p.score <= 5::numeric\n  ORDER BY p.title;")),
    ("v8", ("SELECT id, CASE WHEN score > 10 THEN 'high' ELSE 'low' END AS level, coalesce(body, '') AS body "
     "FROM posts"),
     (" SELECT posts.id,\n        CASE\n            WHEN (posts.score > (10)::numeric) THEN 'high'::text\n"
     "            ELSE 'low'::text\n        END AS level,\n    COALESCE(posts.body, ''::text) AS body\n   FROM posts;"),
     (" SELECT posts.id,\n        CASE\n            WHEN posts.score > 10::numeric THEN 'high'::text\n"
     "            ELSE 'low'::text\n        END AS level,\n    COALESCE(posts.body, ''::text) AS body\n   FROM posts;")),
]


@pytest.fixture(scope="module")
def view_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    db = Database.open(str(tmp_path_factory.mktemp("views") / "db"))
    s = db.session(user="orbit", database="actors")
    for stmt in SCHEMA:
        if not stmt.startswith("CREATE VIEW"):
            list(s.execute_simple(stmt))
    for name, query, _, _ in VIEWS:
        list(s.execute_simple(f"CREATE VIEW {name} AS {query}"))
    yield s
    db.close()


@pytest.mark.parametrize(("name", "query", "plain", "pretty"), VIEWS)
def test_viewdef(view_session: Session, name: str, query: str, plain: str, pretty: str) -> None:
    rows = values(view_session, f"SELECT pg_get_viewdef(oid), pg_get_viewdef(oid, true) FROM pg_class "
                  f"WHERE relname = '{name}'")
    if "now()" in query and rows and "CURRENT_TIMESTAMP" in rows[0][0]:
        pytest.xfail("CREATE VIEW stores now() as sqlglot's CURRENT_TIMESTAMP")
    assert rows == [(plain, pretty)]
    assert values(view_session, f"SELECT definition FROM pg_views WHERE viewname = '{name}'") == [(plain,)]


# ---------------------------------------------------------------- information_schema (PostgreSQL 15's answers)


def test_information_schema_tables(session: Session) -> None:
    rows = values(session, "SELECT table_catalog, table_schema, table_name, table_type, is_insertable_into, "
                  "is_typed FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")
    assert rows == [("actors", "public", "active_users", "VIEW", "YES", "NO"),
                    ("actors", "public", "posts", "BASE TABLE", "YES", "NO"),
                    ("actors", "public", "users", "BASE TABLE", "YES", "NO")]
    rows = values(session, "SELECT table_type FROM information_schema.tables "
                  "WHERE table_schema = 'pg_catalog' AND table_name IN ('pg_class', 'pg_tables') ORDER BY 1")
    assert rows == [("BASE TABLE",), ("VIEW",)]


COLUMNS_EXPECTED = [
    ("active_users", "id", 1, None, "YES", "integer", None, None, 32, 2, 0, None, "int4", "1", "NO", "YES"),
    ("active_users", "username", 2, None, "YES", "text", None, 1073741824, None, None, None, None, "text", "2", "NO",
     "YES"),
    ("posts", "id", 1, "nextval('posts_id_seq'::regclass)", "NO", "integer", None, None, 32, 2, 0, None, "int4", "1",
     "NO", "YES"),
    ("posts", "user_id", 2, None, "YES", "integer", None, None, 32, 2, 0, None, "int4", "2", "NO", "YES"),
    ("posts", "title", 3, None, "NO", "character varying", 200, 800, None, None, None, None, "varchar", "3", "NO",
     "YES"),
    ("posts", "body", 4, None, "YES", "text", None, 1073741824, None, None, None, None, "text", "4", "NO", "YES"),
    ("posts", "score", 5, None, "YES", "numeric", None, None, 10, 10, 2, None, "numeric", "5", "NO", "YES"),
    ("users", "id", 1, None, "NO", "integer", None, None, 32, 2, 0, None, "int4", "1", "NO", "YES"),
    ("users", "username", 2, None, "NO", "text", None, 1073741824, None, None, None, None, "text", "2", "NO", "YES"),
    ("users", "email", 3, None, "YES", "text", None, 1073741824, None, None, None, None, "text", "3", "NO", "YES"),
    ("users", "created_at", 4, "now()", "YES", "timestamp without time zone", None, None, None, None, None, 6,
     "timestamp", "4", "NO", "YES"),
]


def test_information_schema_columns(session: Session) -> None:
    rows = values(session, "SELECT table_name, column_name, ordinal_position, column_default, is_nullable, data_type, "
                  "character_maximum_length, character_octet_length, numeric_precision, numeric_precision_radix, "
                  "numeric_scale, datetime_precision, udt_name, dtd_identifier, is_identity, is_updatable "
                  "FROM information_schema.columns WHERE table_schema = 'public' "
                  "ORDER BY table_name, ordinal_position")
    if rows[-1][3] == "CURRENT_TIMESTAMP":
        rows[-1] = rows[-1][:3] + ("now()",) + rows[-1][4:]  # DDL stores now() as CURRENT_TIMESTAMP (SQL layer)
    assert rows == COLUMNS_EXPECTED


def test_information_schema_constraints(session: Session) -> None:
    oids = {name: _oid_of(session, name) for name in ("users", "posts")}
    rows = values(session, "SELECT constraint_name, table_name, constraint_type, is_deferrable, initially_deferred, "
                  "enforced, nulls_distinct FROM information_schema.table_constraints "
                  "WHERE table_schema = 'public' ORDER BY 1")
    assert rows == sorted([
        ("users_pkey", "users", "PRIMARY KEY", "NO", "NO", "YES", None),
        ("posts_score_check", "posts", "CHECK", "NO", "NO", "YES", None),
        ("posts_pkey", "posts", "PRIMARY KEY", "NO", "NO", "YES", None),
        ("posts_user_id_title_key", "posts", "UNIQUE", "NO", "NO", "YES", "YES"),
        ("posts_user_id_fkey", "posts", "FOREIGN KEY", "NO", "NO", "YES", None),
        (f"2200_{oids['users']}_1_not_null", "users", "CHECK", "NO", "NO", "YES", None),
        (f"2200_{oids['users']}_2_not_null", "users", "CHECK", "NO", "NO", "YES", None),
        (f"2200_{oids['posts']}_1_not_null", "posts", "CHECK", "NO", "NO", "YES", None),
        (f"2200_{oids['posts']}_3_not_null", "posts", "CHECK", "NO", "NO", "YES", None),
    ])
    rows = values(session, "SELECT constraint_name, table_name, column_name, ordinal_position, "
                  "position_in_unique_constraint FROM information_schema.key_column_usage "
                  "WHERE table_schema = 'public' ORDER BY 1, 4")
    assert rows == [("posts_pkey", "posts", "id", 1, None), ("posts_user_id_fkey", "posts", "user_id", 1, 1),
                    ("posts_user_id_title_key", "posts", "user_id", 1, None),
                    ("posts_user_id_title_key", "posts", "title", 2, None), ("users_pkey", "users", "id", 1, None)]
    rows = values(session, "SELECT constraint_name, unique_constraint_schema, unique_constraint_name, match_option, "
                  "update_rule, delete_rule FROM information_schema.referential_constraints")
    assert rows == [("posts_user_id_fkey", "public", "users_pkey", "NONE", "NO ACTION", "CASCADE")]
    rows = values(session, "SELECT table_name, column_name, constraint_name FROM "
                  "information_schema.constraint_column_usage WHERE table_schema = 'public' ORDER BY 3, 2")
    assert rows == [("posts", "id", "posts_pkey"), ("posts", "score", "posts_score_check"),
                    ("users", "id", "posts_user_id_fkey"), ("posts", "title", "posts_user_id_title_key"),
                    ("posts", "user_id", "posts_user_id_title_key"), ("users", "id", "users_pkey")]
    rows = values(session, "SELECT constraint_name, check_clause FROM information_schema.check_constraints "
                  "WHERE constraint_schema = 'public' ORDER BY 1")
    assert rows == sorted([
        (f"2200_{oids['posts']}_1_not_null", "id IS NOT NULL"), (f"2200_{oids['users']}_1_not_null", "id IS NOT NULL"),
        (f"2200_{oids['users']}_2_not_null", "username IS NOT NULL"),
        (f"2200_{oids['posts']}_3_not_null", "title IS NOT NULL"),
        ("posts_score_check", "((score >= (0)::numeric))")])


def test_information_schema_views_sequences_schemata(session: Session) -> None:
    rows = values(session, "SELECT table_name, view_definition, check_option, is_updatable, is_insertable_into "
                  "FROM information_schema.views WHERE table_schema = 'public'")
    assert rows == [("active_users", VIEWS[0][2], "NONE", "YES", "YES")]
    rows = values(session, "SELECT sequence_name, data_type, numeric_precision, numeric_precision_radix, "
                  "numeric_scale, start_value, minimum_value, maximum_value, increment, cycle_option "
                  "FROM information_schema.sequences ORDER BY 1")
    assert rows == [("order_seq", "bigint", 64, 2, 0, "100", "1", "9223372036854775807", "1", "NO"),
                    ("posts_id_seq", "integer", 32, 2, 0, "1", "1", "2147483647", "1", "NO")]
    rows = values(session, "SELECT catalog_name, schema_name, schema_owner FROM information_schema.schemata "
                  "ORDER BY 2")
    assert rows == [("actors", "information_schema", "postgres"), ("actors", "pg_catalog", "postgres"),
                    ("actors", "pg_toast", "postgres"), ("actors", "public", "pg_database_owner")]
    assert values(session, "SELECT * FROM information_schema.routines") == []
    assert values(session, "SELECT character_set_name, character_repertoire, form_of_use "
                  "FROM information_schema.character_sets") == [("UTF8", "UCS", "UTF8")]


def test_information_schema_needs_qualification(session: Session) -> None:
    with pytest.raises(SqlError) as e:
        values(session, "SELECT * FROM schemata")
    assert e.value.sqlstate == "42P01"


# ---------------------------------------------------------------- catalog rows and functions


def test_catalog_rows(session: Session) -> None:
    users = _oid_of(session, "users")
    rows = values(session, "SELECT c.relname, c.relkind, n.nspname FROM pg_class c JOIN pg_namespace n "
                  "ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1")
    assert rows == [("active_users", "v", "public"), ("order_seq", "S", "public"), ("posts", "r", "public"),
                    ("posts_id_seq", "S", "public"), ("posts_pkey", "i", "public"),
                    ("posts_user_id_title_key", "i", "public"), ("users", "r", "public"),
                    ("users_email_idx", "i", "public"), ("users_pkey", "i", "public"),
                    ("users_username_key", "i", "public")]
    rows = values(session, "SELECT relname, relkind, relnamespace FROM pg_class WHERE oid = 1259")
    assert rows == [("pg_class", "r", 11)]
    rows = values(session, f"SELECT attname, atttypid, attnum, attnotnull FROM pg_attribute WHERE attrelid = '{users}' "
                  "ORDER BY attnum")
    assert rows == [("tableoid", 26, -6, True), ("cmax", 29, -5, True), ("xmax", 28, -4, True),
                    ("cmin", 29, -3, True), ("xmin", 28, -2, True), ("ctid", 27, -1, True),
                    ("id", 23, 1, True), ("username", 25, 2, True), ("email", 25, 3, False),
                    ("created_at", 1114, 4, False)]
    rows = values(session, "SELECT typname, typlen, typtype, typcategory, typarray, typinput FROM pg_type "
                  "WHERE typname IN ('int4', 'text', 'varchar') ORDER BY oid")
    assert rows == [("int4", 4, "b", "N", 1007, 42), ("text", -1, "b", "S", 1009, 46),
                    ("varchar", -1, "b", "S", 1015, 1046)]
    rows = values(session, "SELECT tablename, tableowner, hasindexes, hastriggers FROM pg_tables "
                  "WHERE schemaname = 'public' ORDER BY 1")
    assert rows == [("posts", "orbit", True, True), ("users", "orbit", True, True)]
    rows = values(session, "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1")
    assert rows == [
        ("posts_pkey", "CREATE UNIQUE INDEX posts_pkey ON public.posts USING btree (id)"),
        ("posts_user_id_title_key", ("CREATE UNIQUE INDEX posts_user_id_title_key ON public.posts USING btree "
         "(user_id, title)")),
        ("users_email_idx", "CREATE INDEX users_email_idx ON public.users USING btree (email)"),
        ("users_pkey", "CREATE UNIQUE INDEX users_pkey ON public.users USING btree (id)"),
        ("users_username_key", "CREATE UNIQUE INDEX users_username_key ON public.users USING btree (username)")]
    rows = values(session, "SELECT sequencename, data_type, start_value, last_value FROM pg_sequences ORDER BY 1")
    assert rows == [("order_seq", 20, 100, None), ("posts_id_seq", 23, 1, None)]
    assert values(session, "SELECT extname, extversion FROM pg_extension") == [("plpgsql", "1.0")]
    assert values(session, "SELECT oid, amname FROM pg_am WHERE amtype = 't'") == [(2, "heap")]
    assert values(session, "SELECT datname, encoding FROM pg_database") == [("actors", 6)]
    rows = values(session, "SELECT rolname, rolsuper, rolcanlogin FROM pg_roles WHERE rolname !~ '^pg_' ORDER BY 1")
    assert rows == [("orbit", True, True), ("postgres", True, True)]
    names = {r[0] for r in values(session, "SELECT name FROM pg_settings")}
    assert {"search_path", "TimeZone", "DateStyle", "work_mem", "max_connections"} <= names
    assert values(session, "SELECT setting, unit FROM pg_settings WHERE name = 'work_mem'") == [("4096", "kB")]
    for empty in ("pg_inherits", "pg_trigger", "pg_policy", "pg_enum", "pg_range", "pg_locks", "pg_publication",
                  "pg_statistic_ext", "pg_partitioned_table", "pg_foreign_table", "pg_event_trigger"):
        assert values(session, f"SELECT * FROM {empty}") == [], empty
    rows = values(session, "SELECT datname, usename, state FROM pg_stat_activity")
    assert ("actors", "orbit", "active") in rows


def test_catalog_functions(session: Session) -> None:
    users, posts = _oid_of(session, "users"), _oid_of(session, "posts")
    one = values(session, f"SELECT pg_get_userbyid(10), pg_get_userbyid(99999), format_type(1043, 204), "
                 f"format_type(1042, NULL), format_type(1042, -1), format_type(0, NULL), format_type(1015, 24), "
                 f"pg_table_is_visible({users}), pg_table_is_visible(1259), pg_table_is_visible(99999), "
                 f"pg_get_serial_sequence('posts', 'id'), pg_get_serial_sequence('users', 'id'), "
                 f"obj_description(2200, 'pg_namespace'), col_description({users}, 1), "
                 f"pg_encoding_to_char(6), has_table_privilege('users', 'SELECT'), pg_has_role('orbit', 'member')")
    assert one == [("postgres", "unknown (OID=99999)", "character varying(200)", "character", "bpchar", "-",
                    "character varying(20)[]", True, True, None, "public.posts_id_seq", None,
                    "standard public schema", None, "UTF8", True, True)]
    sizes = values(session, "SELECT pg_size_pretty(10239::bigint), pg_size_pretty(10240::bigint), "
                   "pg_size_pretty(123456789::bigint), pg_size_pretty(-123456789::bigint), "
                   "pg_size_pretty(20479 * 1024::bigint), pg_size_pretty(1000000000000000000::numeric)")
    assert sizes == [("10239 bytes", "10 kB", "118 MB", "-118 MB", "20 MB", "888 PB")]
    rows = values(session, f"SELECT pg_relation_size({users}), pg_table_size({users}), pg_total_relation_size({posts}) "
                  "> 0, pg_database_size(current_database()) > 0")
    assert rows == [(0, 8192, True, True)]
    con = values(session, f"SELECT conname, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true) "
                 f"FROM pg_constraint WHERE conrelid = {posts} ORDER BY conname")
    assert con == [("posts_pkey", "PRIMARY KEY (id)", "PRIMARY KEY (id)"),
                   ("posts_score_check", "CHECK ((score >= (0)::numeric))", "CHECK (score >= 0::numeric)"),
                   ("posts_user_id_fkey", "FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE",
                    "FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE"),
                   ("posts_user_id_title_key", "UNIQUE (user_id, title)", "UNIQUE (user_id, title)")]


def test_catalog_follows_ddl(session: Session) -> None:
    """Rows are computed per scan: DDL (also uncommitted, in the same transaction) shows at once."""
    list(session.execute_simple("BEGIN"))
    try:
        list(session.execute_simple("CREATE TABLE later (k bigint PRIMARY KEY, note varchar(10) DEFAULT 'x')"))
        rows = values(session, "SELECT table_name, column_name, column_default FROM information_schema.columns "
                      "WHERE table_name = 'later' ORDER BY ordinal_position")
        assert rows == [("later", "k", None), ("later", "note", "'x'::character varying")]
        list(session.execute_simple("COMMENT ON TABLE later IS 'made later'"))
        rows = values(session, "SELECT obj_description(oid, 'pg_class') FROM pg_class WHERE relname = 'later'")
        assert rows == [("made later",)]
    finally:
        list(session.execute_simple("ROLLBACK"))
    assert values(session, "SELECT relname FROM pg_class WHERE relname = 'later'") == []
DRIVER_QUERIES: list[tuple[str, tuple[str, ...] | None, list[str], list[tuple[str | None, ...]]]] = [
    (r"""select current_schema()""",
     None, ['current_schema'],
     [('public',)]),
    (r"""show transaction isolation level""",
     None, ['transaction_isolation'],
     [('read committed',)]),
    (r"""show standard_conforming_strings""",
     None, ['standard_conforming_strings'],
     [('on',)]),
    (r"""SELECT pg_catalog.pg_class.relname 
    FROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p']) AND pg_catalog.pg_class.relpersistence != 't' AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog'""",
     None, ['relname'],
     [('users',), ('posts',)]),
    (r"""SELECT pg_catalog.pg_class.relname 
    FROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['v']) AND pg_catalog.pg_class.relpersistence != 't' AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog'""",
     None, ['relname'],
     [('active_users',)]),
    (r"""SELECT pg_catalog.pg_class.relname 
    FROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['S']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog'""",
     None, ['relname'],
     [('posts_id_seq',), ('order_seq',)]),
    (r"""SELECT pg_catalog.pg_namespace.nspname 
    FROM pg_catalog.pg_namespace 
    WHERE (pg_catalog.pg_namespace.nspname NOT LIKE 'pg/_' || '%' ESCAPE '/') ORDER BY pg_catalog.pg_namespace.nspname""",
     None, ['nspname'],
     [('information_schema',), ('public',)]),
    (r"""SELECT pg_catalog.pg_attribute.attname AS name, pg_catalog.format_type(pg_catalog.pg_attribute.atttypid, pg_catalog.pg_attribute.atttypmod) AS format_type, CASE WHEN pg_catalog.pg_attribute.atthasdef THEN (SELECT pg_catalog.pg_get_expr(pg_catalog.pg_attrdef.adbin, pg_catalog.pg_attrdef.adrelid) AS pg_get_expr_1 
    FROM pg_catalog.pg_attrdef 
    WHERE pg_catalog.pg_attribute.atthasdef AND pg_catalog.pg_attrdef.adrelid = pg_catalog.pg_attribute.attrelid AND pg_catalog.pg_attrdef.adnum = pg_catalog.pg_attribute.attnum) ELSE NULL END AS "default", pg_catalog.pg_attribute.attnotnull AS not_null, pg_catalog.pg_class.relname AS table_name, pg_catalog.pg_description.description AS comment, pg_catalog.pg_attribute.attgenerated AS generated, CASE WHEN (pg_catalog.pg_attribute.attidentity != '') THEN (SELECT json_build_object('always', pg_catalog.pg_attribute.attidentity = 'a', 'start', pg_catalog.pg_sequence.seqstart, 'increment', pg_catalog.pg_sequence.seqincrement, 'minvalue', pg_catalog.pg_sequence.seqmin, 'maxvalue', pg_catalog.pg_sequence.seqmax, 'cache', pg_catalog.pg_sequence.seqcache, 'cycle', pg_catalog.pg_sequence.seqcycle) AS json_build_object_1 
    FROM pg_catalog.pg_sequence 
    WHERE pg_catalog.pg_attribute.attidentity != '' AND pg_catalog.pg_sequence.seqrelid = CAST(CAST(pg_catalog.pg_get_serial_sequence(CAST(CAST(pg_catalog.pg_attribute.attrelid AS REGCLASS) AS TEXT), pg_catalog.pg_attribute.attname) AS REGCLASS) AS OID)) ELSE NULL END AS identity_options, CASE WHEN (pg_catalog.pg_attribute.attcollation != 0 AND (SELECT pg_catalog.pg_type.typcollation 
    FROM pg_catalog.pg_type 
    WHERE pg_catalog.pg_type.oid = pg_catalog.pg_attribute.atttypid) != pg_catalog.pg_attribute.attcollation) THEN (SELECT json_build_object('name', pg_catalog.pg_collation.collname, 'schema', CASE WHEN pg_catalog.pg_collation_is_visible(pg_catalog.pg_collation.oid) THEN NULL ELSE pg_catalog.pg_namespace.nspname END) AS json_build_object_9 
    FROM pg_catalog.pg_collation JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_collation.collnamespace 
    WHERE pg_catalog.pg_collation.oid = pg_catalog.pg_attribute.attcollation) ELSE NULL END AS collation 
    FROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_attribute ON pg_catalog.pg_class.oid = pg_catalog.pg_attribute.attrelid AND pg_catalog.pg_attribute.attnum > 0 AND NOT pg_catalog.pg_attribute.attisdropped LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_attribute.attrelid AND pg_catalog.pg_description.objsubid = pg_catalog.pg_attribute.attnum JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f', 'v', 'm']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog' AND pg_catalog.pg_class.relname IN ('users') ORDER BY pg_catalog.pg_class.relname, pg_catalog.pg_attribute.attnum""",
     None, ['name', 'format_type', 'default', 'not_null', 'table_name', 'comment', 'generated', 'identity_options', 'collation'],
     [('id', 'integer', None, 't', 'users', None, '', None, None),
      ('username', 'text', None, 't', 'users', None, '', None, None),
      ('email', 'text', None, 'f', 'users', None, '', None, None),
      ('created_at', 'timestamp without time zone', 'now()', 'f', 'users', None, '', None, None)]),
    (r"""SELECT pg_catalog.pg_class.oid, pg_catalog.pg_class.relname 
    FROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f', 'v', 'm']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog' AND pg_catalog.pg_class.relname IN ('users')""",
     None, ['oid', 'relname'],
     [('$OID_users', 'users')]),
    (r"""SELECT attr.conrelid, array_agg(CAST(attr.attname AS TEXT) ORDER BY attr.ord) AS cols, attr.conname, min(attr.description) AS description, min(attr.indnkeyatts) AS indnkeyatts, bool_and(attr.indnullsnotdistinct) AS indnullsnotdistinct 
    FROM (SELECT con.conrelid AS conrelid, con.conname AS conname, con.description AS description, con.ord AS ord, con.indnkeyatts AS indnkeyatts, con.indnullsnotdistinct AS indnullsnotdistinct, pg_catalog.pg_attribute.attname AS attname 
    FROM pg_catalog.pg_attribute JOIN (SELECT pg_catalog.pg_constraint.conrelid AS conrelid, pg_catalog.pg_constraint.conname AS conname, unnest(pg_catalog.pg_index.indkey) AS attnum, generate_subscripts(pg_catalog.pg_index.indkey, 1) AS ord, pg_catalog.pg_index.indnkeyatts AS indnkeyatts, pg_catalog.pg_index.indnullsnotdistinct AS indnullsnotdistinct, pg_catalog.pg_description.description AS description 
    FROM pg_catalog.pg_constraint JOIN pg_catalog.pg_index ON pg_catalog.pg_constraint.conindid = pg_catalog.pg_index.indexrelid LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid AND pg_catalog.pg_description.classoid = CAST('pg_catalog.pg_constraint' AS REGCLASS) 
    WHERE pg_catalog.pg_constraint.contype = 'p' AND pg_catalog.pg_constraint.conrelid IN ($OID_users)) AS con ON pg_catalog.pg_attribute.attnum = con.attnum AND pg_catalog.pg_attribute.attrelid = con.conrelid 
    WHERE con.conrelid IN ($OID_users)) AS attr GROUP BY attr.conrelid, attr.conname ORDER BY attr.conrelid, attr.conname""",
     None, ['conrelid', 'cols', 'conname', 'description', 'indnkeyatts', 'indnullsnotdistinct'],
     [('$OID_users', '{id}', 'users_pkey', None, '1', 'f')]),
    (r"""SELECT pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname, CASE WHEN (pg_catalog.pg_constraint.oid IS NOT NULL) THEN pg_catalog.pg_get_constraintdef(pg_catalog.pg_constraint.oid, true) END AS anon_1, nsp_ref.nspname, pg_catalog.pg_description.description 
    FROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_constraint ON pg_catalog.pg_class.oid = pg_catalog.pg_constraint.conrelid AND pg_catalog.pg_constraint.contype = 'f' LEFT OUTER JOIN pg_catalog.pg_class AS cls_ref ON cls_ref.oid = pg_catalog.pg_constraint.confrelid LEFT OUTER JOIN pg_catalog.pg_namespace AS nsp_ref ON cls_ref.relnamespace = nsp_ref.oid LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid AND pg_catalog.pg_description.classoid = CAST('pg_catalog.pg_constraint' AS REGCLASS) JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f', 'v', 'm']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog' AND pg_catalog.pg_class.relname IN ('users') ORDER BY pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname""",
     None, ['relname', 'conname', 'anon_1', 'nspname', 'description'],
     [('users', None, None, None, None)]),
    (r"""SELECT pg_catalog.pg_am.oid, pg_catalog.pg_am.amname 
    FROM pg_catalog.pg_am 
    WHERE pg_catalog.pg_am.amname = 'btree'""",
     None, ['oid', 'amname'],
     [('403', 'btree')]),
    (r"""SELECT pg_catalog.pg_index.indrelid, pg_catalog.pg_class.relname, pg_catalog.pg_index.indisunique, pg_catalog.pg_index.indisvalid, pg_catalog.pg_constraint.conrelid IS NOT NULL AS has_constraint, pg_catalog.pg_index.indoption, pg_catalog.pg_class.reloptions, pg_catalog.pg_class.relam, CASE WHEN (pg_catalog.pg_index.indpred IS NOT NULL) THEN pg_catalog.pg_get_expr(pg_catalog.pg_index.indpred, pg_catalog.pg_index.indrelid) END AS filter_definition, pg_catalog.pg_index.indnkeyatts, pg_catalog.pg_index.indnullsnotdistinct, idx_cols.elements, idx_cols.elements_is_expr, idx_cols.elements_opclass 
    FROM pg_catalog.pg_index JOIN pg_catalog.pg_class ON pg_catalog.pg_index.indexrelid = pg_catalog.pg_class.oid LEFT OUTER JOIN (SELECT idx_attr.indexrelid AS indexrelid, min(idx_attr.indrelid) AS min_1, array_agg(idx_attr.element ORDER BY idx_attr.ord) AS elements, array_agg(idx_attr.is_expr ORDER BY idx_attr.ord) AS elements_is_expr, array_agg(idx_attr.att_opclass ORDER BY idx_attr.ord) AS elements_opclass 
    FROM (SELECT idx.indexrelid AS indexrelid, idx.indrelid AS indrelid, idx.ord AS ord, CASE WHEN (idx.attnum = 0) THEN pg_catalog.pg_get_indexdef(idx.indexrelid, idx.ord + 1, true) ELSE CAST(pg_catalog.pg_attribute.attname AS TEXT) END AS element, idx.attnum = 0 AS is_expr, CAST(idx.att_opclass AS BIGINT) AS att_opclass 
    FROM (SELECT pg_catalog.pg_index.indexrelid AS indexrelid, pg_catalog.pg_index.indrelid AS indrelid, unnest(pg_catalog.pg_index.indkey) AS attnum, unnest(pg_catalog.pg_index.indclass) AS att_opclass, generate_subscripts(pg_catalog.pg_index.indkey, 1) AS ord 
    FROM pg_catalog.pg_index 
    WHERE NOT pg_catalog.pg_index.indisprimary AND pg_catalog.pg_index.indrelid IN ($OID_users)) AS idx LEFT OUTER JOIN pg_catalog.pg_attribute ON pg_catalog.pg_attribute.attnum = idx.attnum AND pg_catalog.pg_attribute.attrelid = idx.indrelid 
    WHERE idx.indrelid IN ($OID_users)) AS idx_attr GROUP BY idx_attr.indexrelid) AS idx_cols ON pg_catalog.pg_index.indexrelid = idx_cols.indexrelid LEFT OUTER JOIN pg_catalog.pg_constraint ON pg_catalog.pg_index.indrelid = pg_catalog.pg_constraint.conrelid AND pg_catalog.pg_index.indexrelid = pg_catalog.pg_constraint.conindid AND pg_catalog.pg_constraint.contype = ANY (ARRAY['p', 'u', 'x']) 
    WHERE pg_catalog.pg_index.indrelid IN ($OID_users) AND NOT pg_catalog.pg_index.indisprimary ORDER BY pg_catalog.pg_index.indrelid, pg_catalog.pg_class.relname""",
     None, ['indrelid', 'relname', 'indisunique', 'indisvalid', 'has_constraint', 'indoption', 'reloptions', 'relam', 'filter_definition', 'indnkeyatts', 'indnullsnotdistinct', 'elements', 'elements_is_expr', 'elements_opclass'],
     [('$OID_users',
       'users_email_idx',
       'f',
       't',
       'f',
       '0',
       None,
       '403',
       None,
       '1',
       'f',
       '{email}',
       '{f}',
       '{3126}'),
      ('$OID_users',
       'users_username_key',
       't',
       't',
       'f',
       '0',
       None,
       '403',
       None,
       '1',
       'f',
       '{username}',
       '{f}',
       '{3126}')]),
    (r"""SELECT attr.conrelid, array_agg(CAST(attr.attname AS TEXT) ORDER BY attr.ord) AS cols, attr.conname, min(attr.description) AS description, min(attr.indnkeyatts) AS indnkeyatts, bool_and(attr.indnullsnotdistinct) AS indnullsnotdistinct 
    FROM (SELECT con.conrelid AS conrelid, con.conname AS conname, con.description AS description, con.ord AS ord, con.indnkeyatts AS indnkeyatts, con.indnullsnotdistinct AS indnullsnotdistinct, pg_catalog.pg_attribute.attname AS attname 
    FROM pg_catalog.pg_attribute JOIN (SELECT pg_catalog.pg_constraint.conrelid AS conrelid, pg_catalog.pg_constraint.conname AS conname, unnest(pg_catalog.pg_index.indkey) AS attnum, generate_subscripts(pg_catalog.pg_index.indkey, 1) AS ord, pg_catalog.pg_index.indnkeyatts AS indnkeyatts, pg_catalog.pg_index.indnullsnotdistinct AS indnullsnotdistinct, pg_catalog.pg_description.description AS description 
    FROM pg_catalog.pg_constraint JOIN pg_catalog.pg_index ON pg_catalog.pg_constraint.conindid = pg_catalog.pg_index.indexrelid LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid AND pg_catalog.pg_description.classoid = CAST('pg_catalog.pg_constraint' AS REGCLASS) 
    WHERE pg_catalog.pg_constraint.contype = 'u' AND pg_catalog.pg_constraint.conrelid IN ($OID_users)) AS con ON pg_catalog.pg_attribute.attnum = con.attnum AND pg_catalog.pg_attribute.attrelid = con.conrelid 
    WHERE con.conrelid IN ($OID_users)) AS attr GROUP BY attr.conrelid, attr.conname ORDER BY attr.conrelid, attr.conname""",
     None, ['conrelid', 'cols', 'conname', 'description', 'indnkeyatts', 'indnullsnotdistinct'],
     []),
    (r"""SELECT pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname, CASE WHEN (pg_catalog.pg_constraint.oid IS NOT NULL) THEN pg_catalog.pg_get_constraintdef(pg_catalog.pg_constraint.oid, true) END AS anon_1, pg_catalog.pg_description.description 
    FROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_constraint ON pg_catalog.pg_class.oid = pg_catalog.pg_constraint.conrelid AND pg_catalog.pg_constraint.contype = 'c' LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid AND pg_catalog.pg_description.classoid = CAST('pg_catalog.pg_constraint' AS REGCLASS) JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f', 'v', 'm']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog' AND pg_catalog.pg_class.relname IN ('users') ORDER BY pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname""",
     None, ['relname', 'conname', 'anon_1', 'description'],
     [('users', None, None, None)]),
    (r"""SELECT pg_catalog.pg_class.relname, pg_catalog.pg_description.description 
    FROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_class.oid = pg_catalog.pg_description.objoid AND pg_catalog.pg_description.objsubid = 0 AND pg_catalog.pg_description.classoid = CAST('pg_catalog.pg_class' AS REGCLASS) JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f', 'v', 'm']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog' AND pg_catalog.pg_class.relname IN ('users')""",
     None, ['relname', 'description'],
     [('users', None)]),
    (r"""SELECT pg_catalog.pg_attribute.attname AS name, pg_catalog.format_type(pg_catalog.pg_attribute.atttypid, pg_catalog.pg_attribute.atttypmod) AS format_type, CASE WHEN pg_catalog.pg_attribute.atthasdef THEN (SELECT pg_catalog.pg_get_expr(pg_catalog.pg_attrdef.adbin, pg_catalog.pg_attrdef.adrelid) AS pg_get_expr_1 
    FROM pg_catalog.pg_attrdef 
    WHERE pg_catalog.pg_attribute.atthasdef AND pg_catalog.pg_attrdef.adrelid = pg_catalog.pg_attribute.attrelid AND pg_catalog.pg_attrdef.adnum = pg_catalog.pg_attribute.attnum) ELSE NULL END AS "default", pg_catalog.pg_attribute.attnotnull AS not_null, pg_catalog.pg_class.relname AS table_name, pg_catalog.pg_description.description AS comment, pg_catalog.pg_attribute.attgenerated AS generated, CASE WHEN (pg_catalog.pg_attribute.attidentity != '') THEN (SELECT json_build_object('always', pg_catalog.pg_attribute.attidentity = 'a', 'start', pg_catalog.pg_sequence.seqstart, 'increment', pg_catalog.pg_sequence.seqincrement, 'minvalue', pg_catalog.pg_sequence.seqmin, 'maxvalue', pg_catalog.pg_sequence.seqmax, 'cache', pg_catalog.pg_sequence.seqcache, 'cycle', pg_catalog.pg_sequence.seqcycle) AS json_build_object_1 
    FROM pg_catalog.pg_sequence 
    WHERE pg_catalog.pg_attribute.attidentity != '' AND pg_catalog.pg_sequence.seqrelid = CAST(CAST(pg_catalog.pg_get_serial_sequence(CAST(CAST(pg_catalog.pg_attribute.attrelid AS REGCLASS) AS TEXT), pg_catalog.pg_attribute.attname) AS REGCLASS) AS OID)) ELSE NULL END AS identity_options, CASE WHEN (pg_catalog.pg_attribute.attcollation != 0 AND (SELECT pg_catalog.pg_type.typcollation 
    FROM pg_catalog.pg_type 
    WHERE pg_catalog.pg_type.oid = pg_catalog.pg_attribute.atttypid) != pg_catalog.pg_attribute.attcollation) THEN (SELECT json_build_object('name', pg_catalog.pg_collation.collname, 'schema', CASE WHEN pg_catalog.pg_collation_is_visible(pg_catalog.pg_collation.oid) THEN NULL ELSE pg_catalog.pg_namespace.nspname END) AS json_build_object_9 
    FROM pg_catalog.pg_collation JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_collation.collnamespace 
    WHERE pg_catalog.pg_collation.oid = pg_catalog.pg_attribute.attcollation) ELSE NULL END AS collation 
    FROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_attribute ON pg_catalog.pg_class.oid = pg_catalog.pg_attribute.attrelid AND pg_catalog.pg_attribute.attnum > 0 AND NOT pg_catalog.pg_attribute.attisdropped LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_attribute.attrelid AND pg_catalog.pg_description.objsubid = pg_catalog.pg_attribute.attnum JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f', 'v', 'm']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog' AND pg_catalog.pg_class.relname IN ('posts') ORDER BY pg_catalog.pg_class.relname, pg_catalog.pg_attribute.attnum""",
     None, ['name', 'format_type', 'default', 'not_null', 'table_name', 'comment', 'generated', 'identity_options', 'collation'],
     [('id', 'integer', "nextval('posts_id_seq'::regclass)", 't', 'posts', None, '', None, None),
      ('user_id', 'integer', None, 'f', 'posts', None, '', None, None),
      ('title', 'character varying(200)', None, 't', 'posts', None, '', None, None),
      ('body', 'text', None, 'f', 'posts', None, '', None, None),
      ('score', 'numeric(10,2)', None, 'f', 'posts', None, '', None, None)]),
    (r"""SELECT pg_catalog.pg_class.oid, pg_catalog.pg_class.relname 
    FROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f', 'v', 'm']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog' AND pg_catalog.pg_class.relname IN ('posts')""",
     None, ['oid', 'relname'],
     [('$OID_posts', 'posts')]),
    (r"""SELECT attr.conrelid, array_agg(CAST(attr.attname AS TEXT) ORDER BY attr.ord) AS cols, attr.conname, min(attr.description) AS description, min(attr.indnkeyatts) AS indnkeyatts, bool_and(attr.indnullsnotdistinct) AS indnullsnotdistinct 
    FROM (SELECT con.conrelid AS conrelid, con.conname AS conname, con.description AS description, con.ord AS ord, con.indnkeyatts AS indnkeyatts, con.indnullsnotdistinct AS indnullsnotdistinct, pg_catalog.pg_attribute.attname AS attname 
    FROM pg_catalog.pg_attribute JOIN (SELECT pg_catalog.pg_constraint.conrelid AS conrelid, pg_catalog.pg_constraint.conname AS conname, unnest(pg_catalog.pg_index.indkey) AS attnum, generate_subscripts(pg_catalog.pg_index.indkey, 1) AS ord, pg_catalog.pg_index.indnkeyatts AS indnkeyatts, pg_catalog.pg_index.indnullsnotdistinct AS indnullsnotdistinct, pg_catalog.pg_description.description AS description 
    FROM pg_catalog.pg_constraint JOIN pg_catalog.pg_index ON pg_catalog.pg_constraint.conindid = pg_catalog.pg_index.indexrelid LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid AND pg_catalog.pg_description.classoid = CAST('pg_catalog.pg_constraint' AS REGCLASS) 
    WHERE pg_catalog.pg_constraint.contype = 'p' AND pg_catalog.pg_constraint.conrelid IN ($OID_posts)) AS con ON pg_catalog.pg_attribute.attnum = con.attnum AND pg_catalog.pg_attribute.attrelid = con.conrelid 
    WHERE con.conrelid IN ($OID_posts)) AS attr GROUP BY attr.conrelid, attr.conname ORDER BY attr.conrelid, attr.conname""",
     None, ['conrelid', 'cols', 'conname', 'description', 'indnkeyatts', 'indnullsnotdistinct'],
     [('$OID_posts', '{id}', 'posts_pkey', None, '1', 'f')]),
    (r"""SELECT pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname, CASE WHEN (pg_catalog.pg_constraint.oid IS NOT NULL) THEN pg_catalog.pg_get_constraintdef(pg_catalog.pg_constraint.oid, true) END AS anon_1, nsp_ref.nspname, pg_catalog.pg_description.description 
    FROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_constraint ON pg_catalog.pg_class.oid = pg_catalog.pg_constraint.conrelid AND pg_catalog.pg_constraint.contype = 'f' LEFT OUTER JOIN pg_catalog.pg_class AS cls_ref ON cls_ref.oid = pg_catalog.pg_constraint.confrelid LEFT OUTER JOIN pg_catalog.pg_namespace AS nsp_ref ON cls_ref.relnamespace = nsp_ref.oid LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid AND pg_catalog.pg_description.classoid = CAST('pg_catalog.pg_constraint' AS REGCLASS) JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f', 'v', 'm']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog' AND pg_catalog.pg_class.relname IN ('posts') ORDER BY pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname""",
     None, ['relname', 'conname', 'anon_1', 'nspname', 'description'],
     [('posts',
       'posts_user_id_fkey',
       'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE',
       'public',
       None)]),
    (r"""SELECT pg_catalog.pg_index.indrelid, pg_catalog.pg_class.relname, pg_catalog.pg_index.indisunique, pg_catalog.pg_index.indisvalid, pg_catalog.pg_constraint.conrelid IS NOT NULL AS has_constraint, pg_catalog.pg_index.indoption, pg_catalog.pg_class.reloptions, pg_catalog.pg_class.relam, CASE WHEN (pg_catalog.pg_index.indpred IS NOT NULL) THEN pg_catalog.pg_get_expr(pg_catalog.pg_index.indpred, pg_catalog.pg_index.indrelid) END AS filter_definition, pg_catalog.pg_index.indnkeyatts, pg_catalog.pg_index.indnullsnotdistinct, idx_cols.elements, idx_cols.elements_is_expr, idx_cols.elements_opclass 
    FROM pg_catalog.pg_index JOIN pg_catalog.pg_class ON pg_catalog.pg_index.indexrelid = pg_catalog.pg_class.oid LEFT OUTER JOIN (SELECT idx_attr.indexrelid AS indexrelid, min(idx_attr.indrelid) AS min_1, array_agg(idx_attr.element ORDER BY idx_attr.ord) AS elements, array_agg(idx_attr.is_expr ORDER BY idx_attr.ord) AS elements_is_expr, array_agg(idx_attr.att_opclass ORDER BY idx_attr.ord) AS elements_opclass 
    FROM (SELECT idx.indexrelid AS indexrelid, idx.indrelid AS indrelid, idx.ord AS ord, CASE WHEN (idx.attnum = 0) THEN pg_catalog.pg_get_indexdef(idx.indexrelid, idx.ord + 1, true) ELSE CAST(pg_catalog.pg_attribute.attname AS TEXT) END AS element, idx.attnum = 0 AS is_expr, CAST(idx.att_opclass AS BIGINT) AS att_opclass 
    FROM (SELECT pg_catalog.pg_index.indexrelid AS indexrelid, pg_catalog.pg_index.indrelid AS indrelid, unnest(pg_catalog.pg_index.indkey) AS attnum, unnest(pg_catalog.pg_index.indclass) AS att_opclass, generate_subscripts(pg_catalog.pg_index.indkey, 1) AS ord 
    FROM pg_catalog.pg_index 
    WHERE NOT pg_catalog.pg_index.indisprimary AND pg_catalog.pg_index.indrelid IN ($OID_posts)) AS idx LEFT OUTER JOIN pg_catalog.pg_attribute ON pg_catalog.pg_attribute.attnum = idx.attnum AND pg_catalog.pg_attribute.attrelid = idx.indrelid 
    WHERE idx.indrelid IN ($OID_posts)) AS idx_attr GROUP BY idx_attr.indexrelid) AS idx_cols ON pg_catalog.pg_index.indexrelid = idx_cols.indexrelid LEFT OUTER JOIN pg_catalog.pg_constraint ON pg_catalog.pg_index.indrelid = pg_catalog.pg_constraint.conrelid AND pg_catalog.pg_index.indexrelid = pg_catalog.pg_constraint.conindid AND pg_catalog.pg_constraint.contype = ANY (ARRAY['p', 'u', 'x']) 
    WHERE pg_catalog.pg_index.indrelid IN ($OID_posts) AND NOT pg_catalog.pg_index.indisprimary ORDER BY pg_catalog.pg_index.indrelid, pg_catalog.pg_class.relname""",
     None, ['indrelid', 'relname', 'indisunique', 'indisvalid', 'has_constraint', 'indoption', 'reloptions', 'relam', 'filter_definition', 'indnkeyatts', 'indnullsnotdistinct', 'elements', 'elements_is_expr', 'elements_opclass'],
     [('$OID_posts',
       'posts_user_id_title_key',
       't',
       't',
       't',
       '0 0',
       None,
       '403',
       None,
       '2',
       'f',
       '{user_id,title}',
       '{f,f}',
       '{1978,3126}')]),
    (r"""SELECT attr.conrelid, array_agg(CAST(attr.attname AS TEXT) ORDER BY attr.ord) AS cols, attr.conname, min(attr.description) AS description, min(attr.indnkeyatts) AS indnkeyatts, bool_and(attr.indnullsnotdistinct) AS indnullsnotdistinct 
    FROM (SELECT con.conrelid AS conrelid, con.conname AS conname, con.description AS description, con.ord AS ord, con.indnkeyatts AS indnkeyatts, con.indnullsnotdistinct AS indnullsnotdistinct, pg_catalog.pg_attribute.attname AS attname 
    FROM pg_catalog.pg_attribute JOIN (SELECT pg_catalog.pg_constraint.conrelid AS conrelid, pg_catalog.pg_constraint.conname AS conname, unnest(pg_catalog.pg_index.indkey) AS attnum, generate_subscripts(pg_catalog.pg_index.indkey, 1) AS ord, pg_catalog.pg_index.indnkeyatts AS indnkeyatts, pg_catalog.pg_index.indnullsnotdistinct AS indnullsnotdistinct, pg_catalog.pg_description.description AS description 
    FROM pg_catalog.pg_constraint JOIN pg_catalog.pg_index ON pg_catalog.pg_constraint.conindid = pg_catalog.pg_index.indexrelid LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid AND pg_catalog.pg_description.classoid = CAST('pg_catalog.pg_constraint' AS REGCLASS) 
    WHERE pg_catalog.pg_constraint.contype = 'u' AND pg_catalog.pg_constraint.conrelid IN ($OID_posts)) AS con ON pg_catalog.pg_attribute.attnum = con.attnum AND pg_catalog.pg_attribute.attrelid = con.conrelid 
    WHERE con.conrelid IN ($OID_posts)) AS attr GROUP BY attr.conrelid, attr.conname ORDER BY attr.conrelid, attr.conname""",
     None, ['conrelid', 'cols', 'conname', 'description', 'indnkeyatts', 'indnullsnotdistinct'],
     [('$OID_posts', '{user_id,title}', 'posts_user_id_title_key', None, '2', 'f')]),
    (r"""SELECT pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname, CASE WHEN (pg_catalog.pg_constraint.oid IS NOT NULL) THEN pg_catalog.pg_get_constraintdef(pg_catalog.pg_constraint.oid, true) END AS anon_1, pg_catalog.pg_description.description 
    FROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_constraint ON pg_catalog.pg_class.oid = pg_catalog.pg_constraint.conrelid AND pg_catalog.pg_constraint.contype = 'c' LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid AND pg_catalog.pg_description.classoid = CAST('pg_catalog.pg_constraint' AS REGCLASS) JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f', 'v', 'm']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog' AND pg_catalog.pg_class.relname IN ('posts') ORDER BY pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname""",
     None, ['relname', 'conname', 'anon_1', 'description'],
     [('posts', 'posts_score_check', 'CHECK (score >= 0::numeric)', None)]),
    (r"""SELECT pg_catalog.pg_class.relname, pg_catalog.pg_description.description 
    FROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_class.oid = pg_catalog.pg_description.objoid AND pg_catalog.pg_description.objsubid = 0 AND pg_catalog.pg_description.classoid = CAST('pg_catalog.pg_class' AS REGCLASS) JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f', 'v', 'm']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog' AND pg_catalog.pg_class.relname IN ('posts')""",
     None, ['relname', 'description'],
     [('posts', None)]),
    (r"""SELECT pg_catalog.pg_class.relname 
    FROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relname IN ('users') AND pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f', 'v', 'm']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog'""",
     None, ['relname'],
     [('users',)]),
    (r"""SELECT pg_catalog.pg_class.relname 
    FROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = 'S' AND pg_catalog.pg_class.relname = 'order_seq' AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog'""",
     None, ['relname'],
     [('order_seq',)]),
    (r"""SELECT pg_catalog.pg_get_viewdef(pg_catalog.pg_class.oid) AS pg_get_viewdef_1 
    FROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relname = 'active_users' AND pg_catalog.pg_class.relkind = ANY (ARRAY['v', 'm']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog'""",
     None, ['pg_get_viewdef_1'],
     [(' SELECT users.id,\n    users.username\n   FROM users\n  WHERE (users.email IS NOT NULL);',)]),
    (r"""SELECT pg_catalog.pg_attribute.attname AS name, pg_catalog.format_type(pg_catalog.pg_attribute.atttypid, pg_catalog.pg_attribute.atttypmod) AS format_type, CASE WHEN pg_catalog.pg_attribute.atthasdef THEN (SELECT pg_catalog.pg_get_expr(pg_catalog.pg_attrdef.adbin, pg_catalog.pg_attrdef.adrelid) AS pg_get_expr_1 
    FROM pg_catalog.pg_attrdef 
    WHERE pg_catalog.pg_attribute.atthasdef AND pg_catalog.pg_attrdef.adrelid = pg_catalog.pg_attribute.attrelid AND pg_catalog.pg_attrdef.adnum = pg_catalog.pg_attribute.attnum) ELSE NULL END AS "default", pg_catalog.pg_attribute.attnotnull AS not_null, pg_catalog.pg_class.relname AS table_name, pg_catalog.pg_description.description AS comment, pg_catalog.pg_attribute.attgenerated AS generated, CASE WHEN (pg_catalog.pg_attribute.attidentity != '') THEN (SELECT json_build_object('always', pg_catalog.pg_attribute.attidentity = 'a', 'start', pg_catalog.pg_sequence.seqstart, 'increment', pg_catalog.pg_sequence.seqincrement, 'minvalue', pg_catalog.pg_sequence.seqmin, 'maxvalue', pg_catalog.pg_sequence.seqmax, 'cache', pg_catalog.pg_sequence.seqcache, 'cycle', pg_catalog.pg_sequence.seqcycle) AS json_build_object_1 
    FROM pg_catalog.pg_sequence 
    WHERE pg_catalog.pg_attribute.attidentity != '' AND pg_catalog.pg_sequence.seqrelid = CAST(CAST(pg_catalog.pg_get_serial_sequence(CAST(CAST(pg_catalog.pg_attribute.attrelid AS REGCLASS) AS TEXT), pg_catalog.pg_attribute.attname) AS REGCLASS) AS OID)) ELSE NULL END AS identity_options, CASE WHEN (pg_catalog.pg_attribute.attcollation != 0 AND (SELECT pg_catalog.pg_type.typcollation 
    FROM pg_catalog.pg_type 
    WHERE pg_catalog.pg_type.oid = pg_catalog.pg_attribute.atttypid) != pg_catalog.pg_attribute.attcollation) THEN (SELECT json_build_object('name', pg_catalog.pg_collation.collname, 'schema', CASE WHEN pg_catalog.pg_collation_is_visible(pg_catalog.pg_collation.oid) THEN NULL ELSE pg_catalog.pg_namespace.nspname END) AS json_build_object_9 
    FROM pg_catalog.pg_collation JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_collation.collnamespace 
    WHERE pg_catalog.pg_collation.oid = pg_catalog.pg_attribute.attcollation) ELSE NULL END AS collation 
    FROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_attribute ON pg_catalog.pg_class.oid = pg_catalog.pg_attribute.attrelid AND pg_catalog.pg_attribute.attnum > 0 AND NOT pg_catalog.pg_attribute.attisdropped LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_attribute.attrelid AND pg_catalog.pg_description.objsubid = pg_catalog.pg_attribute.attnum JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog' AND pg_catalog.pg_class.relname IN ('users', 'posts') ORDER BY pg_catalog.pg_class.relname, pg_catalog.pg_attribute.attnum""",
     None, ['name', 'format_type', 'default', 'not_null', 'table_name', 'comment', 'generated', 'identity_options', 'collation'],
     [('id', 'integer', "nextval('posts_id_seq'::regclass)", 't', 'posts', None, '', None, None),
      ('user_id', 'integer', None, 'f', 'posts', None, '', None, None),
      ('title', 'character varying(200)', None, 't', 'posts', None, '', None, None),
      ('body', 'text', None, 'f', 'posts', None, '', None, None),
      ('score', 'numeric(10,2)', None, 'f', 'posts', None, '', None, None),
      ('id', 'integer', None, 't', 'users', None, '', None, None),
      ('username', 'text', None, 't', 'users', None, '', None, None),
      ('email', 'text', None, 'f', 'users', None, '', None, None),
      ('created_at', 'timestamp without time zone', 'now()', 'f', 'users', None, '', None, None)]),
    (r"""SELECT pg_catalog.pg_class.oid, pg_catalog.pg_class.relname 
    FROM pg_catalog.pg_class JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog' AND pg_catalog.pg_class.relname IN ('users', 'posts')""",
     None, ['oid', 'relname'],
     [('$OID_users', 'users'), ('$OID_posts', 'posts')]),
    (r"""SELECT attr.conrelid, array_agg(CAST(attr.attname AS TEXT) ORDER BY attr.ord) AS cols, attr.conname, min(attr.description) AS description, min(attr.indnkeyatts) AS indnkeyatts, bool_and(attr.indnullsnotdistinct) AS indnullsnotdistinct 
    FROM (SELECT con.conrelid AS conrelid, con.conname AS conname, con.description AS description, con.ord AS ord, con.indnkeyatts AS indnkeyatts, con.indnullsnotdistinct AS indnullsnotdistinct, pg_catalog.pg_attribute.attname AS attname 
    FROM pg_catalog.pg_attribute JOIN (SELECT pg_catalog.pg_constraint.conrelid AS conrelid, pg_catalog.pg_constraint.conname AS conname, unnest(pg_catalog.pg_index.indkey) AS attnum, generate_subscripts(pg_catalog.pg_index.indkey, 1) AS ord, pg_catalog.pg_index.indnkeyatts AS indnkeyatts, pg_catalog.pg_index.indnullsnotdistinct AS indnullsnotdistinct, pg_catalog.pg_description.description AS description 
    FROM pg_catalog.pg_constraint JOIN pg_catalog.pg_index ON pg_catalog.pg_constraint.conindid = pg_catalog.pg_index.indexrelid LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid AND pg_catalog.pg_description.classoid = CAST('pg_catalog.pg_constraint' AS REGCLASS) 
    WHERE pg_catalog.pg_constraint.contype = 'p' AND pg_catalog.pg_constraint.conrelid IN ($OID_users, $OID_posts)) AS con ON pg_catalog.pg_attribute.attnum = con.attnum AND pg_catalog.pg_attribute.attrelid = con.conrelid 
    WHERE con.conrelid IN ($OID_users, $OID_posts)) AS attr GROUP BY attr.conrelid, attr.conname ORDER BY attr.conrelid, attr.conname""",
     None, ['conrelid', 'cols', 'conname', 'description', 'indnkeyatts', 'indnullsnotdistinct'],
     [('$OID_users', '{id}', 'users_pkey', None, '1', 'f'),
      ('$OID_posts', '{id}', 'posts_pkey', None, '1', 'f')]),
    (r"""SELECT pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname, CASE WHEN (pg_catalog.pg_constraint.oid IS NOT NULL) THEN pg_catalog.pg_get_constraintdef(pg_catalog.pg_constraint.oid, true) END AS anon_1, nsp_ref.nspname, pg_catalog.pg_description.description 
    FROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_constraint ON pg_catalog.pg_class.oid = pg_catalog.pg_constraint.conrelid AND pg_catalog.pg_constraint.contype = 'f' LEFT OUTER JOIN pg_catalog.pg_class AS cls_ref ON cls_ref.oid = pg_catalog.pg_constraint.confrelid LEFT OUTER JOIN pg_catalog.pg_namespace AS nsp_ref ON cls_ref.relnamespace = nsp_ref.oid LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid AND pg_catalog.pg_description.classoid = CAST('pg_catalog.pg_constraint' AS REGCLASS) JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog' AND pg_catalog.pg_class.relname IN ('users', 'posts') ORDER BY pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname""",
     None, ['relname', 'conname', 'anon_1', 'nspname', 'description'],
     [('posts',
       'posts_user_id_fkey',
       'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE',
       'public',
       None),
      ('users', None, None, None, None)]),
    (r"""SELECT pg_catalog.pg_index.indrelid, pg_catalog.pg_class.relname, pg_catalog.pg_index.indisunique, pg_catalog.pg_index.indisvalid, pg_catalog.pg_constraint.conrelid IS NOT NULL AS has_constraint, pg_catalog.pg_index.indoption, pg_catalog.pg_class.reloptions, pg_catalog.pg_class.relam, CASE WHEN (pg_catalog.pg_index.indpred IS NOT NULL) THEN pg_catalog.pg_get_expr(pg_catalog.pg_index.indpred, pg_catalog.pg_index.indrelid) END AS filter_definition, pg_catalog.pg_index.indnkeyatts, pg_catalog.pg_index.indnullsnotdistinct, idx_cols.elements, idx_cols.elements_is_expr, idx_cols.elements_opclass 
    FROM pg_catalog.pg_index JOIN pg_catalog.pg_class ON pg_catalog.pg_index.indexrelid = pg_catalog.pg_class.oid LEFT OUTER JOIN (SELECT idx_attr.indexrelid AS indexrelid, min(idx_attr.indrelid) AS min_1, array_agg(idx_attr.element ORDER BY idx_attr.ord) AS elements, array_agg(idx_attr.is_expr ORDER BY idx_attr.ord) AS elements_is_expr, array_agg(idx_attr.att_opclass ORDER BY idx_attr.ord) AS elements_opclass 
    FROM (SELECT idx.indexrelid AS indexrelid, idx.indrelid AS indrelid, idx.ord AS ord, CASE WHEN (idx.attnum = 0) THEN pg_catalog.pg_get_indexdef(idx.indexrelid, idx.ord + 1, true) ELSE CAST(pg_catalog.pg_attribute.attname AS TEXT) END AS element, idx.attnum = 0 AS is_expr, CAST(idx.att_opclass AS BIGINT) AS att_opclass 
    FROM (SELECT pg_catalog.pg_index.indexrelid AS indexrelid, pg_catalog.pg_index.indrelid AS indrelid, unnest(pg_catalog.pg_index.indkey) AS attnum, unnest(pg_catalog.pg_index.indclass) AS att_opclass, generate_subscripts(pg_catalog.pg_index.indkey, 1) AS ord 
    FROM pg_catalog.pg_index 
    WHERE NOT pg_catalog.pg_index.indisprimary AND pg_catalog.pg_index.indrelid IN ($OID_users, $OID_posts)) AS idx LEFT OUTER JOIN pg_catalog.pg_attribute ON pg_catalog.pg_attribute.attnum = idx.attnum AND pg_catalog.pg_attribute.attrelid = idx.indrelid 
    WHERE idx.indrelid IN ($OID_users, $OID_posts)) AS idx_attr GROUP BY idx_attr.indexrelid) AS idx_cols ON pg_catalog.pg_index.indexrelid = idx_cols.indexrelid LEFT OUTER JOIN pg_catalog.pg_constraint ON pg_catalog.pg_index.indrelid = pg_catalog.pg_constraint.conrelid AND pg_catalog.pg_index.indexrelid = pg_catalog.pg_constraint.conindid AND pg_catalog.pg_constraint.contype = ANY (ARRAY['p', 'u', 'x']) 
    WHERE pg_catalog.pg_index.indrelid IN ($OID_users, $OID_posts) AND NOT pg_catalog.pg_index.indisprimary ORDER BY pg_catalog.pg_index.indrelid, pg_catalog.pg_class.relname""",
     None, ['indrelid', 'relname', 'indisunique', 'indisvalid', 'has_constraint', 'indoption', 'reloptions', 'relam', 'filter_definition', 'indnkeyatts', 'indnullsnotdistinct', 'elements', 'elements_is_expr', 'elements_opclass'],
     [('$OID_users',
       'users_email_idx',
       'f',
       't',
       'f',
       '0',
       None,
       '403',
       None,
       '1',
       'f',
       '{email}',
       '{f}',
       '{3126}'),
      ('$OID_users',
       'users_username_key',
       't',
       't',
       'f',
       '0',
       None,
       '403',
       None,
       '1',
       'f',
       '{username}',
       '{f}',
       '{3126}'),
      ('$OID_posts',
       'posts_user_id_title_key',
       't',
       't',
       't',
       '0 0',
       None,
       '403',
       None,
       '2',
       'f',
       '{user_id,title}',
       '{f,f}',
       '{1978,3126}')]),
    (r"""SELECT attr.conrelid, array_agg(CAST(attr.attname AS TEXT) ORDER BY attr.ord) AS cols, attr.conname, min(attr.description) AS description, min(attr.indnkeyatts) AS indnkeyatts, bool_and(attr.indnullsnotdistinct) AS indnullsnotdistinct 
    FROM (SELECT con.conrelid AS conrelid, con.conname AS conname, con.description AS description, con.ord AS ord, con.indnkeyatts AS indnkeyatts, con.indnullsnotdistinct AS indnullsnotdistinct, pg_catalog.pg_attribute.attname AS attname 
    FROM pg_catalog.pg_attribute JOIN (SELECT pg_catalog.pg_constraint.conrelid AS conrelid, pg_catalog.pg_constraint.conname AS conname, unnest(pg_catalog.pg_index.indkey) AS attnum, generate_subscripts(pg_catalog.pg_index.indkey, 1) AS ord, pg_catalog.pg_index.indnkeyatts AS indnkeyatts, pg_catalog.pg_index.indnullsnotdistinct AS indnullsnotdistinct, pg_catalog.pg_description.description AS description 
    FROM pg_catalog.pg_constraint JOIN pg_catalog.pg_index ON pg_catalog.pg_constraint.conindid = pg_catalog.pg_index.indexrelid LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid AND pg_catalog.pg_description.classoid = CAST('pg_catalog.pg_constraint' AS REGCLASS) 
    WHERE pg_catalog.pg_constraint.contype = 'u' AND pg_catalog.pg_constraint.conrelid IN ($OID_users, $OID_posts)) AS con ON pg_catalog.pg_attribute.attnum = con.attnum AND pg_catalog.pg_attribute.attrelid = con.conrelid 
    WHERE con.conrelid IN ($OID_users, $OID_posts)) AS attr GROUP BY attr.conrelid, attr.conname ORDER BY attr.conrelid, attr.conname""",
     None, ['conrelid', 'cols', 'conname', 'description', 'indnkeyatts', 'indnullsnotdistinct'],
     [('$OID_posts', '{user_id,title}', 'posts_user_id_title_key', None, '2', 'f')]),
    (r"""SELECT pg_catalog.pg_class.relname, pg_catalog.pg_description.description 
    FROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_class.oid = pg_catalog.pg_description.objoid AND pg_catalog.pg_description.objsubid = 0 AND pg_catalog.pg_description.classoid = CAST('pg_catalog.pg_class' AS REGCLASS) JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog' AND pg_catalog.pg_class.relname IN ('users', 'posts')""",
     None, ['relname', 'description'],
     [('users', None), ('posts', None)]),
    (r"""SELECT pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname, CASE WHEN (pg_catalog.pg_constraint.oid IS NOT NULL) THEN pg_catalog.pg_get_constraintdef(pg_catalog.pg_constraint.oid, true) END AS anon_1, pg_catalog.pg_description.description 
    FROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_constraint ON pg_catalog.pg_class.oid = pg_catalog.pg_constraint.conrelid AND pg_catalog.pg_constraint.contype = 'c' LEFT OUTER JOIN pg_catalog.pg_description ON pg_catalog.pg_description.objoid = pg_catalog.pg_constraint.oid AND pg_catalog.pg_description.classoid = CAST('pg_catalog.pg_constraint' AS REGCLASS) JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog' AND pg_catalog.pg_class.relname IN ('users', 'posts') ORDER BY pg_catalog.pg_class.relname, pg_catalog.pg_constraint.conname""",
     None, ['relname', 'conname', 'anon_1', 'description'],
     [('posts', 'posts_score_check', 'CHECK (score >= 0::numeric)', None), ('users', None, None, None)]),
    (r"""SELECT pg_catalog.pg_class.oid, pg_catalog.pg_class.relname, pg_catalog.pg_class.reloptions, NULL AS relhasoids, CASE WHEN (pg_catalog.pg_am.amname IS NOT NULL AND pg_catalog.pg_am.amname != current_setting('default_table_access_method')) THEN pg_catalog.pg_am.amname ELSE NULL END AS access_method_name, pg_catalog.pg_tablespace.spcname AS tablespace_name, inherits.parent_table_names 
    FROM pg_catalog.pg_class LEFT OUTER JOIN pg_catalog.pg_am ON pg_catalog.pg_class.relam = pg_catalog.pg_am.oid LEFT OUTER JOIN (SELECT pg_catalog.pg_inherits.inhrelid AS inhrelid, array_agg(pg_catalog.pg_class.relname ORDER BY pg_catalog.pg_inherits.inhseqno) AS parent_table_names 
    FROM pg_catalog.pg_inherits JOIN pg_catalog.pg_class ON pg_catalog.pg_inherits.inhparent = pg_catalog.pg_class.oid GROUP BY pg_catalog.pg_inherits.inhrelid) AS inherits ON pg_catalog.pg_class.oid = inherits.inhrelid LEFT OUTER JOIN pg_catalog.pg_tablespace ON pg_catalog.pg_tablespace.oid = pg_catalog.pg_class.reltablespace JOIN pg_catalog.pg_namespace ON pg_catalog.pg_namespace.oid = pg_catalog.pg_class.relnamespace 
    WHERE pg_catalog.pg_class.relkind = ANY (ARRAY['r', 'p', 'f']) AND pg_catalog.pg_table_is_visible(pg_catalog.pg_class.oid) AND pg_catalog.pg_namespace.nspname != 'pg_catalog' AND pg_catalog.pg_class.relname IN ('users', 'posts')""",
     None, ['oid', 'relname', 'reloptions', 'relhasoids', 'access_method_name', 'tablespace_name', 'parent_table_names'],
     [('$OID_users', 'users', None, None, None, None, None),
      ('$OID_posts', 'posts', None, None, None, None, None)]),
    (r"""SELECT
        typname AS name, oid, typarray AS array_oid,
        oid::regtype::text AS regtype, typdelim AS delimiter
    FROM pg_type t
    WHERE t.oid = to_regtype($1)
    ORDER BY t.oid""",
     ('int4',), ['name', 'oid', 'array_oid', 'regtype', 'delimiter'],
     [('int4', '23', '1007', 'integer', ',')]),
]


# ---------------------------------------------------------------- what the drivers ask
# DRIVER_QUERIES above: SQLAlchemy 2.1's reflection (Inspector.get_table_names, get_columns,
# get_pk_constraint, get_foreign_keys, get_indexes, get_unique_constraints, get_check_constraints,
# get_table_comment, has_table, get_view_definition) and psycopg 3's TypeInfo.fetch, as logged by
# PostgreSQL 15 (log_statement = all), with PostgreSQL's answers.


@pytest.mark.parametrize(("query", "params", "names", "rows"), DRIVER_QUERIES,
                         ids=[f"q{i}" for i in range(len(DRIVER_QUERIES))])
def test_driver_query(session: Session, query: str, params: tuple[str, ...] | None, names: list[str],
                      rows: list[tuple[str | None, ...]]) -> None:
    oids = {f"$OID_{n}": _oid_of(session, n) for n in ("users", "posts")}
    sql = query
    for k, v in oids.items():
        sql = sql.replace(k, v)
    expected = [tuple(oids.get(v, v) if isinstance(v, str) else v for v in r) for r in rows]
    try:
        if params:
            from orbitdb.pgwire.rows import RowEncoder

            result = session.execute_prepared(session.prepare(sql), list(params))
            assert result.columns is not None
            enc = RowEncoder(result.columns, [0] * len(result.columns), None)
            got_names = [c.name for c in result.columns]
            got = [_decode_data_row(enc.data_row(r)) for r in result.rows]
        else:
            got_names, got = text_rows(session, sql)
    except (SqlError, ModuleNotFoundError, AttributeError) as e:
        pytest.xfail(f"SQL layer: {e}")
    gaps = _known_gaps(session, names, got_names, expected, got)
    if gaps:
        pytest.xfail("; ".join(sorted(gaps)))
    assert (got_names, got) == (names, expected)


def test_sqlalchemy_version_and_opclasses(session: Session) -> None:
    version = values(session, "select pg_catalog.version()")[0][0]
    assert version.startswith("PostgreSQL 15.")
    rows = values(session, "SELECT pg_catalog.pg_opclass.oid, pg_catalog.pg_opclass.opcname FROM pg_catalog.pg_opclass "
                  "WHERE NOT pg_catalog.pg_opclass.opcdefault")
    assert (4217, "text_pattern_ops") in rows


def test_information_schema_on_search_path(session: Session) -> None:
    list(session.execute_simple("SET search_path = public, information_schema"))
    try:
        assert values(session, "SELECT count(*) FROM schemata") == [(4,)]
    finally:
        list(session.execute_simple("RESET search_path"))
# psql 15's output for each command, from PostgreSQL 15.18 holding SCHEMA (\l: orbitdb's single database)
PSQL_OUTPUT: dict[str, str] = {
    '\\dt': (
        '       List of relations\n'
        ' Schema | Name  | Type  | Owner \n'
        '--------+-------+-------+-------\n'
        ' public | posts | table | orbit\n'
        ' public | users | table | orbit\n'
        '(2 rows)\n'
        '\n'
    ),
    '\\d users': (
        '                           Table "public.users"\n'
        '   Column   |            Type             | Collation | Nullable | Default \n'
        '------------+-----------------------------+-----------+----------+---------\n'
        ' id         | integer                     |           | not null | \n'
        ' username   | text                        |           | not null | \n'
        ' email      | text                        |           |          | \n'
        ' created_at | timestamp without time zone |           |          | now()\n'
        'Indexes:\n'
        '    "users_pkey" PRIMARY KEY, btree (id)\n'
        '    "users_email_idx" btree (email)\n'
        '    "users_username_key" UNIQUE, btree (username)\n'
        'Referenced by:\n'
        '    TABLE "posts" CONSTRAINT "posts_user_id_fkey" FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE\n'
        '\n'
    ),
    '\\d posts': (
        '                                    Table "public.posts"\n'
        ' Column  |          Type          | Collation | Nullable |              Default              \n'
        '---------+------------------------+-----------+----------+-----------------------------------\n'
        " id      | integer                |           | not null | nextval('posts_id_seq'::regclass)\n"
        ' user_id | integer                |           |          | \n'
        ' title   | character varying(200) |           | not null | \n'
        ' body    | text                   |           |          | \n'
        ' score   | numeric(10,2)          |           |          | \n'
        'Indexes:\n'
        '    "posts_pkey" PRIMARY KEY, btree (id)\n'
        '    "posts_user_id_title_key" UNIQUE CONSTRAINT, btree (user_id, title)\n'
        'Check constraints:\n'
        '    "posts_score_check" CHECK (score >= 0::numeric)\n'
        'Foreign-key constraints:\n'
        '    "posts_user_id_fkey" FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE\n'
        '\n'
    ),
    '\\di': (
        '                    List of relations\n'
        ' Schema |          Name           | Type  | Owner | Table \n'
        '--------+-------------------------+-------+-------+-------\n'
        ' public | posts_pkey              | index | orbit | posts\n'
        ' public | posts_user_id_title_key | index | orbit | posts\n'
        ' public | users_email_idx         | index | orbit | users\n'
        ' public | users_pkey              | index | orbit | users\n'
        ' public | users_username_key      | index | orbit | users\n'
        '(5 rows)\n'
        '\n'
    ),
    '\\dn': (
        '      List of schemas\n'
        '  Name  |       Owner       \n'
        '--------+-------------------\n'
        ' public | pg_database_owner\n'
        '(1 row)\n'
        '\n'
    ),
    '\\du': (
        '                                   List of roles\n'
        ' Role name |                         Attributes                         | Member of \n'
        '-----------+------------------------------------------------------------+-----------\n'
        ' orbit     | Superuser, Create role, Create DB, Replication, Bypass RLS | {}\n'
        ' postgres  | Superuser, Create role, Create DB, Replication, Bypass RLS | {}\n'
        '\n'
    ),
    '\\l': (  # a server's databases: actors and PostgreSQL's three (docs/databases.md)
        '                                            List of databases\n'
        '   Name    |  Owner   | Encoding | Collate | Ctype | ICU Locale | Locale Provider |   Access privileges   \n'
        '-----------+----------+----------+---------+-------+------------+-----------------+-----------------------\n'
        ' actors    | orbit    | UTF8     | C       | C     |            | libc            | \n'
        ' postgres  | postgres | UTF8     | C       | C     |            | libc            | \n'
        ' template0 | postgres | UTF8     | C       | C     |            | libc            | =c/postgres          +\n'
        '           |          |          |         |       |            |                 | postgres=CTc/postgres\n'
        ' template1 | postgres | UTF8     | C       | C     |            | libc            | =c/postgres          +\n'
        '           |          |          |         |       |            |                 | postgres=CTc/postgres\n'
        '(4 rows)\n'
        '\n'
    ),
    '\\dv': (
        '          List of relations\n'
        ' Schema |     Name     | Type | Owner \n'
        '--------+--------------+------+-------\n'
        ' public | active_users | view | orbit\n'
        '(1 row)\n'
        '\n'
    ),
    '\\ds': (
        '            List of relations\n'
        ' Schema |     Name     |   Type   | Owner \n'
        '--------+--------------+----------+-------\n'
        ' public | order_seq    | sequence | orbit\n'
        ' public | posts_id_seq | sequence | orbit\n'
        '(2 rows)\n'
        '\n'
    ),
    '\\df': (
        '                       List of functions\n'
        ' Schema | Name | Result data type | Argument data types | Type \n'
        '--------+------+------------------+---------------------+------\n'
        '(0 rows)\n'
        '\n'
    ),
    '\\d': (
        '            List of relations\n'
        ' Schema |     Name     |   Type   | Owner \n'
        '--------+--------------+----------+-------\n'
        ' public | active_users | view     | orbit\n'
        ' public | order_seq    | sequence | orbit\n'
        ' public | posts        | table    | orbit\n'
        ' public | posts_id_seq | sequence | orbit\n'
        ' public | users        | table    | orbit\n'
        '(5 rows)\n'
        '\n'
    ),
    '\\d active_users': (
        '             View "public.active_users"\n'
        '  Column  |  Type   | Collation | Nullable | Default \n'
        '----------+---------+-----------+----------+---------\n'
        ' id       | integer |           |          | \n'
        ' username | text    |           |          | \n'
        '\n'
    ),
    '\\d order_seq': (
        '                         Sequence "public.order_seq"\n'
        '  Type  | Start | Minimum |       Maximum       | Increment | Cycles? | Cache \n'
        '--------+-------+---------+---------------------+-----------+---------+-------\n'
        ' bigint |   100 |       1 | 9223372036854775807 |         1 | no      |     1\n'
        '\n'
    ),
    '\\d users_email_idx': (
        '  Index "public.users_email_idx"\n'
        ' Column | Type | Key? | Definition \n'
        '--------+------+------+------------\n'
        ' email  | text | yes  | email\n'
        'btree, for table "public.users"\n'
        '\n'
    ),
    '\\d posts_id_seq': (
        '                    Sequence "public.posts_id_seq"\n'
        '  Type   | Start | Minimum |  Maximum   | Increment | Cycles? | Cache \n'
        '---------+-------+---------+------------+-----------+---------+-------\n'
        ' integer |     1 |       1 | 2147483647 |         1 | no      |     1\n'
        'Owned by: public.posts.id\n'
        '\n'
    ),
    '\\d+ active_users': (
        '                          View "public.active_users"\n'
        '  Column  |  Type   | Collation | Nullable | Default | Storage  | Description \n'
        '----------+---------+-----------+----------+---------+----------+-------------\n'
        ' id       | integer |           |          |         | plain    | \n'
        ' username | text    |           |          |         | extended | \n'
        'View definition:\n'
        ' SELECT users.id,\n'
        '    users.username\n'
        '   FROM users\n'
        '  WHERE users.email IS NOT NULL;\n'
        '\n'
    ),
    '\\dt+': (
        '                                    List of relations\n'
        ' Schema | Name  | Type  | Owner | Persistence | Access method |    Size    | Description \n'
        '--------+-------+-------+-------+-------------+---------------+------------+-------------\n'
        ' public | posts | table | orbit | permanent   | heap          | 8192 bytes | \n'
        ' public | users | table | orbit | permanent   | heap          | 8192 bytes | \n'
        '(2 rows)\n'
        '\n'
    ),
    '\\dx': (
        '                 List of installed extensions\n'
        '  Name   | Version |   Schema   |         Description          \n'
        '---------+---------+------------+------------------------------\n'
        ' plpgsql | 1.0     | pg_catalog | PL/pgSQL procedural language\n'
        '(1 row)\n'
        '\n'
    ),
}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`orbitdb serve` holding SCHEMA, for psql itself; yields a libpq connection string."""
    import os
    import subprocess
    import sys
    import time

    if shutil.which("psql") is None:
        pytest.skip("psql is not installed")
    port = _free_port()
    data = tmp_path_factory.mktemp("served") / "data"
    proc = subprocess.Popen([sys.executable, "-m", "orbitdb", "serve", "--port", str(port), "--data-dir", str(data)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    dsn = f"host=127.0.0.1 port={port} user=orbit dbname=actors"
    env = dict(os.environ, PGCONNECT_TIMEOUT="2")
    try:
        for _ in range(100):
            ok = subprocess.run(["psql", dsn, "-c", "select 1"], check=False, capture_output=True,
                                env=env).returncode == 0
            if ok:
                break
            time.sleep(0.1)
        else:
            pytest.skip("orbitdb serve did not start")
        for stmt in SCHEMA:
            subprocess.run(["psql", dsn, "-q", "-c", stmt], check=True, capture_output=True, env=env)
        yield dsn
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.parametrize("command", list(PSQL_OUTPUT))
def test_psql_prints_what_postgresql_prints(server: str, command: str) -> None:
    import subprocess

    done = subprocess.run(["psql", server, "-c", command], check=False, capture_output=True, text=True,
                          env={"PATH": os.environ.get("PATH", ""), "PAGER": "", "COLUMNS": "200",
                               "LC_ALL": "C.UTF-8"})
    if done.returncode != 0 or done.stderr:
        pytest.xfail(f"SQL layer: {done.stderr.strip()}")
    out = done.stdout
    if command in ("\\d users", "\\dt+") and "CURRENT_TIMESTAMP" in out and "now()" in PSQL_OUTPUT[command]:
        pytest.xfail("DDL stores DEFAULT now() as sqlglot's CURRENT_TIMESTAMP")
    assert out == PSQL_OUTPUT[command]


def test_relation_sizes_follow_data(tmp_path: Path) -> None:
    db = Database.open(str(tmp_path / "db"))
    try:
        s = db.session(user="orbit", database="actors")
        list(s.execute_simple("CREATE TABLE big (id int PRIMARY KEY, v text)"))
        list(s.execute_simple("CREATE INDEX big_v ON big (v)"))
        oid = _oid_of(s, "big")
        assert values(s, f"SELECT pg_relation_size({oid}), pg_indexes_size({oid})") == [(0, 16384)]
        list(s.execute_simple("INSERT INTO big SELECT g, repeat('x', 100) || g FROM generate_series(1, 2000) g"))
        (rel, idx, total, pretty), = values(
            s, f"SELECT pg_relation_size({oid}), pg_indexes_size({oid}), pg_total_relation_size({oid}), "
            f"pg_size_pretty(pg_total_relation_size({oid}))")
        assert rel >= 2000 * 100 and rel % 8192 == 0
        assert idx > 2 * 8192 and total == rel + idx + 8192
        assert pretty.endswith("kB")
    finally:
        db.close()
