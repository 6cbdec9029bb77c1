"""What /metrics reads from the database: the deployment's state, the same from every process."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.queries.agents import live_session_counts, presence
from sportello.storage.tables import agents, contacts, services

OPEN_STATES = ("pending", "assigned", "transferring")

_UNINDEXED = text(
    "SELECT count(*) FROM messages "
    "WHERE id > (SELECT message_id FROM messages_fts_position WHERE id = 1)"
)


@dataclass(frozen=True)
class OpenContacts:
    service: str
    state: str
    count: int
    oldest_created_at: float


async def open_contacts(conn: AsyncConnection) -> list[OpenContacts]:
    """Contacts waiting or in progress, per service and state, with the oldest one's start."""
    rows = await conn.execute(
        select(
            services.c.name,
            contacts.c.state,
            func.count(),
            func.min(contacts.c.created_at),
        )
        .join(services, services.c.id == contacts.c.service_id)
        .where(contacts.c.state.in_(OPEN_STATES))
        .group_by(services.c.name, contacts.c.state)
    )
    return [OpenContacts(name, state, count, oldest) for name, state, count, oldest in rows]


async def agents_by_status(conn: AsyncConnection, now: float, grace: float) -> Counter[str]:
    """Enabled agents by what their colleagues see: READY, PAUSED or DISCONNECTED."""
    live = await live_session_counts(conn, now)
    counts: Counter[str] = Counter()
    rows = await conn.execute(
        select(agents.c.id, agents.c.status, agents.c.away_since).where(agents.c.enabled)
    )
    for agent_id, status, away_since in rows:
        counts[presence(status, live.get(agent_id, 0), away_since, now, grace).value] += 1
    return counts


async def unindexed_messages(conn: AsyncConnection) -> int | None:
    """Messages the transcript search index has not taken in yet (SQLite only; else None)."""
    if conn.dialect.name != "sqlite":
        return None
    return int(await conn.scalar(_UNINDEXED) or 0)
