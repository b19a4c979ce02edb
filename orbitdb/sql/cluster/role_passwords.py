"""The passwords set with ALTER ROLE ... PASSWORD, kept per data dir in
`<data-dir>/role_passwords.json` (0600), PostgreSQL's pg_authid.rolpassword.

    {"format": 1, "roles": {"orbit": "SCRAM-SHA-256$4096:...", "reporting": null}}

Only stored forms are kept (password_secrets.py): never a clear-text password. A role listed
with null has no password (ALTER ROLE ... PASSWORD NULL): password authentication fails for it.
A role listed here wins over the server's configuration ([auth.users]), which stays the
bootstrap for the roles that never had their password changed.

The file is replaced whole and durably (private_files.write_file_atomic) before ALTER ROLE
answers, so a crash leaves the old passwords or the new ones. A file that cannot be read stops
the server rather than falling back to the configured passwords.
"""

from __future__ import annotations

import json
import os
import threading

from orbitdb.sql.cluster.private_files import write_file_atomic
from orbitdb.sql.errors import SqlError
from orbitdb.sql.utility.password_secrets import is_stored_form

PASSWORDS_FILE = "role_passwords.json"
FORMAT = 1


class RolePasswords:
    def __init__(self, path: str, roles: dict[str, str | None]) -> None:
        self.path = path
        self._roles = roles
        self._lock = threading.Lock()

    @classmethod
    def load(cls, data_dir: str) -> RolePasswords:
        path = os.path.join(data_dir, PASSWORDS_FILE)
        try:
            with open(path, encoding="utf-8") as f:
                raw = json.load(f)
        except FileNotFoundError:
            return cls(path, {})
        except (OSError, ValueError) as exc:
            raise SqlError("XX001", f"could not read the role passwords {path}: {exc}") from None
        try:
            if raw.get("format") != FORMAT:
                raise ValueError(f"unknown format {raw.get('format')!r}")
            roles = dict(raw["roles"])
            for name, secret in roles.items():
                if not isinstance(name, str) or not (secret is None or isinstance(secret, str)):
                    raise ValueError(f"bad entry {name!r}")
                if secret is not None and not is_stored_form(secret):
                    raise ValueError(f"the password of role {name!r} is neither a SCRAM verifier nor an MD5 hash")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise SqlError("XX001", f"the role passwords {path} are damaged: {exc}") from None
        return cls(path, roles)

    def lookup(self, role: str) -> tuple[bool, str | None]:
        """(whether a password was set for the role here, the stored form or None for none)."""
        with self._lock:
            if role not in self._roles:
                return False, None
            return True, self._roles[role]

    def roles(self) -> list[str]:
        with self._lock:
            return list(self._roles)

    def set(self, role: str, secret: str | None) -> None:
        """Sets (None: removes) a role's password, on disk before it returns."""
        if secret is not None and not is_stored_form(secret):
            raise ValueError("only a SCRAM verifier or an MD5 hash is stored")
        with self._lock:
            roles = dict(self._roles)
            roles[role] = secret
            data = {"format": FORMAT, "roles": roles}
            write_file_atomic(self.path, json.dumps(data, indent=1, sort_keys=True) + "\n")
            self._roles = roles
