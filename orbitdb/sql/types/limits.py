"""PostgreSQL's size limits, with its errors: array dimensions and sizes, and the 1 GB bound on a
value. Results are checked against them before they are built, so that a request for a huge
value fails at once instead of first taking the memory."""

from __future__ import annotations

from typing import Any

from orbitdb.sql.errors import SqlError

PROGRAM_LIMIT_EXCEEDED = "54000"
MAXDIM = 6  # dimensions of an array
MAX_ARRAY_SIZE = 134217727  # elements of an array (MaxAllocSize / sizeof(Datum))
MAX_ALLOC_SIZE = 0x3FFFFFFF  # bytes of one value (MaxAllocSize, 1 GB - 1)
INT4_MAX = 2147483647


def too_many_dimensions(ndims: int) -> SqlError:
    return SqlError(PROGRAM_LIMIT_EXCEEDED,
                    f"number of array dimensions ({ndims}) exceeds the maximum allowed ({MAXDIM})")


def check_dimensions(ndims: int) -> None:
    if ndims > MAXDIM:
        raise too_many_dimensions(ndims)


def array_depth(value: Any) -> int:
    """The number of dimensions of an array held as nested lists (its first elements tell: the
    sub-arrays of an array all have the same shape)."""
    depth = 0
    while isinstance(value, list):
        depth += 1
        if not value:
            break
        value = value[0]
    return depth


def check_array_depth(value: list[Any]) -> list[Any]:
    """value, or 54000 when it has more than six dimensions."""
    depth = array_depth(value)
    if depth > MAXDIM:
        raise too_many_dimensions(depth)
    return value


def check_lower_bound(length: int, lower: int) -> None:
    """PostgreSQL's ArrayCheckBounds: the upper bound must fit in an int4."""
    if length + lower > INT4_MAX:
        raise SqlError(PROGRAM_LIMIT_EXCEEDED, f"array lower bound is too large: {lower}")


def requested_length_too_large() -> SqlError:
    """What repeat, lpad, rpad and friends say when their result would pass 1 GB."""
    return SqlError(PROGRAM_LIMIT_EXCEEDED, "requested length too large")


def string_buffer_too_large(have: int, more: int) -> SqlError:
    """What a value built piece by piece (format, string_agg, array_to_string, concat...) says
    when it would pass 1 GB (PostgreSQL's enlargeStringInfo)."""
    return SqlError(PROGRAM_LIMIT_EXCEEDED, "out of memory",
                    detail=f"Cannot enlarge string buffer containing {have} bytes by {more} more bytes.")


def check_text_size(nbytes: int) -> None:
    """54000 for a text or bytea value that would be larger than PostgreSQL's 1 GB."""
    if nbytes > MAX_ALLOC_SIZE - 4:  # the 4-byte varlena header is part of the allocation
        raise requested_length_too_large()


def invalid_alloc_request(nbytes: int) -> SqlError:
    """What PostgreSQL says when one allocation would pass 1 GB (|| of two long values,
    quote_literal of one): its XX000, with the size asked for."""
    return SqlError("XX000", f"invalid memory alloc request size {nbytes}")


def text_bytes(s: str) -> int:
    """The UTF-8 size of a text value, as PostgreSQL measures it."""
    return len(s) if s.isascii() else len(s.encode("utf-8"))


def _surely_fits(nchars: int) -> bool:
    """Whether nchars characters are below 1 GB whatever they are (at most 4 bytes each)."""
    return nchars * 4 < MAX_ALLOC_SIZE - 4


class TextBuffer:
    """A text value built piece by piece as PostgreSQL builds one in a StringInfo: a piece that
    would take it past 1 GB is 54000 "out of memory", before anything is copied."""

    __slots__ = ("parts", "size")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0  # bytes

    def _grow(self, more: int) -> None:
        if more >= MAX_ALLOC_SIZE - self.size:
            raise string_buffer_too_large(self.size, more)
        self.size += more

    def append(self, piece: str) -> None:
        self._grow(text_bytes(piece))
        self.parts.append(piece)

    def spaces(self, count: int) -> None:
        self._grow(count)
        self.parts.append(" " * count)

    def text(self) -> str:
        return "".join(self.parts)


def join_text(pieces: list[str], sep: str = "") -> str:
    """sep.join(pieces), bounded as PostgreSQL bounds a value it builds piece by piece (54000
    past 1 GB, naming the sizes where it stopped)."""
    if _surely_fits(sum(map(len, pieces)) + len(sep) * max(len(pieces) - 1, 0)):
        return sep.join(pieces)
    buffer = TextBuffer()
    for i, piece in enumerate(pieces):
        if i and sep:
            buffer.append(sep)
        buffer.append(piece)
    return buffer.text()


def concat_text(a: str, b: str) -> str:
    """a || b: PostgreSQL allocates the result at once, so past 1 GB it is its XX000."""
    if not _surely_fits(len(a) + len(b)):
        size = text_bytes(a) + text_bytes(b) + 4
        if size > MAX_ALLOC_SIZE:
            raise invalid_alloc_request(size)
    return a + b


def concat_bytes(a: bytes, b: bytes) -> bytes:
    size = len(a) + len(b) + 4
    if size > MAX_ALLOC_SIZE:
        raise invalid_alloc_request(size)
    return a + b


def replace_text(s: str, old: str, new: str) -> str:
    """replace(): built piece by piece in PostgreSQL, so bounded as join_text is."""
    count = s.count(old)
    if _surely_fits(len(s) + count * (len(new) - len(old))):
        return s.replace(old, new)
    pieces: list[str] = []
    start = 0
    for _ in range(count):
        hit = s.index(old, start)
        pieces.append(s[start:hit])
        pieces.append(new)
        start = hit + len(old)
    pieces.append(s[start:])
    buffer = TextBuffer()
    for piece in pieces:
        if piece:
            buffer.append(piece)
    return buffer.text()
