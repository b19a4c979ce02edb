"""PostgreSQL's SJIS, which is Microsoft's CP932 with two differences from Python's cp932: the
single bytes 0x80, 0xA0, 0xFD..0xFF and the user-defined area (lead bytes 0xF0..0xF9) are no
characters, and a character that CP932 holds twice, in NEC's row 13 or NEC's selection of the IBM
extensions and among the IBM extensions 0xFA40..0xFC4B, is sent as its IBM extension code.
(Checked code by code against PostgreSQL 15's convert_from and convert_to.)"""

from __future__ import annotations

REFUSED_CHARS = frozenset("\x80\uf8f0\uf8f1\uf8f2\uf8f3") | frozenset(map(chr, range(0xE000, 0xE758)))

_ibm_codes: dict[str, bytes] | None = None


def ibm_codes() -> dict[str, bytes]:
    """Each IBM extension's character -> its code, where Python's cp932 would send another."""
    global _ibm_codes
    if _ibm_codes is None:
        found: dict[str, bytes] = {}
        for s1 in (0xFA, 0xFB, 0xFC):
            for s2 in (*range(0x40, 0x7F), *range(0x80, 0xFD)):
                code = bytes((s1, s2))
                try:
                    ch = code.decode("cp932")
                except UnicodeDecodeError:
                    continue
                own = ch.encode("cp932")
                if own != code and own[0] in (0x87, 0xED, 0xEE):  # not a JIS X 0208 character's own code
                    found.setdefault(ch, code)
        _ibm_codes = found
    return _ibm_codes


def encode(text: str) -> bytes:
    """text as PostgreSQL's SJIS; UnicodeEncodeError for a character it has not."""
    if text.isascii():
        return text.encode("ascii")
    if not REFUSED_CHARS.isdisjoint(text):
        bad = next(i for i, ch in enumerate(text) if ch in REFUSED_CHARS)
        raise UnicodeEncodeError("cp932", text, bad, bad + 1, "no equivalent in SJIS")
    ibm = ibm_codes()
    if ibm.keys().isdisjoint(text):
        return text.encode("cp932")
    out = bytearray()
    for pos, ch in enumerate(text):
        code = ibm.get(ch)
        if code is None:
            try:
                code = ch.encode("cp932")
            except UnicodeEncodeError:
                raise UnicodeEncodeError("cp932", text, pos, pos + 1, "no equivalent in SJIS") from None
        out += code
    return bytes(out)
