"""An online copy of an open database (con.backup): every entry of one engine snapshot, so the
copy holds exactly the transactions committed when it began (a commit is one atomic write), while
sessions go on reading and writing. The copy is written as one ingestion, which is atomic: a copy
cut short by a crash or an error is an empty directory, never half a database."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable

from orbitdb.engine import Engine, EngineError
from orbitdb.storage.errors import StorageError
from orbitdb.storage.txn import Store

# (status, remaining, total) in entries, as sqlite3's backup progress (status 0: going well)
Progress = Callable[[int, int, int], object]
STEP_ENTRIES = 10_000
SIDE_FILES = ("roles.json",)  # an embedded database's roles live beside its engine files


def backup(store: Store, target: str, progress: Progress | None = None, step: int = STEP_ENTRIES) -> int:
    """Copies store's database into directory target (made; it must not exist or be empty);
    returns the number of entries copied. progress, if given, is called after each step of
    entries and once at the end (remaining 0)."""
    if step < 1:
        raise ValueError(f"step must be at least 1, not {step}")
    if os.path.realpath(target) == os.path.realpath(store.path):
        raise StorageError(f"cannot back up the database at {store.path} onto itself", "58P02")
    if os.path.exists(target) and (not os.path.isdir(target) or os.listdir(target)):
        raise StorageError(f"backup target {target} exists and is not an empty directory", "58P02")
    made = not os.path.exists(target)
    snapshot = store.engine.snapshot()
    try:
        total = sum(1 for _ in store.engine.items(snapshot=snapshot)) if progress is not None else 0
        copied = _copy(store, snapshot, target, progress, step, total)
    except BaseException:
        if made:
            shutil.rmtree(target, ignore_errors=True)
        raise
    finally:
        snapshot.release()
    for name in SIDE_FILES:
        source = os.path.join(store.path, name)
        if os.path.exists(source):
            shutil.copy2(source, os.path.join(target, name))
    return copied


def _copy(store: Store, snapshot: object, target: str, progress: Progress | None, step: int, total: int) -> int:
    try:
        copy = Engine(target)
    except EngineError as e:
        raise StorageError(f"could not make the backup at {target}: {e}", "58030") from e
    copied = 0
    try:
        with copy.ingest() as ingest:
            chunk: list[tuple[bytes, bytes]] = []
            for item in store.engine.items(snapshot=snapshot):
                chunk.append(item)
                if len(chunk) >= step:
                    ingest.add_items(chunk)
                    copied += len(chunk)
                    chunk = []
                    if progress is not None:
                        progress(0, max(total - copied, 0), total)
            if chunk:
                ingest.add_items(chunk)
                copied += len(chunk)
        copy.flush()
    except EngineError as e:
        raise StorageError(f"could not write the backup at {target}: {e}", "58030") from e
    finally:
        copy.close()
    if progress is not None:
        progress(0, 0, total)
    return copied
