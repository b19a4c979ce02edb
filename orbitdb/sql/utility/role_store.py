"""The roles made with CREATE ROLE and who is a member of whom (PostgreSQL's pg_authid and
pg_auth_members), kept in one JSON file: `<data-dir>/roles.json` for a server (the roles are the
cluster's, shared by its databases), `<engine-dir>/roles.json` for an embedded database.

    {"format": 1, "roles": {"alice": {"login": true, ...}}, "members": [["readers", "alice", "orbit", false]]}

The users of the server's configuration ([auth.users]), the database owners and every name a
session connected as without being made here are the bootstrap roles: superusers that can log
in, as before roles existed. A role made here is exactly what its options say.

The file is replaced whole and durably before a statement answers; a change made inside a
transaction block is undone if the block rolls back (Session.on_rollback). Passwords are kept
only as SCRAM verifiers or MD5 hashes (password_secrets.py).
"""

from __future__ import annotations

import copy
import json
import os
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from orbitdb.sql.errors import SqlError

ROLES_FILE = "roles.json"
FORMAT = 1


@dataclass
class RoleDef:
    name: str
    superuser: bool = False
    inherit: bool = True
    createrole: bool = False
    createdb: bool = False
    login: bool = False
    replication: bool = False
    bypassrls: bool = False
    connlimit: int = -1
    password: str | None = None  # a SCRAM verifier or an MD5 hash, never clear text
    valid_until: str | None = None  # as given ('infinity' or a timestamp text)
    config: list[str] = field(default_factory=list)  # ALTER ROLE ... SET: "name=value"
    # ALTER ROLE ... IN DATABASE d SET: database name -> "name=value" (over config in that database)
    database_config: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Membership:
    role: str  # the group
    member: str
    grantor: str
    admin_option: bool = False


def _write_atomic(path: str, text: str) -> None:
    """Replaces path (mode 0600) so that a crash leaves the old file or the new one."""
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(os.path.dirname(path) or ".", os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


class RoleStore:
    """The roles in memory and the file they are saved to; every method is thread-safe."""

    def __init__(self, path: str, roles: dict[str, RoleDef], members: list[Membership],
                 write: Callable[[str, str], None] = _write_atomic) -> None:
        self.path = path
        self._roles = roles
        self._members = members
        self._write = write
        self._lock = threading.RLock()
        self.version = 0  # bumped at each change: sessions cache what they derived from it

    @classmethod
    def load(cls, directory: str, write: Callable[[str, str], None] = _write_atomic) -> RoleStore:
        path = os.path.join(directory, ROLES_FILE)
        try:
            with open(path, encoding="utf-8") as f:
                raw = json.load(f)
        except FileNotFoundError:
            return cls(path, {}, [], write)
        except (OSError, ValueError) as exc:
            raise SqlError("XX001", f"could not read the roles {path}: {exc}") from None
        try:
            if raw.get("format") != FORMAT:
                raise ValueError(f"unknown format {raw.get('format')!r}")
            roles = {name: RoleDef(name=name, **{k: v for k, v in attrs.items() if k != "name"})
                     for name, attrs in raw["roles"].items()}
            members = [Membership(*m) for m in raw["members"]]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SqlError("XX001", f"the roles {path} are damaged: {exc}") from None
        return cls(path, roles, members, write)

    # --- reading ------------------------------------------------------------------------------

    def get(self, name: str) -> RoleDef | None:
        with self._lock:
            role = self._roles.get(name)
            return copy.deepcopy(role) if role is not None else None

    def has_roles(self) -> bool:
        return bool(self._roles)

    def names(self) -> list[str]:
        with self._lock:
            return list(self._roles)

    def roles(self) -> list[RoleDef]:
        with self._lock:
            return copy.deepcopy(list(self._roles.values()))

    def memberships(self) -> list[Membership]:
        with self._lock:
            return copy.deepcopy(self._members)

    # --- changing (each saved before it returns; the undo puts the old state back) ---------

    def put(self, role: RoleDef, old_name: str | None = None) -> Callable[[], None]:
        """Creates or replaces a role (old_name: the name it had, for RENAME: memberships follow)."""
        with self._lock:
            before = (copy.deepcopy(self._roles), copy.deepcopy(self._members))
            roles = dict(self._roles)
            members = copy.deepcopy(self._members)
            if old_name is not None and old_name != role.name:
                roles.pop(old_name, None)
                for m in members:
                    m.role = role.name if m.role == old_name else m.role
                    m.member = role.name if m.member == old_name else m.member
                    m.grantor = role.name if m.grantor == old_name else m.grantor
            roles[role.name] = copy.deepcopy(role)
            self._save(roles, members)
            return lambda: self._restore(before)

    def remove(self, name: str) -> Callable[[], None]:
        """Drops a role and its memberships (either side)."""
        with self._lock:
            before = (copy.deepcopy(self._roles), copy.deepcopy(self._members))
            roles = {k: v for k, v in self._roles.items() if k != name}
            members = [m for m in self._members if name not in (m.role, m.member)]
            self._save(roles, members)
            return lambda: self._restore(before)

    def set_members(self, members: list[Membership]) -> Callable[[], None]:
        with self._lock:
            before = (copy.deepcopy(self._roles), copy.deepcopy(self._members))
            self._save(dict(self._roles), copy.deepcopy(members))
            return lambda: self._restore(before)

    def _restore(self, state: tuple[dict[str, RoleDef], list[Membership]]) -> None:
        with self._lock:
            self._save(state[0], state[1])

    def _save(self, roles: dict[str, RoleDef], members: list[Membership]) -> None:
        data = {"format": FORMAT,
                "roles": {name: {k: v for k, v in asdict(r).items() if k != "name"} for name, r in roles.items()},
                "members": [[m.role, m.member, m.grantor, m.admin_option] for m in members]}
        try:
            self._write(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")
        except OSError as exc:
            raise SqlError("58030", f'could not write file "{self.path}": {exc.strerror or exc}') from None
        self._roles = roles
        self._members = members
        self.version += 1
