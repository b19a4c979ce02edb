"""A small, independent reader of orbitdb's record log format (csrc/FORMAT.md), for the tests.

A log is a sequence of 32 KiB blocks. A record is one or more fragments that never cross a block
boundary, each a 7-byte header (fixed32 masked CRC-32C of the type byte and payload, fixed16
payload length, type byte: 1 FULL, 2 FIRST, 3 MIDDLE, 4 LAST) and its payload. A block tail
shorter than a header is zero padding. WAL records are write batches: fixed64 sequence,
fixed32 count, then the records.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from sstfile import crc32c, mask_crc

BLOCK_SIZE = 32768
HEADER_SIZE = 7
FULL, FIRST, MIDDLE, LAST = 1, 2, 3, 4


@dataclass(frozen=True)
class Fragment:
    offset: int  # of its header
    type: int
    length: int

    @property
    def end(self) -> int:
        return self.offset + HEADER_SIZE + self.length


@dataclass(frozen=True)
class Record:
    fragments: tuple[Fragment, ...]
    payload: bytes

    @property
    def start(self) -> int:
        return self.fragments[0].offset

    @property
    def end(self) -> int:
        return self.fragments[-1].end

    @property
    def sequence(self) -> int:
        """The first sequence number of the write batch this WAL record holds."""
        return int(struct.unpack_from("<Q", self.payload)[0])


def read_records(data: bytes) -> list[Record]:
    """Every record of an undamaged log; raises ValueError on any damage."""
    records: list[Record] = []
    pending: list[Fragment] = []
    payload = b""
    pos = 0
    while pos < len(data):
        room = BLOCK_SIZE - pos % BLOCK_SIZE
        if room < HEADER_SIZE:
            if data[pos : pos + room] != bytes(room):
                raise ValueError(f"non-zero padding at {pos}")
            pos += room
            continue
        if len(data) - pos < HEADER_SIZE:
            raise ValueError(f"truncated header at {pos}")
        masked, length, type_ = struct.unpack_from("<IHB", data, pos)
        body = data[pos + HEADER_SIZE : pos + HEADER_SIZE + length]
        if HEADER_SIZE + length > room or len(body) != length:
            raise ValueError(f"fragment at {pos} does not fit")
        if mask_crc(crc32c(bytes([type_]) + body)) != masked:
            raise ValueError(f"bad checksum at {pos}")
        if (type_ in (FULL, FIRST)) != (not pending):
            raise ValueError(f"fragment of type {type_} out of order at {pos}")
        pending.append(Fragment(pos, type_, length))
        payload += body
        if type_ in (FULL, LAST):
            records.append(Record(tuple(pending), payload))
            pending, payload = [], b""
        pos += HEADER_SIZE + length
    if pending:
        raise ValueError("the log ends inside a record")
    return records
