"""The engine's LZ4 is the standard LZ4 block format, and its tables are readable by an outside parser."""

from __future__ import annotations

import os
import random
import struct
from pathlib import Path

import lz4.block
import pytest
import sstfile
from hypothesis import given, settings
from hypothesis import strategies as st

from orbitdb import _engine
from orbitdb.engine import Engine, EngineError


def _inputs() -> list[bytes]:
    rng = random.Random(42)
    data = [b"", b"a", b"ab", b"abcd", b"a" * 12, b"a" * 13, b"a" * 100, bytes(65536 + 7)]
    data += [rng.randbytes(n) for n in (1, 5, 11, 12, 13, 16, 64, 1000, 4096, 70000)]
    data += [b"abcdefgh" * n + rng.randbytes(n % 7) for n in (1, 2, 3, 10, 1000, 20000)]
    words = [b"orbit", b"db", b"lsm", b"table", b"\x00\x00\x00", b"key:", b"value"]
    data += [b"".join(rng.choice(words) for _ in range(n)) for n in (3, 50, 500, 50000)]
    # half random, half zeros: like the benchmark values
    data += [b"".join(rng.randbytes(50) + bytes(50) for _ in range(n)) for n in (1, 40, 400)]
    data.append(os.urandom(1 << 20))
    data.append(b"".join(i.to_bytes(4, "little") for i in range(100000)))
    return data


INPUTS = _inputs()


@pytest.mark.parametrize("data", INPUTS, ids=[f"{i}-{len(d)}" for i, d in enumerate(INPUTS)])
def test_engine_compress_reference_decompress(data: bytes) -> None:
    compressed = _engine._lz4_compress(data)
    assert isinstance(compressed, bytes)
    assert lz4.block.decompress(compressed, uncompressed_size=len(data)) == data
    if len(data) >= 4096 and len(set(data[:4096])) < 20:
        assert len(compressed) < len(data) // 2  # compressible input is actually compressed


@pytest.mark.parametrize("data", INPUTS, ids=[f"{i}-{len(d)}" for i, d in enumerate(INPUTS)])
def test_reference_compress_engine_decompress(data: bytes) -> None:
    for mode in ("default", "fast", "high_compression"):
        compressed = lz4.block.compress(data, mode=mode, store_size=False)
        assert _engine._lz4_decompress(compressed, len(data)) == data


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000))
def test_roundtrips_hypothesis(data: bytes) -> None:
    doubled = data + data  # gives the compressor matches to find
    for item in (data, doubled):
        assert lz4.block.decompress(_engine._lz4_compress(item), uncompressed_size=len(item)) == item
        assert _engine._lz4_decompress(lz4.block.compress(item, store_size=False), len(item)) == item


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200), st.integers(min_value=0, max_value=5000))
def test_malformed_input_does_not_crash(garbage: bytes, size: int) -> None:
    try:
        out = _engine._lz4_decompress(garbage, size)
    except (ValueError, EngineError):
        return
    assert len(out) == size


def _write_table(db_path: str) -> tuple[bytes, list[bytes]]:
    rng = random.Random(5)
    keys = sorted({b"row:%08d" % rng.randrange(10**8) for _ in range(2000)})
    with Engine(db_path, compression_type="lz4") as db:
        for key in reversed(keys):  # insertion order must not matter
            db.put(key, key + b"=" + bytes(40) + rng.randbytes(8) + bytes(40))
        db.flush()
    tables = sorted(f for f in os.listdir(db_path) if f.endswith(".sst"))
    assert len(tables) == 1, tables
    return Path(db_path, tables[0]).read_bytes(), keys


def test_table_first_block_is_standard_lz4(db_path: str) -> None:
    data, keys = _write_table(db_path)
    footer = sstfile.read_footer(data)
    assert footer.magic == sstfile.MAGIC
    assert footer.index.offset + footer.index.size + sstfile.TRAILER_SIZE <= len(data) - sstfile.FOOTER_SIZE
    index = sstfile.index_entries(data)
    assert len(index) > 1
    first = index[0][1]
    assert first.offset == 0

    block = sstfile.read_stored_block(data, first)
    assert block.type == sstfile.TYPE_LZ4
    assert block.crc_ok(), "block CRC-32C (masked, over stored bytes + type) does not match"
    length, payload = sstfile.split_lz4(block.stored)
    contents = lz4.block.decompress(payload, uncompressed_size=length)
    assert len(contents) == length
    assert length > len(block.stored)  # the values compress

    restarts = sstfile.restart_offsets(contents)
    assert restarts[0] == 0
    assert restarts == sorted(restarts)
    shared, pos = sstfile.read_varint(contents, 0)
    unshared, pos = sstfile.read_varint(contents, pos)
    _vlen, pos = sstfile.read_varint(contents, pos)
    assert shared == 0
    first_ikey = contents[pos : pos + unshared]
    assert first_ikey[:-8] == keys[0]
    (trailer,) = struct.unpack("<Q", first_ikey[-8:])
    assert trailer & 0xFF == 1  # a value, not a deletion
    assert trailer >> 8 > 0  # its sequence number

    entries = sstfile.block_entries(contents)
    user_keys = [k[:-8] for k, _ in entries]
    assert user_keys == keys[: len(user_keys)]
    value = entries[0][1]
    assert value.startswith(keys[0] + b"=" + bytes(40)) and value.endswith(bytes(40))
    assert len(value) == len(keys[0]) + 89
    assert index[0][0][:-8] >= user_keys[-1]  # the index key bounds the block


def test_every_block_checks_out(db_path: str) -> None:
    data, keys = _write_table(db_path)
    seen: list[bytes] = []
    for _, handle in sstfile.index_entries(data):
        block = sstfile.read_stored_block(data, handle)
        assert block.crc_ok()
        seen += [k[:-8] for k, _ in sstfile.block_entries(sstfile.block_contents(block))]
    assert seen == keys


def test_uncompressed_tables(db_path: str) -> None:
    with Engine(db_path, compression_type="none") as db:
        for i in range(500):
            db.put(b"k%05d" % i, bytes(100))
        db.flush()
    (table,) = [f for f in os.listdir(db_path) if f.endswith(".sst")]
    data = Path(db_path, table).read_bytes()
    for _, handle in sstfile.index_entries(data):
        block = sstfile.read_stored_block(data, handle)
        assert block.type == sstfile.TYPE_NONE
        assert block.crc_ok()
