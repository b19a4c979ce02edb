"""The engine's key space: every key prefix orbitdb's storage writes, in one place.
FORMAT.md beside this file describes each range, its value, and the storage format version.

    \\x00 c <oid: 8 bytes BE>         catalog object (JSON); oid ff..ff: the next free oid
    \\x00 r <table oid: 8 bytes BE>   hidden row ids of a table without a primary key
    \\x00 s <sequence oid: 8 bytes BE> a sequence's state (JSON)
    \\x00 p <gid: UTF-8>              a prepared transaction (twophase.py: its writes and locks)
    \\x00 l <loid: 4 bytes BE> <page: 4 bytes BE>  a page of a large object (its metadata: page ff..ff)
    \\x00 v                           the storage format version (ASCII decimal)
    \\x00 a <table oid: 8 bytes BE>   a table's planner statistics from ANALYZE (JSON; planstats.py)
    \\x01 <table oid: 4 bytes BE> <memcomparable key>             a row
    \\x02 <index oid: 4 bytes BE> <memcomparable key> [row key]   an index entry (value: row key)

Oids from TEMP_OID_BASE up belong to temporary objects: never persisted, cleared at open."""

from __future__ import annotations

CATALOG_PREFIX = b"\x00c"
ROWID_PREFIX = b"\x00r"
SEQUENCE_PREFIX = b"\x00s"
PREPARED_PREFIX = b"\x00p"
LARGE_OBJECT_PREFIX = b"\x00l"
FORMAT_KEY = b"\x00v"
STATS_PREFIX = b"\x00a"  # advisory: a database without them reads as never analyzed
TABLE_PREFIX = b"\x01"
INDEX_PREFIX = b"\x02"

NEXT_OID_KEY = CATALOG_PREFIX + b"\xff" * 8
FIRST_OID = 16384  # oids below are PostgreSQL's built-in objects
TEMP_OID_BASE = 0x8000_0000  # temporary objects: the upper half of the 4-byte oid space
TEMP_OID_END = 0x1_0000_0000

# the storage format this code writes (row format 2, the key space and key encoding above);
# a database without FORMAT_KEY that holds rows was written before formats were versioned
STORAGE_FORMAT = 2


def catalog_key(oid: int) -> bytes:
    return CATALOG_PREFIX + oid.to_bytes(8, "big")


def rowid_key(table_oid: int) -> bytes:
    return ROWID_PREFIX + table_oid.to_bytes(8, "big")


def sequence_key(oid: int) -> bytes:
    return SEQUENCE_PREFIX + oid.to_bytes(8, "big")


def stats_key(table_oid: int) -> bytes:
    return STATS_PREFIX + table_oid.to_bytes(8, "big")


def table_prefix(oid: int) -> bytes:
    return TABLE_PREFIX + oid.to_bytes(4, "big")


def index_prefix(oid: int) -> bytes:
    return INDEX_PREFIX + oid.to_bytes(4, "big")


def prefix_end(prefix: bytes) -> bytes:
    """The smallest key greater than every key starting with prefix."""
    p = bytearray(prefix)
    while p and p[-1] == 0xFF:
        p.pop()
    if not p:
        return b"\xff" * 16
    p[-1] += 1
    return bytes(p)


def temporary_ranges() -> list[tuple[bytes, bytes]]:
    """[start, stop) of every key range that holds temporary objects' data."""
    base, end = TEMP_OID_BASE, TEMP_OID_END
    return [(TABLE_PREFIX + base.to_bytes(4, "big"), INDEX_PREFIX),
            (INDEX_PREFIX + base.to_bytes(4, "big"), prefix_end(INDEX_PREFIX)),
            (SEQUENCE_PREFIX + base.to_bytes(8, "big"), SEQUENCE_PREFIX + end.to_bytes(8, "big")),
            (ROWID_PREFIX + base.to_bytes(8, "big"), ROWID_PREFIX + end.to_bytes(8, "big"))]
