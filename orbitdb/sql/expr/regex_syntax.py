"""PostgreSQL's Advanced Regular Expressions (ARE) parsed into a small tree, and written
out again as RE2 syntax (linear-time matching) or, for what RE2 cannot run (back references,
lookaround), as Python ``re`` syntax.

The databases use the C locale, so character classes, word characters and case folding are
ASCII-only, as PostgreSQL's are with LC_CTYPE=C. Case-insensitive patterns are written out
with both cases spelled in the pattern because RE2's own folding is Unicode-wide.

Only the tree's shape is PostgreSQL's; errors carry PostgreSQL's messages (SQLSTATE 2201B)."""

from __future__ import annotations

from dataclasses import dataclass, field

from orbitdb.sql.errors import SqlError

DUPMAX = 255  # PostgreSQL's largest repetition count (RE_DUP_MAX)
MAX_CODE = 0x10FFFF

Ranges = list[tuple[int, int]]


def _error(reason: str) -> SqlError:
    return SqlError("2201B", f"invalid regular expression: {reason}")


# ---- the tree ----------------------------------------------------------------------------

@dataclass
class Lit:
    code: int


@dataclass
class CharSet:
    ranges: Ranges
    negated: bool = False


@dataclass
class AnyChar:
    pass


@dataclass
class Anchor:
    kind: str  # bol eol bot eot word nonword wstart wend


@dataclass
class Backref:
    number: int


@dataclass
class Group:
    body: Alt
    capture: int = 0  # its number, 0 for (?:...)
    look: str = ""  # "", "=", "!", "<=", "<!"


@dataclass
class Repeat:
    node: Node
    lo: int
    hi: int | None  # None: unbounded
    greedy: bool


@dataclass
class Concat:
    items: list[Node] = field(default_factory=list)


@dataclass
class Alt:
    branches: list[Concat]


Node = Lit | CharSet | AnyChar | Anchor | Backref | Group | Repeat | Concat | Alt


# ---- flags -------------------------------------------------------------------------------

@dataclass
class Flags:
    icase: bool = False
    nl_dot: bool = False  # '.' and negated brackets do not match newline
    nl_anchor: bool = False  # ^ and $ match at newlines too
    expanded: bool = False
    literal: bool = False
    glob: bool = False

    def apply(self, letter: str) -> bool:
        """Applies one of PostgreSQL's option letters; False for an unknown one."""
        if letter == "i":
            self.icase = True
        elif letter == "c":
            self.icase = False
        elif letter in "nm":
            self.nl_dot = self.nl_anchor = True
        elif letter == "s":
            self.nl_dot = self.nl_anchor = False
        elif letter == "p":
            self.nl_dot, self.nl_anchor = True, False
        elif letter == "w":
            self.nl_dot, self.nl_anchor = False, True
        elif letter == "x":
            self.expanded = True
        elif letter == "t":
            self.expanded = False
        elif letter == "q":
            self.literal = True
        elif letter in "be":
            pass  # BRE/ERE: their syntax is (nearly) a subset of the ARE's
        else:
            return False
        return True


# ---- character sets ----------------------------------------------------------------------

def _r(*pairs: str) -> Ranges:
    return [(ord(p[0]), ord(p[-1])) for p in pairs]


CLASSES: dict[str, Ranges] = {
    "alpha": _r("AZ", "az"),
    "digit": _r("09"),
    "alnum": _r("09", "AZ", "az"),
    "upper": _r("AZ"),
    "lower": _r("az"),
    "space": [(9, 13), (32, 32)],
    "blank": [(9, 9), (32, 32)],
    "punct": _r("!/", ":@", "[`", "{~"),
    "xdigit": _r("09", "AF", "af"),
    "word": _r("09", "AZ", "__", "az"),
    "cntrl": [(0, 31), (127, 127)],
    "print": [(32, 126)],
    "graph": [(33, 126)],
}
_SHORTHAND = {"d": "digit", "s": "space", "w": "word"}


def normalize(ranges: Ranges) -> Ranges:
    out: Ranges = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def complement(ranges: Ranges) -> Ranges:
    out: Ranges = []
    nxt = 0
    for lo, hi in normalize(ranges):
        if lo > nxt:
            out.append((nxt, lo - 1))
        nxt = hi + 1
    if nxt <= MAX_CODE:
        out.append((nxt, MAX_CODE))
    return out


def fold_ascii(ranges: Ranges) -> Ranges:
    """The ranges with the other case of every ASCII letter in them added."""
    extra: Ranges = []
    for lo, hi in ranges:
        for a, b, delta in ((65, 90, 32), (97, 122, -32)):
            x, y = max(lo, a), min(hi, b)
            if x <= y:
                extra.append((x + delta, y + delta))
    return normalize(ranges + extra)


def is_word_only(node: Node) -> bool:
    """Whether every character the node can match first is a word character (for \\m)."""
    word = CLASSES["word"]
    if isinstance(node, Lit):
        return any(lo <= node.code <= hi for lo, hi in word)
    if isinstance(node, CharSet) and not node.negated:
        return all(any(a <= lo and hi <= b for a, b in word) for lo, hi in node.ranges)
    if isinstance(node, Repeat) and node.lo > 0:
        return is_word_only(node.node)
    if isinstance(node, Group) and not node.look and len(node.body.branches) == 1:
        items = node.body.branches[0].items
        return bool(items) and is_word_only(items[0])
    return False


# ---- the parser --------------------------------------------------------------------------

_ESCAPED_CHARS = {"a": 7, "b": 8, "B": 92, "e": 27, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}


class Parser:
    def __init__(self, pattern: str, flags: Flags) -> None:
        self.p = pattern
        self.i = 0
        self.flags = flags
        self.groups = 0
        self.closed_groups = 0

    # entry
    def parse(self) -> Alt:
        if self.p.startswith("***="):
            self.flags.literal = True
            self.i = 4
        elif self.p.startswith("***:"):
            self.i = 4
            self._embedded_options()
        elif not self.flags.literal:
            self._embedded_options()
        if self.flags.literal:
            return Alt([Concat([Lit(ord(c)) for c in self.p[self.i:]])])
        tree = self._alt()
        if self.i < len(self.p):  # a ')' without its '('
            raise _error("parentheses () not balanced")
        return tree

    def _embedded_options(self) -> None:
        p = self.p
        if not p.startswith("(?", self.i) or self.i + 2 >= len(p) or not p[self.i + 2].isalpha():
            return
        j = self.i + 2
        while j < len(p) and p[j] != ")":
            if not self.flags.apply(p[j]):
                raise _error("invalid embedded option")
            j += 1
        if j >= len(p):
            raise _error("invalid embedded option")
        self.i = j + 1

    # helpers
    def _peek(self) -> str:
        self._skip_expanded()
        return self.p[self.i] if self.i < len(self.p) else ""

    def _skip_expanded(self) -> None:
        if not self.flags.expanded:
            return
        p = self.p
        while self.i < len(p):
            c = p[self.i]
            if c in " \t\n\r\f\v":
                self.i += 1
            elif c == "#":
                end = p.find("\n", self.i)
                self.i = len(p) if end < 0 else end + 1
            else:
                return

    # grammar
    def _alt(self) -> Alt:
        branches = [self._branch()]
        while self._peek() == "|":
            self.i += 1
            branches.append(self._branch())
        return Alt(branches)

    def _branch(self) -> Concat:
        items: list[Node] = []
        while True:
            c = self._peek()
            if c in ("", "|", ")"):
                return Concat(items)
            atom = self._atom()
            if atom is None:
                continue
            items.append(self._quantified(atom))

    def _quantified(self, atom: Node) -> Node:
        q = self._quantifier()
        if q is None:
            return atom
        if isinstance(atom, Anchor) or isinstance(atom, Group) and atom.look:
            raise _error("quantifier operand invalid")
        lo, hi, greedy = q
        node: Node = Repeat(atom, lo, hi, greedy)
        if self._quantifier(probe=True) is not None:
            raise _error("quantifier operand invalid")
        return node

    def _quantifier(self, probe: bool = False) -> tuple[int, int | None, bool] | None:
        c = self._peek()
        p = self.p
        start = self.i
        if c in "*+?" and c:
            self.i += 1
            lo, hi = {"*": (0, None), "+": (1, None), "?": (0, 1)}[c]
        elif c == "{" and self.i + 1 < len(p) and p[self.i + 1].isdigit():
            lo, hi = self._bound()
        else:
            return None
        greedy = True
        if self.i < len(p) and p[self.i] == "?":
            self.i += 1
            greedy = False
        if probe:
            self.i = start
        return lo, hi, greedy

    def _bound(self) -> tuple[int, int | None]:
        p = self.p
        j = self.i + 1
        k = j
        while k < len(p) and p[k].isdigit():
            k += 1
        lo = int(p[j:k])
        hi: int | None = lo
        if k < len(p) and p[k] == ",":
            k += 1
            m = k
            while k < len(p) and p[k].isdigit():
                k += 1
            hi = int(p[m:k]) if k > m else None
        if k >= len(p) or p[k] != "}":
            raise _error("braces {} not balanced")
        self.i = k + 1
        if lo > DUPMAX or (hi is not None and (hi > DUPMAX or hi < lo)):
            raise _error("invalid repetition count(s)")
        return lo, hi

    def _atom(self) -> Node | None:
        p = self.p
        c = p[self.i]
        if c == "(":
            return self._group()
        if c == "[":
            self.i += 1
            ranges, negated = self._bracket()
            return CharSet(ranges, negated)
        if c == ".":
            self.i += 1
            return AnyChar()
        if c == "^":
            self.i += 1
            return Anchor("bol")
        if c == "$":
            self.i += 1
            return Anchor("eol")
        if c == "\\":
            return self._escape()
        if c in "*+?" or c == "{" and self.i + 1 < len(p) and p[self.i + 1].isdigit():
            raise _error("quantifier operand invalid")
        self.i += 1
        return Lit(ord(c))

    def _group(self) -> Node | None:
        p = self.p
        self.i += 1
        look = ""
        capture = 0
        if p.startswith("?", self.i):
            rest = p[self.i + 1: self.i + 3]
            if rest.startswith(":"):
                self.i += 2
            elif rest.startswith("#"):
                end = p.find(")", self.i)
                if end < 0:
                    raise _error("parentheses () not balanced")
                self.i = end + 1
                return None  # a comment
            elif rest[:1] in ("=", "!"):
                look = rest[:1]
                self.i += 2
            elif rest in ("<=", "<!"):
                look = rest
                self.i += 3
            else:
                raise _error("quantifier operand invalid")
        else:
            self.groups += 1
            capture = self.groups
        body = self._alt()
        if self._peek() != ")":
            raise _error("parentheses () not balanced")
        self.i += 1
        if capture:
            self.closed_groups += 1
        return Group(body, capture, look)

    def _escape(self) -> Node:
        p = self.p
        if self.i + 1 >= len(p):
            raise _error("invalid escape \\ sequence")
        c = p[self.i + 1]
        self.i += 2
        if c in "dswDSW":
            cls = CLASSES[_SHORTHAND[c.lower()]]
            return CharSet(list(cls), negated=c.isupper())
        anchors = {"A": "bot", "Z": "eot", "m": "wstart", "M": "wend", "y": "word", "Y": "nonword"}
        if c in anchors:
            return Anchor(anchors[c])
        if c.isdigit() and c != "0":
            j = self.i
            while j < len(p) and p[j].isdigit():
                j += 1
            number = int(p[self.i - 1: j])
            if j > self.i and number > self.closed_groups:
                # \mnn beyond the groups seen is an octal character entry, as in PostgreSQL
                return Lit(self._octal(self.i - 1))
            self.i = j
            if number > self.closed_groups:
                raise _error("invalid backreference number")
            return Backref(number)
        return Lit(self._char_entry(c))

    def _octal(self, start: int) -> int:
        p = self.p
        j = start
        while j < len(p) and j < start + 3 and p[j] in "01234567":
            j += 1
        if j == start:
            raise _error("invalid escape \\ sequence")
        self.i = j
        return int(p[start:j], 8)

    def _hex(self, digits: int | None) -> int:
        p = self.p
        j = self.i
        limit = len(p) if digits is None else min(len(p), self.i + digits)
        while j < limit and p[j] in "0123456789abcdefABCDEF":
            j += 1
        if j == self.i or (digits is not None and j - self.i != digits):
            raise _error("invalid escape \\ sequence")
        value = int(p[self.i:j], 16)
        self.i = j
        if value > MAX_CODE:
            raise _error("invalid escape \\ sequence")
        return value

    def _char_entry(self, c: str) -> int:
        """The character a backslash escape (already consumed up to c) stands for."""
        if c in _ESCAPED_CHARS:
            return _ESCAPED_CHARS[c]
        p = self.p
        if c == "c":
            if self.i >= len(p):
                raise _error("invalid escape \\ sequence")
            self.i += 1
            return ord(p[self.i - 1]) & 0x1F
        if c == "x":
            return self._hex(None)
        if c == "u":
            return self._hex(4)
        if c == "U":
            return self._hex(8)
        if c == "0":
            return self._octal(self.i - 1)
        if c.isalnum():
            raise _error("invalid escape \\ sequence")
        return ord(c)

    def _bracket(self) -> tuple[Ranges, bool]:
        p = self.p
        negated = False
        if self.i < len(p) and p[self.i] == "^":
            negated = True
            self.i += 1
        ranges: Ranges = []
        first = True
        while True:
            if self.i >= len(p):
                raise _error("brackets [] not balanced")
            c = p[self.i]
            if c == "]" and not first:
                self.i += 1
                break
            first = False
            lo = self._bracket_item(ranges)
            if lo is None:
                continue
            if p.startswith("-", self.i) and self.i + 1 < len(p) and p[self.i + 1] != "]":
                self.i += 1
                hi = self._bracket_item(None)
                if hi is None or hi < lo:
                    raise _error("invalid character range")
                ranges.append((lo, hi))
            else:
                ranges.append((lo, lo))
        return normalize(ranges), negated

    def _bracket_item(self, sets: Ranges | None) -> int | None:
        """One character of a bracket expression (its code), or None when the item was a
        class (added to sets; None there means a class cannot stand here: a range end)."""
        p = self.p
        c = p[self.i]
        if c == "[" and self.i + 1 < len(p) and p[self.i + 1] in ":.=":
            kind = p[self.i + 1]
            end = p.find(kind + "]", self.i + 2)
            if end < 0:
                raise _error("brackets [] not balanced")
            name = p[self.i + 2: end]
            self.i = end + 2
            if kind == ":":
                cls = CLASSES.get(name)
                if cls is None:
                    raise _error("invalid character class")
                if sets is None:
                    raise _error("invalid character range")
                sets.extend(cls)
                return None
            if len(name) != 1:
                raise _error("invalid collating element")
            return ord(name)
        if c == "\\":
            if self.i + 1 >= len(p):
                raise _error("brackets [] not balanced")
            e = p[self.i + 1]
            self.i += 2
            if e in "dswDSW":
                if sets is None:
                    raise _error("invalid character range")
                cls = CLASSES[_SHORTHAND[e.lower()]]
                sets.extend(complement(cls) if e.isupper() else cls)
                return None
            return self._char_entry(e)
        self.i += 1
        return ord(c)


def parse(pattern: str, flags: Flags) -> tuple[Alt, int]:
    """The tree of a pattern and its number of capturing groups (flags may change: embedded
    options)."""
    parser = Parser(pattern, flags)
    tree = parser.parse()
    return tree, parser.groups


# ---- what the tree needs -----------------------------------------------------------------

def needs_backtracking(node: Node) -> bool:
    """Back references and lookaround: what RE2 cannot run."""
    if isinstance(node, Backref):
        return True
    if isinstance(node, Group):
        return bool(node.look) or needs_backtracking(node.body)
    if isinstance(node, Repeat):
        return needs_backtracking(node.node)
    if isinstance(node, Concat):
        return any(needs_backtracking(x) for x in node.items)
    if isinstance(node, Alt):
        return any(needs_backtracking(b) for b in node.branches)
    return False


def greediness(node: Node) -> bool | None:
    """PostgreSQL's greediness of an RE (True greedy, False non-greedy, None neither): the
    whole match is the longest or the shortest possible by it (docs 9.7.3.5)."""
    if isinstance(node, Alt):
        if len(node.branches) > 1:
            return True
        return greediness(node.branches[0])
    if isinstance(node, Concat):
        for item in node.items:
            g = greediness(item)
            if g is not None:
                return g
        return None
    if isinstance(node, Repeat):
        if node.hi is not None and node.lo == node.hi:
            return greediness(node.node)  # a fixed count: the atom's own
        return node.greedy
    if isinstance(node, Group) and not node.look:
        return greediness(node.body)
    return None


def has_lazy(node: Node) -> bool:
    if isinstance(node, Repeat):
        return not node.greedy or has_lazy(node.node)
    if isinstance(node, Group):
        return has_lazy(node.body)
    if isinstance(node, Concat):
        return any(has_lazy(x) for x in node.items)
    if isinstance(node, Alt):
        return any(has_lazy(b) for b in node.branches)
    return False
