"""Statement splitting, classification and parsing (sqlglot, postgres dialect),
with a cache of parse trees keyed by statement text."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from decimal import Decimal

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from orbitdb.sql.errors import SqlError
from orbitdb.sql.parse.lexical import check_statement
from orbitdb.sql.parse.punctuation import COMPARISONS, check_comparison, check_punctuation
from orbitdb.sql.parse.textcache import TextCache, text_cached
from orbitdb.sql.parse.typearrays import qualify_identifier_type_arrays
from orbitdb.sql.result import Notice
from orbitdb.sql.types.pgtext.numbers import parse_numeric


def _keep_pg_functions() -> None:
    """sqlglot rewrites some calls into other dialects' forms and loses what
    PostgreSQL meant (date_part vs extract, log base, to_char templates...):
    parse them as plain calls that orbitdb's library implements."""
    from sqlglot.dialects.postgres import Postgres

    names = ["date_part", "log", "log10", "to_char", "to_date", "to_timestamp", "to_number", "array_position",
             "array_prepend", "width_bucket", "regexp_replace", "regexp_like", "sha256", "sha384", "sha512",
             "make_time", "make_timestamp", "power", "pow", "mod", "div", "substr", "char_length",
             "character_length", "json_object", "concat", "now"]
    for n in names:
        Postgres.Parser.FUNCTIONS[n.upper()] = lambda args, n=n: exp.Anonymous(this=n, expressions=args)
    for n in ("DATE_PART", "JSON_OBJECT"):
        Postgres.Parser.FUNCTION_PARSERS.pop(n, None)
    # subscripts stay as written (1-based): sqlglot would take 1 off literal ones only, so a[1] and
    # a[$1] (a statement whose literals were not made parameters) disagreed
    Postgres.INDEX_OFFSET = 0


_keep_pg_functions()


def _read_not_deferrable() -> None:
    """A constraint's NOT DEFERRABLE, which sqlglot does not read (only NOT ENFORCED)."""
    from sqlglot.dialects.postgres import Postgres

    options = Postgres.Parser.KEY_CONSTRAINT_OPTIONS
    options["NOT"] = tuple(dict.fromkeys([*options.get("NOT", ()), "DEFERRABLE"]))


_read_not_deferrable()

_INTERVAL_LIT = re.compile(
    r"(?<![\w.])INTERVAL\s*'((?:[^']|'')*)'(?:\s+(YEARS?|MONTHS?|DAYS?|HOURS?|MINUTES?|SECONDS?)\b"
    r"(?:\s+TO\s+(MONTH|HOUR|MINUTE|SECOND)\b)?)?", re.IGNORECASE)


def _protect_intervals(sql: str) -> str:
    """INTERVAL 'x' -> CAST('x' AS INTERVAL): sqlglot splits some interval literals."""
    if "interval" not in sql.lower():
        return sql

    def sub(m: re.Match[str]) -> str:
        text = m.group(1)
        if m.group(2) and not m.group(3):
            text = f"{text} {m.group(2)}"
        return f"CAST('{text}' AS INTERVAL)"

    return _INTERVAL_LIT.sub(sub, sql)


@dataclass
class Statement:
    text: str  # the statement without its trailing semicolon
    kind: str  # first keyword, upper case ("SELECT", "BEGIN", "SET", ...)
    offset: int  # position of the statement in the message (for error positions)
    notices: tuple[Notice, ...] = ()  # what PostgreSQL's scanner says about it (identifiers truncated)


_DOLLAR = re.compile(r"\$([A-Za-z_][A-Za-z_0-9]*)?\$")


def split_statements(sql: str) -> list[Statement]:
    """Splits a message into statements (cached: the same text recurs constantly, and a single
    statement that differs from a known one only in its literals is split as that one was)."""
    known = _split_cached.cache.get(sql)  # type: ignore[attr-defined]  # a text seen before: no shape scan
    if known is not None:
        return list(known)
    single = _single_statement(sql)
    if single is not None:
        return [single]
    return list(_split_cached(sql))


_NOT_SINGLE = ("", 0, 0)
_IDENT_NEXT = re.compile(r"[\w$\u0080-\U0010ffff]")
# by shape (normalize_literals): where a message of one statement has it (kind, leading and
# trailing characters outside it), or _NOT_SINGLE
_SINGLES: TextCache[tuple[str, int, int]] = TextCache(budget=1 << 20, max_text=16 << 10, per_char=1, fixed=300)


def _single_statement(sql: str) -> Statement | None:
    """The statement of a message holding one, found by the message's shape. The split of a
    shape's first message is kept when the scanner left the statement as it is (no notices, no
    identifier truncated) and its literals are inside it: then every message of that shape has
    the same statement boundaries, kind and scanner outcome, since it differs only in literals."""
    scanned = _scan_shape(sql)
    if scanned is None or not scanned[1]:
        return None  # nothing to go by, or no literals (the text cache serves a repeated text)
    shape, spans = scanned
    known = _SINGLES.get(shape)
    if known is None:
        known = _NOT_SINGLE
        statements = _split_cached(sql)
        # a number with letters after it ("1e", "0x") is trailing junk or not by its own text
        junk = any(kind == "num" and end < len(sql) and _IDENT_NEXT.match(sql, end) for kind, _, end in spans)
        walked = [(k, a, b) for k, a, b in _tokens(sql) if k == "num" or k in _STRINGS]
        if len(statements) == 1 and not junk and walked == spans:
            st = statements[0]
            end = st.offset + len(st.text)
            if (not st.notices and sql[st.offset : end] == st.text and st.offset <= spans[0][1]
                    and end >= spans[-1][2]):
                known = (st.kind, st.offset, len(sql) - end)
        _SINGLES.put(shape, shape, known)
    if known is _NOT_SINGLE:
        return None
    kind, lead, tail = known
    return Statement(sql[lead : len(sql) - tail], kind, lead)


# byte budgets of the statement caches (docs/memory.md): the same texts recur constantly
@text_cached(budget=4 << 20, max_text=1 << 20, per_char=2, fixed=600)
def _split_cached(sql: str) -> tuple[Statement, ...]:
    return tuple(_split(sql))


_SPECIAL = re.compile(r"['\";()$]|--|/\*")
_ESCAPE_OR_QUOTE = re.compile(r"[\\']")
_COMMENT_EDGE = re.compile(r"/\*|\*/")


def _split(sql: str) -> list[Statement]:
    """Splits a message into statements at top-level semicolons (quotes, dollar
    quotes, comments and parentheses respected). Empty statements are dropped.
    Linear in the text: it jumps from one special character to the next, and over
    the bodies of literals and comments with str.find and regular expressions of
    single characters, so a huge literal costs a few scans, not a step per character."""
    out: list[Statement] = []
    n = len(sql)
    start = 0
    depth = 0
    i = 0
    while True:
        m = _SPECIAL.search(sql, i)
        if m is None:
            break
        i = m.start()
        ch = sql[i]
        if ch == "'":
            escape = i > 0 and sql[i - 1] in "eE" and (i == 1 or not sql[i - 2].isalnum())
            i = _string_end(sql, i + 1, escape)
        elif ch == '"':
            j = sql.find('"', i + 1)
            while j != -1 and j + 1 < n and sql[j + 1] == '"':
                j = sql.find('"', j + 2)
            i = n if j == -1 else j + 1
        elif ch == "-":
            j = sql.find("\n", i)
            i = n if j == -1 else j + 1
        elif ch == "/":
            i = _comment_end(sql, i + 2)
        elif ch == "$":
            dm = _DOLLAR.match(sql, i)
            if dm and (i == 0 or not (sql[i - 1].isalnum() or sql[i - 1] == "_")):
                tag = dm.group(0)
                j = sql.find(tag, dm.end())
                i = n if j == -1 else j + len(tag)
            else:
                i += 1
        elif ch == "(":
            depth += 1
            i += 1
        elif ch == ")":
            depth = max(0, depth - 1)
            i += 1
        else:  # ";"
            if depth == 0:
                _add(out, sql, start, i)
                start = i + 1
            i += 1
    _add(out, sql, start, n)
    return out


def _string_end(sql: str, i: int, escape: bool) -> int:
    """The position after a string literal whose body starts at i (an unterminated one runs to the end)."""
    n = len(sql)
    while True:
        if escape:
            m = _ESCAPE_OR_QUOTE.search(sql, i)
            j = -1 if m is None else m.start()
            if j != -1 and sql[j] == "\\":
                i = j + 2
                continue
        else:
            j = sql.find("'", i)
        if j == -1:
            return n
        if j + 1 < n and sql[j + 1] == "'":
            i = j + 2
            continue
        return j + 1


def _comment_end(sql: str, i: int) -> int:
    """The position after a (nested) block comment whose body starts at i."""
    level = 1
    while level:
        m = _COMMENT_EDGE.search(sql, i)
        if m is None:
            return len(sql)
        level += 1 if m.group(0) == "/*" else -1
        i = m.end()
    return i


_BLANK = re.compile(r"(?:\s+|--[^\n]*)*")
_KIND = re.compile(r"[\s(]*([A-Za-z_]+)")


def _skip_blank(sql: str, pos: int, end: int) -> int:
    """The position of the first character at or after pos that is not blank or in a comment."""
    while True:
        m = _BLANK.match(sql, pos, end)
        if m is not None:
            pos = m.end()
        if pos < end and sql.startswith("/*", pos):
            closed = _comment_end(sql, pos + 2)
            if closed > end or not sql.startswith("*/", closed - 2):
                return pos  # unterminated: a statement, for the parser to refuse
            pos = closed
            continue
        return pos


def _add(out: list[Statement], sql: str, start: int, end: int) -> None:
    """Adds sql[start:end] unless it holds only blanks and comments; its kind is its first word."""
    pos = _skip_blank(sql, start, end)
    if pos >= end:
        return
    kind = _KIND.match(sql, pos, end)
    # the text starts at the first word: comments before it are not part of what the statement
    # handlers read (SET, LOCK, COMMENT ON ... look at its words)
    checked, notices = check_statement(sql[pos:end].rstrip(), pos)
    out.append(Statement(checked, kind.group(1).upper() if kind else "", pos, notices))


def strip_comments(text: str) -> str:
    text = re.sub(r"--[^\n]*", " ", text)
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.DOTALL)


def leading_words(text: str, n: int = 4) -> list[str]:
    return [w.upper() for w in re.findall(r"[A-Za-z_]+", strip_comments(text))[:n]]


def _position_of(sql: str, err: ParseError) -> int | None:
    """The 1-based start of the token sqlglot stopped at (its col is where the token ends)."""
    errs = getattr(err, "errors", None) or []
    if errs:
        line = errs[0].get("line")
        col = errs[0].get("col")
        if line and col:
            lines = sql.split("\n")
            return sum(len(x) + 1 for x in lines[: line - 1]) + col - len(_near(sql, err)) + 1
    return None


# sqlglot's descriptions of a statement that stopped short: at its last token, PostgreSQL's
# grammar has run out of input there
_WANTS_MORE = ("Required keyword", "Expecting", "Expected")


def _only_blank(text: str) -> bool:
    return all(kind in ("ws", "comment") for kind, _, _ in _tokens(text))


def _syntax_error(sql: str, err: ParseError) -> SqlError:
    near = _near(sql, err)
    position = _position_of(sql, err)
    errs = getattr(err, "errors", None) or []
    wants_more = bool(errs) and str(errs[0].get("description", "")).startswith(_WANTS_MORE)
    if near and position is not None and wants_more and _only_blank(sql[position - 1 + len(near):]):
        near = ""
    if not near:
        return SqlError("42601", "syntax error at end of input", position=len(sql) + 1,
                        statement_position=len(sql) + 1)
    # position too: code that parses a text of its own (a PL/pgSQL body) places it from there
    return SqlError("42601", f'syntax error at or near "{near}"', position=position, statement_position=position)


def _near(sql: str, err: ParseError) -> str:
    errs = getattr(err, "errors", None) or []
    if errs and errs[0].get("highlight"):
        return str(errs[0]["highlight"])
    return ""


def _space_params(sql: str) -> str:
    """sqlglot's tokenizer misreads "$1,$2" (as a dollar quote): give parameters a space."""
    if "$" not in sql or not _PARAM_GLUED.search(sql):
        return sql
    out = []
    prev_kind = "ws"
    for kind, start, end in _tokens(sql):
        text = sql[start:end]
        if kind == "dollar" and text[1:].isdigit() and prev_kind not in ("ws",):
            out.append(" ")
        out.append(text)
        prev_kind = kind
    return "".join(out)


_PARAM_GLUED = re.compile(r"[^\s]\$\d")


def _arrow_before_order_by(sql: str) -> str:
    """sqlglot cannot read an aggregate's argument ending in -> before its ORDER BY
    (jsonb_agg(doc -> 'k' ORDER BY id)): the argument is given in parentheses, which it can."""
    if "->" not in sql or "order" not in sql.lower():
        return sql
    spans = [(k, sql[a:b]) for k, a, b in _tokens(sql)]
    significant = [i for i, (k, _) in enumerate(spans) if k not in ("ws", "comment")]
    following = {i: significant[n + 1] for n, i in enumerate(significant[:-1])}
    out: list[str] = []
    stack: list[list[int]] = []  # per open parenthesis: [is a call's, where its argument began, holds ->]
    previous = ""
    for i, (kind, text) in enumerate(spans):
        if kind == "op" and text == "(":
            out.append(text)
            stack.append([previous == "word", len(out), 0])
        elif kind == "op" and text == ")" and stack:
            stack.pop()
            out.append(text)
        elif kind == "op" and text == "," and stack:
            out.append(text)
            stack[-1][1], stack[-1][2] = len(out), 0
        elif kind == "op" and text == "-" and stack and spans[following.get(i, i)][1] == ">" \
                and following.get(i) == i + 1:
            stack[-1][2] = 1
            out.append(text)
        elif kind == "word" and text.upper() == "ORDER" and stack and stack[-1][0] and stack[-1][2] \
                and spans[following.get(i, i)][1].upper() == "BY":
            out.insert(stack[-1][1], "(")
            out += [") ", text]
            stack[-1][2] = 0
        else:
            out.append(text)
        if kind not in ("ws", "comment"):
            previous = kind
    return "".join(out)


def _subnet_operators(sql: str) -> str:
    """sqlglot cannot read inet's <<= and >>=: give them as OPERATOR(pg_catalog.<<=), which it
    can (outside string literals and comments)."""
    if "<<=" not in sql and ">>=" not in sql:
        return sql
    spans = _tokens(sql)
    out: list[str] = []
    i = 0
    while i < len(spans):
        kind, start, end = spans[i]
        if kind == "op" and i + 2 < len(spans) and sql[start:end] in "<>" and all(
                spans[i + k][0] == "op" and spans[i + k][1] == start + k for k in (1, 2)):
            op = sql[start:spans[i + 2][2]]
            if op in ("<<=", ">>="):
                out.append(f" OPERATOR(pg_catalog.{op}) ")
                i += 3
                continue
        out.append(sql[start:end])
        i += 1
    return "".join(out)


# sqlglot reads ARRAY[ first as the start of a type, then again as an expression: nested
# constructors cost 2^depth (30 of them, 200 bytes, would parse for days, deaf to
# statement_timeout and cancel). Nested this deep, they are given to it as calls of this name,
# which parse once, and turned back into constructors in the tree.
_ARRAY_CALL = "orbitdb_array_constructor"
_DEEP_ARRAYS = 4
# words after which ARRAY[ is a constructor (after a type name it is SQL's "int ARRAY[3]")
_EXPRESSION_AFTER = frozenset({
    "SELECT", "WHERE", "AND", "OR", "NOT", "WHEN", "THEN", "ELSE", "IN", "VALUES", "BY", "ON", "RETURNING",
    "SET", "LIMIT", "OFFSET", "BETWEEN", "CASE", "IS", "LIKE", "ILIKE", "HAVING", "DISTINCT", "ALL", "ANY",
    "SOME", "ARRAY", "USING", "DEFAULT", "CHECK", "RETURN", "ROW", "OVER", "FILTER", "EXISTS"})


def _array_calls(sql: str) -> str:
    """ARRAY[...] as calls of _ARRAY_CALL when constructors nest _DEEP_ARRAYS deep or more."""
    if "[" not in sql or sql.lower().count("array") < _DEEP_ARRAYS:
        return sql
    spans = [(k, a, b) for k, a, b in _tokens(sql) if k not in ("ws", "comment")]
    edits: list[tuple[int, int, str]] = []
    opened: list[bool] = []  # per open "[": whether it opens a constructor
    deepest = depth = 0
    for n, (kind, start, end) in enumerate(spans):
        text = sql[start:end]
        if text == "[":
            word = sql[spans[n - 1][1] : spans[n - 1][2]].upper() if n else ""
            before = sql[spans[n - 2][1] : spans[n - 2][2]] if n > 1 else ""
            ctor = word == "ARRAY" and (n < 2 or spans[n - 2][0] != "word" or before.upper() in _EXPRESSION_AFTER)
            opened.append(ctor)
            if ctor:
                depth += 1
                deepest = max(deepest, depth)
                edits.append((spans[n - 1][1], end, _ARRAY_CALL + "("))
        elif text == "]" and opened:
            closes_constructor = opened.pop()
            if closes_constructor:
                depth -= 1
                edits.append((start, end, ")"))
    if deepest < _DEEP_ARRAYS:
        return sql
    return _apply_edits(sql, edits)


_NUMERIC_WORDS = {"NUMERIC", "DECIMAL", "DEC"}


def _apply_edits(sql: str, edits: list[tuple[int, int, str]]) -> str:
    """`sql` with each (start, end, replacement) of `edits`, given in order of position, put in."""
    out = []
    done = 0
    for start, end, replacement in edits:
        out.append(sql[done:start])
        out.append(replacement)
        done = end
    out.append(sql[done:])
    return "".join(out)


def _negative_scales(sql: str) -> str:
    """numeric(p, -s) (PostgreSQL 15 allows a negative scale) as numeric(p, (-s)), which sqlglot
    reads; the type's modifier is worked out from it as from any scale."""
    if "-" not in sql or "(" not in sql:
        return sql
    spans = [(k, a, b) for k, a, b in _tokens(sql) if k not in ("ws", "comment")]
    texts = [sql[a:b] for _, a, b in spans]
    edits: list[tuple[int, int, str]] = []
    for n in range(len(spans) - 6):
        if (spans[n][0] == "word" and texts[n].upper() in _NUMERIC_WORDS and texts[n + 1] == "("
                and spans[n + 2][0] == "num" and texts[n + 3] == "," and texts[n + 4] == "-"
                and spans[n + 5][0] == "num" and texts[n + 6] == ")"):
            edits.append((spans[n + 4][1], spans[n + 5][2], f"(-{texts[n + 5]})"))
    if not edits:
        return sql
    return _apply_edits(sql, edits)


_ORDERING_OPERATORS = {"<": "ASC", "~<~": "ASC", ">": "DESC", "~>~": "DESC"}


def _in_order_by(words: list[str], n: int) -> bool:
    """Whether the USING at n is in an ORDER BY list: an ORDER BY comes before it, and no clause
    word since (ALTER TABLE ... TYPE t USING expr, MERGE ... USING, DELETE ... USING)."""
    for i in range(n - 1, 0, -1):
        if words[i] == "BY" and words[i - 1] == "ORDER":
            return True
        if words[i] in ("TYPE", "WHERE", "MERGE", "DELETE", "INDEX", "JOIN", "SET", "ALTER"):
            return False
    return False


def _order_using(sql: str) -> str:
    """ORDER BY x USING < / > (PostgreSQL's ordering operators, which sqlglot does not read) as ASC /
    DESC; an operator that is not "<" or ">" of a btree family is PostgreSQL's 42809. A USING
    followed by an operator is only an ORDER BY's: JOIN ... USING takes "(", DELETE ... USING and
    CREATE INDEX ... USING a name."""
    if "using" not in sql.lower():
        return sql
    spans = [(k, a, b) for k, a, b in _tokens(sql) if k not in ("ws", "comment")]
    edits: list[tuple[int, int, str]] = []
    words = [sql[a:b].upper() if k == "word" else "" for k, a, b in spans]
    for n, (kind, start, end) in enumerate(spans):
        if kind != "word" or words[n] != "USING" or n + 1 >= len(spans) or not _in_order_by(words, n):
            continue
        k = n + 1
        if spans[k][0] == "word" and sql[spans[k][1]:spans[k][2]].upper() == "OPERATOR":
            close = sql.find(")", spans[k][2])
            if close < 0:
                continue
            inner = sql[spans[k][2]:close].strip().lstrip("(").strip()
            op, op_start, op_end = inner.rsplit(".", 1)[-1].strip(), spans[k][1], close + 1
        elif spans[k][0] == "op" and sql[spans[k][1]:spans[k][2]] not in ("(", ",", ")", ";"):
            j = k
            while j + 1 < len(spans) and spans[j + 1][0] == "op" and spans[j + 1][1] == spans[j][2] \
                    and sql[spans[j + 1][1]:spans[j + 1][2]] not in ("(", ",", ")", ";"):
                j += 1
            op, op_start, op_end = sql[spans[k][1]:spans[j][2]], spans[k][1], spans[j][2]
        else:
            continue
        direction = _ORDERING_OPERATORS.get(op)
        if direction is None:
            raise SqlError("42809", f"operator {op} is not a valid ordering operator", statement_position=op_start + 1,
                           hint='Ordering operators must be "<" or ">" members of btree operator families.')
        edits.append((start, op_end, direction))
    return _apply_edits(sql, edits)


def _array_constructors(tree: exp.Expression) -> exp.Expression:
    """The calls _array_calls made, constructors again."""
    for call in list(tree.find_all(exp.Anonymous)):
        if call.name == _ARRAY_CALL:
            call.replace(exp.Array(expressions=list(call.expressions), value_constructor=False))
    return tree


_CURRENT_OF = re.compile(r"\bWHERE\s+CURRENT\s+OF\b", re.IGNORECASE)


@text_cached(budget=32 << 20, max_text=16 << 10, per_char=320, fixed=3000)
def _parse_cached(sql: str) -> exp.Expression:
    # the tokens normalize_literals and the rewrites below take (kept by text), read once; a huge
    # statement is scanned as it is checked instead (its tokens are never all held)
    check_punctuation(sql, _tokens(sql) if len(sql) <= _tokens.cache.max_text  # type: ignore[attr-defined]
                      else ((m.lastgroup or "op", m.start(), m.end()) for m in _TOKEN.finditer(sql)))
    try:
        text = _array_calls(_order_using(_negative_scales(qualify_identifier_type_arrays(sql, _tokens))))
        trees = sqlglot.parse(_protect_intervals(_space_params(_subnet_operators(_arrow_before_order_by(text)))),
                              read="postgres")
        if text is not sql:
            trees = [_array_constructors(t) if t is not None else None for t in trees]
    except ParseError as e:
        if _CURRENT_OF.search(sql):  # PostgreSQL's positioned UPDATE / DELETE of a cursor's row
            raise SqlError("0A000", "WHERE CURRENT OF is not supported",
                           hint="Identify the row by its key in the WHERE clause.") from None
        raise _syntax_error(sql, e) from None
    except TokenError as e:
        raise SqlError("42601", f"syntax error: {e}") from None
    trees = [t for t in trees if t is not None]
    if len(trees) != 1:
        raise SqlError("42601", "syntax error at or near \";\"" if trees else "syntax error at end of input")
    return _checked_tree(trees[0])


# what _checked_tree does with a node of each type (found by isinstance once per type)
_PLAIN, _COMPARISON, _DOT, _SELECT = range(4)
_NODE_ROLES: dict[type, int] = {}


def _node_role(t: type) -> int:
    role = _NODE_ROLES.get(t)
    if role is None:
        role = _NODE_ROLES[t] = (_COMPARISON if t in COMPARISONS else _DOT if issubclass(t, exp.Dot)
                                 else _SELECT if issubclass(t, exp.Select) else _PLAIN)
    return role


def _checked_tree(tree: exp.Expression) -> exp.Expression:
    """The tree checked for comparison chains, with its pg_catalog.f() calls and join groups
    rewritten: what each needs found in one walk (a walk apiece cost about what sqlglot's parse
    of a select5-style join does)."""
    dots: list[exp.Expression] = []
    selects: list[exp.Expression] = []
    roles = _NODE_ROLES
    for node in tree.walk():
        role = roles.get(type(node))
        if role is None:
            role = _node_role(type(node))
        if role == _PLAIN:
            continue
        if role == _COMPARISON:
            check_comparison(node)
        elif role == _DOT:
            dots.append(node)
        else:
            selects.append(node)
    _builtin_calls(dots)
    _flatten_join_groups(selects)
    return tree


def _builtin_calls(dots: list[exp.Expression]) -> None:
    """pg_catalog.f(...) is the built-in f(...): the schema is searched first anyway, and the plain
    call is what every later step knows (an aggregate, a window function: pg_catalog.count(*) OVER ())."""
    for dot in dots:
        if isinstance(dot.this, exp.Identifier) and dot.this.name.lower() == "pg_catalog" \
                and isinstance(dot.expression, exp.Func) and dot.parent is not None:
            dot.replace(dot.expression)


def _flatten_join_groups(selects: list[exp.Expression]) -> None:
    """FROM ((a JOIN b ON ...) JOIN c ON ...), as pg_dump writes every view with joins, becomes
    FROM a JOIN b ON ... JOIN c ON ...: joins associate to the left, so the parentheses around
    the first FROM item change nothing (sqlglot reads them as an alias-less subquery)."""
    for sel in selects:
        src = sel.args.get("from_") or sel.args.get("from")
        if src is None or not _is_join_group(src.this):
            continue
        first, joins = _join_group_parts(src.this)
        src.set("this", first)
        sel.set("joins", joins + list(sel.args.get("joins") or []))


def _is_join_group(node: exp.Expression | None) -> bool:
    return isinstance(node, exp.Subquery) and not node.alias and (
        isinstance(node.this, exp.Table) and bool(node.this.args.get("joins")) or _is_join_group(node.this))


def _join_group_parts(node: exp.Expression) -> tuple[exp.Expression, list[exp.Expression]]:
    if isinstance(node, exp.Subquery) and not node.alias and isinstance(node.this, (exp.Table, exp.Subquery)):
        first, joins = _join_group_parts(node.this)
        return first, joins + list(node.args.get("joins") or [])
    joins = list(node.args.get("joins") or [])
    if joins:
        node.set("joins", None)
    return node, joins


def parse_one(sql: str) -> exp.Expression:
    """Parses one statement; the tree is shared (cached): do not modify it."""
    return _parse_cached(sql)


def parse_copy(sql: str) -> exp.Expression:
    return parse_one(sql)


# Literal bodies are runs of ordinary characters between the rare special ones (the "unrolled
# loop"), and possessive where Python has it: the regular expression engine then keeps no
# backtracking state per character, and a 100 MB literal costs a scan, not gigabytes.
_POSSESSIVE = "+" if sys.version_info >= (3, 11) else ""
_TOKEN = re.compile(
    r"(?P<ws>\s+)|(?P<comment>--[^\n]*|/\*.*?\*/)"
    r"|(?P<estr>[eEbBxXuU]&?'[^'\\]*P(?:(?:\\.|'')[^'\\]*P)*P')"
    r"|(?P<str>'[^']*P(?:''[^']*P)*P')|(?P<qid>\"[^\"]*P(?:\"\"[^\"]*P)*P\")"
    r"|(?P<dq>\$(?P<tag>(?:[A-Za-z_][A-Za-z_0-9]*)?)\$.*?\$(?P=tag)\$)|(?P<dollar>\$[A-Za-z_0-9]*)"
    r"|(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<word>[A-Za-z_][A-Za-z_0-9$]*)|(?P<op>::|\S)"
    .replace("*P", "*" + _POSSESSIVE),
    re.DOTALL,
)
_TYPED_LITERAL = {"DATE", "TIME", "TIMESTAMP", "TIMESTAMPTZ", "INTERVAL", "JSON", "JSONB", "UUID", "BOOLEAN",
                  "BOOL", "INT", "INTEGER", "INT2", "INT4", "INT8", "BIGINT", "SMALLINT", "NUMERIC", "DECIMAL",
                  "REAL", "FLOAT", "FLOAT4", "FLOAT8", "TEXT", "VARCHAR", "CHAR", "BYTEA", "TIMETZ", "ZONE",
                  "PRECISION", "VARYING", "CHARACTER", "INET", "MONEY", "NAME", "OID", "REGCLASS", "REGTYPE"}
_TYPE_PAREN = {"VARCHAR", "CHAR", "CHARACTER", "VARYING", "NUMERIC", "DECIMAL", "TIME", "TIMESTAMP", "TIMETZ",
               "TIMESTAMPTZ", "INTERVAL", "BIT", "FLOAT", "DEC", "BPCHAR"}
# words that go on with an expression after a number; a GROUP BY / ORDER BY number followed by
# anything else (a comma, ASC, ORDER, LIMIT, the end...) is an ordinal and stays in the text
_EXPRESSION_WORDS = {"IS", "ISNULL", "NOTNULL", "AND", "OR", "NOT", "BETWEEN", "IN", "LIKE", "ILIKE", "SIMILAR",
                     "COLLATE", "AT", "OPERATOR"}


def _continues(token: str) -> bool:
    """Whether token, after a number, makes the number part of a larger expression (an operator)."""
    if token in _EXPRESSION_WORDS:
        return True
    if token[:1] == "." and token[1:2].isdigit():
        return False  # a number (.5), as 5 is: whatever its digits, one shape decides alike
    return bool(token) and token not in (",", ")", ";") and not (token[0].isalnum() or token[0] in "_\"")
_CLAUSE_END = {"LIMIT", "OFFSET", "FETCH", "HAVING", "WINDOW", "UNION", "INTERSECT", "EXCEPT", "FOR", "WHERE",
               "FROM", "SELECT", "RETURNING", "ON"}


_UNARY_AFTER = {"SELECT", "WHERE", "AND", "OR", "NOT", "WHEN", "THEN", "ELSE", "IN", "VALUES", "BY", "ON",
                "RETURNING", "SET", "LIMIT", "OFFSET", "BETWEEN", "CASE", "IS", "LIKE", "ILIKE", "HAVING", "AS",
                "DISTINCT", "ALL", "ANY", "SOME", "ARRAY", "USING"}


@dataclass
class Normalized:
    """A statement with its literals taken out as parameters."""

    text: str
    values: list[object]


@text_cached(budget=8 << 20, max_text=64 << 10, per_char=56, fixed=500)
def _tokens(sql: str) -> tuple[tuple[str, int, int], ...]:
    """(kind, start, end) of each token: spans, not copies, so that a huge literal is not held
    twice (its text and its token) before its value is taken out."""
    return tuple((m.lastgroup or "op", m.start(), m.end()) for m in _TOKEN.finditer(sql))


def _number_value(text: str) -> int | Decimal:
    """A numeric literal's value, as PostgreSQL's scanner and numeric_in read it: an integer
    while it has at most 19 digits, else a numeric (22003 past numeric's range)."""
    if text.isdigit():
        digits = text.lstrip("0")
        if len(digits) <= 19:
            return int(digits or "0")
    return parse_numeric(text)


_STRINGS = ("str", "dq")  # token kinds of string literals that become parameters


def _string_value(sql: str, kind: str, start: int, end: int) -> str:
    """The value of the string literal sql[start:end] (one copy of its body)."""
    if kind == "dq":
        tag_end = sql.index("$", start + 1) + 1
        return sql[tag_end : end - (tag_end - start)]
    return sql[start + 1 : end - 1].replace("''", "'")


def normalize_literals(sql: str) -> Normalized | None:
    """Replaces the literals of a query or DML statement by $n parameters, so that
    statements differing only in their constants share one plan (clients such as
    psycopg2, psql and pgbench send values inlined). Literals whose position gives
    them meaning (ORDER BY 1, varchar(20), DATE '...', frame offsets) stay. None
    when there is nothing to take out or the statement has parameters already.

    Which literals become which parameters depends on the text around them only, so it is
    worked out once per shape (the text with its literals taken out, found by one regular
    expression) and kept: a statement of a known shape costs one scan and a dictionary look-up."""
    scanned = _scan_shape(sql)
    template = None if scanned is None else _TEMPLATES.get(scanned[0])
    if template is None:
        template, slow_spans = _template_of(sql)
        if scanned is None:
            return template.apply(sql, slow_spans)
        if slow_spans != scanned[1]:
            template = _SLOW  # the two scanners disagree on this shape: it keeps the token walk
        _TEMPLATES.put(scanned[0], scanned[0], template)
    if template is _SLOW:
        template, slow_spans = _template_of(sql)
        return template.apply(sql, slow_spans)
    return template.apply(sql, scanned[1])


# what a literal of the template turns into
_KEEP = 0  # itself (a literal whose position gives it meaning)
_NUMBER = 1  # a parameter holding its value (the same number twice: the same parameter)
_NEGATIVE = 2  # a parameter holding its negated value (the "-" before it is part of the template)
_STRING = 3  # a parameter holding the string

Span = tuple[str, int, int]  # (token kind, start, end) of a literal


class _Template:
    """A statement's text around its literals, and what each literal becomes: pieces[i] comes
    before literal slots[i], pieces[-1] after the last one."""

    __slots__ = ("changed", "pieces", "slots")

    def __init__(self, pieces: list[str], slots: list[tuple[int, int]], changed: bool) -> None:
        self.pieces = pieces
        self.slots = slots  # (index among the statement's literals, what it becomes)
        self.changed = changed  # whether any literal becomes a parameter

    def apply(self, sql: str, spans: list[Span]) -> Normalized | None:
        if not self.changed:
            return None
        pieces = self.pieces
        out = [pieces[0]]
        values: list[object] = []
        numbers: dict[str, int] = {}
        for i, (index, action) in enumerate(self.slots):
            kind, start, end = spans[index]
            if action == _KEEP:
                out.append(sql[start:end])
            elif action == _STRING:
                values.append(_string_value(sql, kind, start, end))
                out.append(f"${len(values)}")
            else:
                text = sql[start:end]
                key = "-" + text if action == _NEGATIVE else text
                n = numbers.get(key)
                if n is None:
                    value = _number_value(text)
                    values.append(-value if action == _NEGATIVE else value)
                    n = numbers[key] = len(values)
                out.append(f"${n}")
            out.append(pieces[i + 1])
        return Normalized("".join(out), values)


_NOTHING = _Template([""], [], False)
_SLOW = _Template([""], [], False)  # marks a shape the regular expression must not be trusted with


def _template_of(sql: str) -> tuple[_Template, list[Span]]:
    """The token walk: which literals of sql become parameters, and the spans of its literals
    (numbers and strings, in order)."""
    spans = _tokens(sql)
    # a string literal (quoted or dollar-quoted) stands as its quote: its body is read once, when
    # it becomes a value
    sig = [(k, "'" if k in _STRINGS else sql[a:b]) for k, a, b in spans if k not in ("ws", "comment")]
    literals = [(k, a, b) for k, a, b in spans if k == "num" or k in _STRINGS]
    if not literals or any(k == "dollar" for k, _ in sig):
        return _NOTHING, literals
    parts: list[str | int] = []  # token texts, and the indexes of literal slots
    slots: list[tuple[int, int]] = []
    depth = 0
    type_paren_depths: list[int] = []
    ordinal_clause = False  # inside ORDER BY / GROUP BY, at the clause's paren depth
    ordinal_depth = 0
    prev = ""  # previous significant token, upper-cased
    prev2 = ""  # the one before it
    si = 0
    changed = False
    for kind, start, end in spans:
        if kind in ("ws", "comment"):
            parts.append(sql[start:end])
            continue
        text = sig[si][1]
        nxt = sig[si + 1][1].upper() if si + 1 < len(sig) else ""
        upper = text.upper()
        replace = False
        if kind == "op" and text == "(":
            depth += 1
            if prev in _TYPE_PAREN:
                type_paren_depths.append(depth)
            if prev == "ON" and prev2 == "DISTINCT":  # DISTINCT ON (2): a position, as ORDER BY 2
                ordinal_clause = True
                ordinal_depth = depth
        elif kind == "op" and text == ")":
            if type_paren_depths and type_paren_depths[-1] == depth:
                type_paren_depths.pop()
            if ordinal_clause and depth == ordinal_depth:
                ordinal_clause = False
            depth -= 1
        elif kind == "word":
            if upper == "BY" and prev in ("ORDER", "GROUP"):
                ordinal_clause = True
                ordinal_depth = depth
            elif upper in _CLAUSE_END and depth == ordinal_depth:
                ordinal_clause = False
        elif kind == "num" or kind in _STRINGS:
            in_type = bool(type_paren_depths)
            ordinal = (kind == "num" and ordinal_clause and depth == ordinal_depth
                       and (prev in ("BY", ",", "(") or prev == "-" and prev2 in ("BY", ",", "("))
                       and not _continues(nxt)
                       # GROUP BY (1) is an ordinal too (the grammar drops the parentheses): kept
                       or kind == "num" and ordinal_clause and depth > ordinal_depth and nxt == ")"
                       and (prev == "(" or prev == "-" and prev2 == "("))
            typed = kind in _STRINGS and prev in _TYPED_LITERAL
            frame = nxt in ("PRECEDING", "FOLLOWING") or prev in ("FIRST", "NEXT")
            replace = not (in_type or ordinal or typed or frame)
        negative = False
        if replace and kind == "num" and prev == "-" and nxt not in ("::", "[", ".") and (prev2 in ("", "(", ",", "=", "<", ">", "+", "-", "*", "/",
                                                                     "%", "^", "::", "[") or prev2 in _UNARY_AFTER):
            # a negative literal is one constant, as PostgreSQL folds it (-2147483648 is an int4)
            if parts and parts[-1] == "-":
                parts.pop()
                negative = True
            elif len(parts) >= 2 and parts[-2] == "-" and isinstance(parts[-1], str) and parts[-1].isspace():
                del parts[-2:]
                negative = True
        if kind == "num" or kind in _STRINGS:
            parts.append(len(slots))
            if not replace:
                slots.append((len(slots), _KEEP))
            else:
                slots.append((len(slots), _NEGATIVE if negative else _NUMBER if kind == "num" else _STRING))
                changed = True
        else:
            parts.append(text)
        prev2 = prev
        prev = upper if kind in ("word", "op") else ("#" if kind == "num" or kind in _STRINGS else upper)
        si += 1
    pieces: list[str] = []
    run: list[str] = []
    for part in parts:
        if isinstance(part, int):
            pieces.append("".join(run))
            run = []
        else:
            run.append(part)
    pieces.append("".join(run))
    return _Template(pieces, slots, changed), literals


# One pass over a statement that stops only at literals: a run of everything else (words with the
# blanks and operators after them, comments, quoted identifiers, E'' and B'' strings, each read as
# _TOKEN reads it: a word that could start an E'' string is tried as one first), a number, or a
# quoted string. Anything else ($ parameters, dollar quotes, an unterminated quote or comment) is
# "other": the statement is left to the token walk.
_SHAPE_RUN = r"[^'\"$\dA-Za-z_.\-/]"
_SHAPE_SCAN = re.compile(
    (r"(?P<plain>(?:[AC-DF-TVWYZac-df-tvwyz_][A-Za-z_0-9$]*" + _SHAPE_RUN + r"*|" + _SHAPE_RUN + r"+"
     r"|[eEbBxXuU]&?'[^'\\]*P(?:(?:\\.|'')[^'\\]*P)*P'|[A-Za-z_][A-Za-z_0-9$]*" + _SHAPE_RUN + r"*"
     r"|--[^\n]*|/\*.*?\*/|\"[^\"]*P(?:\"\"[^\"]*P)*P\"|\.(?!\d)|-(?!-)|/(?!\*))+)"
     r"|(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|(?P<str>'[^']*P(?:''[^']*P)*P')|(?P<other>.)")
    .replace("*P", "*" + _POSSESSIVE),
    re.DOTALL,
)
_SHAPE_MARK = {"num": "\x00n", "str": "\x00s"}
# templates by shape; a shape costs about what its text does, the template's pieces. Shapes up to
# 128 kB: a page of a multi-row INSERT (psycopg2's execute_values, pandas to_sql: 1000 rows) is one
_TEMPLATES: TextCache[_Template] = TextCache(budget=4 << 20, max_text=128 << 10, per_char=3, fixed=700)


def _scan_shape(sql: str) -> tuple[str, list[Span]] | None:
    """The statement's shape (its text with each literal as a mark) and its literals' spans;
    None when something in it is left to the token walk."""
    if "\x00" in sql or len(sql) > _TEMPLATES.max_text:
        return None
    shape: list[str] = []
    spans: list[Span] = []
    for m in _SHAPE_SCAN.finditer(sql):
        kind = m.lastgroup
        if kind == "plain":
            shape.append(m.group())
        elif kind == "other":
            return None
        else:
            shape.append(_SHAPE_MARK[kind])  # type: ignore[index]
            spans.append((kind, m.start(), m.end()))  # type: ignore[arg-type]
    return "".join(shape), spans
