"""Changes to the catalog: tables, columns, constraints, indexes, sequences, views, schemas, rewrites."""
