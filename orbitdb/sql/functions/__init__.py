"""PostgreSQL's built-in function library: importing this package registers
every function of the library in ``orbitdb.sql.functions.registry``.

A few calls need their arguments' types or the parse tree rather than plain
values (concat and format print each argument with its type's output
function; make_interval takes named arguments). Their compile-time hooks are
collected in ``HOOKS`` and installed into the function-call compiler's special
forms (``orbitdb.sql.expr.funccall``) as soon as that module is importable: at the
end of this package's import when nothing is half-imported, otherwise at the
first resolution of any registered function."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any

from orbitdb.sql.types import SqlType

HOOKS: dict[str, Callable[..., Any]] = {}
_installed = False


def hook(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: a compile-time hook (compiler, argument nodes, call node) -> E for a function name."""

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        HOOKS[name] = fn
        return fn

    return deco


def install_hooks() -> bool:
    """Installs HOOKS into funccall's special forms (not replacing the compiler's own);
    False while funccall is still being imported."""
    global _installed
    if _installed:
        return True
    fc = sys.modules.get("orbitdb.sql.expr.funccall")
    if fc is None:
        if any(getattr(getattr(m, "__spec__", None), "_initializing", False)
               for k, m in list(sys.modules.items()) if k.startswith("orbitdb.sql.") and m is not None
               and k != __name__):
            return False
        fc = importlib.import_module("orbitdb.sql.expr.funccall")
    if getattr(getattr(fc, "__spec__", None), "_initializing", False) or not hasattr(fc, "_SPECIAL"):
        return False
    specials = fc._SPECIAL
    for name, fn in HOOKS.items():
        specials.setdefault(name, fn)
    _installed = True
    return True


_MODULES = ("strings", "regexp", "math", "datetime", "formatting", "json", "arrays", "vectors", "series", "system", "sequences", "catalog",
            "advisory", "backends", "statistics", "ranges", "network", "pgcrypto", "uuid_ossp", "largeobjects", "hstore",
            "engine_stats")

for _name in _MODULES:
    try:
        importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _exc:  # a module not written yet
        if _exc.name != f"{__name__}.{_name}":
            raise


def _installing_ret(ret: Any) -> Any:
    def ret_fn(arg_types: list[Any]) -> Any:
        install_hooks()
        return ret(arg_types) if callable(ret) and not isinstance(ret, SqlType) else ret

    ret_fn.installs_hooks = True  # type: ignore[attr-defined]
    return ret_fn


def _defer_install() -> None:
    """funccall is half-imported (it imported us): install the hooks at the first
    resolution of any function instead."""
    from orbitdb.sql.functions.registry import FUNCTIONS

    for fd in FUNCTIONS.values():
        for ov in fd.overloads:
            if not getattr(ov.ret, "installs_hooks", False):
                ov.ret = _installing_ret(ov.ret)


if not install_hooks():
    _defer_install()
