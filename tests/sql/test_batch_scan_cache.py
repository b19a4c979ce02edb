"""Batch scans and the engine's block cache: a scan past its first batch puts the blocks it
reads into the cache only while the cache has room, so one pass over a table larger than the
cache leaves what other reads cached there (as PostgreSQL's bulk reads use a small ring of
buffers), while a table that fits is still cached by being scanned."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orbitdb

HOT = "SELECT count(*) FROM big WHERE id BETWEEN 100 AND 300"


def _open(path: Path, rows: int) -> tuple[Any, Any, Any]:
    con = orbitdb.connect(str(path), block_cache_size=512 << 10, enable_statistics=True)
    con.autocommit = True
    cur = con.cursor()
    cur.execute("SET autovacuum = off")  # no background ANALYZE reading the table meanwhile
    cur.execute("CREATE TABLE big (id int8 PRIMARY KEY, pad text)")
    cur.execute(f"INSERT INTO big SELECT i, repeat(md5(i::text), 4) FROM generate_series(1, {rows}) i")
    engine = con._session.store.engine
    engine.flush()  # the rows in a table file, read through the block cache
    return con, cur, engine


def _misses(engine: Any) -> int:
    return int(engine.stats()["block_cache_data_miss"])


def test_a_scan_larger_than_the_cache_leaves_its_blocks(tmp_path: Path) -> None:
    con, cur, engine = _open(tmp_path / "db", 30_000)  # about 4 MB of rows, 8x the cache
    try:
        assert cur.execute(HOT).fetchall() == [(201,)]
        before = _misses(engine)
        cur.execute(HOT).fetchall()
        assert _misses(engine) == before  # the range's blocks are cached
        assert cur.execute("SELECT count(*), sum(id) FROM big").fetchall() == [(30_000, 30_000 * 30_001 // 2)]
        assert _misses(engine) > before  # the scan read the table from its file
        before = _misses(engine)
        assert cur.execute(HOT).fetchall() == [(201,)]
        assert _misses(engine) == before  # and left the range's blocks in the cache
    finally:
        con.close()


def test_a_table_that_fits_is_cached_by_a_scan(tmp_path: Path) -> None:
    con, cur, engine = _open(tmp_path / "db", 2_500)  # about 350 kB
    try:
        assert cur.execute("SELECT count(*), sum(id) FROM big").fetchall() == [(2_500, 2_500 * 2_501 // 2)]
        before = _misses(engine)
        assert cur.execute("SELECT count(*), sum(id) FROM big").fetchall() == [(2_500, 2_500 * 2_501 // 2)]
        assert _misses(engine) == before
    finally:
        con.close()
