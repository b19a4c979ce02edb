"""EXPLAIN's note of the nodes that run on batches: a "Batch: on" line under each (orbitdb's
own line, left out with COSTS OFF so that such output stays PostgreSQL's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orbitdb.sql.batch.aggregate import batch_mode

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.exec.plans import Plan as PlanNode


def mark_batch_nodes(plan: PlanNode, ctx: ExecContext) -> None:
    from orbitdb.sql.exec.plans import Aggregate, Plan

    if batch_mode(ctx) == "off":
        return
    todo: list[PlanNode] = [plan]
    while todo:
        node = todo.pop()
        if isinstance(node, Aggregate) and node.batch_plan() is not None:
            node.show_batch = True  # type: ignore[attr-defined]
        # the operators under it (a Project or Strip shows its child's lines as its own)
        todo.extend(sub for name in ("child", "left", "right", "base", "step")
                    if isinstance(sub := getattr(node, name, None), Plan))
