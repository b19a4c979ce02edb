"""CREATE [OR REPLACE] [CONSTRAINT] TRIGGER, DROP TRIGGER, ALTER TRIGGER ... RENAME TO and
ALTER TABLE ... {ENABLE [REPLICA|ALWAYS]|DISABLE} TRIGGER, checked as PostgreSQL 15 checks them.
Triggers live in their table's catalog entry (TableDef.triggers)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlglot import exp

from orbitdb.sql.ddl.commands import DDL
from orbitdb.sql.ddl.trigger_clones import clone_row_triggers, clones_of, drop_clones, partitions
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.core import Runtime
from orbitdb.sql.plan.planner import Planner
from orbitdb.sql.result import Notice, Result
from orbitdb.sql.triggers.fire import compile_when, when_node
from orbitdb.sql.triggers.syntax import Cursor, TriggerSpec, parse_create_trigger
from orbitdb.storage.catalog import FunctionDef, TableDef, TriggerDef
from orbitdb.storage.lockmodes import ACCESS_EXCLUSIVE, SHARE_ROW_EXCLUSIVE

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.parse.parser import Statement
    from orbitdb.sql.session.session import Session

_ALTER_TABLE_TRIGGER = re.compile(
    r"\s*ALTER\s+TABLE\s+(IF\s+EXISTS\s+)?(ONLY\s+)?\S+\s+(ENABLE|DISABLE)\s+(ALWAYS\s+|REPLICA\s+)?TRIGGER\s",
    re.IGNORECASE)
_TRIGGER_STATEMENT = re.compile(r"\s*(CREATE\s+(OR\s+REPLACE\s+)?(CONSTRAINT\s+)?TRIGGER|DROP\s+TRIGGER|"
                                r"ALTER\s+TRIGGER)\s", re.IGNORECASE)


def is_trigger_statement(text: str) -> bool:
    from orbitdb.sql.parse.parser import strip_comments

    text = strip_comments(text)
    return bool(_TRIGGER_STATEMENT.match(text) or _ALTER_TABLE_TRIGGER.match(text))


def trigger_statement(s: Session, st: Statement, ctx: ExecContext) -> Result:
    text = st.text
    c = Cursor(text)
    head = c.peek()
    if ctx.txn is not None and ctx.txn.read_only:
        what = "ALTER TABLE" if c.peek(1) == "TABLE" else f"{head} TRIGGER"
        raise SqlError("25006", f"cannot execute {what} in a read-only transaction")
    d = DDL(s, ctx)
    if head == "CREATE":
        return create_trigger(d, parse_create_trigger(text))
    if head == "DROP":
        return drop_trigger(d, c)
    if c.peek(1) == "TRIGGER":
        return rename_trigger(d, c)
    return enable_disable(d, c)


def _table(d: DDL, parts: list[str], missing_ok: bool = False, mode: int = SHARE_ROW_EXCLUSIVE) -> TableDef | None:
    node = exp.Table(this=exp.Identifier(this=parts[-1], quoted=True),
                     db=exp.Identifier(this=parts[-2], quoted=True) if len(parts) > 1 else None)
    return d.find_table(node, missing_ok=missing_ok, kind=None, mode=mode)


def find_trigger_function(d: DDL, parts: list[str]) -> FunctionDef:
    name = parts[-1]
    schemas = [d.s.resolve_schema(parts[-2])] if len(parts) > 1 else ["pg_catalog", *d.s.search_schemas()]
    for schema in schemas:
        for f in d.cat.functions_named(schema, name):
            inputs = [i for i in range(len(f.arg_types))
                      if (f.arg_modes[i] if i < len(f.arg_modes) else "i") in ("i", "b", "v")]
            if f.kind == "f" and not inputs:
                return f
    shown = ".".join(parts)
    raise SqlError("42883", f"function {shown}() does not exist")


def create_trigger(d: DDL, spec: TriggerSpec) -> Result:
    t = _table(d, spec.table)
    assert t is not None
    kind = "view" if t.kind == "v" else "table"
    if t.kind not in ("r", "v"):
        raise SqlError("42809", f'"{t.name}" is not a table or view')
    if t.kind == "r" and spec.timing == "instead":
        raise SqlError("42809", f'"{t.name}" is a table', detail="Tables cannot have INSTEAD OF triggers.")
    if t.kind == "v" and spec.timing != "instead" and spec.for_each_row:
        raise SqlError("42809", f'"{t.name}" is a view', detail="Views cannot have row-level BEFORE or AFTER triggers.")
    if t.kind == "v" and "truncate" in spec.events:
        raise SqlError("42809", f'"{t.name}" is a view', detail="Views cannot have TRUNCATE triggers.")
    if "truncate" in spec.events and spec.for_each_row:
        raise SqlError("0A000", "TRUNCATE FOR EACH ROW triggers are not supported")
    if spec.timing == "instead":
        if not spec.for_each_row:
            raise SqlError("0A000", "INSTEAD OF triggers must be FOR EACH ROW")
        if spec.when is not None:
            raise SqlError("0A000", "INSTEAD OF triggers cannot have WHEN conditions")
        if spec.update_columns:
            raise SqlError("0A000", "INSTEAD OF triggers cannot have column lists")
    if spec.old_table or spec.new_table:
        _check_transition_tables(spec, t, kind)
    names = [c.name for c in t.columns]
    for i, col in enumerate(spec.update_columns):
        if col not in names:
            raise SqlError("42703", f'column "{col}" of relation "{t.name}" does not exist')
        if col in spec.update_columns[:i]:
            raise SqlError("42701", f'column "{col}" specified more than once')
    when_text = _check_when(d, t, spec) if spec.when is not None else None
    func = find_trigger_function(d, spec.function)
    if func.return_type.lower() not in ("trigger", "pg_catalog.trigger"):
        raise SqlError("42P17", f"function {func.name} must return type trigger")
    ref_oid = None
    if spec.ref_table is not None:
        ref = _table(d, spec.ref_table)
        assert ref is not None
        ref_oid = ref.oid
    existing = next((x for x in t.triggers if x.name == spec.name), None)
    if existing is not None and not spec.replace:
        raise SqlError("42710", f'trigger "{spec.name}" for relation "{t.name}" already exists')
    if existing is not None and existing.constraint:
        raise SqlError("42809", f'trigger "{spec.name}" for relation "{t.name}" is a constraint trigger')
    trig = TriggerDef(
        oid=existing.oid if existing is not None else d.oid_like(t), name=spec.name, function=func.oid,
        timing=spec.timing, events=_ordered_events(spec.events), for_each_row=spec.for_each_row,
        update_columns=list(spec.update_columns), when=when_text, arguments=list(spec.arguments),
        enabled=existing.enabled if existing is not None else "O", constraint=spec.constraint,
        deferrable=spec.deferrable, initially_deferred=spec.initially_deferred, old_table=spec.old_table,
        new_table=spec.new_table, comment=existing.comment if existing is not None else None, ref_table=ref_oid)
    if existing is not None and existing.parent is not None:
        raise SqlError("42809", f'trigger "{spec.name}" for relation "{t.name}" is an internal or a child trigger')
    if existing is not None:
        t.triggers = [trig if x.name == spec.name else x for x in t.triggers]
    else:
        t.triggers.append(trig)
    d.cat.put(t)
    if t.partition_strategy and trig.for_each_row:
        # a partitioned table's row trigger fires on its partitions: each gets a clone
        for child in partitions(d.cat, t):
            if existing is not None:
                drop_clones(d.cat, child, {existing.oid})
            clone_row_triggers(d.cat, t, child, lambda: d.oid_like(t), [trig])
    return Result("CREATE TRIGGER")


def _ordered_events(events: list[str]) -> list[str]:
    return [e for e in ("insert", "delete", "update", "truncate") if e in events]


def _check_transition_tables(spec: TriggerSpec, t: TableDef, kind: str) -> None:
    if t.kind == "v":
        raise SqlError("42809", f'"{t.name}" is a view', detail="Triggers on views cannot have transition tables.")
    if spec.timing != "after":
        raise SqlError("42P17", "transition table name can only be specified for an AFTER trigger")
    if "truncate" in spec.events:
        raise SqlError("0A000", "TRUNCATE triggers with transition tables are not supported")
    if len(spec.events) > 1:
        raise SqlError("0A000", "transition tables cannot be specified for triggers with more than one event")
    if spec.update_columns:
        raise SqlError("0A000", "transition tables cannot be specified for triggers with column lists")
    if spec.old_table and not {"delete", "update"} & set(spec.events):
        raise SqlError("42P17", "OLD TABLE can only be specified for a DELETE or UPDATE trigger")
    if spec.new_table and not {"insert", "update"} & set(spec.events):
        raise SqlError("42P17", "NEW TABLE can only be specified for an INSERT or UPDATE trigger")
    if spec.old_table and spec.old_table == spec.new_table:
        raise SqlError("42P17", "OLD TABLE name and NEW TABLE name cannot be the same")
    raise SqlError("0A000", "transition tables (REFERENCING OLD/NEW TABLE) are not supported",
                   detail="orbitdb's triggers see the changed rows one at a time, as NEW and OLD.")


def _check_when(d: DDL, t: TableDef, spec: TriggerSpec) -> str:
    """The WHEN condition checked as PostgreSQL checks it; returns the text to keep."""
    assert spec.when is not None
    node = when_node(spec.when)
    for sub in node.find_all(exp.Subquery, exp.Select, exp.Exists):
        raise SqlError("0A000", "cannot use subquery in trigger WHEN condition")
    refs = {col.table.lower() for col in node.find_all(exp.Column) if col.table}
    star_refs = {n.this.name.lower() for n in node.find_all(exp.Dot) if isinstance(n.this, exp.Identifier)}
    refs |= star_refs
    if not spec.for_each_row and refs & {"old", "new"}:
        raise SqlError("42P17", "statement trigger's WHEN condition cannot reference column values")
    if "old" in refs and spec.events == ["insert"]:
        raise SqlError("42P17", "INSERT trigger's WHEN condition cannot reference OLD values")
    if "new" in refs and spec.events == ["delete"]:
        raise SqlError("42P17", "DELETE trigger's WHEN condition cannot reference NEW values")
    rt = Runtime([])
    compile_when(Planner(d.s, d.cat, rt), t, rt, spec.when)
    return node.sql(dialect="postgres")


def drop_trigger(d: DDL, c: Cursor) -> Result:
    c.expect("DROP", "TRIGGER")
    if_exists = c.take("IF", "EXISTS")
    name = c.name()
    c.expect("ON")
    parts = c.qualified_name()
    if not (c.take("CASCADE") or c.take("RESTRICT")):
        pass
    c.expect_end()
    t = _table(d, parts, missing_ok=if_exists, mode=ACCESS_EXCLUSIVE)
    if t is None:
        d.s.notices.append(Notice("NOTICE", "00000", f'relation "{parts[-1]}" does not exist, skipping'))
        return Result("DROP TRIGGER")
    if not any(x.name == name for x in t.triggers):
        if if_exists:
            d.s.notices.append(Notice("NOTICE", "00000",
                                      f'trigger "{name}" for relation "{t.name}" does not exist, skipping'))
            return Result("DROP TRIGGER")
        raise SqlError("42704", f'trigger "{name}" for table "{t.name}" does not exist')
    trig = next(x for x in t.triggers if x.name == name)
    if trig.parent is not None:
        owner = next((o for o in d.cat.tables() for x in o.triggers if x.oid == trig.parent), None)
        if owner is not None:
            raise SqlError("2BP01", f"cannot drop trigger {name} on table {t.name} because trigger {name} on table "
                           f"{owner.name} requires it",
                           hint=f"You can drop trigger {name} on table {owner.name} instead.")
    t.triggers = [x for x in t.triggers if x.name != name]
    d.cat.put(t)
    for child in partitions(d.cat, t):
        drop_clones(d.cat, child, {trig.oid})
    return Result("DROP TRIGGER")


def rename_trigger(d: DDL, c: Cursor) -> Result:
    c.expect("ALTER", "TRIGGER")
    name = c.name()
    c.expect("ON")
    parts = c.qualified_name()
    if c.take("NO") or c.peek() == "DEPENDS":
        raise SqlError("0A000", "ALTER TRIGGER ... DEPENDS ON EXTENSION is not supported")
    c.expect("RENAME", "TO")
    new = c.name()
    c.expect_end()
    t = _table(d, parts, mode=ACCESS_EXCLUSIVE)
    assert t is not None
    trig = next((x for x in t.triggers if x.name == name), None)
    if trig is None:
        raise SqlError("42704", f'trigger "{name}" for table "{t.name}" does not exist')
    if any(x.name == new for x in t.triggers):
        raise SqlError("42710", f'trigger "{new}" for relation "{t.name}" already exists')
    clones = clones_of(d.cat, t, trig)
    trig.name = new
    d.cat.put(t)
    for child, clone in clones:
        clone.name = new
        d.cat.put(child)
    return Result("ALTER TRIGGER")


def enable_disable(d: DDL, c: Cursor) -> Result:
    c.expect("ALTER", "TABLE")
    if_exists = c.take("IF", "EXISTS")
    c.take("ONLY")
    parts = c.qualified_name()
    if c.take("DISABLE"):
        state = "D"
    else:
        c.expect("ENABLE")
        state = "A" if c.take("ALWAYS") else "R" if c.take("REPLICA") else "O"
    c.expect("TRIGGER")
    which = c.next()
    if not which:
        raise SqlError("42601", "syntax error at end of input")
    if c.peek() == ",":
        raise SqlError("0A000", "ALTER TABLE with several actions is not supported with ENABLE/DISABLE TRIGGER")
    c.expect_end()
    t = _table(d, parts, missing_ok=if_exists, mode=SHARE_ROW_EXCLUSIVE)
    if t is None:
        d.s.notices.append(Notice("NOTICE", "00000", f'relation "{parts[-1]}" does not exist, skipping'))
        return Result("ALTER TABLE")
    if which.upper() in ("ALL", "USER") and not which.startswith('"'):
        targets = list(t.triggers)
    else:
        name = which[1:-1].replace('""', '"') if which.startswith('"') else which.lower()
        found = next((x for x in t.triggers if x.name == name), None)
        if found is None:
            raise SqlError("42704", f'trigger "{name}" for table "{t.name}" does not exist')
        targets = [found]
    for trig in targets:
        clones = clones_of(d.cat, t, trig)
        trig.enabled = state
        for child, clone in clones:
            clone.enabled = state
            d.cat.put(child)
    d.cat.put(t)
    return Result("ALTER TABLE")
