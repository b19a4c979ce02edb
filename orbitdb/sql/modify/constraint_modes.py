"""Whether a deferrable constraint (a foreign key or a constraint trigger) is checked at COMMIT
now: SET CONSTRAINTS name|ALL DEFERRED|IMMEDIATE of the transaction, else its INITIALLY mode."""

from __future__ import annotations

from typing import Any


def deferred(session: Any, constraint: Any) -> bool:
    """constraint: anything with .name and .initially_deferred (ConstraintDef, TriggerDef)."""
    mode = getattr(session, "constraint_modes", {})
    if constraint.name in mode:
        return bool(mode[constraint.name])
    if None in mode:
        return bool(mode[None])
    return bool(constraint.initially_deferred)
