"""The catalog: schemas, tables (and views), columns, constraints, indexes, triggers,
sequences, types (enums, domains, composites, ranges) and routines (functions, procedures). Stored as JSON documents under reserved engine keys, loaded whole at
open, and versioned copy-on-write: a transaction that runs DDL works on its own
copy, which becomes the shared catalog only when it commits."""

from __future__ import annotations

import copy
import itertools
import json
import pickle
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

from orbitdb.storage.keyspace import CATALOG_PREFIX, FIRST_OID, NEXT_OID_KEY, catalog_key

V = TypeVar("V")

__all__ = ["CATALOG_PREFIX", "FIRST_OID", "NEXT_OID_KEY", "Catalog", "CatalogObject", "ColumnDef", "ConstraintDef",
           "FunctionDef", "IndexDef", "SchemaDef", "SequenceDef", "TableDef", "TriggerDef", "TypeDef", "catalog_key",
           "decode_object", "encode_object", "new_version"]

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
    generated: str | None = None  # SQL text of a GENERATED ALWAYS AS (...) STORED expression
    acl: list[str] | None = None  # column privileges as aclitem texts; None: none granted
    collation: str | None = None  # COLLATE "C" / "POSIX" / "ucs_basic" (all bytewise); None: the type's default


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
    deferrable: bool = False  # the check may wait for the statement's end or COMMIT (SET CONSTRAINTS)
    initially_deferred: bool = False


@dataclass
class IndexDef:
    oid: int
    name: str
    columns: list[str]
    unique: bool = False
    primary: bool = False
    nulls_distinct: bool = True
    comment: str | None = None
    # an expression index keeps the SQL text of each key (None for a plain column in `columns`)
    expressions: list[str | None] = field(default_factory=list)
    predicate: str | None = None  # SQL text of a partial index's WHERE
    descending: list[bool] = field(default_factory=list)  # per key: DESC
    nulls_first: list[bool] = field(default_factory=list)  # per key: NULLS FIRST
    opclasses: list[str] = field(default_factory=list)  # per key: a named operator class ("" the default)
    # INCLUDE columns: recorded (catalogs, pg_dump) but not stored in the entries, which hold the
    # row key; an index-only scan does not exist here, so they change no result
    include: list[str] = field(default_factory=list)
    # the index of a DEFERRABLE unique or primary key constraint: its entries are keyed by the
    # values and the row key (duplicates may exist until checked), a primary key's too
    deferrable: bool = False


@dataclass
class TriggerDef:
    oid: int
    name: str
    function: int  # oid of the trigger function
    timing: str  # "before", "after" or "instead"
    events: list[str]  # "insert", "update", "delete", "truncate"
    for_each_row: bool = False
    update_columns: list[str] = field(default_factory=list)  # UPDATE OF
    when: str | None = None  # SQL text of the WHEN condition
    arguments: list[str] = field(default_factory=list)
    enabled: str = "O"  # pg_trigger.tgenabled: O origin, D disabled, R replica, A always
    constraint: bool = False  # CREATE CONSTRAINT TRIGGER
    deferrable: bool = False
    initially_deferred: bool = False
    old_table: str | None = None  # REFERENCING OLD TABLE AS
    new_table: str | None = None  # REFERENCING NEW TABLE AS
    comment: str | None = None
    ref_table: int | None = None  # CREATE CONSTRAINT TRIGGER ... FROM: the referenced table's oid
    parent: int | None = None  # pg_trigger.tgparentid: the partitioned table's trigger this one clones


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
    triggers: list[TriggerDef] = field(default_factory=list)
    acl: list[str] | None = None  # privileges as aclitem texts ("alice=arwdDxt/orbit"); None: the default
    # declarative partitioning: a partitioned table ("range" or "list") stores no rows of its own
    partition_strategy: str = ""
    partition_key: list[str] = field(default_factory=list)  # its key columns
    partition_of: int | None = None  # a partition: its parent's oid
    partition_bound: str | None = None  # and its bound, as pg_get_expr prints it ("FOR VALUES IN (1, 2)")
    inherits: list[int] = field(default_factory=list)  # INHERITS: the parents' oids, in order
    view_check_option: str = ""  # a view's WITH CHECK OPTION: "local", "cascaded" or ""

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
    acl: list[str] | None = None


@dataclass
class SchemaDef:
    oid: int
    name: str
    owner: str = "orbit"
    comment: str | None = None
    acl: list[str] | None = None


@dataclass
class TypeDef:
    """A user-defined type: kind "e" enum, "d" domain, "c" composite, "r" range (pg_type.typtype)."""
    oid: int
    schema: str
    name: str
    kind: str
    array_oid: int = 0  # oid of its array type ("_name")
    labels: list[str] = field(default_factory=list)  # enum labels in declaration (sort) order
    label_oids: list[int] = field(default_factory=list)
    base_type: str | None = None  # domain: the underlying type; range: the subtype
    not_null: bool = False  # domain NOT NULL
    default: str | None = None  # domain DEFAULT (SQL text)
    checks: list[tuple[str, str]] = field(default_factory=list)  # domain CHECKs: (constraint name, SQL text)
    attributes: list[tuple[str, str]] = field(default_factory=list)  # composite: (name, type)
    owner: str = "orbit"
    comment: str | None = None
    acl: list[str] | None = None
    relid: int = 0  # composite: the oid of its pg_class entry (relkind "c")


@dataclass
class FunctionDef:
    """A function or procedure (pg_proc): kind "f" function, "p" procedure."""
    oid: int
    schema: str
    name: str
    kind: str = "f"
    language: str = "sql"  # "sql" or "plpgsql"
    body: str = ""  # the source text between the dollar quotes
    arg_names: list[str] = field(default_factory=list)  # "" for an unnamed argument
    arg_types: list[str] = field(default_factory=list)
    arg_modes: list[str] = field(default_factory=list)  # "i" in, "o" out, "b" inout, "v" variadic, "t" table
    arg_defaults: list[str | None] = field(default_factory=list)  # SQL text, per argument
    return_type: str = "void"
    returns_set: bool = False
    volatility: str = "v"  # "i" immutable, "s" stable, "v" volatile
    strict: bool = False
    security_definer: bool = False
    leakproof: bool = False
    parallel: str = "u"
    cost: float = 100.0
    rows: float = 0.0
    settings: list[str] = field(default_factory=list)  # SET name = value clauses, as "name=value"
    owner: str = "orbit"
    comment: str | None = None
    acl: list[str] | None = None


@dataclass
class ExtensionDef:
    """An extension created in the database (pg_extension): one orbitdb provides natively."""
    oid: int
    name: str
    schema: str
    version: str
    owner: str = "orbit"
    comment: str | None = None


CatalogObject = TableDef | SequenceDef | SchemaDef | TypeDef | FunctionDef | ExtensionDef

_KINDS: dict[str, type] = {"table": TableDef, "sequence": SequenceDef, "schema": SchemaDef, "type": TypeDef,
                           "function": FunctionDef, "extension": ExtensionDef}
_KIND_NAMES = {cls: name for name, cls in _KINDS.items()}


def _legacy_text_column(c: ColumnDef) -> ColumnDef:
    """An inet column of an orbitdb from before the type had its own storage holds its values
    as text and its keys in text order: it stays what it behaved as, text (ALTER COLUMN ... TYPE
    inet USING col::inet converts it)."""
    if c.kind in ("text", "array:text") and c.type in ("inet", "inet[]"):
        c.type = "text" if c.type == "inet" else "text[]"
    return c


def _load_table(d: dict[str, Any]) -> TableDef:
    d = dict(d)
    d["columns"] = [_legacy_text_column(ColumnDef(**c)) for c in d["columns"]]
    d["constraints"] = [ConstraintDef(**c) for c in d["constraints"]]
    d["indexes"] = [IndexDef(**i) for i in d["indexes"]]
    d["triggers"] = [TriggerDef(**t) for t in d.get("triggers", [])]
    return TableDef(**d)


def _load_type(d: dict[str, Any]) -> TypeDef:
    d = dict(d)
    d["checks"] = [tuple(c) for c in d.get("checks", [])]
    d["attributes"] = [tuple(a) for a in d.get("attributes", [])]
    return TypeDef(**d)


def _load_sequence(d: dict[str, Any]) -> SequenceDef:
    d = dict(d)
    if d.get("owned_by") is not None:
        d["owned_by"] = tuple(d["owned_by"])
    return SequenceDef(**d)


def decode_object(data: bytes) -> CatalogObject | int:
    doc = json.loads(data)
    kind = doc.pop("_kind")
    if kind == "table":
        return _load_table(doc)
    if kind == "sequence":
        return _load_sequence(doc)
    if kind == "schema":
        return SchemaDef(**doc)
    if kind == "type":
        return _load_type(doc)
    if kind == "function":
        return FunctionDef(**doc)
    if kind == "extension":
        return ExtensionDef(**doc)
    if kind == "next_oid":
        return int(doc["value"])
    raise ValueError(f"unknown catalog object kind {kind!r}")


def encode_object(obj: CatalogObject) -> bytes:
    doc = asdict(obj)
    doc["_kind"] = _KIND_NAMES[type(obj)]
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
        self.objects: dict[int, CatalogObject] = {}
        self.next_oid = FIRST_OID
        self.dirty: set[int] = set()
        self.version = new_version()
        self._names: dict[tuple[str, str, str], int] | None = None
        self._parents: set[int] | None = None  # tables with partitions or inheriting children
        self._derived: dict[Any, tuple[Any, Any]] = {}  # derived(): key -> (source object, value)
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
        # a pickle round trip copies these plain dataclasses as deepcopy does, several times
        # faster: each transaction's first DDL copies every object (Django creates ~1000 tables)
        try:
            cat.objects = pickle.loads(pickle.dumps(self.objects, protocol=pickle.HIGHEST_PROTOCOL))
        except (pickle.PicklingError, TypeError, AttributeError):
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
                elif isinstance(obj, TypeDef):
                    names[("type", obj.schema, obj.name)] = obj.oid
                elif isinstance(obj, FunctionDef):
                    names[("fn", obj.schema, obj.name)] = obj.oid  # one of its overloads: functions_named() has all
                elif isinstance(obj, ExtensionDef):
                    names[("extension", "", obj.name)] = obj.oid
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

    def partitions_of(self, parent: TableDef) -> list[TableDef]:
        """Direct partitions of a partitioned table, oldest first."""
        return sorted((t for t in self.tables() if t.partition_of == parent.oid), key=lambda t: t.oid)

    def _parent_oids(self) -> set[int]:
        if self._parents is None:
            parents: set[int] = set()
            for t in self.tables():
                if t.partition_of is not None:
                    parents.add(t.partition_of)
                parents.update(t.inherits)
            self._parents = parents
        return self._parents

    def children_of(self, parent: TableDef) -> list[TableDef]:
        """What a scan of parent (without ONLY) reads besides parent: partitions and inheriting tables."""
        # every table reference asks: most have no children, and the catalog may be big. A
        # version being changed (DDL in progress, objects edited in place before put()) is scanned
        if not self.dirty and parent.oid not in self._parent_oids():
            return []
        return sorted((t for t in self.tables() if t.partition_of == parent.oid or parent.oid in t.inherits),
                      key=lambda t: t.oid)

    def descendants_of(self, parent: TableDef) -> list[TableDef]:
        out: list[TableDef] = []
        for child in self.children_of(parent):
            out.append(child)
            out.extend(self.descendants_of(child))
        return out

    def type(self, schema: str, name: str) -> TypeDef | None:
        oid = self._index().get(("type", schema, name))
        obj = self.objects.get(oid) if oid is not None else None
        return obj if isinstance(obj, TypeDef) else None

    def types(self) -> list[TypeDef]:
        return [o for o in self.objects.values() if isinstance(o, TypeDef)]

    def extension(self, name: str) -> ExtensionDef | None:
        oid = self._index().get(("extension", "", name))
        return self.objects[oid] if oid is not None else None  # type: ignore[return-value]

    def extensions(self) -> list[ExtensionDef]:
        return [o for o in self.objects.values() if isinstance(o, ExtensionDef)]

    def functions(self) -> list[FunctionDef]:
        return [o for o in self.objects.values() if isinstance(o, FunctionDef)]

    def has_function(self, schema: str, name: str) -> bool:
        return ("fn", schema, name) in self._index()

    def functions_named(self, schema: str, name: str) -> list[FunctionDef]:
        """Every overload of schema.name."""
        if ("fn", schema, name) not in self._index():
            return []
        return [o for o in self.objects.values() if isinstance(o, FunctionDef) and o.schema == schema
                and o.name == name]

    # -- mutation (on a copy) --
    def new_oid(self) -> int:
        if self.oid_source is not None:
            return self.oid_source()
        oid = self.next_oid
        self.next_oid += 1
        return oid

    def put(self, obj: CatalogObject) -> None:
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
        self.forget_lookups()

    def forget_lookups(self) -> None:
        """Objects were replaced behind put(): the name index and the parent set are rebuilt."""
        self._names = None
        self._parents = None
        self._derived = {}
        self.version = new_version()

    def derived(self, key: Any, source: Any, make: Callable[[], V]) -> V:
        """make(), a value worked out from source (an object of this version) alone, kept while
        the version lasts: every statement that names a table would otherwise redo it. A version
        being changed (DDL in progress, objects edited in place before put()) keeps nothing."""
        if self.dirty:
            return make()
        hit = self._derived.get(key)
        if hit is not None and hit[0] is source:
            return hit[1]  # type: ignore[no-any-return]
        value = make()
        self._derived[key] = (source, value)
        return value
