"""PEP 249's exception hierarchy, with psycopg2's TransactionRollbackError and QueryCanceledError.
orbitdb.errors has one subclass of these per SQLSTATE; orbitdb.dbapi raises those."""

from __future__ import annotations


class Warning(Exception):
    pass


class Error(Exception):
    """Base of orbitdb's errors; ``sqlstate`` is PostgreSQL's code for the condition."""

    sqlstate: str | None = None

    def __init__(self, message: str = "", sqlstate: str | None = None, detail: str | None = None,
                 hint: str | None = None) -> None:
        super().__init__(message)
        if sqlstate is not None:  # else the class's own (orbitdb.errors.UniqueViolation: 23505)
            self.sqlstate = sqlstate
        self.pgcode = self.sqlstate  # psycopg2's name for it
        self.detail = detail
        self.hint = hint
        self.pgerror = message


class InterfaceError(Error):
    pass


class DatabaseError(Error):
    pass


class DataError(DatabaseError):
    pass


class OperationalError(DatabaseError):
    pass


class IntegrityError(DatabaseError):
    pass


class InternalError(DatabaseError):
    pass


class ProgrammingError(DatabaseError):
    pass


class NotSupportedError(DatabaseError):
    pass


class TransactionRollbackError(OperationalError):
    """Serialization failure or deadlock: retry the transaction."""


class QueryCanceledError(OperationalError):
    pass
