"""The registry lives in orbitdb.sql.funcregistry (importable without loading the
library); this module keeps the name the library modules use."""

from orbitdb.sql.funcregistry import *
from orbitdb.sql.funcregistry import (  # noqa: F401
    ANY,
    ANYARRAY,
    ANYELEMENT,
    ANYNUMERIC,
    ANYSTRING,
    FUNCTIONS,
    FuncDef,
    Overload,
    register,
    result_type,
)
