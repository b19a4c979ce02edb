"""Writes orbitdb/sql/pgcatalog/pgdata.py: the facts of PostgreSQL 15's built-in
catalog that orbitdb's pg_catalog reproduces (column lists of every system
catalog and view, pg_type/pg_proc/pg_cast/pg_operator rows of orbitdb's types,
access methods, operator classes, collations, languages, predefined roles and
the descriptions of the server settings), read from a running PostgreSQL 15.

    python -m orbitdb.sql.pgcatalog.gen_pgdata "host=/tmp port=55433 user=postgres dbname=postgres"

Not imported by orbitdb itself; run it again only to refresh the data file."""

from __future__ import annotations

import pprint
import sys
from pathlib import Path
from typing import Any

from orbitdb.sql import types as T

_REG_TYPES = {24, 2202, 2203, 2204, 2205, 2206, 4089, 4096, 3734, 3769}  # reg* columns are read as oids
_VECTOR_TYPES = {22, 30}  # int2vector, oidvector: read as lists of ints


def _select(cur: Any, table: str, where: str = "true", order: str = "1") -> tuple[list[str], list[tuple[Any, ...]]]:
    """Rows of a catalog with reg* columns as oids and vectors as int lists."""
    cur.execute(
        "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped ORDER BY attnum",
        (table,),
    )
    cols = cur.fetchall()
    exprs = []
    for name, typ in cols:
        q = f'"{name}"'
        if typ in _REG_TYPES:
            exprs.append(f"{q}::oid")
        elif typ in _VECTOR_TYPES:
            exprs.append(f"{q}::oid[]::int8[]")
        elif typ == 194:  # pg_node_tree
            exprs.append(f"{q}::text")
        elif typ == 1034:  # aclitem[]
            exprs.append(f"{q}::text[]")
        elif typ in (3220, 3361, 3402, 5017, 2277):
            exprs.append(f"{q}::text")
        else:
            exprs.append(q)
    cur.execute(f"SELECT {', '.join(exprs)} FROM {table} WHERE {where} ORDER BY {order}")
    return [c[0] for c in cols], [tuple(r) for r in cur.fetchall()]


def main(dsn: str) -> None:
    import psycopg2

    con = psycopg2.connect(dsn)
    cur = con.cursor()
    type_oids = sorted(T.BY_OID)
    in_types = "(" + ",".join(str(o) for o in type_oids) + ")"
    out: dict[str, Any] = {}

    # every relation of pg_catalog and information_schema with its columns
    cur.execute(
        """SELECT c.oid, n.nspname, c.relname, c.relkind::text,
                  array_agg(a.attname::text ORDER BY a.attnum),
                  array_agg(CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE a.atttypid END::int8
                            ORDER BY a.attnum),
                  array_agg(CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END ORDER BY a.attnum),
                  array_agg(a.attnotnull ORDER BY a.attnum)
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           JOIN pg_type t ON t.oid = a.atttypid
           WHERE n.nspname IN ('pg_catalog', 'information_schema') AND c.relkind IN ('r', 'v')
           GROUP BY 1, 2, 3, 4 ORDER BY 2, 3"""
    )
    out["RELATIONS"] = [
        (oid, nsp, name, kind, list(zip(names, typs, mods, nns)))
        for oid, nsp, name, kind, names, typs, mods, nns in cur.fetchall()
    ]
    cur.execute(
        "SELECT oid::int8, typname::text FROM pg_type WHERE oid IN "
        "(SELECT a.atttypid FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('pg_catalog','information_schema'))"
    )
    out["CATALOG_COLUMN_TYPES"] = sorted(cur.fetchall())
    # the types orbitdb has
    out["PG_TYPE"] = _select(cur, "pg_type", f"oid IN {in_types}", "oid")
    cur.execute(f"""SELECT DISTINCT p.oid::int8 FROM pg_type t, pg_proc p WHERE t.oid IN {in_types}
                    AND p.oid IN (t.typinput, t.typoutput, t.typreceive, t.typsend, t.typmodin, t.typmodout,
                                  t.typanalyze, t.typsubscript)""")
    procs = sorted(r[0] for r in cur.fetchall())
    out["PG_PROC"] = _select(cur, "pg_proc", "oid IN (" + ",".join(map(str, procs)) + ")", "oid")
    out["PG_AM"] = _select(cur, "pg_am", "true", "oid")
    out["PG_OPCLASS"] = _select(cur, "pg_opclass", f"opcintype IN {in_types} AND opcmethod IN (403, 405)", "oid")
    out["PG_OPFAMILY"] = _select(
        cur, "pg_opfamily", f"oid IN (SELECT opcfamily FROM pg_opclass WHERE opcintype IN {in_types} "
        "AND opcmethod IN (403, 405))", "oid")
    out["PG_COLLATION"] = _select(cur, "pg_collation", "collname IN ('default', 'C', 'POSIX', 'ucs_basic')", "oid")
    out["PG_LANGUAGE"] = _select(cur, "pg_language", "true", "oid")
    out["PG_CAST"] = _select(cur, "pg_cast", f"castsource IN {in_types} AND casttarget IN {in_types}", "oid")
    out["PG_OPERATOR"] = _select(
        cur, "pg_operator",
        f"(oprleft = 0 OR oprleft IN {in_types}) AND oprright IN {in_types} AND oprresult IN {in_types}", "oid")
    out["PG_EXTENSION"] = _select(cur, "pg_extension", "extname = 'plpgsql'", "oid")
    out["PG_TABLESPACE"] = _select(cur, "pg_tablespace", "true", "oid")
    out["PG_AUTHID"] = _select(cur, "pg_authid", "rolname LIKE 'pg\\_%%' OR oid = 10", "oid")
    out["PG_SETTINGS"] = _select(cur, "pg_settings", "true", "name")
    cur.execute("SELECT oid::int8, nspname::text FROM pg_namespace ORDER BY 1")
    out["PG_NAMESPACE"] = cur.fetchall()
    cur.execute("SELECT word::text, catcode::text FROM pg_get_keywords() WHERE catcode <> 'U' ORDER BY 1")
    out["KEYWORDS"] = cur.fetchall()
    cur.execute("SELECT version()")
    out["VERSION"] = cur.fetchone()[0]

    lines = [
        '"""PostgreSQL 15 built-in catalog facts, written by gen_pgdata.py from a running server. Do not edit."""',
        "# ruff: noqa",
        "",
        "from typing import Any",
        "",
    ]
    for key, value in out.items():
        lines.append(f"{key}: Any = " + pprint.pformat(value, width=108, compact=True))
        lines.append("")
    target = Path(__file__).with_name("pgdata.py")
    target.write_text("\n".join(lines))
    print(f"wrote {target} ({target.stat().st_size} bytes)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "host=/tmp port=55433 user=postgres dbname=postgres")
