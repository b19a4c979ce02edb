"""Runs statements on orbitdb in a child process for the compat harness.

The parent (``compat_harness.OrbitProcessSide``) sends SQL text and receives ``Outcome`` objects as
length-prefixed pickle frames over stdin/stdout, so that a crash or a hang of orbitdb costs one
statement, not the test run. Usage: ``python orbit_child.py DATA_DIR``.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
from pathlib import Path
from typing import Any, BinaryIO

sys.path.insert(0, str(Path(__file__).resolve().parent))

from compat_harness import OrbitSide, OrbitUnavailable, Outcome

_HEADER = struct.Struct("!I")


def send(out: BinaryIO, message: Any) -> None:
    try:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - an unpicklable value: send its repr instead
        kind, payload = message
        if isinstance(payload, Outcome) and payload.rows is not None:
            payload.rows = [tuple(repr(v) for v in row) for row in payload.rows]
            payload.message = f"(values sent as repr: {exc})"
        data = pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)
    out.write(_HEADER.pack(len(data)) + data)
    out.flush()


def receive(inp: BinaryIO) -> Any:
    header = inp.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    return pickle.loads(inp.read(size))


def main() -> int:
    path = sys.argv[1]
    inp = sys.stdin.buffer
    # The protocol gets its own descriptor; anything orbitdb prints goes to stderr.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    try:
        side = OrbitSide(path)
    except OrbitUnavailable as exc:
        send(out, ("unavailable", str(exc)))
        return 0
    send(out, ("ready", None))
    try:
        while True:
            sql = receive(inp)
            if sql is None:
                break
            send(out, ("outcome", side.execute(sql)))
    finally:
        side.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
