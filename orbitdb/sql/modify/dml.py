"""INSERT (VALUES, SELECT, DEFAULT VALUES, ON CONFLICT), UPDATE ... FROM and
DELETE ... USING, each with RETURNING. Rows to change are collected before
any is written, so a statement never sees its own changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.exec.plans import Filter, Plan, Result1, ValuesScan
from orbitdb.sql.expr.compiler import Compiler
from orbitdb.sql.expr.core import E, Runtime, coerce, ident, value_cast
from orbitdb.sql.expr.scope import Scope, ScopeColumn
from orbitdb.sql.modify.constraints import TableWriter, assignment, is_default, table_scope
from orbitdb.sql.modify.partitioned_dml import CompiledPartitionedModify, on_table, targets_of
from orbitdb.sql.modify.partitions import children_of
from orbitdb.sql.modify.subscript_assignment import compile_subscripted, subscript_target
from orbitdb.sql.modify.trigger_events import with_after_triggers
from orbitdb.sql.modify.view_dml import resolve_view_target
from orbitdb.sql.plan import index_keys
from orbitdb.sql.plan.compiled import Compiled, column_of
from orbitdb.sql.plan.planner import Planner, all_true, split_and
from orbitdb.sql.plan.subplan_explain import explained_filter
from orbitdb.sql.result import Column, Result
from orbitdb.storage.catalog import TableDef
from orbitdb.storage.errors import SerializationFailure
from orbitdb.storage.lockmodes import FOR_NO_KEY_UPDATE, FOR_UPDATE, ROW_EXCLUSIVE

Row = tuple[Any, ...]
Fn = Callable[[Row], Any]
_BATCH_ROWS = 4096  # rows of an executemany inserted together


def instead_of(table: TableDef, op: str) -> bool:
    """Whether the view has an enabled INSTEAD OF trigger for op."""
    return any(t.timing == "instead" and op.lower() in t.events and t.enabled != "D" for t in table.triggers)


def _target(planner: Planner, node: exp.Expression, op: str = "INSERT") -> tuple[TableDef, str]:
    table_node = node.this if isinstance(node, exp.Schema) else node
    if not isinstance(table_node, exp.Table):
        raise SqlError("42601", "syntax error: expected a table")
    name = ident(table_node.this)
    schema = ident(table_node.args["db"]) if table_node.args.get("db") else None
    table = planner.lookup_table(schema, name)
    if table is None:
        qual = f"{schema}.{name}" if schema else name
        raise SqlError("42P01", f'relation "{qual}" does not exist')
    if table.kind == "v" and instead_of(table, op):
        pass  # the view's INSTEAD OF triggers do the change
    elif table.kind == "v":
        raise SqlError("55000", f'cannot insert into view "{name}"' if isinstance(node, exp.Schema) or True else "",
                       detail="Views that do not select from a single table or view are not automatically updatable.")
    alias = table_node.args.get("alias")
    planner.lock_relation(table.oid, ROW_EXCLUSIVE)
    return table, ident(alias.this) if alias is not None and alias.this is not None else table.name


def _returning(planner: Planner, node: exp.Expression, scope: Scope, rt: Runtime
               ) -> tuple[list[Fn], list[Column], list[T.SqlType]] | None:
    ret = node.args.get("returning")
    if ret is None:
        return None
    exprs = planner._expand_star(ret.expressions, scope)
    comp = Compiler(planner, scope, rt, where="RETURNING")
    fns, cols, types = [], [], []
    for p in exprs:
        inner = p.this if isinstance(p, exp.Alias) else p
        e = comp.compile(inner)
        if e.type.oid == T.UNKNOWN.oid:
            e = coerce(e, T.TEXT)
        name = ident(p.args["alias"]) if isinstance(p, exp.Alias) else planner._column_name(inner, e)
        fns.append(e.fn)
        cols.append(column_of(name, e.type))
        types.append(e.type)
    return fns, cols, types


def modify_head(operation: str, table: str, alias: str | None) -> str:
    """EXPLAIN's top line of a data-modifying statement, as PostgreSQL prints it."""
    return f"{operation} on {table}" + (f" {alias}" if alias and alias != table else "")


class CompiledInsert(Compiled):
    def __init__(self, planner: Planner, node: exp.Insert, rt: Runtime, ctes: dict[str, Any],
                 overriding: str | None = None) -> None:
        self.rt = rt
        table, alias = _target(planner, node.this)
        self.table = table
        self.alias = alias
        self.writer = TableWriter(planner, table, rt)
        names = self.writer.names
        if isinstance(node.this, exp.Schema) and node.this.expressions:
            cols = [ident(c) if isinstance(c, exp.Identifier) else ident(c.this) for c in node.this.expressions]
            for c in cols:
                if c not in names:
                    raise SqlError("42703", f'column "{c}" of relation "{table.name}" does not exist')
            if len(set(cols)) != len(cols):
                dup = next(c for c in cols if cols.count(c) > 1)
                raise SqlError("42701", f'column "{dup}" specified more than once')
        else:
            cols = list(names)
        self.target_idx = [names.index(c) for c in cols]
        required = planner.permissions.relation(table.oid)
        required.letters.add("a")
        required.inserted.update(i + 1 for i in self.target_idx)
        types = self.writer.types
        src = node.args.get("expression")
        self.source_rows: list[list[Fn | None]] | None = None
        self.batch: list[tuple[int, Fn | None] | tuple[None, Any]] | None = None  # see _batch_plan
        self.source_plan: Plan | None = None
        self.source_conv: list[Fn] = []
        for c in table.columns:
            if c.identity == "a" and c.name in cols and overriding != "SYSTEM":
                raise SqlError("428C9", f'cannot insert a non-DEFAULT value into column "{c.name}"',
                               detail=f'Column "{c.name}" is an identity column defined as GENERATED ALWAYS.',
                               hint="Use OVERRIDING SYSTEM VALUE to override.")
        _refuse_generated(table, cols, src)
        if node.args.get("default") or src is None:
            self.source_rows = [[None] * len(cols)] if node.args.get("default") else []
            if not cols and not node.args.get("default"):
                raise SqlError("42601", "syntax error")
        elif isinstance(src, exp.Values) and not src.args.get("order") and not src.args.get("limit"):
            comp = Compiler(planner, Scope(), rt, where="VALUES")
            rows: list[list[Fn | None]] = []
            given: dict[int, int] = {}  # column -> the parameter a one-row VALUES gives it as it is
            for r in src.expressions:
                items = r.expressions if isinstance(r, exp.Tuple) else [r]
                if len(items) > len(cols):
                    raise SqlError("42601", "INSERT has more expressions than target columns")
                if len(items) < len(cols) and isinstance(node.this, exp.Schema):
                    raise SqlError("42601", "INSERT has more target columns than expressions")
                row: list[Fn | None] = []
                for j, item in enumerate(items):
                    if is_default(item):
                        row.append(None)
                        continue
                    ci = self.target_idx[j]
                    row.append(assignment(comp.compile(item), types[ci], names[ci]))
                    if isinstance(item, exp.Parameter) and len(src.expressions) == 1:
                        number = item.this.name if isinstance(item.this, exp.Expression) else item.this
                        given[ci] = int(number) - 1
                row.extend([None] * (len(cols) - len(items)))
                rows.append(row)
            self.source_rows = rows
            self.batch = self._batch_plan(given, src.expressions, rt)
        else:
            out = planner.plan_query(src, None, ctes)
            if len(out.columns) > len(cols):
                raise SqlError("42601", "INSERT has more expressions than target columns")
            self.source_plan = out.plan
            self.source_conv = [assignment(E(_get(j), c.type), types[self.target_idx[j]],
                                           names[self.target_idx[j]]) for j, c in enumerate(out.columns)]
            self.target_idx = self.target_idx[: len(out.columns)]
        scope = table_scope(table, alias, catalog=planner.catalog)
        for col in scope.columns:
            col.perm = required  # RETURNING reads them: SELECT on each
        self.returning = _returning(planner, node, scope, rt)
        self.columns = self.returning[1] if self.returning else None
        self.conflict = node.args.get("conflict")
        self.arbiter: list[str] | None = None
        self.do_update: list[tuple[int, Fn]] | None = None
        self.update_cols: frozenset[str] | None = None
        self.update_touches_keys = False
        self.update_where: Fn | None = None
        if self.conflict is not None:
            self._compile_conflict(planner, table, alias, rt)
        if self.returning is not None or self.conflict is not None:
            self.batch = None

    def explain_head(self) -> str:
        return modify_head("Insert", self.table.name, self.alias)

    def explain_plan(self) -> Plan:
        """What EXPLAIN shows under the Insert: the query it inserts, or its VALUES rows."""
        if self.source_plan is not None:
            return self.source_plan
        return Result1() if len(self.source_rows or []) <= 1 else ValuesScan([], [])

    def _batch_plan(self, given: dict[int, int], values: list[exp.Expression], rt: Runtime
                    ) -> list[tuple[int, Fn | None] | tuple[None, Any]] | None:
        """How executemany makes a batch of rows of INSERT ... VALUES ($1, $2, ...) without
        running the statement per row: for each table column, (the parameter giving it, the cast
        of its values) or (None, its default, one value for every row). None when a row needs
        more (an expression, a default that changes from row to row)."""
        from orbitdb.sql.types.casts import ASSIGNMENT

        w = self.writer
        if len(values) != 1:
            return None
        items = values[0].expressions if isinstance(values[0], exp.Tuple) else [values[0]]
        if any(not isinstance(i, exp.Parameter) and not is_default(i) for i in items):
            return None
        plan: list[tuple[int, Fn | None] | tuple[None, Any]] = []
        for ci, t in enumerate(w.types):
            k = given.get(ci)
            if k is not None:
                plan.append((k, value_cast(rt.param_types[k], t, ASSIGNMENT)))
            elif w.fixed_defaults[ci]:
                plan.append((None, w.default_value(ci)))
            else:
                return None
        return plan

    def run_many(self, ctx: ExecContext, param_rows: list[list[Any]], types: list[Any]) -> int:
        """executemany: inserts the rows of param_rows from the first on, in batches (one engine
        call for the unique checks, one write), while every row of a batch is sure to go in as
        one run of the statement would put it; returns how many rows were inserted. A batch in
        which a row fails (a conversion, a constraint, a key another row holds) is not written:
        the caller runs the statement for the rows from there on, one at a time, and so gets the
        error of the row that has it, after the rows before it."""
        txn = ctx.txn
        plan = self.batch
        if plan is None or txn is None or txn.reads is not None or len(param_rows) < 2 or \
                self.writer.triggers is not None:
            return 0
        read_only_check(ctx, "INSERT")
        done = 0
        for start in range(0, len(param_rows), _BATCH_ROWS):
            ctx.check()
            chunk = param_rows[start: start + _BATCH_ROWS]
            if not self._insert_batch(ctx, chunk, types, plan):
                break
            done += len(chunk)
        return done

    def _insert_batch(self, ctx: ExecContext, param_rows: list[list[Any]], types: list[Any],
                      plan: list[tuple[int, Fn | None] | tuple[None, Any]]) -> bool:
        from orbitdb.sql.types.params import convert_column

        w = self.writer
        txn = ctx.txn
        assert txn is not None
        if min(map(len, param_rows)) < len(types):
            return False  # a Bind without all its parameters: the row's own error
        try:
            converted: dict[int, list[Any]] = {}
            columns: list[list[Any]] = []
            for k, cast in plan:
                if k is None:
                    columns.append([cast] * len(param_rows))
                    continue
                col = converted.get(k)
                if col is None:
                    col = converted[k] = convert_column([r[k] for r in param_rows], types[k])
                if cast is not None:
                    col = [None if v is None else cast(v) for v in col]
                columns.append(col)
        except Exception:  # noqa: BLE001 - whatever a row raises, running it alone raises it in its place
            return False
        return w.insert_batch(ctx, list(zip(*columns)))

    def _compile_conflict(self, planner: Planner, table: TableDef, alias: str, rt: Runtime) -> None:
        c = self.conflict
        assert c is not None
        keys = c.args.get("conflict_keys")
        constraint = c.args.get("constraint")
        action = (c.args.get("action").name if c.args.get("action") is not None else "").upper()
        if constraint is not None:
            name = ident(constraint)
            ok = [con.name for con in table.constraints if con.kind in ("p", "u")] + [
                ix.name for ix in table.indexes if ix.unique]
            if name not in ok:
                raise SqlError("42704", f'constraint "{name}" for table "{table.name}" does not exist')
            pk_con = next((con.name for con in table.constraints if con.kind == "p"), None)
            self.arbiter = [name if name != pk_con else self.writer.pk_name]
            if name != pk_con:
                con = next((x for x in table.constraints if x.name == name), None)
                if con is not None and con.index is not None:
                    ix = next((i for i in table.indexes if i.oid == con.index), None)
                    if ix is not None:
                        self.arbiter = [ix.name]
        elif keys:
            # each inference element as an index key: a column's name or an expression's normalized text
            wanted = sorted(_inference_key(k, table) for k in keys)
            pred = c.args.get("index_predicate")
            arb = []
            if sorted(table.primary_key) == wanted:
                arb.append(self.writer.pk_name)
            for ix in table.indexes:
                if not ix.unique or ix.primary and not ix.deferrable or sorted(index_keys.key_texts(ix)) != wanted:
                    continue
                if ix.predicate is not None and (pred is None or not index_keys.implies(
                        split_and(pred.this), ix.predicate, alias)):
                    continue  # a partial index is inferred only from a WHERE that implies its predicate
                arb.append(ix.name)
            if not arb:
                raise SqlError("42P10", "there is no unique or exclusion constraint matching the ON CONFLICT "
                               "specification")
            self.arbiter = arb
        elif action == "DO UPDATE":
            raise SqlError("42601", "ON CONFLICT DO UPDATE requires inference specification or constraint name",
                           hint="For example, ON CONFLICT (column_name).")
        else:
            self.arbiter = [self.writer.pk_name] + [ix.name for ix in table.indexes if ix.unique]
        if action == "DO UPDATE":
            # rows: existing row columns (alias) + ctid + EXCLUDED columns
            scope = table_scope(table, alias, catalog=planner.catalog)
            excl = table_scope(table, "excluded", catalog=planner.catalog)
            required = planner.permissions.relation(table.oid)
            for col in scope.columns:
                col.perm = required
            scope.columns.extend(excl.columns)
            scope.rels.add("excluded")
            comp = Compiler(planner, scope, rt, where="ON CONFLICT DO UPDATE")
            self.do_update = _compile_set(comp, c.args.get("expressions") or [], self.writer, table)
            self.update_cols = frozenset(self.writer.names[ci] for ci, _ in self.do_update)
            required.letters.add("w")
            required.updated.update(ci + 1 for ci, _ in self.do_update)
            self.update_touches_keys = any(ci in self.writer.key_cols for ci, _ in self.do_update)
            where = c.args.get("where")
            if where is not None:
                self.update_where = comp.compile_bool(where.this, "WHERE").fn

    def run(self, ctx: ExecContext) -> Result:
        read_only_check(ctx, "INSERT")
        return with_after_triggers(ctx, lambda: self._run(ctx))

    def _run(self, ctx: ExecContext) -> Result:
        w = self.writer
        trg = w.triggers
        if trg is not None:
            trg.before_statement(ctx, "INSERT")
            if self.do_update is not None:
                trg.before_statement(ctx, "UPDATE", self.update_cols)
        n = len(w.names)
        idx = self.target_idx
        produced: list[list[Any]] = []
        if self.source_rows is not None:
            for row_fns in self.source_rows:
                row: list[Any] = [None] * n
                given = set()
                for j, f in enumerate(row_fns):
                    if f is not None:
                        row[idx[j]] = f(())
                        given.add(idx[j])
                for i in range(n):
                    if i not in given:
                        row[i] = w.default_value(i)
                produced.append(row)
        else:
            assert self.source_plan is not None
            conv = self.source_conv
            given_idx = set(idx)
            for r in list(self.source_plan.rows(ctx)):
                row = [None] * n
                for j, f in enumerate(conv):
                    row[idx[j]] = f(r)
                for i in range(n):
                    if i not in given_idx:
                        row[i] = w.default_value(i)
                produced.append(row)
        out_rows: list[Row] = []
        count = 0
        touched: set[bytes] = set()
        ret = self.returning
        rest: list[list[Any]] = produced
        if self.arbiter is None and ret is None and len(produced) > 1 and ctx.txn is not None \
                and ctx.txn.reads is None and trg is None:
            count, rest = self._insert_batches(ctx, produced)
        for row in rest:
            ctx.check()
            t = tuple(row)
            if trg is not None or w.router is not None:
                if self.table.kind == "v":
                    done_row = trg.instead_row(ctx, "INSERT", None, t)
                    if done_row is not None:
                        count += 1
                        if ret is not None:
                            out_rows.append(tuple(f(done_row + (None,)) for f in ret[0]))
                    continue
                before = w.before_row(ctx, "INSERT", None, t)
                if before is None:
                    continue
                t = before
            if self.arbiter is None:
                key, final = w.insert(ctx, t)  # type: ignore[misc]
            else:
                done = self._insert_or_resolve(ctx, t, touched)
                if done is None:
                    continue
                key, final = done
            count += 1
            if ret is not None:
                full = final + (key,)
                out_rows.append(tuple(f(full) for f in ret[0]))
        if trg is not None:
            if self.do_update is not None:
                trg.after_statement(ctx, "UPDATE", self.update_cols)
            trg.after_statement(ctx, "INSERT")
        if ret is not None:
            return Result(f"INSERT 0 {count}", ret[1], out_rows, count)
        return Result(f"INSERT 0 {count}", None, [], count)


    def _insert_batches(self, ctx: ExecContext, produced: list[list[Any]]) -> tuple[int, list[list[Any]]]:
        """Rows of INSERT ... SELECT or a VALUES list inserted a batch at a time, until a batch
        has a row that fails: (how many went in, the rows from that batch on, to insert one by
        one)."""
        w = self.writer
        for start in range(0, len(produced), _BATCH_ROWS):
            ctx.check()
            if not w.insert_batch(ctx, [tuple(r) for r in produced[start: start + _BATCH_ROWS]]):
                return start, produced[start:]
        return len(produced), []

    def _insert_or_resolve(self, ctx: ExecContext, t: Row, touched: set[bytes]) -> tuple[bytes, Row] | None:
        """INSERT ... ON CONFLICT for one row: the inserted or updated row, or None when
        nothing was written. The conflicting row is locked and worked on in its newest
        version, as PostgreSQL does; under REPEATABLE READ a conflicting row the snapshot
        does not show is a serialization failure."""
        w = self.writer
        txn = ctx.txn
        assert txn is not None
        if w.generated:
            t = w.fill_generated(t)  # EXCLUDED shows the generated values too
        while True:
            res = w.insert(ctx, t, self.arbiter)
            if res[0] != "conflict":
                touched.add(res[0])  # type: ignore[arg-type]
                return res  # type: ignore[return-value]
            existing_key = res[1]
            assert isinstance(existing_key, bytes)
            if self.do_update is None:
                if not txn.snapshot_per_statement and not w.access.exists(txn, existing_key):
                    raise SerializationFailure("could not serialize access due to concurrent update")
                return None
            if existing_key in touched:
                raise SqlError("21000", "ON CONFLICT DO UPDATE command cannot affect row a second time",
                               hint="Ensure that no rows proposed for insertion within the same command "
                               "have duplicate constrained values.")
            if w.row_locks_needed(txn):
                txn.lock_row(existing_key, FOR_UPDATE if self.update_touches_keys else FOR_NO_KEY_UPDATE)
            old, changed = w.access.newest(txn, existing_key)
            if old is None:
                continue  # the conflicting row went away while we waited: try the insert again
            txn.check_update_allowed(changed)
            combined = old + (existing_key,) + t + (None,)
            if self.update_where is not None and self.update_where(combined) is not True:
                return None
            new = list(old)
            for ci, f in self.do_update:
                new[ci] = f(combined)
            changed = w.before_row(ctx, "UPDATE", old, tuple(new), self.update_cols)
            if changed is None:
                return None
            key, final = w.update(ctx, existing_key, old, changed, self.update_cols)
            touched.add(key)
            return key, final


def _compile_set(comp: Compiler, items: list[exp.Expression], w: TableWriter, table: TableDef
                 ) -> list[tuple[int, Fn]]:
    out: list[tuple[int, Fn]] = []
    seen: set[int] = set()
    # SET a[1] = x, a[2] = y: the assignments through subscripts, per column, in order
    by_subscript: dict[int, tuple[exp.Column, list[tuple[list[exp.Expression], exp.Expression]]]] = {}
    for item in items:
        if not isinstance(item, exp.EQ):
            raise SqlError("42601", "syntax error in SET")
        multi = isinstance(item.this, exp.Tuple) or isinstance(item.this, exp.Paren) and isinstance(
            item.this.this, exp.Column)
        if isinstance(item.this, exp.Tuple):
            targets = list(item.this.expressions)
        else:
            targets = [item.this.this if isinstance(item.this, exp.Paren) else item.this]
        values = item.expression
        if multi:
            if isinstance(values, exp.Paren) and isinstance(values.this, (exp.Subquery, exp.Select)):
                values = values.this
            if isinstance(values, exp.Tuple) or _is_row(values):
                vals = list(values.expressions)
            elif isinstance(values, (exp.Subquery, exp.Select)):
                body = values.this if isinstance(values, exp.Subquery) else values
                sub, correlated = comp.planner._sub_plan(comp, body)
                if len(sub.columns) != len(targets):
                    raise SqlError("42601", "number of columns does not match number of values")
                fetch = comp.planner._runner(comp, sub, correlated)
                sub_types = [c.type for c in sub.columns]

                def one_row(r: Row, fetch: Fn = fetch) -> Any:
                    rows = fetch(r)
                    if len(rows) > 1:
                        raise SqlError("21000", "more than one row returned by a subquery used as an expression")
                    return rows[0] if rows else None

                vals = []
                for k in range(len(targets)):
                    vals.append(_SubqueryColumn(one_row, k, sub_types[k]))
            else:
                raise SqlError("0A000", "source for a multiple-column UPDATE item must be a sub-SELECT or "
                               "ROW() expression")
            if len(vals) != len(targets):
                raise SqlError("42601", "number of columns does not match number of values")
        else:
            vals = [values]
        for tnode, vnode in zip(targets, vals):
            subscripted = subscript_target(tnode) if isinstance(tnode, exp.Bracket) else None
            if subscripted is not None:
                column, subscripts = subscripted
                name = ident(column.this)
                if name not in w.names:
                    raise SqlError("42703", f'column "{name}" of relation "{table.name}" does not exist')
                ci = w.names.index(name)
                if ci in seen:
                    raise SqlError("42601", f'multiple assignments to same column "{name}"')
                if is_default(vnode) or isinstance(vnode, _SubqueryColumn):
                    raise SqlError("0A000", "DEFAULT or a sub-SELECT assigned through a subscript is not supported")
                by_subscript.setdefault(ci, (column, []))[1].append((subscripts, vnode))
                continue
            if isinstance(tnode, exp.Column) and tnode.table:  # SET a.b = ...: field b of column a
                composite = ident(tnode.args["table"])
                if composite not in w.names:
                    raise SqlError("42703", f'column "{composite}" of relation "{table.name}" does not exist')
                raise SqlError("0A000", "assignment to a field of a composite column is not supported by orbitdb")
            name = ident(tnode.this) if isinstance(tnode, exp.Column) else ident(tnode)
            if name not in w.names:
                raise SqlError("42703", f'column "{name}" of relation "{table.name}" does not exist')
            ci = w.names.index(name)
            if ci in seen or ci in by_subscript:
                raise SqlError("42601", f'multiple assignments to same column "{name}"')
            seen.add(ci)
            col = table.columns[ci]
            if col.identity == "a" and not is_default(vnode):
                raise SqlError("428C9", f'column "{name}" can only be updated to DEFAULT',
                               detail=f'Column "{name}" is an identity column defined as GENERATED ALWAYS.')
            if col.generated is not None and not is_default(vnode):
                raise SqlError("428C9", f'column "{name}" can only be updated to DEFAULT',
                               detail=f'Column "{name}" is a generated column.')
            if is_default(vnode):
                out.append((ci, lambda r, ci=ci: w.default_value(ci)))
            elif isinstance(vnode, _SubqueryColumn):
                out.append((ci, assignment(E(vnode.fn, vnode.type), w.types[ci], name)))
            else:
                out.append((ci, assignment(comp.compile(vnode), w.types[ci], name)))
    for ci, (column, steps) in by_subscript.items():
        if table.columns[ci].generated is not None or table.columns[ci].identity == "a":
            raise SqlError("428C9", f'column "{w.names[ci]}" can only be updated to DEFAULT')
        out.append((ci, compile_subscripted(comp, column, w.types[ci], w.names[ci], steps, table.name)))
    return out


class CompiledModify(Compiled):
    """UPDATE or DELETE: a scan of the target (joined with FROM/USING tables)
    picks the rows; each is locked, re-read and written."""

    def __init__(self, planner: Planner, node: exp.Expression, rt: Runtime, ctes: dict[str, Any]) -> None:
        self.rt = rt
        self.is_update = isinstance(node, exp.Update)
        table, self.alias = _target(planner, node.this, "UPDATE" if self.is_update else "DELETE")
        self.table = table
        self.writer = TableWriter(planner, table, rt)
        from_ = node.args.get("from_") or node.args.get("from")
        others: list[exp.Expression] = []
        if from_ is not None:
            others.append(from_.this)
            others.extend(j.this for j in (from_.args.get("joins") or []))
        others.extend(node.args.get("using") or [])
        target_node = node.this.copy()
        scope = Scope([], level=0)
        scope.ctes = ctes
        scope.pk_columns = {}  # type: ignore[attr-defined]
        where = node.args.get("where")
        conjuncts = split_and(where.this) if where is not None else []
        joins = [exp.Join(this=o) for o in others]
        target_required = planner.permissions.relation(table.oid)
        was_scanned = target_required.scan
        plan, rest = planner._plan_from(target_node, joins, scope, ctes, conjuncts)
        # the target's own scan reads nothing by itself: only the columns WHERE, SET and RETURNING use
        target_required.scan = was_scanned
        target_required.letters.add("w" if self.is_update else "d")
        comp = Compiler(planner, scope, rt, where="WHERE")
        self.width = len(table.columns)
        for cj in rest:
            sub_mark = len(planner.subplans)
            e = comp.compile_bool(cj, "WHERE")
            plan = explained_filter(planner, Filter(plan, e.fn, cj.sql(dialect="postgres")), cj, sub_mark)
        self.plan = plan
        # the whole WHERE clause, to re-check a row that changed after the snapshot
        self.recheck: Fn | None = all_true([comp.compile_bool(cj, "WHERE").fn for cj in conjuncts]) if conjuncts else None
        self.set: list[tuple[int, Fn]] = []
        if self.is_update:
            self.set = _compile_set(comp, node.expressions, self.writer, table)
            target_required.updated.update(ci + 1 for ci, _ in self.set)
        self.set_cols = frozenset(self.writer.names[ci] for ci, _ in self.set) if self.is_update else None
        self.key_targets = sorted({ci for ci, _ in self.set} & self.writer.key_cols)
        self.returning = _returning(planner, node, scope, rt)
        self.columns = self.returning[1] if self.returning else None
        self.single = not others
        self.statement_triggers = True  # off for a partition the partitioned table's statement runs

    def explain_head(self) -> str:
        return modify_head("Update" if self.is_update else "Delete", self.table.name, self.alias)

    def _new_row(self, r: Row) -> tuple[Any, ...]:
        new = list(r[: self.width])
        for ci, f in self.set:
            new[ci] = f(r)
        return tuple(new)

    def _mode(self, old: Row, new: Row | None) -> int:
        """FOR UPDATE for a delete or a change of a key column, else FOR NO KEY UPDATE."""
        if new is None:
            return FOR_UPDATE
        return FOR_UPDATE if any(old[i] != new[i] for i in self.key_targets) else FOR_NO_KEY_UPDATE

    def _lock_target(self, ctx: ExecContext, key: bytes, r: Row, new: Row | None
                     ) -> tuple[Row, Row | None] | None:
        """Locks the target row; returns the row to work on (its key last) and its new version
        (update), or None to skip it. READ COMMITTED follows a row changed after the snapshot to its newest
        version and re-checks the WHERE clause there (PostgreSQL's EvalPlanQual); the other
        levels fail with 40001."""
        txn = ctx.txn
        assert txn is not None
        width = self.width
        locking = self.writer.row_locks_needed(txn)
        mode = self._mode(r, new)
        access = self.writer.access
        if locking:
            txn.lock_row(key, mode)
        latest, changed, version = access.newest_version(txn, key)
        if not changed:
            return r, new
        if not txn.snapshot_per_statement:
            raise SerializationFailure("could not serialize access due to concurrent update")
        while True:
            if latest is None:
                moved = txn.moved_to(key)
                if moved is None:
                    return None  # deleted by a transaction that committed meanwhile
                key = moved  # re-keyed meanwhile: follow the row, as PostgreSQL's update chain
                if locking:
                    txn.lock_row(key, mode)
                latest, _, version = access.newest_version(txn, key)
                continue
            r = latest + (key,) + r[width + 1:]
            if self.recheck is not None and self.recheck(r) is not True:
                return None
            new = self._new_row(r) if self.is_update else None
            stronger = self._mode(r, new)
            if not locking or stronger <= mode:
                return r, new
            mode = stronger
            txn.lock_row(key, mode)
            again, _, again_version = access.newest_version(txn, key)
            if again_version == version:
                return r, new
            latest, version = again, again_version

    def run(self, ctx: ExecContext) -> Result:
        read_only_check(ctx, "UPDATE" if self.is_update else "DELETE")
        return with_after_triggers(ctx, lambda: self._run(ctx))

    def run_rows(self, ctx: ExecContext) -> Result:
        """The row changes without the AFTER triggers (their statement runs those)."""
        read_only_check(ctx, "UPDATE" if self.is_update else "DELETE")
        return self._run(ctx)

    def _run_instead(self, ctx: ExecContext, op: str, trg: Any) -> Result:
        """UPDATE or DELETE of a view: its INSTEAD OF triggers change each row it selects."""
        width = self.width
        count = 0
        out_rows: list[Row] = []
        ret = self.returning
        trg.before_statement(ctx, op, self.set_cols)
        for r in list(self.plan.rows(ctx)):
            ctx.check()
            old = r[:width]
            new = self._new_row(r) if self.is_update else None
            done = trg.instead_row(ctx, op, old, new)
            if done is None:
                continue
            count += 1
            if ret is not None:
                out_rows.append(tuple(f(tuple(done) + r[width:]) for f in ret[0]))
        trg.after_statement(ctx, op, self.set_cols)
        if ret is not None:
            return Result(f"{op} {count}", ret[1], out_rows, count)
        return Result(f"{op} {count}", None, [], count)

    def _run(self, ctx: ExecContext) -> Result:
        txn = ctx.txn
        assert txn is not None
        w = self.writer
        op = "UPDATE" if self.is_update else "DELETE"
        trg = w.triggers
        if self.table.kind == "v":
            return self._run_instead(ctx, op, trg)
        if trg is not None and self.statement_triggers:
            trg.before_statement(ctx, op, self.set_cols)
        width = self.width
        targets = list(self.plan.rows(ctx))
        # every new version first: a subquery in SET reads the table as the statement found it, not
        # with the rows this statement has already changed (PostgreSQL's statement snapshot)
        news = [self._new_row(r) for r in targets] if self.is_update else [None] * len(targets)
        done: set[bytes] = set()
        out_rows: list[Row] = []
        count = 0
        ret = self.returning
        for r, new in zip(targets, news):
            ctx.check()
            key = r[width]
            if key in done:
                continue
            locked = self._lock_target(ctx, key, r, new)
            if locked is None:
                continue
            r, new = locked
            key = r[width]  # the row may have moved to another key meanwhile
            if key in done:
                continue
            old = r[:width]
            done.add(key)
            if trg is not None:
                before = w.before_row(ctx, op, old, new, self.set_cols)
                if before is None:
                    continue
                if new is not None:
                    new = before
            if new is not None:
                newkey, final = w.update(ctx, key, old, new, self.set_cols)
                done.add(newkey)
                result_row = final + (newkey,) + r[width + 1:]
            else:
                w.delete(ctx, key, old)
                result_row = r
            count += 1
            if ret is not None:
                out_rows.append(tuple(f(result_row) for f in ret[0]))
        if trg is not None and self.statement_triggers:
            trg.after_statement(ctx, op, self.set_cols)
        tag = f"{op} {count}"
        if ret is not None:
            return Result(tag, ret[1], out_rows, count)
        return Result(tag, None, [], count)


def read_only_check(ctx: ExecContext, what: str) -> None:
    if ctx.txn is not None and ctx.txn.read_only:
        raise SqlError("25006", f"cannot execute {what} in a read-only transaction")


def compile_dml(planner: Planner, node: exp.Expression, rt: Runtime, overriding: str | None = None) -> Compiled:
    ctes: dict[str, Any] = {}
    with_ = node.args.get("with_")
    if with_ is not None:
        planner._add_ctes(with_, None, ctes)
    return compile_dml_on(planner, node, rt, ctes, overriding)


def compile_dml_on(planner: Planner, node: exp.Expression, rt: Runtime, ctes: dict[str, Any],
                   overriding: str | None = None) -> Compiled:
    """INSERT, UPDATE or DELETE of a table, or of an automatically updatable view (rewritten onto
    its base table, with its CHECK OPTION conditions checked on the new rows)."""
    node, checks = resolve_view_target(planner, node)
    writers: list[Any]
    if isinstance(node, exp.Insert):
        compiled: Compiled = CompiledInsert(planner, node, rt, ctes, overriding)
        writers = [compiled]
    else:
        table, alias = _target(planner, node.this, "UPDATE" if isinstance(node, exp.Update) else "DELETE")
        if not node.this.args.get("only") and (table.partition_strategy or children_of(planner.catalog, table)):
            parts = [CompiledModify(planner, on_table(node, t, alias), rt, ctes) for t in targets_of(planner, table)]
            compiled = CompiledPartitionedModify(planner, table, parts, rt)
            writers = parts
        else:
            compiled = CompiledModify(planner, node, rt, ctes)
            writers = [compiled]
    for w in writers if checks else []:
        comp = Compiler(planner, table_scope(w.table, w.alias, catalog=planner.catalog), rt, where="WITH CHECK OPTION")
        w.writer.view_checks = [(c.view, comp.compile_bool(c.condition, "CHECK OPTION").fn) for c in checks]
    return compiled


def _refuse_generated(table: TableDef, cols: list[str], src: exp.Expression | None) -> None:
    """A generated column takes no value from an INSERT but DEFAULT (PostgreSQL's 428C9)."""
    for j, name in enumerate(cols):
        col = table.column(name)
        if col is None or col.generated is None:
            continue
        if isinstance(src, exp.Values):
            items = [r.expressions if isinstance(r, exp.Tuple) else [r] for r in src.expressions]
            if all(j >= len(row) or is_default(row[j]) for row in items):
                continue
        elif src is None:
            continue
        raise SqlError("428C9", f'cannot insert a non-DEFAULT value into column "{name}"',
                       detail=f'Column "{name}" is a generated column.')


def _is_row(node: exp.Expression) -> bool:
    return isinstance(node, exp.Anonymous) and str(node.this).upper() == "ROW"


class _SubqueryColumn:
    """Column k of the single row a SET (a, b) = (SELECT ...) subquery returns."""

    def __init__(self, row_fn: Fn, k: int, type_: Any) -> None:
        self.type = type_

        def fn(r: Row) -> Any:
            row = row_fn(r)
            return None if row is None else row[k]

        self.fn: Fn = fn


def _get(i: int) -> Fn:
    return lambda r: r[i]


__all__ = ["ScopeColumn", "compile_dml"]


_NO_MATCH = (exp.Paren, exp.Func, exp.Collate, exp.Opclass)


def _inference_key(key: exp.Expression, table: TableDef) -> str:
    """An ON CONFLICT inference element as the index key it names: a column's name, or the
    normalized text of an expression."""
    name = _conflict_column(key, table)
    if name is not None:
        return name
    node = key.this if isinstance(key, exp.Ordered) else key
    return "\0" + index_keys.normalized(node)


def _conflict_column(key: exp.Expression, table: TableDef) -> str | None:
    """An ON CONFLICT inference element as PostgreSQL's grammar reads it (index_elem): a column
    name, or None for an expression (a function call, a parenthesized expression, a collation or
    operator class); what the grammar cannot read is a syntax error."""
    node = key
    if isinstance(key, exp.Ordered):
        if key.args.get("desc") is not None:
            raise SqlError("42P10", "ASC/DESC is not allowed in ON CONFLICT clause")
        if key.args.get("nulls_first"):
            raise SqlError("42P10", "NULLS FIRST/LAST is not allowed in ON CONFLICT clause")
        node = key.this
    inner = node
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if isinstance(inner, exp.Column) and not inner.table and not isinstance(inner.this, exp.Star):
        name = ident(inner.this)
        if name not in [c.name for c in table.columns]:
            raise SqlError("42703", f'column "{name}" does not exist')
        return name  # (a parenthesized column is a column too, as PostgreSQL infers it)
    if isinstance(node, _NO_MATCH):
        return None
    if isinstance(node, exp.Binary):
        rendered = node.sql(dialect="postgres")
        near = rendered[len(node.left.sql(dialect="postgres")):].split()[0]
    elif isinstance(node, exp.Column):
        near = ")"  # a qualified name reads as the start of a function call
    elif isinstance(node, exp.Boolean):
        near = "true" if node.this else "false"
    else:
        near = node.sql(dialect="postgres").split()[0] if node.sql(dialect="postgres") else ""
    raise SqlError("42601", f'syntax error at or near "{near}"')
