"""The one error the operations commands report: a message for the operator, exit code 1."""

from __future__ import annotations


class OpsError(Exception):
    """An operation failed or was refused; the message says what and where."""
