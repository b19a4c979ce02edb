"""Queries planned into operator trees: joins, access paths, subqueries; compiled queries."""
