"""Stray commas, a dangling AS and two numbers in a row, which sqlglot reads past but PostgreSQL's
grammar refuses (`SELECT , 1`, `SELECT a, FROM t`, `f(a,)`, `SELECT 1 AS`, `SELECT 1 2`): a syntax error (42601) at the token
after them, as PostgreSQL reports it, rather than a statement that runs as if they were not
there. Run once per statement text, over the parser's tokens."""

from __future__ import annotations

from collections.abc import Iterable

from sqlglot import exp

from orbitdb.sql.errors import SqlError

# reserved words that end a list: a comma before one of them has nothing after it
_ENDS_A_LIST = frozenset({"FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "UNION", "INTERSECT",
                          "EXCEPT", "WINDOW", "RETURNING", "INTO"})
_NOT_AFTER_AS = frozenset({",", ")", "]", ";", "FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT"})
_SKIPPED = frozenset({"ws", "comment"})
_STRINGS = frozenset({"str", "estr"})
_VALUES = frozenset({"num", "dollar"})  # numbers and parameters (a statement's constants may be $n by now)


def check_punctuation(sql: str, tokens: Iterable[tuple[str, int, int]]) -> None:
    """tokens: (kind, start, end) as the parser's scanner gives them; read in one pass, holding
    only the token before (a statement of a million values is no list of a million tokens)."""
    before: tuple[str, str] | None = None  # the previous significant token: (kind, upper-cased text)
    newline = False  # whether the white space since that token holds a line break
    for kind, start, end in tokens:
        if kind in _SKIPPED:
            newline = newline or sql.find("\n", start, end) >= 0
            continue
        text = sql[start:end] if kind in ("op", "word", "num", "dollar") else ""
        if kind in _STRINGS and before is not None and before[0] in _STRINGS and not newline:
            # 'a' 'b' continues one literal only across a line break (PostgreSQL's lexer)
            raise _error(sql, (kind, "", start, sql[start:end]))
        newline = False
        if before is not None:
            _check_pair(sql, before, (kind, text.upper(), start, text))
        before = (kind, text.upper())
    if before is not None:
        _check_pair(sql, before, None)


def _check_pair(sql: str, before: tuple[str, str], token: tuple[str, str, int, str] | None) -> None:
    kind, text = before
    if kind in _VALUES and token is not None and token[0] in _VALUES:
        raise _error(sql, token)  # two numbers in a row (SELECT 1 2): a label is a name, never a number
    if kind not in ("op", "word"):
        return
    after = token[1] if token is not None else None
    if text == ",":
        if token is None or after in (",", ")", "]", ";") or after in _ENDS_A_LIST:
            raise _error(sql, token)
    elif text == "(" or (kind == "word" and text == "SELECT"):
        if after == ",":
            raise _error(sql, token)
    elif kind == "word" and text == "AS" and (token is None or after in _NOT_AFTER_AS):
        raise _error(sql, token)


def _error(sql: str, token: tuple[str, str, int, str] | None) -> SqlError:
    if token is None or token[1] == ";":
        return SqlError("42601", "syntax error at end of input", position=len(sql) + 1,
                        statement_position=len(sql) + 1)
    return SqlError("42601", f'syntax error at or near "{token[3]}"', position=token[2] + 1,
                    statement_position=token[2] + 1)


_COMPARISONS: dict[type[exp.Expression], str] = {exp.EQ: "=", exp.NEQ: "<>", exp.LT: "<", exp.LTE: "<=",
                                                 exp.GT: ">", exp.GTE: ">="}


COMPARISONS = frozenset(_COMPARISONS)


def check_comparison(node: exp.Expression) -> None:
    """`a < b < c` and `a = b = true`: PostgreSQL's comparison operators do not associate, so a
    comparison (node, one of COMPARISONS) whose left side is an unparenthesized comparison is a
    syntax error at its operator (sqlglot reads it as (a < b) < c)."""
    if type(node.this) in _COMPARISONS:
        raise SqlError("42601", f'syntax error at or near "{_COMPARISONS[type(node)]}"')
