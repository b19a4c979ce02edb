"""Triggers through real clients: psql runs a schema with PL/pgSQL trigger functions, `\\d` lists
the triggers as PostgreSQL 15's psql shows them for PostgreSQL 15 itself, and pg_dump's output
(of orbitdb, and of a real PostgreSQL 15) loads with ON_ERROR_STOP into a fresh orbitdb whose
triggers then fire."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from reference_pg import reference_postgres

pytestmark = pytest.mark.needs_psql

SCHEMA = """
CREATE TABLE item (id int PRIMARY KEY, qty int, note text, updated_at int DEFAULT 0);
CREATE TABLE item_log (n serial PRIMARY KEY, op text, item_id int);
CREATE FUNCTION times10() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.qty := NEW.qty * 10;
  RETURN NEW;
END $$;
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := OLD.updated_at + 1;
  RETURN NEW;
END $$;
CREATE FUNCTION log_it() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO item_log (op, item_id) VALUES (TG_OP, OLD.id);
    RETURN OLD;
  END IF;
  INSERT INTO item_log (op, item_id) VALUES (TG_OP, NEW.id);
  RETURN NEW;
END $$;
CREATE TRIGGER a_times10 BEFORE INSERT ON item FOR EACH ROW EXECUTE FUNCTION times10();
CREATE TRIGGER b_touch BEFORE UPDATE OF qty, note ON item FOR EACH ROW WHEN (old.qty IS DISTINCT FROM new.qty)
  EXECUTE FUNCTION touch();
CREATE TRIGGER c_log AFTER INSERT OR UPDATE OR DELETE ON item FOR EACH ROW EXECUTE FUNCTION log_it();
CREATE TRIGGER d_stmt AFTER TRUNCATE ON item FOR EACH STATEMENT EXECUTE FUNCTION log_it();
ALTER TABLE item DISABLE TRIGGER d_stmt;
INSERT INTO item (id, qty) VALUES (1, 2), (2, 3);
UPDATE item SET qty = qty + 1 WHERE id = 1;
"""

CHECK = "SELECT id, qty, updated_at FROM item ORDER BY id; SELECT op, item_id FROM item_log ORDER BY n;"


def _psql(dsn_args: list[str], *args: str, input: str | None = None) -> str:
    out = subprocess.run(["psql", "-X", "-v", "ON_ERROR_STOP=1", *dsn_args, *args], input=input,
                         capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    return out.stdout


def _orbit(server: Any) -> list[str]:
    return ["-h", server.host, "-p", str(server.port), "-U", "orbit", "-d", "actors"]


def _triggers_part(described: str) -> str:
    """The trigger lines of psql's \\d (from the first trigger heading on)."""
    lines = described.splitlines()
    start = next(i for i, line in enumerate(lines) if "riggers" in line and line.endswith(":"))
    return "\n".join(lines[start:])


def _dump(args: list[str]) -> str:
    out = subprocess.run(["pg_dump", *args], capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    return out.stdout


def _reload(server: Any, source: str, before: str) -> None:
    _psql(_orbit(server), input=source)
    assert _psql(_orbit(server), "-At", "-c", CHECK) == before
    # the reloaded triggers fire
    _psql(_orbit(server), "-c", "INSERT INTO item (id, qty) VALUES (3, 1)")
    _psql(_orbit(server), "-c", "UPDATE item SET qty = 7 WHERE id = 3")
    assert _psql(_orbit(server), "-At", "-c", "SELECT qty, updated_at FROM item WHERE id = 3").split() == ["7|1"]
    assert _psql(_orbit(server), "-At", "-c", "SELECT count(*) FROM item_log").split() == ["5"]


def test_psql_describe_and_a_postgresql_dump_reloaded(start_server: Any, tmp_path: Path) -> None:
    first = start_server(data_dir=tmp_path / "first")
    _psql(_orbit(first), input=SCHEMA)
    before = _psql(_orbit(first), "-At", "-c", CHECK)
    assert before.splitlines() == ["1|21|1", "2|30|0", "INSERT|1", "INSERT|2", "UPDATE|1"]
    described = _psql(_orbit(first), "-c", "\\d item")
    with reference_postgres() as dsn:
        if dsn is None:
            pytest.skip("no PostgreSQL 15 to compare with")
        port = dict(p.split("=") for p in dsn.split())["port"]
        ref_args = ["-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", "postgres"]
        _psql(ref_args, input=SCHEMA)
        assert _psql(ref_args, "-At", "-c", CHECK) == before
        assert _triggers_part(described) == _triggers_part(_psql(ref_args, "-c", "\\d item"))
        pg_dump = _dump([*ref_args, "--no-owner"])  # ALTER FUNCTION ... OWNER TO is roles' part
    _reload(start_server(data_dir=tmp_path / "again"), pg_dump, before)


def test_orbitdb_dump_reloaded(start_server: Any, tmp_path: Path) -> None:
    first = start_server(data_dir=tmp_path / "first")
    _psql(_orbit(first), input=SCHEMA)
    before = _psql(_orbit(first), "-At", "-c", CHECK)
    dump = _dump(_orbit(first))
    assert "CREATE TRIGGER c_log AFTER INSERT OR DELETE OR UPDATE ON public.item" in dump
    assert "ALTER TABLE public.item DISABLE TRIGGER d_stmt;" in dump
    _reload(start_server(data_dir=tmp_path / "again"), dump, before)
