"""Caches keyed by statement text, bounded in bytes rather than entries: an entry is charged an
estimate of what it holds (a fixed part plus a factor times the length of its text, the factors
measured with tracemalloc on typical statements), the least recently used entries go when the
budget is passed, and a text longer than max_text is never cached, so one huge statement cannot
pin memory. The budgets are constants, listed in docs/memory.md."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class TextCache(Generic[V]):
    """A least-recently-used map from a key (whose first part is a text) to values, within a byte
    budget. Thread-safe: the server's sessions share the module-level ones."""

    def __init__(self, budget: int, max_text: int, per_char: int, fixed: int) -> None:
        self.budget = budget
        self.max_text = max_text
        self.per_char = per_char
        self.fixed = fixed
        self.held = 0
        self._entries: OrderedDict[Hashable, tuple[V, int]] = OrderedDict()
        self._lock = threading.Lock()

    def cost(self, text: str) -> int:
        return self.fixed + self.per_char * len(text)

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            hit = self._entries.get(key)
            if hit is None:
                return None
            self._entries.move_to_end(key)
            return hit[0]

    def put(self, key: Hashable, text: str, value: V) -> None:
        if len(text) > self.max_text:
            return
        cost = self.cost(text)
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.held -= old[1]
            self._entries[key] = (value, cost)
            self.held += cost
            while self.held > self.budget and self._entries:
                _, (_, c) = self._entries.popitem(last=False)
                self.held -= c

    def pop(self, key: Hashable) -> None:
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.held -= old[1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.held = 0

    def __len__(self) -> int:
        return len(self._entries)


def text_cached(budget: int, max_text: int, per_char: int, fixed: int) -> Callable[[Callable[[str], V]],
                                                                                   Callable[[str], V]]:
    """Decorates a function of one text with a TextCache (like functools.lru_cache; exceptions are
    not cached). The cache is the wrapper's `cache` attribute."""

    def wrap(fn: Callable[[str], V]) -> Callable[[str], V]:
        cache: TextCache[V] = TextCache(budget, max_text, per_char, fixed)

        def cached(text: str) -> V:
            hit = cache.get(text)
            if hit is not None:
                return hit
            value = fn(text)
            cache.put(text, text, value)
            return value

        cached.cache = cache  # type: ignore[attr-defined]
        cached.cache_clear = cache.clear  # type: ignore[attr-defined]
        cached.__wrapped__ = fn  # type: ignore[attr-defined]
        cached.__doc__ = fn.__doc__
        return cached

    return wrap


class PlanCache:
    """A session's compiled plans by (statement text, catalog key), within a byte budget."""

    BUDGET = 8 << 20
    MAX_TEXT = 64 << 10

    def __init__(self) -> None:
        self._cache: TextCache[Any] = TextCache(self.BUDGET, self.MAX_TEXT, per_char=256, fixed=4096)

    def get(self, key: tuple[str, Any]) -> Any:
        return self._cache.get(key)

    def __setitem__(self, key: tuple[str, Any], value: Any) -> None:
        self._cache.put(key, key[0], value)

    def __contains__(self, key: tuple[str, Any]) -> bool:
        return self._cache.get(key) is not None

    def __len__(self) -> int:
        return len(self._cache)

    def clear(self) -> None:
        self._cache.clear()

    @property
    def held(self) -> int:
        return self._cache.held
