"""Operations-command tests use the wire tests' server helper (a real `orbitdb serve`)."""

from __future__ import annotations

import sys
from pathlib import Path

WIRE = Path(__file__).resolve().parents[1] / "wire"
if str(WIRE) not in sys.path:
    sys.path.insert(0, str(WIRE))
