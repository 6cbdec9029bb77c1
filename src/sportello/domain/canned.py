"""Canned replies' rules: shortcuts, placeholders and how a reply reads for one contact."""

from __future__ import annotations

import re

SHORTCUT = re.compile(r"^[a-z0-9_-]{1,32}$")
"""What follows ``/`` in the composer: lower-case letters, digits, ``_`` and ``-``."""
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
PLACEHOLDERS = ("visitor_name", "agent_name", "service")
"""Filled from the contact when the reply is listed for it (see ``filled``)."""


def unknown_placeholders(text: str) -> list[str]:
    """The ``{names}`` in ``text`` that are not placeholders, in order of appearance."""
    return list(dict.fromkeys(n for n in PLACEHOLDER.findall(text) if n not in PLACEHOLDERS))


def filled(text: str, link_url: str, values: dict[str, str]) -> str:
    """The reply as the agent inserts it: placeholders replaced, its link on a last line."""
    body = PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)
    return f"{body}\n{link_url}" if link_url else body


def first_name(display_name: str) -> str:
    parts = display_name.split()
    return parts[0] if parts else ""
