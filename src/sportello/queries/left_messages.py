"""The messages visitors left, as far as the reader's scope goes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.principals import AgentPrincipal
from sportello.reports.scope import report_scope
from sportello.storage.tables import agents, services, visitor_messages_left

LEFT = visitor_messages_left


@dataclass(frozen=True)
class LeftMessageFilter:
    service_id: int | None = None
    since: float | None = None
    until: float | None = None
    done: bool | None = None


async def scope_clause(conn: AsyncConnection, reader: AgentPrincipal) -> ColumnElement[bool]:
    """An admin reads all; a supervisor those of the services they supervise and those left
    without a service (no tag restricts them); anyone else nothing."""
    scope = await report_scope(conn, reader)
    if scope.everything:
        return true()
    if not reader.is_supervisor:
        return LEFT.c.id.is_(None)
    return or_(LEFT.c.service_id.is_(None), LEFT.c.service_id.in_(sorted(scope.service_ids)))


def _named() -> Select[Any]:
    """Left messages with their service's and marker's names."""
    return (
        select(
            LEFT,
            services.c.name.label("service_name"),
            agents.c.display_name.label("done_by_name"),
        )
        .outerjoin(services, services.c.id == LEFT.c.service_id)
        .outerjoin(agents, agents.c.id == LEFT.c.done_by)
    )


async def _readable(conn: AsyncConnection, reader: AgentPrincipal) -> Select[Any]:
    """The left messages in the reader's scope."""
    return _named().where(await scope_clause(conn, reader))


def left_message_view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "service_id": row.service_id,
        "service_name": row.service_name,
        "contact_id": row.contact_id,
        "name": row.name,
        "email": row.email,
        "text": row.text,
        "site": row.site,
        "created_at": row.created_at,
        "done_at": row.done_at,
        "done_by": None
        if row.done_by is None
        else {"id": row.done_by, "display_name": row.done_by_name},
    }


async def left_messages_for(
    conn: AsyncConnection, reader: AgentPrincipal, wanted: LeftMessageFilter | None = None
) -> list[dict[str, Any]]:
    """Newest first, within the reader's scope and the filter."""
    f = wanted or LeftMessageFilter()
    query = (await _readable(conn, reader)).order_by(LEFT.c.id.desc())
    if f.service_id is not None:
        query = query.where(LEFT.c.service_id == f.service_id)
    if f.since is not None:
        query = query.where(LEFT.c.created_at >= f.since)
    if f.until is not None:
        query = query.where(LEFT.c.created_at < f.until)
    if f.done is not None:
        query = query.where(LEFT.c.done_at.is_not(None) if f.done else LEFT.c.done_at.is_(None))
    return [left_message_view(r) for r in await conn.execute(query)]


async def left_message(conn: AsyncConnection, message_id: int) -> dict[str, Any]:
    """One left message as the events carry it (each reader's stream filters by scope)."""
    row = (await conn.execute(_named().where(LEFT.c.id == message_id))).one()
    return left_message_view(row)


async def left_message_for(
    conn: AsyncConnection, reader: AgentPrincipal, message_id: int
) -> dict[str, Any] | None:
    rows = await conn.execute((await _readable(conn, reader)).where(LEFT.c.id == message_id))
    row = rows.first()
    return None if row is None else left_message_view(row)
