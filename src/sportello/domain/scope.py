"""Who may read what (product.md §3, scope): pure rules, no I/O."""

from __future__ import annotations

from collections.abc import Iterable

from .model import Role


def supervises(role: Role, agent_tags: Iterable[str], service_tags: Iterable[str]) -> bool:
    """An admin supervises every service; a supervisor those whose tags they all hold."""
    if role is Role.ADMIN:
        return True
    return role is Role.SUPERVISOR and set(service_tags) <= set(agent_tags)
