"""The convenience views of pg_catalog: pg_tables, pg_views, pg_indexes,
pg_sequences, pg_publication_tables (empty)."""

from __future__ import annotations

from collections.abc import Iterator

from orbitdb.sql.pgcatalog import builtin_data as B
from orbitdb.sql.pgcatalog import model as M
from orbitdb.sql.pgcatalog.base import Env, Row, RowMaker, producer
from orbitdb.sql.pgcatalog.deparse import FALLBACK_ERRORS


@producer("pg_catalog", "pg_tables")
def _pg_tables(env: Env, make: RowMaker) -> Iterator[Row]:
    for spec in B.RELATIONS.values():
        if spec.kind == "r":
            yield make(schemaname=spec.schema, tablename=spec.name, tableowner="postgres",
                       hasindexes=spec.schema == "pg_catalog", hasrules=False, hastriggers=False,
                       rowsecurity=False)
    fk_tables: set[int] = set()
    for t in env.tables:
        for con in t.constraints:
            if con.kind == "f":
                fk_tables.add(t.oid)
                if con.ref_table is not None:
                    fk_tables.add(con.ref_table)
    for t in env.tables:
        if t.kind == "r":
            yield make(schemaname=t.schema, tablename=t.name, tableowner=t.owner, hasindexes=bool(M.indexes(t)),
                       hasrules=False, hastriggers=t.oid in fk_tables or bool(t.triggers), rowsecurity=False)


@producer("pg_catalog", "pg_views")
def _pg_views(env: Env, make: RowMaker) -> Iterator[Row]:
    for spec in B.RELATIONS.values():
        if spec.kind == "v":
            yield make(schemaname=spec.schema, viewname=spec.name, viewowner="postgres", definition=None)
    for t in env.tables:
        if t.kind == "v":
            yield make(schemaname=t.schema, viewname=t.name, viewowner=t.owner, definition=M.view_def(env, t, False))


@producer("pg_catalog", "pg_indexes")
def _pg_indexes(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        for ix in M.indexes(t):
            yield make(schemaname=t.schema, tablename=t.name, indexname=ix.name, tablespace=None,
                       indexdef=M.index_def(env, t, ix, False))


_SEQ_TYPES = {"smallint": 21, "integer": 23, "bigint": 20}


@producer("pg_catalog", "pg_sequences")
def _pg_sequences(env: Env, make: RowMaker) -> Iterator[Row]:
    store = getattr(env.session, "store", None)
    for s in env.sequences:
        last = None
        peek = getattr(store, "sequence_peek", None)
        if callable(peek):
            try:
                value, called = peek(s)
                last = value if called else None
            except FALLBACK_ERRORS:
                last = None
        yield make(schemaname=s.schema, sequencename=s.name, sequenceowner=s.owner,
                   data_type=_SEQ_TYPES.get(s.data_type, 20), start_value=s.start, min_value=s.min_value,
                   max_value=s.max_value, increment_by=s.increment, cycle=s.cycle, cache_size=s.cache,
                   last_value=last)
