"""Access control lists as PostgreSQL keeps them: a list of aclitem texts
"grantee=privileges/grantor" (grantee empty for PUBLIC, a `*` after a privilege letter for its
grant option), None meaning the object's default (acldefault: its owner holds every privilege
of the kind, PUBLIC some for functions, types and databases).

Roles are named in the items (the catalog names owners too), so an item survives a restart
and reads the same in every database of a cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

# the letters in the order aclitemout prints them, and the privilege each stands for
LETTERS = "arwdDxtXUCTcsA"
PRIVILEGE_LETTER = {
    "INSERT": "a", "SELECT": "r", "UPDATE": "w", "DELETE": "d", "TRUNCATE": "D", "REFERENCES": "x",
    "TRIGGER": "t", "EXECUTE": "X", "USAGE": "U", "CREATE": "C", "TEMPORARY": "T", "TEMP": "T",
    "CONNECT": "c", "SET": "s", "ALTER SYSTEM": "A",
}
LETTER_PRIVILEGE = {v: k for k, v in PRIVILEGE_LETTER.items() if k != "TEMP"}

# what ALL means, and what an owner holds, per kind of object (pg_class relkind-like codes of acldefault)
ALL_FOR_KIND = {"r": "arwdDxt", "s": "rwU", "f": "X", "n": "UC", "T": "U", "d": "CTc", "c": "arwx"}
PUBLIC_DEFAULT = {"f": "X", "T": "U", "d": "Tc"}
KIND_NOUN = {"r": "table", "s": "sequence", "f": "function", "n": "schema", "T": "type", "d": "database",
             "c": "column"}


@dataclass
class AclItem:
    grantee: str  # "" is PUBLIC
    grantor: str
    privileges: str  # letters held
    grantable: str  # letters held with grant option

    def text(self) -> str:
        body = "".join(c + ("*" if c in self.grantable else "") for c in LETTERS if c in self.privileges)
        return f"{_role_text(self.grantee)}={body}/{_role_text(self.grantor)}"


def _role_text(name: str) -> str:
    """A role name as aclitemout writes it: quoted when it holds anything but letters, digits and _."""
    if name == "" or all(c.isalnum() or c == "_" for c in name):
        return name
    return '"' + name.replace('"', '""') + '"'


def _read_role(text: str, i: int, stop: str) -> tuple[str, int]:
    if i < len(text) and text[i] == '"':
        out = []
        i += 1
        while i < len(text):
            if text[i] == '"':
                if i + 1 < len(text) and text[i + 1] == '"':
                    out.append('"')
                    i += 2
                    continue
                return "".join(out), i + 1
            out.append(text[i])
            i += 1
        raise ValueError("unterminated quoted role name")
    j = i
    while j < len(text) and text[j] not in stop:
        j += 1
    return text[i:j], j


def parse_item(text: str) -> AclItem:
    grantee, i = _read_role(text, 0, "=")
    if i >= len(text) or text[i] != "=":
        raise ValueError(f'a name must follow the "=" sign in {text!r}')
    i += 1
    privileges, grantable = [], []
    while i < len(text) and text[i] != "/":
        c = text[i]
        if c not in LETTERS:
            raise ValueError(f'invalid mode character: must be one of "{LETTERS}"')
        privileges.append(c)
        if i + 1 < len(text) and text[i + 1] == "*":
            grantable.append(c)
            i += 1
        i += 1
    grantor = ""
    if i < len(text):
        grantor, _ = _read_role(text, i + 1, "")
    return AclItem(grantee, grantor, "".join(privileges), "".join(grantable))


def default_acl(kind: str, owner: str) -> list[AclItem]:
    items = []
    if kind in PUBLIC_DEFAULT:
        items.append(AclItem("", owner, PUBLIC_DEFAULT[kind], ""))
    if kind in ALL_FOR_KIND and kind != "c":
        items.append(AclItem(owner, owner, ALL_FOR_KIND[kind], ""))
    return items


def items_of(acl: list[str] | None, kind: str, owner: str) -> list[AclItem]:
    """The items of an object's ACL (its default when it has none)."""
    if acl is None:
        return default_acl(kind, owner)
    return [parse_item(t) for t in acl]


def texts(items: list[AclItem]) -> list[str]:
    return [it.text() for it in items if it.privileges]


def held(items: list[AclItem], roles: set[str], with_grant: bool = False) -> str:
    """The privilege letters the roles (one role with those it inherits from, and "" for PUBLIC) hold."""
    out = set()
    for it in items:
        if it.grantee in roles:
            out.update(it.grantable if with_grant else it.privileges)
    return "".join(c for c in LETTERS if c in out)


def grant(items: list[AclItem], grantee: str, grantor: str, letters: str, with_grant: bool) -> list[AclItem]:
    out = [AclItem(i.grantee, i.grantor, i.privileges, i.grantable) for i in items]
    for it in out:
        if it.grantee == grantee and it.grantor == grantor:
            it.privileges = "".join(c for c in LETTERS if c in it.privileges or c in letters)
            if with_grant:
                it.grantable = "".join(c for c in LETTERS if c in it.grantable or c in letters)
            return out
    out.append(AclItem(grantee, grantor, "".join(c for c in LETTERS if c in letters),
                       "".join(c for c in LETTERS if c in letters) if with_grant else ""))
    return out


def revoke(items: list[AclItem], grantee: str, grantor: str | None, letters: str,
           grant_option_only: bool) -> list[AclItem]:
    """Takes letters away from grantee's items (those granted by grantor; None: by anyone)."""
    out = []
    for i in items:
        it = AclItem(i.grantee, i.grantor, i.privileges, i.grantable)
        if it.grantee == grantee and (grantor is None or it.grantor == grantor):
            it.grantable = "".join(c for c in it.grantable if c not in letters)
            if not grant_option_only:
                it.privileges = "".join(c for c in it.privileges if c not in letters)
        if it.privileges:
            out.append(it)
    return out


def rename_role(acl: list[str] | None, old: str, new: str) -> list[str] | None:
    if acl is None:
        return None
    items = [parse_item(t) for t in acl]
    for it in items:
        it.grantee = new if it.grantee == old else it.grantee
        it.grantor = new if it.grantor == old else it.grantor
    return texts(items)


def mentions(acl: list[str] | None, role: str) -> bool:
    if not acl:
        return False
    return any(role in (it.grantee, it.grantor) for it in (parse_item(t) for t in acl))


def without_role(acl: list[str] | None, role: str) -> list[str] | None:
    """The ACL with every item that role is the grantee or grantor of taken out (DROP OWNED)."""
    if acl is None:
        return None
    return texts([it for it in (parse_item(t) for t in acl) if role not in (it.grantee, it.grantor)])
