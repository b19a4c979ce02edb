"""Django's postgresql backend, unchanged but for the collations Django's own tests name for a
non-default collation: "sv-x-icu" (an ICU collation) becomes "POSIX". model_fields and inspectdb
declare a column with it in their models, so every run that sets those apps up would stop at
CREATE TABLE on a server without that collation; orbitdb orders text bytewise and has only the
"C"/"POSIX" collations. The harness uses this backend against orbitdb and PostgreSQL 15 alike."""

from __future__ import annotations

from typing import ClassVar

from django.db.backends.postgresql import base, features


class DatabaseFeatures(features.DatabaseFeatures):
    test_collations: ClassVar[dict[str, str]] = {**features.DatabaseFeatures.test_collations, "non_default": "POSIX", "virtual": "POSIX"}


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
