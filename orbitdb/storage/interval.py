"""PostgreSQL's interval: months, days and microseconds kept apart, as PostgreSQL
does (a month is not a fixed number of days)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

USECS_PER_DAY = 86_400_000_000


@dataclass(frozen=True, slots=True)
class Interval:
    months: int = 0
    days: int = 0
    microseconds: int = 0

    def sort_key(self) -> int:
        # PostgreSQL compares intervals as if a month were 30 days.
        return (self.months * 30 + self.days) * USECS_PER_DAY + self.microseconds

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Interval):
            return self.sort_key() == other.sort_key()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.sort_key())

    def __lt__(self, other: Interval) -> bool:
        return self.sort_key() < other.sort_key()

    def __le__(self, other: Interval) -> bool:
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: Interval) -> bool:
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: Interval) -> bool:
        return self.sort_key() >= other.sort_key()

    def __neg__(self) -> Interval:
        return Interval(-self.months, -self.days, -self.microseconds)

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.months + other.months, self.days + other.days, self.microseconds + other.microseconds)

    def __sub__(self, other: Interval) -> Interval:
        return self + (-other)

    def to_timedelta(self) -> datetime.timedelta:
        """As psycopg maps interval (reading PostgreSQL's text of it): a year counts 365 days, a
        month 30."""
        years = int(self.months / 12)  # the text shows whole years, truncated toward zero
        months = self.months - years * 12
        return datetime.timedelta(days=years * 365 + months * 30 + self.days, microseconds=self.microseconds)

    @classmethod
    def from_timedelta(cls, td: datetime.timedelta) -> Interval:
        return cls(0, td.days, td.seconds * 1_000_000 + td.microseconds)
