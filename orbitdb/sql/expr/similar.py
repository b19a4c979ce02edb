"""SQL's SIMILAR TO patterns written as PostgreSQL regular expressions (ARE syntax), as
PostgreSQL's similar_to_escape does: % and _ become .* and ., the escape character makes the
next character literal, brackets and | * + ? { } ( ) keep their regular-expression meaning,
and everything else (., ^, $, backslash) is literal."""

from __future__ import annotations


def _literal(ch: str) -> str:
    return ch if ch.isalnum() or ord(ch) > 127 else "\\" + ch


def similar_to_regex(pattern: str, escape: str | None = "\\") -> str:
    out = []
    i = 0
    in_bracket = False
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if escape and ch == escape:
            i += 1
            if i < n:  # a trailing escape character is dropped, as PostgreSQL does
                out.append(_literal(pattern[i]))
        elif in_bracket:
            if ch == "\\":
                out.append("\\\\")
            else:
                out.append(ch)
                if ch == "]":
                    in_bracket = False
        elif ch == "[":
            in_bracket = True
            out.append(ch)
            # a ] right after [ or [^ is a member, not the end
            if pattern.startswith("^", i + 1):
                out.append("^")
                i += 1
            if pattern.startswith("]", i + 1):
                out.append("]")
                i += 1
        elif ch == "%":
            out.append(".*")
        elif ch == "_":
            out.append(".")
        elif ch == "{":
            end = pattern.find("}", i)
            bound = pattern[i: end + 1] if end > 0 else ""
            if bound[1:-1].replace(",", "").isdigit():  # a repetition bound, written as it is
                out.append(bound)
                i = end
            else:
                out.append("{")
        elif ch in "|*+?}()":
            out.append(ch)
        else:
            out.append(_literal(ch))
        i += 1
    return "".join(out)
