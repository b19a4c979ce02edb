"""Order-preserving ("memcomparable") key encoding: bytewise order of the encoded keys equals
SQL order of the values, so primary-key and index range scans are plain engine range scans.
The encoder is Cython (orbitdb/storage/_keyformat.pyx); FORMAT.md beside this file gives its
bytes for every type.

Each value starts with a tag byte: NULL sorts after every value (PostgreSQL's default NULLS
LAST for ascending order)."""

from __future__ import annotations

try:
    from orbitdb.storage._keyformat import (
        TAG_NEG,
        TAG_NULL,
        TAG_POS,
        TAG_VALUE,
        TAG_ZERO,
        encode_key,
        encode_value,
    )
except ImportError as exc:  # pragma: no cover - a source tree without its extensions built
    raise ImportError(
        "orbitdb's storage codecs (orbitdb.storage._keyformat) are not built: run "
        "`python setup.py build_ext --inplace` in the source tree, or install orbitdb with pip"
    ) from exc

__all__ = ["TAG_NEG", "TAG_NULL", "TAG_POS", "TAG_VALUE", "TAG_ZERO", "encode_key", "encode_value"]
