"""Error positions as PostgreSQL reports them: the 1-based character offset, in the message the
client sent, of the token an error is about (the ``P`` field of an ErrorResponse; psql prints
``LINE 1: ...`` and a caret under it).

PostgreSQL's parser keeps a location on every node. orbitdb's errors are raised far from the
tokens, so an error about a named relation, column, function or type, or about an input literal,
is placed afterwards: at the first token of the statement spelling that name (or literal)."""

from __future__ import annotations

import re

from orbitdb.sql.errors import SqlError
from orbitdb.sql.parse.parser import Statement, _tokens

_RELATION = re.compile(r'relation "(?P<name>[^"]+)" does not exist')
_FROM_ENTRY = re.compile(r'missing FROM-clause entry for table "(?P<name>[^"]+)"')
_COLUMN_QUALIFIED = re.compile(r"column (?P<name>[^\s\"]+\.[^\s\"]+) does not exist")
_COLUMN = re.compile(r'column "(?P<name>[^"]+)"(?: of relation "[^"]+")? does not exist')
_FUNCTION = re.compile(r"function (?P<name>[^\s(]+)\(.*\) does not exist")
_TYPE = re.compile(r'type "(?P<name>[^"]+?)(?:\[\])*" does not exist')
_INPUT = re.compile(r'(?:invalid input syntax for type [^:]+|date/time field value out of range|'
                    r'value "[^"]*" is out of range for type \w+): "(?P<value>.*)"$')
_NAME_TOKENS = ("word", "qid")


def locate(e: SqlError, st: Statement, message: str | None = None) -> None:
    """Gives e the position PostgreSQL would: a statement-relative one made relative to the
    message, or the first token naming what the error is about. Idempotent."""
    if e.position is not None:
        return
    if e.statement_position is not None:
        at = e.statement_position
        end_of_input = e.message == "syntax error at end of input" and at > len(st.text)
        if end_of_input and message is None:
            return  # where the input ends is the message's to say: a caller that has it places it
        e.statement_position = None
        if end_of_input:
            at = _end_of_input(st, message)
            if at is None:
                e.message = 'syntax error at or near ";"'
                at = len(st.text) + 1 + _semicolon_gap(st, message)
        e.position = st.offset + at
        return
    index = _index_of_subject(e, st.text)
    if index is not None:
        e.position = st.offset + index + 1


def _end_of_input(st: Statement, message: str) -> int | None:
    """Where PostgreSQL puts "end of input": past the last character of the message; None when a
    ";" follows the statement (then the error is at or near it)."""
    rest = message[st.offset + len(st.text):]
    if rest.lstrip().startswith(";"):
        return None
    return len(message) - st.offset + 1


def _semicolon_gap(st: Statement, message: str) -> int:
    rest = message[st.offset + len(st.text):]
    return len(rest) - len(rest.lstrip())


def _index_of_subject(e: SqlError, text: str) -> int | None:
    msg = e.message
    if e.sqlstate == "42P01":
        m = _RELATION.match(msg)
        if m:
            return _find_name(text, _split_name(m.group("name")))
        m = _FROM_ENTRY.match(msg)
        if m:
            return _find_name(text, [m.group("name")], followed_by=".")
    elif e.sqlstate == "42703":
        m = _COLUMN_QUALIFIED.match(msg) or _COLUMN.match(msg)
        if m:
            name = m.group("name")
            parts = _split_name(name) if m.re is _COLUMN_QUALIFIED else [name]
            return _find_name(text, parts, not_followed_by="(")
    elif e.sqlstate == "42883":
        m = _FUNCTION.match(msg)
        if m:
            return _find_name(text, _split_name(m.group("name")), followed_by="(")
    elif e.sqlstate == "42704":
        m = _TYPE.match(msg)
        if m:
            return _find_name(text, _split_name(m.group("name")))
    elif e.sqlstate in ("22P02", "22008", "22003", "22007"):
        m = _INPUT.search(msg)
        if m:
            return _find_literal(text, m.group("value"))
        if msg == "interval out of range":
            return _find_typed_literal(text, "interval")
    return None


def _find_typed_literal(text: str, type_name: str) -> int | None:
    """The start of the first string literal written as TYPE '...' or '...'::TYPE."""
    toks = [t for t in _tokens(text) if t[0] not in ("ws", "comment")]
    for i, (kind, start, _end) in enumerate(toks):
        if kind != "str":
            continue
        before = text[toks[i - 1][1] : toks[i - 1][2]].lower() if i else ""
        cast = [text[a:b].lower() for _, a, b in toks[i + 1 : i + 3]]
        if before == type_name or cast == ["::", type_name]:
            return start
    return None


def _split_name(name: str) -> list[str]:
    """A possibly qualified name as an error message spells it (quoted parts kept whole)."""
    parts: list[str] = []
    for m in re.finditer(r'"((?:[^"]|"")*)"|([^."]+)', name):
        parts.append(m.group(1).replace('""', '"') if m.group(1) is not None else m.group(2))
    return parts or [name]


def _token_name(text: str, kind: str, start: int, end: int) -> str:
    if kind == "qid":
        return text[start + 1 : end - 1].replace('""', '"')
    return text[start:end].lower()


def _find_name(text: str, parts: list[str], followed_by: str = "", not_followed_by: str = "") -> int | None:
    """The start of the first run of tokens spelling parts joined by "." (as a name, not inside
    a literal or comment); the last part may be followed by a required or forbidden character."""
    toks = [t for t in _tokens(text) if t[0] not in ("ws", "comment")]
    want = len(parts) * 2 - 1
    for i in range(len(toks) - want + 1):
        ok = True
        for j, part in enumerate(parts):
            kind, start, end = toks[i + 2 * j]
            if kind not in _NAME_TOKENS or _token_name(text, kind, start, end) != _casefold(part, kind):
                ok = False
                break
            if j + 1 < len(parts) and text[toks[i + 2 * j + 1][1] : toks[i + 2 * j + 1][2]] != ".":
                ok = False
                break
        if not ok:
            continue
        after = toks[i + want] if i + want < len(toks) else None
        next_text = text[after[1] : after[2]] if after else ""
        if followed_by and next_text != followed_by:
            continue
        if not_followed_by and next_text == not_followed_by:
            continue
        # a name the message gives unqualified may be written qualified: PostgreSQL points at
        # the start of the whole name
        while i >= 2 and text[toks[i - 1][1] : toks[i - 1][2]] == "." and toks[i - 2][0] in _NAME_TOKENS:
            i -= 2
        return toks[i][1]
    return None


def _casefold(part: str, kind: str) -> str:
    # an unquoted word is folded to lower case; the message spells the folded name
    return part if kind == "qid" else part.lower()


def _find_literal(text: str, value: str) -> int | None:
    """The start of the first plain string literal whose value is value."""
    for kind, start, end in _tokens(text):
        if kind == "str" and text[start + 1 : end - 1].replace("''", "'") == value:
            return start
        if kind == "estr" and text[start] in "eE" and text[start + 2 : end - 1] == value:
            return start
    return None
