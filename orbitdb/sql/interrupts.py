"""Long work broken up so that it can be interrupted (cancel, statement_timeout, terminate, a
client that went away) and so that no single step holds the GIL for long: other sessions'
threads are served between the steps."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

SORT_RUN = 1 << 15  # items sorted in one C call (a few milliseconds of GIL at most)
CMP_CHECK_EVERY = 4096  # comparisons between interrupt checks when Python code compares


def sort_list(items: list[T], key: Callable[[T], Any] | None, reverse: bool, check: Callable[[], None]) -> list[T]:
    """items sorted (stably, like list.sort) in runs of SORT_RUN, merged pairwise: list.sort
    on two adjacent sorted runs is a linear merge. check() runs between the steps."""
    if len(items) <= SORT_RUN:
        items.sort(key=key, reverse=reverse)
        return items
    runs = []
    for start in range(0, len(items), SORT_RUN):
        run = items[start: start + SORT_RUN]
        run.sort(key=key, reverse=reverse)
        runs.append(run)
        check()
    items.clear()
    while len(runs) > 1:
        merged = []
        for k in range(0, len(runs) - 1, 2):
            run = runs[k]
            run.extend(runs[k + 1])
            runs[k + 1] = []
            run.sort(key=key, reverse=reverse)
            merged.append(run)
            check()
        if len(runs) % 2:
            merged.append(runs[-1])
        runs = merged
    return runs[0]


def checked_cmp(cmp: Callable[[Any, Any], int], check: Callable[[], None]) -> Callable[[Any, Any], int]:
    """cmp for functools.cmp_to_key, calling check() every CMP_CHECK_EVERY comparisons (an
    interrupt raised there ends the sort)."""
    count = [0]

    def compare(a: Any, b: Any) -> int:
        count[0] += 1
        if count[0] >= CMP_CHECK_EVERY:
            count[0] = 0
            check()
        return cmp(a, b)

    return compare


def checked(items: Iterable[T], check: Callable[[], None], every: int = 4096) -> Iterator[T]:
    """items, with the running statement's interrupt check every `every` of them (for loops
    over whole tables outside the executor: DDL rewrites, index builds, validations)."""
    for n, item in enumerate(items, 1):
        if n % every == 0:
            check()
        yield item
