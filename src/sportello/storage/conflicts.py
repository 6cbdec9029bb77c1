"""A write the database ended to break a lock cycle with another, as the error the client
gets: it may simply send the same request or frame again (same client id)."""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError

from sportello.errors import WriteConflictError

CONFLICT_STATES = {"40P01", "40001"}
"""PostgreSQL's deadlock_detected and serialization_failure: the write was rolled back."""


def write_conflict(exc: DBAPIError) -> WriteConflictError | None:
    """The ``write_conflict`` error ``exc`` stands for, or None for any other failure."""
    if getattr(exc.orig, "sqlstate", None) not in CONFLICT_STATES:
        return None
    return WriteConflictError(
        "another write held what this one needed; nothing was written, send it again",
        retry_after=1,
    )
