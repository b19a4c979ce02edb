"""PostgreSQL's identifiers as text: the 63 bytes of a name it keeps, and a qualified, possibly
quoted name split into its parts."""

from __future__ import annotations

NAMEDATALEN = 64  # an identifier holds at most NAMEDATALEN - 1 bytes
_MAX_IDENT_BYTES = NAMEDATALEN - 1


def truncate_identifier(name: str) -> str:
    """A name cut to the 63 bytes PostgreSQL keeps (a character is never split); the name itself
    when it fits."""
    if len(name) * 4 <= _MAX_IDENT_BYTES:
        return name
    raw = name.encode("utf-8")
    if len(raw) <= _MAX_IDENT_BYTES:
        return name
    return raw[:_MAX_IDENT_BYTES].decode("utf-8", "ignore")  # a cut character is dropped


def split_name(text: str) -> list[str]:
    """The parts of a possibly qualified, possibly quoted name ("public"."T" -> [public, T]), each
    cut to 63 bytes as PostgreSQL cuts them (silently, in a reg* input)."""
    parts: list[str] = []
    cur: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n:
                if text[j] == '"':
                    if j + 1 < n and text[j + 1] == '"':
                        cur.append('"')
                        j += 2
                        continue
                    break
                cur.append(text[j])
                j += 1
            i = j + 1
            continue
        if ch == ".":
            parts.append(truncate_identifier("".join(cur)))
            cur = []
            i += 1
            continue
        cur.append(ch.lower() if not ch.isspace() else "")
        i += 1
    parts.append(truncate_identifier("".join(cur)))
    return parts
