"""A progress bar in bytes on a terminal (tqdm on standard error), nothing anywhere else, so
that scripts and logs get no control characters."""

from __future__ import annotations

import sys
from typing import Any

from typing_extensions import Self


class Progress:
    def __init__(self, total: int, label: str) -> None:
        self._bar: Any = None
        if sys.stderr.isatty():
            try:
                from tqdm import tqdm
            except ImportError:  # the bar is a nicety: without tqdm, no bar
                return
            self._bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=label,
                             file=sys.stderr, leave=False)

    def advance(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
