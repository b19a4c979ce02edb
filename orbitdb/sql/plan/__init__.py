"""Queries planned into operator trees: name resolution, joins, access paths, compiled statements."""
