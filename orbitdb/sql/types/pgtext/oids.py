"""PostgreSQL type OIDs of the types orbitdb has, their names in error messages, and array element types."""

from __future__ import annotations

BOOL = 16
BYTEA = 17
CHAR = 18  # "char": one byte
NAME = 19
INT8 = 20
INT2 = 21
INT4 = 23
TEXT = 25
OID = 26
JSON = 114
FLOAT4 = 700
FLOAT8 = 701
UNKNOWN = 705
BPCHAR = 1042
VARCHAR = 1043
DATE = 1082
TIME = 1083
TIMESTAMP = 1114
TIMESTAMPTZ = 1184
INTERVAL = 1186
TIMETZ = 1266
NUMERIC = 1700
UUID = 2950
JSONB = 3802
MONEY = 790
INET = 869
CIDR = 650
MACADDR = 829
MACADDR8 = 774

# array type OID -> element type OID (pg_type.typelem of the array types)
ARRAY_ELEMENT: dict[int, int] = {
    1000: BOOL,
    1001: BYTEA,
    1002: CHAR,
    1003: NAME,
    1016: INT8,
    1005: INT2,
    1007: INT4,
    1009: TEXT,
    1028: OID,
    199: JSON,
    1021: FLOAT4,
    1022: FLOAT8,
    1014: BPCHAR,
    1015: VARCHAR,
    1182: DATE,
    1183: TIME,
    1115: TIMESTAMP,
    1185: TIMESTAMPTZ,
    1187: INTERVAL,
    1270: TIMETZ,
    1231: NUMERIC,
    2951: UUID,
    3807: JSONB,
    3905: 3904,  # arrays of the range types
    3907: 3906,
    3909: 3908,
    3911: 3910,
    3913: 3912,
    3927: 3926,
    791: MONEY,
    1041: INET,
    651: CIDR,
    1040: MACADDR,
    775: MACADDR8,
    6150: 4451,  # arrays of the multirange types
    6151: 4532,
    6152: 4533,
    6153: 4534,
    6155: 4535,
    6157: 4536,
}
ARRAY_OF: dict[int, int] = {elem: arr for arr, elem in ARRAY_ELEMENT.items()}

# The names PostgreSQL's input functions use in their messages (format_type_be output).
TYPE_NAMES: dict[int, str] = {
    BOOL: "boolean",
    BYTEA: "bytea",
    CHAR: '"char"',
    NAME: "name",
    INT8: "bigint",
    INT2: "smallint",
    INT4: "integer",
    TEXT: "text",
    OID: "oid",
    JSON: "json",
    FLOAT4: "real",
    FLOAT8: "double precision",
    UNKNOWN: "unknown",
    BPCHAR: "character",
    VARCHAR: "character varying",
    DATE: "date",
    TIME: "time without time zone",
    TIMESTAMP: "timestamp without time zone",
    TIMESTAMPTZ: "timestamp with time zone",
    INTERVAL: "interval",
    TIMETZ: "time with time zone",
    NUMERIC: "numeric",
    UUID: "uuid",
    JSONB: "jsonb",
    3904: "int4range",
    3906: "numrange",
    3908: "tsrange",
    3910: "tstzrange",
    3912: "daterange",
    3926: "int8range",
    MONEY: "money",
    INET: "inet",
    CIDR: "cidr",
    MACADDR: "macaddr",
    MACADDR8: "macaddr8",
    4451: "int4multirange",
    4532: "nummultirange",
    4533: "tsmultirange",
    4534: "tstzmultirange",
    4535: "datemultirange",
    4536: "int8multirange",
}


def type_name(type_oid: int) -> str:
    """The type's name as PostgreSQL spells it in messages ("integer", "text[]", ...)."""
    if type_oid in ARRAY_ELEMENT:
        return type_name(ARRAY_ELEMENT[type_oid]) + "[]"
    return TYPE_NAMES.get(type_oid, f"type {type_oid}")
