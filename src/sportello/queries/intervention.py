"""Who may step into a contact in progress (a supervisor of its service, or an admin), and
who has joined it (barge-in)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.principals import AgentPrincipal
from sportello.domain.scope import supervises
from sportello.errors import NotSupervisingError
from sportello.storage.tables import agents, services, supervisor_joins


async def check_supervises(conn: AsyncConnection, reader: AgentPrincipal, row: Any) -> None:
    """``not_supervising`` unless the reader supervises the contact's service."""
    if not reader.is_supervisor:
        raise NotSupervisingError(
            "only supervisors may join or take over a conversation", contact_id=row.id
        )
    agent_tags = await conn.scalar(select(agents.c.tags).where(agents.c.id == reader.id))
    service_tags = await conn.scalar(select(services.c.tags).where(services.c.id == row.service_id))
    if not supervises(reader.role, agent_tags or [], service_tags or []):
        raise NotSupervisingError(
            "this contact's service is supervised by others", contact_id=row.id
        )


async def open_join(conn: AsyncConnection, contact_id: int, agent_id: int) -> Any:
    """The supervisor's join of this contact that has not ended, or None."""
    return (
        await conn.execute(
            select(supervisor_joins).where(
                supervisor_joins.c.contact_id == contact_id,
                supervisor_joins.c.agent_id == agent_id,
                supervisor_joins.c.left_at.is_(None),
            )
        )
    ).first()


async def joined_supervisors(conn: AsyncConnection, contact_id: int) -> list[dict[str, Any]]:
    """The supervisors in the conversation now, in the order they joined."""
    rows = await conn.execute(
        select(agents.c.id, agents.c.display_name, agents.c.nickname, agents.c.avatar_url)
        .join(supervisor_joins, supervisor_joins.c.agent_id == agents.c.id)
        .where(supervisor_joins.c.contact_id == contact_id, supervisor_joins.c.left_at.is_(None))
        .order_by(supervisor_joins.c.id)
    )
    return [
        {
            "id": r.id,
            "display_name": r.display_name,
            "nickname": r.nickname,
            "avatar_url": r.avatar_url,
        }
        for r in rows
    ]
