"""`orbitdb clone SRC DST`: an instant copy of a live database or data directory. The tables are
hard links (they never change once written, so the two copies share them until compaction in
either rewrites them), the WAL tail is copied; each database of the clone is at one commit
(snapshot.py). The clone and the source then diverge independently."""

from __future__ import annotations

import os
import shutil

from orbitdb.ops.errors import OpsError
from orbitdb.ops.snapshot import Copy, copy_consistent


def run_clone(source: str, target: str) -> Copy:
    if not os.path.isdir(source):
        raise OpsError(f"no directory {source}")
    if os.path.exists(target) and (not os.path.isdir(target) or os.listdir(target)):
        raise OpsError(f"{target} exists and is not an empty directory")
    if os.path.realpath(source) == os.path.realpath(target):
        raise OpsError("cannot clone a directory onto itself")
    made = not os.path.exists(target)
    try:
        return copy_consistent(source, target)
    except ValueError as exc:
        raise OpsError(str(exc)) from None
    except BaseException:
        if made:
            shutil.rmtree(target, ignore_errors=True)
        else:
            for name in os.listdir(target):  # it was empty: leave it so
                path = os.path.join(target, name)
                shutil.rmtree(path) if os.path.isdir(path) else os.remove(path)
        raise
