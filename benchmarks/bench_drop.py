"""DROP TABLE and TRUNCATE of a big table: time, bytes the engine writes, and space given back.

A table of N rows (bigint primary key, a text column, a secondary index on an int column) is
loaded, flushed to table files, then dropped (or truncated) in one statement. Reported per
statement: its wall time, the bytes the engine wrote for it (WAL or ingested table + flushes +
compactions, from the engine's statistics), and the size of the table files before, right after,
and after a full compaction. Run it against two trees to compare them (the engine statistics are the same):

    PYTHONPATH=/work/main python benchmarks/bench_drop.py --rows 1000000
    PYTHONPATH=/work/wt/drop16 python benchmarks/bench_drop.py --rows 1000000

Before range deletions a DROP or TRUNCATE wrote a deletion per row and index entry; with them it
writes one range deletion per table and index, and whole table files inside the range are
dropped without being read once it is flushed."""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from typing import Any

import orbitdb

KNOBS = {"enable_statistics": True, "write_buffer_size": 16 << 20, "target_file_size_base": 16 << 20}
# bytes_written: WAL records, or the table an ingest writes (a big commit goes straight to a table)
WRITTEN = ("bytes_written", "flush_bytes", "compaction_bytes_written")


def _engine(con: Any) -> Any:
    return con._session.store.engine


def _written(engine: Any) -> int:
    stats = engine.stats()
    return sum(int(stats.get(name, 0)) for name in WRITTEN)


def _sst_bytes(engine: Any) -> int:
    return int(engine.property("orbitdb.total-sst-files-size"))


def _load(con: Any, rows: int) -> None:
    cur = con.cursor()
    cur.execute("CREATE TABLE big (id bigint PRIMARY KEY, v text NOT NULL, n int NOT NULL)")
    cur.execute("CREATE INDEX big_n ON big (n)")
    step = 200_000
    for lo in range(1, rows + 1, step):
        hi = min(rows, lo + step - 1)
        cur.execute(f"INSERT INTO big SELECT g, 'row number ' || g, g % 1000 FROM generate_series({lo}, {hi}) g")
    cur.execute("CREATE TABLE small (id int PRIMARY KEY)")  # a neighbour whose rows stay
    cur.execute("INSERT INTO small SELECT generate_series(1, 1000)")


def measure(statement: str, rows: int) -> dict[str, Any]:
    path = tempfile.mkdtemp(prefix="orbitdb-bench-drop-")
    try:
        con = orbitdb.connect(path, autocommit=True, **KNOBS)
        engine = _engine(con)
        t0 = time.perf_counter()
        _load(con, rows)
        load_s = time.perf_counter() - t0
        engine.flush()
        engine.compact_range()
        before = _sst_bytes(engine)
        written0 = _written(engine)
        t0 = time.perf_counter()
        con.cursor().execute(statement)
        seconds = time.perf_counter() - t0
        engine.flush()  # what the statement left in the memtable reaches the table files
        written = _written(engine) - written0
        after = _sst_bytes(engine)
        t0 = time.perf_counter()
        engine.compact_range()
        compact_s = time.perf_counter() - t0
        compacted = _sst_bytes(engine)
        cur = con.cursor()
        cur.execute("SELECT count(*) FROM small")
        assert cur.fetchone()[0] == 1000
        con.close()
        return {"statement": statement, "rows": rows, "load_s": load_s, "seconds": seconds, "written": written,
                "sst_before": before, "sst_after": after, "compact_s": compact_s, "sst_compacted": compacted}
    finally:
        shutil.rmtree(path, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    print(f"orbitdb from {orbitdb.__file__}, {args.rows:,} rows")
    print(f"{'statement':<18}{'time':>9}{'written':>14}{'sst before':>14}{'after':>14}{'compaction':>12}"
          f"{'compacted':>14}")
    for statement in ("TRUNCATE big", "DROP TABLE big"):
        r = measure(statement, args.rows)
        print(f"{statement:<18}{r['seconds']:>8.3f}s{r['written']:>14,}{r['sst_before']:>14,}{r['sst_after']:>14,}"
              f"{r['compact_s']:>11.2f}s{r['sst_compacted']:>14,}   (load {r['load_s']:.1f}s)")


if __name__ == "__main__":
    main()
