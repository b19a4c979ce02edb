"""The inet/cidr and macaddr operators and functions, as PostgreSQL's network.c and mac.c:
subnet containment (<< <<= >> >>= &&), bitwise ~ & |, address arithmetic, and the functions
(host, network, broadcast, netmask, hostmask, masklen, set_masklen, family, abbrev, ...)."""

from __future__ import annotations

from orbitdb.sql.errors import SqlError
from orbitdb.sql.types.pgtext.network import abbrev_cidr, address_text, format_inet, format_show
from orbitdb.storage.netaddr import MacAddress, NetAddress


def _prefix_equal(a: NetAddress, b: NetAddress, bits: int) -> bool:
    shift = a.max_bits - bits
    return (a.addr >> shift) == (b.addr >> shift)


def subnet(a: NetAddress, b: NetAddress, strict: bool, inner_left: bool = True) -> bool:
    """a << b (strict) or a <<= b: a lies within network b; with inner_left False, b within a."""
    inner, outer = (a, b) if inner_left else (b, a)
    if inner.family != outer.family:
        return False
    if inner.bits < outer.bits or (strict and inner.bits == outer.bits):
        return False
    return _prefix_equal(inner, outer, outer.bits)


def overlap(a: NetAddress, b: NetAddress) -> bool:
    """a && b: either network contains the other."""
    return a.family == b.family and _prefix_equal(a, b, min(a.bits, b.bits))


def _all_ones(v: NetAddress) -> int:
    return (1 << v.max_bits) - 1


def bit_not(v: NetAddress) -> NetAddress:
    return NetAddress(v.family, ~v.addr & _all_ones(v), v.bits)


def _same_family(a: NetAddress, b: NetAddress, what: str) -> None:
    if a.family != b.family:
        raise SqlError("22000", f"cannot {what} inet values of different sizes")


def bit_and(a: NetAddress, b: NetAddress) -> NetAddress:
    _same_family(a, b, "AND")
    return NetAddress(a.family, a.addr & b.addr, max(a.bits, b.bits))


def bit_or(a: NetAddress, b: NetAddress) -> NetAddress:
    _same_family(a, b, "OR")
    return NetAddress(a.family, a.addr | b.addr, max(a.bits, b.bits))


def plus(v: NetAddress, n: int) -> NetAddress:
    out = v.addr + n
    if out < 0 or out > _all_ones(v):
        raise SqlError("22003", "result is out of range")
    return NetAddress(v.family, out, v.bits)


def minus(a: NetAddress, b: NetAddress) -> int:
    if a.family != b.family:
        raise SqlError("22000", "cannot subtract inet values of different sizes")
    diff = a.addr - b.addr
    if not -(2**63) <= diff < 2**63:
        raise SqlError("22003", "result is out of range")
    return diff


def network(v: NetAddress) -> NetAddress:
    return NetAddress(v.family, v.addr & v.mask(), v.bits)


def broadcast(v: NetAddress) -> NetAddress:
    return NetAddress(v.family, v.addr | (~v.mask() & _all_ones(v)), v.bits)


def netmask(v: NetAddress) -> NetAddress:
    return NetAddress(v.family, v.mask(), v.max_bits)


def hostmask(v: NetAddress) -> NetAddress:
    return NetAddress(v.family, ~v.mask() & _all_ones(v), v.max_bits)


def set_masklen(v: NetAddress, bits: int, cidr: bool) -> NetAddress:
    if bits == -1:
        bits = v.max_bits
    if bits < 0 or bits > v.max_bits:
        raise SqlError("22023", f"invalid mask length: {bits}")
    out = NetAddress(v.family, v.addr, bits)
    return network(out) if cidr else out


def host(v: NetAddress) -> str:
    return address_text(v)


def abbrev(v: NetAddress, cidr: bool) -> str:
    return abbrev_cidr(v) if cidr else format_inet(v)


def show(v: NetAddress) -> str:
    return format_show(v)


def merge(a: NetAddress, b: NetAddress) -> NetAddress:
    """inet_merge: the smallest network containing both."""
    if a.family != b.family:
        raise SqlError("22000", "cannot merge addresses from different families")
    bits = min(a.bits, b.bits)
    while bits > 0 and not _prefix_equal(a, b, bits):
        bits -= 1
    return network(NetAddress(a.family, a.addr, bits))


def to_cidr(v: NetAddress) -> NetAddress:
    return network(v)


def mac_trunc(v: MacAddress) -> MacAddress:
    keep = 3
    return MacAddress(v.raw[:keep] + bytes(len(v.raw) - keep))


def mac_to_mac8(v: MacAddress) -> MacAddress:
    return MacAddress(v.raw[:3] + b"\xff\xfe" + v.raw[3:])


def mac8_to_mac(v: MacAddress) -> MacAddress:
    if v.raw[3:5] != b"\xff\xfe":
        raise SqlError("22003", "macaddr8 data out of range to convert to macaddr",
                       hint="Only addresses that have FF and FE as values in the 4th and 5th bytes from the left, "
                            "for example xx:xx:xx:ff:fe:xx:xx:xx, are eligible to be converted from macaddr8 to "
                            "macaddr.")
    return MacAddress(v.raw[:3] + v.raw[5:])


def mac8_set7bit(v: MacAddress) -> MacAddress:
    return MacAddress(bytes([v.raw[0] | 0x02]) + v.raw[1:])


def mac_not(v: MacAddress) -> MacAddress:
    return MacAddress(bytes(~b & 0xFF for b in v.raw))


def mac_and(a: MacAddress, b: MacAddress) -> MacAddress:
    return MacAddress(bytes(x & y for x, y in zip(a.raw, b.raw)))


def mac_or(a: MacAddress, b: MacAddress) -> MacAddress:
    return MacAddress(bytes(x | y for x, y in zip(a.raw, b.raw)))
