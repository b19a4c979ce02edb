"""inet/cidr and macaddr functions: abbrev, broadcast, family, host, hostmask, masklen, netmask,
network, set_masklen, text, inet_same_family, inet_merge, trunc, macaddr8_set7bit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.functions.registry import register
from orbitdb.sql.types import netops as N
from orbitdb.sql.types.pgtext.network import as_net

INET, CIDR = T.INET, T.CIDR


def _net(fn: Callable[..., Any]) -> Callable[..., Any]:
    """fn of address values; the text an inet column of an older orbitdb holds is read first."""
    def run(*args: Any) -> Any:
        return fn(*[as_net(a, False) if type(a) is str else a for a in args])

    return run


register("abbrev", [INET], T.TEXT)(_net(lambda v: N.abbrev(v, False)))
register("abbrev", [CIDR], T.TEXT)(_net(lambda v: N.abbrev(v, True)))
register("broadcast", [INET], INET)(_net(N.broadcast))
register("family", [INET], T.INT4)(_net(lambda v: v.family))
register("host", [INET], T.TEXT)(_net(N.host))
register("hostmask", [INET], INET)(_net(N.hostmask))
register("masklen", [INET], T.INT4)(_net(lambda v: v.bits))
register("netmask", [INET], INET)(_net(N.netmask))
register("network", [INET], CIDR)(_net(N.network))
register("set_masklen", [INET, T.INT4], INET)(_net(lambda v, n: N.set_masklen(v, n, False)))
register("set_masklen", [CIDR, T.INT4], CIDR)(_net(lambda v, n: N.set_masklen(v, n, True)))
register("text", [INET], T.TEXT)(_net(N.show))
register("inet_same_family", [INET, INET], T.BOOL)(_net(lambda a, b: a.family == b.family))
register("inet_merge", [INET, INET], CIDR)(_net(N.merge))
register("trunc", [T.MACADDR], T.MACADDR)(_net(N.mac_trunc))
register("trunc", [T.MACADDR8], T.MACADDR8)(_net(N.mac_trunc))
register("macaddr8_set7bit", [T.MACADDR8], T.MACADDR8)(N.mac8_set7bit)
