"""What PostgreSQL 15 answers to the statements the hostile cases send, written down so that the
cases run without a reference server; test_pg_expectations.py checks every entry against a real
PostgreSQL 15 (None: the statement succeeds)."""

from __future__ import annotations

HUNDRED_DIMENSIONS = "{" * 100 + "1" + "}" * 100
SEVEN_DIMENSIONS = "ARRAY[" * 7 + "1" + "]" * 7

# statement -> the SQLSTATE PostgreSQL 15 answers, or None for success
LIMITS: dict[str, str | None] = {
    # text cannot hold NUL
    "SELECT E'a\\000b'": "22021",
    "SELECT convert_from('\\x610062'::bytea, 'UTF8')": "22021",
    "SELECT chr(0)": "54000",
    # string functions are bounded (1 GB)
    "SELECT format('%2000000000s', 'x')": "54000",
    "SELECT repeat('x', 2000000000)": "54000",
    "SELECT lpad('x', 2000000000)": "54000",
    # at most 6 array dimensions
    f"SELECT '{HUNDRED_DIMENSIONS}'::int[]": "54000",
    f"SELECT {SEVEN_DIMENSIONS}": "54000",
    # numeric and interval ranges, with PostgreSQL's codes
    "SELECT ('1' || repeat('0', 5000))::int8": "22003",
    "SELECT 1e5000::float8": "22003",
    "SELECT floor(1e5000)::bigint": "22003",
    "SELECT repeat('9', 5000)::numeric::float8": "22003",
    "SELECT exp(10000::numeric)": "22003",
    "SELECT interval '1000000000 years'": "22008",
    "SELECT 1e28": None,
    "SELECT round(1e5000, -10000)": None,
    "SELECT 1e5000 / 1e-5000": None,
    "SELECT mod(1e5000, 7)": None,
    "SELECT log(1e5000)": None,
    "SELECT sqrt(1e5000)": None,
    "SELECT to_char(1e5000, '9')": None,
}

PATTERNS: dict[str, str | None] = {
    # patterns that backtracking engines take exponential time on
    "SELECT repeat('a', 200) LIKE '%a%a%a%a%a%b'": None,
    "SELECT repeat('a', 5000) ~ '(a+)+b'": None,
}

EXPECTED = {**LIMITS, **PATTERNS}

PYTHON_INTERNALS = (
    "<class ",
    "Traceback",
    "decimal.",
    "InvalidOperation",
    "Exceeds the limit",
    "object has no attribute",
    "NoneType",
    "TypeError",
    "KeyError",
    "IndexError",
    "ValueError",
    "MemoryError",
    "RecursionError",
    "OverflowError",
    "unsupported operand",
)
