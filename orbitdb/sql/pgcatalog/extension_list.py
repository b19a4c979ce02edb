"""The extensions orbitdb provides (CREATE EXTENSION takes them; pg_available_extensions lists them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Available:
    version: str
    comment: str


# the versions and comments PostgreSQL 15's contrib modules install
AVAILABLE = {
    "pgcrypto": Available("1.3", "cryptographic functions"),
    "uuid-ossp": Available("1.1", "generate universally unique identifiers (UUIDs)"),
    "hstore": Available("1.8", "data type for storing sets of (key, value) pairs"),
}
BUILT_IN = "plpgsql"  # in pg_extension from the start (pg_catalog), like PostgreSQL's template1
