"""INSERT, UPDATE and DELETE on automatically updatable views, as PostgreSQL's rewriter does them:
a view over one table (or one such view) with no DISTINCT, GROUP BY, HAVING, LIMIT, set
operation, WITH, aggregate, window or set-returning function in its select list has the
statement rewritten onto its base relation; the view's WHERE condition is added to UPDATE and
DELETE, and a view WITH [LOCAL | CASCADED] CHECK OPTION has every new row checked against it
(44000). A column that is an expression rather than a base column cannot be written (0A000);
a view that is not updatable gives 55000 with PostgreSQL's reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlglot import exp, parse_one

from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.core import ident
from orbitdb.sql.parse.updatable import not_updatable_reason
from orbitdb.storage.catalog import TableDef

if TYPE_CHECKING:
    from orbitdb.sql.plan.planner import Planner

_VERB = {exp.Insert: ("insert into", "INSERT", "inserting into"), exp.Update: ("update", "UPDATE", "updating"),
         exp.Delete: ("delete from", "DELETE", "deleting from")}


@dataclass
class ViewCheck:
    """A WITH CHECK OPTION condition, as an expression over the statement's current target."""

    view: str
    condition: exp.Expression


@dataclass
class _ViewShape:
    base: exp.Table  # the base relation as the view names it (with its alias)
    columns: dict[str, exp.Expression]  # view column -> its expression over the base
    where: exp.Expression | None
    order: list[str] = field(default_factory=list)


def _shape(view: TableDef) -> _ViewShape:
    query = parse_one(view.view_sql or "", read="postgres")
    from_ = query.args.get("from_") or query.args.get("from")
    base = from_.this
    columns: dict[str, exp.Expression] = {}
    for name, p in zip(view.view_columns, query.expressions):
        columns[name] = p.this if isinstance(p, exp.Alias) else p
    where = query.args.get("where")
    # qualified by the base relation, so they stay its columns next to EXCLUDED or FROM tables
    alias = base.args.get("alias")
    rel = ident(alias.this) if alias is not None and alias.this is not None else ident(base.this)

    def qualify(n: exp.Expression) -> exp.Expression:
        if isinstance(n, exp.Column) and not n.table and isinstance(n.this, exp.Identifier) and (
                n.find_ancestor(exp.Select) is None):
            return exp.column(ident(n.this), rel, quoted=True)
        return n

    columns = {name: e.transform(qualify, copy=True) for name, e in columns.items()}
    cond = where.this.transform(qualify, copy=True) if where is not None else None
    return _ViewShape(base, columns, cond, list(view.view_columns))


def _base_column(e: exp.Expression) -> str | None:
    """The base column a view column stands for, or None for an expression."""
    return ident(e.this) if isinstance(e, exp.Column) and isinstance(e.this, exp.Identifier) else None


def _refuse(node: exp.Expression, view: TableDef, reason: str) -> SqlError:
    verb, word, ing = _VERB[type(node)]  # type: ignore[index]
    return SqlError("55000", f'cannot {verb} view "{view.name}"', detail=reason,
                    hint=f"To enable {ing} the view, provide an INSTEAD OF {word} trigger or an unconditional "
                    f"ON {word} DO INSTEAD rule.")


def _substitute(node: exp.Expression, shape: _ViewShape, names: set[str]) -> exp.Expression:
    """node with its references to view columns replaced by the view's expressions over the base.
    names: what the view is called in the statement (its name or alias); unqualified references
    are replaced outside nested queries only."""

    def swap(n: exp.Expression) -> exp.Expression:
        if not isinstance(n, exp.Column) or not isinstance(n.this, exp.Identifier):
            return n
        name = ident(n.this)
        if name not in shape.columns:
            return n
        if n.table:
            if n.table not in names:
                return n
        elif n.find_ancestor(exp.Select, exp.Subquery) is not None and n.find_ancestor(exp.Select) is not root_select:
            return n
        e = shape.columns[name].copy()
        return e if isinstance(e, exp.Column) else exp.Paren(this=e)

    root_select = node if isinstance(node, exp.Select) else None
    if isinstance(node, exp.Column):
        return swap(node)
    return node.transform(swap, copy=True)


def _star_items(shape: _ViewShape) -> list[exp.Expression]:
    return [exp.Alias(this=e.copy(), alias=exp.Identifier(this=n, quoted=True)) for n, e in shape.columns.items()]


def _returning(node: exp.Expression, shape: _ViewShape, names: set[str]) -> None:
    ret = node.args.get("returning")
    if ret is None:
        return
    items: list[exp.Expression] = []
    for p in ret.expressions:
        inner = p.this if isinstance(p, exp.Alias) else p
        if isinstance(inner, exp.Star) or isinstance(inner, exp.Column) and isinstance(inner.this, exp.Star) and (
                inner.table in names):
            items.extend(_star_items(shape))
            continue
        new = _substitute(inner, shape, names)
        if isinstance(p, exp.Alias):
            items.append(exp.Alias(this=new, alias=p.args["alias"]))
        elif isinstance(inner, exp.Column) and isinstance(inner.this, exp.Identifier):
            items.append(exp.Alias(this=new, alias=exp.Identifier(this=ident(inner.this), quoted=True)))
        else:
            items.append(new)
    ret.set("expressions", items)


def _target_table(node: exp.Expression) -> exp.Table:
    t = node.this
    return t.this if isinstance(t, exp.Schema) else t


def rewrite_view_dml(planner: Planner, node: exp.Expression, view: TableDef,
                     checks: list[ViewCheck], cascaded: bool = False) -> exp.Expression:
    """The statement node (on view) rewritten onto the view's base relation; checks gets the
    CHECK OPTION conditions the new rows must meet, over that relation."""
    if view.view_sql is None:
        raise _refuse(node, view, "Views that do not select from a single table or view are not automatically "
                      "updatable.")
    query = parse_one(view.view_sql, read="postgres")
    reason = not_updatable_reason(query)
    if reason is not None:
        raise _refuse(node, view, reason)
    shape = _shape(view)
    table_node = _target_table(node)
    alias = table_node.args.get("alias")
    names = {ident(alias.this)} if alias is not None and alias.this is not None else {view.name}
    writable = {n: _base_column(e) for n, e in shape.columns.items()}
    if not isinstance(node, exp.Delete) and not any(writable.values()):
        raise _refuse(node, view, "Views that have no updatable columns are not automatically updatable.")
    new = node.copy()
    base = shape.base.copy()
    new_target = base
    # conditions and CHECK OPTIONs already collected refer to the view: now to its base
    for c in checks:
        c.condition = _substitute(c.condition, shape, {view.name} | names)
    option = view.view_check_option
    if shape.where is not None and (option or cascaded) and not isinstance(node, exp.Delete):
        checks.append(ViewCheck(view.name, shape.where.copy()))
    cascaded = cascaded or option == "cascaded"
    if isinstance(node, exp.Insert):
        _rewrite_insert(new, view, shape, writable, names, base)
        new_target = new.this
    else:
        for item in new.expressions if isinstance(new, exp.Update) else []:
            targets = item.this.expressions if isinstance(item.this, exp.Tuple) else [
                item.this.this if isinstance(item.this, exp.Paren) else item.this]
            mapped = []
            for t in targets:
                name = ident(t.this) if isinstance(t, exp.Column) else ident(t)
                if name not in shape.columns:
                    raise SqlError("42703", f'column "{name}" of relation "{view.name}" does not exist')
                col = writable[name]
                if col is None:
                    raise SqlError("0A000", f'cannot update column "{name}" of view "{view.name}"',
                                   detail="View columns that are not columns of their base relation are not "
                                   "updatable.")
                mapped.append(exp.column(col, quoted=True))
            if isinstance(item.this, exp.Tuple):
                item.set("this", exp.Tuple(expressions=mapped))
            elif isinstance(item.this, exp.Paren):
                item.set("this", exp.Paren(this=mapped[0]))
            else:
                item.set("this", mapped[0])
            item.set("expression", _substitute(item.expression, shape, names))
        where = new.args.get("where")
        cond = _substitute(where.this, shape, names) if where is not None else None
        if shape.where is not None:
            cond = shape.where.copy() if cond is None else exp.and_(exp.Paren(this=shape.where.copy()),
                                                                    exp.Paren(this=cond))
        new.set("where", exp.Where(this=cond) if cond is not None else None)
        for key in ("from_", "from", "using"):
            value = new.args.get(key)
            if isinstance(value, exp.Expression):
                new.set(key, _substitute(value, shape, names))
            elif isinstance(value, list):
                new.set(key, [_substitute(v, shape, names) for v in value])
        new.set("this", new_target)
    _returning(new, shape, names)
    under = planner.lookup_table(ident(base.args["db"]) if base.args.get("db") else None, ident(base.this))
    if under is not None and under.kind == "v":
        return rewrite_view_dml(planner, new, under, checks, cascaded)
    return new


def _rewrite_insert(new: exp.Insert, view: TableDef, shape: _ViewShape, writable: dict[str, str | None],
                    names: set[str], base: exp.Table) -> None:
    target = new.this
    if isinstance(target, exp.Schema) and target.expressions:
        cols = [ident(c) if isinstance(c, exp.Identifier) else ident(c.this) for c in target.expressions]
    else:
        cols = list(shape.order)
        src = new.args.get("expression")
        if isinstance(src, exp.Values):
            width = max((len(r.expressions) if isinstance(r, exp.Tuple) else 1) for r in src.expressions)
            cols = cols[:width]
    mapped = []
    for c in cols:
        if c not in shape.columns:
            raise SqlError("42703", f'column "{c}" of relation "{view.name}" does not exist')
        col = writable[c]
        if col is None:
            raise SqlError("0A000", f'cannot insert into column "{c}" of view "{view.name}"',
                           detail="View columns that are not columns of their base relation are not updatable.")
        mapped.append(exp.Identifier(this=col, quoted=True))
    conflict = new.args.get("conflict")
    if conflict is not None:
        new.set("conflict", _rewrite_conflict(conflict, view, shape, writable, names))
    new.set("this", exp.Schema(this=base, expressions=mapped) if mapped else base)


def _rewrite_conflict(conflict: exp.Expression, view: TableDef, shape: _ViewShape,
                      writable: dict[str, str | None], names: set[str]) -> exp.Expression:
    """ON CONFLICT on a view: its inference, SET list and conditions over the base table, EXCLUDED
    included (EXCLUDED.v is the view's expression of v over the excluded row)."""
    out = conflict.copy()

    def over_excluded(n: exp.Expression) -> exp.Expression:
        if isinstance(n, exp.Column) and n.table == "excluded" and isinstance(n.this, exp.Identifier):
            name = ident(n.this)
            if name in shape.columns:
                e = shape.columns[name].copy().transform(
                    lambda c: exp.column(ident(c.this), "excluded", quoted=True)
                    if isinstance(c, exp.Column) and isinstance(c.this, exp.Identifier) else c)
                return e if isinstance(e, exp.Column) else exp.Paren(this=e)
        return n

    def rewrite(e: exp.Expression) -> exp.Expression:
        return _substitute(e.transform(over_excluded, copy=True), shape, names)

    keys = out.args.get("conflict_keys")
    if keys:
        # (inference elements name the base's columns bare, as index keys do)
        out.set("conflict_keys", [rewrite(k).transform(
            lambda c: exp.column(ident(c.this), quoted=True) if isinstance(c, exp.Column) and c.table and
            isinstance(c.this, exp.Identifier) else c) for k in keys])
    for arg in ("index_predicate", "where"):
        if out.args.get(arg) is not None:
            out.set(arg, rewrite(out.args[arg]))
    items = []
    for item in out.args.get("expressions") or []:
        target = item.this
        name = ident(target.this) if isinstance(target, exp.Column) else ident(target)
        if name not in shape.columns:
            raise SqlError("42703", f'column "{name}" of relation "{view.name}" does not exist')
        col = writable[name]
        if col is None:  # (PostgreSQL words it as the INSERT's)
            raise SqlError("0A000", f'cannot insert into column "{name}" of view "{view.name}"',
                           detail="View columns that are not columns of their base relation are not updatable.")
        items.append(exp.EQ(this=exp.column(col, quoted=True), expression=rewrite(item.expression)))
    if items:
        out.set("expressions", items)
    return out


def resolve_view_target(planner: Planner, node: exp.Expression) -> tuple[exp.Expression, list[ViewCheck]]:
    """node itself when it writes a table; rewritten onto the base table when it writes an
    automatically updatable view (with the CHECK OPTION conditions its new rows must meet)."""
    if not isinstance(node, (exp.Insert, exp.Update, exp.Delete)):
        return node, []
    table_node = _target_table(node)
    if not isinstance(table_node, exp.Table) or isinstance(table_node.this, (exp.Func, exp.Anonymous)):
        return node, []
    schema = ident(table_node.args["db"]) if table_node.args.get("db") else None
    view = planner.lookup_table(schema, ident(table_node.this))
    if view is None or view.kind != "v":
        return node, []
    event = {exp.Insert: "insert", exp.Update: "update", exp.Delete: "delete"}[type(node)]
    if any(t.timing == "instead" and event in t.events for t in view.triggers):
        return node, []  # INSTEAD OF triggers do the work (orbitdb/sql/triggers)
    checks: list[ViewCheck] = []
    return rewrite_view_dml(planner, node, view, checks), checks
