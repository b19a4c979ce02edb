"""pg_prepared_xacts (the database's prepared transactions), pg_largeobject and
pg_largeobject_metadata (its large objects, as the running transaction sees them)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from orbitdb.sql.pgcatalog.base import Env, Row, RowMaker, producer


@producer("pg_catalog", "pg_prepared_xacts")
def _pg_prepared_xacts(env: Env, make: RowMaker) -> Iterator[Row]:
    store = getattr(env.session, "store", None)
    if store is None:
        return
    for p in store.prepared.listing():
        prepared = datetime.datetime.fromtimestamp(p.prepared_at, datetime.timezone.utc)
        yield make(transaction=p.xid, gid=p.gid, prepared=prepared, owner=p.owner, database=p.database)
