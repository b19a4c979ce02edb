"""The engine's statistics as one JSON-ready dict, for `orbitdb stats` and the SQL function
orbitdb_engine_stats(): per-level files and bytes, memtables, block cache, and the counters
(since the engine opened; kept only with enable_statistics) with the rates derived from them.

    write_amplification  (flush_bytes + compaction_bytes_written) / flush_bytes: bytes the
                         engine wrote to table files per byte that reached level 0 (RocksDB's
                         "Sum" W-Amp, the WAL not counted)
    compaction_backlog   estimated bytes compaction still has to rewrite: level 0's bytes when
                         it has reached its file trigger, and each deeper level's bytes above its
                         target (max_bytes_for_level_base x 10^(level-1))"""

from __future__ import annotations

from typing import Any

from orbitdb.engine import Engine

NUM_LEVELS = 7
LEVEL_MULTIPLIER = 10


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def level_target(options: dict[str, Any], level: int) -> int:
    return int(options.get("max_bytes_for_level_base", 256 << 20)) * LEVEL_MULTIPLIER ** max(0, level - 1)


def compaction_backlog(levels: list[dict[str, int]], options: dict[str, Any]) -> int:
    backlog = 0
    if levels and levels[0]["files"] >= int(options.get("level0_file_num_compaction_trigger", 4)):
        backlog += levels[0]["bytes"]
    for n, level in enumerate(levels[1:], 1):
        backlog += max(0, level["bytes"] - level_target(options, n))
    return backlog


def derived(counters: dict[str, int]) -> dict[str, float | None]:
    """Rates from the counters (None when their denominator is 0)."""
    c = counters
    return {
        "block_cache_hit_rate": _ratio(c.get("block_cache_hit", 0),
                                       c.get("block_cache_hit", 0) + c.get("block_cache_miss", 0)),
        "block_cache_data_hit_rate": _ratio(c.get("block_cache_data_hit", 0),
                                            c.get("block_cache_data_hit", 0) + c.get("block_cache_data_miss", 0)),
        "memtable_hit_rate": _ratio(c.get("memtable_hit", 0), c.get("memtable_hit", 0) + c.get("memtable_miss", 0)),
        "bloom_useful_rate": _ratio(c.get("bloom_useful", 0), c.get("bloom_checked", 0)),
        "write_amplification": _ratio(c.get("flush_bytes", 0) + c.get("compaction_bytes_written", 0),
                                      c.get("flush_bytes", 0)),
        "stall_seconds": round(c.get("stall_micros", 0) / 1e6, 6),
    }


def engine_statistics(engine: Engine) -> dict[str, Any]:
    """Everything an open engine knows about itself, now."""
    options = dict(engine.options)
    levels = []
    for level in range(NUM_LEVELS):
        files = int(engine.property(f"orbitdb.num-files-at-level{level}") or 0)
        size = int(engine.property(f"orbitdb.bytes-at-level{level}") or 0)
        levels.append({"level": level, "files": files, "bytes": size})
    enabled = bool(options.get("enable_statistics"))
    counters = {k: int(v) for k, v in engine.stats().items()} if enabled else {}
    return {
        "source": "live",
        "levels": levels,
        "table_files": sum(lv["files"] for lv in levels),
        "table_bytes": sum(lv["bytes"] for lv in levels),
        "memtable_bytes": int(engine.property("orbitdb.cur-size-all-mem-tables") or 0),
        "block_cache_usage": int(engine.property("orbitdb.block-cache-usage") or 0),
        "block_cache_capacity": int(options.get("block_cache_size", 0)),
        "compaction_backlog_bytes": compaction_backlog(levels, options),
        "statistics_enabled": enabled,
        "counters": counters,
        "derived": derived(counters) if enabled else {},
    }
