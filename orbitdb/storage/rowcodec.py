"""Row values: rows are tuples by physical column slot, stored in row format 2 (a version
byte, a null bitmap, an offsets table, then the fields; FORMAT.md beside this file) by the
Cython codec orbitdb/storage/_rowformat.pyx. A row shorter than the table (a column added
later) decodes with the missing slots filled from the column's added-default. Rows of format
1 (marshal, before orbitdb 0.2) are still read; `orbitdb upgrade` rewrites them."""

from __future__ import annotations

from orbitdb.storage.storedform import decode_stored, encode_stored

try:
    from orbitdb.storage._rowformat import FORMAT_V1 as _V1
    from orbitdb.storage._rowformat import FORMAT_V2 as _V2
    from orbitdb.storage._rowformat import RowCodec
except ImportError as exc:  # pragma: no cover - a source tree without its extensions built
    raise ImportError(
        "orbitdb's storage codecs (orbitdb.storage._rowformat) are not built: run "
        "`python setup.py build_ext --inplace` in the source tree, or install orbitdb with pip"
    ) from exc

FORMAT_V1 = bytes([_V1])  # the version byte of rows of format 1
FORMAT_V2 = bytes([_V2])

__all__ = ["FORMAT_V1", "FORMAT_V2", "RowCodec", "decode_stored", "encode_stored"]
