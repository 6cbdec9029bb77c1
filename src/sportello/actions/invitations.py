"""Proactive invitations, as facts: each invitation a widget showed, and each a visitor
accepted, is a durable row the reports count (reports/invitations.py)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import insert, select

from sportello.actions.context import Ctx
from sportello.errors import NotFoundError
from sportello.storage.tables import invitation_events, services

Admit = Callable[[list[str]], None]
"""The caller's check of the request's site against the service's (``origin_rejected``)."""


async def do_record_invitation(
    ctx: Ctx, *, service_id: int, visitor_id: str, rule: int, kind: str, admit: Admit
) -> None:
    """``kind`` is ``shown`` or ``accepted``. The service must be enabled and have that rule
    (``not_found`` otherwise), and ``admit`` the service's sites."""
    async with ctx.transaction() as (conn, _writer):
        service = (
            await conn.execute(
                select(services.c.enabled, services.c.sites, services.c.invitations).where(
                    services.c.id == service_id
                )
            )
        ).first()
        if service is None or not service.enabled:
            raise NotFoundError(f"service {service_id} does not exist", service_id=service_id)
        admit(list(service.sites))
        if rule >= len(service.invitations or []):
            raise NotFoundError(f"service {service_id} has no invitation rule {rule}", rule=rule)
        await conn.execute(
            insert(invitation_events).values(
                service_id=service_id,
                rule=rule,
                kind=kind,
                visitor_id=visitor_id,
                at=ctx.clock.now(),
            )
        )
