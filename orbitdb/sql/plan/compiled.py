"""Compiled statements: a query or DML statement analysed once and run many
times with new parameters (the plan cache holds these)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.rowstream import QueryRows
from orbitdb.sql.expr.compiler import MAX_PARAMETERS, Runtime
from orbitdb.sql.parse.parser import Statement, parse_one
from orbitdb.sql.plan.planner import Output, Planner
from orbitdb.sql.plan.scope import ExecContext
from orbitdb.sql.session.result import Column, Result
from orbitdb.sql.types import UNKNOWN as _UNKNOWN
from orbitdb.storage.lockmodes import ACCESS_SHARE
from orbitdb.storage.locks import GRANTED_AFTER_WAIT

if TYPE_CHECKING:
    from typing_extensions import Self

    from orbitdb.sql.session.session import Session


class Compiled:
    columns: list[Column] | None
    rt: Runtime
    relation_locks: tuple[tuple[int, int], ...] = ()  # (oid, mask of lock modes) taken before each run
    # a run reads the database in one engine call (a primary-key lookup and nothing else), so an
    # autocommitted run needs no snapshot
    reads_once = False

    def run(self, ctx: ExecContext) -> Result:
        raise NotImplementedError

    def run_many(self, ctx: ExecContext, param_rows: list[list[Any]], types: list[Any]) -> int:
        """executemany: runs the statement for the first parameter rows as one batch where it
        can; how many rows it ran (the caller runs the rest one by one)."""
        return 0


class CompiledQuery(Compiled):
    def __init__(self, out: Output, rt: Runtime) -> None:
        from orbitdb.sql.session.session import column_of

        self.out = out
        self.rt = rt
        self.columns = [column_of(c.name, c.type, c.table_oid, c.attnum) for c in out.columns]
        self.reg_columns = [(i, c.type.oid) for i, c in enumerate(out.columns) if c.type.oid in _REG_OIDS]

    def run(self, ctx: ExecContext) -> Result:
        """The rows are produced as they are read (see rowstream.py); the tag gets its count
        when they are exhausted."""
        rows = iter(self.out.plan.rows(ctx))
        if self.reg_columns:
            rows = _reg_names(rows, self.reg_columns)
        return Result("SELECT", self.columns, QueryRows(rows, self.rt, ctx))  # type: ignore[arg-type]


_OVERRIDING = re.compile(r"\bOVERRIDING\s+(SYSTEM|USER)\s+VALUE\b", re.IGNORECASE)


_REG_OIDS = (2205, 2206, 4089, 4096, 24, 2202)


class RegName(int):
    """A regclass/regtype... value: an oid that prints as the object's name."""

    name: str

    def __new__(cls, oid: int, name: str) -> Self:
        o = int.__new__(cls, oid)
        o.name = name
        return o

    def __str__(self) -> str:
        return self.name


def _reg_names(rows: Iterator[tuple[Any, ...]], cols: list[tuple[int, int]]) -> Iterator[tuple[Any, ...]]:
    from orbitdb.sql.types.casts import reg_to_text

    for r in rows:
        lst = list(r)
        for i, oid in cols:
            v = lst[i]
            if v is not None and not isinstance(v, RegName):
                lst[i] = RegName(v, reg_to_text(v, oid))
        yield tuple(lst)


def compile_statement(session: Session, st: Statement, rt: Runtime) -> Compiled:
    text = st.text
    overriding = None
    if st.kind == "INSERT":
        m = _OVERRIDING.search(text)
        if m:
            # sqlglot does not know the clause: take it out and tell the INSERT
            overriding = m.group(1).upper()
            text = text[: m.start()] + text[m.end():]
    node = parse_one(text)
    if _LARGE_PARAMETER.search(text):
        _check_parameter_numbers(node, rt)
    if overriding is not None:
        from orbitdb.sql.exec.dml import compile_dml

        planner = Planner(session, session.catalog(), rt)
        compiled = compile_dml(planner, node, rt, overriding=overriding)
        compiled.relation_locks = tuple(planner.relation_locks.items())
        return compiled
    return compile_node(session, node, rt)


_LARGE_PARAMETER = re.compile(r"\$0*[1-9]\d{5}")


def _check_parameter_numbers(node: exp.Expression, rt: Runtime) -> None:
    """A parameter beyond what a Bind can carry: PostgreSQL's answer for a statement whose
    parameters cannot all be typed (the first of $1..$n neither given a type nor named), before
    the compiler makes room for n of them."""
    named = set()
    for p in node.find_all(exp.Parameter):
        ref = p.this.name if isinstance(p.this, exp.Expression) else p.this
        if str(ref).isdigit():
            named.add(int(ref))
    top = max(named, default=0)
    if top <= MAX_PARAMETERS:
        return
    if rt.param_count is not None:
        raise SqlError("42P02", f"there is no parameter ${top}")
    known = {i + 1 for i, t in enumerate(rt.param_types) if t.oid != _UNKNOWN.oid}
    first = next((i for i in range(1, top + 1) if i not in named and i not in known), None)
    if first is None:
        raise SqlError("54000", f"statement has {top} parameters, more than the {MAX_PARAMETERS} a Bind can carry")
    raise SqlError("42P18", f"could not determine data type of parameter ${first}")


def compile_node(session: Session, node: exp.Expression, rt: Runtime, freeze_stars: bool = False) -> Compiled:
    """freeze_stars: rewrite node's SELECT * lists into the columns they stand for (CREATE VIEW)."""
    planner = Planner(session, session.catalog(), rt)
    planner.freeze_stars = freeze_stars
    compiled = _compile_with(planner, session, node, rt)
    compiled.relation_locks = tuple(planner.relation_locks.items())
    return compiled


def _compile_with(planner: Planner, session: Session, node: exp.Expression, rt: Runtime) -> Compiled:
    if isinstance(node, (exp.Select, exp.Union, exp.Intersect, exp.Except, exp.Values, exp.Subquery)):
        if isinstance(node, exp.Select) and node.args.get("into") is not None:
            from orbitdb.sql.ddl.commands import select_into

            return select_into(session, node, rt)
        out = planner.plan_query(node)
        query = CompiledQuery(out, rt)
        query.reads_once = _reads_once(planner)
        return query
    if isinstance(node, (exp.Insert, exp.Update, exp.Delete)):
        from orbitdb.sql.exec.dml import compile_dml

        return compile_dml(planner, node, rt)
    if isinstance(node, exp.Table):
        out = planner.plan_query(exp.select("*").from_(node))
        return CompiledQuery(out, rt)
    raise SqlError("0A000", f"statement not supported: {node.sql(dialect='postgres')[:60]}")


_READ_ONLY = 1 << ACCESS_SHARE


def _reads_once(planner: Planner) -> bool:
    """Whether the planned query reads table data in one engine call: one table scan in the
    whole statement (subqueries, CTEs and views included), a primary-key point lookup, and no
    row locks (FOR UPDATE takes ROW SHARE)."""
    return (len(planner.scans) == 1 and planner.scans[0].mode == "pk_point"
            and all(mask == _READ_ONLY for mask in planner.relation_locks.values()))


def take_relation_locks(compiled: Compiled, ctx: ExecContext, single_statement: bool = False) -> bool:
    """Takes the relation locks a run of compiled needs; True if the catalog changed
    meanwhile (DDL committed while we waited), so the statement should be compiled again.
    A statement that is its own transaction skips the ACCESS SHARE lock of a plain read when
    nobody holds or awaits any lock on the relation: its snapshot and catalog were taken
    together, and the lock would only make a later DDL wait for it (the one difference: DDL
    may start while such a SELECT runs, which in PostgreSQL would wait for it). A statement
    that waited for a lock renews its READ COMMITTED snapshot."""
    txn = ctx.txn
    if txn is None:
        return False
    waited = False
    locks = txn.store.locks
    for oid, mask in compiled.relation_locks:
        if single_statement and mask == _READ_ONLY and locks.is_free(("rel", oid)):
            continue
        mode = 1
        mask >>= 1
        while mask:
            if mask & 1 and txn.lock_relation(oid, mode) == GRANTED_AFTER_WAIT:
                waited = True
            mask >>= 1
            mode += 1
    if waited:
        return txn.renew_snapshot()
    return txn.settle_statement(single_statement and compiled.reads_once)


def run_node(session: Session, node: exp.Expression, ctx: ExecContext, params: list[Any]) -> Result:
    rt = Runtime([])
    c = compile_node(session, node, rt)
    rt.ctx = ctx
    take_relation_locks(c, ctx)
    return c.run(ctx)
