"""Maintenance statements: ANALYZE, VACUUM, CLUSTER, CHECKPOINT, REINDEX and REFRESH MATERIALIZED
VIEW, plus DEALLOCATE. Each checks what it names as PostgreSQL does (the relation, its columns,
its index, the transaction block) and then does what orbitdb's storage needs, which is often
nothing: the LSM engine keeps no dead tuples (VACUUM) and no heap order (CLUSTER); ANALYZE gathers
the planner's statistics. CHECKPOINT flushes the engine's memtable; REINDEX rebuilds the indexes.
docs/compatibility.md lists each case and why it changes no result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orbitdb.sql.ddl.commands import DDL, find_relation
from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.parse.words import Words, identifier
from orbitdb.sql.result import Notice, Result
from orbitdb.sql.utility.analyze_statement import gather_statistics
from orbitdb.storage.catalog import TableDef
from orbitdb.storage.errors import StorageError
from orbitdb.storage.lockmodes import SHARE

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session

def _require_relation(s: Session, parts: list[str]) -> TableDef:
    t = find_relation(s, parts)
    if t is None:
        raise SqlError("42P01", f'relation "{parts[-1]}" does not exist')
    return t


def _require_table(s: Session, parts: list[str]) -> TableDef:
    t = _require_relation(s, parts)
    if t.kind != "r":
        raise SqlError("42809", f'"{t.name}" is not a table or materialized view')
    return t


def _outside_block(s: Session, what: str) -> None:
    if s.in_block or s.implicit:
        raise SqlError("25001", f"{what} cannot run inside a transaction block")


def _tables_and_columns(s: Session, w: Words, verb: str, with_analyze: bool
                        ) -> list[tuple[TableDef, list[str]]]:
    """table [(column, ...)] [, ...]: each must exist; a view is skipped with PostgreSQL's warning.
    Returns the tables named and their columns ([]: all)."""
    named: list[tuple[TableDef, list[str]]] = []
    while not w.at_end():
        t = _require_relation(s, w.qualified_name())
        cols = w.paren_list()
        if cols and not with_analyze:
            raise SqlError("0A000", "ANALYZE option must be specified when a column list is provided")
        if t.kind != "r":
            s.notices.append(Notice("WARNING", "01000", f'skipping "{t.name}" --- cannot {verb} non-tables or '
                                    "special system tables"))
        for c in cols:
            if t.column(identifier(c)) is None:
                raise SqlError("42703", f'column "{identifier(c)}" of relation "{t.name}" does not exist')
        if t.kind == "r":
            named.append((t, [identifier(c) for c in cols]))
        if not w.take(","):
            w.expect_end()
    return named


def analyze(s: Session, text: str, ctx: ExecContext | None = None) -> Result:
    """Statistics for the planner (orbitdb/sql/plan/statistics.py): of the tables named, or of
    every table of the database."""
    w = Words(text)
    w.next()
    w.paren_list()
    w.take("VERBOSE")
    everything = w.at_end()
    named = _tables_and_columns(s, w, "analyze", True)
    gather_statistics(s, ctx, named, everything)
    return Result("ANALYZE")


def vacuum(s: Session, text: str, ctx: ExecContext | None = None) -> Result:
    """Dead row versions: the LSM engine drops them in its compactions, FULL included."""
    _outside_block(s, "VACUUM")
    w = Words(text)
    w.next()
    options = [o.split()[0].upper() for o in w.paren_list() if o]
    while w.peek() in ("FULL", "FREEZE", "VERBOSE", "ANALYZE", "ANALYSE"):
        options.append(w.next().upper())
    with_analyze = "ANALYZE" in options or "ANALYSE" in options
    everything = w.at_end()
    named = _tables_and_columns(s, w, "vacuum", with_analyze)
    if with_analyze:
        gather_statistics(s, ctx, named, everything)
    return Result("VACUUM")


def checkpoint(s: Session) -> Result:
    """Writes the engine's memtable to a table file (the WAL already holds every commit)."""
    try:
        s.store.flush()
    except StorageError as e:
        raise SqlError(e.sqlstate, str(e)) from e
    return Result("CHECKPOINT")


def cluster(s: Session, text: str) -> Result:
    """Orders the heap by an index: orbitdb's rows are stored in key order and a query without
    ORDER BY promises no order, so only the names are checked. CLUSTER t without USING needs the
    index recorded by an earlier CLUSTER, which orbitdb does not keep: refused."""
    w = Words(text)
    w.next()
    w.paren_list()
    w.take("VERBOSE")
    if w.at_end():
        _outside_block(s, "CLUSTER")
        return Result("CLUSTER")
    t = _require_table(s, w.qualified_name())
    if not w.take("USING"):
        w.expect_end()
        raise SqlError("0A000", "CLUSTER without USING is not supported",
                       detail="orbitdb does not record a table's clustered index; name it with USING.")
    name = identifier(w.next())
    w.expect_end()
    if not any(ix.name == name for ix in t.indexes):
        raise SqlError("42704", f'index "{name}" for table "{t.name}" does not exist')
    return Result("CLUSTER")


def reindex(s: Session, ctx: ExecContext, text: str) -> Result:
    """Rebuilds secondary indexes from the rows (a primary key is the table's own key order)."""
    w = Words(text)
    w.next()
    w.paren_list()
    kind = w.next().upper()
    if kind not in ("INDEX", "TABLE", "SCHEMA", "DATABASE", "SYSTEM"):
        raise SqlError("42601", f'syntax error at or near "{kind}"')
    if w.take("CONCURRENTLY"):
        _outside_block(s, "REINDEX CONCURRENTLY")
    if kind in ("SCHEMA", "DATABASE", "SYSTEM"):
        _outside_block(s, f"REINDEX {kind}")
    parts = [] if w.at_end() and kind in ("DATABASE", "SYSTEM") else w.qualified_name()
    w.expect_end()
    if kind in ("DATABASE", "SYSTEM") and parts and parts[-1] != s.database:
        raise SqlError("0A000", "can only reindex the currently open database")
    d = DDL(s, ctx)
    if kind == "SYSTEM":
        return Result("REINDEX")  # system catalogs are orbitdb's JSON catalog: no index to rebuild
    if kind == "INDEX":
        found = d.in_search_path(parts[-2] if len(parts) > 1 else None,
                                 lambda sch: d.cat.index_owner(sch, parts[-1]))
        if found is None:
            if find_relation(s, parts) is not None:
                raise SqlError("42809", f'"{parts[-1]}" is not an index')
            raise SqlError("42P01", f'relation "{parts[-1]}" does not exist')
        tables = [(found[0], [found[1]])]
    elif kind == "TABLE":
        t = _require_table(s, parts)
        tables = [(d.cat.table_by_oid(t.oid), None)]
    else:
        if kind == "SCHEMA" and d.cat.schema(parts[-1]) is None:
            raise SqlError("3F000", f'schema "{parts[-1]}" does not exist')
        tables = [(t, None) for t in d.cat.tables() if t.kind == "r" and (kind == "DATABASE" or t.schema == parts[-1])]
    for t, only in tables:
        assert t is not None
        t = d.lock_table(t, SHARE, modify=False)  # PostgreSQL's lock: writers wait, readers do not
        if t is None:
            continue
        for ix in only if only is not None else t.indexes:
            if only is not None and not any(i.oid == ix.oid for i in t.indexes):
                continue
            if ix.primary and not ix.deferrable:
                continue
            d.clear_index(t, ix.oid)
            d.build_index(t, ix)
    return Result("REINDEX")


def refresh(s: Session, text: str) -> Result:
    """orbitdb has no materialized views (CREATE MATERIALIZED VIEW is refused): PostgreSQL's error
    for what the name is instead."""
    w = Words(text)
    w.next()
    if not w.take("MATERIALIZED", "VIEW"):
        raise SqlError("42601", f'syntax error at or near "{w.peek()}"')
    w.take("CONCURRENTLY")
    t = _require_table(s, w.qualified_name())
    raise SqlError("42809", f'"{t.name}" is not a materialized view')


def deallocate(s: Session, text: str) -> Result:
    """Removes a prepared statement: SQL PREPARE's and the extended protocol's named ones share
    one namespace."""
    w = Words(text)
    w.next()
    w.take("PREPARE")
    statements = s.protocol_statements
    if w.take("ALL"):
        w.expect_end()
        for name in [n for n in statements if n]:
            del statements[name]
        return Result("DEALLOCATE ALL")
    token = w.next()
    if not token:
        raise SqlError("42601", "syntax error at end of input")
    name = identifier(token)
    w.expect_end()
    if not name or name not in statements:
        raise SqlError("26000", f'prepared statement "{name}" does not exist')
    del statements[name]
    return Result("DEALLOCATE")
