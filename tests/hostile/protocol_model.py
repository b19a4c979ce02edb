"""A model of the frontend messages for the protocol fuzzer: valid message sequences (simple and
extended query, COPY, fastpath, startup, SSL/GSSENC and cancel requests), mutations of them, and
the framing rule the server applies (which type may be how long), so that the fuzzer knows
whether a mutated stream still ends on a message boundary."""

from __future__ import annotations

import random
import struct
from dataclasses import dataclass

from pgproto import FLUSH, SYNC, bind, close, cstr, describe, execute, msg, parse, query, startup_packet

# PostgreSQL's limits (pqcomm.h), as the server applies them
SMALL_MESSAGE_LIMIT = 10_000
LARGE_MESSAGE_LIMIT = (1 << 30) - 1
LARGE_TYPES = b"QPBFdp"
SESSION_TYPES = b"QPBDECSHXFdcfp"
SSL_REQUEST = struct.pack("!ii", 8, 80877103)
GSSENC_REQUEST = struct.pack("!ii", 8, 80877104)
CANCEL_CODE = 80877102

FUZZ_TABLE = "fuzz_rows"
SQL_POOL = (
    "SELECT 1",
    "SELECT * FROM fuzz_rows ORDER BY n LIMIT 5",
    "SELECT count(*), sum(n) FROM fuzz_rows",
    "SELECT n, t FROM fuzz_rows WHERE n < 3",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SELECT 1/0",
    "SELECT 'x'::int",
    "INSERT INTO fuzz_rows VALUES (7, 'seven')",
    "UPDATE fuzz_rows SET t = 'u' WHERE n = 7",
    "DELETE FROM fuzz_rows WHERE n = 7",
    "SHOW server_version",
    "SET application_name = 'fuzz'",
    "SELECT pg_sleep(0.001)",
    "VALUES (1, 'a'), (2, NULL)",
    "SELECT ARRAY[1, 2, 3], '{\"a\": 1}'::jsonb, 1.5::numeric, now() IS NOT NULL",
    "COPY (SELECT n FROM fuzz_rows ORDER BY n LIMIT 3) TO STDOUT",
    "PREPARE fz AS SELECT $1::int + 1",
    "EXECUTE fz(41)",
    "DEALLOCATE fz",
    "SELECT 1; SELECT 2",
    "",
    ";",
)
PARAM_SQL = (
    ("SELECT $1::int4 + 1", (23,), (b"41",)),
    ("SELECT $1::text || $2::text", (25, 25), (b"a", b"b")),
    ("SELECT $1", (), (b"untyped",)),
    ("SELECT n FROM fuzz_rows WHERE n = $1", (20,), (struct.pack("!q", 3),)),
    ("SELECT $1::bytea", (17,), (b"\\x00ff",)),
    ("INSERT INTO fuzz_rows VALUES ($1, $2)", (23, 25), (b"8", b"eight")),
)
COPY_IN_SQL = "COPY fuzz_rows FROM STDIN"
COPY_TEXTS = ("a", "b", "\\N", "tab\\there", "x\ty")  # the last has a column too many


@dataclass
class Case:
    number: int
    kind: str  # "session" (on an established connection) or "connect" (a connection of its own)
    payload: bytes
    note: str


# --- framing -----------------------------------------------------------------------------------


def framed(stream: bytes) -> bool:
    """True when the server, reading this stream after startup, ends on a message boundary with
    every length in range and every type known (so it will read what comes next as a message)."""
    pos = 0
    while pos < len(stream):
        if pos + 5 > len(stream):
            return False
        kind = stream[pos]
        (length,) = struct.unpack_from("!i", stream, pos + 1)
        limit = LARGE_MESSAGE_LIMIT if kind in LARGE_TYPES else SMALL_MESSAGE_LIMIT
        if kind not in SESSION_TYPES or length < 4 or length > limit or pos + 1 + length > len(stream):
            return False
        pos += 1 + length
    return True


def sentinel(token: str) -> bytes:
    """Ends whatever state a case left: a COPY in progress fails, a failed pipeline syncs, an
    aborted transaction rolls back; then a query whose only row is the token."""
    return msg(b"f", cstr("fuzz case over")) + SYNC + query(f"ROLLBACK; SELECT '{token}'")


# --- valid sequences ---------------------------------------------------------------------------


def _name(rng: random.Random) -> str:
    return rng.choice(("", "", "s1", "s2", "portal", "x" * rng.randint(1, 70)))


def _extended(rng: random.Random) -> list[bytes]:
    statement, portal = _name(rng), _name(rng)
    if rng.random() < 0.5:
        sql, oids, params = rng.choice(PARAM_SQL)
    else:
        sql, oids, params = rng.choice(SQL_POOL), (), ()
    formats = rng.choice(((), (0,), (1,), (0, 1)))[: len(params)] if params else ()
    out = [parse(sql, statement, oids)]
    if rng.random() < 0.3:
        out.append(describe("S", statement))
    out.append(
        bind(portal, statement, params, param_formats=formats, result_formats=rng.choice(((), (0,), (1,))))
    )
    if rng.random() < 0.5:
        out.append(describe("P", portal))
    for _ in range(rng.randint(1, 3)):
        out.append(execute(portal, rng.choice((0, 0, 1, 2, 100))))
    if rng.random() < 0.3:
        out.append(FLUSH)
    if rng.random() < 0.3:
        out.append(close(rng.choice("SP"), rng.choice((statement, portal))))
    out.append(SYNC)
    return out


def _copy_in(rng: random.Random) -> list[bytes]:
    rows = [f"{rng.randint(-5, 10_000)}\t{rng.choice(COPY_TEXTS)}\n" for _ in range(3)]
    data = [msg(b"d", row.encode()) for row in rows]
    end = msg(b"c") if rng.random() < 0.8 else msg(b"f", cstr("client gave up"))
    if rng.random() < 0.5:
        return [query(COPY_IN_SQL), *data, end]
    return [parse(COPY_IN_SQL), bind(), execute(), *data, end, SYNC]


def _fastpath(rng: random.Random) -> list[bytes]:
    body = struct.pack("!ih", rng.choice((1, 1598, 0x7FFFFFFF)), 1) + struct.pack("!h", 0)
    body += struct.pack("!h", 1) + struct.pack("!i", 1) + b"7" + struct.pack("!h", 0)
    return [msg(b"F", body)]


def valid_sequence(rng: random.Random) -> list[bytes]:
    pick = rng.random()
    if pick < 0.35:
        return [query(rng.choice(SQL_POOL))]
    if pick < 0.75:
        return _extended(rng)
    if pick < 0.9:
        return _copy_in(rng)
    if pick < 0.95:
        return _fastpath(rng)
    return [query("BEGIN"), *_extended(rng), query(rng.choice(("COMMIT", "ROLLBACK", "SELECT 1/0")))]


# --- mutations ---------------------------------------------------------------------------------

INTERESTING_LENGTHS = (0, 1, 3, 4, 5, 8, 9999, 10_000, 10_001, 65_535, 0x7FFFFFFF, -1, -4, 1 << 30)
INTERESTING_BYTES = (0x00, 0x01, 0x7F, 0x80, 0xFF, 0x27, 0x22, 0x5C, 0x3B)


def _reframe(kind: int, body: bytes) -> bytes:
    return bytes([kind]) + struct.pack("!i", len(body) + 4) + body


def _mutate_messages(rng: random.Random, messages: list[bytes]) -> list[bytes]:
    messages = list(messages)
    op = rng.randrange(10)
    i = rng.randrange(len(messages))
    if op >= 7:  # a corrupt body with a consistent length: the message parsers' turn
        messages[i] = _reframe(messages[i][0], _mutate_bytes(rng, messages[i][5:]))
    elif op == 0 and len(messages) > 1:
        del messages[i]
    elif op == 1:
        messages.insert(i, messages[i])
    elif op == 2:
        j = rng.randrange(len(messages))
        messages[i], messages[j] = messages[j], messages[i]
    elif op == 3:
        other = valid_sequence(rng)  # interleave another sequence's messages
        messages[i:i] = rng.sample(other, k=rng.randint(1, len(other)))
    elif op == 4:
        kind = rng.choice((*SESSION_TYPES, rng.randrange(256)))
        messages[i] = bytes([kind]) + messages[i][1:]
    elif op == 5 and len(messages[i]) >= 5:
        length = (
            rng.choice(INTERESTING_LENGTHS)
            if rng.random() < 0.7
            else len(messages[i]) - 1 + rng.randint(-3, 3)
        )
        messages[i] = messages[i][:1] + struct.pack("!i", length) + messages[i][5:]
    else:
        messages[i] = messages[i] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    return messages


def _mutate_bytes(rng: random.Random, data: bytes) -> bytes:
    stream = bytearray(data)
    if not stream:
        return bytes(rng.randrange(256) for _ in range(rng.randint(1, 32)))
    op = rng.randrange(6)
    pos = rng.randrange(len(stream))
    if op == 0:
        stream[pos] ^= 1 << rng.randrange(8)
    elif op == 1:
        stream[pos] = rng.choice(INTERESTING_BYTES)
    elif op == 2:
        del stream[pos : pos + rng.randint(1, 16)]
    elif op == 3:
        stream[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    elif op == 4:
        del stream[pos:]  # truncated
    else:
        stream += bytes(rng.randrange(256) for _ in range(rng.randint(1, 64)))  # extended
    return bytes(stream)


def mutated(rng: random.Random, messages: list[bytes]) -> bytes:
    for _ in range(rng.randint(1, 3)):
        messages = _mutate_messages(rng, messages)
    data = b"".join(messages)
    if rng.random() < 0.3:  # raw damage, mostly breaking the framing
        for _ in range(rng.randint(1, 3)):
            data = _mutate_bytes(rng, data)
    return data


# --- connection-level cases ---------------------------------------------------------------------

ODD_PARAMETERS = (
    ("application_name", "fuzz"),
    ("options", "-c statement_timeout=1000"),
    ("options", "-c search_path=\"'; DROP TABLE fuzz_rows; --"),
    ("client_encoding", "LATIN1"),
    ("client_encoding", "nonsense"),
    ("DateStyle", "German"),
    ("x'; SELECT 1; --", "v"),
    ("replication", "database"),
    ("database", "no_such_db"),
    ("user", ""),
    ("_pq_.unknown", "1"),
)


def _startup(rng: random.Random) -> bytes:
    params = dict(rng.sample(ODD_PARAMETERS, k=rng.randint(0, 3))) if rng.random() < 0.6 else {}
    version = rng.choice((3 << 16, 3 << 16, (3 << 16) | 1, 2 << 16, 4 << 16, 0))
    packet = startup_packet(params, version)
    return packet if rng.random() < 0.4 else _mutate_bytes(rng, packet)


def connect_case(rng: random.Random) -> tuple[bytes, str]:
    """Bytes for a connection of its own, from its very first byte."""
    pick = rng.random()
    if pick < 0.45:
        return _startup(rng), "startup"
    if pick < 0.6:
        return rng.choice((SSL_REQUEST, GSSENC_REQUEST)) + _startup(rng), "ssl/gssenc request, startup"
    if pick < 0.7:
        junk = rng.choice((bytes.fromhex("1603010200010001fc0303"), SSL_REQUEST, b"GET / HTTP/1.1\r\n\r\n"))
        return SSL_REQUEST + junk + bytes(rng.randrange(256) for _ in range(rng.randint(0, 64))), "ssl junk"
    if pick < 0.85:
        body = struct.pack("!iiI", CANCEL_CODE, rng.randrange(1 << 31), rng.randrange(1 << 32))
        packet = struct.pack("!i", len(body) + 4) + body
        return (packet if rng.random() < 0.5 else _mutate_bytes(rng, packet)), "cancel request"
    if pick < 0.93:
        session = b"".join(valid_sequence(rng))
        return startup_packet() + _mutate_bytes(rng, session), "startup, then a mutated session"
    return bytes(rng.randrange(256) for _ in range(rng.randint(0, 200))), "random bytes"


def make_cases(seed: int, count: int) -> list[Case]:
    rng = random.Random(seed)
    cases = []
    for number in range(count):
        pick = rng.random()
        if pick < 0.12:
            payload, note = connect_case(rng)
            cases.append(Case(number, "connect", payload, note))
        elif pick < 0.3:
            messages = valid_sequence(rng)
            cases.append(Case(number, "session", b"".join(messages), "valid"))
        else:
            cases.append(Case(number, "session", mutated(rng, valid_sequence(rng)), "mutated"))
    return cases
