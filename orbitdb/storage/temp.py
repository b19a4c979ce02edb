"""Temporary objects: one session's temporary tables (with their indexes and
sequences) and its pg_temp schema.

They are catalog objects like any other, but with oids from the upper half of the
oid space (TEMP_OID_BASE and up), allocated per process and never persisted. Their
rows and index entries therefore sit in key ranges of their own (a table key is the
prefix byte plus the big-endian oid), which the store clears when it opens: after a
crash nothing of a dead session's temporary tables survives. A session's committed
temporary objects live here, outside the shared catalog; a transaction sees the
shared catalog with them laid over it."""

from __future__ import annotations

import itertools
import threading
from typing import Any

from orbitdb.storage.catalog import Catalog
from orbitdb.storage.keyspace import TEMP_OID_BASE, TEMP_OID_END

__all__ = ["TEMP_OID_BASE", "TEMP_OID_END", "TempObjects", "TempOids", "is_temp_oid"]


def is_temp_oid(oid: int) -> bool:
    return oid >= TEMP_OID_BASE


class TempOids:
    """Oids for temporary objects: unique within the process, forgotten at restart."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next = itertools.count(TEMP_OID_BASE)

    def new(self) -> int:
        with self._lock:
            oid = next(self._next)
        if oid >= TEMP_OID_END:
            raise OverflowError("out of temporary object ids")
        return oid


class TempObjects:
    """A session's committed temporary catalog objects."""

    def __init__(self, schema_name: str) -> None:
        self.schema_name = schema_name  # pg_temp_<n>
        self.objects: dict[int, Any] = {}
        self.version = 0
        self._view: tuple[Catalog, int, Catalog] | None = None

    def apply(self, changes: dict[int, Any]) -> None:
        """A committed transaction's changes (None: removed)."""
        for oid, obj in changes.items():
            if obj is None:
                self.objects.pop(oid, None)
            else:
                self.objects[oid] = obj
        self.version += 1

    def view(self, shared: Catalog) -> Catalog:
        """The shared catalog with these objects laid over it (cached)."""
        if not self.objects:
            return shared
        cached = self._view
        if cached is not None and cached[0] is shared and cached[1] == self.version:
            return cached[2]
        view = Catalog()
        view.objects = {**shared.objects, **self.objects}
        view.next_oid = shared.next_oid
        self._view = (shared, self.version, view)
        return view
