"""PostgreSQL's types as orbitdb knows them: OIDs, names, categories, storage
kinds, and the rules that pick a common type or an implicit cast."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from sqlglot import exp

from orbitdb.sql.errors import SqlError


@dataclass(frozen=True)
class SqlType:
    name: str  # PostgreSQL's format_type name without modifier
    oid: int
    typlen: int
    category: str  # pg_type.typcategory
    kind: str  # row codec storage kind
    typmod: int = -1
    elem: SqlType | None = None  # element type of an array
    array_oid: int = 0
    preferred: bool = False
    short: str = ""  # pg_type.typname (int4, varchar, ...)
    # user-defined types (orbitdb/sql/types/usertypes.py): an enum's labels in sort order, a
    # composite's fields
    labels: tuple[str, ...] | None = None
    fields: tuple[tuple[str, SqlType], ...] | None = None
    native: str | None = None  # an extension's base type implemented by orbitdb ("hstore"), oid per database

    @property
    def is_user_defined(self) -> bool:
        return self.labels is not None or self.fields is not None or self.native is not None

    @property
    def is_array(self) -> bool:
        return self.elem is not None

    def with_typmod(self, typmod: int) -> SqlType:
        return replace(self, typmod=typmod)

    def array(self) -> SqlType:
        return array_of(self)

    def display(self) -> str:
        """format_type(oid, typmod): how psql and errors spell the type."""
        if self.elem is not None:
            return self.elem.display() + "[]"
        mod = self.typmod
        if mod >= 0:
            if self.oid in (1043, 1042):
                return f"{self.name}({mod - 4})"
            if self.oid == 1700:
                m = mod - 4
                return f"numeric({m >> 16},{numeric_typmod_scale(mod)})"
            if self.oid in (1083, 1114, 1184, 1266):
                base, _, rest = self.name.partition(" ")
                return f"{base}({mod}) {rest}".rstrip()
        return self.name

    def __str__(self) -> str:
        return self.display()


def _t(name: str, oid: int, typlen: int, cat: str, kind: str, array_oid: int, short: str, pref: bool = False) -> SqlType:
    return SqlType(name, oid, typlen, cat, kind, array_oid=array_oid, short=short, preferred=pref)


BOOL = _t("boolean", 16, 1, "B", "bool", 1000, "bool", True)
BYTEA = _t("bytea", 17, -1, "U", "bytes", 1001, "bytea")
CHAR = _t('"char"', 18, 1, "Z", "text", 1002, "char")
NAME = _t("name", 19, 64, "S", "text", 1003, "name")
INT8 = _t("bigint", 20, 8, "N", "int", 1016, "int8")
INT2 = _t("smallint", 21, 2, "N", "int", 1005, "int2")
INT4 = _t("integer", 23, 4, "N", "int", 1007, "int4")
REGPROC = _t("regproc", 24, 4, "N", "int", 1008, "regproc")
TEXT = _t("text", 25, -1, "S", "text", 1009, "text", True)
OID = _t("oid", 26, 4, "N", "int", 1028, "oid", True)
JSON = _t("json", 114, -1, "U", "json", 199, "json")
FLOAT4 = _t("real", 700, 4, "N", "float", 1021, "float4")
FLOAT8 = _t("double precision", 701, 8, "N", "float", 1022, "float8", True)
UNKNOWN = _t("unknown", 705, -2, "X", "text", 0, "unknown")
BPCHAR = _t("character", 1042, -1, "S", "text", 1014, "bpchar")
VARCHAR = _t("character varying", 1043, -1, "S", "text", 1015, "varchar")
DATE = _t("date", 1082, 4, "D", "date", 1182, "date")
TIME = _t("time without time zone", 1083, 8, "D", "time", 1183, "time")
TIMESTAMP = _t("timestamp without time zone", 1114, 8, "D", "ts", 1115, "timestamp")
TIMESTAMPTZ = _t("timestamp with time zone", 1184, 8, "D", "tstz", 1185, "timestamptz", True)
INTERVAL = _t("interval", 1186, 16, "T", "interval", 1187, "interval", True)
TIMETZ = _t("time with time zone", 1266, 12, "D", "timetz", 1270, "timetz")
NUMERIC = _t("numeric", 1700, -1, "N", "numeric", 1231, "numeric")
REGCLASS = _t("regclass", 2205, 4, "N", "int", 2210, "regclass")
REGTYPE = _t("regtype", 2206, 4, "N", "int", 2211, "regtype")
UUID = _t("uuid", 2950, 16, "U", "uuid", 2951, "uuid")
JSONB = _t("jsonb", 3802, -1, "U", "json", 3807, "jsonb")
VOID = _t("void", 2278, 4, "P", "text", 0, "void")
RECORD = _t("record", 2249, -1, "P", "text", 2287, "record")
ANY = _t("anyelement", 2283, 4, "P", "text", 0, "anyelement")
XID = _t("xid", 28, 4, "U", "int", 1011, "xid")
INT2VECTOR = _t("int2vector", 22, -1, "A", "text", 1006, "int2vector")
OIDVECTOR = _t("oidvector", 30, -1, "A", "text", 1013, "oidvector")
ACLITEM = _t("aclitem", 1033, 12, "U", "text", 1034, "aclitem")
PG_NODE_TREE = _t("pg_node_tree", 194, -1, "Z", "text", 0, "pg_node_tree")
TID = _t("tid", 27, 6, "U", "text", 1010, "tid")
REGNAMESPACE = _t("regnamespace", 4089, 4, "N", "int", 4090, "regnamespace")
REGROLE = _t("regrole", 4096, 4, "N", "int", 4097, "regrole")
REGPROCEDURE = _t("regprocedure", 2202, 4, "N", "int", 2207, "regprocedure")
CSTRING = _t("cstring", 2275, -2, "P", "text", 1263, "cstring")
INET = _t("inet", 869, -1, "I", "inet", 1041, "inet", True)
CIDR = _t("cidr", 650, -1, "I", "inet", 651, "cidr")
MACADDR = _t("macaddr", 829, 6, "U", "macaddr", 1040, "macaddr")
MACADDR8 = _t("macaddr8", 774, 8, "U", "macaddr", 775, "macaddr8")
MONEY = _t("money", 790, 8, "N", "numeric", 791, "money")
INT4RANGE = _t("int4range", 3904, -1, "R", "range:int", 3905, "int4range")
NUMRANGE = _t("numrange", 3906, -1, "R", "range:numeric", 3907, "numrange")
TSRANGE = _t("tsrange", 3908, -1, "R", "range:ts", 3909, "tsrange")
TSTZRANGE = _t("tstzrange", 3910, -1, "R", "range:tstz", 3911, "tstzrange")
DATERANGE = _t("daterange", 3912, -1, "R", "range:date", 3913, "daterange")
INT8RANGE = _t("int8range", 3926, -1, "R", "range:int", 3927, "int8range")
RANGE_TYPES = (INT4RANGE, NUMRANGE, TSRANGE, TSTZRANGE, DATERANGE, INT8RANGE)
INT4MULTIRANGE = _t("int4multirange", 4451, -1, "R", "multirange:int", 6150, "int4multirange")
NUMMULTIRANGE = _t("nummultirange", 4532, -1, "R", "multirange:numeric", 6151, "nummultirange")
TSMULTIRANGE = _t("tsmultirange", 4533, -1, "R", "multirange:ts", 6152, "tsmultirange")
TSTZMULTIRANGE = _t("tstzmultirange", 4534, -1, "R", "multirange:tstz", 6153, "tstzmultirange")
DATEMULTIRANGE = _t("datemultirange", 4535, -1, "R", "multirange:date", 6155, "datemultirange")
INT8MULTIRANGE = _t("int8multirange", 4536, -1, "R", "multirange:int", 6157, "int8multirange")
MULTIRANGE_TYPES = (INT4MULTIRANGE, NUMMULTIRANGE, TSMULTIRANGE, TSTZMULTIRANGE, DATEMULTIRANGE, INT8MULTIRANGE)

BASE_TYPES = [
    BOOL, BYTEA, CHAR, NAME, INT8, INT2, INT4, REGPROC, TEXT, OID, JSON, FLOAT4, FLOAT8, UNKNOWN, BPCHAR,
    VARCHAR, DATE, TIME, TIMESTAMP, TIMESTAMPTZ, INTERVAL, TIMETZ, NUMERIC, REGCLASS, REGTYPE, UUID, JSONB,
    VOID, RECORD, XID, INT2VECTOR, OIDVECTOR, ACLITEM, PG_NODE_TREE, TID, REGNAMESPACE, REGROLE, REGPROCEDURE,
    CSTRING, INET, MONEY, *RANGE_TYPES, CIDR, MACADDR, MACADDR8, *MULTIRANGE_TYPES,
]
BY_OID: dict[int, SqlType] = {t.oid: t for t in BASE_TYPES}
_ARRAYS: dict[int, SqlType] = {}


def array_of(elem: SqlType) -> SqlType:
    base = replace(elem, typmod=-1) if elem.typmod != -1 else elem
    if base.elem is not None:  # PostgreSQL arrays of arrays are just arrays
        return base
    if base.is_user_defined:  # its oid is one database's, its labels one catalog version's: not shared
        return SqlType(base.name + "[]", base.array_oid, -1, "A", "array:" + base.kind, elem=base,
                       short="_" + base.short)
    arr = _ARRAYS.get(base.oid)
    if arr is None:
        arr = SqlType(
            base.name + "[]", base.array_oid, -1, "A", "array:" + base.kind, elem=base, short="_" + base.short
        )
        _ARRAYS[base.oid] = arr
    if elem.typmod != -1:
        return replace(arr, elem=elem)
    return arr


for _b in BASE_TYPES:
    if _b.array_oid:
        BY_OID[_b.array_oid] = array_of(_b)

RANGE_ELEMENT: dict[int, SqlType] = {
    INT4RANGE.oid: INT4, INT8RANGE.oid: INT8, NUMRANGE.oid: NUMERIC, DATERANGE.oid: DATE, TSRANGE.oid: TIMESTAMP,
    TSTZRANGE.oid: TIMESTAMPTZ,
}


# multirange type OID -> its range type
MULTIRANGE_RANGE: dict[int, SqlType] = dict(zip([m.oid for m in MULTIRANGE_TYPES], RANGE_TYPES, strict=True))
RANGE_MULTIRANGE: dict[int, SqlType] = {r.oid: m for m, r in zip(MULTIRANGE_TYPES, RANGE_TYPES, strict=True)}


def is_range(t: SqlType) -> bool:
    return t.oid in RANGE_ELEMENT


def is_multirange(t: SqlType) -> bool:
    return t.oid in MULTIRANGE_RANGE


NUMERIC_RANK = {INT2.oid: 1, INT4.oid: 2, INT8.oid: 3, NUMERIC.oid: 4, FLOAT4.oid: 5, FLOAT8.oid: 6}
INTEGER_TYPES = (INT2.oid, INT4.oid, INT8.oid)
STRING_OIDS = (TEXT.oid, VARCHAR.oid, BPCHAR.oid, NAME.oid, UNKNOWN.oid, CHAR.oid)
INT_RANGES = {
    INT2.oid: (-32768, 32767, "smallint"),
    INT4.oid: (-2147483648, 2147483647, "integer"),
    INT8.oid: (-9223372036854775808, 9223372036854775807, "bigint"),
}

_BY_NAME: dict[str, SqlType] = {
    "bool": BOOL, "boolean": BOOL, "bytea": BYTEA, "char": BPCHAR, "character": BPCHAR, "bpchar": BPCHAR,
    '"char"': CHAR, "name": NAME, "int8": INT8, "bigint": INT8, "int2": INT2, "smallint": INT2, "int4": INT4,
    "int": INT4, "integer": INT4, "text": TEXT, "oid": OID, "json": JSON, "float4": FLOAT4, "real": FLOAT4,
    "float8": FLOAT8, "double precision": FLOAT8, "float": FLOAT8, "double": FLOAT8, "unknown": UNKNOWN,
    "varchar": VARCHAR, "character varying": VARCHAR, "date": DATE, "time": TIME,
    "time without time zone": TIME, "timestamp": TIMESTAMP, "timestamp without time zone": TIMESTAMP,
    "timestamptz": TIMESTAMPTZ, "timestamp with time zone": TIMESTAMPTZ, "interval": INTERVAL,
    "timetz": TIMETZ, "time with time zone": TIMETZ, "numeric": NUMERIC, "decimal": NUMERIC,
    "regclass": REGCLASS, "regtype": REGTYPE, "uuid": UUID, "jsonb": JSONB, "void": VOID, "record": RECORD,
    "regproc": REGPROC, "regnamespace": REGNAMESPACE, "regrole": REGROLE, "regprocedure": REGPROCEDURE,
    "xid": XID, "cstring": CSTRING, "anyelement": ANY, "aclitem": ACLITEM, "pg_node_tree": PG_NODE_TREE,
    "int2vector": INT2VECTOR, "oidvector": OIDVECTOR, "tid": TID, "inet": INET, "money": MONEY,
    "int4range": INT4RANGE, "int8range": INT8RANGE, "numrange": NUMRANGE, "daterange": DATERANGE,
    "tsrange": TSRANGE, "tstzrange": TSTZRANGE, "cidr": CIDR, "macaddr": MACADDR, "macaddr8": MACADDR8,
    "int4multirange": INT4MULTIRANGE, "int8multirange": INT8MULTIRANGE, "nummultirange": NUMMULTIRANGE,
    "datemultirange": DATEMULTIRANGE, "tsmultirange": TSMULTIRANGE, "tstzmultirange": TSTZMULTIRANGE,
}

_DTYPE: dict[str, SqlType] = {
    "INT": INT4, "BIGINT": INT8, "SMALLINT": INT2, "TINYINT": INT2, "DECIMAL": NUMERIC, "FLOAT": FLOAT4,
    "DOUBLE": FLOAT8, "BOOLEAN": BOOL, "TEXT": TEXT, "VARCHAR": VARCHAR, "NVARCHAR": VARCHAR, "CHAR": BPCHAR,
    "NCHAR": BPCHAR, "BPCHAR": BPCHAR, "VARBINARY": BYTEA, "BINARY": BYTEA, "BLOB": BYTEA, "DATE": DATE,
    "TIME": TIME, "TIMETZ": TIMETZ, "TIMESTAMP": TIMESTAMP, "TIMESTAMPTZ": TIMESTAMPTZ,
    "TIMESTAMPLTZ": TIMESTAMPTZ, "INTERVAL": INTERVAL, "UUID": UUID, "JSON": JSON, "JSONB": JSONB,
    "NAME": NAME, "OID": OID, "REGCLASS": REGCLASS, "REGTYPE": REGTYPE, "SERIAL": INT4, "BIGSERIAL": INT8,
    "SMALLSERIAL": INT2, "USERDEFINED": TEXT, "DATETIME": TIMESTAMP, "MONEY": MONEY, "INET": INET,
    "REGPROC": REGPROC, "REGNAMESPACE": REGNAMESPACE, "REGROLE": REGROLE, "REGPROCEDURE": REGPROCEDURE,
    "XID": XID, "CSTRING": CSTRING, "INT4RANGE": INT4RANGE, "INT8RANGE": INT8RANGE, "NUMRANGE": NUMRANGE,
    "DATERANGE": DATERANGE, "TSRANGE": TSRANGE, "TSTZRANGE": TSTZRANGE, "CIDR": CIDR, "MACADDR": MACADDR,
    "MACADDR8": MACADDR8, "INT4MULTIRANGE": INT4MULTIRANGE, "INT8MULTIRANGE": INT8MULTIRANGE,
    "NUMMULTIRANGE": NUMMULTIRANGE, "DATEMULTIRANGE": DATEMULTIRANGE, "TSMULTIRANGE": TSMULTIRANGE,
    "TSTZMULTIRANGE": TSTZMULTIRANGE,
}
SERIAL_DTYPES = {"SERIAL": "integer", "BIGSERIAL": "bigint", "SMALLSERIAL": "smallint"}


def _param_int(p: exp.Expression) -> int:
    node = p.this if isinstance(p, exp.DataTypeParam) else p
    try:
        return int(node.name if isinstance(node, exp.Literal) else node.sql().strip("()"))
    except ValueError:
        raise SqlError("42601", f"invalid type modifier {p.sql()}") from None


def numeric_typmod_scale(typmod: int) -> int:
    """The scale of a numeric typmod: 11 bits, signed (PostgreSQL 15's NUMERIC_TYPMOD_SCALE)."""
    return (((typmod - 4) & 0x7FF) ^ 1024) - 1024


def _typmod(base: SqlType, params: list[exp.Expression]) -> int:
    if not params:
        return -1
    if base.oid in (VARCHAR.oid, BPCHAR.oid):
        n = _param_int(params[0])
        name = "char" if base.oid == BPCHAR.oid else base.short  # the names PostgreSQL's typmodin gives
        if n < 1:
            raise SqlError("22023", f"length for type {name} must be at least 1")
        if n > 10485760:
            raise SqlError("22023", f"length for type {name} cannot exceed 10485760")
        return n + 4
    if base.oid == NUMERIC.oid:
        p = _param_int(params[0])
        s = _param_int(params[1]) if len(params) > 1 else 0
        if p < 1 or p > 1000:
            raise SqlError("22023", f"NUMERIC precision {p} must be between 1 and 1000")
        if s < -1000 or s > 1000:
            raise SqlError("22023", f"NUMERIC scale {s} must be between -1000 and 1000")
        return ((p << 16) | (s & 0x7FF)) + 4  # PostgreSQL's make_numeric_typmod
    if base.oid in (TIME.oid, TIMESTAMP.oid, TIMESTAMPTZ.oid, TIMETZ.oid, INTERVAL.oid):
        return max(0, min(6, _param_int(params[0])))
    if base.oid in (FLOAT4.oid, FLOAT8.oid):
        return -1
    return -1


def from_datatype(dt: exp.DataType) -> SqlType:
    """The SqlType for a parsed type name (CAST target, column definition)."""
    kind = dt.this
    key = kind.name if hasattr(kind, "name") else str(kind)
    if key == "ARRAY":
        if not dt.expressions:
            raise SqlError("42601", "syntax error at or near \"[\"")
        inner = dt.expressions[0]
        if not isinstance(inner, exp.DataType):
            inner = exp.DataType.build(inner.sql(), dialect="postgres")
        return array_of(from_datatype(inner))
    if key == "USERDEFINED":
        kind = dt.args.get("kind")
        if isinstance(kind, exp.Dot):  # pg_catalog.regclass
            kind = kind.expression
        if isinstance(kind, exp.Identifier):
            name = kind.this if kind.quoted else kind.this.lower()
            if kind.quoted and name == "char":
                return CHAR
        else:
            name = str(kind or "").lower().strip('"')
        t = _BY_NAME.get(name) or _internal_array(name)
        if t is None:
            raise SqlError("42704", f'type "{name}" does not exist')
        return t
    base = _DTYPE.get(key)
    if base is None:
        raise SqlError("42704", f'type "{dt.sql(dialect="postgres").lower()}" does not exist')
    if base is FLOAT4 and dt.expressions:
        bits = _param_int(dt.expressions[0])
        if bits < 1:
            raise SqlError("22023", "precision for type float must be at least 1 bit")
        if bits > 53:
            raise SqlError("22023", "precision for type float must be less than 54 bits")
        return FLOAT4 if bits <= 24 else FLOAT8
    mod = _typmod(base, list(dt.expressions))
    return base.with_typmod(mod) if mod != -1 else base


_NEGATIVE_SCALE = re.compile(r",\s*-\s*(\d+)\s*\)")


def _internal_array(name: str) -> SqlType | None:
    """An array type by pg_type's name for it (_int4, _text): the element's typname after "_"."""
    base = _BY_NAME.get(name[1:]) if name.startswith("_") else None
    if base is None or base.short != name[1:] or not base.array_oid:
        return None
    return array_of(base)


def parse_type_name(text: str) -> SqlType:
    """The SqlType for a type spelled in SQL (as stored in the catalog)."""
    name = text.strip().lower()
    if name.startswith("pg_catalog."):  # as pg_dump spells built-in types
        return parse_type_name(text.strip()[len("pg_catalog."):])
    if name.endswith("[]"):
        return array_of(parse_type_name(name[:-2]))
    t = _BY_NAME.get(name) or _internal_array(name)
    if t is not None:
        return t
    if name == '"char"':
        return CHAR
    return _parsed_type(text)


@lru_cache(maxsize=1024)
def _parsed_type(text: str) -> SqlType:
    """A type with modifiers (varchar(40), numeric(10,2)): sqlglot's parse, kept per text since
    every statement naming a table resolves its columns' types (the types are frozen)."""
    try:
        # numeric(p, -s), as the catalog spells a negative scale: sqlglot reads numeric(p, (-s))
        dt = exp.DataType.build(_NEGATIVE_SCALE.sub(r", (-\1))", text), dialect="postgres")
    except Exception:  # noqa: BLE001 - sqlglot rejects unknown type text in many ways
        raise SqlError("42704", f'type "{text}" does not exist') from None
    return from_datatype(dt)


def by_oid(oid: int) -> SqlType:
    t = BY_OID.get(oid)
    if t is None:
        raise SqlError("42704", f"type with OID {oid} does not exist")
    return t


def is_numeric(t: SqlType) -> bool:
    return t.oid in NUMERIC_RANK


def is_string(t: SqlType) -> bool:
    return t.oid in STRING_OIDS


def numeric_result(a: SqlType, b: SqlType) -> SqlType:
    """Result type of arithmetic between two numeric types (PostgreSQL's promotion)."""
    ra, rb = NUMERIC_RANK[a.oid], NUMERIC_RANK[b.oid]
    if (a.oid == FLOAT4.oid) != (b.oid == FLOAT4.oid) and FLOAT4.oid in (a.oid, b.oid):
        return FLOAT8  # real with anything but real resolves to float8 operators
    return strip(a if ra >= rb else b)


def element_type(t: SqlType) -> SqlType | None:
    """The element type polymorphic functions (anyarray) see: an array's element, and also
    int2vector's smallint and oidvector's oid, as PostgreSQL's get_element_type gives them."""
    if t.elem is not None:
        return t.elem
    if t.oid == INT2VECTOR.oid:
        return INT2
    if t.oid == OIDVECTOR.oid:
        return OID
    return None


def strip(t: SqlType) -> SqlType:
    """The type without its modifier (results of expressions carry none)."""
    if t.typmod == -1 and (t.elem is None or t.elem.typmod == -1):
        return t
    if t.elem is not None:
        return array_of(strip(t.elem))
    return replace(t, typmod=-1)


_CATEGORY_PREFERRED = {"N": FLOAT8, "S": TEXT, "D": TIMESTAMPTZ, "T": INTERVAL, "B": BOOL}


def common_type(types: list[SqlType], context: str = "UNION") -> SqlType:
    """PostgreSQL's UNION/CASE/COALESCE type resolution (simplified to its rules
    for the built-in types)."""
    known = [t for t in types if t.oid != UNKNOWN.oid]
    if not known:
        return TEXT
    first = known[0]
    if all(strip(t) == strip(first) for t in known):
        if all(t.typmod == first.typmod for t in known):
            return first
        return strip(first)
    cats = {t.category for t in known}
    if len(cats) > 1:
        a, b = known[0], next(t for t in known if t.category != known[0].category)
        raise SqlError("42804", f"{context} types {a.display()} and {b.display()} cannot be matched")
    cat = known[0].category
    if cat == "N":
        oidish = [t for t in known if t.oid not in NUMERIC_RANK]
        if oidish:
            return strip(oidish[0])  # oid / regclass with integer literals: the oid type
        best = max(known, key=lambda t: NUMERIC_RANK.get(t.oid, 0))
        return strip(best)
    if cat == "S":
        return TEXT if any(t.oid == TEXT.oid for t in known) else (VARCHAR if all(
            t.oid in (VARCHAR.oid, BPCHAR.oid) for t in known) else TEXT)
    if cat == "D":
        oids = {t.oid for t in known}
        if TIMESTAMPTZ.oid in oids:
            return TIMESTAMPTZ
        if TIMESTAMP.oid in oids:
            return TIMESTAMP
        return strip(known[0])
    if cat == "A":
        elem = common_type([t.elem for t in known if t.elem is not None], context)
        return array_of(elem)
    pref = _CATEGORY_PREFERRED.get(cat)
    if pref is not None:
        return pref
    a, b = known[0], known[1]
    raise SqlError("42804", f"{context} types {a.display()} and {b.display()} cannot be matched")
