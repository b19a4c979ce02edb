"""COPY ... FROM STDIN and COPY ... TO STDOUT in text and CSV formats (HEADER,
DELIMITER, NULL, QUOTE, ESCAPE), on top of the INSERT machinery."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from orbitdb.sql import types as T
from orbitdb.sql.errors import SqlError
from orbitdb.sql.exec.context import ExecContext
from orbitdb.sql.exec.rowstream import QueryRows, RowStream
from orbitdb.sql.expr.core import Runtime, ident
from orbitdb.sql.modify.constraints import TableWriter
from orbitdb.sql.modify.statements import compile_node
from orbitdb.sql.modify.trigger_events import run_queued
from orbitdb.sql.parse.lexical import decode_utf8
from orbitdb.sql.parse.parser import Statement, parse_one
from orbitdb.sql.plan.compiled import take_relation_locks
from orbitdb.sql.plan.planner import Planner
from orbitdb.sql.result import CopyIn, CopyOut, Result
from orbitdb.sql.types import usertypes as U
from orbitdb.sql.types.casts import ASSIGNMENT, EXPLICIT, find_cast
from orbitdb.sql.types.textio import from_text, to_text
from orbitdb.storage.tables import TableAccess

if TYPE_CHECKING:
    from orbitdb.sql.session.session import Session

_COPY = re.compile(
    r"\s*COPY\s+(?:(?P<query>\(.*\))|(?P<table>(?:\"[^\"]+\"|[\w$]+)(?:\s*\.\s*(?:\"[^\"]+\"|[\w$]+))?)"
    r"\s*(?P<cols>\([^)]*\))?)\s+(?P<dir>FROM|TO)\s+(?P<target>STDIN|STDOUT|'[^']*')\s*(?P<opts>.*)$",
    re.IGNORECASE | re.DOTALL,
)


class CopyOptions:
    def __init__(self) -> None:
        self.format = "text"
        self.header = False
        self.delimiter: str | None = None
        self.null: str | None = None
        self.quote = '"'
        self.escape: str | None = None
        self.force_null: list[str] = []
        self.force_not_null: list[str] = []
        self.encoding = "UTF8"


def _unquote(v: str) -> str:
    v = v.strip()
    if v.upper().startswith("E'") and v.endswith("'"):
        return v[2:-1].encode().decode("unicode_escape")
    if v.startswith("'") and v.endswith("'"):
        return v[1:-1].replace("''", "'")
    return v


def parse_options(text: str) -> CopyOptions:
    o = CopyOptions()
    text = text.strip().rstrip(";").strip()
    if text.upper().startswith("WITH"):
        text = text[4:].strip()
    if text.startswith("(") and text.endswith(")"):
        for item in _split_commas(text[1:-1]):
            parts = item.strip().split(None, 1)
            if not parts:
                continue
            key = parts[0].lower()
            val = parts[1].strip() if len(parts) > 1 else ""
            if key == "format":
                o.format = _unquote(val).lower()
            elif key == "header":
                o.header = _unquote(val).lower() not in ("false", "off", "0") if val else True
            elif key == "delimiter":
                o.delimiter = _unquote(val)
            elif key == "null":
                o.null = _unquote(val)
            elif key == "quote":
                o.quote = _unquote(val)
            elif key == "escape":
                o.escape = _unquote(val)
            elif key == "encoding":
                o.encoding = _unquote(val)
            elif key in ("force_null", "force_not_null", "force_quote", "freeze"):
                pass
            else:
                raise SqlError("42601", f'option "{key}" not recognized')
    else:
        toks = re.findall(r"E?'(?:[^']|'')*'|\S+", text)
        i = 0
        while i < len(toks):
            t = toks[i].upper()
            if t == "CSV":
                o.format = "csv"
            elif t == "BINARY":
                o.format = "binary"
            elif t == "HEADER":
                o.header = True
            elif t == "DELIMITER" and i + 1 < len(toks):
                i += 1
                o.delimiter = _unquote(toks[i])
            elif t == "NULL" and i + 1 < len(toks):
                i += 1
                o.null = _unquote(toks[i])
            elif t == "QUOTE" and i + 1 < len(toks):
                i += 1
                o.quote = _unquote(toks[i])
            elif t == "ESCAPE" and i + 1 < len(toks):
                i += 1
                o.escape = _unquote(toks[i])
            elif t in ("AS", "WITH"):
                pass
            elif t == "FORCE":
                i += 2
            else:
                raise SqlError("42601", f'syntax error at or near "{toks[i]}"')
            i += 1
    if o.format not in ("text", "csv", "binary"):
        raise SqlError("22023", f'COPY format "{o.format}" not recognized')
    if o.format == "binary":
        raise SqlError("0A000", "COPY BINARY is not supported")
    if o.delimiter is None:
        o.delimiter = "," if o.format == "csv" else "\t"
    if o.null is None:
        o.null = "" if o.format == "csv" else "\\N"
    if len(o.delimiter) != 1:
        raise SqlError("0A000", "COPY delimiter must be a single one-byte character")
    if o.header and o.format == "text":
        raise SqlError("0A000", "COPY HEADER available only in CSV mode")
    return o


def _split_commas(text: str) -> list[str]:
    out, cur, q = [], "", False
    for ch in text:
        if ch == "'":
            q = not q
        if ch == "," and not q:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return out


_TEXT_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def _text_field(s: str) -> str:
    """A text-format field de-escaped: octal and hex escapes are bytes, and the field must then
    be valid UTF-8 without NUL (22021), as PostgreSQL checks it."""
    if "\\" not in s:
        return s
    out = bytearray()
    i = 0
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s):
            nxt = s[i + 1]
            if nxt in _TEXT_ESCAPES:
                out += _TEXT_ESCAPES[nxt].encode()
                i += 2
                continue
            if nxt in "01234567":
                m = re.match(r"[0-7]{1,3}", s[i + 1:])
                assert m
                out.append(int(m.group(0), 8) & 0xFF)
                i += 1 + len(m.group(0))
                continue
            if nxt == "x":
                m = re.match(r"[0-9a-fA-F]{1,2}", s[i + 2:])
                if m:
                    out.append(int(m.group(0), 16))
                    i += 2 + len(m.group(0))
                    continue
            out += nxt.encode()
            i += 2
            continue
        out += ch.encode()
        i += 1
    return decode_utf8(bytes(out))


def _text_escape(s: str, delim: str) -> str:
    return (s.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
            .replace(delim, "\\" + delim) if delim not in "\\nrt" else s)


_BATCH_ROWS = 4096  # rows of a COPY FROM written together


class TableCopyIn(CopyIn):
    def __init__(self, session: Session, ctx: ExecContext, writer: TableWriter, col_idx: list[int],
                 opts: CopyOptions, table_name: str) -> None:
        self.session = session
        self.ctx = ctx
        self.writer = writer
        self.col_idx = col_idx
        self.opts = opts
        self.format = opts.format
        self.column_count = len(col_idx)
        self.table_name = table_name
        self.buffer = bytearray()
        self.count = 0
        self.line_no = 0
        self.header_skipped = not opts.header
        self.types = [writer.types[i] for i in col_idx]
        self.parsers = [_parser(t, session) for t in self.types]
        self.pending = ""
        self.done = False
        # rows parsed, not yet written: written a batch at a time (one unique check, one write),
        # unless a column left out has a default that changes from row to row (it is evaluated
        # as its row is inserted) or the transaction is SERIALIZABLE
        self.rows: list[tuple[Any, ...]] = []
        given = set(col_idx)
        self.left_out = [i for i in range(len(writer.names)) if i not in given]  # their defaults apply
        txn = ctx.txn
        self.batching = txn is not None and txn.reads is None and writer.triggers is None and \
            writer.router is None and all(
            writer.fixed_defaults[i] for i in range(len(writer.names)) if i not in given)
        # AFTER ROW triggers queued from here run when the COPY ends
        self.trigger_mark = len(session.trigger_events)
        if writer.triggers is not None:
            writer.triggers.before_statement(ctx, "INSERT")

    def feed(self, data: bytes) -> None:
        self.buffer.extend(data)
        # process complete lines as they arrive so memory stays bounded
        if len(self.buffer) > 1 << 20:
            with self.session._statement_scope():  # values are parsed in the session's time zone
                self._process(final=False)

    def _lines(self, final: bool) -> list[str]:
        if self.buffer.find(0) >= 0:  # text cannot hold NUL
            raise SqlError("22021", 'invalid byte sequence for encoding "UTF8": 0x00')
        try:
            text = self.pending + self.buffer.decode("utf-8")
        except UnicodeDecodeError:
            # an incomplete character at the end waits for the next chunk
            cut = len(self.buffer)
            while cut > 0 and (self.buffer[cut - 1] & 0xC0) == 0x80:
                cut -= 1
            if cut > 0 and self.buffer[cut - 1] >= 0xC0:
                cut -= 1
            if final or cut == 0:
                decode_utf8(bytes(self.buffer))  # raises, naming the bad bytes
                raise SqlError("22021", 'invalid byte sequence for encoding "UTF8"') from None
            text = self.pending + decode_utf8(bytes(self.buffer[:cut]))
            del self.buffer[:cut]
            return self._split(text, final)
        self.buffer.clear()
        return self._split(text, final)

    def _split(self, text: str, final: bool) -> list[str]:
        if self.opts.format == "csv":
            # records may span lines inside quotes: keep the incomplete tail
            if final:
                self.pending = ""
                return [text] if text else []
            idx = text.rfind("\n")
            if idx < 0:
                self.pending = text
                return []
            chunk, self.pending = text[: idx + 1], text[idx + 1:]
            if chunk.count(self.opts.quote) % 2:
                self.pending = chunk + self.pending
                return []
            return [chunk]
        lines = text.split("\n")
        if final:
            self.pending = ""
        else:
            self.pending = lines.pop()
        return lines

    def _process(self, final: bool) -> None:
        try:
            if self.opts.format == "csv":
                for chunk in self._lines(final):
                    self._csv(chunk)
            else:
                self._text_lines(self._lines(final))
        except SqlError as e:
            if not e.sqlstate.startswith("57"):  # not a cancel: the rows before the bad one go in first
                self._write_rows()
            raise
        if final:
            self._write_rows()

    def _write_rows(self) -> None:
        """Writes the rows parsed so far: as a batch, or one by one when a row of it fails (then
        the first failing row raises its error)."""
        rows, self.rows = self.rows, []
        if rows and not self.writer.insert_batch(self.ctx, rows):
            for row in rows:
                self.writer.insert(self.ctx, row)

    def _text_lines(self, lines: list[str]) -> None:
        """Text-format lines; those of every column in table order, without escapes, become
        rows of the batch directly (a bulk load), any other line goes through _text_line."""
        w = self.writer
        if not self.batching or self.left_out or self.col_idx != list(range(len(w.names))):
            for line in lines:
                self._text_line(line)
            return
        delim, null, parsers = self.opts.delimiter, self.opts.null, self.parsers
        width = len(parsers)
        for line in lines:
            fields = line.split(delim)
            if not line or len(fields) != width or "\r" in line or (
                    "\\" in line and any("\\" in f for f in fields if f != null)):
                self._text_line(line)  # an escape, a missing or extra field, the end marker
                continue
            try:
                row = tuple([None if f == null else parse(f) for parse, f in zip(parsers, fields)])
            except SqlError:
                self._text_line(line)  # raises the error with its column's detail
                raise
            self.line_no += 1
            self.rows.append(row)
            if len(self.rows) >= _BATCH_ROWS:
                self._write_rows()
            self.count += 1
            if self.count & 1023 == 0:
                self.ctx.check()

    def _text_line(self, line: str) -> None:
        line = line.removesuffix("\r")
        if line == "\\." or (line == "" and self.opts.format == "text"):
            return
        self.line_no += 1
        fields = line.split(self.opts.delimiter)
        vals: list[str | None] = [None if f == self.opts.null else _text_field(f) for f in fields]
        self._insert(vals, line)

    def _csv(self, chunk: str) -> None:
        reader = csv.reader(io.StringIO(chunk), delimiter=self.opts.delimiter or ",",
                            quotechar=self.opts.quote, escapechar=None if self.opts.escape in (None, self.opts.quote)
                            else self.opts.escape, doublequote=True, strict=False)
        null = self.opts.null
        raw_lines = chunk.split("\n")
        for rec in reader:
            if not rec:
                continue
            if not self.header_skipped:
                self.header_skipped = True
                self.line_no += 1
                continue
            if rec == ["\\."]:
                continue
            self.line_no += 1
            # an unquoted field equal to NULL is NULL; csv hides quoting, so look at the raw line
            vals: list[str | None] = []
            raw = raw_lines[self.line_no - 1] if False else None
            del raw
            for f in rec:
                vals.append(None if f == null else f)
            self._insert(vals, ",".join(rec))

    def _insert(self, vals: list[str | None], line: str) -> None:
        if len(vals) != len(self.col_idx):
            if len(vals) < len(self.col_idx):
                raise SqlError("22P04", f"missing data for column \"{self.writer.names[self.col_idx[len(vals)]]}\"",
                               detail=f"COPY {self.table_name}, line {self.line_no}: \"{line[:100]}\"")
            raise SqlError("22P04", "extra data after last expected column",
                           detail=f"COPY {self.table_name}, line {self.line_no}: \"{line[:100]}\"")
        w = self.writer
        row: list[Any] = [None] * len(w.names)
        for ci, v, parse in zip(self.col_idx, vals, self.parsers):
            if v is None:
                continue
            try:
                row[ci] = parse(v)
            except SqlError as e:
                raise SqlError(e.sqlstate, e.message,
                               detail=f'COPY {self.table_name}, line {self.line_no}, column {w.names[ci]}: "{v}"'
                               ) from None
        for i in self.left_out:
            row[i] = w.default_value(i)
        if self.batching:
            self.rows.append(tuple(row))
            if len(self.rows) >= _BATCH_ROWS:
                self._write_rows()
        else:
            t = w.before_row(self.ctx, "INSERT", None, tuple(row))
            if t is None:
                return  # a BEFORE trigger skipped the row: COPY does not count it
            w.insert(self.ctx, t)
        self.count += 1
        if self.count & 1023 == 0:
            self.ctx.check()

    def finish(self) -> Result:
        try:
            with self.session._statement_scope():
                self._process(final=True)
                if self.writer.triggers is not None:
                    self.writer.triggers.after_statement(self.ctx, "INSERT")
                run_queued(self.ctx, self.trigger_mark)
        except BaseException:
            del self.session.trigger_events[self.trigger_mark:]
            self.session.finish_copy(getattr(self, "autocommit", False), False)
            raise
        self.session.finish_copy(getattr(self, "autocommit", False), True)
        return Result(f"COPY {self.count}", rowcount=self.count)

    def abort(self, message: str) -> None:
        del self.session.trigger_events[self.trigger_mark:]
        self.session.finish_copy(getattr(self, "autocommit", False), False)


def _parser(t: T.SqlType, session: Session) -> Callable[[str], Any]:
    """How a COPY field's text becomes a value of type t (worked out once per column), in the
    session's TimeZone."""
    if t.oid in (T.TEXT.oid, T.VARCHAR.oid) and t.typmod < 0:
        return _as_is
    conv = find_cast(T.UNKNOWN, T.strip(t), EXPLICIT, session)
    assert conv is not None
    if t.oid in _INT_BOUNDS:
        return _int_parser(_INT_BOUNDS[t.oid], conv)
    if t.oid == T.BPCHAR.oid and t.typmod > 4:
        return _bpchar_parser(t.typmod - 4, find_cast(T.strip(t), t, ASSIGNMENT, session), conv)
    mod = find_cast(T.strip(t), t, ASSIGNMENT, session) if t.typmod >= 0 else None
    if mod is None:
        return conv  # type: ignore[no-any-return]
    return lambda v: mod(conv(v))


def _as_is(v: str) -> str:
    return v


_INT_BOUNDS = {T.INT2.oid: 1 << 15, T.INT4.oid: 1 << 31, T.INT8.oid: 1 << 63}


def _bpchar_parser(width: int, mod: Callable[[Any], Any] | None, conv: Callable[[str], Any]
                   ) -> Callable[[str], Any]:
    """char(n): a value that fits is padded to n; a longer one goes through the type's checks."""
    def parse(v: str) -> Any:
        if len(v) <= width:
            return v.ljust(width)
        return mod(conv(v)) if mod is not None else conv(v)

    return parse


def _int_parser(bound: int, conv: Callable[[str], Any]) -> Callable[[str], Any]:
    """Plain ASCII digits (what dumps and loaders send) read at int() speed; anything else
    (signs, spaces, errors) through the type's input function."""
    def parse(v: str) -> Any:
        if v.isascii() and v.isdigit() and len(v) < 19:
            n = int(v)
            if n < bound:
                return n
        elif v[:1] == "-" and v[1:].isascii() and v[1:].isdigit() and len(v) < 20:
            n = int(v)
            if n >= -bound:
                return n
        return conv(v)

    return parse


class QueryCopyOut(CopyOut):
    """COPY ... TO STDOUT: the rows are produced as the chunks are read, a batch at a time."""

    def __init__(self, session: Session, rows: RowStream, types: list[T.SqlType], opts: CopyOptions,
                 names: list[str]) -> None:
        self.session = session
        self.rows = rows
        self.types = types
        self.opts = opts
        self.format = opts.format
        self.column_count = len(types)
        self.names = names

    def _field(self, v: Any, t: T.SqlType) -> str | None:
        if v is None:
            return None
        tz = self.session.timezone() if t.oid in (T.TIMESTAMPTZ.oid, T.TIMETZ.oid) else None
        return to_text(v, t.oid, tz)

    def _rows(self) -> Iterator[tuple[Any, ...]]:
        # an autocommitted COPY ends with its rows when the caller stops reading them
        self.rows.autocommit = getattr(self, "autocommit", False)
        while True:
            batch = self.rows.fetch(1000)
            if not batch:
                return
            yield from batch

    def chunks(self) -> Iterator[bytes]:
        o = self.opts
        if o.format == "csv":
            buf = io.StringIO()
            w = csv.writer(buf, delimiter=o.delimiter or ",", quotechar=o.quote, lineterminator="\n",
                           quoting=csv.QUOTE_MINIMAL)
            if o.header:
                w.writerow(self.names)
                yield buf.getvalue().encode()
                buf.seek(0)
                buf.truncate()
            for r in self._rows():
                fields = [self._field(v, t) for v, t in zip(r, self.types)]
                line = []
                for f in fields:
                    if f is None:
                        line.append(o.null or "")
                    elif f == "" or any(c in f for c in (o.delimiter or ",", o.quote, "\n", "\r")) or f == o.null:
                        line.append(o.quote + f.replace(o.quote, o.quote * 2) + o.quote)
                    else:
                        line.append(f)
                yield ((o.delimiter or ",").join(line) + "\n").encode()
            return
        for r in self._rows():
            fields = [self._field(v, t) for v, t in zip(r, self.types)]
            yield (o.delimiter.join(o.null if f is None else _text_escape(f, o.delimiter or "\t")
                                    for f in fields) + "\n").encode()  # type: ignore[union-attr]

    def result(self) -> Result:
        self.session.finish_copy(getattr(self, "autocommit", False), True)
        return Result(f"COPY {self.rows.count}", rowcount=self.rows.count)


def copy_statement(s: Session, st: Statement, ctx: ExecContext) -> CopyIn | CopyOut | Result:
    m = _COPY.match(st.text)
    if not m:
        raise SqlError("42601", "syntax error in COPY")
    opts = parse_options(m.group("opts") or "")
    direction = m.group("dir").upper()
    target = m.group("target").upper()
    rt = Runtime([])
    rt.ctx = ctx
    planner = Planner(s, s.catalog(), rt)
    if m.group("query"):
        if direction != "TO":
            raise SqlError("42601", 'syntax error at or near "FROM"')
        compiled = compile_node(s, parse_one(m.group("query")[1:-1]), rt,
                                select_into="COPY (SELECT INTO) is not supported")
        take_relation_locks(compiled, ctx)
        result = compiled.run(ctx)
        types = [c.type for c in compiled.out.columns]  # type: ignore[attr-defined]
        names = [c.name for c in compiled.out.columns]  # type: ignore[attr-defined]
        return _copy_out(s, result.rows, types, opts, names, target)  # type: ignore[arg-type]
    tparts = [p.strip() for p in re.split(r"\s*\.\s*", m.group("table"))]
    name = _id(tparts[-1])
    schema = _id(tparts[0]) if len(tparts) > 1 else None
    table = planner.lookup_table(schema, name)
    if table is None:
        raise SqlError("42P01", f'relation "{name}" does not exist')
    names = [c.name for c in table.columns]
    if m.group("cols"):
        cols = [_id(c.strip()) for c in m.group("cols")[1:-1].split(",") if c.strip()]
        for c in cols:
            if c not in names:
                raise SqlError("42703", f'column "{c}" of relation "{table.name}" does not exist')
            if table.columns[names.index(c)].generated is not None:
                raise SqlError("42P10", f'column "{c}" is a generated column',
                               detail="Generated columns cannot be used in COPY.")
    else:
        cols = [c.name for c in table.columns if c.generated is None]  # as PostgreSQL: not the generated ones
    idx = [names.index(c) for c in cols]
    if target not in ("STDIN", "STDOUT"):
        s.require_superuser(f"must be superuser or have privileges of the pg_{'read' if direction == 'FROM' else 'write'}"
                            f"_server_files role to COPY {'from' if direction == 'FROM' else 'to'} a file",
                            hint="Anyone can COPY to stdout or from stdin. psql's \\copy command also works for "
                            "anyone.")
    required = planner.permissions.relation(table.oid)
    if direction == "FROM":
        required.letters.add("a")
        required.inserted.update(i + 1 for i in idx)
    else:
        required.read.update(i + 1 for i in idx)
    s.check_permissions(planner.permissions.frozen())
    if direction == "FROM":
        if target != "STDIN":
            raise SqlError("42501", "COPY from a file is not supported; use COPY FROM STDIN (psql \\copy)")
        writer = TableWriter(planner, table, rt)
        return TableCopyIn(s, ctx, writer, idx, opts, table.name)
    scanned = TableAccess(table).rows(ctx.txn)  # type: ignore[arg-type]
    rows = QueryRows((tuple(r[i] for i in idx) for r in scanned), rt, ctx)
    types = [U.stored_type(planner.catalog, table.columns[i].type).sql for i in idx]
    return _copy_out(s, rows, types, opts, cols, target)


def _copy_out(s: Session, rows: QueryRows, types: list[T.SqlType], opts: CopyOptions, names: list[str],
              target: str) -> CopyOut:
    if target != "STDOUT":
        raise SqlError("42501", "COPY to a file is not supported; use COPY TO STDOUT (psql \\copy)")
    # the COPY's transaction ends with finish_copy (or when producing the rows fails)
    return QueryCopyOut(s, RowStream(s, rows, autocommit=False), types, opts, names)


def _id(text: str) -> str:
    text = text.strip()
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('""', '"')
    return text.lower()


__all__ = ["copy_statement", "from_text", "ident"]
