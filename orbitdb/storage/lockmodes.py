"""PostgreSQL's lock modes and their conflict tables (documentation chapter 13.3).

Table-level modes also serve advisory locks (ShareLock / ExclusiveLock) and the
exclusive internal locks (write intents on keys, catalog objects and names).
Row-level modes are the four of SELECT ... FOR KEY SHARE / SHARE / NO KEY UPDATE /
UPDATE. A mode is a small int; a set of modes is a bit mask (bit 1 << mode)."""

from __future__ import annotations

# table-level modes
ACCESS_SHARE = 1
ROW_SHARE = 2
ROW_EXCLUSIVE = 3
SHARE_UPDATE_EXCLUSIVE = 4
SHARE = 5
SHARE_ROW_EXCLUSIVE = 6
EXCLUSIVE = 7
ACCESS_EXCLUSIVE = 8

# row-level modes
FOR_KEY_SHARE = 1
FOR_SHARE = 2
FOR_NO_KEY_UPDATE = 3
FOR_UPDATE = 4


def _mask(*modes: int) -> int:
    m = 0
    for mode in modes:
        m |= 1 << mode
    return m


_ALL_TABLE = _mask(*range(1, 9))
TABLE_CONFLICTS = [
    0,
    _mask(ACCESS_EXCLUSIVE),
    _mask(EXCLUSIVE, ACCESS_EXCLUSIVE),
    _mask(SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE),
    _mask(SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE),
    _mask(ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE),
    _mask(ROW_EXCLUSIVE, SHARE_UPDATE_EXCLUSIVE, SHARE, SHARE_ROW_EXCLUSIVE, EXCLUSIVE, ACCESS_EXCLUSIVE),
    _ALL_TABLE & ~_mask(ACCESS_SHARE),
    _ALL_TABLE,
]

ROW_CONFLICTS = [
    0,
    _mask(FOR_UPDATE),
    _mask(FOR_NO_KEY_UPDATE, FOR_UPDATE),
    _mask(FOR_SHARE, FOR_NO_KEY_UPDATE, FOR_UPDATE),
    _mask(FOR_KEY_SHARE, FOR_SHARE, FOR_NO_KEY_UPDATE, FOR_UPDATE),
]

TABLE_MODE_NAMES = [
    "",
    "AccessShareLock",
    "RowShareLock",
    "RowExclusiveLock",
    "ShareUpdateExclusiveLock",
    "ShareLock",
    "ShareRowExclusiveLock",
    "ExclusiveLock",
    "AccessExclusiveLock",
]

ROW_MODE_NAMES = ["", "ForKeyShare", "ForShare", "ForNoKeyUpdate", "ForUpdate"]

# LOCK TABLE ... IN <words> MODE
TABLE_MODE_BY_WORDS = {
    "ACCESS SHARE": ACCESS_SHARE,
    "ROW SHARE": ROW_SHARE,
    "ROW EXCLUSIVE": ROW_EXCLUSIVE,
    "SHARE UPDATE EXCLUSIVE": SHARE_UPDATE_EXCLUSIVE,
    "SHARE": SHARE,
    "SHARE ROW EXCLUSIVE": SHARE_ROW_EXCLUSIVE,
    "EXCLUSIVE": EXCLUSIVE,
    "ACCESS EXCLUSIVE": ACCESS_EXCLUSIVE,
}
