"""Differential harness: run SQL corpus files against PostgreSQL 15 and orbitdb and compare.

The pieces, each usable alone:

* ``split_statements`` cuts a corpus file into statements (quotes, dollar quotes and comments
  respected) and reads each statement's markers from the comment after its ``;``:
  ``-- error`` (must fail on PostgreSQL), ``-- error 22012`` (must fail with that SQLSTATE),
  ``-- nocompare`` (only success or failure, and the SQLSTATE, are compared),
  ``-- ordered`` / ``-- unordered`` (override the ORDER BY detection), ``-- message`` (an error's
  message text is compared too), ``-- notices`` (the notices and warnings are compared too).
* ``PgServer`` initdb's and starts a throwaway PostgreSQL 15 cluster (as the ``postgres`` user
  when running as root) and creates one database per corpus file.
* ``PgSide`` / ``OrbitSide`` execute one statement and capture an ``Outcome``.
* ``compare_outcomes`` says how two outcomes differ; ``run_file`` does a whole file.
* ``KnownGaps`` reads ``KNOWN_GAPS.md``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import logging
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Protocol

HERE = Path(__file__).resolve().parent
CORPUS_DIR = HERE / "corpus"
KNOWN_GAPS_PATH = HERE / "KNOWN_GAPS.md"
PG_BINDIR = Path(os.environ.get("ORBITDB_COMPAT_PG_BINDIR", "/usr/lib/postgresql/15/bin"))
FIRST_USER_OID = 16384  # PostgreSQL's FirstNormalObjectId

# --------------------------------------------------------------------------------------------
# Statement splitting
# --------------------------------------------------------------------------------------------

_DOLLAR_TAG = re.compile(r"\$([A-Za-z_][A-Za-z_0-9]*)?\$")
_SQLSTATE = re.compile(r"^[0-9A-Z]{5}$")


class CorpusError(ValueError):
    """A corpus file that cannot be split or carries a malformed marker."""


@dataclass
class Statement:
    """One statement of a corpus file."""

    file: str  # base name, e.g. "05_insert.sql"
    number: int  # 1-based position in the file: what KNOWN_GAPS.md refers to
    line: int  # 1-based line of the statement's first character
    sql: str  # without the terminating semicolon
    expect_error: bool = False
    expect_sqlstate: str | None = None
    nocompare: bool = False
    order: bool | None = None  # None: detect from the top-level ORDER BY
    message: bool = False  # compare an error's message text too
    notices: bool = False  # compare the notices (and warnings) the statement gives

    @property
    def ref(self) -> str:
        return f"{self.file}:{self.number}"


def _apply_markers(stmt: Statement, comment: str) -> None:
    words = comment.split()
    i = 0
    while i < len(words):
        word = words[i].lower()
        if word == "error":
            stmt.expect_error = True
            if i + 1 < len(words) and _SQLSTATE.match(words[i + 1]):
                stmt.expect_sqlstate = words[i + 1]
                i += 1
        elif word == "nocompare":
            stmt.nocompare = True
        elif word == "ordered":
            stmt.order = True
        elif word == "unordered":
            stmt.order = False
        elif word == "message":
            stmt.message = True
        elif word == "notices":
            stmt.notices = True
        else:
            # Anything else after a marker-carrying comment is free text; stop reading markers.
            break
        i += 1


def split_statements(text: str, file: str = "<string>") -> list[Statement]:
    """Split SQL text on top-level semicolons.

    Single-quoted strings (with '' escapes, and E'' strings with backslash escapes), double-quoted
    identifiers, dollar-quoted strings, ``--`` line comments and nested ``/* */`` comments are
    skipped over. A ``--`` comment on the same line after a statement's ``;`` carries its markers.
    Text after the last semicolon must be blank or comments.
    """
    statements: list[Statement] = []
    n = len(text)
    i = 0
    start = 0
    line = 1
    start_line: int | None = None  # line of the first non-blank, non-comment character

    def note_content() -> None:
        nonlocal start_line
        if start_line is None:
            start_line = line

    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c.isspace():
            i += 1
        elif text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            depth = 0
            while i < n:
                if text.startswith("/*", i):
                    depth += 1
                    i += 2
                elif text.startswith("*/", i):
                    depth -= 1
                    i += 2
                    if depth == 0:
                        break
                else:
                    if text[i] == "\n":
                        line += 1
                    i += 1
            else:
                raise CorpusError(f"{file}:{line}: unterminated /* comment")
        elif c == "'" or c == '"':
            note_content()
            backslashes = (
                c == "'" and i > 0 and text[i - 1] in "eE" and (i < 2 or not _ident_char(text[i - 2]))
            )
            i += 1
            while True:
                if i >= n:
                    raise CorpusError(f"{file}:{line}: unterminated {c} quote")
                ch = text[i]
                if ch == "\n":
                    line += 1
                if backslashes and ch == "\\":
                    i += 2
                    continue
                if ch == c:
                    if i + 1 < n and text[i + 1] == c:
                        i += 2
                        continue
                    i += 1
                    break
                i += 1
        elif c == "$" and (i == 0 or not _ident_char(text[i - 1])) and _DOLLAR_TAG.match(text, i):
            note_content()
            m = _DOLLAR_TAG.match(text, i)
            assert m is not None
            tag = m.group(0)
            end = text.find(tag, m.end())
            if end < 0:
                raise CorpusError(f"{file}:{line}: unterminated dollar quote {tag}")
            line += text.count("\n", i, end)
            i = end + len(tag)
        elif c == ";":
            sql = _strip_comments_edges(text[start:i])
            i += 1
            # The rest of this line: a trailing comment carries markers.
            eol = text.find("\n", i)
            rest = text[i : n if eol < 0 else eol]
            stripped = rest.strip()
            if sql:
                stmt = Statement(file=file, number=len(statements) + 1, line=start_line or line, sql=sql)
                if stripped.startswith("--"):
                    _apply_markers(stmt, stripped[2:])
                elif stripped:
                    raise CorpusError(f"{file}:{line}: only a comment may follow ';' on its line")
                statements.append(stmt)
            elif stripped.startswith("--") and stripped[2:].split()[:1] in (["error"], ["nocompare"]):
                raise CorpusError(f"{file}:{line}: marker on an empty statement")
            start = i
            start_line = None
        else:
            note_content()
            i += 1
    if _strip_comments_edges(text[start:]):
        raise CorpusError(f"{file}: text after the last ';' (line {start_line})")
    return statements


def _ident_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _strip_comments_edges(sql: str) -> str:
    """Drop leading blank lines and comment-only lines; keep everything from the first SQL token."""
    lines = sql.split("\n")
    while lines and (not lines[0].strip() or lines[0].strip().startswith("--")):
        lines.pop(0)
    return "\n".join(lines).strip()


# --------------------------------------------------------------------------------------------
# Order detection and statement kinds


@contextlib.contextmanager
def _quiet_sqlglot() -> Iterator[None]:
    """sqlglot warns on stderr for statements it parses as a generic Command (SHOW, ...)."""
    logger = logging.getLogger("sqlglot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _parse(sql: str) -> Any:
    import sqlglot

    with _quiet_sqlglot():
        return sqlglot.parse_one(sql, read="postgres")


# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatementShape:
    ordered: bool  # top-level ORDER BY: rows compare in order
    dml: bool  # INSERT/UPDATE/DELETE: rowcount compares


def statement_shape(sql: str) -> StatementShape:
    from sqlglot import exp

    first = sql.lstrip("( \n\t").split(None, 1)[0].upper() if sql.strip() else ""
    try:
        tree = _parse(sql)
    except Exception:  # noqa: BLE001 - sqlglot cannot parse everything PostgreSQL can
        return StatementShape(ordered=False, dml=first in ("INSERT", "UPDATE", "DELETE"))
    ordered = bool(tree.args.get("order")) if isinstance(tree, (exp.Query,)) else False
    dml = isinstance(tree, (exp.Insert, exp.Update, exp.Delete))
    return StatementShape(ordered=ordered, dml=dml)


def order_probe(sql: str) -> tuple[str, list[tuple[str, Any]]] | None:
    """For a statement with a top-level ORDER BY: the same query without LIMIT/OFFSET and with each
    ORDER BY expression that is not an output column appended to the select list, plus where each
    sort key is found in its rows: ("pos", i), ("name", output name) or ("extra", j).

    ``check_order_ties`` uses it to find ORDER BYs whose ties leave the row order unspecified:
    such statements would differ between engines for no fault of either.
    """
    from sqlglot import exp

    try:
        tree = _parse(sql)
    except Exception:  # noqa: BLE001
        return None
    order = tree.args.get("order") if isinstance(tree, exp.Query) else None
    if not order:
        return None
    probe = tree.copy()
    probe.set("limit", None)
    probe.set("offset", None)
    specs: list[tuple[str, Any]] = []
    if isinstance(probe, exp.Select):
        outputs = {p.alias_or_name for p in probe.expressions}
        extras = 0
        for ordered in order.expressions:
            key = ordered.this
            if isinstance(key, exp.Literal) and not key.is_string:
                specs.append(("pos", int(key.name) - 1))
            elif isinstance(key, exp.Column) and not key.table and key.name in outputs:
                specs.append(("name", key.name))
            else:
                probe = probe.select(exp.alias_(key.copy(), f"__orderkey{extras}"), append=True, copy=False)
                specs.append(("extra", extras))
                extras += 1
    else:
        for ordered in order.expressions:
            key = ordered.this
            if isinstance(key, exp.Literal) and not key.is_string:
                specs.append(("pos", int(key.name) - 1))
            elif isinstance(key, exp.Column) and not key.table:
                specs.append(("name", key.name))
            else:
                return None
    return probe.sql(dialect="postgres"), specs


def check_order_ties(side: PgSide, stmt: Statement, outcome: Outcome) -> str | None:
    """Why the statement's ORDER BY leaves the order of distinct rows unspecified, or None."""
    if not outcome.ok or outcome.columns is None or stmt.order is not None or stmt.nocompare:
        return None
    probe = order_probe(stmt.sql)
    if probe is None:
        return None
    sql, specs = probe
    width = len(outcome.columns)
    names = [c[0] for c in outcome.columns]
    got = side.execute(sql)
    if not got.ok or got.rows is None:
        return f"order probe failed: {got.short(200)} for {sql}"
    indexes: list[int] = []
    for kind, value in specs:
        if kind == "pos":
            indexes.append(value)
        elif kind == "name":
            if names.count(value) != 1:
                return None
            indexes.append(names.index(value))
        else:
            indexes.append(width + value)
    previous_key: tuple[Any, ...] | None = None
    group: set[Any] = set()
    for row in got.rows:
        key = tuple(normalize(row[i]) for i in indexes)
        full = tuple(normalize(v) for v in row[:width])
        if key != previous_key:
            previous_key, group = key, set()
        group.add(full)
        if len(group) > 1:
            return f"ORDER BY ties between different rows (key {key!r})"
    return None


# --------------------------------------------------------------------------------------------
# Outcomes and value normalisation
# --------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one side did with one statement."""

    ok: bool
    sqlstate: str | None = None  # on error; None if the error carried none
    message: str = ""
    columns: list[tuple[str, int | None]] | None = None  # (name, type OID); None: no result set
    rows: list[tuple[Any, ...]] | None = None
    rowcount: int = -1
    crashed: bool = False  # a non-DB-API exception: a bug, not a SQL error
    notices: list[str] = field(default_factory=list)  # "NOTICE:  text", in the order given

    def short(self, limit: int = 400) -> str:
        if not self.ok:
            kind = "CRASH" if self.crashed else "ERROR"
            return _clip(f"{kind} {self.sqlstate or '-----'}: {self.message}", limit)
        if self.columns is None:
            return f"OK rowcount={self.rowcount}"
        cols = ", ".join(f"{name}:{oid}" for name, oid in self.columns)
        rows = self.rows or []
        return _clip(f"OK [{cols}] {len(rows)} rows {rows!r}", limit)


def _clip(text: str, limit: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def normalize(value: Any) -> Any:
    """A comparable, hashable, type-tagged form of a driver value.

    Tags keep 1, 1.0, True and Decimal('1') apart, numeric scale ('1.50' vs '1.5') significant,
    NaN equal to itself and floats exact.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int):
        return ("int", value)
    if isinstance(value, float):
        return ("float", repr(value))
    if isinstance(value, decimal.Decimal):
        return ("numeric", str(value))
    if isinstance(value, str):
        return ("str", value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return ("bytes", bytes(value))
    if isinstance(value, dt.datetime):
        return ("timestamptz" if value.tzinfo is not None else "timestamp", value.isoformat())
    if isinstance(value, dt.date):
        return ("date", value.isoformat())
    if isinstance(value, dt.time):
        return ("timetz" if value.tzinfo is not None else "time", value.isoformat())
    if isinstance(value, dt.timedelta):
        return ("interval", value.days, value.seconds, value.microseconds)
    if isinstance(value, uuid.UUID):
        return ("uuid", str(value))
    if isinstance(value, (list, tuple)) and not hasattr(value, "_fields"):
        return ("list", tuple(normalize(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple(sorted((str(k), normalize(v)) for k, v in value.items())))
    # Anything else (a driver's own Interval class, a named tuple...) is not what psycopg gives:
    # it compares by its type name and repr, so it differs from every psycopg value.
    return (type(value).__name__, repr(value))


def display(value: Any) -> Any:
    """Driver value made readable for reports (memoryview -> bytes)."""
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, list):
        return [display(v) for v in value]
    return value


def _row_key(row: tuple[Any, ...]) -> str:
    return repr(row)


def compare_outcomes(pg: Outcome, orb: Outcome, stmt: Statement, shape: StatementShape) -> list[str]:
    """The differences between PostgreSQL's and orbitdb's outcome; empty when they match."""
    if orb.crashed:
        return ["orbitdb crashed"]
    if pg.ok != orb.ok:
        return ["orbitdb failed" if pg.ok else "orbitdb succeeded where PostgreSQL failed"]
    if stmt.notices and pg.notices != orb.notices:
        return [f"notices {pg.notices} vs {orb.notices}"]
    if not pg.ok:
        if pg.sqlstate != orb.sqlstate:
            return [f"SQLSTATE {pg.sqlstate} vs {orb.sqlstate}"]
        if stmt.message and pg.message != orb.message:
            return [f"message {pg.message!r} vs {orb.message!r}"]
        return []
    if stmt.nocompare:
        return []
    diffs: list[str] = []
    if (pg.columns is None) != (orb.columns is None):
        diffs.append("result set presence differs")
        return diffs
    if shape.dml and pg.rowcount != orb.rowcount:
        diffs.append(f"rowcount {pg.rowcount} vs {orb.rowcount}")
    if pg.columns is None or orb.columns is None:
        return diffs
    pg_names = [c[0] for c in pg.columns]
    orb_names = [c[0] for c in orb.columns]
    if pg_names != orb_names:
        diffs.append(f"column names {pg_names} vs {orb_names}")
    # user-defined types (enums, composites, table row types) get oids from 16384 on, in an
    # order that differs between the two systems: compared as "some user type"
    pg_types = [min(c[1], FIRST_USER_OID) for c in pg.columns]
    orb_types = [min(c[1], FIRST_USER_OID) for c in orb.columns]
    if pg_types != orb_types:
        diffs.append(f"column types {pg_types} vs {orb_types}")
    pg_rows = [tuple(normalize(v) for v in r) for r in pg.rows or []]
    orb_rows = [tuple(normalize(v) for v in r) for r in orb.rows or []]
    ordered = shape.ordered if stmt.order is None else stmt.order
    if not ordered:
        pg_rows.sort(key=_row_key)
        orb_rows.sort(key=_row_key)
    if pg_rows != orb_rows:
        if len(pg_rows) != len(orb_rows):
            diffs.append(f"row count {len(pg_rows)} vs {len(orb_rows)}")
        else:
            diffs.append("rows differ" + ("" if ordered else " (as multisets)"))
    return diffs


# --------------------------------------------------------------------------------------------
# The two sides
# --------------------------------------------------------------------------------------------


class Side(Protocol):
    def execute(self, sql: str) -> Outcome: ...

    def close(self) -> None: ...


def _capture(
    cursor: Any, sql: str, error_types: tuple[type[BaseException], ...], notices: list[str] | None = None
) -> Outcome:
    """The statement's outcome; notices is the connection's list of notice texts (psycopg2's
    ``connection.notices``), whose new entries become the outcome's."""
    if notices is None:
        return _run_capture(cursor, sql, error_types)
    del notices[:]
    outcome = _run_capture(cursor, sql, error_types)
    outcome.notices = [n.strip() for n in notices]
    return outcome


def _run_capture(cursor: Any, sql: str, error_types: tuple[type[BaseException], ...]) -> Outcome:
    try:
        cursor.execute(sql)
        description = cursor.description
        if description is None:
            return Outcome(ok=True, rowcount=cursor.rowcount)
        columns = [(d[0], d[1]) for d in description]
        rows = [tuple(display(v) for v in row) for row in cursor.fetchall()]
        return Outcome(ok=True, columns=columns, rows=rows, rowcount=cursor.rowcount)
    except error_types as exc:
        state = getattr(exc, "pgcode", None) or getattr(exc, "sqlstate", None)
        diag = getattr(exc, "diag", None)
        message = str(getattr(diag, "message_primary", None) or exc).strip()
        return Outcome(ok=False, sqlstate=state, message=message.splitlines()[0] if message else "")
    except Exception as exc:  # noqa: BLE001 - anything else is a crash worth reporting
        return Outcome(ok=False, message=f"{type(exc).__name__}: {exc}", crashed=True)


def mark_internal_error(outcome: Outcome) -> Outcome:
    """orbitdb reports a Python exception that escaped its SQL layer as XX000 "internal error ...":
    that is a bug (a crash), never a known difference."""
    if outcome.sqlstate == "XX000" and outcome.message.startswith("internal error"):
        outcome.crashed = True
    return outcome


class PgSide:
    """A psycopg2 connection in autocommit mode to one fresh database."""

    def __init__(self, dsn: dict[str, Any]) -> None:
        import psycopg2
        import psycopg2.extras

        psycopg2.extras.register_uuid()
        self._psycopg2 = psycopg2
        self.conn = psycopg2.connect(**dsn)
        self.conn.autocommit = True
        self.cursor = self.conn.cursor()

    def execute(self, sql: str) -> Outcome:
        return _capture(self.cursor, sql, (self._psycopg2.Error,), self.conn.notices)

    def close(self) -> None:
        self.conn.close()


class OrbitUnavailable(RuntimeError):
    """orbitdb cannot be opened at all; every statement of the file counts as failing."""


class OrbitSide:
    """An orbitdb connection in autocommit mode on a fresh data directory."""

    def __init__(self, path: str) -> None:
        try:
            import orbitdb
        except Exception as exc:
            raise OrbitUnavailable(f"import orbitdb failed: {type(exc).__name__}: {exc}") from exc
        connect = getattr(orbitdb, "connect", None)
        if connect is None:
            raise OrbitUnavailable("orbitdb.connect does not exist yet (SQL layer not available)")
        try:
            self.conn = connect(path)
            self.conn.autocommit = True
            self.cursor = self.conn.cursor()
        except Exception as exc:
            raise OrbitUnavailable(f"orbitdb.connect(data_dir) failed: {type(exc).__name__}: {exc}") from exc
        self._error = getattr(orbitdb, "Error", None) or Exception

    def execute(self, sql: str) -> Outcome:
        return mark_internal_error(_capture(self.cursor, sql, (self._error,), getattr(self.conn, "notices", None)))

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001, S110 - closing is best effort
            pass


def _signal_name(number: int) -> str:
    import signal

    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


STATEMENT_TIMEOUT = float(os.environ.get("ORBITDB_COMPAT_TIMEOUT", "20"))


class OrbitProcessSide:
    """orbitdb in a child process (``orbit_child.py``): a crash or a hang costs one statement.

    A statement that runs longer than ``timeout`` seconds, or kills the process, is reported as a
    crash; the child is then restarted on the same data directory (so later statements see what
    was committed, but session state and any open transaction are gone).
    """

    def __init__(self, path: str, timeout: float = STATEMENT_TIMEOUT) -> None:
        self.path = path
        self.timeout = timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._stderr_path = Path(path).with_name(Path(path).name + ".stderr")
        self._start()

    def _start(self) -> None:
        import sys

        self._stderr = open(self._stderr_path, "ab")  # noqa: SIM115 - closed in _stop
        # The child imports orbitdb exactly as this process does.
        env = dict(os.environ)
        paths = [os.path.abspath(p or os.curdir) for p in sys.path]
        env["PYTHONPATH"] = os.pathsep.join(p for p in paths if os.path.isdir(p))
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "orbit_child.py"), self.path],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
        )
        reply = self._receive(max(self.timeout, 60.0))
        if isinstance(reply, str):
            detail = self._stop(grace=0.0 if reply == "timeout" else 5.0)
            raise OrbitUnavailable(f"orbitdb child process did not start: {detail}")
        kind, payload = reply
        if kind == "unavailable":
            self._stop()
            raise OrbitUnavailable(payload)

    def _receive(self, timeout: float) -> Any:
        """The next message, or the string "timeout" or "eof"."""
        import pickle
        import select
        import struct

        assert self.proc is not None and self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + timeout
        buffer = b""
        needed = 4
        header_done = False
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return "timeout"
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                return "timeout"
            chunk = os.read(fd, max(needed - len(buffer), 1))
            if not chunk:
                return "eof"
            buffer += chunk
            if len(buffer) < needed:
                continue
            if not header_done:
                (size,) = struct.unpack("!I", buffer[:4])
                buffer = buffer[4:]
                needed = size
                header_done = True
                if len(buffer) < needed:
                    continue
            return pickle.loads(buffer[:needed])

    def _stop(self, grace: float = 0.0) -> str:
        """Ends the child (after grace seconds to exit by itself); returns how it ended and the
        tail of its stderr."""
        detail = ""
        if self.proc is not None:
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            code = self.proc.wait()
            detail = f"exit status {code}" if code >= 0 else f"killed by {_signal_name(-code)}"
            self.proc = None
        self._stderr.close()
        try:
            tail = self._stderr_path.read_bytes()[-800:].decode("utf-8", "replace").strip()
        except OSError:
            tail = ""
        if tail:
            detail += f"; stderr: ...{tail[-600:]}"
        self._stderr_path.write_bytes(b"")
        return detail

    def execute(self, sql: str) -> Outcome:
        import pickle
        import struct

        if self.proc is None:
            return Outcome(ok=False, crashed=True, message="orbitdb child process could not be restarted")
        assert self.proc.stdin is not None
        data = pickle.dumps(sql)
        try:
            self.proc.stdin.write(struct.pack("!I", len(data)) + data)
            self.proc.stdin.flush()
            reply = self._receive(self.timeout)
        except (BrokenPipeError, OSError):
            reply = "eof"
        if not isinstance(reply, str):
            return reply[1]
        timed_out = reply == "timeout"
        detail = self._stop(grace=0.0 if timed_out else 5.0)
        what = f"timed out after {self.timeout:g}s" if timed_out else "orbitdb process died"
        self.restarts += 1
        try:
            self._start()
        except OrbitUnavailable as exc:
            detail += f"; restart failed: {exc}"
        return Outcome(
            ok=False, crashed=True, message=f"{what} ({detail}); restarted on the same data directory"
        )

    def close(self) -> None:
        if self.proc is None:
            return
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        except OSError:
            pass
        self._stop(grace=30.0)


# --------------------------------------------------------------------------------------------
# PostgreSQL server
# --------------------------------------------------------------------------------------------


class PgUnavailable(RuntimeError):
    """PostgreSQL 15 cannot be started here; the suite skips with this reason."""


def running(server: PgServer, what: str) -> Iterator[PgServer]:
    """Starts server for a fixture to yield, skipping the tests (naming what needs it) when
    PostgreSQL 15 cannot be started here; stops it afterwards."""
    import pytest

    try:
        server.start()
    except PgUnavailable as exc:
        server.stop()
        pytest.skip(f"{what} needs PostgreSQL 15: {exc}")
    try:
        yield server
    finally:
        server.stop()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """A throwaway PostgreSQL 15 cluster in a temporary directory."""

    SETTINGS: ClassVar[dict[str, str]] = {
        "listen_addresses": "'127.0.0.1'",
        "max_connections": "20",
        "shared_buffers": "64MB",
        "fsync": "off",
        "synchronous_commit": "off",
        "full_page_writes": "off",
        "wal_level": "minimal",
        "max_wal_senders": "0",
        "autovacuum": "off",
        "timezone": "'UTC'",
        "log_timezone": "'UTC'",
        "datestyle": "'iso, mdy'",
        "lc_messages": "'C'",
        "lc_monetary": "'C'",
        "lc_numeric": "'C'",
        "lc_time": "'C'",
        "default_text_search_config": "'pg_catalog.english'",
        "logging_collector": "off",
    }

    def __init__(self, bindir: Path = PG_BINDIR) -> None:
        self.bindir = bindir
        self.port = 0
        self.base: Path | None = None
        self.started = False
        self._databases = 0

    def _cmd(self, *args: str) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--", *args]
        return list(args)

    def _run(self, *args: str, timeout: float = 120) -> None:
        proc = subprocess.run(self._cmd(*args), check=False, capture_output=True, text=True, timeout=timeout)
        if proc.returncode != 0:
            raise PgUnavailable(
                f"{' '.join(args[:2])} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}"
            )

    def start(self) -> None:
        for binary in ("initdb", "pg_ctl", "postgres"):
            if not (self.bindir / binary).exists():
                raise PgUnavailable(f"PostgreSQL 15 binary {self.bindir / binary} not found")
        try:
            import psycopg2  # noqa: F401
        except ImportError as exc:
            raise PgUnavailable(f"psycopg2 is not installed: {exc}") from exc
        if os.geteuid() == 0:
            _ensure_postgres_user()
        self.base = Path(tempfile.mkdtemp(prefix="orbitdb-compat-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres")
        data = self.base / "data"
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        settings = dict(self.SETTINGS)
        settings["unix_socket_directories"] = f"'{self.base}'"
        with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# orbitdb compat suite\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        last_error: PgUnavailable | None = None
        for _attempt in range(3):
            self.port = _free_port()
            try:
                self._run(
                    str(self.bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(self.base / "server.log"),
                    "-o",
                    f"-p {self.port}",
                    "-w",
                    "-t",
                    "60",
                    "start",
                )
            except PgUnavailable as exc:  # most likely the port was taken in between
                last_error = exc
                continue
            self.started = True
            break
        else:
            raise last_error or PgUnavailable("pg_ctl start failed")
        # Wait until connections are accepted.
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = self.connect("postgres")
                conn.close()
                return
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def dsn(self, dbname: str) -> dict[str, Any]:
        return {"host": "127.0.0.1", "port": self.port, "user": "postgres", "dbname": dbname}

    def connect(self, dbname: str) -> Any:
        import psycopg2

        return psycopg2.connect(**self.dsn(dbname))

    def create_database(self, label: str) -> str:
        """A fresh UTF8 database with bytewise (C) collation; returns its name."""
        self._databases += 1
        name = "compat_" + re.sub(r"[^a-z0-9_]", "_", label.lower())[:40] + f"_{self._databases}"
        conn = self.connect("postgres")
        try:
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute(
                    f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                    "LC_COLLATE 'C' LC_CTYPE 'C'"
                )
        finally:
            conn.close()
        return name

    def stop(self) -> None:
        if self.base is None:
            return
        if self.started:
            subprocess.run(
                self._cmd(
                    str(self.bindir / "pg_ctl"), "-D", str(self.base / "data"), "-m", "immediate", "stop"
                ),
                check=False,
                capture_output=True,
                timeout=60,
            )
            self.started = False
        shutil.rmtree(self.base, ignore_errors=True)
        self.base = None


def _ensure_postgres_user() -> None:
    if subprocess.run(["id", "postgres"], check=False, capture_output=True).returncode == 0:
        return
    proc = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/bin/false", "postgres"],
        check=False,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise PgUnavailable(f"no postgres user and useradd failed: {proc.stderr.strip()}")


# --------------------------------------------------------------------------------------------
# Known gaps
# --------------------------------------------------------------------------------------------

_GAP_REF = re.compile(r"`?(\d{2}_[A-Za-z0-9_]+\.sql):(\d+)`?")


@dataclass
class KnownGaps:
    """``file:statement-number`` references in KNOWN_GAPS.md, each with its reason (the rest of the line)."""

    reasons: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = KNOWN_GAPS_PATH) -> KnownGaps:
        gaps = cls()
        if not path.exists():
            return gaps
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            refs = list(_GAP_REF.finditer(line))
            if not refs:
                continue
            reason = _GAP_REF.sub("", line).strip(" |-*:,")
            reason = re.sub(r"\s*\|\s*", " ", reason).strip()
            for m in refs:
                gaps.reasons[f"{m.group(1)}:{int(m.group(2))}"] = reason
        return gaps

    def __contains__(self, ref: str) -> bool:
        return ref in self.reasons


# --------------------------------------------------------------------------------------------
# Running a file
# --------------------------------------------------------------------------------------------


@dataclass
class StatementResult:
    stmt: Statement
    pg: Outcome
    orb: Outcome | None
    diffs: list[str]
    invalid: str | None  # the corpus is wrong about PostgreSQL: the reason

    @property
    def matches(self) -> bool:
        return self.orb is not None and not self.diffs


@dataclass
class FileResult:
    file: str
    results: list[StatementResult] = field(default_factory=list)
    orbit_unavailable: str | None = None
    known_gaps: KnownGaps = field(default_factory=KnownGaps)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def invalid(self) -> list[StatementResult]:
        return [r for r in self.results if r.invalid]

    @property
    def matched(self) -> int:
        return sum(1 for r in self.results if r.matches)

    @property
    def gap_hits(self) -> list[StatementResult]:
        return [r for r in self.results if not r.matches and r.stmt.ref in self.known_gaps and not _crashed(r)]

    @property
    def failing(self) -> list[StatementResult]:
        """Mismatches not listed as known gaps, and every crash: KNOWN_GAPS.md may not excuse one."""
        return [
            r for r in self.results if not r.matches and (r.stmt.ref not in self.known_gaps or _crashed(r))
        ]

    @property
    def stale_gaps(self) -> list[str]:
        """Known gaps of this file that now match (or do not exist): to be removed from KNOWN_GAPS.md."""
        prefix = self.file + ":"
        refs = {r.stmt.ref: r for r in self.results}
        stale = []
        for ref in self.known_gaps.reasons:
            if ref.startswith(prefix) and (
                ref not in refs or (refs[ref].matches and self.orbit_unavailable is None)
            ):
                stale.append(ref)
        return sorted(stale, key=lambda r: int(r.split(":")[1]))

    def report(self, limit: int = 400) -> str:
        out: list[str] = []
        if self.invalid:
            out.append(f"{len(self.invalid)} corpus statement(s) do not behave as marked on PostgreSQL:")
            for r in self.invalid:
                out.append(f"  {r.stmt.ref} (line {r.stmt.line}): {r.invalid}")
                out.append(f"    sql: {_clip(r.stmt.sql, limit)}")
                out.append(f"    postgres: {r.pg.short(limit)}")
        if self.orbit_unavailable:
            out.append(f"orbitdb unavailable: {self.orbit_unavailable}")
            return "\n".join(out)
        stale = self.stale_gaps
        if stale:
            out.append(f"{len(stale)} known gap(s) now match or do not exist (remove them from KNOWN_GAPS.md):")
            out.extend(f"  {ref}: {self.known_gaps.reasons.get(ref, '')[:200]}" for ref in stale)
        failing = self.failing
        if failing:
            out.append(f"{len(failing)} statement(s) differ between PostgreSQL and orbitdb:")
            for r in failing:
                out.append(f"  {r.stmt.ref} (line {r.stmt.line}): {'; '.join(r.diffs)}")
                out.append(f"    sql:      {_clip(r.stmt.sql, limit)}")
                out.append(f"    postgres: {r.pg.short(limit)}")
                out.append(f"    orbitdb:  {r.orb.short(limit) if r.orb else '-'}")
        return "\n".join(out)


def _crashed(r: StatementResult) -> bool:
    return r.orb is not None and r.orb.crashed


def validate_pg(stmt: Statement, pg: Outcome) -> str | None:
    """Why PostgreSQL's outcome contradicts the statement's markers, or None."""
    if stmt.expect_error and pg.ok:
        return "marked '-- error' but succeeded"
    if not stmt.expect_error and not pg.ok:
        return f"not marked '-- error' but failed with {pg.sqlstate}"
    if stmt.expect_sqlstate and pg.sqlstate != stmt.expect_sqlstate:
        return f"expected SQLSTATE {stmt.expect_sqlstate}, got {pg.sqlstate}"
    if stmt.message and pg.ok:
        return "marked '-- message' but succeeded"
    if stmt.notices and not pg.notices:
        return "marked '-- notices' but PostgreSQL gave none"
    return None


def load_file(path: Path) -> list[Statement]:
    return split_statements(path.read_text(encoding="utf-8"), file=path.name)


def corpus_files(names: Iterable[str] = ()) -> list[Path]:
    names = list(names)
    if not names:
        return sorted(CORPUS_DIR.glob("*.sql"))
    paths = []
    for name in names:
        p = Path(name)
        if not p.exists():
            p = CORPUS_DIR / name
            if not p.exists() and not name.endswith(".sql"):
                matches = sorted(CORPUS_DIR.glob(f"{name}*.sql"))
                if len(matches) == 1:
                    p = matches[0]
        if not p.exists():
            raise FileNotFoundError(f"no corpus file {name!r}")
        paths.append(p)
    return paths


def run_pg(
    server: PgServer, path: Path, tie_report: list[str] | None = None
) -> list[tuple[Statement, Outcome]]:
    """Runs a file on PostgreSQL in a fresh database. With tie_report, ORDER BY statements are
    probed for ties between different rows and each finding is appended to it."""
    statements = load_file(path)
    side = PgSide(server.dsn(server.create_database(path.stem)))
    try:
        pairs = []
        for stmt in statements:
            outcome = side.execute(stmt.sql)
            pairs.append((stmt, outcome))
            if tie_report is not None:
                problem = check_order_ties(side, stmt, outcome)
                if problem:
                    tie_report.append(
                        f"{stmt.ref} (line {stmt.line}): {problem}\n    sql: {_clip(stmt.sql, 300)}"
                    )
        return pairs
    finally:
        side.close()


def run_file(
    server: PgServer,
    path: Path,
    known_gaps: KnownGaps | None = None,
    make_orbit: Callable[[str], Side] | None = None,
    pg_outcomes: Sequence[tuple[Statement, Outcome]] | None = None,
) -> FileResult:
    """Runs one corpus file on both sides (PostgreSQL outcomes may be given, already computed)."""
    result = FileResult(file=path.name, known_gaps=known_gaps or KnownGaps())
    pg_pairs = list(pg_outcomes) if pg_outcomes is not None else run_pg(server, path)
    orbit: Side | None = None
    tmp = tempfile.mkdtemp(prefix="orbitdb-compat-")
    try:
        try:
            data_dir = os.path.join(tmp, "data")
            os.mkdir(data_dir)
            orbit = (make_orbit or OrbitProcessSide)(data_dir)
        except OrbitUnavailable as exc:
            result.orbit_unavailable = str(exc)
        for stmt, pg in pg_pairs:
            invalid = validate_pg(stmt, pg)
            orb = orbit.execute(stmt.sql) if orbit is not None else None
            if orb is None:
                diffs = ["orbitdb unavailable"]
            else:
                diffs = compare_outcomes(pg, orb, stmt, statement_shape(stmt.sql))
            result.results.append(StatementResult(stmt=stmt, pg=pg, orb=orb, diffs=diffs, invalid=invalid))
    finally:
        if orbit is not None:
            orbit.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return result


TYPE_NAMES = {
    16: "bool",
    17: "bytea",
    18: "char",
    19: "name",
    20: "int8",
    21: "int2",
    23: "int4",
    25: "text",
    26: "oid",
    114: "json",
    142: "xml",
    700: "float4",
    701: "float8",
    705: "unknown",
    1000: "bool[]",
    1001: "bytea[]",
    1005: "int2[]",
    1007: "int4[]",
    1009: "text[]",
    1015: "varchar[]",
    1016: "int8[]",
    1021: "float4[]",
    1022: "float8[]",
    1042: "bpchar",
    1043: "varchar",
    1082: "date",
    1083: "time",
    1114: "timestamp",
    1115: "timestamp[]",
    1182: "date[]",
    1184: "timestamptz",
    1185: "timestamptz[]",
    1186: "interval",
    1187: "interval[]",
    1231: "numeric[]",
    1266: "timetz",
    1700: "numeric",
    2206: "regtype",
    2249: "record",
    2278: "void",
    2950: "uuid",
    2951: "uuid[]",
    3802: "jsonb",
    3807: "jsonb[]",
    199: "json[]",
    1014: "bpchar[]",
    1183: "time[]",
}

_MISSING_FUNCTION = re.compile(r"function (?:\w+\.)?\"?([\w]+)\"?\((.*)\) does not exist")
_MISSING_OPERATOR = re.compile(r"operator does not exist: (.*)")
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
_NUMBER = re.compile(r"\b\d+(\.\d+)?\b")


def _type_name(oid: int | None) -> str:
    return TYPE_NAMES.get(oid, str(oid)) if oid is not None else "None"


def _pattern(message: str) -> tuple[str, list[str]]:
    """A message with its quoted parts and numbers abstracted, and the quoted parts."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    quoted = [q[1:-1] for q in _QUOTED.findall(first)]
    text = _NUMBER.sub("N", _QUOTED.sub("?", first))
    return _clip(text, 140), quoted


def categorize(r: StatementResult) -> tuple[str, str]:
    """The cause of a mismatch as (category, detail): statements with the same category most likely
    share one fix; the detail (a function name, a type pair...) tells the instances apart."""
    pg, orb = r.pg, r.orb
    if orb is None:
        return "orbitdb unavailable", ""
    if orb.crashed:
        text, quoted = _pattern(orb.message)
        return f"crash: {text}", ", ".join(quoted)
    if pg.ok and not orb.ok:
        missing = _MISSING_FUNCTION.match(orb.message)
        if missing:
            return f"missing function: {missing.group(1)}", f"{missing.group(1)}({missing.group(2)})"
        missing = _MISSING_OPERATOR.match(orb.message)
        if missing:
            return "missing operator", missing.group(1)
        text, quoted = _pattern(orb.message)
        if orb.sqlstate == "42P01":
            return (
                "cascade: relation missing (an earlier statement that creates it failed)",
                ", ".join(quoted),
            )
        return f"orbitdb raises {orb.sqlstate or '(no SQLSTATE)'}: {text}", ", ".join(quoted)
    if not pg.ok and orb.ok:
        text, quoted = _pattern(pg.message)
        return f"orbitdb accepts what PostgreSQL rejects with {pg.sqlstate}: {text}", ", ".join(quoted)
    if not pg.ok:
        text, quoted = _pattern(pg.message)
        if orb.sqlstate == "42P01" and pg.sqlstate != "42P01":
            return (
                "cascade: relation missing (an earlier statement that creates it failed)",
                ", ".join(_pattern(orb.message)[1]),
            )
        return f"wrong SQLSTATE: {orb.sqlstate} instead of {pg.sqlstate} ({text})", ", ".join(quoted)
    diffs = r.diffs
    first = diffs[0] if diffs else ""
    if pg.columns is not None and orb.columns is not None:
        if first.startswith("column names"):
            for (pn, _), (on, _) in zip(pg.columns, orb.columns):
                if pn != on:
                    return "wrong column name", f"{pn} vs {on}"
            return "wrong number of columns", f"{len(pg.columns)} vs {len(orb.columns)}"
        if first.startswith("column types"):
            for (_, pt), (_, ot) in zip(pg.columns, orb.columns):
                if pt != ot:
                    return f"wrong result type: {_type_name(ot)} instead of {_type_name(pt)}", ""
    if first.startswith("rowcount"):
        return "wrong DML rowcount", first
    if first.startswith("row count"):
        return "wrong number of rows", first
    if first.startswith("rows differ") and pg.rows is not None and orb.rows is not None:
        for prow, orow in zip(pg.rows, orb.rows):
            for pv, ov in zip(prow, orow):
                pn, on = normalize(pv), normalize(ov)
                if pn != on:
                    ptag = pn[0] if isinstance(pn, tuple) else "NULL"
                    otag = on[0] if isinstance(on, tuple) else "NULL"
                    if ptag != otag:
                        return f"wrong value type: {otag} instead of {ptag}", ""
                    return f"wrong {ptag} values", _clip(f"{pv!r} vs {ov!r}", 80)
        return "rows differ", ""
    return first or "differs", ""


def mismatch_categories(files: Iterable[FileResult], top: int = 30) -> list[str]:
    """Failing statements grouped by cause, largest group first, with examples."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for fr in files:
        if fr.orbit_unavailable:
            continue
        for r in fr.failing:
            category, detail = categorize(r)
            groups.setdefault(category, []).append((r.stmt.ref, detail))
    lines = []
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    for category, members in ranked[:top]:
        details: dict[str, int] = {}
        for _, detail in members:
            if detail:
                details[detail] = details.get(detail, 0) + 1
        lines.append(f"{len(members):>5}  {category}")
        if details:
            common = sorted(details.items(), key=lambda kv: (-kv[1], kv[0]))[:6]
            lines.append("         e.g. " + "; ".join(f"{d} ({n})" if n > 1 else d for d, n in common))
        lines.append(
            "         at " + ", ".join(ref for ref, _ in members[:4]) + (" ..." if len(members) > 4 else "")
        )
    if len(ranked) > top:
        lines.append(f"  ... and {len(ranked) - top} more categories")
    return lines


@dataclass
class Summary:
    statements: int = 0
    matched: int = 0
    known_gaps: int = 0
    failing: int = 0
    invalid: int = 0
    files: list[FileResult] = field(default_factory=list)

    def add(self, fr: FileResult) -> None:
        self.files.append(fr)
        self.statements += fr.total
        self.matched += fr.matched
        self.known_gaps += len(fr.gap_hits)
        self.failing += len(fr.failing)
        self.invalid += len(fr.invalid)

    def line(self) -> str:
        text = (
            f"compat: {self.statements} statements, {self.matched} match, "
            f"{self.known_gaps} known gaps, {self.failing} failing"
        )
        if self.invalid:
            text += f" ({self.invalid} corpus statements invalid on PostgreSQL)"
        unavailable = {f.orbit_unavailable for f in self.files if f.orbit_unavailable}
        if unavailable:
            text += f" [orbitdb unavailable: {'; '.join(sorted(unavailable))}]"
        return text

    def breakdown(self) -> list[str]:
        lines = [f"{'file':<28} {'stmts':>6} {'match':>6} {'gaps':>5} {'fail':>5} {'invalid':>7}"]
        for f in self.files:
            lines.append(
                f"{f.file:<28} {f.total:>6} {f.matched:>6} {len(f.gap_hits):>5} "
                f"{len(f.failing):>5} {len(f.invalid):>7}"
            )
        return lines


class PgOutcomes:
    """Each corpus file runs once on PostgreSQL per session; tests of the same file share the outcome."""

    def __init__(self, server: PgServer) -> None:
        self.server = server
        self._cache: dict[Path, list[tuple[Statement, Outcome]]] = {}

    def get(self, path: Path) -> list[tuple[Statement, Outcome]]:
        if path not in self._cache:
            self._cache[path] = run_pg(self.server, path)
        return self._cache[path]


# The pytest session's tally, printed by conftest's terminal summary.
SESSION_SUMMARY = Summary()
