"""The catalog: schemas, tables (and views), columns, constraints, indexes and
sequences. Stored as JSON documents under reserved engine keys, loaded whole at
open, and versioned copy-on-write: a transaction that runs DDL works on its own
copy, which becomes the shared catalog only when it commits."""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from orbitdb.storage.keyspace import CATALOG_PREFIX, FIRST_OID, NEXT_OID_KEY, catalog_key

__all__ = ["CATALOG_PREFIX", "FIRST_OID", "NEXT_OID_KEY", "Catalog", "ColumnDef", "ConstraintDef", "IndexDef",
           "SchemaDef", "SequenceDef", "TableDef", "catalog_key", "decode_object", "encode_object", "new_version"]

@dataclass
class ColumnDef:
    name: str
    type: str  # SQL type as the SQL layer spells it canonically, e.g. "integer", "numeric(10,2)", "text[]"
    kind: str  # storage kind for the row codec ("int", "text", "numeric", "array:int", ...)
    slot: int  # physical position in stored rows
    not_null: bool = False
    default: str | None = None  # SQL expression text
    missing: Any = None  # value for rows written before the column existed (stored-form JSON value)
    identity: str | None = None  # "a" (ALWAYS) / "d" (BY DEFAULT) for identity columns
    comment: str | None = None


@dataclass
class ConstraintDef:
    name: str
    kind: str  # "p" primary key, "u" unique, "c" check, "f" foreign key, "n" not null (informational)
    columns: list[str] = field(default_factory=list)
    check: str | None = None  # SQL text of a check expression
    ref_table: int | None = None  # oid of the referenced table
    ref_columns: list[str] = field(default_factory=list)
    on_delete: str = "a"  # a = no action, r = restrict, c = cascade, n = set null, d = set default
    on_update: str = "a"
    index: int | None = None  # oid of the index enforcing p/u
    comment: str | None = None


@dataclass
class IndexDef:
    oid: int
    name: str
    columns: list[str]
    unique: bool = False
    primary: bool = False
    nulls_distinct: bool = True
    comment: str | None = None


@dataclass
class TableDef:
    oid: int
    schema: str
    name: str
    kind: str = "r"  # "r" table, "v" view
    columns: list[ColumnDef] = field(default_factory=list)
    next_slot: int = 0
    primary_key: list[str] = field(default_factory=list)  # empty: rows keyed by a hidden row id
    constraints: list[ConstraintDef] = field(default_factory=list)
    indexes: list[IndexDef] = field(default_factory=list)
    view_sql: str | None = None
    view_columns: list[str] = field(default_factory=list)
    owner: str = "orbit"
    comment: str | None = None
    on_commit: str = ""  # temporary tables: "" (preserve rows), "delete" (rows) or "drop"

    def column(self, name: str) -> ColumnDef | None:
        for c in self.columns:
            if c.name == name:
                return c
        return None


@dataclass
class SequenceDef:
    oid: int
    schema: str
    name: str
    data_type: str = "bigint"
    start: int = 1
    increment: int = 1
    min_value: int = 1
    max_value: int = 9223372036854775807
    cycle: bool = False
    cache: int = 1
    owned_by: tuple[int, str] | None = None  # (table oid, column)
    owner: str = "orbit"
    comment: str | None = None


@dataclass
class SchemaDef:
    oid: int
    name: str
    owner: str = "orbit"
    comment: str | None = None


_KINDS = {"table": TableDef, "sequence": SequenceDef, "schema": SchemaDef}


def _load_table(d: dict[str, Any]) -> TableDef:
    d = dict(d)
    d["columns"] = [ColumnDef(**c) for c in d["columns"]]
    d["constraints"] = [ConstraintDef(**c) for c in d["constraints"]]
    d["indexes"] = [IndexDef(**i) for i in d["indexes"]]
    return TableDef(**d)


def _load_sequence(d: dict[str, Any]) -> SequenceDef:
    d = dict(d)
    if d.get("owned_by") is not None:
        d["owned_by"] = tuple(d["owned_by"])
    return SequenceDef(**d)


def decode_object(data: bytes) -> TableDef | SequenceDef | SchemaDef | int:
    doc = json.loads(data)
    kind = doc.pop("_kind")
    if kind == "table":
        return _load_table(doc)
    if kind == "sequence":
        return _load_sequence(doc)
    if kind == "schema":
        return SchemaDef(**doc)
    if kind == "next_oid":
        return int(doc["value"])
    raise ValueError(f"unknown catalog object kind {kind!r}")


def encode_object(obj: TableDef | SequenceDef | SchemaDef) -> bytes:
    doc = asdict(obj)
    doc["_kind"] = {TableDef: "table", SequenceDef: "sequence", SchemaDef: "schema"}[type(obj)]
    return json.dumps(doc, separators=(",", ":")).encode()


# every catalog state gets its own version number, so a plan cached for one is never
# taken for another (a transaction's private copy changes in place with each DDL)
_versions = itertools.count(1)


def new_version() -> int:
    return next(_versions)


class Catalog:
    """One version of the catalog. Mutate only a copy made with ``copy()``; each
    mutation records the changed key in ``dirty`` for the transaction to write."""

    def __init__(self) -> None:
        self.objects: dict[int, TableDef | SequenceDef | SchemaDef] = {}
        self.next_oid = FIRST_OID
        self.dirty: set[int] = set()
        self.version = new_version()
        self._names: dict[tuple[str, str, str], int] | None = None
        # where new oids come from: the store's allocator, shared by concurrent DDL
        self.oid_source: Callable[[], int] | None = None
        # told of every change (a transaction makes sure it holds the object's lock)
        self.on_change: Callable[[int], None] | None = None

    # -- loading and copying --
    @classmethod
    def load(cls, items: list[tuple[bytes, bytes]]) -> Catalog:
        cat = cls()
        for key, value in items:
            obj = decode_object(value)
            if isinstance(obj, int):
                cat.next_oid = obj
            else:
                cat.objects[obj.oid] = obj
        if not any(isinstance(o, SchemaDef) and o.name == "public" for o in cat.objects.values()):
            cat.objects[2200] = SchemaDef(2200, "public", "pg_database_owner")
            cat.dirty.add(2200)
        return cat

    def copy(self) -> Catalog:
        cat = Catalog()
        cat.objects = copy.deepcopy(self.objects)
        cat.next_oid = self.next_oid
        cat.oid_source = self.oid_source
        return cat

    def changes(self) -> list[tuple[bytes, bytes | None]]:
        """Engine writes that store this version's changes."""
        out: list[tuple[bytes, bytes | None]] = []
        for oid in sorted(self.dirty):
            obj = self.objects.get(oid)
            out.append((catalog_key(oid), encode_object(obj) if obj is not None else None))
        out.append((NEXT_OID_KEY, json.dumps({"_kind": "next_oid", "value": self.next_oid}).encode()))
        return out

    # -- lookups --
    def _index(self) -> dict[tuple[str, str, str], int]:
        if self._names is None:
            names: dict[tuple[str, str, str], int] = {}
            for obj in self.objects.values():
                if isinstance(obj, SchemaDef):
                    names[("schema", "", obj.name)] = obj.oid
                elif isinstance(obj, TableDef):
                    names[("rel", obj.schema, obj.name)] = obj.oid
                    for ix in obj.indexes:
                        names[("rel", obj.schema, ix.name)] = ix.oid
                else:
                    names[("rel", obj.schema, obj.name)] = obj.oid
            self._names = names
        return self._names

    def schema(self, name: str) -> SchemaDef | None:
        oid = self._index().get(("schema", "", name))
        return self.objects[oid] if oid is not None else None  # type: ignore[return-value]

    def relation_oid(self, schema: str, name: str) -> int | None:
        """Oid of a table, view, index or sequence named name in schema."""
        return self._index().get(("rel", schema, name))

    def table(self, schema: str, name: str) -> TableDef | None:
        oid = self.relation_oid(schema, name)
        obj = self.objects.get(oid) if oid is not None else None
        return obj if isinstance(obj, TableDef) else None

    def sequence(self, schema: str, name: str) -> SequenceDef | None:
        oid = self.relation_oid(schema, name)
        obj = self.objects.get(oid) if oid is not None else None
        return obj if isinstance(obj, SequenceDef) else None

    def table_by_oid(self, oid: int) -> TableDef | None:
        obj = self.objects.get(oid)
        return obj if isinstance(obj, TableDef) else None

    def index_owner(self, schema: str, name: str) -> tuple[TableDef, IndexDef] | None:
        for obj in self.objects.values():
            if isinstance(obj, TableDef) and obj.schema == schema:
                for ix in obj.indexes:
                    if ix.name == name:
                        return obj, ix
        return None

    def tables(self) -> list[TableDef]:
        return [o for o in self.objects.values() if isinstance(o, TableDef)]

    def sequences(self) -> list[SequenceDef]:
        return [o for o in self.objects.values() if isinstance(o, SequenceDef)]

    def schemas(self) -> list[SchemaDef]:
        return [o for o in self.objects.values() if isinstance(o, SchemaDef)]

    # -- mutation (on a copy) --
    def new_oid(self) -> int:
        if self.oid_source is not None:
            return self.oid_source()
        oid = self.next_oid
        self.next_oid += 1
        return oid

    def put(self, obj: TableDef | SequenceDef | SchemaDef) -> None:
        self.objects[obj.oid] = obj
        self.touch(obj.oid)

    def remove(self, oid: int) -> None:
        self.objects.pop(oid, None)
        self.touch(oid)

    def touch(self, oid: int) -> None:
        """Records that the object was changed in place."""
        if self.on_change is not None and oid not in self.dirty:
            self.on_change(oid)
        self.dirty.add(oid)
        self._names = None
        self.version = new_version()
