"""EXPLAIN's options, read as PostgreSQL 15 reads them: `EXPLAIN (name [value] [, ...]) query`
or the old `EXPLAIN [ANALYZE] [VERBOSE] query`. A later option overrides an earlier one; an
unknown option is 42601, a bad value 42601 or 22023 as PostgreSQL has them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from orbitdb.sql.errors import SqlError

_BOOLEAN_OPTIONS = ("analyze", "verbose", "costs", "settings", "buffers", "wal", "timing", "summary")
_ITEM = re.compile(r'\s*(?:"(?P<quoted>(?:[^"]|"")*)"|(?P<name>[A-Za-z_][A-Za-z_0-9$]*))'
                   r"\s*(?P<value>'(?:[^']|'')*'|[^\s,']+)?\s*$", re.DOTALL)


@dataclass
class ExplainOptions:
    analyze: bool = False
    verbose: bool = False
    costs: bool = True
    timing: bool | None = None  # None: as ANALYZE is
    wal: bool = False
    summary: bool | None = None  # None: as ANALYZE is
    format: str = "text"


def _boolean(name: str, value: str | None) -> bool:
    if value is None:
        return True
    v = value[1:-1].replace("''", "'") if value.startswith("'") else value
    low = v.lower()
    if low in ("true", "on", "1"):
        return True
    if low in ("false", "off", "0"):
        return False
    raise SqlError("42601", f"{name} requires a Boolean value")


def _items(text: str) -> list[str]:
    """The comma-separated items of the list (commas inside quotes kept)."""
    items, current, quote = [], [], ""
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == ",":
            items.append("".join(current))
            current = []
            continue
        current.append(ch)
    items.append("".join(current))
    for item in items:
        if not item.strip():
            raise SqlError("42601", 'syntax error at or near ")"' if item is items[-1] else 'syntax error at or near ","')
    return items


def parse_options(listed: str | None, words: str) -> ExplainOptions:
    """listed: the text inside EXPLAIN's parentheses (None without them); words: the old
    syntax's ANALYZE / VERBOSE words before the query."""
    opts = ExplainOptions()
    old = [w.lower() for w in words.split()]
    if old:
        if old not in (["analyze"], ["analyse"], ["verbose"], ["analyze", "verbose"], ["analyse", "verbose"]):
            raise SqlError("42601", f'syntax error at or near "{words.split()[-1]}"')
        opts.analyze, opts.verbose = old[0] != "verbose", old[-1] == "verbose"
    set_timing = False
    for item in _items(listed) if listed is not None else []:
        m = _ITEM.match(item)
        if m is None:
            raise SqlError("42601", f'syntax error at or near "{item.split()[-1] if item.split() else item}"')
        name = m.group("name").lower() if m.group("name") else m.group("quoted").replace('""', '"')
        value = m.group("value")
        if name == "format":
            if value is None:
                raise SqlError("42601", "format requires a parameter")
            fmt = (value[1:-1] if value.startswith("'") else value).lower()
            if fmt not in ("text", "xml", "json", "yaml"):
                raise SqlError("22023", f'unrecognized value for EXPLAIN option "format": "{fmt}"')
            opts.format = fmt
        elif name in _BOOLEAN_OPTIONS:
            on = _boolean(name, value)
            if name == "analyze":
                opts.analyze = on
            elif name == "verbose":
                opts.verbose = on
            elif name == "costs":
                opts.costs = on
            elif name == "timing":
                opts.timing, set_timing = on, True
            elif name == "wal":
                opts.wal = on
            elif name == "summary":
                opts.summary = on
        else:
            raise SqlError("42601", f'unrecognized EXPLAIN option "{name}"')
    if opts.wal and not opts.analyze:
        raise SqlError("22023", "EXPLAIN option WAL requires ANALYZE")
    if set_timing and opts.timing and not opts.analyze:
        raise SqlError("22023", "EXPLAIN option TIMING requires ANALYZE")
    return opts
