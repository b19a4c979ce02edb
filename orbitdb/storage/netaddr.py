"""Values of PostgreSQL's network types: inet/cidr addresses (family 4 or 6, the address as an
int, the netmask length) and macaddr/macaddr8 (their bytes). They order as PostgreSQL orders
them: inet and cidr by family, then network part, then mask length, then the whole address."""

from __future__ import annotations

from typing import Any


class NetAddress:
    """An inet or cidr value (which of the two is the column's type, not the value's)."""

    __slots__ = ("addr", "bits", "family")

    def __init__(self, family: int, addr: int, bits: int) -> None:
        self.family = family
        self.addr = addr
        self.bits = bits

    @property
    def max_bits(self) -> int:
        return 32 if self.family == 4 else 128

    def mask(self) -> int:
        m = self.max_bits
        return ((1 << self.bits) - 1) << (m - self.bits) if self.bits else 0

    def packed(self, value: int | None = None) -> bytes:
        return (self.addr if value is None else value).to_bytes(self.max_bits // 8, "big")

    def sort_key(self) -> tuple[Any, ...]:
        # PostgreSQL compares the common prefix, then the mask length, then the whole address;
        # the network part (host bits cleared) then the length orders the same way
        return (self.family, self.packed(self.addr & self.mask()), self.bits, self.packed())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NetAddress):
            return NotImplemented
        return (self.family, self.addr, self.bits) == (other.family, other.addr, other.bits)

    def __hash__(self) -> int:
        return hash((self.family, self.addr, self.bits))

    def __lt__(self, other: NetAddress) -> bool:
        return self.sort_key() < other.sort_key()

    def __le__(self, other: NetAddress) -> bool:
        return self.sort_key() <= other.sort_key()

    def __gt__(self, other: NetAddress) -> bool:
        return self.sort_key() > other.sort_key()

    def __ge__(self, other: NetAddress) -> bool:
        return self.sort_key() >= other.sort_key()

    def __repr__(self) -> str:
        return f"NetAddress({self.family}, {self.addr:#x}, {self.bits})"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (NetAddress, (self.family, self.addr, self.bits))


class MacAddress:
    """A macaddr (6 bytes) or macaddr8 (8 bytes) value."""

    __slots__ = ("raw",)

    def __init__(self, raw: bytes) -> None:
        self.raw = bytes(raw)

    def sort_key(self) -> bytes:
        return self.raw

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MacAddress) and self.raw == other.raw

    def __hash__(self) -> int:
        return hash(self.raw)

    def __lt__(self, other: MacAddress) -> bool:
        return self.raw < other.raw

    def __le__(self, other: MacAddress) -> bool:
        return self.raw <= other.raw

    def __gt__(self, other: MacAddress) -> bool:
        return self.raw > other.raw

    def __ge__(self, other: MacAddress) -> bool:
        return self.raw >= other.raw

    def __repr__(self) -> str:
        return f"MacAddress({self.raw.hex(':')!r})"

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (MacAddress, (self.raw,))
