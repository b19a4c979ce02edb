"""SQL/JSON path language (PostgreSQL's jsonpath), lax and strict: accessors (.key, .*, [n],
[n to m], [last], [*], .**), filters ? (...), predicates (== != <> < <= > >=, &&, ||, !, exists,
starts with, like_regex, is unknown), arithmetic, the methods size, type, abs, floor, ceiling,
double and keyvalue, and $variables. Used by jsonb_path_* and the @? and @@ operators.

Values are orbitdb's JSON values (dict, list, str, int, Decimal, float, bool, JSON_NULL). A
predicate is True, False or None (unknown)."""

from __future__ import annotations

import functools
import math
import re
from decimal import Decimal
from typing import Any

from orbitdb.sql.errors import SqlError
from orbitdb.storage.jsonnull import JSON_NULL

Node = tuple[Any, ...]
_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+\.\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|\d+(?:[eE][+-]?\d+)?)"
    r"|(?P<str>\"(?:[^\"\\]|\\.)*\")|(?P<var>\$[A-Za-z_]\w*|\$\"(?:[^\"\\]|\\.)*\")"
    r"|(?P<word>[A-Za-z_]\w*)|(?P<op>\.\*\*|==|!=|<>|<=|>=|&&|\|\||[$@.*\[\](),?!<>+\-/%:{}]))")
_COMPARISONS = {"==", "!=", "<>", "<", "<=", ">", ">="}


class JsonPathError(Exception):
    """An error evaluating a path: raised as SqlError unless the call is silent."""

    def __init__(self, sqlstate: str, message: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate
        self.message = message


# ---- parsing -----------------------------------------------------------------------------------

class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks: list[tuple[str, str]] = []
        pos = 0
        while pos < len(text):
            if text[pos:].strip() == "":
                break
            m = _TOKEN.match(text, pos)
            if m is None or m.end() == pos:
                raise _syntax(text)
            kind = m.lastgroup or "op"
            self.toks.append((kind, m.group(kind)))
            pos = m.end()
        self.i = 0

    def peek(self, k: int = 0) -> tuple[str, str]:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else ("end", "")

    def take(self, value: str) -> bool:
        kind, v = self.peek()
        if kind in ("op", "word") and v == value:
            self.i += 1
            return True
        return False

    def expect(self, value: str) -> None:
        if not self.take(value):
            raise _syntax(self.text)

    def parse(self) -> tuple[bool, Node]:
        strict = False
        if self.peek()[1] in ("lax", "strict") and self.peek()[0] == "word":
            strict = self.peek()[1] == "strict"
            self.i += 1
        node = self.expr()
        if self.peek()[0] != "end":
            raise _syntax(self.text)
        return strict, node

    def expr(self) -> Node:
        left = self.and_expr()
        while self.take("||"):
            left = ("or", left, self.and_expr())
        return left

    def and_expr(self) -> Node:
        left = self.not_expr()
        while self.take("&&"):
            left = ("and", left, self.not_expr())
        return left

    def not_expr(self) -> Node:
        if self.take("!"):
            self.expect("(")
            inner = self.expr()
            self.expect(")")
            return ("not", inner)
        return self.predicate()

    def predicate(self) -> Node:
        if self.peek() == ("word", "exists") and self.peek(1) == ("op", "("):
            self.i += 2
            inner = self.expr()
            self.expect(")")
            return self._unknown_test(("exists", inner))
        left = self.additive()
        kind, v = self.peek()
        if kind == "op" and v in _COMPARISONS:
            self.i += 1
            return ("cmp", "!=" if v == "<>" else v, left, self.additive())
        if self.take("starts"):
            self.expect("with")
            return ("starts", left, self.additive())
        if self.take("like_regex"):
            kind, pattern = self.peek()
            if kind != "str":
                raise _syntax(self.text)
            self.i += 1
            flags = ""
            if self.take("flag"):
                kind, flags = self.peek()
                if kind != "str":
                    raise _syntax(self.text)
                self.i += 1
                flags = _string(flags)
            return ("like", left, _regex(_string(pattern), flags))
        return self._unknown_test(left)

    def _unknown_test(self, node: Node) -> Node:
        if self.peek() == ("word", "is") and self.peek(1) == ("word", "unknown"):
            self.i += 2
            return ("isunknown", node)
        return node

    def additive(self) -> Node:
        left = self.multiplicative()
        while self.peek()[0] == "op" and self.peek()[1] in ("+", "-"):
            op = self.peek()[1]
            self.i += 1
            left = ("arith", op, left, self.multiplicative())
        return left

    def multiplicative(self) -> Node:
        left = self.unary()
        while self.peek()[0] == "op" and self.peek()[1] in ("*", "/", "%"):
            op = self.peek()[1]
            self.i += 1
            left = ("arith", op, left, self.unary())
        return left

    def unary(self) -> Node:
        if self.take("-"):
            return ("neg", self.unary())
        if self.take("+"):
            return ("pos", self.unary())
        return self.accessors(self.primary())

    def primary(self) -> Node:
        kind, v = self.peek()
        self.i += 1
        if kind == "op" and v == "$":
            return ("root",)
        if kind == "op" and v == "@":
            return ("current",)
        if kind == "num":
            return ("lit", Decimal(v) if any(c in v for c in ".eE") else int(v))
        if kind == "str":
            return ("lit", _string(v))
        if kind == "var":
            return ("var", _string(v[1:]) if v[1] == '"' else v[1:])
        if kind == "word" and v in ("true", "false"):
            return ("lit", v == "true")
        if kind == "word" and v == "null":
            return ("lit", JSON_NULL)
        if kind == "word" and v == "last":
            return ("last",)
        if kind == "op" and v == "(":
            inner = self.expr()
            self.expect(")")
            return inner
        raise _syntax(self.text)

    def accessors(self, base: Node) -> Node:
        steps: list[Node] = []
        while True:
            kind, v = self.peek()
            if kind == "op" and v == ".**":
                self.i += 1
                steps.append(("anydepth",))
            elif kind == "op" and v == ".":
                self.i += 1
                kind, v = self.peek()
                self.i += 1
                if kind == "op" and v == "*":
                    steps.append(("wildkey",))
                elif kind == "str":
                    steps.append(("key", _string(v)))
                elif kind == "word" and self.peek() == ("op", "("):
                    self.i += 1
                    self.expect(")")
                    steps.append(("method", v))
                elif kind in ("word", "var") or kind == "op" and v == "$":
                    steps.append(("key", v))
                else:
                    raise _syntax(self.text)
            elif kind == "op" and v == "[":
                self.i += 1
                if self.take("*"):
                    self.expect("]")
                    steps.append(("wildelem",))
                    continue
                subscripts = []
                while True:
                    low = self.additive()
                    high = self.additive() if self.take("to") else None
                    subscripts.append((low, high))
                    if not self.take(","):
                        break
                self.expect("]")
                steps.append(("index", subscripts))
            elif kind == "op" and v == "?":
                self.i += 1
                self.expect("(")
                cond = self.expr()
                self.expect(")")
                steps.append(("filter", cond))
            else:
                break
        return ("path", base, steps) if steps else base


def _string(token: str) -> str:
    body = token[1:-1]
    out = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            simple = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v"}
            if nxt == "u" and i + 5 < len(body) + 0:
                out.append(chr(int(body[i + 2 : i + 6], 16)))
                i += 6
                continue
            out.append(simple.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def _regex(pattern: str, flags: str) -> re.Pattern[str]:
    bits = 0
    for f in flags:
        if f == "i":
            bits |= re.IGNORECASE
        elif f == "s":
            bits |= re.DOTALL
        elif f == "m":
            bits |= re.MULTILINE
        elif f == "x":
            bits |= re.VERBOSE
        elif f == "q":
            pattern = re.escape(pattern)
        else:
            raise SqlError("42601", 'invalid input syntax for type jsonpath',
                           detail=f'Unrecognized flag character "{f}" in LIKE_REGEX predicate.')
    try:
        return re.compile(pattern, bits)
    except re.error as exc:
        raise SqlError("2201B", f"invalid regular expression: {exc}") from None


def _syntax(text: str) -> SqlError:
    return SqlError("42601", f'syntax error at or near "{text.strip()[:1]}" of jsonpath input'
                    if text.strip() else "syntax error at end of jsonpath input")


@functools.lru_cache(maxsize=512)
def parse(text: str) -> tuple[bool, Node]:
    """(strict, tree) of a jsonpath text; 42601 for a syntax error."""
    return _Parser(text).parse()


# ---- evaluation --------------------------------------------------------------------------------

_PREDICATES = {"or", "and", "not", "cmp", "exists", "starts", "like", "isunknown"}


class _Eval:
    def __init__(self, root: Any, strict: bool, variables: dict[str, Any] | None) -> None:
        self.root = root
        self.strict = strict
        self.vars = variables or {}

    def values(self, node: Node, current: Any, last: int | None = None) -> list[Any]:
        kind = node[0]
        if kind in _PREDICATES:
            r = self.predicate(node, current)
            return [JSON_NULL if r is None else r]
        if kind == "root":
            return [self.root]
        if kind == "current":
            return [current]
        if kind == "lit":
            return [node[1]]
        if kind == "var":
            if node[1] not in self.vars:
                # not a path error: it is raised even where errors are silenced, as in PostgreSQL
                raise SqlError("42704", f'could not find jsonpath variable "{node[1]}"')
            return [self.vars[node[1]]]
        if kind == "last":
            if last is None:
                raise JsonPathError("22036", "LAST is allowed only in array subscripts")
            return [last]
        if kind in ("neg", "pos"):
            out = []
            for v in self._unwrapped(self.values(node[1], current, last)):
                if not _is_number(v):
                    raise JsonPathError("22038", f"operand of unary jsonpath operator {'-' if kind == 'neg' else '+'} "
                                                 "is not a numeric value")
                out.append(-v if kind == "neg" else v)
            return out
        if kind == "arith":
            return [self._arith(node[1], self._single(node[2], current, last, "left", node[1]),
                                self._single(node[3], current, last, "right", node[1]))]
        if kind == "path":
            items = self.values(node[1], current, last)
            for step in node[2]:
                items = self._step(step, items)
            return items
        raise JsonPathError("42601", "unsupported jsonpath item")

    def _single(self, node: Node, current: Any, last: int | None, side: str, op: str) -> Any:
        vals = self._unwrapped(self.values(node, current, last))
        if len(vals) != 1 or not _is_number(vals[0]):
            raise JsonPathError("22038", f"{side} operand of jsonpath operator {op} is not a single numeric value")
        return vals[0]

    def _unwrapped(self, vals: list[Any]) -> list[Any]:
        if self.strict:
            return vals
        out: list[Any] = []
        for v in vals:
            out.extend(v) if isinstance(v, list) else out.append(v)
        return out

    def _arith(self, op: str, a: Any, b: Any) -> Any:
        da, db = _decimal(a), _decimal(b)
        if op == "+":
            r = da + db
        elif op == "-":
            r = da - db
        elif op == "*":
            r = da * db
        else:
            if db == 0:
                raise JsonPathError("22012", "division by zero")
            r = da / db if op == "/" else da % db
        return _number(r)

    def _step(self, step: Node, items: list[Any]) -> list[Any]:
        kind = step[0]
        out: list[Any] = []
        for item in items:
            if kind == "key":
                if isinstance(item, dict):
                    if step[1] in item:
                        out.append(item[step[1]])
                    elif self.strict:
                        raise JsonPathError("2203A", f'JSON object does not contain key "{step[1]}"')
                elif isinstance(item, list) and not self.strict:
                    out.extend(self._step(step, [x for x in item]))
                elif self.strict:
                    raise JsonPathError("2203A", "jsonpath member accessor can only be applied to an object")
            elif kind == "wildkey":
                if isinstance(item, dict):
                    out.extend(item.values())
                elif isinstance(item, list) and not self.strict:
                    out.extend(self._step(step, item))
                elif self.strict:
                    raise JsonPathError("2203C", "jsonpath wildcard member accessor can only be applied to an object")
            elif kind == "wildelem":
                if isinstance(item, list):
                    out.extend(item)
                elif self.strict:
                    raise JsonPathError("22039", "jsonpath wildcard array accessor can only be applied to an array")
                else:
                    out.append(item)
            elif kind == "anydepth":
                out.extend(_descendants(item))
            elif kind == "index":
                out.extend(self._subscript(item, step[1]))
            elif kind == "filter":
                targets = item if isinstance(item, list) and not self.strict else [item]
                out.extend(x for x in targets if self.predicate(step[1], x) is True)
            elif kind == "method":
                out.extend(self._method(step[1], item))
        return out

    def _subscript(self, item: Any, subscripts: list[tuple[Node, Node | None]]) -> list[Any]:
        if not isinstance(item, list):
            if self.strict:
                raise JsonPathError("22039", "jsonpath array accessor can only be applied to an array")
            item = [item]
        last = len(item) - 1
        out = []
        for low, high in subscripts:
            a = self._index(low, item, last)
            b = self._index(high, item, last) if high is not None else a
            if self.strict and not (0 <= a <= last and 0 <= b <= last):
                raise JsonPathError("22033", "jsonpath array subscript is out of bounds")
            out.extend(item[max(a, 0) : b + 1] if b >= a else [])
        return out

    def _index(self, node: Node, item: list[Any], last: int) -> int:
        vals = self.values(node, item, last)
        if len(vals) != 1 or not _is_number(vals[0]):
            raise JsonPathError("22033", "jsonpath array subscript is not a single numeric value")
        return int(vals[0])

    def _method(self, name: str, item: Any) -> list[Any]:
        if name == "type":
            return [_type_name(item)]
        if name == "size":
            if isinstance(item, list):
                return [len(item)]
            if self.strict:
                raise JsonPathError("22039", "jsonpath item method .size() can only be applied to an array")
            return [1]
        if isinstance(item, list) and not self.strict and name != "keyvalue":
            return [x for v in item for x in self._method(name, v)]
        if name in ("abs", "floor", "ceiling"):
            if not _is_number(item):
                raise JsonPathError("22038", f"jsonpath item method .{name}() can only be applied to a numeric value")
            d = _decimal(item)
            r = abs(d) if name == "abs" else d.to_integral_value("ROUND_FLOOR" if name == "floor" else "ROUND_CEILING")
            return [_number(r)]
        if name == "double":
            try:
                f = float(item) if isinstance(item, (str, int, float, Decimal)) and not isinstance(item, bool) \
                    else None
            except ValueError:
                f = None
            if f is None or not math.isfinite(f):
                raise JsonPathError("22038", "jsonpath item method .double() can only be applied to a string or "
                                             "numeric value")
            return [f]
        if name == "keyvalue":
            if not isinstance(item, dict):
                raise JsonPathError("22038", "jsonpath item method .keyvalue() can only be applied to an object")
            return [{"key": k, "value": v, "id": 0} for k, v in item.items()]
        raise SqlError("0A000", f"jsonpath item method .{name}() is not supported by orbitdb")

    # -- predicates --
    def predicate(self, node: Node, current: Any) -> bool | None:
        kind = node[0]
        if kind == "and":
            a = self.predicate(node[1], current)
            if a is False:
                return False
            b = self.predicate(node[2], current)
            return False if b is False else (None if a is None or b is None else True)
        if kind == "or":
            a = self.predicate(node[1], current)
            if a is True:
                return True
            b = self.predicate(node[2], current)
            return True if b is True else (None if a is None or b is None else False)
        if kind == "not":
            r = self.predicate(node[1], current)
            return None if r is None else not r
        if kind == "isunknown":
            return self.predicate(node[1], current) is None
        if kind == "exists":
            try:
                return bool(self.values(node[1], current))
            except JsonPathError:
                return None
        if kind in ("cmp", "starts", "like"):
            try:
                left = self._unwrapped(self.values(node[2] if kind == "cmp" else node[1], current))
                right = self._unwrapped(self.values(node[3], current)) if kind == "cmp" else (
                    self._unwrapped(self.values(node[2], current)) if kind == "starts" else [])
            except JsonPathError:
                return None
            return self._compare_any(kind, node, left, right)
        vals = self.values(node, current)  # a value used as a predicate: PostgreSQL's boolean items
        if len(vals) == 1 and isinstance(vals[0], bool):
            return vals[0]
        raise JsonPathError("22038", "jsonpath filter expression is not a boolean")

    def _compare_any(self, kind: str, node: Node, left: list[Any], right: list[Any]) -> bool | None:
        found = False
        error = False
        for a in left:
            if kind == "like":
                if not isinstance(a, str):
                    error = True
                elif node[2].search(a):
                    found = True
            elif kind == "starts":
                for b in right:
                    if not (isinstance(a, str) and isinstance(b, str)):
                        error = True
                    elif a.startswith(b):
                        found = True
            else:
                for b in right:
                    r = _compare(node[1], a, b)
                    if r is None:
                        error = True
                    elif r:
                        found = True
            if found and not self.strict:
                return True
        if error:
            return None
        return found


def _compare(op: str, a: Any, b: Any) -> bool | None:
    if a is JSON_NULL or b is JSON_NULL:
        if op in ("==", "!="):
            return (a is b) == (op == "==")
        return False
    if _is_number(a) and _is_number(b):
        x, y = _decimal(a), _decimal(b)
    elif isinstance(a, str) and isinstance(b, str) or isinstance(a, bool) and isinstance(b, bool):
        x, y = a, b
    else:
        return None
    if op == "==":
        return bool(x == y)
    if op == "!=":
        return bool(x != y)
    if op == "<":
        return bool(x < y)
    if op == "<=":
        return bool(x <= y)
    if op == ">":
        return bool(x > y)
    return bool(x >= y)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)


def _decimal(v: Any) -> Decimal:
    return v if isinstance(v, Decimal) else Decimal(repr(v)) if isinstance(v, float) else Decimal(v)


def _number(d: Decimal) -> Any:
    return d


def _type_name(v: Any) -> str:
    if v is JSON_NULL:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if _is_number(v):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def _descendants(v: Any) -> list[Any]:
    out = [v]
    if isinstance(v, dict):
        for x in v.values():
            out.extend(_descendants(x))
    elif isinstance(v, list):
        for x in v:
            out.extend(_descendants(x))
    return out


# ---- the SQL functions' and operators' entry points --------------------------------------------

def query(value: Any, path: str, variables: Any = None, silent: bool = False) -> list[Any] | None:
    """The items path selects (None when silent and an error occurred)."""
    strict, tree = parse(path)
    if variables is not None and not isinstance(variables, dict):
        raise SqlError("22023", '"vars" argument is not an object',
                       detail="Jsonpath parameters should be encoded as key-value pairs of \"vars\" object.")
    try:
        return _Eval(value, strict, variables).values(tree, value)
    except JsonPathError as exc:
        if silent:
            return None
        raise SqlError(exc.sqlstate, exc.message) from None


def exists(value: Any, path: str, variables: Any = None, silent: bool = False) -> bool | None:
    items = query(value, path, variables, silent)
    return None if items is None else bool(items)


def match(value: Any, path: str, variables: Any = None, silent: bool = False) -> bool | None:
    items = query(value, path, variables, silent)
    if items is None:
        return None
    if len(items) == 1 and (isinstance(items[0], bool) or items[0] is JSON_NULL):
        return None if items[0] is JSON_NULL else items[0]
    if silent:
        return None
    raise SqlError("22038", "single boolean result is expected")
