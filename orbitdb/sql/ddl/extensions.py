"""CREATE / DROP EXTENSION for the extensions orbitdb provides natively: pgcrypto, uuid-ossp and
hstore (their functions are orbitdb's own, orbitdb/sql/functions/pgcrypto.py, uuid_ossp.py and
hstore.py; hstore's type is a catalog type of kind "b" made here) and
plpgsql, which every database has. Any other extension is refused with 0A000 naming it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orbitdb.sql.errors import SqlError
from orbitdb.sql.parse.words import Words
from orbitdb.sql.pgcatalog.extension_list import AVAILABLE, BUILT_IN
from orbitdb.sql.result import Notice, Result
from orbitdb.sql.types.usertypes import uses_of_type
from orbitdb.storage.catalog import Catalog, ExtensionDef, TypeDef

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.session.session import Session


# the types an extension brings (orbitdb implements them: orbitdb/sql/types/hstore.py)
EXTENSION_TYPES = {"hstore": ("hstore",)}


def create_extension(s: Session, ctx: ExecContext, text: str) -> Result:
    w = Words(text)
    w.take("CREATE", "EXTENSION")
    if_not_exists = w.take("IF", "NOT", "EXISTS")
    name = w.qualified_name()[-1]
    schema: str | None = None
    version: str | None = None
    w.take("WITH")
    while not w.at_end():
        if w.take("SCHEMA"):
            schema = w.qualified_name()[-1]
        elif w.take("VERSION"):
            version = _literal(w.next())
        elif not w.take("CASCADE"):
            raise SqlError("42601", f'syntax error at or near "{w.next()}"')
    cat = ctx.txn.writable_catalog() if ctx.txn is not None else s.catalog()
    if name == BUILT_IN or cat.extension(name) is not None:
        if not if_not_exists:
            raise SqlError("42710", f'extension "{name}" already exists')
        s.notices.append(Notice("NOTICE", "42710", f'extension "{name}" already exists, skipping'))
        return Result("CREATE EXTENSION")
    spec = AVAILABLE.get(name)
    if spec is None:
        raise SqlError("0A000", f'CREATE EXTENSION "{name}" is not supported',
                       detail=f'orbitdb provides the extensions {", ".join(sorted(AVAILABLE))} and {BUILT_IN}.')
    if version is not None and version != spec.version:
        raise SqlError("22023", f'extension "{name}" has no installation script nor update path for version '
                                f'"{version}"')
    if schema is None:
        schema = s.creation_schema()
    elif cat.schema(schema) is None:
        raise SqlError("3F000", f'schema "{schema}" does not exist')
    # the comment its installation script gives it, as PostgreSQL's contrib scripts do
    for type_name in EXTENSION_TYPES.get(name, ()):
        if cat.type(schema, type_name) is not None:
            raise SqlError("42710", f'type "{type_name}" already exists')
    cat.put(ExtensionDef(cat.new_oid(), name, schema, spec.version, s.user, spec.comment))
    for type_name in EXTENSION_TYPES.get(name, ()):
        cat.put(TypeDef(cat.new_oid(), schema, type_name, "b", array_oid=cat.new_oid(), base_type=type_name,
                        owner=s.user))
    return Result("CREATE EXTENSION")


def drop_extension(s: Session, ctx: ExecContext, text: str) -> Result:
    w = Words(text)
    w.take("DROP", "EXTENSION")
    if_exists = w.take("IF", "EXISTS")
    names = [w.qualified_name()[-1]]
    while w.take(","):
        names.append(w.qualified_name()[-1])
    cascade = w.take("CASCADE")
    if not cascade:
        w.take("RESTRICT")
    w.expect_end()
    cat = ctx.txn.writable_catalog() if ctx.txn is not None else s.catalog()
    found = []
    for name in names:
        if name == BUILT_IN:
            raise SqlError("0A000", f"DROP EXTENSION {name} is not supported", detail="orbitdb's PL/pgSQL is built in.")
        ext = cat.extension(name)
        if ext is None:
            if not if_exists:
                raise SqlError("42704", f'extension "{name}" does not exist')
            s.notices.append(Notice("NOTICE", "00000", f'extension "{name}" does not exist, skipping'))
            continue
        found.append(ext)
    for ext in found:
        for td in _extension_types(cat, ext):
            uses = uses_of_type(cat, td)
            if uses and not cascade:
                raise SqlError("2BP01", f"cannot drop extension {ext.name} because other objects depend on it",
                               detail="\n".join(uses),
                               hint="Use DROP ... CASCADE to drop the dependent objects too.")
            if uses:
                raise SqlError("0A000", f"DROP EXTENSION {ext.name} CASCADE of objects that use its type {td.name} "
                               "is not supported", detail="\n".join(uses))
        for td in _extension_types(cat, ext):
            cat.remove(td.oid)
        cat.remove(ext.oid)
    return Result("DROP EXTENSION")


def _extension_types(cat: Catalog, ext: ExtensionDef) -> list[TypeDef]:
    found = []
    for type_name in EXTENSION_TYPES.get(ext.name, ()):
        td = cat.type(ext.schema, type_name)
        if td is not None and td.kind == "b":
            found.append(td)
    return found


def _literal(tok: str) -> str:
    if len(tok) >= 2 and tok[0] == tok[-1] and tok[0] in "'\"":
        return tok[1:-1]
    return tok
