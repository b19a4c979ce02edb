"""Batch execution: table scans decoded a few thousand rows at a time into numpy columns with
NULL masks (orbitdb/storage/_batch.pyx), filters and hash aggregation over those columns, and
the columnar fetch of the DB-API cursor. A plan with no vectorised form runs row at a time."""
