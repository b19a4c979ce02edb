"""PEP 249 (DB-API 2.0) face of orbitdb: ``orbitdb.connect(path)``.

It behaves like psycopg2: paramstyle ``pyformat`` (%s and %(name)s), a
transaction begins implicitly before the first statement unless
``autocommit`` is set, ``with con:`` commits or rolls back, and every error
is a PEP 249 exception carrying PostgreSQL's SQLSTATE in ``e.sqlstate``."""

from __future__ import annotations

import contextlib
import datetime
import os
import re
import sys
import threading
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from orbitdb import errors
from orbitdb.exceptions import (
    DatabaseError,
    DataError,
    Error,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    QueryCanceledError,  # noqa: F401 (re-exported: orbitdb.QueryCanceledError)
    TransactionRollbackError,  # noqa: F401 (re-exported)
    Warning,
)
from orbitdb.sql.cluster.registry import DEFAULT_DATABASE, is_data_dir
from orbitdb.sql.errors import SqlError, internal_error
from orbitdb.sql.exec.rowstream import RowStream
from orbitdb.sql.parse.textcache import TextCache
from orbitdb.sql.result import CopyIn, CopyOut, Result
from orbitdb.sql.session.database import Database
from orbitdb.sql.session.notify import Notify
from orbitdb.sql.session.session import Session
from orbitdb.storage.infinite import Infinite
from orbitdb.storage.interval import Interval

if TYPE_CHECKING:
    from typing_extensions import Self

    from orbitdb.embedded_server import EmbeddedServer

apilevel = "2.0"
threadsafety = 2  # threads may share the module and connections (calls are serialised per connection)
paramstyle = "pyformat"


def error_for(e: SqlError) -> Error:
    """The most specific class for e's SQLSTATE (orbitdb.errors), a subclass of its PEP 249 class."""
    return errors.for_sqlstate(e.sqlstate)(e.message, e.sqlstate, e.detail, e.hint)


def internal_error_for(e: Exception, sql: str) -> Error:
    """A Python exception from below the DB-API: InternalError (XX000) naming the statement, its
    traceback logged, never its Python text."""
    return error_for(internal_error(e, sql))


_PARAM = re.compile(r"%(?:\((?P<name>[^)]+)\))?(?P<kind>[sb%])")


_TEMPLATES: TextCache[tuple[str, tuple[str | None, ...]]] = TextCache(4 << 20, 64 << 10, per_char=3, fixed=300)


def _query_template(sql: str, positional: bool) -> tuple[str, tuple[str | None, ...]]:
    """The query with $n placeholders, and what fills each: None (next positional) or a name."""
    slots: list[str | None] = []
    names: dict[str, int] = {}

    def sub(m: re.Match[str]) -> str:
        if m.group("kind") == "%":
            return "%"
        name = m.group("name")
        if name is None:
            if not positional:
                raise ProgrammingError("query uses %s but parameters are a mapping")
            slots.append(None)
            return f"${len(slots)}"
        if positional:
            raise ProgrammingError("query uses %(name)s but parameters are a sequence")
        if name not in names:
            slots.append(name)
            names[name] = len(slots)
        return f"${names[name]}"

    return _PARAM.sub(sub, sql), tuple(slots)


def _cached_template(sql: str, positional: bool) -> tuple[str, tuple[str | None, ...]]:
    hit = _TEMPLATES.get((sql, positional))
    if hit is None:
        hit = _query_template(sql, positional)
        _TEMPLATES.put((sql, positional), sql, hit)
    return hit


def convert_query(sql: str, params: Sequence[Any] | Mapping[str, Any] | None) -> tuple[str, list[Any]]:
    """pyformat -> PostgreSQL's $n placeholders (as psycopg does, quotes are not special)."""
    if params is None:
        return sql, []
    positional = not isinstance(params, Mapping)
    text, slots = _cached_template(sql, positional)
    if positional:
        if len(slots) != len(params):  # type: ignore[arg-type]
            if len(slots) > len(params):  # type: ignore[arg-type]
                raise ProgrammingError("not enough parameters for the query")
            raise ProgrammingError("not all arguments converted during string formatting")
        return text, list(params)  # type: ignore[arg-type]
    values = []
    for name in slots:
        if name not in params:  # type: ignore[operator]
            raise ProgrammingError(f"parameter '{name}' is missing")
        values.append(params[name])  # type: ignore[index]
    return text, values


def _infinite_value(v: Any, tz: Any) -> Any:
    """psycopg2's reading of 'infinity' / '-infinity': date.max / date.min, datetime.max /
    datetime.min (in the session's zone for timestamptz)."""
    if v.kind == "date":
        return datetime.date.max if v.sign > 0 else datetime.date.min
    out = datetime.datetime.max if v.sign > 0 else datetime.datetime.min
    return out if tz is None else out.replace(tzinfo=tz)


def _infinite_extremes(v: Any) -> Any:
    """date and timestamp values: an infinity becomes psycopg2's extreme, the rest stay."""
    return _infinite_value(v, None) if type(v) is Infinite else v


def _out_value(v: Any) -> Any:
    if isinstance(v, Interval):
        try:
            return v.to_timedelta()
        except OverflowError:  # a datetime.timedelta holds at most 999999999 days
            raise SqlError("22008", "interval out of range for a Python timedelta",
                           detail="A timedelta holds at most 999999999 days; select the interval as text.") from None
    if isinstance(v, list):
        return [_out_value(x) for x in v]
    if type(v) is Infinite:  # in a date[] or timestamp[]
        return _infinite_value(v, datetime.timezone.utc if v.kind == "tstz" else None)
    return v


def _float4(v: float) -> float:
    from orbitdb.sql.types.pgtext.numbers import format_float4

    return float(format_float4(v))


def _json_value(v: Any) -> Any:
    import json

    from orbitdb.sql.types.pgtext import format_text

    return json.loads(format_text(v, 3802), parse_int=_json_int)


def _json_int(text: str) -> int | Any:
    """A JSON integer as an int, or a Decimal when it has more digits than Python converts
    (its default limit of 4300: jsonb holds numbers of any size)."""
    try:
        return int(text)
    except ValueError:
        import decimal

        return decimal.Decimal(text)


def _json_array_value(v: list[Any]) -> list[Any]:
    # orbitdb's json arrays are one-dimensional: a list element is a JSON array
    return [None if x is None else _json_value(x) for x in v]


def _record_value(v: tuple[Any, ...]) -> tuple[Any, ...]:
    from orbitdb.storage.jsonnull import to_python

    fields = [_record_value(x) if isinstance(x, tuple) else to_python(x) for x in v]
    return type(v)(*fields) if hasattr(v, "_fields") else tuple(fields)


_KEPT_SHAPES = 256
# converters that read the session's state when they are made: made again for each result
_SESSION_DEPENDENT_OIDS = frozenset({1184, 2205, 2206, 4089, 4096, 24, 2202})


def _converter(oid: int, con: Connection) -> Any:
    """How a column's values are handed to Python, as psycopg2 would parse them."""
    if oid == 1184:  # timestamptz: in the session's time zone
        s = con._session
        tz = s.timezone() if s is not None else datetime.timezone.utc
        return lambda v: _infinite_value(v, tz) if type(v) is Infinite else v.astimezone(tz)
    if oid in (1082, 1114):  # infinite dates and timestamps: the extremes psycopg2 maps them to
        return _infinite_extremes
    if oid == 700:
        return _float4
    if oid in (790, 869, 650, 829, 774, 791, 1041, 651, 1040, 775, 4451, 4532, 4533, 4534, 4535, 4536):
        # money, the network and multirange types (and arrays): their text, as psycopg2 gives them
        from orbitdb.sql.types.pgtext import format_text

        return lambda v: format_text(v, oid)
    if oid in (114, 3802):  # json parsed as psycopg2 parses it (numbers become int/float, null None)
        return _json_value
    if oid in (199, 3807):  # json[] and jsonb[]: each element as above, a NULL element None
        return _json_array_value
    if oid == 2249:  # record: a json field's null is None, as json.loads gives it
        return _record_value
    if oid in (2205, 2206, 4089, 4096, 24, 2202):  # regclass, regtype...: their names, as text
        from orbitdb.sql.types.casts import reg_to_text

        s = con._session

        def reg(v: Any) -> str:
            return reg_to_text(v, oid, s)

        return reg
    if oid in (1186, 1187) or oid in (1000, 1001, 1005, 1007, 1016, 1009, 1015, 1231, 1021, 1022, 1182, 1115,
                                      1185, 2951, 1014, 1183):
        return _out_value
    return None


class Column(tuple):  # type: ignore[type-arg]
    """A description item: (name, type_code, display_size, internal_size, precision, scale, null_ok)."""

    @property
    def name(self) -> str:
        return self[0]  # type: ignore[no-any-return]

    @property
    def type_code(self) -> int:
        return self[1]  # type: ignore[no-any-return]


# A query's rows are produced as they are fetched (see orbitdb/sql/exec/rowstream.py). execute()
# produces the first PREFETCH_ROWS at once: a result that small is complete when execute returns,
# with its rowcount and any error it raises, as psycopg2's are; a bigger one is read on demand
# while its statement is the connection's current one (rowcount is -1 until its end is reached).
# When the connection moves on (another execute, commit, rollback), the rest is produced and
# kept, so the cursor still returns every row; closing the cursor drops them instead.
PREFETCH_ROWS = 1000
FETCH_BATCH = 1000


class Cursor:
    arraysize = 1

    def __init__(self, con: Connection) -> None:
        self.connection = con
        self._rows: list[tuple[Any, ...]] = []  # produced, not yet fetched from _pos on
        self._pos = 0
        self._fetched_before = 0  # rows fetched before the start of _rows
        self._stream: RowStream | None = None  # the statement still producing rows
        self._convs: list[Any] | None = None
        self._error: Error | None = None  # the statement failed after the rows in _rows
        self.description: list[Column] | None = None
        self.rowcount = -1
        self.statusmessage: str | None = None
        self.lastrowid = None
        self.query: str | None = None
        self.closed = False
        # sqlite3's habit: factory(cursor, row) makes each fetched row (orbitdb.Row, a dict maker...)
        self.row_factory: Any = con.row_factory

    def _check(self) -> Session:
        if self.closed:
            raise InterfaceError("cursor already closed")
        return self.connection._session_or_raise()

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> Cursor:
        s = self._check()
        query, values = convert_query(sql, params)
        self.query = sql
        with self.connection._lock:
            self.connection._finish_current(dropping=self)
            if not self.connection.autocommit and not s.in_block:
                s.begin_block()
            try:
                results = s.execute(query, values)
                self._set(results[-1] if results else Result("EMPTY"))
            except SqlError as e:
                self.connection._keep_notices([Result("", notices=e.notices)])
                raise error_for(e) from None
            except Exception as e:
                raise internal_error_for(e, sql) from e
        self.connection._keep_notices(results)
        return self

    def _set(self, r: Result | CopyIn | CopyOut) -> None:
        self._drop_stream()
        self._rows = []
        self._pos = 0
        self._fetched_before = 0
        self._error = None
        if isinstance(r, (CopyIn, CopyOut)):
            raise NotSupportedError("COPY FROM STDIN / TO STDOUT needs copy_expert() with a file")
        self.statusmessage = r.command_tag
        if r.columns is None:
            self.description = None
            self.rowcount = r.rowcount if r.rowcount >= 0 else -1
            return
        self.description, self._convs = self.connection._shape(r.columns)
        if not isinstance(r.rows, RowStream):
            self._rows = self._converted(list(r.rows))
            self.rowcount = len(self._rows) if r.rowcount < 0 else r.rowcount
            return
        self._stream = r.rows
        self.statusmessage = None
        self.rowcount = -1
        while self._stream is not None and len(self._rows) < PREFETCH_ROWS:
            self._produce(PREFETCH_ROWS - len(self._rows))  # what the first rows raise, execute raises
        if self._stream is not None:
            self.connection._current = (weakref.ref(self), self._stream)

    def _converted(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        convs = self._convs
        if convs is None:
            return rows
        if all(f is None or f is _infinite_extremes for f in convs):
            # only infinities would change: rows without any are handed out as they are
            from operator import itemgetter

            cols = [i for i, f in enumerate(convs) if f is not None]
            if not any(Infinite in set(map(type, map(itemgetter(i), rows))) for i in cols):  # loops in C
                return rows
        return [tuple(v if f is None or v is None else f(v) for f, v in zip(convs, row)) for row in rows]

    def _produce(self, n: int) -> None:
        """Adds up to n rows of the running statement to the produced ones (the connection's
        lock is held). Raises SqlError."""
        stream = self._stream
        assert stream is not None
        if self._pos and self._pos == len(self._rows):
            self._fetched_before += self._pos
            self._rows = []
            self._pos = 0
        batch = stream.fetch(n)
        self._rows.extend(self._converted(batch))
        if stream.exhausted:
            self._stream = None
            self.rowcount = stream.count
            self.statusmessage = f"SELECT {stream.count}"

    def _produce_rest(self) -> None:
        """The connection moves on: the rows not yet produced are produced and kept; an error
        is raised by the fetch that reaches it."""
        self._produce_until(None, FETCH_BATCH)

    def _produce_until(self, n: int | None, batch: int) -> None:
        """Produces rows until n wait to be fetched (None: to the end); an error stops the
        statement and is kept for the fetch that reaches it."""
        try:
            if self._stream is not None:
                # one fetch call is one statement for statement_timeout (as FETCH is), however many
                # batches it takes: fetchall() of an endless query stops, it does not fill memory
                self._stream.restart_timeout()
            while self._stream is not None and (n is None or len(self._rows) - self._pos < n):
                self._produce(batch if n is None else max(n - (len(self._rows) - self._pos), batch))
        except SqlError as e:
            self._stream = None
            self._error = error_for(e)
        except Exception as e:  # noqa: BLE001 - kept for the fetch that reaches it
            self._stream = None
            self._error = internal_error_for(e, self.query or "")

    def _drop_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.close()

    def _want(self, n: int | None) -> None:
        """Produces rows until n are waiting to be fetched (None: all of them)."""
        if self._stream is None:
            return
        with self.connection._lock:
            self.connection._session_or_raise()
            self._produce_until(n, FETCH_BATCH)

    def _raise_pending(self) -> None:
        error, self._error = self._error, None
        if error is not None:
            raise error

    def executemany(self, sql: str, seq_of_params: Sequence[Sequence[Any] | Mapping[str, Any]]) -> Cursor:
        s = self._check()
        total = 0
        with self.connection._lock:
            self.connection._finish_current(dropping=self)
            self._drop_stream()
            if not self.connection.autocommit and not s.in_block:
                s.begin_block()
            try:
                for query, rows in _statement_groups(sql, seq_of_params):
                    prepared = s.prepare(query, _type_hints(rows))
                    total += s.execute_many(prepared, rows)
            except SqlError as e:
                raise error_for(e) from None
            except Exception as e:
                raise internal_error_for(e, sql) from e
        self.description = None
        self._rows = []
        self._pos = self._fetched_before = 0
        self._error = None
        self.rowcount = total
        return self

    def copy_expert(self, sql: str, file: Any) -> None:
        """COPY ... FROM STDIN reading file, or COPY ... TO STDOUT writing to it (as psycopg2)."""
        s = self._check()
        with self.connection._lock:
            self.connection._finish_current(dropping=self)
            self._drop_stream()
            if not self.connection.autocommit and not s.in_block:
                s.begin_block()
            try:
                r = s.execute(sql)[-1]
                if isinstance(r, CopyIn):
                    while True:
                        chunk = file.read(65536)
                        if not chunk:
                            break
                        r.feed(chunk.encode() if isinstance(chunk, str) else chunk)
                    self._set(r.finish())
                elif isinstance(r, CopyOut):
                    for chunk in r.chunks():
                        try:
                            file.write(chunk)
                        except TypeError:
                            file.write(chunk.decode())
                    self._set(r.result())
                else:
                    self._set(r)
            except SqlError as e:
                raise error_for(e) from None
            except (Error, OSError):
                raise  # the DB-API's own, and the file's
            except Exception as e:
                raise internal_error_for(e, sql) from e

    def fetchone(self) -> tuple[Any, ...] | None:
        if self.description is None:
            raise ProgrammingError("no results to fetch")
        if self._pos >= len(self._rows):
            self._want(1)
            if self._pos >= len(self._rows):
                self._raise_pending()
                return None
        row = self._rows[self._pos]
        self._pos += 1
        return row if self.row_factory is None else self.row_factory(self, row)

    def fetchmany(self, size: int | None = None) -> list[tuple[Any, ...]]:
        if self.description is None:
            raise ProgrammingError("no results to fetch")
        n = size if size is not None else self.arraysize
        self._want(n)
        rows = self._rows[self._pos : self._pos + n]
        self._pos += len(rows)
        if not rows:
            self._raise_pending()
        return rows if self.row_factory is None else [self.row_factory(self, r) for r in rows]

    def fetchall(self) -> list[tuple[Any, ...]]:
        if self.description is None:
            raise ProgrammingError("no results to fetch")
        self._want(None)
        rows = self._rows[self._pos :]
        self._pos = len(self._rows)
        if self._error is not None:
            self._raise_pending()
        return rows if self.row_factory is None else [self.row_factory(self, r) for r in rows]

    # columnar fetch (orbitdb/columnar.py): the rest of the result as arrays, frames or tables
    def fetchnumpy(self) -> dict[str, Any]:
        """{column name: numpy array} of the rows not fetched yet; NULLs as masked arrays."""
        from orbitdb.columnar import merge_numpy, to_numpy

        description = self.description
        if description is None:
            raise ProgrammingError("no results to fetch")
        columns = self._rest_columns()
        if columns is not None:  # straight from the batches of the scan, after the rows made before
            rows = self._rows[self._pos :]
            self._pos = len(self._rows)
            return merge_numpy(description, self._convs, rows, columns)
        rows = self.fetchall() if self.row_factory is None else self._fetch_tuples()
        return to_numpy(description, rows)

    def _rest_columns(self) -> list[tuple[Any, Any]] | None:
        """The rows the statement has not produced yet as columns, when it runs on batches
        (RowStream.fetch_columns); None: fetch them as rows."""
        stream = self._stream
        if stream is None or self._error is not None:
            return None
        with self.connection._lock:
            self.connection._session_or_raise()
            stream.restart_timeout()  # one fetch call, one statement for statement_timeout
            try:
                columns = stream.fetch_columns()
            except SqlError as e:
                self._stream = None
                raise error_for(e) from None
            except Exception as e:
                self._stream = None
                raise internal_error_for(e, self.query or "") from e
            if columns is None:
                return None
            self._stream = None
            self.rowcount = stream.count
            self.statusmessage = f"SELECT {stream.count}"
            return columns

    def fetchdf(self) -> Any:
        """The rows not fetched yet as a pandas DataFrame (pip install 'orbitdb[pandas]')."""
        from orbitdb.columnar import to_dataframe

        return to_dataframe(self.fetchnumpy())

    def fetch_arrow_table(self) -> Any:
        """The rows not fetched yet as a pyarrow Table (pip install 'orbitdb[arrow]')."""
        from orbitdb.columnar import to_arrow

        return to_arrow(self.fetchnumpy())

    def _fetch_tuples(self) -> list[tuple[Any, ...]]:
        factory, self.row_factory = self.row_factory, None
        try:
            return self.fetchall()
        finally:
            self.row_factory = factory

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        while True:
            row = self.fetchone()
            if row is None:
                return
            yield row

    @property
    def rownumber(self) -> int:
        return self._fetched_before + self._pos

    def close(self) -> None:
        if self._stream is not None:
            with self.connection._lock:
                self._drop_stream()
        self.closed = True
        self._rows = []

    def setinputsizes(self, sizes: Any) -> None:
        pass

    def setoutputsize(self, size: Any, column: Any = None) -> None:
        pass

    def nextset(self) -> None:
        return None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _statement_groups(sql: str, seq_of_params: Sequence[Sequence[Any] | Mapping[str, Any]]
                      ) -> list[tuple[str, list[Sequence[Any]]]]:
    """executemany's parameter rows grouped by the statement text they make, in order: rows with
    the same text run as one statement (one set-up, one plan). Rows of positional parameters
    all make the same text, and are taken as they are."""
    rows = seq_of_params if isinstance(seq_of_params, list) else list(seq_of_params)
    kinds = set(map(type, rows))
    if rows and (kinds <= {tuple, list} or not any(isinstance(p, Mapping) for p in rows)):
        text, slots = _cached_template(sql, True)
        width = len(slots)
        if set(map(len, rows)) == {width}:
            return [(text, rows)]  # type: ignore[list-item]
    groups: list[tuple[str, list[Sequence[Any]]]] = []
    for params in rows:
        query, values = convert_query(sql, params)
        if groups and groups[-1][0] == query:
            groups[-1][1].append(values)
        else:
            groups.append((query, [values]))
    return groups


def _type_hints(rows: list[Sequence[Any]]) -> list[int]:
    """The parameter types of a group of rows: the first row's, and for a parameter that is
    NULL or text there, the first later value that says more."""
    hints = [_oid_hint(v) for v in rows[0]]
    for i, hint in enumerate(hints):
        if hint == 0:
            told = next((v for row in rows if (v := row[i]) is not None and not isinstance(v, str)), None)
            if told is not None:
                hints[i] = _oid_hint(told)
    return hints


def _oid_hint(v: Any) -> int:
    from orbitdb.sql.types.params import param_type

    return param_type(v).oid if v is not None and not isinstance(v, str) else 0


_KEPT_NOTICES = 50  # psycopg2 keeps as many
MEMORY = ":memory:"  # connect()'s path for a temporary database


class _SharedDatabase:
    """Connections to the same directory in one process share one open database (or, for a
    server's data directory, one open Cluster of its databases)."""

    lock = threading.Lock()
    open: ClassVar[dict[str, tuple[Any, int]]] = {}
    # a directory whose last connection is closing it, set when closed: its close runs outside
    # the lock (it joins the database's threads, which may need the lock), and a connect to the
    # same directory waits for it rather than open the directory while it is still held
    closing: ClassVar[dict[str, threading.Event]] = {}


def _open_directory(path: str, knobs: dict[str, Any]) -> Any:
    """What a connection to path opens: the Cluster of a server's data directory (the databases
    of `orbitdb serve --data-dir`), else the one database in path (made if needed)."""
    if is_data_dir(path):
        # imported here: only a server's data directory needs it, and its import is not free
        from orbitdb.sql.cluster.cluster import Cluster

        return Cluster.open(path, knobs)  # 55006 naming the lock while the server has it
    return Database.open(path, **knobs)


def _check_database_name(path: str, database: str | None) -> None:
    """A database is named only in a server's data directory; a plain directory holds one."""
    if database not in (None, DEFAULT_DATABASE) and not is_data_dir(path):
        raise OperationalError(f'database "{database}" does not exist', "3D000", None,
                               f"{path} holds one database; a database is named only in the data "
                               "directory of a server (orbitdb serve --data-dir).")


class Connection:
    Error = Error
    Warning = Warning
    InterfaceError = InterfaceError
    DatabaseError = DatabaseError
    DataError = DataError
    OperationalError = OperationalError
    IntegrityError = IntegrityError
    InternalError = InternalError
    ProgrammingError = ProgrammingError
    NotSupportedError = NotSupportedError

    def __init__(self, path: str, knobs: dict[str, Any], user: str = "orbit", database: str | None = None) -> None:
        self._server: EmbeddedServer | None = None  # serve()
        self.row_factory: Any = None  # sqlite3's habit: new cursors make their rows with it
        self._temporary_directory: str | None = None  # connect(":memory:") removes it at close
        self.path = os.path.realpath(path)
        _check_database_name(self.path, database)
        self._db = self._share(knobs)
        try:
            self._session: Session | None = self._db.session(user, database or DEFAULT_DATABASE)
        except SqlError as e:
            self._session = None
            self._release()
            raise OperationalError(e.message, e.sqlstate, e.detail, e.hint) from None
        self._autocommit = False
        self._lock = threading.RLock()
        # the notices and warnings of the statements run, as psycopg2 keeps them ("NOTICE:  ...\n")
        self.notices: list[str] = []
        # the cursor whose statement is producing rows on demand, and that statement's rows
        self._current: tuple[weakref.ref[Cursor], RowStream] | None = None
        # descriptions and converters of the results of cached plans (Connection._shape)
        self._shapes: dict[int, tuple[list[Any], list[Column], list[Any] | None]] = {}

    def _shape(self, columns: list[Any]) -> tuple[list[Column], list[Any] | None]:
        """A result's description and value converters. A cached plan hands out the same
        columns list each time it runs: what was made for it is reused, unless a converter
        depends on the session's state (the time zone of timestamptz, reg* names)."""
        cached = self._shapes.get(id(columns))
        if cached is not None and cached[0] is columns:
            return cached[1], cached[2]
        description = [Column((c.name, c.type_oid, None, c.type_size if c.type_size > 0 else None,
                               None, None, None)) for c in columns]
        convs = [_converter(c.type_oid, self) for c in columns]
        shape = (description, convs if any(f is not None for f in convs) else None)
        if not any(c.type_oid in _SESSION_DEPENDENT_OIDS for c in columns):
            if len(self._shapes) >= _KEPT_SHAPES:
                self._shapes.clear()
            self._shapes[id(columns)] = (columns, *shape)
        return shape

    def _keep_notices(self, results: Sequence[Result | CopyIn | CopyOut]) -> None:
        for r in results:
            for n in getattr(r, "notices", ()):
                self.notices.append(f"{n.severity}:  {n.message}\n")
        del self.notices[:-_KEPT_NOTICES]

    def _finish_current(self, dropping: Cursor | None = None) -> None:
        """Before the connection runs anything else: the current statement's remaining rows
        are produced and kept by its cursor (dropped if that cursor is `dropping`, which is about
        to run a new statement, or is gone), so that statement ends first."""
        current, self._current = self._current, None
        if current is None:
            return
        cursor = current[0]()
        if cursor is None or cursor is dropping or cursor._stream is not current[1]:
            current[1].close()
            return
        cursor._produce_rest()

    @property
    def autocommit(self) -> bool:
        return self._autocommit

    @autocommit.setter
    def autocommit(self, value: bool) -> None:
        s = self._session
        if s is not None and s.in_block:
            raise ProgrammingError("autocommit cannot be changed inside a transaction; commit or roll back first")
        self._autocommit = bool(value)

    def _session_or_raise(self) -> Session:
        if self._session is None:
            raise InterfaceError("connection already closed")
        return self._session

    @property
    def closed(self) -> bool:
        return self._session is None

    def cursor(self) -> Cursor:
        self._session_or_raise()
        return Cursor(self)

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> Cursor:
        """Shortcut as in sqlite3 and psycopg 3."""
        return self.cursor().execute(sql, params)

    def commit(self) -> None:
        s = self._session_or_raise()
        with self._lock:
            self._finish_current()
            if s.in_block or s.txn is not None:
                try:
                    s.commit()
                except SqlError as e:
                    raise error_for(e) from None

    def rollback(self) -> None:
        s = self._session_or_raise()
        with self._lock:
            self._finish_current()
            if s.in_block or s.txn is not None:
                s.rollback()

    def close(self) -> None:
        if self._session is None:
            return
        self.stop_serving()  # its wire sessions end first (their transactions roll back)
        with self._lock:
            self._current = None
            self._session.close()
            self._session = None
        self._release()
        if self._temporary_directory is not None:  # connect(":memory:")
            import shutil

            shutil.rmtree(self._temporary_directory, ignore_errors=True)

    def serve(self, port: int = 15432, host: str = "127.0.0.1", *, auth: str = "trust",
              users: dict[str, str] | None = None, max_connections: int = 100, tls_cert: str | None = None,
              tls_key: str | None = None, allow_trust_on_network: bool = False) -> EmbeddedServer:
        """Serves this open database over PostgreSQL's wire protocol from this process (threads of
        its own), until stop_serving() or close(): psql, pg_dump or another service connect to
        host:port (port 0 picks a free one: the result's .port) and their sessions are sessions
        of this same database, seeing this connection's commits as PostgreSQL sessions see each
        other's. auth is "trust" (loopback only unless allow_trust_on_network), "md5" or
        "scram-sha-256" with users={name: password}, as `orbitdb serve`'s [auth]. The result is
        a context manager that stops serving at the end of the block."""
        from orbitdb.embedded_server import EmbeddedServer, OneDatabase

        s = self._session_or_raise()
        if self._server is not None and self._server.serving:
            raise ProgrammingError(f"this connection is serving already on port {self._server.port}; "
                                   "stop_serving() first")
        served = self._db if is_data_dir(self.path) else OneDatabase(self._db, s.database)
        self._server = EmbeddedServer(served, host=host, port=port, auth=auth, users=users,
                                      max_connections=max_connections, tls_cert=tls_cert, tls_key=tls_key,
                                      allow_trust_on_network=allow_trust_on_network)
        return self._server

    def backup(self, target: str | os.PathLike[str], *, progress: Callable[[int, int, int], object] | None = None,
               step: int = 10_000) -> None:
        """Copies the database this connection is on into directory target (made; it must not
        exist or be empty) while every session goes on: the copy holds the transactions committed
        when the backup began, and opens with orbitdb.connect(target). progress(status,
        remaining, total), as sqlite3's (in entries, status 0), is called after each step of
        entries and at the end. A connection to a server's data directory copies its one
        database (roles stay with the data directory)."""
        from orbitdb.storage.backup import backup
        from orbitdb.storage.errors import StorageError

        s = self._session_or_raise()
        try:
            backup(s.store, os.fspath(target), progress, step)
        except StorageError as e:
            raise OperationalError(str(e), e.sqlstate, e.detail, None) from None

    def iterdump(self) -> Iterator[str]:
        """The database as a SQL script, one statement a time (each ending in ";"), as sqlite3's
        iterdump and in pg_dump's plain format (--inserts --no-owner --no-privileges): psql -f
        loads it into PostgreSQL, and executing each statement loads it into a new orbitdb
        database. It is read in a repeatable-read transaction of a session of its own: one
        consistent state, whatever commits meanwhile; this connection's own uncommitted work and
        temporary tables are not in it."""
        from orbitdb.dump import iterdump

        s = self._session_or_raise()
        reader = Connection(self.path, {}, database=s.database if is_data_dir(self.path) else None)
        return iterdump(reader)

    def create_function(self, name: str, nargs: int, fn: Callable[..., Any] | None, *,
                        deterministic: bool = False, returns: str | None = None) -> None:
        """Makes fn callable from SQL in this connection as name(...) with nargs arguments (-1: any
        number), as sqlite3's: arguments arrive as this module hands values out, NULL as None.
        The result's SQL type is returns (a type name, e.g. "numeric"), else fn's return
        annotation (int: bigint, float: double precision, ...), else text. deterministic: the
        same arguments always give the same result (calls with constant arguments are computed
        once, when the statement is planned). fn None removes the function. An exception fn
        raises is an error of the statement (SQLSTATE 38000, or the sqlstate of an orbitdb.Error)."""
        from orbitdb.pyfunctions import PythonFunction, check_nargs, result_type

        check_nargs(nargs)
        s = self._session_or_raise()
        key = name.lower()
        with self._lock:
            self._finish_current()
            if fn is None:
                s.python_functions.get(key, {}).pop(nargs, None)
            else:
                if not callable(fn):
                    raise TypeError("fn must be callable")
                s.python_functions.setdefault(key, {})[nargs] = PythonFunction(
                    key, nargs, fn, deterministic, result_type(returns, fn), self._python_value)
            s.plan_cache.clear()  # plans made before name meant something else

    def create_aggregate(self, name: str, nargs: int, aggregate_class: type | None, *,
                         returns: str | None = None) -> None:
        """Makes an aggregate name(...) of nargs arguments (-1: any number) in this connection, as
        sqlite3's: for each group an instance of aggregate_class is made, its step(*values) is
        called for each row and finalize() gives the result (its type: returns, else
        finalize's return annotation, else text). None removes it."""
        from orbitdb.pyfunctions import PythonAggregate, check_aggregate_class, check_nargs, result_type

        check_nargs(nargs)
        s = self._session_or_raise()
        key = name.lower()
        with self._lock:
            self._finish_current()
            if aggregate_class is None:
                s.python_aggregates.get(key, {}).pop(nargs, None)
            else:
                check_aggregate_class(aggregate_class)
                s.python_aggregates.setdefault(key, {})[nargs] = PythonAggregate(
                    key, nargs, aggregate_class, result_type(returns, aggregate_class.finalize),  # type: ignore[attr-defined]
                    self._python_value)
            s.plan_cache.clear()

    def _python_value(self, oid: int) -> Any:
        """How a value of type oid is handed to a Python function (as to a fetch), or None."""
        return _converter(oid, self)

    def stop_serving(self) -> None:
        """Ends serve(): stops listening and ends its wire sessions (their open transactions roll
        back, their clients are told FATAL 57P01). Does nothing when not serving."""
        server, self._server = self._server, None
        if server is not None:
            server.stop()

    def _share(self, knobs: dict[str, Any]) -> Any:
        """One connection more to the database open on this directory, opened if none is."""
        while True:
            with _SharedDatabase.lock:
                closed = _SharedDatabase.closing.get(self.path)
                if closed is None:
                    entry = _SharedDatabase.open.get(self.path)
                    if entry is not None:
                        _SharedDatabase.open[self.path] = (entry[0], entry[1] + 1)
                        return entry[0]
                    try:
                        db = _open_directory(self.path, knobs)
                    except SqlError as e:
                        raise OperationalError(e.message, e.sqlstate, e.detail, e.hint) from None
                    _SharedDatabase.open[self.path] = (db, 1)
                    return db
            closed.wait()

    def _release(self) -> None:
        """One connection less to the shared database: the last one closes it."""
        with _SharedDatabase.lock:
            db, n = _SharedDatabase.open.get(self.path, (self._db, 1))
            if n > 1:
                _SharedDatabase.open[self.path] = (db, n - 1)
                return
            _SharedDatabase.open.pop(self.path, None)
            closed = _SharedDatabase.closing[self.path] = threading.Event()
        try:
            db.close()
        finally:
            with _SharedDatabase.lock:
                del _SharedDatabase.closing[self.path]
            closed.set()

    def cancel(self) -> None:
        if self._session is not None:
            self._session.cancel()

    @property
    def notifies(self) -> list[Notify]:
        """The notifications (LISTEN/NOTIFY) delivered to this connection and not yet taken, as
        psycopg2's list of Notify(pid, channel, payload): each is appended when the sending
        transaction commits (connections of this process on the same database); pop or clear
        it to take them."""
        return self._session_or_raise().notifies

    def poll(self) -> int:
        """psycopg2's poll(): notifications arrive without it here; 0 (POLL_OK)."""
        self._session_or_raise()
        return 0

    @property
    def info(self) -> Session:
        return self._session_or_raise()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        if self._session is None:
            return
        if exc_type is None:
            self.commit()
        else:
            self.rollback()

    def __del__(self) -> None:
        if getattr(self, "_session", None) is None:  # closed, or __init__ failed
            return
        # A finalizer runs at whatever allocation triggers the collector, even
        # inside this thread's own critical section (connect() holds the
        # registry lock while it opens a database); then another thread
        # closes once the lock is free. At exit nothing else runs. Off the main thread the
        # collector may run in a worker that closing the database joins (auto-analyze): closing
        # there would wait for the registry lock its joiner holds, so another thread closes.
        on_main = threading.current_thread() is threading.main_thread()
        if sys.is_finalizing() or (on_main and not _SharedDatabase.lock.locked()):
            self._close_quietly()
            return
        try:
            threading.Thread(target=self._close_quietly, name="orbitdb-close").start()
        except RuntimeError:
            self._close_quietly()

    def _close_quietly(self) -> None:
        with contextlib.suppress(Exception):  # never raise from a finalizer
            self.close()


def connect(path: str | os.PathLike[str], config: str | os.PathLike[str] | dict[str, Any] | None = None,
            *, database: str | None = None, autocommit: bool = False, **knobs: Any) -> Connection:
    """Opens (creating if needed) the orbitdb database in directory path.

    A server's data directory (what `orbitdb serve --data-dir` was given) opens the server's
    databases: `actors` (its `postgresql/` folder), or the one database names. The server must
    not be running: its lock makes this fail with SQLSTATE 55006, never open a second database.

    config: a TOML file or a dict with a [persistence.rocksdb] table of engine
    knobs (RocksDB names); keyword knobs override it. autocommit: each statement commits on its
    own (as psycopg's connect(autocommit=True) and sqlite3's); else a transaction begins with the
    first statement and ends with commit() or rollback().

    path ":memory:" opens a new temporary database of this connection's own, whose directory is
    removed when it is closed (another connection cannot reach it; con.serve() can serve it)."""
    merged: dict[str, Any] = {}
    if config is not None:
        from orbitdb.config import ConfigError, load_config, parse_config

        try:
            cfg = parse_config(config) if isinstance(config, dict) else load_config(os.fspath(config))
        except ConfigError as e:
            raise ProgrammingError(str(e)) from None
        merged.update(cfg.engine)
    merged.update(knobs)
    if os.fspath(path) == MEMORY:
        import tempfile

        # a database of its own in a fresh directory, as sqlite3's ":memory:" is one of its own
        temporary = tempfile.mkdtemp(prefix="orbitdb-memory-")
        try:
            con = Connection(temporary, merged, database=database)
        except BaseException:
            import shutil

            shutil.rmtree(temporary, ignore_errors=True)
            raise
        con._temporary_directory = temporary
    else:
        con = Connection(os.fspath(path), merged, database=database)
    con.autocommit = autocommit
    return con


Date = datetime.date
Time = datetime.time
Timestamp = datetime.datetime
Binary = bytes
STRING = 25
BINARY = 17
NUMBER = 1700
DATETIME = 1114
ROWID = 26


def DateFromTicks(ticks: float) -> datetime.date:
    return datetime.date.fromtimestamp(ticks)


def TimeFromTicks(ticks: float) -> datetime.time:
    return datetime.datetime.fromtimestamp(ticks).time()


def TimestampFromTicks(ticks: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(ticks)
