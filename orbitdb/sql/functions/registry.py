"""The registry lives in orbitdb.sql.expr.funcregistry (importable without loading the
library); this module keeps the name the library modules use."""

from orbitdb.sql.expr.funcregistry import *
from orbitdb.sql.expr.funcregistry import (  # noqa: F401
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
