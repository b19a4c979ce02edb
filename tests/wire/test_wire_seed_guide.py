"""The migration guide (the product's seed document), end to end, as its reader runs it: the
server with no flags (127.0.0.1:15432, ./orbit_integrated_data), psql and psycopg2 commands,
the health-check script taken unedited from the guide, a restart, and a kill -9."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import psycopg2
import pytest
from wire_support import ServerProcess

pytestmark = pytest.mark.needs_psql

GUIDE_PORT = 15432
REPO = Path(__file__).resolve().parents[2]


def _guide_text() -> str | None:
    for candidate in (
        REPO.parent / "shared" / "seed" / "migration-guide.md",
        Path("/work/shared/seed/migration-guide.md"),
        Path("/tmp/shared/seed/migration-guide.md"),
    ):
        if candidate.exists():
            return candidate.read_text()
    return None


def _health_check_script() -> str | None:
    text = _guide_text()
    if text is None:
        return None
    for block in re.findall(r"```bash\n(.*?)```", text, re.DOTALL):
        if "health check script" in block:
            return block
    return None


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _psql(*args: str, input: str | None = None, cwd: Path) -> subprocess.CompletedProcess[str]:
    cmd = ["psql", "-h", "localhost", "-p", str(GUIDE_PORT), "-U", "orbit", "-d", "actors", *args]
    out = subprocess.run(cmd, check=False, input=input, capture_output=True, text=True, cwd=cwd, timeout=60)
    assert out.returncode == 0 and "ERROR" not in out.stderr, f"{args}: {out.stdout}\n{out.stderr}"
    return out


@pytest.fixture
def guide_dir(tmp_path):
    if not _port_free(GUIDE_PORT):
        pytest.skip(f"port {GUIDE_PORT} is in use")
    (tmp_path / "orbit_integrated_data").mkdir()  # the guide's pre-migration step
    return tmp_path


def _start(cwd: Path) -> ServerProcess:
    server = ServerProcess(None, cwd=cwd).wait_ready()
    assert server.port == GUIDE_PORT
    return server


def test_migration_guide_end_to_end(guide_dir):
    cwd = guide_dir
    server = _start(cwd)
    try:
        log = server.log()
        assert "PostgreSQL using persistent LSM storage at: ./orbit_integrated_data/postgresql" in log

        # Phase 1: test persistence
        _psql(
            cwd=cwd,
            input="""
CREATE TABLE migration_test (
    id INTEGER PRIMARY KEY,
    test_data TEXT,
    created_at TIMESTAMP DEFAULT NOW()
);
INSERT INTO migration_test (id, test_data) VALUES (1, 'Migration test successful');
SELECT * FROM migration_test;
""",
        )
        # Phase 2: schema, CSV import, manual inserts
        _psql(
            cwd=cwd,
            input="""
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    email TEXT,
    created_at TIMESTAMP DEFAULT NOW()
);

CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    title TEXT NOT NULL,
    content TEXT,
    published_at TIMESTAMP DEFAULT NOW()
);
""",
        )
        rows = ["id,username,email,created_at"]
        rows += [f"{i},user{i},user{i}@example.com,2024-01-{i % 28 + 1:02d} 10:00:00" for i in range(2, 102)]
        (cwd / "users_backup.csv").write_text("\n".join(rows) + "\n")
        out = _psql(
            "-c", "\\COPY users(id,username,email,created_at) FROM 'users_backup.csv' CSV HEADER;", cwd=cwd
        )
        assert out.stdout.strip() == "COPY 100"
        _psql(
            "-c", "INSERT INTO users (id, username, email) VALUES (1, 'alice', 'alice@example.com');", cwd=cwd
        )
        values = ", ".join(f"({i}, {i % 5 + 1}, 'title {i}', 'content {i}')" for i in range(1, 21))
        _psql("-c", f"INSERT INTO posts (id, user_id, title, content) VALUES {values};", cwd=cwd)

        # Phase 3: validation
        out = _psql(
            "-At",
            cwd=cwd,
            input="""
SELECT 'users' as table_name, COUNT(*) as row_count FROM users
UNION ALL
SELECT 'posts', COUNT(*) FROM posts;
""",
        )
        assert out.stdout.split() == ["users|101", "posts|20"]
        out = _psql("-At", "-c", "SELECT username, email FROM users WHERE id = 1;", cwd=cwd)
        assert out.stdout.strip() == "alice|alice@example.com"
        out = _psql("-At", "-c", "SELECT COUNT(*) FROM posts WHERE user_id = 1;", cwd=cwd)
        assert out.stdout.strip() == "4"
        out = _psql(
            "-At",
            cwd=cwd,
            input="""
SELECT u.username, COUNT(p.id) as post_count
FROM users u LEFT JOIN posts p ON u.id = p.user_id
GROUP BY u.username;
""",
        )
        counts = dict(line.split("|") for line in out.stdout.split())
        assert (
            len(counts) == 101
            and counts["alice"] == "4"
            and counts["user2"] == "4"
            and counts["user50"] == "0"
        )
        out = _psql(
            cwd=cwd,
            input="\\timing\nSELECT * FROM users WHERE id = 1;\nSELECT * FROM users WHERE "
            "username = 'alice';\nSELECT COUNT(*) FROM posts WHERE user_id = 1;\n",
        )
        assert out.stdout.count("Time:") == 3

        # the health-check script, unedited from the guide
        script = _health_check_script()
        if script is not None:
            check = subprocess.run(
                ["bash", "-c", script], check=False, capture_output=True, text=True, cwd=cwd, timeout=120
            )
            assert check.returncode == 0, check.stdout + check.stderr
            assert "All health checks passed" in check.stdout
        _psql("-c", "\\dt", cwd=cwd)
        dump = subprocess.run(
            ["pg_dump", "-h", "localhost", "-p", str(GUIDE_PORT), "-U", "orbit", "-d", "actors"],
            check=False,
            capture_output=True,
            text=True,
            cwd=cwd,
            timeout=60,
        )
        assert dump.returncode == 0, dump.stderr

        # stop (Ctrl+C) and restart: everything is still there
        assert server.stop(signal.SIGINT) == 0
        server = _start(cwd)
        out = _psql("-At", "-c", "SELECT test_data FROM migration_test;", cwd=cwd)
        assert out.stdout.strip() == "Migration test successful"
        out = _psql("-At", "-c", "SELECT COUNT(*) FROM users;", cwd=cwd)
        assert out.stdout.strip() == "101"
        out = _psql("-At", "-c", "SELECT COUNT(*) FROM posts;", cwd=cwd)
        assert out.stdout.strip() == "20"
    finally:
        if server.proc.poll() is None:
            server.stop()


def test_kill_9_keeps_every_acknowledged_row(guide_dir):
    cwd = guide_dir
    server = _start(cwd)
    conn = psycopg2.connect(host="localhost", port=GUIDE_PORT, user="orbit", database="actors")
    conn.autocommit = True
    conn.cursor().execute("CREATE TABLE stream (id INTEGER PRIMARY KEY, payload TEXT)")
    acknowledged: list[int] = []
    stop = threading.Event()

    def insert_forever() -> None:
        cur = conn.cursor()
        i = 0
        while not stop.is_set():
            try:
                cur.execute("INSERT INTO stream VALUES (%s, %s)", (i, "x" * 100))
            except psycopg2.Error:
                return
            acknowledged.append(i)
            i += 1

    thread = threading.Thread(target=insert_forever)
    thread.start()
    time.sleep(2.0)
    os.kill(server.proc.pid, signal.SIGKILL)
    server.proc.wait()
    stop.set()
    thread.join(10)
    assert len(acknowledged) > 10
    server = _start(cwd)
    try:
        conn2 = psycopg2.connect(host="localhost", port=GUIDE_PORT, user="orbit", database="actors")
        cur = conn2.cursor()
        cur.execute("SELECT id FROM stream")
        present = {row[0] for row in cur.fetchall()}
        missing = set(acknowledged) - present
        assert not missing, f"{len(missing)} acknowledged rows lost, e.g. {sorted(missing)[:5]}"
        conn2.close()
    finally:
        server.stop()
