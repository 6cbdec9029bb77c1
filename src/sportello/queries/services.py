"""Services as the widget sees them: only those someone can take right now."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.model import Medium
from sportello.domain.opening_hours import is_open
from sportello.domain.origins import site_origin_ok
from sportello.errors import NotFoundError
from sportello.routing.busy_queue import WhenBusy
from sportello.routing.rules import available_media
from sportello.routing.snapshot import load_agents
from sportello.storage.tables import contacts, services


def service_open(row: Any, now: float) -> bool:
    """Whether the service is within its opening hours now (domain/opening_hours.py)."""
    return is_open(row.opening_hours or [], row.time_zone, row.holidays or [], now)


def service_view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "language": row.language,
        "tags": row.tags,
        "dissuasion_seconds": row.dissuasion_seconds,
        "media": row.media,
        "priority": row.priority,
        "sites": row.sites,
        "dissuasion_message": row.dissuasion_message,
        "enabled": bool(row.enabled),
        "immediate_redirect": bool(row.immediate_redirect),
        "saved_links": list(row.saved_links or []),
        "leave_message": bool(row.leave_message),
        "translation_glossary": list(row.translation_glossary or []),
        "transcript_auto": bool(row.transcript_auto),
        "retention_days": row.retention_days,
        "prechat_fields": list(row.prechat_fields or []),
        "privacy_url": row.privacy_url,
        "invitations": list(row.invitations or []),
        "identity_secret": row.identity_secret,
        "typing_preview": bool(row.typing_preview),
        "when_busy": row.when_busy,
        "queue_max_wait_seconds": row.queue_max_wait_seconds,
        "queue_max_length": row.queue_max_length,
        "opening_hours": list(row.opening_hours or []),
        "time_zone": row.time_zone,
        "holidays": list(row.holidays or []),
        "when_closed": row.when_closed,
    }


async def closed_services(
    conn: AsyncConnection, agent_tags: list[str], now: float
) -> list[dict[str, Any]]:
    """The enabled services an agent qualifies for that are outside their opening hours now
    (the console says so: nothing of theirs is routed meanwhile)."""
    held = set(agent_tags)
    rows = await conn.execute(
        select(
            services.c.id,
            services.c.name,
            services.c.tags,
            services.c.opening_hours,
            services.c.time_zone,
            services.c.holidays,
        )
        .where(services.c.enabled.is_(True))
        .order_by(services.c.priority, services.c.name)
    )
    return [
        {"id": row.id, "name": row.name}
        for row in rows
        if set(row.tags) <= held and not service_open(row, now)
    ]


async def all_services(conn: AsyncConnection) -> list[dict[str, Any]]:
    rows = await conn.execute(select(services).order_by(services.c.priority, services.c.name))
    return [service_view(r) for r in rows]


async def service_sites(conn: AsyncConnection, service_id: int) -> list[str]:
    """The sites allowed to use a service (empty: any)."""
    sites = await conn.scalar(select(services.c.sites).where(services.c.id == service_id))
    if sites is None:
        raise NotFoundError(f"service {service_id} does not exist", service_id=service_id)
    return list(sites)


async def contact_sites(conn: AsyncConnection, contact_id: int) -> list[str]:
    """The sites allowed to use the service of a contact (empty: any)."""
    sites = await conn.scalar(
        select(services.c.sites)
        .join(contacts, contacts.c.service_id == services.c.id)
        .where(contacts.c.id == contact_id)
    )
    if sites is None:
        raise NotFoundError(f"contact {contact_id} does not exist", contact_id=contact_id)
    return list(sites)


async def services_for_site(
    conn: AsyncConnection, origin: str | None, now: float, idle_seconds: int
) -> list[dict[str, Any]]:
    """Services allowed on this site, each with the media someone could take now."""
    agents = await load_agents(conn, now)
    result = []
    for row in await conn.execute(
        select(services).where(services.c.enabled.is_(True)).order_by(services.c.priority)
    ):
        if not site_origin_ok(origin, row.sites):
            continue
        open_now = service_open(row, now)
        if not open_now and row.when_closed == "hide":
            continue
        media = (
            []
            if not open_now
            else available_media(
                frozenset(row.tags),
                [Medium(m) for m in row.media],
                agents,
                now,
                idle_seconds,
                queue_mode=row.when_busy == WhenBusy.QUEUE,
            )
        )
        result.append(
            {
                "id": row.id,
                "name": row.name,
                "language": row.language,
                "media": row.media,
                "available_media": [m.value for m in media],
                "available": bool(media),
                "leave_message": bool(row.leave_message),
                "prechat_fields": list(row.prechat_fields or []),
                "privacy_url": row.privacy_url,
                "invitations": list(row.invitations or []),
                "open": open_now,
            }
        )
    return result
