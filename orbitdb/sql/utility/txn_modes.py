"""The transaction modes of BEGIN, START TRANSACTION, SET TRANSACTION and SET SESSION
CHARACTERISTICS AS TRANSACTION, read by PostgreSQL's grammar: modes separated by commas or
spaces, a later mode overriding an earlier one; any other word is a syntax error (42601)."""

from __future__ import annotations

from dataclasses import dataclass

from orbitdb.sql.errors import SqlError

_LEVELS = {
    ("READ", "COMMITTED"): "read committed",
    ("READ", "UNCOMMITTED"): "read uncommitted",
    ("REPEATABLE", "READ"): "repeatable read",
    ("SERIALIZABLE",): "serializable",
}


@dataclass
class TransactionModes:
    isolation: str | None = None
    read_only: bool | None = None
    deferrable: bool | None = None


def _syntax_error(words: list[str], i: int) -> SqlError:
    if i < len(words):
        return SqlError("42601", f'syntax error at or near "{words[i]}"')
    return SqlError("42601", "syntax error at end of input")


def _level(words: list[str], i: int) -> tuple[str, int]:
    for key, name in _LEVELS.items():
        if tuple(w.upper() for w in words[i:i + len(key)]) == key:
            return name, i + len(key)
    raise _syntax_error(words, i)


def transaction_modes(words: list[str]) -> TransactionModes:
    """The modes in words (the statement's words after BEGIN [WORK | TRANSACTION] and its kin,
    commas as words of their own)."""
    modes = TransactionModes()
    i = 0
    while i < len(words):
        if i > 0 and words[i] == ",":
            i += 1
        word = words[i].upper() if i < len(words) else ""
        following = words[i + 1].upper() if i + 1 < len(words) else ""
        if word == "ISOLATION" and following == "LEVEL":
            modes.isolation, i = _level(words, i + 2)
        elif word == "READ" and following in ("ONLY", "WRITE"):
            modes.read_only, i = following == "ONLY", i + 2
        elif word == "DEFERRABLE":
            modes.deferrable, i = True, i + 1
        elif word == "NOT" and following == "DEFERRABLE":
            modes.deferrable, i = False, i + 2
        elif word in ("ISOLATION", "READ", "NOT"):
            raise _syntax_error(words, i + 1)
        elif word == "SNAPSHOT" and i == 0:
            raise SqlError("0A000", "SET TRANSACTION SNAPSHOT is not supported by orbitdb",
                           hint="Exported snapshots (pg_export_snapshot) do not exist here; pg_dump runs without -j.")
        else:
            raise _syntax_error(words, i)
    return modes
