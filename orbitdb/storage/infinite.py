"""PostgreSQL's 'infinity' and '-infinity' of date, timestamp and timestamptz, which Python's
datetime cannot hold. Each is one shared object that orders after (before) every finite value
of its type and stores as the value PostgreSQL uses for it: INT32_MAX/MIN days for a date,
INT64_MAX/MIN microseconds for a timestamp (numbers no finite value of years 1-9999 reaches, so
rows and keys written before infinities existed read unchanged)."""

from __future__ import annotations

import datetime
from typing import Any

DATE_PLUS = 0x7FFFFFFF
DATE_MINUS = -0x80000000
TS_PLUS = 0x7FFFFFFFFFFFFFFF
TS_MINUS = -0x8000000000000000

_FINITE = (datetime.date, datetime.datetime)


class Infinite:
    """'infinity' (sign 1) or '-infinity' (sign -1) of kind "date", "ts" or "tstz"."""

    __slots__ = ("kind", "sign")

    kind: str
    sign: int

    def __init__(self, kind: str, sign: int) -> None:
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "sign", sign)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("infinite date/time values are immutable")

    def sort_key(self) -> int:
        """The stored number: the key encoding orders it with the finite values of its kind."""
        if self.kind == "date":
            return DATE_PLUS if self.sign > 0 else DATE_MINUS
        return TS_PLUS if self.sign > 0 else TS_MINUS

    def _order(self, other: Any) -> int | None:
        if isinstance(other, Infinite):
            return (self.sign > other.sign) - (self.sign < other.sign)
        if isinstance(other, _FINITE):
            return self.sign
        return None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Infinite) and other.sign == self.sign

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(("infinity", self.sign))

    def __lt__(self, other: Any) -> Any:
        o = self._order(other)
        return NotImplemented if o is None else o < 0

    def __le__(self, other: Any) -> Any:
        o = self._order(other)
        return NotImplemented if o is None else o <= 0

    def __gt__(self, other: Any) -> Any:
        o = self._order(other)
        return NotImplemented if o is None else o > 0

    def __ge__(self, other: Any) -> Any:
        o = self._order(other)
        return NotImplemented if o is None else o >= 0

    def __neg__(self) -> Infinite:
        return infinite(self.kind, -self.sign)

    def __str__(self) -> str:
        return "infinity" if self.sign > 0 else "-infinity"

    def __repr__(self) -> str:
        return f"Infinite({self.kind!r}, {self.sign})"

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return (infinite, (self.kind, self.sign))


DATE_INFINITY = Infinite("date", 1)
DATE_NEG_INFINITY = Infinite("date", -1)
TS_INFINITY = Infinite("ts", 1)
TS_NEG_INFINITY = Infinite("ts", -1)
TSTZ_INFINITY = Infinite("tstz", 1)
TSTZ_NEG_INFINITY = Infinite("tstz", -1)

_ALL = {(v.kind, v.sign): v for v in (DATE_INFINITY, DATE_NEG_INFINITY, TS_INFINITY, TS_NEG_INFINITY,
                                        TSTZ_INFINITY, TSTZ_NEG_INFINITY)}


def infinite(kind: str, sign: int) -> Infinite:
    """The shared infinity of a kind ("date", "ts", "tstz") and sign (1 or -1)."""
    return _ALL[(kind, 1 if sign > 0 else -1)]


def is_infinite(v: Any) -> bool:
    return type(v) is Infinite
