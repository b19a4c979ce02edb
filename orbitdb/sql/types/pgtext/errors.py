"""The SqlErrors PostgreSQL's input functions raise, worded as PostgreSQL words them."""

from __future__ import annotations

from orbitdb.sql.errors import SqlError

INVALID_TEXT_REPRESENTATION = "22P02"
NUMERIC_VALUE_OUT_OF_RANGE = "22003"
INVALID_DATETIME_FORMAT = "22007"
DATETIME_FIELD_OVERFLOW = "22008"
INTERVAL_FIELD_OVERFLOW = "22015"
INVALID_PARAMETER_VALUE = "22023"
FEATURE_NOT_SUPPORTED = "0A000"


def invalid_syntax(type_name: str, text: str) -> SqlError:
    return SqlError(INVALID_TEXT_REPRESENTATION, f'invalid input syntax for type {type_name}: "{text}"')


def out_of_range(type_name: str, text: str) -> SqlError:
    return SqlError(NUMERIC_VALUE_OUT_OF_RANGE, f'value "{text}" is out of range for type {type_name}')
