"""Foreign key checks made after the row write that calls for them. DEFERRABLE INITIALLY DEFERRED
(or SET CONSTRAINTS ... DEFERRED): the check a row write would make is queued and made at COMMIT
(or when SET CONSTRAINTS ... IMMEDIATE names the constraint), as PostgreSQL's referential-integrity
triggers are. Otherwise a check that fails when the row is written is made again when the
statement ends, where PostgreSQL makes it (a statement may insert a child before its parent, or
delete rows that reference each other). A queued check looks at the row
as it is then: a referencing row deleted or changed since needs no check (its change queued its
own), a deleted referenced key that came back is no violation."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.modify.constraint_modes import deferred
from orbitdb.storage.catalog import ConstraintDef, TableDef

if TYPE_CHECKING:
    from orbitdb.sql.modify.constraints import TableWriter


def is_deferred(ctx: ExecContext, con: ConstraintDef) -> bool:
    if not con.deferrable:
        return False
    return deferred(ctx.session, con)


def _current_key(ctx: ExecContext, key: bytes) -> bytes:
    """Where the row at key is now: an UPDATE of its primary key moved it."""
    moved = ctx.txn.moved if ctx.txn is not None else {}
    seen: set[bytes] = set()
    while key in moved and key not in seen:
        seen.add(key)
        key = moved[key]
    return key


def queue_child_check(ctx: ExecContext, writer: TableWriter, con: ConstraintDef, parent: TableDef,
                      ccols: list[int], pcols: list[int], key: bytes, vals: list[Any], at_commit: bool = True) -> None:
    """The row at key (of writer's table) must find its parent row by vals at COMMIT (at_commit)
    or when the statement ends (a parent the same statement writes later: PostgreSQL's
    referential checks are AFTER triggers)."""

    def check(c: ExecContext) -> None:
        assert c.txn is not None
        row = writer.access.latest(c.txn, _current_key(c, key))
        if row is None or [row[i] for i in ccols] != vals:
            return
        if not writer._parent_exists(c, parent, pcols, vals):
            raise SqlError("23503", f'insert or update on table "{writer.table.name}" violates foreign key '
                           f'constraint "{con.name}"',
                           detail=writer.key_detail(ccols, row) + f' is not present in table "{parent.name}".',
                           schema=writer.table.schema, table=writer.table.name, constraint=con.name)

    _queue(ctx, con, check, at_commit)


def queue_parent_check(ctx: ExecContext, writer: TableWriter, con: ConstraintDef, child: TableDef,
                       ccols: list[int], pcols: list[int], old: tuple[Any, ...], at_commit: bool = True,
                       no_action: bool = True) -> None:
    """The key old held in writer's table (deleted or changed) must, at COMMIT (at_commit) or
    when the statement ends, be referenced by no row of child, unless a row holds that key
    again (NO ACTION; RESTRICT does not look)."""
    old_vals = [old[i] for i in pcols]

    def check(c: ExecContext) -> None:
        if no_action and writer._parent_exists(c, writer.table, pcols, old_vals):
            return
        for _key, _row in writer._referencing(c, child, ccols, old_vals):
            raise SqlError("23503", f'update or delete on table "{writer.table.name}" violates foreign key '
                           f'constraint "{con.name}" on table "{child.name}"',
                           detail=writer.key_detail(pcols, old) + f' is still referenced from table '
                           f'"{child.name}".', schema=child.schema, table=child.name, constraint=con.name)

    _queue(ctx, con, check, at_commit)


def _queue(ctx: ExecContext, con: ConstraintDef, check: Callable[[ExecContext], None], at_commit: bool) -> None:
    if at_commit:
        ctx.session.deferred_trigger_events.append((con, check))
    else:
        ctx.session.trigger_events.append(check)


def fk_deferral(ref: exp.Reference) -> tuple[bool, bool]:
    """(DEFERRABLE, INITIALLY DEFERRED) from a REFERENCES clause's options."""
    return options_deferral(ref.args.get("options") or [])


def options_deferral(options: list[Any]) -> tuple[bool, bool]:
    """(DEFERRABLE, INITIALLY DEFERRED) from a constraint's options, as PostgreSQL's grammar
    reads them: INITIALLY DEFERRED alone implies DEFERRABLE."""
    deferrable: bool | None = None
    initially: bool | None = None
    for opt in options:
        text = " ".join((opt if isinstance(opt, str) else opt.sql(dialect="postgres")).upper().split())
        for word in ("NOT DEFERRABLE", "DEFERRABLE", "INITIALLY DEFERRED", "INITIALLY IMMEDIATE"):
            if not (text == word or text.startswith(word + " ")):
                continue
            text = text[len(word):].strip()
            if word.endswith("DEFERRABLE"):
                if deferrable is not None:
                    raise SqlError("42601", "multiple DEFERRABLE/NOT DEFERRABLE clauses not allowed")
                deferrable = word == "DEFERRABLE"
            else:
                if initially is not None:
                    raise SqlError("42601", "multiple INITIALLY IMMEDIATE/DEFERRED clauses not allowed")
                initially = word == "INITIALLY DEFERRED"
    if initially and deferrable is False:
        raise SqlError("42601", "constraint declared INITIALLY DEFERRED must be DEFERRABLE")
    return bool(deferrable or initially), bool(initially)
