"""Running a plan: the operators (scans, joins, sorts, grouping, row locks), the running
statement's context, and rows produced as they are fetched."""
