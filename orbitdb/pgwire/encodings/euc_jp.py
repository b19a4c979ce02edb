"""PostgreSQL's EUC_JP, which is not Python's euc_jp: PostgreSQL maps JIS X 0208 (and NEC's row 13)
as Microsoft's CP932 does (0xA1C1 is U+FF5E FULLWIDTH TILDE, where Python's euc_jp has U+301C
WAVE DASH), JIS X 0212 in the three-byte 0x8F sequences, and the IBM extensions that neither
holds in 0x8FF3F3..0x8FF4FE, in their CP932 order. A JIS X 0208 character is found by moving its
row and cell from EUC's bytes to Shift JIS's and reading those as CP932. (Checked code by code
against PostgreSQL 15's convert_from and convert_to.)"""

from __future__ import annotations

import codecs

SS2, SS3 = 0x8E, 0x8F  # half-width katakana; JIS X 0212
NEC_SELECTED_IBM = range(0xF9, 0xFD)  # EUC rows 89..92: PostgreSQL maps none of them
_JIS0212_DIFFERENT = {b"\x8f\xa2\xc3": "\uffe4"}  # PostgreSQL's, where Python's euc_jp has U+00A6
_JIS0212_UNMAPPED = frozenset({b"\x8f\xa2\xb7"})  # U+FF5E: PostgreSQL maps it to 0xA1C1 only
_IBM_FIRST = 0xF3F3  # the second and third bytes of the first IBM extension's three-byte code

_ibm_table: tuple[dict[bytes, str], dict[str, bytes]] | None = None


def _ibm_extensions() -> tuple[dict[bytes, str], dict[str, bytes]]:
    """The IBM extensions of CP932 (0xFA40..0xFC4B) that JIS X 0208 and 0212 do not hold (NEC's
    row 13 aside), numbered on from 0x8FF3F3 as PostgreSQL numbers them: both ways."""
    global _ibm_table
    if _ibm_table is None:
        decoded: dict[bytes, str] = {}
        encoded: dict[str, bytes] = {}
        code = _IBM_FIRST
        for s1 in (0xFA, 0xFB, 0xFC):
            for s2 in (*range(0x40, 0x7F), *range(0x80, 0xFD)):
                try:
                    ch = bytes((s1, s2)).decode("cp932")
                except UnicodeDecodeError:
                    continue
                lead = ch.encode("cp932")[0]
                if (lead <= 0xEC and lead != 0x87) or ch == "\uffe4" or (_in_jis0212(ch) and ch != "\u2116"):
                    continue
                euc = bytes((SS3, code >> 8, code & 0xFF))
                decoded[euc] = ch
                encoded.setdefault(ch, euc)
                code = code + 1 if code & 0xFF < 0xFE else (code & 0xFF00) + 0x1A1
        _ibm_table = (decoded, encoded)
    return _ibm_table


def _in_jis0212(ch: str) -> bool:
    try:
        return len(ch.encode("euc_jp")) == 3
    except UnicodeEncodeError:
        return False


def _euc_to_sjis(c1: int, c2: int) -> bytes:
    """The Shift JIS bytes of the JIS X 0208 character at EUC bytes c1 c2 (both 0xA1..0xFE)."""
    ku, ten = c1 - 0xA0, c2 - 0xA0
    s1 = (ku + 1) // 2 + (0x80 if ku <= 62 else 0xC0)
    if ku % 2:
        s2 = ten + (0x3F if ten <= 63 else 0x40)
    else:
        s2 = ten + 0x9E
    return bytes((s1, s2))


def _sjis_to_euc(s1: int, s2: int) -> bytes | None:
    """The EUC bytes of a two-byte Shift JIS code of JIS X 0208's rows (None past row 94)."""
    row = s1 - (0x80 if s1 <= 0x9F else 0xC0)
    if s2 >= 0x9F:
        ku, ten = row * 2, s2 - 0x9E
    else:
        ku, ten = row * 2 - 1, s2 - (0x3F if s2 <= 0x7E else 0x40)
    if not (1 <= ku <= 94 and 1 <= ten <= 94):
        return None
    return bytes((ku + 0xA0, ten + 0xA0))


def decode(data: bytes, errors: str = "strict") -> tuple[str, int]:
    data = bytes(data)  # the codec machinery may hand a memoryview
    out: list[str] = []
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b < 0x80:
            j = i + 1
            while j < n and data[j] < 0x80:
                j += 1
            out.append(data[i:j].decode("ascii"))
            i = j
            continue
        try:
            if b == SS2:
                if i + 1 >= n:
                    raise UnicodeDecodeError("euc_jp_pg", data, i, n, "incomplete multibyte sequence")
                c = data[i + 1]
                if not 0xA1 <= c <= 0xDF:
                    raise UnicodeDecodeError("euc_jp_pg", data, i, i + 2, "illegal multibyte sequence")
                out.append(chr(0xFF61 + c - 0xA1))
                i += 2
            elif b == SS3:
                if i + 2 >= n:
                    raise UnicodeDecodeError("euc_jp_pg", data, i, n, "incomplete multibyte sequence")
                out.append(_jis0212_or_ibm(data, i))
                i += 3
            elif 0xA1 <= b <= 0xFE:
                if i + 1 >= n:
                    raise UnicodeDecodeError("euc_jp_pg", data, i, n, "incomplete multibyte sequence")
                c = data[i + 1]
                if not 0xA1 <= c <= 0xFE or b in NEC_SELECTED_IBM:
                    raise UnicodeDecodeError("euc_jp_pg", data, i, i + 2, "illegal multibyte sequence")
                try:
                    out.append(_euc_to_sjis(b, c).decode("cp932"))
                except UnicodeDecodeError:
                    raise UnicodeDecodeError("euc_jp_pg", data, i, i + 2, "illegal multibyte sequence") from None
                i += 2
            else:
                raise UnicodeDecodeError("euc_jp_pg", data, i, i + 1, "illegal multibyte sequence")
        except UnicodeDecodeError:
            if errors != "replace":
                raise
            out.append("\ufffd")
            i += 1
    return "".join(out), n


def _jis0212_or_ibm(data: bytes, i: int) -> str:
    code = data[i : i + 3]
    found = _JIS0212_DIFFERENT.get(code) or _ibm_extensions()[0].get(code)
    if found is not None:
        return found
    if code not in _JIS0212_UNMAPPED:
        try:
            return code.decode("euc_jp")
        except UnicodeDecodeError:
            pass
    raise UnicodeDecodeError("euc_jp_pg", data, i, i + 3, "illegal multibyte sequence")


def _encode_char(ch: str) -> bytes | None:
    try:
        sjis = ch.encode("cp932")
    except UnicodeEncodeError:
        sjis = b""
    if len(sjis) == 1 and 0xA1 <= sjis[0] <= 0xDF:
        return bytes((SS2, sjis[0]))
    if len(sjis) == 2 and sjis[0] <= 0xEC:
        euc = _sjis_to_euc(sjis[0], sjis[1])
        # CP932 also sends some characters it cannot read back (U+00A3 as 0x8192): not those
        if euc is not None and _euc_to_sjis(euc[0], euc[1]).decode("cp932") == ch:
            return euc
    if ch == "\uffe4":
        return b"\x8f\xa2\xc3"
    ibm = _ibm_extensions()[1].get(ch)
    if ibm is not None:
        return ibm
    try:
        three = ch.encode("euc_jp")
    except UnicodeEncodeError:
        return None
    return three if len(three) == 3 and three[0] == SS3 else None


def encode(text: str, errors: str = "strict") -> tuple[bytes, int]:
    if text.isascii():
        return text.encode("ascii"), len(text)
    out = bytearray()
    for pos, ch in enumerate(text):
        if ch < "\x80":
            out += ch.encode("ascii")
            continue
        euc = _encode_char(ch)
        if euc is None:
            if errors != "replace":
                raise UnicodeEncodeError("euc_jp_pg", text, pos, pos + 1, "no equivalent in EUC_JP")
            euc = b"?"
        out += euc
    return bytes(out), len(text)


def _search(name: str) -> codecs.CodecInfo | None:
    if name != "euc_jp_pg":
        return None
    return codecs.CodecInfo(encode, decode, name="euc_jp_pg")


codecs.register(_search)
