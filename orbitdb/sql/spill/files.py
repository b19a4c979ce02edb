"""Temporary files of running statements, in a pgsql_tmp folder of each database's directory (as
PostgreSQL keeps base/pgsql_tmp): made 0600 under a 0700 folder, named after the session, removed
when their operator is done, when the statement ends (also on error and cancel: release()), when
the statement's state is collected, and by a sweep when the database is opened (what a crash left).
temp_file_limit bounds the bytes a statement holds in them (53400, as PostgreSQL)."""

from __future__ import annotations

import functools
import itertools
import logging
import os
import threading
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from orbitdb.sql import settings as S
from orbitdb.sql.errors import SqlError
from orbitdb.sql.spill.process import TRIM_AFTER_BYTES, trim

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext

log = logging.getLogger("orbitdb.sql")

TEMP_DIR = "pgsql_tmp"
_numbers = itertools.count(1)
_numbers_lock = threading.Lock()


def temp_dir(database_path: str) -> str:
    return os.path.join(database_path, TEMP_DIR)


def sweep(database_path: str) -> int:
    """Removes every temporary file left in a database's folder (nothing can be using them: the
    database is being opened, and only one process opens it). Returns how many were removed."""
    folder = temp_dir(database_path)
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return 0
    removed = 0
    for name in names:
        if not name.startswith("pgsql_tmp"):
            continue
        try:
            os.unlink(os.path.join(folder, name))
            removed += 1
        except OSError:
            log.warning("could not remove temporary file %s", os.path.join(folder, name), exc_info=True)
    if removed:
        log.info("removed %d temporary file(s) left in %s", removed, folder)
    return removed


class SpillFile:
    """One temporary file, written by appending blocks and read back at any offset."""

    __slots__ = ("__weakref__", "fd", "owner", "path", "size")

    def __init__(self, owner: StatementSpill, path: str) -> None:
        self.owner = owner
        self.path = path
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
        self.size = 0

    def append(self, data: bytes) -> int:
        """Writes data at the end; returns its offset."""
        if self.fd < 0:
            raise SqlError("XX000", "temporary file used after it was closed")
        self.owner.account(len(data))
        offset = self.size
        view = memoryview(data)
        while view:
            n = os.pwrite(self.fd, view, offset + (len(data) - len(view)))
            view = view[n:]
        self.size += len(data)
        return offset

    def read(self, offset: int, length: int) -> bytes:
        data = os.pread(self.fd, length, offset)
        if len(data) != length:
            raise SqlError("58030", f'could not read from temporary file "{self.path}": read only {len(data)} '
                           f"of {length} bytes")
        return data

    def close(self) -> None:
        if self.fd < 0:
            return
        fd, self.fd = self.fd, -1
        self.owner.forget(self)
        try:
            os.close(fd)
        finally:
            _unlink(self.path)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except OSError:
        log.warning("could not remove temporary file %s", path, exc_info=True)


def _remove_all(paths: dict[str, int]) -> None:
    """What the statement left open when its state is collected without release()."""
    for path, fd in list(paths.items()):
        try:
            os.close(fd)
        except OSError:
            pass
        _unlink(path)
    paths.clear()


class StatementSpill:
    """A statement's memory budgets (read once from its session's settings) and temporary files."""

    def __init__(self, directory: str, prefix: str, work_mem: int, hash_mem: int, file_limit: int,
                 on_removed: Callable[[int], None] | None = None) -> None:
        self.directory = directory
        self.on_removed = on_removed  # told each file's size when it goes (pg_stat_database.temp_*)
        self.prefix = prefix
        self.work_mem = work_mem  # bytes
        self.hash_mem = hash_mem  # bytes
        self.file_limit = file_limit  # bytes; -1: none
        self.held = 0  # bytes in this statement's open temporary files
        self.peak = 0
        # made with the first file: most statements never spill, and each one makes its own
        self.files: weakref.WeakSet[SpillFile] | None = None
        self._paths: dict[str, int] = {}
        self._finalizer: Any = None

    def create(self) -> SpillFile:
        if self.files is None:
            self.files = weakref.WeakSet()
            self._finalizer = weakref.finalize(self, _remove_all, self._paths)
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        with _numbers_lock:
            n = next(_numbers)
        f = SpillFile(self, os.path.join(self.directory, f"{self.prefix}.{n}"))
        self.files.add(f)
        self._paths[f.path] = f.fd
        return f

    def account(self, nbytes: int) -> None:
        self.held += nbytes
        self.peak = max(self.peak, self.held)
        if 0 <= self.file_limit < self.held:
            raise SqlError("53400", f"temporary file size exceeds temp_file_limit ({self.file_limit // 1024}kB)")

    def forget(self, f: SpillFile) -> None:
        self.held -= f.size
        if self.on_removed is not None:
            self.on_removed(f.size)
        if self.files is not None:
            self.files.discard(f)
        self._paths.pop(f.path, None)

    def release(self) -> None:
        """Closes and removes every file still open (the statement is over)."""
        if self.files is None:
            return
        for f in list(self.files):
            f.close()
        _remove_all(self._paths)

    def describe_work_mem(self) -> str:
        return f"work_mem ({self.work_mem // 1024} kB)"

    def describe_hash_mem(self) -> str:
        return f"work_mem × hash_mem_multiplier ({self.hash_mem // 1024} kB)"


def statement_spill(ctx: ExecContext) -> StatementSpill:
    """The running statement's budgets and files (made at the first operator that asks)."""
    st: StatementSpill | None = ctx.spill
    if st is None:
        session = ctx.session
        settings = session.settings
        work_mem, hash_mem, file_limit = _budgets(settings.get("work_mem", "4MB"),
                                                  settings.get("hash_mem_multiplier", "2"),
                                                  settings.get("temp_file_limit", "-1"))
        usage = getattr(session.store, "usage", None)
        st = StatementSpill(temp_dir(session.store.path), f"pgsql_tmp{session.backend_pid}", work_mem, hash_mem,
                            file_limit, usage.temp_file_removed if usage is not None else None)
        ctx.spill = st
    return st


@functools.lru_cache(maxsize=64)  # the same few setting texts, read by every statement
def _budgets(work_mem_text: str, multiplier_text: str, limit_text: str) -> tuple[int, int, int]:
    """(work_mem, hash_mem, temp_file_limit) in bytes (-1: no limit) of the settings' texts."""
    work_mem = S.kb_value(work_mem_text) * 1024
    try:
        multiplier = float(multiplier_text)
    except ValueError:
        multiplier = 2.0
    limit_kb = S.kb_value(limit_text)
    return work_mem, int(work_mem * multiplier), limit_kb * 1024 if limit_kb >= 0 else -1


def release(ctx: Any, text_size: int = 0) -> None:
    """The statement is over: its temporary files go, and what its context held (parameter values,
    CTE results, outer rows) is dropped, since the context outlives it (a cached plan's Runtime
    keeps the last context it ran with). After a large statement (its text, or what it spilled)
    the heap's free memory goes back to the system."""
    st: StatementSpill | None = getattr(ctx, "spill", None)
    ctx.params = []
    ctx.cte_results = {}
    ctx.outer.clear()
    big = text_size > TRIM_AFTER_BYTES
    if st is not None:
        ctx.spill = None
        big = big or st.peak > TRIM_AFTER_BYTES
        st.release()
    if big:
        trim()
