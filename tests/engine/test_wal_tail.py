"""Recovery of a WAL whose newest record is torn or corrupt, on real engine files.

The last record of the newest log was never acknowledged as durable when it is damaged and no
record starts after it: recovery drops it, reports it in the orbitdb.wal-tail-dropped* properties,
and opens with every record before it. Damage followed by a record that starts after it is
corruption naming the file and the damaged record's offset. Three shapes of last record: small
(one FULL fragment), block-spanning (FIRST + LAST) and multi-block (FIRST, MIDDLE..., LAST).
The every-byte sweep of the log reader is csrc/tests/test_log.c; here the engine opens each cut.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import logfile
import pytest

from orbitdb.engine import CorruptionError, Engine

BLOCK = logfile.BLOCK_SIZE
HEADER = logfile.HEADER_SIZE
BATCH_OVERHEAD = 12 + 1 + 1 + 6  # batch header, kind, key length varint, 6-byte key
SHAPES = ("small", "spanning", "multi-block")
CSRC = Path(__file__).resolve().parents[2] / "csrc"


def _key(i: int) -> bytes:
    return b"k%05d" % i


def _value(i: int, size: int) -> bytes:
    return (b"%d:" % i + bytes(range(256)) * (size // 256 + 1))[:size]


def _value_size(payload: int) -> int:
    """The value size that makes a one-put batch exactly `payload` bytes."""
    for size in range(payload - BATCH_OVERHEAD - 3, payload - BATCH_OVERHEAD):
        varint = 1 if size < 1 << 7 else 2 if size < 1 << 14 else 3
        if size + varint == payload - BATCH_OVERHEAD:
            return size
    raise AssertionError(payload)


@dataclass(frozen=True)
class Template:
    """A closed database whose one log holds one record per batch; batch i put _key(i)."""

    path: str
    log_name: str
    values: list[bytes]
    records: list[logfile.Record]

    @property
    def log_size(self) -> int:
        return self.records[-1].end

    def expected(self, count: int) -> dict[bytes, bytes]:
        return {_key(i): self.values[i] for i in range(count)}

    def copy(self, dest: Path) -> str:
        shutil.copytree(self.path, dest)
        return os.path.join(dest, self.log_name)


def _logs(path: str) -> list[str]:
    return sorted(f for f in os.listdir(path) if f.endswith(".log"))


def _build(path: str, shape: str) -> Template:
    values: list[bytes] = []

    def put(db: Engine, payload: int) -> None:
        value = _value(len(values), _value_size(payload))
        db.put(_key(len(values)), value)
        values.append(value)

    def pad_to(db: Engine, log: str, room: int) -> None:
        """One record that leaves `room` bytes before the block's end for the next one."""
        left = BLOCK - os.path.getsize(log) % BLOCK
        if left < HEADER:
            left += BLOCK
        put(db, left - room - HEADER)

    with Engine(path) as db:
        (log_name,) = _logs(path)
        log = os.path.join(path, log_name)
        for i in range(30):
            put(db, 21 + i * 37 % 300)
        put(db, 40000)  # an earlier record across a block edge, small ones after it
        for i in range(10):
            put(db, 30 + i)
        if shape == "small":
            put(db, 120)
        elif shape == "spanning":
            pad_to(db, log, 1000)
            put(db, 3000)
        else:
            pad_to(db, log, 500)
            put(db, 3 * BLOCK + 700)
    records = logfile.read_records(Path(log).read_bytes())
    assert [r.sequence for r in records] == sorted(r.sequence for r in records)
    assert len(records) == len(values)
    types = [f.type for f in records[-1].fragments]
    expected_types = {
        "small": [logfile.FULL],
        "spanning": [logfile.FIRST, logfile.LAST],
        "multi-block": [logfile.FIRST, *[logfile.MIDDLE] * 3, logfile.LAST],
    }[shape]
    assert types == expected_types, types
    return Template(path, log_name, values, records)


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Template]:
    base = tmp_path_factory.mktemp("wal-templates")
    return {shape: _build(os.fspath(base / shape), shape) for shape in SHAPES}


def _cut_points(tpl: Template, stride: int) -> list[int]:
    """Offsets inside the last record: every stride-th byte, and each fragment's first and last
    bytes, inside its header and at its payload's start."""
    last = tpl.records[-1]
    points = set(range(last.start + 1, last.end, stride))
    for f in last.fragments:
        points.update(f.offset + d for d in (0, 1, HEADER - 1, HEADER, HEADER + 1))
        points.add(f.end - 1)
    return sorted(p for p in points if last.start <= p < last.end)


def _check_dropped(db: Engine, tpl: Template, kept: int, damage_at: int, size: int) -> None:
    assert dict(db.items()) == tpl.expected(kept)
    assert db.property("orbitdb.wal-tail-dropped-bytes") == str(size - tpl.records[kept - 1].end)
    note = db.property("orbitdb.wal-tail-dropped")
    assert note is not None and tpl.log_name in note and f"at offset {damage_at} " in note, note


def _open_cut(tpl: Template, dest: Path, cut: int) -> None:
    log = tpl.copy(dest)
    os.truncate(log, cut)
    last = len(tpl.records) - 1
    with Engine(os.fspath(dest)) as db:
        if cut == tpl.records[last].start:
            assert dict(db.items()) == tpl.expected(last)
            assert db.property("orbitdb.wal-tail-dropped-bytes") == "0"
            assert db.property("orbitdb.wal-tail-dropped") == ""
        else:
            _check_dropped(db, tpl, last, tpl.records[last].start, cut)


@pytest.mark.parametrize("shape", SHAPES)
def test_cut_last_record(templates: dict[str, Template], tmp_path: Path, shape: str) -> None:
    tpl = templates[shape]
    stride = {"small": 7, "spanning": 499, "multi-block": 4999}[shape]
    for cut in _cut_points(tpl, stride):
        _open_cut(tpl, tmp_path / str(cut), cut)


@pytest.mark.slow
@pytest.mark.parametrize("shape", SHAPES)
def test_cut_last_record_dense(templates: dict[str, Template], tmp_path: Path, shape: str) -> None:
    tpl = templates[shape]
    stride = 97 if shape == "multi-block" else 1
    for cut in _cut_points(tpl, stride):
        _open_cut(tpl, tmp_path / str(cut), cut)
        shutil.rmtree(tmp_path / str(cut))


@pytest.mark.slow
def test_log_reader_every_byte() -> None:
    """The C reader test with every cut point of each shape of last record (a few minutes)."""
    if shutil.which("make") is None or shutil.which(os.environ.get("CC", "cc")) is None:
        pytest.skip("no make or C compiler")
    env = {k: v for k, v in os.environ.items() if k not in ("CFLAGS", "LDFLAGS")}
    subprocess.run(["make", "-C", str(CSRC), "build/test_log"], check=True, capture_output=True, env=env)
    proc = subprocess.run(
        [str(CSRC / "build" / "test_log")],
        capture_output=True,
        text=True,
        env={**env, "ODB_LOG_EVERY_BYTE": "1"},
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "multi-block last record: every cut" in proc.stdout


def _flip(path: str, offset: int) -> None:
    with open(path, "r+b") as f:
        f.seek(offset)
        byte = f.read(1)[0]
        f.seek(offset)
        f.write(bytes([byte ^ (1 << offset % 8)]))


def _flip_points(record: logfile.Record) -> list[int]:
    """Checksum, length and type bytes of every fragment, and its payload's first, middle and last."""
    points = []
    for f in record.fragments:
        points += [f.offset, f.offset + 4, f.offset + 5, f.offset + 6]
        if f.length:
            points += [f.offset + HEADER, f.offset + HEADER + f.length // 2, f.end - 1]
    return points


@pytest.mark.parametrize("shape", SHAPES)
def test_flip_in_last_record_drops_it(templates: dict[str, Template], tmp_path: Path, shape: str) -> None:
    tpl = templates[shape]
    last = len(tpl.records) - 1
    for at in _flip_points(tpl.records[last]):
        dest = tmp_path / str(at)
        _flip(tpl.copy(dest), at)
        with Engine(os.fspath(dest)) as db:
            _check_dropped(db, tpl, last, tpl.records[last].start, tpl.log_size)


@pytest.mark.parametrize("shape", ["small", "multi-block"])
def test_flip_before_intact_records_is_corruption(
    templates: dict[str, Template], tmp_path: Path, shape: str
) -> None:
    tpl = templates[shape]
    spanning = next(k for k, r in enumerate(tpl.records) if len(r.fragments) > 1)
    for k in (0, 7, spanning, spanning + 1, len(tpl.records) - 2):
        record = tpl.records[k]
        for at in _flip_points(record)[:: 1 if k == spanning else 3]:
            dest = tmp_path / f"{k}-{at}"
            log = tpl.copy(dest)
            _flip(log, at)
            damaged = Path(log).read_bytes()
            with pytest.raises(CorruptionError, match=rf"{tpl.log_name}: .* at offset {record.start},"):
                Engine(os.fspath(dest))
            assert Path(log).read_bytes() == damaged  # a failed open changes nothing


def test_zeros_after_last_record(templates: dict[str, Template], tmp_path: Path) -> None:
    """A file that grew (preallocation, or a crash before its data landed) reads as zeros."""
    tpl = templates["spanning"]
    for zeros in (1, 7, 100, 2 * BLOCK + 3):
        dest = tmp_path / str(zeros)
        with open(tpl.copy(dest), "ab") as f:
            f.write(bytes(zeros))
        with Engine(os.fspath(dest)) as db:
            assert dict(db.items()) == tpl.expected(len(tpl.records))
            assert db.property("orbitdb.wal-tail-dropped-bytes") == str(zeros)


@pytest.mark.parametrize("shape", SHAPES)
def test_zeros_over_last_record(templates: dict[str, Template], tmp_path: Path, shape: str) -> None:
    tpl = templates[shape]
    last = len(tpl.records) - 1
    record = tpl.records[last]
    for start in sorted(
        {record.start, record.start + HEADER + 1, record.fragments[-1].offset, record.end - 1}
    ):
        dest = tmp_path / str(start)
        with open(tpl.copy(dest), "r+b") as f:
            f.seek(start)
            f.write(bytes(record.end - start))
        with Engine(os.fspath(dest)) as db:
            _check_dropped(db, tpl, last, record.start, tpl.log_size)


@pytest.mark.parametrize("shape", SHAPES)
def test_writes_after_dropped_tail_survive_reopen(
    templates: dict[str, Template], tmp_path: Path, shape: str
) -> None:
    """New writes never land after the dropped garbage: each recovery starts a fresh log."""
    tpl = templates[shape]
    last = len(tpl.records) - 1
    dest = tmp_path / "db"
    cut = tpl.records[last].fragments[-1].offset + HEADER + 1
    os.truncate(tpl.copy(dest), cut)
    expected = tpl.expected(last)
    with Engine(os.fspath(dest)) as db:
        assert dict(db.items()) == expected
        for i in range(40):
            key, value = b"new%03d" % i, _value(i, 10 + i * 997 % (3 * BLOCK))
            db.put(key, value)
            expected[key] = value
    for round_ in range(3):
        with Engine(os.fspath(dest)) as db:
            assert dict(db.items()) == expected
            assert db.property("orbitdb.wal-tail-dropped-bytes") == "0"
            key, value = b"again%d" % round_, _value(round_, 2 * BLOCK)
            db.put(key, value)
            expected[key] = value
    # and a torn tail of the log those writes went to is dropped the same way
    (newest,) = _logs(os.fspath(dest))
    log = os.path.join(dest, newest)
    os.truncate(log, os.path.getsize(log) - 1000)
    del expected[key]
    with Engine(os.fspath(dest)) as db:
        assert dict(db.items()) == expected
        assert int(db.property("orbitdb.wal-tail-dropped-bytes") or 0) > 0


def _next_log(tpl: Template, dest: Path) -> str:
    number = int(tpl.log_name.split(".")[0]) + 1
    return os.path.join(dest, f"{number:06d}.log")


def test_torn_log_followed_by_empty_log(templates: dict[str, Template], tmp_path: Path) -> None:
    """A crash after a newer log was created and before the older one was synced: the newer one
    is empty, so the older one's torn tail was never acknowledged."""
    tpl = templates["multi-block"]
    last = len(tpl.records) - 1
    dest = tmp_path / "db"
    cut = tpl.records[last].start + BLOCK
    os.truncate(tpl.copy(dest), cut)
    Path(_next_log(tpl, dest)).write_bytes(b"")
    with Engine(os.fspath(dest)) as db:
        _check_dropped(db, tpl, last, tpl.records[last].start, cut)


def test_torn_log_followed_by_written_log_is_corruption(
    templates: dict[str, Template], tmp_path: Path
) -> None:
    """A log is synced before anything is written to the next one: damage in it is not a torn write."""
    tpl = templates["small"]
    last = len(tpl.records) - 1
    dest = tmp_path / "db"
    log = tpl.copy(dest)
    os.truncate(log, tpl.records[last].start + 3)
    Path(_next_log(tpl, dest)).write_bytes(Path(tpl.path, tpl.log_name).read_bytes()[: tpl.records[0].end])
    with pytest.raises(
        CorruptionError, match=rf"{tpl.log_name}: .* offset {tpl.records[last].start}, .*not the newest"
    ):
        Engine(os.fspath(dest))
