"""`orbitdb check` of a database's SQL catalog, read through a read-only view of its engine
directory: every catalog entry decodes and is stored under its own oid; the tables, indexes,
constraints and sequences it names are consistent with each other; every row and index entry in
the engine belongs to a table or index the catalog has; the storage format record is current."""

from __future__ import annotations

from collections.abc import Iterator

from orbitdb._engine import ReadOnlyView
from orbitdb.ops.findings import Finding
from orbitdb.storage.catalog import Catalog, SequenceDef, TableDef, decode_object
from orbitdb.storage.keyspace import (
    CATALOG_PREFIX,
    FORMAT_KEY,
    INDEX_PREFIX,
    NEXT_OID_KEY,
    STORAGE_FORMAT,
    TABLE_PREFIX,
    TEMP_OID_BASE,
    prefix_end,
    sequence_key,
)


def load_catalog(view: ReadOnlyView, database: str, out: list[Finding]) -> Catalog | None:
    """The catalog, each entry that does not decode reported; None when none could be read."""
    good: list[tuple[bytes, bytes]] = []
    for key, value in view.items(CATALOG_PREFIX, prefix_end(CATALOG_PREFIX)):
        oid = int.from_bytes(key[len(CATALOG_PREFIX):], "big")
        where = f"catalog entry {key.hex()}"
        if len(key) != len(CATALOG_PREFIX) + 8:
            out.append(Finding(True, database, "catalog", f"{where}: a key of {len(key)} bytes, not 10"))
            continue
        try:
            obj = decode_object(value)
        except Exception as exc:  # noqa: BLE001 - any decoding failure is damage to report, not to raise
            out.append(Finding(True, database, "catalog", f"entry of oid {oid} does not decode: {exc}"))
            continue
        if key == NEXT_OID_KEY:
            if not isinstance(obj, int):
                out.append(Finding(True, database, "catalog", "the next-oid entry is not a number"))
                continue
        elif isinstance(obj, int) or getattr(obj, "oid", None) != oid:
            out.append(Finding(True, database, "catalog",
                               f"entry stored under oid {oid} is {type(obj).__name__} of oid {getattr(obj, 'oid', obj)}"))
            continue
        good.append((key, value))
    try:
        return Catalog.load(good)
    except Exception as exc:  # noqa: BLE001
        out.append(Finding(True, database, "catalog", f"the catalog does not load: {exc}"))
        return None


def _table_findings(catalog: Catalog, table: TableDef, index_owner: dict[int, str]) -> Iterator[str]:
    names = {c.name for c in table.columns}
    slots = [c.slot for c in table.columns]
    if len(set(slots)) != len(slots) or any(s < 0 or s >= table.next_slot for s in slots):
        yield f"columns' storage slots are repeated or out of range (next slot {table.next_slot})"
    for col in table.primary_key:
        if col not in names:
            yield f'primary key column "{col}" is not a column'
    index_oids = set()
    for ix in table.indexes:
        index_oids.add(ix.oid)
        owner = index_owner.setdefault(ix.oid, f"{table.schema}.{table.name}")
        if owner != f"{table.schema}.{table.name}":
            yield f'index "{ix.name}" has oid {ix.oid}, which {owner} also uses'
        if catalog.table_by_oid(ix.oid) is not None:
            yield f'index "{ix.name}" has oid {ix.oid}, which is also a table\'s'
        exprs = ix.expressions or [None] * len(ix.columns)
        for col, expr in zip(ix.columns, exprs):
            if expr is None and col not in names:
                yield f'index "{ix.name}" is on "{col}", which is not a column'
    for con in table.constraints:
        if con.kind in ("p", "u") and con.index is not None and con.index not in index_oids:
            yield f'constraint "{con.name}" is enforced by index oid {con.index}, which the table does not have'
        if con.kind == "f" and con.ref_table is not None and catalog.table_by_oid(con.ref_table) is None:
            yield f'foreign key "{con.name}" references table oid {con.ref_table}, which does not exist'
    for parent in ([table.partition_of] if table.partition_of is not None else []) + list(table.inherits):
        if catalog.table_by_oid(parent) is None:
            yield f"its parent table oid {parent} does not exist"


def _sequence_findings(view: ReadOnlyView, catalog: Catalog, seq: SequenceDef) -> Iterator[str]:
    if seq.oid < TEMP_OID_BASE and view.get(sequence_key(seq.oid)) is None:
        yield "its state (the current value) is missing"
    if seq.owned_by is not None and catalog.table_by_oid(seq.owned_by[0]) is None:
        yield f"it is owned by table oid {seq.owned_by[0]}, which does not exist"


def _stored_oids(view: ReadOnlyView, prefix: bytes) -> Iterator[int]:
    """The distinct 4-byte oids that key ranges under prefix hold (a seek per oid, not a scan)."""
    start = prefix
    stop = prefix + TEMP_OID_BASE.to_bytes(4, "big")  # temporary objects' keys: cleared at open
    while True:
        key = next((k for k, _ in view.items(start, stop)), None)
        if key is None or len(key) < len(prefix) + 4:
            return
        oid = int.from_bytes(key[len(prefix):len(prefix) + 4], "big")
        yield oid
        start = prefix_end(prefix + oid.to_bytes(4, "big"))


def check_catalog(view: ReadOnlyView, database: str) -> tuple[Catalog | None, list[Finding]]:
    out: list[Finding] = []
    raw = view.get(FORMAT_KEY)
    if raw is None:
        if next(iter(view.items(TABLE_PREFIX, TABLE_PREFIX + TEMP_OID_BASE.to_bytes(4, "big"))), None) is not None:
            out.append(Finding(False, database, "catalog", "rows in storage format 1: run `orbitdb upgrade` before "
                               "opening it with this orbitdb"))
    elif raw != str(STORAGE_FORMAT).encode():
        out.append(Finding(not raw.isdigit(), database, "catalog",
                           f"storage format {raw.decode('ascii', 'replace')}, this orbitdb writes {STORAGE_FORMAT}"))
    catalog = load_catalog(view, database, out)
    if catalog is None:
        return None, out
    index_owner: dict[int, str] = {}
    for table in catalog.tables():
        for problem in _table_findings(catalog, table, index_owner):
            out.append(Finding(True, database, f'table "{table.schema}"."{table.name}"', problem))
    for seq in catalog.sequences():
        for problem in _sequence_findings(view, catalog, seq):
            out.append(Finding(True, database, f'sequence "{seq.schema}"."{seq.name}"', problem))
    stored_tables = {t.oid for t in catalog.tables()}
    for oid in _stored_oids(view, TABLE_PREFIX):
        if oid not in stored_tables:
            out.append(Finding(True, database, "catalog", f"rows of table oid {oid}, which the catalog does not have"))
    for oid in _stored_oids(view, INDEX_PREFIX):
        if oid not in index_owner:
            out.append(Finding(True, database, "catalog",
                               f"entries of index oid {oid}, which the catalog does not have"))
    return catalog, out
