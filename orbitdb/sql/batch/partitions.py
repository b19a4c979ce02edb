"""Grace hashing of column batches: the rows of a batch aggregate whose groups do not fit in
hash_mem go, as columns, to one of FAN_OUT partitions by a hash of their group key, written to
one temporary file (the statement's, as the row path's spill writes them), so that each
partition can be aggregated on its own later. Rows keep their order within a partition (a float
sum adds its values in scan order either way)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from orbitdb.sql.batch.blocks import columns_bytes, decode_columns, encode_columns
from orbitdb.sql.batch.scan import Batch
from orbitdb.sql.spill.files import SpillFile, StatementSpill
from orbitdb.sql.spill.partition import FAN_OUT, buffer_reserve

Array = np.ndarray[Any, Any]

MIN_BLOCK_BYTES = 16 * 1024  # a partition's buffer is written once it holds this much (or its share)
_NULL_HASH = np.uint64(0x2545F4914F6CDD1D)
_MUL = np.uint64(0x100000001B3)


def _mix(z: Array) -> Array:
    """splitmix64's finaliser: every bit of the result depends on every bit of z."""
    z = z + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def key_hashes(batch: Batch, keys: list[int]) -> Array:
    """A 64-bit hash per row of its group key (NULL a value of its own). Text hashes by Python's
    hash: the same in one process, which is all a statement's temporary files need."""
    h = np.zeros(batch.n, np.uint64)
    with np.errstate(over="ignore"):
        for c in keys:
            v, m = batch.values[c], batch.nulls[c]
            if v.dtype == object:
                col = np.fromiter((hash(x) for x in v.tolist()), np.int64, batch.n).view(np.uint64)
            elif v.dtype == np.bool_:
                col = v.astype(np.uint64)
            else:
                col = v.astype(np.int64).view(np.uint64)
            if m.any():
                col = np.where(m, _NULL_HASH, col)
            h = _mix(h * _MUL ^ col)
    return h


def _encode(batch: Batch, cols: list[int]) -> bytes:
    return encode_columns(batch.n, [(batch.values[c], batch.nulls[c]) for c in cols])


def _decode(data: bytes, cols: list[int], dicts: dict[int, list[Any]] | None) -> Batch:
    n, columns = decode_columns(data)
    return Batch(n, {c: v for c, (v, _) in zip(cols, columns)}, {c: m for c, (_, m) in zip(cols, columns)}, dicts)


def _batch_bytes(batch: Batch) -> int:
    return columns_bytes([(batch.values[c], batch.nulls[c]) for c in batch.values])


def take(batch: Batch, rows: Array, cols: list[int]) -> Batch:
    """The given rows of a batch, only the given columns."""
    return Batch(len(rows), {c: batch.values[c][rows] for c in cols}, {c: batch.nulls[c][rows] for c in cols},
                 batch.dicts)


class BatchPartitions:
    """FAN_OUT partitions of column batches in one temporary file, split by bits 4*depth.. of the
    key hash. What waits to be written holds at most buffer_reserve(limit) bytes."""

    def __init__(self, spill: StatementSpill, limit: int, depth: int, keys: list[int], cols: list[int]) -> None:
        self.depth = depth
        self.keys = keys
        self.cols = cols
        self.file: SpillFile = spill.create()
        self.dicts: dict[int, list[Any]] | None = None
        self.blocks: list[list[tuple[int, int]]] = [[] for _ in range(FAN_OUT)]
        self.pending: list[list[Batch]] = [[] for _ in range(FAN_OUT)]
        self.pending_bytes = [0] * FAN_OUT
        self.per_part = max(MIN_BLOCK_BYTES, buffer_reserve(limit) // FAN_OUT)
        self.rows = 0

    def add(self, batch: Batch) -> None:
        """Every row of batch (its columns self.cols) to its key's partition."""
        if not batch.n:
            return
        if batch.dicts is not None:
            self.dicts = batch.dicts  # a join's codes: one table of values for the whole statement
        self.rows += batch.n
        part = (key_hashes(batch, self.keys) >> np.uint64(4 * self.depth)) & np.uint64(FAN_OUT - 1)
        part = part.astype(np.int64)
        order = np.argsort(part, kind="stable")  # each partition's rows in the order they came
        bounds = np.searchsorted(part[order], np.arange(FAN_OUT + 1))
        for p in range(FAN_OUT):
            lo, hi = int(bounds[p]), int(bounds[p + 1])
            if lo == hi:
                continue
            piece = take(batch, order[lo:hi], self.cols)
            self.pending[p].append(piece)
            self.pending_bytes[p] += _batch_bytes(piece)
            if self.pending_bytes[p] >= self.per_part:
                self._flush(p)

    def _flush(self, p: int) -> None:
        pieces = self.pending[p]
        if not pieces:
            return
        joined = pieces[0] if len(pieces) == 1 else Batch(
            sum(b.n for b in pieces), {c: np.concatenate([b.values[c] for b in pieces]) for c in self.cols},
            {c: np.concatenate([b.nulls[c] for b in pieces]) for c in self.cols})
        data = _encode(joined, self.cols)
        self.blocks[p].append((self.file.append(data), len(data)))
        self.pending[p] = []
        self.pending_bytes[p] = 0

    def finish(self) -> None:
        for p in range(FAN_OUT):
            self._flush(p)

    def batches(self, p: int) -> Iterator[Batch]:
        """Partition p's rows, a block at a time, in the order they were added."""
        for offset, length in self.blocks[p]:
            yield _decode(self.file.read(offset, length), self.cols, self.dicts)

    def close(self) -> None:
        self.pending = [[] for _ in range(FAN_OUT)]
        self.blocks = [[] for _ in range(FAN_OUT)]
        self.file.close()
