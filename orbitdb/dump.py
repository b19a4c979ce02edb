"""con.iterdump(): the database as a SQL script that psql loads into PostgreSQL and
orbitdb.connect(...).execute() loads statement by statement into orbitdb (sqlite3's habit, in
pg_dump's plain format with --inserts --no-owner --no-privileges).

It reads the catalog as pg_dump does (pg_class, pg_attribute, pg_constraint, pg_get_*def), in a
repeatable-read, read-only transaction of a session of its own, so the script is one consistent
state of the database while others go on writing. Each item yielded is one complete statement
ending in ";". Order: settings, extensions, schemas, types, functions, sequences, tables,
data, sequence positions, constraints, indexes, foreign keys, views, triggers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

ROWS_PER_INSERT = 100
FETCH_ROWS = 1000

HEADER = [
    "SET statement_timeout = 0;",
    "SET lock_timeout = 0;",
    "SET client_encoding = 'UTF8';",
    "SET standard_conforming_strings = on;",
    "SELECT pg_catalog.set_config('search_path', 'public', false);",
    "SET check_function_bodies = false;",
    "SET client_min_messages = warning;",
]

_USER_SCHEMAS = ("n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' "
                 "AND n.nspname NOT LIKE 'pg\\_temp\\_%'")
_QUALIFIED = "quote_ident(n.nspname) || '.' || quote_ident(c.relname)"


def literal(text: str | None) -> str:
    """A value's text form as a SQL literal (standard_conforming_strings on: only quotes double)."""
    if text is None:
        return "NULL"
    return "'" + text.replace("'", "''") + "'"


class Dumper:
    def __init__(self, cursor: Any) -> None:
        self.cur = cursor

    def rows(self, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        self.cur.execute(sql, params)
        return list(self.cur.fetchall())

    def script(self) -> Iterator[str]:
        yield from HEADER
        yield from self.extensions()
        yield from self.schemas()
        yield from self.types()
        yield from self.functions()
        owned = self.sequence_owners()
        yield from self.sequences(owned)
        tables = self.tables()
        for table in tables:
            yield self.create_table(table)
        for seq, (table, column) in sorted(owned.items()):
            yield f"ALTER SEQUENCE {seq} OWNED BY {table}.{column};"
        for table in tables:
            if table["kind"] != "p":  # a partitioned table's rows are its partitions'
                yield from self.data(table)
        yield from self.sequence_positions()
        yield from self.constraints("p', 'u', 'x")
        yield from self.indexes()
        yield from self.constraints("f")
        yield from self.views()
        yield from self.triggers()

    # --- objects before tables ------------------------------------------------------------

    def extensions(self) -> Iterator[str]:
        for (name,) in self.rows("SELECT quote_ident(extname) FROM pg_extension WHERE extname <> 'plpgsql' "
                                 "ORDER BY oid"):
            yield f"CREATE EXTENSION IF NOT EXISTS {name};"

    def schemas(self) -> Iterator[str]:
        for (name,) in self.rows(f"SELECT quote_ident(n.nspname) FROM pg_namespace n WHERE {_USER_SCHEMAS} "
                                 "AND n.nspname <> 'public' ORDER BY n.oid"):
            yield f"CREATE SCHEMA {name};"

    def types(self) -> Iterator[str]:
        found = self.rows(
            "SELECT t.oid, quote_ident(n.nspname) || '.' || quote_ident(t.typname), t.typtype, t.typrelid, "
            "format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault "
            "FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            f"WHERE {_USER_SCHEMAS} AND (t.typtype IN ('e', 'd') OR (t.typtype = 'c' AND "
            "(SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')) ORDER BY t.oid")
        for oid, name, kind, relid, base, not_null, default in found:
            if kind == "e":
                labels = self.rows("SELECT enumlabel FROM pg_enum WHERE enumtypid = %s ORDER BY enumsortorder",
                                   (oid,))
                yield f"CREATE TYPE {name} AS ENUM ({', '.join(literal(label) for (label,) in labels)});"
            elif kind == "c":
                columns = self.rows("SELECT quote_ident(attname), format_type(atttypid, atttypmod) FROM pg_attribute "
                                    "WHERE attrelid = %s AND attnum > 0 AND NOT attisdropped ORDER BY attnum", (relid,))
                yield f"CREATE TYPE {name} AS ({', '.join(f'{c} {t}' for c, t in columns)});"
            else:
                parts = [f"CREATE DOMAIN {name} AS {base}"]
                if default is not None:
                    parts.append(f"DEFAULT {default}")
                if not_null:
                    parts.append("NOT NULL")
                for cname, definition in self.rows(
                        "SELECT quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE contypid = %s ORDER BY oid", (oid,)):
                    parts.append(f"CONSTRAINT {cname} {definition}")
                yield " ".join(parts) + ";"

    def functions(self) -> Iterator[str]:
        for (definition,) in self.rows(
                "SELECT pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                f"WHERE {_USER_SCHEMAS} AND p.prokind IN ('f', 'p') "
                "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e') "
                "ORDER BY p.oid"):
            yield definition.rstrip().rstrip(";") + ";"

    def sequence_owners(self) -> dict[str, tuple[str, str]]:
        """Sequences a column owns (serial, OWNED BY): sequence -> (table, column)."""
        owned = self.rows(
            "SELECT d.objid::regclass::text, d.refobjid::regclass::text, quote_ident(a.attname), d.deptype "
            "FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
            "JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
            "WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'")
        return {seq: (table, column) for seq, table, column, _ in owned}

    def identity_sequences(self) -> set[int]:
        found = self.rows("SELECT d.objid FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
                          "WHERE d.classid = 'pg_class'::regclass AND d.deptype = 'i'")
        identity = {oid for (oid,) in found}
        for (seq,) in self.rows(
                "SELECT pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname) "
                "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.attidentity IN ('a', 'd')"):
            if seq is not None:
                identity.add(self.rows("SELECT %s::regclass::oid", (seq,))[0][0])
        return identity

    def sequences(self, owned: dict[str, tuple[str, str]]) -> Iterator[str]:
        identity = self.identity_sequences()
        found = self.rows(
            f"SELECT c.oid, {_QUALIFIED}, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, "
            "s.seqmax, s.seqcache, s.seqcycle FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid "
            f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER_SCHEMAS} ORDER BY c.oid")
        for oid, name, type_name, start, increment, low, high, cache, cycle in found:
            if oid in identity:
                continue  # made by its identity column
            yield (f"CREATE SEQUENCE {name} AS {type_name} START WITH {start} INCREMENT BY {increment} "
                   f"MINVALUE {low} MAXVALUE {high} CACHE {cache}{' CYCLE' if cycle else ''};")

    # --- tables and their rows --------------------------------------------------------------

    def tables(self) -> list[dict[str, Any]]:
        found = self.rows(
            f"SELECT c.oid, {_QUALIFIED}, c.relkind, pg_get_partkeydef(c.oid), "
            "(SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = c.oid), "
            "(SELECT i.inhparent FROM pg_inherits i WHERE i.inhrelid = c.oid), "
            "pg_get_expr(c.relpartbound, c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE {_USER_SCHEMAS} AND c.relkind IN ('r', 'p') AND c.relpersistence <> 't' ORDER BY c.oid")
        tables = [{"oid": oid, "name": name, "kind": kind, "partition_key": key, "parent": parent,
                   "parent_oid": parent_oid, "bound": bound}
                  for oid, name, kind, key, parent, parent_oid, bound in found]
        # a partition after its parent (a table attached to a later parent has a lower oid)
        known = {t["oid"] for t in tables}
        done: set[int] = set()
        ordered: list[dict[str, Any]] = []
        pending = tables
        while pending:
            ready = [t for t in pending if t["bound"] is None or t["parent_oid"] in done
                     or t["parent_oid"] not in known]
            if not ready:
                ready = pending[:1]
            for t in ready:
                done.add(t["oid"])
                ordered.append(t)
            pending = [t for t in pending if t not in ready]
        for t in ordered:
            t["columns"] = self.rows(
                "SELECT quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                "pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
                "(SELECT ty.typtype FROM pg_type ty WHERE ty.oid = a.atttypid) "
                "FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                "WHERE a.attrelid = %s AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", (t["oid"],))
        return ordered

    def create_table(self, table: dict[str, Any]) -> str:
        checks = self.rows("SELECT quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint "
                           "WHERE conrelid = %s AND contype = 'c' AND NOT coninhcount > 0 ORDER BY oid",
                           (table["oid"],))
        if table["bound"] is not None and table["parent"] is not None:
            head = f"CREATE TABLE {table['name']} PARTITION OF {table['parent']}"
            items = [f"CONSTRAINT {n} {d}" for n, d in checks]
            body = f" (\n    {(',' + chr(10) + '    ').join(items)}\n)" if items else ""
            key = f"\nPARTITION BY {table['partition_key']}" if table["kind"] == "p" else ""
            return f"{head}{body}\n{table['bound']}{key};"
        lines = []
        for name, type_name, not_null, default, identity, generated, typtype in table["columns"]:
            parts = [name, type_name]
            if generated == "s":
                parts.append(f"GENERATED ALWAYS AS ({default}) STORED")
            elif identity in ("a", "d"):
                parts.append(f"GENERATED {'ALWAYS' if identity == 'a' else 'BY DEFAULT'} AS IDENTITY")
            elif default is not None:
                # an enum column's default is written as its label's text by some catalogs: cast it
                parts.append(f"DEFAULT ({default})::{type_name}" if typtype == "e" else f"DEFAULT {default}")
            if not_null and identity not in ("a", "d"):
                parts.append("NOT NULL")
            lines.append(" ".join(parts))
        lines += [f"CONSTRAINT {n} {d}" for n, d in checks]
        key = f"\nPARTITION BY {table['partition_key']}" if table["kind"] == "p" else ""
        return f"CREATE TABLE {table['name']} (\n    " + ",\n    ".join(lines) + f"\n){key};"

    def data(self, table: dict[str, Any]) -> Iterator[str]:
        columns = [(name, identity) for name, _, _, _, identity, generated, _ in table["columns"] if generated != "s"]
        if not columns:
            return
        names = ", ".join(name for name, _ in columns)
        overriding = " OVERRIDING SYSTEM VALUE" if any(identity == "a" for _, identity in columns) else ""
        head = f"INSERT INTO {table['name']} ({names}){overriding} VALUES\n    "
        self.cur.execute(f"SELECT {', '.join(f'{name}::text' for name, _ in columns)} FROM ONLY {table['name']}")
        batch: list[str] = []
        while True:
            rows = self.cur.fetchmany(FETCH_ROWS)
            for row in rows:
                batch.append("(" + ", ".join(literal(v) for v in row) + ")")
                if len(batch) >= ROWS_PER_INSERT:
                    yield head + ",\n    ".join(batch) + ";"
                    batch = []
            if not rows:
                break
        if batch:
            yield head + ",\n    ".join(batch) + ";"

    def sequence_positions(self) -> Iterator[str]:
        found = self.rows(f"SELECT {_QUALIFIED} FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid "
                          f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER_SCHEMAS} ORDER BY c.oid")
        for (name,) in found:
            last, called = self.rows(f"SELECT last_value, is_called FROM {name}")[0]
            yield f"SELECT pg_catalog.setval({literal(name)}, {last}, {'true' if called else 'false'});"

    # --- objects after the rows -------------------------------------------------------------

    def constraints(self, kinds: str) -> Iterator[str]:
        found = self.rows(
            f"SELECT {_QUALIFIED}, quote_ident(k.conname), pg_get_constraintdef(k.oid) FROM pg_constraint k "
            "JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE {_USER_SCHEMAS} AND k.contype IN ('{kinds}') AND c.relpersistence <> 't' "
            "AND NOT (c.relispartition AND k.coninhcount > 0) ORDER BY k.oid")
        for table, name, definition in found:
            yield f"ALTER TABLE ONLY {table} ADD CONSTRAINT {name} {definition};"

    def indexes(self) -> Iterator[str]:
        found = self.rows(
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            f"WHERE {_USER_SCHEMAS} AND c.relpersistence <> 't' AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x')) "
            "AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid) "
            "ORDER BY i.indexrelid")
        for (definition,) in found:
            yield definition + ";"

    def views(self) -> Iterator[str]:
        found = self.rows(f"SELECT {_QUALIFIED}, c.relkind, pg_get_viewdef(c.oid) FROM pg_class c "
                          f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE {_USER_SCHEMAS} "
                          "AND c.relkind IN ('v', 'm') ORDER BY c.oid")
        for name, kind, definition in found:
            what = "MATERIALIZED VIEW" if kind == "m" else "VIEW"
            yield f"CREATE {what} {name} AS\n{definition.rstrip().rstrip(';')};"

    def triggers(self) -> Iterator[str]:
        for (definition,) in self.rows("SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t WHERE NOT t.tgisinternal "
                                       "ORDER BY t.oid"):
            yield definition + ";"


def iterdump(con: Any) -> Iterator[str]:
    """The statements of the dump of the database con is on, read in a transaction of a
    connection of its own (closed when the iteration ends)."""
    cur = con.cursor()
    cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    try:
        yield from Dumper(cur).script()
    finally:
        con.rollback()
        con.close()
