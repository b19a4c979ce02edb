"""Bounded memory for the executor: operators keep rows in memory up to work_mem (hash tables up to
work_mem × hash_mem_multiplier) and move the rest to temporary files, or stop with 53200 where
rows cannot go to a file. See docs/memory.md."""

from orbitdb.sql.spill.files import StatementSpill, release, statement_spill, sweep
from orbitdb.sql.spill.memory import Meter, out_of_memory, row_bytes
from orbitdb.sql.spill.partition import Partitions
from orbitdb.sql.spill.sort import ExternalSort, sort_in_memory
from orbitdb.sql.spill.store import Run, TupleStore

__all__ = ["ExternalSort", "Meter", "Partitions", "Run", "StatementSpill", "TupleStore", "out_of_memory",
           "release", "row_bytes", "sort_in_memory", "statement_spill", "sweep"]
