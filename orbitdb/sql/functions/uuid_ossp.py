"""uuid-ossp's functions, as PostgreSQL 15's uuid-ossp 1.1 gives them (uuid_generate_v4 is with
gen_random_uuid in system.py)."""

from __future__ import annotations

import hashlib
import secrets
import uuid

from orbitdb.sql import types as T
from orbitdb.sql.functions.registry import register

UUID, TEXT = T.UUID, T.TEXT


@register("uuid_nil", [], UUID)
def uuid_nil() -> uuid.UUID:
    return uuid.UUID(int=0)


register("uuid_ns_dns", [], UUID)(lambda: uuid.NAMESPACE_DNS)
register("uuid_ns_url", [], UUID)(lambda: uuid.NAMESPACE_URL)
register("uuid_ns_oid", [], UUID)(lambda: uuid.NAMESPACE_OID)
register("uuid_ns_x500", [], UUID)(lambda: uuid.NAMESPACE_X500)


@register("uuid_generate_v1", [], UUID, volatile=True)
def uuid_generate_v1() -> uuid.UUID:
    return uuid.uuid1()


@register("uuid_generate_v1mc", [], UUID, volatile=True)
def uuid_generate_v1mc() -> uuid.UUID:
    """A time-based UUID with a random multicast node address instead of the host's MAC."""
    return uuid.uuid1(node=secrets.randbits(48) | (1 << 40))


def _name_based(namespace: uuid.UUID, name: str, algo: str, version: int) -> uuid.UUID:
    h = hashlib.new(algo, namespace.bytes + name.encode("utf-8")).digest()[:16]
    return uuid.UUID(bytes=h, version=version)


@register("uuid_generate_v3", [UUID, TEXT], UUID)
def uuid_generate_v3(namespace: uuid.UUID, name: str) -> uuid.UUID:
    return _name_based(namespace, name, "md5", 3)


@register("uuid_generate_v5", [UUID, TEXT], UUID)
def uuid_generate_v5(namespace: uuid.UUID, name: str) -> uuid.UUID:
    return _name_based(namespace, name, "sha1", 5)
