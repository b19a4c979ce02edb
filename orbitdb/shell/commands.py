"""psql's basic backslash commands in the shell: \\d, \\dt, \\d NAME, \\d+ NAME, \\l, answered from the
catalog as psql answers them (same titles, columns and sections)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

# (names, type oids, rows of text) of a catalog query
Query = Callable[[str, list[object]], "tuple[list[str], list[int], list[list[str | None]]]"]

RELATION_KINDS = {"r": "table", "p": "partitioned table", "v": "view", "m": "materialized view", "S": "sequence",
                  "i": "index", "I": "partitioned index", "f": "foreign table", "c": "composite type"}


@dataclass
class Listing:
    """What a command prints: a table (title, names, oids, rows) and lines after it, or a message."""

    title: str | None = None
    names: list[str] = field(default_factory=list)
    oids: list[int] = field(default_factory=list)
    rows: list[list[str | None]] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    message: str | None = None
    row_count: bool = True


def _pattern(pattern: str) -> tuple[str | None, str]:
    """psql's NAME pattern: [schema.]name, * and ? wildcards, unquoted letters folded to lower
    case; as (schema regex or None, name regex)."""
    parts: list[str] = []
    current, quoted = "", False
    for c in pattern:
        if c == '"':
            quoted = not quoted
        elif c == "." and not quoted:
            parts.append(current)
            current = ""
        elif quoted:
            current += re.escape(c)
        elif c == "*":
            current += ".*"
        elif c == "?":
            current += "."
        else:
            current += re.escape(c.lower())
    parts.append(current)
    if len(parts) == 1:
        return None, f"^({parts[0]})$"
    return f"^({parts[-2]})$", f"^({parts[-1]})$"


def list_relations(query: Query, kinds: str, pattern: str | None, verbose: bool) -> Listing:
    where = [f"c.relkind IN ({', '.join(repr(k) for k in kinds)})",
             "n.nspname NOT IN ('pg_catalog', 'information_schema')", "n.nspname !~ '^pg_toast'"]
    params: list[object] = []
    if pattern:
        schema, name = _pattern(pattern)
        where.append(f"c.relname ~ ${len(params) + 1}")
        params.append(name)
        if schema is not None:
            where.append(f"n.nspname ~ ${len(params) + 1}")
            params.append(schema)
        else:
            where.append("pg_catalog.pg_table_is_visible(c.oid)")
    else:
        where.append("pg_catalog.pg_table_is_visible(c.oid)")
    size = ", pg_catalog.pg_size_pretty(pg_catalog.pg_table_size(c.oid))" if verbose else ""
    _, _, rows = query(
        "SELECT n.nspname, c.relname, c.relkind, pg_catalog.pg_get_userbyid(c.relowner)" + size +
        " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE " +
        " AND ".join(where) + " ORDER BY 1, 2", params)
    if not rows:
        if pattern:
            return Listing(message=f'Did not find any relation named "{pattern}".')
        return Listing(message="Did not find any relations.")
    out = [[r[0], r[1], RELATION_KINDS.get(r[2] or "", r[2]), r[3], *r[4:]] for r in rows]
    head = ["Schema", "Name", "Type", "Owner"] + (["Size"] if verbose else [])
    return Listing("List of relations", head, [25] * len(head), out)


def list_databases(query: Query) -> Listing:
    _, _, rows = query(
        "SELECT d.datname, pg_catalog.pg_get_userbyid(d.datdba), pg_catalog.pg_encoding_to_char(d.encoding), "
        "d.datcollate, d.datctype, pg_catalog.array_to_string(d.datacl, E'\\n') "
        "FROM pg_catalog.pg_database d ORDER BY 1", [])
    return Listing("List of databases", ["Name", "Owner", "Encoding", "Collate", "Ctype", "Access privileges"],
                   [25] * 6, rows)


def describe(query: Query, pattern: str, verbose: bool) -> list[Listing]:
    """\\d NAME: each relation the pattern names, described."""
    schema, name = _pattern(pattern)
    params: list[object] = [name]
    where = "c.relname ~ $1 AND " + ("n.nspname ~ $2" if schema is not None else "pg_catalog.pg_table_is_visible(c.oid)")
    if schema is not None:
        params.append(schema)
    _, _, found = query("SELECT c.oid::int8::text, n.nspname, c.relname, c.relkind FROM pg_catalog.pg_class c "
                        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE " + where +
                        " AND n.nspname NOT LIKE 'pg\\_temp%' ORDER BY 2, 3", params)
    if not found:
        return [Listing(message=f'Did not find any relation named "{pattern}".')]
    return [_describe_one(query, int(oid or 0), f"{nsp}.{rel}", kind or "r", verbose)
            for oid, nsp, rel, kind in found]


def _describe_one(query: Query, oid: int, qualified: str, kind: str, verbose: bool) -> Listing:
    what = {"r": "Table", "p": "Partitioned table", "v": "View", "m": "Materialized view", "S": "Sequence",
            "i": "Index", "I": "Partitioned index", "c": "Composite type"}.get(kind, "Relation")
    extra = (", CASE a.attstorage WHEN 'p' THEN 'plain' WHEN 'm' THEN 'main' WHEN 'e' THEN 'external' "
             "ELSE 'extended' END, NULL, NULL, pg_catalog.col_description(a.attrelid, a.attnum)") if verbose else ""
    _, _, columns = query(
        "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
        "(SELECT c.collname FROM pg_catalog.pg_collation c WHERE c.oid = a.attcollation "
        "AND a.attcollation <> (SELECT t.typcollation FROM pg_catalog.pg_type t WHERE t.oid = a.atttypid)), "
        "CASE WHEN a.attnotnull THEN 'not null' ELSE '' END, "
        "CASE WHEN a.attidentity = 'a' THEN 'generated always as identity' "
        "WHEN a.attidentity = 'd' THEN 'generated by default as identity' "
        "WHEN a.attgenerated = 's' THEN 'generated always as (' || pg_catalog.pg_get_expr(d.adbin, d.adrelid) "
        "|| ') stored' ELSE pg_catalog.pg_get_expr(d.adbin, d.adrelid) END" + extra +
        " FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid "
        "AND d.adnum = a.attnum WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        [oid])
    head = ["Column", "Type", "Collation", "Nullable", "Default"]
    if verbose:
        head += ["Storage", "Compression", "Stats target", "Description"]
    footer: list[str] = []
    if kind in ("r", "p", "m"):
        footer += _indexes(query, oid)
        footer += _constraints(query, oid, "c", "Check constraints:")
        footer += _constraints(query, oid, "f", "Foreign-key constraints:")
        footer += _referenced_by(query, oid)
        footer += _triggers(query, oid)
    if kind in ("r", "m") and verbose:
        _, _, method = query("SELECT a.amname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_am a ON a.oid = c.relam "
                             "WHERE c.oid = $1", [oid])
        if method and method[0][0]:
            footer.append(f"Access method: {method[0][0]}")
    if kind in ("v", "m") and verbose:
        _, _, definition = query("SELECT pg_catalog.pg_get_viewdef($1::oid)", [oid])
        footer.append("View definition:")
        footer += (definition[0][0] or "").rstrip("\n").split("\n")
    if kind == "p":
        _, _, key = query("SELECT pg_catalog.pg_get_partkeydef($1::oid)", [oid])
        footer.insert(0, f"Partition key: {key[0][0]}")
    return Listing(f'{what} "{qualified}"', head, [25] * len(head), columns, footer, row_count=False)


def _indexes(query: Query, oid: int) -> list[str]:
    _, _, rows = query(
        "SELECT c.relname, i.indisprimary::text, i.indisunique::text, "
        "(SELECT k.contype::text FROM pg_catalog.pg_constraint k WHERE k.conindid = i.indexrelid LIMIT 1), "
        "pg_catalog.pg_get_indexdef(i.indexrelid) FROM pg_catalog.pg_index i "
        "JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1 "
        "ORDER BY i.indisprimary DESC, c.relname", [oid])
    if not rows:
        return []
    out = ["Indexes:"]
    for name, primary, unique, contype, definition in rows:
        how = (definition or "").split(" USING ", 1)[-1]
        if primary == "true":
            label = "PRIMARY KEY, "
        elif contype == "u":
            label = "UNIQUE CONSTRAINT, "
        elif unique == "true":
            label = "UNIQUE, "
        else:
            label = ""
        out.append(f'    "{name}" {label}{how}')
    return out


def _constraints(query: Query, oid: int, kind: str, heading: str) -> list[str]:
    _, _, rows = query("SELECT conname, pg_catalog.pg_get_constraintdef(oid, true) FROM pg_catalog.pg_constraint "
                       "WHERE conrelid = $1 AND contype = $2 ORDER BY conname", [oid, kind])
    return [heading, *(f'    "{name}" {definition}' for name, definition in rows)] if rows else []


def _referenced_by(query: Query, oid: int) -> list[str]:
    _, _, rows = query("SELECT conrelid::pg_catalog.regclass::text, conname, "
                       "pg_catalog.pg_get_constraintdef(oid, true) FROM pg_catalog.pg_constraint "
                       "WHERE confrelid = $1 AND contype = 'f' ORDER BY conname", [oid])
    return ["Referenced by:", *(f'    TABLE "{t}" CONSTRAINT "{n}" {d}' for t, n, d in rows)] if rows else []


def _triggers(query: Query, oid: int) -> list[str]:
    _, _, rows = query("SELECT pg_catalog.pg_get_triggerdef(oid, true) FROM pg_catalog.pg_trigger "
                       "WHERE tgrelid = $1 AND NOT tgisinternal ORDER BY tgname", [oid])
    return ["Triggers:", *(f"    {(d or '').removeprefix('CREATE TRIGGER ')}" for (d,) in rows)] if rows else []
