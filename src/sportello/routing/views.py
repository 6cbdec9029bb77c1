"""The waiting-area entry: exactly the fields an agent may see before accepting."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.storage.tables import contacts, services

WAITING_COLUMNS = (
    contacts.c.id,
    contacts.c.state,
    contacts.c.medium,
    contacts.c.priority,
    contacts.c.visitor_name,
    contacts.c.visitor_country,
    contacts.c.returning_visitor,
    contacts.c.site,
    contacts.c.created_at,
    contacts.c.dissuade_at,
    contacts.c.offered_to,
    contacts.c.starred,
    services.c.id.label("service_id"),
    services.c.name.label("service_name"),
    services.c.language.label("service_language"),
)


def entry_from_row(row: Any) -> dict[str, Any]:
    return {
        "contact_id": row.id,
        "state": row.state,
        "medium": row.medium,
        "priority": row.priority,
        "visitor_name": row.visitor_name,
        "visitor_country": row.visitor_country,
        "new_visitor": not row.returning_visitor,
        "site": row.site,
        "created_at": row.created_at,
        "dissuade_at": row.dissuade_at,
        "offered_to": list(row.offered_to),
        "starred": bool(row.starred),
        "service_id": row.service_id,
        "service_name": row.service_name,
        "service_language": row.service_language,
        "transfer": None,
    }


async def waiting_entries(conn: AsyncConnection, ids: list[int]) -> dict[int, dict[str, Any]]:
    rows = await conn.execute(
        select(*WAITING_COLUMNS)
        .join(services, services.c.id == contacts.c.service_id)
        .where(contacts.c.id.in_(ids))
    )
    return {row.id: entry_from_row(row) for row in rows}


async def waiting_for_agent(conn: AsyncConnection, agent_id: int) -> list[dict[str, Any]]:
    """The current waiting area of one agent, in queue order."""
    rows = await conn.execute(
        select(*WAITING_COLUMNS)
        .join(services, services.c.id == contacts.c.service_id)
        .where(contacts.c.state == "pending")
        .order_by(contacts.c.priority, contacts.c.created_at, contacts.c.id)
    )
    return [entry_from_row(row) for row in rows if agent_id in (row.offered_to or [])]
