"""PostgreSQL's string functions: text and bytea manipulation, format(),
quoting, encodings and digests (the regular expression functions are in
``regexp``)."""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import re
from collections.abc import Callable, Iterator
from typing import Any

from sqlglot import exp

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.expr.compiler import Compiler
from orbitdb.sql.expr.core import E, coerce
from orbitdb.sql.expr.funccall import call_compiled
from orbitdb.sql.functions import hook as hook_
from orbitdb.sql.functions.registry import ANY, ANYARRAY, register
from orbitdb.sql.parse.lexical import utf8_error_bytes
from orbitdb.sql.statement_scope import running_timezone
from orbitdb.sql.types import SqlType
from orbitdb.sql.types import limits as L
from orbitdb.sql.types.casts import EXPLICIT, find_cast
from orbitdb.sql.types.pgtext.numbers import parse_int
from orbitdb.sql.types.textio import to_text

TEXT, INT4, INT8, BOOL, BYTEA = T.TEXT, T.INT4, T.INT8, T.BOOL, T.BYTEA
TEXT_ARRAY = T.array_of(T.TEXT)

MAX_ALLOC = L.MAX_ALLOC_SIZE  # PostgreSQL's MaxAllocSize: the largest text value
_MAX_CHAR_BYTES = 4  # PostgreSQL sizes some results for the worst case: 4 bytes a character in UTF8


def _too_long() -> SqlError:
    return L.requested_length_too_large()


# ---------------------------------------------------------------------------
# output functions for "any" arguments


def output_fn(t: SqlType) -> Callable[[Any], str]:
    """PostgreSQL's output function of a type (as a function of a non-NULL value):
    what concat() or format() print. Unlike a cast to text, booleans print as t/f
    and character(n) keeps its padding."""
    if t.oid in T.STRING_OIDS:
        return lambda v: v if isinstance(v, str) else value_text(v)
    if t.oid == T.BOOL.oid:
        return lambda v: "t" if v else "f"
    if t.elem is not None and t.elem.oid == T.BOOL.oid:
        return lambda v: to_text(v, t.oid)
    if t.oid in (T.INET.oid, T.CIDR.oid):  # inet_out, where the cast to text is text(inet)
        return lambda v: to_text(v, t.oid)
    conv = find_cast(t, T.TEXT, EXPLICIT)
    if conv is None:
        return value_text
    return conv


def value_text(v: Any) -> str:
    """The text of a value by its Python type (when its SQL type is not known):
    booleans as t/f, timestamptz in the session zone."""
    if isinstance(v, str):
        return v
    import datetime

    if isinstance(v, datetime.datetime) and v.tzinfo is not None:
        return to_text(v, T.TIMESTAMPTZ.oid, session_tz())
    return to_text(v, 0)


def session_tz() -> Any:
    """The running statement's session's TimeZone (UTC when no statement runs)."""
    return running_timezone()


def text_arg(e: E) -> E:
    """An argument of any type turned into its text form (output function), as
    PostgreSQL's variadic "any" functions print their arguments."""
    t = e.type
    if t.oid == T.UNKNOWN.oid:
        return coerce(e, T.TEXT)
    if t.oid in T.STRING_OIDS:
        return E(e.fn, T.TEXT, e.const, e.value, e.name)
    out = output_fn(t)
    f = e.fn
    if e.const:
        v = None if e.value is None else out(e.value)
        return E(lambda row: v, T.TEXT, True, v, e.name)
    return E(lambda row: _opt(out, f(row)), T.TEXT, name=e.name)


def cast_text_arg(e: E) -> E:
    """An argument of any type cast to text (anyelement::text)."""
    if e.type.oid == T.UNKNOWN.oid or e.type.oid in T.STRING_OIDS:
        return coerce(e, T.TEXT)
    if find_cast(e.type, T.TEXT, EXPLICIT) is None:
        return text_arg(e)
    return coerce(e, T.TEXT, EXPLICIT)


def _opt(f: Callable[[Any], Any], v: Any) -> Any:
    return None if v is None else f(v)


def _call(c: Compiler, name: str, args: list[E]) -> E:
    return call_compiled(c, name, args)


def _texts_special(name: str, first_fixed: int = 0, cast: bool = False) -> None:
    """Registers a compile-time hook printing each "any" argument with its
    type's output function (or, with cast, its cast to text) before the call
    (concat, format, quote_literal, ...)."""

    def hook(c: Compiler, args: list[exp.Expression], node: exp.Expression) -> E:
        compiled = [c.compile(a) for a in args]
        conv = cast_text_arg if cast else text_arg
        out = [a if i < first_fixed else conv(a) for i, a in enumerate(compiled)]
        return _call(c, name, out)

    hook_(name)(hook)


# ---------------------------------------------------------------------------
# lengths and case


@register("length", [TEXT], INT4)
@register("char_length", [TEXT], INT4)
@register("character_length", [TEXT], INT4)
def length(s: str) -> int:
    return len(s)


@register("length", [BYTEA], INT4)
@register("octet_length", [BYTEA], INT4)
def length_bytes(b: bytes) -> int:
    return len(b)


@register("octet_length", [TEXT], INT4)
def octet_length(s: str) -> int:
    return len(s.encode("utf-8", "surrogatepass"))


@register("octet_length", [T.BPCHAR], INT4)
def octet_length_bpchar(s: str) -> int:
    return len(s.encode("utf-8", "surrogatepass"))


@register("bit_length", [TEXT], INT4)
def bit_length(s: str) -> int:
    return 8 * len(s.encode("utf-8", "surrogatepass"))


@register("bit_length", [BYTEA], INT4)
def bit_length_bytes(b: bytes) -> int:
    return 8 * len(b)


# orbitdb's databases use the C locale (lc_ctype C): case mapping and character
# classes apply to ASCII letters only, as in PostgreSQL with LC_CTYPE=C.
_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}
_UPPER = {c: c - 32 for c in range(ord("a"), ord("z") + 1)}


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


@register("lower", [TEXT], TEXT)
def lower(s: str) -> str:
    return s.lower() if s.isascii() else s.translate(_LOWER)


@register("upper", [TEXT], TEXT)
def upper(s: str) -> str:
    return s.upper() if s.isascii() else s.translate(_UPPER)


@register("initcap", [TEXT], TEXT)
def initcap(s: str) -> str:
    out = []
    word = False
    for ch in s:
        if ch.isascii():
            out.append(ch.lower() if word else ch.upper())
        else:
            out.append(ch)
        word = _ascii_alnum(ch)
    return "".join(out)


# ---------------------------------------------------------------------------
# substrings and positions


def _substr(s: Any, start: int, count: int | None) -> Any:
    if count is None:
        return s[max(start, 1) - 1:]
    if count < 0:
        raise SqlError("22011", "negative substring length not allowed")
    end = start + count  # exclusive, 1-based
    lo = max(start, 1)
    if end <= lo:
        return s[:0]
    return s[lo - 1: end - 1]


@register("substring", [TEXT, INT4, INT4], TEXT)
@register("substr", [TEXT, INT4, INT4], TEXT)
@register("substring", [BYTEA, INT4, INT4], BYTEA)
@register("substr", [BYTEA, INT4, INT4], BYTEA)
def substring(s: Any, start: int, count: int) -> Any:
    return _substr(s, start, count)


@register("substring", [TEXT, INT4], TEXT)
@register("substr", [TEXT, INT4], TEXT)
@register("substring", [BYTEA, INT4], BYTEA)
@register("substr", [BYTEA, INT4], BYTEA)
def substring_from(s: Any, start: int) -> Any:
    return _substr(s, start, None)


@register("strpos", [TEXT, TEXT], INT4)
@register("position", [TEXT, TEXT], INT4)
def strpos(s: str, sub: str) -> int:
    return s.find(sub) + 1


@register("position", [BYTEA, BYTEA], INT4)
def position_bytes(s: bytes, sub: bytes) -> int:
    return s.find(sub) + 1


@register("starts_with", [TEXT, TEXT], BOOL)
def starts_with(s: str, prefix: str) -> bool:
    return s.startswith(prefix)


@register("replace", [TEXT, TEXT, TEXT], TEXT)
def replace(s: str, old: str, new: str) -> str:
    if not old:
        return s
    return L.replace_text(s, old, new)


@register("translate", [TEXT, TEXT, TEXT], TEXT)
def translate(s: str, frm: str, to: str) -> str:
    worst = _MAX_CHAR_BYTES * len(s)  # PostgreSQL allocates the worst case at once
    if worst > L.INT4_MAX:
        raise _too_long()
    if worst + 4 > MAX_ALLOC:
        raise L.invalid_alloc_request(worst + 4)
    table: dict[int, Any] = {}
    for i, ch in enumerate(frm):
        if ord(ch) in table:
            continue
        table[ord(ch)] = to[i] if i < len(to) else None
    return s.translate(table)


@register("split_part", [TEXT, TEXT, INT4], TEXT)
def split_part(s: str, delim: str, n: int) -> str:
    if n == 0:
        raise SqlError("22023", "field position must not be zero")
    if s == "":
        return ""
    if delim == "":
        return s if n in (1, -1) else ""
    parts = s.split(delim)
    if n > 0:
        return parts[n - 1] if n <= len(parts) else ""
    return parts[n] if -n <= len(parts) else ""


@register("left", [TEXT, INT4], TEXT)
def left(s: str, n: int) -> str:
    return s[:n] if n >= 0 else s[: max(len(s) + n, 0)]


@register("right", [TEXT, INT4], TEXT)
def right(s: str, n: int) -> str:
    if n >= 0:
        return s[len(s) - n:] if n < len(s) else s
    return s[-n:]


@register("reverse", [TEXT], TEXT)
def reverse(s: str) -> str:
    return s[::-1]


@register("repeat", [TEXT, INT4], TEXT)
def repeat(s: str, n: int) -> str:
    if n <= 0:
        return ""
    if L.text_bytes(s) * n + 4 > MAX_ALLOC:
        raise _too_long()
    return s * n


def _pad(s: str, n: int, fill: str, left_side: bool) -> str:
    n = max(n, 0)
    # PostgreSQL checks the worst case (4 bytes a character) of the length it will produce
    worst = min(len(s), n) if not fill else n
    if _MAX_CHAR_BYTES * worst + 4 > MAX_ALLOC:
        raise _too_long()
    if n == 0:
        return ""
    if len(s) >= n:
        return s[:n]
    if not fill:
        return s
    need = n - len(s)
    pad = (fill * (need // len(fill) + 1))[:need]
    return pad + s if left_side else s + pad


@register("lpad", [TEXT, INT4, TEXT], TEXT)
def lpad(s: str, n: int, fill: str = " ") -> str:
    return _pad(s, n, fill, True)


@register("rpad", [TEXT, INT4, TEXT], TEXT)
def rpad(s: str, n: int, fill: str = " ") -> str:
    return _pad(s, n, fill, False)


register("lpad", [TEXT, INT4], TEXT)(lambda s, n: _pad(s, n, " ", True))
register("rpad", [TEXT, INT4], TEXT)(lambda s, n: _pad(s, n, " ", False))


@register("btrim", [TEXT, TEXT], TEXT)
@register("btrim", [BYTEA, BYTEA], BYTEA)
def btrim(s: Any, chars: Any) -> Any:
    return s.strip(chars)


@register("ltrim", [TEXT, TEXT], TEXT)
@register("ltrim", [BYTEA, BYTEA], BYTEA)
def ltrim(s: Any, chars: Any) -> Any:
    return s.lstrip(chars)


@register("rtrim", [TEXT, TEXT], TEXT)
@register("rtrim", [BYTEA, BYTEA], BYTEA)
def rtrim(s: Any, chars: Any) -> Any:
    return s.rstrip(chars)


register("btrim", [TEXT], TEXT)(lambda s: s.strip(" "))
register("ltrim", [TEXT], TEXT)(lambda s: s.lstrip(" "))
register("rtrim", [TEXT], TEXT)(lambda s: s.rstrip(" "))


@register("overlay", [TEXT, TEXT, INT4, INT4], TEXT)
@register("overlay", [BYTEA, BYTEA, INT4, INT4], BYTEA)
def overlay(s: Any, new: Any, start: int, count: int) -> Any:
    if start <= 0:
        raise SqlError("22011", "negative substring length not allowed")
    if not -L.INT4_MAX - 1 <= start + count <= L.INT4_MAX:
        raise SqlError("22003", "integer out of range")
    head = _substr(s, 1, start - 1)
    tail = _substr(s, start + count, None) if count >= 0 or start + count >= 1 else s
    return head + new + tail


@register("overlay", [TEXT, TEXT, INT4], TEXT)
@register("overlay", [BYTEA, BYTEA, INT4], BYTEA)
def overlay3(s: Any, new: Any, start: int) -> Any:
    return overlay(s, new, start, len(new))


@register("chr", [INT4], TEXT)
def chr_(n: int) -> str:
    if n == 0:
        raise SqlError("54000", "null character not permitted")
    if n < 0:
        raise SqlError("22023", "character number must be positive")
    if n > 0x10FFFF:
        raise SqlError("54000", f"requested character too large for encoding: {n}")
    if 0xD800 <= n <= 0xDFFF:
        raise SqlError("54000", f"requested character not valid for encoding: {n}")
    return chr(n)


@register("ascii", [TEXT], INT4)
def ascii_(s: str) -> int:
    return ord(s[0]) if s else 0


@register("to_hex", [INT4], TEXT)
def to_hex32(n: int) -> str:
    return format(n & 0xFFFFFFFF, "x")


@register("to_hex", [INT8], TEXT)
def to_hex64(n: int) -> str:
    return format(n & 0xFFFFFFFFFFFFFFFF, "x")


@register("unistr", [TEXT], TEXT)
def unistr(s: str) -> str:
    out = []
    i = 0
    n = len(s)

    def bad() -> SqlError:
        return SqlError("42601", "invalid Unicode escape",
                        hint="Unicode escapes must be \\XXXX, \\+XXXXXX, \\uXXXX, or \\UXXXXXXXX.")

    while i < n:
        ch = s[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        if i + 1 < n and s[i + 1] == "\\":
            out.append("\\")
            i += 2
            continue
        for prefix, digits in (("+", 6), ("u", 4), ("U", 8), ("", 4)):
            body = s[i + 1 + len(prefix): i + 1 + len(prefix) + digits]
            if s.startswith(prefix, i + 1) and len(body) == digits and all(c in "0123456789abcdefABCDEF"
                                                                            for c in body):
                cp = int(body, 16)
                if cp > 0x10FFFF:
                    raise SqlError("22023", f"invalid Unicode code point: {body}")
                out.append(chr(cp))
                i += 1 + len(prefix) + digits
                break
        else:
            raise bad()
    text = "".join(out)
    # join surrogate pairs written as two escapes
    return text.encode("utf-16", "surrogatepass").decode("utf-16") if any(
        0xD800 <= ord(c) <= 0xDFFF for c in text) else text


# ---------------------------------------------------------------------------
# concat, format, quoting


def _concat_piece(v: Any) -> str:
    return v if isinstance(v, str) else value_text(v)


@register("concat", [ANY], TEXT, strict=False, variadic=True, min_args=1)
def concat(*args: Any) -> str:
    return L.join_text([_concat_piece(a) for a in args if a is not None])


@register("concat_ws", [TEXT, ANY], TEXT, strict=False, variadic=True, min_args=2)
def concat_ws(sep: str | None, *args: Any) -> str | None:
    if sep is None:
        return None
    return L.join_text([_concat_piece(a) for a in args if a is not None], sep)


_texts_special("concat")
_texts_special("concat_ws", first_fixed=1)
_texts_special("format", first_fixed=1)
_texts_special("quote_literal", cast=True)
_texts_special("quote_nullable", cast=True)


_FORMAT_SPEC = re.compile(r"%(?:(\d+)\$)?(-)?(\*(?:(\d+)\$)?|\d+)?(.)?", re.DOTALL)


def _fmt_error(msg: str) -> SqlError:
    return SqlError("22023", msg, hint='For a single "%" use "%%".' if "specifier" in msg else None)


@register("format", [TEXT, ANY], TEXT, strict=False, variadic=True, min_args=1)
def format_(fmt: str | None, *args: Any) -> str | None:
    if fmt is None:
        return None
    out = L.TextBuffer()  # a huge width fails before the padding is made
    i = 0
    n = len(fmt)
    next_arg = 0
    while i < n:
        ch = fmt[i]
        if ch != "%":
            j = fmt.find("%", i)
            j = n if j < 0 else j
            out.append(fmt[i:j])
            i = j
            continue
        if i + 1 >= n:
            raise _fmt_error("unterminated format() type specifier")
        if fmt[i + 1] == "%":
            out.append("%")
            i += 2
            continue
        # %[argpos$][flags][width]type
        j = i + 1
        argpos, j = _fmt_number(fmt, j)
        if argpos is not None:
            if j < n and fmt[j] == "$":
                j += 1
                if argpos == 0:
                    raise SqlError("22023", "format specifies argument 0, but arguments are numbered from 1")
            else:
                # it was a width, not a position
                width_num: int | None = argpos
                argpos = None
                return_j = j
                next_arg, i = _fmt_conv(out, fmt, return_j, args, None, False, width_num, None, next_arg)
                continue
        minus = False
        while j < n and fmt[j] == "-":
            minus = True
            j += 1
        width: int | None = None
        width_arg: int | None = None
        if j < n and fmt[j] == "*":
            j += 1
            wpos, j2 = _fmt_number(fmt, j)
            if wpos is not None:
                if j2 < n and fmt[j2] == "$":
                    if wpos == 0:
                        raise SqlError("22023", "format specifies argument 0, but arguments are numbered from 1")
                    width_arg = wpos
                    j = j2 + 1
                else:
                    raise _fmt_error("unterminated format() type specifier")
            else:
                width_arg = -1  # next argument
        else:
            width, j = _fmt_number(fmt, j)
        next_arg, i = _fmt_conv(out, fmt, j, args, argpos, minus, width, width_arg, next_arg)
    return out.text()


def _fmt_number(fmt: str, j: int) -> tuple[int | None, int]:
    k = j
    while k < len(fmt) and fmt[k].isdigit():
        k += 1
    if k == j:
        return None, j
    v = int(fmt[j:k])
    if v > 2147483647:
        raise SqlError("22003", "number is out of range")
    return v, k


def _fmt_conv(out: L.TextBuffer, fmt: str, j: int, args: tuple[Any, ...], argpos: int | None, minus: bool,
              width: int | None, width_arg: int | None, next_arg: int) -> tuple[int, int]:
    """Appends one conversion to out, padded to its width (as PostgreSQL pads: by characters);
    returns the next argument and where the format goes on."""
    if j >= len(fmt):
        raise _fmt_error("unterminated format() type specifier")
    if width_arg is not None:
        idx = next_arg if width_arg == -1 else width_arg - 1
        if idx >= len(args):
            raise SqlError("22023", "too few arguments for format()")
        wv = args[idx]
        next_arg = idx + 1
        if wv is None:
            width = 0
        else:
            try:
                width = int(wv)
            except (TypeError, ValueError):
                width = parse_int(str(wv), "integer")
        if width < 0:
            minus = True
            width = -width
    kind = fmt[j]
    if kind not in "sIL":
        raise _fmt_error(f'unrecognized format() type specifier "{kind}"')
    idx = next_arg if argpos is None else argpos - 1
    if idx >= len(args):
        raise SqlError("22023", "too few arguments for format()")
    v = args[idx]
    next_arg = idx + 1
    if kind == "s":
        s = "" if v is None else _concat_piece(v)
    elif kind == "I":
        if v is None:
            raise SqlError("22004", "null values cannot be formatted as an SQL identifier")
        s = quote_ident(_concat_piece(v))
    else:
        s = "NULL" if v is None else quote_literal(_concat_piece(v))
    padding = width - len(s) if width else 0
    if padding > 0 and minus:
        out.append(s)
        out.spaces(padding)
    elif padding > 0:
        out.spaces(padding)
        out.append(s)
    else:
        out.append(s)
    return next_arg, j + 1


_KEYWORDS = frozenset(["all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast", "char", "character", "check", "coalesce", "collate", "collation", "column", "concurrently", "constraint", "create", "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time", "current_timestamp", "current_user", "dec", "decimal", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists", "extract", "false", "fetch", "float", "for", "foreign", "freeze", "from", "full", "grant", "greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner", "inout", "int", "integer", "intersect", "interval", "into", "is", "isnull", "join", "lateral", "leading", "least", "left", "like", "limit", "localtime", "localtimestamp", "national", "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif", "numeric", "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing", "position", "precision", "primary", "real", "references", "returning", "right", "row", "select", "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric", "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat", "trim", "true", "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose", "when", "where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable"])
_SAFE_IDENT = re.compile(r"[a-z_][a-z0-9_$]*\Z")


@register("quote_ident", [TEXT], TEXT)
def quote_ident(s: str) -> str:
    if _SAFE_IDENT.match(s) and s not in _KEYWORDS:
        return s
    return '"' + s.replace('"', '""') + '"'


@register("quote_literal", [TEXT], TEXT)
def quote_literal(s: Any) -> str:
    s = _concat_piece(s)
    if 8 * len(s) + 7 > MAX_ALLOC:  # only a long value can pass 1 GB: measure it
        worst = 2 * L.text_bytes(s) + 3 + 4  # PostgreSQL allocates for every byte doubled
        if worst > MAX_ALLOC:
            raise L.invalid_alloc_request(worst)
    body = s.replace("'", "''")
    if "\\" in s:
        return "E'" + body.replace("\\", "\\\\") + "'"
    return "'" + body + "'"


register("quote_literal", [ANY], TEXT)(quote_literal)


@register("quote_nullable", [TEXT], TEXT, strict=False)
def quote_nullable(s: Any) -> str:
    return "NULL" if s is None else quote_literal(s)


register("quote_nullable", [ANY], TEXT, strict=False)(quote_nullable)


# ---------------------------------------------------------------------------
# digests and encodings


@register("md5", [TEXT], TEXT)
def md5_text(s: str) -> str:
    return hashlib.md5(s.encode("utf-8")).hexdigest()


@register("md5", [BYTEA], TEXT)
def md5_bytes(b: bytes) -> str:
    return hashlib.md5(b).hexdigest()


for _bits in (224, 256, 384, 512):
    register(f"sha{_bits}", [BYTEA], BYTEA)(functools.partial(lambda bits, b: hashlib.new(f"sha{bits}", b).digest(),
                                                              _bits))


@register("s_h_a2_digest", [BYTEA, INT4], BYTEA)  # sqlglot's name for sha256/sha384/sha512(x)
def sha2_digest(b: bytes, bits: int) -> bytes:
    if bits not in (224, 256, 384, 512):
        raise SqlError("22023", f"unsupported SHA-2 length: {bits}")
    return hashlib.new(f"sha{bits}", b).digest()


@register("encode", [BYTEA, TEXT], TEXT)
def encode(b: bytes, fmt: str) -> str:
    kind = fmt.lower()
    size = {"hex": 2 * len(b), "base64": (len(b) + 2) // 3 * 4 + len(b) // 57}.get(kind, 0)
    if size > MAX_ALLOC - 4:
        raise SqlError("54000", "result of encoding conversion is too large")
    if kind == "hex":
        return b.hex()
    if kind == "base64":
        raw = base64.b64encode(b).decode("ascii")
        return "\n".join(raw[i: i + 76] for i in range(0, len(raw), 76))
    if kind == "escape":
        out = []
        for byte in b:
            if byte == 0 or byte >= 0x80:
                out.append(f"\\{byte:03o}")
            elif byte == 0x5C:
                out.append("\\\\")
            else:
                out.append(chr(byte))
        return "".join(out)
    raise SqlError("22023", f'unrecognized encoding: "{fmt}"')


_ENCODINGS = {
    "utf8": "utf-8", "utf-8": "utf-8", "unicode": "utf-8", "sql_ascii": "ascii", "latin1": "latin-1",
    "iso88591": "latin-1", "iso_8859_1": "latin-1", "latin9": "iso8859-15", "win1252": "cp1252",
    "win1251": "cp1251", "koi8r": "koi8-r", "euc_jp": "euc-jp", "sjis": "shift-jis", "gbk": "gbk",
    "big5": "big5", "euc_kr": "euc-kr", "latin2": "iso8859-2", "win1250": "cp1250",
}


def _codec(name: str) -> str:
    codec = _ENCODINGS.get(name.lower().replace("-", "_").replace(" ", "")) or _ENCODINGS.get(name.lower())
    if codec is None:
        raise SqlError("22023", f'invalid destination encoding name "{name}"')
    return codec


@register("convert_to", [TEXT, T.NAME], BYTEA)
def convert_to(s: str, enc: str) -> bytes:
    codec = _codec(enc)
    try:
        return s.encode(codec)
    except UnicodeEncodeError as e:
        ch = s[e.start]
        raise SqlError("22P05", f'character with byte sequence 0x{ch.encode("utf-8").hex()} in encoding "UTF8" '
                                f'has no equivalent in encoding "{enc.upper()}"') from None


@register("convert_from", [BYTEA, T.NAME], TEXT)
def convert_from(b: bytes, enc: str) -> str:
    codec = _codec(enc)
    nul = b.find(0)  # text cannot hold NUL, whatever the encoding
    try:
        value = b.decode(codec)
    except UnicodeDecodeError as e:
        first = e.start if nul < 0 else min(nul, e.start)
        shown = utf8_error_bytes(b[first:]) if codec in ("utf-8", "utf_8") else f"0x{b[first]:02x}"
        raise SqlError("22021", f'invalid byte sequence for encoding "{enc.upper()}": {shown}') from None
    if nul >= 0:
        raise SqlError("22021", f'invalid byte sequence for encoding "{enc.upper()}": 0x00')
    return value


@register("convert", [BYTEA, T.NAME, T.NAME], BYTEA)
def convert(b: bytes, src: str, dst: str) -> bytes:
    return convert_to(convert_from(b, src), dst)


@register("decode", [TEXT, TEXT], BYTEA)
def decode(s: str, fmt: str) -> bytes:
    kind = fmt.lower()
    if kind == "hex":
        return _decode_hex(s)
    if kind == "base64":
        return _decode_base64(s)
    if kind == "escape":
        return _decode_escape(s)
    raise SqlError("22023", f'unrecognized encoding: "{fmt}"')


_HEX = "0123456789abcdefABCDEF"


def _decode_hex(s: str) -> bytes:
    out = bytearray()
    i, n = 0, len(s)
    while i < n:
        ch = s[i]
        if ch in " \t\n\r":
            i += 1
            continue
        if ch not in _HEX:
            raise SqlError("22023", f'invalid hexadecimal digit: "{ch}"')
        if i + 1 >= n:
            raise SqlError("22023", "invalid hexadecimal data: odd number of digits")
        ch2 = s[i + 1]
        if ch2 not in _HEX:
            raise SqlError("22023", f'invalid hexadecimal digit: "{ch2}"')
        out.append(int(s[i: i + 2], 16))
        i += 2
    return bytes(out)


_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _decode_base64(s: str) -> bytes:
    clean = []
    pad = 0
    for ch in s:
        if ch in " \t\n\r":
            continue
        if ch == "=":
            pad += 1
            clean.append(ch)
            continue
        if ch not in _B64 or pad:
            if ch in _B64 and pad:
                raise SqlError("22023", "unexpected \"=\" while decoding base64 sequence")
            raise SqlError("22023", f'invalid symbol "{ch}" found while decoding base64 sequence')
        clean.append(ch)
    text = "".join(clean)
    if len(text) % 4 != 0 or pad > 2:
        raise SqlError("22023", "invalid base64 end sequence",
                       hint="Input data is missing padding, is truncated, or is otherwise corrupted.")
    try:
        return base64.b64decode(text, validate=True)
    except binascii.Error:
        raise SqlError("22023", "invalid base64 end sequence",
                       hint="Input data is missing padding, is truncated, or is otherwise corrupted.") from None


def _decode_escape(s: str) -> bytes:
    out = bytearray()
    i, n = 0, len(s)
    while i < n:
        ch = s[i]
        if ch != "\\":
            out.extend(ch.encode("utf-8"))
            i += 1
            continue
        if i + 1 < n and s[i + 1] == "\\":
            out.append(0x5C)
            i += 2
            continue
        octal = s[i + 1: i + 4]
        if len(octal) == 3 and octal[0] in "0123" and all(c in "01234567" for c in octal):
            out.append(int(octal, 8))
            i += 4
            continue
        raise SqlError("22P02", "invalid input syntax for type bytea")
    return bytes(out)


# ---------------------------------------------------------------------------
# arrays of text


@register("string_to_array", [TEXT, TEXT], TEXT_ARRAY, strict=False)
def string_to_array(s: str | None, delim: str | None, null_str: str | None = None) -> list[str | None] | None:
    if s is None:
        return None
    if s == "":
        return []
    if delim is None:
        parts: list[str] = list(s)
    elif delim == "":
        parts = [s]
    else:
        parts = s.split(delim)
    if null_str is None:
        return list(parts)
    return [None if p == null_str else p for p in parts]


register("string_to_array", [TEXT, TEXT, TEXT], TEXT_ARRAY, strict=False)(string_to_array)


@register("string_to_table", [TEXT, TEXT], TEXT, strict=False, set_returning=True)
def string_to_table(s: str | None, delim: str | None, null_str: str | None = None) -> list[str | None]:
    return string_to_array(s, delim, null_str) or []


register("string_to_table", [TEXT, TEXT, TEXT], TEXT, strict=False, set_returning=True)(string_to_table)


def _flat(v: list[Any]) -> Iterator[Any]:
    for x in v:
        if isinstance(x, list):
            yield from _flat(x)
        else:
            yield x


@register("array_to_string", [ANYARRAY, TEXT], TEXT, strict=False)
def array_to_string(arr: list[Any] | None, sep: str | None, null_str: str | None = None) -> str | None:
    if arr is None or sep is None:
        return None
    parts = []
    for x in _flat(arr):
        if x is None:
            if null_str is not None:
                parts.append(null_str)
        else:
            parts.append(_concat_piece(x))
    return L.join_text(parts, sep)


register("array_to_string", [ANYARRAY, TEXT, TEXT], TEXT, strict=False)(array_to_string)


@hook_("array_to_string")
def _array_to_string_hook(c: Compiler, args: list[exp.Expression], node: exp.Expression) -> E:
    compiled = [c.compile(a) for a in args]
    arr_t = compiled[0].type if compiled else None
    if arr_t is not None and arr_t.elem is not None and arr_t.elem.oid not in T.STRING_OIDS:
        out = output_fn(arr_t.elem)

        def conv(v: list[Any]) -> list[Any]:
            return [None if x is None else (conv(x) if isinstance(x, list) else out(x)) for x in v]

        f = compiled[0].fn
        compiled[0] = E(lambda row: _opt(conv, f(row)), TEXT_ARRAY, name=compiled[0].name)
    return _call(c, "array_to_string", compiled)


__all__ = ["quote_ident", "quote_literal", "session_tz", "text_arg", "value_text"]
