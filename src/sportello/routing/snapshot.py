"""Reading the routing snapshot (agents, live sessions, loads, pending contacts) from storage."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.model import (
    ActiveContact,
    AgentSnapshot,
    AgentStatus,
    ContactState,
    Medium,
    PendingContact,
)
from sportello.storage.tables import agents, console_sessions, contacts, services

SESSION_STALE_SECONDS = 45.0
"""A console session whose node has not refreshed it for this long is not live."""

HOLDING_STATES = (ContactState.ASSIGNED.value, ContactState.TRANSFERRING.value)
WAITING_STATES = (ContactState.PENDING.value,)


async def load_agents(conn: AsyncConnection, now: float) -> list[AgentSnapshot]:
    sessions: dict[int, list[Any]] = defaultdict(list)
    rows = await conn.execute(
        select(console_sessions).where(
            console_sessions.c.connections > 0,
            console_sessions.c.heartbeat_at >= now - SESSION_STALE_SECONDS,
        )
    )
    for row in rows:
        sessions[row.agent_id].append(row)
    active: dict[int, list[ActiveContact]] = defaultdict(list)
    rows = await conn.execute(
        select(
            contacts.c.agent_id,
            contacts.c.medium,
            contacts.c.last_message_at,
            contacts.c.assigned_at,
        ).where(contacts.c.state.in_(HOLDING_STATES), contacts.c.agent_id.is_not(None))
    )
    for row in rows:
        active[row.agent_id].append(
            ActiveContact(
                medium=Medium(row.medium),
                last_message_at=row.last_message_at,
                started_at=row.assigned_at or now,
            )
        )
    result = []
    for row in await conn.execute(select(agents)):
        live = sessions.get(row.id, [])
        media: set[Medium] = set()
        for s in live:
            if s.chat_on:
                media.add(Medium.CHAT)
            if s.voice_on:
                media.add(Medium.VOICE)
            if s.video_on:
                media.add(Medium.VIDEO)
        result.append(
            AgentSnapshot(
                id=row.id,
                tags=frozenset(row.tags),
                status=AgentStatus(row.status),
                chat_limit=row.chat_limit,
                voice_allowed=bool(row.voice_allowed),
                video_allowed=bool(row.video_allowed),
                live_sessions=len(live),
                media_on=frozenset(media),
                active_contacts=tuple(active.get(row.id, ())),
            )
        )
    return result


async def load_pending(conn: AsyncConnection) -> list[PendingContact]:
    rows = await conn.execute(
        select(
            contacts.c.id,
            contacts.c.medium,
            contacts.c.priority,
            contacts.c.created_at,
            contacts.c.starred_agent_id,
            contacts.c.requeued_at,
            services.c.tags,
        )
        .join(services, services.c.id == contacts.c.service_id)
        .where(contacts.c.state.in_(WAITING_STATES))
    )
    return [
        PendingContact(
            id=row.id,
            service_tags=frozenset(row.tags),
            medium=Medium(row.medium),
            priority=row.priority,
            created_at=row.created_at,
            starred_agent_id=row.starred_agent_id,
            requeued=row.requeued_at is not None,
        )
        for row in rows
    ]
