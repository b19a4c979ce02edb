"""A small, independent reader of orbitdb's .sst byte format (csrc/FORMAT.md), for the tests.

Footer (last 48 bytes): filter handle and index handle (offset, size as 2 x fixed64 each),
fixed32 version, fixed32 reserved, fixed64 magic. Each block of `size` bytes at `offset` is
followed by a 5-byte trailer: 1 byte type (0 = none, 1 = LZ4) + fixed32 masked CRC-32C of the
stored block bytes and the type byte. An LZ4 block is stored as varint32 uncompressed length +
raw LZ4 block. Block contents: entries (varint32 shared, varint32 unshared, varint32 value
length, key delta, value), then the fixed32 restart offsets and a fixed32 restart count.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

FOOTER_SIZE = 48
MAGIC = 0x0B17DB5571AB1E01
TRAILER_SIZE = 5
TYPE_NONE = 0
TYPE_LZ4 = 1


def _crc32c_table() -> list[int]:
    table = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


_CRC_TABLE = _crc32c_table()


def crc32c(data: bytes, crc: int = 0) -> int:
    crc ^= 0xFFFFFFFF
    for byte in data:
        crc = _CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def mask_crc(crc: int) -> int:
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """Returns (value, position after it)."""
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


@dataclass(frozen=True)
class Handle:
    offset: int
    size: int


@dataclass(frozen=True)
class Footer:
    filter: Handle
    index: Handle
    version: int
    magic: int


@dataclass(frozen=True)
class StoredBlock:
    stored: bytes  # the bytes as on disk, before the trailer
    type: int
    masked_crc: int

    def crc_ok(self) -> bool:
        return mask_crc(crc32c(self.stored + bytes([self.type]))) == self.masked_crc


def read_footer(data: bytes) -> Footer:
    f_off, f_size, i_off, i_size, version, _reserved, magic = struct.unpack("<QQQQIIQ", data[-FOOTER_SIZE:])
    return Footer(Handle(f_off, f_size), Handle(i_off, i_size), version, magic)


def read_stored_block(data: bytes, handle: Handle) -> StoredBlock:
    end = handle.offset + handle.size
    stored = data[handle.offset : end]
    (masked,) = struct.unpack("<I", data[end + 1 : end + TRAILER_SIZE])
    return StoredBlock(stored, data[end], masked)


def split_lz4(stored: bytes) -> tuple[int, bytes]:
    """An LZ4-typed block's (uncompressed length, raw LZ4 payload)."""
    length, pos = read_varint(stored, 0)
    return length, stored[pos:]


def block_contents(block: StoredBlock) -> bytes:
    if block.type == TYPE_NONE:
        return block.stored
    if block.type == TYPE_LZ4:
        import lz4.block

        length, payload = split_lz4(block.stored)
        return lz4.block.decompress(payload, uncompressed_size=length)
    raise ValueError(f"unknown block type {block.type}")


def restart_offsets(contents: bytes) -> list[int]:
    (count,) = struct.unpack("<I", contents[-4:])
    start = len(contents) - 4 - 4 * count
    return list(struct.unpack(f"<{count}I", contents[start:-4]))


def block_entries(contents: bytes) -> list[tuple[bytes, bytes]]:
    """All (key, value) entries of a block, keys reconstructed from their shared prefixes."""
    (count,) = struct.unpack("<I", contents[-4:])
    limit = len(contents) - 4 - 4 * count
    entries: list[tuple[bytes, bytes]] = []
    pos, key = 0, b""
    while pos < limit:
        shared, pos = read_varint(contents, pos)
        unshared, pos = read_varint(contents, pos)
        vlen, pos = read_varint(contents, pos)
        key = key[:shared] + contents[pos : pos + unshared]
        pos += unshared
        entries.append((key, contents[pos : pos + vlen]))
        pos += vlen
    return entries


def decode_handle(value: bytes) -> Handle:
    offset, pos = read_varint(value, 0)
    size, _ = read_varint(value, pos)
    return Handle(offset, size)


def index_entries(data: bytes) -> list[tuple[bytes, Handle]]:
    """(last key of the data block, its handle), in file order."""
    footer = read_footer(data)
    contents = block_contents(read_stored_block(data, footer.index))
    return [(key, decode_handle(value)) for key, value in block_entries(contents)]
