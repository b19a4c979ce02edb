"""Utility statements parsed by hand (sqlglot treats them as opaque commands):
transaction control, SET/SHOW/RESET, EXPLAIN."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

from sqlglot import exp

from orbitdb.sql import settings as S
from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.expr.core import Runtime
from orbitdb.sql.modify.statements import compile_node, is_select_into
from orbitdb.sql.parse.parser import Statement, parse_one, strip_comments
from orbitdb.sql.plan.compiled import CompiledQuery, take_relation_locks
from orbitdb.sql.plan.explain_costs import explain_shape
from orbitdb.sql.result import Column, Notice, Result
from orbitdb.sql.types import SqlType
from orbitdb.sql.types.params import convert_params
from orbitdb.sql.types.textio import from_text
from orbitdb.sql.utility.explain_options import ExplainOptions, parse_options
from orbitdb.sql.utility.txn_modes import TransactionModes, transaction_modes
from orbitdb.storage.errors import StorageError

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session

def _words(text: str) -> list[str]:
    return strip_comments(text).replace(",", " , ").split()


def _set_modes(s: Session, modes: TransactionModes, prefix: str) -> None:
    """SET TRANSACTION's modes (prefix "transaction_") or the session's defaults for the next
    transactions (prefix "default_transaction_")."""
    if modes.isolation:
        s.set_setting(prefix + "isolation", modes.isolation)
    if modes.read_only is not None:
        s.set_setting(prefix + "read_only", "on" if modes.read_only else "off")
    if modes.deferrable is not None:
        s.set_setting(prefix + "deferrable", "on" if modes.deferrable else "off")


def _ident(word: str) -> str:
    if word.startswith('"') and word.endswith('"'):
        return word[1:-1].replace('""', '"')
    return word.lower()


def _end_and_chain(s: Session, kind: str) -> Result:
    """COMMIT/ROLLBACK AND CHAIN: the next transaction starts at once, with this one's modes."""
    if not s.in_block:
        raise SqlError("25P01", f"{kind} AND CHAIN can only be used in transaction blocks")
    isolation = s.get_setting("transaction_isolation")
    read_only = s.txn_read_only
    deferrable = s.get_setting("transaction_deferrable") == "on"
    if kind in ("COMMIT", "END"):
        tag = s.commit()
    else:
        s.rollback()
        tag = "ROLLBACK"
    s.begin_block(isolation, read_only, deferrable)
    return Result(tag)


def transaction_control(s: Session, st: Statement) -> Result:
    w = [x.upper() for x in _words(st.text)]
    kind = w[0]
    if kind in ("BEGIN", "START"):
        if kind == "START" and (len(w) < 2 or w[1] != "TRANSACTION"):
            raise SqlError("42601", 'syntax error at or near "START"')
        first = 2 if kind == "START" or (len(w) > 1 and w[1] in ("WORK", "TRANSACTION")) else 1
        modes = transaction_modes(_words(st.text)[first:])
        s.begin_block(modes.isolation, modes.read_only, modes.deferrable)
        return Result("BEGIN")
    if kind == "PREPARE":
        return Result(s.prepare_transaction(st.text))
    if kind in ("COMMIT", "ROLLBACK") and len(w) > 1 and w[1] == "PREPARED":
        return Result(s.finish_prepared(st.text))
    chain = "CHAIN" in w and "NO" not in w
    if chain and kind in ("COMMIT", "END", "ROLLBACK", "ABORT") and "TO" not in w:
        return _end_and_chain(s, kind)
    if kind in ("COMMIT", "END"):
        return Result(s.commit())
    if kind in ("ROLLBACK", "ABORT"):
        if "TO" in w:
            name = _ident(_words(st.text)[-1])
            if not s.in_block:
                raise SqlError("25P01", "ROLLBACK TO SAVEPOINT can only be used in transaction blocks")
            assert s.txn is not None
            try:
                s.txn.rollback_to(name)
            except StorageError as e:
                s.failed = True
                raise SqlError(e.sqlstate, str(e)) from e
            s.failed = False
            s.plan_cache.clear()
            s._statements.clear()
            s.savepoint_rolled_back(name)
            return Result("ROLLBACK")
        s.rollback()
        return Result("ROLLBACK")
    if kind == "SAVEPOINT":
        if len(w) < 2:
            raise SqlError("42601", "syntax error at end of input")
        if not s.in_block:
            raise SqlError("25P01", "SAVEPOINT can only be used in transaction blocks")
        assert s.txn is not None
        name = _ident(_words(st.text)[1])
        s.txn.savepoint(name)
        s.savepoint_taken(name)
        return Result("SAVEPOINT")
    if kind == "RELEASE":
        if not s.in_block:
            raise SqlError("25P01", "RELEASE SAVEPOINT can only be used in transaction blocks")
        assert s.txn is not None
        try:
            name = _ident(_words(st.text)[-1])
            s.txn.release(name)
        except StorageError as e:
            s.failed = True
            raise SqlError(e.sqlstate, str(e)) from e
        s.savepoint_released(name)
        return Result("RELEASE")
    raise SqlError("42601", f'syntax error at or near "{kind}"')


def _setting_value(tokens: list[str]) -> str:
    parts = []
    for t in tokens:
        if t == ",":
            parts.append(",")
            continue
        if t.startswith("'") and t.endswith("'") and len(t) >= 2:
            parts.append(t[1:-1].replace("''", "'"))
        elif t.upper() == "DEFAULT":
            return "\x00default"
        else:
            parts.append(t)
    out = ""
    for p in parts:
        out = out + ", " if p == "," else out + p
    return out.replace(", ,", ",")


_SETTING_TOKEN = re.compile(r"--[^\n]*|/\*(?:[^*]|\*(?!/))*\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[^\s,=']+|,|=")


def _tokens(text: str) -> list[str]:
    """The words of a SET/SHOW/RESET statement, its comments left out."""
    return [t for t in _SETTING_TOKEN.findall(text) if not t.startswith(("--", "/*"))]


def settings_statement(s: Session, st: Statement) -> Result:
    toks = _tokens(st.text)
    kind = toks[0].upper()
    if kind == "SHOW":
        key, cols = _show_target(s, toks)
        if key is None:
            rows = [(k, v, "") for k, v in sorted(s.settings.items())]
            return Result("SHOW", cols, rows, len(rows))
        return Result("SHOW", cols, [(s.get_setting(key),)], 1)
    if kind == "RESET":
        name = " ".join(toks[1:]).lower()
        if name == "all":
            for k in list(s.settings):
                if k not in S.READ_ONLY and k in S.DEFAULTS and s.settings[k] != S.DEFAULTS[k]:
                    s.set_setting(k, None)
            return Result("RESET")
        if name in ("time zone",):
            name = "timezone"
        if name == "session authorization" or name == "role":
            from orbitdb.sql.utility.roles import set_role, set_session_authorization

            if name == "role":
                set_role(s, None)
            else:
                set_session_authorization(s, None)
            return Result("RESET")
        s.set_setting(S.canonical_name(name), None)
        return Result("RESET")
    if kind == "DISCARD":
        what = " ".join(t.upper() for t in toks[1:])
        if what == "ALL" and s.in_block:
            raise SqlError("25001", "DISCARD ALL cannot run inside a transaction block")
        if what in ("ALL", "TEMP", "TEMPORARY"):
            s.discard_temp()
        if what == "ALL":
            s.discard_session_objects()
        if what in ("ALL", "SEQUENCES"):  # currval and lastval forget what nextval gave
            s.currval.clear()
            s.lastval_oid = None
        s.plan_cache.clear()
        s._statements.clear()
        return Result("DISCARD " + what)
    # SET
    rest = toks[1:]
    is_local = False
    if rest and rest[0].upper() in ("SESSION", "LOCAL"):
        is_local = rest[0].upper() == "LOCAL"
        if rest[0].upper() == "SESSION" and len(rest) > 1 and rest[1].upper() == "CHARACTERISTICS":
            for i, expected in ((2, "AS"), (3, "TRANSACTION")):
                if len(rest) <= i or rest[i].upper() != expected:
                    raise SqlError("42601", f'syntax error at or near "{rest[i]}"' if len(rest) > i
                                   else "syntax error at end of input")
            _set_modes(s, transaction_modes(rest[4:]), "default_transaction_")
            return Result("SET")
        if rest[0].upper() == "SESSION" and len(rest) > 1 and rest[1].upper() == "AUTHORIZATION":
            from orbitdb.sql.utility.roles import set_session_authorization

            if len(rest) < 3:
                raise SqlError("42601", "syntax error at end of input")
            who = _setting_value(rest[2:3])
            set_session_authorization(s, None if who == "\x00default" else _role_word(rest[2]))
            return Result("SET")
        rest = rest[1:]
    if not rest:
        raise SqlError("42601", "syntax error at end of input")
    head = rest[0].upper()
    if head == "TRANSACTION":
        modes = transaction_modes(rest[1:])
        if not s.in_block:
            s.notices_warning = True
            s.notices.append(Notice("WARNING", "25P01", "SET TRANSACTION can only be used in transaction blocks"))
            return Result("SET")
        _set_modes(s, modes, "transaction_")
        return Result("SET")
    if head == "TIME" and len(rest) > 1 and rest[1].upper() == "ZONE":
        if len(rest) > 3 and rest[2].upper() == "INTERVAL" and rest[3].startswith("'"):
            s.set_setting("timezone", _interval_zone(rest[3], rest[4:]), is_local)
            return Result("SET")
        value = _setting_value(rest[2:])
        if value.upper() in ("LOCAL", "\x00DEFAULT"):
            value = "UTC"
        s.set_setting("timezone", value, is_local)
        return Result("SET")
    if head == "NAMES":
        s.set_setting("client_encoding", _setting_value(rest[1:]), is_local)
        return Result("SET")
    if head == "ROLE":
        from orbitdb.sql.utility.roles import set_role

        if len(rest) < 2:
            raise SqlError("42601", "syntax error at end of input")
        set_role(s, _role_word(rest[1]))
        return Result("SET")
    if head == "SCHEMA":
        s.set_setting("search_path", _setting_value(rest[1:]), is_local)
        return Result("SET")
    name = rest[0]
    vals = rest[1:]
    if vals and vals[0].upper() in ("TO", "="):
        vals = vals[1:]
    if not vals:
        raise SqlError("42601", "syntax error at end of input")
    value = _setting_value(vals)
    key = _ident(name)
    if value == "\x00default":
        s.set_setting(key, None, is_local)
    else:
        if key == "search_path":
            value = ", ".join(_norm_path_item(v.strip()) for v in value.split(","))
        s.set_setting(key, value, is_local)
    return Result("SET")


def _show_target(s: Session, toks: list[str]) -> tuple[str | None, list[Column]]:
    """The setting a SHOW names (None for SHOW ALL) and the columns of its result."""
    if len(toks) < 2:
        raise SqlError("42601", "syntax error at end of input")
    name = " ".join(toks[1:]).lower()
    if name == "all":
        return None, [Column("name", T.TEXT.oid), Column("setting", T.TEXT.oid), Column("description", T.TEXT.oid)]
    if name in ("time zone",):
        name = "timezone"
    if name == "transaction isolation level":
        name = "transaction_isolation"
    key = S.canonical_name(name)
    s.get_setting(key)  # an unknown parameter is an error here already, as PostgreSQL's Parse reports it
    display = S.DISPLAY.get(key, key if not toks[1].startswith('"') else toks[1].strip('"'))
    if name == "transaction_isolation" and toks[1].lower() == "transaction":
        display = "transaction_isolation"
    return key, [Column(display, T.TEXT.oid)]


def show_columns(s: Session, st: Statement) -> list[Column]:
    """The columns a SHOW statement will return, known when it is prepared (a Describe)."""
    return _show_target(s, _tokens(st.text))[1]


def explain_columns() -> list[Column]:
    return [Column("QUERY PLAN", T.TEXT.oid)]


def _role_word(token: str) -> str:
    """A role name as SET ROLE / SET SESSION AUTHORIZATION take it: an identifier or a string."""
    if token.startswith("'") and token.endswith("'") and len(token) >= 2:
        return token[1:-1].replace("''", "'")
    return _ident(token)


def _interval_zone(literal: str, qualifier: list[str]) -> str:
    """SET TIME ZONE INTERVAL '...' [HOUR TO MINUTE]: a fixed offset east of UTC, kept as the POSIX
    spec PostgreSQL shows ("<+05:30>-05:30")."""
    text = literal[1:-1].replace("''", "'")
    spelled = f"INTERVAL {literal}" + "".join(f" {w}" for w in qualifier)
    if qualifier and [w.upper() for w in qualifier] != ["HOUR", "TO", "MINUTE"]:
        raise SqlError("0A000", f"SET TIME ZONE {spelled} is not supported",
                       detail="orbitdb takes INTERVAL '...' with no qualifier or HOUR TO MINUTE.")
    value = from_text(text, T.INTERVAL.oid)
    if value.months:
        raise SqlError("22023", f'invalid value for parameter "TimeZone": "{spelled}"',
                       detail="Cannot specify months in time zone interval.")
    if value.days:
        raise SqlError("22023", f'invalid value for parameter "TimeZone": "{spelled}"',
                       detail="Cannot specify days in time zone interval.")
    seconds = value.microseconds // 1_000_000
    east = "-" if seconds < 0 else "+"
    west = "+" if seconds < 0 else "-"
    h, rem = divmod(abs(seconds), 3600)
    m, sec = divmod(rem, 60)
    offset = f"{h:02d}" + (f":{m:02d}" if m or sec else "") + (f":{sec:02d}" if sec else "")
    return f"<{east}{offset}>{west}{offset}"


def _norm_path_item(v: str) -> str:
    if v.startswith('"'):
        return v
    if v == "$user":
        return '"$user"'
    return v


_EXPLAIN = re.compile(r"\s*EXPLAIN\s*(\((?P<opts>[^)]*)\))?\s*(?P<words>(?:(?:ANALYZE|VERBOSE|ANALYSE)\s+)*)"
                      r"(?P<q>.*)$", re.IGNORECASE | re.DOTALL)


_FIRST_WORD = re.compile(r"\s*(\(|[A-Za-z_]+)")
# the statements PostgreSQL's grammar lets EXPLAIN take (ExplainableStmt)
_EXPLAINABLE = frozenset({"SELECT", "WITH", "VALUES", "TABLE", "(", "INSERT", "UPDATE", "DELETE", "MERGE",
                          "EXECUTE", "DECLARE", "CREATE"})


def _explained(text: str) -> tuple[ExplainOptions, exp.Expression]:
    """EXPLAIN's options and the statement it explains."""
    m = _EXPLAIN.match(text)
    if m is None:
        raise SqlError("42601", "syntax error in EXPLAIN")
    options = parse_options(m.group("opts"), m.group("words") or "")
    first = _FIRST_WORD.match(m.group("q"))
    if first is None or first.group(1).upper() not in _EXPLAINABLE:
        near = first.group(1) if first is not None else m.group("q")[:1]
        raise SqlError("42601", f'syntax error at or near "{near}"' if near else "syntax error at end of input")
    node = parse_one(m.group("q"))
    if is_select_into(node):
        if options.analyze:
            raise SqlError("0A000", "EXPLAIN ANALYZE of SELECT INTO is not supported")
        node = node.copy()
        node.set("into", None)  # the plan is the query's; only running it would make the table
    return options, node


def explain_param_types(s: Session, text: str, types: list[SqlType]) -> list[SqlType]:
    """The parameter types of an EXPLAIN that a client prepares (Parse): its statement's."""
    rt = Runtime(list(types))
    compile_node(s, _explained(text)[1], rt)
    return list(rt.param_types)


def explain(s: Session, st: Statement, params: list[Any], ctx: ExecContext,
            param_types: list[SqlType] | None = None) -> Result:
    """param_types: those of a prepared EXPLAIN (the statement's $n), given with params."""
    from orbitdb.sql.batch.explain import mark_batch_nodes
    options, node = _explained(st.text)
    analyze = options.analyze
    rt = Runtime(list(param_types or []))
    planning = time.perf_counter()
    compiled = compile_node(s, node, rt)
    planning = time.perf_counter() - planning
    rt.ctx = ctx
    if params:
        ctx.params = convert_params(params, rt.param_types)
    take_relation_locks(compiled, ctx)
    plan = compiled.out.plan if isinstance(compiled, CompiledQuery) else getattr(compiled, "plan", None)
    if plan is None and hasattr(compiled, "explain_plan"):
        plan = compiled.explain_plan()
    if plan is not None and options.costs:
        mark_batch_nodes(plan, ctx, analyze)  # orbitdb's own "Batch:" lines (orbitdb/sql/batch/explain.py)
    shown = explain_shape(s, options.costs, options.timing is not False, analyze, plan)  # (explain_costs.py)
    if analyze:
        t0 = time.perf_counter()
        for _ in compiled.run(ctx).rows:  # a query's rows are produced as they are read
            pass
        ms = (time.perf_counter() - t0) * 1000
    lines = shown.lines() if plan is not None else [type(compiled).__name__]
    if isinstance(compiled, CompiledQuery) is False and hasattr(compiled, "explain_head"):
        lines = [shown.head(compiled.explain_head())] + [  # type: ignore[attr-defined]
            ("  ->  " if i == 0 else "      ") + ln for i, ln in enumerate(lines)]
    if options.summary if options.summary is not None else analyze:
        lines.append(f"Planning Time: {planning * 1000:.3f} ms")
        if analyze:
            lines.append(f"Execution Time: {ms:.3f} ms")
    if options.format != "text":
        from orbitdb.sql.utility.explain_formats import formatted

        rows = [(formatted(lines, options.format),)]
    else:
        rows = [(ln,) for ln in lines]
    return Result("EXPLAIN", explain_columns(), rows, len(rows))
