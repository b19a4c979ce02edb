"""The scanner's character classes (written as complements of ASCII characters so that they
compile quickly) hold exactly the characters of the ranges PostgreSQL's scanner names."""

from __future__ import annotations

import re

import pytest

from orbitdb.sql.parse import lexical

# every ASCII character and the edges of the planes and of the surrogates
_PROBES = [chr(c) for c in range(0x100)] + [chr(c) for c in (
    0x7FF, 0x800, 0xD7FF, 0xD800, 0xDFFF, 0xE000, 0xFFFF, 0x10000, 0x1F600, 0x10FFFE, 0x10FFFF)]


@pytest.mark.parametrize(("compact", "spelled_out"), [
    (lexical._LETTER, r"[A-Za-z_\x80-\U0010FFFF]"),
    (lexical._IDENT_CHAR, r"[A-Za-z_0-9$\x80-\U0010FFFF]"),
    (lexical._TAG_CHAR, r"[A-Za-z_0-9\x80-\U0010FFFF]"),
    (lexical._INTERESTING.pattern, r"""['"$\-/\\&A-Za-z_\x80-\U0010FFFF]"""),
    (lexical._INTERESTING_WITH_NUMBERS.pattern, r"""['"$\-/\\&A-Za-z_\x80-\U0010FFFF0-9.]"""),
])
def test_class_holds_the_same_characters(compact: str, spelled_out: str) -> None:
    fast, slow = re.compile(compact), re.compile(spelled_out)
    differ = [hex(ord(ch)) for ch in _PROBES if bool(fast.fullmatch(ch)) != bool(slow.fullmatch(ch))]
    assert differ == []


def test_scanner_still_reads_identifiers_and_junk() -> None:
    assert lexical._WORD.fullmatch("été_1$x")
    assert not lexical._WORD.match("1abc")
    assert lexical._MAYBE_JUNK.search("select 123abc")
    assert lexical._DOLLAR_TAG.fullmatch("$tag_é$") and not lexical._DOLLAR_TAG.fullmatch("$a$b$")
    assert lexical._MAYBE_LONG.search("x" * 16) and not lexical._MAYBE_LONG.search("x" * 15)
