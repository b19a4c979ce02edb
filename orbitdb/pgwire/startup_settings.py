"""The settings a client sends at start-up: the startup packet's parameters and its `options`
(`-c name=value`, `--name=value`, as libpq's PGOPTIONS), applied after authentication as
PostgreSQL applies them: options first, then the other parameters; anything the server refuses
ends the connection with PostgreSQL's FATAL (42704 unrecognized parameter, 22023 invalid value,
55P02 cannot be changed, 42601 bad options).

A name is checked to be a parameter name before it is put into the SET statement that applies
it (double-quoted), and a value is a quoted string constant: nothing a client sends becomes SQL.
"""

from __future__ import annotations

import re
from typing import Any

from orbitdb.sql.errors import SqlError

# a built-in parameter's name, or a custom one: simple identifiers separated by dots
_SIMPLE = r"[A-Za-z_][A-Za-z0-9_$]*"
_NAME = re.compile(rf"{_SIMPLE}(?:\.{_SIMPLE})*")


def split_options(options: str) -> list[str]:
    """PostgreSQL's pg_split_opts: words separated by blanks, a backslash keeps the next
    character (a blank inside a value is written "\\ ")."""
    words: list[str] = []
    current: list[str] = []
    in_word = False
    i = 0
    while i < len(options):
        ch = options[i]
        if ch.isspace():
            if in_word:
                words.append("".join(current))
                current, in_word = [], False
        elif ch == "\\" and i + 1 < len(options):
            i += 1
            current.append(options[i])
            in_word = True
        else:
            current.append(ch)
            in_word = True
        i += 1
    if in_word:
        words.append("".join(current))
    return words


def _long_option(text: str, flag: str) -> tuple[str, str]:
    """PostgreSQL's ParseLongOption: name=value, dashes in the name read as underscores."""
    name, sep, value = text.partition("=")
    if not sep:
        raise SqlError("42601", f"{flag}{text} requires a value", severity="FATAL")
    return name.replace("-", "_"), value


def parse_options(options: str) -> list[tuple[str, str]]:
    """The settings an `options` startup parameter holds; FATAL 42601 for anything else."""
    settings = []
    words = split_options(options)
    i = 0
    while i < len(words):
        word = words[i]
        if word.startswith("--") and len(word) > 2:
            settings.append(_long_option(word[2:], "--"))
        elif word == "-c":
            if i + 1 >= len(words):
                raise SqlError("42601", "invalid command-line argument for server process: -c", severity="FATAL",
                               hint='Try "postgres --help" for more information.')
            i += 1
            settings.append(_long_option(words[i], "-c "))
        elif word.startswith("-c"):
            settings.append(_long_option(word[2:], "-c "))
        else:
            raise SqlError("42601", f"invalid command-line argument for server process: {word}", severity="FATAL",
                           hint='Try "postgres --help" for more information.')
        i += 1
    return settings


def check_name(name: str) -> None:
    if _NAME.fullmatch(name):
        return
    if "." in name:
        raise SqlError("42602", f'invalid configuration parameter name "{name}"', severity="FATAL",
                       detail="Custom parameter names must be two or more simple identifiers separated by dots.")
    raise SqlError("42704", f'unrecognized configuration parameter "{name}"', severity="FATAL")


def set_statement(name: str, value: str) -> str:
    check_name(name)
    return 'SET "{}" TO \'{}\''.format(name.replace('"', '""'), value.replace("'", "''"))


def apply(session: Any, settings: dict[str, str]) -> None:
    """Runs SET for each setting; the first the server refuses ends the connection (FATAL)."""
    for name, value in settings.items():
        try:
            for _ in session.execute_simple(set_statement(name, value)):
                pass
        except SqlError as exc:
            raise SqlError(exc.sqlstate, exc.message, detail=exc.detail, hint=exc.hint, severity="FATAL") from None
