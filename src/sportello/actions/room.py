"""The chat limit, held inside the accepting transaction (issue 20 item 3).

Offers are planned by a routing pass after each commit, so an offer can be a moment stale:
two accepts queued one behind the other both saw room. The accept therefore counts the
agent's load again inside its own transaction, after taking the agent's row lock on
PostgreSQL (SQLite has one writer at a time, across processes too), so of two concurrent
accepts that together would pass the limit exactly one succeeds.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.model import Medium
from sportello.errors import AtLimitError
from sportello.routing.rules import agent_load, has_room
from sportello.routing.snapshot import load_agents
from sportello.storage.tables import agents


async def check_room(
    conn: AsyncConnection,
    agent_id: int,
    contact_id: int,
    medium: Medium,
    now: float,
    idle_seconds: int,
) -> None:
    """Refuse with ``at_limit`` unless the agent has room for a contact of this medium now."""
    lock = select(agents.c.id).where(agents.c.id == agent_id)
    if conn.dialect.name == "postgresql":
        lock = lock.with_for_update()
    await conn.execute(lock)
    snapshot = await load_agents(conn, now, only=[agent_id])
    if not snapshot:
        return  # a disabled account: the offer check refuses it
    (agent,) = snapshot
    if not has_room(agent_load(agent, now, idle_seconds), medium, agent.chat_limit):
        raise AtLimitError(
            "you are at your chat limit; end a chat to take this one", contact_id=contact_id
        )
