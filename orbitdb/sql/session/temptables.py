"""What happens to temporary tables at commit (ON COMMIT DELETE ROWS / DROP) and when
their session ends or runs DISCARD TEMP: their rows, index entries and catalog
entries go, through the session's transaction like any other change."""

from __future__ import annotations

from orbitdb.storage.catalog import SchemaDef, SequenceDef, TableDef
from orbitdb.storage.tables import TableAccess
from orbitdb.storage.temp import is_temp_oid
from orbitdb.storage.txn import Transaction


def _delete_rows(txn: Transaction, t: TableDef) -> None:
    TableAccess(t).clear(txn)


def _temp_tables(txn: Transaction) -> list[TableDef]:
    return [o for oid, o in txn.catalog.objects.items() if is_temp_oid(oid) and isinstance(o, TableDef)]


def drop_temp_tables(txn: Transaction, tables: list[TableDef], schema_too: bool = False) -> None:
    cat = txn.writable_catalog()
    for t in tables:
        if t.kind != "v":
            _delete_rows(txn, t)
        cat.remove(t.oid)
        for oid, o in list(cat.objects.items()):
            if isinstance(o, SequenceDef) and o.owned_by is not None and o.owned_by[0] == t.oid:
                cat.remove(oid)
    if schema_too:
        for oid, o in list(cat.objects.items()):
            if is_temp_oid(oid):
                cat.remove(oid)


def on_commit(txn: Transaction) -> None:
    """Before a commit: ON COMMIT DELETE ROWS empties, ON COMMIT DROP drops."""
    tables = _temp_tables(txn)
    for t in tables:
        if t.on_commit == "delete":
            _delete_rows(txn, t)
    dropping = [t for t in tables if t.on_commit == "drop"]
    if dropping:
        drop_temp_tables(txn, dropping)


def drop_all(txn: Transaction) -> None:
    """Every temporary object of the session (DISCARD TEMP, end of session)."""
    drop_temp_tables(txn, _temp_tables(txn), schema_too=True)


__all__ = ["SchemaDef", "drop_all", "drop_temp_tables", "on_commit"]
