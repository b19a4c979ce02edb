"""The process's memory as the operating system sees it: resident size read cheaply (Linux's
/proc/self/statm, else psutil when installed), sampled at most every few milliseconds; giving freed
heap back to the system (glibc's malloc_trim) after a statement that held a lot; and the
server-wide budget ([server] max_memory) that refuses new work with 53200 while the process is
above it."""

from __future__ import annotations

import gc
import os
import threading
import time
from typing import Any

from orbitdb.sql.errors import SqlError

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_SAMPLE_SECONDS = 0.005


def _read_statm() -> int | None:
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def _psutil_rss() -> int | None:
    try:
        import psutil
    except ImportError:
        return None
    return int(psutil.Process().memory_info().rss)


class _Sampler:
    """The last resident size read, renewed when older than _SAMPLE_SECONDS."""

    def __init__(self) -> None:
        self.value = 0
        self.at = 0.0
        self.lock = threading.Lock()
        self.read = _read_statm if _read_statm() is not None else _psutil_rss

    def rss(self) -> int | None:
        now = time.monotonic()
        if now - self.at < _SAMPLE_SECONDS:
            return self.value
        value = self.read()
        if value is None:
            return None
        with self.lock:
            self.value, self.at = value, now
        return value


_sampler = _Sampler()


def rss_bytes() -> int | None:
    """The process's resident set size (sampled), or None where it cannot be read."""
    return _sampler.rss()


def _libc_function(function: str) -> Any:
    """A function of glibc, or None where there is none."""
    # imported and looked up at first use, not at import: finding libc runs `ldconfig -p` in a
    # subprocess (10-15 ms of every start), and most processes never hold a statement that large
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        return getattr(ctypes.CDLL(name), function)
    except (OSError, AttributeError):
        return None


_trim: Any = None
_trim_looked_up = False
_M_MMAP_THRESHOLD = -3  # mallopt's parameter (malloc.h)
LARGE_ALLOCATION = 4 << 20


def map_large_allocations() -> None:
    """Blocks of LARGE_ALLOCATION bytes and more get mappings of their own, unmapped when freed.
    glibc otherwise raises its threshold to the largest block freed (up to 32 MB), and a block
    below it comes from the heap of the thread that asked, whose free top malloc_trim does not
    give back: a 30 MB literal would stay resident after its statement (the server calls this)."""
    mallopt = _libc_function("mallopt")
    if mallopt is not None:
        mallopt(_M_MMAP_THRESHOLD, LARGE_ALLOCATION)


TRIM_AFTER_BYTES = 1 << 20  # a statement this large (text or temporary files) trims the heap when it ends


def trim() -> None:
    """Returns the heap's free memory to the system (glibc keeps it otherwise: a 100 MB literal
    would stay in the resident size after the statement)."""
    global _trim, _trim_looked_up
    if not _trim_looked_up:
        _trim = _libc_function("malloc_trim")
        _trim_looked_up = True
    if _trim is not None:
        _trim(0)


class MemoryBudget:
    """[server] max_memory: while the process's resident size is above it, new statements and
    connections are refused with 53200; what already runs goes on."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit  # bytes; None: no budget

    def check(self, what: str, fatal: bool = False) -> None:
        limit = self.limit
        if limit is None:
            return
        rss = rss_bytes()
        if rss is not None and rss > limit:
            # garbage in reference cycles (a closed statement's tree, a traceback's frames) and what
            # the allocator holds free are not in use: only what is left counts against the budget
            gc.collect()
            trim()
            rss = _sampler.read()
            if rss is not None and rss > limit:
                raise SqlError("53200", "out of memory",
                               detail=f"The server uses {rss >> 20} MB, more than max_memory ({limit >> 20} MB): "
                                      f"{what} refused.",
                               hint="Retry when other work has finished, or raise [server] max_memory.",
                               severity="FATAL" if fatal else "ERROR")
