"""Whether PostgreSQL updates through a view automatically (its rewriter's rules on the view's
query), and if not, the reason it gives. Used by INSERT/UPDATE/DELETE on views
(orbitdb/sql/modify/view_dml.py), CREATE VIEW ... WITH CHECK OPTION and information_schema."""

from __future__ import annotations

from sqlglot import exp, parse_one

_SET_RETURNING = {"generate_series", "unnest", "generate_subscripts", "regexp_matches", "regexp_split_to_table",
                  "jsonb_array_elements", "json_array_elements", "jsonb_each", "json_each", "jsonb_object_keys",
                  "json_object_keys", "jsonb_array_elements_text", "json_array_elements_text", "jsonb_each_text",
                  "json_each_text", "string_to_table"}


def not_updatable_reason(query: exp.Expression) -> str | None:
    """Why PostgreSQL would not update through a view with this query (None: it would)."""
    if isinstance(query, (exp.Union, exp.Intersect, exp.Except)):
        return "Views containing UNION, INTERSECT, or EXCEPT are not automatically updatable."
    if not isinstance(query, exp.Select):
        return "Views that do not select from a single table or view are not automatically updatable."
    if query.args.get("with_") or query.args.get("with"):
        return "Views containing WITH are not automatically updatable."
    if query.args.get("distinct"):
        return "Views containing DISTINCT are not automatically updatable."
    if query.args.get("group"):
        return "Views containing GROUP BY are not automatically updatable."
    if query.args.get("having"):
        return "Views containing HAVING are not automatically updatable."
    if query.args.get("limit") or query.args.get("offset"):
        return "Views containing LIMIT or OFFSET are not automatically updatable."
    from_ = query.args.get("from_") or query.args.get("from")
    if from_ is None or query.args.get("joins") or not isinstance(from_.this, exp.Table) or isinstance(
            from_.this.this, (exp.Func, exp.Anonymous)) or len(from_.expressions or []) > 0:
        return "Views that do not select from a single table or view are not automatically updatable."
    for p in query.expressions:
        if any(isinstance(n, exp.AggFunc) and not isinstance(n.parent, exp.Window) and n.find_ancestor(exp.Window)
               is None for n in p.walk()):
            return "Views that return aggregate functions are not automatically updatable."
        if p.find(exp.Window) is not None:
            return "Views that return window functions are not automatically updatable."
        if any(isinstance(n, exp.Anonymous) and str(n.this).lower() in _SET_RETURNING or
               isinstance(n, (exp.Explode, exp.Unnest)) for n in p.walk()):
            return "Views that return set-returning functions are not automatically updatable."
    return None


def view_is_updatable(view_sql: str | None) -> bool:
    try:
        return view_sql is not None and not_updatable_reason(parse_one(view_sql, read="postgres")) is None
    except Exception:  # noqa: BLE001 - a view text sqlglot cannot read again is not updatable
        return False


def updatable_columns(view_sql: str | None, count: int) -> list[bool]:
    """For each of a view's columns, whether it can be written through the view (a plain column
    of its base relation, in an automatically updatable view)."""
    try:
        query = parse_one(view_sql or "", read="postgres")
    except Exception:  # noqa: BLE001 - a view text sqlglot cannot read again is not updatable
        return [False] * count
    if not_updatable_reason(query) is not None:
        return [False] * count
    out = [isinstance(p.this if isinstance(p, exp.Alias) else p, exp.Column) for p in query.expressions]
    return (out + [False] * count)[:count]
