"""DDL: tables, columns, constraints, indexes, sequences, views, schemas and
TRUNCATE. Every change is made on the transaction's catalog copy, so DDL is
transactional; data changes (index builds, truncation) go to its write set."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.ddl import partitions
from orbitdb.sql.ddl.extensions import create_extension, drop_extension
from orbitdb.sql.ddl.generated import check_generation, generated_value, text_uses_column, uses_column
from orbitdb.sql.ddl.index_exprs import (
    check_index_expression,
    check_index_predicate,
    default_index_name_parts,
    key_detail_of,
)
from orbitdb.sql.ddl.index_opclasses import check_opclass
from orbitdb.sql.ddl.rewrite import Row, rewrite_table
from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.expr.compiler import Compiler
from orbitdb.sql.expr.core import E, Runtime, coerce, ident
from orbitdb.sql.expr.domains import domain_checker
from orbitdb.sql.expr.funccall import AGGREGATES
from orbitdb.sql.expr.funcregistry import FUNCTIONS
from orbitdb.sql.expr.scope import Scope
from orbitdb.sql.interrupts import checked
from orbitdb.sql.modify.constraints import TableWriter, table_scope
from orbitdb.sql.modify.deferred_fks import fk_deferral, options_deferral
from orbitdb.sql.modify.statements import compile_node
from orbitdb.sql.modify.trigger_events import run_queued
from orbitdb.sql.parse.parser import Statement, parse_one
from orbitdb.sql.parse.unsupported import (
    check_collation,
    check_constraint_options,
    check_table_properties,
    column_collation,
    object_kind,
    refusal,
)
from orbitdb.sql.parse.updatable import not_updatable_reason
from orbitdb.sql.parse.words import Words
from orbitdb.sql.plan.compiled import Compiled, take_relation_locks
from orbitdb.sql.plan.index_keys import compile_key_exprs
from orbitdb.sql.plan.planner import Planner
from orbitdb.sql.result import Notice, Result
from orbitdb.sql.types import usertypes as U
from orbitdb.sql.types.casts import ASSIGNMENT, can_implicit
from orbitdb.sql.types.regtypes import lookup_reg
from orbitdb.storage.catalog import (
    Catalog,
    ColumnDef,
    ConstraintDef,
    ExtensionDef,
    FunctionDef,
    IndexDef,
    SchemaDef,
    SequenceDef,
    TableDef,
)
from orbitdb.storage.lockmodes import (
    ACCESS_EXCLUSIVE,
    ACCESS_SHARE,
    SHARE,
    SHARE_ROW_EXCLUSIVE,
    SHARE_UPDATE_EXCLUSIVE,
)
from orbitdb.storage.rowcodec import encode_stored
from orbitdb.storage.tables import TableAccess, computed_keys
from orbitdb.storage.temp import is_temp_oid

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session

_Found = TypeVar("_Found")

_FK_ACTIONS = {"CASCADE": "c", "RESTRICT": "r", "NO ACTION": "a", "SET NULL": "n", "SET DEFAULT": "d"}


class DDL:
    def __init__(self, s: Session, ctx: ExecContext, writable: bool = True) -> None:
        """writable=False: for a statement that changes no catalog object (TRUNCATE), which then
        reads the transaction's catalog instead of taking a private copy of all of it."""
        self.s = s
        self.ctx = ctx
        assert ctx.txn is not None
        self.txn = ctx.txn
        self._cat: Catalog | None = ctx.txn.writable_catalog() if writable else None
        self.only = False  # ALTER TABLE ONLY: not the table's partitions

    @property
    def cat(self) -> Catalog:
        return self._cat if self._cat is not None else self.txn.catalog

    # ---- lookups ----
    def schema_of(self, node: exp.Table | None) -> str:
        if node is not None and node.args.get("db"):
            name = self.s.resolve_schema(ident(node.args["db"]))
            if self.cat.schema(name) is None:
                raise SqlError("3F000", f'schema "{name}" does not exist')
            return name
        return self.s.creation_schema()

    def oid_like(self, owner: TableDef) -> int:
        """An oid for an object that belongs to owner (index, owned sequence): temporary
        with a temporary table."""
        return self.s.store.temp_oids.new() if is_temp_oid(owner.oid) else self.cat.new_oid()

    def temp_schema(self) -> str:
        """This session's pg_temp_<n> schema, made at its first temporary object."""
        temp = self.s.temp_objects()
        name = temp.schema_name
        if self.cat.schema(name) is None:
            self.cat.put(SchemaDef(self.s.store.temp_oids.new(), name, self.s.user))
        return name

    def _lookup_table(self, node: exp.Table) -> TableDef | None:
        name = ident(node.this)
        if node.args.get("db"):
            return self.cat.table(ident(node.args["db"]), name)
        for sch in self.s.search_schemas():
            t = self.cat.table(sch, name)
            if t is not None:
                return t
        return None

    def lock_table(self, t: TableDef, mode: int, modify: bool = True) -> TableDef | None:
        """Takes PostgreSQL's relation lock mode on t (and, to change it, the exclusive lock
        on its catalog entry); returns t as the newest catalog has it once the locks are
        ours, or None if it was dropped while we waited."""
        self.txn.lock_relation(t.oid, mode)
        if modify:
            self.txn.lock(("obj", t.oid), ACCESS_EXCLUSIVE)
        if self.txn.refresh_catalog():
            return self.cat.table_by_oid(t.oid)
        return t

    def lock_object(self, oid: int, mode: int | None = None) -> None:
        """Takes the relation lock mode (if any) and the exclusive lock on oid's catalog entry,
        then follows the newest catalog: read the object again from self.cat afterwards."""
        if mode is not None:
            self.txn.lock_relation(oid, mode)
        self.txn.lock(("obj", oid), ACCESS_EXCLUSIVE)
        self.txn.refresh_catalog()

    def claim_name(self, schema: str, name: str) -> None:
        """Waits for a concurrent transaction that takes the same relation name to end,
        as PostgreSQL's unique index on pg_class makes it wait."""
        self.txn.lock(("name", schema, name), ACCESS_EXCLUSIVE)
        self.txn.refresh_catalog()

    def find_table(self, node: exp.Table, missing_ok: bool = False, kind: str | None = "r",
                   mode: int = ACCESS_EXCLUSIVE, modify: bool = True, must_own: bool = True) -> TableDef | None:
        """The table a DDL statement names, locked; only its owner may change it (must_own)."""
        name = ident(node.this)
        t = self._lookup_table(node)
        while t is not None:
            locked = self.lock_table(t, mode, modify)
            again = self._lookup_table(node)
            if locked is not None and again is not None and again.oid == locked.oid:
                t = locked
                break
            t = again  # dropped or replaced while we waited: lock what the name means now
        if t is not None and kind is not None and t.kind != kind:
            if kind == "r":
                raise SqlError("42809", f'"{name}" is not a table')
            raise SqlError("42809", f'"{name}" is not a view')
        if t is None and not missing_ok:
            raise SqlError("42P01", f'relation "{name}" does not exist' if kind != "v" else
                           f'view "{name}" does not exist')
        if t is not None and must_own:
            self.s.check_owner(t.owner, "view" if t.kind == "v" else "table", t.name)
        return t

    def check_create_in(self, schema: str) -> None:
        """CREATE on the schema a new object goes in (42501 "permission denied for schema s")."""
        sch = self.cat.schema(schema)
        if sch is not None and not is_temp_oid(sch.oid):
            self.s.check_privilege("n", sch, "C")

    def check_new_name(self, schema: str, name: str) -> None:
        self.claim_name(schema, name)
        if self.cat.relation_oid(schema, name) is not None:
            raise SqlError("42P07", f'relation "{name}" already exists')

    def unique_name(self, schema: str, base: str) -> str:
        base = base[:63]
        name = base
        n = 0
        while self._name_taken(schema, name):
            n += 1
            suffix = str(n)
            name = base[: 63 - len(suffix)] + suffix
        return name

    def choose_name(self, schema: str, name1: str, name2: str | None, label: str) -> str:
        """The name PostgreSQL chooses for an implicit object (ChooseRelationName): name1_name2_label,
        the longer of name1 and name2 shortened to fit 63 bytes, so that the label (and the
        number added to it when the name is taken) always shows: a table's 63-byte name never
        becomes its own sequence's or key's name."""
        n = 0
        while True:
            name = object_name(name1, name2, label + (str(n) if n else ""))
            if not self._name_taken(schema, name):
                return name
            n += 1

    def _name_taken(self, schema: str, name: str) -> bool:
        return self.cat.relation_oid(schema, name) is not None or self._constraint_name_used(schema, name)

    def _constraint_name_used(self, schema: str, name: str) -> bool:
        return any(c.name == name for t in self.cat.tables() if t.schema == schema for c in t.constraints)

    def notice(self, msg: str, code: str = "00000") -> None:
        self.s.notices.append(Notice("NOTICE", code, msg))

    def debug(self, msg: str) -> None:
        """A DEBUG1 message (PostgreSQL's implicit sequence and index ones): made only when the
        client asked for debug messages, as nearly every session does not."""
        if self.s.settings.get("client_min_messages", "notice").lower().startswith("debug"):
            self.s.notices.append(Notice("DEBUG", "00000", msg))

    def _statement_kind(self, t: TableDef) -> str:
        """What PostgreSQL's DEBUG messages call the statement: a table not yet in the catalog is
        being created."""
        return "ALTER TABLE" if self.cat.relation_oid(t.schema, t.name) == t.oid else "CREATE TABLE"

    # ---- CREATE TABLE ----
    def create_table(self, node: exp.Create, query: Compiled | None = None) -> Result:
        """query: CREATE TABLE AS's query compiled already (SELECT INTO, with the statement's parameters)."""
        target = node.this
        table_node = target.this if isinstance(target, exp.Schema) else target
        temp, on_commit = _temporary(node, table_node)
        schema = self.temp_schema() if temp else self.schema_of(table_node)
        if not temp:
            self.check_create_in(schema)
        name = ident(table_node.this)
        self.claim_name(schema, name)
        if self.cat.relation_oid(schema, name) is not None:
            if node.args.get("exists"):
                self.notice(f'relation "{name}" already exists, skipping', "42P07")
                return Result("CREATE TABLE")
            raise SqlError("42P07", f'relation "{name}" already exists')
        check_table_properties(node)
        if node.args.get("expression") is not None:
            return self.create_table_as(node, schema, name, query)
        oid = self.s.store.temp_oids.new() if temp else self.cat.new_oid()
        t = TableDef(oid, schema, name, owner=self.s.user, on_commit=on_commit)
        # nobody else can see the new table; holding it exclusively spares its rows' locks
        self.txn.lock_relation(t.oid, ACCESS_EXCLUSIVE)
        elements = list(target.expressions) if isinstance(target, exp.Schema) else []
        elements += partitions.inherit_columns(self, t, node)
        for el in elements:
            if isinstance(el, exp.LikeProperty):
                self.like(t, el)
        for el in elements:
            if isinstance(el, exp.ColumnDef) and not partitions.merge_inherited_column(self, t, el):
                self.column_def(t, el)
        for el in elements:
            if not isinstance(el, (exp.ColumnDef, exp.LikeProperty)):
                self.table_constraint(t, el, None)
        for c in t.columns:
            if c.generated is not None:
                check_generation(self.s, self.cat, t, c)
        self.cat.put(t)
        self.finish_constraints(t)
        partitions.finish_partitioning(self, t, node)
        return Result("CREATE TABLE")

    def like(self, t: TableDef, el: exp.LikeProperty) -> None:
        """LIKE source [INCLUDING | EXCLUDING option ...]: the columns with their NOT NULL, and what
        the options include; an option that would copy what orbitdb cannot (indexes, identity) is
        refused rather than skipped."""
        src = self.find_table(el.this, kind=None, mode=ACCESS_SHARE, modify=False, must_own=False)
        assert src is not None
        included: set[str] = set()
        for opt in el.expressions:
            word = opt.args["value"].name.upper()
            what = _LIKE_OPTIONS if word == "ALL" else {word}
            included = included | what if str(opt.this).upper() == "INCLUDING" else included - what
        for c in src.columns:
            self.add_column(t, ColumnDef(c.name, c.type, c.kind, t.next_slot, c.not_null,
                                         c.default if "DEFAULTS" in included and not c.identity else None,
                                         comment=c.comment if "COMMENTS" in included else None,
                                         generated=c.generated if "GENERATED" in included else None))
        if "CONSTRAINTS" in included:
            for con in src.constraints:
                if con.kind == "c":
                    t.constraints.append(ConstraintDef(con.name, "c", list(con.columns), check=con.check))
        if "INDEXES" in included and src.indexes or "IDENTITY" in included and any(c.identity for c in src.columns):
            raise SqlError("0A000", "CREATE TABLE ... (LIKE ... INCLUDING INDEXES or IDENTITY) is not supported",
                           detail=f'Table "{src.name}" has indexes or identity columns; name what to copy with '
                           "INCLUDING DEFAULTS, CONSTRAINTS or COMMENTS.")

    def add_column(self, t: TableDef, c: ColumnDef) -> None:
        if t.column(c.name) is not None:
            raise SqlError("42701", f'column "{c.name}" specified more than once')
        c.slot = t.next_slot
        t.next_slot += 1
        t.columns.append(c)

    def column_def(self, t: TableDef, cd: exp.ColumnDef, existing_rows: bool = False) -> ColumnDef:
        name = ident(cd.this)
        dt = cd.args.get("kind")
        if dt is None:
            raise SqlError("42601", f'syntax error: column "{name}" has no type')
        key = dt.this.name if hasattr(dt.this, "name") else str(dt.this)
        serial = T.SERIAL_DTYPES.get(key)
        resolved = (U.ResolvedType(T.parse_type_name(serial), serial) if serial else
                    U.resolve_datatype(self.cat, self.s.search_schemas(), dt))
        st = resolved.sql
        if st.oid in (T.UNKNOWN.oid, T.VOID.oid, T.RECORD.oid):
            raise SqlError("42P16", f'column "{name}" has pseudo-type {st.display()}')
        if st.elem is not None and st.elem.fields is not None:
            raise SqlError("0A000", "columns of an array of a composite type are not supported",
                           detail=f'Column "{name}" is of type {st.display()}.')
        col = ColumnDef(name, resolved.stored if resolved.typedef is not None else st.display(), st.kind, 0)
        self.add_column(t, col)
        if serial:
            seq = self.create_owned_sequence(t, name, serial)
            col.default = f"nextval('{_seq_ref(seq, self.s)}'::regclass)"
            col.not_null = True
        for cc in cd.args.get("constraints") or []:
            self.column_constraint(t, col, cc)
        return col

    def create_owned_sequence(self, t: TableDef, column: str, type_name: str, start: int | None = None,
                              increment: int | None = None) -> SequenceDef:
        name = self.choose_name(t.schema, t.name, column, "seq")
        maxv = {"integer": 2147483647, "smallint": 32767, "bigint": 9223372036854775807}[type_name]
        inc = increment or 1
        seq = SequenceDef(self.oid_like(t), t.schema, name, type_name, start if start is not None else
                          (1 if inc > 0 else -1), inc, 1 if inc > 0 else -maxv, maxv if inc > 0 else -1,
                          owned_by=(t.oid, column), owner=self.s.user)
        self.debug(f'{self._statement_kind(t)} will create implicit sequence "{name}" for serial column '
                   f'"{t.name}.{column}"')
        self.cat.put(seq)
        self.fresh_sequence(seq)
        return seq

    def fresh_sequence(self, seq: SequenceDef) -> None:
        """A new sequence starts at its start: its oid may be one a rolled-back transaction gave a
        sequence that handed out values (sequence state is not transactional)."""
        self.s.store.sequence_set(seq, seq.start, False)

    def column_constraint(self, t: TableDef, col: ColumnDef, cc: exp.ColumnConstraint) -> None:
        kind = cc.args.get("kind")
        cname = ident(cc.this) if cc.this is not None else None
        check_constraint_options(cc, 1)
        if isinstance(kind, exp.NotNullColumnConstraint):
            col.not_null = not kind.args.get("allow_null")
        elif isinstance(kind, exp.PrimaryKeyColumnConstraint):
            self.add_pk(t, [col.name], cname, _deferral(kind))
        elif isinstance(kind, exp.UniqueColumnConstraint):
            self.add_unique(t, [col.name], cname, nulls_distinct=not kind.args.get("nulls"), deferral=_deferral(kind))
        elif isinstance(kind, exp.DefaultColumnConstraint):
            col.default = self.default_sql(kind.this, col)
        elif isinstance(kind, exp.CheckColumnConstraint):
            self.add_check(t, kind.this, cname, col.name)
        elif isinstance(kind, exp.Reference):
            self.add_fk(t, [col.name], kind, cname)
        elif isinstance(kind, exp.ComputedColumnConstraint):
            col.generated = kind.this.sql(dialect="postgres")
        elif isinstance(kind, exp.GeneratedAsIdentityColumnConstraint) and kind.args.get("expression") is not None:
            raise SqlError("42601", f'syntax error: generated column "{col.name}" must be STORED',
                           hint="Write GENERATED ALWAYS AS (...) STORED.")
        elif isinstance(kind, exp.GeneratedAsIdentityColumnConstraint):
            if col.type not in ("integer", "bigint", "smallint"):
                raise SqlError("22023", 'identity column type must be smallint, integer, or bigint')
            start = _lit_int(kind.args.get("start"))
            inc = _lit_int(kind.args.get("increment"))
            seq = self.create_owned_sequence(t, col.name, col.type, start, inc)
            col.identity = "a" if kind.this else "d"
            col.default = f"nextval('{_seq_ref(seq, self.s)}'::regclass)"
            col.not_null = True
        elif isinstance(kind, exp.CollateColumnConstraint):
            name = kind.this.name if isinstance(kind.this, exp.Expression) else str(kind.this)
            col.collation = self.collation_for(col.type, name)
        elif isinstance(kind, exp.CommentColumnConstraint) or kind is None:
            pass
        else:
            raise SqlError("0A000", f"unsupported column constraint: {cc.sql(dialect='postgres')}")

    def collation_for(self, type_name: str, name: str) -> str | None:
        """A column's COLLATE name: one orbitdb has, on a type that takes a collation."""
        t = U.stored_type(self.cat, type_name).sql
        if not (T.is_string(t) or t.elem is not None and T.is_string(t.elem)):
            raise SqlError("42804", f"collations are not supported by type {t.display()}")
        return column_collation(name)

    def default_sql(self, node: exp.Expression, col: ColumnDef) -> str:
        # validate now: the expression must compile and fit the column type
        rt = Runtime([])
        comp = Compiler(Planner(self.s, self.cat, rt), Scope(), rt, where="DEFAULT expressions")
        for n in node.walk():
            if isinstance(n, (exp.Select, exp.Subquery)):
                raise SqlError("0A000", "cannot use subquery in DEFAULT expression")
            if isinstance(n, exp.Column) and not (n.name.lower() in ("current_timestamp", "current_date",
                                                                       "current_user", "localtimestamp")):
                raise SqlError("0A000", "cannot use column reference in DEFAULT expression")
        e = comp.compile(node)
        coerce(e, U.stored_type(self.cat, col.type).sql, ASSIGNMENT, f'column "{col.name}"')
        return _qualify_regclass_literals(self.s, node).sql(dialect="postgres")

    def table_constraint(self, t: TableDef, el: exp.Expression, name: str | None) -> None:
        if isinstance(el, exp.Constraint):
            cname = ident(el.this)
            for inner in el.expressions:
                self.table_constraint(t, inner, cname)
            return
        check_constraint_options(el, len(el.expressions) if isinstance(el, exp.ForeignKey) else 1)
        if isinstance(el, (exp.PrimaryKey, exp.UniqueColumnConstraint)) and el.args.get("include") is not None:
            include = [ident(i.this if isinstance(i, exp.Column) else i)
                       for i in el.args["include"].args.get("include") or []]
            for c in include:
                if t.column(c) is None:
                    raise SqlError("42703", f'column "{c}" does not exist')
            if name is None and isinstance(el, exp.UniqueColumnConstraint):  # named after keys and INCLUDE columns
                sch = el.this
                keys = [_col_name(c) for c in (sch.expressions if isinstance(sch, exp.Schema) else el.expressions)]
                name = self.choose_name(t.schema, t.name, "_".join(keys + include), "key")
            keys_only = el.copy()
            keys_only.set("include", None)
            self.table_constraint(t, keys_only, name)
            t.indexes[-1].include = include
            return
        if isinstance(el, exp.PrimaryKey):
            self.add_pk(t, [_col_name(c) for c in el.expressions], name, _deferral(el))
        elif isinstance(el, exp.UniqueColumnConstraint):
            sch = el.this
            cols = [_col_name(c) for c in (sch.expressions if isinstance(sch, exp.Schema) else el.expressions)]
            self.add_unique(t, cols, name, nulls_distinct=not el.args.get("nulls"), deferral=_deferral(el))
        elif isinstance(el, exp.ForeignKey):
            self.add_fk(t, [_col_name(c) for c in el.expressions], el.args["reference"], name)
        elif isinstance(el, (exp.CheckColumnConstraint, exp.Check)):
            self.add_check(t, el.this, name, None)
        else:
            raise SqlError("0A000", f"unsupported table constraint: {el.sql(dialect='postgres')}")

    def _require_columns(self, t: TableDef, cols: list[str]) -> None:
        for c in cols:
            if t.column(c) is None:
                raise SqlError("42703", f'column "{c}" named in key does not exist')

    def add_pk(self, t: TableDef, cols: list[str], name: str | None,
               deferral: tuple[bool, bool] = (False, False)) -> None:
        """deferral: (DEFERRABLE, INITIALLY DEFERRED). A deferrable key does not key the rows
        (they keep hidden row ids): its index has entries, as a unique constraint's."""
        self._require_columns(t, cols)
        if t.primary_key or any(c.kind == "p" for c in t.constraints):
            raise SqlError("42P16", f'multiple primary keys for table "{t.name}" are not allowed')
        deferrable, initially_deferred = deferral
        if not deferrable:
            t.primary_key = cols
        for c in cols:
            col = t.column(c)
            assert col is not None
            col.not_null = True
        cname = name or self.choose_name(t.schema, t.name, None, "pkey")
        ix = IndexDef(self.oid_like(t), cname, cols, unique=True, primary=True, deferrable=deferrable)
        self._debug_implicit_index(t, "PRIMARY KEY", cname)
        t.indexes.append(ix)
        t.constraints.append(ConstraintDef(cname, "p", cols, index=ix.oid, deferrable=deferrable,
                                           initially_deferred=initially_deferred))

    def _debug_implicit_index(self, t: TableDef, constraint: str, index: str) -> None:
        verb = "ALTER TABLE / ADD" if self._statement_kind(t) == "ALTER TABLE" else "CREATE TABLE /"
        self.debug(f'{verb} {constraint} will create implicit index "{index}" for table "{t.name}"')

    def add_unique(self, t: TableDef, cols: list[str], name: str | None, nulls_distinct: bool = True,
                   deferral: tuple[bool, bool] = (False, False)) -> IndexDef:
        """deferral: (DEFERRABLE, INITIALLY DEFERRED)."""
        self._require_columns(t, cols)
        cname = name or self.choose_name(t.schema, t.name, "_".join(cols), "key")
        if self.cat.relation_oid(t.schema, cname) is not None or any(i.name == cname for i in t.indexes):
            raise SqlError("42P07", f'relation "{cname}" already exists')
        deferrable, initially_deferred = deferral
        ix = IndexDef(self.oid_like(t), cname, cols, unique=True, nulls_distinct=nulls_distinct, deferrable=deferrable)
        self._debug_implicit_index(t, "UNIQUE", cname)
        t.indexes.append(ix)
        t.constraints.append(ConstraintDef(cname, "u", cols, index=ix.oid, deferrable=deferrable,
                                           initially_deferred=initially_deferred))
        return ix

    def add_check(self, t: TableDef, node: exp.Expression, name: str | None, column: str | None) -> None:
        refs = sorted({ident(c.this) for c in node.find_all(exp.Column)})
        if name is None:
            on = column if column is not None else refs[0] if len(refs) == 1 else None
            name = self.choose_name(t.schema, t.name, on, "check")
        else:
            self._check_constraint_name_free(t, name)
        for r in refs:
            if t.column(r) is None:
                raise SqlError("42703", f'column "{r}" does not exist')
        for n in node.walk():
            if isinstance(n, (exp.Select, exp.Subquery)):
                raise SqlError("0A000", "cannot use subquery in check constraint")
        # compile it now so that type errors surface at CREATE time, as in PostgreSQL
        rt = Runtime([])
        comp = Compiler(Planner(self.s, self.cat, rt), table_scope(t, t.name, catalog=self.cat), rt, where="check constraints")
        comp.compile_bool(node, "CHECK")
        t.constraints.append(ConstraintDef(name, "c", refs, check=node.sql(dialect="postgres")))

    def _check_constraint_name_free(self, t: TableDef, name: str) -> None:
        if any(c.name == name for c in t.constraints):
            raise SqlError("42710", f'constraint "{name}" for relation "{t.name}" already exists')

    def add_fk(self, t: TableDef, cols: list[str], ref: exp.Reference, name: str | None) -> None:
        self._require_columns(t, cols)
        target = ref.this
        tnode = target.this if isinstance(target, exp.Schema) else target
        pname = ident(tnode.this)
        if pname == t.name and not tnode.args.get("db"):
            parent = t
        else:
            parent = self.find_table(tnode, mode=SHARE_ROW_EXCLUSIVE, modify=False, must_own=False)
            if parent is not None:
                self.s.check_privilege("r", parent, "x")
        assert parent is not None
        if is_temp_oid(parent.oid) != is_temp_oid(t.oid):
            kind = "temporary" if is_temp_oid(t.oid) else "permanent"
            raise SqlError("42P16", f"constraints on {kind} tables may reference only {kind} tables")
        if isinstance(target, exp.Schema) and target.expressions:
            pcols = [_col_name(c) for c in target.expressions]
        else:
            if not parent.primary_key:
                if any(c.kind == "p" for c in parent.constraints):
                    raise SqlError("55000", f'cannot use a deferrable primary key for referenced table "{parent.name}"')
                raise SqlError("42830", f'there is no primary key for referenced table "{parent.name}"')
            pcols = list(parent.primary_key)
        if len(pcols) != len(cols):
            raise SqlError("42830", "number of referencing and referenced columns for foreign key disagree")
        for c in pcols:
            if parent.column(c) is None:
                raise SqlError("42703", f'column "{c}" referenced in foreign key constraint does not exist')
        if sorted(pcols) != sorted(parent.primary_key) and not any(
                ix.unique and not ix.deferrable and sorted(ix.columns) == sorted(pcols) and not computed_keys(ix)
                for ix in parent.indexes):
            if any(ix.deferrable and sorted(ix.columns) == sorted(pcols) for ix in parent.indexes):
                raise SqlError("55000", f'cannot use a deferrable unique constraint for referenced table '
                               f'"{parent.name}"')
            raise SqlError("42830", f'there is no unique constraint matching given keys for referenced table '
                           f'"{parent.name}"')
        for c, pc in zip(cols, pcols):
            ct = U.stored_type(self.cat, t.column(c).type).sql  # type: ignore[union-attr]
            pt = U.stored_type(self.cat, parent.column(pc).type).sql  # type: ignore[union-attr]
            if not _fk_types_compatible(ct, pt):
                raise SqlError("42804", f'foreign key constraint "{name or t.name + "_" + c + "_fkey"}" cannot be '
                               f"implemented", detail=f'Key columns "{c}" and "{pc}" are of incompatible types: '
                               f"{ct.display()} and {pt.display()}.")
        on_delete = on_update = "a"
        deferrable, initially_deferred = fk_deferral(ref)
        for opt in ref.args.get("options") or []:
            text = (opt if isinstance(opt, str) else opt.sql()).upper()
            m = re.match(r"ON (DELETE|UPDATE) (.*)", text)
            if m:
                action = _FK_ACTIONS.get(m.group(2).strip(), "a")
                if m.group(1) == "DELETE":
                    on_delete = action
                else:
                    on_update = action
        if name is not None:
            self._check_constraint_name_free(t, name)
        cname = name or self.choose_name(t.schema, t.name, "_".join(cols), "fkey")
        t.constraints.append(ConstraintDef(cname, "f", cols, ref_table=parent.oid, ref_columns=pcols,
                                           on_delete=on_delete, on_update=on_update, deferrable=deferrable,
                                           initially_deferred=initially_deferred))

    def finish_constraints(self, t: TableDef) -> None:
        self.cat.put(t)

    def create_table_as(self, node: exp.Create, schema: str, name: str, compiled: Compiled | None = None) -> Result:
        if compiled is None:
            compiled = compile_node(self.s, node.args["expression"], Runtime([]))
        compiled.rt.ctx = self.ctx
        take_relation_locks(compiled, self.ctx)
        cols_out = compiled.columns or []
        target = node.this
        names = [ident(c) for c in target.expressions] if isinstance(target, exp.Schema) else []
        temp, on_commit = _temporary(node, node.this.this if isinstance(node.this, exp.Schema) else node.this)
        oid = self.s.store.temp_oids.new() if temp else self.cat.new_oid()
        t = TableDef(oid, schema, name, owner=self.s.user, on_commit=on_commit)
        self.txn.lock_relation(t.oid, ACCESS_EXCLUSIVE)
        plan_cols = compiled.out.columns  # type: ignore[attr-defined]
        for i, c in enumerate(plan_cols):
            ct = c.type if c.type.oid != T.UNKNOWN.oid else T.TEXT
            self.add_column(t, ColumnDef(names[i] if i < len(names) else c.name, ct.display(), ct.kind, 0))
        self.cat.put(t)
        props = node.args.get("properties")
        no_data = props is not None and any(isinstance(p, exp.WithDataProperty) and p.args.get("no")
                                            for p in props.expressions)
        if no_data:
            return Result("CREATE TABLE AS")
        result = compiled.run(self.ctx)
        access = TableAccess(t)
        txn = self.txn
        n = 0
        for row in result.rows:
            access.insert(txn, access.row_key(row, self.s.store.next_rowid(t.oid)), row)
            n += 1
        del cols_out
        return Result(f"SELECT {n}", rowcount=n)

    # ---- indexes ----
    def create_index(self, node: exp.Create) -> Result:
        ix_node = node.this
        tnode = ix_node.args["table"]
        t = self.find_table(tnode, mode=SHARE)
        assert t is not None
        params = ix_node.args.get("params")
        cols: list[str] = []
        exprs: list[str | None] = []
        desc: list[bool] = []
        nulls_first: list[bool] = []
        opclasses: list[str] = []
        for o in params.args.get("columns") or []:
            inner = o.this if isinstance(o, exp.Ordered) else o
            is_desc = bool(isinstance(o, exp.Ordered) and o.args.get("desc"))
            desc.append(is_desc)
            nulls_first.append(bool(isinstance(o, exp.Ordered) and o.args.get("nulls_first")))
            while isinstance(inner, exp.Paren) and not isinstance(inner.this, exp.Column):
                inner = inner.this
            if isinstance(inner, exp.Paren):
                inner = inner.this
            opclass_name = None
            if isinstance(inner, exp.Opclass):
                opclass_name = inner.expression.name
                inner = inner.this
            if isinstance(inner, exp.Collate):
                check_collation(inner.expression.name)
                inner = inner.this
                while isinstance(inner, exp.Paren):
                    inner = inner.this
            key_type = None
            if isinstance(inner, exp.Column) and isinstance(inner.this, exp.Identifier) and not inner.table:
                cols.append(ident(inner.this))
                exprs.append(None)
                column = t.column(cols[-1])
                key_type = U.stored_type(self.cat, column.type).sql if column is not None else None
            else:
                cols.append("")
                exprs.append(check_index_expression(self.s, self.cat, t, inner))
            opclasses.append(check_opclass(opclass_name, key_type) if opclass_name else "")
        include = [ident(i.this if isinstance(i, exp.Column) else i) for i in params.args.get("include") or []]
        self._require_columns(t, [c for c, e in zip(cols, exprs) if e is None])
        for c in include:
            if t.column(c) is None:
                raise SqlError("42703", f'column "{c}" does not exist')
        where = params.args.get("where")
        predicate = check_index_predicate(self.s, self.cat, t, where.this) if where is not None else None
        if ix_node.this is not None:
            name = ident(ix_node.this)
            if self.cat.relation_oid(t.schema, name) is not None:
                if node.args.get("exists"):
                    self.notice(f'relation "{name}" already exists, skipping', "42P07")
                    return Result("CREATE INDEX")
                raise SqlError("42P07", f'relation "{name}" already exists')
        else:
            name = self.choose_name(t.schema, t.name, "_".join(default_index_name_parts(cols, exprs) + include), "idx")
        computed = predicate is not None or any(e is not None for e in exprs)
        ix = IndexDef(self.oid_like(t), name, cols, unique=bool(node.args.get("unique")),
                      expressions=exprs if computed else [], predicate=predicate,
                      descending=desc if any(desc) or any(nulls_first) else [],
                      nulls_first=nulls_first if any(desc) or any(nulls_first) else [],
                      opclasses=opclasses if any(opclasses) else [], include=include,
                      nulls_distinct=not node.meta.get("nulls_not_distinct"))
        if computed:
            try:  # storage computes the keys without a session: built-in functions only
                compile_key_exprs(t, ix, self.cat)
            except SqlError:
                raise SqlError("0A000", "index expressions and predicates calling user-defined functions are "
                               "not supported") from None
        t.indexes.append(ix)
        self.build_index(t, ix)
        self.cat.put(t)
        if not node.meta.get("only"):
            partitions.propagate_index(self, t, ix)
        return Result("CREATE INDEX")

    def build_index(self, t: TableDef, ix: IndexDef) -> None:
        access = TableAccess(t)
        duplicated = access.build_index(self.txn, ix, self.ctx.check)
        if duplicated is not None:
            entry = next(e for e in access.indexes if e[0].oid == ix.oid)
            values = access.index_values(entry, duplicated) or []
            raise SqlError("23505", f'could not create unique index "{ix.name}"',
                           detail=f"{key_detail_of(self.cat, t, ix, values)} is duplicated.")

    def drop_index(self, names: list[exp.Expression], if_exists: bool) -> None:
        for n in names:
            name = ident(n.this) if isinstance(n, exp.Table) else ident(n)
            schema = ident(n.args["db"]) if isinstance(n, exp.Table) and n.args.get("db") else None
            found = self.in_search_path(schema, lambda sch, nm=name: self.cat.index_owner(sch, nm))
            if found is None:
                self.check_relation_kind(n, "INDEX")
                if if_exists:
                    self.notice(f'index "{name}" does not exist, skipping')
                    continue
                raise SqlError("42704", f'index "{name}" does not exist')
            t, ix = found
            # PostgreSQL's DROP INDEX waits for the table's readers and writers (ACCESS EXCLUSIVE)
            locked = self.lock_table(t, ACCESS_EXCLUSIVE)
            ix = next((i for i in locked.indexes if i.oid == ix.oid), None) if locked is not None else None
            if locked is None or ix is None:
                if if_exists:
                    self.notice(f'index "{name}" does not exist, skipping')
                    continue
                raise SqlError("42704", f'index "{name}" does not exist')
            t = locked
            self.s.check_owner(t.owner, "index", ix.name)
            con = next((c for c in t.constraints if c.index == ix.oid), None)
            if con is not None:
                raise SqlError("2BP01", f'cannot drop index {name} because constraint {con.name} on table {t.name} '
                               f"requires it", hint=f"You can drop constraint {con.name} on table {t.name} instead.")
            TableAccess(t).clear_index(self.txn, ix)
            t.indexes = [i for i in t.indexes if i.oid != ix.oid]
            self.cat.put(t)

    def check_relation_kind(self, tn: exp.Expression, wanted: str) -> None:
        """DROP <wanted> of a name that is another kind of relation's: 42809 as PostgreSQL says it
        (even with IF EXISTS), rather than "does not exist"."""
        if not isinstance(tn, exp.Table):
            return
        schema = ident(tn.args["db"]) if tn.args.get("db") else None
        name = ident(tn.this)
        t = self.find_table(tn, missing_ok=True, kind=None)
        kind = ("VIEW" if t.kind == "v" else "TABLE") if t is not None else None
        if kind is None and self.in_search_path(schema, lambda sch: self.cat.sequence(sch, name)) is not None:
            kind = "SEQUENCE"
        if kind is None and self.in_search_path(schema, lambda sch: self.cat.index_owner(sch, name)) is not None:
            kind = "INDEX"
        if kind is not None and kind != wanted:
            raise SqlError("42809", f'"{name}" is not {_a(wanted)}', hint=f"Use DROP {kind} to remove {_a(kind)}.")

    def in_search_path(self, schema: str | None, find: Callable[[str], _Found | None]) -> _Found | None:
        """The first object find() returns in the named schema, or else along search_path."""
        for sch in [schema] if schema else self.s.search_schemas():
            found = find(sch)
            if found:
                return found
        return None

    def rewrite(self, old: TableDef, new: TableDef, convert: Callable[[bytes, Row], Row] | None = None,
                check: Callable[[Row], None] | None = None, keys_first: bool = False) -> None:
        """Stores every row of the table, as `old` describes it, again as `new` describes it."""
        rewrite_table(self.txn, lambda: self.s.store.next_rowid(new.oid), old, new, self.ctx.check, convert, check,
                      keys_first)

    def clear_index(self, t: TableDef, index_oid: int) -> None:
        """Deletes the entries of one of t's indexes (before it leaves t's definition)."""
        ix = next((i for i in t.indexes if i.oid == index_oid), None)
        if ix is not None:
            TableAccess(t).clear_index(self.txn, ix)

    # ---- drop ----
    def drop(self, node: exp.Drop) -> Result:
        kind = (node.args.get("kind") or "").upper()
        if_exists = bool(node.args.get("exists"))
        cascade = bool(node.args.get("cascade"))
        tables = node.args.get("tables") or []
        if kind == "INDEX":
            self.drop_index(tables, if_exists)
            return Result("DROP INDEX")
        if kind in ("TABLE", "VIEW"):
            self.dropping = {t.oid for t in (self.find_table(tn, missing_ok=True, kind=None) for tn in tables)
                             if t is not None}
            for tn in tables:
                t = self.find_table(tn, missing_ok=True, kind=None)
                if t is None or (kind == "VIEW") != (t.kind == "v"):
                    self.check_relation_kind(tn, kind)
                    if if_exists:
                        self.notice(f'{kind.lower()} "{ident(tn.this)}" does not exist, skipping')
                        continue
                    if kind == "VIEW":
                        raise SqlError("42P01", f'view "{ident(tn.this)}" does not exist')
                    raise SqlError("42P01", f'table "{ident(tn.this)}" does not exist')
                self.drop_table(t, cascade)
            return Result(f"DROP {kind}")
        if kind == "SEQUENCE":
            for tn in tables:
                schema = ident(tn.args["db"]) if tn.args.get("db") else None
                name = ident(tn.this)
                seq = self.in_search_path(schema, lambda sch, n=name: self.cat.sequence(sch, n))
                if seq is None:
                    self.check_relation_kind(tn, "SEQUENCE")
                    if if_exists:
                        self.notice(f'sequence "{name}" does not exist, skipping')
                        continue
                    raise SqlError("42P01", f'sequence "{name}" does not exist')
                self.s.check_owner(seq.owner, "sequence", seq.name)
                users = [(t, c) for t in self.cat.tables() for c in t.columns
                         if c.default and f"'{name}'" in c.default or (c.default and f".{name}'" in c.default)]
                if users and not cascade:
                    t, c = users[0]
                    raise SqlError("2BP01", f"cannot drop sequence {name} because other objects depend on it",
                                   detail=f"default value for column {c.name} of table {t.name} depends on "
                                   f"sequence {name}",
                                   hint="Use DROP ... CASCADE to drop the dependent objects too.")
                for t, c in users:
                    c.default = None
                    self.cat.touch(t.oid)
                self.cat.remove(seq.oid)
                self.txn.delete_sequence_state(seq.oid)
                self.s.store.sequence_reset(seq)
            return Result("DROP SEQUENCE")
        if kind == "SCHEMA":
            for tn in tables:
                name = ident(tn.args["db"]) if tn.args.get("db") else ident(tn.this)
                sch = self.cat.schema(name)
                if sch is None:
                    if if_exists:
                        self.notice(f'schema "{name}" does not exist, skipping')
                        continue
                    raise SqlError("3F000", f'schema "{name}" does not exist')
                self.s.check_owner(sch.owner, "schema", sch.name)
                members = [o for o in self.cat.objects.values() if getattr(o, "schema", None) == name]
                if members and not cascade:
                    raise SqlError("2BP01", f"cannot drop schema {name} because other objects depend on it",
                                   hint="Use DROP ... CASCADE to drop the dependent objects too.")
                for o in members:
                    if isinstance(o, TableDef) and o.oid in self.cat.objects:
                        self.drop_table(o, True)
                    elif isinstance(o, (SequenceDef, FunctionDef, ExtensionDef)) and o.oid in self.cat.objects:
                        self.cat.remove(o.oid)
                self.cat.remove(sch.oid)
            return Result("DROP SCHEMA")
        raise SqlError("0A000", f"DROP {kind} is not supported")

    def drop_table(self, t: TableDef, cascade: bool) -> None:
        for dependent in partitions.dependents_to_drop(self, t, cascade):
            if dependent.oid in self.cat.objects:
                self.drop_table(dependent, True)
        dropping = getattr(self, "dropping", set())
        refs = [(o, c) for o in self.cat.tables() if o.oid != t.oid and o.oid not in dropping
                for c in o.constraints if c.kind == "f" and c.ref_table == t.oid]
        views = [v for v in self.cat.tables() if v.kind == "v" and v.oid != t.oid and v.view_sql and
                 re.search(r"\b" + re.escape(t.name) + r"\b", v.view_sql)]
        if (refs or views) and not cascade:
            if refs:
                o, c = refs[0]
                detail = f"constraint {c.name} on table {o.name} depends on table {t.name}"
            else:
                detail = f"view {views[0].name} depends on {'table' if t.kind == 'r' else 'view'} {t.name}"
            raise SqlError("2BP01", f"cannot drop {'table' if t.kind == 'r' else 'view'} {t.name} because other "
                           f"objects depend on it", detail=detail,
                           hint="Use DROP ... CASCADE to drop the dependent objects too.")
        for o, c in refs:
            o.constraints = [x for x in o.constraints if x is not c]
            self.notice(f"drop cascades to constraint {c.name} on table {o.name}")
            self.cat.touch(o.oid)
        for v in views:
            if v.oid in self.cat.objects:
                self.notice(f"drop cascades to view {v.name}")
                self.drop_table(v, True)
        if t.kind == "r":
            TableAccess(t).clear(self.txn)
            for seq in self.cat.sequences():
                if seq.owned_by is not None and seq.owned_by[0] == t.oid:
                    self.cat.remove(seq.oid)
                    self.s.store.sequence_reset(seq)
        self.cat.remove(t.oid)

    # ---- ALTER TABLE ----
    def alter_table(self, node: exp.Alter) -> Result:
        self.only = bool(node.args.get("only"))
        t = self.find_table(node.this, missing_ok=bool(node.args.get("exists")), kind=None)
        if t is None:
            self.notice(f'relation "{ident(node.this.this)}" does not exist, skipping')
            return Result("ALTER TABLE")
        is_view = t.kind == "v"
        for action in node.args.get("actions") or []:
            if isinstance(action, exp.ColumnDef):
                if is_view:
                    raise SqlError("42809", f'"{t.name}" is not a table')
                self.alter_add_column(t, action)
            elif isinstance(action, exp.Drop):
                kind = (action.args.get("kind") or "").upper()
                for target in action.args.get("tables") or []:
                    if kind == "COLUMN":
                        self.alter_drop_column(t, ident(target.this), bool(action.args.get("exists")),
                                               bool(action.args.get("cascade")))
                    elif kind == "CONSTRAINT":
                        self.alter_drop_constraint(t, ident(target.this), bool(action.args.get("exists")))
                    else:
                        raise SqlError("0A000", f"ALTER TABLE DROP {kind} is not supported")
            elif isinstance(action, exp.RenameColumn):
                self.alter_rename_column(t, ident(action.this.this), ident(action.args["to"].this))
            elif isinstance(action, exp.AlterRename) and any(
                    isinstance(o, exp.ToTableProperty) for o in node.args.get("options") or []):
                to = next(o for o in node.args["options"] if isinstance(o, exp.ToTableProperty))
                self.alter_rename_column(t, ident(action.this.this), ident(to.this.this))
            elif isinstance(action, exp.AlterRename):
                new = ident(action.this.this)
                self.check_new_name(t.schema, new)
                self.rename_in_views(t, new)
                t.name = new
                self.cat.touch(t.oid)
            elif isinstance(action, exp.AddConstraint):
                for c in action.expressions:
                    self.alter_add_constraint(t, c)
            elif isinstance(action, exp.AlterColumn):
                self.alter_column(t, action)
            else:
                raise SqlError("0A000", f"unsupported ALTER TABLE action: {action.sql(dialect='postgres')}")
        self.cat.put(t)
        return Result("ALTER TABLE")

    def alter_add_column(self, t: TableDef, cd: exp.ColumnDef) -> None:
        name = ident(cd.this)
        if t.column(name) is not None:
            if cd.args.get("exists"):
                self.notice(f'column "{name}" of relation "{t.name}" already exists, skipping', "42701")
                return
            raise SqlError("42701", f'column "{name}" of relation "{t.name}" already exists')
        old = copy.deepcopy(t)
        col = self.column_def(t, cd, existing_rows=True)
        new_cons = [c for c in t.constraints if name in c.columns]
        if col.generated is not None:
            # every existing row gets the column's value now (a rewrite, as PostgreSQL makes)
            check_generation(self.s, self.cat, t, col)
            value = generated_value(self.s, self.cat, t, col)
            self.rewrite(old, t, lambda key, r: r + (value(r + (None, None)),))
            self.validate_new_constraints(t, [c for c in new_cons if c.kind in ("c", "f")])
            return
        # a column of a domain type: existing rows take the domain's default and must pass it
        resolved = U.stored_type(self.cat, col.type)
        default = col.default if col.default is not None else U.domain_default(self.cat, resolved)
        if default is None and resolved.domain is not None and not TableAccess(t).empty(self.txn):
            rt = Runtime([])
            domain_checker(Planner(self.s, self.cat, rt), resolved.domain, rt)(None)
        if default is not None:
            rt = Runtime([])
            rt.ctx = self.ctx
            planner = Planner(self.s, self.cat, rt)
            comp = Compiler(planner, Scope(), rt)
            e = coerce(comp.compile(parse_one("SELECT " + default).expressions[0]), resolved.sql, ASSIGNMENT)
            if resolved.domain is not None and not TableAccess(t).empty(self.txn):
                check = domain_checker(planner, resolved.domain, rt)
                fn = e.fn
                e = E(lambda row: check(fn(row)), e.type, e.const)
            if not e.const:
                # evaluated for each existing row, as PostgreSQL does for a volatile default
                # (nextval, random(), clock_timestamp()); the rewrite also builds the new column's
                # key and indexes
                self.rewrite(old, t, lambda key, r: r + (e.fn(()),))
                self.validate_new_constraints(t, [c for c in new_cons if c.kind in ("c", "f")])
                return
            # a constant default is every existing row's value without a rewrite (PostgreSQL's
            # "missing value")
            col.missing = encode_stored(col.kind, e.fn(()))
        if col.not_null and col.missing is None and not TableAccess(t).empty(self.txn):
            raise SqlError("23502", f'column "{name}" of relation "{t.name}" contains null values')
        self.validate_new_constraints(t, new_cons)

    def alter_drop_column(self, t: TableDef, name: str, if_exists: bool, cascade: bool) -> None:
        col = t.column(name)
        if col is None:
            if if_exists:
                self.notice(f'column "{name}" of relation "{t.name}" does not exist, skipping')
                return
            raise SqlError("42703", f'column "{name}" of relation "{t.name}" does not exist')
        for o in self.cat.tables():
            if o.oid == t.oid:
                continue
            for c in list(o.constraints):
                if c.kind == "f" and c.ref_table == t.oid and name in c.ref_columns:
                    if not cascade:
                        raise SqlError("2BP01", f"cannot drop column {name} of table {t.name} because other "
                                       "objects depend on it",
                                       detail=f"constraint {c.name} on table {o.name} depends on column {name} of "
                                       f"table {t.name}", hint="Use DROP ... CASCADE to drop the dependent objects too.")
                    o.constraints.remove(c)
                    self.notice(f"drop cascades to constraint {c.name} on table {o.name}")
                    self.cat.touch(o.oid)
        for g in [c for c in t.columns if c.name != name and uses_column(c, name)]:
            if not cascade:
                raise SqlError("2BP01", f"cannot drop column {name} of table {t.name} because other objects depend "
                               "on it", detail=f"column {g.name} of table {t.name} depends on column {name} of table "
                               f"{t.name}", hint="Use DROP ... CASCADE to drop the dependent objects too.")
            self.notice(f"drop cascades to column {g.name} of table {t.name}")
            self.alter_drop_column(t, g.name, False, True)
        for v in self.views_using(t, name):
            if not cascade:
                raise SqlError("2BP01", f"cannot drop column {name} of table {t.name} because other objects depend "
                               "on it", detail=f"view {v.name} depends on column {name} of table {t.name}",
                               hint="Use DROP ... CASCADE to drop the dependent objects too.")
            if v.oid in self.cat.objects:
                self.notice(f"drop cascades to view {v.name}")
                self.drop_table(v, True)
        if name in t.primary_key:
            # the primary key goes with its column: rows move to hidden row ids first
            old = copy.deepcopy(t)
            pk = next((c for c in t.constraints if c.kind == "p"), None)
            t.constraints = [c for c in t.constraints if c is not pk]
            t.indexes = [i for i in t.indexes if not i.primary]
            t.primary_key = []
            self.rewrite(old, t)
        keep = []
        for c in t.constraints:
            if name in c.columns or (c.kind == "c" and c.check and re.search(r"\b" + re.escape(name) + r"\b",
                                                                               c.check)):
                if c.index is not None:
                    self.clear_index(t, c.index)
                    t.indexes = [i for i in t.indexes if i.oid != c.index]
                continue
            keep.append(c)
        t.constraints = keep
        for ix in list(t.indexes):
            # an index goes with a column it is on, its expressions or its predicate read
            if name in ix.columns or name in ix.include or any(
                    e is not None and text_uses_column(e, name) for e in ix.expressions) or (
                    ix.predicate is not None and text_uses_column(ix.predicate, name)):
                self.clear_index(t, ix.oid)
                t.indexes.remove(ix)
        t.columns = [c for c in t.columns if c.name != name]
        for seq in self.cat.sequences():
            if seq.owned_by == (t.oid, name):
                self.cat.remove(seq.oid)

    def alter_rename_column(self, t: TableDef, old: str, new: str) -> None:
        col = t.column(old)
        if col is None:
            raise SqlError("42703", f'column "{old}" does not exist')
        if t.column(new) is not None:
            raise SqlError("42701", f'column "{new}" of relation "{t.name}" already exists')
        views = self.views_using(t, old) if t.kind == "r" else []
        if views:
            # a view keeps its query as text here, where PostgreSQL keeps column numbers
            raise SqlError("0A000", "renaming a column that a view uses is not supported",
                           detail=f'View "{views[0].name}" uses column "{old}" of table "{t.name}".')
        col.name = new
        t.primary_key = [new if c == old else c for c in t.primary_key]
        for c in t.constraints:
            c.columns = [new if x == old else x for x in c.columns]
            if c.check:
                c.check = re.sub(r"\b" + re.escape(old) + r"\b", new, c.check)
        word = re.compile(r"\b" + re.escape(old) + r"\b")
        for ix in t.indexes:
            ix.columns = [new if x == old else x for x in ix.columns]
            ix.include = [new if x == old else x for x in ix.include]
            ix.expressions = [None if e is None else word.sub(new, e) for e in ix.expressions]
            if ix.predicate is not None:
                ix.predicate = word.sub(new, ix.predicate)
        for c in t.columns:
            if c.generated is not None:
                c.generated = re.sub(r"\b" + re.escape(old) + r"\b", new, c.generated)
        for o in self.cat.tables():
            for c in o.constraints:
                if c.kind == "f" and c.ref_table == t.oid:
                    c.ref_columns = [new if x == old else x for x in c.ref_columns]
                    self.cat.touch(o.oid)
        for seq in self.cat.sequences():
            if seq.owned_by == (t.oid, old):
                seq.owned_by = (t.oid, new)
                self.cat.touch(seq.oid)

    def alter_add_constraint(self, t: TableDef, c: exp.Expression) -> None:
        before = len(t.constraints)
        if isinstance(c, exp.Constraint):
            self.table_constraint(t, c, None)
        else:
            self.table_constraint(t, c, None)
        new = t.constraints[before:]
        for con in new:
            partitions.check_new_constraint(self, t, con)
        self.validate_new_constraints(t, new)
        for con in new:
            partitions.add_constraint_to_partitions(self, t, con, self.only)

    def validate_new_constraints(self, t: TableDef, cons: list[ConstraintDef]) -> None:
        rt = Runtime([])
        rt.ctx = self.ctx
        planner = Planner(self.s, self.cat, rt)
        access = TableAccess(t)
        for con in cons:
            if con.kind in ("p", "u"):
                ix = next(i for i in t.indexes if i.oid == con.index)
                if con.kind == "p" and ix.deferrable:
                    # the rows keep their hidden row ids; the key's columns are NOT NULL now
                    self._check_not_null(t, con.columns)
                    self.build_index(t, ix)
                elif con.kind == "p":
                    # rows are keyed by a hidden row id until now: store them again under the new key
                    # (a NULL in a key column fails there, as the columns are NOT NULL now)
                    self.rewrite(_without_pk(t), t, keys_first=True)
                else:
                    self.build_index(t, ix)
            elif con.kind == "c":
                writer = TableWriter(planner, t, rt)
                for name, fn in writer.checks:
                    if name != con.name:
                        continue
                    for row in checked(access.rows(self.txn, newest=True), self.ctx.check):
                        if fn(row) is False:
                            raise SqlError("23514", f'check constraint "{con.name}" of relation "{t.name}" is '
                                           "violated by some row")
            elif con.kind == "f":
                self.validate_fk_rows(t, con)

    def _check_not_null(self, t: TableDef, columns: list[str]) -> None:
        names = [c.name for c in t.columns]
        for row in checked(TableAccess(t).rows(self.txn, newest=True), self.ctx.check):
            for c in columns:
                if row[names.index(c)] is None:
                    raise SqlError("23502", f'column "{c}" of relation "{t.name}" contains null values',
                                   schema=t.schema, table=t.name, column=c)

    def validate_fk_rows(self, t: TableDef, con: ConstraintDef) -> None:
        """Every row of t must find its parent row through the foreign key con (23503)."""
        rt = Runtime([])
        rt.ctx = self.ctx
        writer = TableWriter(Planner(self.s, self.cat, rt), t, rt)
        writer.fks_out = [f for f in writer.fks_out if f[0] is con]
        access = TableAccess(t)
        for row in checked(access.rows(self.txn, newest=True), self.ctx.check):
            try:
                writer.check_fks_out(self.ctx, row[:-1], None)
            except SqlError as e:
                raise SqlError("23503", f'insert or update on table "{t.name}" violates foreign key '
                               f'constraint "{con.name}"', detail=e.detail, schema=t.schema, table=t.name,
                               constraint=con.name) from None

    def alter_drop_constraint(self, t: TableDef, name: str, if_exists: bool) -> None:
        con = next((c for c in t.constraints if c.name == name), None)
        if con is None:
            if if_exists:
                self.notice(f'constraint "{name}" of relation "{t.name}" does not exist, skipping')
                return
            raise SqlError("42704", f'constraint "{name}" of relation "{t.name}" does not exist')
        if con.kind in ("p", "u"):
            for o in self.cat.tables():
                for c in o.constraints:
                    if c.kind == "f" and c.ref_table == t.oid and sorted(c.ref_columns) == sorted(con.columns):
                        raise SqlError("2BP01", f"cannot drop constraint {name} on table {t.name} because other "
                                       "objects depend on it",
                                       detail=f"constraint {c.name} on table {o.name} depends on index {name}",
                                       hint="Use DROP ... CASCADE to drop the dependent objects too.")
        old = copy.deepcopy(t)
        t.constraints = [c for c in t.constraints if c is not con]
        if con.index is not None:
            if con.kind == "u" or con.deferrable:
                self.clear_index(t, con.index)
            t.indexes = [i for i in t.indexes if i.oid != con.index]
        if con.kind == "p" and not con.deferrable:
            # rows are keyed by the key values until now: store them again under hidden row ids
            t.primary_key = []
            self.rewrite(old, t)

    def alter_column(self, t: TableDef, action: exp.AlterColumn) -> None:
        name = ident(action.this)
        col = t.column(name)
        if col is None:
            raise SqlError("42703", f'column "{name}" of relation "{t.name}" does not exist')
        if action.args.get("dtype") is not None:
            if any(uses_column(c, name) for c in t.columns if c is not col):
                raise SqlError("0A000", "cannot alter type of a column used by a generated column",
                               detail=f'Column "{name}" is used by generated column '
                               f'"{next(c.name for c in t.columns if c is not col and uses_column(c, name))}".')
            self.alter_column_type(t, col, action)
        elif action.args.get("default") is not None:
            if col.generated is not None:
                raise SqlError("42601", f'column "{name}" of relation "{t.name}" is a generated column')
            col.default = self.default_sql(action.args["default"], col)
        elif action.args.get("allow_null") is not None:
            if action.args["allow_null"]:
                if any(c.kind == "p" and name in c.columns for c in t.constraints):
                    raise SqlError("42P16", f'column "{name}" is in a primary key')
                col.not_null = False
            else:
                access = TableAccess(t)
                i = [c.name for c in t.columns].index(name)
                for row in checked(access.rows(self.txn, newest=True), self.ctx.check):
                    if row[i] is None:
                        raise SqlError("23502", f'column "{name}" of relation "{t.name}" contains null values')
                col.not_null = True
        elif action.args.get("drop"):
            if col.generated is not None:
                raise SqlError("42601", f'column "{name}" of relation "{t.name}" is a generated column',
                               hint="Use ALTER TABLE ... ALTER COLUMN ... DROP EXPRESSION instead.")
            col.default = None
            if col.identity:
                col.identity = None
        else:
            raise SqlError("0A000", f"unsupported ALTER COLUMN: {action.sql(dialect='postgres')}")

    def alter_column_type(self, t: TableDef, col: ColumnDef, action: exp.AlterColumn) -> None:
        views = self.views_using(t, col.name)
        if views:
            raise SqlError("0A000", "cannot alter type of a column used by a view or rule",
                           detail=f'rule _RETURN on view {views[0].name} depends on column "{col.name}"')
        new_resolved = U.resolve_datatype(self.cat, self.s.search_schemas(), action.args["dtype"])
        new_t = new_resolved.sql
        if new_t.elem is not None and new_t.elem.fields is not None:
            raise SqlError("0A000", "columns of an array of a composite type are not supported")
        old_t = U.stored_type(self.cat, col.type).sql
        rt = Runtime([])
        rt.ctx = self.ctx
        i = [c.name for c in t.columns].index(col.name)
        using = action.args.get("using")
        if using:
            comp = Compiler(Planner(self.s, self.cat, rt), table_scope(t, t.name, catalog=self.cat), rt)
            e = coerce(comp.compile(using), new_t, ASSIGNMENT, f'column "{col.name}"')
        else:
            try:
                e = coerce(E(lambda r: r[i], old_t), new_t, ASSIGNMENT)
            except SqlError:
                raise SqlError("42804", f'column "{col.name}" cannot be cast automatically to type '
                               f"{new_t.display()}", hint=f'You might need to specify "USING {col.name}::'
                               f'{new_t.display()}".') from None
        collate = action.args.get("collate")
        collation = self.collation_for(new_t.display(), collate.name) if isinstance(collate, exp.Expression) else None
        old = copy.deepcopy(t)
        col.collation = collation  # without COLLATE, the new type's default, as in PostgreSQL
        col.type = new_resolved.stored if new_resolved.typedef is not None else new_t.display()
        col.kind = new_t.kind
        col.missing = None
        # the new values go to a new physical slot: a transaction whose snapshot predates this
        # rewrite decodes the old rows with the new definition as NULL there, never as the old
        # type's bytes read with the new type's codec
        col.slot = t.next_slot
        t.next_slot += 1
        if col.default is not None:
            col.default = self.default_sql(parse_one("SELECT " + col.default).expressions[0], col)
        self._check_fk_types(t, col.name)
        # constraints are compiled against the new type, as PostgreSQL re-adds them
        writer = TableWriter(Planner(self.s, self.cat, rt), t, rt)

        def convert(key: bytes, r: Row) -> Row:
            return r[:i] + (e.fn(r + (key,)),) + r[i + 1:]

        def check(r: Row) -> None:
            for j, domain_check in writer.domains:
                if j == i:  # the altered column's new type may be a domain
                    domain_check(r[i])
            full = r + (None,)
            for name, fn in writer.checks:
                if fn(full) is False:
                    raise SqlError("23514", f'check constraint "{name}" of relation "{t.name}" is violated by '
                                   "some row", schema=t.schema, table=t.name, constraint=name)

        self.rewrite(old, t, convert, check)
        self._recheck_fks(t, col.name)

    def views_using(self, t: TableDef, column: str | None = None) -> list[TableDef]:
        """Views whose query names the table (and the column, or selects *): views are kept as
        SQL text, so this reads the text, as DROP TABLE does."""
        out = []
        for v in self.cat.tables():
            if v.kind != "v" or v.oid == t.oid or not v.view_sql:
                continue
            if not re.search(r"\b" + re.escape(t.name) + r"\b", v.view_sql):
                continue
            if column is None or re.search(r"\b" + re.escape(column) + r"\b|\*", v.view_sql):
                out.append(v)
        return out

    def _check_fk_types(self, t: TableDef, column: str) -> None:
        """Foreign keys on a column whose type changed must still compare their key columns (42804)."""
        for child in self.cat.tables():
            for con in child.constraints:
                if con.kind != "f" or con.ref_table is None:
                    continue
                parent = t if con.ref_table == t.oid else self.cat.table_by_oid(con.ref_table)
                if parent is None or not (child.oid == t.oid and column in con.columns or
                                          con.ref_table == t.oid and column in con.ref_columns):
                    continue
                for c, pc in zip(con.columns, con.ref_columns):
                    ct = U.stored_type(self.cat, child.column(c).type).sql  # type: ignore[union-attr]
                    pt = U.stored_type(self.cat, parent.column(pc).type).sql  # type: ignore[union-attr]
                    if not _fk_types_compatible(ct, pt):
                        raise SqlError("42804", f'foreign key constraint "{con.name}" cannot be implemented',
                                       detail=f'Key columns "{c}" and "{pc}" are of incompatible types: '
                                       f"{ct.display()} and {pt.display()}.")

    def _recheck_fks(self, t: TableDef, column: str) -> None:
        """Rows of every foreign key through the column, checked again after its values changed."""
        for child in self.cat.tables():
            for con in child.constraints:
                if con.kind == "f" and (child.oid == t.oid and column in con.columns or
                                        con.ref_table == t.oid and column in con.ref_columns):
                    self.validate_fk_rows(child, con)

    # ---- sequences ----
    def create_sequence(self, node: exp.Create) -> Result:
        tn = node.this
        schema = self.schema_of(tn)
        self.check_create_in(schema)
        name = ident(tn.this)
        if self.cat.relation_oid(schema, name) is not None:
            if node.args.get("exists"):
                self.notice(f'relation "{name}" already exists, skipping', "42P07")
                return Result("CREATE SEQUENCE")
            raise SqlError("42P07", f'relation "{name}" already exists')
        seq = SequenceDef(self.cat.new_oid(), schema, name, owner=self.s.user)
        dt = node.args.get("expression")
        if isinstance(dt, exp.DataType):
            seq.data_type = T.from_datatype(dt).display()
            if seq.data_type not in ("smallint", "integer", "bigint"):
                raise SqlError("22023", "sequence type must be smallint, integer, or bigint")
            seq.max_value = {"integer": 2147483647, "smallint": 32767}.get(seq.data_type, seq.max_value)
        props = node.args.get("properties")
        sp = None
        if props is not None:
            sp = next((p for p in props.expressions if isinstance(p, exp.SequenceProperties)), None)
        if sp is not None:
            self.apply_sequence_props(seq, sp.args, new=True)
        self.cat.put(seq)
        self.fresh_sequence(seq)
        return Result("CREATE SEQUENCE")

    def apply_sequence_props(self, seq: SequenceDef, a: dict[str, Any], new: bool) -> None:
        inc = _lit_int(a.get("increment"))
        if inc is not None:
            if inc == 0:
                raise SqlError("22023", "INCREMENT must not be zero")
            seq.increment = inc
        maxdef = {"integer": 2147483647, "smallint": 32767}.get(seq.data_type, 9223372036854775807)
        if new and seq.increment < 0:
            seq.max_value, seq.min_value = -1, -maxdef
        mn = _lit_int(a.get("minvalue"))
        mx = _lit_int(a.get("maxvalue"))
        if mn is not None:
            seq.min_value = mn
        if mx is not None:
            seq.max_value = mx
        start = _lit_int(a.get("start"))
        if start is not None:
            seq.start = start
        elif new:
            seq.start = seq.min_value if seq.increment > 0 else seq.max_value
        cache = _lit_int(a.get("cache"))
        if cache is not None:
            if cache <= 0:
                raise SqlError("22023", f"CACHE ({cache}) must be greater than zero")
            seq.cache = cache
        for opt in a.get("options") or []:
            o = opt.name.upper() if isinstance(opt, exp.Expression) else str(opt).upper()
            if o == "CYCLE":
                seq.cycle = True
            elif o == "NO CYCLE":
                seq.cycle = False
        if seq.min_value >= seq.max_value:
            raise SqlError("22023", f"MINVALUE ({seq.min_value}) must be less than MAXVALUE ({seq.max_value})")
        if seq.start < seq.min_value:
            raise SqlError("22023", f"START value ({seq.start}) cannot be less than MINVALUE ({seq.min_value})")
        if seq.start > seq.max_value:
            raise SqlError("22023", f"START value ({seq.start}) cannot be greater than MAXVALUE ({seq.max_value})")
        owned = a.get("owned")
        if isinstance(owned, exp.Column):
            t = self.find_table(exp.Table(this=owned.args["table"], db=owned.args.get("db")))
            assert t is not None
            if t.column(ident(owned.this)) is None:
                raise SqlError("42703", f'column "{ident(owned.this)}" of relation "{t.name}" does not exist')
            seq.owned_by = (t.oid, ident(owned.this))

    def alter_sequence(self, text: str) -> Result:
        m = re.match(r"\s*ALTER\s+SEQUENCE\s+(IF\s+EXISTS\s+)?(?P<name>[\w.\"]+)\s*(?P<rest>.*)$", text, re.IGNORECASE | re.DOTALL)
        if not m:
            raise SqlError("42601", "syntax error in ALTER SEQUENCE")
        parts = [p.strip('"') for p in m.group("name").split(".")]
        name = parts[-1]
        schema = parts[0] if len(parts) > 1 else None
        seq = self.in_search_path(schema, lambda sch: self.cat.sequence(sch, name))
        if seq is None:
            if m.group(1):
                self.notice(f'relation "{name}" does not exist, skipping')
                return Result("ALTER SEQUENCE")
            raise SqlError("42P01", f'relation "{name}" does not exist')
        self.s.check_owner(seq.owner, "sequence", seq.name)
        rest = m.group("rest")
        m_rename = re.match(r"\s*RENAME\s+TO\s+(?P<new>\"(?:[^\"]|\"\")*\"|\w+)\s*$", rest, re.IGNORECASE)
        if m_rename:
            from orbitdb.sql.pgcatalog.deparse import quote_identifier

            new = Words(m_rename.group("new")).qualified_name()[-1]
            self.lock_object(seq.oid, ACCESS_EXCLUSIVE)
            seq = self.cat.objects[seq.oid]  # type: ignore[assignment]
            self.check_new_name(seq.schema, new)
            self.retarget_defaults({seq.oid: f"{quote_identifier(seq.schema)}.{quote_identifier(new)}"})
            seq = self.cat.objects[seq.oid]  # type: ignore[assignment]
            seq.name = new
            self.cat.put(seq)
            return Result("ALTER SEQUENCE")
        if re.search(r"\bRENAME\b|\bSET\s+SCHEMA\b", rest, re.IGNORECASE):
            raise SqlError("0A000", "ALTER SEQUENCE ... SET SCHEMA is not supported")
        restart = re.search(r"\bRESTART(?:\s+(?:WITH\s+)?(-?\d+))?", rest, re.IGNORECASE)
        owned = re.search(r"\bOWNED\s+BY\s+([\w.\"]+)", rest, re.IGNORECASE)
        if owned:
            target = owned.group(1)
            if target.upper() == "NONE":
                seq.owned_by = None
            else:
                bits = [b.strip('"') for b in target.split(".")]
                tname, cname = bits[-2], bits[-1]
                t = self.find_table(exp.Table(this=exp.Identifier(this=tname, quoted=True),
                                              db=exp.Identifier(this=bits[0], quoted=True) if len(bits) == 3 else None))
                assert t is not None
                if t.column(cname) is None:
                    raise SqlError("42703", f'column "{cname}" of relation "{t.name}" does not exist')
                seq.owned_by = (t.oid, cname)
        props = _sequence_props(rest)
        mt = re.search(r"\bAS\s+(smallint|integer|bigint|int[248]?)\b", rest, re.IGNORECASE)
        if mt is None and re.search(r"\bAS\s+\w", rest, re.IGNORECASE):
            raise SqlError("22023", "sequence type must be smallint, integer, or bigint")
        if mt:
            limits = {"integer": 2147483647, "smallint": 32767}
            old_max = limits.get(seq.data_type, 9223372036854775807)
            seq.data_type = T.parse_type_name(mt.group(1)).display()
            new_max = limits.get(seq.data_type, 9223372036854775807)
            # bounds left at the old type's limits follow the new type, as in PostgreSQL
            if seq.max_value == old_max:
                seq.max_value = new_max
            if seq.min_value == -old_max:
                seq.min_value = -new_max
        self.apply_sequence_props(seq, props, new=False)
        self.cat.touch(seq.oid)
        if restart:
            value = int(restart.group(1)) if restart.group(1) else seq.start
            self.s.store.sequence_set(seq, value, False)
        return Result("ALTER SEQUENCE")

    def rename_in_views(self, t: TableDef, new: str) -> None:
        """Views name their relations by name here (PostgreSQL keeps the oid): a renamed table or
        view is written under its new name, aliased as the old one so that qualified columns stay."""
        for oid in [v.oid for v in self.views_using(t)]:
            self.lock_object(oid, ACCESS_EXCLUSIVE)
        for v in self.views_using(t):
            tree = parse_one(v.view_sql).copy()  # type: ignore[arg-type]
            for node in list(tree.find_all(exp.Table)):
                if ident(node.this) != t.name:
                    continue
                db = node.args.get("db")
                qualified = f"{ident(db)}.{t.name}" if db is not None else t.name
                if lookup_reg(f'"{qualified}"' if db is None else qualified, T.REGCLASS.oid, self.s) != t.oid:
                    continue
                if not node.alias:
                    node.set("alias", exp.TableAlias(this=exp.Identifier(this=t.name, quoted=True)))
                node.set("this", exp.Identifier(this=new, quoted=True))
            v.view_sql = tree.sql(dialect="postgres")
            self.cat.touch(v.oid)

    def retarget_defaults(self, new_names: dict[int, str]) -> None:
        """Column defaults name their sequences (PostgreSQL binds the oid): a sequence that gets a
        new name, given by oid, is written under it. Resolved before the rename takes effect."""
        for oid in [t.oid for t in self.cat.tables() if any(c.default for c in t.columns)]:
            self.lock_object(oid)  # the entries change: taken before they are read
        for t in self.cat.tables():
            for c in t.columns:
                if not c.default:
                    continue
                node = parse_one("SELECT " + c.default).expressions[0].copy()
                changed = False
                for lit in _sequence_name_literals(node):
                    oid = lookup_reg(lit.this, T.REGCLASS.oid, self.s)
                    if oid in new_names:
                        lit.replace(exp.Literal.string(new_names[oid]))
                        changed = True
                if changed:
                    c.default = node.sql(dialect="postgres")
                    self.cat.touch(t.oid)

    def rename_schema(self, old: str, new: str) -> Result:
        """Every object of the schema moves with it; defaults naming its sequences and views naming
        its relations are written under the new name (PostgreSQL refers to them by oid)."""
        from orbitdb.sql.pgcatalog.deparse import quote_identifier

        sch = self.cat.schema(old)
        if sch is None:
            raise SqlError("3F000", f'schema "{old}" does not exist')
        self.s.check_owner(sch.owner, "schema", sch.name)
        if self.cat.schema(new) is not None:
            raise SqlError("42P06", f'schema "{new}" already exists')
        if new.startswith("pg_"):
            raise SqlError("42939", f'unacceptable schema name "{new}"',
                           detail='The prefix "pg_" is reserved for system schemas.')
        self.claim_name("", new)
        members = [o.oid for o in self.cat.objects.values() if isinstance(o, (TableDef, SequenceDef)) and
                   (o.schema == old or isinstance(o, TableDef) and o.kind == "v")]
        for oid in [sch.oid, *members]:
            self.lock_object(oid)  # the schema, what moves with it and the views that may name it
        sch = self.cat.objects[sch.oid]  # type: ignore[assignment]
        self.retarget_defaults({q.oid: f"{quote_identifier(new)}.{quote_identifier(q.name)}"
                                for q in self.cat.sequences() if q.schema == old})
        for v in self.cat.tables():
            if v.kind == "v" and v.view_sql:
                tree = parse_one(v.view_sql).copy()
                for node in tree.find_all(exp.Table, exp.Column):
                    db = node.args.get("db")
                    if db is not None and ident(db) == old:
                        node.set("db", exp.Identifier(this=new, quoted=True))
                v.view_sql = tree.sql(dialect="postgres")
                self.cat.touch(v.oid)
        for obj in list(self.cat.objects.values()):
            if isinstance(obj, (TableDef, SequenceDef, ExtensionDef)) and obj.schema == old:
                obj.schema = new
                self.cat.touch(obj.oid)
        sch.name = new
        self.cat.put(sch)
        return Result("ALTER SCHEMA")

    # ---- views ----
    def create_view(self, node: exp.Create) -> Result:
        if node.args.get("exists"):  # PostgreSQL's grammar has IF NOT EXISTS for materialized views only
            raise SqlError("42601", 'syntax error at or near "NOT"')
        target = node.this
        tn = target.this if isinstance(target, exp.Schema) else target
        temp, _ = _temporary(node, tn)
        schema = self.temp_schema() if temp else self.schema_of(tn)
        if not temp:
            self.check_create_in(schema)
        name = ident(tn.this)
        query = node.args["expression"]
        names = [ident(c) if isinstance(c, exp.Identifier) else ident(c.this) for c in target.expressions] \
            if isinstance(target, exp.Schema) else []
        compiled = compile_node(self.s, query, Runtime([]), freeze_stars=True,
                                select_into="views must not contain SELECT INTO")
        out = compiled.out.columns  # type: ignore[attr-defined]
        if not temp and any(is_temp_oid(oid) for oid, _ in compiled.relation_locks):
            # a view of a temporary table would outlive it: PostgreSQL makes the view temporary
            self.notice(f'view "{name}" will be a temporary view')
            if isinstance(tn, exp.Table) and tn.args.get("db"):
                raise SqlError("42P16", "cannot create temporary relation in non-temporary schema")
            temp = True
            schema = self.temp_schema()
        if len(names) > len(out):
            raise SqlError("42601", "CREATE VIEW specifies more column names than columns")
        cols = [names[i] if i < len(names) else c.name for i, c in enumerate(out)]
        dup = next((c for c in cols if cols.count(c) > 1), None)
        if dup is not None:
            raise SqlError("42701", f'column "{dup}" specified more than once')
        existing = self.cat.table(schema, name)
        if existing is not None or self.cat.relation_oid(schema, name) is not None:
            if not node.args.get("replace") or existing is None or existing.kind != "v":
                raise SqlError("42P07", f'relation "{name}" already exists')
            _check_view_replacement(existing, cols, out)
            v = existing
        else:
            v = TableDef(self.s.store.temp_oids.new() if temp else self.cat.new_oid(), schema, name, kind="v",
                         owner=self.s.user)
        v.view_sql = query.sql(dialect="postgres")
        v.view_check_option = _view_check_option(node, query)
        v.view_columns = cols
        v.columns = [ColumnDef(n, c.type.display() if c.type.oid != T.UNKNOWN.oid else "text", c.type.kind, i)
                     for i, (n, c) in enumerate(zip(cols, out))]
        v.next_slot = len(cols)
        self.cat.put(v)
        return Result("CREATE VIEW")

    # ---- schemas ----
    def rename_constraint(self, parts: list[str], if_exists: bool, old: str, new: str) -> Result:
        """ALTER TABLE ... RENAME CONSTRAINT: a primary key's or unique constraint's index is
        renamed with it, as in PostgreSQL."""
        t = self.find_table(_table_node(parts), missing_ok=if_exists)
        if t is None:
            self.notice(f'relation "{parts[-1]}" does not exist, skipping')
            return Result("ALTER TABLE")
        con = next((c for c in t.constraints if c.name == old), None)
        if con is None:
            raise SqlError("42704", f'constraint "{old}" for table "{t.name}" does not exist')
        if any(c.name == new for c in t.constraints):
            raise SqlError("42710", f'constraint "{new}" for relation "{t.name}" already exists')
        index = next((ix for ix in t.indexes if ix.oid == con.index), None) if con.index is not None else None
        if index is not None:
            self.check_new_name(t.schema, new)
            index.name = new
        con.name = new
        self.cat.put(t)
        return Result("ALTER TABLE")

    def create_schema(self, text: str) -> Result:
        m = re.match(r"\s*CREATE\s+SCHEMA\s+(IF\s+NOT\s+EXISTS\s+)?(?P<name>\"[^\"]+\"|\w+)?"
                     r"(\s+AUTHORIZATION\s+(?P<owner>\"[^\"]+\"|\w+))?\s*$", text, re.IGNORECASE | re.DOTALL)
        if not m:
            raise SqlError("42601", "syntax error in CREATE SCHEMA")
        raw = m.group("name") or m.group("owner")
        if raw is None:
            raise SqlError("42601", "syntax error in CREATE SCHEMA")
        name = raw[1:-1] if raw.startswith('"') else raw.lower()
        if name.startswith("pg_"):
            raise SqlError("42939", f'unacceptable schema name "{name}"',
                           detail='The prefix "pg_" is reserved for system schemas.')
        if self.cat.schema(name) is not None or name in ("pg_catalog", "information_schema"):
            if m.group(1):
                self.notice(f'schema "{name}" already exists, skipping', "42P06")
                return Result("CREATE SCHEMA")
            raise SqlError("42P06", f'schema "{name}" already exists')
        owner = m.group("owner")
        self.cat.put(SchemaDef(self.cat.new_oid(), name, (owner.strip('"') if owner else self.s.user)))
        return Result("CREATE SCHEMA")

    # ---- truncate ----
    def truncate(self, node: exp.TruncateTable) -> Result:
        tables = [self.find_table(t, must_own=False) for t in node.expressions]
        for t in tables:
            if t is not None:
                self.s.check_privilege("r", t, "D")
        cascade = (node.args.get("option") or "").upper() == "CASCADE" if isinstance(node.args.get("option"), str) \
            else str(node.args.get("option") or "").upper() == "CASCADE"
        oids = {t.oid for t in tables if t is not None}
        changed = True
        while changed:
            changed = False
            for o in self.cat.tables():
                for c in o.constraints:
                    if c.kind == "f" and c.ref_table in oids and o.oid not in oids:
                        if not cascade:
                            parent = self.cat.table_by_oid(c.ref_table)
                            raise SqlError("0A000", "cannot truncate a table referenced in a foreign key constraint",
                                           detail=f'Table "{o.name}" references "{parent.name if parent else "?"}".',
                                           hint=f'Truncate table "{o.name}" at the same time, or use TRUNCATE ... '
                                           "CASCADE.")
                        oids.add(o.oid)
                        tables.append(o)
                        self.notice(f'truncate cascades to table "{o.name}"')
                        changed = True
        restart = str(node.args.get("identity") or "").upper() == "RESTART"
        fired = self._truncate_triggers(tables)
        mark = len(self.s.trigger_events)
        for t in tables:
            assert t is not None
            TableAccess(t).clear(self.txn, all_snapshots=True)
            if restart:
                for seq in self.cat.sequences():
                    if seq.owned_by is not None and seq.owned_by[0] == t.oid:
                        self.s.store.sequence_set(seq, seq.start, False)
        for trg in fired:
            trg.after_statement(self.ctx, "TRUNCATE")
        run_queued(self.ctx, mark)
        return Result("TRUNCATE TABLE")

    def _truncate_triggers(self, tables: list[TableDef | None]) -> list[Any]:
        """The TRUNCATE triggers of the tables (orbitdb.sql.triggers), their BEFORE ones fired."""
        fired = []
        for t in tables:
            if t is not None and any(tr.enabled != "D" and "truncate" in tr.events for tr in t.triggers):
                rt = Runtime([])
                trg = self.s.table_triggers(Planner(self.s, self.cat, rt), t, rt)
                trg.before_statement(self.ctx, "TRUNCATE")
                fired.append(trg)
        return fired

    # ---- comments ----
    def comment_on(self, text: str) -> Result:
        """COMMENT ON TABLE/VIEW/COLUMN/SCHEMA/SEQUENCE/INDEX/CONSTRAINT ... IS 'text' | NULL."""
        w = Words(text)
        w.take("COMMENT", "ON")
        kind = w.next().upper()
        parts = w.qualified_name()
        on_table: list[str] = []
        if kind == "CONSTRAINT":
            if not w.take("ON"):
                raise SqlError("42601", f'syntax error at or near "{w.peek()}"')
            if w.peek() == "DOMAIN":
                raise SqlError("0A000", "COMMENT ON CONSTRAINT ... ON DOMAIN is not supported")
            on_table = w.qualified_name()
        if not w.take("IS"):
            raise SqlError("42601", f'syntax error at or near "{w.peek()}"')
        lit = w.next()
        w.expect_end()
        if lit.upper() == "NULL":
            comment = None
        elif lit.startswith("'"):
            comment = lit[1:-1].replace("''", "'") or None  # an empty comment removes it, as in PostgreSQL
        else:
            raise SqlError("42601", f'syntax error at or near "{lit}"')
        if kind == "EXTENSION":
            ext = self.cat.extension(parts[-1])
            if ext is None:
                if parts[-1] == "plpgsql":
                    raise SqlError("0A000", "COMMENT ON EXTENSION plpgsql is not supported")
                raise SqlError("42704", f'extension "{parts[-1]}" does not exist')
            ext.comment = comment
            self.cat.touch(ext.oid)
        elif kind == "SCHEMA":
            sch = self.cat.schema(parts[-1])
            if sch is None:
                raise SqlError("3F000", f'schema "{parts[-1]}" does not exist')
            self.lock_object(sch.oid)
            sch = self.cat.objects[sch.oid]  # type: ignore[assignment]
            sch.comment = comment
            self.cat.touch(sch.oid)
        elif kind == "SEQUENCE":
            seq = self.in_search_path(parts[-2] if len(parts) > 1 else None,
                                      lambda sch: self.cat.sequence(sch, parts[-1]))
            if seq is None:
                raise SqlError("42P01", f'relation "{parts[-1]}" does not exist')
            self.lock_object(seq.oid, SHARE_UPDATE_EXCLUSIVE)
            seq = self.cat.objects[seq.oid]  # type: ignore[assignment]
            seq.comment = comment
            self.cat.touch(seq.oid)
        elif kind == "INDEX":
            found = self.in_search_path(parts[-2] if len(parts) > 1 else None,
                                        lambda sch: self.cat.index_owner(sch, parts[-1]))
            if found is None:
                raise SqlError("42P01", f'relation "{parts[-1]}" does not exist')
            owner = self.lock_table(found[0], SHARE_UPDATE_EXCLUSIVE)
            ix = next((i for i in owner.indexes if i.oid == found[1].oid), None) if owner is not None else None
            if owner is None or ix is None:
                raise SqlError("42P01", f'relation "{parts[-1]}" does not exist')
            ix.comment = comment
            self.cat.touch(owner.oid)
        elif kind == "CONSTRAINT":
            t = self.find_table(_table_node(on_table), kind=None, mode=SHARE_UPDATE_EXCLUSIVE)
            assert t is not None
            con = next((c for c in t.constraints if c.name == parts[-1]), None)
            if con is None:
                raise SqlError("42704", f'constraint "{parts[-1]}" for table "{t.name}" does not exist')
            con.comment = comment
            self.cat.touch(t.oid)
        elif kind == "COLUMN":
            if len(parts) < 2:
                raise SqlError("42601", "column name must be qualified")
            t = self.find_table(_table_node(parts[:-1]), kind=None, mode=SHARE_UPDATE_EXCLUSIVE)
            assert t is not None
            c = t.column(parts[-1])
            if c is None:
                raise SqlError("42703", f'column "{parts[-1]}" of relation "{t.name}" does not exist')
            c.comment = comment
            self.cat.touch(t.oid)
        else:
            t = self.find_table(_table_node(parts), kind="v" if kind == "VIEW" else "r", mode=SHARE_UPDATE_EXCLUSIVE)
            assert t is not None
            t.comment = comment
            self.cat.touch(t.oid)
        return Result("COMMENT")

    # ---- owners ----
    def alter_owner(self, kind: str, name: str, role: str, if_exists: bool) -> Result:
        """ALTER TABLE/VIEW/SEQUENCE/SCHEMA/INDEX ... OWNER TO role: recorded in the catalog. orbitdb
        has no privileges, so an owner grants and withholds nothing (docs/compatibility.md)."""
        from orbitdb.sql.pgcatalog import regrole_in

        tag = f"ALTER {kind}"
        role_name = role[1:-1].replace('""', '"') if role.startswith('"') else role.lower()
        if role_name.upper() in ("CURRENT_USER", "SESSION_USER", "CURRENT_ROLE"):
            role_name = self.s.user
        parts = Words(name).qualified_name()
        schema = parts[-2] if len(parts) > 1 else None
        obj: TableDef | SequenceDef | SchemaDef | None
        index_owner = ""
        if kind == "SCHEMA":
            obj = self.cat.schema(parts[-1])
            if obj is None:
                raise SqlError("3F000", f'schema "{parts[-1]}" does not exist')
        elif kind == "INDEX":
            found = self.in_search_path(schema, lambda sch: self.cat.index_owner(sch, parts[-1]))
            if found is None:
                if if_exists:
                    self.notice(f'relation "{parts[-1]}" does not exist, skipping')
                    return Result(tag)
                raise SqlError("42P01", f'relation "{parts[-1]}" does not exist')
            index_owner = found[0].owner
            obj = None
        else:
            # ALTER TABLE names sequences and views too (pg_dump writes it so)
            obj = self.in_search_path(schema, lambda sch: self.cat.table(sch, parts[-1]) or
                                      self.cat.sequence(sch, parts[-1]))
            if obj is None:
                if if_exists:
                    self.notice(f'relation "{parts[-1]}" does not exist, skipping')
                    return Result(tag)
                raise SqlError("42P01", f'relation "{parts[-1]}" does not exist')
            if kind == "VIEW" and not (isinstance(obj, TableDef) and obj.kind == "v"):
                raise SqlError("42809", f'"{parts[-1]}" is not a view')
            if kind == "SEQUENCE" and not isinstance(obj, SequenceDef):
                raise SqlError("42809", f'"{parts[-1]}" is not a sequence')
        if regrole_in(self.s, role_name) is None:
            raise SqlError("42704", f'role "{role_name}" does not exist')
        if obj is not None:
            noun = ("schema" if isinstance(obj, SchemaDef) else "sequence" if isinstance(obj, SequenceDef)
                    else "view" if obj.kind == "v" else "table")
            self.s.check_owner(obj.owner, noun, obj.name)
            self.s.check_member(role_name)
            schema_of_obj = self.cat.schema(obj.schema) if not isinstance(obj, SchemaDef) else None
            if schema_of_obj is not None and not self.s.role_is_superuser(self.s.user):
                self.s.check_privilege_of(role_name, "n", schema_of_obj, "C")  # the new owner could create it
        if obj is not None:
            self.lock_object(obj.oid, None if isinstance(obj, SchemaDef) else ACCESS_EXCLUSIVE)
            obj = self.cat.objects.get(obj.oid)  # type: ignore[assignment]
            assert obj is not None
        if obj is None:
            # an index has its table's owner: PostgreSQL warns and changes nothing
            if role_name != index_owner:
                self.s.notices.append(Notice("WARNING", "0A000", f'cannot change owner of index "{parts[-1]}"',
                                             hint="Change the ownership of the index's table instead."))
            return Result(tag)
        if isinstance(obj, SequenceDef) and obj.owned_by is not None and obj.owner != role_name:
            table = self.cat.objects.get(obj.owned_by[0])
            if isinstance(table, TableDef):
                raise SqlError("0A000", f'cannot change owner of sequence "{obj.name}"',
                               detail=f'Sequence "{obj.name}" is linked to table "{table.name}".')
        obj.owner = role_name
        self.cat.touch(obj.oid)
        if isinstance(obj, TableDef):
            # the sequences of its serial and identity columns follow the table, as PostgreSQL's do
            for seq in self.cat.sequences():
                if seq.owned_by is not None and seq.owned_by[0] == obj.oid:
                    seq.owner = role_name
                    self.cat.touch(seq.oid)
        return Result(tag)

    # ---- identity columns added to an existing column (pg_dump writes them so) ----
    def add_identity(self, m: re.Match[str]) -> Result:
        t = self.find_table(_table_node(Words(m.group("t")).qualified_name()))
        assert t is not None
        name = Words(m.group("c")).qualified_name()[-1]
        col = t.column(name)
        if col is None:
            raise SqlError("42703", f'column "{name}" of relation "{t.name}" does not exist')
        if col.type not in ("integer", "bigint", "smallint"):
            raise SqlError("22023", "identity column type must be smallint, integer, or bigint")
        if not col.not_null:
            raise SqlError("55000", f'column "{name}" of relation "{t.name}" must be declared NOT NULL before '
                           "identity can be added")
        if col.identity:
            raise SqlError("55000", f'column "{name}" of relation "{t.name}" is already an identity column')
        if col.default is not None:
            raise SqlError("55000", f'column "{name}" of relation "{t.name}" already has a default value')
        options = m.group("opts") or ""
        seq_name = re.search(r"\bSEQUENCE\s+NAME\s+([\w.\"]+)", options, re.IGNORECASE)
        seq = self.create_owned_sequence(t, name, col.type)
        if seq_name:
            parts = Words(seq_name.group(1)).qualified_name()
            if len(parts) > 1 and parts[-2] != t.schema:
                raise SqlError("0A000", "an identity sequence in another schema than its table is not supported")
            self.cat.remove(seq.oid)
            self.check_new_name(t.schema, parts[-1])
            seq.name = parts[-1]
            self.cat.put(seq)
        clauses = re.sub(r"\bSEQUENCE\s+NAME\s+[\w.\"]+", "", options, flags=re.IGNORECASE)
        self.apply_sequence_props(seq, _sequence_props(clauses), new=True)
        self.fresh_sequence(seq)
        col.identity = "a" if m.group("always") else "d"
        col.default = f"nextval('{_seq_ref(seq, self.s)}'::regclass)"
        self.cat.put(t)
        return Result("ALTER TABLE")

    # ---- ALTER TABLE ... ALTER COLUMN ... DROP IDENTITY / SET GENERATED (Django's AutoField changes) ----
    def alter_identity(self, m: re.Match[str]) -> Result:
        t = self.find_table(_table_node(Words(m.group("t")).qualified_name()))
        assert t is not None
        name = Words(m.group("c")).qualified_name()[-1]
        col = t.column(name)
        if col is None:
            raise SqlError("42703", f'column "{name}" of relation "{t.name}" does not exist')
        if not col.identity:
            if m.group("ifexists"):
                self.notice(f'column "{name}" of relation "{t.name}" is not an identity column, skipping')
                return Result("ALTER TABLE")
            raise SqlError("55000", f'column "{name}" of relation "{t.name}" is not an identity column')
        if m.group("set"):
            col.identity = "a" if m.group("always") else "d"
        else:  # DROP IDENTITY: the column keeps NOT NULL; its default and its sequence go
            col.identity = None
            col.default = None
            for seq in self.cat.sequences():
                if seq.owned_by == (t.oid, name):
                    self.cat.remove(seq.oid)
        self.cat.put(t)
        return Result("ALTER TABLE")

    # ---- ALTER TABLE ... ALTER COLUMN ... DROP EXPRESSION: a generated column becomes a plain one ----
    def drop_expression(self, m: re.Match[str]) -> Result:
        parts = Words(m.group("t")).qualified_name()
        t = self.find_table(_table_node(parts))
        assert t is not None
        name = Words(m.group("c")).qualified_name()[-1]
        col = t.column(name)
        if col is None:
            raise SqlError("42703", f'column "{name}" of relation "{t.name}" does not exist')
        if col.generated is None:
            if m.group("ifexists"):
                self.notice(f'column "{name}" of relation "{t.name}" is not a stored generated column, skipping')
                return Result("ALTER TABLE")
            raise SqlError("55000", f'column "{name}" of relation "{t.name}" is not a stored generated column')
        col.generated = None
        self.cat.put(t)
        return Result("ALTER TABLE")


_ALTER_IDENTITY = re.compile(
    r"\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(?P<t>[\w.\"]+)\s+ALTER\s+(?:COLUMN\s+)?(?P<c>[\w\"]+)\s+(?:DROP\s+IDENTITY"
    r"(?P<ifexists>\s+IF\s+EXISTS)?|(?P<set>SET)\s+GENERATED\s+(?:(?P<always>ALWAYS)|BY\s+DEFAULT))\s*;?\s*$",
    re.IGNORECASE)
_DROP_EXPRESSION = re.compile(
    r"\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(?P<t>[\w.\"]+)\s+ALTER\s+(?:COLUMN\s+)?(?P<c>[\w\"]+)\s+DROP\s+EXPRESSION"
    r"(?P<ifexists>\s+IF\s+EXISTS)?\s*;?\s*$", re.IGNORECASE)


def _view_check_option(node: exp.Create, query: exp.Expression) -> str:
    """WITH [LOCAL | CASCADED] CHECK OPTION or WITH (check_option = ...): allowed only on a view
    PostgreSQL can update automatically."""
    option = node.meta.get("check_option", "")
    props = node.args.get("properties")
    for p in props.expressions if props is not None else []:
        if isinstance(p, exp.Property) and p.name.lower() == "check_option":
            value = p.args["value"].name.lower() if isinstance(p.args.get("value"), exp.Expression) else ""
            if value not in ("local", "cascaded"):
                raise SqlError("22023", 'invalid value for enum option "check_option": ' + value,
                               detail='Valid values are "local" and "cascaded".')
            option = value
    if option:
        reason = not_updatable_reason(query)
        if reason is not None:
            raise SqlError("0A000", "WITH CHECK OPTION is supported only on automatically updatable views",
                           hint=reason)
    return option


def _temporary(node: exp.Create, table_node: exp.Expression) -> tuple[bool, str]:
    """Whether CREATE TABLE makes a temporary table, and its ON COMMIT action."""
    props = node.args.get("properties")
    items = props.expressions if props is not None else []
    temp = any(isinstance(p, exp.TemporaryProperty) for p in items)
    db = table_node.args.get("db") if isinstance(table_node, exp.Table) else None
    if db is not None and ident(db) == "pg_temp":
        temp = True
    on_commit = "drop" if node.meta.get("on_commit_drop") else ""
    for p in items:
        if isinstance(p, exp.OnCommitProperty):
            on_commit = "delete" if p.args.get("delete") else ""
            if not temp:
                raise SqlError("42P16", "ON COMMIT can only be used on temporary tables")
    if on_commit and not temp:
        raise SqlError("42P16", "ON COMMIT can only be used on temporary tables")
    return temp, on_commit


_ON_COMMIT_DROP = re.compile(r"\bON\s+COMMIT\s+DROP\b", re.IGNORECASE)
_CREATE_INDEX = re.compile(r"\s*CREATE\s+(UNIQUE\s+)?INDEX\b", re.IGNORECASE)
_ON_ONLY = re.compile(r"\bON\s+ONLY\s+", re.IGNORECASE)
# CREATE INDEX ... (keys) [INCLUDE (...)] NULLS [NOT] DISTINCT, which sqlglot does not read
_NULLS_DISTINCT = re.compile(r"\)\s*NULLS\s+(?P<not>NOT\s+)?DISTINCT\b", re.IGNORECASE)


_CHECK_OPTION = re.compile(r"\s+WITH\s+(?:(?P<kind>LOCAL|CASCADED)\s+)?CHECK\s+OPTION\s*;?\s*\Z", re.IGNORECASE)


def _parse_create(text: str) -> exp.Expression:
    """sqlglot knows neither ON COMMIT DROP, CREATE INDEX ... ON ONLY nor a view's WITH CHECK OPTION:
    they are taken out and noted on the node."""
    check = _CHECK_OPTION.search(text)
    if check is not None:
        node = _parse_create(text[: check.start()])
        node.meta["check_option"] = (check.group("kind") or "cascaded").lower()
        return node
    is_index = _CREATE_INDEX.match(text) is not None
    only = _ON_ONLY.search(text) if is_index else None
    if only is not None:
        text = text[: only.start()] + "ON " + text[only.end():]
    nulls = _NULLS_DISTINCT.search(text) if is_index else None
    if nulls is not None:
        text = text[: nulls.start() + 1] + " " + text[nulls.end():]
    m = _ON_COMMIT_DROP.search(text)
    node = parse_one(text if m is None else text[: m.start()] + text[m.end():])
    if m is not None:
        node.meta["on_commit_drop"] = True
    if only is not None:
        node.meta["only"] = True
    if nulls is not None and nulls.group("not"):
        node.meta["nulls_not_distinct"] = True
    return node


_REGCLASS_ARG_FUNCTIONS = ("nextval", "currval", "setval")


def _regclass_literals(node: exp.Expression) -> list[exp.Literal]:
    """The string constants of node that PostgreSQL's parser turns into regclass constants: those
    cast to regclass and the sequence argument of nextval/currval/setval."""
    found: list[exp.Literal] = []
    for n in node.walk():
        if isinstance(n, exp.Cast) and isinstance(n.this, exp.Literal) and n.this.is_string and \
                "regclass" in n.args["to"].sql().lower():
            found.append(n.this)
        elif isinstance(n, exp.Anonymous) and str(n.this).lower() in _REGCLASS_ARG_FUNCTIONS and n.expressions:
            first = n.expressions[0]
            if isinstance(first, exp.Literal) and first.is_string:
                found.append(first)
    return found


def _qualify_regclass_literals(s: Session, node: exp.Expression) -> exp.Expression:
    """'name'::regclass (and nextval('name')) resolved now to its schema-qualified name:
    PostgreSQL binds the oid, so a later search_path (pg_dump's empty one) does not change it."""
    if not _regclass_literals(node):
        return node
    from orbitdb.sql.pgcatalog.deparse import quote_identifier
    node = node.copy()
    for lit in _regclass_literals(node):
        oid = lookup_reg(lit.this, T.REGCLASS.oid, s)
        obj = s.catalog().objects.get(oid) if oid is not None else None
        if obj is not None and getattr(obj, "schema", None):
            lit.replace(exp.Literal.string(f"{quote_identifier(obj.schema)}.{quote_identifier(obj.name)}"))
    return node


def _deferral(node: exp.Expression) -> tuple[bool, bool]:
    """(DEFERRABLE, INITIALLY DEFERRED) of a unique or primary key constraint."""
    return options_deferral(node.args.get("options") or [])


def _without_pk(t: TableDef) -> TableDef:
    c = copy.deepcopy(t)
    c.primary_key = []
    return c


def _fk_types_compatible(child: T.SqlType, parent: T.SqlType) -> bool:
    """PostgreSQL's rule for a foreign key's column types: the parent key's btree operator family
    compares both (the integer types with each other, the float types, the string types), or the
    child's type casts implicitly to the parent's."""
    c, p = T.strip(child), T.strip(parent)
    if c.oid == p.oid:
        return True
    for family in (T.INTEGER_TYPES, (T.FLOAT4.oid, T.FLOAT8.oid), T.STRING_OIDS):
        if c.oid in family and p.oid in family:
            return True
    return can_implicit(c, p)


def _sequence_props(text: str) -> dict[str, Any]:
    """Sequence options (INCREMENT BY, MINVALUE, MAXVALUE, START WITH, CACHE, [NO] CYCLE) as
    apply_sequence_props takes them."""
    props: dict[str, Any] = {}
    for key, pat in (("increment", r"\bINCREMENT\s+(?:BY\s+)?(-?\d+)"), ("minvalue", r"\bMINVALUE\s+(-?\d+)"),
                     ("maxvalue", r"\bMAXVALUE\s+(-?\d+)"), ("start", r"\bSTART\s+(?:WITH\s+)?(-?\d+)"),
                     ("cache", r"\bCACHE\s+(\d+)")):
        mm = re.search(pat, text, re.IGNORECASE)
        if mm:
            props[key] = exp.Literal.number(int(mm.group(1)))
    if re.search(r"\bNO\s+CYCLE\b", text, re.IGNORECASE):
        props["options"] = ["NO CYCLE"]
    elif re.search(r"\bCYCLE\b", text, re.IGNORECASE):
        props["options"] = ["CYCLE"]
    return props


def _sequence_name_literals(node: exp.Expression) -> list[exp.Literal]:
    """String literals that name a sequence: cast to regclass, or the first argument of
    nextval/currval/setval."""
    out = []
    for n in node.walk():
        if isinstance(n, exp.Cast) and isinstance(n.this, exp.Literal) and n.this.is_string and \
                "regclass" in n.args["to"].sql().lower():
            out.append(n.this)
        elif isinstance(n, exp.Anonymous) and str(n.this).lower() in ("nextval", "currval", "setval") and \
                n.expressions and isinstance(n.expressions[0], exp.Literal) and n.expressions[0].is_string:
            out.append(n.expressions[0])
    return out


def _table_node(parts: list[str]) -> exp.Table:
    return exp.Table(this=exp.Identifier(this=parts[-1], quoted=True),
                     db=exp.Identifier(this=parts[-2], quoted=True) if len(parts) > 1 else None)


# what LIKE ... INCLUDING ALL names (STATISTICS, STORAGE and COMPRESSION copy nothing in
# orbitdb: it has no statistics targets, storage modes or compression settings)
_LIKE_OPTIONS = {"COMMENTS", "COMPRESSION", "CONSTRAINTS", "DEFAULTS", "GENERATED", "IDENTITY", "INDEXES",
                 "STATISTICS", "STORAGE"}

_ADD_IDENTITY = re.compile(
    r"\s*ALTER\s+TABLE\s+(?:ONLY\s+)?(?P<t>[\w.\"]+)\s+ALTER\s+(?:COLUMN\s+)?(?P<c>[\w\"]+)\s+ADD\s+GENERATED\s+"
    r"(?:(?P<always>ALWAYS)|BY\s+DEFAULT)\s+AS\s+IDENTITY\s*(?:\((?P<opts>.*)\))?\s*$", re.IGNORECASE | re.DOTALL)


def _seq_ref(seq: SequenceDef, s: Session) -> str:
    """The sequence as a default stores it: schema-qualified, so that the default
    keeps naming it whatever search_path is later (PostgreSQL stores the oid)."""
    from orbitdb.sql.pgcatalog.deparse import quote_identifier

    return f"{quote_identifier(seq.schema)}.{quote_identifier(seq.name)}".replace("'", "''")


def _lit_int(node: Any) -> int | None:
    if node is None:
        return None
    if isinstance(node, exp.Literal):
        return int(node.this)
    if isinstance(node, exp.Neg):
        v = _lit_int(node.this)
        return -v if v is not None else None
    try:
        return int(node.sql())
    except (ValueError, AttributeError):
        return None


def _col_name(c: exp.Expression) -> str:
    if isinstance(c, exp.Identifier):
        return ident(c)
    if isinstance(c, exp.Column):
        return ident(c.this)
    if isinstance(c, exp.Ordered):
        return _col_name(c.this)
    return ident(c)


def select_into(s: Session, node: exp.Select, rt: Runtime) -> Any:
    into = node.args["into"]
    query = node.copy()
    query.set("into", None)  # (set() changes the node and returns None)
    props = [exp.TemporaryProperty()] if into.args.get("temporary") else []
    if into.args.get("unlogged"):
        props.append(exp.UnloggedProperty())
    create = exp.Create(this=into.this, kind="TABLE", expression=query,
                        properties=exp.Properties(expressions=props) if props else None)
    compiled_query = compile_node(s, query, rt)  # now: its parameters are the statement's

    class _SelectInto(Compiled):
        columns = None

        def __init__(self) -> None:
            self.rt = rt
            self.relation_locks = compiled_query.relation_locks
            self.permissions = compiled_query.permissions

        def run(self, ctx: ExecContext) -> Result:
            done = DDL(s, ctx).create_table(create, compiled_query)
            return Result(f"SELECT {max(done.rowcount, 0)}", None, [], done.rowcount)  # PostgreSQL's tag for it

    return _SelectInto()


def ddl_statement(s: Session, st: Statement, ctx: ExecContext, params: list[Any]) -> Result:
    words = [w.upper() for w in re.findall(r"[A-Za-z_]+", st.text)[:6]]
    head = " ".join(words[:2])
    if words[0] == "LOCK":
        return Result("LOCK TABLE")
    if words[0] == "DO":
        raise SqlError("0A000", "DO blocks (procedural code) are not supported")
    if ctx.txn is not None and ctx.txn.read_only and words[0] != "LOAD":
        what = " ".join(words[:2]) if words[0] in ("CREATE", "DROP", "ALTER") else words[0]
        raise SqlError("25006", f"cannot execute {what} in a read-only transaction")
    if words[0] in ("CREATE", "ALTER", "DROP", "COMMENT") and object_kind(st.text) in ("TYPE", "DOMAIN"):
        from orbitdb.sql.ddl.typecmds import type_statement

        return type_statement(DDL(s, ctx), st.text)
    refused = refusal(words, st.text)
    if refused is not None:
        raise SqlError("0A000", refused)
    if head == "CREATE EXTENSION":
        return create_extension(s, ctx, st.text)
    if head == "DROP EXTENSION":
        return drop_extension(s, ctx, st.text)
    if head == "COMMENT ON":
        return DDL(s, ctx).comment_on(st.text)
    if words[0] == "DROP" and object_kind(st.text) in _DROP_NOTHING:
        return _drop_nothing(s, st.text)
    m_owner = re.match(r"\s*ALTER\s+(TABLE|VIEW|SEQUENCE|SCHEMA|INDEX)\s+(IF\s+EXISTS\s+)?(ONLY\s+)?(?P<name>[\w.\"$]+)"
                       r"\s+OWNER\s+TO\s+(?P<role>\"(?:[^\"]|\"\")*\"|\w+)\s*$", st.text, re.IGNORECASE)
    if m_owner:
        return DDL(s, ctx).alter_owner(m_owner.group(1).upper(), m_owner.group("name"), m_owner.group("role"),
                                       bool(m_owner.group(2)))
    if head == "CREATE SCHEMA":
        return DDL(s, ctx).create_schema(st.text)
    if head == "ALTER TABLE" and partitions.is_partition_command(st.text):
        return partitions.partition_command(DDL(s, ctx), st.text)
    if head == "ALTER SEQUENCE":
        return DDL(s, ctx).alter_sequence(st.text)
    m_schema = re.match(r"\s*ALTER\s+TABLE\s+(IF\s+EXISTS\s+)?(ONLY\s+)?(?P<t>[\w.\"]+)\s+SET\s+SCHEMA\s+"
                        r"(?P<s>[\w\"]+)\s*$", st.text, re.IGNORECASE)
    if m_schema:
        d = DDL(s, ctx)
        parts = [p.strip('"') if p.startswith('"') else p.lower() for p in m_schema.group("t").split(".")]
        t = d.find_table(exp.Table(this=exp.Identifier(this=parts[-1], quoted=True),
                                   db=exp.Identifier(this=parts[0], quoted=True) if len(parts) > 1 else None),
                         missing_ok=bool(m_schema.group(1)), kind=None)
        if t is None:
            return Result("ALTER TABLE")
        target = m_schema.group("s").strip('"') if m_schema.group("s").startswith('"') else m_schema.group("s").lower()
        if d.cat.schema(target) is None:
            raise SqlError("3F000", f'schema "{target}" does not exist')
        d.check_new_name(target, t.name)
        t.schema = target
        for seq in d.cat.sequences():
            if seq.owned_by is not None and seq.owned_by[0] == t.oid:
                seq.schema = target
                d.cat.touch(seq.oid)
        d.cat.put(t)
        return Result("ALTER TABLE")
    if head == "ALTER INDEX":
        return _alter_index(s, ctx, st.text)
    if head == "ALTER SCHEMA":
        m_rename = re.match(r"\s*ALTER\s+SCHEMA\s+(?P<old>\"(?:[^\"]|\"\")*\"|\w+)\s+RENAME\s+TO\s+"
                            r"(?P<new>\"(?:[^\"]|\"\")*\"|\w+)\s*$", st.text, re.IGNORECASE)
        if not m_rename:
            raise SqlError("0A000", "ALTER SCHEMA is not supported except RENAME TO and OWNER TO")
        return DDL(s, ctx).rename_schema(Words(m_rename.group("old")).qualified_name()[-1],
                                         Words(m_rename.group("new")).qualified_name()[-1])
    if head == "ALTER VIEW" and not re.match(r"\s*ALTER\s+VIEW\s+(IF\s+EXISTS\s+)?[\w.\"]+\s+RENAME\s", st.text,
                                             re.IGNORECASE):
        raise SqlError("0A000", "ALTER VIEW is not supported except RENAME and OWNER TO")
    m_con = re.match(r"\s*ALTER\s+TABLE\s+(?P<ie>IF\s+EXISTS\s+)?(ONLY\s+)?(?P<t>[\w.\"$]+)\s+RENAME\s+CONSTRAINT\s+"
                     r"(?P<old>\"(?:[^\"]|\"\")*\"|\w+)\s+TO\s+(?P<new>\"(?:[^\"]|\"\")*\"|\w+)\s*$", st.text, re.IGNORECASE)
    if m_con:
        return DDL(s, ctx).rename_constraint(Words(m_con.group("t")).qualified_name(), bool(m_con.group("ie")),
                                             Words(m_con.group("old")).qualified_name()[-1],
                                             Words(m_con.group("new")).qualified_name()[-1])
    m_identity = _ADD_IDENTITY.match(st.text)
    if m_identity:
        return DDL(s, ctx).add_identity(m_identity)
    m_alter_identity = _ALTER_IDENTITY.match(st.text)
    if m_alter_identity:
        return DDL(s, ctx).alter_identity(m_alter_identity)
    m_expression = _DROP_EXPRESSION.match(st.text)
    if m_expression:
        return DDL(s, ctx).drop_expression(m_expression)
    m_check = re.match(r"\s*ALTER\s+TABLE\s+(ONLY\s+)?(?P<t>[\w.\"]+)\s+ADD\s+(CONSTRAINT\s+(?P<n>[\w\"]+)\s+)?"
                       r"CHECK\s*(?P<e>\(.*\))\s*(NOT\s+VALID)?\s*$", st.text, re.IGNORECASE | re.DOTALL)
    if m_check:
        d = DDL(s, ctx)
        parts = [p.strip('"') for p in m_check.group("t").split(".")]
        t = d.find_table(exp.Table(this=exp.Identifier(this=parts[-1], quoted=True),
                                   db=exp.Identifier(this=parts[0], quoted=True) if len(parts) > 1 else None))
        assert t is not None
        name = m_check.group("n")
        if m_check.group(1) and any(c.partition_of == t.oid or t.oid in c.inherits for c in d.cat.tables()):
            raise SqlError("42P16", "constraint must be added to child tables too")
        before = len(t.constraints)
        d.add_check(t, parse_one("SELECT " + m_check.group("e")).expressions[0],
                    name.strip('"') if name else None, None)
        new = t.constraints[before:]
        d.validate_new_constraints(t, new)
        d.cat.put(t)
        for con in new:  # a partitioned table's CHECK holds in every partition (unless ONLY)
            partitions.add_constraint_to_partitions(d, t, con, bool(m_check.group(1)))
        return Result("ALTER TABLE")
    m_drop = re.match(r"\s*DROP\s+(TABLE|VIEW|INDEX|SEQUENCE|SCHEMA)\s+(IF\s+EXISTS\s+)?(.+?)\s*(CASCADE|RESTRICT)?\s*$",
                      st.text, re.IGNORECASE | re.DOTALL)
    if m_drop and "," in m_drop.group(3):
        # sqlglot reads only one name for some DROPs: build the node from the list
        kind = m_drop.group(1).upper()
        names = [n.strip() for n in m_drop.group(3).split(",")]
        tables = []
        for n in names:
            parts = [p.strip('"') if p.startswith('"') else p.lower() for p in n.split(".")]
            if kind == "SCHEMA":
                tables.append(exp.Table(db=exp.Identifier(this=parts[-1], quoted=True)))
            else:
                tables.append(exp.Table(this=exp.Identifier(this=parts[-1], quoted=True),
                                        db=exp.Identifier(this=parts[0], quoted=True) if len(parts) > 1 else None))
        node = exp.Drop(kind=kind, exists=bool(m_drop.group(2)), tables=tables,
                        cascade=(m_drop.group(4) or "").upper() == "CASCADE")
    else:
        node = _parse_create(st.text) if words[0] == "CREATE" else parse_one(st.text)
    d = DDL(s, ctx, writable=not isinstance(node, exp.TruncateTable))
    if isinstance(node, exp.Create):
        kind = (node.args.get("kind") or "").upper()
        if kind == "TABLE":
            return d.create_table(node)
        if kind == "INDEX":
            return d.create_index(node)
        if kind == "SEQUENCE":
            return d.create_sequence(node)
        if kind == "VIEW":
            return d.create_view(node)
        raise SqlError("0A000", f"CREATE {kind} is not supported")
    if isinstance(node, exp.Drop):
        return d.drop(node)
    if isinstance(node, exp.Alter):
        kind = (node.args.get("kind") or "").upper()
        if kind in ("TABLE", "VIEW"):
            return d.alter_table(node)
        raise SqlError("0A000", f"ALTER {kind} is not supported")
    if isinstance(node, exp.TruncateTable):
        return d.truncate(node)
    raise SqlError("0A000", f"statement not supported: {st.text[:60]}")


def _rename_index(s: Session, ctx: ExecContext, text: str) -> Result:
    m = re.match(r"\s*ALTER\s+INDEX\s+(IF\s+EXISTS\s+)?(?P<old>[\w.\"]+)\s+RENAME\s+TO\s+(?P<new>[\w\"]+)\s*$", text,
                 re.IGNORECASE)
    if not m:
        raise SqlError("42601", "syntax error in ALTER INDEX")
    d = DDL(s, ctx)
    old = m.group("old").split(".")[-1].strip('"')
    new = m.group("new").strip('"')
    for sch in s.search_schemas():
        found = d.cat.index_owner(sch, old)
        if found:
            t, ix = found
            ix.name = new
            for c in t.constraints:
                if c.index == ix.oid:
                    c.name = new
            d.cat.put(t)
            return Result("ALTER INDEX")
    raise SqlError("42P01", f'relation "{old}" does not exist')


__all__ = ["Scope", "ddl_statement", "select_into"]



def find_relation(s: Session, parts: list[str]) -> TableDef | None:
    """A table or view by (possibly schema-qualified) name along search_path."""
    cat = s.catalog()
    schemas = [parts[-2]] if len(parts) > 1 else s.search_schemas()
    for sch in schemas:
        t = cat.table(sch, parts[-1])
        if t is not None:
            return t
    return None


# kinds of object orbitdb has none of: DROP ... IF EXISTS skips each name, as PostgreSQL does for a
# missing object; a name that PostgreSQL has built in (a type, a role, plpgsql) is refused instead
_DROP_NOTHING = {
    "FUNCTION": "42883", "PROCEDURE": "42883", "ROUTINE": "42883", "AGGREGATE": "42883", "TRIGGER": "42704",
    "EVENT TRIGGER": "42704", "TYPE": "42704", "DOMAIN": "42704", "ROLE": "42704", "USER": "42704",
    "GROUP": "42704", "EXTENSION": "42704", "RULE": "42704", "POLICY": "42704", "PUBLICATION": "42704",
    "SUBSCRIPTION": "42704", "CAST": "42704", "COLLATION": "42704", "CONVERSION": "42704", "OPERATOR": "42704",
    "OPERATOR CLASS": "42704", "OPERATOR FAMILY": "42704", "LANGUAGE": "42704", "PROCEDURAL LANGUAGE": "42704",
    "FOREIGN TABLE": "42P01", "FOREIGN DATA WRAPPER": "42704", "SERVER": "42704", "STATISTICS": "42704",
    "TABLESPACE": "42704", "ACCESS METHOD": "42704", "TRANSFORM": "42704", "MATERIALIZED VIEW": "42P01",
}
_ON_TABLE = {"TRIGGER", "RULE", "POLICY"}


def _drop_nothing(s: Session, text: str) -> Result:
    kind = object_kind(text)
    w = Words(text)
    w.next()
    for _ in kind.split():
        w.next()
    if_exists = w.take("IF", "EXISTS")
    noun = kind.lower()
    while True:
        if kind in ("CAST", "TRANSFORM"):
            raise SqlError("0A000", f"DROP {kind} is not supported")
        parts = w.qualified_name()
        args = w.paren_list()
        label = f"{parts[-1]}({', '.join(args)})" if kind in ("FUNCTION", "PROCEDURE", "ROUTINE", "AGGREGATE") \
            else f'"{parts[-1]}"'
        if _builtin_exists(s, kind, parts[-1]):
            raise SqlError("0A000", f"DROP {kind} is not supported", detail=f"{label} is built into orbitdb.")
        relation = ""
        if kind in _ON_TABLE:
            if not w.take("ON"):
                raise SqlError("42601", f'syntax error at or near "{w.peek()}"')
            table = w.qualified_name()
            if find_relation(s, table) is None:
                if not if_exists:
                    raise SqlError("42P01", f'relation "{table[-1]}" does not exist')
                s.notices.append(Notice("NOTICE", "00000", f'relation "{table[-1]}" does not exist, skipping'))
                label = ""
            relation = f' for relation "{table[-1]}"'
        if kind == "MATERIALIZED VIEW" and find_relation(s, parts) is not None:
            raise SqlError("42809", f'"{parts[-1]}" is not a materialized view',
                           hint="Use DROP VIEW or DROP TABLE to remove it.")
        if label:
            if not if_exists:
                raise SqlError(_DROP_NOTHING[kind], f"{noun} {label}{relation} does not exist")
            s.notices.append(Notice("NOTICE", "00000", f"{noun} {label}{relation} does not exist, skipping"))
        if not w.take(","):
            break
    w.take("CASCADE") or w.take("RESTRICT")
    w.expect_end()
    return Result(f"DROP {kind}")


def _builtin_exists(s: Session, kind: str, name: str) -> bool:
    """Whether PostgreSQL (and orbitdb's catalog views) have a built-in object of that kind and name."""
    if kind in ("ROLE", "USER", "GROUP"):
        from orbitdb.sql.pgcatalog import regrole_in

        return regrole_in(s, name) is not None
    if kind == "EXTENSION":
        return name == "plpgsql"
    if kind in ("TYPE", "DOMAIN"):
        try:
            T.parse_type_name(name)
        except SqlError:
            return False
        return True
    if kind in ("FUNCTION", "PROCEDURE", "ROUTINE", "AGGREGATE"):
        import orbitdb.sql.functions  # noqa: F401  (registers the library)
        from orbitdb.sql.pgcatalog.lookup import proc_oid

        return name in FUNCTIONS or name in AGGREGATES or proc_oid(name) is not None
    if kind == "COLLATION":
        return name.lower() in ("c", "posix", "default", "ucs_basic")
    if kind == "LANGUAGE" or kind == "PROCEDURAL LANGUAGE":
        return name in ("plpgsql", "sql", "c", "internal")
    if kind == "TABLESPACE":
        return name in ("pg_default", "pg_global")
    if kind == "ACCESS METHOD":
        return name in ("heap", "btree", "hash", "gist", "gin", "spgist", "brin")
    return False


def _alter_index(s: Session, ctx: ExecContext, text: str) -> Result:
    """ALTER INDEX ... RENAME TO, and SET/RESET (storage parameters, which change no result)."""
    if re.match(r"\s*ALTER\s+INDEX\s+(IF\s+EXISTS\s+)?[\w.\"]+\s+RENAME\s+TO\s", text, re.IGNORECASE):
        return _rename_index(s, ctx, text)
    if partitions.is_index_attach(text):
        return partitions.attach_index(DDL(s, ctx), text)
    w = Words(text)
    w.take("ALTER", "INDEX")
    if_exists = w.take("IF", "EXISTS")
    parts = w.qualified_name()
    if not (w.peek() in ("SET", "RESET") and w.peek(1) == "("):
        raise SqlError("0A000", "ALTER INDEX is not supported except RENAME TO, SET (...), RESET (...) and OWNER TO")
    w.next()
    w.paren_list()
    w.expect_end()
    d = DDL(s, ctx)
    if d.in_search_path(parts[-2] if len(parts) > 1 else None, lambda sch: d.cat.index_owner(sch, parts[-1])) is None:
        if if_exists:
            d.notice(f'relation "{parts[-1]}" does not exist, skipping')
        else:
            raise SqlError("42P01", f'relation "{parts[-1]}" does not exist')
    return Result("ALTER INDEX")


def object_name(name1: str, name2: str | None, label: str) -> str:
    """PostgreSQL's makeObjectName: name1[_name2][_label] in at most 63 bytes, cutting a character
    at a time from whichever of name1 and name2 is longer."""
    overhead = (len(label.encode()) + 1 if label else 0) + (1 if name2 else 0)
    part1, part2 = name1, name2 or ""
    while len(part1.encode()) + len(part2.encode()) > 63 - overhead:
        if len(part1.encode()) > len(part2.encode()):
            part1 = part1[:-1]
        else:
            part2 = part2[:-1]
    name = part1 + ("_" + part2 if name2 else "")
    return name + ("_" + label if label else "")


def _check_view_replacement(existing: TableDef, cols: list[str], out: list[Any]) -> None:
    """CREATE OR REPLACE VIEW keeps the view's columns, names and types, in order (it may add
    columns after them), as PostgreSQL requires (42P16)."""
    old_cols = existing.view_columns
    if len(cols) < len(old_cols):
        raise SqlError("42P16", "cannot drop columns from view")
    for i, old_name in enumerate(old_cols):
        if cols[i] != old_name:
            raise SqlError("42P16", f'cannot change name of view column "{old_name}" to "{cols[i]}"',
                           hint="Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead.")
        new_type = out[i].type.display() if out[i].type.oid != T.UNKNOWN.oid else "text"
        old_type = existing.columns[i].type if i < len(existing.columns) else new_type
        if new_type != old_type:
            raise SqlError("42P16", f'cannot change data type of view column "{old_name}" from {old_type} '
                                    f"to {new_type}")


def _a(kind: str) -> str:
    """'a table', 'an index': a relation kind as PostgreSQL's messages name it."""
    word = kind.lower()
    return ("an " if word[0] in "aeiou" else "a ") + word
