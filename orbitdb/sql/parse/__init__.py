"""Statement text -> sqlglot trees: splitting, PostgreSQL's lexical rules, refusals, the parse caches."""
