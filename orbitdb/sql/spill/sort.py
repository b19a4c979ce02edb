"""ORDER BY under work_mem: rows are sorted in memory while they fit; past that, each memory-full
is sorted and written as a run, and the runs are merged (several passes when there are more runs
than blocks fit in work_mem). Sorting is stable, runs are merged in the order they were made and
ties go to the earlier run, so the order is the one a sort in memory gives.

Sort keys are (value function, descending, nulls first, key normaliser), as the planner makes
them; the key values are computed once per row and written beside it, so a volatile key
(ORDER BY random()) is not computed again at the merge."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter
from typing import Any

from orbitdb.sql.interrupts import sort_list
from orbitdb.sql.spill.files import SpillFile, StatementSpill
from orbitdb.sql.spill.memory import Meter
from orbitdb.sql.spill.store import BLOCK_BYTES, MIN_BLOCK_BYTES, Run

Row = tuple[Any, ...]
SortKey = tuple[Callable[[Row], Any], bool, bool, Any]


class _Desc:
    """Reverses the order of a value (a descending key in a merge key)."""

    __slots__ = ("v",)

    def __init__(self, v: Any) -> None:
        self.v = v

    def __lt__(self, other: _Desc) -> bool:
        return other.v < self.v

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Desc) and self.v == other.v

    __hash__ = None  # type: ignore[assignment]


def merge_key(keys: list[SortKey]) -> Callable[[tuple[Any, ...]], list[tuple[int, Any]]]:
    """A key of the key values (as written beside a row) that orders as the sort does: NULLs
    first or last by their own flag, descending keys reversed."""
    specs = [(desc, 0 if nulls_first else 2, kf) for _, desc, nulls_first, kf in keys]

    def key(kv: tuple[Any, ...]) -> list[tuple[int, Any]]:
        out = []
        for (desc, null_rank, kf), v in zip(specs, kv):
            if v is None:
                out.append((null_rank, None))
            else:
                if kf is not None:
                    v = kf(v)
                out.append((1, _Desc(v) if desc else v))
        return out

    return key


def _no_check() -> None:
    pass


def sort_decorated(items: list[tuple[Any, ...]], keys: list[SortKey], check: Callable[[], None]) -> list[tuple[Any, ...]]:
    """Rows that start with their key values (one per sort key), in key order, stably: one stable
    sort per key, the last key first (so each earlier key decides among the later ones' ties),
    NULLs set apart first or last, descending keys by a reversed sort (which keeps ties in order).
    Each pass compares plain values, never a key object made per row."""
    for i in reversed(range(len(keys))):
        _, desc, nulls_first, kf = keys[i]
        present = [d for d in items if d[i] is not None]
        nulls = [d for d in items if d[i] is None] if len(present) < len(items) else []
        items = []
        key = itemgetter(i) if kf is None else (lambda d, i=i, kf=kf: kf(d[i]))
        present = sort_list(present, key, desc, check)
        items = nulls + present if nulls_first else present + nulls
        check()
    return items


def sort_in_memory(rows: list[Row], keys: list[SortKey], check: Callable[[], None] | None = None) -> list[Row]:
    """The rows in key order, stably; check() runs between steps of a long sort (interrupts)."""
    check = check or _no_check
    fns = [k[0] for k in keys]
    n = len(keys)
    if n == 1:
        f = fns[0]
        decorated = [(f(r), r) for r in rows]
    else:
        decorated = [(*[f(r) for f in fns], r) for r in rows]
    return [d[n] for d in sort_decorated(decorated, keys, check)]


class ExternalSort:
    """Collects rows, then gives them back sorted: in memory while they fit in `limit` bytes,
    else through sorted runs in a temporary file and a merge. Rows are held with their key
    values in front (computed once, as they come), and measured so."""

    def __init__(self, spill: StatementSpill, keys: list[SortKey], limit: int,
                 check: Callable[[], None] | None = None, shared_file: SpillFile | None = None) -> None:
        self.spill = spill
        self.keys = keys
        self.limit = limit
        self.check = check or _no_check
        self.meter = Meter(limit, 8 * len(keys) + 16)  # + a slot in each of a sort pass's lists
        self.held: list[tuple[Any, ...]] = []
        self.runs: list[Run] = []
        self.file: SpillFile | None = shared_file
        self._owns_file = shared_file is None  # else runs go to a file the caller shares and closes
        self._key = merge_key(keys)
        self._fns = [k[0] for k in keys]
        self._nkeys = len(keys)

    def add(self, row: Row) -> None:
        d = tuple([f(row) for f in self._fns]) + row
        self.held.append(d)
        if self.meter.add(d):
            self._write_run()

    def add_decorated(self, d: tuple[Any, ...]) -> None:
        """A row with its key values already in front."""
        self.held.append(d)
        if self.meter.add(d):
            self._write_run()

    def extend(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self.add(row)

    def load(self, rows: list[Row]) -> None:
        """Rows collected elsewhere (an aggregate's kept inputs) become the rows held."""
        fns = self._fns
        self.held = [tuple([f(r) for f in fns]) + r for r in rows]

    def _block_target(self) -> int:
        # small blocks: a decoded block takes ~10x its encoded bytes, and the merge's fan-in is the
        # number of decoded blocks work_mem holds (a merge pass fewer is worth more syscalls)
        return max(MIN_BLOCK_BYTES, min(BLOCK_BYTES, self.limit // 1024))

    def write_run(self) -> None:
        """Writes the rows held as one sorted run (the caller needs the memory)."""
        if self.held:
            self._write_run()

    def _write_run(self) -> None:
        self.check()
        if self.file is None:
            self.file = self.spill.create()
        run = Run(self.file, self._block_target())
        held, self.held = self.held, []
        for d in sort_decorated(held, self.keys, self.check):
            run.append(d)
        del held
        run.flush()
        self.runs.append(run)
        self.meter.reset()

    @property
    def spilled(self) -> bool:
        return bool(self.runs)

    def _fan_in(self) -> int:
        """Runs merged at once: a decoded block of each fits in the budget (a block's rows take
        several times their encoded bytes in memory: the ratio is measured)."""
        rows = sum(r.count for r in self.runs)
        encoded = sum(length for r in self.runs for _, length, _ in r.blocks)
        in_memory = (self.meter.average + self.meter.overhead) * rows
        per_block = self._block_target() * max(1.0, in_memory / max(encoded, 1))
        return max(2, int(self.limit // per_block))

    def sorted(self) -> Iterator[Row]:
        """The rows in order (once); the temporary file goes when they are all read or closed."""
        n = self._nkeys
        if not self.runs:
            held, self.held = self.held, []
            done = sort_decorated(held, self.keys, self.check)
            del held
            for d in done:
                yield d[n:]
            return
        try:
            self.write_run()  # the last rows too: the merge has the whole budget for its blocks
            runs: list[Iterable[tuple[Any, ...]]] = list(self.runs)
            fan_in = self._fan_in()
            while len(runs) > fan_in:
                runs = self._merge_pass(runs, fan_in)
            for d in self._merge(runs):
                yield d[n:]
        finally:
            self.close()

    def _merge(self, sources: list[Iterable[tuple[Any, ...]]]) -> Iterator[tuple[Any, ...]]:
        n = self._nkeys
        key = self._key
        return heapq.merge(*sources, key=lambda d: key(d[:n]))

    def _merge_pass(self, runs: list[Iterable[tuple[Any, ...]]], fan_in: int) -> list[Iterable[tuple[Any, ...]]]:
        """Merges consecutive groups of runs into longer runs (order kept: ties stay in run order)."""
        assert self.file is not None
        old = self.file
        if self._owns_file:
            self.file = self.spill.create()
        out: list[Iterable[tuple[Any, ...]]] = []
        for i in range(0, len(runs), fan_in):
            self.check()
            run = Run(self.file, self._block_target())
            for d in self._merge(runs[i:i + fan_in]):
                run.append(d)
            run.flush()
            out.append(run)
        if self._owns_file:
            old.close()
        return out

    def close(self) -> None:
        self.held = []
        self.runs = []
        if self.file is not None:
            if self._owns_file:
                self.file.close()
            self.file = None


TOP_CHUNK = 1024  # rows taken in between two trims of a top-N's candidates to the best n


def top_sorted(spill: StatementSpill, keys: list[SortKey], n: int, rows: Iterable[Row],
               check: Callable[[], None] | None = None) -> Iterator[Row]:
    """The first n rows in key order (ORDER BY ... LIMIT n), holding about n + max(n, TOP_CHUNK)
    rows: the best n so far (sorted) and the rows since, trimmed back to the best n by a stable
    sort whenever they reach that (ties stay in input order: the rows kept came first). When n
    rows outgrow work_mem, the rows kept and those still to come go through a full external sort
    (a row dropped was beaten by n others: it cannot come back)."""
    if n <= 0:
        return
    check = check or _no_check
    fns = [k[0] for k in keys]
    nk = len(keys)
    meter = Meter(spill.work_mem, 8 * nk + 16)
    held: list[tuple[Any, ...]] = []
    trim_at = n + max(n, TOP_CHUNK)
    source = iter(rows)
    for seq, r in enumerate(source, 1):
        if not seq & 4095:
            check()
        d = tuple([f(r) for f in fns]) + r
        held.append(d)
        if meter.add(d) or len(held) >= trim_at:
            held = sort_decorated(held, keys, check)[:n]
            meter.reset()
            meter.count = len(held)
            if meter.over():
                yield from _sort_rest(spill, keys, n, held, source, check)
                return
    for d in sort_decorated(held, keys, check)[:n]:
        yield d[nk:]


def _sort_rest(spill: StatementSpill, keys: list[SortKey], n: int, held: list[tuple[Any, ...]],
               rest: Iterator[Row], check: Callable[[], None]) -> Iterator[Row]:
    """The external sort of the rows kept (in key order: their ties already in input order) and
    those to come, their key values kept as computed (a volatile key is not computed again)."""
    sorter = ExternalSort(spill, keys, spill.work_mem, check)
    try:
        for d in held:
            sorter.add_decorated(d)
        held.clear()
        for r in rest:
            sorter.add(r)
        for i, r in enumerate(sorter.sorted()):
            if i >= n:
                return
            yield r
    finally:
        sorter.close()
