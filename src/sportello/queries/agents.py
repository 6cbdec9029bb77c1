"""Agent state as consoles and supervisors see it (presence is derived, never stored)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.model import AgentStatus
from sportello.queries.contacts import HOLDING
from sportello.routing.snapshot import SESSION_STALE_SECONDS
from sportello.storage.tables import agents, console_sessions, contacts


def presence(
    status: str, live_sessions: int, away_since: float | None, now: float, grace: float
) -> AgentStatus:
    """The chosen READY/PAUSED while a console is live or within the reconnect grace period
    after the last one closed; DISCONNECTED after that."""
    if live_sessions > 0:
        return AgentStatus(status)
    if away_since is not None and now - away_since < grace:
        return AgentStatus(status)
    return AgentStatus.DISCONNECTED


async def live_session_counts(conn: AsyncConnection, now: float) -> dict[int, int]:
    rows = await conn.execute(
        select(console_sessions.c.agent_id).where(
            console_sessions.c.connections > 0,
            console_sessions.c.heartbeat_at >= now - SESSION_STALE_SECONDS,
        )
    )
    counts: dict[int, int] = {}
    for row in rows:
        counts[row.agent_id] = counts.get(row.agent_id, 0) + 1
    return counts


def agent_view(row: Any, live: int, now: float, grace: float) -> dict[str, Any]:
    return {
        "id": row.id,
        "login": row.login,
        "display_name": row.display_name,
        "nickname": row.nickname,
        "avatar_url": row.avatar_url,
        "languages": row.languages,
        "tags": row.tags,
        "chat_limit": row.chat_limit,
        "voice_allowed": bool(row.voice_allowed),
        "video_allowed": bool(row.video_allowed),
        "role": row.role,
        "enabled": bool(row.enabled),
        "ui_language": row.ui_language,
        "chosen_status": row.status,
        "status": presence(row.status, live, row.away_since, now, grace).value,
        "reconnecting": live == 0 and row.away_since is not None and now - row.away_since < grace,
        "live_sessions": live,
    }


def session_view(row: Any) -> dict[str, Any]:
    """A console session's media switches."""
    return {
        "id": row.id,
        "chat": bool(row.chat_on),
        "voice": bool(row.voice_on),
        "video": bool(row.video_on),
    }


async def agent_state(
    conn: AsyncConnection, agent_id: int, now: float, grace: float
) -> dict[str, Any]:
    row = (await conn.execute(select(agents).where(agents.c.id == agent_id))).one()
    live = (await live_session_counts(conn, now)).get(agent_id, 0)
    return agent_view(row, live, now, grace)


async def all_agents(
    conn: AsyncConnection, now: float, grace: float, *, colleagues_only: bool = False
) -> list[dict[str, Any]]:
    """Every account (the admin's list), or with ``colleagues_only`` the enabled ones: a
    disabled account is listed nowhere an agent is chosen or watched."""
    counts = await live_session_counts(conn, now)
    query = select(agents).order_by(agents.c.display_name)
    if colleagues_only:
        query = query.where(agents.c.enabled.is_(True))
    rows = await conn.execute(query)
    return [agent_view(row, counts.get(row.id, 0), now, grace) for row in rows]


async def holding_counts(conn: AsyncConnection) -> dict[int, int]:
    """How many contacts each agent holds now (what disabling them would hand back)."""
    rows = await conn.execute(
        select(contacts.c.agent_id, func.count())
        .where(contacts.c.state.in_(HOLDING), contacts.c.agent_id.is_not(None))
        .group_by(contacts.c.agent_id)
    )
    return {int(agent_id): int(count) for agent_id, count in rows}


async def agent_id_by_login(conn: AsyncConnection, login: str) -> int | None:
    found = await conn.scalar(select(agents.c.id).where(agents.c.login == login))
    return None if found is None else int(found)
