"""pg_trigger rows and pg_get_triggerdef: the triggers kept in each table's catalog entry."""

from __future__ import annotations

from collections.abc import Iterator

from orbitdb.sql.pgcatalog.base import Env, Row, RowMaker, producer
from orbitdb.sql.pgcatalog.deparse import quote_identifier
from orbitdb.storage.catalog import FunctionDef, TableDef, TriggerDef

# pg_trigger.tgtype bits (PostgreSQL's TRIGGER_TYPE_*)
_ROW, _BEFORE, _INSERT, _DELETE, _UPDATE, _TRUNCATE, _INSTEAD = 1, 2, 4, 8, 16, 32, 64
_EVENT_BITS = {"insert": _INSERT, "delete": _DELETE, "update": _UPDATE, "truncate": _TRUNCATE}


def tgtype(t: TriggerDef) -> int:
    bits = _ROW if t.for_each_row else 0
    bits |= _BEFORE if t.timing == "before" else _INSTEAD if t.timing == "instead" else 0
    for e in t.events:
        bits |= _EVENT_BITS[e]
    return bits


def find_trigger(env: Env, oid: int) -> tuple[TableDef, TriggerDef] | None:
    for t in env.tables:
        for trig in t.triggers:
            if trig.oid == oid:
                return t, trig
    return None


@producer("pg_catalog", "pg_trigger")
def _pg_trigger(env: Env, make: RowMaker) -> Iterator[Row]:
    for t in env.tables:
        names = [c.name for c in t.columns]
        for trig in t.triggers:
            args = b"".join(a.encode() + b"\0" for a in trig.arguments)
            yield make(oid=trig.oid, tgrelid=t.oid, tgparentid=trig.parent or 0, tgname=trig.name, tgfoid=trig.function,
                       tgtype=tgtype(trig), tgenabled=trig.enabled, tgisinternal=False,
                       tgconstrrelid=trig.ref_table or 0, tgconstrindid=0, tgconstraint=0,
                       tgdeferrable=trig.deferrable, tginitdeferred=trig.initially_deferred,
                       tgnargs=len(trig.arguments),
                       tgattr=[names.index(c) + 1 for c in trig.update_columns if c in names],
                       tgargs=args, tgqual=trig.when, tgoldtable=trig.old_table, tgnewtable=trig.new_table)


def _literal(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def triggerdef(env: Env, oid: int, pretty: bool) -> str | None:
    """CREATE TRIGGER as pg_get_triggerdef writes it."""
    found = find_trigger(env, oid)
    if found is None:
        return None
    t, trig = found
    out = ["CREATE CONSTRAINT TRIGGER" if trig.constraint else "CREATE TRIGGER", quote_identifier(trig.name)]
    out.append({"before": "BEFORE", "after": "AFTER", "instead": "INSTEAD OF"}[trig.timing])
    events = []
    for e in trig.events:
        if e == "update" and trig.update_columns:
            events.append("UPDATE OF " + ", ".join(quote_identifier(c) for c in trig.update_columns))
        else:
            events.append(e.upper())
    out.append(" OR ".join(events))
    table = quote_identifier(t.name)
    if not pretty or not env.relation_visible(t.schema, t.name):
        table = quote_identifier(t.schema) + "." + table
    out.append("ON " + table)
    if trig.ref_table is not None:
        ref = env.table(trig.ref_table)
        if ref is not None:
            out.append("FROM " + quote_identifier(ref.schema) + "." + quote_identifier(ref.name))
    if trig.constraint:
        out.append("DEFERRABLE" if trig.deferrable else "NOT DEFERRABLE")
        out.append("INITIALLY DEFERRED" if trig.initially_deferred else "INITIALLY IMMEDIATE")
    if trig.old_table or trig.new_table:
        ref_parts = ["REFERENCING"]
        if trig.old_table:
            ref_parts.append("OLD TABLE AS " + quote_identifier(trig.old_table))
        if trig.new_table:
            ref_parts.append("NEW TABLE AS " + quote_identifier(trig.new_table))
        out.append(" ".join(ref_parts))
    out.append("FOR EACH ROW" if trig.for_each_row else "FOR EACH STATEMENT")
    if trig.when is not None:
        out.append(f"WHEN ({trig.when})" if pretty else f"WHEN (({trig.when}))")
    func = env.cat.objects.get(trig.function)
    fname = "?"
    if isinstance(func, FunctionDef):
        fname = quote_identifier(func.name)
        if func.schema not in env.search_path:
            fname = quote_identifier(func.schema) + "." + fname
    out.append(f"EXECUTE FUNCTION {fname}(" + ", ".join(_literal(a) for a in trig.arguments) + ")")
    return " ".join(out)
