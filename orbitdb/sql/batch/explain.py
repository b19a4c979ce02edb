"""EXPLAIN's note of the nodes that run on batches: a "Batch: on" line under each, and under the
scan of a select list over one table (or the Sort of one) that runs row at a time because an
expression (a sort key) has no vectorised form "Batch: off (why)" (orbitdb's own lines, left out with COSTS OFF so that such
output stays PostgreSQL's)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from orbitdb.sql.batch.aggregate import batch_mode

if TYPE_CHECKING:
    from orbitdb.sql.exec.context import ExecContext
    from orbitdb.sql.exec.plans import Plan as PlanNode


def mark_batch_nodes(plan: PlanNode, ctx: ExecContext, analyze: bool = False) -> None:
    from orbitdb.sql.exec.plans import Aggregate, Limit, Plan, Sort

    if batch_mode(ctx) == "off":
        return
    if not analyze:  # EXPLAIN ANALYZE measures each node: the query runs row at a time then
        from orbitdb.sql.batch.project import explain_note

        note = explain_note(plan, ctx)
        if note is not None:
            scan = (plan.child if isinstance(plan, Limit) else plan).child  # type: ignore[attr-defined]
            scan.batch_note = note
    todo: list[PlanNode] = [plan]
    while todo:
        node = todo.pop()
        if isinstance(node, Aggregate) and node.batch_plan() is not None:
            node.show_batch = True  # type: ignore[attr-defined]
        if isinstance(node, Sort):
            from orbitdb.sql.batch.sort import explain_note as sort_note

            node.batch_note = sort_note(node, ctx)  # type: ignore[attr-defined]
            # EXPLAIN ANALYZE: the scan under it is read by the sort's batches, not asked for rows
            node.show_batch = node.batch_note == "Batch: on"  # type: ignore[attr-defined]
        # the operators under it (a Project or Strip shows its child's lines as its own)
        todo.extend(sub for name in ("child", "left", "right", "base", "step")
                    if isinstance(sub := getattr(node, name, None), Plan))
