"""Writing rows of one table with every constraint enforced: NOT NULL, CHECK,
primary key and unique indexes (with row locks, as PostgreSQL waits on a
concurrent inserter), and foreign keys in both directions (RESTRICT / NO
ACTION / CASCADE / SET NULL / SET DEFAULT)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.expr.compiler import Compiler
from orbitdb.sql.expr.core import E, Runtime, coerce
from orbitdb.sql.expr.domains import array_domain_checker, domain_chain, domain_checker
from orbitdb.sql.expr.scope import Scope, ScopeColumn
from orbitdb.sql.modify.deferred_fks import is_deferred, queue_child_check, queue_parent_check
from orbitdb.sql.modify.deferred_unique import deferrable_constraint, note_removed, note_written
from orbitdb.sql.modify.partitions import PartitionRouter, map_row, partition_check
from orbitdb.sql.parse.parser import parse_one
from orbitdb.sql.types import SqlType
from orbitdb.sql.types import usertypes as U
from orbitdb.sql.types.casts import ASSIGNMENT
from orbitdb.sql.types.textio import to_text
from orbitdb.storage.catalog import Catalog, ConstraintDef, TableDef
from orbitdb.storage.errors import SerializationFailure
from orbitdb.storage.lockmodes import (
    ACCESS_EXCLUSIVE,
    EXCLUSIVE,
    FOR_KEY_SHARE,
    FOR_UPDATE,
    ROW_EXCLUSIVE,
    ROW_SHARE,
    SHARE,
    SHARE_ROW_EXCLUSIVE,
)
from orbitdb.storage.tables import IndexEntry, TableAccess, computed_keys
from orbitdb.storage.txn import Transaction

if TYPE_CHECKING:
    from orbitdb.sql.plan.planner import Planner

Row = tuple[Any, ...]

# relation locks under which no other transaction can write the table (so per-key
# write intents are not needed), or cannot even lock its rows
_NO_OTHER_WRITERS = (1 << SHARE) | (1 << SHARE_ROW_EXCLUSIVE) | (1 << EXCLUSIVE) | (1 << ACCESS_EXCLUSIVE)
_NO_OTHER_LOCKERS = (1 << EXCLUSIVE) | (1 << ACCESS_EXCLUSIVE)


def fmt_value(v: Any, t: SqlType) -> str:
    if v is None:
        return "null"
    try:
        return to_text(v, t.oid)
    except Exception:  # noqa: BLE001 - an error message must still be built for odd values
        return str(v)


def column_type(catalog: Catalog | None, text: str) -> SqlType:
    """A column's type as expressions see it (a user type resolved in catalog)."""
    return U.stored_type(catalog, text).sql if catalog is not None else T.parse_type_name(text)


def _identity_sequence(cat: Catalog, table: TableDef, column: str) -> int | None:
    """The oid of an identity column's sequence."""
    seq = next((q for q in cat.sequences() if q.owned_by == (table.oid, column)), None)
    return seq.oid if seq is not None else None


def table_scope(table: TableDef, rel: str, level: int = 0, catalog: Catalog | None = None) -> Scope:
    cols = [ScopeColumn(rel, c.name, column_type(catalog, c.type), table_oid=table.oid, attnum=i + 1)
            for i, c in enumerate(table.columns)]
    cols.append(ScopeColumn(rel, "ctid", T.BYTEA, hidden=True))
    s = Scope(cols, level=level)
    s.rels = {rel}
    return s


class TableWriter:
    """Everything needed to write rows of one table within one statement."""

    def __init__(self, planner: Planner, table: TableDef, rt: Runtime, depth: int = 0) -> None:
        self.planner = planner
        self.table = table
        self.rt = rt
        self.access = TableAccess(table)
        cat = planner.catalog
        resolved = [U.stored_type(cat, c.type) for c in table.columns]
        self.types = [r.sql for r in resolved]
        self.names = [c.name for c in table.columns]
        self.depth = depth
        scope = table_scope(table, table.name, catalog=cat)
        comp = Compiler(planner, Scope(), rt, where="DEFAULT expressions")
        self.defaults: list[Callable[[Row], Any] | None] = []
        self.fixed_defaults: list[bool] = []  # the column's default is one value for every row
        # a column of a domain type: the domain's constraints, and its default if the column has none
        self.domains = [(i, domain_checker(planner, r.domain, rt)) for i, r in enumerate(resolved)
                        if r.domain is not None]
        self.domains += [(i, array_domain_checker(planner, r.element_domain, rt)) for i, r in enumerate(resolved)
                         if r.element_domain is not None]
        # a composite column stores its value's record text
        self.composites = [i for i, t in enumerate(self.types) if t.fields is not None]
        for c, t, r in zip(table.columns, self.types, resolved):
            default = c.default if c.default is not None else _domain_default(planner, r)
            identity = _identity_sequence(cat, table, c.name) if c.identity else None
            if identity is not None:
                # here, not at the top: a point query must not load the function library (coldstart)
                from orbitdb.sql.functions.sequences import identity_next

                self.defaults.append(lambda row, oid=identity: identity_next(rt.ctx, oid))
                self.fixed_defaults.append(False)
            elif default is not None:
                node = parse_one("SELECT " + default).expressions[0]
                e = coerce(comp.compile(node), t, 1, f'column "{c.name}"')
                self.defaults.append(e.fn)
                self.fixed_defaults.append(e.const)
            else:
                self.defaults.append(None)
                self.fixed_defaults.append(True)
        self.not_null = [i for i, c in enumerate(table.columns) if c.not_null]
        ccomp = Compiler(planner, scope, rt, where="check constraints")
        self.checks: list[tuple[str, Callable[[Row], Any]]] = []
        for con in table.constraints:
            if con.kind == "c" and con.check:
                node = parse_one("SELECT " + con.check).expressions[0]
                self.checks.append((con.name, ccomp.compile_bool(node, "CHECK").fn))
        # GENERATED ALWAYS AS (...) STORED: computed from the rest of the row before it is checked and written
        self.generated: list[tuple[int, Callable[[Row], Any]]] = []
        for i, (c, t) in enumerate(zip(table.columns, self.types)):
            if c.generated is not None:
                gcomp = Compiler(planner, scope, rt, where="column generation expressions")
                node = parse_one("SELECT " + c.generated).expressions[0]
                self.generated.append((i, assignment(gcomp.compile(node), t, c.name)))
        # a view's WITH CHECK OPTION, when the statement writes through one: (view name, condition on the row)
        self.view_checks: list[tuple[str, Callable[[Row], Any]]] = []
        self.pk_name = next((c.name for c in table.constraints if c.kind == "p"), f"{table.name}_pkey")
        self.unique = [(ix, cols, prefix) for ix, cols, prefix in self.access.indexes if ix.unique and not ix.deferrable]
        # DEFERRABLE unique and primary key constraints (orbitdb.sql.modify.deferred_unique): (index, constraint)
        self.deferrable = [(e, deferrable_constraint(table.constraints, e[0].oid))
                           for e in self.access.indexes if e[0].deferrable]
        # columns a foreign key can reference: changing one takes FOR UPDATE, others FOR NO KEY UPDATE
        self.key_cols = set(self.access.pk_idx)
        for _, cols, _ in self.unique:
            self.key_cols.update(cols)
        self.rel_tag = ("rel", table.oid)
        self.fks_out: list[tuple[ConstraintDef, TableDef, list[int], list[int]]] = []
        for con in table.constraints:
            if con.kind == "f" and con.ref_table is not None:
                parent = cat.table_by_oid(con.ref_table)
                if parent is None:
                    continue
                planner.lock_relation(parent.oid, ROW_SHARE)
                pnames = [c.name for c in parent.columns]
                self.fks_out.append((con, parent, [self.names.index(c) for c in con.columns],
                                     [pnames.index(c) for c in con.ref_columns]))
        self.fks_in: list[tuple[ConstraintDef, TableDef, list[int], list[int]]] = []
        for other in cat.tables():
            for con in other.constraints:
                if con.kind == "f" and con.ref_table == table.oid:
                    planner.lock_relation(other.oid, ROW_SHARE)
                    if "c" in (con.on_delete, con.on_update) or {"n", "d"} & {con.on_delete, con.on_update}:
                        planner.lock_relation(other.oid, ROW_EXCLUSIVE)
                    onames = [c.name for c in other.columns]
                    self.fks_in.append((con, other, [onames.index(c) for c in con.columns],
                                        [self.names.index(c) for c in con.ref_columns]))
        self._children: dict[int, TableWriter] = {}
        self._parents: dict[int, TableAccess] = {}
        # a partitioned table routes each row to its partition; a partition checks its bound
        self.router = PartitionRouter(planner, table) if table.partition_strategy else None
        self._partitions: dict[int, TableWriter] = {}
        self.partition_test = partition_check(planner, table) if table.partition_of is not None else None
        # an UPDATE through a partitioned table moves a row that leaves its partition: (writer, row) here
        self.moved_rows: list[tuple[TableWriter, Row]] | None = None
        # the table's enabled triggers (orbitdb.sql.triggers), None when it has none
        self.triggers: Any = planner.session.table_triggers(planner, table, rt) if any(
            t.enabled != "D" for t in table.triggers) else None

    def before_row(self, ctx: ExecContext, op: str, old: Row | None, new: Row | None,
                   set_cols: frozenset[str] | None = None) -> Row | None:
        """The row a change writes once the BEFORE ROW triggers have run (NEW, or OLD for a
        DELETE), or None when one of them skips it."""
        if self.router is not None and op == "INSERT":
            return self._routed_before_insert(ctx, new)  # type: ignore[arg-type]
        trg = self.triggers
        if trg is None or not trg.has("before", op):
            return new if op != "DELETE" else old
        return trg.before_row(ctx, op, old, new, set_cols)  # type: ignore[no-any-return]

    def _routed_before_insert(self, ctx: ExecContext, row: Row) -> Row | None:
        """A row inserted through a partitioned table: the BEFORE ROW triggers of the partition it
        goes to (which has the partitioned table's as clones)."""
        assert self.router is not None
        leaf = self.partition_writer(self.router.leaf_for(row))
        if leaf.triggers is None or not leaf.triggers.has("before", "INSERT"):
            return row
        out = leaf.before_row(ctx, "INSERT", None, map_row(row, self.names, leaf.names))
        if out is None:
            return None
        back = map_row(out, leaf.names, self.names)
        if self.router.leaf_for(back).oid != leaf.table.oid:
            raise SqlError("0A000", "moving row to another partition during a BEFORE FOR EACH ROW trigger is not "
                           "supported", detail=f'Before executing trigger, the row was to be in partition '
                           f'"{leaf.table.schema}.{leaf.table.name}".')
        return back

    # -- helpers --
    def failing_row(self, row: Row) -> str:
        return "Failing row contains (" + ", ".join(fmt_value(v, t) for v, t in zip(row, self.types)) + ")."

    def key_detail(self, cols: list[int], row: Row, types: list[SqlType] | None = None) -> str:
        types = types or self.types
        names = ", ".join(self.names[i] for i in cols)
        vals = ", ".join(fmt_value(row[i], types[i]) for i in cols)
        return f"Key ({names})=({vals})"

    def default_value(self, i: int) -> Any:
        f = self.defaults[i]
        return f(()) if f is not None else None

    def fill_generated(self, row: Row) -> Row:
        """row with its generated columns computed (as PostgreSQL, after BEFORE triggers)."""
        full = list(row)
        r = tuple(row) + (None,)
        for i, f in self.generated:
            full[i] = f(r)
        return tuple(full)

    def stored_form(self, row: Row) -> Row:
        """row with composite values as the record text their columns store."""
        if not self.composites:
            return row
        out = list(row)
        for i in self.composites:
            v = out[i]
            if v is not None and not isinstance(v, str):
                out[i] = to_text(v, T.RECORD.oid)
        return tuple(out)

    def check_domains(self, row: Row) -> None:
        for i, check in self.domains:
            check(row[i])

    def validate(self, row: Row) -> None:
        if self.domains:
            self.check_domains(row)
        for i in self.not_null:
            if row[i] is None:
                raise SqlError("23502", f'null value in column "{self.names[i]}" of relation "{self.table.name}" '
                               f"violates not-null constraint", detail=self.failing_row(row),
                               schema=self.table.schema, table=self.table.name, column=self.names[i])
        if self.checks:
            full = row + (None,)
            for name, fn in self.checks:
                if fn(full) is False:
                    raise SqlError("23514", f'new row for relation "{self.table.name}" violates check constraint '
                                   f'"{name}"', detail=self.failing_row(row), schema=self.table.schema,
                                   table=self.table.name, constraint=name)
        if self.view_checks:
            full = row + (None,)
            for name, fn in self.view_checks:
                if fn(full) is not True:
                    raise SqlError("44000", f'new row violates check option for view "{name}"',
                                   detail=self.failing_row(row))
        if self.partition_test is not None and not self.partition_test(row):
            raise SqlError("23514", f'new row for relation "{self.table.name}" violates partition constraint',
                           detail=self.failing_row(row), schema=self.table.schema, table=self.table.name)

    def partition_writer(self, leaf: TableDef) -> TableWriter:
        w = self._partitions.get(leaf.oid)
        if w is None:
            w = self._partitions[leaf.oid] = TableWriter(self.planner, leaf, self.rt, self.depth)
        return w

    def _insert_routed(self, ctx: ExecContext, row: Row, arbiter: list[str] | None
                       ) -> tuple[bytes, Row] | tuple[str, bytes]:
        assert self.router is not None
        if arbiter is not None:
            raise SqlError("0A000", "INSERT ... ON CONFLICT on a partitioned table is not supported",
                           hint="Insert into the partition itself.")
        w = self.partition_writer(self.router.leaf_for(row))
        key, final = w.insert(ctx, map_row(row, self.names, w.names))  # type: ignore[misc]
        return key, map_row(final, w.names, self.names)

    def intents_needed(self, txn: Transaction) -> bool:
        """Whether writes must take per-key write intents: not when this transaction's
        relation lock already keeps every other writer out."""
        return not txn.holds(self.rel_tag, _NO_OTHER_WRITERS)

    def row_locks_needed(self, txn: Transaction) -> bool:
        return not txn.holds(self.rel_tag, _NO_OTHER_LOCKERS)

    def row_key(self, ctx: ExecContext, row: Row) -> bytes:
        if self.access.pk_idx:
            return self.access.row_key(row)
        return self.access.row_key(row, ctx.session.store.next_rowid(self.table.oid))

    # -- conflict detection --
    def conflicting_key(self, ctx: ExecContext, row: Row, rowkey: bytes | None,
                        arbiter: list[str] | None = None) -> tuple[str, bytes] | None:
        """The first unique constraint (in arbiter if given) another row already
        holds for row's values: (constraint name, that row's key)."""
        txn = ctx.txn
        assert txn is not None
        intents = self.intents_needed(txn)
        acc = self.access
        if acc.pk_idx and (arbiter is None or self.pk_name in arbiter):
            key = acc.row_key(row)
            if key != rowkey:
                if intents:
                    txn.lock_write(key)
                if acc.exists_latest(txn, key):
                    return self.pk_name, key
        for entry in self.unique if arbiter is None or not self.deferrable else self._arbiter_order():
            ix = entry[0]
            if arbiter is not None and ix.name not in arbiter:
                continue
            if ix.deferrable:
                raise SqlError("55000", "ON CONFLICT does not support deferrable unique constraints/exclusion "
                               "constraints as arbiters", schema=self.table.schema, table=self.table.name,
                               constraint=ix.name)
            vals = acc.index_values(entry, row)
            if vals is None or ix.nulls_distinct and None in vals:
                continue  # (a partial index the row is not in)
            other = acc.unique_holder(txn, entry, vals, intents)
            if other is not None and other != rowkey:
                return ix.name, other
        return None

    def _arbiter_order(self) -> list[IndexEntry]:
        """The unique indexes, deferrable ones too, in the order ON CONFLICT looks at them as
        PostgreSQL does (the primary key's first): a deferrable arbiter is refused when reached."""
        entries = [e for e in self.access.indexes if e[0].unique]
        return [e for e in entries if e[0].primary] + [e for e in entries if not e[0].primary]

    def raise_unique(self, name: str, row: Row) -> None:
        entry = None if name == self.pk_name and self.access.pk_idx else next(
            e for e in self.unique + [d[0] for d in self.deferrable] if e[0].name == name)
        if entry is not None and entry[0].oid in self.access.key_values:
            detail = computed_key_detail(self.planner.catalog, self.table, entry, self.access.index_values(entry, row) or [])
        else:
            detail = self.key_detail(self.access.pk_idx if entry is None else entry[1], row)
        raise SqlError("23505", f'duplicate key value violates unique constraint "{name}"',
                       detail=detail + " already exists.", schema=self.table.schema,
                       table=self.table.name, constraint=name)

    # -- foreign keys --
    def _parent_exists(self, ctx: ExecContext, parent: TableDef, pcols: list[int], vals: list[Any]) -> bool:
        """Whether the referenced row exists; it is locked FOR KEY SHARE (as PostgreSQL's
        referential check does), so it cannot be deleted or re-keyed until we end."""
        txn = ctx.txn
        assert txn is not None
        acc = self._parents.get(parent.oid)
        if acc is None:
            acc = self._parents[parent.oid] = TableAccess(parent)
        pnames = [c.name for c in parent.columns]
        cols = [pnames[i] for i in pcols]
        if cols == list(parent.primary_key):
            return _key_share(txn, acc.pk_key(vals))
        for entry in acc.indexes:
            ix = entry[0]
            if ix.unique and ix.columns == cols and not computed_keys(ix):
                while True:
                    rowkey = acc.unique_holder(txn, entry, vals)
                    if rowkey is None:
                        return False
                    if _key_share(txn, rowkey) and acc.unique_holder(txn, entry, vals) == rowkey:
                        return True
        for key, r in acc.rows_with_latest(txn, [], []):
            if all(r[i] == v for i, v in zip(pcols, vals)) and _key_share(txn, key):
                return True
        return False

    def check_fks_out(self, ctx: ExecContext, row: Row, old: Row | None, key: bytes | None = None) -> None:
        """key: where row is written; with it, a deferred foreign key is checked at COMMIT."""
        for con, parent, ccols, pcols in self.fks_out:
            vals = [row[i] for i in ccols]
            if any(v is None for v in vals):
                continue
            if old is not None and [old[i] for i in ccols] == vals:
                continue
            if key is not None and is_deferred(ctx, con):
                queue_child_check(ctx, self, con, parent, ccols, pcols, key, vals)
                continue
            if not self._parent_exists(ctx, parent, pcols, vals):
                if key is not None:  # the statement may write the parent later: checked again at its end
                    queue_child_check(ctx, self, con, parent, ccols, pcols, key, vals, at_commit=False)
                    continue
                raise SqlError("23503", f'insert or update on table "{self.table.name}" violates foreign key '
                               f'constraint "{con.name}"',
                               detail=self.key_detail(ccols, row) + f' is not present in table "{parent.name}".',
                               schema=self.table.schema, table=self.table.name, constraint=con.name)

    def _child_writer(self, child: TableDef) -> TableWriter:
        w = self._children.get(child.oid)
        if w is None:
            if self.depth > 32:
                raise SqlError("54001", "foreign key cascade too deep")
            w = self._children[child.oid] = TableWriter(self.planner, child, self.rt, self.depth + 1)
        return w

    def _referencing(self, ctx: ExecContext, child: TableDef, ccols: list[int], vals: list[Any]
                     ) -> Iterator[tuple[bytes, Row]]:
        txn = ctx.txn
        assert txn is not None
        acc = TableAccess(child)
        cnames = [c.name for c in child.columns]
        cols = [cnames[i] for i in ccols]
        # the newest committed rows, as PostgreSQL's referential checks see them; a row a
        # REPEATABLE READ snapshot does not show is a serialization failure there
        for key, r in list(acc.rows_with_latest(txn, cols, vals)):
            if all(r[i] == v for i, v in zip(ccols, vals)):
                if not txn.snapshot_per_statement and not acc.exists(txn, key):
                    # a referencing row our snapshot does not show: PostgreSQL's crosscheck fails
                    raise SerializationFailure("could not serialize access due to concurrent update")
                yield key, r

    def on_parent_change(self, ctx: ExecContext, old: Row, new: Row | None) -> None:
        """Referencing rows when a referenced key is deleted (new None) or changed. As PostgreSQL's
        referential triggers, the actions and the checks that fail now run when the statement
        ends: after its other rows changed (a cascade to a row the statement updates later would
        be lost under that update), and seeing them (rows that reference each other may go together)."""
        for con, child, ccols, pcols in self.fks_in:
            old_vals = [old[i] for i in pcols]
            if any(v is None for v in old_vals):
                continue
            if new is not None and [new[i] for i in pcols] == old_vals:
                continue
            action = con.on_delete if new is None else con.on_update
            if action in ("a", "r"):
                refs = list(self._referencing(ctx, child, ccols, old_vals))
                if child.oid == self.table.oid and new is None:
                    refs = [(k, r) for k, r in refs if r != old]
                if refs:
                    at_commit = action == "a" and is_deferred(ctx, con)
                    queue_parent_check(ctx, self, con, child, ccols, pcols, old, at_commit,
                                       no_action=action == "a")
                continue
            # queued for every row, as PostgreSQL's trigger is: its statement on the child runs
            # (firing the child's BEFORE STATEMENT triggers) whether or not a row references old
            ctx.session.trigger_events.append(
                lambda c, con=con, child=child, ccols=ccols, pcols=pcols, action=action:
                self._referential_action(c, con, child, ccols, pcols, old, new, action))

    def _referential_action(self, ctx: ExecContext, con: ConstraintDef, child: TableDef, ccols: list[int],
                            pcols: list[int], old: Row, new: Row | None, action: str) -> None:
        """ON DELETE / ON UPDATE CASCADE, SET NULL or SET DEFAULT: a DELETE or UPDATE of the rows
        that reference old's key when the statement ends, firing the child's triggers (action:
        c, n or d; the checks a and r are queued by on_parent_change)."""
        old_vals = [old[i] for i in pcols]
        cw = self._child_writer(child)
        txn = ctx.txn
        assert txn is not None
        op = "DELETE" if action == "c" and new is None else "UPDATE"
        set_cols = frozenset(cw.names[ci] for ci in ccols)
        trg = cw.triggers
        if trg is not None:
            trg.cascade_statement(ctx, op, set_cols)
        locks = cw.row_locks_needed(txn)
        for key, r in list(self._referencing(ctx, child, ccols, old_vals)):
            if locks:
                txn.lock_row(key, FOR_UPDATE)
                latest = cw.access.latest(txn, key)
                if latest is None or [latest[i] for i in ccols] != old_vals:
                    continue
                r = latest
            if action == "c" and new is None:
                if cw.before_row(ctx, "DELETE", r, None) is not None:
                    cw.delete(ctx, key, r)
                continue
            nr = list(r)
            if action == "c":
                assert new is not None
                for ci, pi in zip(ccols, pcols):
                    nr[ci] = new[pi]
            else:
                for ci in ccols:
                    nr[ci] = None if action == "n" else cw.default_value(ci)
            changed = cw.before_row(ctx, "UPDATE", r, tuple(nr), set_cols)
            if changed is not None:
                cw.update(ctx, key, r, changed, set_cols)

    # -- writes --
    def insert(self, ctx: ExecContext, row: Row, arbiter: list[str] | None = None,
               skip_conflict_check: bool = False) -> tuple[bytes, Row] | tuple[str, bytes]:
        """Inserts row; returns (rowkey, row). With arbiter (ON CONFLICT) a conflict
        returns ("conflict", key of the existing row) instead of raising."""
        row = self.stored_form(row)
        if self.router is not None:
            return self._insert_routed(ctx, row, arbiter)
        if self.generated:
            row = self.fill_generated(row)
        self.validate(row)
        txn = ctx.txn
        assert txn is not None
        rowkey = self.row_key(ctx, row)
        conflict = self.conflicting_key(ctx, row, None, arbiter)
        if conflict is not None:
            if arbiter is not None:
                return "conflict", conflict[1]
            self.raise_unique(conflict[0], row)
        if arbiter is not None:
            # other unique constraints still raise
            other = self.conflicting_key(ctx, row, None, None)
            if other is not None:
                self.raise_unique(other[0], row)
        self.check_fks_out(ctx, row, None, rowkey)
        self.access.insert(txn, rowkey, row)
        if self.deferrable:
            intents = self.intents_needed(txn)
            for entry, con in self.deferrable:
                note_written(ctx, self, entry, con, rowkey, row, intents)
        if self.triggers is not None:
            self.triggers.after_row(ctx, "INSERT", None, row, None, self.depth > 0)
        return rowkey, row

    def insert_batch(self, ctx: ExecContext, rows: list[Row]) -> bool:
        """Inserts rows as insert() would one by one, in one go (one unique check in the engine,
        one write), when every row goes in; False when a row fails (a NULL, a CHECK, a foreign
        key, a key another row holds): then nothing is written, and inserting the rows one by one
        gives the error of the row that has it. Not for SERIALIZABLE transactions."""
        txn = ctx.txn
        assert txn is not None and txn.reads is None
        if self.composites:
            rows = [self.stored_form(r) for r in rows]
        if self.router is not None or self.partition_test is not None:
            return False  # row by row: each row to its partition, each checked against its bound
        if self.triggers is not None:
            return False  # row by row, so that each row's triggers fire
        if self.generated:
            rows = [self.fill_generated(r) for r in rows]
        try:
            if self.not_null:
                columns = list(zip(*rows))
                if any(None in columns[i] for i in self.not_null):
                    return False
            if self.checks or self.domains:
                for row in rows:
                    self.validate(row)
            if self.deferrable:
                return False  # row by row: each row's values are claimed and may need a check
            if self.fks_out:
                if any(is_deferred(ctx, f[0]) for f in self.fks_out):
                    return False  # row by row: each row's deferred check needs its key
                for row in rows:
                    self.check_fks_out(ctx, row, None)
        except Exception:  # noqa: BLE001 - whatever a row raises, inserting it alone raises it in its place
            return False
        rowids = None
        if not self.access.pk_idx:
            rowids = ctx.session.store.next_rowids(self.table.oid, len(rows))
        return self.access.insert_many(txn, rows, rowids, self.intents_needed(txn)) < 0

    def update(self, ctx: ExecContext, key: bytes, old: Row, new: Row, set_cols: frozenset[str] | None = None
               ) -> tuple[bytes, Row]:
        """set_cols: the columns the UPDATE names (for triggers' UPDATE OF)."""
        if self.generated:
            new = self.fill_generated(new)
        new = self.stored_form(new)
        if self.moved_rows is not None and self.partition_test is not None and not self.partition_test(new):
            # the row leaves this partition: gone from here, inserted where it belongs after the scan
            if self.intents_needed(ctx.txn):  # type: ignore[arg-type]
                for entry in self.unique:
                    self._lock_unique_entry(ctx.txn, entry, old)  # type: ignore[arg-type]
                for entry, _con in self.deferrable:
                    note_removed(ctx, self, entry, old)
            self.access.delete(ctx.txn, key, old)
            self.moved_rows.append((self, new))
            return key, new
        self.validate(new)
        txn = ctx.txn
        assert txn is not None
        acc = self.access
        newkey = key
        intents = self.intents_needed(txn)
        if acc.pk_idx:
            newkey = acc.row_key(new)
            if intents:
                txn.lock_write(key)
        if newkey != key:
            if intents:
                txn.lock_write(newkey)
            if acc.exists_latest(txn, newkey):
                self.raise_unique(self.pk_name, new)
        for entry in self.unique:
            ix = entry[0]
            vals = acc.index_values(entry, new)
            old_vals = acc.index_values(entry, old)
            if vals == old_vals:
                continue
            if intents:
                self._lock_unique_entry(txn, entry, old)
            if vals is None or ix.nulls_distinct and None in vals:
                continue
            other = acc.unique_holder(txn, entry, vals, intents)
            if other is not None and other != key:
                self.raise_unique(ix.name, new)
        self.check_fks_out(ctx, new, old, newkey)
        if newkey != key:
            txn.moved[key] = newkey
            acc.move(txn, key, old, newkey, new)
        else:
            acc.update(txn, key, old, new)
        for entry, con in self.deferrable:
            if acc.index_values(entry, new) == acc.index_values(entry, old):
                continue  # (a row that moved to a new key holds the same values: no new duplicate)
            if intents:
                note_removed(ctx, self, entry, old)
            note_written(ctx, self, entry, con, newkey, new, intents)
        if self.fks_in:  # queued before the row's AFTER triggers, as PostgreSQL's RI_ConstraintTrigger_* sort first
            self.on_parent_change(ctx, old, new)
        if self.triggers is not None:
            self.triggers.after_row(ctx, "UPDATE", old, new, set_cols, self.depth > 0)
        return newkey, new

    def _lock_unique_entry(self, txn: Transaction, entry: IndexEntry, row: Row) -> None:
        """A write intent on the unique entry row holds, which this transaction is about to
        remove: an inserter of the same value waits to see whether we commit."""
        vals = self.access.index_values(entry, row)
        if vals is not None and not (entry[0].nulls_distinct and None in vals):
            self.access.lock_unique(txn, entry, vals)

    def delete(self, ctx: ExecContext, key: bytes, old: Row) -> None:
        txn = ctx.txn
        assert txn is not None
        if self.intents_needed(txn):
            if self.access.pk_idx:
                txn.lock_write(key)
            for entry in self.unique:
                self._lock_unique_entry(txn, entry, old)
            for entry, _con in self.deferrable:
                note_removed(ctx, self, entry, old)
        if self.fks_in:
            self.on_parent_change(ctx, old, None)
        self.access.delete(txn, key, old)
        if self.triggers is not None:
            self.triggers.after_row(ctx, "DELETE", old, None, None, self.depth > 0)


def computed_key_detail(catalog: Any, table: TableDef, entry: IndexEntry, values: list[Any]) -> str:
    """`Key (lower(email))=(a@x)` for an expression index's key values."""
    from orbitdb.sql.pgcatalog.model import index_key_text
    from orbitdb.sql.plan.index_keys import compile_key_exprs

    ix = entry[0]
    keys, _ = compile_key_exprs(table, ix, catalog)
    texts = ", ".join(index_key_text(table, ix, i) for i in range(len(ix.columns)))
    return f"Key ({texts})=({', '.join(fmt_value(v, k.type) for v, k in zip(values, keys))})"


def _domain_default(planner: Planner, r: U.ResolvedType) -> str | None:
    """The default of the innermost-to-outermost domain chain's outermost domain that has one."""
    if r.domain is None:
        return None
    for d in reversed(domain_chain(planner, r.domain)):
        if d.default is not None:
            return d.default
    return None


def assignment(e: E, t: SqlType, column: str) -> Callable[[Row], Any]:
    return coerce(e, t, ASSIGNMENT, f'column "{column}"').fn


def is_default(node: exp.Expression) -> bool:
    return isinstance(node, exp.Var) and node.name.upper() == "DEFAULT" or (
        isinstance(node, exp.Column) and not node.table and node.name.upper() == "DEFAULT" and
        isinstance(node.this, exp.Identifier) and not node.this.quoted)


def _key_share(txn: Transaction, key: bytes) -> bool:
    """Locks the referenced row FOR KEY SHARE; whether it exists. Under REPEATABLE READ a
    row changed since the snapshot fails (40001) and one inserted since counts as absent."""
    txn.lock_row(key, FOR_KEY_SHARE)
    latest, changed = txn.newest(key)
    if txn.snapshot_per_statement or latest is None or not changed:
        return latest is not None
    if txn.get(key) is None:
        return False  # inserted after our snapshot: not there for us
    raise SerializationFailure("could not serialize access due to concurrent update")
