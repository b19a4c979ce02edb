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
from functools import cmp_to_key
from typing import Any

from orbitdb.sql.interrupts import checked_cmp, sort_list
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


def sort_in_memory(rows: list[Row], keys: list[SortKey], check: Callable[[], None] | None = None) -> list[Row]:
    """The rows in key order, stably; check() runs between steps of a long sort (interrupts)."""
    check = check or _no_check
    if len(keys) == 1:
        f, desc, nulls_first, kf = keys[0]
        present = []
        nulls = []
        for n, r in enumerate(rows):
            if n & 4095 == 4095:
                check()
            v = f(r)
            if v is None:
                nulls.append(r)
            else:
                present.append((v if kf is None else kf(v), r))
        present = sort_list(present, lambda p: p[0], desc, check)
        out = [r for _, r in present]
        return nulls + out if nulls_first else out + nulls
    decorated = [([f(r) for f, _, _, _ in keys], r) for r in rows]

    def cmp(a: Any, b: Any) -> int:
        for i, (_, desc, nulls_first, kf) in enumerate(keys):
            x, y = a[0][i], b[0][i]
            if x is None or y is None:
                if x is None and y is None:
                    continue
                return (-1 if x is None else 1) * (1 if nulls_first else -1)
            if kf is not None:
                x, y = kf(x), kf(y)
            if x == y:
                continue
            r = -1 if x < y else 1
            return -r if desc else r
        return 0

    decorated.sort(key=cmp_to_key(checked_cmp(cmp, check)))
    return [r for _, r in decorated]


class ExternalSort:
    """Collects rows, then gives them back sorted: in memory while they fit in `limit` bytes,
    else through sorted runs in a temporary file and a merge."""

    def __init__(self, spill: StatementSpill, keys: list[SortKey], limit: int,
                 check: Callable[[], None] | None = None, shared_file: SpillFile | None = None) -> None:
        self.spill = spill
        self.keys = keys
        self.limit = limit
        self.check = check
        self.meter = Meter(limit)
        self.rows: list[Row] = []
        self.runs: list[Run] = []
        self.file: SpillFile | None = shared_file
        self._owns_file = shared_file is None  # else runs go to a file the caller shares and closes
        self._key = merge_key(keys)
        self._nkeys = len(keys)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        if self.meter.add(row):
            self._write_run()

    def extend(self, rows: Iterable[Row]) -> None:
        for row in rows:
            self.add(row)

    def _block_target(self) -> int:
        return max(MIN_BLOCK_BYTES, min(BLOCK_BYTES, self.limit // 8))

    def _decorated_sorted(self, rows: list[Row]) -> list[tuple[Any, ...]]:
        """(key values..., row values...) rows, sorted (the key values are computed once)."""
        fns = [k[0] for k in self.keys]
        decorated = [tuple([f(r) for f in fns]) + r for r in rows]
        n = self._nkeys
        key = self._key
        return sort_list(decorated, lambda d: key(d[:n]), False, self.check or _no_check)

    def write_run(self) -> None:
        """Writes the rows held as one sorted run (the caller needs the memory)."""
        if self.rows:
            self._write_run()

    def _write_run(self) -> None:
        if self.check is not None:
            self.check()
        if self.file is None:
            self.file = self.spill.create()
        run = Run(self.file, self._block_target())
        run.extend(self._decorated_sorted(self.rows))
        run.flush()
        self.runs.append(run)
        self.rows = []
        self.meter.reset()

    @property
    def spilled(self) -> bool:
        return bool(self.runs)

    def sorted(self) -> Iterator[Row]:
        """The rows in order (once); the temporary file goes when they are all read or closed."""
        if not self.runs:
            rows, self.rows = self.rows, []
            yield from sort_in_memory(rows, self.keys, self.check)
            return
        try:
            tail = self._decorated_sorted(self.rows)
            self.rows = []
            runs: list[Iterable[tuple[Any, ...]]] = list(self.runs)
            fan_in = max(2, self.limit // self._block_target() - 1)
            while len(runs) + 1 > fan_in:
                runs = self._merge_pass(runs, fan_in)
            n = self._nkeys
            for d in self._merge(runs + [tail]):
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
            if self.check is not None:
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
        self.rows = []
        self.runs = []
        if self.file is not None:
            if self._owns_file:
                self.file.close()
            self.file = None


class _Kept:
    """A row kept by top_sorted, ordered worst first (the heap's root is the row to drop)."""

    __slots__ = ("key", "row", "seq")

    def __init__(self, key: list[tuple[int, Any]], seq: int, row: Row) -> None:
        self.key = key
        self.seq = seq
        self.row = row

    def __lt__(self, other: _Kept) -> bool:
        return (other.key, other.seq) < (self.key, self.seq)


def top_sorted(spill: StatementSpill, keys: list[SortKey], n: int, rows: Iterable[Row],
               check: Callable[[], None] | None = None) -> Iterator[Row]:
    """The first n rows in key order (ORDER BY ... LIMIT n), holding n rows at most: a heap whose
    root is the worst row kept. When n rows outgrow work_mem, the rows kept and those still to come
    go through a full external sort (a row dropped was beaten by n others: it cannot come back)."""
    if n <= 0:
        return
    mk = merge_key(keys)
    fns = [k[0] for k in keys]
    heap: list[_Kept] = []
    meter = Meter(spill.work_mem)
    source = iter(rows)
    for seq, r in enumerate(source, 1):
        if check is not None and not seq & 4095:
            check()
        kept = _Kept(mk(tuple([f(r) for f in fns])), seq, r)
        if len(heap) < n:
            heapq.heappush(heap, kept)
            if meter.add(r):
                yield from _sort_rest(spill, keys, n, heap, source, check)
                return
        elif kept.key < heap[0].key:
            heapq.heapreplace(heap, kept)
    heap.sort(key=lambda k: (k.key, k.seq))
    for k in heap:
        yield k.row


def _sort_rest(spill: StatementSpill, keys: list[SortKey], n: int, heap: list[_Kept], rest: Iterator[Row],
               check: Callable[[], None] | None) -> Iterator[Row]:
    sorter = ExternalSort(spill, keys, spill.work_mem, check)
    try:
        heap.sort(key=lambda k: k.seq)
        for k in heap:
            sorter.add(k.row)
        heap.clear()
        for r in rest:
            sorter.add(r)
        for i, r in enumerate(sorter.sorted()):
            if i >= n:
                return
            yield r
    finally:
        sorter.close()
