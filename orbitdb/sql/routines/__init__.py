"""User-defined functions and procedures: CREATE/DROP FUNCTION and PROCEDURE, CALL, DO, LANGUAGE sql
bodies and a PL/pgSQL parser and interpreter of orbitdb's own (sqlglot does not parse PL/pgSQL)."""
