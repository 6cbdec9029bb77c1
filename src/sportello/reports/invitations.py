"""Proactive invitations in the reports: how many were shown and accepted per service in a
period, counted from the durable rows (actions/invitations.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.reports.scope import ReportScope
from sportello.storage.tables import invitation_events, services


async def invitation_counts(
    conn: AsyncConnection, scope: ReportScope, since: float, until: float
) -> list[dict[str, Any]]:
    """Per service the reader's reports cover (admins: all; supervisors: theirs; agents:
    none — an invitation is no contact of theirs), by service name."""
    if not scope.everything and not scope.service_ids:
        return []
    shown = func.sum(case((invitation_events.c.kind == "shown", 1), else_=0))
    accepted = func.sum(case((invitation_events.c.kind == "accepted", 1), else_=0))
    query = (
        select(
            services.c.id,
            services.c.name,
            shown.label("shown"),
            accepted.label("accepted"),
        )
        .select_from(invitation_events)
        .join(services, services.c.id == invitation_events.c.service_id)
        .where(invitation_events.c.at >= since, invitation_events.c.at < until)
        .group_by(services.c.id, services.c.name)
        .order_by(services.c.name)
    )
    if not scope.everything:
        query = query.where(services.c.id.in_(sorted(scope.service_ids)))
    return [
        {
            "service": {"id": r.id, "name": r.name},
            "shown": int(r.shown or 0),
            "accepted": int(r.accepted or 0),
        }
        for r in await conn.execute(query)
    ]
