"""The messages visitors left, as far as the reader's scope goes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.principals import AgentPrincipal
from sportello.domain.scope import supervises
from sportello.storage.tables import agents, services, visitor_messages_left


async def left_messages_for(conn: AsyncConnection, reader: AgentPrincipal) -> list[dict[str, Any]]:
    """Newest first: an admin sees all; a supervisor those of the services they supervise
    and those left without a service (no tag restricts them)."""
    agent_tags = await conn.scalar(select(agents.c.tags).where(agents.c.id == reader.id)) or []
    in_scope = {
        int(row.id)
        for row in await conn.execute(select(services.c.id, services.c.tags))
        if supervises(reader.role, agent_tags, row.tags)
    }
    rows = await conn.execute(
        select(visitor_messages_left).order_by(visitor_messages_left.c.id.desc())
    )
    return [dict(r._mapping) for r in rows if r.service_id is None or int(r.service_id) in in_scope]
