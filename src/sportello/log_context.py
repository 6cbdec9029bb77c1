"""What a log line is about: the request or connection it was written for, and the contact
and agent once they are known.

A request or a socket begins its own set of fields (``begin``); code that learns who is
asking or which contact is concerned adds to it (``note``), and every line logged in that
task carries them (``ContextFilter``). The fields are one dict shared by reference, so what
a dependency notes is seen by the request's own closing line even where the framework ran
the dependency in a copied context.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

_FIELDS: ContextVar[dict[str, Any] | None] = ContextVar("sportello_log_fields", default=None)

KNOWN = ("request_id", "connection_id", "contact_id", "agent_id")
"""The fields, in the order a readable line shows them."""


def begin(**fields: Any) -> dict[str, Any]:
    """Start the fields of a new request or connection (in the current task)."""
    started = {k: v for k, v in fields.items() if v is not None}
    _FIELDS.set(started)
    return started


def note(**fields: Any) -> None:
    """Add what just became known (an agent signed in, a contact named) to the current set."""
    current = _FIELDS.get()
    if current is not None:
        current.update({k: v for k, v in fields.items() if v is not None})


def current() -> dict[str, Any]:
    return dict(_FIELDS.get() or {})


class ContextFilter(logging.Filter):
    """Puts the current fields on every record as ``record.context``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "context"):
            record.context = current()
        return True
