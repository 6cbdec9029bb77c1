"""What the transfer dialog lists: agents with status and load, groups with who is available.

"Can take it now" is the routing rule itself (``routing/rules.py``): ready, a live console
with the medium on, the service's tags, and room for the contact's weight."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from sportello.domain.model import AgentSnapshot, Medium, PendingContact
from sportello.queries.agents import all_agents
from sportello.routing.rules import FULL_LOAD, agent_load, group_member, is_eligible
from sportello.routing.snapshot import load_agents
from sportello.storage.tables import services, transfer_groups

_EPSILON = 1e-9


def free_chat_slots(agent: AgentSnapshot, load: float) -> int:
    return max(0, math.floor((FULL_LOAD - load) * agent.chat_limit + _EPSILON))


async def transfer_targets(
    conn: AsyncConnection, holder_id: int, row: Any, now: float, grace: float, idle: int
) -> dict[str, Any]:
    tags = await conn.scalar(select(services.c.tags).where(services.c.id == row.service_id))
    probe = PendingContact(
        id=row.id,
        service_tags=frozenset(tags or []),
        medium=Medium(row.medium),
        priority=row.priority,
        created_at=row.created_at,
    )
    views = await all_agents(conn, now, grace, colleagues_only=True)
    snapshots = {a.id: a for a in await load_agents(conn, now)}
    loads = {a.id: agent_load(a, now, idle) for a in snapshots.values()}
    # Presence is read once (``views``): an agent it shows reconnecting cannot take the
    # contact, even if their last console's close committed between the two reads.
    reconnecting = {view["id"] for view in views if view["reconnecting"]}
    can_take = {
        i for i, a in snapshots.items() if i not in reconnecting and is_eligible(a, probe, loads[i])
    }
    qualified = {
        i for i, a in snapshots.items() if is_eligible(a, probe, loads[i], ignore_capacity=True)
    }
    agents_out = [
        {
            "id": view["id"],
            "display_name": view["display_name"],
            "nickname": view["nickname"],
            "status": view["status"],
            "reconnecting": view["reconnecting"],
            "load": round(loads[view["id"]], 4),
            "chat_limit": view["chat_limit"],
            "can_take": view["id"] in can_take,
            "qualified": view["id"] in qualified,
        }
        for view in views
        if view["id"] != holder_id
    ]
    groups_out = []
    rows = await conn.execute(
        select(transfer_groups).order_by(transfer_groups.c.priority, transfer_groups.c.name)
    )
    for group in rows:
        members = [
            a
            for a in snapshots.values()
            if a.id != holder_id and group_member(a.tags, group.tags, group.match_all)
        ]
        available = [a for a in members if a.id in can_take]
        groups_out.append(
            {
                "id": group.id,
                "name": group.name,
                "priority": group.priority,
                "members": len(members),
                "available_agents": len(available),
                "free_chat_slots": sum(free_chat_slots(a, loads[a.id]) for a in available),
                "can_take": bool(available),
                "qualified": any(a.id in qualified for a in members),
            }
        )
    return {"contact_id": row.id, "agents": agents_out, "groups": groups_out}
