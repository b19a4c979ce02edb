"""inet, cidr, macaddr and macaddr8 text forms as PostgreSQL's network_in/out and macaddr_in/out:
IPv4 dotted quads (abbreviated, with classful default masks, for cidr), IPv6 in RFC 5952 form
with an embedded IPv4 tail where inet_ntop writes one, MAC addresses in their common notations."""

from __future__ import annotations

import ipaddress
import re

from orbitdb.sql.errors import SqlError
from orbitdb.sql.types.pgtext.errors import INVALID_TEXT_REPRESENTATION
from orbitdb.storage.netaddr import MacAddress, NetAddress

INET, CIDR, MACADDR, MACADDR8 = 869, 650, 829, 774
_V4_PART = re.compile(r"^(\d{1,3})(?:\.(\d{1,3}))?(?:\.(\d{1,3}))?(?:\.(\d{1,3}))?$")


def _invalid(type_name: str, text: str) -> SqlError:
    return SqlError(INVALID_TEXT_REPRESENTATION, f'invalid input syntax for type {type_name}: "{text}"')


def _classful_bits(first: int, octets: int) -> int:
    """inet_cidr_pton_ipv4's mask for a cidr written without one."""
    if first >= 240:
        bits = 32
    elif first >= 224:
        bits = 8
    elif first >= 192:
        bits = 24
    elif first >= 128:
        bits = 16
    else:
        bits = 8
    bits = max(bits, octets * 8)
    if bits == 8 and first == 224:
        bits = 4
    return bits


def parse_net(text: str, cidr: bool) -> NetAddress:
    """network_in: an inet (cidr False) or a cidr, with PostgreSQL's errors."""
    type_name = "cidr" if cidr else "inet"
    addr_text, slash, bits_text = text.partition("/")
    bits: int | None = None
    if slash:
        if not bits_text.isdigit() or len(bits_text) > 3:
            raise _invalid(type_name, text)
        bits = int(bits_text)
    if ":" in addr_text:
        try:
            addr = int(ipaddress.IPv6Address(addr_text))
        except ValueError:
            raise _invalid(type_name, text) from None
        family, max_bits = 6, 128
        if bits is None:
            bits = 128
    else:
        m = _V4_PART.match(addr_text)
        if m is None:
            raise _invalid(type_name, text)
        octets = [int(g) for g in m.groups() if g is not None]
        if any(o > 255 for o in octets) or (not cidr and bits is None and len(octets) != 4):
            raise _invalid(type_name, text)
        family, max_bits = 4, 32
        addr = int.from_bytes(bytes(octets + [0] * (4 - len(octets))), "big")
        if bits is None:
            bits = _classful_bits(octets[0], len(octets)) if cidr else 32
    if bits > max_bits:
        raise _invalid(type_name, text)
    value = NetAddress(family, addr, bits)
    if cidr and value.addr & ~value.mask() & ((1 << max_bits) - 1):
        raise SqlError(INVALID_TEXT_REPRESENTATION, f'invalid cidr value: "{text}"',
                       detail="Value has bits set to right of mask.")
    return value


def as_net(v: NetAddress | str, cidr: bool) -> NetAddress:
    """A network value; an inet column of a database written before orbitdb had the type holds
    its text, read here."""
    return v if isinstance(v, NetAddress) else parse_net(v, cidr)


def address_text(v: NetAddress) -> str:
    """The address alone, as inet_ntop writes it."""
    if v.family == 4:
        return str(ipaddress.IPv4Address(v.addr))
    words = [(v.addr >> (112 - 16 * i)) & 0xFFFF for i in range(8)]
    tail = v.addr & 0xFFFFFFFF
    if words[:5] == [0] * 5 and words[5] == 0xFFFF:
        return "::ffff:" + str(ipaddress.IPv4Address(tail))
    if words[:6] == [0] * 6 and words[6] != 0:
        return "::" + str(ipaddress.IPv4Address(tail))
    return ipaddress.IPv6Address(v.addr).compressed


def format_inet(v: NetAddress) -> str:
    """inet_out: the mask length only when it is not the whole address."""
    text = address_text(v)
    return text if v.bits == v.max_bits else f"{text}/{v.bits}"


def format_cidr(v: NetAddress) -> str:
    return f"{address_text(v)}/{v.bits}"


def format_show(v: NetAddress) -> str:
    """text(inet): the address and mask length always."""
    return f"{address_text(v)}/{v.bits}"


def abbrev_cidr(v: NetAddress) -> str:
    """abbrev(cidr): an IPv4 network with only the octets its mask covers."""
    if v.family == 6:
        return format_cidr(v)
    raw = v.packed()
    parts = [str(b) for b in raw[: v.bits // 8]]
    if v.bits % 8:
        m = ((1 << (v.bits % 8)) - 1) << (8 - v.bits % 8)
        parts.append(str(raw[v.bits // 8] & m))
    return ".".join(parts or ["0"]) + f"/{v.bits}"


_MAC_FORMS = [
    re.compile(p) for p in (
        r"^([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2}):([0-9a-f]{2})$",
        r"^([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})-([0-9a-f]{2})$",
        r"^([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2}):([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$",
        r"^([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})-([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$",
        r"^([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})\.([0-9a-f]{2})([0-9a-f]{2})$",
        r"^([0-9a-f]{2})([0-9a-f]{2})-([0-9a-f]{2})([0-9a-f]{2})-([0-9a-f]{2})([0-9a-f]{2})$",
        r"^([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$",
    )
]


def parse_macaddr(text: str) -> MacAddress:
    """macaddr_in: six bytes in one of PostgreSQL's seven notations."""
    s = text.strip().lower()
    for form in _MAC_FORMS:
        m = form.match(s)
        if m is not None:
            return MacAddress(bytes(int(g, 16) for g in m.groups()))
    raise _invalid("macaddr", text)


def parse_macaddr8(text: str) -> MacAddress:
    """macaddr8_in: 6 or 8 bytes, pairs of hex digits with ':', '-' or '.' between any of them;
    a 6-byte address becomes its EUI-64 form (ff:fe in the middle)."""
    s = text.strip()
    out: list[int] = []
    pos, sep = 0, None
    while pos < len(s):
        pair = s[pos:pos + 2]
        if len(pair) != 2 or any(c not in "0123456789abcdefABCDEF" for c in pair):
            raise _invalid("macaddr8", text)
        out.append(int(pair, 16))
        pos += 2
        if pos < len(s) and s[pos] in ":-.":
            if sep is not None and s[pos] != sep:
                raise _invalid("macaddr8", text)
            sep = s[pos]
            pos += 1
            if pos == len(s):
                raise _invalid("macaddr8", text)
    if len(out) == 6:
        out = out[:3] + [0xFF, 0xFE] + out[3:]
    if len(out) != 8:
        raise _invalid("macaddr8", text)
    return MacAddress(bytes(out))


def format_mac(v: MacAddress) -> str:
    return v.raw.hex(":")
