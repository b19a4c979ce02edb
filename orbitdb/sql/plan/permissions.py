"""What running a statement needs the current role to hold, found while planning it and checked
at each run (a cached plan may run under another role after SET ROLE), as PostgreSQL's
ExecCheckPermissions checks the range table: per relation the privileges wanted, with the
columns read, inserted and updated (a column privilege stands in for the table's), and the
USAGE of each schema a name was looked up in. A relation read through a view is checked as
the view's owner (as_role)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Required:
    oid: int
    as_role: str | None  # None: the current role at run time
    letters: set[str] = field(default_factory=set)  # table-level: "a" insert, "w" update, "d" delete
    scan: bool = False  # the relation is read: SELECT on it, or on one of its columns at least
    read: set[int] = field(default_factory=set)  # attnums read (SELECT on each, or on the table)
    inserted: set[int] = field(default_factory=set)
    updated: set[int] = field(default_factory=set)
    schema: str | None = None  # a schema whose USAGE is needed (oid is 0 then)
    superuser_only: str | None = None  # a system catalog only superusers read ("table pg_authid")
    routine: bool = False  # oid is a user function compiled into the plan (inlined): EXECUTE on it


Key = tuple[int, "str | None"]


class PermissionSet:
    """The requirements of one statement being planned."""

    def __init__(self) -> None:
        self.entries: dict[tuple[int, str | None, str | None], Required] = {}
        self.check_as: str | None = None  # set while planning a view's query

    def relation(self, oid: int) -> Required:
        key = (oid, self.check_as, None)
        entry = self.entries.get(key)
        if entry is None:
            entry = self.entries[key] = Required(oid, self.check_as)
        return entry

    def schema(self, name: str) -> None:
        key = (0, self.check_as, name)
        if key not in self.entries:
            self.entries[key] = Required(0, self.check_as, schema=name)

    def superuser_only(self, what: str) -> None:
        key = (-1, self.check_as, what)
        if key not in self.entries:
            self.entries[key] = Required(-1, self.check_as, superuser_only=what)

    def routine(self, oid: int) -> None:
        """A user function inlined into the plan: its EXECUTE is checked at each run, as a call's is."""
        key = (oid, self.check_as, "routine")
        if key not in self.entries:
            self.entries[key] = Required(oid, self.check_as, routine=True)

    def frozen(self) -> tuple[Required, ...]:
        return tuple(self.entries.values())
