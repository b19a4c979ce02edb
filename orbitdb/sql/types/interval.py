"""The interval value type of the SQL layer (defined with the storage codecs)."""

from orbitdb.storage.interval import USECS_PER_DAY, Interval

__all__ = ["USECS_PER_DAY", "Interval"]
