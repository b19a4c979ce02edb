"""pg_prepared_xacts (the database's prepared transactions), pg_largeobject and
pg_largeobject_metadata (its large objects, as the running transaction sees them)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

from orbitdb.sql.pgcatalog.base import Env, Row, RowMaker, producer
from orbitdb.storage import largeobjects


@producer("pg_catalog", "pg_prepared_xacts")
def _pg_prepared_xacts(env: Env, make: RowMaker) -> Iterator[Row]:
    store = getattr(env.session, "store", None)
    if store is None:
        return
    for p in store.prepared.listing():
        prepared = datetime.datetime.fromtimestamp(p.prepared_at, datetime.timezone.utc)
        yield make(transaction=p.xid, gid=p.gid, prepared=prepared, owner=p.owner, database=p.database)


@producer("pg_catalog", "pg_largeobject_metadata")
def _pg_largeobject_metadata(env: Env, make: RowMaker) -> Iterator[Row]:
    txn = getattr(env.session, "txn", None)
    if txn is None:
        return
    for loid, owner in largeobjects.listing(txn):
        yield make(oid=loid, lomowner=env.role_oid(owner), lomacl=None)


@producer("pg_catalog", "pg_largeobject")
def _pg_largeobject(env: Env, make: RowMaker) -> Iterator[Row]:
    txn = getattr(env.session, "txn", None)
    if txn is None:
        return
    for loid, page, data in largeobjects.pages(txn):
        yield make(loid=loid, pageno=page, data=data)


# the large-object functions' pg_proc rows, with PostgreSQL 15's oids: libpq looks them up by name
# (lo_initialize) and calls them by oid with the FunctionCall message
LARGE_OBJECT_PROCS: tuple[tuple[int, str, tuple[int, ...], int], ...] = (
    (715, "lo_create", (26,), 26), (764, "lo_import", (25,), 26), (765, "lo_export", (26, 25), 23),
    (767, "lo_import", (25, 26), 26), (952, "lo_open", (26, 23), 23), (953, "lo_close", (23,), 23),
    (954, "loread", (23, 23), 17), (955, "lowrite", (23, 17), 23), (956, "lo_lseek", (23, 23, 23), 23),
    (957, "lo_creat", (23,), 26), (958, "lo_tell", (23,), 23), (964, "lo_unlink", (26,), 23),
    (1004, "lo_truncate", (23, 23), 23), (3170, "lo_lseek64", (23, 20, 23), 20), (3171, "lo_tell64", (23,), 20),
    (3172, "lo_truncate64", (23, 20), 23), (3457, "lo_from_bytea", (26, 17), 26), (3458, "lo_get", (26,), 17),
    (3459, "lo_get", (26, 20, 23), 17), (3460, "lo_put", (26, 20, 17), 2278),
)
_SRC = {715: "be_lo_create", 764: "be_lo_import", 765: "be_lo_export", 767: "be_lo_import_with_oid",
        952: "be_lo_open", 953: "be_lo_close", 954: "be_loread", 955: "be_lowrite", 956: "be_lo_lseek",
        957: "be_lo_creat", 958: "be_lo_tell", 964: "be_lo_unlink", 1004: "be_lo_truncate", 3170: "be_lo_lseek64",
        3171: "be_lo_tell64", 3172: "be_lo_truncate64", 3457: "be_lo_from_bytea", 3458: "be_lo_get",
        3459: "be_lo_get_fragment", 3460: "be_lo_put"}


def large_object_proc_rows() -> list[dict[str, object]]:
    return [{"oid": oid, "proname": name, "pronamespace": 11, "proowner": 10, "prolang": 12, "procost": 1.0,
             "prorows": 0.0, "provariadic": 0, "prosupport": 0, "prokind": "f", "prosecdef": False,
             "proleakproof": False, "proisstrict": True, "proretset": False, "provolatile": "v",
             "proparallel": "u", "pronargs": len(args), "pronargdefaults": 0, "prorettype": ret,
             "proargtypes": list(args), "prosrc": _SRC[oid]}
            for oid, name, args, ret in LARGE_OBJECT_PROCS]
