"""PostgreSQL's POSIX regular expression functions (regexp_*, substring ... FROM pattern,
substring ... SIMILAR), run by orbitdb.sql.expr.regex_engine: linear-time matching, PostgreSQL's
flag letters and its replacement syntax (``\\1``..``\\9``, ``\\&``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.regex_engine import PgMatch, PgRegex, compile_regex, parse_flags
from orbitdb.sql.expr.similar import similar_to_regex
from orbitdb.sql.functions.registry import register

TEXT, INT4, BOOL = T.TEXT, T.INT4, T.BOOL
TEXT_ARRAY = T.array_of(T.TEXT)
Check = Callable[[], None]  # the running statement's interrupt check (ExecContext.check)


def pg_regex(pattern: str, flags: str = "", *, allow_g: bool = True, func: str = "") -> PgRegex:
    """The compiled form of a PostgreSQL regular expression with flag letters."""
    parse_flags(flags, allow_g=allow_g, func=func)
    return compile_regex(pattern, flags)


def _global(flags: str) -> bool:
    return "g" in flags


def _matches(rx: PgRegex, s: str, glob: bool, check: Check, ignore_degenerate: bool = False,
             start: int = 0) -> Iterator[PgMatch]:
    """PostgreSQL's match loop (setup_regexp_matches), optionally without the empty matches
    regexp_split_* ignores (at the end, or right where the previous match ended)."""
    prev_end = 0
    n = len(s)
    for m in rx.matches(s, start, glob, check):
        so, eo = m.span()
        if not ignore_degenerate or (so < n and eo > prev_end):
            yield m
            prev_end = eo


@register("substring", [TEXT, TEXT], TEXT, needs_ctx=True)
@register("substring_regex", [TEXT, TEXT], TEXT, needs_ctx=True)
def substring_regex(ctx: Any, s: str, pattern: str) -> str | None:
    rx = pg_regex(pattern, "")
    m = rx.search(s, check=ctx.check)
    if m is None:
        return None
    return m.group(1) if rx.groups else m.group(0)


@register("substring", [TEXT, TEXT, TEXT], TEXT, needs_ctx=True)
@register("substring_similar", [TEXT, TEXT, TEXT], TEXT, needs_ctx=True)
def substring_similar(ctx: Any, s: str, pattern: str, escape: str) -> str | None:
    """substring(s similar pattern escape e): the part between the two escape-double-quote
    markers, or the whole match."""
    esc = escape or None
    if esc is not None and len(esc) != 1:
        raise SqlError("22025", "invalid escape string", hint="Escape string must be empty or one character.")
    marker = (esc or "") + '"'
    parts = pattern.split(marker) if esc else [pattern]
    if len(parts) not in (1, 3):
        raise SqlError("2200C", "SQL regular expression may not contain more than two escape-double-quote separators")
    rxs = [similar_to_regex(p, esc) for p in parts]
    if len(rxs) == 1:
        full = "(" + rxs[0] + ")"
    else:
        full = "(?:" + rxs[0] + ")(" + rxs[1] + ")(?:" + rxs[2] + ")"
    m = compile_regex(full, "").fullmatch(s, ctx.check)
    return None if m is None else m.group(1)


def _expand(repl: str, m: PgMatch, groups: int) -> str:
    if "\\" not in repl:
        return repl
    out = []
    i, n = 0, len(repl)
    while i < n:
        ch = repl[i]
        if ch == "\\" and i + 1 < n:
            nx = repl[i + 1]
            if "1" <= nx <= "9":
                k = int(nx)
                if k <= groups:
                    out.append(m.group(k) or "")
                i += 2
                continue
            if nx == "&":
                out.append(m.group(0) or "")
                i += 2
                continue
            if nx == "\\":
                out.append("\\")
                i += 2
                continue
            out.append("\\")
            i += 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _regexp_replace(check: Check, s: str, pattern: str, repl: str, start: int = 1, nth: int = 0, flags: str = "",
                    nth_given: bool = False) -> str:
    rx = pg_regex(pattern, flags)
    glob = _global(flags)
    if start <= 0:
        raise SqlError("22023", f'invalid value for parameter "start": {start}')
    if nth < 0:
        raise SqlError("22023", f'invalid value for parameter "n": {nth}')
    if nth_given:
        glob = nth == 0
    out = []
    last = 0
    count = 0
    for m in _matches(rx, s, True, check, start=start - 1):
        count += 1
        if nth and count != nth:
            continue
        out.append(s[last: m.start()])
        out.append(_expand(repl, m, rx.groups))
        last = m.end()
        if not glob or nth:
            break
    out.append(s[last:])
    return "".join(out)


@register("regexp_replace", [TEXT, TEXT, TEXT], TEXT, needs_ctx=True)
def regexp_replace(ctx: Any, s: str, pattern: str, repl: str) -> str:
    return _regexp_replace(ctx.check, s, pattern, repl)


@register("regexp_replace", [TEXT, TEXT, TEXT, TEXT], TEXT, needs_ctx=True)
def regexp_replace_flags(ctx: Any, s: str, pattern: str, repl: str, flags: str) -> str:
    return _regexp_replace(ctx.check, s, pattern, repl, flags=flags)


@register("regexp_replace", [TEXT, TEXT, TEXT, INT4], TEXT, needs_ctx=True)
def regexp_replace_start(ctx: Any, s: str, pattern: str, repl: str, start: int) -> str:
    return _regexp_replace(ctx.check, s, pattern, repl, start=start)


@register("regexp_replace", [TEXT, TEXT, TEXT, INT4, INT4], TEXT, needs_ctx=True)
def regexp_replace_n(ctx: Any, s: str, pattern: str, repl: str, start: int, n: int) -> str:
    return _regexp_replace(ctx.check, s, pattern, repl, start, n, nth_given=True)


@register("regexp_replace", [TEXT, TEXT, TEXT, INT4, INT4, TEXT], TEXT, needs_ctx=True)
def regexp_replace_n_flags(ctx: Any, s: str, pattern: str, repl: str, start: int, n: int, flags: str) -> str:
    return _regexp_replace(ctx.check, s, pattern, repl, start, n, flags, nth_given=True)


def _groups(m: PgMatch, groups: int) -> list[str | None]:
    if groups:
        return list(m.groups())
    return [m.group(0)]


@register("regexp_match", [TEXT, TEXT], TEXT_ARRAY, needs_ctx=True)
def regexp_match(ctx: Any, s: str, pattern: str, flags: str = "") -> list[str | None] | None:
    rx = pg_regex(pattern, flags, allow_g=False, func="regexp_match")
    m = rx.search(s, check=ctx.check)
    return None if m is None else _groups(m, rx.groups)


register("regexp_match", [TEXT, TEXT, TEXT], TEXT_ARRAY, needs_ctx=True)(regexp_match)


@register("regexp_matches", [TEXT, TEXT], TEXT_ARRAY, set_returning=True, needs_ctx=True)
def regexp_matches(ctx: Any, s: str, pattern: str, flags: str = "") -> list[list[str | None]]:
    rx = pg_regex(pattern, flags)
    return [_groups(m, rx.groups) for m in _matches(rx, s, _global(flags), ctx.check)]


register("regexp_matches", [TEXT, TEXT, TEXT], TEXT_ARRAY, set_returning=True, needs_ctx=True)(regexp_matches)


def _split(check: Check, s: str, pattern: str, flags: str, func: str) -> list[str]:
    rx = pg_regex(pattern, flags, allow_g=False, func=func)
    out = []
    last = 0
    for m in _matches(rx, s, True, check, ignore_degenerate=True):
        out.append(s[last: m.start()])
        last = m.end()
    out.append(s[last:])
    return out


@register("regexp_split_to_array", [TEXT, TEXT], TEXT_ARRAY, needs_ctx=True)
def regexp_split_to_array(ctx: Any, s: str, pattern: str, flags: str = "") -> list[str]:
    return _split(ctx.check, s, pattern, flags, "regexp_split_to_array")


register("regexp_split_to_array", [TEXT, TEXT, TEXT], TEXT_ARRAY, needs_ctx=True)(regexp_split_to_array)


@register("regexp_split_to_table", [TEXT, TEXT], TEXT, set_returning=True, needs_ctx=True)
def regexp_split_to_table(ctx: Any, s: str, pattern: str, flags: str = "") -> list[str]:
    return _split(ctx.check, s, pattern, flags, "regexp_split_to_table")


register("regexp_split_to_table", [TEXT, TEXT, TEXT], TEXT, set_returning=True, needs_ctx=True)(regexp_split_to_table)


def _check_start(start: int) -> None:
    if start <= 0:
        raise SqlError("22023", f'invalid value for parameter "start": {start}')


@register("regexp_count", [TEXT, TEXT], INT4, needs_ctx=True)
def regexp_count(ctx: Any, s: str, pattern: str, start: int = 1, flags: str = "") -> int:
    _check_start(start)
    rx = pg_regex(pattern, flags, allow_g=False, func="regexp_count")
    return sum(1 for _ in _matches(rx, s, True, ctx.check, start=start - 1))


register("regexp_count", [TEXT, TEXT, INT4], INT4, needs_ctx=True)(regexp_count)
register("regexp_count", [TEXT, TEXT, INT4, TEXT], INT4, needs_ctx=True)(regexp_count)


@register("regexp_like", [TEXT, TEXT], BOOL, needs_ctx=True)
def regexp_like(ctx: Any, s: str, pattern: str, flags: str = "") -> bool:
    return pg_regex(pattern, flags, allow_g=False, func="regexp_like").test(s, ctx.check)


register("regexp_like", [TEXT, TEXT, TEXT], BOOL, needs_ctx=True)(regexp_like)


def _nth_match(check: Check, s: str, pattern: str, start: int, n: int, flags: str, func: str) -> tuple[PgMatch | None, int]:
    _check_start(start)
    if n <= 0:
        raise SqlError("22023", f'invalid value for parameter "n": {n}')
    rx = pg_regex(pattern, flags, allow_g=False, func=func)
    for k, m in enumerate(_matches(rx, s, True, check, start=start - 1), 1):
        if k == n:
            return m, rx.groups
    return None, rx.groups


def _subexpr(m: PgMatch, groups: int, sub: int) -> tuple[int, int] | None:
    if sub < 0:
        raise SqlError("22023", f'invalid value for parameter "subexpr": {sub}')
    if sub > groups:
        return None
    a, b = m.span(sub)
    return None if a < 0 else (a, b)


@register("regexp_instr", [TEXT, TEXT], INT4, needs_ctx=True)
def regexp_instr(ctx: Any, s: str, pattern: str, start: int = 1, n: int = 1, endoption: int = 0, flags: str = "",
                 sub: int = 0) -> int:
    if endoption not in (0, 1):
        raise SqlError("22023", f'invalid value for parameter "endoption": {endoption}')
    m, groups = _nth_match(ctx.check, s, pattern, start, n, flags, "regexp_instr")
    if m is None:
        return 0
    span = _subexpr(m, groups, sub)
    if span is None:
        return 0
    return (span[1] if endoption else span[0]) + 1


register("regexp_instr", [TEXT, TEXT, INT4], INT4, needs_ctx=True)(regexp_instr)
register("regexp_instr", [TEXT, TEXT, INT4, INT4], INT4, needs_ctx=True)(regexp_instr)
register("regexp_instr", [TEXT, TEXT, INT4, INT4, INT4], INT4, needs_ctx=True)(regexp_instr)
register("regexp_instr", [TEXT, TEXT, INT4, INT4, INT4, TEXT], INT4, needs_ctx=True)(regexp_instr)
register("regexp_instr", [TEXT, TEXT, INT4, INT4, INT4, TEXT, INT4], INT4, needs_ctx=True)(regexp_instr)


@register("regexp_substr", [TEXT, TEXT], TEXT, needs_ctx=True)
def regexp_substr(ctx: Any, s: str, pattern: str, start: int = 1, n: int = 1, flags: str = "", sub: int = 0) -> str | None:
    m, groups = _nth_match(ctx.check, s, pattern, start, n, flags, "regexp_substr")
    if m is None:
        return None
    span = _subexpr(m, groups, sub)
    return None if span is None else s[span[0]: span[1]]


register("regexp_substr", [TEXT, TEXT, INT4], TEXT, needs_ctx=True)(regexp_substr)
register("regexp_substr", [TEXT, TEXT, INT4, INT4], TEXT, needs_ctx=True)(regexp_substr)
register("regexp_substr", [TEXT, TEXT, INT4, INT4, TEXT], TEXT, needs_ctx=True)(regexp_substr)
register("regexp_substr", [TEXT, TEXT, INT4, INT4, TEXT, INT4], TEXT, needs_ctx=True)(regexp_substr)
