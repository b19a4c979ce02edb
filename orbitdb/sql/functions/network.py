"""inet/cidr and macaddr functions: abbrev, broadcast, family, host, hostmask, masklen, netmask,
network, set_masklen, text, inet_same_family, inet_merge, trunc, macaddr8_set7bit."""

from __future__ import annotations

from orbitdb.sql import types as T
from orbitdb.sql.functions.registry import register
from orbitdb.sql.types import netops as N

INET, CIDR = T.INET, T.CIDR

register("abbrev", [INET], T.TEXT)(lambda v: N.abbrev(v, False))
register("abbrev", [CIDR], T.TEXT)(lambda v: N.abbrev(v, True))
register("broadcast", [INET], INET)(N.broadcast)
register("family", [INET], T.INT4)(lambda v: v.family)
register("host", [INET], T.TEXT)(N.host)
register("hostmask", [INET], INET)(N.hostmask)
register("masklen", [INET], T.INT4)(lambda v: v.bits)
register("netmask", [INET], INET)(N.netmask)
register("network", [INET], CIDR)(N.network)
register("set_masklen", [INET, T.INT4], INET)(lambda v, n: N.set_masklen(v, n, False))
register("set_masklen", [CIDR, T.INT4], CIDR)(lambda v, n: N.set_masklen(v, n, True))
register("text", [INET], T.TEXT)(N.show)
register("inet_same_family", [INET, INET], T.BOOL)(lambda a, b: a.family == b.family)
register("inet_merge", [INET, INET], CIDR)(N.merge)
register("trunc", [T.MACADDR], T.MACADDR)(N.mac_trunc)
register("trunc", [T.MACADDR8], T.MACADDR8)(N.mac_trunc)
register("macaddr8_set7bit", [T.MACADDR8], T.MACADDR8)(N.mac8_set7bit)
