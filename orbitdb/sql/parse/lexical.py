"""PostgreSQL's lexical rules that sqlglot does not apply, run on each statement's text before it
is parsed:

- escape strings (E'...') are decoded as PostgreSQL's scanner decodes them: octal and hex escapes
  are bytes, and the result must be valid UTF-8 without NUL (22021), \\u and \\U escapes must name
  a character (42601, 22025); Unicode strings (U&'...' [UESCAPE 'c']) and identifiers (U&"...")
  are decoded likewise. Either becomes a plain literal (or quoted identifier) in the text sqlglot
  reads, so sqlglot's own, looser decoding never applies.
- identifiers longer than 63 bytes are truncated (on a character boundary) with PostgreSQL's
  NOTICE 42622; an unquoted one is downcased first, as PostgreSQL downcases it (ASCII only).
- a NUL character anywhere in the text is 22021: PostgreSQL's query strings cannot hold one.
- a number or a parameter followed by letters (123abc, 1.5e-, $1x) is PostgreSQL 15's "trailing
  junk" syntax error (42601).

The scan is linear: strings, comments and dollar quotes are skipped with str.find, and a text
with none of the cases above is returned as it is.
"""

from __future__ import annotations

import re
import string

from orbitdb.sql.errors import SqlError
from orbitdb.sql.result import Notice
from orbitdb.sql.types.pgtext.names import truncate_identifier

_MAX_CODE_POINT = 0x10FFFF


def _ascii_and_all_non_ascii(ascii_members: str) -> str:
    """A character class of the ASCII characters given and every non-ASCII character, written as
    the complement of the other ASCII characters: re compiles a range up to U+10FFFF by visiting
    each code point (5-8 ms a class, at import), the complement in a tenth of a millisecond."""
    others = "".join(f"\\x{c:02x}" for c in range(128) if chr(c) not in ascii_members)
    return f"[^{others}]"


_LETTER = _ascii_and_all_non_ascii(string.ascii_letters + "_")  # may start an identifier
_IDENT_CHAR = _ascii_and_all_non_ascii(string.ascii_letters + string.digits + "_$")
_TAG_CHAR = _ascii_and_all_non_ascii(string.ascii_letters + string.digits + "_")  # no $ in a dollar tag
_SPECIAL = "'\"$-/\\&"  # what starts a string, identifier, dollar quote, comment or escape

_WORD = re.compile(f"{_LETTER}{_IDENT_CHAR}*")
_DOLLAR_TAG = re.compile(rf"\$(?:{_LETTER}{_TAG_CHAR}*)?\$")
_INTERESTING = re.compile(_ascii_and_all_non_ascii(_SPECIAL + string.ascii_letters + "_"))
_INTERESTING_WITH_NUMBERS = re.compile(
    _ascii_and_all_non_ascii(_SPECIAL + string.ascii_letters + "_" + string.digits + "."))
_NUMBER = re.compile(r"(?:\d+\.\d*|\d+|\.\d+)(?:[eE][+-]?\d+)?")
_IDENT_REST = re.compile(f"{_IDENT_CHAR}*")
# a digit just before a letter: maybe a number with trailing junk (or just an identifier like t1x)
_MAYBE_JUNK = re.compile(f"[0-9]{_LETTER}")
_E_STRING_STOP = re.compile(r"['\\]")
_HEX = "0123456789abcdefABCDEF"
_OCTAL = "01234567"
_SIMPLE_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
# a run of identifier characters that could be longer than 63 bytes (4 bytes a character at most)
_UESCAPE = re.compile(r"\s*UESCAPE\b\s*", re.IGNORECASE)
_MAYBE_LONG = re.compile(f"{_IDENT_CHAR}{{16,}}")
# a "$" that does not start a parameter: a dollar quote, part of an identifier, or a syntax error
_NOT_A_PARAMETER = re.compile(r"\$(?![0-9])")


def check_statement(text: str, offset: int = 0) -> tuple[str, tuple[Notice, ...]]:
    """The statement as sqlglot should read it, and the notices PostgreSQL's scanner gives for
    it. offset: where the statement starts in the query string (for error positions)."""
    if "\x00" in text:
        raise _invalid_byte(b"\x00")
    numbers = _MAYBE_JUNK.search(text) is not None
    if (not numbers and "\\" not in text and "&" not in text and '"' not in text and not _MAYBE_LONG.search(text)
            and not _NOT_A_PARAMETER.search(text)):
        return text, ()
    return _Scanner(text, offset, numbers).run()


class _Scanner:
    def __init__(self, text: str, offset: int, numbers: bool) -> None:
        self.text = text
        self.offset = offset
        self.interesting = _INTERESTING_WITH_NUMBERS if numbers else _INTERESTING
        self.parts: list[str] = []  # the rewritten text, when anything changed
        self.copied = 0  # text[:copied] is in parts
        self.notices: list[Notice] = []

    def run(self) -> tuple[str, tuple[Notice, ...]]:
        text = self.text
        n = len(text)
        i = 0
        interesting = self.interesting
        while i < n:
            m = interesting.search(text, i)
            if m is None:
                break
            i = m.start()
            ch = text[i]
            if ch in "0123456789.":
                i = self._number(i)
            elif ch == "'":
                i = _string_end(text, i)
            elif ch == '"':
                i = self._quoted_identifier(i)
            elif ch == "$":
                i = self._dollar(i)
            elif ch == "-":
                i = self._line_comment(i)
            elif ch == "/":
                i = self._block_comment(i)
            elif ch in "\\&":
                i += 1
            else:
                i = self._word(i)
        if not self.parts:
            return text, tuple(self.notices)
        self.parts.append(text[self.copied:])
        return "".join(self.parts), tuple(self.notices)

    # --- rewriting ------------------------------------------------------------------------------

    def _replace(self, start: int, end: int, *replacement: str) -> None:
        self.parts.append(self.text[self.copied:start])
        self.parts.extend(replacement)
        self.copied = end

    def _error_at(self, sqlstate: str, message: str, index: int, hint: str | None = None) -> SqlError:
        return SqlError(sqlstate, message, hint=hint, position=self.offset + index + 1)

    # --- tokens ---------------------------------------------------------------------------------

    def _word(self, i: int) -> int:
        text = self.text
        m = _WORD.match(text, i)
        if m is None:  # a digit-led run or an operator character: not a word start
            return i + 1
        word = m.group(0)
        end = m.end()
        nxt = text[end] if end < len(text) else ""
        if nxt == "'" and len(word) == 1:
            if word in "eE":
                return self._escape_string(i, end)
            return _string_end(text, end)  # b'', x'', n''
        if word in ("U", "u") and text.startswith("&'", end):
            return self._unicode_string(i, end + 1)
        if word in ("U", "u") and text.startswith('&"', end):
            return self._unicode_identifier(i, end + 1)
        if len(word) >= 16:
            folded = _downcase(word)
            truncated = self._truncate(folded)
            if truncated is not None:
                self._replace(i, end, _quote_identifier(truncated))
        return end

    def _number(self, i: int) -> int:
        """A numeric literal (or a parameter's number after $): 42601 when letters follow it."""
        text = self.text
        m = _NUMBER.match(text, i)
        if m is None:
            return i + 1  # a lone "."
        end = m.end()
        nxt = text[end] if end < len(text) else ""
        if not nxt or not (nxt.isalpha() or nxt == "_" or ord(nxt) >= 0x80):
            return end
        parameter = i > 0 and text[i - 1] == "$"
        if nxt in "eE" and not parameter and text[end + 1 : end + 2] in ("+", "-"):
            near, start = text[i : end + 2], i  # 1.5e- : an exponent without digits
        else:
            near_end = _IDENT_REST.match(text, end).end()
            start = i - 1 if parameter else i
            near = text[start:near_end]
        what = "parameter" if parameter else "numeric literal"
        raise self._error_at("42601", f'trailing junk after {what} at or near "{near}"', start)

    def _line_comment(self, i: int) -> int:
        if not self.text.startswith("--", i):
            return i + 1
        j = self.text.find("\n", i)
        return len(self.text) if j < 0 else j + 1

    def _block_comment(self, i: int) -> int:
        text = self.text
        if not text.startswith("/*", i):
            return i + 1
        depth = 0
        j = i
        while True:
            opening = text.find("/*", j)
            closing = text.find("*/", j)
            if closing < 0:
                return len(text)  # unterminated: the parser reports it
            if 0 <= opening < closing:
                depth += 1
                j = opening + 2
                continue
            depth -= 1
            j = closing + 2
            if depth == 0:
                return j

    def _dollar(self, i: int) -> int:
        text = self.text
        if i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_$" or ord(text[i - 1]) >= 0x80):
            return i + 1  # part of an identifier such as a$b
        m = _DOLLAR_TAG.match(text, i)
        if m is None:
            if text[i + 1 : i + 2].isdigit():
                return i + 1  # a parameter ($1): its number is read next
            raise self._error_at("42601", 'syntax error at or near "$"', i)  # no operator has a "$"
        j = text.find(m.group(0), m.end())
        if j < 0:
            raise self._error_at("42601", f'unterminated dollar-quoted string at or near "{text[i:]}"', i)
        return j + len(m.group(0))

    def _quoted_identifier(self, i: int) -> int:
        text = self.text
        end = _quoted_end(text, i, '"')
        if end < 0:
            return len(text)  # unterminated: the parser reports it
        name = text[i + 1 : end - 1].replace('""', '"')
        truncated = self._truncate(name)
        if truncated is not None:
            self._replace(i, end, _quote_identifier(truncated))
        return end

    def _truncate(self, name: str) -> str | None:
        """The name cut to 63 bytes with PostgreSQL's NOTICE, or None when it fits."""
        truncated = truncate_identifier(name)
        if truncated is name:
            return None
        self.notices.append(Notice("NOTICE", "42622", f'identifier "{name}" will be truncated to "{truncated}"'))
        return truncated

    # --- escape strings ---------------------------------------------------------------------------

    def _escape_string(self, start: int, quote: int) -> int:
        """E'...' from its E at start; quote is the index of the opening quote."""
        text = self.text
        out = bytearray()
        i = quote + 1
        n = len(text)
        escaped = False
        pair_first = 0  # the first half of a UTF-16 surrogate pair, waiting for its second
        while True:
            m = _E_STRING_STOP.search(text, i)
            if m is None:
                return n  # unterminated: the parser reports it
            j = m.start()
            if j > i:
                if pair_first:
                    raise self._error_at("42601", f'invalid Unicode surrogate pair at or near "{text[i]}"', i)
                out += text[i:j].encode("utf-8")
            if text[j] == "'":
                if j + 1 < n and text[j + 1] == "'":
                    if pair_first:
                        raise self._error_at("42601", "invalid Unicode surrogate pair at or near \"'\"", j)
                    out += b"'"
                    i = j + 2
                    continue
                if pair_first:
                    raise self._error_at("42601", "invalid Unicode surrogate pair at or near \"'\"", j)
                end = j + 1
                break
            i, pair_first = self._escape(j, out, pair_first)
            escaped = True
        if not escaped:
            return end
        value = decode_utf8(out)
        del out  # a huge literal is held once as bytes, once as text, not more
        self._replace(start, end, "'", value.replace("'", "''"), "'")
        return end

    def _escape(self, j: int, out: bytearray, pair_first: int) -> tuple[int, int]:
        """The backslash escape at j, appended to out: (index after it, a pending surrogate
        half)."""
        text = self.text
        n = len(text)
        c = text[j + 1] if j + 1 < n else ""
        if c in ("u", "U"):
            digits = 4 if c == "u" else 8
            hexes = _take(text, j + 2, _HEX, digits)
            if len(hexes) < digits:
                raise self._error_at("22025", "invalid Unicode escape", j,
                                     hint="Unicode escapes must be \\uXXXX or \\UXXXXXXXX.")
            end = j + 2 + digits
            value = int(hexes, 16)
            escape = text[j:end]
            if pair_first:
                if not 0xDC00 <= value <= 0xDFFF:
                    raise self._error_at("42601", f'invalid Unicode surrogate pair at or near "{escape}"', j)
                _add_code_point(out, 0x10000 + ((pair_first - 0xD800) << 10) + (value - 0xDC00))
                return end, 0
            if 0xD800 <= value <= 0xDBFF:
                return end, value
            if 0xDC00 <= value <= 0xDFFF:
                raise self._error_at("42601", f'invalid Unicode surrogate pair at or near "{escape}"', j)
            if value == 0 or value > _MAX_CODE_POINT:
                raise self._error_at("42601", f'invalid Unicode escape value at or near "{escape}"', j)
            _add_code_point(out, value)
            return end, 0
        if pair_first:
            raise self._error_at("42601", 'invalid Unicode surrogate pair at or near "\\"', j)
        if c and c in _OCTAL:
            digits = _take(text, j + 1, _OCTAL, 3)
            out.append(int(digits, 8) & 0xFF)
            return j + 1 + len(digits), 0
        if c == "x":
            digits = _take(text, j + 2, _HEX, 2)
            if digits:
                out.append(int(digits, 16))
                return j + 2 + len(digits), 0
        if not c:
            return n, 0  # a backslash at the very end: unterminated
        out += _SIMPLE_ESCAPES.get(c, c).encode("utf-8")
        return j + 2, 0

    # --- Unicode strings and identifiers ------------------------------------------------------------

    def _unicode_string(self, start: int, quote: int) -> int:
        text = self.text
        end = _quoted_end(text, quote, "'")
        if end < 0:
            return len(text)
        body = text[quote + 1 : end - 1].replace("''", "'")
        escape, end = self._uescape(end)
        value = self._unicode_decode(body, escape, start)
        self._replace(start, end, "'" + value.replace("'", "''") + "'")
        return end

    def _unicode_identifier(self, start: int, quote: int) -> int:
        text = self.text
        end = _quoted_end(text, quote, '"')
        if end < 0:
            return len(text)
        body = text[quote + 1 : end - 1].replace('""', '"')
        escape, end = self._uescape(end)
        name = self._unicode_decode(body, escape, start)
        self._replace(start, end, _quote_identifier(self._truncate(name) or name))
        return end

    def _uescape(self, i: int) -> tuple[str, int]:
        """An optional UESCAPE 'c' after a Unicode string: (the escape character, where the
        token ends)."""
        text = self.text
        m = _UESCAPE.match(text, i)
        if m is None:
            return "\\", i
        j = m.end()
        end = _quoted_end(text, j, "'") if text.startswith("'", j) else -1
        if end < 0:
            near = text[j:].split(None, 1)[0] if text[j:].strip() else ""
            raise self._error_at("42601", f'UESCAPE must be followed by a simple string literal at or near "{near}"', j)
        escape = text[j + 1 : end - 1]
        if len(escape) != 1 or escape in _HEX or escape in "+'\"" or escape.isspace():
            raise self._error_at("42601", f'invalid Unicode escape character at or near "{text[j:end]}"', j)
        return escape, end

    def _unicode_decode(self, body: str, escape: str, start: int) -> str:
        """PostgreSQL's str_udeescape: escape + 4 hex digits, escape + '+' + 6 hex digits, or the
        escape doubled."""
        out: list[str] = []
        i = 0
        n = len(body)
        pair_first = 0
        base = start + 3  # errors point into the body, after U&'
        while i < n:
            j = body.find(escape, i)
            if j != i:  # a run of plain characters, taken whole (a huge literal is not split up)
                if pair_first:
                    raise self._error_at("42601", "invalid Unicode surrogate pair", base + i)
                out.append(body[i:] if j < 0 else body[i:j])
                i = n if j < 0 else j
                continue
            if body[i + 1 : i + 2] == escape:
                if pair_first:
                    raise self._error_at("42601", "invalid Unicode surrogate pair", base + i)
                out.append(escape)
                i += 2
                continue
            if len(_take(body, i + 1, _HEX, 4)) == 4:
                value, width = int(body[i + 1 : i + 5], 16), 5
            elif body[i + 1 : i + 2] == "+" and len(_take(body, i + 2, _HEX, 6)) == 6:
                value, width = int(body[i + 2 : i + 8], 16), 8
            else:
                raise self._error_at("42601", "invalid Unicode escape", base + i,
                                     hint="Unicode escapes must be \\XXXX or \\+XXXXXX.")
            if value == 0 or value > _MAX_CODE_POINT:
                raise self._error_at("42601", "invalid Unicode escape value", base + i)
            if pair_first:
                if not 0xDC00 <= value <= 0xDFFF:
                    raise self._error_at("42601", "invalid Unicode surrogate pair", base + i)
                out.append(chr(0x10000 + ((pair_first - 0xD800) << 10) + (value - 0xDC00)))
                pair_first = 0
            elif 0xD800 <= value <= 0xDBFF:
                pair_first = value
            elif 0xDC00 <= value <= 0xDFFF:
                raise self._error_at("42601", "invalid Unicode surrogate pair", base + i)
            else:
                out.append(chr(value))
            i += width
        if pair_first:
            raise self._error_at("42601", "invalid Unicode surrogate pair", base + n)
        return "".join(out)




def _string_end(text: str, quote: int) -> int:
    end = _quoted_end(text, quote, "'")
    return len(text) if end < 0 else end


def _quoted_end(text: str, quote: int, q: str) -> int:
    """The index after the closing quote of a string or identifier opened at quote (a doubled
    quote is one quote character); -1 when it is not closed."""
    i = quote + 1
    while True:
        j = text.find(q, i)
        if j < 0:
            return -1
        if text.startswith(q, j + 1):
            i = j + 2
            continue
        return j + 1


def _take(text: str, i: int, alphabet: str, most: int) -> str:
    j = i
    while j < len(text) and j - i < most and text[j] in alphabet:
        j += 1
    return text[i:j]


def _add_code_point(out: bytearray, value: int) -> None:
    out += chr(value).encode("utf-8")


def _downcase(word: str) -> str:
    """PostgreSQL downcases unquoted identifiers in ASCII only (in a UTF8 database)."""
    return word.translate(_ASCII_LOWER) if not word.islower() else word


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def utf8_error_bytes(raw: bytes) -> str:
    """How PostgreSQL shows the bytes of an invalid sequence: as many as the first byte says the
    character has (pg_utf_mblen), or as are left."""
    first = raw[0]
    if first & 0x80 == 0:
        length = 1
    elif first & 0xE0 == 0xC0:
        length = 2
    elif first & 0xF0 == 0xE0:
        length = 3
    elif first & 0xF8 == 0xF0:
        length = 4
    else:
        length = 1
    return " ".join(f"0x{b:02x}" for b in raw[:length])


def decode_utf8(raw: bytes | bytearray) -> str:
    """Bytes that must be valid UTF-8 without NUL, as PostgreSQL's pg_verifymbstr checks text:
    22021 naming the first bad sequence."""
    nul = raw.find(0)
    try:
        value = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        first = exc.start if nul < 0 else min(nul, exc.start)
        raise _invalid_byte(raw[first:]) from None
    if nul >= 0:
        raise _invalid_byte(b"\x00")
    return value


def _invalid_byte(raw: bytes) -> SqlError:
    return SqlError("22021", f'invalid byte sequence for encoding "UTF8": {utf8_error_bytes(raw)}')


def invalid_text_error(value: str) -> SqlError | None:
    """22021 for a text value PostgreSQL cannot hold (one with a NUL), else None."""
    if "\x00" in value:
        return _invalid_byte(b"\x00")
    return None
