"""Data-modifying statements in WITH: `WITH x AS (INSERT|UPDATE|DELETE ... RETURNING ...)` before
a SELECT, INSERT, UPDATE or DELETE. As in PostgreSQL, each sub-statement runs exactly once and to
completion, whether or not it is read, its RETURNING rows are what the rest of the statement reads
under its name, and every part works on the same snapshot: the main statement does not see the
rows its WITH queries changed (nor do they see each other's changes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.exec.plans import WorkTableScan
from orbitdb.sql.exec.rowstream import QueryRows
from orbitdb.sql.expr.core import Runtime, ident
from orbitdb.sql.expr.scope import ScopeColumn
from orbitdb.sql.modify.dml import compile_dml_on
from orbitdb.sql.plan.compiled import Compiled, CompiledQuery
from orbitdb.sql.plan.planner import CTEInfo, Planner, _plan_ids, unique_cte_name
from orbitdb.sql.result import Result

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session

_DML = (exp.Insert, exp.Update, exp.Delete)


def has_dml_cte(node: exp.Expression) -> bool:
    with_ = node.args.get("with_") or node.args.get("with")
    return with_ is not None and any(isinstance(c.this, _DML) for c in with_.expressions)


def check_nested(node: exp.Expression) -> None:
    """PostgreSQL allows a data-modifying WITH only at the top level of a statement."""
    for w in node.find_all(exp.With):
        if w.parent is node:
            continue
        if any(isinstance(c.this, _DML) for c in w.expressions):
            raise SqlError("0A000", "WITH clause containing a data-modifying statement must be at the top level")


def _check_returning(node: exp.Expression, silent: set[str]) -> None:
    """silent: the WITH queries that have no RETURNING, which nothing may read."""
    for t in node.find_all(exp.Table):
        name = ident(t.this) if isinstance(t.this, exp.Identifier) else ""
        if name in silent and not t.args.get("db"):
            raise SqlError("0A000", f'WITH query "{name}" does not have a RETURNING clause')


class _Part:
    """One statement of the WITH list (or the main one) and the tables it writes and reads."""

    def __init__(self, compiled: Compiled, key: int | None, writes: set[int], reads: set[int]) -> None:
        self.compiled = compiled
        self.key = key
        self.writes = writes
        self.reads = reads


class CompiledWithDml(Compiled):
    def __init__(self, session: Session, node: exp.Expression, rt: Runtime,
                 locks: dict[int, int] | None = None) -> None:
        """locks: where the relation locks of every part are recorded (the caller's planner's)."""
        self.rt = rt
        with_ = node.args.get("with_") or node.args.get("with")
        assert with_ is not None
        for cte in with_.expressions:
            check_nested(cte.this)
        main_node = node.copy()
        main_node.set("with_" if "with_" in node.args else "with", None)
        check_nested(main_node)
        recursive = bool(with_.args.get("recursive"))
        ctes: dict[str, CTEInfo] = {}
        self.parts: list[_Part] = []
        silent: set[str] = set()
        locks = locks if locks is not None else {}
        seen: set[str] = set()
        for cte in with_.expressions:
            alias = cte.args["alias"]
            name = unique_cte_name(cte, seen)
            planner = Planner(session, session.catalog(), rt)
            if isinstance(cte.this, _DML):
                part = self._compile_dml(planner, cte.this, rt, ctes, silent)
                cols = [ident(c) for c in alias.columns] if alias.columns else []
                info = CTEInfo(name, cte.this, cols, key=next(_plan_ids))
                out = part.compiled.columns
                first = getattr(part.compiled, "parts", [part.compiled])[:1]
                if out is not None and first:
                    types = first[0].returning[2]
                    info.out = planner._rename([ScopeColumn(name, c.name, t) for c, t in zip(out, types)], cols, name)
                    info.plan = WorkTableScan(info.out, info.key, name)
                else:
                    info.out = []
                    info.plan = WorkTableScan([], info.key, name)
                    silent.add(name)
                part.key = info.key
                self.parts.append(part)
                ctes[name] = info
            else:
                silent.discard(name)
                _check_returning(cte.this, silent)
                planner._add_ctes(exp.With(expressions=[cte], recursive=recursive), None, ctes)
            for oid, mask in planner.relation_locks.items():
                locks[oid] = locks.get(oid, 0) | mask
        planner = Planner(session, session.catalog(), rt)
        if isinstance(main_node, _DML):
            main = self._compile_dml(planner, main_node, rt, ctes, silent)
        else:
            _check_returning(main_node, silent)
            query = CompiledQuery(planner.plan_query(main_node, None, ctes), rt)
            main = _Part(query, None, set(), set(planner.tables_used))
        for oid, mask in planner.relation_locks.items():
            locks[oid] = locks.get(oid, 0) | mask
        self.main = main
        self.columns = main.compiled.columns
        self.relation_locks = tuple(locks.items())
        every = self.parts + [main]
        # the parts must be kept from seeing each other's writes only when one writes a table another uses
        self.isolate = any(p.writes & (q.writes | q.reads) for p in every for q in every if p is not q)

    @staticmethod
    def _compile_dml(planner: Planner, node: exp.Expression, rt: Runtime, ctes: dict[str, CTEInfo],
                     silent: set[str]) -> _Part:
        _check_returning(node, silent)
        compiled = compile_dml_on(planner, node, rt, ctes)
        parts = getattr(compiled, "parts", [compiled])  # (a partitioned table: one statement per partition)
        return _Part(compiled, None, {p.table.oid for p in parts}, set(planner.tables_used))

    def run(self, ctx: ExecContext) -> Result:
        txn = ctx.txn
        assert txn is not None
        deltas: list[dict[bytes, tuple[Any, Any]]] = []
        result: Result | None = None
        try:
            for part in self.parts + [self.main]:
                mark = txn.start_delta() if self.isolate else None
                try:
                    res = part.compiled.run(ctx)
                    if part is self.main:
                        if self.isolate and isinstance(res.rows, QueryRows):
                            # the main query reads before the WITH queries' writes come back
                            res.rows = QueryRows(iter(list(res.rows)), res.rows.rt, res.rows.ctx)
                        result = res
                    else:
                        ctx.cte_results[part.key] = list(res.rows)  # type: ignore[index]
                finally:
                    if mark is not None:
                        deltas.append(txn.take_delta(mark))
        finally:
            txn.clear_pending()
        for delta in deltas:
            if not txn.apply_delta(delta):
                raise SqlError("0A000", "a row changed by a data-modifying WITH query cannot be changed again "
                               "by the same statement")
        assert result is not None
        return result
