"""Which clients must use TLS: `[security] require_tls = true` refuses plain (unencrypted)
connections, as a pg_hba.conf with only `hostssl` lines does; `allow_plain_from` lists the
client networks still allowed to connect in the clear (a `host` line for each).

The check runs after the startup packet, before authentication, and answers PostgreSQL's
FATAL 28000 "no pg_hba.conf entry for host ..., no encryption". A client that asked for TLS
(sslmode=prefer, the libpq default) gets it; one whose SSLRequest was stripped on the way (a
downgrade) reaches this check in the clear and is refused, so it cannot be made to talk in the
clear.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from orbitdb.sql.errors import SqlError

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: list[str], where: str) -> tuple[Network, ...]:
    """CIDR networks ("10.0.0.0/8", "::1/128", or a bare address); ValueError naming where."""
    out = []
    for value in values:
        try:
            out.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f'{where}: "{value}" is not an IP address or network (like "10.0.0.0/8")') from None
    return tuple(out)


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # an IPv4 client of a dual-stack socket
    return address


class TlsRequired(SqlError):
    """FATAL 28000 for a plain connection that must use TLS."""

    def __init__(self, host: str, user: str, database: str) -> None:
        super().__init__(
            "28000",
            f'no pg_hba.conf entry for host "{host}", user "{user}", database "{database}", no encryption',
            severity="FATAL",
        )


@dataclass(frozen=True)
class TransportPolicy:
    require_tls: bool = False
    allow_plain_from: tuple[Network, ...] = ()

    def check(self, host: str, tls: bool, user: str, database: str) -> None:
        """Raises FATAL 28000 when a plain connection from host is not allowed."""
        if tls or not self.require_tls:
            return
        address = _address(host)
        if address is not None and any(address in network for network in self.allow_plain_from):
            return
        raise TlsRequired(host, user, database)
