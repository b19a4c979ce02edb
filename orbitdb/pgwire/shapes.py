"""RowDescription messages and row encoders, built once per result shape rather than per result.

A cached plan hands out the same column list every time it runs, and a new list when it is
compiled again (DDL, search_path, a setting the plan depends on): the connection keeps, per column
list and result formats, the RowDescription bytes and one row encoder per output style (DateStyle,
IntervalStyle, bytea_output, extra_float_digits, TimeZone), so a repeated statement finds both with
two dictionary look-ups, and a changed statement or setting builds new ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from orbitdb.pgwire import backend, frontend
from orbitdb.pgwire.encodings.codec import UTF8, ClientEncoding
from orbitdb.pgwire.rows import RowEncoder
from orbitdb.sql.result import Column
from orbitdb.sql.types.pgtext import OutputStyle

DataRow = Callable[[Sequence[Any]], bytes]

_KEPT_SHAPES = 256  # per connection; past it the cache starts again (a workload of ad hoc shapes)
_KEPT_STYLES = 16


class ResultShape:
    """One column list in given result formats."""

    __slots__ = ("_encoders", "columns", "encoding", "formats", "row_description")

    def __init__(self, columns: list[Column], formats: list[int], encoding: ClientEncoding = UTF8) -> None:
        self.columns = columns  # held, so that the list's id names it while the shape is kept
        self.formats = formats
        self.encoding = encoding
        # a column name the client's encoding has not is PostgreSQL's 22P05, as for a value
        encode_name = encoding.encode if encoding.converts else None
        self.row_description = backend.row_description(columns, formats, encode_name)
        self._encoders: dict[OutputStyle, DataRow] = {}

    def data_row(self, style: OutputStyle) -> DataRow:
        """The DataRow encoder of this shape under an output style."""
        encode = self._encoders.get(style)
        if encode is None:
            if len(self._encoders) >= _KEPT_STYLES:
                self._encoders.clear()
            encode = self._encoders[style] = RowEncoder(self.columns, self.formats, style, self.encoding).data_row
        return encode


class ResultShapes:
    """A connection's result shapes, by column list (identity) and the formats a Bind asked for,
    in one client encoding (a new client_encoding makes new shapes)."""

    def __init__(self, encoding: ClientEncoding = UTF8) -> None:
        self.encoding = encoding
        self._shapes: dict[tuple[int, tuple[int, ...]], ResultShape] = {}
        self._styles: dict[tuple[str, ...], OutputStyle] = {}

    def get(self, columns: list[Column], formats: tuple[int, ...] = ()) -> ResultShape:
        """formats as Bind sends them (none: all text; one: for every column; else one each)."""
        key = (id(columns), formats)
        shape = self._shapes.get(key)
        if shape is None or shape.columns is not columns:
            expanded = frontend.expand_formats(list(formats), len(columns), "result")
            if len(self._shapes) >= _KEPT_SHAPES:
                self._shapes.clear()
            shape = self._shapes[key] = ResultShape(columns, expanded, self.encoding)
        return shape

    def style(self, settings: dict[str, str]) -> OutputStyle:
        """The output style of a session's settings: one object per distinct set of values, so
        that it serves as a cheap dictionary key."""
        key = (settings["datestyle"], settings["intervalstyle"], settings["bytea_output"],
               settings["extra_float_digits"], settings["timezone"])
        style = self._styles.get(key)
        if style is None:
            if len(self._styles) >= _KEPT_STYLES:
                self._styles.clear()
            style = self._styles[key] = OutputStyle.from_settings(*key)
        return style
