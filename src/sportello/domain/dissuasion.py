"""A service's dissuasion message as the widget gets it."""

from __future__ import annotations

LEGACY_DEFAULT = "Sorry, all our agents are busy right now. Please leave us a message."
"""What services created before the widget spoke other languages were given when their
administrator wrote nothing: an English sentence that nobody wrote for them."""


def dissuasion_for_visitor(stored: str | None) -> str:
    """What the service's administrator wrote, or "" when they wrote nothing: the widget then
    says its own sentence, in the visitor's language (docs/protocol.md, ``contact.dissuaded``)."""
    text = (stored or "").strip()
    return "" if text == LEGACY_DEFAULT else text
