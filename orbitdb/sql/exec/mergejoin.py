"""Merge join: both inputs arrive ordered on the join keys (a primary-key or index scan read in key
order, or a Sort below), and equal keys are matched by walking the two in step. The inner side is
read one run of equal keys at a time; every outer row with that key is joined with the whole run
(so duplicate keys on both sides make their cross product). NULL keys match nothing: such rows
are only padded with NULLs by the outer kinds. Keys compare as the sort that ordered them does
(normalised by the type's sort key), so the walk and the order of its inputs cannot disagree; a
key found out of order on the way raises an internal error (a safety net: the planner merges
only inputs it knows to be ordered)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.exec.plans import Join, Plan, Sort, _parenthesized_and
from orbitdb.sql.expr.scope import ScopeColumn
from orbitdb.sql.spill import TupleStore, statement_spill

Row = tuple[Any, ...]
Fn = Callable[[Row], Any]
KeyFn = Callable[[Row], Any]  # a row's key (a value, or a tuple of them), None when one is NULL
RUN_IN_LIST = 4096  # a run of equal inner keys longer than this goes to a tuple store (work_mem)


def merge_key(fns: list[Fn], normalisers: list[Callable[[Any], Any] | None]) -> KeyFn:
    """A row's merge key: one value for one key column, a tuple for several; None when a key is NULL."""
    if len(fns) == 1:
        f, norm = fns[0], normalisers[0]
        if norm is None:
            return f

        def one(row: Row) -> Any:
            v = f(row)
            return None if v is None else norm(v)

        return one
    pairs = list(zip(fns, normalisers))

    def many(row: Row) -> Any:
        out = []
        for f, norm in pairs:
            v = f(row)
            if v is None:
                return None
            out.append(v if norm is None else norm(v))
        return tuple(out)

    return many


class MergeSort(Sort):
    """A Sort below a merge join, shown with its keys as PostgreSQL shows them."""

    def __init__(self, child: Plan, keys: list[tuple[Fn, bool, bool, Any]], key_sql: list[object]) -> None:
        super().__init__(child, keys)
        self.key_sql = key_sql

    def explain(self) -> list[tuple[str, list[Plan]]]:
        return [("Sort", []), ("Sort Key: " + ", ".join(str(k) for k in self.key_sql), [self.child])]


def _out_of_order() -> SqlError:
    return SqlError("XX000", "merge join input is not ordered on its join key")


class MergeJoin(Join):
    """A Join whose rows come from merging its two ordered inputs (kinds inner, left, right, full).
    hash_keys stay the plain key functions (the batch aggregate reads them as a Join's);
    lkey/rkey are the merge keys, merge_sql the text of EXPLAIN's Merge Cond."""

    def __init__(self, left: Plan, right: Plan, kind: str, cond: Fn | None, level: int,
                 keys: tuple[list[Fn], list[Fn]], normalisers: list[Callable[[Any], Any] | None],
                 right_width: int, left_width: int, merge_sql: list[object], filter_sql: list[object]) -> None:
        super().__init__(left, right, kind, cond, level, False, keys, right_width, left_width, merge_sql, filter_sql)
        self.hash = None
        self.lkey = merge_key(keys[0], normalisers)
        self.rkey = merge_key(keys[1], normalisers)
        self.orders: list[list[ScopeColumn]] = []  # the column lists its rows come ordered by (planner's)

    def rows(self, ctx: ExecContext) -> Iterator[Row]:
        kind, cond, lkey, rkey = self.kind, self.cond, self.lkey, self.rkey
        pad_left = kind in ("left", "full")  # outer rows without a match are kept
        pad_right = kind in ("right", "full")
        nulls_l, nulls_r = (None,) * self.lw, (None,) * self.rw
        inner = iter(self.right.rows(ctx))
        spill = statement_spill(ctx)
        # the current run of equal inner keys: its key, rows and (for right/full) matched flags
        run_key: Any = None
        run: list[Row] | TupleStore = []
        matched = bytearray()
        ahead: Row | None = None  # the first inner row past the current run
        ahead_key: Any = None
        done = False  # the inner side is exhausted (ahead holds nothing)
        last: Any = None  # the previous non-NULL inner key, to catch an input out of order
        n = 0

        def unmatched_run() -> Iterator[Row]:
            for j, rr in enumerate(run):
                if not matched[j]:
                    yield nulls_l + rr

        def next_run() -> Iterator[Row]:
            """Reads the next run of equal non-NULL inner keys into run (NULL-keyed inner rows
            on the way are padded for right/full joins); run_key None: the inner side is done."""
            nonlocal run_key, run, matched, ahead, ahead_key, done, last
            if isinstance(run, TupleStore):
                run.close()
            run, run_key = [], None
            while not done:
                if ahead is None:
                    rr = next(inner, None)
                    if rr is None:
                        done = True
                        break
                    k = rkey(rr)
                else:
                    rr, k, ahead = ahead, ahead_key, None
                if k is None:
                    if pad_right:
                        yield nulls_l + rr
                    continue
                if run_key is None:
                    if last is not None and k < last:
                        raise _out_of_order()
                    run_key = last = k
                    run.append(rr)
                elif k == run_key:
                    run.append(rr)
                    if isinstance(run, list) and len(run) > RUN_IN_LIST:
                        store = TupleStore(spill, spill.work_mem)
                        for x in run:
                            store.append(x)
                        run = store
                else:
                    ahead, ahead_key = rr, k
                    break
            if pad_right:
                matched = bytearray(len(run))

        try:
            yield from next_run()
            prev: Any = None
            for lr in self.left.rows(ctx):
                n += 1
                if n & 4095 == 0:
                    ctx.check()
                k = lkey(lr)
                if k is None:
                    if pad_left:
                        yield lr + nulls_r
                    continue
                if prev is not None and k < prev:
                    raise _out_of_order()
                prev = k
                while run_key is not None and run_key < k:
                    if pad_right:
                        yield from unmatched_run()
                    yield from next_run()
                if run_key is None and not pad_left:
                    break  # no inner key left to match: the rest of the outer side adds nothing
                found = False
                if run_key is not None and run_key == k:
                    for j, rr in enumerate(run):
                        n += 1
                        if n & 4095 == 0:
                            ctx.check()  # one outer row may meet a long run: a cancel still lands
                        row = lr + rr
                        if cond is None or cond(row) is True:
                            found = True
                            if pad_right:
                                matched[j] = 1
                            yield row
                if not found and pad_left:
                    yield lr + nulls_r
            if pad_right:
                while run_key is not None:
                    yield from unmatched_run()
                    yield from next_run()
        finally:
            if isinstance(run, TupleStore):
                run.close()

    def explain(self) -> list[tuple[str, list[Plan]]]:
        kind = {"inner": "", "cross": "", "left": "Left ", "right": "Right ", "full": "Full "}[self.kind]
        entries: list[tuple[str, list[Plan]]] = [(f"Merge {kind}Join", [])]
        entries.append((f"Merge Cond: {_parenthesized_and(self.hash_sql)}", []))
        if self.filter_sql:
            entries.append((f"Join Filter: {_parenthesized_and(self.filter_sql)}", []))
        last, _ = entries[-1]
        entries[-1] = (last, [self.left, self.right])
        return entries
