"""A transaction's own writes, kept compact: key -> value bytes, or None for a deletion, read
back in key order.

The newest writes sit in a plain dict; their keys are sorted only when a range read needs them
in order (and then only the keys added since, merged into the sorted list), and once more when
they are frozen. Past RECENT_ENTRIES they are frozen into sorted runs (orbitdb/storage/_runs.pyx):
the keys in a list, the values end to end in one buffer with their end offsets, so that a row
costs its bytes and a few words instead of two Python objects and a dict entry (a 50 MB COPY
holds about 1.4 times its encoded rows, not 2.5). Runs are grouped by key prefix (the table or
index a key belongs to); writes in increasing key order (a COPY, serial keys) extend the last
run of their prefix, others start a new run, merged with the previous one when they grow to a
similar size, so a prefix has a few runs and a lookup a few bisections. A commit reads every
write back in key order, the runs of each prefix merged in one C loop.

Newer writes shadow older ones. A write taken back by a rollback to a savepoint leaves an
UNWRITTEN marker where an older run holds the key.

Range deletions (a dropped or truncated table: every key in [start, stop)) are kept as ranges,
not as a deletion per key: the writes of ours they cover leave the set, and a key in a range
that is not written again reads as deleted. A commit writes the ranges before the writes (which
all came after them), so the engine records one range deletion per range."""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Iterator

from orbitdb.storage._runs import DELETED as _DELETED
from orbitdb.storage._runs import UNWRITTEN as _UNWRITTEN
from orbitdb.storage._runs import VALUE as _VALUE
from orbitdb.storage._runs import Run, build, lookup, merged, merged_items

RECENT_ENTRIES = 32768  # writes kept as Python objects before they are frozen into a run
_PREFIX = 5  # a kind byte and an oid: the keys of one table or one index
_UNWRITTEN_MARK = object()  # in the recent writes: the key is not written, whatever older runs say
_MISSING = object()


class WriteSet:
    """Key -> bytes (a value) or None (a deletion), in key order."""

    def __init__(self) -> None:
        self._recent: dict[bytes, object] = {}
        self._sorted: list[bytes] = []  # keys of _recent in order, but for _added (and after _resort)
        self._added: list[bytes] = []  # keys new to _recent since _sorted was made
        self._resort = False  # a key left _recent: _sorted is made again from scratch
        self._runs: dict[bytes, list[Run]] = {}  # prefix -> runs, oldest first
        self._prefixes: list[bytes] = []  # sorted
        self.data_bytes = 0  # keys and values written (a measure of what a commit writes)
        # range deletions [start, stop), in order; True: also for older snapshots (TRUNCATE)
        self.ranges: list[tuple[bytes, bytes, bool]] = []

    def __bool__(self) -> bool:
        return bool(self._recent) or bool(self._runs) or bool(self.ranges)

    # -- range deletions --
    def delete_range(self, start: bytes, stop: bytes, all_snapshots: bool = False
                     ) -> list[tuple[bytes, bytes | None]]:
        """Deletes every key in [start, stop); returns our writes it took back (for an undo)."""
        taken = list(self.items(start, stop))
        for key, _ in taken:
            self.pop(key)
        self.ranges.append((start, stop, all_snapshots))
        self.data_bytes += len(start) + len(stop)
        return taken

    def undo_range(self, taken: list[tuple[bytes, bytes | None]]) -> None:
        """Takes the last range deletion back (a rollback to a savepoint) with the writes it took."""
        self.ranges.pop()
        for key, value in taken:
            self[key] = value

    def in_ranges(self, key: bytes) -> bool:
        """Whether a range deletion of ours covers key (our later writes aside)."""
        return any(start <= key < stop for start, stop, _ in self.ranges)

    def ranges_over(self, start: bytes | None, stop: bytes | None) -> list[tuple[bytes, bytes]]:
        """The range deletions that meet [start, stop)."""
        return [(s, e) for s, e, _ in self.ranges if (stop is None or s < stop) and (start is None or e > start)]

    # -- writes --
    def __setitem__(self, key: bytes, value: bytes | None) -> None:
        recent = self._recent
        n = len(recent)
        recent[key] = value
        if len(recent) != n:
            self._added.append(key)
        self.data_bytes += len(key) + (len(value) if value is not None else 0)
        if len(recent) >= RECENT_ENTRIES:
            self._freeze()

    def update_many(self, keys: list[bytes], values: list[bytes | None]) -> None:
        """self[key] = value for each pair (keys distinct; a None value deletes), at dict speed."""
        recent = self._recent
        n = len(recent)
        recent.update(zip(keys, values))
        if len(recent) - n == len(keys):
            self._added.extend(keys)
        else:
            self._resort = True  # some were written before: which ones is not worth finding out
        self.data_bytes += sum(map(len, keys)) + sum(map(len, filter(None, values)))
        if len(recent) >= RECENT_ENTRIES:
            self._freeze()

    def pop(self, key: bytes, default: object = None) -> object:
        """Takes a write back (a rollback to a savepoint): the key reads as never written."""
        old = self.get(key, _MISSING)
        if key in self._recent:
            del self._recent[key]
            self._resort = True
        if self._in_runs(key) is not None:
            self._recent[key] = _UNWRITTEN_MARK
            self._added.append(key)
        return default if old is _MISSING else old

    # -- reads --
    def get(self, key: bytes, default: object = None) -> object:
        v = self.own(key, _MISSING)
        if v is not _MISSING:
            return v
        if self.ranges and self.in_ranges(key):
            return None
        return default

    def own(self, key: bytes, default: object = None) -> object:
        """What we wrote to key itself (a value, or None for a deletion), our range deletions
        aside: what an undo log entry must restore."""
        v = self._recent.get(key, _MISSING)
        if v is not _MISSING:
            return default if v is _UNWRITTEN_MARK else v
        hit = self._in_runs(key)
        if hit is None or hit[0] == _UNWRITTEN:
            return default
        return hit[1]

    def get_many(self, keys: list[bytes], default: object = None) -> list[object]:
        """get() of each key."""
        recent = self._recent
        out = [recent.get(k, _MISSING) for k in keys]
        if self._runs:
            lookup(self._runs, keys, out, _MISSING, _PREFIX)
        if self.ranges:
            return [(None if self.in_ranges(k) else default) if v is _MISSING or v is _UNWRITTEN_MARK else v
                    for k, v in zip(keys, out)]
        return [default if v is _MISSING or v is _UNWRITTEN_MARK else v for v in out]

    def __contains__(self, key: bytes) -> bool:
        return self.get(key, _MISSING) is not _MISSING

    def _in_runs(self, key: bytes) -> tuple[int, bytes | None] | None:
        runs = self._runs.get(key[:_PREFIX])
        if runs is None:
            return None
        for run in reversed(runs):
            i = run.find(key)
            if i >= 0:
                return run.entry(i)
        return None

    def items(self, start: bytes | None = None, stop: bytes | None = None, reverse: bool = False
              ) -> Iterator[tuple[bytes, bytes | None]]:
        """(key, value or None) for start <= key < stop, in key order (or reversed)."""
        lo = start if start is not None else b""
        # among equal keys the newest write comes first: the recent ones, then the runs from the
        # newest (a lower rank sorts first; the ranks are negated when the merge runs in reverse)
        sources: list[Iterator[tuple[bytes, int, int, bytes | None]]] = [self._recent_entries(start, stop, reverse)]
        for prefix in self._prefixes_between(start, stop):
            for rank, run in enumerate(reversed(self._runs[prefix]), 1):
                sources.append(run.entries(lo, stop, reverse, -rank if reverse else rank))
        last: bytes | None = None
        for key, _, kind, value in heapq.merge(*sources, reverse=reverse):
            if key == last:
                continue  # an older write of the key: the newest came first
            last = key
            if kind != _UNWRITTEN:
                yield key, value

    def __iter__(self) -> Iterator[bytes]:
        return (key for key, _ in self.items())

    def sorted_chunks(self, chunk: int = 8192) -> Iterator[list[tuple[bytes, bytes | None]]]:
        """Every write once, in key order, in lists of up to chunk (key, value or None): what a
        commit writes. Without frozen runs that is the dict of writes sorted once; else the
        recent writes are frozen first and the runs of each prefix merged as they are read."""
        if not self._runs:
            items = sorted(self._recent.items())  # (no key is UNWRITTEN without an older run)
            for start in range(0, len(items), chunk):
                yield items[start: start + chunk]
            return
        if self._recent:
            self._freeze()
        for prefix in self._prefixes:
            yield from merged_items(list(reversed(self._runs[prefix])), chunk)

    def _recent_keys(self) -> list[bytes]:
        """The keys of the recent writes in order."""
        if self._resort:
            self._sorted = sorted(self._recent)
            self._added = []
            self._resort = False
        elif self._added:
            added, self._added = self._added, []
            if len(added) <= 16:
                for key in added:
                    bisect.insort(self._sorted, key)
            else:
                self._sorted.extend(added)
                self._sorted.sort()  # a sorted run and the new keys: merged, not sorted again
        return self._sorted

    def _recent_entries(self, start: bytes | None, stop: bytes | None, reverse: bool
                        ) -> Iterator[tuple[bytes, int, int, bytes | None]]:
        recent = self._recent
        keys = self._recent_keys()
        lo = 0 if start is None else bisect.bisect_left(keys, start)
        hi = len(keys) if stop is None else bisect.bisect_left(keys, stop)
        for i in range(hi - 1, lo - 1, -1) if reverse else range(lo, hi):
            key = keys[i]
            value = recent.get(key, _MISSING)
            if value is _MISSING:
                continue  # taken back while this read was under way
            if value is _UNWRITTEN_MARK:
                yield key, 0, _UNWRITTEN, None
            else:
                yield key, 0, _VALUE if value is not None else _DELETED, value

    def _prefixes_between(self, start: bytes | None, stop: bytes | None) -> list[bytes]:
        prefixes = self._prefixes
        lo = 0 if start is None else bisect.bisect_left(prefixes, start[:_PREFIX])
        hi = len(prefixes) if stop is None else bisect.bisect_right(prefixes, stop[:_PREFIX])
        return prefixes[lo:hi]

    # -- freezing --
    def _freeze(self) -> None:
        recent, self._recent = self._recent, {}
        self._sorted, self._added, self._resort = [], [], False
        keys = sorted(recent)
        values = list(map(recent.__getitem__, keys))
        del recent
        lo = 0
        while lo < len(keys):
            prefix = keys[lo][:_PREFIX]
            # a key shorter than a prefix is the only one of its "prefix"
            hi = bisect.bisect_left(keys, _prefix_end(prefix), lo) if len(prefix) == _PREFIX else lo + 1
            self._add_run(prefix, build(keys[lo:hi], values[lo:hi], _UNWRITTEN_MARK))
            lo = hi

    def _add_run(self, prefix: bytes, run: Run) -> None:
        runs = self._runs.get(prefix)
        if runs is None:
            self._runs[prefix] = [run]
            bisect.insort(self._prefixes, prefix)
            return
        last = runs[-1]
        if last.keys[-1] < run.keys[0]:
            last.extend(run)  # written in key order: the run goes on
            return
        runs.append(run)
        while len(runs) > 1 and len(runs[-2]) <= 2 * len(runs[-1]):
            newer = runs.pop()
            older = runs.pop()
            both = merged(older, newer, bool(runs))
            if both.keys:
                runs.append(both)
        if not runs:  # only markers of writes taken back were left
            del self._runs[prefix]
            self._prefixes.remove(prefix)


def _prefix_end(prefix: bytes) -> bytes:
    """The smallest key past every key starting with prefix (prefix is not all 0xff)."""
    p = bytearray(prefix)
    while p[-1] == 0xFF:
        p.pop()
    p[-1] += 1
    return bytes(p)
