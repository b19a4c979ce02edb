"""Function calls: sqlglot's many function node classes mapped back to
PostgreSQL's function names, overload resolution against the registry, and the
few calls that need the compiler itself (aggregates, pg_typeof, sequences)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr import funcregistry as R
from orbitdb.sql.expr.core import E, coerce, const, ident
from orbitdb.sql.expr.pycalls import compile_call, session_aggregate, session_function
from orbitdb.sql.expr.routine_call import candidates, compile_user_call, no_user_function
from orbitdb.sql.expr.srf_context import check_set_returning_context
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.casts import IMPLICIT, find_cast

if TYPE_CHECKING:
    from orbitdb.sql.expr.compiler import Compiler

# sqlglot node class name -> (PostgreSQL function name, argument keys in order)
_NODE_FUNCS: dict[str, tuple[str, list[str]]] = {
    "Lower": ("lower", ["this"]), "Upper": ("upper", ["this"]), "Length": ("length", ["this"]),
    "Substring": ("substring", ["this", "start", "length"]), "Abs": ("abs", ["this"]),
    "Round": ("round", ["this", "decimals"]), "Floor": ("floor", ["this"]), "Ceil": ("ceil", ["this"]),
    "Sqrt": ("sqrt", ["this"]), "Cbrt": ("cbrt", ["this"]), "Pow": ("power", ["this", "expression"]),
    "Ln": ("ln", ["this"]), "Exp": ("exp", ["this"]), "Sign": ("sign", ["this"]), "Pi": ("pi", []),
    "Trunc": ("trunc", ["this", "decimals"]), "StrPosition": ("strpos", ["this", "substr"]),
    "Replace": ("replace", ["this", "expression", "replacement"]),
    "SplitPart": ("split_part", ["this", "delimiter", "part_index"]), "Left": ("left", ["this", "expression"]),
    "Right": ("right", ["this", "expression"]), "Repeat": ("repeat", ["this", "times"]),
    "Reverse": ("reverse", ["this"]), "Initcap": ("initcap", ["this"]), "MD5": ("md5", ["this"]),
    "Rand": ("random", []), "Uuid": ("gen_random_uuid", []), "CurrentUser": ("current_user", []),
    "SessionUser": ("session_user", []), "CurrentSchema": ("current_schema", []),
    "CurrentVersion": ("version", []), "CurrentDate": ("current_date", []),
    "CurrentTimestamp": ("now", []), "CurrentTime": ("current_time", []),
    "Localtimestamp": ("localtimestamp", []), "Localtime": ("localtime", []),
    "ArraySize": ("array_length", ["this", "expression"]), "UnixToTime": ("to_timestamp", ["this"]),
    "JustifyDays": ("justify_days", ["this"]), "JustifyHours": ("justify_hours", ["this"]),
    "JustifyInterval": ("justify_interval", ["this"]), "TimeToStr": ("to_char", ["this", "format"]),
    "WidthBucket": ("width_bucket", ["this", "min_value", "max_value", "num_buckets"]),
    "Overlay": ("overlay", ["this", "expression", "from_", "for_"]), "Ascii": ("ascii", ["this"]),
    "Chr": ("chr", ["expressions"]), "Degrees": ("degrees", ["this"]), "Radians": ("radians", ["this"]),
    "Sin": ("sin", ["this"]), "Cos": ("cos", ["this"]), "Tan": ("tan", ["this"]), "Asin": ("asin", ["this"]),
    "Acos": ("acos", ["this"]), "Atan": ("atan", ["this"]), "Atan2": ("atan2", ["this", "expression"]),
    "Cot": ("cot", ["this"]), "Log": ("log", ["this", "expression"]), "Factorial": ("factorial", ["this"]),
    "Gcd": ("gcd", ["this", "expression"]), "Lcm": ("lcm", ["this", "expression"]),
    "ToChar": ("to_char", ["this", "format"]), "StrToDate": ("to_date", ["this", "format"]),
    "StrToTime": ("to_timestamp", ["this", "format"]), "Translate": ("translate", ["this", "from_", "to"]),
    "RegexpReplace": ("regexp_replace", ["this", "expression", "replacement", "modifiers"]),
    "RegexpExtract": ("substring", ["this", "expression"]), "RegexpSplit": ("regexp_split_to_array", ["this", "expression"]),
    "ArrayToString": ("array_to_string", ["this", "expression", "null"]),
    "StringToArray": ("string_to_array", ["this", "expression", "null"]),
    "ArrayPosition": ("array_position", ["this", "expression"]),
    "ArrayAppend": ("array_append", ["this", "expression"]), "ArrayPrepend": ("array_prepend", ["this", "expression"]),
    "ArrayConcat": ("array_cat", ["this", "expressions"]), "ArrayRemove": ("array_remove", ["this", "expression"]),
    "ToNumber": ("to_number", ["this", "format"]), "Chr2": ("chr", ["this"]),
    "JSONArrayLength": ("json_array_length", ["this"]), "ParseJSON": ("json", ["this"]),
    "JSONBObjectAgg": ("jsonb_object_agg", ["this", "expression"]), "JSONArrayAgg": ("json_agg", ["this"]),
    "JSONObjectAgg": ("json_object_agg", ["this", "expression", "expressions"]),
    "LastDay": ("last_day", ["this"]), "Levenshtein": ("levenshtein", ["this", "expression"]),
    "DateTrunc": ("date_trunc", ["unit", "this", "zone"]), "TimestampTrunc": ("date_trunc", ["unit", "this", "zone"]),
    "Extract": ("extract", ["this", "expression"]), "ToBase64": ("encode_base64", ["this"]),
    "Encode": ("encode", ["this", "charset"]), "Decode": ("decode", ["this", "charset"]),
    "Quarter": ("quarter", ["this"]), "Unnest": ("unnest", ["expressions"]), "Explode": ("unnest", ["this", "expressions"]),
    "ExplodingGenerateSeries": ("generate_series", ["start", "end", "step"]),
    "GenerateSeries": ("generate_series", ["start", "end", "step"]),
    "Count": ("count", ["this", "expressions"]), "Sum": ("sum", ["this"]), "Avg": ("avg", ["this"]),
    "Min": ("min", ["this"]), "Max": ("max", ["this"]), "ArrayAgg": ("array_agg", ["this"]),
    "GroupConcat": ("string_agg", ["this", "separator"]), "LogicalAnd": ("bool_and", ["this"]),
    "LogicalOr": ("bool_or", ["this"]), "Stddev": ("stddev", ["this"]), "StddevSamp": ("stddev_samp", ["this"]),
    "StddevPop": ("stddev_pop", ["this"]), "Variance": ("variance", ["this"]),
    "VariancePop": ("var_pop", ["this"]), "Corr": ("corr", ["this", "expression"]),
    "CovarPop": ("covar_pop", ["this", "expression"]), "CovarSamp": ("covar_samp", ["this", "expression"]),
    "BitwiseAndAgg": ("bit_and", ["this"]), "BitwiseOrAgg": ("bit_or", ["this"]),
    "PercentileCont": ("percentile_cont", ["this", "expression"]),
    "PercentileDisc": ("percentile_disc", ["this", "expression"]),
    "Mode": ("mode", ["this"]), "RowNumber": ("row_number", ["this"]), "Rank": ("rank", ["expressions"]),
    "DenseRank": ("dense_rank", ["expressions"]), "PercentRank": ("percent_rank", ["expressions"]),
    "CumeDist": ("cume_dist", ["expressions"]), "Ntile": ("ntile", ["this"]),
    "Lag": ("lag", ["this", "offset", "default"]), "Lead": ("lead", ["this", "offset", "default"]),
    "FirstValue": ("first_value", ["this"]), "LastValue": ("last_value", ["this"]),
    "NthValue": ("nth_value", ["this", "offset"]), "Concat": ("concat", ["expressions"]),
    "ConcatWs": ("concat_ws", ["expressions"]), "Date": ("date", ["this"]), "DateAdd": ("date_add", ["this", "expression"]),
    "Pad": ("lpad", ["this", "expression", "fill_pattern"]), "Trim": ("btrim", ["this", "expression"]),
    "SHA": ("sha1", ["this"]), "SHA2": ("sha256", ["this"]), "Sinh": ("sinh", ["this"]), "Cosh": ("cosh", ["this"]),
    "Tanh": ("tanh", ["this"]), "Space": ("space", ["this"]), "JSONFormat": ("to_json", ["this"]),
    "JSONObject": ("json_build_object", ["expressions"]), "Struct": ("row", ["expressions"]),
    "MakeInterval": ("make_interval", ["year", "month", "week", "day", "hour", "minute", "second"]),
    "ToDays": ("to_days", ["this"]), "Ceiling": ("ceiling", ["this"]), "ArrayToJson": ("array_to_json", ["this"]),
    "StartsWith": ("starts_with", ["this", "expression"]), "Hex": ("to_hex", ["this"]),
    "Unhex": ("decode_hex", ["this"]), "Coalesce": ("coalesce", ["this", "expressions"]),
    "Stuff": ("overlay", ["this", "expression", "start", "length"]), "ToDouble": ("to_double", ["this"]),
    "ArrayLength": ("array_length", ["this", "expression"]), "Cardinality": ("cardinality", ["this"]),
}

AGGREGATES = {
    "count", "sum", "avg", "min", "max", "array_agg", "string_agg", "bool_and", "bool_or", "every", "stddev",
    "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop", "json_agg", "jsonb_agg", "json_object_agg",
    "jsonb_object_agg", "bit_and", "bit_or", "bit_xor", "percentile_cont", "percentile_disc", "mode", "corr",
    "covar_pop", "covar_samp", "regr_count", "xmlagg", "range_agg", "range_intersect_agg",
}
WINDOW_ONLY = {"row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
               "first_value", "last_value", "nth_value"}


def _var_text(node: exp.Expression) -> exp.Expression:
    """Units written as bare words (date_trunc('day', ...) after sqlglot, EXTRACT(YEAR ...))."""
    if isinstance(node, exp.Var):
        return exp.Literal.string(node.name.lower())
    return node


def normalize(node: exp.Expression) -> tuple[str, list[exp.Expression], dict[str, Any]]:
    """(PostgreSQL name, argument nodes, modifiers: distinct, order) for a function node."""
    extra: dict[str, Any] = {}
    if isinstance(node, exp.Anonymous):
        name = node.name.lower() if not (isinstance(node.this, exp.Identifier) and node.this.quoted) else node.name
        args0 = list(node.expressions)
        if args0 and isinstance(args0[-1], exp.Order):  # jsonb_agg(x ORDER BY y), f(a, b ORDER BY c)
            extra["order"] = args0[-1].expressions
            args0[-1] = args0[-1].this
        if args0 and isinstance(args0[0], exp.Distinct):
            extra["distinct"] = True
            args0 = list(args0[0].expressions) + args0[1:]
        if name == "count" and len(args0) == 1 and isinstance(args0[0], exp.Star):  # pg_catalog.count(*)
            args0 = []
            extra["star"] = True
        return name, args0, extra
    cls = type(node).__name__
    spec = _NODE_FUNCS.get(cls)
    if spec is None:
        names = getattr(type(node), "sql_names", None)
        nm = names()[0].lower() if callable(names) else cls.lower()
        args: list[exp.Expression] = []
        for key in type(node).arg_types:
            v = node.args.get(key)
            if isinstance(v, list):
                args.extend(x for x in v if isinstance(x, exp.Expression))
            elif isinstance(v, exp.Expression):
                args.append(v)
        return nm, args, extra
    name, keys = spec
    args = []
    for key in keys:
        v = node.args.get(key)
        if v is None:
            continue
        if isinstance(v, list):
            args.extend(x for x in v if isinstance(x, exp.Expression))
        elif isinstance(v, exp.Expression):
            args.append(v)
    # unwrap DISTINCT / ORDER BY inside aggregate arguments (sqlglot hangs ORDER BY on the first
    # argument of some, on the last of others: json_object_agg(k, v ORDER BY k))
    for at in (0, -1):
        if args and isinstance(args[at], exp.Order):
            extra["order"] = args[at].expressions
            args[at] = args[at].this
            break
    if args and isinstance(args[0], exp.Distinct):
        extra["distinct"] = True
        inner = list(args[0].expressions)
        args = inner + args[1:]
    if cls == "Pad" and not node.args.get("is_left"):
        name = "rpad"
    if cls == "Trim":
        pos = (node.args.get("position") or "BOTH").upper()
        name = {"LEADING": "ltrim", "TRAILING": "rtrim"}.get(pos, "btrim")
    if cls in ("DateTrunc", "TimestampTrunc") and args:
        args[0] = _var_text(args[0])
    if cls == "Extract" and args:
        args[0] = _var_text(args[0])
    if cls == "Substring" and len(args) == 2 and isinstance(args[1], exp.Literal) and args[1].is_string:
        name = "substring_regex"
    if cls == "Count" and args and isinstance(args[0], exp.Star):
        args = []
        extra["star"] = True
    if cls == "Log" and len(args) == 1:
        name = "log10"
    return name, args, extra


def compile_function(c: Compiler, node: exp.Expression, filter_node: exp.Expression | None = None) -> E:
    name, args, extra = normalize(node)
    within = None
    if isinstance(node, exp.WithinGroup):
        within = node
        name, args, extra = normalize(node.this)
        extra["order"] = node.expression.expressions
        _check_within_group(name, len(args) + len(extra["order"]))
    session_agg = session_aggregate(c, name, len(args)) is not None
    if filter_node is not None and name not in AGGREGATES and not session_agg:
        raise SqlError("42809", f"FILTER specified, but {name} is not an aggregate function")
    if name in AGGREGATES or session_agg:
        if c.agg is None:
            raise SqlError("42803", f"aggregate functions are not allowed in {c.where or 'this context'}")
        # the query level an aggregate belongs to: its arguments' and ORDER BY keys' (direct
        # arguments of an ordered-set aggregate aside), as in PostgreSQL
        order_keys = [o.this for o in extra.get("order") or []]
        if _outer_columns_only(c, order_keys if within is not None else args + order_keys):
            # PostgreSQL computes such an aggregate in the outer query, over the outer rows
            raise SqlError("0A000", "aggregate functions of outer query columns inside a subquery are not "
                                    "supported by orbitdb",
                           hint="Compute the aggregate in the outer query.")
        return c.agg.add(c, name, args, extra, filter_node, node, within is not None)
    if name in WINDOW_ONLY:
        raise SqlError("42809", f"window function {name} requires an OVER clause")
    return call_by_name(c, name, args, node)


ORDERED_SET = {"percentile_cont", "percentile_disc", "mode"}
_HYPOTHETICAL_SET = {"rank", "dense_rank", "percent_rank", "cume_dist"}
_TWO_ARGUMENT_AGGREGATES = {"string_agg", "json_object_agg", "jsonb_object_agg", "corr", "covar_pop", "covar_samp",
                            "regr_count", "regr_sxx", "regr_syy", "regr_sxy", "regr_avgx", "regr_avgy", "regr_r2",
                            "regr_slope", "regr_intercept"}


def _check_within_group(name: str, n_args: int) -> None:
    """WITHIN GROUP on a call that is no ordered-set aggregate orbitdb computes. n_args counts the
    direct arguments and the ORDER BY keys, as PostgreSQL looks the aggregate up by both."""
    if name in ORDERED_SET:
        return
    if name in _HYPOTHETICAL_SET:
        raise SqlError("0A000", f"hypothetical-set aggregate {name} is not supported by orbitdb")
    if name in AGGREGATES and (n_args == 1 or (n_args == 2 and name in _TWO_ARGUMENT_AGGREGATES)):
        raise SqlError("42809", f"{name} is not an ordered-set aggregate, so it cannot have WITHIN GROUP")
    raise SqlError("42883", f"function {name} with {n_args} arguments does not exist",
                   hint="No function matches the given name and argument types. You might need to add "
                        "explicit type casts.")


def _outer_columns_only(c: Compiler, args: list[exp.Expression]) -> bool:
    """Whether the arguments refer to columns, all of them of enclosing queries (subqueries inside
    the arguments aside)."""
    levels = set()
    todo = [a for a in args if isinstance(a, exp.Expression)]
    while todo:
        n = todo.pop()
        if isinstance(n, (exp.Select, exp.Subquery, exp.Union)):
            continue
        if isinstance(n, exp.Column) and not isinstance(n.this, exp.Star):
            hit = c.scope.resolve(ident(n.this), ident(n.args["table"]) if n.table else None)
            if hit is not None:
                levels.add(hit[0])
            continue
        todo.extend(n.iter_expressions())
    return bool(levels) and c.scope.level not in levels


# calls that need the compiler rather than plain values
_SPECIAL: dict[str, Callable[[Compiler, list[exp.Expression], exp.Expression], E]] = {}


def special(name: str) -> Callable[[Callable[..., E]], Callable[..., E]]:
    def deco(fn: Callable[..., E]) -> Callable[..., E]:
        _SPECIAL[name] = fn
        return fn

    return deco


def call_by_name(c: Compiler, name: str, arg_nodes: list[exp.Expression], node: exp.Expression) -> E:
    _ensure_library()
    mine = session_function(c, name, len(arg_nodes))
    if mine is not None:  # the application's own (con.create_function)
        return compile_call(mine, [c.compile(a) for a in arg_nodes])
    sp = _SPECIAL.get(name)
    if sp is not None:
        return sp(c, arg_nodes, node)
    if c.planner is not None and candidates(c.planner.session, c.planner.catalog, None, name):
        # a user-defined function: the built-in one of the name first (pg_catalog is searched first)
        if name in R.FUNCTIONS and not any(isinstance(a, (exp.Kwarg, exp.PropertyEQ)) for a in arg_nodes):
            try:
                return call_compiled(c, name, [c.compile(a) for a in arg_nodes])
            except SqlError as e:
                if e.sqlstate != "42883":
                    raise
        user = compile_user_call(c, None, name, arg_nodes)
        if user is not None:
            return user
        if any(isinstance(a, (exp.Kwarg, exp.PropertyEQ)) for a in arg_nodes):
            raise no_user_function(c, name, arg_nodes)
    args = [c.compile(a) for a in arg_nodes]
    return call_compiled(c, name, args)


def call_compiled(c: Compiler, name: str, args: list[E]) -> E:
    _ensure_library()
    fd = R.FUNCTIONS.get(name)
    if fd is None:
        raise _no_function(name, args)
    ov, coerced, ret = resolve(fd, args)
    if ov is None:
        raise _no_function(name, args)
    fns = [a.fn for a in coerced]
    impl = ov.impl
    rt = c.rt
    if ov.needs_ctx:
        base = impl

        def impl_ctx(*vals: Any) -> Any:
            return base(rt.ctx, *vals)

        impl = impl_ctx
    strict = ov.strict
    n = len(fns)
    if n == 0:
        fn: Callable[[Any], Any] = lambda row: impl()
    elif n == 1:
        f0 = fns[0]
        if strict:
            def fn(row: Any) -> Any:
                v = f0(row)
                return None if v is None else impl(v)
        else:
            fn = lambda row: impl(f0(row))
    elif n == 2:
        f0, f1 = fns

        if strict:
            def fn(row: Any) -> Any:
                a = f0(row)
                if a is None:
                    return None
                b = f1(row)
                if b is None:
                    return None
                return impl(a, b)
        else:
            fn = lambda row: impl(f0(row), f1(row))
    else:
        if strict:
            def fn(row: Any) -> Any:
                vals = [f(row) for f in fns]
                if None in vals:
                    return None
                return impl(*vals)
        else:
            fn = lambda row: impl(*[f(row) for f in fns])
    e = E(fn, ret, name=name)
    cols = getattr(ov.impl, "columns", None)
    if cols is not None:
        e.columns = cols([a.type for a in coerced]) if callable(cols) else cols
    if all(a.const for a in coerced) and not ov.volatile and not ov.needs_ctx and not fd.set_returning:
        try:
            v = fn(None)
        except SqlError:
            return e  # raise at run time, as PostgreSQL would for a row that reaches it
        return const(v, ret, name)
    if fd.set_returning:
        check_set_returning_context(c.where)
        e.name = name
    return e


def _no_function(name: str, args: list[E]) -> SqlError:
    types = ", ".join(a.type.display() for a in args)
    return SqlError(
        "42883",
        f"function {name}({types}) does not exist",
        hint="No function matches the given name and argument types. You might need to add explicit type casts.",
    )


def _arg_cost(spec: Any, t: SqlType, binding: dict[str, SqlType]) -> int | None:
    if isinstance(spec, SqlType):
        if T.strip(t) == T.strip(spec) or (t.oid == spec.oid and spec.elem is None):
            return 0
        if t.oid == T.UNKNOWN.oid:
            return 1 if spec.oid == T.TEXT.oid else 2 if spec.preferred else 3
        if find_cast(t, spec, IMPLICIT) is not None:
            return 4 if spec.preferred else 5
        return None
    if spec in (R.ANY, R.ANYELEMENT):
        if spec == R.ANYELEMENT and "elem" in binding and t.oid != T.UNKNOWN.oid:
            return 0 if T.strip(binding["elem"]) == T.strip(t) else (3 if find_cast(t, binding["elem"], IMPLICIT) else None)
        if spec == R.ANYELEMENT and t.oid != T.UNKNOWN.oid:
            binding["elem"] = t
        return 0 if t.oid != T.UNKNOWN.oid else 1
    if spec == R.ANYARRAY:
        elem = T.element_type(t)
        if elem is not None:
            if "elem" in binding and T.strip(binding["elem"]) != T.strip(elem):
                return None
            binding["elem"] = elem
            # a true array matches exactly; int2vector and oidvector prefer their own overloads
            return 0 if t.elem is not None else 1
        return 5 if t.oid == T.UNKNOWN.oid else None
    if spec == R.ANYNUMERIC:
        return 0 if T.is_numeric(t) else (1 if t.oid == T.UNKNOWN.oid else None)
    if spec == R.ANYSTRING:
        return 0 if T.is_string(t) else None
    return None


def resolve(fd: R.FuncDef, args: list[E]) -> tuple[R.Overload | None, list[E], SqlType]:
    best: tuple[int, int] | None = None
    chosen: R.Overload | None = None
    chosen_binding: dict[str, SqlType] = {}
    for idx, ov in enumerate(fd.overloads):
        specs = list(ov.args)
        if ov.variadic:
            low = ov.min_args if ov.min_args is not None else len(specs) - 1
            if len(args) < low:
                continue
            if len(args) > len(specs):
                specs = specs + [specs[-1]] * (len(args) - len(specs))
            specs = specs[: len(args)]
        elif len(specs) != len(args):
            continue
        binding: dict[str, SqlType] = {}
        cost = 0
        for spec, a in zip(specs, args):
            k = _arg_cost(spec, a.type, binding)
            if k is None:
                cost = -1
                break
            cost += k
        if cost < 0:
            continue
        if best is None or (cost, idx) < best:
            best = (cost, idx)
            chosen = ov
            chosen_binding = binding
    if chosen is None:
        return None, args, T.UNKNOWN
    specs = list(chosen.args)
    if chosen.variadic and len(args) > len(specs):
        specs = specs + [specs[-1]] * (len(args) - len(specs))
    coerced: list[E] = []
    elem = chosen_binding.get("elem", T.TEXT)
    for spec, a in zip(specs, args):
        if isinstance(spec, SqlType):
            coerced.append(coerce(a, spec))
        elif spec == R.ANYELEMENT and a.type.oid == T.UNKNOWN.oid or spec == R.ANYELEMENT and a.type.oid != elem.oid:
            coerced.append(coerce(a, elem))
        elif spec == R.ANYARRAY and a.type.oid == T.UNKNOWN.oid:
            coerced.append(coerce(a, T.array_of(elem)))
        elif spec == R.ANYNUMERIC and a.type.oid == T.UNKNOWN.oid:
            coerced.append(coerce(a, T.NUMERIC))
        elif spec in (R.ANY, R.ANYSTRING) and a.type.oid == T.UNKNOWN.oid:
            coerced.append(coerce(a, T.TEXT))
        else:
            coerced.append(a)
    ret = R.result_type(chosen, [a.type for a in coerced])
    return chosen, coerced, ret


_loaded = False


def _ensure_library() -> None:
    global _loaded
    if not _loaded:
        import orbitdb.sql.functions  # noqa: F401  (registers the library)

        _loaded = True


# -- calls that need types or the session --

@special("pg_typeof")
def _pg_typeof(c: Compiler, args: list[exp.Expression], node: exp.Expression) -> E:
    if len(args) != 1:
        raise SqlError("42883", "function pg_typeof does not exist")
    t = c.compile(args[0]).type
    return const(t.oid, T.REGTYPE, "pg_typeof")


@special("row")
def _row(c: Compiler, args: list[exp.Expression], node: exp.Expression) -> E:
    parts = [c.compile(a) for a in args]
    fns = [p.fn for p in parts]
    return E(lambda row: tuple(f(row) for f in fns), T.RECORD, name="row")


@special("coalesce")
def _coalesce_fn(c: Compiler, args: list[exp.Expression], node: exp.Expression) -> E:
    return c.compile(exp.Coalesce(this=args[0], expressions=args[1:]))


@special("extract")
def _extract(c: Compiler, args: list[exp.Expression], node: exp.Expression) -> E:
    field = c.compile(args[0])
    src = c.compile(args[1])
    if src.type.oid == T.UNKNOWN.oid:
        src = coerce(src, T.TIMESTAMPTZ)
    return call_compiled(c, "extract", [coerce(field, T.TEXT), src])


@special("date_part")
def _date_part(c: Compiler, args: list[exp.Expression], node: exp.Expression) -> E:
    return call_compiled(c, "date_part", [c.compile(a) for a in args])


def seq_name_arg(c: Compiler, arg: exp.Expression) -> E:
    e = c.compile(arg)
    if e.type.oid == T.UNKNOWN.oid:
        e = coerce(e, T.REGCLASS)
    return e


@special("nextval")
def _nextval(c: Compiler, args: list[exp.Expression], node: exp.Expression) -> E:
    return call_compiled(c, "nextval", [seq_name_arg(c, args[0])])


@special("currval")
def _currval(c: Compiler, args: list[exp.Expression], node: exp.Expression) -> E:
    return call_compiled(c, "currval", [seq_name_arg(c, args[0])])


@special("setval")
def _setval(c: Compiler, args: list[exp.Expression], node: exp.Expression) -> E:
    return call_compiled(c, "setval", [seq_name_arg(c, args[0])] + [c.compile(a) for a in args[1:]])


@special("current_schema")
def _current_schema(c: Compiler, args: list[exp.Expression], node: exp.Expression) -> E:
    return call_compiled(c, "current_schema", [])


@special("format_type")
def _format_type(c: Compiler, args: list[exp.Expression], node: exp.Expression) -> E:
    return call_compiled(c, "format_type", [c.compile(a) for a in args])


def unit_name(node: exp.Expression) -> str:
    return ident(node) if isinstance(node, exp.Identifier) else node.name.lower()
