"""A contact's times, as SQL expressions over its recorded timestamps (UNIX seconds)."""

from __future__ import annotations

from sqlalchemy import and_, case

from sportello.storage.tables import contacts

WAIT = case(
    (contacts.c.assigned_at.is_not(None), contacts.c.assigned_at - contacts.c.created_at),
    (contacts.c.closed_at.is_not(None), contacts.c.closed_at - contacts.c.created_at),
    else_=None,
)
"""How long the visitor waited: until an agent took it, or until it ended unanswered."""

HANDLING = case(
    (
        and_(contacts.c.assigned_at.is_not(None), contacts.c.closed_at.is_not(None)),
        contacts.c.closed_at - contacts.c.assigned_at,
    ),
    else_=None,
)
"""From the agent taking it to its end (None while in progress or never answered)."""
